//! Byte ranges of strings through SQLite's incremental blob I/O: reading or
//! overwriting part of a value touches only the pages holding that part, where
//! a `SELECT value` or `UPDATE … SET value` reads or writes all of it. A write
//! past the end still rewrites the value: a blob cannot grow in place.

use rusqlite::{params, OptionalExtension, MAIN_DB};

use super::{Row, SqliteEngine};
use crate::engine::{EngineError, KeyType, Result, StringOps};

/// Bytes handed to a scan's callback at a time: bounded memory for a scan
/// of a value of any size.
const SCAN_CHUNK: usize = 1 << 20;

impl SqliteEngine {
    /// The row of a live string; `WrongType` for other types.
    fn string_row(&mut self, key: &[u8]) -> Result<Option<Row>> {
        match self.row(key)? {
            Some(row) if row.meta.key_type != KeyType::String => Err(EngineError::WrongType),
            row => Ok(row),
        }
    }

    /// The length of string `id`'s value; SQLite's `length()` of a blob
    /// reads the record header, not the bytes.
    fn value_len(&mut self, id: i64) -> Result<usize> {
        let len: Option<i64> = self
            .conn
            .prepare_cached("SELECT length(value) FROM redis_keys WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .flatten();
        len.map(|n| n as usize)
            .ok_or_else(|| EngineError::Corrupt("string key without a value".into()))
    }
}

impl StringOps for SqliteEngine {
    fn string_len(&mut self, key: &[u8]) -> Result<Option<usize>> {
        match self.string_row(key)? {
            Some(row) => self.value_len(row.id).map(Some),
            None => Ok(None),
        }
    }

    fn read_string_range(
        &mut self,
        key: &[u8],
        offset: usize,
        len: usize,
    ) -> Result<Option<Vec<u8>>> {
        let Some(row) = self.string_row(key)? else {
            return Ok(None);
        };
        let total = self.value_len(row.id)?;
        let end = offset.saturating_add(len).min(total);
        if offset >= end {
            return Ok(Some(Vec::new()));
        }
        let blob = self
            .conn
            .blob_open(MAIN_DB, c"redis_keys", c"value", row.id, true)?;
        let mut buf = vec![0; end - offset];
        blob.read_at_exact(&mut buf, offset)?;
        Ok(Some(buf))
    }

    fn scan_string_range(
        &mut self,
        key: &[u8],
        offset: usize,
        len: usize,
        f: &mut dyn FnMut(&[u8]) -> bool,
    ) -> Result<bool> {
        let Some(row) = self.string_row(key)? else {
            return Ok(false);
        };
        let total = self.value_len(row.id)?;
        let end = offset.saturating_add(len).min(total);
        if offset >= end {
            return Ok(true);
        }
        // One handle for the whole scan: its cursor remembers the overflow
        // pages it has walked, where a handle per chunk would walk the page
        // chain from the start each time.
        let blob = self
            .conn
            .blob_open(MAIN_DB, c"redis_keys", c"value", row.id, true)?;
        let mut buf = vec![0; SCAN_CHUNK.min(end - offset)];
        let mut at = offset;
        while at < end {
            let n = SCAN_CHUNK.min(end - at);
            blob.read_at_exact(&mut buf[..n], at)?;
            if !f(&buf[..n]) {
                break;
            }
            at += n;
        }
        Ok(true)
    }

    fn write_string_range(&mut self, key: &[u8], offset: usize, bytes: &[u8]) -> Result<usize> {
        let Some(row) = self.string_row(key)? else {
            if bytes.is_empty() {
                return Ok(0);
            }
            self.note_modified(key);
            let mut value = vec![0; offset + bytes.len()];
            value[offset..].copy_from_slice(bytes);
            self.insert_key(self.phys, key, KeyType::String, None, Some(&value))?;
            return Ok(value.len());
        };
        let total = self.value_len(row.id)?;
        if bytes.is_empty() {
            return Ok(total);
        }
        self.note_modified(key);
        let end = offset + bytes.len();
        if end <= total {
            let mut blob = self
                .conn
                .blob_open(MAIN_DB, c"redis_keys", c"value", row.id, false)?;
            blob.write_all_at(bytes, offset)?;
            return Ok(total);
        }
        let mut value: Vec<u8> = self
            .conn
            .prepare_cached("SELECT value FROM redis_keys WHERE id = ?1")?
            .query_row([row.id], |r| r.get(0))?;
        value.resize(end, 0);
        value[offset..].copy_from_slice(bytes);
        self.conn
            .prepare_cached("UPDATE redis_keys SET value = ?2, updated_at = ?3 WHERE id = ?1")?
            .execute(params![row.id, value, self.now])?;
        Ok(end)
    }
}
