//! Sorted-set commands against the real binary with the `redis` crate: normal
//! case, missing key, wrong type, TTL interaction, binary members, restart
//! survival, and slices of a large set.

use std::collections::BTreeMap;

use redis::aio::MultiplexedConnection;
use redis::Value;
use resplite_tests::{q, q_err, Resplite, WRONGTYPE};

const BIN_KEY: &[u8] = b"bin\x00\xff\r\nkey";

async fn int(c: &mut MultiplexedConnection, args: &[&[u8]]) -> i64 {
    q(c, args).await.unwrap()
}

async fn strs(c: &mut MultiplexedConnection, args: &[&[u8]]) -> Vec<String> {
    q(c, args).await.unwrap()
}

async fn bulk(c: &mut MultiplexedConnection, args: &[&[u8]]) -> Option<String> {
    q(c, args).await.unwrap()
}

fn s(items: &[&str]) -> Vec<String> {
    items.iter().map(|x| x.to_string()).collect()
}

async fn exists(c: &mut MultiplexedConnection, key: &[u8]) -> bool {
    int(c, &[b"EXISTS", key]).await == 1
}

async fn string_key(c: &mut MultiplexedConnection) {
    let _: () = q(c, &[b"SET", b"str", b"v"]).await.unwrap();
}

#[tokio::test]
async fn zadd_flags_scores_and_errors() {
    let server = Resplite::start();
    let mut c = server.client().await;
    string_key(&mut c).await;
    assert_eq!(
        int(&mut c, &[b"ZADD", b"z", b"1", b"a", b"2", b"b", b"1", b"a"]).await,
        2
    );
    assert_eq!(q::<String>(&mut c, &[b"TYPE", b"z"]).await.unwrap(), "zset");
    assert_eq!(int(&mut c, &[b"ZCARD", b"z"]).await, 2);
    // NX never updates, XX never adds, CH counts changes.
    assert_eq!(
        int(&mut c, &[b"ZADD", b"z", b"NX", b"5", b"a", b"3", b"c"]).await,
        1
    );
    assert_eq!(
        bulk(&mut c, &[b"ZSCORE", b"z", b"a"]).await.as_deref(),
        Some("1")
    );
    assert_eq!(
        int(
            &mut c,
            &[b"ZADD", b"z", b"XX", b"CH", b"5", b"a", b"9", b"new"]
        )
        .await,
        1
    );
    assert_eq!(bulk(&mut c, &[b"ZSCORE", b"z", b"new"]).await, None);
    // GT/LT only move scores one way, and still add new members.
    assert_eq!(
        int(
            &mut c,
            &[b"ZADD", b"z", b"GT", b"CH", b"4", b"a", b"7", b"b", b"0", b"d"]
        )
        .await,
        2
    );
    assert_eq!(
        bulk(&mut c, &[b"ZSCORE", b"z", b"a"]).await.as_deref(),
        Some("5")
    );
    assert_eq!(
        bulk(&mut c, &[b"ZSCORE", b"z", b"b"]).await.as_deref(),
        Some("7")
    );
    assert_eq!(
        int(&mut c, &[b"ZADD", b"z", b"LT", b"CH", b"4", b"a"]).await,
        1
    );
    // INCR answers the new score, or nil when a condition says no.
    assert_eq!(
        bulk(&mut c, &[b"ZADD", b"z", b"INCR", b"0.5", b"a"])
            .await
            .as_deref(),
        Some("4.5")
    );
    assert_eq!(
        bulk(&mut c, &[b"ZADD", b"z", b"INCR", b"NX", b"1", b"a"]).await,
        None
    );
    assert_eq!(
        bulk(&mut c, &[b"ZADD", b"nokey", b"XX", b"INCR", b"1", b"a"]).await,
        None
    );
    assert_eq!(
        int(&mut c, &[b"ZADD", b"nokey", b"XX", b"1", b"a"]).await,
        0
    );
    assert!(!exists(&mut c, b"nokey").await);
    // Redis 7.0's score text: %.17g.
    assert_eq!(
        bulk(&mut c, &[b"ZINCRBY", b"z", b"0.1", b"d"])
            .await
            .as_deref(),
        Some("0.10000000000000001")
    );
    assert_eq!(
        bulk(&mut c, &[b"ZINCRBY", b"z", b"inf", b"d"])
            .await
            .as_deref(),
        Some("inf")
    );
    assert_eq!(
        q_err(&mut c, &[b"ZINCRBY", b"z", b"-inf", b"d"]).await,
        "ERR resulting score is not a number (NaN)"
    );
    assert_eq!(
        bulk(&mut c, &[b"ZSCORE", b"z", b"d"]).await.as_deref(),
        Some("inf")
    );
    for (args, err) in [
        (
            &[&b"ZADD"[..], b"z", b"nan", b"x"][..],
            "ERR value is not a valid float",
        ),
        (
            &[b"ZADD", b"z", b"abc", b"x"],
            "ERR value is not a valid float",
        ),
        (&[b"ZADD", b"z", b"1", b"x", b"2"], "ERR syntax error"),
        (
            &[b"ZADD", b"z", b"XX", b"NX", b"1", b"x"],
            "ERR XX and NX options at the same time are not compatible",
        ),
        (
            &[b"ZADD", b"z", b"GT", b"LT", b"1", b"x"],
            "ERR GT, LT, and/or NX options at the same time are not compatible",
        ),
        (
            &[b"ZADD", b"z", b"INCR", b"1", b"x", b"2", b"y"],
            "ERR INCR option supports a single increment-element pair",
        ),
        (
            &[b"ZADD", b"z", b"1"],
            "ERR wrong number of arguments for 'zadd' command",
        ),
        (&[b"ZADD", b"str", b"1", b"x"], WRONGTYPE),
        (&[b"ZINCRBY", b"str", b"1", b"x"], WRONGTYPE),
        (
            &[b"ZINCRBY", b"z", b"nan", b"x"],
            "ERR value is not a valid float",
        ),
        (&[b"ZSCORE", b"str", b"x"], WRONGTYPE),
        (&[b"ZCARD", b"str"], WRONGTYPE),
        (&[b"ZREM", b"str", b"x"], WRONGTYPE),
        (&[b"ZMSCORE", b"str", b"x"], WRONGTYPE),
    ] {
        assert_eq!(q_err(&mut c, args).await, err, "{args:?}");
    }
    // A failed command changed nothing.
    assert_eq!(int(&mut c, &[b"ZCARD", b"z"]).await, 4);
    assert_eq!(
        q::<Vec<Option<String>>>(&mut c, &[b"ZMSCORE", b"z", b"a", b"nope", b"b"])
            .await
            .unwrap(),
        vec![Some("4.5".into()), None, Some("7".into())]
    );
    assert_eq!(
        q::<Vec<Option<String>>>(&mut c, &[b"ZMSCORE", b"nokey", b"a"])
            .await
            .unwrap(),
        vec![None]
    );
    assert_eq!(bulk(&mut c, &[b"ZSCORE", b"nokey", b"a"]).await, None);
    assert_eq!(int(&mut c, &[b"ZCARD", b"nokey"]).await, 0);
    assert_eq!(int(&mut c, &[b"ZREM", b"z", b"a", b"nope", b"a"]).await, 1);
    assert_eq!(int(&mut c, &[b"ZREM", b"nokey", b"a"]).await, 0);
}

#[tokio::test]
async fn ranges_by_rank_score_and_lex() {
    let server = Resplite::start();
    let mut c = server.client().await;
    string_key(&mut c).await;
    let _: i64 = q(
        &mut c,
        &[
            b"ZADD", b"z", b"1", b"a", b"2", b"b", b"3", b"c", b"-inf", b"lo", b"inf", b"hi",
        ],
    )
    .await
    .unwrap();
    assert_eq!(
        strs(&mut c, &[b"ZRANGE", b"z", b"0", b"-1"]).await,
        s(&["lo", "a", "b", "c", "hi"])
    );
    assert_eq!(
        strs(&mut c, &[b"ZRANGE", b"z", b"-2", b"100", b"WITHSCORES"]).await,
        s(&["c", "3", "hi", "inf"])
    );
    assert_eq!(
        strs(
            &mut c,
            &[b"ZRANGE", b"z", b"0", b"1", b"REV", b"WITHSCORES"]
        )
        .await,
        s(&["hi", "inf", "c", "3"])
    );
    assert_eq!(
        strs(&mut c, &[b"ZREVRANGE", b"z", b"1", b"2"]).await,
        s(&["c", "b"])
    );
    assert!(strs(&mut c, &[b"ZRANGE", b"z", b"3", b"1"])
        .await
        .is_empty());
    assert_eq!(
        strs(
            &mut c,
            &[
                b"ZRANGEBYSCORE",
                b"z",
                b"(1",
                b"+inf",
                b"LIMIT",
                b"1",
                b"-1"
            ]
        )
        .await,
        s(&["c", "hi"])
    );
    assert_eq!(
        strs(
            &mut c,
            &[b"ZREVRANGEBYSCORE", b"z", b"3", b"(1", b"WITHSCORES"]
        )
        .await,
        s(&["c", "3", "b", "2"])
    );
    assert_eq!(
        strs(
            &mut c,
            &[b"ZRANGE", b"z", b"(3", b"-inf", b"BYSCORE", b"REV", b"LIMIT", b"0", b"2"]
        )
        .await,
        s(&["b", "a"])
    );
    assert!(strs(
        &mut c,
        &[b"ZRANGEBYSCORE", b"z", b"0", b"10", b"LIMIT", b"-1", b"2"]
    )
    .await
    .is_empty());
    assert_eq!(int(&mut c, &[b"ZCOUNT", b"z", b"-inf", b"(3"]).await, 3);
    assert_eq!(int(&mut c, &[b"ZCOUNT", b"z", b"(2", b"(2"]).await, 0);
    // Lex ranges over equal scores; members are binary and sort as memcmp.
    let _: i64 = q(
        &mut c,
        &[
            b"ZADD", b"l", b"0", b"a", b"0", b"b", b"0", b"\xff", b"0", b"\x00", b"0", b"ab",
        ],
    )
    .await
    .unwrap();
    assert_eq!(
        q::<Vec<Vec<u8>>>(&mut c, &[b"ZRANGE", b"l", b"0", b"-1"])
            .await
            .unwrap(),
        vec![
            b"\x00".to_vec(),
            b"a".to_vec(),
            b"ab".to_vec(),
            b"b".to_vec(),
            b"\xff".to_vec()
        ]
    );
    assert_eq!(
        strs(&mut c, &[b"ZRANGEBYLEX", b"l", b"[a", b"(b"]).await,
        s(&["a", "ab"])
    );
    assert_eq!(
        strs(
            &mut c,
            &[
                b"ZREVRANGEBYLEX",
                b"l",
                b"(\xff",
                b"(a",
                b"LIMIT",
                b"0",
                b"1"
            ]
        )
        .await,
        s(&["b"])
    );
    assert_eq!(
        strs(&mut c, &[b"ZRANGE", b"l", b"(a", b"[b", b"BYLEX"]).await,
        s(&["ab", "b"])
    );
    assert_eq!(int(&mut c, &[b"ZLEXCOUNT", b"l", b"-", b"+"]).await, 5);
    assert_eq!(int(&mut c, &[b"ZLEXCOUNT", b"l", b"+", b"-"]).await, 0);
    assert!(strs(&mut c, &[b"ZRANGE", b"nokey", b"0", b"-1"])
        .await
        .is_empty());
    for (args, err) in [
        (&[&b"ZRANGE"[..], b"str", b"0", b"-1"][..], WRONGTYPE),
        (&[b"ZRANGEBYLEX", b"str", b"-", b"+"], WRONGTYPE),
        (&[b"ZCOUNT", b"str", b"0", b"1"], WRONGTYPE),
        (
            &[b"ZRANGE", b"z", b"a", b"1"],
            "ERR value is not an integer or out of range",
        ),
        (
            &[b"ZRANGEBYSCORE", b"z", b"x", b"1"],
            "ERR min or max is not a float",
        ),
        (
            &[b"ZCOUNT", b"z", b"(x", b"1"],
            "ERR min or max is not a float",
        ),
        (
            &[b"ZRANGEBYLEX", b"z", b"a", b"+"],
            "ERR min or max not valid string range item",
        ),
        (
            &[b"ZLEXCOUNT", b"z", b"-", b"b"],
            "ERR min or max not valid string range item",
        ),
        (
            &[b"ZRANGE", b"z", b"0", b"1", b"LIMIT", b"0", b"1"],
            "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
        ),
        (
            &[b"ZRANGE", b"z", b"-", b"+", b"BYLEX", b"WITHSCORES"],
            "ERR syntax error, WITHSCORES not supported in combination with BYLEX",
        ),
        (
            &[b"ZRANGE", b"z", b"0", b"1", b"BYSCORE", b"BYLEX"],
            "ERR syntax error",
        ),
        (
            &[b"ZRANGEBYSCORE", b"z", b"0", b"1", b"LIMIT", b"0"],
            "ERR syntax error",
        ),
        (
            &[b"ZREVRANGE", b"z", b"0", b"1", b"REV"],
            "ERR syntax error",
        ),
    ] {
        assert_eq!(q_err(&mut c, args).await, err, "{args:?}");
    }
}

#[tokio::test]
async fn ranks_with_and_without_score() {
    let server = Resplite::start();
    let mut c = server.client().await;
    string_key(&mut c).await;
    let _: i64 = q(
        &mut c,
        &[b"ZADD", b"z", b"1", b"a", b"1", b"b", b"2.5", b"c"],
    )
    .await
    .unwrap();
    assert_eq!(int(&mut c, &[b"ZRANK", b"z", b"b"]).await, 1);
    assert_eq!(int(&mut c, &[b"ZREVRANK", b"z", b"b"]).await, 1);
    assert_eq!(int(&mut c, &[b"ZREVRANK", b"z", b"c"]).await, 0);
    assert_eq!(
        q::<Option<i64>>(&mut c, &[b"ZRANK", b"z", b"nope"])
            .await
            .unwrap(),
        None
    );
    // WITHSCORE as Redis 7.2 has it.
    assert_eq!(
        q::<Value>(&mut c, &[b"ZRANK", b"z", b"c", b"WITHSCORE"])
            .await
            .unwrap(),
        Value::Array(vec![Value::Int(2), Value::BulkString(b"2.5".to_vec())])
    );
    assert_eq!(
        q::<Value>(&mut c, &[b"ZREVRANK", b"z", b"a", b"withscore"])
            .await
            .unwrap(),
        Value::Array(vec![Value::Int(2), Value::BulkString(b"1".to_vec())])
    );
    assert_eq!(
        q::<Value>(&mut c, &[b"ZRANK", b"nokey", b"a", b"WITHSCORE"])
            .await
            .unwrap(),
        Value::Nil
    );
    assert_eq!(
        q_err(&mut c, &[b"ZRANK", b"z", b"a", b"FOO"]).await,
        "ERR syntax error"
    );
    assert_eq!(
        q_err(&mut c, &[b"ZRANK", b"z", b"a", b"WITHSCORE", b"x"]).await,
        "ERR wrong number of arguments for 'zrank' command"
    );
    assert_eq!(q_err(&mut c, &[b"ZRANK", b"str", b"a"]).await, WRONGTYPE);
}

#[tokio::test]
async fn removals_pops_and_emptied_keys_lose_their_ttl() {
    let server = Resplite::start();
    let mut c = server.client().await;
    string_key(&mut c).await;
    let fill = |key: &'static [u8]| -> Vec<&'static [u8]> {
        vec![b"ZADD", key, b"1", b"a", b"2", b"b", b"3", b"c", b"4", b"d"]
    };
    let _: i64 = q(&mut c, &fill(b"z")).await.unwrap();
    assert_eq!(int(&mut c, &[b"EXPIRE", b"z", b"1000"]).await, 1);
    assert_eq!(strs(&mut c, &[b"ZPOPMIN", b"z"]).await, s(&["a", "1"]));
    assert_eq!(
        strs(&mut c, &[b"ZPOPMAX", b"z", b"2"]).await,
        s(&["d", "4", "c", "3"])
    );
    assert!(strs(&mut c, &[b"ZPOPMIN", b"z", b"0"]).await.is_empty());
    assert!(int(&mut c, &[b"TTL", b"z"]).await > 0);
    assert_eq!(
        strs(&mut c, &[b"ZPOPMIN", b"z", b"10"]).await,
        s(&["b", "2"])
    );
    assert!(!exists(&mut c, b"z").await);
    // Recreated: no TTL left over.
    let _: i64 = q(&mut c, &fill(b"z")).await.unwrap();
    assert_eq!(int(&mut c, &[b"TTL", b"z"]).await, -1);
    assert_eq!(
        int(&mut c, &[b"ZREMRANGEBYRANK", b"z", b"1", b"-2"]).await,
        2
    );
    assert_eq!(
        strs(&mut c, &[b"ZRANGE", b"z", b"0", b"-1"]).await,
        s(&["a", "d"])
    );
    assert_eq!(
        int(&mut c, &[b"ZREMRANGEBYSCORE", b"z", b"(1", b"+inf"]).await,
        1
    );
    assert_eq!(int(&mut c, &[b"ZREMRANGEBYLEX", b"z", b"-", b"+"]).await, 1);
    assert!(!exists(&mut c, b"z").await);
    assert_eq!(
        int(&mut c, &[b"ZREMRANGEBYRANK", b"nokey", b"0", b"-1"]).await,
        0
    );
    assert!(strs(&mut c, &[b"ZPOPMIN", b"nokey"]).await.is_empty());
    // ZREM of the last member deletes the key.
    let _: i64 = q(&mut c, &[b"ZADD", b"z", b"1", b"a"]).await.unwrap();
    assert_eq!(int(&mut c, &[b"ZREM", b"z", b"a"]).await, 1);
    assert!(!exists(&mut c, b"z").await);
    // A deadline in the past removes the whole zset at once.
    let _: i64 = q(&mut c, &fill(b"z")).await.unwrap();
    assert_eq!(int(&mut c, &[b"PEXPIREAT", b"z", b"1"]).await, 1);
    assert_eq!(int(&mut c, &[b"ZCARD", b"z"]).await, 0);
    assert!(strs(&mut c, &[b"ZRANGE", b"z", b"0", b"-1"])
        .await
        .is_empty());
    assert!(!exists(&mut c, b"z").await);
    for (args, err) in [
        (
            &[&b"ZPOPMIN"[..], b"z", b"-1"][..],
            "ERR value is out of range, must be positive",
        ),
        (&[b"ZPOPMIN", b"z", b"1", b"2"], "ERR syntax error"),
        (&[b"ZPOPMAX", b"str"], WRONGTYPE),
        (&[b"ZREMRANGEBYRANK", b"str", b"0", b"1"], WRONGTYPE),
        (
            &[b"ZREMRANGEBYSCORE", b"z", b"a", b"1"],
            "ERR min or max is not a float",
        ),
        (
            &[b"ZREMRANGEBYLEX", b"z", b"a", b"+"],
            "ERR min or max not valid string range item",
        ),
    ] {
        assert_eq!(q_err(&mut c, args).await, err, "{args:?}");
    }
}

#[tokio::test]
async fn union_inter_diff_with_sets_weights_and_stores() {
    let server = Resplite::start();
    let mut c = server.client().await;
    string_key(&mut c).await;
    let _: i64 = q(
        &mut c,
        &[b"ZADD", b"z1", b"1", b"a", b"2", b"b", b"3", b"c"],
    )
    .await
    .unwrap();
    let _: i64 = q(
        &mut c,
        &[b"ZADD", b"z2", b"10", b"b", b"20", b"c", b"30", b"d"],
    )
    .await
    .unwrap();
    let _: i64 = q(&mut c, &[b"SADD", b"st", b"a", b"d"]).await.unwrap();
    assert_eq!(
        strs(
            &mut c,
            &[b"ZUNION", b"3", b"z1", b"z2", b"st", b"WITHSCORES"]
        )
        .await,
        s(&["a", "2", "b", "12", "c", "23", "d", "31"])
    );
    assert_eq!(
        strs(
            &mut c,
            &[
                b"ZINTER",
                b"2",
                b"z1",
                b"z2",
                b"WEIGHTS",
                b"2",
                b"0.5",
                b"AGGREGATE",
                b"MAX",
                b"WITHSCORES"
            ]
        )
        .await,
        s(&["b", "5", "c", "10"])
    );
    assert_eq!(
        strs(
            &mut c,
            &[b"ZINTER", b"2", b"z1", b"z2", b"AGGREGATE", b"MIN"]
        )
        .await,
        s(&["b", "c"])
    );
    assert_eq!(
        strs(
            &mut c,
            &[b"ZDIFF", b"3", b"z1", b"nokey", b"st", b"WITHSCORES"]
        )
        .await,
        s(&["b", "2", "c", "3"])
    );
    // inf * 0 counts as 0, as in Redis.
    let _: i64 = q(&mut c, &[b"ZADD", b"zi", b"inf", b"a"]).await.unwrap();
    assert_eq!(
        strs(
            &mut c,
            &[
                b"ZUNION",
                b"2",
                b"zi",
                b"z1",
                b"WEIGHTS",
                b"0",
                b"1",
                b"WITHSCORES"
            ]
        )
        .await,
        s(&["a", "1", "b", "2", "c", "3"])
    );
    // STORE replaces a key of any type, TTL included; an empty result deletes it.
    let _: () = q(&mut c, &[b"SET", b"dst", b"x", b"EX", b"1000"])
        .await
        .unwrap();
    assert_eq!(
        int(&mut c, &[b"ZUNIONSTORE", b"dst", b"2", b"z1", b"st"]).await,
        4
    );
    assert_eq!(
        q::<String>(&mut c, &[b"TYPE", b"dst"]).await.unwrap(),
        "zset"
    );
    assert_eq!(int(&mut c, &[b"TTL", b"dst"]).await, -1);
    assert_eq!(
        strs(&mut c, &[b"ZRANGE", b"dst", b"0", b"-1", b"WITHSCORES"]).await,
        s(&["d", "1", "a", "2", "b", "2", "c", "3"])
    );
    // The destination may be a source.
    assert_eq!(
        int(
            &mut c,
            &[
                b"ZINTERSTORE",
                b"dst",
                b"2",
                b"dst",
                b"z2",
                b"WEIGHTS",
                b"1",
                b"1"
            ]
        )
        .await,
        3
    );
    assert_eq!(
        strs(&mut c, &[b"ZRANGE", b"dst", b"0", b"-1", b"WITHSCORES"]).await,
        s(&["b", "12", "c", "23", "d", "31"])
    );
    assert_eq!(
        int(&mut c, &[b"ZDIFFSTORE", b"dst", b"2", b"z1", b"z1"]).await,
        0
    );
    assert!(!exists(&mut c, b"dst").await);
    assert_eq!(
        int(&mut c, &[b"ZINTERSTORE", b"dst", b"2", b"z1", b"nokey"]).await,
        0
    );
    assert_eq!(
        int(
            &mut c,
            &[b"ZRANGESTORE", b"dst", b"z2", b"(10", b"+inf", b"BYSCORE"]
        )
        .await,
        2
    );
    assert_eq!(
        strs(&mut c, &[b"ZRANGE", b"dst", b"0", b"-1", b"WITHSCORES"]).await,
        s(&["c", "20", "d", "30"])
    );
    assert_eq!(
        int(&mut c, &[b"ZRANGESTORE", b"dst", b"nokey", b"0", b"-1"]).await,
        0
    );
    assert!(!exists(&mut c, b"dst").await);
    for (args, err) in [
        (
            &[&b"ZUNIONSTORE"[..], b"d", b"0", b"z1"][..],
            "ERR at least 1 input key is needed for 'zunionstore' command",
        ),
        (
            &[b"ZUNION", b"0", b"z1"],
            "ERR at least 1 input key is needed for 'zunion' command",
        ),
        (&[b"ZUNION", b"3", b"z1", b"z2"], "ERR syntax error"),
        (
            &[b"ZUNION", b"1", b"z1", b"WEIGHTS", b"x"],
            "ERR weight value is not a float",
        ),
        (
            &[b"ZUNION", b"1", b"z1", b"AGGREGATE", b"AVG"],
            "ERR syntax error",
        ),
        (
            &[b"ZDIFF", b"1", b"z1", b"WEIGHTS", b"1"],
            "ERR syntax error",
        ),
        (
            &[b"ZUNIONSTORE", b"d", b"1", b"z1", b"WITHSCORES"],
            "ERR syntax error",
        ),
        (&[b"ZUNION", b"2", b"z1", b"str"], WRONGTYPE),
        // The type check comes before the options' errors.
        (&[b"ZINTER", b"1", b"str", b"FOO"], WRONGTYPE),
        (&[b"ZRANGESTORE", b"d", b"str", b"0", b"-1"], WRONGTYPE),
        (
            &[b"ZRANGESTORE", b"d", b"z1", b"0", b"-1", b"WITHSCORES"],
            "ERR syntax error",
        ),
    ] {
        assert_eq!(q_err(&mut c, args).await, err, "{args:?}");
    }
}

/// Every (member, score) a full ZSCAN iteration returns.
async fn zscan_all(
    c: &mut MultiplexedConnection,
    key: &[u8],
    count: &[u8],
) -> Vec<(String, String)> {
    let mut cursor = "0".to_string();
    let mut out = Vec::new();
    loop {
        let (next, items): (String, Vec<String>) =
            q(c, &[b"ZSCAN", key, cursor.as_bytes(), b"COUNT", count])
                .await
                .unwrap();
        for p in items.chunks(2) {
            out.push((p[0].clone(), p[1].clone()));
        }
        cursor = next;
        if cursor == "0" {
            break;
        }
    }
    out
}

#[tokio::test]
async fn large_zset_slices_scan_and_random_members() {
    let server = Resplite::start();
    let mut c = server.client().await;
    string_key(&mut c).await;
    let n = 3000;
    let mut cmd: Vec<Vec<u8>> = vec![b"ZADD".to_vec(), b"big".to_vec()];
    for i in 0..n {
        cmd.push((i % 1000).to_string().into_bytes());
        cmd.push(format!("m{i:05}").into_bytes());
    }
    let args: Vec<&[u8]> = cmd.iter().map(|a| &a[..]).collect();
    assert_eq!(int(&mut c, &args).await, n);
    assert_eq!(int(&mut c, &[b"ZCARD", b"big"]).await, n);
    // Ties on score order by member.
    assert_eq!(
        strs(&mut c, &[b"ZRANGE", b"big", b"0", b"3", b"WITHSCORES"]).await,
        s(&["m00000", "0", "m01000", "0", "m02000", "0", "m00001", "1"])
    );
    assert_eq!(
        strs(&mut c, &[b"ZRANGE", b"big", b"-2", b"-1"]).await,
        s(&["m01999", "m02999"])
    );
    assert_eq!(int(&mut c, &[b"ZRANK", b"big", b"m00001"]).await, 3);
    assert_eq!(int(&mut c, &[b"ZREVRANK", b"big", b"m02999"]).await, 0);
    assert_eq!(int(&mut c, &[b"ZCOUNT", b"big", b"10", b"(20"]).await, 30);
    // ZSCAN returns every member exactly once, with its score.
    let scanned = zscan_all(&mut c, b"big", b"97").await;
    assert_eq!(scanned.len(), n as usize);
    let map: BTreeMap<String, String> = scanned.into_iter().collect();
    assert_eq!(map.len(), n as usize);
    assert_eq!(map["m01234"], "234");
    let (_, matched): (String, Vec<String>) = q(
        &mut c,
        &[
            b"ZSCAN", b"big", b"0", b"MATCH", b"m0000*", b"COUNT", b"5000",
        ],
    )
    .await
    .unwrap();
    assert_eq!(matched.len(), 20);
    assert_eq!(
        q_err(&mut c, &[b"ZSCAN", b"big", b"0", b"COUNT", b"0"]).await,
        "ERR syntax error"
    );
    assert_eq!(
        q_err(&mut c, &[b"ZSCAN", b"big", b"x"]).await,
        "ERR invalid cursor"
    );
    assert_eq!(q_err(&mut c, &[b"ZSCAN", b"str", b"0"]).await, WRONGTYPE);
    let (cur, empty): (String, Vec<String>) = q(&mut c, &[b"ZSCAN", b"nokey", b"0"]).await.unwrap();
    assert_eq!((cur.as_str(), empty.len()), ("0", 0));
    // ZRANDMEMBER: distinct for positive counts, repeats allowed for negative.
    for count in [&b"5"[..], b"1500", b"2999"] {
        let got = strs(&mut c, &[b"ZRANDMEMBER", b"big", count]).await;
        let distinct: std::collections::BTreeSet<_> = got.iter().collect();
        assert_eq!(distinct.len(), got.len());
        assert_eq!(got.len().to_string().as_bytes(), count);
        assert!(got.iter().all(|m| map.contains_key(m)));
    }
    assert_eq!(
        strs(&mut c, &[b"ZRANDMEMBER", b"big", b"5000"]).await.len(),
        n as usize
    );
    let with = strs(&mut c, &[b"ZRANDMEMBER", b"big", b"-7", b"WITHSCORES"]).await;
    assert_eq!(with.len(), 14);
    for p in with.chunks(2) {
        assert_eq!(map[&p[0]], p[1]);
    }
    assert!(bulk(&mut c, &[b"ZRANDMEMBER", b"big"]).await.is_some());
    assert_eq!(bulk(&mut c, &[b"ZRANDMEMBER", b"nokey"]).await, None);
    assert!(strs(&mut c, &[b"ZRANDMEMBER", b"nokey", b"3"])
        .await
        .is_empty());
    assert!(strs(&mut c, &[b"ZRANDMEMBER", b"big", b"0"])
        .await
        .is_empty());
    assert_eq!(
        q_err(&mut c, &[b"ZRANDMEMBER", b"str", b"1"]).await,
        WRONGTYPE
    );
    assert_eq!(
        q_err(&mut c, &[b"ZRANDMEMBER", b"big", b"1", b"FOO"]).await,
        "ERR syntax error"
    );
    // Removing a middle slice by rank, then the rest by score.
    assert_eq!(
        int(&mut c, &[b"ZREMRANGEBYRANK", b"big", b"100", b"-101"]).await,
        n - 200
    );
    assert_eq!(int(&mut c, &[b"ZCARD", b"big"]).await, 200);
    assert_eq!(
        int(&mut c, &[b"ZREMRANGEBYSCORE", b"big", b"-inf", b"+inf"]).await,
        200
    );
    assert!(!exists(&mut c, b"big").await);
}

#[tokio::test]
async fn binary_members_survive_restart() {
    let mut server = Resplite::start();
    {
        let mut c = server.client().await;
        let _: i64 = q(
            &mut c,
            &[
                b"ZADD",
                BIN_KEY,
                b"1.5",
                b"\x00\xff\r\n",
                b"-2",
                b"",
                b"0.1",
                b"x",
            ],
        )
        .await
        .unwrap();
        assert_eq!(int(&mut c, &[b"EXPIRE", BIN_KEY, b"100000"]).await, 1);
        let _: i64 = q(&mut c, &[b"ZADD", b"plain", b"3", b"m"]).await.unwrap();
    }
    server.restart();
    let mut c = server.client().await;
    assert_eq!(
        q::<Vec<Vec<u8>>>(&mut c, &[b"ZRANGE", BIN_KEY, b"0", b"-1", b"WITHSCORES"])
            .await
            .unwrap(),
        vec![
            b"".to_vec(),
            b"-2".to_vec(),
            b"x".to_vec(),
            b"0.10000000000000001".to_vec(),
            b"\x00\xff\r\n".to_vec(),
            b"1.5".to_vec()
        ]
    );
    assert_eq!(int(&mut c, &[b"ZCARD", BIN_KEY]).await, 3);
    assert!(int(&mut c, &[b"TTL", BIN_KEY]).await > 0);
    assert_eq!(
        bulk(&mut c, &[b"ZSCORE", b"plain", b"m"]).await.as_deref(),
        Some("3")
    );
    assert_eq!(int(&mut c, &[b"ZRANK", BIN_KEY, b"\x00\xff\r\n"]).await, 2);
}
