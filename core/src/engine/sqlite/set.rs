//! Sets on SQLite: one `redis_sets` row per member. Set algebra runs in SQL:
//! intersections and differences walk one set and probe the others through the
//! clustered (id, h, member) key; stored results go through a temporary table so
//! the destination may also be a source.

use rusqlite::{params, OptionalExtension};

use super::clustered::{element_hash, Clustered};
use super::SqliteEngine;
use crate::engine::{KeyType, Result, SetOps};
use crate::util::glob::glob_match;
use crate::util::number::parse_i64;

/// Redis keeps a set of at most this many integers (`set-max-intset-entries`'s
/// default) as an intset, which SMEMBERS and SSCAN return in numeric order;
/// other sets come in hash order, as unspecified as Redis' hashtable's.
const INTSET_ENTRIES: u64 = 512;

/// Sorts `members` numerically if they would form a Redis intset: all
/// integers as Redis writes them.
fn intset_order(members: &mut [Vec<u8>]) {
    if members.iter().all(|m| parse_i64(m).is_some()) {
        members.sort_by_cached_key(|m| parse_i64(m));
    }
}

/// Other keys probed inside one SQL statement; any further ones are applied to
/// the result afterwards (keeps the statement text, and its cache entry, small).
const MAX_SQL_PROBES: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Algebra {
    Inter,
    Union,
    Diff,
}

impl SqliteEngine {
    fn first_member_is_integer(&self, id: i64) -> Result<bool> {
        let first: Option<Vec<u8>> = self
            .conn
            .prepare_cached("SELECT member FROM redis_sets WHERE id = ?1 LIMIT 1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        Ok(first.is_some_and(|m| parse_i64(&m).is_some()))
    }

    fn set_has(&self, id: i64, member: &[u8]) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached("SELECT 1 FROM redis_sets WHERE id = ?1 AND h = ?3 AND member = ?2")?
            .query_row(params![id, member, element_hash(member)], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Type-checks every key (all of them, before anything else) and returns
    /// each one's id and size, `None` for a missing key.
    fn set_sizes(&mut self, keys: &[&[u8]]) -> Result<Vec<Option<(i64, u64)>>> {
        let mut sizes = Vec::with_capacity(keys.len());
        for key in keys {
            sizes.push(match self.container(key, KeyType::Set)? {
                Some(id) => Some((id, self.container_len(id)?)),
                None => None,
            });
        }
        Ok(sizes)
    }

    /// The SQL walk for an intersection or difference: the set at `?1` filtered
    /// by (NOT) EXISTS probes of the sets at `?2..`.
    fn probe_sql(prefix: &str, others: usize, keep_if_present: bool) -> String {
        let mut sql = format!("{prefix}SELECT s.member, s.h FROM redis_sets s WHERE s.id = ?1");
        let exists = if keep_if_present {
            "EXISTS"
        } else {
            "NOT EXISTS"
        };
        for i in 0..others {
            sql.push_str(&format!(
                " AND {exists} (SELECT 1 FROM redis_sets o WHERE o.id = ?{} \
                 AND o.h = s.h AND o.member = s.member)",
                i + 2
            ));
        }
        sql
    }

    /// Plans an intersection or difference: the set walked first and the other
    /// (distinct) keys to probe. `None` when the result is empty for sure.
    fn plan(&mut self, op: Algebra, keys: &[&[u8]]) -> Result<Option<Plan>> {
        let sizes = self.set_sizes(keys)?;
        let first = match op {
            Algebra::Inter => {
                if sizes.iter().any(Option::is_none) {
                    return Ok(None);
                }
                // Walk the smallest set, probe the others.
                let (i, _) = sizes
                    .iter()
                    .enumerate()
                    .min_by_key(|(_, n)| n.map_or(0, |(_, len)| len))
                    .expect("at least one key");
                sizes[i].expect("checked").0
            }
            _ => {
                let Some((id, _)) = sizes[0] else {
                    return Ok(None);
                };
                id
            }
        };
        let mut others: Vec<i64> = Vec::new();
        for size in &sizes {
            let Some((id, _)) = *size else {
                continue;
            };
            if others.contains(&id) {
                continue;
            }
            if id == first {
                if op == Algebra::Diff
                    && sizes.iter().skip(1).any(|s| s.map(|s| s.0) == Some(first))
                {
                    // A set minus itself is empty.
                    return Ok(None);
                }
                continue;
            }
            others.push(id);
        }
        Ok(Some(Plan { first, others }))
    }

    /// Streams an intersection or difference into `f` until it returns false.
    fn walk(
        &mut self,
        op: Algebra,
        keys: &[&[u8]],
        mut f: impl FnMut(Vec<u8>) -> bool,
    ) -> Result<()> {
        let Some(plan) = self.plan(op, keys)? else {
            return Ok(());
        };
        let present = op == Algebra::Inter;
        let (in_sql, rest) = plan.others.split_at(plan.others.len().min(MAX_SQL_PROBES));
        let sql = Self::probe_sql("", in_sql.len(), present);
        let mut stmt = self.conn.prepare_dynamic(&sql)?;
        let mut bind: Vec<i64> = vec![plan.first];
        bind.extend_from_slice(in_sql);
        let mut rows = stmt.query(rusqlite::params_from_iter(bind))?;
        'rows: while let Some(row) = rows.next()? {
            let member: Vec<u8> = row.get(0)?;
            for id in rest {
                if self.set_has(*id, &member)? != present {
                    continue 'rows;
                }
            }
            if !f(member) {
                break;
            }
        }
        Ok(())
    }

    fn combine(&mut self, op: Algebra, keys: &[&[u8]]) -> Result<Vec<Vec<u8>>> {
        if op == Algebra::Union {
            let ids = self.set_sizes(keys)?;
            self.union_into_temp(ids)?;
            let members = self
                .conn
                .prepare_cached("SELECT member FROM temp.resplite_set_result")?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            self.clear_temp()?;
            return Ok(members);
        }
        let mut out = Vec::new();
        self.walk(op, keys, |m| {
            out.push(m);
            true
        })?;
        Ok(out)
    }

    /// The scratch table for stored results, created on first use (and again
    /// after a rollback undid its creation).
    fn temp_table(&mut self) -> Result<()> {
        self.exec(
            "CREATE TEMP TABLE IF NOT EXISTS resplite_set_result \
             (member BLOB PRIMARY KEY, h INTEGER NOT NULL)",
        )
    }

    fn clear_temp(&mut self) -> Result<()> {
        self.exec("DELETE FROM temp.resplite_set_result")
    }

    fn union_into_temp(&mut self, ids: Vec<Option<(i64, u64)>>) -> Result<()> {
        self.temp_table()?;
        let mut stmt = self.conn.prepare_cached(
            "INSERT OR IGNORE INTO temp.resplite_set_result (member, h) \
             SELECT member, h FROM redis_sets WHERE id = ?1",
        )?;
        let mut done: Vec<i64> = Vec::new();
        for (id, _) in ids.into_iter().flatten() {
            if !done.contains(&id) {
                stmt.execute([id])?;
                done.push(id);
            }
        }
        Ok(())
    }

    fn combine_store(&mut self, op: Algebra, dst: &[u8], keys: &[&[u8]]) -> Result<u64> {
        if op == Algebra::Union {
            let ids = self.set_sizes(keys)?;
            self.union_into_temp(ids)?;
        } else if let Some(plan) = self.plan(op, keys)? {
            self.temp_table()?;
            let present = op == Algebra::Inter;
            let (in_sql, rest) = plan.others.split_at(plan.others.len().min(MAX_SQL_PROBES));
            let sql = Self::probe_sql(
                "INSERT INTO temp.resplite_set_result (member, h) ",
                in_sql.len(),
                present,
            );
            let mut bind: Vec<i64> = vec![plan.first];
            bind.extend_from_slice(in_sql);
            self.conn
                .prepare_dynamic(&sql)?
                .execute(rusqlite::params_from_iter(bind))?;
            let filter = if present {
                "DELETE FROM temp.resplite_set_result WHERE NOT EXISTS (SELECT 1 FROM redis_sets o \
                 WHERE o.id = ?1 AND o.h = resplite_set_result.h \
                 AND o.member = resplite_set_result.member)"
            } else {
                "DELETE FROM temp.resplite_set_result WHERE EXISTS (SELECT 1 FROM redis_sets o \
                 WHERE o.id = ?1 AND o.h = resplite_set_result.h \
                 AND o.member = resplite_set_result.member)"
            };
            for id in rest {
                self.conn.prepare_cached(filter)?.execute([id])?;
            }
        } else {
            self.temp_table()?;
        }
        let n: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM temp.resplite_set_result")?
            .query_row([], |r| r.get(0))?;
        if let Some(old) = self.row(dst)? {
            self.remove(self.phys, dst, old.id, old.meta.key_type)?;
        }
        if n > 0 {
            let (id, _) = self.container_for_write(dst, KeyType::Set)?;
            self.conn
                .prepare_cached(
                    "INSERT INTO redis_sets (id, h, member) \
                     SELECT ?1, h, member FROM temp.resplite_set_result",
                )?
                .execute([id])?;
            self.add_len(dst, id, n);
        }
        self.clear_temp()?;
        Ok(n as u64)
    }
}

/// By id: the set walked first and the others probed.
struct Plan {
    first: i64,
    others: Vec<i64>,
}

impl SetOps for SqliteEngine {
    fn sadd(&mut self, key: &[u8], members: &[&[u8]]) -> Result<u64> {
        let (id, _) = self.container_for_write(key, KeyType::Set)?;
        let mut stmt = self.conn.prepare_cached(
            "INSERT OR IGNORE INTO redis_sets (id, h, member) VALUES (?1, ?2, ?3)",
        )?;
        let mut added = 0;
        for m in members {
            added += stmt.execute(params![id, element_hash(m), m])? as u64;
        }
        drop(stmt);
        if added > 0 {
            self.add_len(key, id, added as i64);
        }
        Ok(added)
    }

    fn srem(&mut self, key: &[u8], members: &[&[u8]]) -> Result<u64> {
        let Some(id) = self.container(key, KeyType::Set)? else {
            return Ok(0);
        };
        let mut stmt = self
            .conn
            .prepare_cached("DELETE FROM redis_sets WHERE id = ?1 AND h = ?3 AND member = ?2")?;
        let mut removed = 0;
        for m in members {
            removed += stmt.execute(params![id, m, element_hash(m)])? as u64;
        }
        drop(stmt);
        if removed > 0 {
            self.add_len(key, id, -(removed as i64));
            self.drop_if_empty(key, id, KeyType::Set)?;
        }
        Ok(removed)
    }

    fn smembers(&mut self, key: &[u8]) -> Result<Vec<Vec<u8>>> {
        let Some(id) = self.container(key, KeyType::Set)? else {
            return Ok(Vec::new());
        };
        let mut all: Vec<Vec<u8>> = self
            .conn
            .prepare_cached("SELECT member FROM redis_sets WHERE id = ?1")?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if all.len() as u64 <= INTSET_ENTRIES {
            intset_order(&mut all);
        }
        Ok(all)
    }

    fn sismember(&mut self, key: &[u8], member: &[u8]) -> Result<bool> {
        let Some(id) = self.container(key, KeyType::Set)? else {
            return Ok(false);
        };
        self.set_has(id, member)
    }

    fn smismember(&mut self, key: &[u8], members: &[&[u8]]) -> Result<Vec<bool>> {
        let Some(id) = self.container(key, KeyType::Set)? else {
            return Ok(vec![false; members.len()]);
        };
        members.iter().map(|m| self.set_has(id, m)).collect()
    }

    fn scard(&mut self, key: &[u8]) -> Result<u64> {
        let Some(id) = self.container(key, KeyType::Set)? else {
            return Ok(0);
        };
        self.container_len(id)
    }

    fn spop(&mut self, key: &[u8], count: u64) -> Result<Vec<Vec<u8>>> {
        let Some(id) = self.container(key, KeyType::Set)? else {
            return Ok(Vec::new());
        };
        if count == 0 {
            return Ok(Vec::new());
        }
        let len = self.container_len(id)?;
        if count >= len {
            let all = self.smembers(key)?;
            self.remove(self.phys, key, id, KeyType::Set)?;
            return Ok(all);
        }
        let out = self.random_elements(Clustered::Sets, id, len, count, true)?;
        for m in &out {
            self.conn
                .prepare_cached("DELETE FROM redis_sets WHERE id = ?1 AND h = ?3 AND member = ?2")?
                .execute(params![id, m, element_hash(m)])?;
        }
        self.add_len(key, id, -(out.len() as i64));
        self.drop_if_empty(key, id, KeyType::Set)?;
        Ok(out)
    }

    fn srandom(&mut self, key: &[u8], count: u64, distinct: bool) -> Result<Vec<Vec<u8>>> {
        let Some(id) = self.container(key, KeyType::Set)? else {
            return Ok(Vec::new());
        };
        let len = self.container_len(id)?;
        self.random_elements(Clustered::Sets, id, len, count, distinct)
    }

    fn smove(&mut self, src: &[u8], dst: &[u8], member: &[u8]) -> Result<bool> {
        // As Redis: a missing source is 0 whatever the destination holds.
        let Some(id) = self.container(src, KeyType::Set)? else {
            return Ok(false);
        };
        self.container(dst, KeyType::Set)?;
        if src == dst {
            return self.set_has(id, member);
        }
        if self.srem(src, &[member])? == 0 {
            return Ok(false);
        }
        self.sadd(dst, &[member])?;
        Ok(true)
    }

    fn sinter(&mut self, keys: &[&[u8]]) -> Result<Vec<Vec<u8>>> {
        self.combine(Algebra::Inter, keys)
    }

    fn sunion(&mut self, keys: &[&[u8]]) -> Result<Vec<Vec<u8>>> {
        self.combine(Algebra::Union, keys)
    }

    fn sdiff(&mut self, keys: &[&[u8]]) -> Result<Vec<Vec<u8>>> {
        self.combine(Algebra::Diff, keys)
    }

    fn sinterstore(&mut self, dst: &[u8], keys: &[&[u8]]) -> Result<u64> {
        self.combine_store(Algebra::Inter, dst, keys)
    }

    fn sunionstore(&mut self, dst: &[u8], keys: &[&[u8]]) -> Result<u64> {
        self.combine_store(Algebra::Union, dst, keys)
    }

    fn sdiffstore(&mut self, dst: &[u8], keys: &[&[u8]]) -> Result<u64> {
        self.combine_store(Algebra::Diff, dst, keys)
    }

    fn sintercard(&mut self, keys: &[&[u8]], limit: u64) -> Result<u64> {
        let mut n = 0u64;
        self.walk(Algebra::Inter, keys, |_| {
            n += 1;
            limit == 0 || n < limit
        })?;
        Ok(n)
    }

    fn sscan(
        &mut self,
        key: &[u8],
        cursor: u64,
        count: usize,
        pattern: Option<&[u8]>,
    ) -> Result<(u64, Vec<Vec<u8>>)> {
        let Some(id) = self.container(key, KeyType::Set)? else {
            return Ok((0, Vec::new()));
        };
        let keep = |m: &[u8]| pattern.is_none_or(|p| glob_match(p, m, false));
        // A would-be intset comes all at once, as Redis scans one (one member
        // tells most sets apart without reading them all).
        if self.container_len(id)? <= INTSET_ENTRIES && self.first_member_is_integer(id)? {
            let mut all = self.smembers(key)?;
            if all.iter().all(|m| parse_i64(m).is_some()) {
                all.retain(|m| keep(m));
                return Ok((0, all));
            }
        }
        self.scan_elements(Clustered::Sets, "member", id, cursor, count, |row| {
            let member: Vec<u8> = row.get(1)?;
            Ok(keep(&member).then_some(member))
        })
    }
}
