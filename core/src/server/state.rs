//! State shared by the whole server: counters, the live configuration, the list
//! of connected clients. Read by INFO, CONFIG, CLIENT and friends through
//! [`Ctx::server`](crate::command::Ctx).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use tokio::sync::Notify;

use super::ServerConfig;

/// Monotonic counters, as INFO stats names them.
#[derive(Debug, Default)]
pub struct Stats {
    pub total_connections_received: AtomicU64,
    pub total_commands_processed: AtomicU64,
    pub rejected_connections: AtomicU64,
    pub keyspace_hits: AtomicU64,
    pub keyspace_misses: AtomicU64,
    pub net_input_bytes: AtomicU64,
    pub net_output_bytes: AtomicU64,
}

impl Stats {
    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}

/// One connected client, for CLIENT LIST/INFO/KILL.
#[derive(Debug, Clone)]
pub struct ClientInfo {
    pub id: u64,
    pub addr: String,
    pub laddr: String,
    pub name: Option<Vec<u8>>,
    pub connected_at: Instant,
    pub last_command_at: Instant,
    pub last_command: String,
    pub resp: u8,
    /// Notified to close the connection (CLIENT KILL).
    pub kill: Arc<Notify>,
}

pub struct ServerState {
    pub started: Instant,
    /// 40 hex characters, new at each start (INFO `run_id`).
    pub run_id: String,
    pub config: RwLock<ServerConfig>,
    pub stats: Stats,
    pub clients: Mutex<BTreeMap<u64, ClientInfo>>,
}

impl ServerState {
    pub fn new(config: ServerConfig) -> ServerState {
        let seed = crate::util::now_ms() as u64 ^ u64::from(std::process::id()) << 32;
        let mut x = seed | 1;
        let run_id = (0..40)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                char::from_digit((x % 16) as u32, 16).expect("hex digit")
            })
            .collect();
        ServerState {
            started: Instant::now(),
            run_id,
            config: RwLock::new(config),
            stats: Stats::default(),
            clients: Mutex::new(BTreeMap::new()),
        }
    }

    pub fn connected_clients(&self) -> usize {
        self.clients.lock().expect("clients lock").len()
    }

    /// Updates one client's entry, if it is still connected.
    pub fn with_client(&self, id: u64, f: impl FnOnce(&mut ClientInfo)) {
        if let Some(c) = self.clients.lock().expect("clients lock").get_mut(&id) {
            f(c);
        }
    }
}
