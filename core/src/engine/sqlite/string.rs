//! Byte ranges of strings through SQLite's incremental blob I/O: reading or
//! overwriting part of a value touches only the pages holding that part, where
//! a `SELECT value` or `UPDATE … SET value` reads or writes all of it. A write
//! past the end still rewrites the value: a blob cannot grow in place.

use rusqlite::{params, OptionalExtension, MAIN_DB};

use super::SqliteEngine;
use crate::engine::{EngineError, KeyType, Result, StringOps};

/// Bytes handed to a scan's callback at a time: bounded memory for a scan
/// of a value of any size.
const SCAN_CHUNK: usize = 1 << 20;

impl SqliteEngine {
    /// A live string's id and length in one lookup (SQLite's `length()` of a
    /// blob reads the record header, not the bytes); `WrongType` for other
    /// types.
    fn string_row(&mut self, key: &[u8]) -> Result<Option<(i64, usize)>> {
        let found = self
            .conn
            .prepare_cached(
                "SELECT id, type, expires_at, length(value) FROM redis_keys \
                 WHERE db = ?1 AND key = ?2",
            )?
            .query_row(params![self.phys, key], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, Option<i64>>(2)?,
                    r.get::<_, Option<i64>>(3)?,
                ))
            })
            .optional()?;
        let Some((id, code, expires_at, len)) = found else {
            return Ok(None);
        };
        if !self.live_string(key, id, code, expires_at)? {
            return Ok(None);
        }
        // A string key without a value is damage, not an empty string.
        let len = len.ok_or_else(|| EngineError::Corrupt("string key without a value".into()))?;
        Ok(Some((id, len as usize)))
    }
}

impl StringOps for SqliteEngine {
    fn string_len(&mut self, key: &[u8]) -> Result<Option<usize>> {
        Ok(self.string_row(key)?.map(|(_, len)| len))
    }

    fn read_string_range(
        &mut self,
        key: &[u8],
        offset: usize,
        len: usize,
    ) -> Result<Option<Vec<u8>>> {
        let Some((id, total)) = self.string_row(key)? else {
            return Ok(None);
        };
        let end = offset.saturating_add(len).min(total);
        if offset >= end {
            return Ok(Some(Vec::new()));
        }
        let blob = self
            .conn
            .blob_open(MAIN_DB, c"redis_keys", c"value", id, true)?;
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
        let Some((id, total)) = self.string_row(key)? else {
            return Ok(false);
        };
        let end = offset.saturating_add(len).min(total);
        if offset >= end {
            return Ok(true);
        }
        // One handle for the whole scan: its cursor remembers the overflow
        // pages it has walked, where a handle per chunk would walk the page
        // chain from the start each time.
        let blob = self
            .conn
            .blob_open(MAIN_DB, c"redis_keys", c"value", id, true)?;
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
        let Some((id, total)) = self.string_row(key)? else {
            if bytes.is_empty() {
                return Ok(0);
            }
            self.note_modified(key);
            let mut value = vec![0; offset + bytes.len()];
            value[offset..].copy_from_slice(bytes);
            self.insert_key(self.phys, key, KeyType::String, None, Some(&value))?;
            return Ok(value.len());
        };
        if bytes.is_empty() {
            return Ok(total);
        }
        self.note_modified(key);
        let end = offset + bytes.len();
        if end <= total {
            let mut blob = self
                .conn
                .blob_open(MAIN_DB, c"redis_keys", c"value", id, false)?;
            blob.write_all_at(bytes, offset)?;
            return Ok(total);
        }
        let mut value: Vec<u8> = self
            .conn
            .prepare_cached("SELECT value FROM redis_keys WHERE id = ?1")?
            .query_row([id], |r| r.get(0))?;
        value.resize(end, 0);
        value[offset..].copy_from_slice(bytes);
        self.conn
            .prepare_cached("UPDATE redis_keys SET value = ?2, updated_at = ?3 WHERE id = ?1")?
            .execute(params![id, value, self.now])?;
        Ok(end)
    }
}
