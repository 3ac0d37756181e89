//! Hash-field deadlines on SQLite: `redis_hashes.expires_at`, with two
//! partial indexes that hold only fields that have one. While no field has a
//! deadline (the engine remembers that across transactions), hash commands
//! pay nothing for this.

use std::collections::BTreeMap;

use rusqlite::{params, OptionalExtension};

use super::clustered::element_hash;
use super::hash::HashPut;
use super::SqliteEngine;
use crate::engine::hash_ttl::{FieldCondition, FieldDeadline, FieldExpire, HashTtlOps};
use crate::engine::{DbKey, KeyType, Result};

impl SqliteEngine {
    /// Whether some field may have a deadline: asked of the file once, then
    /// kept (set when a deadline is written, cleared by a sweep that finds
    /// none, forgotten when another process writes the file).
    pub(super) fn may_have_deadlines(&mut self) -> Result<bool> {
        if let Some(known) = self.field_deadlines {
            return Ok(known);
        }
        let any: bool = self
            .conn
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM redis_hashes WHERE expires_at IS NOT NULL)",
            )?
            .query_row([], |r| r.get(0))?;
        self.field_deadlines = Some(any);
        Ok(any)
    }

    /// Deletes the due fields of hash `id` (named `key` in physical database
    /// `phys`), and the hash if none is left. True if the hash is gone.
    pub(super) fn purge_due_fields(&mut self, phys: i64, key: &[u8], id: i64) -> Result<bool> {
        if !self.may_have_deadlines()? {
            return Ok(false);
        }
        let removed = self
            .conn
            .prepare_cached(
                "DELETE FROM redis_hashes WHERE id = ?1 AND expires_at <= ?2 \
                 AND expires_at IS NOT NULL",
            )?
            .execute(params![id, self.now])?;
        if removed == 0 {
            return Ok(false);
        }
        self.fields_expired(phys, key, id, removed)
    }

    /// Accounts for `n` fields of hash `id` deleted by expiry: its count,
    /// its deletion when empty, the `hexpired` report. True if it is gone.
    fn fields_expired(&mut self, phys: i64, key: &[u8], id: i64, n: usize) -> Result<bool> {
        self.changed(phys, key, true);
        *self.pending.entry(id).or_insert(0) -= n as i64;
        let gone = self.container_len(id)? == 0;
        if gone {
            self.remove_row(phys, key, id, KeyType::Hash, true)?;
        }
        if self.report_expired {
            self.expired_fields.push((phys, key.to_vec(), gone));
        }
        Ok(gone)
    }

    /// The sweeper's part: deletes up to `limit` due fields of any hash.
    pub(super) fn sweep_fields(&mut self, limit: usize) -> Result<usize> {
        if !self.may_have_deadlines()? {
            return Ok(0);
        }
        let due: Vec<(Vec<u8>, i64, i64, Vec<u8>)> = self
            .conn
            .prepare_cached(
                "SELECT x.field, x.id, k.db, k.key FROM redis_hashes x \
                 JOIN redis_keys k ON k.id = x.id \
                 WHERE x.expires_at <= ?1 AND x.expires_at IS NOT NULL LIMIT ?2",
            )?
            .query_map(params![self.now, limit as i64], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })?
            .collect::<rusqlite::Result<_>>()?;
        if due.is_empty() {
            // Nothing due: ask the file again whether any deadline is left.
            self.field_deadlines = None;
            self.may_have_deadlines()?;
            return Ok(0);
        }
        let mut by_hash: BTreeMap<i64, (i64, Vec<u8>, usize)> = BTreeMap::new();
        let mut delete = self
            .conn
            .prepare_cached("DELETE FROM redis_hashes WHERE id = ?1 AND h = ?3 AND field = ?2")?;
        for (field, id, phys, key) in &due {
            delete.execute(params![id, field, element_hash(field)])?;
            by_hash.entry(*id).or_insert((*phys, key.clone(), 0)).2 += 1;
        }
        drop(delete);
        for (id, (phys, key, n)) in by_hash {
            self.fields_expired(phys, &key, id, n)?;
        }
        Ok(due.len())
    }

    /// A hash for a field-deadline command: its id once due fields are gone.
    fn live_hash(&mut self, key: &[u8]) -> Result<Option<i64>> {
        let Some(id) = self.container(key, KeyType::Hash)? else {
            return Ok(None);
        };
        Ok((!self.purge_due_fields(self.phys, key, id)?).then_some(id))
    }

    fn field_state(&self, id: i64, field: &[u8]) -> Result<FieldDeadline> {
        let found: Option<Option<i64>> = self
            .conn
            .prepare_cached(
                "SELECT expires_at FROM redis_hashes WHERE id = ?1 AND h = ?3 AND field = ?2",
            )?
            .query_row(params![id, field, element_hash(field)], |r| r.get(0))
            .optional()?;
        Ok(match found {
            None => FieldDeadline::Missing,
            Some(None) => FieldDeadline::Persistent,
            Some(Some(at)) => FieldDeadline::At(at),
        })
    }

    fn set_field_deadline(&mut self, id: i64, field: &[u8], at: Option<i64>) -> Result<()> {
        if at.is_some() {
            self.field_deadlines = Some(true);
        }
        self.conn
            .prepare_cached(
                "UPDATE redis_hashes SET expires_at = ?3 WHERE id = ?1 AND h = ?4 AND field = ?2",
            )?
            .execute(params![id, field, at, element_hash(field)])?;
        Ok(())
    }
}

impl HashTtlOps for SqliteEngine {
    fn hexpire(
        &mut self,
        key: &[u8],
        at: i64,
        cond: FieldCondition,
        fields: &[&[u8]],
    ) -> Result<Vec<FieldExpire>> {
        let Some(id) = self.live_hash(key)? else {
            return Ok(vec![FieldExpire::Missing; fields.len()]);
        };
        let mut out = Vec::with_capacity(fields.len());
        let (mut set, mut deleted) = (0, 0);
        for field in fields {
            let current = match self.field_state(id, field)? {
                FieldDeadline::Missing => {
                    out.push(FieldExpire::Missing);
                    continue;
                }
                FieldDeadline::Persistent => None,
                FieldDeadline::At(at) => Some(at),
            };
            let refused = match cond {
                FieldCondition::Always => false,
                FieldCondition::Nx => current.is_some(),
                FieldCondition::Xx => current.is_none(),
                FieldCondition::Gt => current.is_none_or(|c| c >= at),
                FieldCondition::Lt => current.is_some_and(|c| c <= at),
            };
            if refused {
                out.push(FieldExpire::Refused);
            } else if at <= self.now {
                self.conn
                    .prepare_cached(
                        "DELETE FROM redis_hashes WHERE id = ?1 AND h = ?3 AND field = ?2",
                    )?
                    .execute(params![id, field, element_hash(field)])?;
                deleted += 1;
                out.push(FieldExpire::Deleted);
            } else {
                self.set_field_deadline(id, field, Some(at))?;
                set += 1;
                out.push(FieldExpire::Set);
            }
        }
        if deleted + set > 0 {
            self.add_len(key, id, -deleted);
        }
        if deleted > 0 {
            self.drop_if_empty(key, id, KeyType::Hash)?;
        }
        Ok(out)
    }

    fn hdeadlines(&mut self, key: &[u8], fields: &[&[u8]]) -> Result<Vec<FieldDeadline>> {
        let Some(id) = self.live_hash(key)? else {
            return Ok(vec![FieldDeadline::Missing; fields.len()]);
        };
        fields.iter().map(|f| self.field_state(id, f)).collect()
    }

    fn hpersist(&mut self, key: &[u8], fields: &[&[u8]]) -> Result<Vec<FieldDeadline>> {
        let Some(id) = self.live_hash(key)? else {
            return Ok(vec![FieldDeadline::Missing; fields.len()]);
        };
        let mut out = Vec::with_capacity(fields.len());
        for field in fields {
            let state = self.field_state(id, field)?;
            if let FieldDeadline::At(_) = state {
                self.set_field_deadline(id, field, None)?;
                self.touch(key, id);
            }
            out.push(state);
        }
        Ok(out)
    }

    fn hset_keep_ttl(&mut self, key: &[u8], field: &[u8], value: &[u8]) -> Result<bool> {
        let id = self.hash_for_write(key)?;
        let mut next = self.hash_next_ord(id)?;
        if !self.hash_put(id, field, value, HashPut::KeepDeadline, &mut next)? {
            self.touch(key, id);
            return Ok(false);
        }
        self.add_len(key, id, 1);
        Ok(true)
    }

    fn hash_deadlines(&mut self, key: &[u8]) -> Result<Vec<(Vec<u8>, i64)>> {
        let Some(id) = self.live_hash(key)? else {
            return Ok(Vec::new());
        };
        if !self.may_have_deadlines()? {
            return Ok(Vec::new());
        }
        Ok(self
            .conn
            .prepare_cached(
                "SELECT field, expires_at FROM redis_hashes \
                 WHERE id = ?1 AND expires_at IS NOT NULL",
            )?
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?)
    }

    fn take_expired_fields(&mut self) -> Vec<(DbKey, bool)> {
        std::mem::take(&mut self.expired_fields)
            .into_iter()
            .map(|(phys, key, gone)| (DbKey::new(self.logical(phys), key), gone))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::sqlite::PragmaTemplate;
    use crate::engine::{Engine, HashOps};

    fn engine() -> SqliteEngine {
        let mut e = SqliteEngine::with_connection(
            rusqlite::Connection::open_in_memory().unwrap(),
            PragmaTemplate::Default,
        )
        .unwrap();
        e.set_key_reports(true, false);
        e
    }

    /// Any hash command deletes its key's due fields first: reads see only
    /// live fields, counts follow, and the last field takes the key.
    #[test]
    fn due_fields_go_on_access() {
        let mut e = engine();
        e.set_clock(1_000);
        e.hset(b"h", &[(b"a", b"1"), (b"b", b"2"), (b"c", b"3")])
            .unwrap();
        let set = e
            .hexpire(b"h", 2_000, FieldCondition::Always, &[b"a", b"b"])
            .unwrap();
        assert_eq!(set, [FieldExpire::Set, FieldExpire::Set]);
        e.set_clock(1_999);
        assert_eq!(e.hlen(b"h").unwrap(), 3);
        assert!(e.take_expired_fields().is_empty());
        e.set_clock(2_000);
        assert_eq!(e.hget(b"h", b"a").unwrap(), None);
        assert_eq!(e.hlen(b"h").unwrap(), 1);
        assert_eq!(e.hgetall(b"h").unwrap(), [(b"c".to_vec(), b"3".to_vec())]);
        let reported = e.take_expired_fields();
        assert_eq!(reported.len(), 1);
        assert!(!reported[0].1, "the hash still has a field");
        // HSET over a due field writes a new one.
        e.hexpire(b"h", 3_000, FieldCondition::Always, &[b"c"])
            .unwrap();
        e.set_clock(3_000);
        assert_eq!(e.hset(b"h", &[(b"c", b"new")]).unwrap(), 1);
        assert_eq!(
            e.hdeadlines(b"h", &[b"c"]).unwrap(),
            [FieldDeadline::Persistent]
        );
        e.hexpire(b"h", 4_000, FieldCondition::Always, &[b"c"])
            .unwrap();
        e.set_clock(4_000);
        assert!(!e.hexists(b"h", b"c").unwrap());
        assert_eq!(e.meta(b"h").unwrap(), None);
        assert!(e.take_expired_fields()[0].1, "the last field took the key");
    }

    #[test]
    fn the_sweeper_deletes_due_fields_of_any_database() {
        let mut e = engine();
        e.set_clock(1_000);
        for db in [0, 4] {
            e.select(db);
            e.hset(b"h", &[(b"a", b"1"), (b"b", b"2")]).unwrap();
            e.hexpire(b"h", 1_500, FieldCondition::Always, &[b"a"])
                .unwrap();
        }
        e.hexpire(b"h", 1_500, FieldCondition::Always, &[b"b"])
            .unwrap();
        e.set_clock(1_500);
        assert_eq!(e.sweep_expired(100).unwrap(), 3);
        let mut reported: Vec<(u32, bool)> = e
            .take_expired_fields()
            .into_iter()
            .map(|(k, gone)| (k.db, gone))
            .collect();
        reported.sort();
        assert_eq!(reported, [(0, false), (4, true)]);
        assert_eq!(e.meta(b"h").unwrap(), None);
        e.select(0);
        assert_eq!(e.hlen(b"h").unwrap(), 1);
        // Nothing left with a deadline: hash commands stop asking.
        assert_eq!(e.sweep_expired(100).unwrap(), 0);
        assert_eq!(e.field_deadlines, Some(false));
    }
}
