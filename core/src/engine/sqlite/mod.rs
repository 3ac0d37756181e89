//! The SQLite engine: the design's schema, one write connection, owned by the
//! storage thread. Statements are prepared once and cached ([`db::Db`]).

mod backup;
mod checkpoint;
mod clustered;
mod db;
mod functions;
mod hash;
mod hash_ttl;
mod list;
mod pragma;
mod schema;
mod search;
mod search_hash;
mod set;
mod stream;
mod string;
mod zset;

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension};

pub use backup::backup;
pub use pragma::PragmaTemplate;

use super::{DbKey, Engine, EngineError, KeyMeta, KeyType, Result, ScanFilter, ScanPage};
use crate::util::glob::glob_match;

pub struct SqliteEngine {
    /// Declared before `conn`: stops before the connection closes.
    checkpointer: Option<checkpoint::Checkpointer>,
    /// False under the `litestream` template: another tool checkpoints.
    owns_checkpoints: bool,
    conn: db::Db,
    /// The selected database, and the `db` value its keys carry (they differ
    /// after SWAPDB, see `resplite_dbs`).
    db: u32,
    phys: i64,
    /// `resplite_dbs`: database number to physical number, where they differ.
    db_map: HashMap<u32, i64>,
    /// The id and key of the string `get_string` last found: the
    /// read-modify-write commands (INCR, APPEND, ...) then update it by id.
    last_string: (i64, Vec<u8>, i64),
    now: i64,
    /// Keys per physical database, counted on first use (not at start: that
    /// would read the whole file), then kept up to date. Cleared by rollbacks
    /// and by other processes' writes.
    key_counts: HashMap<i64, u64>,
    /// SQLite's `data_version` at our last transaction: it moves when another
    /// connection commits.
    data_version: i64,
    expired_keys: u64,
    rng: crate::util::rng::XorShift,
    /// Containers whose elements changed, by id, with the change of their
    /// element count: `updated_at` and `count` are written once per key at
    /// commit, so a hot key written by a whole group costs one row update.
    pending: HashMap<i64, i64>,
    /// `pending` as it was at the open savepoint (safe-mode replay only).
    pending_at_savepoint: Option<HashMap<i64, i64>>,
    /// Ends of the lists this group pushed to or popped from, by id, written
    /// to `redis_list_meta` at commit (or savepoint): a push then costs one
    /// row insert, not an insert and a meta update.
    cached_ends: HashMap<i64, list::Ends>,
    /// Keys written since the last [`take_modified`](Self::take_modified)
    /// (physical database, key), kept only while tracking is on (someone
    /// WATCHes or blocks on keys).
    tracking: bool,
    /// With whether each was deleted by expiry.
    modified: Vec<(i64, Vec<u8>, bool)>,
    /// Changes since `take_changes` (always counted: one add).
    changes: u64,
    /// Keys expired since the last `take_expired`, kept only while
    /// `report_expired` is on (someone listens to `expired` events).
    report_expired: bool,
    expired: Vec<(i64, Vec<u8>)>,
    /// Keys created since the last `take_created`, kept only while
    /// `report_created` is on (someone listens to `new` events).
    report_created: bool,
    created: Vec<(i64, Vec<u8>)>,
    /// Keys the running command deleted (not expired), while
    /// `report_created`: writing one again is Redis' overwrite, not a new key.
    replaced: Vec<(i64, Vec<u8>)>,
    /// RediSearch hash indexes (`None`: not read yet), and the keys of
    /// database 0 changed since they were last indexed (see `search_hash`).
    hash_indexes: Option<std::sync::Arc<[crate::engine::search::HashIndex]>>,
    search_dirty: Vec<(i64, Vec<u8>)>,
    /// Rows in `search_hqueue` (`None`: not counted yet).
    search_queued: Option<u64>,
    /// Whether some hash field may have a deadline (`None`: not asked yet).
    field_deadlines: Option<bool>,
    /// Hashes whose fields expired, and whether that deleted them, kept
    /// while `report_expired` is on (`hexpired` events).
    expired_fields: Vec<(i64, Vec<u8>, bool)>,
    /// The key row last read, valid while the connection's change count
    /// stands still: a command that looks its key up in several steps (a
    /// stream's XREADGROUP: four) reads it once. Any write in between, by
    /// any statement, makes it stale; rollbacks and new transactions drop it.
    row_memo: Option<RowMemo>,
    /// A stream's counters row (its id, `total_changes()` when read), on
    /// the same terms.
    counters_memo: Option<(i64, u64, stream::Counters)>,
}

struct RowMemo {
    phys: i64,
    key: Vec<u8>,
    row: Row,
    /// `total_changes()` when read.
    changes: u64,
}

/// A live key's row.
#[derive(Debug, Clone, Copy)]
struct Row {
    id: i64,
    meta: KeyMeta,
    /// Stored element count of a container (this group's changes are in `pending`).
    count: i64,
}

/// What a command changed, for WATCH and blocked clients.
#[derive(Debug, Default)]
pub struct Modified {
    pub keys: Vec<DbKey>,
    /// `expired[i]`: `keys[i]` was deleted because its deadline passed (by
    /// no client: NOLOOP does not hide it).
    pub expired: Vec<bool>,
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

    /// For filling a file in big transactions (migration's bulk copy, RDB
    /// import): a 256 MB page cache, and rarer checkpoints.
    pub fn tune_for_bulk_load(&self) -> Result<()> {
        Ok(self
            .conn
            .execute_batch("PRAGMA wal_autocheckpoint=10000; PRAGMA cache_size=-262144;")?)
    }

    pub fn with_connection(conn: Connection, pragma: PragmaTemplate) -> Result<SqliteEngine> {
        conn.set_prepared_statement_cache_capacity(256);
        // Without the planner's stability guarantee SQLite re-prepares a
        // cached statement whenever a `LIMIT ?` gets a value other than the
        // one it was planned with: a full re-parse on every XRANGE, LRANGE
        // or ZRANGE whose count changed (7% of a stream queue's CPU).
        conn.set_db_config(
            rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
            true,
        )?;
        pragma.apply(&conn)?;
        zset::register_functions(&conn)?;
        clustered::register_functions(&conn)?;
        schema::create(&conn)?;
        let mut engine = SqliteEngine {
            checkpointer: None,
            owns_checkpoints: pragma.owns_checkpoints(),
            conn: db::Db::new(conn),
            db: 0,
            phys: 0,
            db_map: HashMap::new(),
            last_string: (0, Vec::new(), 0),
            now: crate::util::now_ms(),
            key_counts: HashMap::new(),
            data_version: 0,
            expired_keys: 0,
            rng: crate::util::rng::XorShift::new(
                0x9E37_79B9_7F4A_7C15 ^ crate::util::now_ms() as u64,
            ),
            pending: HashMap::new(),
            pending_at_savepoint: None,
            cached_ends: HashMap::new(),
            tracking: false,
            modified: Vec::new(),
            changes: 0,
            report_expired: false,
            expired: Vec::new(),
            report_created: false,
            created: Vec::new(),
            replaced: Vec::new(),
            field_deadlines: None,
            expired_fields: Vec::new(),
            hash_indexes: None,
            search_dirty: Vec::new(),
            search_queued: None,
            row_memo: None,
            counters_memo: None,
        };
        engine.load_db_map()?;
        Ok(engine)
    }

    /// The raw connection, for the executor's transaction control and for tests.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Drops what `row_memo` and `counters_memo` hold: a rollback undoes
    /// writes without moving the change count, and another process may have
    /// written since our last transaction.
    fn forget_memos(&mut self) {
        self.row_memo = None;
        self.counters_memo = None;
    }

    fn exec(&self, sql: &'static str) -> Result<()> {
        self.conn.prepare_cached(sql)?.execute([])?;
        Ok(())
    }

    pub fn begin(&mut self) -> Result<()> {
        self.forget_memos();
        self.exec("BEGIN IMMEDIATE")?;
        // Another process may have written the file since our last
        // transaction (an import, a migration): what is remembered across
        // transactions is then forgotten.
        let version: i64 = self
            .conn
            .prepare_cached("PRAGMA data_version")?
            .query_row([], |r| r.get(0))?;
        if version != self.data_version {
            if self.data_version != 0 {
                tracing::debug!("another process wrote the file: cached counts dropped");
                self.last_string = (0, Vec::new(), 0);
                self.field_deadlines = None;
                self.forget_search();
                self.forget_counts()?;
            }
            self.data_version = version;
        }
        if self.hash_indexes.is_none() {
            self.load_hash_indexes()?;
        }
        Ok(())
    }

    pub fn commit(&mut self) -> Result<()> {
        self.flush_search()?;
        self.flush_list_ends()?;
        self.flush_pending()?;
        self.exec("COMMIT")
    }

    fn flush_pending(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let mut stmt = self.conn.prepare_cached(
            "UPDATE redis_keys SET updated_at = ?2, count = count + ?3 WHERE id = ?1",
        )?;
        for (id, delta) in self.pending.drain() {
            stmt.execute(params![id, self.now, delta])?;
        }
        Ok(())
    }

    fn load_db_map(&mut self) -> Result<()> {
        self.db_map = self
            .conn
            .prepare_cached("SELECT db, physical FROM resplite_dbs WHERE db <> physical")?
            .query_map([], |r| Ok((r.get::<_, u32>(0)?, r.get::<_, i64>(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        self.phys = self.physical(self.db);
        Ok(())
    }

    /// The `db` value the keys of database `db` carry.
    fn physical(&self, db: u32) -> i64 {
        self.db_map.get(&db).copied().unwrap_or(db as i64)
    }

    /// The database number whose keys carry `phys`.
    fn logical(&self, phys: i64) -> u32 {
        self.db_map
            .iter()
            .find(|(_, p)| **p == phys)
            .map_or(phys as u32, |(db, _)| *db)
    }

    /// Turns recording of modified keys on or off (off costs nothing).
    pub fn set_tracking(&mut self, on: bool) {
        self.tracking = on;
        if !on {
            self.modified.clear();
        }
    }

    /// Turns recording of expired and of created keys on or off (off costs
    /// nothing).
    pub fn set_key_reports(&mut self, expired: bool, created: bool) {
        self.report_expired = expired;
        if !expired {
            self.expired.clear();
            self.expired_fields.clear();
        }
        self.report_created = created;
        if !created {
            self.created.clear();
        }
        self.replaced.clear();
    }

    /// A key appeared in physical database `phys` (Redis' `dbAdd`), unless
    /// the running command deleted it first (a store over it: Redis'
    /// `setKey` overwrites).
    fn note_created(&mut self, phys: i64, key: &[u8]) {
        if self.report_created && !self.replaced.iter().any(|(p, k)| *p == phys && k == key) {
            self.created.push((phys, key.to_vec()));
        }
    }

    /// As [`note_created`](Self::note_created), for RENAME and MOVE, which
    /// Redis always reports as new at their destination.
    fn note_added(&mut self, phys: i64, key: &[u8]) {
        if self.report_created {
            self.created.push((phys, key.to_vec()));
        }
    }

    /// The keys written since the last call (empty unless tracking).
    pub fn take_modified(&mut self) -> Modified {
        let mut modified = Modified::default();
        for (phys, key, expired) in std::mem::take(&mut self.modified) {
            modified.keys.push(DbKey::new(self.logical(phys), key));
            modified.expired.push(expired);
        }
        modified
    }

    /// Every write funnels through here (or `add_len`, which calls it).
    fn note_modified(&mut self, key: &[u8]) {
        self.changed(self.phys, key, false);
    }

    /// A key changed (`expired`: deleted by expiry): counted for
    /// `rdb_changes_since_last_save` (expiry is not a change a client made),
    /// and recorded while someone needs the keys (see `set_tracking`).
    fn changed(&mut self, phys: i64, key: &[u8], expired: bool) {
        if !expired {
            self.changes += 1;
        }
        if self.tracking {
            self.modified.push((phys, key.to_vec(), expired));
        }
        self.note_search(phys, key);
    }

    /// Changes made since the last call (Redis' `dirty` counter).
    pub fn take_changes(&mut self) -> u64 {
        std::mem::take(&mut self.changes)
    }

    /// Records a value change of container `id` (named `key`), applied to its
    /// row at commit.
    fn touch(&mut self, key: &[u8], id: i64) {
        self.add_len(key, id, 0);
    }

    /// Records that container `id` grew (or shrank) by `delta` elements.
    fn add_len(&mut self, key: &[u8], id: i64, delta: i64) {
        self.note_modified(key);
        // Redis counts each element added or removed as a change.
        self.changes += delta.unsigned_abs().saturating_sub(1);
        *self.pending.entry(id).or_insert(0) += delta;
    }

    /// Elements in an existing container: the stored count plus this group's
    /// pending changes. O(1).
    fn container_len(&mut self, id: i64) -> Result<u64> {
        // Most commands have just read the key's row, which holds the count.
        if let Some(m) = &self.row_memo {
            if m.row.id == id && m.changes == self.conn.total_changes() {
                return Ok(self.row_len(&m.row));
            }
        }
        let stored: i64 = self
            .conn
            .prepare_cached("SELECT count FROM redis_keys WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .unwrap_or(0);
        let pending = self.pending.get(&id).copied().unwrap_or(0);
        Ok((stored + pending).max(0) as u64)
    }

    /// A container's length from its row (no second lookup).
    fn row_len(&self, row: &Row) -> u64 {
        (row.count + self.pending.get(&row.id).copied().unwrap_or(0)).max(0) as u64
    }

    /// The row of a key in the selected database, live or not.
    fn raw_row(&mut self, phys: i64, key: &[u8]) -> Result<Option<Row>> {
        let changes = self.conn.total_changes();
        if let Some(m) = &self.row_memo {
            if m.changes == changes && m.phys == phys && m.key == key {
                return Ok(Some(m.row));
            }
        }
        let row = self
            .conn
            .prepare_cached(
                "SELECT id, type, expires_at, updated_at, count FROM redis_keys \
                 WHERE db = ?1 AND key = ?2",
            )?
            .query_row(params![phys, key], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, i64>(4)?,
                ))
            })
            .optional()?;
        let Some((id, code, expires_at, updated_at, count)) = row else {
            return Ok(None);
        };
        let row = Row {
            id,
            meta: KeyMeta {
                key_type: key_type(code)?,
                expires_at,
                updated_at,
            },
            count,
        };
        let mut memo = self.row_memo.take().map_or_else(Vec::new, |m| m.key);
        memo.clear();
        memo.extend_from_slice(key);
        self.row_memo = Some(RowMemo {
            phys,
            key: memo,
            row,
            changes,
        });
        Ok(Some(row))
    }

    /// A live key of physical database `phys` (an expired one is deleted here).
    fn row_in(&mut self, phys: i64, key: &[u8]) -> Result<Option<Row>> {
        let Some(row) = self.raw_row(phys, key)? else {
            return Ok(None);
        };
        if self.expire_if_due(phys, key, &row)? {
            return Ok(None);
        }
        Ok(Some(row))
    }

    /// A live key of the selected database.
    fn row(&mut self, key: &[u8]) -> Result<Option<Row>> {
        self.row_in(self.phys, key)
    }

    /// The row of a live container of type `ty`: `None` if missing,
    /// `WrongType` if the key holds another type.
    fn container_row(&mut self, key: &[u8], ty: KeyType) -> Result<Option<Row>> {
        match self.row(key)? {
            Some(row) if row.meta.key_type != ty => Err(EngineError::WrongType),
            row => Ok(row),
        }
    }

    /// The id of a live container of type `ty` for reading (see
    /// [`container_row`](Self::container_row)).
    fn container(&mut self, key: &[u8], ty: KeyType) -> Result<Option<i64>> {
        Ok(self.container_row(key, ty)?.map(|row| row.id))
    }

    /// A container of type `ty` for writing, created empty if missing (the caller
    /// adds elements, or calls [`drop_if_empty`](Self::drop_if_empty)). Its id,
    /// and whether it existed.
    fn container_for_write(&mut self, key: &[u8], ty: KeyType) -> Result<(i64, bool)> {
        if let Some(id) = self.container(key, ty)? {
            return Ok((id, true));
        }
        Ok((self.insert_key(self.phys, key, ty, None, None)?, false))
    }

    /// Adds a key's row; its id.
    fn insert_key(
        &mut self,
        phys: i64,
        key: &[u8],
        ty: KeyType,
        expires_at: Option<i64>,
        value: Option<&[u8]>,
    ) -> Result<i64> {
        self.conn
            .prepare_cached(
                "INSERT INTO redis_keys (db, key, type, expires_at, updated_at, count, value) \
                 VALUES (?1, ?2, ?3, ?4, ?5, 0, ?6)",
            )?
            .execute(params![phys, key, ty as i64, expires_at, self.now, value])?;
        if let Some(n) = self.key_counts.get_mut(&phys) {
            *n += 1;
        }
        self.note_created(phys, key);
        Ok(self.conn.last_insert_rowid())
    }

    /// Empty containers do not exist in Redis: deletes `key` if it has no
    /// elements left. True if it did.
    fn drop_if_empty(&mut self, key: &[u8], id: i64, ty: KeyType) -> Result<bool> {
        if self.container_len(id)? > 0 {
            return Ok(false);
        }
        self.remove(self.phys, key, id, ty)?;
        Ok(true)
    }

    /// Rolls back the open transaction, if any.
    pub fn rollback(&mut self) -> Result<()> {
        self.forget_memos();
        self.pending.clear();
        self.cached_ends.clear();
        self.expired.clear();
        self.expired_fields.clear();
        self.created.clear();
        self.changes = 0;
        self.pending_at_savepoint = None;
        self.forget_search();
        self.search_dirty.clear();
        if !self.conn.is_autocommit() {
            self.exec("ROLLBACK")?;
        }
        self.forget_counts()
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
        self.forget_search();
        self.forget_memos();
        self.exec("ROLLBACK TO cmd")?;
        self.exec("RELEASE cmd")?;
        self.forget_counts()
    }

    /// Moves the WAL's content into the main file and truncates the WAL.
    pub fn checkpoint(&mut self) -> Result<()> {
        if !self.owns_checkpoints {
            return Ok(());
        }
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .optional()?;
        Ok(())
    }

    /// After a rollback: counts and the database map may have changed back.
    fn forget_counts(&mut self) -> Result<()> {
        self.key_counts.clear();
        self.load_db_map()
    }

    fn count_keys(&mut self, phys: i64) -> Result<u64> {
        if let Some(n) = self.key_counts.get(&phys) {
            return Ok(*n);
        }
        let n: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM redis_keys WHERE db = ?1")?
            .query_row([phys], |r| r.get(0))?;
        self.key_counts.insert(phys, n as u64);
        Ok(n as u64)
    }

    fn is_expired(&self, expires_at: Option<i64>) -> bool {
        expires_at.is_some_and(|at| at <= self.now)
    }

    /// Deletes a key's row and its contents.
    fn remove(&mut self, phys: i64, key: &[u8], id: i64, key_type: KeyType) -> Result<()> {
        if self.report_created {
            self.replaced.push((phys, key.to_vec()));
        }
        self.remove_row(phys, key, id, key_type, false)
    }

    /// [`remove`](Self::remove), also for expiry (`expired`: a key written
    /// after it expired is new, and no client modified it).
    fn remove_row(
        &mut self,
        phys: i64,
        key: &[u8],
        id: i64,
        key_type: KeyType,
        expired: bool,
    ) -> Result<()> {
        self.changed(phys, key, expired);
        self.pending.remove(&id);
        self.conn
            .prepare_cached("DELETE FROM redis_keys WHERE id = ?1")?
            .execute([id])?;
        self.delete_contents(id, key_type)?;
        if let Some(n) = self.key_counts.get_mut(&phys) {
            *n = n.saturating_sub(1);
        }
        Ok(())
    }

    fn delete_contents(&mut self, id: i64, key_type: KeyType) -> Result<()> {
        if key_type == KeyType::List {
            self.cached_ends.remove(&id);
        }
        for sql in schema::delete_contents_sql(key_type) {
            self.conn.prepare_cached(sql)?.execute([id])?;
        }
        Ok(())
    }

    /// A string row just read (id, type code, deadline): true if it is a
    /// live string, false if it had expired (now deleted); `WrongType` for
    /// another type. GET and the bit commands' lookups share it.
    fn live_string(
        &mut self,
        key: &[u8],
        id: i64,
        code: i64,
        expires_at: Option<i64>,
    ) -> Result<bool> {
        let row = Row {
            id,
            meta: KeyMeta {
                key_type: key_type(code)?,
                expires_at,
                updated_at: 0,
            },
            count: 0,
        };
        if self.expire_if_due(self.phys, key, &row)? {
            return Ok(false);
        }
        if row.meta.key_type != KeyType::String {
            return Err(EngineError::WrongType);
        }
        Ok(true)
    }

    /// Deletes `key` if its deadline has passed. True if it did.
    fn expire_if_due(&mut self, phys: i64, key: &[u8], row: &Row) -> Result<bool> {
        if !self.is_expired(row.meta.expires_at) {
            return Ok(false);
        }
        self.remove_row(phys, key, row.id, row.meta.key_type, true)?;
        self.expired_keys += 1;
        if self.report_expired {
            self.expired.push((phys, key.to_vec()));
        }
        Ok(true)
    }

    fn next_random(&mut self) -> u64 {
        self.rng.next_u64()
    }

    /// Deletes every key of physical database `phys` (`None`: of all).
    fn delete_all(&mut self, phys: Option<i64>) -> Result<()> {
        self.flush_list_ends()?;
        self.flush_pending()?;
        if phys.is_none_or(|p| p == self.physical(0)) {
            self.reset_hash_indexes()?;
        }
        match phys {
            Some(phys) => {
                for t in schema::CONTENT_TABLES {
                    self.conn.execute(
                        &format!(
                            "DELETE FROM {t} WHERE id IN (SELECT id FROM redis_keys WHERE db = ?1)"
                        ),
                        [phys],
                    )?;
                }
                let removed = self
                    .conn
                    .execute("DELETE FROM redis_keys WHERE db = ?1", [phys])?;
                self.changes += removed as u64;
                self.key_counts.insert(phys, 0);
            }
            None => {
                for t in schema::CONTENT_TABLES {
                    self.conn.execute(&format!("DELETE FROM {t}"), [])?;
                }
                let removed = self.conn.execute("DELETE FROM redis_keys", [])?;
                self.changes += removed as u64;
                self.key_counts.clear();
            }
        }
        Ok(())
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

    fn select(&mut self, db: u32) {
        if db != self.db {
            self.db = db;
            self.phys = self.physical(db);
        }
    }

    fn selected(&self) -> u32 {
        self.db
    }

    fn meta(&mut self, key: &[u8]) -> Result<Option<KeyMeta>> {
        Ok(self.row(key)?.map(|r| r.meta))
    }

    fn get_string(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        let row = self
            .conn
            .prepare_cached(
                "SELECT id, type, expires_at, value FROM redis_keys WHERE db = ?1 AND key = ?2",
            )?
            .query_row(params![self.phys, key], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                    r.get::<_, Option<Vec<u8>>>(3)?,
                ))
            })
            .optional()?;
        let Some((id, code, expires_at, value)) = row else {
            return Ok(None);
        };
        if !self.live_string(key, id, code, expires_at)? {
            return Ok(None);
        }
        self.last_string.0 = self.phys;
        self.last_string.1.clear();
        self.last_string.1.extend_from_slice(key);
        self.last_string.2 = id;
        // A string key without a value is damage, not an empty string.
        value
            .map(Some)
            .ok_or_else(|| EngineError::Corrupt("string key without a value".into()))
    }

    fn set_string(&mut self, key: &[u8], value: &[u8], expires_at: Option<i64>) -> Result<()> {
        self.note_modified(key);
        match self.row(key)? {
            // Common case first: overwriting a string, one row update (the
            // deadline's index is left alone when the deadline stays).
            Some(row) if row.meta.key_type == KeyType::String => {
                if row.meta.expires_at == expires_at {
                    self.conn
                        .prepare_cached(
                            "UPDATE redis_keys SET value = ?2, updated_at = ?3 WHERE id = ?1",
                        )?
                        .execute(params![row.id, value, self.now])?;
                } else {
                    self.conn
                        .prepare_cached(
                            "UPDATE redis_keys SET value = ?2, expires_at = ?3, updated_at = ?4 \
                             WHERE id = ?1",
                        )?
                        .execute(params![row.id, value, expires_at, self.now])?;
                }
            }
            // Another type: the key keeps its row (and id, SCAN's cursor).
            Some(row) => {
                self.delete_contents(row.id, row.meta.key_type)?;
                self.pending.remove(&row.id);
                self.conn
                    .prepare_cached(
                        "UPDATE redis_keys SET type = 1, value = ?2, expires_at = ?3, \
                         updated_at = ?4, count = 0 WHERE id = ?1",
                    )?
                    .execute(params![row.id, value, expires_at, self.now])?;
            }
            None => {
                self.insert_key(self.phys, key, KeyType::String, expires_at, Some(value))?;
            }
        }
        Ok(())
    }

    fn update_string(&mut self, key: &[u8], value: &[u8]) -> Result<()> {
        self.note_modified(key);
        // The row just read, if it was this key: one lookup by id (the key is
        // checked, so a stale id only falls back to the key).
        if self.last_string.0 == self.phys && self.last_string.1 == key {
            let updated = self
                .conn
                .prepare_cached(
                    "UPDATE redis_keys SET value = ?4, updated_at = ?5 \
                     WHERE id = ?1 AND db = ?2 AND key = ?3",
                )?
                .execute(params![self.last_string.2, self.phys, key, value, self.now])?;
            if updated == 1 {
                return Ok(());
            }
        }
        self.conn
            .prepare_cached(
                "UPDATE redis_keys SET value = ?3, updated_at = ?4 WHERE db = ?1 AND key = ?2",
            )?
            .execute(params![self.phys, key, value, self.now])?;
        Ok(())
    }

    fn delete(&mut self, key: &[u8]) -> Result<bool> {
        match self.row(key)? {
            Some(row) => {
                self.remove(self.phys, key, row.id, row.meta.key_type)?;
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn set_expiry(&mut self, key: &[u8], expires_at: Option<i64>) -> Result<bool> {
        let Some(row) = self.row(key)? else {
            return Ok(false);
        };
        self.note_modified(key);
        self.conn
            .prepare_cached("UPDATE redis_keys SET expires_at = ?2, updated_at = ?3 WHERE id = ?1")?
            .execute(params![row.id, expires_at, self.now])?;
        Ok(true)
    }

    fn set_updated_at(&mut self, key: &[u8], at_ms: i64) -> Result<bool> {
        let Some(row) = self.row(key)? else {
            return Ok(false);
        };
        self.conn
            .prepare_cached("UPDATE redis_keys SET updated_at = ?2 WHERE id = ?1")?
            .execute(params![row.id, at_ms])?;
        Ok(true)
    }

    fn rename(&mut self, from: &[u8], to: &[u8]) -> Result<bool> {
        let Some(row) = self.row(from)? else {
            return Ok(false);
        };
        if from == to {
            return Ok(true);
        }
        self.note_modified(from);
        self.note_modified(to);
        // Both keys changed; Redis counts one change.
        self.changes -= 1;
        if let Some(old) = self.row(to)? {
            self.remove(self.phys, to, old.id, old.meta.key_type)?;
        }
        // Contents are keyed by id: only the name changes.
        self.conn
            .prepare_cached("UPDATE redis_keys SET key = ?2, updated_at = ?3 WHERE id = ?1")?
            .execute(params![row.id, to, self.now])?;
        self.note_added(self.phys, to);
        Ok(true)
    }

    fn move_key(&mut self, key: &[u8], db: u32) -> Result<bool> {
        let to = self.physical(db);
        let Some(row) = self.row(key)? else {
            return Ok(false);
        };
        if self.row_in(to, key)?.is_some() {
            return Ok(false);
        }
        self.note_modified(key);
        self.changed(to, key, false);
        // Both databases changed; Redis counts one change.
        self.changes -= 1;
        self.conn
            .prepare_cached("UPDATE redis_keys SET db = ?2 WHERE id = ?1")?
            .execute(params![row.id, to])?;
        if let Some(n) = self.key_counts.get_mut(&self.phys) {
            *n = n.saturating_sub(1);
        }
        if let Some(n) = self.key_counts.get_mut(&to) {
            *n += 1;
        }
        self.note_added(to, key);
        Ok(true)
    }

    fn copy_key(&mut self, src: &[u8], db: u32, dst: &[u8], replace: bool) -> Result<bool> {
        let to = self.physical(db);
        let Some(row) = self.row(src)? else {
            return Ok(false);
        };
        if let Some(old) = self.row_in(to, dst)? {
            if !replace {
                return Ok(false);
            }
            if old.id == row.id {
                return Ok(true);
            }
            self.remove(to, dst, old.id, old.meta.key_type)?;
            // Redis deletes, then adds: COPY ... REPLACE reports a new key.
            self.replaced.retain(|(p, k)| !(*p == to && k == dst));
        }
        self.changed(to, dst, false);
        // The source's list ends and count as they are now.
        self.flush_list_ends()?;
        let len = self.container_len(row.id)?;
        let value: Option<Vec<u8>> = self
            .conn
            .prepare_cached("SELECT value FROM redis_keys WHERE id = ?1")?
            .query_row([row.id], |r| r.get(0))?;
        let id = self.insert_key(
            to,
            dst,
            row.meta.key_type,
            row.meta.expires_at,
            value.as_deref(),
        )?;
        self.conn
            .prepare_cached("UPDATE redis_keys SET count = ?2 WHERE id = ?1")?
            .execute(params![id, len as i64])?;
        for sql in schema::copy_contents_sql(row.meta.key_type) {
            let mut stmt = self.conn.prepare_dynamic(&sql)?;
            stmt.execute([row.id, id])?;
        }
        Ok(true)
    }

    fn swap_db(&mut self, a: u32, b: u32) -> Result<()> {
        if a == b {
            return Ok(());
        }
        let (pa, pb) = (self.physical(a), self.physical(b));
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO resplite_dbs (db, physical) VALUES (?1, ?2) \
             ON CONFLICT(db) DO UPDATE SET physical = excluded.physical",
        )?;
        stmt.execute(params![a, pb])?;
        stmt.execute(params![b, pa])?;
        drop(stmt);
        for (db, p) in [(a, pb), (b, pa)] {
            if p == db as i64 {
                self.db_map.remove(&db);
            } else {
                self.db_map.insert(db, p);
            }
        }
        self.phys = self.physical(self.db);
        // Database 0's keys changed wholesale: its hash indexes start over.
        if a == 0 || b == 0 {
            self.reset_hash_indexes()?;
        }
        Ok(())
    }

    fn dbsize(&mut self) -> Result<u64> {
        self.count_keys(self.phys)
    }

    fn dbsize_of(&mut self, db: u32) -> Result<u64> {
        self.count_keys(self.physical(db))
    }

    fn nonempty_dbs(&mut self) -> Result<Vec<u32>> {
        // A skip-scan of the (db, key) index: one seek per database, however
        // many keys each holds.
        let physical: Vec<i64> = self
            .conn
            .prepare_cached(
                "WITH RECURSIVE d(db) AS ( \
                     SELECT min(db) FROM redis_keys \
                     UNION ALL \
                     SELECT (SELECT min(db) FROM redis_keys WHERE db > d.db) FROM d \
                     WHERE d.db IS NOT NULL) \
                 SELECT db FROM d WHERE db IS NOT NULL",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut dbs: Vec<u32> = physical.into_iter().map(|p| self.logical(p)).collect();
        dbs.sort_unstable();
        Ok(dbs)
    }

    fn flush_db(&mut self) -> Result<()> {
        self.delete_all(Some(self.phys))
    }

    fn flush_all(&mut self) -> Result<()> {
        self.delete_all(None)
    }

    fn scan(&mut self, cursor: u64, count: usize, filter: &ScanFilter) -> Result<ScanPage> {
        // The cursor is an id: a key keeps its id for as long as it exists
        // (overwrites update in place), so a full iteration returns every key that
        // was present throughout, and no cursor state lives on the server. Rows
        // of other databases count towards `count`, which bounds each step.
        let count = count.clamp(1, 100_000);
        let Ok(cursor) = i64::try_from(cursor) else {
            return Ok(ScanPage::default());
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT id, db, key, type, expires_at FROM redis_keys \
             WHERE id > ?1 ORDER BY id LIMIT ?2",
        )?;
        let mut rows = stmt.query(params![cursor, count as i64])?;
        let mut page = ScanPage::default();
        let mut seen = 0usize;
        let mut last = 0i64;
        while let Some(row) = rows.next()? {
            seen += 1;
            last = row.get(0)?;
            if row.get::<_, i64>(1)? != self.phys {
                continue;
            }
            let key: Vec<u8> = row.get(2)?;
            let code: i64 = row.get(3)?;
            let expires_at: Option<i64> = row.get(4)?;
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
             WHERE db = ?1 AND key >= ?2 AND (?3 IS NULL OR key < ?3) ORDER BY key",
        )?;
        let upper = prefix_upper_bound(&prefix);
        let mut rows = stmt.query(params![self.phys, prefix, upper])?;
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
        let n = self.dbsize()?;
        if n == 0 {
            return Ok(None);
        }
        for _ in 0..16 {
            // A random point of the id range, then the next key of this
            // database (a few rows on, unless databases are very unequal).
            let bounds: (Option<i64>, Option<i64>) = self
                .conn
                .prepare_cached("SELECT min(id), max(id) FROM redis_keys")?
                .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            let (Some(lo), Some(hi)) = bounds else {
                return Ok(None);
            };
            let pick = lo + (self.next_random() % (hi - lo + 1) as u64) as i64;
            let key: Option<Vec<u8>> = self
                .conn
                .prepare_cached(
                    "SELECT key FROM (SELECT db, key FROM redis_keys WHERE id >= ?1 \
                     ORDER BY id LIMIT 64) WHERE db = ?2 LIMIT 1",
                )?
                .query_row(params![pick, self.phys], |r| r.get(0))
                .optional()?;
            if let Some(key) = key {
                if self.meta(&key)?.is_some() {
                    return Ok(Some(key));
                }
            }
        }
        // A sparse database, or mostly expired keys: an index walk.
        let offset = self.next_random() % n;
        let keys: Vec<Vec<u8>> = self
            .conn
            .prepare_cached(
                "SELECT key FROM redis_keys WHERE db = ?1 AND \
                 (expires_at IS NULL OR expires_at > ?3) LIMIT 1 OFFSET ?2",
            )?
            .query_map(params![self.phys, offset as i64, self.now], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if let Some(key) = keys.into_iter().next() {
            return Ok(Some(key));
        }
        let page = self
            .conn
            .prepare_cached(
                "SELECT key FROM redis_keys WHERE db = ?1 AND \
                 (expires_at IS NULL OR expires_at > ?2) LIMIT 1",
            )?
            .query_row(params![self.phys, self.now], |r| r.get(0))
            .optional()?;
        Ok(page)
    }

    fn sweep_expired(&mut self, limit: usize) -> Result<usize> {
        let due: Vec<(i64, i64, Vec<u8>, i64)> = self
            .conn
            .prepare_cached(
                "SELECT id, db, key, type FROM redis_keys WHERE expires_at <= ?1 LIMIT ?2",
            )?
            .query_map(params![self.now, limit as i64], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        for (id, phys, key, code) in &due {
            self.remove_row(*phys, key, *id, key_type(*code)?, true)?;
        }
        let n = due.len();
        self.expired_keys += n as u64;
        if self.report_expired {
            self.expired
                .extend(due.into_iter().map(|(_, phys, key, _)| (phys, key)));
        }
        let n = n + self.sweep_fields(limit.saturating_sub(n))?;
        self.backfill_search()?;
        Ok(n)
    }

    fn expires_count(&mut self, db: u32) -> Result<u64> {
        let n: i64 = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM redis_keys WHERE expires_at IS NOT NULL AND db = ?1",
            )?
            .query_row([self.physical(db)], |r| r.get(0))?;
        Ok(n as u64)
    }

    fn expired_keys(&self) -> u64 {
        self.expired_keys
    }

    fn take_expired(&mut self) -> Vec<DbKey> {
        std::mem::take(&mut self.expired)
            .into_iter()
            .map(|(phys, key)| DbKey::new(self.logical(phys), key))
            .collect()
    }

    fn changes(&self) -> u64 {
        self.changes
    }

    fn set_changes(&mut self, n: u64) {
        self.changes = n;
    }

    fn take_created(&mut self) -> Vec<DbKey> {
        std::mem::take(&mut self.created)
            .into_iter()
            .map(|(phys, key)| DbKey::new(self.logical(phys), key))
            .collect()
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
    fn databases_are_separate_and_swap() {
        let mut e = engine();
        e.set_string(b"k", b"zero", None).unwrap();
        e.select(3);
        assert_eq!(e.get_string(b"k").unwrap(), None);
        e.set_string(b"k", b"three", None).unwrap();
        e.hset(b"h", &[(b"f", b"v")]).unwrap();
        assert_eq!(e.dbsize().unwrap(), 2);
        e.swap_db(0, 3).unwrap();
        assert_eq!(e.get_string(b"k").unwrap(), Some(b"zero".to_vec()));
        assert_eq!(e.dbsize().unwrap(), 1);
        e.select(0);
        assert_eq!(e.get_string(b"k").unwrap(), Some(b"three".to_vec()));
        assert!(e.move_key(b"h", 5).unwrap());
        assert!(!e.move_key(b"h", 5).unwrap());
        assert!(e.copy_key(b"k", 5, b"k2", false).unwrap());
        e.select(5);
        assert_eq!(e.hget(b"h", b"f").unwrap(), Some(b"v".to_vec()));
        assert_eq!(e.get_string(b"k2").unwrap(), Some(b"three".to_vec()));
        e.flush_db().unwrap();
        assert_eq!(e.dbsize().unwrap(), 0);
        e.select(0);
        assert_eq!(e.dbsize().unwrap(), 1);
        assert_eq!(e.nonempty_dbs().unwrap(), vec![0, 3]);
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
