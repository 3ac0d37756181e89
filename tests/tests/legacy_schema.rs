//! A database written by the Node.js RESPlite 1.x opens unchanged: the file is
//! built here with plain SQL in that layout (rowid tables, no `count` column),
//! then served through resplite.

use resplite_tests::{q, Resplite};

const LEGACY_SCHEMA: &str = "
CREATE TABLE redis_keys (key BLOB PRIMARY KEY, type INTEGER NOT NULL, expires_at INTEGER,
                         version INTEGER NOT NULL DEFAULT 1, updated_at INTEGER NOT NULL DEFAULT 0);
CREATE TABLE redis_strings (key BLOB PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE redis_hashes (key BLOB NOT NULL, field BLOB NOT NULL, value BLOB NOT NULL,
                           PRIMARY KEY (key, field));
CREATE TABLE redis_sets (key BLOB NOT NULL, member BLOB NOT NULL, PRIMARY KEY (key, member));
CREATE TABLE redis_list_meta (key BLOB PRIMARY KEY, head_seq INTEGER NOT NULL, tail_seq INTEGER NOT NULL);
CREATE TABLE redis_list_items (key BLOB NOT NULL, seq INTEGER NOT NULL, value BLOB NOT NULL,
                               PRIMARY KEY (key, seq));
CREATE TABLE redis_zsets (key BLOB NOT NULL, member BLOB NOT NULL, score REAL NOT NULL,
                          PRIMARY KEY (key, member));
CREATE INDEX redis_zsets_score ON redis_zsets(key, score, member);
-- RESPlite 1.5's hash-field deadlines.
CREATE TABLE redis_hash_field_ttl (key BLOB NOT NULL, field BLOB NOT NULL,
    expires_at INTEGER NOT NULL, PRIMARY KEY (key, field),
    FOREIGN KEY(key) REFERENCES redis_keys(key) ON DELETE CASCADE);
CREATE INDEX redis_hash_field_ttl_expires_at_idx ON redis_hash_field_ttl(expires_at);
";

fn legacy_file(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("legacy.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(LEGACY_SCHEMA).unwrap();
    let far = 4_102_444_800_000i64;
    let key = |k: &str, t: i64, exp: Option<i64>| {
        conn.execute(
            "INSERT INTO redis_keys (key, type, expires_at) VALUES (?1, ?2, ?3)",
            rusqlite::params![k.as_bytes(), t, exp],
        )
        .unwrap();
    };
    key("s", 1, Some(far));
    conn.execute(
        "INSERT INTO redis_strings VALUES (?1, ?2)",
        [&b"s"[..], b"hello"],
    )
    .unwrap();
    key("gone", 1, Some(1));
    conn.execute(
        "INSERT INTO redis_strings VALUES (?1, ?2)",
        [&b"gone"[..], b"x"],
    )
    .unwrap();
    key("h", 2, None);
    for (f, v) in [("a", "1"), ("b", "2")] {
        conn.execute(
            "INSERT INTO redis_hashes VALUES (?1, ?2, ?3)",
            [&b"h"[..], f.as_bytes(), v.as_bytes()],
        )
        .unwrap();
    }
    key("ht", 2, None);
    for (f, v) in [("far", "1"), ("past", "2"), ("none", "3")] {
        conn.execute(
            "INSERT INTO redis_hashes VALUES (?1, ?2, ?3)",
            [&b"ht"[..], f.as_bytes(), v.as_bytes()],
        )
        .unwrap();
    }
    for (f, at) in [("far", far), ("past", 1)] {
        conn.execute(
            "INSERT INTO redis_hash_field_ttl VALUES (?1, ?2, ?3)",
            rusqlite::params![&b"ht"[..], f.as_bytes(), at],
        )
        .unwrap();
    }
    key("st", 3, None);
    for m in ["x", "y", "z"] {
        conn.execute(
            "INSERT INTO redis_sets VALUES (?1, ?2)",
            [&b"st"[..], m.as_bytes()],
        )
        .unwrap();
    }
    key("l", 4, None);
    conn.execute(
        "INSERT INTO redis_list_meta VALUES (?1, -1, 1)",
        [&b"l"[..]],
    )
    .unwrap();
    for (seq, v) in [(-1, "first"), (0, "second"), (1, "third")] {
        conn.execute(
            "INSERT INTO redis_list_items VALUES (?1, ?2, ?3)",
            rusqlite::params![&b"l"[..], seq, v.as_bytes()],
        )
        .unwrap();
    }
    key("z", 5, None);
    for (m, s) in [("low", 1.0), ("high", 2.5)] {
        conn.execute(
            "INSERT INTO redis_zsets VALUES (?1, ?2, ?3)",
            rusqlite::params![&b"z"[..], m.as_bytes(), s],
        )
        .unwrap();
    }
    path
}

#[tokio::test]
async fn a_resplite_1x_file_is_served_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let db = legacy_file(dir.path());
    let server = Resplite::on_db(&db, &[]);
    let mut c = server.client().await;
    assert_eq!(q::<i64>(&mut c, &[b"DBSIZE"]).await.unwrap(), 7);
    // RESPlite 1.5's field deadlines hold: a past one is gone.
    let ttls: Vec<i64> = q(
        &mut c,
        &[
            b"HPEXPIRETIME",
            b"ht",
            b"FIELDS",
            b"3",
            b"far",
            b"past",
            b"none",
        ],
    )
    .await
    .unwrap();
    assert_eq!(ttls, [4_102_444_800_000, -2, -1]);
    assert_eq!(q::<i64>(&mut c, &[b"HLEN", b"ht"]).await.unwrap(), 2);
    assert_eq!(q::<String>(&mut c, &[b"GET", b"s"]).await.unwrap(), "hello");
    assert!(q::<i64>(&mut c, &[b"TTL", b"s"]).await.unwrap() > 0);
    assert_eq!(
        q::<Option<String>>(&mut c, &[b"GET", b"gone"])
            .await
            .unwrap(),
        None
    );
    let mut h: Vec<(String, String)> = q(&mut c, &[b"HGETALL", b"h"]).await.unwrap();
    h.sort();
    assert_eq!(h, vec![("a".into(), "1".into()), ("b".into(), "2".into())]);
    assert_eq!(q::<i64>(&mut c, &[b"HLEN", b"h"]).await.unwrap(), 2);
    let mut members: Vec<String> = q(&mut c, &[b"SMEMBERS", b"st"]).await.unwrap();
    members.sort();
    assert_eq!(members, vec!["x", "y", "z"]);
    assert_eq!(q::<i64>(&mut c, &[b"SCARD", b"st"]).await.unwrap(), 3);
    assert_eq!(
        q::<Vec<String>>(&mut c, &[b"LRANGE", b"l", b"0", b"-1"])
            .await
            .unwrap(),
        vec!["first", "second", "third"]
    );
    assert_eq!(q::<i64>(&mut c, &[b"LLEN", b"l"]).await.unwrap(), 3);
    assert_eq!(
        q::<Vec<String>>(&mut c, &[b"ZRANGE", b"z", b"0", b"-1", b"WITHSCORES"])
            .await
            .unwrap(),
        vec!["low", "1", "high", "2.5"]
    );
    assert_eq!(q::<i64>(&mut c, &[b"ZCARD", b"z"]).await.unwrap(), 2);
    // Writable too: the counts added on open stay right.
    assert_eq!(q::<i64>(&mut c, &[b"SADD", b"st", b"w"]).await.unwrap(), 1);
    assert_eq!(q::<i64>(&mut c, &[b"SCARD", b"st"]).await.unwrap(), 4);
    assert_eq!(
        q::<i64>(&mut c, &[b"RPUSH", b"l", b"fourth"])
            .await
            .unwrap(),
        4
    );
    for t in [&b"string"[..], b"hash", b"set", b"list", b"zset"] {
        let (_, keys): (String, Vec<String>) =
            q(&mut c, &[b"SCAN", b"0", b"COUNT", b"100", b"TYPE", t])
                .await
                .unwrap();
        let expected = if t == b"hash" { 2 } else { 1 };
        assert_eq!(keys.len(), expected, "{}", String::from_utf8_lossy(t));
    }
    // The old file's `redis_zsets_score` index went with its table; the new
    // table has its own of that name.
    let on: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT tbl_name FROM sqlite_master WHERE name = 'redis_zsets_score'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(on, "redis_zsets");
}

/// resplite's own version-1 layout (before numbered databases): rowid
/// strings sharing their key's rowid, a `count` column, scan indexes.
const V1_SCHEMA: &str = "
CREATE TABLE redis_keys (key BLOB PRIMARY KEY, type INTEGER NOT NULL, expires_at INTEGER,
    version INTEGER NOT NULL DEFAULT 1, updated_at INTEGER NOT NULL DEFAULT 0,
    count INTEGER NOT NULL DEFAULT 0);
CREATE INDEX redis_keys_expires_at_idx ON redis_keys(expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE redis_strings (key BLOB PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE redis_hashes (key BLOB NOT NULL, field BLOB NOT NULL, value BLOB NOT NULL,
    PRIMARY KEY (key, field));
CREATE INDEX redis_hashes_scan_idx ON redis_hashes(key);
CREATE TABLE redis_sets (key BLOB NOT NULL, member BLOB NOT NULL, PRIMARY KEY (key, member));
CREATE INDEX redis_sets_scan_idx ON redis_sets(key);
CREATE TABLE redis_list_meta (key BLOB PRIMARY KEY, head_seq INTEGER NOT NULL,
    tail_seq INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE redis_list_items (key BLOB NOT NULL, seq INTEGER NOT NULL, value BLOB NOT NULL,
    PRIMARY KEY (key, seq)) WITHOUT ROWID;
CREATE TABLE redis_zsets (key BLOB NOT NULL, member BLOB NOT NULL, score REAL NOT NULL,
    PRIMARY KEY (key, member));
CREATE INDEX redis_zsets_score_idx ON redis_zsets(key, score, member);
CREATE INDEX redis_zsets_scan_idx ON redis_zsets(key);
CREATE TABLE resplite_functions (name TEXT PRIMARY KEY, code BLOB NOT NULL) WITHOUT ROWID;
";

/// A version-1 file with `n` string keys `k0..` plus one key of each other
/// type, as resplite wrote it before numbered databases.
fn v1_file(dir: &std::path::Path, n: usize) -> std::path::PathBuf {
    let path = dir.join("v1.db");
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(V1_SCHEMA).unwrap();
    let tx = conn.transaction().unwrap();
    for i in 0..n {
        let k = format!("k{i}");
        tx.execute(
            "INSERT INTO redis_keys (key, type) VALUES (?1, 1)",
            [k.as_bytes()],
        )
        .unwrap();
        tx.execute(
            "INSERT INTO redis_strings (rowid, key, value) VALUES (last_insert_rowid(), ?1, ?2)",
            [k.as_bytes(), format!("v{i}").as_bytes()],
        )
        .unwrap();
    }
    tx.execute_batch(
        "INSERT INTO redis_keys (key, type, count) VALUES (x'68', 2, 1), (x'73', 3, 2),
             (x'6c', 4, 2), (x'7a', 5, 1);
         INSERT INTO redis_hashes VALUES (x'68', x'66', x'00ff');
         INSERT INTO redis_sets VALUES (x'73', x'61'), (x'73', x'62');
         INSERT INTO redis_list_meta VALUES (x'6c', 5, 6);
         INSERT INTO redis_list_items VALUES (x'6c', 5, x'31'), (x'6c', 6, x'32');
         INSERT INTO redis_zsets VALUES (x'7a', x'6d', 0.5);
         INSERT INTO resplite_functions VALUES ('lib', x'00');",
    )
    .unwrap();
    tx.commit().unwrap();
    path
}

fn user_version(path: &std::path::Path) -> i64 {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

async fn assert_v1_contents(server: &Resplite, n: usize) {
    let mut c = server.client().await;
    assert_eq!(q::<i64>(&mut c, &[b"DBSIZE"]).await.unwrap(), n as i64 + 4);
    assert_eq!(q::<String>(&mut c, &[b"GET", b"k0"]).await.unwrap(), "v0");
    let last = format!("k{}", n - 1);
    assert_eq!(
        q::<String>(&mut c, &[b"GET", last.as_bytes()])
            .await
            .unwrap(),
        format!("v{}", n - 1)
    );
    assert_eq!(
        q::<Vec<u8>>(&mut c, &[b"HGET", b"h", b"f"]).await.unwrap(),
        b"\x00\xff"
    );
    assert_eq!(q::<i64>(&mut c, &[b"SCARD", b"s"]).await.unwrap(), 2);
    assert_eq!(
        q::<Vec<String>>(&mut c, &[b"LRANGE", b"l", b"0", b"-1"])
            .await
            .unwrap(),
        vec!["1", "2"]
    );
    assert_eq!(
        q::<f64>(&mut c, &[b"ZSCORE", b"z", b"m"]).await.unwrap(),
        0.5
    );
    // Everything lives in database 0.
    let _: () = q(&mut c, &[b"SELECT", b"1"]).await.unwrap();
    assert_eq!(q::<i64>(&mut c, &[b"DBSIZE"]).await.unwrap(), 0);
}

/// The server's log says it converted its file to the current version.
fn assert_upgraded(server: &Resplite) {
    let log = server.log();
    assert!(
        log.iter()
            .any(|l| l.contains("upgraded the file to schema version 4")),
        "{log:?}"
    );
}

/// Today's (version 1) files are upgraded in place once, logged, and serve
/// every type; the upgraded file opens again without a second upgrade.
#[tokio::test]
async fn a_version_1_file_is_upgraded_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = v1_file(dir.path(), 1000);
    assert_eq!(user_version(&db), 0);
    let mut server = Resplite::on_db(&db, &[]);
    assert_upgraded(&server);
    assert_v1_contents(&server, 1000).await;
    server.restart();
    assert!(!server.log().iter().any(|l| l.contains("upgrading")));
    assert_v1_contents(&server, 1000).await;
    drop(server);
    assert_eq!(user_version(&db), 4);
    let ok: String = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
}

/// Turns a file of today's layout back into version 3's (hashes and sets in
/// rowid tables with scan indexes), or version 2's (also no field deadlines).
fn downgrade(db: &std::path::Path, version: i64) {
    let deadline = if version == 2 { "" } else { ", expires_at" };
    let deadline_col = if version == 2 {
        ""
    } else {
        ", expires_at INTEGER"
    };
    let deadline_idx = if version == 2 {
        ""
    } else {
        "CREATE INDEX redis_hashes_deadline ON redis_hashes(expires_at)
             WHERE expires_at IS NOT NULL;
         CREATE INDEX redis_hashes_key_deadline ON redis_hashes(id, expires_at)
             WHERE expires_at IS NOT NULL;"
    };
    rusqlite::Connection::open(db)
        .unwrap()
        .execute_batch(&format!(
            "BEGIN;
             CREATE TABLE old_h AS SELECT id, field, value{deadline} FROM redis_hashes
                 ORDER BY id, ord;
             CREATE TABLE old_s AS SELECT id, member FROM redis_sets;
             CREATE TABLE old_z AS SELECT id, member, score FROM redis_zsets;
             DROP TABLE redis_hashes; DROP TABLE redis_sets; DROP TABLE redis_zsets;
             CREATE TABLE redis_hashes (id INTEGER NOT NULL, field BLOB NOT NULL,
                 value BLOB NOT NULL{deadline_col}, PRIMARY KEY (id, field));
             CREATE INDEX redis_hashes_scan ON redis_hashes(id);
             {deadline_idx}
             CREATE TABLE redis_sets (id INTEGER NOT NULL, member BLOB NOT NULL,
                 PRIMARY KEY (id, member));
             CREATE INDEX redis_sets_scan ON redis_sets(id);
             CREATE TABLE redis_zsets (id INTEGER NOT NULL, member BLOB NOT NULL,
                 score REAL NOT NULL, PRIMARY KEY (id, member));
             CREATE INDEX redis_zsets_score ON redis_zsets(id, score, member);
             CREATE INDEX redis_zsets_scan ON redis_zsets(id);
             INSERT INTO redis_zsets SELECT * FROM old_z; DROP TABLE old_z;
             INSERT INTO redis_hashes SELECT * FROM old_h;
             INSERT INTO redis_sets SELECT * FROM old_s;
             DROP TABLE old_h; DROP TABLE old_s;
             PRAGMA user_version = {version};
             COMMIT;"
        ))
        .unwrap();
}

/// What a client reads of every type: the same before and after an upgrade.
async fn snapshot(c: &mut redis::aio::MultiplexedConnection) -> Vec<String> {
    let mut out = Vec::new();
    let mut sorted = |mut v: Vec<Vec<u8>>| {
        v.sort();
        out.push(format!("{v:?}"));
    };
    sorted(q(c, &[b"KEYS", b"*"]).await.unwrap());
    sorted(q(c, &[b"HGETALL", b"h"]).await.unwrap());
    sorted(q(c, &[b"SMEMBERS", b"s"]).await.unwrap());
    sorted(q(c, &[b"HKEYS", b"big"]).await.unwrap());
    sorted(q(c, &[b"SMEMBERS", b"bigset"]).await.unwrap());
    // Whole HSCAN, SSCAN and ZSCAN iterations.
    for (cmd, key) in [
        (&b"HSCAN"[..], &b"big"[..]),
        (b"SSCAN", b"bigset"),
        (b"ZSCAN", b"bigz"),
    ] {
        let (mut cursor, mut all) = (0u64, Vec::new());
        loop {
            let (next, page): (u64, Vec<Vec<u8>>) = q(
                c,
                &[cmd, key, cursor.to_string().as_bytes(), b"COUNT", b"7"],
            )
            .await
            .unwrap();
            all.extend(page);
            if next == 0 {
                break;
            }
            cursor = next;
        }
        sorted(all);
    }
    // As replied: a small hash keeps its insertion order through the
    // conversion, ranges their order.
    let reads: [&[&[u8]]; 16] = [
        &[b"HGETALL", b"h"],
        &[b"GET", b"str"],
        &[b"LRANGE", b"l", b"0", b"-1"],
        &[b"ZRANGE", b"z", b"0", b"-1", b"WITHSCORES"],
        &[b"XRANGE", b"x", b"-", b"+"],
        &[b"XPENDING", b"x", b"g"],
        &[b"HPEXPIRETIME", b"h", b"FIELDS", b"2", b"a", b"\x00b"],
        &[
            b"ZRANGEBYLEX",
            b"bigz",
            b"[m1",
            b"(m2",
            b"LIMIT",
            b"2",
            b"5",
        ],
        &[b"ZRANGE", b"bigz", b"10", b"20", b"WITHSCORES"],
        &[b"SMISMEMBER", b"bigset", b"m1", b"m999", b"\xff"],
        &[b"SINTER", b"s", b"bigset"],
        &[b"PEXPIRETIME", b"h"],
        &[b"PEXPIRETIME", b"bigset"],
        &[b"PEXPIRETIME", b"big"],
        &[b"PEXPIRETIME", b"z"],
        &[b"PEXPIRETIME", b"bigz"],
    ];
    for r in reads {
        out.push(format!("{:?}", q::<redis::Value>(c, r).await.unwrap()));
    }
    out
}

/// Version 3 and version 2 files (hashes, sets and zsets in rowid tables; version 2
/// without field deadlines) are converted on open, in one transaction, and
/// serve every type as they did; the new file passes an integrity check.
#[tokio::test]
async fn version_3_and_2_files_are_converted_and_serve_the_same() {
    for version in [3, 2] {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("old.db");
        let before = {
            let server = Resplite::on_db(&db, &[]);
            let mut c = server.client().await;
            let mut fill: Vec<Vec<Vec<u8>>> = vec![
                vec![b"SET".to_vec(), b"str".to_vec(), b"v\x00".to_vec()],
                vec![
                    b"HSET".to_vec(),
                    b"h".to_vec(),
                    b"a".to_vec(),
                    b"1".to_vec(),
                ],
                vec![
                    b"HSET".to_vec(),
                    b"h".to_vec(),
                    b"\x00b".to_vec(),
                    b"\xff".to_vec(),
                ],
                vec![
                    b"SADD".to_vec(),
                    b"s".to_vec(),
                    b"m1".to_vec(),
                    b"\xff".to_vec(),
                ],
                vec![
                    b"RPUSH".to_vec(),
                    b"l".to_vec(),
                    b"x".to_vec(),
                    b"y".to_vec(),
                ],
                vec![
                    b"ZADD".to_vec(),
                    b"z".to_vec(),
                    b"1.5".to_vec(),
                    b"m".to_vec(),
                ],
                vec![
                    b"XADD".to_vec(),
                    b"x".to_vec(),
                    b"1-1".to_vec(),
                    b"f".to_vec(),
                    b"v".to_vec(),
                ],
                vec![
                    b"XGROUP".to_vec(),
                    b"CREATE".to_vec(),
                    b"x".to_vec(),
                    b"g".to_vec(),
                    b"0".to_vec(),
                ],
                vec![
                    b"XREADGROUP".to_vec(),
                    b"GROUP".to_vec(),
                    b"g".to_vec(),
                    b"c".to_vec(),
                    b"STREAMS".to_vec(),
                    b"x".to_vec(),
                    b">".to_vec(),
                ],
                vec![
                    b"PEXPIREAT".to_vec(),
                    b"bigset".to_vec(),
                    b"4102444800000".to_vec(),
                ],
            ];
            for i in 0..500 {
                fill.push(vec![
                    b"HSET".to_vec(),
                    b"big".to_vec(),
                    format!("f{i}").into_bytes(),
                    format!("{i}").into_bytes(),
                ]);
                fill.push(vec![
                    b"SADD".to_vec(),
                    b"bigset".to_vec(),
                    format!("m{i}").into_bytes(),
                ]);
                fill.push(vec![
                    b"ZADD".to_vec(),
                    b"bigz".to_vec(),
                    b"0".to_vec(),
                    format!("m{i}").into_bytes(),
                ]);
            }
            if version == 3 {
                fill.push(vec![
                    b"HPEXPIREAT".to_vec(),
                    b"h".to_vec(),
                    b"4102444800000".to_vec(),
                    b"FIELDS".to_vec(),
                    b"1".to_vec(),
                    b"a".to_vec(),
                ]);
            }
            for cmd in &fill {
                let args: Vec<&[u8]> = cmd.iter().map(|a| a.as_slice()).collect();
                let _: redis::Value = q(&mut c, &args).await.unwrap();
            }
            snapshot(&mut c).await
        };
        downgrade(&db, version);
        assert_eq!(user_version(&db), version);
        let mut server = Resplite::on_db(&db, &[]);
        assert_upgraded(&server);
        let mut c = server.client().await;
        assert_eq!(snapshot(&mut c).await, before, "version {version}");
        // Writable as before: deadlines, new members, counts.
        let set: Vec<i64> = q(
            &mut c,
            &[b"HEXPIRE", b"h", b"100", b"FIELDS", b"1", b"\x00b"],
        )
        .await
        .unwrap();
        assert_eq!(set, [1]);
        assert_eq!(
            q::<i64>(&mut c, &[b"SADD", b"bigset", b"new"])
                .await
                .unwrap(),
            1
        );
        assert_eq!(q::<i64>(&mut c, &[b"SCARD", b"bigset"]).await.unwrap(), 501);
        server.restart();
        assert!(!server.log().iter().any(|l| l.contains("upgrading")));
        drop(server);
        assert_eq!(user_version(&db), 4);
        resplite_tests::assert_integrity(&db);
    }
}

/// A long conversion says that it moves: a line per million rows read.
#[tokio::test]
async fn a_long_upgrade_logs_each_million_rows() {
    let dir = tempfile::tempdir().unwrap();
    let n = 1_000_000;
    let db = v1_file(dir.path(), n);
    let server = Resplite::on_db(&db, &[]);
    let log = server.log();
    let progress = log
        .iter()
        .position(|l| l.contains("upgrade: keys and strings read so far") && l.contains("1000000"));
    let copied = log
        .iter()
        .position(|l| l.contains("upgrade: keys and strings copied"));
    assert!(
        matches!((progress, copied), (Some(p), Some(c)) if p < c),
        "{log:?}"
    );
    assert_v1_contents(&server, n).await;
}

/// A file from a newer resplite is refused with a clear message, untouched.
#[test]
fn a_newer_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new.db");
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch("PRAGMA user_version = 99; CREATE TABLE redis_keys (x);")
        .unwrap();
    let out = std::process::Command::new(resplite_tests::binary())
        .args(["run", "--port", "0", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("schema version 99, newer than this resplite"),
        "{err}"
    );
    assert_eq!(user_version(&db), 99);
}

/// kill -9 in the middle of the upgrade: the next open finds the file as it
/// was (the upgrade is one transaction) and upgrades it whole.
#[tokio::test]
async fn kill_9_during_the_upgrade_leaves_a_whole_file() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let n = 300_000;
    let db = v1_file(dir.path(), n);
    let mut child = std::process::Command::new(resplite_tests::binary())
        .args(["run", "--port", "0", "--db"])
        .arg(&db)
        .env("RUST_LOG", "info")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    // Killed as soon as the upgrade has copied its first table.
    for line in std::io::BufReader::new(stderr).lines() {
        let line = line.unwrap();
        if line.contains("upgrade: keys and strings copied") {
            break;
        }
        assert!(
            !line.contains("upgraded the file"),
            "upgrade ended first: {line}"
        );
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(user_version(&db), 0, "the killed upgrade left no trace");
    let server = Resplite::on_db(&db, &[]);
    assert_v1_contents(&server, n).await;
}
