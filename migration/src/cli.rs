//! `resplite migrate ...`: the command line over the stages, the tracker and
//! the run registry. A downstream binary that adds stages calls [`main`] with
//! the same arguments (see `examples/custom_stage.rs`).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use tokio::sync::{oneshot, watch};

use crate::context::{Channels, MigrationContext, Options};
use crate::error::{MigrationError, Result};
use crate::progress::ProgressMode;
use crate::registry::{self, SettingsUpdate};
use crate::stage::StageRegistry;
use crate::tracker::{self, TrackerConfig};
use crate::value::display_key;

#[derive(Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct MigrateArgs {
    #[command(subcommand)]
    pub command: Option<MigrateCmd>,
    #[command(flatten)]
    pub run: RunArgs,
}

#[derive(Subcommand, Debug)]
pub enum MigrateCmd {
    /// Run the dirty-key tracker on its own until `stop-tracker` or SIGINT.
    Track(TrackArgs),
    /// Ask a running tracker to stop.
    StopTracker(RunRef),
    /// Print a run's progress and counters.
    Status(RunRef),
    /// Pause a running bulk or delta at its next checkpoint.
    Pause(RunRef),
    /// Let a paused run continue.
    Resume(RunRef),
    /// Stop a run for good at its next checkpoint.
    Abort(RunRef),
    /// Change settings of a run, also while it runs.
    Set(SetArgs),
}

#[derive(Args, Debug)]
pub struct RunRef {
    /// Destination resplite database file.
    #[arg(long, env = "RESPLITE_DB")]
    pub to: PathBuf,
    #[arg(long)]
    pub run_id: String,
}

#[derive(Args, Debug)]
pub struct TrackArgs {
    #[command(flatten)]
    pub run: RunRef,
    /// Source URL: redis://[user:pass@]host:port[/db] (rediss:// for TLS).
    #[arg(long)]
    pub from: String,
    #[arg(long, value_enum, default_value_t = Channels::Auto)]
    pub channels: Channels,
    /// CA certificate (PEM) that signed a rediss:// source's certificate.
    #[arg(long)]
    pub tls_ca_cert: Option<PathBuf>,
}

#[derive(Args, Debug, Default, Clone)]
pub struct SettingsArgs {
    /// Keys per SCAN step against the source.
    #[arg(long)]
    pub scan_count: Option<usize>,
    /// Pipelines in flight against the source.
    #[arg(long)]
    pub max_concurrency: Option<usize>,
    /// Commands per second sent to the source (0: unlimited).
    #[arg(long)]
    pub max_rps: Option<u64>,
    /// Keys per destination transaction.
    #[arg(long)]
    pub batch_keys: Option<usize>,
    /// Bytes per destination transaction (e.g. 64MB).
    #[arg(long, value_parser = parse_size)]
    pub batch_bytes: Option<u64>,
}

impl SettingsArgs {
    fn update(&self) -> SettingsUpdate {
        SettingsUpdate {
            max_rps: self.max_rps,
            max_concurrency: self.max_concurrency,
            batch_keys: self.batch_keys,
            batch_bytes: self.batch_bytes,
            scan_count: self.scan_count,
        }
    }
}

#[derive(Args, Debug)]
pub struct SetArgs {
    #[command(flatten)]
    pub run: RunRef,
    #[command(flatten)]
    pub settings: SettingsArgs,
}

#[derive(Args, Debug, Default)]
pub struct RunArgs {
    /// Source URL: redis://[user:pass@]host:port[/db] (rediss:// for TLS).
    #[arg(long)]
    pub from: Option<String>,
    /// Destination resplite database file (created if missing); with
    /// `--into`, the file that keeps the run's state.
    #[arg(long, env = "RESPLITE_DB")]
    pub to: Option<PathBuf>,
    /// Export: copy into this Redis or Valkey (redis://host:port[/db])
    /// instead of a resplite file, from a resplite server as `--from`.
    #[arg(long)]
    pub into: Option<String>,
    /// `--into` names a node of a Redis Cluster: keys go to their slots'
    /// primaries (MOVED and ASK followed).
    #[arg(long, requires = "into")]
    pub cluster: bool,
    /// Names this migration; every command of one migration uses the same id.
    #[arg(long)]
    pub run_id: Option<String>,
    /// Stages to run, in order.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "preflight,bulk,delta,verify"
    )]
    pub stages: Vec<String>,
    #[command(flatten)]
    pub settings: SettingsArgs,
    /// Preflight: add the notification classes the tracker needs to the
    /// source's notify-keyspace-events.
    #[arg(long)]
    pub enable_notifications: bool,
    /// The name of CONFIG on the source, if it was renamed.
    #[arg(long, default_value = "CONFIG")]
    pub config_command: String,
    /// Notification channels the tracker listens to.
    #[arg(long, value_enum, default_value_t = Channels::Auto)]
    pub channels: Channels,
    /// CA certificate (PEM) that signed a rediss:// source's certificate
    /// (default: the system's trust store).
    #[arg(long)]
    pub tls_ca_cert: Option<PathBuf>,
    /// Bulk: start over instead of resuming from the checkpoint.
    #[arg(long)]
    pub fresh: bool,
    /// Verify: share of keys compared, e.g. 0.5% or 100%.
    #[arg(long, default_value = "100%", value_parser = parse_fraction)]
    pub sample: f64,
    /// Verify: TTLs this close (ms) count as equal.
    #[arg(long, default_value_t = 2000)]
    pub ttl_tolerance_ms: i64,
    /// Delta: passes over a still-changing source before it stops.
    #[arg(long, default_value_t = 50)]
    pub max_passes: usize,
    /// Progress output.
    #[arg(long, value_enum, default_value_t = ProgressMode::Auto)]
    pub progress: ProgressMode,
    /// Source databases to copy and where: `0:0,1:5` copies database 0 into
    /// 0 and 1 into 5 (default: the URL's database into the same number).
    /// Each pair is its own run, `<run-id>.db<source>`.
    #[arg(long, value_parser = parse_db_map, conflicts_with = "all_databases")]
    pub db_map: Option<DbMap>,
    /// Copy every database of the source that holds keys, each into the same
    /// number (runs `<run-id>.db<N>`).
    #[arg(long)]
    pub all_databases: bool,
}

/// `--db-map`'s pairs (source database, destination database).
#[derive(Debug, Clone)]
pub struct DbMap(pub Vec<(u32, u32)>);

fn parse_db_map(s: &str) -> std::result::Result<DbMap, String> {
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let pair = part
            .split_once(':')
            .and_then(|(a, b)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?)));
        let Some((from, to)) = pair else {
            return Err(format!("'{part}' is not SOURCE:DEST (e.g. 0:0,1:5)"));
        };
        if pairs.iter().any(|(f, t)| *f == from || *t == to) {
            return Err(format!(
                "'{part}': each database may appear once on each side"
            ));
        }
        pairs.push((from, to));
    }
    if pairs.is_empty() {
        return Err("expected SOURCE:DEST pairs (e.g. 0:0,1:5)".into());
    }
    Ok(DbMap(pairs))
}

fn parse_size(s: &str) -> std::result::Result<u64, String> {
    let t = s.trim().to_ascii_uppercase();
    let (num, mult) = [
        ("GB", 1u64 << 30),
        ("MB", 1 << 20),
        ("KB", 1 << 10),
        ("B", 1),
    ]
    .iter()
    .find_map(|(suf, m)| t.strip_suffix(suf).map(|n| (n.trim().to_string(), *m)))
    .unwrap_or((t.clone(), 1));
    num.parse::<u64>()
        .map(|n| n * mult)
        .map_err(|_| format!("'{s}' is not a size (e.g. 64MB)"))
}

fn parse_fraction(s: &str) -> std::result::Result<f64, String> {
    let t = s.trim();
    let v = match t.strip_suffix('%') {
        Some(p) => p.trim().parse::<f64>().map(|p| p / 100.0),
        None => t.parse::<f64>(),
    }
    .map_err(|_| format!("'{s}' is not a share (e.g. 0.5% or 100%)"))?;
    if !(v > 0.0 && v <= 1.0) {
        return Err(format!("'{s}' must be above 0% and at most 100%"));
    }
    Ok(v)
}

/// Runs `resplite migrate ...`; the process exit code.
pub fn main(args: MigrateArgs) -> ExitCode {
    crate::link();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = rt.block_on(dispatch(args));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            match e {
                MigrationError::Interrupted => ExitCode::from(130),
                _ => ExitCode::FAILURE,
            }
        }
    }
}

/// Flips to true on SIGINT or SIGTERM.
fn shutdown_signal() -> watch::Receiver<bool> {
    let (tx, rx) = watch::channel(false);
    tokio::spawn(async move {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let mut term = match signal(SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => return,
            };
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
        let _ = tx.send(true);
    });
    rx
}

async fn dispatch(args: MigrateArgs) -> Result<()> {
    match args.command {
        Some(MigrateCmd::Track(t)) => track(t).await,
        Some(MigrateCmd::StopTracker(r)) => {
            let conn = existing_run(&r)?;
            registry::set_tracker_state(&conn, &r.run_id, "stopping")?;
            println!("asked the tracker of run '{}' to stop", r.run_id);
            Ok(())
        }
        Some(MigrateCmd::Status(r)) => status(&r),
        Some(MigrateCmd::Pause(r)) => control(&r, "paused"),
        Some(MigrateCmd::Resume(r)) => control(&r, "running"),
        Some(MigrateCmd::Abort(r)) => control(&r, "aborted"),
        Some(MigrateCmd::Set(s)) => {
            let conn = existing_run(&s.run)?;
            registry::update_settings(&conn, &s.run.run_id, &s.settings.update())?;
            let now = registry::settings(&conn, &s.run.run_id)?;
            println!(
                "run '{}': scan-count {}, max-concurrency {}, max-rps {}, batch-keys {}, batch-bytes {}",
                s.run.run_id, now.scan_count, now.max_concurrency, now.max_rps, now.batch_keys, now.batch_bytes
            );
            Ok(())
        }
        None => run_stages(args.run).await,
    }
}

fn existing_run(r: &RunRef) -> Result<rusqlite::Connection> {
    if !r.to.exists() {
        return Err(MigrationError::Refused(format!(
            "{} does not exist",
            r.to.display()
        )));
    }
    let conn = registry::open(&r.to)?;
    if registry::get_run(&conn, &r.run_id)?.is_none() {
        return Err(MigrationError::Refused(format!(
            "no run '{}' in {}",
            r.run_id,
            r.to.display()
        )));
    }
    Ok(conn)
}

fn control(r: &RunRef, status: &str) -> Result<()> {
    let conn = existing_run(r)?;
    registry::set_status(&conn, &r.run_id, status)?;
    println!("run '{}' is now {status}", r.run_id);
    Ok(())
}

fn status(r: &RunRef) -> Result<()> {
    let conn = existing_run(r)?;
    let run = registry::get_run(&conn, &r.run_id)?.expect("checked");
    let now = registry::now_ms();
    println!(
        "run {}: {}  (source {})",
        run.run_id, run.status, run.source_uri
    );
    println!(
        "bulk: {}  scanned {} of ~{}  migrated {}  skipped {}  errors {}  bytes {}",
        if run.bulk_done {
            "done".to_string()
        } else {
            format!("cursor {}", run.scan_cursor)
        },
        run.scanned_keys,
        run.estimated_keys,
        run.migrated_keys,
        run.skipped_keys,
        run.error_keys,
        run.migrated_bytes
    );
    let states: Vec<String> = registry::dirty_counts(&conn, &r.run_id)?
        .into_iter()
        .map(|(s, n)| format!("{s} {n}"))
        .collect();
    println!(
        "dirty keys: seen {}  applied {}  deleted {}  now: {}",
        run.dirty_keys_seen,
        run.dirty_keys_applied,
        run.dirty_keys_deleted,
        if states.is_empty() {
            "none".into()
        } else {
            states.join(", ")
        }
    );
    if let Some(keys) = registry::busiest_dirty_line(&conn, &r.run_id)? {
        println!("changing most: {keys}");
    }
    let tracker = match (run.tracker_alive(), run.tracker_heartbeat_at) {
        (true, Some(t)) => format!("running (heartbeat {:.1}s ago)", (now - t) as f64 / 1000.0),
        _ => run
            .tracker_state
            .clone()
            .unwrap_or_else(|| "never started".into())
            .replace("running", "not responding"),
    };
    println!("tracker: {tracker}  gaps pending: {}", run.gaps_pending);
    let s = run.settings;
    println!(
        "settings: scan-count {}  max-concurrency {}  max-rps {}  batch-keys {}  batch-bytes {}",
        s.scan_count, s.max_concurrency, s.max_rps, s.batch_keys, s.batch_bytes
    );
    println!(
        "updated: {:.1}s ago",
        (now - run.updated_at) as f64 / 1000.0
    );
    if let Some(e) = &run.last_error {
        println!("last error: {e}");
    }
    for (at, stage, key, message) in registry::recent_errors(&conn, &r.run_id, 5)? {
        let key = key
            .map(|k| format!(" {}", display_key(&k)))
            .unwrap_or_default();
        println!(
            "  error {:.0}s ago [{stage}]{key}: {message}",
            (now - at) as f64 / 1000.0
        );
    }
    Ok(())
}

async fn track(t: TrackArgs) -> Result<()> {
    let stop = shutdown_signal();
    let config = TrackerConfig {
        from: t.from,
        to: t.run.to,
        run_id: t.run.run_id,
        channels: t.channels,
        tls_ca_cert: t.tls_ca_cert,
    };
    let (ready_tx, ready) = oneshot::channel();
    let task = tokio::spawn(tracker::run(config, stop, Some(ready_tx)));
    if let Ok(Ok(())) = ready.await {
        println!(
            "tracker: recording dirty keys; `resplite migrate stop-tracker` or Ctrl-C stops it"
        );
    }
    task.await
        .map_err(|e| MigrationError::Source(e.to_string()))?
}

/// One database's migration: its run id, source URL and destination database.
struct DbRun {
    run_id: String,
    from: String,
    to_db: u32,
}

/// The runs `--db-map` or `--all-databases` ask for (one by default).
async fn db_runs(a: &RunArgs, run_id: &str, from: &str) -> Result<Vec<DbRun>> {
    let pairs = if a.all_databases {
        let client = crate::source::client_for(from, a.tls_ca_cert.as_deref())?;
        let mut conn = crate::source::connect(&client).await?;
        let info: String = redis::cmd("INFO")
            .arg("keyspace")
            .query_async(&mut conn)
            .await
            .map_err(|e| MigrationError::Source(e.to_string()))?;
        let dbs: Vec<(u32, u32)> = info
            .lines()
            .filter_map(|l| l.strip_prefix("db")?.split(':').next()?.parse().ok())
            .map(|db| (db, db))
            .collect();
        if dbs.is_empty() {
            return Err(MigrationError::Refused(
                "--all-databases: the source holds no keys in any database".into(),
            ));
        }
        dbs
    } else if let Some(map) = &a.db_map {
        map.0.clone()
    } else {
        let db = crate::source::url_db(from).unwrap_or(0);
        return Ok(vec![DbRun {
            run_id: run_id.to_string(),
            from: from.to_string(),
            to_db: db,
        }]);
    };
    Ok(pairs
        .into_iter()
        .map(|(src, dst)| DbRun {
            run_id: format!("{run_id}.db{src}"),
            from: crate::source::with_db(from, src),
            to_db: dst,
        })
        .collect())
}

async fn run_stages(a: RunArgs) -> Result<()> {
    let missing = |what: &str| {
        MigrationError::Refused(format!(
            "--{what} is required (see `resplite migrate --help`)"
        ))
    };
    let from = a.from.clone().ok_or_else(|| missing("from"))?;
    let to = a.to.clone().ok_or_else(|| missing("to"))?;
    let run_id = a.run_id.clone().ok_or_else(|| missing("run-id"))?;
    let stages = StageRegistry::from_inventory()?;
    let names: Vec<&str> = a
        .stages
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    let plan = stages.plan(&names)?;
    // Fail on a bad URL before touching the destination.
    crate::source::client_for(&from, a.tls_ca_cert.as_deref())?;
    let runs = db_runs(&a, &run_id, &from).await?;

    let shutdown = shutdown_signal();
    // Every database's tracker must be listening before any bulk reads its
    // first key: writes to database 1 land while database 0 is copied.
    let mut own_trackers = Vec::new();
    if plan.iter().any(|s| s.needs_tracker()) {
        for run in &runs {
            match start_tracker(&a, &to, run).await {
                Ok(Some(t)) => own_trackers.push(t),
                Ok(None) => {}
                Err(e) => {
                    stop_trackers(own_trackers).await;
                    return Err(e);
                }
            }
        }
    }

    let mut outcome = Ok(());
    'runs: for run in &runs {
        if runs.len() > 1 {
            println!(
                "database {} -> {} (run '{}')",
                crate::source::url_db(&run.from).unwrap_or(0),
                run.to_db,
                run.run_id
            );
        }
        let mut ctx = MigrationContext::new(&run.run_id, &run.from, to.clone(), shutdown.clone());
        ctx.to_db = run.to_db;
        ctx.into = a.into.clone();
        ctx.cluster = a.cluster;
        ctx.tls_ca_cert = a.tls_ca_cert.clone();
        ctx.options = Options {
            enable_notifications: a.enable_notifications,
            config_command: a.config_command.clone(),
            channels: a.channels,
            fresh: a.fresh,
            sample: a.sample,
            ttl_tolerance_ms: a.ttl_tolerance_ms,
            max_passes: a.max_passes.max(1),
            progress: a.progress,
        };
        ctx.settings = a.settings.update();
        if let Err(e) = ctx.apply_cli_settings() {
            outcome = Err(e);
            break;
        }
        for stage in &plan {
            if let Err(e) = stage.run(&mut ctx).await {
                outcome = Err(e);
                break 'runs;
            }
        }
        if names.last() == Some(&"verify") {
            registry::set_status(&registry::open(&to)?, &run.run_id, "completed")?;
        }
    }
    stop_trackers(own_trackers).await;
    outcome
}

type OwnTracker = (watch::Sender<bool>, tokio::task::JoinHandle<Result<()>>);

/// Starts the run's tracker unless one already runs for it (`None` then).
async fn start_tracker(
    a: &RunArgs,
    to: &std::path::Path,
    run: &DbRun,
) -> Result<Option<OwnTracker>> {
    // The registry says who claims to run; the source says who listens.
    let alive = registry::get_run(&registry::open(to)?, &run.run_id)?
        .is_some_and(|r| r.tracker_alive())
        && tracker::subscribed(&run.from, a.tls_ca_cert.as_deref(), &run.run_id).await;
    if alive {
        println!("using the tracker already running for run '{}'", run.run_id);
        return Ok(None);
    }
    let (stop_tx, stop_rx) = watch::channel(false);
    let (ready_tx, ready) = oneshot::channel();
    let config = TrackerConfig {
        from: run.from.clone(),
        to: to.to_path_buf(),
        run_id: run.run_id.clone(),
        channels: a.channels,
        tls_ca_cert: a.tls_ca_cert.clone(),
    };
    let task = tokio::spawn(tracker::run(config, stop_rx, Some(ready_tx)));
    match ready.await {
        Ok(Ok(())) => Ok(Some((stop_tx, task))),
        Ok(Err(e)) => Err(e),
        Err(_) => Err(task
            .await
            .map_err(|e| MigrationError::Source(e.to_string()))?
            .err()
            .unwrap_or(MigrationError::Source("the tracker stopped".into()))),
    }
}

async fn stop_trackers(trackers: Vec<OwnTracker>) {
    for (stop, task) in trackers {
        let _ = stop.send(true);
        if let Ok(Err(e)) = task.await {
            tracing::warn!("tracker: {e}");
        }
    }
}
