//! Hashes on SQLite: one `redis_hashes` row per field, under the key's id
//! (field deadlines: `hash_ttl`).
//! Updates keep the row (and its rowid, the HSCAN cursor); the field count
//! lives in `redis_keys`.

use rusqlite::{params, OptionalExtension};

use super::set::RowTable;
use super::SqliteEngine;
use crate::engine::hash::FieldValue;
use crate::engine::{HashOps, KeyType, Result};
use crate::util::glob::glob_match;

impl SqliteEngine {
    /// A live hash's id, its due fields deleted first (see `hash_ttl`).
    pub(super) fn hash_id(&mut self, key: &[u8]) -> Result<Option<i64>> {
        let Some(id) = self.container(key, KeyType::Hash)? else {
            return Ok(None);
        };
        Ok((!self.purge_due_fields(self.phys, key, id)?).then_some(id))
    }

    /// A hash for writing, created empty if missing.
    pub(super) fn hash_for_write(&mut self, key: &[u8]) -> Result<i64> {
        match self.hash_id(key)? {
            Some(id) => Ok(id),
            None => Ok(self.container_for_write(key, KeyType::Hash)?.0),
        }
    }

    /// Writes one field, clearing its deadline (as HSET does) if any field
    /// may have one; true if it is new.
    fn hash_put(&self, id: i64, field: &[u8], value: &[u8], deadlines: bool) -> Result<bool> {
        // Writing the deadline column costs the partial indexes' upkeep on
        // every update: spared while no field has a deadline.
        let sql = if deadlines {
            "UPDATE redis_hashes SET value = ?3, expires_at = NULL WHERE id = ?1 AND field = ?2"
        } else {
            "UPDATE redis_hashes SET value = ?3 WHERE id = ?1 AND field = ?2"
        };
        let updated = self
            .conn
            .prepare_cached(sql)?
            .execute(params![id, field, value])?;
        if updated > 0 {
            return Ok(false);
        }
        self.conn
            .prepare_cached("INSERT INTO redis_hashes (id, field, value) VALUES (?1, ?2, ?3)")?
            .execute(params![id, field, value])?;
        Ok(true)
    }

    fn hash_field(&self, id: i64, field: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM redis_hashes WHERE id = ?1 AND field = ?2")?
            .query_row(params![id, field], |r| r.get(0))
            .optional()?)
    }
}

impl HashOps for SqliteEngine {
    fn hset(&mut self, key: &[u8], pairs: &[(&[u8], &[u8])]) -> Result<u64> {
        let id = self.hash_for_write(key)?;
        let deadlines = self.may_have_deadlines()?;
        let mut added = 0;
        for (field, value) in pairs {
            added += u64::from(self.hash_put(id, field, value, deadlines)?);
        }
        self.add_len(key, id, added as i64);
        Ok(added)
    }

    fn hsetnx(&mut self, key: &[u8], field: &[u8], value: &[u8]) -> Result<bool> {
        if let Some(id) = self.hash_id(key)? {
            if self.hash_field(id, field)?.is_some() {
                return Ok(false);
            }
        }
        self.hset(key, &[(field, value)])?;
        Ok(true)
    }

    fn hget(&mut self, key: &[u8], field: &[u8]) -> Result<Option<Vec<u8>>> {
        let Some(id) = self.hash_id(key)? else {
            return Ok(None);
        };
        self.hash_field(id, field)
    }

    fn hmget(&mut self, key: &[u8], fields: &[&[u8]]) -> Result<Vec<Option<Vec<u8>>>> {
        let Some(id) = self.hash_id(key)? else {
            return Ok(vec![None; fields.len()]);
        };
        fields.iter().map(|f| self.hash_field(id, f)).collect()
    }

    fn hgetall(&mut self, key: &[u8]) -> Result<Vec<FieldValue>> {
        let Some(id) = self.hash_id(key)? else {
            return Ok(Vec::new());
        };
        Ok(self
            .conn
            .prepare_cached("SELECT field, value FROM redis_hashes WHERE id = ?1")?
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?)
    }

    fn hkeys(&mut self, key: &[u8]) -> Result<Vec<Vec<u8>>> {
        let Some(id) = self.hash_id(key)? else {
            return Ok(Vec::new());
        };
        Ok(self
            .conn
            .prepare_cached("SELECT field FROM redis_hashes WHERE id = ?1")?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }

    fn hvals(&mut self, key: &[u8]) -> Result<Vec<Vec<u8>>> {
        let Some(id) = self.hash_id(key)? else {
            return Ok(Vec::new());
        };
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM redis_hashes WHERE id = ?1")?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }

    fn hdel(&mut self, key: &[u8], fields: &[&[u8]]) -> Result<u64> {
        let Some(id) = self.hash_id(key)? else {
            return Ok(0);
        };
        let mut stmt = self
            .conn
            .prepare_cached("DELETE FROM redis_hashes WHERE id = ?1 AND field = ?2")?;
        let mut removed = 0;
        for f in fields {
            removed += stmt.execute(params![id, f])? as u64;
        }
        drop(stmt);
        if removed > 0 {
            self.add_len(key, id, -(removed as i64));
            self.drop_if_empty(key, id, KeyType::Hash)?;
        }
        Ok(removed)
    }

    fn hexists(&mut self, key: &[u8], field: &[u8]) -> Result<bool> {
        Ok(self.hget(key, field)?.is_some())
    }

    fn hlen(&mut self, key: &[u8]) -> Result<u64> {
        let Some(id) = self.hash_id(key)? else {
            return Ok(0);
        };
        self.container_len(id)
    }

    fn hstrlen(&mut self, key: &[u8], field: &[u8]) -> Result<u64> {
        let Some(id) = self.hash_id(key)? else {
            return Ok(0);
        };
        let len: Option<i64> = self
            .conn
            .prepare_cached(
                "SELECT length(CAST(value AS BLOB)) FROM redis_hashes \
                 WHERE id = ?1 AND field = ?2",
            )?
            .query_row(params![id, field], |r| r.get(0))
            .optional()?;
        Ok(len.unwrap_or(0) as u64)
    }

    fn hrandom(&mut self, key: &[u8], count: u64, distinct: bool) -> Result<Vec<FieldValue>> {
        let Some(id) = self.hash_id(key)? else {
            return Ok(Vec::new());
        };
        let len = self.container_len(id)?;
        let rowids = self.random_rowids(RowTable::Hashes, id, len, count, distinct)?;
        let mut stmt = self
            .conn
            .prepare_cached("SELECT field, value FROM redis_hashes WHERE rowid = ?1")?;
        let mut out = Vec::with_capacity(rowids.len());
        for rowid in rowids {
            out.push(stmt.query_row([rowid], |r| Ok((r.get(0)?, r.get(1)?)))?);
        }
        Ok(out)
    }

    fn hscan(
        &mut self,
        key: &[u8],
        cursor: u64,
        count: usize,
        pattern: Option<&[u8]>,
    ) -> Result<(u64, Vec<FieldValue>)> {
        let Some(id) = self.hash_id(key)? else {
            return Ok((0, Vec::new()));
        };
        self.scan_rows(RowTable::Hashes, "field, value", id, cursor, count, |row| {
            let field: Vec<u8> = row.get(1)?;
            if pattern.is_some_and(|p| !glob_match(p, &field, false)) {
                return Ok(None);
            }
            Ok(Some((field, row.get(2)?)))
        })
    }
}
