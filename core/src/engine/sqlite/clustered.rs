//! Hashes, sets and zsets store each element once, in a `WITHOUT ROWID` table
//! clustered by (key id, h, element), where `h` is a 32-bit hash of the
//! element's bytes. A lookup is one B-tree descent and a write touches one
//! B-tree: no rowid table beside an index of the same rows.
//!
//! `h` also gives what a rowid used to: HSCAN/SSCAN cursors (an `h` to resume
//! at; a step never splits the rows sharing an `h`, so an iteration returns
//! every element present throughout it) and uniform random picks (buckets of
//! the `h` range, see [`SqliteEngine::random_elements`]). Element order is `h`
//! order, as unspecified as a Redis hashtable's.

use std::collections::HashSet;

use rusqlite::functions::FunctionFlags;
use rusqlite::params;

use super::SqliteEngine;
use crate::engine::Result;

/// The element hash: the top half of XXH3-64, whose output is fixed by its
/// specification, so a file's `h` column stays valid across builds.
pub(super) fn element_hash(element: &[u8]) -> i64 {
    (xxhash_rust::xxh3::xxh3_64(element) >> 32) as i64
}

/// The exclusive upper bound of `h`.
const H_END: i64 = 1 << 32;

/// `resplite_hash(x)`: [`element_hash`] in SQL (upgrades, probes of a set
/// from another table's rows).
pub(super) fn register_functions(conn: &rusqlite::Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        "resplite_hash",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let v = ctx.get_raw(0);
            Ok(match v {
                rusqlite::types::ValueRef::Blob(b) | rusqlite::types::ValueRef::Text(b) => {
                    element_hash(b)
                }
                _ => element_hash(&[]),
            })
        },
    )
}

/// Containers at most this large are read whole for random picks with repeats.
const SMALL: u64 = 64;

/// A random pick reads one bucket of the `h` range (as many buckets as
/// elements) and takes one of its `c` elements with probability
/// `min(c, CAP) / CAP`: every element then has the same chance, except in a
/// bucket holding more than CAP (about one in 10^5 at CAP 7), whose elements
/// are a little less likely. The cost is CAP probes per pick on average.
const CAP: usize = 7;

/// The clustered tables: name and element column.
#[derive(Debug, Clone, Copy)]
pub(super) enum Clustered {
    Hashes,
    Sets,
    Zsets,
}

impl Clustered {
    fn table(self) -> &'static str {
        match self {
            Clustered::Hashes => "redis_hashes",
            Clustered::Sets => "redis_sets",
            Clustered::Zsets => "redis_zsets",
        }
    }

    fn element(self) -> &'static str {
        match self {
            Clustered::Hashes => "field",
            Clustered::Sets | Clustered::Zsets => "member",
        }
    }
}

impl SqliteEngine {
    /// Random elements of `id` in `table` (which holds `len` of them): `count`
    /// distinct ones (all if fewer), or `count` with repeats.
    pub(super) fn random_elements(
        &mut self,
        table: Clustered,
        id: i64,
        len: u64,
        count: u64,
        distinct: bool,
    ) -> Result<Vec<Vec<u8>>> {
        if len == 0 || count == 0 {
            return Ok(Vec::new());
        }
        // Reading every element costs `len` rows; sampling about CAP probes
        // per pick.
        let read_all = if distinct {
            count.saturating_mul(3) >= len
        } else {
            len <= SMALL || count.saturating_mul(4) >= len
        };
        if !read_all {
            if let Some(out) = self.sample_buckets(table, id, len, count, distinct)? {
                return Ok(out);
            }
        }
        let (t, e) = (table.table(), table.element());
        let mut all: Vec<Vec<u8>> = self
            .conn
            .prepare_dynamic(&format!("SELECT {e} FROM {t} WHERE id = ?1"))?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if all.is_empty() {
            return Ok(all);
        }
        if !distinct {
            return Ok((0..count)
                .map(|_| all[(self.next_random() % all.len() as u64) as usize].clone())
                .collect());
        }
        if count >= all.len() as u64 {
            return Ok(all);
        }
        // Partial Fisher-Yates: the first `count` slots are the sample.
        for i in 0..count as usize {
            let j = i + (self.next_random() % (all.len() - i) as u64) as usize;
            all.swap(i, j);
        }
        all.truncate(count as usize);
        Ok(all)
    }

    /// Picks by bucket (see [`CAP`]); `None` when it takes too many probes
    /// (elements chosen for their hashes can crowd a few buckets, a count can
    /// overstate the rows): the caller then reads every element.
    fn sample_buckets(
        &mut self,
        table: Clustered,
        id: i64,
        len: u64,
        count: u64,
        distinct: bool,
    ) -> Result<Option<Vec<Vec<u8>>>> {
        let (t, e) = (table.table(), table.element());
        let buckets = len.min(H_END as u64);
        let width = (H_END as u64).div_ceil(buckets) as i64;
        let sql = format!("SELECT {e} FROM {t} WHERE id = ?1 AND h >= ?2 AND h < ?3 LIMIT ?4");
        let mut out = Vec::with_capacity(count as usize);
        let mut seen = HashSet::new();
        let mut probes_left = count.saturating_mul(16 * CAP as u64).saturating_add(1024);
        while (out.len() as u64) < count {
            if probes_left == 0 {
                return Ok(None);
            }
            probes_left -= 1;
            let lo = (self.next_random() % buckets) as i64 * width;
            let read = |conn: &super::db::Db, limit: i64| -> Result<Vec<Vec<u8>>> {
                Ok(conn
                    .prepare_dynamic(&sql)?
                    .query_map(params![id, lo, lo + width, limit], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?)
            };
            let mut bucket = read(&self.conn, CAP as i64 + 1)?;
            let mut r = self.next_random() as usize % CAP;
            if r >= bucket.len() {
                continue;
            }
            if bucket.len() > CAP {
                // A crowded bucket: any of its elements, each a little less
                // likely than the others.
                bucket = read(&self.conn, -1)?;
                r = self.next_random() as usize % bucket.len();
            }
            let pick = bucket.swap_remove(r);
            if !distinct || seen.insert(pick.clone()) {
                out.push(pick);
            }
        }
        Ok(Some(out))
    }

    /// One *SCAN step over `id`'s rows in `table`: rows from `h` = `cursor`
    /// on, as (h, columns...) through `read`, at least `count` of them (unless
    /// the key ends) and never part of the rows sharing an `h`. The next
    /// cursor is the `h` to resume at; 0 at the end.
    pub(super) fn scan_elements<T>(
        &mut self,
        table: Clustered,
        columns: &str,
        id: i64,
        cursor: u64,
        count: usize,
        mut read: impl FnMut(&rusqlite::Row) -> rusqlite::Result<Option<T>>,
    ) -> Result<(u64, Vec<T>)> {
        let count = count.clamp(1, 100_000);
        // A cursor past every `h` (a client's made-up value) ends the scan.
        if cursor >= H_END as u64 {
            return Ok((0, Vec::new()));
        }
        let sql = format!(
            "SELECT h, {columns} FROM {} WHERE id = ?1 AND h >= ?2 ORDER BY h",
            table.table()
        );
        let mut stmt = self.conn.prepare_dynamic(&sql)?;
        let mut rows = stmt.query(params![id, cursor as i64])?;
        let mut out = Vec::new();
        let (mut seen, mut last) = (0usize, -1i64);
        while let Some(row) = rows.next()? {
            let h: i64 = row.get(0)?;
            if seen >= count && h != last {
                return Ok((h as u64, out));
            }
            seen += 1;
            last = h;
            if let Some(item) = read(row)? {
                out.push(item);
            }
        }
        Ok((0, out))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use rusqlite::Connection;

    use super::*;
    use crate::engine::{PragmaTemplate, SetOps};

    fn engine_with_set(n: usize) -> (SqliteEngine, i64) {
        let mut e = SqliteEngine::with_connection(
            Connection::open_in_memory().unwrap(),
            PragmaTemplate::Default,
        )
        .unwrap();
        e.begin().unwrap();
        let members: Vec<Vec<u8>> = (0..n).map(|i| format!("m{i}").into_bytes()).collect();
        let refs: Vec<&[u8]> = members.iter().map(Vec::as_slice).collect();
        e.sadd(b"s", &refs).unwrap();
        let id = e.row(b"s").unwrap().unwrap().id;
        (e, id)
    }

    /// Bucket sampling is uniform: a chi-square over 200 members stays far
    /// below what a skew by hash gaps (the naive "next row after a random
    /// point") gives.
    #[test]
    fn random_picks_are_uniform() {
        let n = 200;
        let (mut e, id) = engine_with_set(n);
        // Small counts, so that each call samples buckets (large ones read
        // every element).
        let (calls, per_call) = (2000, 20);
        let picks = calls * per_call;
        let mut hist: HashMap<Vec<u8>, u64> = HashMap::new();
        for _ in 0..calls {
            let got = e
                .random_elements(Clustered::Sets, id, n as u64, per_call, false)
                .unwrap();
            assert_eq!(got.len(), per_call as usize);
            for m in got {
                *hist.entry(m).or_default() += 1;
            }
        }
        assert_eq!(hist.len(), n, "every member is picked");
        let expected = picks as f64 / n as f64;
        let chi: f64 = hist
            .values()
            .map(|&o| (o as f64 - expected).powi(2) / expected)
            .sum();
        // 199 degrees of freedom: mean 199, standard deviation 20.
        assert!(chi < 330.0, "chi-square {chi}");
        // Distinct picks are distinct.
        let distinct = e
            .random_elements(Clustered::Sets, id, n as u64, 50, true)
            .unwrap();
        let unique: HashSet<_> = distinct.iter().collect();
        assert_eq!((distinct.len(), unique.len()), (50, 50));
    }

    /// Elements chosen so that their hashes share one bucket cannot stall a
    /// pick (they are all reachable), nor can a count that overstates the rows.
    #[test]
    fn crowded_buckets_and_wrong_counts_end() {
        let mut e = SqliteEngine::with_connection(
            Connection::open_in_memory().unwrap(),
            PragmaTemplate::Default,
        )
        .unwrap();
        e.begin().unwrap();
        // 30 members whose hashes all fall in the first of 30 buckets.
        let crowded: Vec<Vec<u8>> = (0..)
            .map(|i| format!("c{i}").into_bytes())
            .filter(|m| element_hash(m) < H_END / 30)
            .take(30)
            .collect();
        let refs: Vec<&[u8]> = crowded.iter().map(Vec::as_slice).collect();
        e.sadd(b"s", &refs).unwrap();
        let id = e.row(b"s").unwrap().unwrap().id;
        let mut reached = HashSet::new();
        for _ in 0..40 {
            let picks = e.random_elements(Clustered::Sets, id, 30, 8, true).unwrap();
            let unique: HashSet<_> = picks.iter().collect();
            assert_eq!((picks.len(), unique.len()), (8, 8));
            reached.extend(picks);
        }
        assert_eq!(reached.len(), 30, "every member is reachable");
        // No rows behind a count of 1000: an empty answer, not a hang.
        for distinct in [true, false] {
            let none = e
                .random_elements(Clustered::Sets, id + 1, 1000, 5, distinct)
                .unwrap();
            assert!(none.is_empty());
        }
    }

    /// Each scan step returns at least COUNT rows unless the set ends, and
    /// the steps together return every member exactly once.
    #[test]
    fn scan_steps_cover_the_set_once() {
        let n = 1000;
        let (mut e, id) = engine_with_set(n);
        let (mut cursor, mut all, mut steps) = (0u64, Vec::new(), 0);
        loop {
            let (next, page) = e
                .scan_elements(Clustered::Sets, "member", id, cursor, 10, |r| {
                    Ok(Some(r.get::<_, Vec<u8>>(1)?))
                })
                .unwrap();
            steps += 1;
            if next != 0 {
                assert!(page.len() >= 10);
            }
            all.extend(page);
            if next == 0 {
                break;
            }
            assert!(next > cursor);
            cursor = next;
        }
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n);
        assert!(steps >= n / 10 && steps <= n / 10 + 1, "{steps} steps");
        // A cursor past every hash ends the scan.
        let (next, page) = e
            .scan_elements(Clustered::Sets, "member", id, 1 << 40, 10, |r| {
                Ok(Some(r.get::<_, Vec<u8>>(1)?))
            })
            .unwrap();
        assert_eq!((next, page.len()), (0, 0));
    }

    #[test]
    fn the_hash_is_fixed_and_in_range() {
        // A file's `h` column depends on these values never changing.
        assert_eq!(element_hash(b""), (0x2d06_8005_38d3_94c2_u64 >> 32) as i64);
        for i in 0..1000 {
            let h = element_hash(format!("field:{i}").as_bytes());
            assert!((0..H_END).contains(&h));
        }
    }
}
