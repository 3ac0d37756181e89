//! The on-disk schema, version 4, and the one-time upgrade of older files
//! (RESPlite 1.x's and resplite's version 1, which share a layout; version 2,
//! whose hashes had no field deadlines; version 3, whose hashes, sets and
//! zsets were rowid tables).
//!
//! A key's identity, (database number, key bytes), is stored once, in
//! `redis_keys`, which gives it an integer id; every type table is keyed by that
//! id. A key's bytes then sit in two B-trees (the table and its unique index)
//! instead of four, and a write to a container's element touches the element's
//! table, not pages holding the key. Strings keep their value in the key's own
//! row: GET and SET read and write one row.
//!
//! The file records its version in `PRAGMA user_version` (0 in older files).

use rusqlite::Connection;

use crate::engine::{EngineError, KeyType, Result};

/// The layout this code reads and writes.
pub const VERSION: i64 = 4;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS redis_keys (
    id         INTEGER PRIMARY KEY,   -- the type tables' key; SCAN's cursor
    db         INTEGER NOT NULL,      -- physical database (see resplite_dbs)
    key        BLOB NOT NULL,
    type       INTEGER NOT NULL,      -- 1 string, 2 hash, 3 set, 4 list, 5 zset, 6 stream
    expires_at INTEGER,               -- absolute deadline, ms since epoch; NULL = none
    updated_at INTEGER NOT NULL DEFAULT 0,
    count      INTEGER NOT NULL DEFAULT 0, -- elements of a container (O(1) HLEN/SCARD/...)
    value      BLOB                   -- a string's value; last, so that a big one's
                                      -- overflow pages are never read for the others
);
CREATE UNIQUE INDEX IF NOT EXISTS redis_keys_db_key ON redis_keys(db, key);
CREATE INDEX IF NOT EXISTS redis_keys_expiry ON redis_keys(expires_at, db)
    WHERE expires_at IS NOT NULL;

-- SWAPDB swaps two rows here instead of rewriting every key: a database
-- number as the client sees it maps to the `db` its keys carry. No row means
-- the identity.
CREATE TABLE IF NOT EXISTS resplite_dbs (
    db       INTEGER PRIMARY KEY,
    physical INTEGER NOT NULL
);

-- Hashes, sets and zsets: clustered by (id, h, element), where `h` is a
-- 32-bit hash of the element's bytes (see clustered.rs): an element is stored
-- once and found in one descent; HSCAN/SSCAN/ZSCAN cursors are `h` values.
CREATE TABLE IF NOT EXISTS redis_hashes (
    id         INTEGER NOT NULL,
    h          INTEGER NOT NULL,
    field      BLOB NOT NULL,
    ord        INTEGER,                -- insertion rank in a small hash (see hash.rs)
    value      BLOB NOT NULL,
    expires_at INTEGER,                -- the field's deadline (HEXPIRE), ms; NULL = none
    PRIMARY KEY (id, h, field)
) WITHOUT ROWID;
-- Field deadlines: partial indexes, empty (and free) while no field has one.
-- The sweeper walks the first; a hash's commands ask the second whether any
-- of its fields is due.
CREATE INDEX IF NOT EXISTS redis_hashes_deadline ON redis_hashes(expires_at)
    WHERE expires_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS redis_hashes_key_deadline ON redis_hashes(id, expires_at)
    WHERE expires_at IS NOT NULL;

CREATE TABLE IF NOT EXISTS redis_sets (
    id     INTEGER NOT NULL,
    h      INTEGER NOT NULL,
    member BLOB NOT NULL,
    PRIMARY KEY (id, h, member)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS redis_list_meta (
    id       INTEGER PRIMARY KEY,
    head_seq INTEGER NOT NULL,
    tail_seq INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS redis_list_items (
    id    INTEGER NOT NULL,
    seq   INTEGER NOT NULL,
    value BLOB NOT NULL,
    PRIMARY KEY (id, seq)
) WITHOUT ROWID;

-- Score order, rank and lex ranges: the (id, score, member) index.
CREATE TABLE IF NOT EXISTS redis_zsets (
    id     INTEGER NOT NULL,
    h      INTEGER NOT NULL,
    member BLOB NOT NULL,
    score  REAL NOT NULL,
    PRIMARY KEY (id, h, member)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS redis_zsets_score ON redis_zsets(id, score, member);

-- Streams. Entry ids are pairs of unsigned 64-bit integers; SQLite's are
-- signed, so every `ms`/`seq` column holds the value with its top bit flipped
-- (value - 2^63 as a signed integer), which keeps ids in order.
-- The stream's counters; its length is `redis_keys.count`.
CREATE TABLE IF NOT EXISTS redis_streams (
    id            INTEGER PRIMARY KEY,
    last_ms       INTEGER NOT NULL,   -- last generated id
    last_seq      INTEGER NOT NULL,
    entries_added INTEGER NOT NULL,
    max_del_ms    INTEGER NOT NULL,   -- highest id deleted by XDEL
    max_del_seq   INTEGER NOT NULL,
    first_ms      INTEGER NOT NULL,   -- recorded first entry id
    first_seq     INTEGER NOT NULL
);

-- Field-value pairs in one blob: per string a u32 little-endian length, then
-- its bytes.
CREATE TABLE IF NOT EXISTS redis_stream_entries (
    id     INTEGER NOT NULL,
    ms     INTEGER NOT NULL,
    seq    INTEGER NOT NULL,
    fields BLOB NOT NULL,
    PRIMARY KEY (id, ms, seq)
) WITHOUT ROWID;

-- Redis groups entries into listpack nodes and MAXLEN ~ removes whole nodes;
-- this table models them (first and last id, live and total entries, the
-- listpack's estimated bytes) so approximate trims keep what Redis keeps.
CREATE TABLE IF NOT EXISTS redis_stream_nodes (
    id       INTEGER NOT NULL,
    ms       INTEGER NOT NULL,
    seq      INTEGER NOT NULL,
    last_ms  INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    live     INTEGER NOT NULL,
    total    INTEGER NOT NULL,
    bytes    INTEGER NOT NULL,
    PRIMARY KEY (id, ms, seq)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS redis_stream_groups (
    id           INTEGER NOT NULL,
    name         BLOB NOT NULL,
    last_ms      INTEGER NOT NULL,    -- last delivered id
    last_seq     INTEGER NOT NULL,
    entries_read INTEGER,             -- NULL: unknown
    pending      INTEGER NOT NULL,    -- PEL rows (XPENDING's count)
    PRIMARY KEY (id, name)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS redis_stream_consumers (
    id        INTEGER NOT NULL,
    grp       BLOB NOT NULL,
    name      BLOB NOT NULL,
    seen_time INTEGER NOT NULL,       -- ms since epoch
    pending   INTEGER NOT NULL,
    PRIMARY KEY (id, grp, name)
) WITHOUT ROWID;

-- Pending entries lists: delivered, not yet acknowledged.
CREATE TABLE IF NOT EXISTS redis_stream_pel (
    id           INTEGER NOT NULL,
    grp          BLOB NOT NULL,
    ms           INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    consumer     BLOB NOT NULL,
    delivered_at INTEGER NOT NULL,    -- ms since epoch
    deliveries   INTEGER NOT NULL,
    PRIMARY KEY (id, grp, ms, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS redis_stream_pel_consumer
    ON redis_stream_pel(id, grp, consumer, ms, seq);

-- FT.* indexes, in the Node.js RESPlite's layout (see `search.rs`): the
-- registry and the FTS rowid allocator; each index adds its own tables.
CREATE TABLE IF NOT EXISTS search_indices (
    name        TEXT PRIMARY KEY,
    schema_json TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS search_rowid_allocator (
    id INTEGER PRIMARY KEY AUTOINCREMENT
);
-- resplite's: RediSearch hash indexes' indexing of existing hashes (the
-- last key id done; NULL when done) and documents that failed.
CREATE TABLE IF NOT EXISTS search_hstate (
    name     TEXT PRIMARY KEY,
    next_id  INTEGER,
    failures INTEGER NOT NULL DEFAULT 0
);
-- Keys of database 0 written since the hash indexes last looked at them,
-- queued in the writing transaction and indexed in batches (see search_hash.rs).
CREATE TABLE IF NOT EXISTS search_hqueue (
    seq INTEGER PRIMARY KEY,
    key BLOB NOT NULL
);

-- FUNCTION LOAD's libraries (not key data: FLUSHALL keeps them).
CREATE TABLE IF NOT EXISTS resplite_functions (
    name TEXT PRIMARY KEY,
    code BLOB NOT NULL
) WITHOUT ROWID;
";

/// The tables holding a key's contents (not `redis_keys` itself), each with an
/// `id` column.
pub const CONTENT_TABLES: [&str; 11] = [
    "redis_hashes",
    "redis_sets",
    "redis_list_meta",
    "redis_list_items",
    "redis_zsets",
    "redis_streams",
    "redis_stream_entries",
    "redis_stream_nodes",
    "redis_stream_groups",
    "redis_stream_consumers",
    "redis_stream_pel",
];

/// The stream tables with their columns after `id`.
const STREAM_TABLES: [(&str, &str); 6] = [
    (
        "redis_streams",
        "last_ms, last_seq, entries_added, max_del_ms, max_del_seq, first_ms, first_seq",
    ),
    ("redis_stream_entries", "ms, seq, fields"),
    (
        "redis_stream_nodes",
        "ms, seq, last_ms, last_seq, live, total, bytes",
    ),
    (
        "redis_stream_groups",
        "name, last_ms, last_seq, entries_read, pending",
    ),
    ("redis_stream_consumers", "grp, name, seen_time, pending"),
    (
        "redis_stream_pel",
        "grp, ms, seq, consumer, delivered_at, deliveries",
    ),
];

/// Deletes a key's contents (`?1` its id), by type. Strings live in their key's row.
pub fn delete_contents_sql(t: KeyType) -> &'static [&'static str] {
    match t {
        KeyType::String => &[],
        KeyType::Hash => &["DELETE FROM redis_hashes WHERE id = ?1"],
        KeyType::Set => &["DELETE FROM redis_sets WHERE id = ?1"],
        KeyType::List => &[
            "DELETE FROM redis_list_meta WHERE id = ?1",
            "DELETE FROM redis_list_items WHERE id = ?1",
        ],
        KeyType::ZSet => &["DELETE FROM redis_zsets WHERE id = ?1"],
        KeyType::Stream => &[
            "DELETE FROM redis_streams WHERE id = ?1",
            "DELETE FROM redis_stream_entries WHERE id = ?1",
            "DELETE FROM redis_stream_nodes WHERE id = ?1",
            "DELETE FROM redis_stream_groups WHERE id = ?1",
            "DELETE FROM redis_stream_consumers WHERE id = ?1",
            "DELETE FROM redis_stream_pel WHERE id = ?1",
        ],
    }
}

/// Copies a key's contents from id `?1` to id `?2` (COPY), by type.
pub fn copy_contents_sql(t: KeyType) -> Vec<String> {
    if t == KeyType::Stream {
        return STREAM_TABLES
            .iter()
            .map(|(table, cols)| {
                format!(
                    "INSERT INTO {table} (id, {cols}) SELECT ?2, {cols} FROM {table} WHERE id = ?1"
                )
            })
            .collect();
    }
    let sql: &[&str] = match t {
        KeyType::String => &[],
        KeyType::Hash => &[
            "INSERT INTO redis_hashes (id, h, field, ord, value, expires_at) \
             SELECT ?2, h, field, ord, value, expires_at FROM redis_hashes WHERE id = ?1",
        ],
        KeyType::Set => &["INSERT INTO redis_sets (id, h, member) \
             SELECT ?2, h, member FROM redis_sets WHERE id = ?1"],
        KeyType::List => &[
            "INSERT INTO redis_list_meta (id, head_seq, tail_seq) \
             SELECT ?2, head_seq, tail_seq FROM redis_list_meta WHERE id = ?1",
            "INSERT INTO redis_list_items (id, seq, value) \
             SELECT ?2, seq, value FROM redis_list_items WHERE id = ?1",
        ],
        KeyType::ZSet => &["INSERT INTO redis_zsets (id, h, member, score) \
             SELECT ?2, h, member, score FROM redis_zsets WHERE id = ?1"],
        KeyType::Stream => unreachable!("returned above"),
    };
    sql.iter().map(|s| s.to_string()).collect()
}

/// Brings the file to [`VERSION`]: creates a new one, upgrades an older one in
/// one transaction, refuses a newer one.
pub fn create(conn: &Connection) -> Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > VERSION {
        return Err(EngineError::Corrupt(format!(
            "the file has schema version {version}, newer than this resplite knows \
             ({VERSION}); open it with a newer resplite"
        )));
    }
    if version < VERSION {
        register_progress(conn)?;
    }
    if version == 2 || version == 3 {
        return upgrade_v3(conn, version);
    }
    if version < VERSION && has_table(conn, "redis_keys")? {
        return upgrade_v1(conn);
    }
    conn.execute_batch(&format!(
        "BEGIN IMMEDIATE; {SCHEMA} PRAGMA user_version = {VERSION}; COMMIT;"
    ))?;
    Ok(())
}

fn has_table(conn: &Connection, name: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [name],
        |r| r.get::<_, i64>(0).map(|n| n > 0),
    )
}

/// The version 1 tables (RESPlite 1.x wrote the same ones, with its own extra
/// columns and indexes), moved aside during the upgrade.
const V1_TABLES: [&str; 7] = [
    "redis_keys",
    "redis_strings",
    "redis_hashes",
    "redis_sets",
    "redis_list_meta",
    "redis_list_items",
    "redis_zsets",
];

/// Converts a version 1 file: every key into database 0, under an id. All in
/// one transaction, so a crash leaves the file as it was.
fn upgrade_v1(conn: &Connection) -> Result<()> {
    let started = std::time::Instant::now();
    let keys: i64 = conn.query_row("SELECT count(*) FROM redis_keys", [], |r| r.get(0))?;
    tracing::info!(
        keys,
        "upgrading the file to schema version {VERSION} (one transaction)"
    );
    // Renames must not rewrite other tables' foreign keys (RESPlite 1.5's
    // field-TTL and search tables reference `redis_keys`).
    conn.execute_batch("PRAGMA legacy_alter_table = ON")?;
    let result = in_one_transaction(conn, || {
        for t in V1_TABLES {
            if has_table(conn, t)? {
                conn.execute_batch(&format!("ALTER TABLE {t} RENAME TO v1_{t}"))?;
            } else {
                // A file from before a table existed: an empty stand-in.
                let cols = match t {
                    "redis_strings" => "key BLOB, value BLOB",
                    "redis_hashes" => "key BLOB, field BLOB, value BLOB",
                    "redis_sets" => "key BLOB, member BLOB",
                    "redis_list_meta" => "key BLOB, head_seq INTEGER, tail_seq INTEGER",
                    "redis_list_items" => "key BLOB, seq INTEGER, value BLOB",
                    _ => "key BLOB, member BLOB, score REAL",
                };
                conn.execute_batch(&format!("CREATE TABLE v1_{t} ({cols})"))?;
            }
        }
        // Renamed tables keep their indexes' names, which the new tables' may
        // share (`CREATE INDEX IF NOT EXISTS` would then make none).
        let old_indexes: Vec<String> = conn
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
                 AND tbl_name LIKE 'v1!_%' ESCAPE '!'",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for name in old_indexes {
            conn.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
        }
        conn.execute_batch(SCHEMA)?;
        let has_updated_at: bool = conn.query_row(
            "SELECT count(*) FROM pragma_table_info('v1_redis_keys') WHERE name = 'updated_at'",
            [],
            |r| r.get::<_, i64>(0).map(|n| n > 0),
        )?;
        let updated_at = if has_updated_at {
            "coalesce(k.updated_at, 0)"
        } else {
            "0"
        };
        // In key order: the unique index is built by appending.
        step(
            conn,
            "keys and strings",
            &format!(
                "INSERT INTO redis_keys (db, key, type, expires_at, updated_at, count, value) \
                 SELECT 0, k.key, k.type, k.expires_at, {updated_at}, 0, \
                        CASE WHEN k.type = 1 THEN coalesce(s.value, x'') END \
                 FROM v1_redis_keys k LEFT JOIN v1_redis_strings s ON s.key = k.key \
                 WHERE k.type BETWEEN 1 AND 5 AND resplite_progress('keys and strings') \
                 ORDER BY k.key"
            ),
        )?;
        // Rows of keys that are missing or of another type were never visible:
        // they are left behind.
        // (table, its columns after `id`, key type, extra order): each row
        // joins its key's new row; in key order, so each B-tree grows by
        // appending. Hash, set and zset rows gain their element's hash
        // (`h`).
        const CONTENTS: [(&str, &str, u8, &str); 5] = [
            ("redis_hashes", "h, field, ord, value", 2, ", 2, 3"),
            ("redis_sets", "h, member", 3, ", 2, 3"),
            ("redis_list_meta", "head_seq, tail_seq", 4, ""),
            ("redis_list_items", "seq, value", 4, ", o.seq"),
            ("redis_zsets", "h, member, score", 5, ", 2, 3"),
        ];
        for (table, cols, ty, order) in CONTENTS {
            let select: Vec<String> = cols
                .split(", ")
                .map(|c| match (c, table) {
                    ("h", "redis_hashes") => "resplite_hash(o.field)".to_string(),
                    // Old rowids: insertion order.
                    ("ord", _) => "o.rowid".to_string(),
                    ("h", _) => "resplite_hash(o.member)".to_string(),
                    _ => format!("o.{c}"),
                })
                .collect();
            step(
                conn,
                table,
                &format!(
                    "INSERT INTO {table} (id, {cols}) \
                     SELECT k.id, {} FROM v1_{table} o \
                     JOIN redis_keys k ON k.db = 0 AND k.key = o.key AND k.type = {ty} \
                     WHERE resplite_progress('{table}') ORDER BY k.id{order}",
                    select.join(", ")
                ),
            )?;
        }
        // RESPlite 1.5's field deadlines move into their fields' rows.
        if has_table(conn, "redis_hash_field_ttl")? {
            step(
                conn,
                "hash-field deadlines",
                "UPDATE redis_hashes AS x SET expires_at = t.expires_at \
                 FROM redis_hash_field_ttl t JOIN redis_keys k ON k.db = 0 AND k.key = t.key \
                 WHERE x.id = k.id AND x.h = resplite_hash(t.field) AND x.field = t.field",
            )?;
            conn.execute_batch("DROP TABLE redis_hash_field_ttl")?;
        }
        // Counts are recomputed (RESPlite 1.x kept none, or other ones).
        conn.execute_batch(
            "UPDATE redis_keys SET count = CASE type
                 WHEN 2 THEN (SELECT count(*) FROM redis_hashes c WHERE c.id = redis_keys.id)
                 WHEN 3 THEN (SELECT count(*) FROM redis_sets c WHERE c.id = redis_keys.id)
                 WHEN 4 THEN (SELECT count(*) FROM redis_list_items c WHERE c.id = redis_keys.id)
                 WHEN 5 THEN (SELECT count(*) FROM redis_zsets c WHERE c.id = redis_keys.id)
                 ELSE 0 END
             WHERE type <> 1;
             DELETE FROM redis_keys WHERE type <> 1 AND count = 0;",
        )?;
        for t in V1_TABLES {
            conn.execute_batch(&format!("DROP TABLE v1_{t}"))?;
        }
        conn.execute_batch(&format!("PRAGMA user_version = {VERSION};"))?;
        Ok(())
    });
    let off = conn.execute_batch("PRAGMA legacy_alter_table = OFF");
    result?;
    off?;
    tracing::info!(
        keys,
        ms = started.elapsed().as_millis() as u64,
        "upgraded the file to schema version {VERSION}; its keys are in database 0"
    );
    Ok(())
}

/// Versions 2 and 3 to 4: hashes, sets and zsets move into clustered tables (every
/// row rewritten, in one transaction); a version 2 file's hash fields first
/// gain their deadline column (NULL in every row).
fn upgrade_v3(conn: &Connection, version: i64) -> Result<()> {
    let started = std::time::Instant::now();
    tracing::info!(
        "upgrading the file from schema version {version} to {VERSION} (one transaction)"
    );
    in_one_transaction(conn, || {
        if version == 2 {
            conn.execute_batch("ALTER TABLE redis_hashes ADD COLUMN expires_at INTEGER")?;
        }
        // The old indexes go first: the new tables' would share their names.
        conn.execute_batch(
            "DROP INDEX IF EXISTS redis_hashes_scan;
             DROP INDEX IF EXISTS redis_hashes_deadline;
             DROP INDEX IF EXISTS redis_hashes_key_deadline;
             DROP INDEX IF EXISTS redis_sets_scan;
             DROP INDEX IF EXISTS redis_zsets_score;
             DROP INDEX IF EXISTS redis_zsets_scan;
             ALTER TABLE redis_hashes RENAME TO v3_redis_hashes;
             ALTER TABLE redis_sets RENAME TO v3_redis_sets;
             ALTER TABLE redis_zsets RENAME TO v3_redis_zsets;",
        )?;
        conn.execute_batch(SCHEMA)?;
        // Sorted first, so each B-tree is built by appending.
        step(
            conn,
            "hash fields",
            "INSERT INTO redis_hashes (id, h, field, ord, value, expires_at) \
             SELECT id, resplite_hash(field), field, rowid, value, expires_at \
             FROM v3_redis_hashes WHERE resplite_progress('hash fields') ORDER BY 1, 2, 3",
        )?;
        step(
            conn,
            "set members",
            "INSERT INTO redis_sets (id, h, member) \
             SELECT id, resplite_hash(member), member FROM v3_redis_sets \
             WHERE resplite_progress('set members') ORDER BY 1, 2, 3",
        )?;
        step(
            conn,
            "zset members",
            "INSERT INTO redis_zsets (id, h, member, score) \
             SELECT id, resplite_hash(member), member, score FROM v3_redis_zsets \
             WHERE resplite_progress('zset members') ORDER BY 1, 2, 3",
        )?;
        conn.execute_batch(&format!(
            "DROP TABLE v3_redis_hashes; DROP TABLE v3_redis_sets; DROP TABLE v3_redis_zsets;
             PRAGMA user_version = {VERSION};"
        ))?;
        Ok(())
    })?;
    tracing::info!(
        ms = started.elapsed().as_millis() as u64,
        "upgraded the file to schema version {VERSION}"
    );
    Ok(())
}

/// Runs `f` in one write transaction: committed if it succeeds, rolled back
/// (the file as it was) if it fails.
fn in_one_transaction(conn: &Connection, f: impl FnOnce() -> Result<()>) -> Result<()> {
    // rusqlite's transaction rolls back when dropped uncommitted.
    let tx = rusqlite::Transaction::new_unchecked(conn, rusqlite::TransactionBehavior::Immediate)?;
    f()?;
    Ok(tx.commit()?)
}

/// `resplite_progress(what)`, always true: in an upgrade statement's WHERE, it
/// counts the rows read and logs each millionth, so a long conversion shows
/// that it moves. Not deterministic, so SQLite calls it for every row.
fn register_progress(conn: &Connection) -> Result<()> {
    let counts = std::sync::Mutex::new(std::collections::HashMap::<String, u64>::new());
    conn.create_scalar_function(
        "resplite_progress",
        1,
        rusqlite::functions::FunctionFlags::SQLITE_UTF8,
        move |ctx| {
            let what = ctx.get_raw(0).as_str().unwrap_or("rows");
            let mut counts = counts.lock().unwrap_or_else(|e| e.into_inner());
            let n = match counts.get_mut(what) {
                Some(n) => {
                    *n += 1;
                    *n
                }
                None => *counts.entry(what.to_owned()).or_insert(1),
            };
            if n % 1_000_000 == 0 {
                tracing::info!(rows = n, "upgrade: {what} read so far");
            }
            Ok(true)
        },
    )?;
    Ok(())
}

/// One statement of the upgrade, logged with its row count.
fn step(conn: &Connection, what: &str, sql: &str) -> Result<()> {
    let rows = conn.execute(sql, [])?;
    tracing::info!(rows, "upgrade: {what} copied");
    Ok(())
}
