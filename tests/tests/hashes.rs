//! Hash commands against the real binary with the `redis` crate: normal case,
//! missing key, wrong type, TTL interaction, binary safety, restart survival.

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use redis::aio::MultiplexedConnection;
use redis::Value;
use resplite_tests::{q, q_err, Resplite, WRONGTYPE};

const BIN_KEY: &[u8] = b"bin\x00\xff\r\nkey";
const BIN_F: &[u8] = b"\x00\x01\xfe\xff\r\n f";
const BIN_V: &[u8] = b"\xff\x00 value\r\n";

async fn int(c: &mut MultiplexedConnection, args: &[&[u8]]) -> i64 {
    q(c, args).await.unwrap()
}

async fn value(c: &mut MultiplexedConnection, args: &[&[u8]]) -> Value {
    q(c, args).await.unwrap()
}

async fn all(c: &mut MultiplexedConnection, key: &[u8]) -> BTreeMap<Vec<u8>, Vec<u8>> {
    q(c, &[b"HGETALL", key]).await.unwrap()
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<Vec<u8>, Vec<u8>> {
    pairs
        .iter()
        .map(|(f, v)| (f.as_bytes().to_vec(), v.as_bytes().to_vec()))
        .collect()
}

async fn exists(c: &mut MultiplexedConnection, key: &[u8]) -> bool {
    int(c, &[b"EXISTS", key]).await == 1
}

/// A string key for WRONGTYPE checks.
async fn string_key(c: &mut MultiplexedConnection) {
    let _: () = q(c, &[b"SET", b"str", b"v"]).await.unwrap();
}

#[tokio::test]
async fn hset_hget_hmget_hgetall() {
    let server = Resplite::start();
    let mut c = server.client().await;
    string_key(&mut c).await;
    assert_eq!(
        int(&mut c, &[b"HSET", b"h", b"a", b"1", b"b", b"2"]).await,
        2
    );
    // Existing fields are updated, not counted; duplicates count once.
    assert_eq!(
        int(&mut c, &[b"HSET", b"h", b"a", b"x", b"c", b"3", b"c", b"4"]).await,
        1
    );
    assert_eq!(
        all(&mut c, b"h").await,
        map(&[("a", "x"), ("b", "2"), ("c", "4")])
    );
    assert_eq!(q::<String>(&mut c, &[b"TYPE", b"h"]).await.unwrap(), "hash");
    assert_eq!(
        q::<Option<String>>(&mut c, &[b"HGET", b"h", b"a"])
            .await
            .unwrap(),
        Some("x".into())
    );
    assert_eq!(value(&mut c, &[b"HGET", b"h", b"zz"]).await, Value::Nil);
    assert_eq!(value(&mut c, &[b"HGET", b"nope", b"a"]).await, Value::Nil);
    assert_eq!(
        q::<Vec<Option<String>>>(&mut c, &[b"HMGET", b"h", b"a", b"zz", b"b"])
            .await
            .unwrap(),
        [Some("x".into()), None, Some("2".into())]
    );
    assert_eq!(
        q::<Vec<Option<String>>>(&mut c, &[b"HMGET", b"nope", b"a", b"b"])
            .await
            .unwrap(),
        [None, None]
    );
    assert!(all(&mut c, b"nope").await.is_empty());
    assert_eq!(
        q::<String>(&mut c, &[b"HMSET", b"h", b"d", b"5"])
            .await
            .unwrap(),
        "OK"
    );
    assert_eq!(int(&mut c, &[b"HLEN", b"h"]).await, 4);
    assert_eq!(int(&mut c, &[b"HLEN", b"nope"]).await, 0);
    for args in [
        &[&b"HSET"[..], b"str", b"a", b"1"][..],
        &[b"HMSET", b"str", b"a", b"1"],
        &[b"HGET", b"str", b"a"],
        &[b"HMGET", b"str", b"a"],
        &[b"HGETALL", b"str"],
        &[b"HLEN", b"str"],
    ] {
        assert_eq!(q_err(&mut c, args).await, WRONGTYPE, "{args:?}");
    }
    for args in [
        &[&b"HSET"[..], b"h", b"a"][..],
        &[b"HSET", b"h", b"a", b"1", b"b"],
        &[b"HMSET", b"h", b"a", b"1", b"b"],
    ] {
        let name = String::from_utf8_lossy(args[0]).to_lowercase();
        assert_eq!(
            q_err(&mut c, args).await,
            format!("ERR wrong number of arguments for '{name}' command")
        );
    }
    // A failed write leaves the string alone.
    assert_eq!(q::<String>(&mut c, &[b"GET", b"str"]).await.unwrap(), "v");
}

#[tokio::test]
async fn hsetnx_hdel_hexists_hstrlen_hkeys_hvals() {
    let server = Resplite::start();
    let mut c = server.client().await;
    string_key(&mut c).await;
    assert_eq!(int(&mut c, &[b"HSETNX", b"h", b"a", b"1"]).await, 1);
    assert_eq!(int(&mut c, &[b"HSETNX", b"h", b"a", b"2"]).await, 0);
    assert_eq!(int(&mut c, &[b"HSETNX", b"h", b"b", b"hello"]).await, 1);
    assert_eq!(all(&mut c, b"h").await, map(&[("a", "1"), ("b", "hello")]));
    assert_eq!(int(&mut c, &[b"HEXISTS", b"h", b"a"]).await, 1);
    assert_eq!(int(&mut c, &[b"HEXISTS", b"h", b"z"]).await, 0);
    assert_eq!(int(&mut c, &[b"HEXISTS", b"nope", b"a"]).await, 0);
    assert_eq!(int(&mut c, &[b"HSTRLEN", b"h", b"b"]).await, 5);
    assert_eq!(int(&mut c, &[b"HSTRLEN", b"h", b"z"]).await, 0);
    assert_eq!(int(&mut c, &[b"HSTRLEN", b"nope", b"z"]).await, 0);
    let mut keys: Vec<String> = q(&mut c, &[b"HKEYS", b"h"]).await.unwrap();
    keys.sort();
    assert_eq!(keys, ["a", "b"]);
    let mut vals: Vec<String> = q(&mut c, &[b"HVALS", b"h"]).await.unwrap();
    vals.sort();
    assert_eq!(vals, ["1", "hello"]);
    assert!(q::<Vec<String>>(&mut c, &[b"HKEYS", b"nope"])
        .await
        .unwrap()
        .is_empty());
    assert!(q::<Vec<String>>(&mut c, &[b"HVALS", b"nope"])
        .await
        .unwrap()
        .is_empty());
    assert_eq!(int(&mut c, &[b"HDEL", b"h", b"a", b"z", b"a"]).await, 1);
    assert_eq!(int(&mut c, &[b"HDEL", b"nope", b"a"]).await, 0);
    assert_eq!(int(&mut c, &[b"HLEN", b"h"]).await, 1);
    // The last field gone, the key is gone.
    assert_eq!(int(&mut c, &[b"HDEL", b"h", b"b"]).await, 1);
    assert!(!exists(&mut c, b"h").await);
    for args in [
        &[&b"HSETNX"[..], b"str", b"a", b"1"][..],
        &[b"HDEL", b"str", b"a"],
        &[b"HEXISTS", b"str", b"a"],
        &[b"HSTRLEN", b"str", b"a"],
        &[b"HKEYS", b"str"],
        &[b"HVALS", b"str"],
    ] {
        assert_eq!(q_err(&mut c, args).await, WRONGTYPE, "{args:?}");
    }
}

#[tokio::test]
async fn hincrby_and_hincrbyfloat() {
    let server = Resplite::start();
    let mut c = server.client().await;
    string_key(&mut c).await;
    assert_eq!(int(&mut c, &[b"HINCRBY", b"h", b"n", b"5"]).await, 5);
    assert_eq!(int(&mut c, &[b"HINCRBY", b"h", b"n", b"-7"]).await, -2);
    let _: i64 = q(
        &mut c,
        &[b"HSET", b"h", b"s", b"abc", b"big", b"9223372036854775807"],
    )
    .await
    .unwrap();
    assert_eq!(
        q_err(&mut c, &[b"HINCRBY", b"h", b"s", b"1"]).await,
        "ERR hash value is not an integer"
    );
    assert_eq!(
        q_err(&mut c, &[b"HINCRBY", b"h", b"n", b"x"]).await,
        "ERR value is not an integer or out of range"
    );
    assert_eq!(
        q_err(&mut c, &[b"HINCRBY", b"h", b"big", b"1"]).await,
        "ERR increment or decrement would overflow"
    );
    assert_eq!(
        q_err(&mut c, &[b"HINCRBY", b"str", b"n", b"1"]).await,
        WRONGTYPE
    );
    // Long double arithmetic and formatting, as INCRBYFLOAT.
    let f = |c: &mut MultiplexedConnection, field: &'static [u8], by: &'static [u8]| {
        let mut c = c.clone();
        async move {
            q::<String>(&mut c, &[b"HINCRBYFLOAT", b"h", field, by])
                .await
                .unwrap()
        }
    };
    assert_eq!(f(&mut c, b"f", b"10.5").await, "10.5");
    assert_eq!(f(&mut c, b"f", b"0.1").await, "10.6");
    // Redis' exact long double reply, not the f64 one.
    assert_eq!(f(&mut c, b"f", b"-5.0e3").await, "-4989.39999999999999991");
    assert_eq!(f(&mut c, b"n", b"1.5").await, "-0.5");
    assert_eq!(f(&mut c, b"big", b"0.1").await, "9223372036854775807");
    assert_eq!(
        q::<String>(&mut c, &[b"HGET", b"h", b"f"]).await.unwrap(),
        "-4989.39999999999999991"
    );
    assert_eq!(
        q_err(&mut c, &[b"HINCRBYFLOAT", b"h", b"s", b"1"]).await,
        "ERR hash value is not a float"
    );
    assert_eq!(
        q_err(&mut c, &[b"HINCRBYFLOAT", b"h", b"f", b"abc"]).await,
        "ERR value is not a valid float"
    );
    assert_eq!(
        q_err(&mut c, &[b"HINCRBYFLOAT", b"h", b"f", b"inf"]).await,
        "ERR value is NaN or Infinity"
    );
    let _: i64 = q(&mut c, &[b"HSET", b"h", b"i", b"inf"]).await.unwrap();
    assert_eq!(
        q_err(&mut c, &[b"HINCRBYFLOAT", b"h", b"i", b"1"]).await,
        "ERR increment would produce NaN or Infinity"
    );
    assert_eq!(
        q_err(&mut c, &[b"HINCRBYFLOAT", b"str", b"f", b"1"]).await,
        WRONGTYPE
    );
    // Increments keep the hash's TTL.
    assert_eq!(int(&mut c, &[b"EXPIRE", b"h", b"100"]).await, 1);
    let _: i64 = q(&mut c, &[b"HINCRBY", b"h", b"m", b"1"]).await.unwrap();
    let _: String = q(&mut c, &[b"HINCRBYFLOAT", b"h", b"m", b"1"])
        .await
        .unwrap();
    assert!(int(&mut c, &[b"TTL", b"h"]).await > 90);
}

#[tokio::test]
async fn hrandfield_shapes() {
    let server = Resplite::start();
    let mut c = server.client().await;
    string_key(&mut c).await;
    let fields: Vec<String> = (0..200).map(|i| format!("f{i}")).collect();
    let mut args: Vec<&[u8]> = vec![b"HSET", b"h"];
    for f in &fields {
        args.push(f.as_bytes());
        args.push(f.as_bytes());
    }
    assert_eq!(int(&mut c, &args).await, 200);
    let known: HashSet<String> = fields.iter().cloned().collect();
    let one: String = q(&mut c, &[b"HRANDFIELD", b"h"]).await.unwrap();
    assert!(known.contains(&one));
    assert_eq!(value(&mut c, &[b"HRANDFIELD", b"nope"]).await, Value::Nil);
    // Positive count: distinct fields, at most the hash's size.
    for count in [1usize, 5, 50, 100, 199, 200, 500] {
        let got: Vec<String> = q(&mut c, &[b"HRANDFIELD", b"h", count.to_string().as_bytes()])
            .await
            .unwrap();
        assert_eq!(got.len(), count.min(200), "count {count}");
        let distinct: HashSet<&String> = got.iter().collect();
        assert_eq!(distinct.len(), got.len());
        assert!(got.iter().all(|f| known.contains(f)));
    }
    // Negative count: exactly |count| picks, repeats allowed.
    let got: Vec<String> = q(&mut c, &[b"HRANDFIELD", b"h", b"-300"]).await.unwrap();
    assert_eq!(got.len(), 300);
    assert!(got.iter().all(|f| known.contains(f)));
    // Random enough: many picks of one from 200 hit many fields.
    let spread: HashSet<String> = q::<Vec<String>>(&mut c, &[b"HRANDFIELD", b"h", b"-2000"])
        .await
        .unwrap()
        .into_iter()
        .collect();
    assert!(spread.len() > 150, "{}", spread.len());
    // WITHVALUES: flat field, value pairs (RESP2).
    let got: Vec<String> = q(&mut c, &[b"HRANDFIELD", b"h", b"-7", b"WITHVALUES"])
        .await
        .unwrap();
    assert_eq!(got.len(), 14);
    for pair in got.chunks(2) {
        assert_eq!(pair[0], pair[1]);
    }
    let got: Vec<String> = q(&mut c, &[b"HRANDFIELD", b"h", b"3", b"withvalues"])
        .await
        .unwrap();
    assert_eq!(got.len(), 6);
    assert_eq!(
        value(&mut c, &[b"HRANDFIELD", b"h", b"0"]).await,
        Value::Array(vec![])
    );
    assert_eq!(
        value(&mut c, &[b"HRANDFIELD", b"nope", b"-3", b"WITHVALUES"]).await,
        Value::Array(vec![])
    );
    assert_eq!(q_err(&mut c, &[b"HRANDFIELD", b"str"]).await, WRONGTYPE);
    assert_eq!(
        q_err(&mut c, &[b"HRANDFIELD", b"str", b"1"]).await,
        WRONGTYPE
    );
    assert_eq!(
        q_err(&mut c, &[b"HRANDFIELD", b"h", b"1", b"FOO"]).await,
        "ERR syntax error"
    );
    assert_eq!(
        q_err(&mut c, &[b"HRANDFIELD", b"h", b"x"]).await,
        "ERR value is not an integer or out of range"
    );
    assert_eq!(
        q_err(&mut c, &[b"HRANDFIELD", b"h", b"-9223372036854775808"]).await,
        "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
    );
    assert_eq!(
        q_err(
            &mut c,
            &[b"HRANDFIELD", b"h", b"-4611686018427387904", b"WITHVALUES"]
        )
        .await,
        "ERR value is out of range"
    );
    // A small hash: every field when count covers it.
    let _: i64 = q(&mut c, &[b"HSET", b"s", b"a", b"1", b"b", b"2"])
        .await
        .unwrap();
    let got: BTreeMap<String, String> = q(&mut c, &[b"HRANDFIELD", b"s", b"10", b"WITHVALUES"])
        .await
        .unwrap();
    assert_eq!(got.len(), 2);
    assert_eq!(got["a"], "1");
}

/// Every (field, value) a full HSCAN iteration returns, and how many calls it took.
async fn hscan_all(
    c: &mut MultiplexedConnection,
    key: &[u8],
    extra: &[&[u8]],
) -> (Vec<(Vec<u8>, Vec<u8>)>, usize) {
    let mut cursor = "0".to_string();
    let mut out = Vec::new();
    let mut calls = 0;
    loop {
        let mut args: Vec<&[u8]> = vec![b"HSCAN", key, cursor.as_bytes()];
        args.extend_from_slice(extra);
        let (next, items): (String, Vec<Vec<u8>>) = q(c, &args).await.unwrap();
        calls += 1;
        assert!(items.len().is_multiple_of(2));
        for pair in items.chunks(2) {
            out.push((pair[0].clone(), pair[1].clone()));
        }
        cursor = next;
        if cursor == "0" {
            return (out, calls);
        }
        assert!(calls < 10_000, "HSCAN never finished");
    }
}

#[tokio::test]
async fn hscan_iterates_everything_once() {
    let server = Resplite::start();
    let mut c = server.client().await;
    string_key(&mut c).await;
    let mut args: Vec<Vec<u8>> = vec![b"HSET".to_vec(), b"h".to_vec()];
    // Past 128 fields: smaller hashes are scanned whole, as Redis' listpacks.
    for i in 0..300 {
        args.push(format!("f{i}").into_bytes());
        args.push(format!("v{i}").into_bytes());
    }
    let refs: Vec<&[u8]> = args.iter().map(Vec::as_slice).collect();
    assert_eq!(int(&mut c, &refs).await, 300);
    let (mut got, calls) = hscan_all(&mut c, b"h", &[b"COUNT", b"7"]).await;
    assert!(calls >= 300 / 7, "COUNT bounds each step: {calls}");
    got.sort();
    let mut want: Vec<(Vec<u8>, Vec<u8>)> = (0..300)
        .map(|i| (format!("f{i}").into_bytes(), format!("v{i}").into_bytes()))
        .collect();
    want.sort();
    assert_eq!(got, want);
    // MATCH filters after reading: f1, f10..f19, f100..f199.
    let (got, _) = hscan_all(&mut c, b"h", &[b"MATCH", b"f1*", b"COUNT", b"9"]).await;
    assert_eq!(got.len(), 111);
    // Fields present throughout are returned even as others come and go.
    let mut cursor = "0".to_string();
    let mut seen = HashSet::new();
    let mut step = 0;
    loop {
        let (next, items): (String, Vec<String>) = q(
            &mut c,
            &[b"HSCAN", b"h", cursor.as_bytes(), b"COUNT", b"10"],
        )
        .await
        .unwrap();
        for pair in items.chunks(2) {
            seen.insert(pair[0].clone());
        }
        step += 1;
        let f = format!("new{step}");
        let _: i64 = q(&mut c, &[b"HSET", b"h", f.as_bytes(), b"x"])
            .await
            .unwrap();
        let _: i64 = q(&mut c, &[b"HSET", b"h", b"f50", b"updated"])
            .await
            .unwrap();
        cursor = next;
        if cursor == "0" {
            break;
        }
    }
    assert!((0..300).all(|i| seen.contains(&format!("f{i}"))));
    // Missing key, wrong type, bad arguments.
    assert_eq!(
        value(&mut c, &[b"HSCAN", b"nope", b"0"]).await,
        Value::Array(vec![Value::BulkString(b"0".to_vec()), Value::Array(vec![])])
    );
    assert_eq!(q_err(&mut c, &[b"HSCAN", b"str", b"0"]).await, WRONGTYPE);
    assert_eq!(
        q_err(&mut c, &[b"HSCAN", b"h", b"abc"]).await,
        "ERR invalid cursor"
    );
    assert_eq!(
        q_err(&mut c, &[b"HSCAN", b"h", b"0", b"COUNT", b"0"]).await,
        "ERR syntax error"
    );
    assert_eq!(
        q_err(&mut c, &[b"HSCAN", b"h", b"0", b"FOO", b"1"]).await,
        "ERR syntax error"
    );
    assert_eq!(
        q_err(&mut c, &[b"HSCAN", b"h", b"0", b"COUNT", b"x"]).await,
        "ERR value is not an integer or out of range"
    );
    // As Redis: options are only read once the key is found.
    assert_eq!(
        value(&mut c, &[b"HSCAN", b"nope", b"0", b"COUNT", b"0"]).await,
        Value::Array(vec![Value::BulkString(b"0".to_vec()), Value::Array(vec![])])
    );
}

#[tokio::test]
async fn hashes_expire_and_empty_hashes_lose_their_ttl() {
    let server = Resplite::start();
    let mut c = server.client().await;
    assert_eq!(
        int(&mut c, &[b"HSET", b"e", b"a", b"1", b"b", b"2"]).await,
        2
    );
    assert_eq!(int(&mut c, &[b"PEXPIRE", b"e", b"30"]).await, 1);
    let deadline = Instant::now() + Duration::from_secs(10);
    while int(&mut c, &[b"HLEN", b"e"]).await != 0 {
        assert!(Instant::now() < deadline, "hash never expired");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(value(&mut c, &[b"HGET", b"e", b"a"]).await, Value::Nil);
    assert!(all(&mut c, b"e").await.is_empty());
    assert!(!exists(&mut c, b"e").await);
    // Recreated, it starts empty with no deadline.
    assert_eq!(int(&mut c, &[b"HSET", b"e", b"c", b"3"]).await, 1);
    assert_eq!(all(&mut c, b"e").await, map(&[("c", "3")]));
    assert_eq!(int(&mut c, &[b"TTL", b"e"]).await, -1);
    // Emptied by HDEL: the key and its TTL go.
    assert_eq!(int(&mut c, &[b"EXPIRE", b"e", b"1000"]).await, 1);
    assert_eq!(int(&mut c, &[b"HSET", b"e", b"d", b"4"]).await, 1);
    assert!(
        int(&mut c, &[b"TTL", b"e"]).await > 990,
        "HSET keeps the TTL"
    );
    assert_eq!(int(&mut c, &[b"HDEL", b"e", b"c", b"d"]).await, 2);
    assert_eq!(int(&mut c, &[b"TTL", b"e"]).await, -2);
    assert_eq!(int(&mut c, &[b"HSET", b"e", b"x", b"y"]).await, 1);
    assert_eq!(int(&mut c, &[b"TTL", b"e"]).await, -1);
    // SET replaces a hash; the fields do not come back.
    let _: () = q(&mut c, &[b"SET", b"e", b"s"]).await.unwrap();
    assert_eq!(int(&mut c, &[b"HSET", b"e2", b"x", b"y"]).await, 1);
    let _: () = q(&mut c, &[b"DEL", b"e"]).await.unwrap();
    assert_eq!(int(&mut c, &[b"HSET", b"e", b"z", b"1"]).await, 1);
    assert_eq!(all(&mut c, b"e").await, map(&[("z", "1")]));
}

#[tokio::test]
async fn binary_hashes_survive_a_restart() {
    let mut server = Resplite::start();
    let mut c = server.client().await;
    assert_eq!(
        int(&mut c, &[b"HSET", BIN_KEY, BIN_F, BIN_V, b"", b""]).await,
        2
    );
    assert_eq!(int(&mut c, &[b"HSET", b"t", b"f", b"v"]).await, 1);
    assert_eq!(int(&mut c, &[b"EXPIRE", b"t", b"1000"]).await, 1);
    let _: i64 = q(&mut c, &[b"HINCRBY", b"t", b"n", b"41"]).await.unwrap();
    assert_eq!(
        q::<Vec<u8>>(&mut c, &[b"HGET", BIN_KEY, BIN_F])
            .await
            .unwrap(),
        BIN_V
    );
    assert_eq!(
        int(&mut c, &[b"HSTRLEN", BIN_KEY, BIN_F]).await,
        BIN_V.len() as i64
    );
    server.restart();
    let mut c = server.client().await;
    let mut want = BTreeMap::new();
    want.insert(BIN_F.to_vec(), BIN_V.to_vec());
    want.insert(Vec::new(), Vec::new());
    assert_eq!(all(&mut c, BIN_KEY).await, want);
    assert_eq!(int(&mut c, &[b"HLEN", BIN_KEY]).await, 2);
    assert_eq!(int(&mut c, &[b"HLEN", b"t"]).await, 2);
    assert_eq!(int(&mut c, &[b"HINCRBY", b"t", b"n", b"1"]).await, 42);
    assert!(int(&mut c, &[b"TTL", b"t"]).await > 900);
    let (got, _) = hscan_all(&mut c, BIN_KEY, &[]).await;
    assert_eq!(got.len(), 2);
    let mut filtered = hscan_all(&mut c, BIN_KEY, &[b"MATCH", b"\x00*"]).await.0;
    filtered.sort();
    assert_eq!(filtered, [(BIN_F.to_vec(), BIN_V.to_vec())]);
}

#[tokio::test]
async fn hlen_is_kept_right_by_every_write() {
    let server = Resplite::start();
    let mut c = server.client().await;
    // Pipelined writes share one transaction: pending counts must add up.
    let mut pipe = redis::pipe();
    for i in 0..50 {
        pipe.cmd("HSET").arg("h").arg(format!("f{}", i % 20)).arg(i);
        if i % 3 == 0 {
            pipe.cmd("HDEL").arg("h").arg(format!("f{}", (i + 1) % 20));
        }
        pipe.cmd("HLEN").arg("h");
    }
    let _: Vec<Value> = pipe.query_async(&mut c).await.unwrap();
    let fields = all(&mut c, b"h").await.len() as i64;
    assert_eq!(int(&mut c, &[b"HLEN", b"h"]).await, fields);
    let _: i64 = q(&mut c, &[b"HSETNX", b"h", b"zz", b"1"]).await.unwrap();
    let _: i64 = q(&mut c, &[b"HINCRBY", b"h", b"yy", b"1"]).await.unwrap();
    let _: String = q(&mut c, &[b"HINCRBYFLOAT", b"h", b"xx", b"1"])
        .await
        .unwrap();
    assert_eq!(int(&mut c, &[b"HLEN", b"h"]).await, fields + 3);
    // RENAME carries the hash and its count.
    let _: () = q(&mut c, &[b"RENAME", b"h", b"h2"]).await.unwrap();
    assert_eq!(int(&mut c, &[b"HLEN", b"h2"]).await, fields + 3);
    assert_eq!(int(&mut c, &[b"HLEN", b"h"]).await, 0);
}

/// A small hash reads back in insertion order, as a Redis listpack does
/// (a deleted field that comes back goes last), also after a restart and a
/// COPY; HSCAN returns it whole with cursor 0. Checked against redis-server.
#[tokio::test]
async fn a_small_hash_keeps_insertion_order_as_redis_does() {
    let redis = resplite_tests::RedisServer::start().await;
    let mut oracle = resplite_tests::connect(&redis.url()).await;
    let mut server = Resplite::start();
    let writes: [&[&[u8]]; 5] = [
        &[b"HSET", b"h", b"z", b"1", b"a", b"2", b"m", b"3"],
        &[b"HSET", b"h", BIN_F, BIN_V, b"b", b"4"],
        &[b"HDEL", b"h", b"a"],
        &[b"HSET", b"h", b"a", b"5", b"z", b"6"],
        &[b"COPY", b"h", b"h2"],
    ];
    let reads: [&[&[u8]]; 5] = [
        &[b"HGETALL", b"h"],
        &[b"HKEYS", b"h"],
        &[b"HVALS", b"h"],
        &[b"HSCAN", b"h", b"0", b"COUNT", b"1"],
        &[b"HGETALL", b"h2"],
    ];
    let mut c = server.client().await;
    for w in writes {
        let expected = value(&mut oracle, w).await;
        assert_eq!(value(&mut c, w).await, expected);
    }
    let mut expected = Vec::new();
    for r in reads {
        expected.push(value(&mut oracle, r).await);
    }
    for round in 0..2 {
        let mut got = Vec::new();
        for r in reads {
            got.push(value(&mut c, r).await);
        }
        assert_eq!(got, expected, "round {round}");
        server.restart();
        c = server.client().await;
    }
}

/// A big hash and a big set are scanned by element hash: a whole HSCAN or
/// SSCAN returns every element present throughout it, while others come and
/// go between its steps.
#[tokio::test]
async fn big_hash_and_set_scans_return_every_element_present_throughout() {
    let server = Resplite::start();
    let mut c = server.client().await;
    let mut pipe = redis::pipe();
    for i in 0..2000 {
        pipe.cmd("HSET")
            .arg("h")
            .arg(format!("f{i}"))
            .arg(i)
            .ignore();
        pipe.cmd("SADD").arg("s").arg(format!("m{i}")).ignore();
    }
    let _: () = pipe.query_async(&mut c).await.unwrap();
    for (cmd, key, prefix) in [(&b"HSCAN"[..], &b"h"[..], "f"), (b"SSCAN", b"s", "m")] {
        let (mut cursor, mut seen, mut steps) = (0u64, HashSet::new(), 0);
        loop {
            let (next, page): (u64, Vec<Vec<u8>>) = q(
                &mut c,
                &[cmd, key, cursor.to_string().as_bytes(), b"COUNT", b"25"],
            )
            .await
            .unwrap();
            let step = if cmd == b"HSCAN" { 2 } else { 1 };
            seen.extend(page.into_iter().step_by(step));
            steps += 1;
            // Churn: elements 2000.. come and go; 0..2000 stay throughout.
            let extra = format!("{prefix}{}", 2000 + steps);
            let gone = format!("{prefix}{}", 2000 + steps - 1);
            if cmd == b"HSCAN" {
                let _: i64 = q(&mut c, &[b"HSET", key, extra.as_bytes(), b"x"])
                    .await
                    .unwrap();
                let _: i64 = q(&mut c, &[b"HDEL", key, gone.as_bytes()]).await.unwrap();
            } else {
                let _: i64 = q(&mut c, &[b"SADD", key, extra.as_bytes()]).await.unwrap();
                let _: i64 = q(&mut c, &[b"SREM", key, gone.as_bytes()]).await.unwrap();
            }
            if next == 0 {
                break;
            }
            cursor = next;
        }
        for i in 0..2000 {
            assert!(
                seen.contains(format!("{prefix}{i}").as_bytes()),
                "{prefix}{i} missed"
            );
        }
        // COUNT is honoured: many steps, not one reply.
        assert!(steps > 40, "{steps} steps");
    }
}
