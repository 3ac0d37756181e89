//! The TCP server, embeddable: build a [`ServerConfig`], [`Server::start`] it,
//! get a [`ServerHandle`] with the bound address and a way to shut down.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let handle = resplite_core::Server::start(
//!     resplite_core::ServerConfig::new("app.db").port(0),
//! ).await?;
//! println!("serving on {}", handle.local_addr());
//! handle.shutdown().await;
//! # Ok(()) }
//! ```

mod busy;
mod connection;
mod state;

pub use busy::{stats_reply, Interrupt, ScriptBusy, ScriptStats, DEFAULT_LUA_MEMORY_LIMIT};
pub use state::{ClientInfo, LiveSettings, ServerState, Stats};

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinSet;

use crate::command::Registry;
use crate::engine::{PragmaTemplate, SqliteEngine};
use crate::executor::{self, StorageHandle};
use crate::protocol::Limits;

/// Everything `resplite run` can set, with Redis' defaults.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub bind: String,
    pub port: u16,
    pub db_path: PathBuf,
    /// Where SAVE and BGSAVE also write a consistent copy of the database
    /// (`--dir`/`--dbfilename`, as Redis writes its RDB there); none by default.
    pub save_copy: Option<PathBuf>,
    pub pragma: PragmaTemplate,
    pub limits: Limits,
    pub max_clients: usize,
    /// Bytes a client may have buffered unparsed (`client-query-buffer-limit`).
    pub max_query_buffer: usize,
    /// Password of the default user (`requirepass`); `None`: no AUTH needed.
    pub requirepass: Option<String>,
    /// Redis' `protected-mode`: with no password set, refuse clients that do
    /// not connect from 127.0.0.1 or ::1.
    pub protected_mode: bool,
    /// `rename-command OLD NEW` pairs, in order; an empty NEW disables OLD.
    pub rename_commands: Vec<(String, String)>,
    /// Bytes each Lua interpreter (EVAL's, FUNCTION's) may allocate; 0: no cap.
    pub lua_memory_limit: u64,
    /// SELECT's range: databases 0 to `databases - 1`.
    pub databases: u32,
    /// The file `run --config` read: CONFIG REWRITE writes it back.
    pub config_file: Option<PathBuf>,
    /// Redis parameters (`name`, `value`) to apply at start, as one CONFIG
    /// SET would: the config file's `[config]` table, which CONFIG REWRITE
    /// writes.
    pub params: Vec<(String, String)>,
}

impl ServerConfig {
    pub fn new(db_path: impl Into<PathBuf>) -> Self {
        ServerConfig {
            bind: "127.0.0.1".into(),
            port: 6379,
            db_path: db_path.into(),
            pragma: PragmaTemplate::Default,
            limits: Limits::default(),
            max_clients: 10_000,
            max_query_buffer: 1024 * 1024 * 1024,
            requirepass: None,
            protected_mode: true,
            rename_commands: Vec::new(),
            lua_memory_limit: DEFAULT_LUA_MEMORY_LIMIT,
            databases: 16,
            config_file: None,
            params: Vec::new(),
            save_copy: None,
        }
    }

    /// Port to listen on; 0 picks any free port (see [`ServerHandle::local_addr`]).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    pub fn bind(mut self, bind: impl Into<String>) -> Self {
        self.bind = bind.into();
        self
    }

    pub fn pragma(mut self, pragma: PragmaTemplate) -> Self {
        self.pragma = pragma;
        self
    }

    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    pub fn max_clients(mut self, n: usize) -> Self {
        self.max_clients = n;
        self
    }

    pub fn max_query_buffer(mut self, bytes: usize) -> Self {
        self.max_query_buffer = bytes;
        self
    }
}

/// State shared by the accept loop and every connection task.
pub(crate) struct Shared {
    pub config: ServerConfig,
    pub state: Arc<ServerState>,
    pub registry: Arc<Registry>,
    pub storage: StorageHandle,
    pub next_client_id: AtomicU64,
}

pub struct Server;

impl Server {
    /// Opens the database, starts the storage thread and the accept loop.
    /// Requires a tokio runtime. The command crates must be linked (call their
    /// `link()`) before this, or their commands are missing.
    pub async fn start(config: ServerConfig) -> std::io::Result<ServerHandle> {
        let mut registry = Registry::from_inventory().map_err(std::io::Error::other)?;
        registry
            .rename(&config.rename_commands)
            .map_err(std::io::Error::other)?;
        let registry = Arc::new(registry);
        let engine = SqliteEngine::open(&config.db_path, config.pragma).map_err(|e| {
            std::io::Error::other(format!("cannot open {}: {e}", config.db_path.display()))
        })?;
        let listener = TcpListener::bind((config.bind.as_str(), config.port)).await?;
        let addr = listener.local_addr()?;
        let (storage_done_tx, storage_done) = oneshot::channel();
        let mut live_config = config.clone();
        live_config.port = addr.port();
        let state = Arc::new(ServerState::new(live_config));
        let storage = executor::spawn(engine, registry.clone(), state.clone(), storage_done_tx)?;
        apply_params(&registry, &storage, &config.params).await?;
        let shared = Arc::new(Shared {
            config,
            state,
            registry,
            storage,
            next_client_id: AtomicU64::new(1),
        });
        let shutdown_tx = shared.state.shutdown.clone();
        let shutdown_rx = shutdown_tx.subscribe();
        let task = tokio::spawn(accept_loop(listener, shared, shutdown_rx, storage_done));
        tracing::info!(%addr, "ready to accept connections");
        Ok(ServerHandle {
            addr,
            shutdown: shutdown_tx,
            task,
        })
    }
}

/// Applies the config file's Redis parameters before any client connects,
/// through CONFIG SET itself (its checks, all or nothing). A bad one stops
/// the start with CONFIG SET's error.
async fn apply_params(
    registry: &Registry,
    storage: &StorageHandle,
    params: &[(String, String)],
) -> std::io::Result<()> {
    if params.is_empty() {
        return Ok(());
    }
    let entry = registry
        .builtin("config")
        .ok_or_else(|| std::io::Error::other("CONFIG is not registered"))?;
    let mut argv = vec![
        bytes::Bytes::from_static(b"CONFIG"),
        bytes::Bytes::from_static(b"SET"),
    ];
    for (name, value) in params {
        argv.push(bytes::Bytes::from(name.clone()));
        argv.push(bytes::Bytes::from(value.clone()));
    }
    let (done, result) = oneshot::channel();
    let job = executor::Job {
        requests: vec![executor::Request::Run { entry, argv }],
        session: crate::command::Session::default(),
        done,
    };
    if !storage.submit(job) {
        return Err(std::io::Error::other("the storage thread is gone"));
    }
    let result = result
        .await
        .map_err(|_| std::io::Error::other("the storage thread is gone"))?;
    match result.replies.first() {
        Some(crate::protocol::Reply::Error(e)) => Err(std::io::Error::other(format!(
            "the config file's [config] table: {e}"
        ))),
        _ => Ok(()),
    }
}

/// A running server.
pub struct ServerHandle {
    addr: SocketAddr,
    shutdown: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl ServerHandle {
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, lets every connection finish its in-flight batch, then
    /// checkpoints the WAL and closes the database. Returns when all is done.
    pub async fn shutdown(self) {
        let _ = self.shutdown.send(true);
        let _ = self.task.await;
    }

    /// Waits until the server stops (after [`shutdown`](Self::shutdown) from a clone
    /// of the trigger, or never).
    pub async fn wait(self) {
        let _ = self.task.await;
    }

    /// A trigger that asks the server to shut down, usable from elsewhere (a
    /// signal handler) while another task waits on the handle.
    pub fn trigger(&self) -> ShutdownTrigger {
        ShutdownTrigger(self.shutdown.clone())
    }
}

#[derive(Clone)]
pub struct ShutdownTrigger(watch::Sender<bool>);

impl ShutdownTrigger {
    pub fn shutdown(&self) {
        let _ = self.0.send(true);
    }
}

async fn accept_loop(
    listener: TcpListener,
    shared: Arc<Shared>,
    shutdown: watch::Receiver<bool>,
    storage_done: oneshot::Receiver<()>,
) {
    let mut connections = JoinSet::new();
    let mut stop = shutdown.clone();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((socket, peer)) => {
                    let shared = shared.clone();
                    let shutdown = shutdown.clone();
                    connections.spawn(connection::serve(socket, peer, shared, shutdown));
                }
                Err(e) => {
                    // Out of file descriptors and the like: keep serving the others.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                }
            },
            // Reap finished connections so the set does not grow without bound.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            _ = stopped(&mut stop) => break,
        }
    }
    drop(listener);
    tracing::info!("shutting down: waiting for in-flight batches");
    while connections.join_next().await.is_some() {}
    // The last StorageHandle clone goes with `shared`; the storage thread then
    // drains its queue, checkpoints and closes the database.
    drop(shared);
    let _ = storage_done.await;
    tracing::info!("database closed");
}

impl Shared {
    /// Admits a client (or refuses it: max clients) and registers it.
    pub(crate) fn client_connected(&self, addr: String, laddr: String) -> Option<ClientInfo> {
        Stats::add(&self.state.stats.total_connections_received, 1);
        // The live value: CONFIG SET maxclients takes effect for new clients.
        let max = self.state.config.read().expect("config lock").max_clients;
        // The registry is the count: check and insert under its one lock.
        let mut clients = self.state.clients.lock().expect("clients lock");
        if clients.len() >= max {
            Stats::add(&self.state.stats.rejected_connections, 1);
            return None;
        }
        let now = std::time::Instant::now();
        let info = ClientInfo {
            id: self.next_client_id.fetch_add(1, Ordering::Relaxed),
            addr,
            laddr,
            name: None,
            connected_at: now,
            last_command_at: now,
            last_command: "NULL",
            resp: 2,
            db: 0,
            kill: Arc::new(tokio::sync::Notify::new()),
        };
        clients.insert(info.id, info.clone());
        Some(info)
    }

    pub(crate) fn client_disconnected(&self, id: u64) {
        self.state.clients.lock().expect("clients lock").remove(&id);
    }
}

/// Resolves once shutdown has been requested (without holding the watch's lock
/// across an await, which would make the future `!Send`).
pub(crate) async fn stopped(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|stop| *stop).await.map(|_| ());
}
