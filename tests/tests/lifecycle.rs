//! The process around the data: graceful shutdown (by signal and by
//! SHUTDOWN), client limits, pragma templates, bad command lines.

use std::process::{Command, Stdio};

use resplite_tests::{binary, q, RedisServer, Resplite};

#[tokio::test]
async fn sigterm_finishes_checkpoints_and_exits_cleanly() {
    let mut server = Resplite::start();
    let mut c = server.client().await;
    for i in 0..200 {
        let _: () = q(&mut c, &[b"SET", format!("k{i}").as_bytes(), b"v"])
            .await
            .unwrap();
    }
    let wal = server.db.with_extension("db-wal");
    assert!(
        wal.exists() && wal.metadata().unwrap().len() > 0,
        "writes go to the WAL first"
    );
    let status = server.stop().expect("exit status");
    assert!(status.success(), "{status:?}");
    // Checkpointed at shutdown: the WAL is empty (or removed on close).
    assert!(!wal.exists() || wal.metadata().unwrap().len() == 0);
    let conn = rusqlite::Connection::open(&server.db).unwrap();
    let n: i64 = conn
        .query_row("SELECT count(*) FROM redis_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 200);
}

/// `redis-cli shutdown` stops the server as SIGTERM does, with every write
/// kept; the refused forms answer as Redis'.
#[tokio::test]
async fn shutdown_command_stops_the_server_and_keeps_every_write() {
    let mut server = Resplite::start();
    let redis = RedisServer::start().await;
    let mut oracle = redis.raw().await;
    let mut ours = server.raw().await;
    for line in [
        "SHUTDOWN ABORT",
        "SHUTDOWN SAVE NOSAVE",
        "SHUTDOWN FOO",
        "SHUTDOWN NOW ABORT",
        "MULTI",
        "SHUTDOWN",
        "EXEC",
    ] {
        let args: Vec<&str> = line.split(' ').collect();
        assert_eq!(ours.call(&args).await, oracle.call(&args).await, "{line}");
    }
    let mut c = server.client().await;
    for i in 0..100 {
        let _: () = q(&mut c, &[b"SET", format!("k{i}").as_bytes(), b"v"])
            .await
            .unwrap();
    }
    let port = server.addr.port().to_string();
    let out = Command::new("redis-cli")
        .args(["-p", &port, "shutdown", "nosave"])
        .output()
        .expect("redis-cli runs");
    assert!(out.status.success(), "{out:?}");
    assert!(out.stdout.is_empty(), "no reply, as Redis: {out:?}");
    let status = server
        .wait_exit(std::time::Duration::from_secs(30))
        .expect("the server exits by itself");
    assert!(status.success(), "{status:?}");
    server.start_again();
    let mut c = server.client().await;
    let n: i64 = q(&mut c, &[b"DBSIZE"]).await.unwrap();
    assert_eq!(n, 100);
}

#[tokio::test]
async fn maxclients_refuses_the_extra_client_and_serves_the_others() {
    let server = Resplite::start_with(&["--maxclients", "2"]);
    let mut a = server.raw().await;
    let mut b = server.raw().await;
    assert_eq!(
        a.call(&["PING"]).await,
        redis_protocol::resp2::types::BytesFrame::SimpleString("PONG".into())
    );
    assert_eq!(
        b.call(&["PING"]).await,
        redis_protocol::resp2::types::BytesFrame::SimpleString("PONG".into())
    );
    let mut extra = server.raw().await;
    assert_eq!(
        extra.read().await,
        Some(redis_protocol::resp2::types::BytesFrame::Error(
            "ERR max number of clients reached".into()
        ))
    );
    assert_eq!(extra.read().await, None, "refused connection is closed");
    drop(a);
    // The freed slot is reusable (the server notices the close asynchronously).
    let mut again = None;
    for _ in 0..100 {
        let mut c = server.raw().await;
        c.send(&resplite_tests::encode_command(&["PING"])).await;
        if c.read().await
            == Some(redis_protocol::resp2::types::BytesFrame::SimpleString(
                "PONG".into(),
            ))
        {
            again = Some(c);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(again.is_some(), "a slot frees up when a client leaves");
}

#[tokio::test]
async fn every_pragma_template_serves() {
    for template in resplite_core::engine::PragmaTemplate::NAMES {
        let server = Resplite::start_with(&["--pragma-template", template]);
        let mut c = server.client().await;
        let _: () = q(&mut c, &[b"SET", b"k", b"v"]).await.unwrap();
        assert_eq!(
            q::<String>(&mut c, &[b"GET", b"k"]).await.unwrap(),
            "v",
            "{template}"
        );
    }
}

#[test]
fn bad_command_lines_fail_with_one_clear_line() {
    let out = Command::new(binary())
        .args(["run", "--pragma-template", "fastest", "--port", "0"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown pragma template 'fastest' (known: default, performance, safety, minimal, none, litestream)"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(binary())
        .args(["run", "--port", "0", "--db"])
        .arg(dir.path().join("no/such/dir/x.db"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot open"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn requirepass_gates_every_data_command_until_auth() {
    let server = Resplite::start_with(&["--requirepass", "s3cret"]);
    let mut c = server.raw().await;
    for cmd in [
        &["GET", "k"][..],
        &["SET", "k", "v"],
        &["HSET", "h", "f", "v"],
        &["LPUSH", "l", "x"],
        &["SADD", "s", "m"],
        &["ZADD", "z", "1", "m"],
        &["BLPOP", "l", "0"],
        &["MULTI"],
        &["KEYS", "*"],
    ] {
        assert_eq!(
            c.call(cmd).await,
            redis_protocol::resp2::types::BytesFrame::Error(
                "NOAUTH Authentication required.".into()
            ),
            "{cmd:?}"
        );
    }
    assert_eq!(
        c.call(&["AUTH", "wrong"]).await,
        redis_protocol::resp2::types::BytesFrame::Error(
            "WRONGPASS invalid username-password pair or user is disabled.".into()
        )
    );
    assert_eq!(
        c.call(&["AUTH", "s3cret"]).await,
        redis_protocol::resp2::types::BytesFrame::SimpleString("OK".into())
    );
    assert_eq!(
        c.call(&["SET", "k", "v"]).await,
        redis_protocol::resp2::types::BytesFrame::SimpleString("OK".into())
    );
    // The redis crate authenticates from the URL.
    let url = format!("redis://:s3cret@{}/", server.addr);
    let mut authed = resplite_tests::connect(&url).await;
    assert_eq!(
        q::<String>(&mut authed, &[b"GET", b"k"]).await.unwrap(),
        "v"
    );
}

#[tokio::test]
async fn shutdown_completes_with_a_client_blocked_forever() {
    let mut server = Resplite::start();
    let mut blocked = server.raw().await;
    blocked
        .send(&resplite_tests::encode_command(&["BLPOP", "never", "0"]))
        .await;
    // Make sure it is blocked before stopping.
    let mut c = server.client().await;
    let mut seen = false;
    for _ in 0..500 {
        let info: String = q(&mut c, &[b"INFO", b"clients"]).await.unwrap();
        if info.lines().any(|l| l.trim() == "blocked_clients:1") {
            seen = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    assert!(seen);
    let started = std::time::Instant::now();
    let status = server.stop().expect("exit status");
    assert!(status.success(), "{status:?}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        blocked.read().await,
        None,
        "the blocked client is disconnected"
    );
}

#[tokio::test]
async fn save_checkpoints_the_wal() {
    let server = Resplite::start();
    let mut c = server.client().await;
    for i in 0..100 {
        let _: () = q(&mut c, &[b"SET", format!("k{i}").as_bytes(), b"v"])
            .await
            .unwrap();
    }
    let wal = server.db.with_extension("db-wal");
    assert!(wal.metadata().unwrap().len() > 0);
    let before: i64 = q(&mut c, &[b"LASTSAVE"]).await.unwrap();
    assert_eq!(q::<String>(&mut c, &[b"SAVE"]).await.unwrap(), "OK");
    // The checkpoint runs right after the group commits; a PING round trip
    // through the same storage thread orders us after it.
    let _: String = q(&mut c, &[b"PING"]).await.unwrap();
    assert_eq!(
        wal.metadata().unwrap().len(),
        0,
        "WAL truncated by the checkpoint"
    );
    assert!(q::<i64>(&mut c, &[b"LASTSAVE"]).await.unwrap() >= before);
}

#[tokio::test]
async fn idle_clients_are_closed_after_timeout() {
    let server = Resplite::start();
    let mut admin = server.client().await;
    let _: () = q(&mut admin, &[b"CONFIG", b"SET", b"timeout", b"1"])
        .await
        .unwrap();
    let mut idle = server.raw().await;
    assert_eq!(
        idle.call(&["PING"]).await,
        redis_protocol::resp2::types::BytesFrame::SimpleString("PONG".into())
    );
    let started = std::time::Instant::now();
    assert_eq!(idle.read().await, None, "idle connection closed");
    let waited = started.elapsed();
    assert!(
        waited >= std::time::Duration::from_millis(900)
            && waited < std::time::Duration::from_secs(5),
        "{waited:?}"
    );
    // A fresh client is served (the idle admin connection was closed as well).
    let mut fresh = server.raw().await;
    assert_eq!(
        fresh.call(&["PING"]).await,
        redis_protocol::resp2::types::BytesFrame::SimpleString("PONG".into())
    );
}
