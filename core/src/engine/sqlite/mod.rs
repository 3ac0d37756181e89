//! The SQLite engine: the design's schema, one write connection, owned by the
//! storage thread. Statements are prepared once and cached ([`db::Db`]).

mod checkpoint;
mod db;
mod functions;
mod hash;
mod list;
mod pragma;
mod schema;
mod set;
mod zset;

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension};

pub use pragma::PragmaTemplate;
use schema::StringLayout;

use super::{Engine, EngineError, KeyMeta, KeyType, Result, ScanFilter, ScanPage};
use crate::util::glob::glob_match;

pub struct SqliteEngine {
    /// Declared before `conn`: stops before the connection closes.
    checkpointer: Option<checkpoint::Checkpointer>,
    conn: db::Db,
    strings: StringLayout,
    /// The key and rowid of the string `get_string` last found by rowid: the
    /// read-modify-write commands (INCR, APPEND, ...) then update it by rowid.
    last_string: (Vec<u8>, i64),
    now: i64,
    /// Rows in `redis_keys`, kept in memory so DBSIZE is O(1). Recounted after
    /// any rollback, the only event that can make it drift.
    key_count: u64,
    expired_keys: u64,
    rng: u64,
    /// Keys whose value changed without their `redis_keys` row being written,
    /// with the change of their element count: `version`, `updated_at` and
    /// `count` are updated once per key at commit, so a hot key written by a
    /// whole group costs one row update, not one per command.
    pending: HashMap<Vec<u8>, i64>,
    /// `pending` as it was at the open savepoint (safe-mode replay only).
    pending_at_savepoint: Option<HashMap<Vec<u8>, i64>>,
    /// Ends of the lists this group pushed to or popped from, written to
    /// `redis_list_meta` at commit (or savepoint): a push then costs one row
    /// insert, not an insert and a meta update.
    cached_ends: HashMap<Vec<u8>, list::Ends>,
    /// Keys written since the last [`take_modified`](Self::take_modified), kept
    /// only while tracking is on (someone WATCHes or blocks on keys).
    tracking: bool,
    modified: Vec<Vec<u8>>,
    flushed: bool,
    /// Keys expired since the last `take_expired`, kept only while
    /// `report_expired` is on (someone listens to `expired` events).
    report_expired: bool,
    expired: Vec<Vec<u8>>,
}

/// What a command changed, for WATCH and blocked clients.
#[derive(Debug, Default)]
pub struct Modified {
    pub keys: Vec<Vec<u8>>,
    /// FLUSHDB/FLUSHALL: every key changed.
    pub flushed: bool,
}

impl SqliteEngine {
    /// Opens (creating if needed) the database file with a pragma template.
    pub fn open(path: &std::path::Path, pragma: PragmaTemplate) -> Result<SqliteEngine> {
        let conn = Connection::open(path)?;
        let mut engine = Self::with_connection(conn, pragma)?;
        let wal: String = engine
            .conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
        if pragma.background_checkpoints() && wal.eq_ignore_ascii_case("wal") {
            match checkpoint::Checkpointer::spawn(path) {
                Ok(c) => {
                    engine.conn.pragma_update(
                        None,
                        "wal_autocheckpoint",
                        checkpoint::BACKSTOP_PAGES,
                    )?;
                    engine.checkpointer = Some(c);
                }
                Err(e) => tracing::warn!(error = %e, "no background checkpoints"),
            }
        }
        Ok(engine)
    }

    pub fn with_connection(conn: Connection, pragma: PragmaTemplate) -> Result<SqliteEngine> {
        conn.set_prepared_statement_cache_capacity(256);
        pragma.apply(&conn)?;
        schema::create(&conn)?;
        let strings = schema::string_layout(&conn)?;
        let mut engine = SqliteEngine {
            checkpointer: None,
            conn: db::Db::new(conn),
            strings,
            last_string: (Vec::new(), 0),
            now: crate::util::now_ms(),
            key_count: 0,
            expired_keys: 0,
            rng: 0x9E37_79B9_7F4A_7C15 ^ crate::util::now_ms() as u64,
            pending: HashMap::new(),
            pending_at_savepoint: None,
            cached_ends: HashMap::new(),
            tracking: false,
            modified: Vec::new(),
            flushed: false,
            report_expired: false,
            expired: Vec::new(),
        };
        engine.recount()?;
        Ok(engine)
    }

    /// The raw connection, for the executor's transaction control and for tests.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    fn exec(&self, sql: &'static str) -> Result<()> {
        self.conn.prepare_cached(sql)?.execute([])?;
        Ok(())
    }

    pub fn begin(&mut self) -> Result<()> {
        self.exec("BEGIN IMMEDIATE")
    }

    pub fn commit(&mut self) -> Result<()> {
        self.flush_list_ends()?;
        self.flush_pending()?;
        self.exec("COMMIT")
    }

    fn flush_pending(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let mut stmt = self.conn.prepare_cached(
            "UPDATE redis_keys SET version = version + 1, updated_at = ?2, count = count + ?3 \
             WHERE key = ?1",
        )?;
        for (key, delta) in self.pending.drain() {
            stmt.execute(params![key, self.now, delta])?;
        }
        Ok(())
    }

    /// Turns recording of modified keys on or off (off costs nothing).
    pub fn set_tracking(&mut self, on: bool) {
        self.tracking = on;
        if !on {
            self.modified.clear();
            self.flushed = false;
        }
    }

    /// Turns recording of expired keys on or off (off costs nothing).
    pub fn set_report_expired(&mut self, on: bool) {
        self.report_expired = on;
        if !on {
            self.expired.clear();
        }
    }

    /// The keys written since the last call (empty unless tracking).
    pub fn take_modified(&mut self) -> Modified {
        Modified {
            keys: std::mem::take(&mut self.modified),
            flushed: std::mem::take(&mut self.flushed),
        }
    }

    /// Every write funnels through here (or `add_len`, which calls it).
    fn note_modified(&mut self, key: &[u8]) {
        if self.tracking {
            self.modified.push(key.to_vec());
        }
    }

    /// Records a value change of `key`, applied to its row at commit.
    fn touch(&mut self, key: &[u8]) {
        self.add_len(key, 0);
    }

    /// Records that `key`'s container grew (or shrank) by `delta` elements.
    fn add_len(&mut self, key: &[u8], delta: i64) {
        self.note_modified(key);
        match self.pending.get_mut(key) {
            Some(d) => *d += delta,
            None => {
                self.pending.insert(key.to_vec(), delta);
            }
        }
    }

    /// Elements in an existing container: the stored count plus this group's
    /// pending changes. O(1).
    fn container_len(&mut self, key: &[u8]) -> Result<u64> {
        let stored: i64 = self
            .conn
            .prepare_cached("SELECT count FROM redis_keys WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?
            .unwrap_or(0);
        let pending = self.pending.get(key).copied().unwrap_or(0);
        Ok((stored + pending).max(0) as u64)
    }

    /// A live container of type `ty` for reading: `None` if missing,
    /// `WrongType` if the key holds another type.
    fn container(&mut self, key: &[u8], ty: KeyType) -> Result<Option<KeyMeta>> {
        match self.meta(key)? {
            Some(meta) if meta.key_type != ty => Err(EngineError::WrongType),
            other => Ok(other),
        }
    }

    /// A container of type `ty` for writing, created empty if missing (the caller
    /// adds elements, or calls [`drop_if_empty`](Self::drop_if_empty)). True if it
    /// existed.
    fn container_for_write(&mut self, key: &[u8], ty: KeyType) -> Result<bool> {
        if self.container(key, ty)?.is_some() {
            return Ok(true);
        }
        self.conn
            .prepare_cached(
                "INSERT INTO redis_keys (key, type, expires_at, version, updated_at, count) \
                 VALUES (?1, ?2, NULL, 1, ?3, 0)",
            )?
            .execute(params![key, ty as i64, self.now])?;
        self.key_count += 1;
        Ok(false)
    }

    /// Empty containers do not exist in Redis: deletes `key` if it has no
    /// elements left. True if it did.
    fn drop_if_empty(&mut self, key: &[u8], ty: KeyType) -> Result<bool> {
        if self.container_len(key)? > 0 {
            return Ok(false);
        }
        self.remove(key, ty)?;
        Ok(true)
    }

    /// Rolls back the open transaction, if any.
    pub fn rollback(&mut self) -> Result<()> {
        self.pending.clear();
        self.cached_ends.clear();
        self.expired.clear();
        self.pending_at_savepoint = None;
        if !self.conn.is_autocommit() {
            self.exec("ROLLBACK")?;
        }
        self.recount()
    }

    pub fn savepoint(&mut self) -> Result<()> {
        // Cached list ends become rows, so rolling back to here only has to
        // forget what was cached after it.
        self.flush_list_ends()?;
        self.pending_at_savepoint = Some(self.pending.clone());
        self.exec("SAVEPOINT cmd")
    }

    pub fn release_savepoint(&mut self) -> Result<()> {
        self.pending_at_savepoint = None;
        self.exec("RELEASE cmd")
    }

    /// Undoes everything since [`savepoint`](Self::savepoint) and drops it.
    pub fn rollback_savepoint(&mut self) -> Result<()> {
        if let Some(pending) = self.pending_at_savepoint.take() {
            self.pending = pending;
        }
        self.cached_ends.clear();
        self.exec("ROLLBACK TO cmd")?;
        self.exec("RELEASE cmd")?;
        self.recount()
    }

    /// Moves the WAL's content into the main file and truncates the WAL.
    pub fn checkpoint(&mut self) -> Result<()> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .optional()?;
        Ok(())
    }

    fn recount(&mut self) -> Result<()> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM redis_keys")?
            .query_row([], |r| r.get(0))?;
        self.key_count = n as u64;
        Ok(())
    }

    fn is_expired(&self, expires_at: Option<i64>) -> bool {
        expires_at.is_some_and(|at| at <= self.now)
    }

    /// Deletes a key's row and its contents. The caller knows its type.
    fn remove(&mut self, key: &[u8], key_type: KeyType) -> Result<()> {
        self.note_modified(key);
        self.pending.remove(key);
        self.conn
            .prepare_cached("DELETE FROM redis_keys WHERE key = ?1")?
            .execute([key])?;
        self.delete_contents(key, key_type)?;
        self.key_count = self.key_count.saturating_sub(1);
        Ok(())
    }

    fn delete_contents(&mut self, key: &[u8], key_type: KeyType) -> Result<()> {
        if key_type == KeyType::List {
            self.cached_ends.remove(key);
        }
        for sql in schema::delete_contents_sql(key_type) {
            self.conn.prepare_cached(sql)?.execute([key])?;
        }
        Ok(())
    }

    /// Deletes `key` if its deadline has passed. True if it did.
    fn expire_if_due(&mut self, key: &[u8], meta: &KeyMeta) -> Result<bool> {
        if !self.is_expired(meta.expires_at) {
            return Ok(false);
        }
        self.remove(key, meta.key_type)?;
        self.expired_keys += 1;
        if self.report_expired {
            self.expired.push(key.to_vec());
        }
        Ok(true)
    }

    /// Stores the value of a key that held no string; `rowid` is its
    /// `redis_keys` row's.
    fn write_string_row(&mut self, rowid: i64, key: &[u8], value: &[u8]) -> Result<()> {
        if self.strings == StringLayout::Rowid {
            // Ignored only if another program's row holds the rowid or the key.
            let inserted = self
                .conn
                .prepare_cached(
                    "INSERT OR IGNORE INTO redis_strings (rowid, key, value) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![rowid, key, value])?;
            if inserted == 1 {
                return Ok(());
            }
        }
        self.conn
            .prepare_cached(
                "INSERT INTO redis_strings (key, value) VALUES (?1, ?2) \
                 ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            )?
            .execute(params![key, value])?;
        Ok(())
    }

    fn next_random(&mut self) -> u64 {
        // xorshift64*: plenty for RANDOMKEY, no dependency.
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        self.rng.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn key_type(code: i64) -> Result<KeyType> {
    KeyType::from_code(code).ok_or_else(|| EngineError::Corrupt(format!("unknown key type {code}")))
}

impl Engine for SqliteEngine {
    fn set_clock(&mut self, now_ms: i64) {
        self.now = now_ms;
    }

    fn now_ms(&self) -> i64 {
        self.now
    }

    fn meta(&mut self, key: &[u8]) -> Result<Option<KeyMeta>> {
        let row = self
            .conn
            .prepare_cached("SELECT type, expires_at, updated_at FROM redis_keys WHERE key = ?1")?
            .query_row([key], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, Option<i64>>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                ))
            })
            .optional()?;
        let Some((code, expires_at, updated_at)) = row else {
            return Ok(None);
        };
        let meta = KeyMeta {
            key_type: key_type(code)?,
            expires_at,
            updated_at: updated_at.unwrap_or(0),
        };
        if self.expire_if_due(key, &meta)? {
            return Ok(None);
        }
        Ok(Some(meta))
    }

    fn get_string(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        let sql = match self.strings {
            StringLayout::Keyed => {
                "SELECT k.type, k.expires_at, s.value, NULL FROM redis_keys k \
                 LEFT JOIN redis_strings s ON s.key = k.key WHERE k.key = ?1"
            }
            StringLayout::Rowid => {
                "SELECT k.type, k.expires_at, s.value, s.rowid FROM redis_keys k \
                 LEFT JOIN redis_strings s ON s.rowid = k.rowid AND s.key = k.key \
                 WHERE k.key = ?1"
            }
        };
        let row = self
            .conn
            .prepare_cached(sql)?
            .query_row([key], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, Option<i64>>(1)?,
                    r.get::<_, Option<Vec<u8>>>(2)?,
                    r.get::<_, Option<i64>>(3)?,
                ))
            })
            .optional()?;
        let Some((code, expires_at, mut value, rowid)) = row else {
            return Ok(None);
        };
        if let Some(rowid) = rowid {
            self.last_string.0.clear();
            self.last_string.0.extend_from_slice(key);
            self.last_string.1 = rowid;
        }
        let meta = KeyMeta {
            key_type: key_type(code)?,
            expires_at,
            updated_at: 0,
        };
        if self.expire_if_due(key, &meta)? {
            return Ok(None);
        }
        if meta.key_type != KeyType::String {
            return Err(EngineError::WrongType);
        }
        if value.is_none() && self.strings == StringLayout::Rowid {
            // A row written by another program, under a rowid of its own.
            value = self
                .conn
                .prepare_cached("SELECT value FROM redis_strings WHERE key = ?1")?
                .query_row([key], |r| r.get(0))
                .optional()?;
        }
        // A string key whose value row is missing is damage, not an empty string.
        value
            .map(Some)
            .ok_or_else(|| EngineError::Corrupt("string key without a value".into()))
    }

    fn set_string(&mut self, key: &[u8], value: &[u8], expires_at: Option<i64>) -> Result<()> {
        self.note_modified(key);
        // Common case first: overwriting a live string. Its key row changes
        // only if the deadline does; `version`/`updated_at` are bumped at commit.
        let row: Option<(i64, i64, Option<i64>)> = self
            .conn
            .prepare_cached("SELECT rowid, type, expires_at FROM redis_keys WHERE key = ?1")?
            .query_row([key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let live_string = matches!(row, Some((_, 1, at)) if !self.is_expired(at));
        if let (true, Some((rowid, _, old_expiry))) = (live_string, row) {
            if old_expiry != expires_at {
                self.conn
                    .prepare_cached("UPDATE redis_keys SET expires_at = ?2 WHERE rowid = ?1")?
                    .execute(params![rowid, expires_at])?;
            }
            self.touch(key);
            let sql = match self.strings {
                StringLayout::Rowid => {
                    "UPDATE redis_strings SET value = ?3 WHERE rowid = ?1 AND key = ?2"
                }
                StringLayout::Keyed => "UPDATE redis_strings SET value = ?3 WHERE key = ?2",
            };
            if self
                .conn
                .prepare_cached(sql)?
                .execute(params![rowid, key, value])?
                == 1
            {
                return Ok(());
            }
        }
        let rowid = match (self.meta(key)?, row) {
            // The key row keeps its rowid through the UPDATE below.
            (Some(meta), Some((rowid, _, _))) => {
                // Another type (or a live string whose value row is missing:
                // damage, repaired here).
                if !live_string {
                    self.delete_contents(key, meta.key_type)?;
                    self.pending.remove(key);
                    self.conn
                        .prepare_cached(
                            "UPDATE redis_keys SET type = 1, expires_at = ?2, count = 0, \
                             version = version + 1, updated_at = ?3 WHERE key = ?1",
                        )?
                        .execute(params![key, expires_at, self.now])?;
                }
                rowid
            }
            _ => {
                self.conn
                    .prepare_cached(
                        "INSERT INTO redis_keys (key, type, expires_at, version, updated_at) \
                         VALUES (?1, 1, ?2, 1, ?3)",
                    )?
                    .execute(params![key, expires_at, self.now])?;
                self.key_count += 1;
                self.conn.last_insert_rowid()
            }
        };
        self.write_string_row(rowid, key, value)
    }

    fn update_string(&mut self, key: &[u8], value: &[u8]) -> Result<()> {
        self.touch(key);
        // The row just read, if it was this key: one lookup by rowid (the key
        // is checked, so a stale rowid only falls back to the key).
        if self.last_string.0 == key {
            let updated = self
                .conn
                .prepare_cached(
                    "UPDATE redis_strings SET value = ?3 WHERE rowid = ?1 AND key = ?2",
                )?
                .execute(params![self.last_string.1, key, value])?;
            if updated == 1 {
                return Ok(());
            }
        }
        self.conn
            .prepare_cached("UPDATE redis_strings SET value = ?2 WHERE key = ?1")?
            .execute(params![key, value])?;
        Ok(())
    }

    fn delete(&mut self, key: &[u8]) -> Result<bool> {
        match self.meta(key)? {
            Some(meta) => {
                self.remove(key, meta.key_type)?;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn set_expiry(&mut self, key: &[u8], expires_at: Option<i64>) -> Result<bool> {
        if self.meta(key)?.is_none() {
            return Ok(false);
        }
        self.note_modified(key);
        self.conn
            .prepare_cached(
                "UPDATE redis_keys SET expires_at = ?2, version = version + 1, updated_at = ?3 \
                 WHERE key = ?1",
            )?
            .execute(params![key, expires_at, self.now])?;
        Ok(true)
    }

    fn rename(&mut self, from: &[u8], to: &[u8]) -> Result<bool> {
        let Some(meta) = self.meta(from)? else {
            return Ok(false);
        };
        if from == to {
            return Ok(true);
        }
        self.note_modified(from);
        self.note_modified(to);
        if let Some(old) = self.meta(to)? {
            self.remove(to, old.key_type)?;
        }
        self.conn
            .prepare_cached(
                "UPDATE redis_keys SET key = ?2, version = version + 1, updated_at = ?3 \
                 WHERE key = ?1",
            )?
            .execute(params![from, to, self.now])?;
        for sql in schema::rename_contents_sql(meta.key_type) {
            self.conn.prepare_cached(sql)?.execute([from, to])?;
        }
        if let Some(delta) = self.pending.remove(from) {
            self.pending.insert(to.to_vec(), delta);
        }
        if let Some(ends) = self.cached_ends.remove(from) {
            self.cached_ends.insert(to.to_vec(), ends);
        }
        Ok(true)
    }

    fn dbsize(&mut self) -> Result<u64> {
        Ok(self.key_count)
    }

    fn flush(&mut self) -> Result<()> {
        for table in schema::ALL_DATA_TABLES {
            self.conn.execute(&format!("DELETE FROM {table}"), [])?;
        }
        self.pending.clear();
        self.cached_ends.clear();
        self.key_count = 0;
        self.flushed = self.tracking;
        Ok(())
    }

    fn scan(&mut self, cursor: u64, count: usize, filter: &ScanFilter) -> Result<ScanPage> {
        // The cursor is a rowid: a key keeps its rowid for as long as it exists
        // (overwrites update in place), so a full iteration returns every key that
        // was present throughout, and no cursor state lives on the server.
        let count = count.clamp(1, 100_000);
        let mut stmt = self.conn.prepare_cached(
            "SELECT rowid, key, type, expires_at FROM redis_keys \
             WHERE rowid > ?1 ORDER BY rowid LIMIT ?2",
        )?;
        let mut rows = stmt.query(params![cursor as i64, count as i64])?;
        let mut page = ScanPage::default();
        let mut seen = 0usize;
        let mut last = 0i64;
        while let Some(row) = rows.next()? {
            seen += 1;
            last = row.get(0)?;
            let key: Vec<u8> = row.get(1)?;
            let code: i64 = row.get(2)?;
            let expires_at: Option<i64> = row.get(3)?;
            if expires_at.is_some_and(|at| at <= self.now) {
                continue;
            }
            if filter.key_type.is_some_and(|t| t as i64 != code) {
                continue;
            }
            if let Some(p) = &filter.pattern {
                if !glob_match(p, &key, false) {
                    continue;
                }
            }
            page.keys.push(key);
        }
        page.cursor = if seen < count { 0 } else { last as u64 };
        Ok(page)
    }

    fn keys(&mut self, pattern: &[u8]) -> Result<Vec<Vec<u8>>> {
        // A literal prefix narrows the index range instead of reading every key.
        let prefix = literal_prefix(pattern);
        let mut stmt = self.conn.prepare_cached(
            "SELECT key, expires_at FROM redis_keys \
             WHERE key >= ?1 AND (?2 IS NULL OR key < ?2) ORDER BY key",
        )?;
        let upper = prefix_upper_bound(&prefix);
        let mut rows = stmt.query(params![prefix, upper])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let key: Vec<u8> = row.get(0)?;
            let expires_at: Option<i64> = row.get(1)?;
            if !self.is_expired(expires_at) && glob_match(pattern, &key, false) {
                out.push(key);
            }
        }
        Ok(out)
    }

    fn random_key(&mut self) -> Result<Option<Vec<u8>>> {
        for _ in 0..16 {
            let bounds: (Option<i64>, Option<i64>) = self
                .conn
                .prepare_cached("SELECT min(rowid), max(rowid) FROM redis_keys")?
                .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            let (Some(lo), Some(hi)) = bounds else {
                return Ok(None);
            };
            let pick = lo + (self.next_random() % (hi - lo + 1) as u64) as i64;
            let key: Vec<u8> = self
                .conn
                .prepare_cached(
                    "SELECT key FROM redis_keys WHERE rowid >= ?1 ORDER BY rowid LIMIT 1",
                )?
                .query_row([pick], |r| r.get(0))?;
            if self.meta(&key)?.is_some() {
                return Ok(Some(key));
            }
        }
        // Mostly expired keys: fall back to the first live one in order.
        let page = self.scan(0, 1000, &ScanFilter::default())?;
        Ok(page.keys.into_iter().next())
    }

    fn sweep_expired(&mut self, limit: usize) -> Result<usize> {
        let due: Vec<(Vec<u8>, i64)> = self
            .conn
            .prepare_cached("SELECT key, type FROM redis_keys WHERE expires_at <= ?1 LIMIT ?2")?
            .query_map(params![self.now, limit as i64], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        for (key, code) in &due {
            self.remove(key, key_type(*code)?)?;
        }
        self.expired_keys += due.len() as u64;
        if self.report_expired {
            self.expired.extend(due.iter().map(|(k, _)| k.clone()));
        }
        Ok(due.len())
    }

    fn expires_count(&mut self) -> Result<u64> {
        let n: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM redis_keys WHERE expires_at IS NOT NULL")?
            .query_row([], |r| r.get(0))?;
        Ok(n as u64)
    }

    fn expired_keys(&self) -> u64 {
        self.expired_keys
    }

    fn take_expired(&mut self) -> Vec<Vec<u8>> {
        std::mem::take(&mut self.expired)
    }
}

/// The bytes every match of `pattern` must start with.
fn literal_prefix(pattern: &[u8]) -> Vec<u8> {
    pattern
        .iter()
        .take_while(|&&b| !matches!(b, b'*' | b'?' | b'[' | b'\\'))
        .copied()
        .collect()
}

/// The smallest byte string greater than every string starting with `prefix`
/// (`None`: no bound, the prefix is empty or all 0xff).
fn prefix_upper_bound(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut upper = prefix.to_vec();
    while let Some(last) = upper.pop() {
        if last < 0xff {
            upper.push(last + 1);
            return Some(upper);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::HashOps;

    fn engine() -> SqliteEngine {
        SqliteEngine::with_connection(
            Connection::open_in_memory().unwrap(),
            PragmaTemplate::Default,
        )
        .unwrap()
    }

    #[test]
    fn strings_types_and_expiry() {
        let mut e = engine();
        e.set_clock(1_000);
        e.set_string(b"k", b"v", Some(2_000)).unwrap();
        assert_eq!(e.get_string(b"k").unwrap(), Some(b"v".to_vec()));
        assert_eq!(e.dbsize().unwrap(), 1);
        e.set_clock(2_000);
        assert_eq!(e.get_string(b"k").unwrap(), None);
        assert_eq!(e.dbsize().unwrap(), 0);
        assert_eq!(e.expired_keys(), 1);
    }

    #[test]
    fn prefix_bounds() {
        assert_eq!(prefix_upper_bound(b"ab"), Some(b"ac".to_vec()));
        assert_eq!(prefix_upper_bound(b"a\xff"), Some(b"b".to_vec()));
        assert_eq!(prefix_upper_bound(b"\xff\xff"), None);
        assert_eq!(literal_prefix(b"user:*"), b"user:".to_vec());
    }

    #[test]
    fn keys_uses_prefix_and_glob() {
        let mut e = engine();
        for k in ["user:1", "user:2", "usex", "other"] {
            e.set_string(k.as_bytes(), b"", None).unwrap();
        }
        let mut got = e.keys(b"user:*").unwrap();
        got.sort();
        assert_eq!(got, vec![b"user:1".to_vec(), b"user:2".to_vec()]);
        assert_eq!(e.keys(b"*").unwrap().len(), 4);
    }

    #[test]
    fn new_files_share_rowids_between_keys_and_strings() {
        let mut e = engine();
        assert_eq!(e.strings, StringLayout::Rowid);
        e.set_string(b"a", b"1", None).unwrap();
        e.hset(b"b", &[(b"f", b"v")]).unwrap();
        e.set_string(b"b", b"2", None).unwrap(); // hash -> string keeps the key's row
        e.set_string(b"a", b"3", None).unwrap();
        e.rename(b"a", b"c").unwrap();
        let mismatched: i64 = e
            .conn
            .query_row(
                "SELECT count(*) FROM redis_strings s LEFT JOIN redis_keys k ON k.rowid = s.rowid \
                 WHERE k.key IS NOT s.key",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(mismatched, 0);
        assert_eq!(e.get_string(b"b").unwrap(), Some(b"2".to_vec()));
        assert_eq!(e.get_string(b"c").unwrap(), Some(b"3".to_vec()));
        // Updated by the rowid just read, and by key after a rename.
        e.update_string(b"c", b"4").unwrap();
        e.rename(b"c", b"d").unwrap();
        e.update_string(b"d", b"5").unwrap();
        assert_eq!(e.get_string(b"d").unwrap(), Some(b"5".to_vec()));
        assert_eq!(e.get_string(b"b").unwrap(), Some(b"2".to_vec()));
    }

    #[test]
    fn string_rows_written_by_other_programs_are_found_by_key() {
        let mut e = engine();
        e.set_string(b"mine", b"1", None).unwrap();
        // Plain SQL per the documented schema: the value gets a rowid of its
        // own, here the one `mine`'s key row has.
        e.conn
            .execute_batch(
                "DELETE FROM redis_strings; \
                 INSERT INTO redis_keys (key, type) VALUES (x'6f74686572', 1); \
                 INSERT INTO redis_strings (key, value) VALUES (x'6f74686572', x'6f'); \
                 INSERT INTO redis_strings (key, value) VALUES (x'6d696e65', x'6d');",
            )
            .unwrap();
        assert_eq!(e.get_string(b"other").unwrap(), Some(b"o".to_vec()));
        assert_eq!(e.get_string(b"mine").unwrap(), Some(b"m".to_vec()));
        // Read-modify-write (INCR, APPEND) after a read of another key's rowid.
        e.get_string(b"other").unwrap();
        e.update_string(b"mine", b"u").unwrap();
        assert_eq!(e.get_string(b"mine").unwrap(), Some(b"u".to_vec()));
        assert_eq!(e.get_string(b"other").unwrap(), Some(b"o".to_vec()));
        e.set_string(b"mine", b"M", None).unwrap();
        e.set_string(b"other", b"O", None).unwrap();
        e.delete(b"mine").unwrap();
        e.set_string(b"new", b"N", None).unwrap();
        assert_eq!(e.get_string(b"other").unwrap(), Some(b"O".to_vec()));
        assert_eq!(e.get_string(b"new").unwrap(), Some(b"N".to_vec()));
        assert_eq!(e.get_string(b"mine").unwrap(), None);
    }

    #[test]
    fn resplite_1x_strings_tables_are_used_by_key() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE TABLE redis_strings (key BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;",
        )
        .unwrap();
        let mut e = SqliteEngine::with_connection(conn, PragmaTemplate::Default).unwrap();
        assert_eq!(e.strings, StringLayout::Keyed);
        e.set_string(b"k", b"v", None).unwrap();
        e.set_string(b"k", b"w", None).unwrap();
        assert_eq!(e.get_string(b"k").unwrap(), Some(b"w".to_vec()));
    }

    /// The WAL reaches the database file without the writer checkpointing:
    /// its own threshold is far above what is written here.
    #[test]
    fn background_checkpoints_copy_the_wal_into_the_file() {
        let dir = std::env::temp_dir().join(format!("resplite-ckpt-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.db");
        let mut e = SqliteEngine::open(&path, PragmaTemplate::Default).unwrap();
        assert!(e.checkpointer.is_some());
        let backstop: u32 = e
            .conn
            .query_row("PRAGMA wal_autocheckpoint", [], |r| r.get(0))
            .unwrap();
        assert_eq!(backstop, checkpoint::BACKSTOP_PAGES);
        let before = std::fs::metadata(&path).unwrap().len();
        e.begin().unwrap();
        for i in 0..2_000u32 {
            e.set_string(&i.to_be_bytes(), &[7u8; 500], None).unwrap();
        }
        e.commit().unwrap();
        // Condition polling, bounded: the thread runs every 100 ms.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::fs::metadata(&path).unwrap().len() < before + 1_000_000 {
            assert!(
                std::time::Instant::now() < deadline,
                "no checkpoint in 10 s"
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        drop(e);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
