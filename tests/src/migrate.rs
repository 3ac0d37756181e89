//! Helpers for the migration tests and benchmarks: run `resplite migrate`,
//! fill a source, and compare a source with a resplite server independently of
//! the migration's own verify.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use redis::aio::MultiplexedConnection;
use redis::AsyncCommands;

use crate::diff::Rng;

/// Runs `resplite migrate <args>` to completion.
pub fn migrate(args: &[&str]) -> Output {
    Command::new(crate::binary())
        .arg("migrate")
        .args(args)
        .args(
            ["--progress", "none"]
                .iter()
                .filter(|_| !args.contains(&"--progress") && !is_sub(args)),
        )
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .expect("run resplite migrate")
}

fn is_sub(args: &[&str]) -> bool {
    matches!(
        args.first(),
        Some(&"track" | &"stop-tracker" | &"status" | &"pause" | &"resume" | &"abort" | &"set")
    )
}

/// `--from <from> --to <to> --run-id <run_id> --stages <stages>` and `extra`:
/// the arguments of a stage run.
pub fn run_args<'a>(
    from: &'a str,
    to: &'a str,
    run_id: &'a str,
    stages: &'a str,
    extra: &[&'a str],
) -> Vec<&'a str> {
    let mut args = vec![
        "--from", from, "--to", to, "--run-id", run_id, "--stages", stages,
    ];
    args.extend_from_slice(extra);
    args
}

/// Starts `resplite migrate <args>` in the background.
pub fn spawn_migrate(args: &[&str]) -> Child {
    Command::new(crate::binary())
        .arg("migrate")
        .args(args)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn resplite migrate")
}

pub fn text(out: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Asserts success and returns stdout.
pub fn ok(out: Output) -> String {
    assert!(out.status.success(), "migrate failed: {}", text(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub async fn connect(url: &str) -> MultiplexedConnection {
    // Big keys take more than the client's default half second to read.
    let config = redis::AsyncConnectionConfig::new()
        .set_response_timeout(Some(std::time::Duration::from_secs(120)));
    redis::Client::open(url)
        .expect("url")
        .get_multiplexed_async_connection_with_config(&config)
        .await
        .expect("connect")
}

/// A key's value, normalized for comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Str(Vec<u8>),
    Hash(BTreeMap<Vec<u8>, Vec<u8>>),
    Set(Vec<Vec<u8>>),
    List(Vec<Vec<u8>>),
    ZSet(Vec<(Vec<u8>, String)>),
    /// Entries, counters, groups, consumers and PELs as text (times left out).
    Stream(String),
}

/// A stream as plain commands show it, without the fields that read the
/// clock (idle and delivery times).
async fn stream_text(conn: &mut MultiplexedConnection, key: &[u8]) -> String {
    let q = |args: Vec<Vec<u8>>| {
        let mut c = redis::cmd(std::str::from_utf8(&args[0]).unwrap());
        for a in &args[1..] {
            c.arg(a);
        }
        c
    };
    let k = key.to_vec();
    let entries: redis::Value = q(vec![
        b"XRANGE".to_vec(),
        k.clone(),
        b"-".to_vec(),
        b"+".to_vec(),
    ])
    .query_async(conn)
    .await
    .expect("xrange");
    let info: redis::Value = q(vec![b"XINFO".to_vec(), b"STREAM".to_vec(), k.clone()])
        .query_async(conn)
        .await
        .expect("xinfo stream");
    // length, last-generated-id, max-deleted-entry-id, entries-added.
    let counters: Vec<String> = match &info {
        redis::Value::Array(items) => items
            .chunks_exact(2)
            .filter(|p| {
                matches!(&p[0], redis::Value::BulkString(n) if [&b"length"[..], b"last-generated-id",
                    b"max-deleted-entry-id", b"entries-added"].contains(&&n[..]))
            })
            .map(|p| format!("{:?}", p[1]))
            .collect(),
        other => vec![format!("{other:?}")],
    };
    let groups: redis::Value = q(vec![b"XINFO".to_vec(), b"GROUPS".to_vec(), k.clone()])
        .query_async(conn)
        .await
        .expect("xinfo groups");
    let mut text = format!("{entries:?} {counters:?} {groups:?}");
    let names: Vec<Vec<u8>> = match &groups {
        redis::Value::Array(gs) => gs
            .iter()
            .filter_map(|g| match g {
                redis::Value::Array(f) => match f.get(1) {
                    Some(redis::Value::BulkString(n)) => Some(n.clone()),
                    _ => None,
                },
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    for g in names {
        let pel: Vec<(String, Vec<u8>, i64, i64)> = q(vec![
            b"XPENDING".to_vec(),
            k.clone(),
            g.clone(),
            b"-".to_vec(),
            b"+".to_vec(),
            b"1000000".to_vec(),
        ])
        .query_async(conn)
        .await
        .expect("xpending");
        let rows: Vec<_> = pel.into_iter().map(|(id, c, _, n)| (id, c, n)).collect();
        let consumers: redis::Value =
            q(vec![b"XINFO".to_vec(), b"CONSUMERS".to_vec(), k.clone(), g])
                .query_async(conn)
                .await
                .expect("xinfo consumers");
        let names: Vec<String> = match consumers {
            redis::Value::Array(cs) => cs
                .iter()
                .map(|c| match c {
                    redis::Value::Array(f) => format!("{:?}", f.get(1)),
                    other => format!("{other:?}"),
                })
                .collect(),
            other => vec![format!("{other:?}")],
        };
        text.push_str(&format!(" {rows:?} {names:?}"));
    }
    text
}

/// Every key with value and deadline (ms since epoch; -1 without TTL), read
/// with plain commands. Deadlines, not PTTLs: the two snapshots compared are
/// taken seconds apart.
pub async fn snapshot(conn: &mut MultiplexedConnection) -> BTreeMap<Vec<u8>, (Val, i64)> {
    let mut keys: Vec<Vec<u8>> = Vec::new();
    let mut cursor = 0u64;
    loop {
        let (next, page): (u64, Vec<Vec<u8>>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("COUNT")
            .arg(1000)
            .query_async(conn)
            .await
            .expect("scan");
        keys.extend(page);
        if next == 0 {
            break;
        }
        cursor = next;
    }
    keys.sort();
    keys.dedup();
    let mut out = BTreeMap::new();
    for key in keys {
        let ty: String = redis::cmd("TYPE")
            .arg(&key)
            .query_async(conn)
            .await
            .expect("type");
        let val = match ty.as_str() {
            "string" => Val::Str(conn.get(&key).await.expect("get")),
            "hash" => Val::Hash(conn.hgetall(&key).await.expect("hgetall")),
            "set" => {
                let mut m: Vec<Vec<u8>> = conn.smembers(&key).await.expect("smembers");
                m.sort();
                Val::Set(m)
            }
            "list" => Val::List(conn.lrange(&key, 0, -1).await.expect("lrange")),
            "zset" => Val::ZSet(
                redis::cmd("ZRANGE")
                    .arg(&key)
                    .arg(0)
                    .arg(-1)
                    .arg("WITHSCORES")
                    .query_async(conn)
                    .await
                    .expect("zrange"),
            ),
            "stream" => Val::Stream(stream_text(conn, &key).await),
            _ => continue,
        };
        let pttl: i64 = conn.pttl(&key).await.expect("pttl");
        let deadline = if pttl < 0 {
            pttl
        } else {
            resplite_core::util::now_ms() + pttl
        };
        out.insert(key, (val, deadline));
    }
    out
}

/// Asserts both servers hold the same keys, values and (within 2 s) TTLs.
pub async fn assert_same(source: &mut MultiplexedConnection, ours: &mut MultiplexedConnection) {
    let a = snapshot(source).await;
    let b = snapshot(ours).await;
    let only_a: Vec<_> = a.keys().filter(|k| !b.contains_key(*k)).take(5).collect();
    let only_b: Vec<_> = b.keys().filter(|k| !a.contains_key(*k)).take(5).collect();
    assert!(
        only_a.is_empty() && only_b.is_empty(),
        "key sets differ: only in source {only_a:?}, only in resplite {only_b:?} ({} vs {} keys)",
        a.len(),
        b.len()
    );
    for (k, (va, ta)) in &a {
        let (vb, tb) = &b[k];
        assert!(
            va == vb,
            "value of {:?} differs",
            String::from_utf8_lossy(k)
        );
        assert!(
            (*ta < 0 && ta == tb) || (*ta >= 0 && *tb >= 0 && (ta - tb).abs() <= 2000),
            "TTL of {:?} differs: {ta} vs {tb}",
            String::from_utf8_lossy(k)
        );
    }
}

/// A mixed dataset: every type, TTLs, binary keys and values; `big` keys of
/// each container type with `big_members` elements.
pub async fn fill_mixed(
    conn: &mut MultiplexedConnection,
    seed: u64,
    keys: usize,
    big: usize,
    big_members: usize,
) {
    let mut rng = Rng::new(seed);
    let mut pipe = redis::pipe();
    for i in 0..keys {
        let mut key = format!("k:{i}:").into_bytes();
        if rng.chance(10) {
            key.extend_from_slice(&[0, 0xff, b'\n', b' ', 0x80]);
        }
        match rng.below(5) {
            0 => {
                let mut v = vec![0u8; rng.below(64)];
                v.iter_mut().for_each(|b| *b = rng.below(256) as u8);
                pipe.cmd("SET").arg(&key).arg(v);
            }
            1 => {
                for f in 0..1 + rng.below(8) {
                    pipe.cmd("HSET")
                        .arg(&key)
                        .arg(format!("f{f}"))
                        .arg(rng.below(1000));
                }
            }
            2 => {
                for m in 0..1 + rng.below(8) {
                    pipe.cmd("SADD").arg(&key).arg(format!("m{m}"));
                }
            }
            3 => {
                for m in 0..1 + rng.below(8) {
                    pipe.cmd("RPUSH").arg(&key).arg(format!("e{m}"));
                }
            }
            _ => {
                for m in 0..1 + rng.below(8) {
                    let score = rng.below(100) as f64 / 4.0 - 10.0;
                    pipe.cmd("ZADD").arg(&key).arg(score).arg(format!("z{m}"));
                }
            }
        }
        if rng.chance(20) {
            pipe.cmd("EXPIRE").arg(&key).arg(3600 + rng.below(3600));
        }
        if i % 500 == 499 {
            let _: () = pipe.query_async(conn).await.expect("fill");
            pipe = redis::pipe();
        }
    }
    if !keys.is_multiple_of(500) {
        let _: () = pipe.query_async(conn).await.expect("fill");
    }
    for b in 0..big {
        let kind = b % 4;
        let key = format!("big:{b}");
        for chunk in (0..big_members).collect::<Vec<_>>().chunks(1000) {
            let mut cmd = redis::cmd(["HSET", "SADD", "RPUSH", "ZADD"][kind]);
            cmd.arg(&key);
            for m in chunk {
                match kind {
                    0 => cmd.arg(format!("f{m}")).arg(m),
                    3 => cmd.arg(*m as f64 / 3.0).arg(format!("m{m}")),
                    _ => cmd.arg(format!("m{m}")),
                };
            }
            let _: () = cmd.query_async(conn).await.expect("big");
        }
    }
}

/// A query on the run registry of a destination file.
pub fn registry_i64(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("open registry");
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap_or(0)
}
