//! Lists on SQLite: `redis_list_meta(id, head_seq, tail_seq)` and
//! `redis_list_items(id, seq, value)`, under the key's id.
//!
//! Invariant: a list's items occupy exactly the seqs `head_seq..=tail_seq`
//! (an empty list has `tail_seq = head_seq - 1`), so index `i` is seq
//! `head_seq + i` and LINDEX/LSET/LRANGE are primary-key lookups or range
//! scans, never an OFFSET walk. Pushes extend the ends and pops shrink them
//! without renumbering; LINSERT and LREM (O(N) in Redis too) close or open a
//! gap by shifting the shorter side.

use rusqlite::{params, OptionalExtension};

use super::SqliteEngine;
use crate::engine::{KeyType, ListOps, Result};

/// A list's id and ends.
#[derive(Debug, Clone, Copy)]
pub(super) struct Ends {
    id: i64,
    head: i64,
    tail: i64,
}

impl Ends {
    fn empty(id: i64) -> Ends {
        Ends {
            id,
            head: 0,
            tail: -1,
        }
    }

    fn len(self) -> u64 {
        (self.tail - self.head + 1).max(0) as u64
    }

    /// Redis' index normalization (negative from the tail); `None` if out of range.
    fn index(self, index: i64) -> Option<i64> {
        let len = self.len() as i64;
        let i = if index < 0 { index + len } else { index };
        (0..len).contains(&i).then_some(i)
    }

    /// Redis' range clamping (LRANGE/LTRIM): the kept index range, `None` if empty.
    fn range(self, start: i64, stop: i64) -> Option<(i64, i64)> {
        let len = self.len() as i64;
        let mut start = if start < 0 { start + len } else { start };
        let mut stop = if stop < 0 { stop + len } else { stop };
        start = start.max(0);
        if start > stop || start >= len {
            return None;
        }
        stop = stop.min(len - 1);
        Some((start, stop))
    }
}

impl SqliteEngine {
    /// The ends of a live list, `None` if missing (`WrongType` for other types).
    /// A list whose rows break the invariant (a file written by another
    /// program) is renumbered once, here.
    fn list_ends(&mut self, key: &[u8]) -> Result<Option<Ends>> {
        // One lookup for type, deadline and length: pushes and pops are hot.
        let Some(row) = self.container_row(key, KeyType::List)? else {
            return Ok(None);
        };
        let (id, len) = (row.id, self.row_len(&row));
        // Ends this group already changed are in memory: no meta row lookup.
        let (head, tail) = match self.cached_ends.get(&id) {
            Some(ends) => (Some(ends.head), Some(ends.tail)),
            None => self
                .conn
                .prepare_cached("SELECT head_seq, tail_seq FROM redis_list_meta WHERE id = ?1")?
                .query_row([id], |r| Ok((Some(r.get(0)?), Some(r.get(1)?))))
                .optional()?
                .unwrap_or((None, None)),
        };
        match (head, tail) {
            (Some(head), Some(tail)) if tail - head + 1 == len as i64 => {
                Ok(Some(Ends { id, head, tail }))
            }
            _ => self.list_renumber(key, id, len).map(Some),
        }
    }

    /// Rewrites a list's items as seqs `0..n` and fixes its meta and count.
    fn list_renumber(&mut self, key: &[u8], id: i64, stored_len: u64) -> Result<Ends> {
        let values: Vec<Vec<u8>> = self
            .conn
            .prepare_cached("SELECT value FROM redis_list_items WHERE id = ?1 ORDER BY seq")?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        self.conn
            .prepare_cached("DELETE FROM redis_list_items WHERE id = ?1")?
            .execute([id])?;
        {
            let mut insert = self.conn.prepare_cached(
                "INSERT INTO redis_list_items (id, seq, value) VALUES (?1, ?2, ?3)",
            )?;
            for (seq, value) in values.iter().enumerate() {
                insert.execute(params![id, seq as i64, value])?;
            }
        }
        let ends = Ends {
            id,
            head: 0,
            tail: values.len() as i64 - 1,
        };
        self.list_write_ends(ends)?;
        self.add_len(key, id, values.len() as i64 - stored_len as i64);
        Ok(ends)
    }

    /// Records a list's new ends; the meta row is written at commit.
    fn list_write_ends(&mut self, ends: Ends) -> Result<()> {
        self.cached_ends.insert(ends.id, ends);
        Ok(())
    }

    /// Stores the cached ends in `redis_list_meta`.
    pub(super) fn flush_list_ends(&mut self) -> Result<()> {
        if self.cached_ends.is_empty() {
            return Ok(());
        }
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO redis_list_meta (id, head_seq, tail_seq) VALUES (?1, ?2, ?3) \
             ON CONFLICT(id) DO UPDATE SET head_seq = excluded.head_seq, \
             tail_seq = excluded.tail_seq",
        )?;
        for (id, ends) in self.cached_ends.drain() {
            stmt.execute(params![id, ends.head, ends.tail])?;
        }
        Ok(())
    }

    /// Stores the ends after a removal, or deletes the key if it is now empty.
    fn list_after_removal(&mut self, key: &[u8], ends: Ends) -> Result<()> {
        if ends.len() == 0 {
            self.drop_if_empty(key, ends.id, KeyType::List)?;
            Ok(())
        } else {
            self.list_write_ends(ends)
        }
    }

    /// The one path every push takes (LPUSH/RPUSH/LPUSHX/RPUSHX and LMOVE's
    /// destination).
    fn list_push_values(
        &mut self,
        key: &[u8],
        values: &[&[u8]],
        left: bool,
        only_existing: bool,
    ) -> Result<Option<u64>> {
        // Blocking hook (BLPOP, later): signal "key may be ready" from here.
        let mut ends = match self.list_ends(key)? {
            Some(ends) => ends,
            None if only_existing => return Ok(None),
            None => Ends::empty(self.container_for_write(key, KeyType::List)?.0),
        };
        let mut insert = self
            .conn
            .prepare_cached("INSERT INTO redis_list_items (id, seq, value) VALUES (?1, ?2, ?3)")?;
        for value in values {
            let seq = if left {
                ends.head -= 1;
                ends.head
            } else {
                ends.tail += 1;
                ends.tail
            };
            insert.execute(params![ends.id, seq, value])?;
        }
        drop(insert);
        self.list_write_ends(ends)?;
        self.add_len(key, ends.id, values.len() as i64);
        Ok(Some(ends.len()))
    }

    /// Removes up to `count` items from one end, in pop order; updates `ends`
    /// and the count but not the meta row.
    fn list_take(
        &mut self,
        key: &[u8],
        ends: &mut Ends,
        left: bool,
        count: u64,
    ) -> Result<Vec<Vec<u8>>> {
        let n = count.min(ends.len()) as i64;
        if n == 0 {
            return Ok(Vec::new());
        }
        let (lo, hi, sql) = if left {
            let r = (ends.head, ends.head + n - 1);
            ends.head += n;
            (r.0, r.1, "SELECT value FROM redis_list_items WHERE id = ?1 AND seq BETWEEN ?2 AND ?3 ORDER BY seq")
        } else {
            let r = (ends.tail - n + 1, ends.tail);
            ends.tail -= n;
            (r.0, r.1, "SELECT value FROM redis_list_items WHERE id = ?1 AND seq BETWEEN ?2 AND ?3 ORDER BY seq DESC")
        };
        let values: Vec<Vec<u8>> = self
            .conn
            .prepare_cached(sql)?
            .query_map(params![ends.id, lo, hi], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        self.conn
            .prepare_cached("DELETE FROM redis_list_items WHERE id = ?1 AND seq BETWEEN ?2 AND ?3")?
            .execute(params![ends.id, lo, hi])?;
        self.add_len(key, ends.id, -n);
        Ok(values)
    }

    /// Moves the items with seqs in `lo..=hi` by `delta` (any sign), assuming
    /// the destination slots are free once the block has left. Downward moves
    /// are one statement (SQLite visits rows in ascending seq, so each lands on
    /// a slot already vacated); upward ones go through slots past the tail so
    /// the primary key never collides mid-statement.
    fn list_shift(&mut self, ends: Ends, lo: i64, hi: i64, delta: i64) -> Result<()> {
        if lo > hi || delta == 0 {
            return Ok(());
        }
        if delta < 0 {
            self.conn
                .prepare_cached(
                    "UPDATE redis_list_items SET seq = seq + ?4 \
                     WHERE id = ?1 AND seq BETWEEN ?2 AND ?3",
                )?
                .execute(params![ends.id, lo, hi, delta])?;
            return Ok(());
        }
        // Out of range: past every current seq, and past the block's target.
        let off = ends.tail - ends.head + 2 + delta;
        let mut stmt = self.conn.prepare_cached(
            "UPDATE redis_list_items SET seq = seq + ?4 WHERE id = ?1 AND seq BETWEEN ?2 AND ?3",
        )?;
        stmt.execute(params![ends.id, lo, hi, off])?;
        stmt.execute(params![ends.id, lo + off, hi + off, delta - off])?;
        Ok(())
    }
}

impl ListOps for SqliteEngine {
    fn list_push(
        &mut self,
        key: &[u8],
        values: &[&[u8]],
        left: bool,
        only_existing: bool,
    ) -> Result<Option<u64>> {
        self.list_push_values(key, values, left, only_existing)
    }

    fn list_pop(&mut self, key: &[u8], left: bool, count: u64) -> Result<Option<Vec<Vec<u8>>>> {
        let Some(mut ends) = self.list_ends(key)? else {
            return Ok(None);
        };
        let values = self.list_take(key, &mut ends, left, count)?;
        if !values.is_empty() {
            self.list_after_removal(key, ends)?;
        }
        Ok(Some(values))
    }

    fn list_len(&mut self, key: &[u8]) -> Result<u64> {
        Ok(self.list_ends(key)?.map_or(0, Ends::len))
    }

    fn list_range(&mut self, key: &[u8], start: i64, stop: i64) -> Result<Vec<Vec<u8>>> {
        let Some(ends) = self.list_ends(key)? else {
            return Ok(Vec::new());
        };
        let Some((start, stop)) = ends.range(start, stop) else {
            return Ok(Vec::new());
        };
        let values = self
            .conn
            .prepare_cached(
                "SELECT value FROM redis_list_items WHERE id = ?1 AND seq BETWEEN ?2 AND ?3 \
                 ORDER BY seq",
            )?
            .query_map(params![ends.id, ends.head + start, ends.head + stop], |r| {
                r.get(0)
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(values)
    }

    fn list_index(&mut self, key: &[u8], index: i64) -> Result<Option<Vec<u8>>> {
        let Some(ends) = self.list_ends(key)? else {
            return Ok(None);
        };
        let Some(i) = ends.index(index) else {
            return Ok(None);
        };
        Ok(self
            .conn
            .prepare_cached("SELECT value FROM redis_list_items WHERE id = ?1 AND seq = ?2")?
            .query_row(params![ends.id, ends.head + i], |r| r.get(0))
            .optional()?)
    }

    fn list_set(&mut self, key: &[u8], index: i64, value: &[u8]) -> Result<Option<bool>> {
        let Some(ends) = self.list_ends(key)? else {
            return Ok(None);
        };
        let Some(i) = ends.index(index) else {
            return Ok(Some(false));
        };
        self.conn
            .prepare_cached("UPDATE redis_list_items SET value = ?3 WHERE id = ?1 AND seq = ?2")?
            .execute(params![ends.id, ends.head + i, value])?;
        self.touch(key, ends.id);
        Ok(Some(true))
    }

    fn list_trim(&mut self, key: &[u8], start: i64, stop: i64) -> Result<()> {
        let Some(mut ends) = self.list_ends(key)? else {
            return Ok(());
        };
        let len = ends.len() as i64;
        let (drop_head, drop_tail) = match ends.range(start, stop) {
            Some((start, stop)) => (start, len - 1 - stop),
            None => (len, 0),
        };
        let mut delete = self.conn.prepare_cached(
            "DELETE FROM redis_list_items WHERE id = ?1 AND seq BETWEEN ?2 AND ?3",
        )?;
        if drop_head > 0 {
            delete.execute(params![ends.id, ends.head, ends.head + drop_head - 1])?;
        }
        if drop_tail > 0 {
            delete.execute(params![ends.id, ends.tail - drop_tail + 1, ends.tail])?;
        }
        drop(delete);
        ends.head += drop_head;
        ends.tail -= drop_tail;
        // Redis counts LTRIM as a change even when it keeps everything.
        self.add_len(key, ends.id, -(drop_head + drop_tail));
        self.list_after_removal(key, ends)
    }

    fn list_remove(&mut self, key: &[u8], count: i64, value: &[u8]) -> Result<u64> {
        let Some(mut ends) = self.list_ends(key)? else {
            return Ok(0);
        };
        let limit = if count == 0 {
            -1
        } else {
            count.unsigned_abs().min(i64::MAX as u64) as i64
        };
        let sql = if count < 0 {
            "SELECT seq FROM redis_list_items WHERE id = ?1 AND value = ?2 ORDER BY seq DESC LIMIT ?3"
        } else {
            "SELECT seq FROM redis_list_items WHERE id = ?1 AND value = ?2 ORDER BY seq LIMIT ?3"
        };
        let mut seqs: Vec<i64> = self
            .conn
            .prepare_cached(sql)?
            .query_map(params![ends.id, value, limit], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if seqs.is_empty() {
            return Ok(0);
        }
        seqs.sort_unstable();
        {
            let mut delete = self
                .conn
                .prepare_cached("DELETE FROM redis_list_items WHERE id = ?1 AND seq = ?2")?;
            for &seq in &seqs {
                delete.execute(params![ends.id, seq])?;
            }
        }
        let k = seqs.len() as i64;
        let (first, last) = (seqs[0], seqs[seqs.len() - 1]);
        // Close the gaps from whichever side moves fewer items.
        if ends.tail - first <= last - ends.head {
            // Each run after the j-th removed seq moves down by j + 1, runs in
            // ascending order so every target slot is already free.
            for (j, &seq) in seqs.iter().enumerate() {
                let hi = seqs.get(j + 1).map_or(ends.tail, |next| next - 1);
                self.list_shift(ends, seq + 1, hi, -(j as i64 + 1))?;
            }
            ends.tail -= k;
        } else {
            // Mirror image: each run before the j-th removed seq moves up by k - j,
            // from the tail side.
            for (j, &seq) in seqs.iter().enumerate().rev() {
                let lo = if j == 0 { ends.head } else { seqs[j - 1] + 1 };
                self.list_shift(ends, lo, seq - 1, k - j as i64)?;
            }
            ends.head += k;
        }
        self.add_len(key, ends.id, -k);
        self.list_after_removal(key, ends)?;
        Ok(k as u64)
    }

    fn list_insert(&mut self, key: &[u8], before: bool, pivot: &[u8], value: &[u8]) -> Result<i64> {
        let Some(mut ends) = self.list_ends(key)? else {
            return Ok(0);
        };
        let found: Option<i64> = self
            .conn
            .prepare_cached(
                "SELECT seq FROM redis_list_items WHERE id = ?1 AND value = ?2 \
                 ORDER BY seq LIMIT 1",
            )?
            .query_row(params![ends.id, pivot], |r| r.get(0))
            .optional()?;
        let Some(pivot_seq) = found else {
            return Ok(-1);
        };
        // The new item goes where `at` is now; open the gap on the shorter side.
        let at = if before { pivot_seq } else { pivot_seq + 1 };
        let seq = if at - ends.head <= ends.tail - at + 1 {
            self.list_shift(ends, ends.head, at - 1, -1)?;
            ends.head -= 1;
            at - 1
        } else {
            self.list_shift(ends, at, ends.tail, 1)?;
            ends.tail += 1;
            at
        };
        self.conn
            .prepare_cached("INSERT INTO redis_list_items (id, seq, value) VALUES (?1, ?2, ?3)")?
            .execute(params![ends.id, seq, value])?;
        self.list_write_ends(ends)?;
        self.add_len(key, ends.id, 1);
        Ok(ends.len() as i64)
    }

    fn list_positions(
        &mut self,
        key: &[u8],
        value: &[u8],
        rank: i64,
        count: u64,
        max_len: u64,
    ) -> Result<Option<Vec<u64>>> {
        let Some(ends) = self.list_ends(key)? else {
            return Ok(None);
        };
        let from_tail = rank < 0;
        // Redis 7.0 negates RANK in place: i64::MIN stays negative and then
        // matches the first hit, so it skips nothing.
        let skip = if rank == i64::MIN {
            0
        } else {
            rank.unsigned_abs() - 1
        };
        let (lo, hi) = match max_len {
            0 => (ends.head, ends.tail),
            m if m >= ends.len() => (ends.head, ends.tail),
            m if from_tail => (ends.tail - m as i64 + 1, ends.tail),
            m => (ends.head, ends.head + m as i64 - 1),
        };
        let limit = if count == 0 {
            -1
        } else {
            count.min(i64::MAX as u64) as i64
        };
        let sql = if from_tail {
            "SELECT seq FROM redis_list_items WHERE id = ?1 AND value = ?2 \
             AND seq BETWEEN ?3 AND ?4 ORDER BY seq DESC LIMIT ?5 OFFSET ?6"
        } else {
            "SELECT seq FROM redis_list_items WHERE id = ?1 AND value = ?2 \
             AND seq BETWEEN ?3 AND ?4 ORDER BY seq LIMIT ?5 OFFSET ?6"
        };
        let positions = self
            .conn
            .prepare_cached(sql)?
            .query_map(params![ends.id, value, lo, hi, limit, skip as i64], |r| {
                r.get::<_, i64>(0)
            })?
            .map(|seq| seq.map(|s| (s - ends.head) as u64))
            .collect::<rusqlite::Result<_>>()?;
        Ok(Some(positions))
    }

    fn list_move(
        &mut self,
        src: &[u8],
        dst: &[u8],
        from_left: bool,
        to_left: bool,
    ) -> Result<Option<Vec<u8>>> {
        let Some(mut ends) = self.list_ends(src)? else {
            return Ok(None);
        };
        if src != dst {
            // WRONGTYPE on the destination before the source changes.
            self.container(dst, KeyType::List)?;
        }
        let Some(value) = self.list_take(src, &mut ends, from_left, 1)?.pop() else {
            return Ok(None);
        };
        if src == dst {
            // Rotation: the list never empties, so keep its meta row.
            self.list_write_ends(ends)?;
        } else {
            self.list_after_removal(src, ends)?;
        }
        self.list_push_values(dst, &[&value], to_left, false)?;
        Ok(Some(value))
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    use super::*;
    use crate::engine::{Engine, EngineError, PragmaTemplate};

    fn engine() -> SqliteEngine {
        let mut e = SqliteEngine::with_connection(
            Connection::open_in_memory().unwrap(),
            PragmaTemplate::Default,
        )
        .unwrap();
        e.begin().unwrap();
        e
    }

    fn all(e: &mut SqliteEngine, key: &[u8]) -> Vec<Vec<u8>> {
        e.list_range(key, 0, -1).unwrap()
    }

    /// Every middle edit keeps the items contiguous and in model order, with
    /// gaps closed from whichever side is shorter.
    #[test]
    fn middle_edits_match_a_vec_model() {
        let mut e = engine();
        let mut model: Vec<Vec<u8>> = (0..2000)
            .map(|i| format!("v{}", i % 97).into_bytes())
            .collect();
        let refs: Vec<&[u8]> = model.iter().map(Vec::as_slice).collect();
        e.list_push(b"k", &refs, false, false).unwrap();
        let mut rng = 0x2545_F491_u64;
        let mut next = |n: usize| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            (rng % n.max(1) as u64) as usize
        };
        for round in 0..3000 {
            let value = format!("v{}", next(97)).into_bytes();
            match next(7) {
                0 | 1 => {
                    let before = next(2) == 0;
                    let got = e.list_insert(b"k", before, &value, b"new").unwrap();
                    match model.iter().position(|v| *v == value) {
                        Some(p) => {
                            model.insert(if before { p } else { p + 1 }, b"new".to_vec());
                            assert_eq!(got, model.len() as i64);
                        }
                        None => assert_eq!(got, -1),
                    }
                }
                2 | 3 => {
                    let count = next(5) as i64 - 2;
                    let got = e.list_remove(b"k", count, &value).unwrap();
                    let mut hits: Vec<usize> = model
                        .iter()
                        .enumerate()
                        .filter(|(_, v)| **v == value)
                        .map(|(i, _)| i)
                        .collect();
                    if count < 0 {
                        hits.reverse();
                    }
                    if count != 0 {
                        hits.truncate(count.unsigned_abs() as usize);
                    }
                    hits.sort_unstable();
                    for i in hits.iter().rev() {
                        model.remove(*i);
                    }
                    assert_eq!(got, hits.len() as u64);
                }
                4 => {
                    let i = next(model.len());
                    e.list_set(b"k", i as i64, &value).unwrap();
                    model[i] = value;
                }
                5 => {
                    let left = next(2) == 0;
                    e.list_push(b"k", &[&value], left, false).unwrap();
                    if left {
                        model.insert(0, value);
                    } else {
                        model.push(value);
                    }
                }
                _ => {
                    let left = next(2) == 0;
                    let got = e.list_pop(b"k", left, 1).unwrap().unwrap_or_default();
                    let want = if left {
                        model.remove(0)
                    } else {
                        model.pop().unwrap()
                    };
                    assert_eq!(got, vec![want]);
                }
            }
            if round % 100 == 0 {
                assert_eq!(all(&mut e, b"k"), model, "round {round}");
                assert_eq!(e.list_len(b"k").unwrap(), model.len() as u64);
            }
        }
        assert_eq!(all(&mut e, b"k"), model);
        for (i, v) in model.iter().enumerate().step_by(37) {
            assert_eq!(e.list_index(b"k", i as i64).unwrap().as_ref(), Some(v));
        }
        e.commit().unwrap();
    }

    #[test]
    fn emptied_lists_leave_no_rows() {
        let mut e = engine();
        e.list_push(b"k", &[b"a", b"b"], true, false).unwrap();
        e.list_remove(b"k", 0, b"a").unwrap();
        e.list_trim(b"k", 5, 10).unwrap();
        assert_eq!(e.meta(b"k").unwrap(), None);
        let rows: i64 = e
            .conn
            .query_row(
                "SELECT (SELECT count(*) FROM redis_list_meta) + (SELECT count(*) FROM redis_list_items)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(rows, 0);
        assert_eq!(e.dbsize().unwrap(), 0);
    }

    /// Ends cached for the group follow renames and savepoints, and reach
    /// `redis_list_meta` at commit.
    #[test]
    fn cached_ends_follow_renames_savepoints_and_commits() {
        let mut e = engine();
        e.list_push(b"a", &[b"1", b"2"], false, false).unwrap();
        e.rename(b"a", b"b").unwrap();
        e.list_push(b"b", &[b"0"], true, false).unwrap();
        e.savepoint().unwrap();
        e.list_push(b"b", &[b"x", b"y"], false, false).unwrap();
        e.rollback_savepoint().unwrap();
        e.list_push(b"b", &[b"3"], false, false).unwrap();
        e.commit().unwrap();
        let (head, tail): (i64, i64) = e
            .conn
            .query_row(
                "SELECT head_seq, tail_seq FROM redis_list_meta m JOIN redis_keys k ON k.id = m.id \
                 WHERE k.key = x'62'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(tail - head + 1, 4);
        e.begin().unwrap();
        assert_eq!(all(&mut e, b"b"), [b"0", b"1", b"2", b"3"]);
        e.set_string(b"b", b"s", None).unwrap();
        assert!(matches!(
            e.list_push(b"b", &[b"z"], false, false),
            Err(EngineError::WrongType)
        ));
        e.delete(b"b").unwrap();
        assert_eq!(e.list_push(b"b", &[b"z"], false, false).unwrap(), Some(1));
        e.commit().unwrap();
        e.begin().unwrap();
        assert_eq!(all(&mut e, b"b"), [b"z"]);
    }
}
