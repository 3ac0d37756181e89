//! What a client can read of a key, in a form redis-server and resplite
//! agree on, and keys of every type and encoding to compare: shared by the
//! DUMP/RESTORE and RDB file tests.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use redis::aio::MultiplexedConnection;
use redis::Value;

use crate::q;

pub type Conn = MultiplexedConnection;

pub async fn call(c: &mut Conn, args: &[&[u8]]) -> Value {
    let mut cmd = redis::cmd(std::str::from_utf8(args[0]).unwrap());
    for a in &args[1..] {
        cmd.arg(*a);
    }
    match cmd.query_async::<Value>(c).await {
        Ok(v) => v,
        Err(e) => Value::SimpleString(format!(
            "error: {}",
            e.detail()
                .map_or(e.code().unwrap_or("").to_string(), |d| format!(
                    "{} {d}",
                    e.code().unwrap_or("")
                ))
        )),
    }
}

/// Times (ms since epoch) and the radix tree's shape differ between servers.
pub fn mask(v: Value) -> Value {
    match v {
        Value::Int(n) if n >= 1_000_000_000_000 => Value::Int(0),
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            let mut masked_next = false;
            for item in items {
                if masked_next {
                    out.push(Value::Int(0));
                    masked_next = false;
                    continue;
                }
                if let Value::BulkString(b) = &item {
                    masked_next = matches!(
                        &b[..],
                        b"radix-tree-keys" | b"radix-tree-nodes" | b"idle" | b"inactive"
                    );
                }
                out.push(mask(item));
            }
            Value::Array(out)
        }
        other => other,
    }
}

fn sorted(v: Value) -> Value {
    match v {
        Value::Array(mut items) => {
            items.sort_by_key(|i| format!("{i:?}"));
            Value::Array(items)
        }
        other => other,
    }
}

fn pairs_sorted(v: Value) -> Value {
    match v {
        Value::Array(items) => {
            let mut pairs: Vec<Vec<Value>> = items.chunks(2).map(|c| c.to_vec()).collect();
            pairs.sort_by_key(|p| format!("{p:?}"));
            Value::Array(pairs.into_iter().flatten().collect())
        }
        other => other,
    }
}

/// Everything a client can read of a key, in a form both servers agree on.
pub async fn read(c: &mut Conn, key: &[u8]) -> Vec<Value> {
    let kind = call(c, &[b"TYPE", key]).await;
    let mut out = vec![kind.clone()];
    let Value::SimpleString(kind) = kind else {
        panic!("TYPE answered {kind:?}")
    };
    match kind.as_str() {
        "string" => out.push(call(c, &[b"GET", key]).await),
        "list" => out.push(call(c, &[b"LRANGE", key, b"0", b"-1"]).await),
        "set" => out.push(sorted(call(c, &[b"SMEMBERS", key]).await)),
        "hash" => out.push(pairs_sorted(call(c, &[b"HGETALL", key]).await)),
        "zset" => out.push(call(c, &[b"ZRANGE", key, b"0", b"-1", b"WITHSCORES"]).await),
        "stream" => {
            out.push(mask(call(c, &[b"XINFO", b"STREAM", key, b"FULL"]).await));
            out.push(mask(call(c, &[b"XINFO", b"GROUPS", key]).await));
        }
        "none" => {}
        other => panic!("unexpected type {other}"),
    }
    out
}

pub async fn pttl(c: &mut Conn, key: &[u8]) -> i64 {
    q(c, &[b"PTTL", key]).await.unwrap()
}

/// Runs commands, none of which may fail.
pub async fn run(c: &mut Conn, cmds: &[Vec<Vec<u8>>]) {
    for cmd in cmds {
        let args: Vec<&[u8]> = cmd.iter().map(|a| &a[..]).collect();
        let reply = call(c, &args).await;
        assert!(
            !matches!(&reply, Value::SimpleString(s) if s.starts_with("error")),
            "{reply:?}"
        );
    }
}

pub fn cmd(parts: &[&[u8]]) -> Vec<Vec<u8>> {
    parts.iter().map(|p| p.to_vec()).collect()
}

/// Keys in each encoding Redis 7.0 writes: listpacks and their big forms
/// (quicklist of several nodes, hashtable, skiplist, intset), integer and
/// LZF-compressed strings, streams with several nodes, deleted entries,
/// groups and pending entries across consumers, TTLs, binary names.
pub fn fixtures() -> Vec<Vec<Vec<u8>>> {
    let mut cmds = vec![
        cmd(&[b"SET", b"str", b"hello"]),
        cmd(&[b"SET", b"int", b"-123456"]),
        cmd(&[b"SET", b"big-int", b"12345678901234"]),
        cmd(&[b"SET", b"\x00bin\xff", b"\x00\x01\xfe\xff"]),
        cmd(&[b"SET", b"lzf", &b"abcdefgh".repeat(200)]),
        cmd(&[b"SET", b"ttl", b"v", b"PX", b"500000"]),
        cmd(&[b"RPUSH", b"list", b"a", b"1", b"-5", b"\x00\xff", b""]),
        cmd(&[b"SADD", b"intset", b"1", b"-70000", b"5000000000"]),
        cmd(&[b"SADD", b"set", b"a", b"b", b"3"]),
        cmd(&[b"HSET", b"hash", b"f", b"v", b"n", b"12", b"\x00", b"\xff"]),
        cmd(&[
            b"ZADD", b"zset", b"1.5", b"a", b"-inf", b"b", b"3", b"c", b"inf", b"d",
        ]),
        cmd(&[b"EXPIRE", b"hash", b"1000"]),
    ];
    for i in 0..700 {
        let (n, v) = (i.to_string(), format!("value-{i}-{}", "x".repeat(i % 90)));
        cmds.push(cmd(&[b"RPUSH", b"big-list", v.as_bytes()]));
        cmds.push(cmd(&[b"SADD", b"big-set", v.as_bytes()]));
        cmds.push(cmd(&[b"SADD", b"big-intset", n.as_bytes()]));
        cmds.push(cmd(&[b"HSET", b"big-hash", n.as_bytes(), v.as_bytes()]));
        let score = format!("{}.25", i as i64 - 300);
        cmds.push(cmd(&[b"ZADD", b"big-zset", score.as_bytes(), v.as_bytes()]));
        let id = format!("{}-{}", 1000 + i / 3, i % 3);
        let fields: &[&[u8]] = if i % 7 == 0 {
            &[b"other", b"shape"]
        } else {
            &[b"f", b"1", b"g", b"two"]
        };
        let mut xadd: Vec<&[u8]> = vec![b"XADD", b"stream", id.as_bytes()];
        xadd.extend_from_slice(fields);
        xadd.push(v.as_bytes());
        xadd.push(b"end");
        cmds.push(cmd(&xadd));
    }
    cmds.extend([
        cmd(&[b"XDEL", b"stream", b"1001-1", b"1100-0"]),
        cmd(&[b"XGROUP", b"CREATE", b"stream", b"g1", b"0"]),
        cmd(&[b"XGROUP", b"CREATE", b"stream", b"g\x00", b"1200-0"]),
        cmd(&[
            b"XREADGROUP",
            b"GROUP",
            b"g1",
            b"alice",
            b"COUNT",
            b"5",
            b"STREAMS",
            b"stream",
            b">",
        ]),
        cmd(&[
            b"XREADGROUP",
            b"GROUP",
            b"g1",
            b"bob",
            b"COUNT",
            b"3",
            b"STREAMS",
            b"stream",
            b">",
        ]),
        cmd(&[
            b"XREADGROUP",
            b"GROUP",
            b"g\x00",
            b"carol",
            b"COUNT",
            b"2",
            b"STREAMS",
            b"stream",
            b">",
        ]),
        cmd(&[b"XACK", b"stream", b"g1", b"1000-1"]),
        cmd(&[b"XGROUP", b"CREATECONSUMER", b"stream", b"g1", b"idle-one"]),
        cmd(&[
            b"XGROUP",
            b"CREATE",
            b"empty-stream",
            b"g",
            b"$",
            b"MKSTREAM",
        ]),
        cmd(&[b"XADD", b"small-stream", b"5-5", b"a", b"b"]),
        cmd(&[b"XTRIM", b"small-stream", b"MAXLEN", b"0"]),
    ]);
    cmds
}

/// The keys [`fixtures`] makes.
pub const KEYS: &[&[u8]] = &[
    b"str",
    b"int",
    b"big-int",
    b"\x00bin\xff",
    b"lzf",
    b"ttl",
    b"list",
    b"intset",
    b"set",
    b"hash",
    b"zset",
    b"big-list",
    b"big-set",
    b"big-intset",
    b"big-hash",
    b"big-zset",
    b"stream",
    b"empty-stream",
    b"small-stream",
];

/// A writer that runs INCR n and RPUSH l in one transaction, over and over,
/// until `stop`: in any snapshot of its database, n equals LLEN l. Returns
/// how many steps it made.
pub fn spawn_paired_writer(mut c: Conn, stop: Arc<AtomicBool>) -> tokio::task::JoinHandle<u64> {
    tokio::spawn(async move {
        let mut steps = 0u64;
        while !stop.load(Ordering::Relaxed) {
            let _: () = redis::pipe()
                .atomic()
                .cmd("INCR")
                .arg("n")
                .ignore()
                .cmd("RPUSH")
                .arg("l")
                .arg(steps)
                .ignore()
                .query_async(&mut c)
                .await
                .unwrap();
            steps += 1;
        }
        steps
    })
}

/// Waits until the paired writer has made at least `steps` steps.
pub async fn wait_paired(c: &mut Conn, steps: i64) {
    while q::<i64>(c, &[b"LLEN", b"l"]).await.unwrap() < steps {
        tokio::task::yield_now().await;
    }
}

/// The paired writer's step count in a copy of its database, checking the
/// copy is one instant (n equals LLEN l).
pub async fn paired_steps(c: &mut Conn) -> i64 {
    let n: i64 = q(c, &[b"GET", b"n"]).await.unwrap();
    let len: i64 = q(c, &[b"LLEN", b"l"]).await.unwrap();
    assert_eq!(n, len, "a copy holds half a transaction");
    n
}
