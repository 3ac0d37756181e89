//! The write connection with a statement cache keyed by the address of the
//! engine's `&'static str` SQL.
//!
//! rusqlite's own cache hashes and compares the whole SQL text on every
//! `prepare_cached` and again when the statement goes back: at `-P 16` that
//! was a tenth of the storage thread, more than the statements' own work for
//! a GET. The engine's hot SQL is all string literals, so their address is a
//! key that costs nothing to hash or compare. SQL built at run time still goes
//! through rusqlite's cache ([`Db::prepare_dynamic`]).

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::{Deref, DerefMut};

use rusqlite::{CachedStatement, Connection, PrepFlags, Statement};

/// A literal's address and length: two literals with the same text may share
/// an address, and then they share statements too, which is harmless.
type SqlKey = (usize, usize);

pub struct Db {
    /// Declared before `conn` so that every statement is finalized before the
    /// connection closes. The `'static` is a lie told to the borrow checker:
    /// the statements borrow `*conn`, which is boxed so that it never moves,
    /// and which no method of `Db` replaces or hands out mutably.
    ///
    /// A slot is `None` while its statement is lent out.
    slots: RefCell<Vec<Option<Statement<'static>>>>,
    /// SQL address to slot: looked up once per use; the statement goes back
    /// to its slot by index.
    index: RefCell<HashMap<SqlKey, usize, BuildHasherDefault<AddressHasher>>>,
    conn: Box<Connection>,
}

impl Db {
    pub fn new(conn: Connection) -> Db {
        Db {
            slots: RefCell::default(),
            index: RefCell::default(),
            conn: Box::new(conn),
        }
    }

    /// A prepared statement for a SQL literal, from the cache or newly
    /// prepared; it goes back to the cache when dropped.
    pub fn prepare_cached(&self, sql: &'static str) -> rusqlite::Result<Cached<'_>> {
        let mut slots = self.slots.borrow_mut();
        let slot = *self
            .index
            .borrow_mut()
            .entry((sql.as_ptr() as usize, sql.len()))
            .or_insert_with(|| {
                slots.push(None);
                slots.len() - 1
            });
        // Empty while in use: a nested use of the same SQL prepares a second
        // statement rather than sharing one mid-step.
        let stmt = match slots[slot].take() {
            Some(stmt) => stmt,
            None => {
                let stmt = self
                    .conn
                    .prepare_with_flags(sql, PrepFlags::SQLITE_PREPARE_PERSISTENT)?;
                // SAFETY: see `slots`: the connection outlives the cache, and
                // a `Cached` cannot outlive `&self`.
                unsafe { std::mem::transmute::<Statement<'_>, Statement<'static>>(stmt) }
            }
        };
        Ok(Cached {
            db: self,
            slot,
            stmt: Some(stmt),
        })
    }

    /// SQL built at run time (table names, IN lists): rusqlite's cache, keyed
    /// by the text.
    pub fn prepare_dynamic(&self, sql: &str) -> rusqlite::Result<CachedStatement<'_>> {
        self.conn.prepare_cached(sql)
    }
}

// SAFETY: the statements only ever move together with the connection they
// borrow, as rusqlite's own `Connection` (Send) moves with its cache; `Db` is
// not Sync, so no two threads use them at once.
unsafe impl Send for Db {}

impl Deref for Db {
    type Target = Connection;

    fn deref(&self) -> &Connection {
        &self.conn
    }
}

/// A statement lent out by [`Db::prepare_cached`].
pub struct Cached<'db> {
    db: &'db Db,
    slot: usize,
    stmt: Option<Statement<'static>>,
}

impl Deref for Cached<'_> {
    type Target = Statement<'static>;

    fn deref(&self) -> &Statement<'static> {
        self.stmt.as_ref().expect("present until drop")
    }
}

impl DerefMut for Cached<'_> {
    fn deref_mut(&mut self) -> &mut Statement<'static> {
        self.stmt.as_mut().expect("present until drop")
    }
}

impl Drop for Cached<'_> {
    fn drop(&mut self) {
        if let Some(mut stmt) = self.stmt.take() {
            // Bound blobs are copies: clearing them frees a large value now
            // instead of at the statement's next use.
            stmt.clear_bindings();
            // A nested use's second statement finds the slot filled and is
            // finalized.
            let mut slots = self.db.slots.borrow_mut();
            if slots[self.slot].is_none() {
                slots[self.slot] = Some(stmt);
            }
        }
    }
}

/// Hashes the address keys: one multiply instead of SipHash.
#[derive(Default)]
pub struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_are_reused_and_nested_uses_get_their_own() {
        let db = Db::new(Connection::open_in_memory().unwrap());
        db.execute_batch("CREATE TABLE t (v)").unwrap();
        const INSERT: &str = "INSERT INTO t VALUES (?1)";
        for i in 0..3 {
            db.prepare_cached(INSERT).unwrap().execute([i]).unwrap();
        }
        assert_eq!(db.slots.borrow().len(), 1);
        {
            let mut outer = db.prepare_cached("SELECT v FROM t ORDER BY v").unwrap();
            let mut rows = outer.query([]).unwrap();
            let mut seen = Vec::new();
            while let Some(row) = rows.next().unwrap() {
                let v: i64 = row.get(0).unwrap();
                // The same SQL again while the first is mid-step.
                let n: i64 = db
                    .prepare_cached("SELECT count(*) FROM t WHERE v <= ?1")
                    .unwrap()
                    .query_row([v], |r| r.get(0))
                    .unwrap();
                seen.push((v, n));
            }
            assert_eq!(seen, vec![(0, 1), (1, 2), (2, 3)]);
        }
        // Bindings are cleared on return: a large bound value is not kept.
        let mut stmt = db.prepare_cached(INSERT).unwrap();
        stmt.raw_execute().unwrap();
        drop(stmt);
        let nulls: i64 = db
            .query_row("SELECT count(*) FROM t WHERE v IS NULL", [], |r| r.get(0))
            .unwrap();
        assert_eq!(nulls, 1);
    }
}
