//! BullMQ (npm) against the real binary: tests/node/bullmq_contract.mjs (a
//! Queue, a Worker processing 100 jobs, a delayed job, retries, QueueEvents)
//! first against a real redis-server, then against resplite.
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

fn bullmq(node: &str, addr: std::net::SocketAddr) -> String {
    let out = Command::new(node)
        .arg(repo().join("tests/node/bullmq_contract.mjs"))
        .args([addr.ip().to_string(), addr.port().to_string()])
        .output()
        .expect("run bullmq_contract.mjs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "bullmq_contract.mjs against {addr}:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
    stdout
}

/// BullMQ's scripts call XADD and QueueEvents reads with XREAD BLOCK.
#[tokio::test]
async fn bullmq_processes_jobs_against_redis_and_resplite() {
    let out = Command::new(repo().join("scripts/ensure-node.sh"))
        .output()
        .expect("run scripts/ensure-node.sh");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let node = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let redis = RedisServer::start().await;
    let theirs = bullmq(&node, redis.addr);
    let server = Resplite::start();
    let ours = bullmq(&node, server.addr);
    assert_eq!(ours, theirs);
}
