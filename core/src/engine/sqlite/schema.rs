//! The on-disk schema: RESPlite 1.x's tables, so a database written by the
//! Node.js original opens unchanged. `CREATE ... IF NOT EXISTS` leaves an existing
//! file's tables as they are.

use rusqlite::Connection;

use crate::engine::KeyType;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS redis_keys (
    key        BLOB PRIMARY KEY,
    type       INTEGER NOT NULL,      -- 1 string, 2 hash, 3 set, 4 list, 5 zset
    expires_at INTEGER,               -- absolute deadline, ms since epoch; NULL = none
    version    INTEGER NOT NULL DEFAULT 1,
    updated_at INTEGER NOT NULL DEFAULT 0,
    count      INTEGER NOT NULL DEFAULT 0 -- elements of a container (O(1) HLEN/SCARD/LLEN/ZCARD)
);
CREATE INDEX IF NOT EXISTS redis_keys_expires_at_idx
    ON redis_keys(expires_at) WHERE expires_at IS NOT NULL;

-- A rowid table (RESPlite 1.x made it WITHOUT ROWID, and such files keep it):
-- a value's row shares its key's `redis_keys` rowid, so new values are appended
-- in insertion order instead of landing on a random leaf page, and GET finds the
-- value by rowid. See `StringLayout`.
CREATE TABLE IF NOT EXISTS redis_strings (
    key   BLOB PRIMARY KEY,
    value BLOB NOT NULL
);

-- Hashes, sets and zsets are rowid tables: a member keeps its rowid while it
-- exists (writes upsert, never REPLACE), and the index on (key) orders each key's
-- rows by rowid, so HSCAN/SSCAN/ZSCAN cursors are rowids and a full iteration
-- returns every member present throughout it.
CREATE TABLE IF NOT EXISTS redis_hashes (
    key   BLOB NOT NULL,
    field BLOB NOT NULL,
    value BLOB NOT NULL,
    PRIMARY KEY (key, field)
);
CREATE INDEX IF NOT EXISTS redis_hashes_scan_idx ON redis_hashes(key);

CREATE TABLE IF NOT EXISTS redis_sets (
    key    BLOB NOT NULL,
    member BLOB NOT NULL,
    PRIMARY KEY (key, member)
);
CREATE INDEX IF NOT EXISTS redis_sets_scan_idx ON redis_sets(key);

CREATE TABLE IF NOT EXISTS redis_list_meta (
    key      BLOB PRIMARY KEY,
    head_seq INTEGER NOT NULL,
    tail_seq INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS redis_list_items (
    key   BLOB NOT NULL,
    seq   INTEGER NOT NULL,
    value BLOB NOT NULL,
    PRIMARY KEY (key, seq)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS redis_zsets (
    key    BLOB NOT NULL,
    member BLOB NOT NULL,
    score  REAL NOT NULL,
    PRIMARY KEY (key, member)
);
CREATE INDEX IF NOT EXISTS redis_zsets_score_idx ON redis_zsets(key, score, member);
CREATE INDEX IF NOT EXISTS redis_zsets_scan_idx ON redis_zsets(key);

-- FUNCTION LOAD's libraries (not key data: FLUSHALL keeps them).
CREATE TABLE IF NOT EXISTS resplite_functions (
    name TEXT PRIMARY KEY,
    code BLOB NOT NULL
) WITHOUT ROWID;
";

/// Every table holding key data, `redis_keys` first.
pub const ALL_DATA_TABLES: [&str; 7] = [
    "redis_keys",
    "redis_strings",
    "redis_hashes",
    "redis_sets",
    "redis_list_meta",
    "redis_list_items",
    "redis_zsets",
];

/// Deletes a key's contents, by type (static SQL: no string built per call).
pub fn delete_contents_sql(t: KeyType) -> &'static [&'static str] {
    match t {
        KeyType::String => &["DELETE FROM redis_strings WHERE key = ?1"],
        KeyType::Hash => &["DELETE FROM redis_hashes WHERE key = ?1"],
        KeyType::Set => &["DELETE FROM redis_sets WHERE key = ?1"],
        KeyType::List => &[
            "DELETE FROM redis_list_meta WHERE key = ?1",
            "DELETE FROM redis_list_items WHERE key = ?1",
        ],
        KeyType::ZSet => &["DELETE FROM redis_zsets WHERE key = ?1"],
    }
}

/// Moves a key's contents to another key (`?1` from, `?2` to), by type.
pub fn rename_contents_sql(t: KeyType) -> &'static [&'static str] {
    match t {
        KeyType::String => &["UPDATE redis_strings SET key = ?2 WHERE key = ?1"],
        KeyType::Hash => &["UPDATE redis_hashes SET key = ?2 WHERE key = ?1"],
        KeyType::Set => &["UPDATE redis_sets SET key = ?2 WHERE key = ?1"],
        KeyType::List => &[
            "UPDATE redis_list_meta SET key = ?2 WHERE key = ?1",
            "UPDATE redis_list_items SET key = ?2 WHERE key = ?1",
        ],
        KeyType::ZSet => &["UPDATE redis_zsets SET key = ?2 WHERE key = ?1"],
    }
}

pub fn create(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(SCHEMA)?;
    add_counts(conn)
}

/// How `redis_strings` rows are found from their `redis_keys` row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StringLayout {
    /// RESPlite 1.x's `WITHOUT ROWID` table: by key only.
    Keyed,
    /// Our rowid table: a value's rowid is its key's `redis_keys` rowid (rows
    /// written by other programs may not follow that, so lookups check the key
    /// and fall back to it).
    Rowid,
}

pub fn string_layout(conn: &Connection) -> rusqlite::Result<StringLayout> {
    let sql: String = conn.query_row(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'redis_strings'",
        [],
        |r| r.get(0),
    )?;
    Ok(if sql.to_ascii_uppercase().contains("WITHOUT ROWID") {
        StringLayout::Keyed
    } else {
        StringLayout::Rowid
    })
}

/// Files written by RESPlite 1.x have no `count` column: add it and fill it in
/// once, so container lengths are O(1) from then on.
fn add_counts(conn: &Connection) -> rusqlite::Result<()> {
    let has_count: bool = conn.query_row(
        "SELECT count(*) FROM pragma_table_info('redis_keys') WHERE name = 'count'",
        [],
        |r| r.get::<_, i64>(0).map(|n| n > 0),
    )?;
    if has_count {
        return Ok(());
    }
    conn.execute_batch(
        "BEGIN;
         ALTER TABLE redis_keys ADD COLUMN count INTEGER NOT NULL DEFAULT 0;
         UPDATE redis_keys SET count = CASE type
             WHEN 2 THEN (SELECT count(*) FROM redis_hashes c WHERE c.key = redis_keys.key)
             WHEN 3 THEN (SELECT count(*) FROM redis_sets c WHERE c.key = redis_keys.key)
             WHEN 4 THEN (SELECT count(*) FROM redis_list_items c WHERE c.key = redis_keys.key)
             WHEN 5 THEN (SELECT count(*) FROM redis_zsets c WHERE c.key = redis_keys.key)
             ELSE 0 END;
         COMMIT;",
    )
}
