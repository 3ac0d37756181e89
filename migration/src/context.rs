//! What the stages of one run share: where from, where to, the options, and
//! the connections opened on first use.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::watch;

use crate::dest::{Destination, SqliteDestination};
use crate::error::Result;
use crate::progress::ProgressMode;
use crate::redis_dest::RedisDestination;
use crate::registry::{self, Registry, Settings};
use crate::source::{RedisSource, Source};
use crate::throttle::Throttle;

/// Which notification channels the tracker listens to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Channels {
    /// Keyevent if the source emits them, else keyspace.
    #[default]
    Auto,
    Keyevent,
    Keyspace,
}

#[derive(Debug, Clone)]
pub struct Options {
    /// Preflight: turn on the notifications the tracker needs if they are off.
    pub enable_notifications: bool,
    /// The name CONFIG has on the source (it may be renamed).
    pub config_command: String,
    pub channels: Channels,
    /// Bulk: start over instead of resuming from the checkpoint.
    pub fresh: bool,
    /// Verify: fraction of keys compared (0..=1).
    pub sample: f64,
    /// Verify/sweep: TTLs within this many ms are equal.
    pub ttl_tolerance_ms: i64,
    /// Delta: passes before giving up on a source that keeps writing.
    pub max_passes: usize,
    pub progress: ProgressMode,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            enable_notifications: false,
            config_command: "CONFIG".into(),
            channels: Channels::Auto,
            fresh: false,
            sample: 1.0,
            ttl_tolerance_ms: 2000,
            max_passes: 50,
            progress: ProgressMode::Auto,
        }
    }
}

pub struct MigrationContext {
    pub run_id: String,
    /// The source URL as given (may hold a password; never printed).
    pub from: String,
    /// The resplite file written, or (with `into`) the file that keeps the
    /// run's state.
    pub to: PathBuf,
    /// Export: the Redis URL written instead of `to`.
    pub into: Option<String>,
    /// `into` is a node of a Redis Cluster.
    pub cluster: bool,
    /// The destination database keys are written to (the source URL's number
    /// unless `--db-map` says otherwise).
    pub to_db: u32,
    pub options: Options,
    /// CA certificate (PEM) for a `rediss://` source.
    pub tls_ca_cert: Option<PathBuf>,
    /// Settings given on the command line (stored in the run, then re-read).
    pub settings: registry::SettingsUpdate,
    /// Flips to true on SIGINT/SIGTERM: stages checkpoint and return.
    pub shutdown: watch::Receiver<bool>,
    /// Free-form figures a stage reports (downstream stages may use it too).
    pub counters: HashMap<String, u64>,
    pub throttle: Arc<Throttle>,
    source: Option<Arc<RedisSource>>,
}

impl MigrationContext {
    pub fn new(
        run_id: &str,
        from: &str,
        to: PathBuf,
        shutdown: watch::Receiver<bool>,
    ) -> MigrationContext {
        MigrationContext {
            run_id: run_id.to_string(),
            from: from.to_string(),
            to,
            into: None,
            cluster: false,
            to_db: crate::source::url_db(from).unwrap_or(0),
            options: Options::default(),
            tls_ca_cert: None,
            settings: Default::default(),
            shutdown,
            counters: HashMap::new(),
            throttle: Arc::new(Throttle::new(0)),
            source: None,
        }
    }

    /// The source, connected on first use.
    pub async fn redis(&mut self) -> Result<Arc<RedisSource>> {
        if let Some(s) = &self.source {
            return Ok(s.clone());
        }
        let source = Arc::new(
            RedisSource::open(
                &self.from,
                self.tls_ca_cert.as_deref(),
                self.throttle.clone(),
            )
            .await?,
        );
        self.source = Some(source.clone());
        Ok(source)
    }

    pub async fn source(&mut self) -> Result<Arc<dyn Source>> {
        Ok(self.redis().await?)
    }

    /// A registry connection to the destination file, with the run created.
    pub fn registry(&self) -> Result<Registry> {
        let conn = registry::open(&self.to)?;
        registry::ensure_run(&conn, &self.run_id, &crate::source::redact(&self.from))?;
        Ok(Registry::new(conn))
    }

    pub fn destination(&self) -> Result<Box<dyn Destination>> {
        Ok(match &self.into {
            Some(url) => Box::new(RedisDestination::open(
                url,
                &self.to,
                self.to_db,
                self.cluster,
            )?),
            None => Box::new(SqliteDestination::open(&self.to, self.to_db)?),
        })
    }

    /// Stores the settings given on the command line in the run (once, at
    /// start: later changes come from `migrate set` in another terminal).
    pub fn apply_cli_settings(&self) -> Result<()> {
        if self.settings.is_empty() {
            return Ok(());
        }
        self.registry()?
            .call(|c| registry::update_settings(c, &self.run_id, &self.settings))
    }

    /// The run's current settings; the rate limit follows them.
    pub fn read_settings(&self, reg: &Registry) -> Result<Settings> {
        let s = reg.call(|c| registry::settings(c, &self.run_id))?;
        self.throttle.set_rate(s.max_rps);
        Ok(s)
    }

    pub fn interrupted(&self) -> bool {
        *self.shutdown.borrow()
    }
}
