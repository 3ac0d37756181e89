//! List commands against the real binary with the `redis` crate: normal case,
//! missing key, wrong type, TTL interaction, binary safety, restart survival,
//! and middle edits of a large list checked against a model.

use std::time::{Duration, Instant};

use redis::aio::MultiplexedConnection;
use redis::Value;
use resplite_tests::{q, q_err, Resplite, WRONGTYPE};

const BIN_KEY: &[u8] = b"bin\x00\xff\r\nkey";
const BIN_A: &[u8] = b"\x00\x01\xfe\xff\r\n a";
const BIN_B: &[u8] = b"\xff\x00";

async fn range(c: &mut MultiplexedConnection, key: &[u8]) -> Vec<Vec<u8>> {
    q(c, &[b"LRANGE", key, b"0", b"-1"]).await.unwrap()
}

async fn strs(c: &mut MultiplexedConnection, key: &[u8]) -> Vec<String> {
    q(c, &[b"LRANGE", key, b"0", b"-1"]).await.unwrap()
}

async fn int(c: &mut MultiplexedConnection, args: &[&[u8]]) -> i64 {
    q(c, args).await.unwrap()
}

async fn value(c: &mut MultiplexedConnection, args: &[&[u8]]) -> Value {
    q(c, args).await.unwrap()
}

async fn exists(c: &mut MultiplexedConnection, key: &[u8]) -> bool {
    int(c, &[b"EXISTS", key]).await == 1
}

fn bulk(s: &str) -> Value {
    Value::BulkString(s.as_bytes().to_vec())
}

#[tokio::test]
async fn push_pop_len_range() {
    let server = Resplite::start();
    let mut c = server.client().await;
    assert_eq!(int(&mut c, &[b"RPUSH", b"l", b"a", b"b"]).await, 2);
    assert_eq!(int(&mut c, &[b"LPUSH", b"l", b"x", b"y"]).await, 4);
    assert_eq!(strs(&mut c, b"l").await, ["y", "x", "a", "b"]);
    assert_eq!(int(&mut c, &[b"LLEN", b"l"]).await, 4);
    assert_eq!(int(&mut c, &[b"LLEN", b"nope"]).await, 0);
    assert_eq!(q::<String>(&mut c, &[b"TYPE", b"l"]).await.unwrap(), "list");
    let r: Vec<String> = q(&mut c, &[b"LRANGE", b"l", b"1", b"-2"]).await.unwrap();
    assert_eq!(r, ["x", "a"]);
    let r: Vec<String> = q(&mut c, &[b"LRANGE", b"l", b"-100", b"100"])
        .await
        .unwrap();
    assert_eq!(r, ["y", "x", "a", "b"]);
    let r: Vec<String> = q(&mut c, &[b"LRANGE", b"l", b"3", b"1"]).await.unwrap();
    assert!(r.is_empty());
    let r: Vec<String> = q(&mut c, &[b"LRANGE", b"nope", b"0", b"-1"]).await.unwrap();
    assert!(r.is_empty());
    assert_eq!(
        q_err(&mut c, &[b"LRANGE", b"l", b"a", b"1"]).await,
        "ERR value is not an integer or out of range"
    );

    assert_eq!(value(&mut c, &[b"LPOP", b"l"]).await, bulk("y"));
    assert_eq!(value(&mut c, &[b"RPOP", b"l"]).await, bulk("b"));
    assert_eq!(
        value(&mut c, &[b"LPOP", b"l", b"0"]).await,
        Value::Array(vec![])
    );
    // Missing key: nil without a count, a nil array with one.
    assert_eq!(value(&mut c, &[b"LPOP", b"nope"]).await, Value::Nil);
    assert_eq!(value(&mut c, &[b"RPOP", b"nope", b"3"]).await, Value::Nil);
    let mut raw = server.raw().await;
    assert_eq!(
        raw.call(&["RPOP", "nope", "3"]).await,
        redis_protocol::resp2::types::BytesFrame::Null
    );
    assert_eq!(
        q_err(&mut c, &[b"LPOP", b"l", b"-1"]).await,
        "ERR value is out of range, must be positive"
    );
    assert_eq!(
        q_err(&mut c, &[b"RPOP", b"l", b"x"]).await,
        "ERR value is out of range, must be positive"
    );
    assert_eq!(
        q_err(&mut c, &[b"LPOP", b"l", b"1", b"2"]).await,
        "ERR wrong number of arguments for 'lpop' command"
    );
    // Popping more than there is empties the list, which deletes the key.
    let popped: Vec<String> = q(&mut c, &[b"RPOP", b"l", b"10"]).await.unwrap();
    assert_eq!(popped, ["a", "x"]);
    assert!(!exists(&mut c, b"l").await);
    assert_eq!(q::<String>(&mut c, &[b"TYPE", b"l"]).await.unwrap(), "none");
    assert_eq!(int(&mut c, &[b"DBSIZE"]).await, 0);
    // And it can be created again from scratch.
    assert_eq!(int(&mut c, &[b"LPUSH", b"l", b"z"]).await, 1);
    assert_eq!(strs(&mut c, b"l").await, ["z"]);
}

#[tokio::test]
async fn pushx_only_existing() {
    let server = Resplite::start();
    let mut c = server.client().await;
    assert_eq!(int(&mut c, &[b"LPUSHX", b"l", b"a"]).await, 0);
    assert_eq!(int(&mut c, &[b"RPUSHX", b"l", b"a", b"b"]).await, 0);
    assert!(!exists(&mut c, b"l").await);
    int(&mut c, &[b"RPUSH", b"l", b"m"]).await;
    assert_eq!(int(&mut c, &[b"LPUSHX", b"l", b"a", b"b"]).await, 3);
    assert_eq!(int(&mut c, &[b"RPUSHX", b"l", b"y", b"z"]).await, 5);
    assert_eq!(strs(&mut c, b"l").await, ["b", "a", "m", "y", "z"]);
}

#[tokio::test]
async fn wrong_type_everywhere() {
    let server = Resplite::start();
    let mut c = server.client().await;
    q::<String>(&mut c, &[b"SET", b"s", b"x"]).await.unwrap();
    int(&mut c, &[b"RPUSH", b"l", b"a", b"b"]).await;
    let cases: &[&[&[u8]]] = &[
        &[b"LPUSH", b"s", b"a"],
        &[b"RPUSH", b"s", b"a"],
        &[b"LPUSHX", b"s", b"a"],
        &[b"RPUSHX", b"s", b"a"],
        &[b"LPOP", b"s"],
        &[b"RPOP", b"s", b"2"],
        &[b"LLEN", b"s"],
        &[b"LRANGE", b"s", b"0", b"-1"],
        &[b"LINDEX", b"s", b"0"],
        &[b"LINDEX", b"s", b"notanumber"],
        &[b"LSET", b"s", b"0", b"v"],
        &[b"LTRIM", b"s", b"0", b"1"],
        &[b"LREM", b"s", b"0", b"a"],
        &[b"LINSERT", b"s", b"BEFORE", b"a", b"b"],
        &[b"LPOS", b"s", b"a"],
        &[b"LMOVE", b"s", b"l", b"LEFT", b"LEFT"],
        &[b"LMOVE", b"l", b"s", b"LEFT", b"LEFT"],
        &[b"RPOPLPUSH", b"s", b"l"],
        &[b"RPOPLPUSH", b"l", b"s"],
    ];
    for args in cases {
        assert_eq!(q_err(&mut c, args).await, WRONGTYPE, "{args:?}");
    }
    // Nothing moved out of the source when the destination had the wrong type.
    assert_eq!(strs(&mut c, b"l").await, ["a", "b"]);
    assert_eq!(q::<String>(&mut c, &[b"GET", b"s"]).await.unwrap(), "x");
    // A missing source wins over a wrong-type destination (nil, as Redis).
    assert_eq!(
        value(&mut c, &[b"LMOVE", b"nope", b"s", b"LEFT", b"RIGHT"]).await,
        Value::Nil
    );
    // GET on a list is WRONGTYPE; SET replaces it.
    assert_eq!(q_err(&mut c, &[b"GET", b"l"]).await, WRONGTYPE);
    q::<String>(&mut c, &[b"SET", b"l", b"v"]).await.unwrap();
    assert_eq!(int(&mut c, &[b"RPUSH", b"l2", b"a"]).await, 1);
    assert_eq!(q::<String>(&mut c, &[b"GET", b"l"]).await.unwrap(), "v");
}

#[tokio::test]
async fn index_set_trim() {
    let server = Resplite::start();
    let mut c = server.client().await;
    int(&mut c, &[b"RPUSH", b"l", b"a", b"b", b"c", b"d", b"e"]).await;
    assert_eq!(value(&mut c, &[b"LINDEX", b"l", b"0"]).await, bulk("a"));
    assert_eq!(value(&mut c, &[b"LINDEX", b"l", b"-1"]).await, bulk("e"));
    assert_eq!(value(&mut c, &[b"LINDEX", b"l", b"-5"]).await, bulk("a"));
    assert_eq!(value(&mut c, &[b"LINDEX", b"l", b"5"]).await, Value::Nil);
    assert_eq!(value(&mut c, &[b"LINDEX", b"l", b"-6"]).await, Value::Nil);
    assert_eq!(value(&mut c, &[b"LINDEX", b"nope", b"0"]).await, Value::Nil);
    assert_eq!(value(&mut c, &[b"LINDEX", b"nope", b"x"]).await, Value::Nil);
    assert_eq!(
        q_err(&mut c, &[b"LINDEX", b"l", b"x"]).await,
        "ERR value is not an integer or out of range"
    );

    assert_eq!(
        q::<String>(&mut c, &[b"LSET", b"l", b"-2", b"D"])
            .await
            .unwrap(),
        "OK"
    );
    assert_eq!(
        q_err(&mut c, &[b"LSET", b"l", b"5", b"x"]).await,
        "ERR index out of range"
    );
    assert_eq!(
        q_err(&mut c, &[b"LSET", b"nope", b"0", b"x"]).await,
        "ERR no such key"
    );
    assert_eq!(
        q_err(&mut c, &[b"LSET", b"nope", b"x", b"x"]).await,
        "ERR no such key"
    );
    assert_eq!(
        q_err(&mut c, &[b"LSET", b"l", b"x", b"x"]).await,
        "ERR value is not an integer or out of range"
    );
    assert!(!exists(&mut c, b"nope").await);
    assert_eq!(strs(&mut c, b"l").await, ["a", "b", "c", "D", "e"]);

    q::<String>(&mut c, &[b"LTRIM", b"l", b"1", b"-2"])
        .await
        .unwrap();
    assert_eq!(strs(&mut c, b"l").await, ["b", "c", "D"]);
    q::<String>(&mut c, &[b"LTRIM", b"l", b"-100", b"100"])
        .await
        .unwrap();
    assert_eq!(strs(&mut c, b"l").await, ["b", "c", "D"]);
    q::<String>(&mut c, &[b"LTRIM", b"l", b"1", b"1"])
        .await
        .unwrap();
    assert_eq!(strs(&mut c, b"l").await, ["c"]);
    // Pushes after a trim keep working from the new ends.
    int(&mut c, &[b"LPUSH", b"l", b"0"]).await;
    int(&mut c, &[b"RPUSH", b"l", b"9"]).await;
    assert_eq!(strs(&mut c, b"l").await, ["0", "c", "9"]);
    assert_eq!(value(&mut c, &[b"LINDEX", b"l", b"1"]).await, bulk("c"));
    // An empty range deletes the key.
    q::<String>(&mut c, &[b"LTRIM", b"l", b"2", b"1"])
        .await
        .unwrap();
    assert!(!exists(&mut c, b"l").await);
    assert_eq!(
        q::<String>(&mut c, &[b"LTRIM", b"nope", b"0", b"1"])
            .await
            .unwrap(),
        "OK"
    );
    assert_eq!(
        q_err(&mut c, &[b"LTRIM", b"nope", b"a", b"1"]).await,
        "ERR value is not an integer or out of range"
    );
}

#[tokio::test]
async fn lrem_and_linsert() {
    let server = Resplite::start();
    let mut c = server.client().await;
    int(
        &mut c,
        &[b"RPUSH", b"l", b"a", b"x", b"b", b"x", b"c", b"x", b"d"],
    )
    .await;
    assert_eq!(int(&mut c, &[b"LREM", b"l", b"1", b"x"]).await, 1);
    assert_eq!(strs(&mut c, b"l").await, ["a", "b", "x", "c", "x", "d"]);
    assert_eq!(int(&mut c, &[b"LREM", b"l", b"-1", b"x"]).await, 1);
    assert_eq!(strs(&mut c, b"l").await, ["a", "b", "x", "c", "d"]);
    int(&mut c, &[b"RPUSH", b"l", b"x", b"x"]).await;
    assert_eq!(int(&mut c, &[b"LREM", b"l", b"0", b"x"]).await, 3);
    assert_eq!(strs(&mut c, b"l").await, ["a", "b", "c", "d"]);
    assert_eq!(int(&mut c, &[b"LREM", b"l", b"0", b"zz"]).await, 0);
    assert_eq!(int(&mut c, &[b"LREM", b"nope", b"0", b"a"]).await, 0);
    assert_eq!(
        q_err(&mut c, &[b"LREM", b"l", b"x", b"a"]).await,
        "ERR value is not an integer or out of range"
    );

    assert_eq!(
        int(&mut c, &[b"LINSERT", b"l", b"BEFORE", b"a", b"0"]).await,
        5
    );
    assert_eq!(
        int(&mut c, &[b"LINSERT", b"l", b"after", b"d", b"9"]).await,
        6
    );
    assert_eq!(
        int(&mut c, &[b"LINSERT", b"l", b"AFTER", b"b", b"b2"]).await,
        7
    );
    assert_eq!(
        int(&mut c, &[b"LINSERT", b"l", b"Before", b"c", b"c0"]).await,
        8
    );
    assert_eq!(
        strs(&mut c, b"l").await,
        ["0", "a", "b", "b2", "c0", "c", "d", "9"]
    );
    assert_eq!(
        int(&mut c, &[b"LINSERT", b"l", b"BEFORE", b"zz", b"q"]).await,
        -1
    );
    assert_eq!(
        int(&mut c, &[b"LINSERT", b"nope", b"BEFORE", b"a", b"q"]).await,
        0
    );
    assert!(!exists(&mut c, b"nope").await);
    assert_eq!(
        q_err(&mut c, &[b"LINSERT", b"l", b"MIDDLE", b"a", b"q"]).await,
        "ERR syntax error"
    );
    // Everything removed: the key goes.
    for v in ["0", "a", "b", "b2", "c0", "c", "d", "9"] {
        assert_eq!(int(&mut c, &[b"LREM", b"l", b"0", v.as_bytes()]).await, 1);
    }
    assert!(!exists(&mut c, b"l").await);
}

#[tokio::test]
async fn lpos_options() {
    let server = Resplite::start();
    let mut c = server.client().await;
    int(
        &mut c,
        &[
            b"RPUSH", b"l", b"a", b"b", b"c", b"1", b"2", b"3", b"c", b"c",
        ],
    )
    .await;
    let i = |n: i64| Value::Int(n);
    assert_eq!(value(&mut c, &[b"LPOS", b"l", b"c"]).await, i(2));
    assert_eq!(value(&mut c, &[b"LPOS", b"l", b"zz"]).await, Value::Nil);
    assert_eq!(
        value(&mut c, &[b"LPOS", b"l", b"c", b"RANK", b"2"]).await,
        i(6)
    );
    assert_eq!(
        value(&mut c, &[b"LPOS", b"l", b"c", b"RANK", b"-1"]).await,
        i(7)
    );
    assert_eq!(
        value(&mut c, &[b"LPOS", b"l", b"c", b"RANK", b"4"]).await,
        Value::Nil
    );
    assert_eq!(
        value(&mut c, &[b"LPOS", b"l", b"c", b"COUNT", b"2"]).await,
        Value::Array(vec![i(2), i(6)])
    );
    assert_eq!(
        value(&mut c, &[b"LPOS", b"l", b"c", b"COUNT", b"0"]).await,
        Value::Array(vec![i(2), i(6), i(7)])
    );
    assert_eq!(
        value(
            &mut c,
            &[b"LPOS", b"l", b"c", b"RANK", b"-2", b"COUNT", b"0"]
        )
        .await,
        Value::Array(vec![i(6), i(2)])
    );
    assert_eq!(
        value(
            &mut c,
            &[b"LPOS", b"l", b"c", b"COUNT", b"0", b"MAXLEN", b"3"]
        )
        .await,
        Value::Array(vec![i(2)])
    );
    assert_eq!(
        value(
            &mut c,
            &[b"LPOS", b"l", b"c", b"RANK", b"-1", b"COUNT", b"0", b"MAXLEN", b"2"]
        )
        .await,
        Value::Array(vec![i(7), i(6)])
    );
    assert_eq!(
        value(&mut c, &[b"LPOS", b"l", b"zz", b"COUNT", b"1"]).await,
        Value::Array(vec![])
    );
    assert_eq!(
        value(&mut c, &[b"LPOS", b"nope", b"a", b"COUNT", b"1"]).await,
        Value::Array(vec![])
    );
    assert_eq!(value(&mut c, &[b"LPOS", b"nope", b"a"]).await, Value::Nil);
    assert_eq!(
        q_err(&mut c, &[b"LPOS", b"l", b"c", b"RANK", b"0"]).await,
        "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... \
         or use negative to start from the end of the list"
    );
    assert_eq!(
        q_err(&mut c, &[b"LPOS", b"l", b"c", b"COUNT", b"-1"]).await,
        "ERR COUNT can't be negative"
    );
    assert_eq!(
        q_err(&mut c, &[b"LPOS", b"l", b"c", b"MAXLEN", b"x"]).await,
        "ERR MAXLEN can't be negative"
    );
    assert_eq!(
        q_err(&mut c, &[b"LPOS", b"l", b"c", b"RANK", b"x"]).await,
        "ERR value is not an integer or out of range"
    );
    assert_eq!(
        q_err(&mut c, &[b"LPOS", b"l", b"c", b"RANK"]).await,
        "ERR syntax error"
    );
    assert_eq!(
        q_err(&mut c, &[b"LPOS", b"l", b"c", b"FOO", b"1"]).await,
        "ERR syntax error"
    );
}

#[tokio::test]
async fn lmove_and_rpoplpush() {
    let server = Resplite::start();
    let mut c = server.client().await;
    int(&mut c, &[b"RPUSH", b"src", b"a", b"b", b"c", b"d"]).await;
    assert_eq!(
        value(&mut c, &[b"LMOVE", b"src", b"dst", b"LEFT", b"RIGHT"]).await,
        bulk("a")
    );
    assert_eq!(
        value(&mut c, &[b"LMOVE", b"src", b"dst", b"right", b"left"]).await,
        bulk("d")
    );
    assert_eq!(
        value(&mut c, &[b"LMOVE", b"src", b"dst", b"LEFT", b"LEFT"]).await,
        bulk("b")
    );
    assert_eq!(
        value(&mut c, &[b"RPOPLPUSH", b"src", b"dst"]).await,
        bulk("c")
    );
    assert!(!exists(&mut c, b"src").await);
    assert_eq!(strs(&mut c, b"dst").await, ["c", "b", "d", "a"]);
    assert_eq!(
        value(&mut c, &[b"LMOVE", b"dst", b"src", b"RIGHT", b"RIGHT"]).await,
        bulk("a")
    );
    assert_eq!(strs(&mut c, b"src").await, ["a"]);
    // Same key: rotation, in both directions, and on a one-element list.
    assert_eq!(
        value(&mut c, &[b"LMOVE", b"dst", b"dst", b"LEFT", b"RIGHT"]).await,
        bulk("c")
    );
    assert_eq!(strs(&mut c, b"dst").await, ["b", "d", "c"]);
    assert_eq!(
        value(&mut c, &[b"RPOPLPUSH", b"dst", b"dst"]).await,
        bulk("c")
    );
    assert_eq!(strs(&mut c, b"dst").await, ["c", "b", "d"]);
    assert_eq!(
        value(&mut c, &[b"LMOVE", b"dst", b"dst", b"LEFT", b"LEFT"]).await,
        bulk("c")
    );
    assert_eq!(strs(&mut c, b"dst").await, ["c", "b", "d"]);
    assert_eq!(
        value(&mut c, &[b"LMOVE", b"src", b"src", b"LEFT", b"RIGHT"]).await,
        bulk("a")
    );
    assert_eq!(strs(&mut c, b"src").await, ["a"]);
    assert_eq!(int(&mut c, &[b"LLEN", b"src"]).await, 1);
    // Missing source: nil, nothing created.
    assert_eq!(
        value(&mut c, &[b"LMOVE", b"nope", b"new", b"LEFT", b"RIGHT"]).await,
        Value::Nil
    );
    assert_eq!(
        value(&mut c, &[b"RPOPLPUSH", b"nope", b"new"]).await,
        Value::Nil
    );
    assert!(!exists(&mut c, b"new").await);
    assert_eq!(
        q_err(&mut c, &[b"LMOVE", b"src", b"dst", b"UP", b"LEFT"]).await,
        "ERR syntax error"
    );
    assert_eq!(
        q_err(&mut c, &[b"LMOVE", b"src", b"dst", b"LEFT"]).await,
        "ERR wrong number of arguments for 'lmove' command"
    );
}

#[tokio::test]
async fn ttl_interaction() {
    let server = Resplite::start();
    let mut c = server.client().await;
    int(&mut c, &[b"RPUSH", b"l", b"a", b"b"]).await;
    assert_eq!(int(&mut c, &[b"EXPIRE", b"l", b"1000"]).await, 1);
    // Writes keep the deadline.
    int(&mut c, &[b"RPUSH", b"l", b"c"]).await;
    value(&mut c, &[b"LPOP", b"l"]).await;
    q::<String>(&mut c, &[b"LSET", b"l", b"0", b"B"])
        .await
        .unwrap();
    let ttl = int(&mut c, &[b"TTL", b"l"]).await;
    assert!((990..=1000).contains(&ttl), "ttl {ttl}");
    // Emptying the list deletes the key and its TTL.
    let _: Vec<String> = q(&mut c, &[b"RPOP", b"l", b"5"]).await.unwrap();
    assert_eq!(int(&mut c, &[b"TTL", b"l"]).await, -2);
    int(&mut c, &[b"RPUSH", b"l", b"x"]).await;
    assert_eq!(int(&mut c, &[b"TTL", b"l"]).await, -1);
    // LMOVE into an expiring list keeps the destination's deadline.
    int(&mut c, &[b"RPUSH", b"d", b"y"]).await;
    int(&mut c, &[b"EXPIRE", b"d", b"500"]).await;
    value(&mut c, &[b"LMOVE", b"l", b"d", b"LEFT", b"LEFT"]).await;
    assert!(int(&mut c, &[b"TTL", b"d"]).await > 0);
    assert!(!exists(&mut c, b"l").await);

    // A list whose deadline passes is gone for every command.
    int(&mut c, &[b"RPUSH", b"e", b"1", b"2"]).await;
    assert_eq!(int(&mut c, &[b"PEXPIRE", b"e", b"30"]).await, 1);
    let deadline = Instant::now() + Duration::from_secs(10);
    while exists(&mut c, b"e").await {
        assert!(Instant::now() < deadline, "list never expired");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(int(&mut c, &[b"LLEN", b"e"]).await, 0);
    assert_eq!(value(&mut c, &[b"LPOP", b"e"]).await, Value::Nil);
    assert_eq!(int(&mut c, &[b"LPUSHX", b"e", b"z"]).await, 0);
    // Recreated, it starts empty with no deadline.
    assert_eq!(int(&mut c, &[b"RPUSH", b"e", b"3"]).await, 1);
    assert_eq!(strs(&mut c, b"e").await, ["3"]);
    assert_eq!(int(&mut c, &[b"TTL", b"e"]).await, -1);
}

#[tokio::test]
async fn binary_keys_and_values() {
    let server = Resplite::start();
    let mut c = server.client().await;
    int(&mut c, &[b"RPUSH", BIN_KEY, BIN_A, b"", BIN_B]).await;
    assert_eq!(range(&mut c, BIN_KEY).await, [BIN_A, b"", BIN_B]);
    assert_eq!(int(&mut c, &[b"LPOS", BIN_KEY, BIN_B]).await, 2);
    assert_eq!(int(&mut c, &[b"LPOS", BIN_KEY, b""]).await, 1);
    assert_eq!(
        int(&mut c, &[b"LINSERT", BIN_KEY, b"AFTER", b"", BIN_A]).await,
        4
    );
    assert_eq!(int(&mut c, &[b"LREM", BIN_KEY, b"0", BIN_A]).await, 2);
    assert_eq!(range(&mut c, BIN_KEY).await, [&b""[..], BIN_B]);
    let moved: Vec<u8> = q(&mut c, &[b"LMOVE", BIN_KEY, BIN_A, b"RIGHT", b"LEFT"])
        .await
        .unwrap();
    assert_eq!(moved, BIN_B);
    assert_eq!(range(&mut c, BIN_A).await, [BIN_B]);
}

#[tokio::test]
async fn lists_survive_restart() {
    let mut server = Resplite::start();
    let mut c = server.client().await;
    int(&mut c, &[b"RPUSH", b"l", b"b", b"c", b"d", b"e"]).await;
    int(&mut c, &[b"LPUSH", b"l", b"a"]).await;
    int(&mut c, &[b"LINSERT", b"l", b"BEFORE", b"d", b"c2"]).await;
    int(&mut c, &[b"LREM", b"l", b"1", b"b"]).await;
    int(&mut c, &[b"RPUSH", BIN_KEY, BIN_A]).await;
    int(&mut c, &[b"RPUSH", b"ttl", b"x"]).await;
    int(&mut c, &[b"EXPIRE", b"ttl", b"1000"]).await;
    drop(c);
    server.restart();
    let mut c = server.client().await;
    assert_eq!(strs(&mut c, b"l").await, ["a", "c", "c2", "d", "e"]);
    assert_eq!(int(&mut c, &[b"LLEN", b"l"]).await, 5);
    assert_eq!(range(&mut c, BIN_KEY).await, [BIN_A]);
    assert!(int(&mut c, &[b"TTL", b"ttl"]).await > 0);
    // Still fully usable at both ends and in the middle.
    int(&mut c, &[b"LPUSH", b"l", b"0"]).await;
    int(&mut c, &[b"RPUSH", b"l", b"f"]).await;
    assert_eq!(value(&mut c, &[b"LINDEX", b"l", b"3"]).await, bulk("c2"));
    assert_eq!(
        strs(&mut c, b"l").await,
        ["0", "a", "c", "c2", "d", "e", "f"]
    );
}

/// A file written by another program may number items with gaps: the first
/// access renumbers it, after which every command sees the right order.
#[tokio::test]
async fn legacy_gapped_list_is_renumbered() {
    let server = Resplite::start_seeded(|conn| {
        conn.execute(
            "INSERT INTO redis_keys (id, db, key, type, count) \
             VALUES (77, 0, CAST('g' AS BLOB), 4, 3)",
            [],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO redis_list_meta (id, head_seq, tail_seq) VALUES (77, 0, 11)",
            [],
        )
        .unwrap();
        for (seq, v) in [(0, "a"), (5, "b"), (10, "c")] {
            conn.execute(
                "INSERT INTO redis_list_items (id, seq, value) VALUES (77, ?1, CAST(?2 AS BLOB))",
                rusqlite::params![seq, v],
            )
            .unwrap();
        }
    });
    let mut c = server.client().await;
    assert_eq!(int(&mut c, &[b"LLEN", b"g"]).await, 3);
    assert_eq!(value(&mut c, &[b"LINDEX", b"g", b"1"]).await, bulk("b"));
    int(&mut c, &[b"RPUSH", b"g", b"d"]).await;
    int(&mut c, &[b"LINSERT", b"g", b"AFTER", b"a", b"a2"]).await;
    assert_eq!(strs(&mut c, b"g").await, ["a", "a2", "b", "c", "d"]);
}

/// Middle edits of a 10,000-element list (LINSERT shifting either side, LREM
/// closing gaps from either side, LSET/LINDEX by index) against a Vec model.
#[tokio::test]
async fn big_list_middle_edits_match_model() {
    let server = Resplite::start();
    let mut c = server.client().await;
    let mut model: Vec<String> = (0..10_000).map(|i| format!("v{i}")).collect();
    for chunk in model.chunks(1000) {
        let mut cmd = redis::cmd("RPUSH");
        cmd.arg("big");
        for v in chunk {
            cmd.arg(v);
        }
        let _: i64 = cmd.query_async(&mut c).await.unwrap();
    }
    let mut seed = 0x1234_5678_u64;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    for round in 0..300 {
        let pos = next(model.len());
        let pivot = model[pos].clone();
        let new = format!("n{round}");
        match round % 5 {
            0 | 1 => {
                let len = int(
                    &mut c,
                    &[
                        b"LINSERT",
                        b"big",
                        b"BEFORE",
                        pivot.as_bytes(),
                        new.as_bytes(),
                    ],
                )
                .await;
                model.insert(pos, new);
                assert_eq!(len as usize, model.len());
            }
            2 | 3 => {
                let len = int(
                    &mut c,
                    &[
                        b"LINSERT",
                        b"big",
                        b"AFTER",
                        pivot.as_bytes(),
                        new.as_bytes(),
                    ],
                )
                .await;
                model.insert(pos + 1, new);
                assert_eq!(len as usize, model.len());
            }
            _ => {
                assert_eq!(
                    int(&mut c, &[b"LREM", b"big", b"1", pivot.as_bytes()]).await,
                    1
                );
                model.remove(pos);
            }
        }
        if round % 50 == 0 {
            assert_eq!(strs(&mut c, b"big").await, model, "round {round}");
        }
    }
    // Duplicates spread over the list, removed from both directions.
    for (i, pos) in [10usize, 4000, 5000, 6000, 9000].into_iter().enumerate() {
        let idx = pos.to_string();
        q::<String>(&mut c, &[b"LSET", b"big", idx.as_bytes(), b"dup"])
            .await
            .unwrap();
        model[pos] = "dup".into();
        let got: String = q(&mut c, &[b"LINDEX", b"big", idx.as_bytes()])
            .await
            .unwrap();
        assert_eq!(got, "dup", "{i}");
    }
    assert_eq!(int(&mut c, &[b"LREM", b"big", b"-2", b"dup"]).await, 2);
    for _ in 0..2 {
        let last = model.iter().rposition(|v| v == "dup").unwrap();
        model.remove(last);
    }
    assert_eq!(strs(&mut c, b"big").await, model);
    assert_eq!(int(&mut c, &[b"LREM", b"big", b"0", b"dup"]).await, 3);
    model.retain(|v| v != "dup");
    assert_eq!(strs(&mut c, b"big").await, model);
    assert_eq!(int(&mut c, &[b"LLEN", b"big"]).await as usize, model.len());
    let slice: Vec<String> = q(&mut c, &[b"LRANGE", b"big", b"-10", b"-1"])
        .await
        .unwrap();
    assert_eq!(slice, model[model.len() - 10..]);
}
