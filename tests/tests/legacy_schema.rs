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
    assert_eq!(q::<i64>(&mut c, &[b"DBSIZE"]).await.unwrap(), 6);
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
        assert_eq!(keys.len(), 1, "{}", String::from_utf8_lossy(t));
    }
}
