//! The migration destination: resplite's own engine on the SQLite file, so
//! migrated data is exactly what the server would have written. Behind the
//! [`Destination`] trait, which `redis_dest` also implements (export).

use std::path::Path;

use resplite_core::engine::{Engine, KeyType, PragmaTemplate, ScanFilter, SqliteEngine, ValueOps};
use rusqlite::Connection;

use crate::error::Result;
use crate::value::{Snapshot, Value};

pub trait Destination: Send {
    fn begin(&mut self) -> Result<()>;
    fn commit(&mut self) -> Result<()>;
    fn rollback(&mut self) -> Result<()>;
    /// Replaces `key` with the snapshot's value and deadline.
    fn put(&mut self, snap: &Snapshot) -> Result<()>;
    /// Adds a page of elements to a (temporary) key, creating it if needed.
    fn append(&mut self, key: &[u8], page: &Value) -> Result<()>;
    /// Moves a fully written temporary key over `key` with its deadline. False
    /// (and `key` untouched) if the temporary key is gone.
    fn swap_in(&mut self, tmp: &[u8], key: &[u8], expires_at: Option<i64>) -> Result<bool>;
    fn delete(&mut self, key: &[u8]) -> Result<bool>;
    /// A key's whole value (verify, sweep).
    fn read(&mut self, key: &[u8]) -> Result<Option<Snapshot>>;
    /// One step of a cursor iteration over keys.
    fn scan(&mut self, cursor: u64, count: usize) -> Result<(u64, Vec<Vec<u8>>)>;
    /// Keys starting with `prefix` (temporary keys left by interrupted reads).
    fn keys_with_prefix(&mut self, prefix: &[u8]) -> Result<Vec<Vec<u8>>>;
    /// Every stream key: reading a group or acknowledging an entry changes a
    /// stream without a keyspace event, so delta copies them all again.
    fn stream_keys(&mut self) -> Result<Vec<Vec<u8>>>;
    /// The registry lives in the same file: its updates join the open
    /// transaction so counters and cursors commit with the data.
    fn registry(&self) -> &Connection;
}

pub struct SqliteDestination {
    engine: SqliteEngine,
}

impl SqliteDestination {
    /// The file at `path`, writing into database `db`.
    pub fn open(path: &Path, db: u32) -> Result<SqliteDestination> {
        let mut engine = SqliteEngine::open(path, PragmaTemplate::Default)?;
        engine.select(db);
        // Other migration processes (tracker, status) share the file.
        crate::registry::share(engine.connection())?;
        // Bulk rewrites many pages per commit: a bigger cache, rarer checkpoints.
        engine.tune_for_bulk_load()?;
        crate::registry::create(engine.connection())?;
        Ok(SqliteDestination { engine })
    }

    fn clock(&mut self) {
        self.engine.set_clock(resplite_core::util::now_ms());
    }
}

impl Destination for SqliteDestination {
    fn begin(&mut self) -> Result<()> {
        self.clock();
        Ok(self.engine.begin()?)
    }

    fn commit(&mut self) -> Result<()> {
        Ok(self.engine.commit()?)
    }

    fn rollback(&mut self) -> Result<()> {
        Ok(self.engine.rollback()?)
    }

    fn put(&mut self, snap: &Snapshot) -> Result<()> {
        Ok(self
            .engine
            .put_value(&snap.key, &snap.value, snap.expires_at)?)
    }

    fn append(&mut self, key: &[u8], page: &Value) -> Result<()> {
        Ok(self.engine.append_value(key, page)?)
    }

    fn swap_in(&mut self, tmp: &[u8], key: &[u8], expires_at: Option<i64>) -> Result<bool> {
        if self.engine.meta(tmp)?.is_none() {
            return Ok(false);
        }
        self.engine.rename(tmp, key)?;
        self.engine.set_expiry(key, expires_at)?;
        Ok(true)
    }

    fn delete(&mut self, key: &[u8]) -> Result<bool> {
        Ok(self.engine.delete(key)?)
    }

    fn read(&mut self, key: &[u8]) -> Result<Option<Snapshot>> {
        self.clock();
        Ok(self
            .engine
            .read_value(key)?
            .map(|(value, expires_at)| Snapshot {
                key: key.to_vec(),
                value,
                expires_at,
            }))
    }

    fn scan(&mut self, cursor: u64, count: usize) -> Result<(u64, Vec<Vec<u8>>)> {
        self.clock();
        let page = self.engine.scan(cursor, count, &ScanFilter::default())?;
        Ok((page.cursor, page.keys))
    }

    fn keys_with_prefix(&mut self, prefix: &[u8]) -> Result<Vec<Vec<u8>>> {
        // KEYS with a literal prefix reads only that range of the index.
        self.clock();
        Ok(self.engine.keys(&prefix_pattern(prefix))?)
    }

    fn stream_keys(&mut self) -> Result<Vec<Vec<u8>>> {
        self.clock();
        let filter = ScanFilter {
            pattern: None,
            key_type: Some(KeyType::Stream),
        };
        let mut keys = Vec::new();
        let mut cursor = 0;
        loop {
            let page = self.engine.scan(cursor, 1000, &filter)?;
            keys.extend(page.keys);
            if page.cursor == 0 {
                return Ok(keys);
            }
            cursor = page.cursor;
        }
    }

    fn registry(&self) -> &Connection {
        self.engine.connection()
    }
}

/// A glob pattern matching the keys that start with `prefix`.
pub fn prefix_pattern(prefix: &[u8]) -> Vec<u8> {
    let mut pattern = Vec::with_capacity(prefix.len() + 1);
    for &b in prefix {
        if matches!(b, b'*' | b'?' | b'[' | b']' | b'\\') {
            pattern.push(b'\\');
        }
        pattern.push(b);
    }
    pattern.push(b'*');
    pattern
}

/// Where a big key is assembled before it is swapped in: a name no client
/// writes, unique per run, process and key (a bulk and a delta of one run may
/// run at once; neither may drop the other's copies).
/// The hash tag before the key puts the copy in the key's cluster slot (a
/// cluster target renames one over the other).
pub fn temp_key(run_id: &str, key: &[u8]) -> Vec<u8> {
    let mut tmp = temp_prefix(run_id);
    let tag = crate::slots::slot_tag(crate::slots::key_slot(key));
    tmp.extend_from_slice(format!("{}:{{{tag}}}", std::process::id()).as_bytes());
    tmp.extend_from_slice(key);
    tmp
}

/// The prefix of a run's temporary keys (all processes).
pub fn temp_prefix(run_id: &str) -> Vec<u8> {
    let mut tmp = TEMP_PREFIX.to_vec();
    tmp.extend_from_slice(run_id.as_bytes());
    tmp.push(b':');
    tmp
}

/// The pid in a temporary key's name.
pub fn temp_owner(run_id: &str, tmp: &[u8]) -> Option<u32> {
    let rest = tmp.strip_prefix(&temp_prefix(run_id)[..])?;
    let end = rest.iter().position(|&b| b == b':')?;
    std::str::from_utf8(&rest[..end]).ok()?.parse().ok()
}

pub const TEMP_PREFIX: &[u8] = b"\xffresplite-migrate-tmp:";
