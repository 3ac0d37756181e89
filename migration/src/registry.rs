//! The run registry in the destination SQLite file: SPEC_F's three tables
//! (`migration_runs`, `migration_dirty_keys`, `migration_errors`, unchanged) plus
//! `migration_run_state`, ours, for settings adjustable while running and for the
//! tracker's heartbeat. Everything is plain SQL so a run can be inspected with
//! `sqlite3`, and every process (tracker, bulk, delta, status) shares the file
//! through WAL with short transactions.

use std::path::Path;
use std::time::Duration;

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS migration_runs (
  run_id TEXT PRIMARY KEY,
  source_uri TEXT NOT NULL,
  started_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  status TEXT NOT NULL,
  scan_cursor TEXT NOT NULL DEFAULT '0',
  scan_count_hint INTEGER NOT NULL DEFAULT 1000,
  scanned_keys INTEGER NOT NULL DEFAULT 0,
  migrated_keys INTEGER NOT NULL DEFAULT 0,
  skipped_keys INTEGER NOT NULL DEFAULT 0,
  error_keys INTEGER NOT NULL DEFAULT 0,
  migrated_bytes INTEGER NOT NULL DEFAULT 0,
  dirty_keys_seen INTEGER NOT NULL DEFAULT 0,
  dirty_keys_applied INTEGER NOT NULL DEFAULT 0,
  dirty_keys_deleted INTEGER NOT NULL DEFAULT 0,
  last_error TEXT
);
CREATE TABLE IF NOT EXISTS migration_dirty_keys (
  run_id TEXT NOT NULL,
  key BLOB NOT NULL,
  first_seen_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  events_count INTEGER NOT NULL DEFAULT 1,
  last_event TEXT,
  state TEXT NOT NULL DEFAULT 'dirty',
  PRIMARY KEY (run_id, key)
);
CREATE INDEX IF NOT EXISTS migration_dirty_keys_state_idx
  ON migration_dirty_keys(run_id, state);
CREATE INDEX IF NOT EXISTS migration_dirty_keys_last_seen_idx
  ON migration_dirty_keys(run_id, last_seen_at);
CREATE TABLE IF NOT EXISTS migration_errors (
  run_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  key BLOB,
  stage TEXT NOT NULL,
  message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS migration_errors_at_idx ON migration_errors(run_id, at);
CREATE TABLE IF NOT EXISTS migration_run_state (
  run_id TEXT PRIMARY KEY,
  max_rps INTEGER NOT NULL DEFAULT 0,
  max_concurrency INTEGER NOT NULL DEFAULT 8,
  batch_keys INTEGER NOT NULL DEFAULT 50000,
  batch_bytes INTEGER NOT NULL DEFAULT 67108864,
  estimated_keys INTEGER NOT NULL DEFAULT 0,
  bulk_done INTEGER NOT NULL DEFAULT 0,
  tracker_pid INTEGER,
  tracker_heartbeat_at INTEGER,
  tracker_state TEXT,
  tracker_synced TEXT,
  gaps_pending INTEGER NOT NULL DEFAULT 0,
  flush_calls INTEGER
);
";

/// Errors logged per run and stage at most; a broken source must not grow the
/// file without bound (SPEC_F: a bounded sample).
const MAX_ERRORS_PER_STAGE: i64 = 1000;

/// A tracker whose heartbeat is older than this is considered dead.
pub const HEARTBEAT_STALE_MS: i64 = 3000;

pub fn now_ms() -> i64 {
    resplite_core::util::now_ms()
}

/// Opens the destination file for registry work (its own connection).
pub fn open(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    share(&conn)?;
    conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")?;
    create(&conn)?;
    Ok(conn)
}

/// Waits for the file's write lock in 1 ms steps (up to a minute). SQLite's
/// default backoff sleeps up to 100 ms between tries and would almost never
/// catch the bulk writer's short gaps between commits: the tracker starved.
pub fn share(conn: &Connection) -> Result<()> {
    fn wait(tries: i32) -> bool {
        std::thread::sleep(Duration::from_millis(1));
        tries < 60_000
    }
    conn.busy_handler(Some(wait))?;
    Ok(())
}

/// Runs `f` in a write transaction taken up front (BEGIN IMMEDIATE), so it
/// waits its turn instead of failing when another writer commits in between.
pub fn immediate<T>(conn: &Connection, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
    conn.execute_batch("BEGIN IMMEDIATE")?;
    match f(conn) {
        Ok(v) => {
            conn.execute_batch("COMMIT")?;
            Ok(v)
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(e)
        }
    }
}

pub fn create(conn: &Connection) -> Result<()> {
    conn.execute_batch(SCHEMA)?;
    Ok(())
}

/// Settings a running stage re-reads at every checkpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    pub max_rps: u64,
    pub max_concurrency: usize,
    pub batch_keys: usize,
    pub batch_bytes: u64,
    pub scan_count: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            max_rps: 0,
            max_concurrency: 8,
            batch_keys: 50_000,
            batch_bytes: 64 << 20,
            scan_count: 1000,
        }
    }
}

/// Partial settings from the command line: only the given ones change.
#[derive(Debug, Clone, Copy, Default)]
pub struct SettingsUpdate {
    pub max_rps: Option<u64>,
    pub max_concurrency: Option<usize>,
    pub batch_keys: Option<usize>,
    pub batch_bytes: Option<u64>,
    pub scan_count: Option<usize>,
}

impl SettingsUpdate {
    pub fn is_empty(&self) -> bool {
        self.max_rps.is_none()
            && self.max_concurrency.is_none()
            && self.batch_keys.is_none()
            && self.batch_bytes.is_none()
            && self.scan_count.is_none()
    }
}

/// One run's row, as `status` prints it.
#[derive(Debug, Clone, Default)]
pub struct Run {
    pub run_id: String,
    pub source_uri: String,
    pub started_at: i64,
    pub updated_at: i64,
    pub status: String,
    pub scan_cursor: String,
    pub scanned_keys: u64,
    pub migrated_keys: u64,
    pub skipped_keys: u64,
    pub error_keys: u64,
    pub migrated_bytes: u64,
    pub dirty_keys_seen: u64,
    pub dirty_keys_applied: u64,
    pub dirty_keys_deleted: u64,
    pub last_error: Option<String>,
    pub settings: Settings,
    pub estimated_keys: u64,
    pub bulk_done: bool,
    pub tracker_heartbeat_at: Option<i64>,
    pub tracker_state: Option<String>,
    pub tracker_pid: Option<u32>,
    pub gaps_pending: u64,
}

/// Whether a process of this machine is alive. A killed tracker cannot mark
/// itself stopped, and its last heartbeat is still fresh for a moment.
pub fn pid_alive(pid: u32) -> bool {
    let proc_dir = std::path::Path::new("/proc");
    if !proc_dir.exists() {
        return true; // no procfs: the heartbeat alone decides
    }
    // A zombie (killed, not yet reaped) is dead too.
    match std::fs::read_to_string(proc_dir.join(pid.to_string()).join("stat")) {
        Ok(stat) => stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .is_some_and(|state| state != "Z" && state != "X"),
        Err(_) => false,
    }
}

impl Run {
    pub fn tracker_alive(&self) -> bool {
        self.tracker_state.as_deref() == Some("running")
            && self
                .tracker_heartbeat_at
                .is_some_and(|t| now_ms() - t < HEARTBEAT_STALE_MS)
            && self.tracker_pid.is_none_or(pid_alive)
    }
}

/// Creates the run if it does not exist; returns whether it was created.
pub fn ensure_run(conn: &Connection, run_id: &str, source_uri: &str) -> Result<bool> {
    let now = now_ms();
    let created = conn.execute(
        "INSERT OR IGNORE INTO migration_runs (run_id, source_uri, started_at, updated_at, status)
         VALUES (?1, ?2, ?3, ?3, 'running')",
        params![run_id, source_uri, now],
    )? == 1;
    conn.execute(
        "INSERT OR IGNORE INTO migration_run_state (run_id) VALUES (?1)",
        [run_id],
    )?;
    Ok(created)
}

pub fn get_run(conn: &Connection, run_id: &str) -> Result<Option<Run>> {
    Ok(conn
        .query_row(
            "SELECT r.run_id, r.source_uri, r.started_at, r.updated_at, r.status, r.scan_cursor,
                    r.scan_count_hint, r.scanned_keys, r.migrated_keys, r.skipped_keys,
                    r.error_keys, r.migrated_bytes, r.dirty_keys_seen, r.dirty_keys_applied,
                    r.dirty_keys_deleted, r.last_error, s.max_rps, s.max_concurrency,
                    s.batch_keys, s.batch_bytes, s.estimated_keys, s.bulk_done,
                    s.tracker_heartbeat_at, s.tracker_state, s.gaps_pending, s.tracker_pid
             FROM migration_runs r JOIN migration_run_state s USING (run_id)
             WHERE r.run_id = ?1",
            [run_id],
            |r| {
                Ok(Run {
                    run_id: r.get(0)?,
                    source_uri: r.get(1)?,
                    started_at: r.get(2)?,
                    updated_at: r.get(3)?,
                    status: r.get(4)?,
                    scan_cursor: r.get(5)?,
                    settings: Settings {
                        scan_count: r.get::<_, i64>(6)? as usize,
                        max_rps: r.get::<_, i64>(16)? as u64,
                        max_concurrency: r.get::<_, i64>(17)? as usize,
                        batch_keys: r.get::<_, i64>(18)? as usize,
                        batch_bytes: r.get::<_, i64>(19)? as u64,
                    },
                    scanned_keys: r.get::<_, i64>(7)? as u64,
                    migrated_keys: r.get::<_, i64>(8)? as u64,
                    skipped_keys: r.get::<_, i64>(9)? as u64,
                    error_keys: r.get::<_, i64>(10)? as u64,
                    migrated_bytes: r.get::<_, i64>(11)? as u64,
                    dirty_keys_seen: r.get::<_, i64>(12)? as u64,
                    dirty_keys_applied: r.get::<_, i64>(13)? as u64,
                    dirty_keys_deleted: r.get::<_, i64>(14)? as u64,
                    last_error: r.get(15)?,
                    estimated_keys: r.get::<_, i64>(20)? as u64,
                    bulk_done: r.get::<_, i64>(21)? != 0,
                    tracker_heartbeat_at: r.get(22)?,
                    tracker_state: r.get(23)?,
                    gaps_pending: r.get::<_, i64>(24)? as u64,
                    tracker_pid: r.get::<_, Option<i64>>(25)?.map(|p| p as u32),
                })
            },
        )
        .optional()?)
}

pub fn set_status(conn: &Connection, run_id: &str, status: &str) -> Result<bool> {
    Ok(conn.execute(
        "UPDATE migration_runs SET status = ?2, updated_at = ?3 WHERE run_id = ?1",
        params![run_id, status, now_ms()],
    )? == 1)
}

pub fn status(conn: &Connection, run_id: &str) -> Result<String> {
    Ok(conn
        .query_row(
            "SELECT status FROM migration_runs WHERE run_id = ?1",
            [run_id],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or_default())
}

pub fn set_last_error(conn: &Connection, run_id: &str, message: &str) -> Result<()> {
    conn.execute(
        "UPDATE migration_runs SET last_error = ?2, updated_at = ?3 WHERE run_id = ?1",
        params![run_id, message, now_ms()],
    )?;
    Ok(())
}

pub fn update_settings(conn: &Connection, run_id: &str, u: &SettingsUpdate) -> Result<()> {
    let at_least_1 = |v: Option<u64>| v.map(|v| v.max(1) as i64);
    immediate(conn, |tx| {
        // NULL keeps a setting as it is.
        tx.execute(
            "UPDATE migration_run_state SET max_rps = COALESCE(?2, max_rps),
                max_concurrency = COALESCE(?3, max_concurrency),
                batch_keys = COALESCE(?4, batch_keys), batch_bytes = COALESCE(?5, batch_bytes)
             WHERE run_id = ?1",
            params![
                run_id,
                u.max_rps.map(|v| v as i64),
                at_least_1(u.max_concurrency.map(|v| v as u64)),
                at_least_1(u.batch_keys.map(|v| v as u64)),
                at_least_1(u.batch_bytes),
            ],
        )?;
        tx.execute(
            "UPDATE migration_runs SET scan_count_hint = COALESCE(?2, scan_count_hint) WHERE run_id = ?1",
            params![run_id, at_least_1(u.scan_count.map(|v| v as u64))],
        )?;
        Ok(())
    })
}

pub fn settings(conn: &Connection, run_id: &str) -> Result<Settings> {
    Ok(get_run(conn, run_id)?
        .map(|r| r.settings)
        .unwrap_or_default())
}

pub fn set_estimated_keys(conn: &Connection, run_id: &str, n: u64) -> Result<()> {
    conn.execute(
        "UPDATE migration_run_state SET estimated_keys = ?2 WHERE run_id = ?1",
        params![run_id, n as i64],
    )?;
    Ok(())
}

/// Counter deltas committed with the data they describe.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counters {
    pub scanned: u64,
    pub migrated: u64,
    pub skipped: u64,
    pub errors: u64,
    pub bytes: u64,
    pub applied: u64,
    pub deleted: u64,
}

impl Counters {
    pub fn add(&mut self, o: &Counters) {
        self.scanned += o.scanned;
        self.migrated += o.migrated;
        self.skipped += o.skipped;
        self.errors += o.errors;
        self.bytes += o.bytes;
        self.applied += o.applied;
        self.deleted += o.deleted;
    }
}

/// Adds counters and, for bulk, moves the checkpoint cursor. Runs inside the
/// caller's transaction so the cursor never gets ahead of the data.
pub fn checkpoint(
    conn: &Connection,
    run_id: &str,
    c: &Counters,
    cursor: Option<&str>,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE migration_runs SET scanned_keys = scanned_keys + ?2,
            migrated_keys = migrated_keys + ?3, skipped_keys = skipped_keys + ?4,
            error_keys = error_keys + ?5, migrated_bytes = migrated_bytes + ?6,
            dirty_keys_applied = dirty_keys_applied + ?7,
            dirty_keys_deleted = dirty_keys_deleted + ?8,
            scan_cursor = COALESCE(?9, scan_cursor), updated_at = ?10
         WHERE run_id = ?1",
    )?
    .execute(params![
        run_id,
        c.scanned as i64,
        c.migrated as i64,
        c.skipped as i64,
        c.errors as i64,
        c.bytes as i64,
        c.applied as i64,
        c.deleted as i64,
        cursor,
        now_ms()
    ])?;
    Ok(())
}

/// Starts bulk over from the first key.
pub fn reset_bulk(conn: &Connection, run_id: &str) -> Result<()> {
    conn.execute(
        "UPDATE migration_runs SET scan_cursor = '0', scanned_keys = 0, migrated_keys = 0,
            skipped_keys = 0, error_keys = 0, migrated_bytes = 0 WHERE run_id = ?1",
        [run_id],
    )?;
    conn.execute(
        "UPDATE migration_run_state SET bulk_done = 0 WHERE run_id = ?1",
        [run_id],
    )?;
    Ok(())
}

pub fn set_bulk_done(conn: &Connection, run_id: &str, done: bool) -> Result<()> {
    conn.execute(
        "UPDATE migration_run_state SET bulk_done = ?2 WHERE run_id = ?1",
        params![run_id, done as i64],
    )?;
    Ok(())
}

/// Logs an error for a run, bounded per stage.
pub fn log_error(
    conn: &Connection,
    run_id: &str,
    stage: &str,
    key: Option<&[u8]>,
    message: &str,
) -> Result<()> {
    let logged: i64 = conn
        .prepare_cached("SELECT COUNT(*) FROM migration_errors WHERE run_id = ?1 AND stage = ?2")?
        .query_row(params![run_id, stage], |r| r.get(0))?;
    if logged < MAX_ERRORS_PER_STAGE {
        conn.prepare_cached(
            "INSERT INTO migration_errors (run_id, at, key, stage, message) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute(params![run_id, now_ms(), key, stage, message])?;
    }
    Ok(())
}

/// A logged error: when (ms), stage, key, message.
pub type LoggedError = (i64, String, Option<Vec<u8>>, String);

/// The latest errors, newest first.
pub fn recent_errors(conn: &Connection, run_id: &str, limit: usize) -> Result<Vec<LoggedError>> {
    let mut stmt = conn.prepare(
        "SELECT at, stage, key, message FROM migration_errors WHERE run_id = ?1
         ORDER BY at DESC, rowid DESC LIMIT ?2",
    )?;
    let rows = stmt
        .query_map(params![run_id, limit as i64], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Records tracker events: each key becomes (or stays) dirty. One transaction.
pub fn record_events(conn: &Connection, run_id: &str, events: &[(Vec<u8>, String)]) -> Result<()> {
    if events.is_empty() {
        return Ok(());
    }
    immediate(conn, |tx| record_events_in(tx, run_id, events))
}

/// [`record_events`] inside the caller's transaction.
fn record_events_in(tx: &Connection, run_id: &str, events: &[(Vec<u8>, String)]) -> Result<()> {
    let now = now_ms();
    let mut new_keys = 0i64;
    let mut update = tx.prepare_cached(
        "UPDATE migration_dirty_keys SET last_seen_at = ?3, events_count = events_count + 1,
            last_event = ?4, state = 'dirty'
         WHERE run_id = ?1 AND key = ?2",
    )?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO migration_dirty_keys (run_id, key, first_seen_at, last_seen_at, events_count, last_event, state)
         VALUES (?1, ?2, ?3, ?3, 1, ?4, 'dirty')",
    )?;
    for (key, event) in events {
        if update.execute(params![run_id, key, now, event])? == 0 {
            insert.execute(params![run_id, key, now, event])?;
            new_keys += 1;
        }
    }
    tx.execute(
        "UPDATE migration_runs SET dirty_keys_seen = dirty_keys_seen + ?2, updated_at = ?3 WHERE run_id = ?1",
        params![run_id, new_keys, now],
    )?;
    Ok(())
}

/// Bulk wrote `key`: if the tracker has seen it, its copy may predate a newer
/// one delta already applied, so it must be applied again.
pub fn redirty_if_tracked(conn: &Connection, run_id: &str, key: &[u8]) -> Result<()> {
    conn.prepare_cached(
        "UPDATE migration_dirty_keys SET state = 'dirty'
         WHERE run_id = ?1 AND key = ?2 AND state <> 'dirty'",
    )?
    .execute(params![run_id, key])?;
    Ok(())
}

/// Whether any of the run's dirty keys has been applied, deleted or parked:
/// only those can need re-dirtying when bulk writes them.
pub fn any_settled(conn: &Connection, run_id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM migration_dirty_keys WHERE run_id = ?1 AND state <> 'dirty')",
        )?
        .query_row([run_id], |r| r.get(0))?)
}

/// Marks keys dirty on our own account (a key whose read raced a change).
/// Runs inside the writer's transaction.
pub fn mark_dirty(conn: &Connection, run_id: &str, key: &[u8], why: &str) -> Result<()> {
    record_events_in(conn, run_id, &[(key.to_vec(), why.to_string())])
}

/// The oldest dirty keys last seen no later than `seen_until`, with their
/// event counts. (Keys seen later wait for the next pass, so a pass ends even
/// while the source keeps writing.)
pub fn dirty_batch(
    conn: &Connection,
    run_id: &str,
    limit: usize,
    seen_until: i64,
) -> Result<Vec<(Vec<u8>, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT key, events_count FROM migration_dirty_keys
         WHERE run_id = ?1 AND state = 'dirty' AND last_seen_at <= ?3
         ORDER BY last_seen_at ASC LIMIT ?2",
    )?;
    let rows = stmt
        .query_map(params![run_id, limit as i64, seen_until], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Marks a dirty key done, unless an event arrived since it was selected (then
/// it stays dirty and the next pass copies it again). True if marked.
pub fn mark_done(
    conn: &Connection,
    run_id: &str,
    key: &[u8],
    events_count: i64,
    state: &str,
) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE migration_dirty_keys SET state = ?4
             WHERE run_id = ?1 AND key = ?2 AND events_count = ?3 AND state = 'dirty'",
        )?
        .execute(params![run_id, key, events_count, state])?
        == 1)
}

/// Dirty-key counts by state.
pub fn dirty_counts(conn: &Connection, run_id: &str) -> Result<Vec<(String, u64)>> {
    let mut stmt = conn.prepare(
        "SELECT state, COUNT(*) FROM migration_dirty_keys WHERE run_id = ?1 GROUP BY state ORDER BY state",
    )?;
    let rows = stmt
        .query_map([run_id], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u64)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// `key (N events), ...` for the five busiest dirty keys, if any: what keeps
/// a live delta busy, and what the final delta copies again.
pub fn busiest_dirty_line(conn: &Connection, run_id: &str) -> Result<Option<String>> {
    let keys: Vec<String> = busiest_dirty(conn, run_id, 5)?
        .iter()
        .map(|(k, n)| format!("{} ({n} events)", crate::value::display_key(k)))
        .collect();
    Ok((!keys.is_empty()).then(|| keys.join(", ")))
}

/// The dirty keys (any state) that saw the most events.
fn busiest_dirty(conn: &Connection, run_id: &str, n: usize) -> Result<Vec<(Vec<u8>, i64)>> {
    let mut stmt = conn.prepare(
        "SELECT key, events_count FROM migration_dirty_keys WHERE run_id = ?1 \
         ORDER BY events_count DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(rusqlite::params![run_id, n as i64], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn dirty_remaining(conn: &Connection, run_id: &str) -> Result<u64> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM migration_dirty_keys WHERE run_id = ?1 AND state = 'dirty'",
        [run_id],
        |r| r.get::<_, i64>(0),
    )? as u64)
}

// --- tracker state ---------------------------------------------------------

pub fn tracker_heartbeat(conn: &Connection, run_id: &str, pid: u32) -> Result<()> {
    conn.prepare_cached(
        "UPDATE migration_run_state SET tracker_pid = ?2, tracker_heartbeat_at = ?3,
            tracker_state = CASE WHEN tracker_state = 'stopping' THEN 'stopping' ELSE 'running' END
         WHERE run_id = ?1",
    )?
    .execute(params![run_id, pid, now_ms()])?;
    Ok(())
}

pub fn tracker_state(conn: &Connection, run_id: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT tracker_state FROM migration_run_state WHERE run_id = ?1",
            [run_id],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}

pub fn set_tracker_state(conn: &Connection, run_id: &str, state: &str) -> Result<()> {
    conn.execute(
        "UPDATE migration_run_state SET tracker_state = ?2 WHERE run_id = ?1",
        params![run_id, state],
    )?;
    Ok(())
}

/// The tracker has every event published before the sync token `token`.
pub fn tracker_synced(conn: &Connection, run_id: &str, token: &str) -> Result<()> {
    conn.execute(
        "UPDATE migration_run_state SET tracker_synced = ?2 WHERE run_id = ?1",
        params![run_id, token],
    )?;
    Ok(())
}

pub fn tracker_synced_token(conn: &Connection, run_id: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT tracker_synced FROM migration_run_state WHERE run_id = ?1",
            [run_id],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}

/// Events may have been lost (disconnect, flush): record it and make the next
/// delta run a safety sweep.
pub fn record_gap(conn: &Connection, run_id: &str, message: &str) -> Result<()> {
    immediate(conn, |tx| {
        tx.execute(
            "UPDATE migration_run_state SET gaps_pending = gaps_pending + 1 WHERE run_id = ?1",
            [run_id],
        )?;
        tx.execute(
        "INSERT INTO migration_errors (run_id, at, key, stage, message) VALUES (?1, ?2, NULL, 'tracker', ?3)",
        params![run_id, now_ms(), message],
    )?;
        Ok(())
    })
}

pub fn gaps_pending(conn: &Connection, run_id: &str) -> Result<u64> {
    Ok(conn.query_row(
        "SELECT gaps_pending FROM migration_run_state WHERE run_id = ?1",
        [run_id],
        |r| r.get::<_, i64>(0),
    )? as u64)
}

/// A sweep covered `n` gaps.
pub fn clear_gaps(conn: &Connection, run_id: &str, n: u64) -> Result<()> {
    conn.execute(
        "UPDATE migration_run_state SET gaps_pending = MAX(0, gaps_pending - ?2) WHERE run_id = ?1",
        params![run_id, n as i64],
    )?;
    Ok(())
}

/// The source's flush-command count last seen (FLUSHALL emits no key events).
pub fn flush_calls(conn: &Connection, run_id: &str) -> Result<Option<i64>> {
    Ok(conn
        .query_row(
            "SELECT flush_calls FROM migration_run_state WHERE run_id = ?1",
            [run_id],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}

pub fn set_flush_calls(conn: &Connection, run_id: &str, n: i64) -> Result<()> {
    conn.execute(
        "UPDATE migration_run_state SET flush_calls = ?2 WHERE run_id = ?1",
        params![run_id, n],
    )?;
    Ok(())
}

/// A registry connection that async stages can hold across awaits (a bare
/// `rusqlite::Connection` is not `Sync`).
pub struct Registry {
    conn: std::sync::Mutex<Connection>,
}

impl Registry {
    pub fn new(conn: Connection) -> Registry {
        Registry {
            conn: std::sync::Mutex::new(conn),
        }
    }

    /// Runs `f` on the connection; calls are short and never await.
    pub fn call<R>(&self, f: impl FnOnce(&Connection) -> R) -> R {
        let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        f(&conn)
    }
}
