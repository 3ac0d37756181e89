//! The Python `redis` package (PyPI) against the real binary: runs
//! tests/python/contract.py (strings, hashes, lists, sets, zsets, pipelines,
//! transactions, pub/sub, RESP3) first against a real redis-server, so the
//! script's expectations are Redis', then against resplite.
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

fn contract(python: &PathBuf, addr: std::net::SocketAddr) -> String {
    let out = Command::new(python)
        .arg(repo().join("tests/python/contract.py"))
        .args([addr.ip().to_string(), addr.port().to_string()])
        .output()
        .expect("run contract.py");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "contract.py against {addr}:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains(" passed, 0 failed"), "{stdout}");
    stdout
}

#[tokio::test]
async fn redis_py_contract_holds_against_redis_and_resplite() {
    let python = python();
    let redis = RedisServer::start().await;
    let theirs = contract(&python, redis.addr);
    let server = Resplite::start();
    let ours = contract(&python, server.addr);
    // Same script, same number of checks passed.
    assert_eq!(ours, theirs);
}
