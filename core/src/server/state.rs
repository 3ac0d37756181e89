//! State shared by the whole server: counters, the live configuration, the list
//! of connected clients. Read by INFO, CONFIG, CLIENT and friends through
//! [`Ctx::server`](crate::command::Ctx).
//!
//! Besides what INFO reads, this is where the executor and the connection tasks
//! report what they see (`record_call`, `record_error`, `slowlog_record`,
//! `note_dirty`): one method call each, so the counters INFO prints stay real.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::time::{Duration, Instant};

use bytes::Bytes;
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
    /// Error replies sent (INFO `total_error_replies`).
    pub total_error_replies: AtomicU64,
    /// Failed AUTH attempts (logged as they happen).
    pub auth_failures: AtomicU64,
    /// Writes since the last SAVE (INFO `rdb_changes_since_last_save`).
    pub dirty: AtomicU64,
    /// The engine's expired-keys count at the last CONFIG RESETSTAT: INFO
    /// prints the difference.
    pub expired_keys_offset: AtomicU64,
    /// Per-command calls and time (INFO commandstats), by `name` or `name|sub`.
    commands: Mutex<BTreeMap<String, CommandStat>>,
    /// Error replies by their first word (INFO errorstats).
    errors: Mutex<BTreeMap<String, u64>>,
    /// Recent samples of the counters, for the `instantaneous_*` rates.
    samples: Mutex<VecDeque<Sample>>,
}

/// One line of INFO commandstats.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CommandStat {
    pub calls: u64,
    pub usec: u64,
    pub rejected_calls: u64,
    pub failed_calls: u64,
}

#[derive(Debug, Clone, Copy)]
struct Sample {
    at: Instant,
    commands: u64,
    net_in: u64,
    net_out: u64,
}

/// Rates over the last couple of seconds, as INFO prints them.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Rates {
    pub ops_per_sec: u64,
    pub input_kbps: f64,
    pub output_kbps: f64,
}

/// How often the sampler thread samples, and how many samples the rates span
/// (Redis: 100 ms, 16 samples).
const SAMPLE_EVERY: Duration = Duration::from_millis(100);
const SAMPLES: usize = 16;

impl Stats {
    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }

    /// Records one executed command (`name` as COMMAND names it, `config|get`
    /// for a subcommand): INFO commandstats.
    pub fn record_call(&self, name: &str, usec: u64, failed: bool) {
        let mut commands = self.commands.lock().expect("commandstats lock");
        let stat = match commands.get_mut(name) {
            Some(s) => s,
            None => commands.entry(name.to_string()).or_default(),
        };
        stat.calls += 1;
        stat.usec += usec;
        stat.failed_calls += u64::from(failed);
    }

    /// Records a command refused before it ran (arity, NOAUTH, ...).
    pub fn record_rejected(&self, name: &str) {
        let mut commands = self.commands.lock().expect("commandstats lock");
        commands.entry(name.to_string()).or_default().rejected_calls += 1;
    }

    /// Records an error reply (the whole line, `ERR ...`): INFO errorstats and
    /// `total_error_replies`.
    pub fn record_error(&self, line: &str) {
        Stats::add(&self.total_error_replies, 1);
        let code = line.split(' ').next().unwrap_or("ERR");
        let mut errors = self.errors.lock().expect("errorstats lock");
        if let Some(n) = errors.get_mut(code) {
            *n += 1;
        } else if errors.len() < 128 {
            // Redis caps the table at 128 codes; so do we.
            errors.insert(code.to_string(), 1);
        }
    }

    /// Commandstats, sorted by name.
    pub fn command_stats(&self) -> Vec<(String, CommandStat)> {
        let commands = self.commands.lock().expect("commandstats lock");
        commands.iter().map(|(k, v)| (k.clone(), *v)).collect()
    }

    /// Errorstats, sorted by code.
    pub fn error_stats(&self) -> Vec<(String, u64)> {
        let errors = self.errors.lock().expect("errorstats lock");
        errors.iter().map(|(k, v)| (k.clone(), *v)).collect()
    }

    /// CONFIG RESETSTAT: zero every counter. `expired_now` is the engine's
    /// running count of expired keys, which becomes the new zero.
    pub fn reset(&self, expired_now: u64) {
        for counter in [
            &self.total_connections_received,
            &self.total_commands_processed,
            &self.rejected_connections,
            &self.keyspace_hits,
            &self.keyspace_misses,
            &self.net_input_bytes,
            &self.net_output_bytes,
            &self.total_error_replies,
        ] {
            counter.store(0, Ordering::Relaxed);
        }
        self.expired_keys_offset
            .store(expired_now, Ordering::Relaxed);
        self.commands.lock().expect("commandstats lock").clear();
        self.errors.lock().expect("errorstats lock").clear();
        self.samples.lock().expect("samples lock").clear();
    }

    /// Takes one sample of the counters (the sampler thread calls this).
    pub fn sample(&self) {
        let sample = Sample {
            at: Instant::now(),
            commands: Stats::get(&self.total_commands_processed),
            net_in: Stats::get(&self.net_input_bytes),
            net_out: Stats::get(&self.net_output_bytes),
        };
        let mut samples = self.samples.lock().expect("samples lock");
        if samples.len() > SAMPLES {
            samples.pop_front();
        }
        samples.push_back(sample);
    }

    /// Rates between the oldest sample kept and now.
    pub fn rates(&self) -> Rates {
        let samples = self.samples.lock().expect("samples lock");
        let Some(first) = samples.front().copied() else {
            return Rates::default();
        };
        drop(samples);
        let secs = first.at.elapsed().as_secs_f64();
        if secs < 0.05 {
            return Rates::default();
        }
        let delta = |now: &AtomicU64, then: u64| Stats::get(now).saturating_sub(then) as f64;
        Rates {
            ops_per_sec: (delta(&self.total_commands_processed, first.commands) / secs).round()
                as u64,
            input_kbps: delta(&self.net_input_bytes, first.net_in) / secs / 1024.0,
            output_kbps: delta(&self.net_output_bytes, first.net_out) / secs / 1024.0,
        }
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
    /// As COMMAND names it (a static spec name: no allocation per command).
    pub last_command: &'static str,
    pub resp: u8,
    /// The selected database (SELECT), for CLIENT LIST.
    pub db: u32,
    /// Notified to close the connection (CLIENT KILL).
    pub kill: Arc<Notify>,
}

/// Per-client settings that commands change (CLIENT SETINFO, NO-EVICT, AUTH...),
/// kept apart from [`ClientInfo`] so connection bookkeeping stays unchanged.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientMeta {
    pub lib_name: Option<String>,
    pub lib_ver: Option<String>,
    pub no_evict: bool,
    pub no_touch: bool,
    /// The user an AUTH (or HELLO ... AUTH) succeeded for.
    pub user: Option<String>,
}

/// Settings CONFIG SET changes that have no home in [`ServerConfig`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveSettings {
    /// Close clients idle this many seconds (0: never), `timeout`.
    pub timeout: u64,
    /// `notify-keyspace-events` as Redis prints it back (`AKE`, `""`).
    pub notify_keyspace_events: String,
    /// Microseconds; negative disables the slow log, 0 logs everything.
    pub slowlog_log_slower_than: i64,
    pub slowlog_max_len: u64,
    /// How stream entries group into nodes, which `MAXLEN ~` trims whole.
    pub stream_node_max_entries: u64,
    pub stream_node_max_bytes: u64,
    /// Redis parameters CONFIG SET stored without a dedicated field (most
    /// are inert here; OBJECT ENCODING reads the encoding thresholds). A
    /// missing name has Redis' default.
    pub params: std::collections::HashMap<&'static str, String>,
}

impl Default for LiveSettings {
    fn default() -> Self {
        LiveSettings {
            timeout: 0,
            notify_keyspace_events: String::new(),
            slowlog_log_slower_than: 10_000,
            slowlog_max_len: 128,
            stream_node_max_entries: 100,
            stream_node_max_bytes: 4096,
            params: Default::default(),
        }
    }
}

/// One SLOWLOG GET entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlowLogEntry {
    pub id: u64,
    /// Unix time, seconds.
    pub time: i64,
    pub usec: u64,
    pub argv: Vec<Bytes>,
    pub addr: String,
    pub name: Vec<u8>,
}

#[derive(Debug, Default)]
struct SlowLog {
    next_id: u64,
    /// Newest first.
    entries: VecDeque<SlowLogEntry>,
}

/// What the last SAVE/BGSAVE did.
#[derive(Debug, Default)]
pub struct SaveInfo {
    /// Unix time of the last save (the start time until one happens).
    pub last_save: AtomicI64,
    pub saves: AtomicU64,
    /// A BGSAVE copy is being written (INFO `rdb_bgsave_in_progress`).
    pub bgsave_running: std::sync::atomic::AtomicBool,
    /// The last BGSAVE copy failed (INFO `rdb_last_bgsave_status:err`).
    pub bgsave_failed: std::sync::atomic::AtomicBool,
}

impl SaveInfo {
    /// A save completed now: stamps LASTSAVE.
    pub fn done(&self) {
        self.last_save
            .store(crate::util::now_ms() / 1000, Ordering::Relaxed);
        self.saves.fetch_add(1, Ordering::Relaxed);
    }
}

pub struct ServerState {
    pub started: Instant,
    /// 40 hex characters, new at each start (INFO `run_id`).
    pub run_id: String,
    /// 40 hex characters (INFO replication `master_replid`).
    pub replid: String,
    pub config: RwLock<ServerConfig>,
    pub settings: RwLock<LiveSettings>,
    pub stats: Arc<Stats>,
    pub clients: Mutex<BTreeMap<u64, ClientInfo>>,
    client_meta: Mutex<HashMap<u64, ClientMeta>>,
    /// Clients waiting in a blocking command (INFO `blocked_clients`).
    pub blocked_clients: AtomicU64,
    /// Shared with BGSAVE's copying thread.
    pub save: std::sync::Arc<SaveInfo>,
    slowlog: Mutex<SlowLog>,
    /// Channels, patterns, mailboxes and the keyspace-notification flags.
    pub pubsub: crate::pubsub::PubSub,
    /// Recent AUTH failures per client address (rate limiting).
    auth_failures: Mutex<HashMap<std::net::IpAddr, AuthFailures>>,
    /// A script past `busy-reply-threshold` (BUSY, SCRIPT KILL).
    pub script_busy: std::sync::Arc<super::ScriptBusy>,
    pub script_stats: super::ScriptStats,
    /// Set once to stop the server (SHUTDOWN, a signal, the embedder's handle).
    pub(crate) shutdown: tokio::sync::watch::Sender<bool>,
}

impl ServerState {
    /// The Redis version resplite reports (INFO `redis_version`, HELLO `version`).
    ///
    /// 7.0.15 is the server every reply shape and error text is checked against;
    /// clients that gate features on the version then only use what 7.0 has. No
    /// client library we target (redis-py, redis-rs) needs anything newer: both
    /// send `CLIENT SETINFO` (a 7.2 command) and ignore a failure, and resplite
    /// answers it anyway.
    pub const REDIS_VERSION: &str = "7.0.15";

    pub fn new(config: ServerConfig) -> ServerState {
        let lua_memory_limit = config.lua_memory_limit;
        let seed = crate::util::now_ms() as u64 ^ u64::from(std::process::id()) << 32;
        let mut x = seed | 1;
        let mut hex = || -> String {
            (0..40)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    char::from_digit((x % 16) as u32, 16).expect("hex digit")
                })
                .collect()
        };
        let run_id = hex();
        let replid = hex();
        let stats = Arc::new(Stats::default());
        spawn_sampler(Arc::downgrade(&stats));
        ServerState {
            started: Instant::now(),
            run_id,
            replid,
            config: RwLock::new(config),
            settings: RwLock::new(LiveSettings::default()),
            stats,
            clients: Mutex::new(BTreeMap::new()),
            client_meta: Mutex::new(HashMap::new()),
            blocked_clients: AtomicU64::new(0),
            save: std::sync::Arc::new(SaveInfo {
                last_save: AtomicI64::new(crate::util::now_ms() / 1000),
                saves: AtomicU64::new(0),
                bgsave_running: Default::default(),
                bgsave_failed: Default::default(),
            }),
            slowlog: Mutex::new(SlowLog::default()),
            pubsub: crate::pubsub::PubSub::default(),
            auth_failures: Mutex::new(HashMap::new()),
            script_busy: Default::default(),
            script_stats: super::ScriptStats {
                memory_limit: std::sync::atomic::AtomicU64::new(lua_memory_limit),
                ..Default::default()
            },
            shutdown: tokio::sync::watch::channel(false).0,
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

    /// A snapshot of every connected client, by id.
    pub fn client_list(&self) -> Vec<ClientInfo> {
        self.clients
            .lock()
            .expect("clients lock")
            .values()
            .cloned()
            .collect()
    }

    /// A client's settings (defaults if it never changed any).
    pub fn client_meta(&self, id: u64) -> ClientMeta {
        self.client_meta
            .lock()
            .expect("client meta lock")
            .get(&id)
            .cloned()
            .unwrap_or_default()
    }

    /// Changes a client's settings. Entries of clients that have gone are
    /// dropped here, now and then, so the table never outgrows the clients.
    pub fn update_client_meta(&self, id: u64, f: impl FnOnce(&mut ClientMeta)) {
        let live: Option<Vec<u64>> = {
            let meta = self.client_meta.lock().expect("client meta lock");
            (meta.len() >= 64 && meta.len() > 2 * self.connected_clients()).then(|| {
                self.clients
                    .lock()
                    .expect("clients lock")
                    .keys()
                    .copied()
                    .collect()
            })
        };
        let mut meta = self.client_meta.lock().expect("client meta lock");
        if let Some(live) = live {
            meta.retain(|id, _| live.binary_search(id).is_ok());
        }
        f(meta.entry(id).or_default());
    }

    /// Does protected mode refuse a client from `peer`? Yes when it is on, no
    /// password is set, and the peer is not 127.0.0.1 or ::1 (as Redis 7.0:
    /// whatever the bind address, and other 127.x addresses count as remote).
    pub fn protected_refuses(&self, peer: std::net::SocketAddr) -> bool {
        let config = self.config.read().expect("config lock");
        if !config.protected_mode || config.requirepass.is_some() {
            return false;
        }
        !is_loopback_client(peer.ip())
    }

    /// How long to hold a password check from `ip` back: nothing for the first
    /// few recent failures, then 100 ms more per failure, at most 2 s. A
    /// guesser is slowed down without the storage thread (or anyone else)
    /// waiting.
    pub fn auth_delay(&self, ip: std::net::IpAddr) -> std::time::Duration {
        let mut failures = self.auth_failures.lock().expect("auth failures lock");
        let Some(f) = failures.get(&ip).copied() else {
            return std::time::Duration::ZERO;
        };
        if f.last.elapsed() > AUTH_FAILURE_MEMORY {
            failures.remove(&ip);
            return std::time::Duration::ZERO;
        }
        let over = f.count.saturating_sub(AUTH_FREE_FAILURES);
        (AUTH_DELAY_STEP * over).min(AUTH_DELAY_MAX)
    }

    /// A successful password check from `ip` clears its failures.
    pub fn note_auth_success(&self, peer: &str) {
        if let Some(ip) = peer_ip(peer) {
            self.auth_failures
                .lock()
                .expect("auth failures lock")
                .remove(&ip);
        }
    }

    /// Asks the server to shut down gracefully, as a signal does: stop
    /// accepting, finish in-flight batches, checkpoint, close.
    /// Has a shutdown begun (SIGTERM, SHUTDOWN)?
    pub fn shutting_down(&self) -> bool {
        *self.shutdown.borrow()
    }

    pub fn request_shutdown(&self) {
        tracing::warn!("SHUTDOWN received from a client");
        self.shutdown.send_replace(true);
    }

    /// Has this client passed AUTH, or is no password required? For the
    /// NOAUTH gate.
    pub fn is_authenticated(&self, id: u64) -> bool {
        let open = self
            .config
            .read()
            .expect("config lock")
            .requirepass
            .is_none();
        open || self.client_meta(id).user.is_some()
    }

    /// Expired keys since start (or since CONFIG RESETSTAT), from the engine's
    /// running count.
    pub fn expired_keys(&self, engine_count: u64) -> u64 {
        engine_count.saturating_sub(Stats::get(&self.stats.expired_keys_offset))
    }

    /// Logs a command that took `usec` if it is over `slowlog-log-slower-than`.
    /// `name`: the client's name (CLIENT SETNAME), empty if none.
    pub fn slowlog_record(&self, usec: u64, argv: &[Bytes], addr: &str, name: &[u8]) {
        let settings = self.settings.read().expect("settings lock");
        let (threshold, max_len) = (settings.slowlog_log_slower_than, settings.slowlog_max_len);
        drop(settings);
        if threshold < 0 || usec < threshold as u64 {
            return;
        }
        // As Redis: at most 32 arguments, each cut at 128 bytes.
        let mut logged: Vec<Bytes> = Vec::with_capacity(argv.len().min(32));
        for (i, arg) in argv.iter().enumerate() {
            if i == 31 && argv.len() > 32 {
                logged.push(Bytes::from(format!(
                    "... ({} more arguments)",
                    argv.len() - 31
                )));
                break;
            }
            if arg.len() > 128 {
                let mut cut = arg[..128].to_vec();
                cut.extend_from_slice(format!("... ({} more bytes)", arg.len() - 128).as_bytes());
                logged.push(Bytes::from(cut));
            } else {
                logged.push(arg.clone());
            }
        }
        let mut log = self.slowlog.lock().expect("slowlog lock");
        let id = log.next_id;
        log.next_id += 1;
        log.entries.push_front(SlowLogEntry {
            id,
            time: crate::util::now_ms() / 1000,
            usec,
            argv: logged,
            addr: addr.to_string(),
            name: name.to_vec(),
        });
        log.entries.truncate(max_len as usize);
    }

    /// The newest `count` slow log entries (all when `None`).
    pub fn slowlog_get(&self, count: Option<usize>) -> Vec<SlowLogEntry> {
        let log = self.slowlog.lock().expect("slowlog lock");
        let n = count.unwrap_or(usize::MAX).min(log.entries.len());
        log.entries.iter().take(n).cloned().collect()
    }

    pub fn slowlog_len(&self) -> usize {
        self.slowlog.lock().expect("slowlog lock").entries.len()
    }

    pub fn slowlog_reset(&self) {
        self.slowlog.lock().expect("slowlog lock").entries.clear();
    }

    /// Trims the slow log to a new `slowlog-max-len`.
    pub fn slowlog_trim(&self, max_len: u64) {
        self.slowlog
            .lock()
            .expect("slowlog lock")
            .entries
            .truncate(max_len as usize);
    }

    /// A failed AUTH: logged with who tried (never the password), counted.
    pub fn note_auth_failure(&self, client: u64, addr: &str, user: &str) {
        Stats::add(&self.stats.auth_failures, 1);
        let mut recent = 1;
        if let Some(ip) = peer_ip(addr) {
            let mut failures = self.auth_failures.lock().expect("auth failures lock");
            if failures.len() >= AUTH_FAILURE_IPS && !failures.contains_key(&ip) {
                // Bounded: forget addresses that have been quiet longest.
                failures.retain(|_, f| f.last.elapsed() < AUTH_FAILURE_MEMORY);
                if failures.len() >= AUTH_FAILURE_IPS {
                    failures.clear();
                }
            }
            let f = failures.entry(ip).or_insert(AuthFailures {
                count: 0,
                last: Instant::now(),
            });
            if f.last.elapsed() > AUTH_FAILURE_MEMORY {
                f.count = 0;
            }
            f.count += 1;
            f.last = Instant::now();
            recent = f.count;
        }
        tracing::warn!(client, addr, user, recent_failures = recent, "AUTH failed");
    }

    /// Counts writes for `rdb_changes_since_last_save`.
    pub fn note_dirty(&self, n: u64) {
        Stats::add(&self.stats.dirty, n);
    }

    /// A background save starts: the writes so far are in it.
    pub fn note_saving(&self) {
        self.stats.dirty.store(0, Ordering::Relaxed);
    }

    /// A save happened now: resets the dirty count, stamps LASTSAVE.
    pub fn saved(&self) {
        self.stats.dirty.store(0, Ordering::Relaxed);
        self.save.done();
    }

    /// The SQLite library linked into the server.
    pub fn sqlite_version() -> &'static str {
        rusqlite::version()
    }
}

/// Is this a loopback client as Redis' protected mode sees it?
fn is_loopback_client(ip: std::net::IpAddr) -> bool {
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
    match ip {
        IpAddr::V4(v4) => v4 == Ipv4Addr::LOCALHOST,
        IpAddr::V6(v6) => {
            v6 == Ipv6Addr::LOCALHOST || v6.to_ipv4_mapped() == Some(Ipv4Addr::LOCALHOST)
        }
    }
}

fn peer_ip(addr: &str) -> Option<std::net::IpAddr> {
    addr.parse::<std::net::SocketAddr>().ok().map(|a| a.ip())
}

/// Failed password checks from one address.
#[derive(Clone, Copy)]
struct AuthFailures {
    count: u32,
    last: Instant,
}

/// Failures from one address allowed without delay.
const AUTH_FREE_FAILURES: u32 = 3;
const AUTH_DELAY_STEP: std::time::Duration = std::time::Duration::from_millis(100);
const AUTH_DELAY_MAX: std::time::Duration = std::time::Duration::from_secs(2);
/// Failures older than this are forgotten.
const AUTH_FAILURE_MEMORY: std::time::Duration = std::time::Duration::from_secs(60);
/// Addresses tracked at most.
const AUTH_FAILURE_IPS: usize = 10_000;

/// Samples the counters every 100 ms for INFO's `instantaneous_*` rates. The
/// thread ends once the server state it samples is gone.
fn spawn_sampler(stats: Weak<Stats>) {
    let spawned = std::thread::Builder::new()
        .name("resplite-stats".into())
        .spawn(move || loop {
            match stats.upgrade() {
                Some(s) => s.sample(),
                None => return,
            }
            std::thread::sleep(SAMPLE_EVERY);
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "cannot start the stats sampler; rates will read 0");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errorstats_by_code_and_reset() {
        let stats = Stats::default();
        stats.record_error("ERR syntax error");
        stats.record_error("WRONGTYPE Operation against a key");
        stats.record_error("ERR value is not an integer");
        assert_eq!(
            stats.error_stats(),
            vec![("ERR".to_string(), 2), ("WRONGTYPE".to_string(), 1)]
        );
        stats.record_call("get", 5, false);
        stats.record_call("get", 7, true);
        assert_eq!(
            stats.command_stats()[0].1,
            CommandStat {
                calls: 2,
                usec: 12,
                rejected_calls: 0,
                failed_calls: 1
            }
        );
        stats.reset(10);
        assert!(stats.error_stats().is_empty());
        assert_eq!(Stats::get(&stats.total_error_replies), 0);
        assert_eq!(Stats::get(&stats.expired_keys_offset), 10);
    }

    #[test]
    fn slowlog_threshold_and_trim() {
        let state = ServerState::new(ServerConfig::new("x.db"));
        state.slowlog_record(5, &[Bytes::from("get")], "a", b"");
        assert_eq!(state.slowlog_len(), 0, "under the 10 ms default");
        state.settings.write().unwrap().slowlog_log_slower_than = 0;
        for _ in 0..3 {
            state.slowlog_record(5, &[Bytes::from("get")], "a", b"");
        }
        let got = state.slowlog_get(Some(2));
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].id, 2, "newest first");
        state.slowlog_trim(1);
        assert_eq!(state.slowlog_len(), 1);
    }
}
