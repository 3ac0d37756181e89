//! Sorted sets on SQLite: `redis_zsets(id, h, member, score)`, clustered under
//! the key's id by member hash (see `clustered`: member lookups, ZSCAN
//! cursors, random picks). Score and lex order come from the (id, score,
//! member) index.
//! BLOB comparison is memcmp, so ties on score order by member bytes as in Redis.

use std::borrow::Cow;

use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, OptionalExtension};

use super::clustered::{element_hash, Clustered};
use super::SqliteEngine;
use crate::engine::{
    Aggregate, Engine, EngineError, KeyType, LexBound, LexRange, Result, ScoreRange, Scored, SetOp,
    ZAddCounts, ZAddFlags, ZIncr, ZRange, ZRangeBy, ZSetOps, ZSource,
};

/// Stored scores never keep a negative zero: `-0` reads back as `0`, as it does
/// from a listpack-encoded Redis zset.
fn norm(score: f64) -> f64 {
    score + 0.0
}

/// A slice of one key's members as SQL: `?1` is the key's id, `?2`/`?3` the bounds,
/// `?4`/`?5` LIMIT and OFFSET (a lex range's `?6`: see `lex_slice_cond`).
struct Slice {
    cond: Cow<'static, str>,
    order: &'static str,
    params: Vec<Value>,
}

/// Zsets of at most this many members are scanned whole by ZSCAN, in score
/// order, as Redis scans a listpack (default `zset-max-listpack-entries`).
const WHOLE_SCAN: u64 = 128;

fn score_cond(r: &ScoreRange) -> &'static str {
    match (r.min.exclusive, r.max.exclusive) {
        (false, false) => "score >= ?2 AND score <= ?3",
        (true, false) => "score > ?2 AND score <= ?3",
        (false, true) => "score >= ?2 AND score < ?3",
        (true, true) => "score > ?2 AND score < ?3",
    }
}

/// Conditions for a non-empty lex range (`-` as min, `+` as max).
fn lex_cond(r: &LexRange) -> (&'static str, Value, Value) {
    let (min_op, min) = match &r.min {
        // Every blob is >= the empty blob.
        LexBound::Min | LexBound::Max => (0, Vec::new()),
        LexBound::Inclusive(m) => (0, m.clone()),
        LexBound::Exclusive(m) => (1, m.clone()),
    };
    let (max_op, max) = match &r.max {
        LexBound::Max | LexBound::Min => (0, Value::Null),
        LexBound::Inclusive(m) => (1, Value::Blob(m.clone())),
        LexBound::Exclusive(m) => (2, Value::Blob(m.clone())),
    };
    let cond = match (min_op, max_op) {
        (0, 0) => "member >= ?2 AND ?3 IS NULL",
        (0, 1) => "member >= ?2 AND member <= ?3",
        (0, _) => "member >= ?2 AND member < ?3",
        (_, 0) => "member > ?2 AND ?3 IS NULL",
        (_, 1) => "member > ?2 AND member <= ?3",
        _ => "member > ?2 AND member < ?3",
    };
    (cond, Value::Blob(min), max)
}

const BY_SCORE: &str = "ORDER BY score, member";
const BY_SCORE_REV: &str = "ORDER BY score DESC, member DESC";

impl SqliteEngine {
    fn zscore_of(&self, id: i64, member: &[u8]) -> Result<Option<f64>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT score FROM redis_zsets WHERE id = ?1 AND h = ?3 AND member = ?2",
            )?
            .query_row(params![id, member, element_hash(member)], |r| r.get(0))
            .optional()?)
    }

    fn zinsert(&mut self, key: &[u8], id: i64, member: &[u8], score: f64) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO redis_zsets (id, h, member, score) VALUES (?1, ?4, ?2, ?3)",
            )?
            .execute(params![id, member, norm(score), element_hash(member)])?;
        self.add_len(key, id, 1);
        Ok(())
    }

    fn zupdate(&mut self, key: &[u8], id: i64, member: &[u8], score: f64) -> Result<()> {
        self.conn
            .prepare_cached(
                "UPDATE redis_zsets SET score = ?3 WHERE id = ?1 AND h = ?4 AND member = ?2",
            )?
            .execute(params![id, member, norm(score), element_hash(member)])?;
        self.touch(key, id);
        Ok(())
    }

    /// The SQL for a slice of an existing zset; `None` if it is certainly empty.
    fn slice(&mut self, id: i64, range: &ZRange) -> Result<Option<Slice>> {
        let blob = Value::Integer(id);
        let order_score = if range.rev { BY_SCORE_REV } else { BY_SCORE };
        Ok(Some(match &range.by {
            ZRangeBy::Rank { start, stop } => {
                let len = self.container_len(id)? as i64;
                let (mut start, mut stop) = (*start, *stop);
                if start < 0 {
                    start += len;
                }
                if stop < 0 {
                    stop += len;
                }
                start = start.max(0);
                if start > stop || start >= len {
                    return Ok(None);
                }
                stop = stop.min(len - 1);
                // OFFSET walks `start` index entries (Redis' skiplist finds a rank
                // in O(log n)); the cost stays proportional to the rank reached,
                // never to the whole set.
                Slice {
                    cond: "?2 IS NULL AND ?3 IS NULL".into(),
                    order: order_score,
                    params: vec![
                        blob,
                        Value::Null,
                        Value::Null,
                        Value::Integer(stop - start + 1),
                        Value::Integer(start),
                    ],
                }
            }
            ZRangeBy::Score(r) => {
                if r.is_empty() || range.offset < 0 {
                    return Ok(None);
                }
                Slice {
                    cond: score_cond(r).into(),
                    order: order_score,
                    params: vec![
                        blob,
                        Value::Real(r.min.value),
                        Value::Real(r.max.value),
                        Value::Integer(range.limit),
                        Value::Integer(range.offset),
                    ],
                }
            }
            ZRangeBy::Lex(r) => {
                if r.is_empty() || range.offset < 0 {
                    return Ok(None);
                }
                let (cond, min, max, score) = self.lex_slice_cond(id, r, 6)?;
                Slice {
                    cond: cond.into(),
                    order: order_score,
                    params: vec![
                        blob,
                        min,
                        max,
                        Value::Integer(range.limit),
                        Value::Integer(range.offset),
                        score,
                    ],
                }
            }
        }))
    }

    /// Replaces whatever `dst` holds with a zset of `rows` (deleted if empty).
    fn zstore_rows(&mut self, dst: &[u8], rows: &[Scored]) -> Result<u64> {
        self.delete(dst)?;
        if rows.is_empty() {
            return Ok(0);
        }
        let (id, _) = self.container_for_write(dst, KeyType::ZSet)?;
        for (member, score) in rows {
            self.zinsert(dst, id, member, *score)?;
        }
        Ok(rows.len() as u64)
    }

    /// The score every member of zset `id` has, if they all have one: lex
    /// ranges assume it (as Redis documents) and then are ranges of the
    /// (id, score, member) index. Otherwise they filter the whole zset in
    /// score order.
    fn common_score(&mut self, id: i64) -> Result<Option<f64>> {
        let bound = |sql: &'static str| -> Result<Option<f64>> {
            Ok(self
                .conn
                .prepare_cached(sql)?
                .query_row([id], |r| r.get(0))
                .optional()?)
        };
        let lo = bound("SELECT score FROM redis_zsets WHERE id = ?1 ORDER BY score LIMIT 1")?;
        let hi = bound("SELECT score FROM redis_zsets WHERE id = ?1 ORDER BY score DESC LIMIT 1")?;
        Ok(lo.filter(|lo| Some(*lo) == hi))
    }

    /// A lex range's condition on zset `id` and its bounds (`?2`, `?3`), with
    /// `score = ?{n}` when every member has the same score (the fourth value;
    /// NULL otherwise, unused).
    fn lex_slice_cond(
        &mut self,
        id: i64,
        r: &LexRange,
        n: usize,
    ) -> Result<(String, Value, Value, Value)> {
        let (cond, min, max) = lex_cond(r);
        Ok(match self.common_score(id)? {
            Some(score) => (
                format!("score = ?{n} AND {cond}"),
                min,
                max,
                Value::Real(score),
            ),
            None => (format!("?{n} IS NULL AND {cond}"), min, max, Value::Null),
        })
    }

    /// Deletes members of zset `id` (named `key`); the number deleted.
    fn zdelete(&mut self, key: &[u8], id: i64, members: &[&[u8]]) -> Result<u64> {
        let mut removed = 0u64;
        {
            let mut stmt = self.conn.prepare_cached(
                "DELETE FROM redis_zsets WHERE id = ?1 AND h = ?3 AND member = ?2",
            )?;
            for m in members {
                removed += stmt.execute(params![id, m, element_hash(m)])? as u64;
            }
        }
        if removed > 0 {
            self.add_len(key, id, -(removed as i64));
            self.drop_if_empty(key, id, KeyType::ZSet)?;
        }
        Ok(removed)
    }

    /// The SELECT (columns `member`, `s`) computing a union/intersection/
    /// difference, with its parameters; `None` when the result is surely empty.
    /// Every source's type is checked first, as Redis does.
    fn combine_sql(
        &mut self,
        op: SetOp,
        sources: &[ZSource],
        agg: Aggregate,
    ) -> Result<Option<(String, Vec<Value>)>> {
        let mut kinds = Vec::with_capacity(sources.len());
        for src in sources {
            kinds.push(match self.row(src.key)? {
                None => None,
                Some(r) if r.meta.key_type == KeyType::ZSet => Some(("redis_zsets", r.id)),
                Some(r) if r.meta.key_type == KeyType::Set => Some(("redis_sets", r.id)),
                Some(_) => return Err(EngineError::WrongType),
            });
        }
        let mut params = Vec::new();
        if op == SetOp::Diff {
            let Some((first, first_id)) = kinds[0] else {
                return Ok(None);
            };
            let score = if first == "redis_zsets" {
                "f.score"
            } else {
                "1.0"
            };
            params.push(Value::Integer(first_id));
            let mut sql =
                format!("SELECT f.member AS member, {score} AS s FROM {first} f WHERE f.id = ?1");
            for kind in kinds.iter().skip(1) {
                let Some((table, id)) = kind else { continue };
                params.push(Value::Integer(*id));
                // Sets and zsets both cluster members by the same hash.
                sql.push_str(&format!(
                    " AND NOT EXISTS (SELECT 1 FROM {table} o WHERE o.id = ?{} \
                     AND o.h = f.h AND o.member = f.member)",
                    params.len()
                ));
            }
            return Ok(Some((sql, params)));
        }
        if op == SetOp::Inter && kinds.iter().any(Option::is_none) {
            return Ok(None);
        }
        let mut parts = Vec::new();
        for (src, kind) in sources.iter().zip(&kinds) {
            let Some((table, id)) = kind else { continue };
            params.push(Value::Integer(*id));
            params.push(Value::Real(src.weight));
            let (k, w) = (params.len() - 1, params.len());
            // inf * 0 is NaN, which SQLite makes NULL and Redis makes 0.
            let score = if *table == "redis_zsets" {
                format!("coalesce(score * ?{w}, 0.0)")
            } else {
                format!("coalesce(1.0 * ?{w}, 0.0)")
            };
            parts.push(format!(
                "SELECT member, {score} AS s FROM {table} WHERE id = ?{k}"
            ));
        }
        if parts.is_empty() {
            return Ok(None);
        }
        let aggregate = match agg {
            Aggregate::Sum => "redis_zsum(s)",
            Aggregate::Min => "min(s)",
            Aggregate::Max => "max(s)",
        };
        let having = if op == SetOp::Inter {
            format!(" HAVING count(*) = {}", sources.len())
        } else {
            String::new()
        };
        let sql = format!(
            "SELECT member, {aggregate} AS s FROM ({}) GROUP BY member{having}",
            parts.join(" UNION ALL ")
        );
        Ok(Some((sql, params)))
    }
}

/// `redis_zsum(x)`: ZUNION/ZINTER's SUM as Redis computes it (`zunionInter
/// Aggregate`): the first term as is, then plain additions, a NaN (inf +
/// -inf) becoming 0. SQLite's sum() starts from 0 and compensates, so it
/// turned -0 + -0 into 0 and could differ in the last bit.
struct ZSum;

impl rusqlite::functions::Aggregate<Option<f64>, f64> for ZSum {
    fn init(&self, _: &mut rusqlite::functions::Context<'_>) -> rusqlite::Result<Option<f64>> {
        Ok(None)
    }

    fn step(
        &self,
        ctx: &mut rusqlite::functions::Context<'_>,
        acc: &mut Option<f64>,
    ) -> rusqlite::Result<()> {
        let x: f64 = ctx.get(0)?;
        let sum = acc.map_or(x, |t| t + x);
        *acc = Some(if sum.is_nan() { 0.0 } else { sum });
        Ok(())
    }

    fn finalize(
        &self,
        _: &mut rusqlite::functions::Context<'_>,
        acc: Option<Option<f64>>,
    ) -> rusqlite::Result<f64> {
        Ok(acc.flatten().unwrap_or(0.0))
    }
}

/// Registers the SQL functions zset queries use.
pub(super) fn register_functions(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    use rusqlite::functions::FunctionFlags;
    conn.create_aggregate_function(
        "redis_zsum",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        ZSum,
    )
}

fn scored(r: &rusqlite::Row) -> rusqlite::Result<Scored> {
    Ok((r.get(0)?, r.get(1)?))
}

impl ZSetOps for SqliteEngine {
    fn zadd(&mut self, key: &[u8], items: &[(f64, &[u8])], flags: ZAddFlags) -> Result<ZAddCounts> {
        let mut counts = ZAddCounts::default();
        let mut id = self.container(key, KeyType::ZSet)?;
        if id.is_none() && flags.xx {
            return Ok(counts);
        }
        for &(score, member) in items {
            let current = match id {
                Some(id) => self.zscore_of(id, member)?.map(|cur| (id, cur)),
                None => None,
            };
            match current {
                Some((id, cur)) => {
                    if flags.nx || (flags.lt && score >= cur) || (flags.gt && score <= cur) {
                        continue;
                    }
                    if score != cur {
                        self.zupdate(key, id, member, score)?;
                        counts.updated += 1;
                    }
                }
                None => {
                    if flags.xx {
                        continue;
                    }
                    let zid = match id {
                        Some(zid) => zid,
                        None => self.container_for_write(key, KeyType::ZSet)?.0,
                    };
                    id = Some(zid);
                    self.zinsert(key, zid, member, score)?;
                    counts.added += 1;
                }
            }
        }
        Ok(counts)
    }

    fn zincr(&mut self, key: &[u8], member: &[u8], delta: f64, flags: ZAddFlags) -> Result<ZIncr> {
        let id = self.container(key, KeyType::ZSet)?;
        let current = match id {
            Some(id) => self.zscore_of(id, member)?.map(|cur| (id, cur)),
            None => None,
        };
        match current {
            Some((id, cur)) => {
                if flags.nx {
                    return Ok(ZIncr::Skipped);
                }
                let next = cur + delta;
                if next.is_nan() {
                    return Ok(ZIncr::NaN);
                }
                if (flags.lt && next >= cur) || (flags.gt && next <= cur) {
                    return Ok(ZIncr::Skipped);
                }
                if next != cur {
                    self.zupdate(key, id, member, next)?;
                }
                Ok(ZIncr::Score(next))
            }
            None => {
                if flags.xx {
                    return Ok(ZIncr::Skipped);
                }
                let id = match id {
                    Some(id) => id,
                    None => self.container_for_write(key, KeyType::ZSet)?.0,
                };
                self.zinsert(key, id, member, delta)?;
                Ok(ZIncr::Score(delta))
            }
        }
    }

    fn zrem(&mut self, key: &[u8], members: &[&[u8]]) -> Result<u64> {
        let Some(id) = self.container(key, KeyType::ZSet)? else {
            return Ok(0);
        };
        self.zdelete(key, id, members)
    }

    fn zcard(&mut self, key: &[u8]) -> Result<u64> {
        let Some(id) = self.container(key, KeyType::ZSet)? else {
            return Ok(0);
        };
        self.container_len(id)
    }

    fn zscore(&mut self, key: &[u8], member: &[u8]) -> Result<Option<f64>> {
        let Some(id) = self.container(key, KeyType::ZSet)? else {
            return Ok(None);
        };
        self.zscore_of(id, member)
    }

    fn zmscore(&mut self, key: &[u8], members: &[&[u8]]) -> Result<Vec<Option<f64>>> {
        let Some(id) = self.container(key, KeyType::ZSet)? else {
            return Ok(vec![None; members.len()]);
        };
        members.iter().map(|m| self.zscore_of(id, m)).collect()
    }

    fn zcount(&mut self, key: &[u8], range: &ScoreRange) -> Result<u64> {
        let Some(id) = self.container(key, KeyType::ZSet)? else {
            return Ok(0);
        };
        if range.is_empty() {
            return Ok(0);
        }
        // Counting walks the matching index entries (Redis: two O(log n) rank
        // lookups); fine for the ranges ZCOUNT is used with.
        let sql = format!(
            "SELECT count(*) FROM redis_zsets WHERE id = ?1 AND {}",
            score_cond(range)
        );
        let n: i64 = self
            .conn
            .prepare_dynamic(&sql)?
            .query_row(params![id, range.min.value, range.max.value], |r| r.get(0))?;
        Ok(n as u64)
    }

    fn zlexcount(&mut self, key: &[u8], range: &LexRange) -> Result<u64> {
        let Some(id) = self.container(key, KeyType::ZSet)? else {
            return Ok(0);
        };
        if range.is_empty() {
            return Ok(0);
        }
        let (cond, min, max, score) = self.lex_slice_cond(id, range, 4)?;
        let sql = format!("SELECT count(*) FROM redis_zsets WHERE id = ?1 AND {cond}");
        let n: i64 = self
            .conn
            .prepare_dynamic(&sql)?
            .query_row(params![id, min, max, score], |r| r.get(0))?;
        Ok(n as u64)
    }

    fn zrange(&mut self, key: &[u8], range: &ZRange) -> Result<Vec<Scored>> {
        let Some(id) = self.container(key, KeyType::ZSet)? else {
            return Ok(Vec::new());
        };
        let Some(slice) = self.slice(id, range)? else {
            return Ok(Vec::new());
        };
        let sql = format!(
            "SELECT member, score FROM redis_zsets WHERE id = ?1 AND {} {} LIMIT ?4 OFFSET ?5",
            slice.cond, slice.order
        );
        let mut stmt = self.conn.prepare_dynamic(&sql)?;
        let rows = stmt
            .query_map(params_from_iter(slice.params), scored)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn zrangestore(&mut self, dst: &[u8], src: &[u8], range: &ZRange) -> Result<u64> {
        let rows = self.zrange(src, range)?;
        self.zstore_rows(dst, &rows)
    }

    fn zrank(&mut self, key: &[u8], member: &[u8], rev: bool) -> Result<Option<(u64, f64)>> {
        let Some(id) = self.container(key, KeyType::ZSet)? else {
            return Ok(None);
        };
        let Some(score) = self.zscore_of(id, member)? else {
            return Ok(None);
        };
        // Members before this one: two index ranges (Redis: O(log n)).
        let lower: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM redis_zsets WHERE id = ?1 AND score < ?2")?
            .query_row(params![id, score], |r| r.get(0))?;
        let ties: i64 = self
            .conn
            .prepare_cached(
                "SELECT count(*) FROM redis_zsets WHERE id = ?1 AND score = ?2 AND member < ?3",
            )?
            .query_row(params![id, score, member], |r| r.get(0))?;
        let rank = (lower + ties) as u64;
        let rank = if rev {
            self.container_len(id)?.saturating_sub(rank + 1)
        } else {
            rank
        };
        Ok(Some((rank, score)))
    }

    fn zpop(&mut self, key: &[u8], count: u64, max: bool) -> Result<Vec<Scored>> {
        let Some(id) = self.container(key, KeyType::ZSet)? else {
            return Ok(Vec::new());
        };
        if count == 0 {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT member, score FROM redis_zsets WHERE id = ?1 {} LIMIT ?2",
            if max { BY_SCORE_REV } else { BY_SCORE }
        );
        let rows: Vec<Scored> = self
            .conn
            .prepare_dynamic(&sql)?
            .query_map(params![id, count.min(i64::MAX as u64) as i64], scored)?
            .collect::<rusqlite::Result<_>>()?;
        let members: Vec<&[u8]> = rows.iter().map(|(m, _)| m.as_slice()).collect();
        self.zdelete(key, id, &members)?;
        Ok(rows)
    }

    fn zremrange(&mut self, key: &[u8], range: &ZRange) -> Result<u64> {
        let Some(id) = self.container(key, KeyType::ZSet)? else {
            return Ok(0);
        };
        let Some(slice) = self.slice(id, range)? else {
            return Ok(0);
        };
        let sql = format!(
            "DELETE FROM redis_zsets WHERE id = ?1 AND (h, member) IN (SELECT h, member \
             FROM redis_zsets WHERE id = ?1 AND {} {} LIMIT ?4 OFFSET ?5)",
            slice.cond, slice.order
        );
        let removed = self
            .conn
            .prepare_dynamic(&sql)?
            .execute(params_from_iter(slice.params))? as i64;
        if removed > 0 {
            self.add_len(key, id, -removed);
            self.drop_if_empty(key, id, KeyType::ZSet)?;
        }
        Ok(removed as u64)
    }

    fn zrandmember(&mut self, key: &[u8], count: i64) -> Result<Vec<Scored>> {
        let Some(id) = self.container(key, KeyType::ZSet)? else {
            return Ok(Vec::new());
        };
        let len = self.container_len(id)?;
        if count == 0 || len == 0 {
            return Ok(Vec::new());
        }
        if count > 0 && count as u64 >= len {
            return self.zrange(key, &ZRange::new(ZRangeBy::Rank { start: 0, stop: -1 }));
        }
        let members =
            self.random_elements(Clustered::Zsets, id, len, count.unsigned_abs(), count > 0)?;
        let mut out = Vec::with_capacity(members.len());
        for member in members {
            let score = self.zscore_of(id, &member)?.unwrap_or_default();
            out.push((member, score));
        }
        Ok(out)
    }

    fn zscan(&mut self, key: &[u8], cursor: u64, count: usize) -> Result<(u64, Vec<Scored>)> {
        let Some(id) = self.container(key, KeyType::ZSet)? else {
            return Ok((0, Vec::new()));
        };
        if self.container_len(id)? <= WHOLE_SCAN {
            let all = self.zrange(key, &ZRange::new(ZRangeBy::Rank { start: 0, stop: -1 }))?;
            return Ok((0, all));
        }
        self.scan_elements(
            Clustered::Zsets,
            "member, score",
            id,
            cursor,
            count,
            |row| Ok(Some((row.get(1)?, row.get(2)?))),
        )
    }

    fn zcombine(&mut self, op: SetOp, sources: &[ZSource], agg: Aggregate) -> Result<Vec<Scored>> {
        let Some((sql, params)) = self.combine_sql(op, sources, agg)? else {
            return Ok(Vec::new());
        };
        let sql = format!("SELECT member, s FROM ({sql}) ORDER BY s, member");
        let mut stmt = self.conn.prepare_dynamic(&sql)?;
        let rows = stmt
            .query_map(params_from_iter(params), scored)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn zintercard(&mut self, sources: &[ZSource], limit: u64) -> Result<u64> {
        let Some((sql, params)) = self.combine_sql(SetOp::Inter, sources, Aggregate::Sum)? else {
            return Ok(0);
        };
        // Counting stops at the limit: no more rows are produced than needed.
        let cap = if limit == 0 {
            i64::MAX
        } else {
            limit.min(i64::MAX as u64) as i64
        };
        let sql = format!("SELECT count(*) FROM (SELECT 1 FROM ({sql}) LIMIT {cap})");
        let n: i64 = self
            .conn
            .prepare_dynamic(&sql)?
            .query_row(params_from_iter(params), |r| r.get(0))?;
        Ok(n as u64)
    }

    fn zcombine_store(
        &mut self,
        dst: &[u8],
        op: SetOp,
        sources: &[ZSource],
        agg: Aggregate,
    ) -> Result<u64> {
        let Some((sql, params)) = self.combine_sql(op, sources, agg)? else {
            self.delete(dst)?;
            return Ok(0);
        };
        // The result goes through a scratch table: `dst` may be a source, and
        // nothing of it needs to pass through memory.
        self.exec(
            "CREATE TEMP TABLE IF NOT EXISTS zset_scratch \
             (member BLOB PRIMARY KEY, score REAL NOT NULL)",
        )?;
        self.exec("DELETE FROM temp.zset_scratch")?;
        let n = self
            .conn
            .prepare_dynamic(&format!(
                "INSERT INTO temp.zset_scratch (member, score) SELECT member, s FROM ({sql})"
            ))?
            .execute(params_from_iter(params))? as i64;
        self.delete(dst)?;
        if n > 0 {
            let (id, _) = self.container_for_write(dst, KeyType::ZSet)?;
            self.conn
                .prepare_cached(
                    "INSERT INTO redis_zsets (id, h, member, score) \
                     SELECT ?1, resplite_hash(member), member, score + 0.0 FROM temp.zset_scratch",
                )?
                .execute([id])?;
            self.add_len(dst, id, n);
            self.exec("DELETE FROM temp.zset_scratch")?;
        }
        Ok(n as u64)
    }
}
