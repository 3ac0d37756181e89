//! Test harness: start the real `resplite` binary and a real `redis-server` on
//! free loopback ports, talk to them with the `redis` crate or a raw RESP client.
//! Every process started here is killed when its handle drops.

pub mod diff;
pub mod migrate;
pub mod resp3;
pub mod values;

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use bytes::BytesMut;
use redis_protocol::resp2::decode::decode_bytes_mut;
use redis_protocol::resp2::types::BytesFrame;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The `resplite` binary cargo built next to this test executable.
pub fn binary() -> PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    // target/<profile>/deps/<test>-<hash> -> target/<profile>/resplite
    let dir = exe.parent().and_then(Path::parent).expect("target dir");
    let bin = dir.join("resplite");
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build -p resplite` (scripts/test.sh does)",
        bin.display()
    );
    bin
}

/// A `kB` field of `/proc/<pid>/status`.
fn proc_status_kb(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .expect("proc status")
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("{field} in /proc/{pid}/status"))
}

/// A running `resplite run` process with its own database directory.
pub struct Resplite {
    child: Option<Child>,
    pub addr: SocketAddr,
    pub db: PathBuf,
    extra: Vec<String>,
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    _dir: Option<tempfile::TempDir>,
}

impl Resplite {
    /// A fresh server on a fresh database.
    pub fn start() -> Resplite {
        Self::start_with(&[])
    }

    pub fn start_with(extra: &[&str]) -> Resplite {
        Self::start_with_env(extra, &[])
    }

    /// With extra flags and environment variables.
    pub fn start_with_env(extra: &[&str], env: &[(&str, &str)]) -> Resplite {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("test.db");
        let mut server = Self::spawn_env(&db, extra, env);
        server._dir = Some(dir);
        server
    }

    /// A fresh database prepared with plain SQL (the documented schema already
    /// created), then a server on it. For keys of types no command creates yet
    /// and for files written by other programs.
    pub fn start_seeded(seed: impl FnOnce(&rusqlite::Connection)) -> Resplite {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("test.db");
        {
            let engine = resplite_core::engine::SqliteEngine::open(
                &db,
                resplite_core::engine::PragmaTemplate::Default,
            )
            .expect("create schema");
            seed(engine.connection());
        }
        let mut server = Self::spawn(&db, &[]);
        server._dir = Some(dir);
        server
    }

    /// A server on an existing database file (kept when the server stops).
    pub fn on_db(db: &Path, extra: &[&str]) -> Resplite {
        Self::spawn(db, extra)
    }

    fn spawn(db: &Path, extra: &[&str]) -> Resplite {
        Self::spawn_env(db, extra, &[])
    }

    fn spawn_env(db: &Path, extra: &[&str], env: &[(&str, &str)]) -> Resplite {
        let mut child = Command::new(binary())
            .args(["run", "--port", "0", "--db"])
            .arg(db)
            .args(extra)
            .envs(env.iter().copied())
            .env("RUST_LOG", "info")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn resplite");
        let stderr = child.stderr.take().expect("stderr");
        let (tx, rx) = mpsc::channel();
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let kept = log.clone();
        // Read the log until the ready line names the port; keep draining after
        // so the child never blocks on a full pipe (the last lines are kept).
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                {
                    let mut kept = kept.lock().expect("log lock");
                    if kept.len() >= 10_000 {
                        kept.drain(..5_000);
                    }
                    kept.push(line.clone());
                }
                if let Some(addr) = line.split("addr=").nth(1) {
                    if let (Some(tx), Ok(addr)) = (tx.take(), addr.trim().parse::<SocketAddr>()) {
                        let _ = tx.send(addr);
                    }
                }
                if std::env::var_os("RESPLITE_TEST_LOG").is_some() {
                    eprintln!("[resplite] {line}");
                }
            }
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("resplite did not report its address");
        Resplite {
            child: Some(child),
            addr,
            db: db.to_path_buf(),
            extra: extra.iter().map(|s| s.to_string()).collect(),
            log,
            _dir: None,
        }
    }

    /// The server's log lines so far (the last 5,000 at least).
    pub fn log(&self) -> Vec<String> {
        self.log.lock().expect("log lock").clone()
    }

    /// The log once `n` of its lines satisfy `matches` (or after 10 s): a
    /// line is written before the reply it concerns, but reaches this
    /// process through a pipe and a reader thread, possibly after the reply.
    pub async fn log_when(&self, n: usize, matches: impl Fn(&str) -> bool) -> Vec<String> {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        loop {
            let log = self.log();
            if log.iter().filter(|l| matches(l)).count() >= n
                || std::time::Instant::now() > deadline
            {
                return log;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
    }

    pub fn url(&self) -> String {
        format!("redis://{}/", self.addr)
    }

    /// The server's resident memory now (`VmRSS`), in kB.
    pub fn rss_kb(&self) -> u64 {
        proc_status_kb(self.pid(), "VmRSS")
    }

    /// The server's peak resident memory (`VmHWM`), in kB.
    pub fn peak_rss_kb(&self) -> u64 {
        proc_status_kb(self.pid(), "VmHWM")
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    pub async fn client(&self) -> redis::aio::MultiplexedConnection {
        connect(&self.url()).await
    }

    pub async fn raw(&self) -> RawClient {
        RawClient::connect(self.addr).await
    }

    /// SIGTERM and wait: the graceful path. Returns how the process exited.
    pub fn stop(&mut self) -> Option<std::process::ExitStatus> {
        let mut child = self.child.take()?;
        // SAFETY: kill(2) on the pid of a child we own and have not reaped.
        unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
        child.wait().ok()
    }

    /// Waits for the server to exit on its own (after SHUTDOWN); `None` if it
    /// is still running after `limit`, and then it is killed.
    pub fn wait_exit(&mut self, limit: std::time::Duration) -> Option<std::process::ExitStatus> {
        let mut child = self.child.take()?;
        let pid = child.id();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(child.wait());
        });
        match rx.recv_timeout(limit) {
            Ok(status) => status.ok(),
            Err(_) => {
                // SAFETY: kill(2) on our child's pid; the waiting thread reaps it.
                unsafe { libc::kill(pid as i32, libc::SIGKILL) };
                None
            }
        }
    }

    /// SIGKILL and wait: a crash.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Stops (gracefully) and starts again on the same database.
    pub fn restart(&mut self) {
        self.stop();
        self.start_again();
    }

    /// Starts a stopped or killed server again on the same database.
    pub fn start_again(&mut self) {
        let extra: Vec<&str> = self.extra.iter().map(String::as_str).collect();
        let mut next = Self::spawn(&self.db, &extra);
        self.child = next.child.take();
        self.addr = next.addr;
        self.log = next.log.clone();
    }

    pub fn is_running(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|c| matches!(c.try_wait(), Ok(None)))
    }
}

impl Drop for Resplite {
    fn drop(&mut self) {
        self.kill();
    }
}

pub async fn connect(url: &str) -> redis::aio::MultiplexedConnection {
    // The crate's default gives a reply 500 ms: a big pipeline to a debug
    // build on a loaded 2-core machine takes longer. A hang still fails.
    let config =
        redis::AsyncConnectionConfig::new().set_response_timeout(Some(Duration::from_secs(30)));
    redis::Client::open(url)
        .expect("client")
        .get_multiplexed_async_connection_with_config(&config)
        .await
        .expect("connect")
}

/// A free loopback port (bound, then released for the child to take).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

/// A real, in-memory `redis-server` (no persistence), the semantic oracle.
pub struct RedisServer {
    child: Child,
    pub addr: SocketAddr,
    /// Its working directory: a test's SAVE or BGREWRITEAOF writes here,
    /// not into the checkout.
    _dir: tempfile::TempDir,
}

impl RedisServer {
    pub async fn start() -> RedisServer {
        Self::start_with(&[])
    }

    /// With extra `redis-server` arguments (`--databases 1`, ...).
    pub fn start_with(extra: &[&str]) -> RedisServer {
        let port = free_port();
        let dir = tempfile::tempdir().expect("temp dir");
        let mut child = Command::new("redis-server")
            .current_dir(dir.path())
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server must be installed (scripts/test.sh installs it)");
        let stdout = child.stdout.take().expect("stdout");
        // Owned by the handle from here on: any failure below still kills it.
        let server = RedisServer {
            child,
            addr: ([127, 0, 0, 1], port).into(),
            _dir: dir,
        };
        let (tx, rx) = mpsc::channel();
        // Wait for redis' own ready line; keep draining the pipe after it.
        std::thread::spawn(move || {
            let mut tx = Some(tx);
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line.contains("Ready to accept connections") {
                    if let Some(tx) = tx.take() {
                        let _ = tx.send(());
                    }
                }
            }
        });
        rx.recv_timeout(Duration::from_secs(30))
            .expect("redis-server did not become ready");
        server
    }

    pub fn url(&self) -> String {
        format!("redis://{}/", self.addr)
    }

    pub async fn raw(&self) -> RawClient {
        RawClient::connect(self.addr).await
    }
}

/// SQLite's `PRAGMA integrity_check` of a database file answers `ok`.
pub fn assert_integrity(db: &Path) {
    let check: String = rusqlite::Connection::open(db)
        .expect("open")
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity_check");
    assert_eq!(check, "ok", "{}", db.display());
}

/// A Redis Cluster of `n` primaries (no replicas) on free loopback ports,
/// created with `redis-cli --cluster create`; stopped on drop.
pub struct RedisCluster {
    pub nodes: Vec<RedisServer>,
    _dir: tempfile::TempDir,
}

impl RedisCluster {
    pub async fn start(n: usize) -> RedisCluster {
        let dir = tempfile::tempdir().expect("temp dir");
        let nodes: Vec<RedisServer> = (0..n)
            .map(|i| {
                let conf = dir.path().join(format!("nodes-{i}.conf"));
                RedisServer::start_with(&[
                    "--cluster-enabled",
                    "yes",
                    "--cluster-config-file",
                    conf.to_str().expect("utf-8 path"),
                    "--dir",
                    dir.path().to_str().expect("utf-8 path"),
                ])
            })
            .collect();
        let addrs: Vec<String> = nodes.iter().map(|n| n.addr.to_string()).collect();
        let out = Command::new("redis-cli")
            .args(["--cluster", "create"])
            .args(&addrs)
            .args(["--cluster-replicas", "0", "--cluster-yes"])
            .output()
            .expect("redis-cli");
        assert!(
            out.status.success(),
            "redis-cli --cluster create: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        // Every node must know the whole slot map before clients use it;
        // gossip has no event to wait on, so poll with a deadline.
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        for node in &nodes {
            let mut c = connect(&node.url()).await;
            loop {
                let info: String = redis::cmd("CLUSTER")
                    .arg("INFO")
                    .query_async(&mut c)
                    .await
                    .expect("CLUSTER INFO");
                if info.contains("cluster_state:ok") {
                    break;
                }
                assert!(
                    std::time::Instant::now() < deadline,
                    "cluster not ok: {info}"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        RedisCluster { nodes, _dir: dir }
    }

    /// Keys on all primaries together.
    pub async fn dbsize(&self) -> i64 {
        let mut total = 0;
        for node in &self.nodes {
            let mut c = connect(&node.url()).await;
            total += redis::cmd("DBSIZE")
                .query_async::<i64>(&mut c)
                .await
                .expect("DBSIZE");
        }
        total
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A minimal RESP2 client that returns replies as frames decoded by the
/// independent redis-protocol crate: what the wire says, byte for byte.
pub struct RawClient {
    stream: TcpStream,
    buf: BytesMut,
}

impl RawClient {
    pub async fn connect(addr: SocketAddr) -> RawClient {
        RawClient {
            stream: TcpStream::connect(addr).await.expect("connect"),
            buf: BytesMut::new(),
        }
    }

    /// Connects from a chosen local address (127.0.0.2 plays a remote client:
    /// Linux routes all of 127.0.0.0/8 to loopback).
    pub async fn connect_from(local: std::net::IpAddr, addr: SocketAddr) -> RawClient {
        let socket = match local {
            std::net::IpAddr::V4(_) => tokio::net::TcpSocket::new_v4(),
            std::net::IpAddr::V6(_) => tokio::net::TcpSocket::new_v6(),
        }
        .expect("socket");
        socket
            .bind((local, 0).into())
            .expect("bind the local address");
        RawClient {
            stream: socket.connect(addr).await.expect("connect"),
            buf: BytesMut::new(),
        }
    }

    /// Everything the server sends until it closes the connection (at most
    /// 10 s), undecoded.
    pub async fn read_to_close(mut self) -> Vec<u8> {
        let mut out = self.buf.to_vec();
        let _ = tokio::time::timeout(Duration::from_secs(10), self.stream.read_to_end(&mut out))
            .await
            .expect("the server closes the connection");
        out
    }

    /// Closes the sending side only (`shutdown(SHUT_WR)`), as `nc` does at the
    /// end of its input; replies can still be read.
    pub async fn half_close(&mut self) {
        self.stream.shutdown().await.expect("shutdown");
    }

    /// Sends raw bytes as they are.
    pub async fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).await.expect("write");
    }

    /// Sends one command as a multibulk request and reads its reply.
    pub async fn call<A: AsRef<[u8]>>(&mut self, args: &[A]) -> BytesFrame {
        self.send(&encode_command(args)).await;
        self.read().await.expect("reply")
    }

    /// Hangs up (half-close), then drains what the server had already sent:
    /// the first reply found, if any.
    pub async fn close_and_drain(mut self) -> Option<BytesFrame> {
        let _ = self.stream.shutdown().await;
        let first = self.read().await;
        while self.read().await.is_some() {}
        first
    }

    /// Reads one reply; `None` if the server closed the connection.
    pub async fn read(&mut self) -> Option<BytesFrame> {
        loop {
            if let Some((frame, _, _)) = decode_bytes_mut(&mut self.buf).expect("valid RESP") {
                return Some(frame);
            }
            let n =
                tokio::time::timeout(Duration::from_secs(30), self.stream.read_buf(&mut self.buf))
                    .await
                    .expect("reply within 30s")
                    .ok()?;
            if n == 0 {
                return None;
            }
        }
    }
}

/// Waits (bounded) until the server at `addr` reports `n` blocked clients:
/// a waiter's command arrived and blocked, so what follows cannot overtake it.
pub async fn wait_blocked(addr: SocketAddr, n: usize) {
    let mut c = RawClient::connect(addr).await;
    let want = format!("blocked_clients:{n}");
    for _ in 0..1000 {
        if let BytesFrame::BulkString(info) = c.call(&["INFO", "clients"]).await {
            if String::from_utf8_lossy(&info)
                .lines()
                .any(|l| l.trim() == want)
            {
                return;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    panic!("never saw {want}");
}

/// The RESP multibulk encoding of a command.
pub fn encode_command<A: AsRef<[u8]>>(args: &[A]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        let a = a.as_ref();
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Inserts a hash key through the documented schema (type 2).
pub fn seed_hash(conn: &rusqlite::Connection, key: &[u8]) {
    conn.execute(
        "INSERT INTO redis_keys (db, key, type, count) VALUES (0, ?1, 2, 1)",
        [key],
    )
    .expect("seed key");
    conn.execute(
        "INSERT INTO redis_hashes (id, h, field, value) \
         VALUES (last_insert_rowid(), resplite_hash(x'66'), x'66', x'76')",
        [],
    )
    .expect("seed field");
}

/// Runs a command with the redis crate.
pub async fn q<T: redis::FromRedisValue>(
    con: &mut redis::aio::MultiplexedConnection,
    args: &[&[u8]],
) -> redis::RedisResult<T> {
    let mut cmd = redis::cmd(std::str::from_utf8(args[0]).expect("ascii name"));
    for a in &args[1..] {
        cmd.arg(*a);
    }
    cmd.query_async(con).await
}

/// Runs a command expected to fail; returns the error line as Redis sent it
/// (`WRONGTYPE Operation against ...`, `ERR syntax error`).
pub async fn q_err(con: &mut redis::aio::MultiplexedConnection, args: &[&[u8]]) -> String {
    match q::<redis::Value>(con, args).await {
        Ok(v) => panic!(
            "expected an error from {:?}, got {v:?}",
            String::from_utf8_lossy(args[0])
        ),
        Err(e) => format!("{} {}", e.code().unwrap_or("?"), e.detail().unwrap_or("")),
    }
}

pub const WRONGTYPE: &str = "WRONGTYPE Operation against a key holding the wrong kind of value";
