//! `resplite`: run the server (`resplite run`) or move a Redis into it
//! (`resplite migrate ...`, from the migration crate).

mod config_file;
mod rdb_file;

use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use resplite_core::engine::PragmaTemplate;
use resplite_core::protocol::Limits;
use resplite_core::{Server, ServerConfig};

#[derive(Parser)]
#[command(
    name = "resplite",
    version,
    about = "A Redis-compatible server whose data lives in one SQLite file"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the server.
    Run(Box<RunArgs>),
    /// Move a live Redis into a resplite database (see the README's guide).
    Migrate(Box<resplite_migration::cli::MigrateArgs>),
    /// Write a consistent, compact copy of a database file, also while a
    /// server is serving it.
    Backup(BackupArgs),
    /// Load an RDB file (redis-server's SAVE) into a database file.
    Import(rdb_file::ImportArgs),
    /// Write a database file's keys as an RDB file redis-server loads.
    Export(rdb_file::ExportArgs),
}

#[derive(clap::Args)]
struct BackupArgs {
    /// Where the copy goes (must not exist).
    dest: PathBuf,
    /// The database file to copy.
    #[arg(long, env = "RESPLITE_DB", default_value = "./resplite.db")]
    db: PathBuf,
}

/// Every flag can also come from its environment variable or from the
/// `--config` file; the command line wins over the environment, which wins
/// over the file.
#[derive(clap::Args)]
struct RunArgs {
    /// TOML file with any of these settings, keyed by flag name
    /// (`port = 6380`, `protected-mode = false`, `disable-command = ["debug"]`,
    /// `rename-command = { config = "c0nf1g" }`).
    #[arg(long, env = "RESPLITE_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// TCP port to listen on (0 = any free port; the chosen one is logged).
    #[arg(long, env = "RESPLITE_PORT", default_value_t = 6379)]
    port: u16,
    /// Address to bind.
    #[arg(long, env = "RESPLITE_BIND", default_value = "127.0.0.1")]
    bind: String,
    /// SQLite database file (created if missing).
    #[arg(long, env = "RESPLITE_DB", default_value = "./resplite.db")]
    db: PathBuf,
    /// SQLite settings: default, performance, safety, minimal, none.
    #[arg(long, env = "RESPLITE_PRAGMA_TEMPLATE", default_value = "default")]
    pragma_template: PragmaTemplate,
    /// Maximum simultaneous clients.
    #[arg(long, env = "RESPLITE_MAXCLIENTS", default_value_t = 10_000)]
    maxclients: usize,
    /// Largest accepted argument, bytes (Redis' proto-max-bulk-len).
    #[arg(long, env = "RESPLITE_PROTO_MAX_BULK_LEN", default_value_t = 512 * 1024 * 1024)]
    proto_max_bulk_len: usize,
    /// Bytes each Lua interpreter may allocate (scripts and functions each
    /// have one); a script past it fails with `not enough memory`. 0: no cap.
    #[arg(long, env = "RESPLITE_LUA_MEMORY_LIMIT", default_value_t = resplite_core::server::DEFAULT_LUA_MEMORY_LIMIT)]
    lua_memory_limit: u64,
    /// Directory of the copy SAVE and BGSAVE write (default: the database's).
    #[arg(long, env = "RESPLITE_DIR")]
    dir: Option<PathBuf>,
    /// File name of a consistent copy of the database that SAVE and BGSAVE
    /// write (as Redis writes its RDB); without it they only checkpoint.
    #[arg(long, env = "RESPLITE_DBFILENAME")]
    dbfilename: Option<String>,
    /// Number of databases (SELECT 0 to N-1), as Redis' `databases`.
    #[arg(long, env = "RESPLITE_DATABASES", default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    databases: u32,
    /// Most arguments in one request.
    #[arg(long, env = "RESPLITE_MAX_MULTIBULK_LEN", default_value_t = 1024 * 1024)]
    max_multibulk_len: usize,
    /// Most unparsed bytes buffered per client (Redis' client-query-buffer-limit).
    #[arg(long, env = "RESPLITE_CLIENT_QUERY_BUFFER_LIMIT", default_value_t = 1024 * 1024 * 1024)]
    client_query_buffer_limit: usize,
    /// Password clients must give with AUTH (or HELLO ... AUTH) before any other
    /// command. Unset: no password, as Redis' default.
    #[arg(long, env = "RESPLITE_REQUIREPASS", hide_env_values = true)]
    requirepass: Option<String>,
    /// Protected mode (yes|no): with no password set, refuse clients that do
    /// not connect from 127.0.0.1 or ::1, with Redis' DENIED explanation.
    #[arg(long, env = "RESPLITE_PROTECTED_MODE", default_value = "yes", value_parser = yes_no, action = clap::ArgAction::Set)]
    protected_mode: bool,
    /// Rename a command: OLD then answers "unknown command" and is listed by
    /// COMMAND as NEW; an empty NEW ("") disables it. Repeatable. The env
    /// variable takes OLD,NEW,OLD2,NEW2...
    #[arg(
        long,
        env = "RESPLITE_RENAME_COMMAND",
        num_args = 2,
        value_names = ["OLD", "NEW"],
        value_delimiter = ',',
        allow_hyphen_values = true,
        action = clap::ArgAction::Append
    )]
    rename_command: Vec<String>,
    /// Disable a command (as --rename-command NAME ""). Repeatable; the env
    /// variable takes a comma-separated list.
    #[arg(
        long,
        env = "RESPLITE_DISABLE_COMMAND",
        value_name = "NAME",
        value_delimiter = ',',
        action = clap::ArgAction::Append
    )]
    disable_command: Vec<String>,
    /// Threads serving connections (the storage thread comes on top). Default:
    /// one per core but one, which the storage thread keeps busy.
    #[arg(long, env = "RESPLITE_THREADS")]
    threads: Option<usize>,
    /// Log format.
    #[arg(long, env = "RESPLITE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
}

fn yes_no(s: &str) -> Result<bool, String> {
    match s.to_ascii_lowercase().as_str() {
        "yes" => Ok(true),
        "no" => Ok(false),
        _ => Err("expected yes or no".into()),
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

fn init_logging(format: LogFormat) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// Parses the command line, then, for `run --config FILE`, again with the
/// file's settings appended for the flags nothing else set.
fn parse() -> Cli {
    let mut argv: Vec<OsString> = std::env::args_os().collect();
    let matches = Cli::command().get_matches_from(&argv);
    if let Some(("run", run)) = matches.subcommand() {
        if let Some(path) = run.get_one::<PathBuf>("config") {
            let command = Cli::command();
            let spec = command.find_subcommand("run").expect("run subcommand");
            match config_file::extra_args(path, spec, run) {
                Ok(extra) if extra.is_empty() => {}
                Ok(extra) => {
                    argv.extend(extra);
                    let matches = Cli::command().get_matches_from(&argv);
                    return Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
                }
                Err(e) => {
                    eprintln!("resplite: {e}");
                    std::process::exit(2);
                }
            }
        }
    }
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

fn main() -> ExitCode {
    let cli = parse();
    match cli.command {
        Cmd::Run(args) => run(*args),
        Cmd::Migrate(args) => {
            init_logging(LogFormat::Text);
            resplite_migration::cli::main(*args)
        }
        Cmd::Backup(args) => report(backup(&args)),
        Cmd::Import(args) => report(rdb_file::import(&args)),
        Cmd::Export(args) => report(rdb_file::export(&args)),
    }
}

/// `--dir`/`--dbfilename`: where SAVE's copy goes, never the database itself.
fn save_copy(args: &RunArgs) -> Result<Option<PathBuf>, String> {
    let Some(name) = &args.dbfilename else {
        return match &args.dir {
            Some(_) => Err("--dir names where --dbfilename's copy goes: give both".into()),
            None => Ok(None),
        };
    };
    if name.is_empty() || name.contains('/') {
        return Err("--dbfilename can't be a path, just a filename".into());
    }
    let db = std::path::absolute(&args.db).unwrap_or_else(|_| args.db.clone());
    let dir = match &args.dir {
        Some(d) => std::path::absolute(d).unwrap_or_else(|_| d.clone()),
        None => db.parent().map(PathBuf::from).unwrap_or_default(),
    };
    if !dir.is_dir() {
        return Err(format!("--dir {} is not a directory", dir.display()));
    }
    let copy = dir.join(name);
    if copy == db {
        return Err("--dbfilename names the database itself; SAVE writes a copy".into());
    }
    Ok(Some(copy))
}

fn report(outcome: Result<String, String>) -> ExitCode {
    match outcome {
        Ok(done) => {
            println!("{done}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("resplite: {e}");
            ExitCode::FAILURE
        }
    }
}

fn backup(args: &BackupArgs) -> Result<String, String> {
    let started = std::time::Instant::now();
    let bytes = resplite_core::engine::sqlite::backup(&args.db, &args.dest)
        .map_err(|e| format!("backup failed: {e}"))?;
    Ok(format!(
        "backup of {} written to {}: {bytes} bytes in {} ms",
        args.db.display(),
        args.dest.display(),
        started.elapsed().as_millis()
    ))
}

fn run(args: RunArgs) -> ExitCode {
    init_logging(args.log_format);
    resplite_commands::link();
    resplite_scripting::link();
    resplite_migration::link();
    let save_copy = match save_copy(&args) {
        Ok(copy) => copy,
        Err(e) => {
            eprintln!("resplite: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut config = ServerConfig::new(args.db);
    config.save_copy = save_copy;
    if let Some(path) = &args.config {
        config.params = match config_file::redis_params(path) {
            Ok(params) => params,
            Err(e) => {
                eprintln!("resplite: {e}");
                return ExitCode::FAILURE;
            }
        };
        config.config_file = Some(std::path::absolute(path).unwrap_or_else(|_| path.clone()));
    }
    config.requirepass = args.requirepass.filter(|p| !p.is_empty());
    config.protected_mode = args.protected_mode;
    config.lua_memory_limit = args.lua_memory_limit;
    config.databases = args.databases;
    if !args.rename_command.len().is_multiple_of(2) {
        eprintln!("resplite: --rename-command takes OLD NEW pairs");
        return ExitCode::FAILURE;
    }
    config.rename_commands = args
        .rename_command
        .chunks(2)
        .map(|p| (p[0].clone(), p[1].clone()))
        .chain(args.disable_command.into_iter().map(|n| (n, String::new())))
        .collect();
    let config = config
        .bind(args.bind)
        .port(args.port)
        .pragma(args.pragma_template)
        .max_clients(args.maxclients)
        .max_query_buffer(args.client_query_buffer_limit)
        .limits(Limits {
            max_bulk_len: args.proto_max_bulk_len,
            max_multibulk_len: args.max_multibulk_len,
            ..Limits::default()
        });
    let threads = args.threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1))
    });
    // One network thread: a current-thread runtime runs woken connections in
    // the order their bytes arrived (the multi-thread scheduler runs the last
    // woken first), so commands sent on two connections one after the other
    // reach the storage thread in that order, as with Redis' event loop.
    let runtime = if threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .build()
    };
    let runtime = match runtime {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("resplite: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let handle = match Server::start(config).await {
            Ok(h) => h,
            Err(e) => {
                tracing::error!(error = %e, "cannot start");
                return ExitCode::FAILURE;
            }
        };
        let trigger = handle.trigger();
        tokio::spawn(async move {
            wait_for_signal().await;
            tracing::info!("signal received, shutting down");
            trigger.shutdown();
        });
        handle.wait().await;
        ExitCode::SUCCESS
    })
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate()).expect("install SIGTERM handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}
