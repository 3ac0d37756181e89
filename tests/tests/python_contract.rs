//! The Python `redis` package (PyPI) against the real binary: runs
//! tests/python/contract.py (strings, hashes, lists, sets, zsets, pipelines,
//! transactions, pub/sub, RESP3, scripting: register_script, Lock, functions)
//! first against a real redis-server, so the script's expectations are
//! Redis', then against resplite; and tests/python/celery_contract.py (a real
//! Celery worker on the Redis broker and result backend) the same way.
//! scripts/ensure-python.sh provides the interpreter (a .venv with `redis`).

use std::path::PathBuf;
use std::process::Command;

use resplite_tests::{RedisServer, Resplite};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn python() -> PathBuf {
    let out = Command::new(repo().join("scripts/ensure-python.sh"))
        .output()
        .expect("run scripts/ensure-python.sh");
    assert!(
        out.status.success(),
        "scripts/ensure-python.sh failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
}

fn run_script(python: &PathBuf, script: &str, addr: std::net::SocketAddr) -> String {
    run_script_with(python, script, addr, &[])
}

fn run_script_with(
    python: &PathBuf,
    script: &str,
    addr: std::net::SocketAddr,
    extra: &[&str],
) -> String {
    let out = Command::new(python)
        .arg(repo().join("tests/python").join(script))
        .args([addr.ip().to_string(), addr.port().to_string()])
        .args(extra)
        .output()
        .expect("run contract.py");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{script} against {addr}:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
    stdout
}

/// Runs `script` against a real redis-server, then against resplite: the same
/// output (the same checks passed) from both.
async fn against_both(script: &str) {
    let python = python();
    let redis = RedisServer::start().await;
    let theirs = run_script(&python, script, redis.addr);
    let server = Resplite::start();
    let ours = run_script(&python, script, server.addr);
    assert_eq!(ours, theirs);
}

#[tokio::test]
async fn redis_py_contract_holds_against_redis_and_resplite() {
    against_both("contract.py").await;
}

#[tokio::test]
async fn celery_worker_runs_tasks_against_redis_and_resplite() {
    against_both("celery_contract.py").await;
}

/// RQ 2 reads job results from streams (XREVRANGE) and writes them with XADD.
#[tokio::test]
async fn rq_worker_runs_jobs_against_redis_and_resplite() {
    against_both("rq_contract.py").await;
}

/// redis-py's RediSearch client (`redis.commands.search`) on resplite's hash
/// indexes, over RESP3 (redis-py 8's default) and RESP2. Debian's
/// redis-server has no RediSearch: the script asserts RediSearch's
/// documented results itself.
#[tokio::test]
async fn redis_py_search_client_works_on_hash_indexes() {
    let python = python();
    for protocol in [&[][..], &["2"]] {
        let server = Resplite::start();
        run_script_with(&python, "search_contract.py", server.addr, protocol);
    }
}
