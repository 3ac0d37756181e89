//! Hashes on SQLite: one `redis_hashes` row per field, clustered under the
//! key's id (see `clustered`; field deadlines: `hash_ttl`). The field count
//! lives in `redis_keys`.

use rusqlite::{params, OptionalExtension};

use super::clustered::{element_hash, Clustered};
use super::SqliteEngine;
use crate::engine::hash::FieldValue;
use crate::engine::{HashOps, KeyType, Result};
use crate::util::glob::glob_match;

/// Hashes of at most this many fields keep their fields' insertion order, as
/// a Redis listpack does at the default `hash-max-listpack-entries`: HGETALL,
/// HKEYS and HVALS return it, and HSCAN returns such a hash whole, in it.
/// Larger hashes' order is `h` order, as unspecified as Redis' hashtable's.
const ORDERED: u64 = 128;

/// What a field write does to the field's deadline.
#[derive(Debug, Clone, Copy)]
pub(super) enum HashPut {
    /// As HSET: the field is persistent again.
    ClearDeadline,
    /// Leaves the deadline column alone (also when no field has one).
    KeepDeadline,
}

/// The rank a hash's next new field takes (see [`ORDERED`]).
#[derive(Debug, Clone, Copy)]
pub(super) enum NextOrd {
    /// The hash is too big to keep insertion order.
    Unranked,
    /// Not looked up yet (most writes update a field and never need it).
    Unknown,
    At(i64),
}

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

    /// The insertion rank (`ord`) of the next field added to hash `id`: none
    /// past [`ORDERED`] fields, else found when first needed.
    pub(super) fn hash_next_ord(&mut self, id: i64) -> Result<NextOrd> {
        Ok(if self.container_len(id)? < ORDERED {
            NextOrd::Unknown
        } else {
            NextOrd::Unranked
        })
    }

    /// Writes one field; true if it is new. A new field takes rank `next`.
    pub(super) fn hash_put(
        &self,
        id: i64,
        field: &[u8],
        value: &[u8],
        put: HashPut,
        next: &mut NextOrd,
    ) -> Result<bool> {
        let sql = match put {
            HashPut::ClearDeadline => {
                "UPDATE redis_hashes SET value = ?3, expires_at = NULL \
                 WHERE id = ?1 AND h = ?4 AND field = ?2"
            }
            HashPut::KeepDeadline => {
                "UPDATE redis_hashes SET value = ?3 WHERE id = ?1 AND h = ?4 AND field = ?2"
            }
        };
        let h = element_hash(field);
        let updated = self
            .conn
            .prepare_cached(sql)?
            .execute(params![id, field, value, h])?;
        if updated > 0 {
            return Ok(false);
        }
        let ord = match *next {
            NextOrd::Unranked => None,
            NextOrd::At(ord) => Some(ord),
            NextOrd::Unknown => {
                // A small hash's rows share a page or two: a short scan.
                let max: Option<i64> = self
                    .conn
                    .prepare_cached("SELECT max(ord) FROM redis_hashes WHERE id = ?1")?
                    .query_row([id], |r| r.get(0))?;
                Some(max.unwrap_or(0) + 1)
            }
        };
        if let Some(ord) = ord {
            *next = NextOrd::At(ord + 1);
        }
        self.conn
            .prepare_cached(
                "INSERT INTO redis_hashes (id, h, field, ord, value) VALUES (?1, ?2, ?3, ?5, ?4)",
            )?
            .execute(params![id, h, field, value, ord])?;
        Ok(true)
    }

    /// All of hash `id`'s rows as `columns` through `read`, in insertion
    /// order if the hash is small.
    fn hash_rows<T>(
        &mut self,
        id: i64,
        columns: &'static str,
        read: impl FnMut(&rusqlite::Row) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        let ordered = self.container_len(id)? <= ORDERED;
        let order = if ordered { " ORDER BY ord" } else { "" };
        Ok(self
            .conn
            .prepare_dynamic(&format!(
                "SELECT {columns} FROM redis_hashes WHERE id = ?1{order}"
            ))?
            .query_map([id], read)?
            .collect::<rusqlite::Result<_>>()?)
    }

    pub(super) fn hash_field(&self, id: i64, field: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT value FROM redis_hashes WHERE id = ?1 AND h = ?3 AND field = ?2",
            )?
            .query_row(params![id, field, element_hash(field)], |r| r.get(0))
            .optional()?)
    }
}

impl HashOps for SqliteEngine {
    fn hset(&mut self, key: &[u8], pairs: &[(&[u8], &[u8])]) -> Result<u64> {
        let id = self.hash_for_write(key)?;
        // Writing the deadline column costs the partial indexes' upkeep on
        // every update: spared while no field has a deadline.
        let put = if self.may_have_deadlines()? {
            HashPut::ClearDeadline
        } else {
            HashPut::KeepDeadline
        };
        let mut next = self.hash_next_ord(id)?;
        let mut added = 0;
        for (field, value) in pairs {
            added += u64::from(self.hash_put(id, field, value, put, &mut next)?);
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
        self.hash_rows(id, "field, value", |r| Ok((r.get(0)?, r.get(1)?)))
    }

    fn hkeys(&mut self, key: &[u8]) -> Result<Vec<Vec<u8>>> {
        let Some(id) = self.hash_id(key)? else {
            return Ok(Vec::new());
        };
        self.hash_rows(id, "field", |r| r.get(0))
    }

    fn hvals(&mut self, key: &[u8]) -> Result<Vec<Vec<u8>>> {
        let Some(id) = self.hash_id(key)? else {
            return Ok(Vec::new());
        };
        self.hash_rows(id, "value", |r| r.get(0))
    }

    fn hdel(&mut self, key: &[u8], fields: &[&[u8]]) -> Result<u64> {
        let Some(id) = self.hash_id(key)? else {
            return Ok(0);
        };
        let mut stmt = self
            .conn
            .prepare_cached("DELETE FROM redis_hashes WHERE id = ?1 AND h = ?3 AND field = ?2")?;
        let mut removed = 0;
        for f in fields {
            removed += stmt.execute(params![id, f, element_hash(f)])? as u64;
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
                 WHERE id = ?1 AND h = ?3 AND field = ?2",
            )?
            .query_row(params![id, field, element_hash(field)], |r| r.get(0))
            .optional()?;
        Ok(len.unwrap_or(0) as u64)
    }

    fn hrandom(&mut self, key: &[u8], count: u64, distinct: bool) -> Result<Vec<FieldValue>> {
        let Some(id) = self.hash_id(key)? else {
            return Ok(Vec::new());
        };
        let len = self.container_len(id)?;
        let fields = self.random_elements(Clustered::Hashes, id, len, count, distinct)?;
        let mut out = Vec::with_capacity(fields.len());
        for field in fields {
            let value = self.hash_field(id, &field)?.unwrap_or_default();
            out.push((field, value));
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
        let keep = |field: &[u8]| pattern.is_none_or(|p| glob_match(p, field, false));
        if self.container_len(id)? <= ORDERED {
            // As Redis scans a listpack: all of it at once, whatever the cursor.
            let mut all = self.hash_rows(id, "field, value", |r| Ok((r.get(0)?, r.get(1)?)))?;
            all.retain(|(f, _): &FieldValue| keep(f));
            return Ok((0, all));
        }
        self.scan_elements(
            Clustered::Hashes,
            "field, value",
            id,
            cursor,
            count,
            |row| {
                let field: Vec<u8> = row.get(1)?;
                if !keep(&field) {
                    return Ok(None);
                }
                Ok(Some((field, row.get(2)?)))
            },
        )
    }
}
