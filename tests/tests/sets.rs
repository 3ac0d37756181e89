//! Set commands against the real binary with the `redis` crate: normal case,
//! missing key, wrong type, TTL interaction, binary safety, restart survival.

use std::collections::{BTreeSet, HashSet};
use std::time::{Duration, Instant};

use redis::aio::MultiplexedConnection;
use redis::Value;
use resplite_tests::{q, q_err, Resplite, WRONGTYPE};

const BIN_KEY: &[u8] = b"bin\x00\xff\r\nkey";
const BIN_A: &[u8] = b"\x00\x01\xfe\xff\r\n a";
const BIN_B: &[u8] = b"\xff\x00";

async fn int(c: &mut MultiplexedConnection, args: &[&[u8]]) -> i64 {
    q(c, args).await.unwrap()
}

async fn value(c: &mut MultiplexedConnection, args: &[&[u8]]) -> Value {
    q(c, args).await.unwrap()
}

/// A multi-member reply as a sorted set of strings.
async fn set(c: &mut MultiplexedConnection, args: &[&[u8]]) -> BTreeSet<String> {
    let items: Vec<String> = q(c, args).await.unwrap();
    let out: BTreeSet<String> = items.iter().cloned().collect();
    assert_eq!(out.len(), items.len(), "duplicates in {items:?}");
    out
}

async fn members(c: &mut MultiplexedConnection, key: &[u8]) -> BTreeSet<String> {
    set(c, &[b"SMEMBERS", key]).await
}

fn strs(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

async fn exists(c: &mut MultiplexedConnection, key: &[u8]) -> bool {
    int(c, &[b"EXISTS", key]).await == 1
}

async fn string_key(c: &mut MultiplexedConnection) {
    let _: () = q(c, &[b"SET", b"str", b"v"]).await.unwrap();
}

#[tokio::test]
async fn sadd_srem_membership_and_card() {
    let server = Resplite::start();
    let mut c = server.client().await;
    string_key(&mut c).await;
    assert_eq!(int(&mut c, &[b"SADD", b"s", b"a", b"b", b"a"]).await, 2);
    assert_eq!(int(&mut c, &[b"SADD", b"s", b"b", b"c"]).await, 1);
    assert_eq!(members(&mut c, b"s").await, strs(&["a", "b", "c"]));
    assert_eq!(q::<String>(&mut c, &[b"TYPE", b"s"]).await.unwrap(), "set");
    assert_eq!(int(&mut c, &[b"SCARD", b"s"]).await, 3);
    assert_eq!(int(&mut c, &[b"SCARD", b"nope"]).await, 0);
    assert!(members(&mut c, b"nope").await.is_empty());
    assert_eq!(int(&mut c, &[b"SISMEMBER", b"s", b"a"]).await, 1);
    assert_eq!(int(&mut c, &[b"SISMEMBER", b"s", b"z"]).await, 0);
    assert_eq!(int(&mut c, &[b"SISMEMBER", b"nope", b"a"]).await, 0);
    assert_eq!(
        q::<Vec<i64>>(&mut c, &[b"SMISMEMBER", b"s", b"a", b"z", b"c"])
            .await
            .unwrap(),
        [1, 0, 1]
    );
    assert_eq!(
        q::<Vec<i64>>(&mut c, &[b"SMISMEMBER", b"nope", b"a", b"b"])
            .await
            .unwrap(),
        [0, 0]
    );
    assert_eq!(int(&mut c, &[b"SREM", b"s", b"a", b"z", b"a"]).await, 1);
    assert_eq!(int(&mut c, &[b"SREM", b"nope", b"a"]).await, 0);
    assert_eq!(int(&mut c, &[b"SCARD", b"s"]).await, 2);
    assert_eq!(int(&mut c, &[b"SREM", b"s", b"b", b"c"]).await, 2);
    assert!(!exists(&mut c, b"s").await, "an emptied set is deleted");
    for args in [
        &[&b"SADD"[..], b"str", b"a"][..],
        &[b"SREM", b"str", b"a"],
        &[b"SMEMBERS", b"str"],
        &[b"SISMEMBER", b"str", b"a"],
        &[b"SMISMEMBER", b"str", b"a"],
        &[b"SCARD", b"str"],
        &[b"SPOP", b"str"],
        &[b"SRANDMEMBER", b"str"],
        &[b"SSCAN", b"str", b"0"],
    ] {
        assert_eq!(q_err(&mut c, args).await, WRONGTYPE, "{args:?}");
    }
    assert_eq!(
        q_err(&mut c, &[b"SADD", b"s"]).await,
        "ERR wrong number of arguments for 'sadd' command"
    );
    assert_eq!(q::<String>(&mut c, &[b"GET", b"str"]).await.unwrap(), "v");
}

#[tokio::test]
async fn spop_and_srandmember() {
    let server = Resplite::start();
    let mut c = server.client().await;
    string_key(&mut c).await;
    let all: Vec<String> = (0..300).map(|i| format!("m{i}")).collect();
    let mut args: Vec<&[u8]> = vec![b"SADD", b"s"];
    args.extend(all.iter().map(|m| m.as_bytes()));
    assert_eq!(int(&mut c, &args).await, 300);
    let known: BTreeSet<String> = all.iter().cloned().collect();
    // SRANDMEMBER: distinct for a positive count, repeats for a negative one.
    let one: String = q(&mut c, &[b"SRANDMEMBER", b"s"]).await.unwrap();
    assert!(known.contains(&one));
    for count in [1usize, 3, 50, 100, 150, 299, 300, 1000] {
        let got = set(
            &mut c,
            &[b"SRANDMEMBER", b"s", count.to_string().as_bytes()],
        )
        .await;
        assert_eq!(got.len(), count.min(300));
        assert!(got.is_subset(&known));
    }
    let picks: Vec<String> = q(&mut c, &[b"SRANDMEMBER", b"s", b"-3000"]).await.unwrap();
    assert_eq!(picks.len(), 3000);
    let spread: HashSet<&String> = picks.iter().collect();
    assert!(spread.len() > 250, "uniform enough: {}", spread.len());
    assert!(picks.iter().all(|m| known.contains(m)));
    assert_eq!(value(&mut c, &[b"SRANDMEMBER", b"nope"]).await, Value::Nil);
    assert_eq!(
        value(&mut c, &[b"SRANDMEMBER", b"nope", b"-3"]).await,
        Value::Array(vec![])
    );
    assert_eq!(
        value(&mut c, &[b"SRANDMEMBER", b"s", b"0"]).await,
        Value::Array(vec![])
    );
    assert_eq!(
        q_err(&mut c, &[b"SRANDMEMBER", b"s", b"x"]).await,
        "ERR value is not an integer or out of range"
    );
    assert_eq!(
        q_err(&mut c, &[b"SRANDMEMBER", b"s", b"1", b"2"]).await,
        "ERR syntax error"
    );
    // SPOP removes what it returns.
    let popped: String = q(&mut c, &[b"SPOP", b"s"]).await.unwrap();
    assert_eq!(
        int(&mut c, &[b"SISMEMBER", b"s", popped.as_bytes()]).await,
        0
    );
    let popped = set(&mut c, &[b"SPOP", b"s", b"20"]).await;
    assert_eq!(popped.len(), 20);
    assert_eq!(int(&mut c, &[b"SCARD", b"s"]).await, 279);
    let left = members(&mut c, b"s").await;
    assert!(left.is_disjoint(&popped));
    let popped = set(&mut c, &[b"SPOP", b"s", b"200"]).await;
    assert_eq!(popped.len(), 200);
    assert_eq!(int(&mut c, &[b"SCARD", b"s"]).await, 79);
    let rest = set(&mut c, &[b"SPOP", b"s", b"1000"]).await;
    assert_eq!(rest.len(), 79);
    assert!(!exists(&mut c, b"s").await);
    assert_eq!(value(&mut c, &[b"SPOP", b"s"]).await, Value::Nil);
    assert_eq!(
        value(&mut c, &[b"SPOP", b"s", b"3"]).await,
        Value::Array(vec![])
    );
    assert_eq!(
        value(&mut c, &[b"SPOP", b"s", b"0"]).await,
        Value::Array(vec![])
    );
    assert_eq!(q_err(&mut c, &[b"SPOP", b"str", b"0"]).await, WRONGTYPE);
    for bad in [&b"-1"[..], b"x"] {
        assert_eq!(
            q_err(&mut c, &[b"SPOP", b"s", bad]).await,
            "ERR value is out of range, must be positive"
        );
    }
    // Popping the last member drops the key and its TTL.
    assert_eq!(int(&mut c, &[b"SADD", b"one", b"x"]).await, 1);
    assert_eq!(int(&mut c, &[b"EXPIRE", b"one", b"100"]).await, 1);
    assert_eq!(q::<String>(&mut c, &[b"SPOP", b"one"]).await.unwrap(), "x");
    assert_eq!(int(&mut c, &[b"TTL", b"one"]).await, -2);
}

#[tokio::test]
async fn smove() {
    let server = Resplite::start();
    let mut c = server.client().await;
    string_key(&mut c).await;
    assert_eq!(int(&mut c, &[b"SADD", b"a", b"1", b"2"]).await, 2);
    assert_eq!(int(&mut c, &[b"SMOVE", b"a", b"b", b"1"]).await, 1);
    assert_eq!(members(&mut c, b"a").await, strs(&["2"]));
    assert_eq!(members(&mut c, b"b").await, strs(&["1"]));
    assert_eq!(int(&mut c, &[b"SMOVE", b"a", b"b", b"9"]).await, 0);
    assert_eq!(int(&mut c, &[b"SMOVE", b"nope", b"b", b"1"]).await, 0);
    // A missing source wins over a wrong-typed destination, as in Redis.
    assert_eq!(int(&mut c, &[b"SMOVE", b"nope", b"str", b"1"]).await, 0);
    assert_eq!(
        q_err(&mut c, &[b"SMOVE", b"a", b"str", b"2"]).await,
        WRONGTYPE
    );
    assert_eq!(
        q_err(&mut c, &[b"SMOVE", b"str", b"a", b"2"]).await,
        WRONGTYPE
    );
    assert_eq!(int(&mut c, &[b"SMOVE", b"a", b"a", b"2"]).await, 1);
    assert_eq!(int(&mut c, &[b"SMOVE", b"a", b"a", b"9"]).await, 0);
    // Moving the last member deletes the source.
    assert_eq!(int(&mut c, &[b"SMOVE", b"a", b"b", b"2"]).await, 1);
    assert!(!exists(&mut c, b"a").await);
    assert_eq!(int(&mut c, &[b"SCARD", b"b"]).await, 2);
    // Already in the destination: removed from the source only.
    assert_eq!(int(&mut c, &[b"SADD", b"a", b"1", b"3"]).await, 2);
    assert_eq!(int(&mut c, &[b"SMOVE", b"a", b"b", b"1"]).await, 1);
    assert_eq!(int(&mut c, &[b"SCARD", b"b"]).await, 2);
    assert_eq!(int(&mut c, &[b"SCARD", b"a"]).await, 1);
}

#[tokio::test]
async fn set_algebra() {
    let server = Resplite::start();
    let mut c = server.client().await;
    string_key(&mut c).await;
    let _: i64 = q(&mut c, &[b"SADD", b"x", b"a", b"b", b"c", b"d"])
        .await
        .unwrap();
    let _: i64 = q(&mut c, &[b"SADD", b"y", b"c", b"d", b"e"]).await.unwrap();
    let _: i64 = q(&mut c, &[b"SADD", b"z", b"d", b"e", b"f"]).await.unwrap();
    assert_eq!(
        set(&mut c, &[b"SINTER", b"x", b"y"]).await,
        strs(&["c", "d"])
    );
    assert_eq!(
        set(&mut c, &[b"SINTER", b"x", b"y", b"z"]).await,
        strs(&["d"])
    );
    assert_eq!(
        set(&mut c, &[b"SINTER", b"x"]).await,
        strs(&["a", "b", "c", "d"])
    );
    assert_eq!(set(&mut c, &[b"SINTER", b"x", b"x"]).await.len(), 4);
    assert!(set(&mut c, &[b"SINTER", b"x", b"nope"]).await.is_empty());
    assert_eq!(
        set(&mut c, &[b"SUNION", b"x", b"y", b"nope", b"z"]).await,
        strs(&["a", "b", "c", "d", "e", "f"])
    );
    assert!(set(&mut c, &[b"SUNION", b"nope"]).await.is_empty());
    assert_eq!(
        set(&mut c, &[b"SDIFF", b"x", b"y"]).await,
        strs(&["a", "b"])
    );
    assert_eq!(
        set(&mut c, &[b"SDIFF", b"x", b"y", b"z", b"nope"]).await,
        strs(&["a", "b"])
    );
    assert!(set(&mut c, &[b"SDIFF", b"x", b"x"]).await.is_empty());
    assert!(set(&mut c, &[b"SDIFF", b"nope", b"x"]).await.is_empty());
    assert_eq!(set(&mut c, &[b"SDIFF", b"x"]).await.len(), 4);
    // WRONGTYPE if any key is not a set, even after a missing one.
    for name in [&b"SINTER"[..], b"SUNION", b"SDIFF"] {
        assert_eq!(q_err(&mut c, &[name, b"nope", b"str"]).await, WRONGTYPE);
        assert_eq!(q_err(&mut c, &[name, b"x", b"str"]).await, WRONGTYPE);
    }
    // SINTERCARD
    assert_eq!(int(&mut c, &[b"SINTERCARD", b"2", b"x", b"y"]).await, 2);
    assert_eq!(
        int(&mut c, &[b"SINTERCARD", b"2", b"x", b"y", b"LIMIT", b"1"]).await,
        1
    );
    assert_eq!(
        int(&mut c, &[b"SINTERCARD", b"2", b"x", b"y", b"LIMIT", b"0"]).await,
        2
    );
    assert_eq!(
        int(&mut c, &[b"SINTERCARD", b"1", b"x", b"limit", b"9"]).await,
        4
    );
    assert_eq!(int(&mut c, &[b"SINTERCARD", b"2", b"x", b"nope"]).await, 0);
    assert_eq!(
        q_err(&mut c, &[b"SINTERCARD", b"2", b"nope", b"str"]).await,
        WRONGTYPE
    );
    for (args, err) in [
        (
            &[&b"SINTERCARD"[..], b"0", b"x"][..],
            "ERR numkeys should be greater than 0",
        ),
        (
            &[b"SINTERCARD", b"x", b"x"],
            "ERR numkeys should be greater than 0",
        ),
        (
            &[b"SINTERCARD", b"3", b"x", b"y"],
            "ERR Number of keys can't be greater than number of args",
        ),
        (
            &[b"SINTERCARD", b"1", b"x", b"LIMIT", b"-1"],
            "ERR LIMIT can't be negative",
        ),
        (
            &[b"SINTERCARD", b"1", b"x", b"LIMIT", b"a"],
            "ERR LIMIT can't be negative",
        ),
        (&[b"SINTERCARD", b"1", b"x", b"LIMIT"], "ERR syntax error"),
        (&[b"SINTERCARD", b"1", b"x", b"y"], "ERR syntax error"),
    ] {
        assert_eq!(q_err(&mut c, args).await, err, "{args:?}");
    }
    // *STORE: replaces a destination of any type, keeps no TTL.
    assert_eq!(int(&mut c, &[b"EXPIRE", b"str", b"100"]).await, 1);
    assert_eq!(int(&mut c, &[b"SINTERSTORE", b"str", b"x", b"y"]).await, 2);
    assert_eq!(members(&mut c, b"str").await, strs(&["c", "d"]));
    assert_eq!(int(&mut c, &[b"TTL", b"str"]).await, -1);
    assert_eq!(int(&mut c, &[b"SUNIONSTORE", b"u", b"x", b"z"]).await, 6);
    assert_eq!(int(&mut c, &[b"SCARD", b"u"]).await, 6);
    assert_eq!(int(&mut c, &[b"SDIFFSTORE", b"d", b"x", b"y"]).await, 2);
    assert_eq!(members(&mut c, b"d").await, strs(&["a", "b"]));
    // The destination may be a source.
    assert_eq!(int(&mut c, &[b"SDIFFSTORE", b"x", b"x", b"d"]).await, 2);
    assert_eq!(members(&mut c, b"x").await, strs(&["c", "d"]));
    assert_eq!(int(&mut c, &[b"SUNIONSTORE", b"x", b"x", b"d"]).await, 4);
    assert_eq!(int(&mut c, &[b"SINTERSTORE", b"x", b"x", b"y"]).await, 2);
    assert_eq!(members(&mut c, b"x").await, strs(&["c", "d"]));
    // An empty result deletes the destination.
    assert_eq!(int(&mut c, &[b"SINTERSTORE", b"u", b"x", b"nope"]).await, 0);
    assert!(!exists(&mut c, b"u").await);
    assert_eq!(int(&mut c, &[b"SDIFFSTORE", b"d", b"d", b"d"]).await, 0);
    assert!(!exists(&mut c, b"d").await);
    let _: () = q(&mut c, &[b"SET", b"s2", b"v"]).await.unwrap();
    // A wrong-typed source fails without touching the destination.
    assert_eq!(
        q_err(&mut c, &[b"SUNIONSTORE", b"x", b"y", b"s2"]).await,
        WRONGTYPE
    );
    assert_eq!(members(&mut c, b"x").await, strs(&["c", "d"]));
    assert_eq!(int(&mut c, &[b"SCARD", b"x"]).await, 2);
}

#[tokio::test]
async fn algebra_on_many_keys_and_big_sets() {
    let server = Resplite::start();
    let mut c = server.client().await;
    // 40 sets sharing members 0..10; set i also has i*1000.. (more keys than
    // fit in one SQL probe statement).
    let mut keys = Vec::new();
    for i in 0..40 {
        let key = format!("k{i}");
        let mut args: Vec<String> = vec!["SADD".into(), key.clone()];
        args.extend((0..10).map(|m| m.to_string()));
        args.extend((0..50).map(|m| (i * 1000 + 100 + m).to_string()));
        let refs: Vec<&[u8]> = args.iter().map(|s| s.as_bytes()).collect();
        assert_eq!(int(&mut c, &refs).await, 60);
        keys.push(key);
    }
    let mut args: Vec<&[u8]> = vec![b"SINTER"];
    args.extend(keys.iter().map(|k| k.as_bytes()));
    assert_eq!(set(&mut c, &args).await.len(), 10);
    args[0] = b"SUNION";
    assert_eq!(set(&mut c, &args).await.len(), 10 + 40 * 50);
    args[0] = b"SDIFF";
    assert_eq!(set(&mut c, &args).await.len(), 50);
    let mut store: Vec<&[u8]> = vec![b"SINTERSTORE", b"dst"];
    store.extend(keys.iter().map(|k| k.as_bytes()));
    assert_eq!(int(&mut c, &store).await, 10);
    store[0] = b"SDIFFSTORE";
    assert_eq!(int(&mut c, &store).await, 50);
    store[0] = b"SUNIONSTORE";
    assert_eq!(int(&mut c, &store).await, 2010);
    assert_eq!(int(&mut c, &[b"SCARD", b"dst"]).await, 2010);
    let mut card: Vec<Vec<u8>> = vec![b"SINTERCARD".to_vec(), b"40".to_vec()];
    card.extend(keys.iter().map(|k| k.as_bytes().to_vec()));
    card.push(b"LIMIT".to_vec());
    card.push(b"4".to_vec());
    let refs: Vec<&[u8]> = card.iter().map(Vec::as_slice).collect();
    assert_eq!(int(&mut c, &refs).await, 4);
}

async fn sscan_all(c: &mut MultiplexedConnection, key: &[u8], extra: &[&[u8]]) -> Vec<Vec<u8>> {
    let mut cursor = "0".to_string();
    let mut out = Vec::new();
    for _ in 0..10_000 {
        let mut args: Vec<&[u8]> = vec![b"SSCAN", key, cursor.as_bytes()];
        args.extend_from_slice(extra);
        let (next, items): (String, Vec<Vec<u8>>) = q(c, &args).await.unwrap();
        out.extend(items);
        cursor = next;
        if cursor == "0" {
            out.sort();
            return out;
        }
    }
    panic!("SSCAN never finished");
}

#[tokio::test]
async fn sscan() {
    let server = Resplite::start();
    let mut c = server.client().await;
    let all: Vec<String> = (0..100).map(|i| format!("m{i}")).collect();
    let mut args: Vec<&[u8]> = vec![b"SADD", b"s"];
    args.extend(all.iter().map(|m| m.as_bytes()));
    assert_eq!(int(&mut c, &args).await, 100);
    let got = sscan_all(&mut c, b"s", &[b"COUNT", b"7"]).await;
    let mut want: Vec<Vec<u8>> = all.iter().map(|s| s.as_bytes().to_vec()).collect();
    want.sort();
    assert_eq!(got, want);
    assert_eq!(sscan_all(&mut c, b"s", &[b"MATCH", b"m9?"]).await.len(), 10);
    // A step reads at most COUNT members.
    let (next, items): (String, Vec<String>) = q(&mut c, &[b"SSCAN", b"s", b"0", b"COUNT", b"5"])
        .await
        .unwrap();
    assert_ne!(next, "0");
    assert_eq!(items.len(), 5);
    assert_eq!(
        value(&mut c, &[b"SSCAN", b"nope", b"0"]).await,
        Value::Array(vec![Value::BulkString(b"0".to_vec()), Value::Array(vec![])])
    );
    assert_eq!(
        q_err(&mut c, &[b"SSCAN", b"s", b"x"]).await,
        "ERR invalid cursor"
    );
    assert_eq!(
        q_err(&mut c, &[b"SSCAN", b"s", b"0", b"COUNT", b"-1"]).await,
        "ERR syntax error"
    );
}

#[tokio::test]
async fn sets_expire_and_survive_a_restart() {
    let mut server = Resplite::start();
    let mut c = server.client().await;
    assert_eq!(int(&mut c, &[b"SADD", b"e", b"1", b"2"]).await, 2);
    assert_eq!(int(&mut c, &[b"PEXPIRE", b"e", b"30"]).await, 1);
    let deadline = Instant::now() + Duration::from_secs(10);
    while int(&mut c, &[b"SCARD", b"e"]).await != 0 {
        assert!(Instant::now() < deadline, "set never expired");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(int(&mut c, &[b"SISMEMBER", b"e", b"1"]).await, 0);
    assert!(members(&mut c, b"e").await.is_empty());
    assert!(!exists(&mut c, b"e").await);
    assert_eq!(int(&mut c, &[b"SADD", b"e", b"3"]).await, 1);
    assert_eq!(members(&mut c, b"e").await, strs(&["3"]));
    assert_eq!(int(&mut c, &[b"TTL", b"e"]).await, -1);
    // An expired source is a missing set for algebra too.
    assert_eq!(int(&mut c, &[b"SADD", b"gone", b"3"]).await, 1);
    assert_eq!(int(&mut c, &[b"PEXPIREAT", b"gone", b"1"]).await, 1);
    assert!(set(&mut c, &[b"SINTER", b"e", b"gone"]).await.is_empty());
    // Emptied by SREM: the key and its TTL go.
    assert_eq!(int(&mut c, &[b"EXPIRE", b"e", b"1000"]).await, 1);
    assert_eq!(int(&mut c, &[b"SREM", b"e", b"3"]).await, 1);
    assert_eq!(int(&mut c, &[b"TTL", b"e"]).await, -2);
    // Binary members and keys survive a restart, with TTL and count.
    assert_eq!(int(&mut c, &[b"SADD", BIN_KEY, BIN_A, BIN_B, b""]).await, 3);
    assert_eq!(int(&mut c, &[b"SADD", b"t", b"x"]).await, 1);
    assert_eq!(int(&mut c, &[b"EXPIRE", b"t", b"1000"]).await, 1);
    server.restart();
    let mut c = server.client().await;
    let got: BTreeSet<Vec<u8>> = q(&mut c, &[b"SMEMBERS", BIN_KEY]).await.unwrap();
    let want: BTreeSet<Vec<u8>> = [BIN_A.to_vec(), BIN_B.to_vec(), Vec::new()].into();
    assert_eq!(got, want);
    assert_eq!(int(&mut c, &[b"SCARD", BIN_KEY]).await, 3);
    assert_eq!(int(&mut c, &[b"SISMEMBER", BIN_KEY, BIN_A]).await, 1);
    assert!(int(&mut c, &[b"TTL", b"t"]).await > 900);
    assert_eq!(int(&mut c, &[b"SMOVE", BIN_KEY, b"t", BIN_B]).await, 1);
    let got: BTreeSet<Vec<u8>> = q(&mut c, &[b"SINTER", b"t", BIN_KEY]).await.unwrap();
    assert!(got.is_empty());
    let got: Vec<Vec<u8>> = q(&mut c, &[b"SSCAN", BIN_KEY, b"0", b"MATCH", b"\x00*"])
        .await
        .map(|(_, items): (String, Vec<Vec<u8>>)| items)
        .unwrap();
    assert_eq!(got, [BIN_A.to_vec()]);
}

/// A small set of integers comes back in numeric order, as Redis returns an
/// intset (SMEMBERS, and SSCAN whole); checked against redis-server, also
/// after a restart.
#[tokio::test]
async fn a_small_integer_set_reads_in_intset_order_as_redis_does() {
    let redis = resplite_tests::RedisServer::start().await;
    let mut oracle = resplite_tests::connect(&redis.url()).await;
    let mut server = Resplite::start();
    let mut c = server.client().await;
    let add: &[&[u8]] = &[
        b"SADD",
        b"s",
        b"10",
        b"9",
        b"-3",
        b"100",
        b"0",
        b"77",
        b"-9223372036854775808",
    ];
    let added: i64 = q(&mut c, add).await.unwrap();
    assert_eq!(added, q::<i64>(&mut oracle, add).await.unwrap());
    let reads: [&[&[u8]]; 2] = [
        &[b"SMEMBERS", b"s"],
        &[b"SSCAN", b"s", b"0", b"COUNT", b"2"],
    ];
    for round in 0..2 {
        for r in reads {
            let want: redis::Value = q(&mut oracle, r).await.unwrap();
            let got: redis::Value = q(&mut c, r).await.unwrap();
            assert_eq!(got, want, "round {round}: {:?}", r[0]);
        }
        server.restart();
        c = server.client().await;
    }
}
