//! FT.* against the real binary: the Node.js RESPlite's search commands, its
//! replies and error lines, and its file layout.
//!
//! RESPlite itself is not in this machine's npm registry, so its behaviour
//! is held two ways: the command expectations come from its spec and source
//! (`spec/09-search-ft-commands.md`, `src/storage/sqlite/search.js`), and a
//! file built with plain SQL in its layout is searched both through
//! resplite and with RESPlite's own ranking query run directly on the file:
//! same documents, same order.

use redis::aio::MultiplexedConnection;
use redis::Value;
use resplite_tests::{q, q_err, Resplite};

async fn ok(c: &mut MultiplexedConnection, args: &[&str]) {
    let reply: String = q(c, &args.iter().map(|a| a.as_bytes()).collect::<Vec<_>>())
        .await
        .unwrap();
    assert_eq!(reply, "OK", "{args:?}");
}

async fn call(c: &mut MultiplexedConnection, args: &[&str]) -> Value {
    q(c, &args.iter().map(|a| a.as_bytes()).collect::<Vec<_>>())
        .await
        .unwrap()
}

async fn err(c: &mut MultiplexedConnection, args: &[&str]) -> String {
    q_err(c, &args.iter().map(|a| a.as_bytes()).collect::<Vec<_>>()).await
}

fn s(v: &Value) -> String {
    match v {
        Value::BulkString(b) => String::from_utf8_lossy(b).into_owned(),
        Value::SimpleString(t) => t.clone(),
        Value::Int(n) => n.to_string(),
        Value::Nil => "nil".into(),
        Value::Array(items) => format!("[{}]", items.iter().map(s).collect::<Vec<_>>().join(" ")),
        other => format!("{other:?}"),
    }
}

/// FT.SEARCH ... NOCONTENT: (total, ids).
async fn ids(
    c: &mut MultiplexedConnection,
    index: &str,
    query: &str,
    extra: &[&str],
) -> (i64, Vec<String>) {
    let mut args = vec!["FT.SEARCH", index, query, "NOCONTENT"];
    args.extend_from_slice(extra);
    let Value::Array(items) = call(c, &args).await else {
        panic!("FT.SEARCH answers an array")
    };
    let Value::Int(total) = items[0] else {
        panic!("{items:?}")
    };
    (total, items[1..].iter().map(s).collect())
}

#[tokio::test]
async fn documents_are_added_searched_replaced_and_deleted() {
    let mut server = Resplite::start();
    let mut c = server.client().await;
    ok(
        &mut c,
        &[
            "FT.CREATE",
            "names",
            "SCHEMA",
            "payload",
            "TEXT",
            "title",
            "TEXT",
        ],
    )
    .await;
    assert_eq!(
        err(&mut c, &["FT.CREATE", "names", "SCHEMA", "payload", "TEXT"]).await,
        "ERR index already exists"
    );
    ok(
        &mut c,
        &[
            "FT.ADD",
            "names",
            "DY1O2",
            "1",
            "REPLACE",
            "FIELDS",
            "payload",
            "martin clasen",
        ],
    )
    .await;
    ok(
        &mut c,
        &[
            "FT.ADD",
            "names",
            "MAIL1",
            "1",
            "FIELDS",
            "payload",
            "martin clasen martin.clasen@gmail.com",
            "title",
            "mail",
        ],
    )
    .await;
    ok(
        &mut c,
        &[
            "FT.ADD",
            "names",
            "CHARS1",
            "1",
            "FIELDS",
            "payload",
            "martin-clasen #martin who? alpha+beta foo/bar baz,qux",
        ],
    )
    .await;
    assert_eq!(
        err(
            &mut c,
            &["FT.ADD", "names", "MAIL1", "1", "FIELDS", "payload", "x"]
        )
        .await,
        "ERR document exists"
    );

    // Terms, prefixes, punctuation as separators, exclusion.
    assert_eq!(ids(&mut c, "names", "clasen", &[]).await.0, 3);
    let (total, found) = ids(&mut c, "names", "martin.clasen*", &["LIMIT", "0", "10"]).await;
    assert!(total >= 1 && found.contains(&"MAIL1".to_string()));
    for q in [
        "who?",
        "alpha+beta",
        "foo/bar",
        "baz,qux",
        "(martin)",
        "#martin*",
    ] {
        assert!(
            ids(&mut c, "names", q, &[])
                .await
                .1
                .contains(&"CHARS1".to_string()),
            "{q}"
        );
    }
    assert_eq!(
        ids(&mut c, "names", "martin -clasen*", &[]).await,
        (0, vec![])
    );
    assert_eq!(
        ids(&mut c, "names", "gmail", &[]).await,
        (1, vec!["MAIL1".into()])
    );
    // LIMIT pages without changing the total.
    let (total, first) = ids(&mut c, "names", "martin", &["LIMIT", "0", "1"]).await;
    assert_eq!((total, first.len()), (3, 1));
    let (_, rest) = ids(&mut c, "names", "martin", &["LIMIT", "1", "5"]).await;
    assert_eq!(rest.len(), 2);
    assert!(!rest.contains(&first[0]));
    assert_eq!(
        ids(&mut c, "names", "martin", &["LIMIT", "5", "5"]).await,
        (3, vec![])
    );

    // Without NOCONTENT: fields in the order FT.ADD gave them.
    let reply = s(&call(&mut c, &["FT.SEARCH", "names", "gmail"]).await);
    assert_eq!(
        reply,
        "[1 MAIL1 [payload martin clasen martin.clasen@gmail.com title mail]]"
    );
    // FT.GET: schema order, an empty value as nil.
    ok(
        &mut c,
        &[
            "FT.ADD", "names", "E", "1", "FIELDS", "title", "t", "payload", "",
        ],
    )
    .await;
    assert_eq!(
        s(&call(&mut c, &["FT.GET", "names", "E"]).await),
        "[payload nil title t]"
    );
    assert_eq!(call(&mut c, &["FT.GET", "names", "nope"]).await, Value::Nil);

    // REPLACE removes the old terms and takes the new score.
    ok(
        &mut c,
        &[
            "FT.ADD", "names", "MAIL1", "3", "REPLACE", "FIELDS", "payload", "zebra",
        ],
    )
    .await;
    assert_eq!(ids(&mut c, "names", "gmail", &[]).await.0, 0);
    assert_eq!(
        ids(&mut c, "names", "zebra", &[]).await,
        (1, vec!["MAIL1".into()])
    );
    assert_eq!(
        s(&call(&mut c, &["FT.GET", "names", "MAIL1"]).await),
        "[payload zebra]"
    );

    // FT.DEL: 1 then 0; the terms go too.
    assert_eq!(
        call(&mut c, &["FT.DEL", "names", "MAIL1"]).await,
        Value::Int(1)
    );
    assert_eq!(
        call(&mut c, &["FT.DEL", "names", "MAIL1"]).await,
        Value::Int(0)
    );
    assert_eq!(ids(&mut c, "names", "zebra", &[]).await.0, 0);

    // A higher document score ranks first among equal matches.
    ok(&mut c, &["FT.CREATE", "rank", "SCHEMA", "payload", "TEXT"]).await;
    for (id, score) in [("low", "1"), ("high", "5"), ("mid", "2")] {
        ok(
            &mut c,
            &[
                "FT.ADD",
                "rank",
                id,
                score,
                "FIELDS",
                "payload",
                "same words here",
            ],
        )
        .await;
    }
    assert_eq!(
        ids(&mut c, "rank", "words", &[]).await.1,
        ["high", "mid", "low"]
    );

    let info = s(&call(&mut c, &["FT.INFO", "names"]).await);
    assert!(info.starts_with("[index_name names fields [payload title] num_docs 3 fts_rows 3 num_suggestions 0 created_at "), "{info}");

    // Everything survives a restart.
    server.restart();
    let mut c = server.client().await;
    assert_eq!(ids(&mut c, "names", "clasen", &[]).await.0, 2);
    assert_eq!(
        ids(&mut c, "rank", "words", &[]).await.1,
        ["high", "mid", "low"]
    );
    assert_eq!(s(&call(&mut c, &["FT._LIST"]).await), "[names rank]");
    ok(&mut c, &["FT.DROPINDEX", "rank"]).await;
    assert_eq!(s(&call(&mut c, &["FT._LIST"]).await), "[names]");
    assert_eq!(
        err(&mut c, &["FT.SEARCH", "rank", "words"]).await,
        "Unknown index name"
    );
}

#[tokio::test]
async fn bad_input_gets_resplites_error_lines() {
    let server = Resplite::start();
    let mut c = server.client().await;
    ok(&mut c, &["FT.CREATE", "idx", "SCHEMA", "payload", "TEXT"]).await;
    ok(
        &mut c,
        &["FT.ADD", "idx", "d", "1", "FIELDS", "payload", "hello"],
    )
    .await;
    for (args, expected) in [
        (
            &["FT.CREATE", "x", "SCHEMA", "payload"][..],
            "ERR syntax error",
        ),
        (
            &["FT.CREATE", "1x", "SCHEMA", "payload", "TEXT"],
            "ERR invalid index name",
        ),
        (
            &["FT.CREATE", "x", "SCHEMA", "title", "TEXT"],
            "ERR payload field required",
        ),
        (
            &["FT.CREATE", "x", "SCHEMA", "payload", "GEO"],
            "ERR unsupported field type",
        ),
        (
            &["FT.CREATE", "x", "FIELDS", "payload", "TEXT"],
            "ERR syntax error",
        ),
        (&["FT.INFO"], "ERR syntax error"),
        (&["FT.INFO", "nope"], "Unknown index name"),
        (
            &["FT.ADD", "nope", "d", "1", "FIELDS", "payload", "x"],
            "Unknown index name",
        ),
        (
            &["FT.ADD", "idx", "d2", "abc", "FIELDS", "payload", "x"],
            "ERR invalid score",
        ),
        (
            &["FT.ADD", "idx", "d2", "1", "payload", "x"],
            "ERR syntax error",
        ),
        (
            &["FT.ADD", "idx", "d2", "1", "FIELDS", "payload"],
            "ERR syntax error",
        ),
        (
            &["FT.ADD", "idx", "d2", "1", "FIELDS", "other", "x"],
            "ERR unknown field",
        ),
        (&["FT.DEL", "idx"], "ERR syntax error"),
        (&["FT.DEL", "nope", "d"], "Unknown index name"),
        (&["FT.GET", "nope", "d"], "Unknown index name"),
        (&["FT.SEARCH", "idx"], "ERR syntax error"),
        (&["FT.SEARCH", "nope", "hello"], "Unknown index name"),
        (&["FT.SEARCH", "nope", "a@b"], "Unknown index name"),
        (&["FT.SEARCH", "idx", "a@b"], "ERR syntax error"),
        (&["FT.SEARCH", "idx", "title:x"], "ERR syntax error"),
        (&["FT.SEARCH", "idx", "\"quoted\""], "ERR invalid query"),
        (&["FT.SEARCH", "idx", "-hello"], "ERR invalid query"),
        (&["FT.SEARCH", "idx", "   "], "ERR invalid query"),
        (
            &["FT.SEARCH", "idx", "hello", "LIMIT", "0"],
            "ERR syntax error",
        ),
        (
            &["FT.SEARCH", "idx", "hello", "LIMIT", "-1", "5"],
            "ERR invalid limit",
        ),
        (
            &["FT.SEARCH", "idx", "hello", "LIMIT", "0", "1001"],
            "ERR invalid limit",
        ),
        (
            &["FT.SEARCH", "idx", "hello", "SORTBY", "x"],
            "ERR syntax error",
        ),
        (&["FT.SUGADD", "idx", "t"], "ERR syntax error"),
        (&["FT.SUGADD", "idx", "t", "x"], "ERR invalid score"),
        (&["FT.SUGADD", "nope", "t", "1"], "Unknown index name"),
        (
            &["FT.SUGADD", "idx", "t", "1", "PAYLOAD"],
            "ERR syntax error",
        ),
        (&["FT.SUGGET", "idx", "t", "FUZZY"], "ERR not supported yet"),
        (&["FT.SUGGET", "idx", "t", "MAX", "-1"], "ERR syntax error"),
        (&["FT.SUGDEL", "nope", "t"], "Unknown index name"),
    ] {
        assert_eq!(err(&mut c, args).await, expected, "{args:?}");
    }
    // Search stores text: invalid UTF-8 is refused, nothing written.
    let bad: &[&[u8]] = &[
        b"FT.ADD",
        b"idx",
        b"bin",
        b"1",
        b"FIELDS",
        b"payload",
        b"\xff\xfe",
    ];
    assert_eq!(q_err(&mut c, bad).await, "ERR invalid field value");
    assert_eq!(call(&mut c, &["FT.GET", "idx", "bin"]).await, Value::Nil);
    // A score's leading number counts, as JavaScript's parseFloat reads it.
    ok(
        &mut c,
        &[
            "FT.ADD", "idx", "js", "2.5abc", "FIELDS", "payload", "hello",
        ],
    )
    .await;
    assert_eq!(ids(&mut c, "idx", "hello", &[]).await.1, ["js", "d"]);
}

#[tokio::test]
async fn suggestions_by_prefix_score_and_payload() {
    let server = Resplite::start();
    let mut c = server.client().await;
    ok(&mut c, &["FT.CREATE", "idx", "SCHEMA", "payload", "TEXT"]).await;
    assert_eq!(
        call(&mut c, &["FT.SUGADD", "idx", "martin", "2"]).await,
        Value::Int(1)
    );
    assert_eq!(
        call(
            &mut c,
            &["FT.SUGADD", "idx", "marta", "1.5", "PAYLOAD", "p"]
        )
        .await,
        Value::Int(1)
    );
    assert_eq!(
        call(&mut c, &["FT.SUGADD", "idx", "maria", "2"]).await,
        Value::Int(1)
    );
    assert_eq!(
        call(&mut c, &["FT.SUGADD", "idx", "other", "9"]).await,
        Value::Int(1)
    );
    assert_eq!(
        call(&mut c, &["FT.SUGADD", "idx", "martin", "1", "INCR"]).await,
        Value::Int(0)
    );
    // Best score first, then the term.
    assert_eq!(
        s(&call(&mut c, &["FT.SUGGET", "idx", "mar"]).await),
        "[martin maria marta]"
    );
    assert_eq!(
        s(&call(&mut c, &["FT.SUGGET", "idx", "MAR", "MAX", "2"]).await),
        "[martin maria]"
    );
    assert_eq!(
        s(&call(
            &mut c,
            &["FT.SUGGET", "idx", "mar", "WITHSCORES", "WITHPAYLOADS"]
        )
        .await),
        "[martin 3  maria 2  marta 1.5 p]"
    );
    assert_eq!(
        s(&call(&mut c, &["FT.SUGGET", "idx", "mart", "WITHPAYLOADS"]).await),
        "[martin  marta p]"
    );
    // A re-add without INCR replaces the score (and the payload).
    assert_eq!(
        call(&mut c, &["FT.SUGADD", "idx", "martin", "0.5"]).await,
        Value::Int(0)
    );
    assert_eq!(
        s(&call(&mut c, &["FT.SUGGET", "idx", "mart"]).await),
        "[marta martin]"
    );
    assert_eq!(
        call(&mut c, &["FT.SUGDEL", "idx", "marta"]).await,
        Value::Int(1)
    );
    assert_eq!(
        call(&mut c, &["FT.SUGDEL", "idx", "marta"]).await,
        Value::Int(0)
    );
    assert_eq!(s(&call(&mut c, &["FT.SUGGET", "idx", "zz"]).await), "[]");
    let info = s(&call(&mut c, &["FT.INFO", "idx"]).await);
    assert!(info.contains("num_suggestions 3"), "{info}");
}

/// The Node.js RESPlite 1.5 layout: keyspace tables, its field-TTL table,
/// and an index with documents and suggestions, as its FT.CREATE and FT.ADD
/// write them.
const RESPLITE_FILE: &str = r#"
CREATE TABLE redis_keys (key BLOB PRIMARY KEY, type INTEGER NOT NULL, expires_at INTEGER,
    set_count INTEGER, hash_count INTEGER, zset_count INTEGER,
    version INTEGER NOT NULL DEFAULT 1, updated_at INTEGER NOT NULL);
CREATE TABLE redis_strings (key BLOB PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE redis_hashes (key BLOB NOT NULL, field BLOB NOT NULL, value BLOB NOT NULL,
    PRIMARY KEY (key, field));
CREATE TABLE redis_hash_field_ttl (key BLOB NOT NULL, field BLOB NOT NULL,
    expires_at INTEGER NOT NULL, PRIMARY KEY (key, field));
CREATE TABLE search_indices (name TEXT PRIMARY KEY, schema_json TEXT NOT NULL,
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE search_rowid_allocator (id INTEGER PRIMARY KEY AUTOINCREMENT);
INSERT INTO redis_keys VALUES (x'68', 2, NULL, NULL, 2, NULL, 1, 0);
INSERT INTO redis_hashes VALUES (x'68', x'61', x'31'), (x'68', x'62', x'32');
INSERT INTO redis_hash_field_ttl VALUES (x'68', x'61', 4102444800000);
INSERT INTO search_indices VALUES ('docs',
    '{"version":1,"fields":[{"name":"payload","type":"TEXT"},{"name":"title","type":"TEXT"}],"tokenizer":"unicode61"}',
    1700000000000, 1700000000000);
CREATE TABLE search_docs__docs (doc_id TEXT PRIMARY KEY, score REAL NOT NULL DEFAULT 1.0,
    fields_json TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE search_docmap__docs (doc_id TEXT PRIMARY KEY, fts_rowid INTEGER NOT NULL UNIQUE);
CREATE VIRTUAL TABLE search_fts__docs USING fts5(payload, title, tokenize='unicode61', content='');
CREATE TABLE search_sugs__docs (term TEXT PRIMARY KEY, score REAL NOT NULL, payload TEXT,
    updated_at INTEGER NOT NULL);
CREATE INDEX search_sugs__docs_score_idx ON search_sugs__docs(score DESC);
INSERT INTO search_sugs__docs VALUES ('sqlite', 3, 'db', 0), ('sql', 1, NULL, 0), ('spark', 2, NULL, 0);
"#;

/// Documents: id, score, payload, title.
const DOCS: [(&str, f64, &str, &str); 8] = [
    ("a", 1.0, "sqlite is a small fast database engine", "intro"),
    (
        "b",
        2.0,
        "redis keeps data in memory; sqlite keeps it on disk",
        "compare",
    ),
    (
        "c",
        1.0,
        "full text search with fts5 and bm25 ranking",
        "search",
    ),
    (
        "d",
        0.5,
        "sqlite sqlite sqlite: the word many times",
        "repeat",
    ),
    ("e", 1.0, "a database engine for embedded use", "embedded"),
    ("f", 3.0, "search engines rank documents", "rank"),
    ("g", 1.0, "nothing related here", ""),
    ("h", 1.0, "databases and data: a primer", "primer"),
];

fn resplite_file(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("resplite.db");
    let mut conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(RESPLITE_FILE).unwrap();
    let tx = conn.transaction().unwrap();
    // As RESPlite's addDocument: a fresh rowid per add, from the allocator.
    for (i, (id, score, payload, title)) in DOCS.iter().enumerate() {
        let rowid = i as i64 + 1;
        tx.execute(
            "INSERT INTO search_rowid_allocator(id) VALUES (?1)",
            [rowid],
        )
        .unwrap();
        tx.execute(
            "INSERT INTO search_docmap__docs VALUES (?1, ?2)",
            rusqlite::params![id, rowid],
        )
        .unwrap();
        let json = format!(r#"{{"payload":"{payload}","title":"{title}"}}"#);
        tx.execute(
            "INSERT INTO search_docs__docs VALUES (?1, ?2, ?3, 0, 0)",
            rusqlite::params![id, score, json],
        )
        .unwrap();
        tx.execute(
            "INSERT INTO search_fts__docs(rowid, payload, title) VALUES (?1, ?2, ?3)",
            rusqlite::params![rowid, payload, title],
        )
        .unwrap();
    }
    tx.commit().unwrap();
    path
}

/// RESPlite's ranking query (search.js), run on the file itself.
fn resplite_ranking(
    path: &std::path::Path,
    expr: &str,
    limit: i64,
    offset: i64,
) -> (i64, Vec<String>) {
    let conn = rusqlite::Connection::open(path).unwrap();
    let total = conn
        .query_row(
            "SELECT COUNT(*) AS c FROM search_fts__docs f JOIN search_docmap__docs m \
             ON f.rowid = m.fts_rowid WHERE search_fts__docs MATCH ?",
            [expr],
            |r| r.get(0),
        )
        .unwrap();
    let mut stmt = conn
        .prepare(
            "SELECT m.doc_id, d.fields_json FROM search_fts__docs f JOIN search_docmap__docs m \
             ON f.rowid = m.fts_rowid JOIN search_docs__docs d ON d.doc_id = m.doc_id \
             WHERE search_fts__docs MATCH ? ORDER BY bm25(search_fts__docs) * d.score ASC \
             LIMIT ? OFFSET ?",
        )
        .unwrap();
    let ids = stmt
        .query_map(rusqlite::params![expr, limit, offset], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    (total, ids)
}

#[tokio::test]
async fn a_resplite_file_with_an_index_searches_as_resplite_does() {
    let dir = tempfile::tempdir().unwrap();
    let path = resplite_file(dir.path());
    // (query as typed, RESPlite's MATCH expression for it, LIMIT)
    let queries: [(&str, &str, i64, i64); 7] = [
        ("sqlite", "sqlite", 10, 0),
        ("database*", "database*", 10, 0),
        ("search engine*", "search engine*", 10, 0),
        ("data* -sqlite", "data* NOT sqlite", 10, 0),
        ("engine", "engine", 1, 1),
        ("sqlite keeps", "sqlite keeps", 10, 0),
        ("nothing-related", "nothing related", 10, 0),
    ];
    let expected: Vec<_> = queries
        .iter()
        .map(|(_, expr, limit, offset)| resplite_ranking(&path, expr, *limit, *offset))
        .collect();
    assert!(
        expected.iter().any(|(_, ids)| ids.len() > 2),
        "{expected:?}"
    );

    let server = Resplite::on_db(&path, &[]);
    let mut c = server.client().await;
    for ((query, _, limit, offset), want) in queries.iter().zip(&expected) {
        let got = ids(
            &mut c,
            "docs",
            query,
            &["LIMIT", &offset.to_string(), &limit.to_string()],
        )
        .await;
        assert_eq!(&got, want, "{query}");
    }
    assert_eq!(
        s(&call(&mut c, &["FT.GET", "docs", "g"]).await),
        "[payload nothing related here title nil]"
    );
    assert_eq!(
        s(&call(
            &mut c,
            &["FT.SUGGET", "docs", "s", "WITHSCORES", "WITHPAYLOADS"]
        )
        .await),
        "[sqlite 3 db spark 2  sql 1 ]"
    );
    // Its keyspace and field TTLs came through the upgrade.
    let ttl: Vec<i64> = q(
        &mut c,
        &[b"HPEXPIRETIME", b"h", b"FIELDS", b"2", b"a", b"b"],
    )
    .await
    .unwrap();
    assert_eq!(ttl, [4_102_444_800_000, -1]);
    // Documents added here land in its tables as RESPlite writes them.
    ok(
        &mut c,
        &[
            "FT.ADD",
            "docs",
            "new",
            "1",
            "FIELDS",
            "title",
            "fresh",
            "payload",
            "sqlite again",
        ],
    )
    .await;
    drop(c);
    drop(server);
    let conn = rusqlite::Connection::open(&path).unwrap();
    let (json, rowid): (String, i64) = conn
        .query_row(
            "SELECT d.fields_json, m.fts_rowid FROM search_docs__docs d \
             JOIN search_docmap__docs m USING (doc_id) WHERE doc_id = 'new'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(json, r#"{"title":"fresh","payload":"sqlite again"}"#);
    assert_eq!(rowid, DOCS.len() as i64 + 1);
    drop(conn);
    let (total, _) = resplite_ranking(&path, "again", 10, 0);
    assert_eq!(total, 1, "RESPlite's own query finds the new document");
}

async fn total(c: &mut MultiplexedConnection, index: &str, query: &str) -> i64 {
    ids(c, index, query, &[]).await.0
}

/// Waits (bounded) until FT.INFO says every existing hash is indexed.
async fn indexed(c: &mut MultiplexedConnection, index: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let Value::Array(info) = call(c, &["FT.INFO", index]).await else {
            panic!("FT.INFO answers an array")
        };
        let at = info.iter().position(|v| s(v) == "percent_indexed").unwrap();
        if s(&info[at + 1]) == "1" {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "indexing never finished"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

/// Writes reach a hash index through a queue that commits with them: a
/// crash right after the writes loses none of them, whatever their order
/// (more than one indexing batch, key ids out of order, deletes between).
#[tokio::test]
async fn queued_index_updates_survive_a_crash() {
    let mut server = Resplite::start();
    let mut c = server.client().await;
    ok(
        &mut c,
        &[
            "FT.CREATE",
            "q",
            "ON",
            "HASH",
            "PREFIX",
            "1",
            "k:",
            "SCHEMA",
            "t",
            "TEXT",
            "n",
            "NUMERIC",
        ],
    )
    .await;
    // 6,000 hashes in a scattered order, then updates and deletes among them.
    let n = 6000u32;
    let mut pipe = redis::pipe();
    for j in 0..n {
        let i = j * 7919 % n;
        pipe.cmd("HSET")
            .arg(format!("k:{i}"))
            .arg("t")
            .arg(format!("w{i} all"))
            .arg("n")
            .arg(i)
            .ignore();
    }
    for i in (0..n).step_by(60) {
        pipe.cmd("DEL").arg(format!("k:{i}")).ignore();
        pipe.cmd("HSET")
            .arg(format!("k:{}", i + 1))
            .arg("t")
            .arg("moved")
            .ignore();
    }
    let _: () = pipe.query_async(&mut c).await.unwrap();
    server.kill();
    server.start_again();
    let mut c = server.client().await;
    assert_eq!(total(&mut c, "q", "all").await, 5800);
    assert_eq!(total(&mut c, "q", "moved").await, 100);
    assert_eq!(total(&mut c, "q", "@n:[0 59]").await, 59);
    assert_eq!(total(&mut c, "q", "w61").await, 0);
    assert_eq!(total(&mut c, "q", "w62").await, 1);
}

/// RediSearch's dialect: a hash index follows every write to its hashes (a
/// search sees every write before it, even in the same MULTI: HSET, HDEL,
/// DEL, expiry, RENAME, MOVE, FLUSHALL, SWAPDB), indexes the hashes that existed before it in the background, and
/// survives a restart.
#[tokio::test]
async fn hash_indexes_follow_every_write() {
    let mut server = Resplite::start();
    let mut c = server.client().await;
    // 3,000 hashes before the index: the sweeper indexes them in slices.
    let mut pipe = redis::pipe();
    for i in 0..3000 {
        pipe.cmd("HSET")
            .arg(format!("p:{i}"))
            .arg("name")
            .arg(format!("item{i} common"))
            .arg("n")
            .arg(i)
            .ignore();
    }
    let _: () = pipe.query_async(&mut c).await.unwrap();
    ok(
        &mut c,
        &[
            "FT.CREATE",
            "items",
            "ON",
            "HASH",
            "PREFIX",
            "1",
            "p:",
            "SCHEMA",
            "name",
            "TEXT",
            "n",
            "NUMERIC",
            "SORTABLE",
        ],
    )
    .await;
    indexed(&mut c, "items").await;
    assert_eq!(total(&mut c, "items", "common").await, 3000);
    assert_eq!(total(&mut c, "items", "@n:[100 199]").await, 100);

    // A search inside the writing transaction sees the write.
    let reply: Vec<Value> = redis::pipe()
        .atomic()
        .cmd("HSET")
        .arg("p:new")
        .arg("name")
        .arg("fresh")
        .ignore()
        .cmd("FT.SEARCH")
        .arg("items")
        .arg("fresh")
        .arg("NOCONTENT")
        .query_async(&mut c)
        .await
        .unwrap();
    assert_eq!(s(&reply[0]), "[1 p:new]");
    // HDEL of the indexed field, DEL, RENAME out of and into the prefix, MOVE.
    let _: i64 = q(&mut c, &[b"HDEL", b"p:new", b"name"]).await.unwrap();
    assert_eq!(total(&mut c, "items", "fresh").await, 0);
    let _: i64 = q(&mut c, &[b"DEL", b"p:1"]).await.unwrap();
    assert_eq!(total(&mut c, "items", "item1").await, 0);
    let _: () = q(&mut c, &[b"RENAME", b"p:2", b"q:2"]).await.unwrap();
    assert_eq!(total(&mut c, "items", "item2").await, 0);
    let _: () = q(&mut c, &[b"RENAME", b"q:2", b"p:two"]).await.unwrap();
    assert_eq!(
        ids(&mut c, "items", "item2", &[]).await,
        (1, vec!["p:two".into()])
    );
    let _: i64 = q(&mut c, &[b"MOVE", b"p:3", b"1"]).await.unwrap();
    assert_eq!(total(&mut c, "items", "item3").await, 0);
    // A key's expiry and its last indexed field's.
    let _: i64 = q(&mut c, &[b"PEXPIRE", b"p:4", b"1"]).await.unwrap();
    let _: Vec<i64> = q(
        &mut c,
        &[b"HPEXPIRE", b"p:5", b"1", b"FIELDS", b"1", b"name"],
    )
    .await
    .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while total(&mut c, "items", "item4 | item5").await > 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "expired hashes still indexed"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    // A string under the prefix is not a hash; binary key names are fine.
    let _: () = q(&mut c, &[b"SET", b"p:str", b"common"]).await.unwrap();
    let _: i64 = q(&mut c, &[b"HSET", b"p:\x00\xff", b"name", b"binary common"])
        .await
        .unwrap();
    assert_eq!(total(&mut c, "items", "binary").await, 1);
    // SORTBY on the sortable numeric, then a restart.
    let (_, top) = ids(
        &mut c,
        "items",
        "common",
        &["SORTBY", "n", "DESC", "LIMIT", "0", "2"],
    )
    .await;
    assert_eq!(top, ["p:2999", "p:2998"]);
    server.restart();
    let mut c = server.client().await;
    // 3,000 - p:1..p:5 (p:2 came back as p:two) + the binary one.
    assert_eq!(total(&mut c, "items", "common").await, 2997);
    let _: i64 = q(&mut c, &[b"HSET", b"p:2999", b"name", b"changed"])
        .await
        .unwrap();
    assert_eq!(total(&mut c, "items", "common").await, 2996);
    // SWAPDB 0 brings another database's hashes under the index.
    let _: () = q(&mut c, &[b"SELECT", b"1"]).await.unwrap();
    let _: i64 = q(&mut c, &[b"HSET", b"p:other", b"name", b"elsewhere"])
        .await
        .unwrap();
    assert_eq!(
        err(&mut c, &["FT.SEARCH", "items", "x"]).await,
        "ERR Cannot create index on db != 0"
    );
    let _: () = q(&mut c, &[b"SWAPDB", b"0", b"1"]).await.unwrap();
    let _: () = q(&mut c, &[b"SELECT", b"0"]).await.unwrap();
    indexed(&mut c, "items").await;
    assert_eq!(
        ids(&mut c, "items", "elsewhere", &[]).await,
        (1, vec!["p:other".into()])
    );
    // p:3 was moved to database 1 before the swap.
    assert_eq!(
        ids(&mut c, "items", "common", &[]).await,
        (1, vec!["p:3".into()])
    );
    let _: () = q(&mut c, &[b"FLUSHALL"]).await.unwrap();
    assert_eq!(total(&mut c, "items", "elsewhere").await, 0);
    assert_eq!(s(&call(&mut c, &["FT._LIST"]).await), "[items]");
}

#[tokio::test]
async fn redisearch_errors_and_the_dialect_rule() {
    let server = Resplite::start();
    let mut c = server.client().await;
    // RESPlite's form stays RESPlite's: a store of FT.ADD documents.
    ok(&mut c, &["FT.CREATE", "docs", "SCHEMA", "payload", "TEXT"]).await;
    assert!(err(&mut c, &["FT.AGGREGATE", "docs", "*"])
        .await
        .contains("hash indexes"));
    // Anything else is RediSearch's: an index of hashes.
    ok(
        &mut c,
        &[
            "FT.CREATE",
            "h",
            "SCHEMA",
            "t",
            "TEXT",
            "WEIGHT",
            "2",
            "g",
            "TAG",
            "SEPARATOR",
            ";",
        ],
    )
    .await;
    assert!(err(&mut c, &["FT.ADD", "h", "d", "1", "FIELDS", "t", "x"])
        .await
        .contains("holds hashes"));
    assert_eq!(
        err(
            &mut c,
            &["FT.CREATE", "h", "SCHEMA", "t", "TEXT", "WEIGHT", "2"]
        )
        .await,
        "Index already exists"
    );
    for (args, expected) in [
        (
            &["FT.CREATE", "x", "ON", "JSON", "SCHEMA", "t", "TEXT"][..],
            "ERR ON JSON is not supported (hashes only)",
        ),
        (&["FT.CREATE", "x", "ON", "HASH"], "No schema found"),
        (
            &["FT.CREATE", "x", "ON", "HASH", "SCHEMA", "t", "BLOB"],
            "Invalid field type for field `t`",
        ),
        (
            &[
                "FT.CREATE",
                "x",
                "ON",
                "HASH",
                "SCHEMA",
                "t",
                "TEXT",
                "t",
                "TAG",
            ],
            "Duplicate field in schema - t",
        ),
        (&["FT.SEARCH", "h", "@nope:x"], "Unknown field `nope`"),
        (
            &["FT.SEARCH", "h", "(open"],
            "Syntax error at offset 5 near missing )",
        ),
        (
            &["FT.SEARCH", "h", "x", "BOGUS"],
            "Unknown argument `BOGUS` at position 1",
        ),
        (
            &["FT.SEARCH", "h", "@t:{x}"],
            "Syntax error: field `t` is not a TAG field",
        ),
        (
            &["FT.ALTER", "docs", "SCHEMA", "ADD", "x", "TEXT"],
            "ERR FT.ALTER works on hash indexes (FT.CREATE ... ON HASH), not FT.ADD ones",
        ),
        (
            &["FT.ALTER", "h", "SCHEMA", "ADD", "t", "TEXT"],
            "Duplicate field in schema - t",
        ),
        (
            &[
                "FT.AGGREGATE",
                "h",
                "*",
                "GROUPBY",
                "1",
                "@g",
                "REDUCE",
                "NOPE",
                "0",
            ],
            "No such reducer `NOPE`",
        ),
        (
            &["FT.AGGREGATE", "h", "*", "APPLY", "@t +", "AS", "x"],
            "Syntax error in expression",
        ),
        (&["FT.DROPINDEX", "nope"], "Unknown index name"),
    ] {
        assert_eq!(err(&mut c, args).await, expected, "{args:?}");
    }
    // Deep nesting is an error, not a crash; the server keeps serving.
    let deep = format!("{}a{}", "(".repeat(50_000), ")".repeat(50_000));
    assert!(err(&mut c, &["FT.SEARCH", "h", &deep])
        .await
        .contains("nested too deep"));
    let deep = format!("{}1{}", "(".repeat(50_000), ")".repeat(50_000));
    assert!(err(
        &mut c,
        &["FT.AGGREGATE", "h", "*", "APPLY", &deep, "AS", "x"]
    )
    .await
    .contains("nested too deep"));
    // A custom TAG separator and a weighted field.
    let _: i64 = q(&mut c, &[b"HSET", b"a", b"t", b"alpha", b"g", b"Red; Big"])
        .await
        .unwrap();
    assert_eq!(
        ids(&mut c, "h", "@g:{big}", &[]).await,
        (1, vec!["a".into()])
    );
    // A changed tag replaces the old ones; an unchanged text stays found.
    let _: i64 = q(&mut c, &[b"HSET", b"a", b"g", b"Blue"]).await.unwrap();
    assert_eq!(ids(&mut c, "h", "@g:{big}", &[]).await.0, 0);
    assert_eq!(ids(&mut c, "h", "@g:{blue} alpha", &[]).await.0, 1);
    assert_eq!(
        s(&call(&mut c, &["FT.EXPLAIN", "docs", "a -b"]).await),
        "a NOT b"
    );
}
