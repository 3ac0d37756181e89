//! A consumer-group queue workload for bench/streams.sh: `producers` tasks
//! XADD `total` entries to one stream while `consumers` tasks read them with
//! XREADGROUP (COUNT 10, BLOCK) and XACK what they got. Prints the entries
//! acknowledged per second, over the wall time until the last is acknowledged.
//!
//! usage: stream_queue PORT [total] [producers] [consumers]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

use redis::aio::MultiplexedConnection;
use redis::Value;

async fn conn(port: u16) -> MultiplexedConnection {
    resplite_tests::connect(&format!("redis://127.0.0.1:{port}/")).await
}

/// The ids in an XREADGROUP reply (RESP2: [[key, [[id, fields], ...]]]).
fn ids(reply: &Value) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    if let Value::Array(streams) = reply {
        for s in streams {
            if let Value::Array(parts) = s {
                if let Some(Value::Array(entries)) = parts.get(1) {
                    for e in entries {
                        if let Value::Array(e) = e {
                            if let Some(Value::BulkString(id)) = e.first() {
                                out.push(id.clone());
                            }
                        }
                    }
                }
            }
        }
    }
    out
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let port: u16 = args
        .get(1)
        .expect("usage: stream_queue PORT")
        .parse()
        .unwrap();
    let arg = |i: usize, d: u64| args.get(i).map_or(d, |a| a.parse().unwrap());
    let (total, producers, consumers) = (arg(2, 100_000), arg(3, 25), arg(4, 25));
    let mut admin = conn(port).await;
    let _: Value = redis::cmd("DEL")
        .arg("q")
        .query_async(&mut admin)
        .await
        .unwrap();
    let _: Value = redis::cmd("XGROUP")
        .arg("CREATE")
        .arg("q")
        .arg("g")
        .arg("$")
        .arg("MKSTREAM")
        .query_async(&mut admin)
        .await
        .unwrap();
    let acked = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for p in 0..producers {
        let n = total / producers + u64::from(p < total % producers);
        tasks.push(tokio::spawn(async move {
            let mut c = conn(port).await;
            for i in 0..n {
                let _: Value = redis::cmd("XADD")
                    .arg("q")
                    .arg("*")
                    .arg("job")
                    .arg(i)
                    .query_async(&mut c)
                    .await
                    .unwrap();
            }
        }));
    }
    for w in 0..consumers {
        let acked = acked.clone();
        tasks.push(tokio::spawn(async move {
            let mut c = conn(port).await;
            let name = format!("c{w}");
            while acked.load(Ordering::Relaxed) < total {
                let reply: Value = redis::cmd("XREADGROUP")
                    .arg("GROUP")
                    .arg("g")
                    .arg(&name)
                    .arg("COUNT")
                    .arg(10)
                    .arg("BLOCK")
                    .arg(100)
                    .arg("STREAMS")
                    .arg("q")
                    .arg(">")
                    .query_async(&mut c)
                    .await
                    .unwrap();
                let ids = ids(&reply);
                if ids.is_empty() {
                    continue;
                }
                let n: u64 = redis::cmd("XACK")
                    .arg("q")
                    .arg("g")
                    .arg(&ids)
                    .query_async(&mut c)
                    .await
                    .unwrap();
                acked.fetch_add(n, Ordering::Relaxed);
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let secs = started.elapsed().as_secs_f64();
    println!("{:.0}", total as f64 / secs);
}
