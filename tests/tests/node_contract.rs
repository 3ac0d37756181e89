//! Node.js frameworks (npm) against the real binary, each first against a real
//! redis-server, then against resplite, with the same output:
//! - tests/node/bullmq_contract.mjs: BullMQ (a Queue, a Worker processing 100
//!   jobs, a delayed job, retries, QueueEvents);
//! - tests/node/socketio_sharded_contract.mjs: socket.io's sharded Redis
//!   adapter (SSUBSCRIBE/SPUBLISH/PUBSUB SHARDNUMSUB between two servers);
//! - tests/node/csc_contract.mjs: node-redis' client-side cache (RESP3
//!   CLIENT TRACKING: cached reads, invalidation pushes, flushes).
//!
//! scripts/ensure-node.sh provides node and the packages.

use std::path::PathBuf;
use std::process::Command;

use resplite_tests::{RedisServer, Resplite};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// Runs one contract script against `addr`; its output ("N passed, 0 failed").
fn contract(node: &str, script: &str, addr: std::net::SocketAddr) -> String {
    let out = Command::new(node)
        .arg(repo().join("tests/node").join(script))
        .args([addr.ip().to_string(), addr.port().to_string()])
        .output()
        .expect("run bullmq_contract.mjs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{script} against {addr}:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
    stdout
}

/// node and the packages, installed when missing (once per test process:
/// two `npm ci` at once in one directory break each other); the path of node.
fn ensure_node() -> String {
    static NODE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    NODE.get_or_init(|| {
        let out = Command::new(repo().join("scripts/ensure-node.sh"))
            .output()
            .expect("run scripts/ensure-node.sh");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    })
    .clone()
}

/// The script's output against redis-server and against resplite.
async fn both(script: &str) -> (String, String) {
    let node = ensure_node();
    let redis = RedisServer::start().await;
    let theirs = contract(&node, script, redis.addr);
    let server = Resplite::start();
    let ours = contract(&node, script, server.addr);
    (theirs, ours)
}

/// BullMQ's scripts call XADD and QueueEvents reads with XREAD BLOCK.
#[tokio::test]
async fn bullmq_processes_jobs_against_redis_and_resplite() {
    let (theirs, ours) = both("bullmq_contract.mjs").await;
    assert_eq!(ours, theirs);
}

/// The sharded socket.io adapter joins servers through shard channels.
#[tokio::test]
async fn socketio_sharded_adapter_against_redis_and_resplite() {
    let (theirs, ours) = both("socketio_sharded_contract.mjs").await;
    assert_eq!(ours, theirs);
}

/// node-redis' client-side cache serves reads locally until invalidated.
#[tokio::test]
async fn node_redis_client_side_cache_against_redis_and_resplite() {
    let (theirs, ours) = both("csc_contract.mjs").await;
    assert_eq!(ours, theirs);
}
