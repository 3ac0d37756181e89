//! Redis' long tail of commands (TOUCH, SUBSTR, WAIT, ZINTERCARD's errors),
//! each against redis-server with the same bytes.

use std::time::{Duration, Instant};

use redis_protocol::resp2::types::BytesFrame;
use resplite_tests::{encode_command, wait_blocked, RawClient, RedisServer, Resplite};

#[tokio::test]
async fn touch_substr_wait_answer_like_redis() {
    let ours = Resplite::start();
    let redis = RedisServer::start().await;
    let mut a = RawClient::connect(ours.addr).await;
    let mut b = RawClient::connect(redis.addr).await;
    let script: &[&[&str]] = &[
        &["SET", "s", "hello world"],
        &["SET", "bin\u{0}key", "a\u{0}b\u{0}c"],
        &["RPUSH", "list", "x"],
        &["SET", "gone", "v", "PX", "1"],
        &["TOUCH", "s", "s", "missing", "list", "bin\u{0}key"],
        &["TOUCH"],
        &["SUBSTR", "s", "0", "4"],
        &["SUBSTR", "s", "-5", "-1"],
        &["SUBSTR", "s", "5", "2"],
        &["SUBSTR", "missing", "0", "10"],
        &["SUBSTR", "bin\u{0}key", "1", "3"],
        &["SUBSTR", "list", "0", "1"],
        &["SUBSTR", "s", "x", "1"],
        &["SUBSTR", "s", "0"],
        &["WAIT", "0", "0"],
        &["WAIT", "0", "10"],
        &["WAIT", "x", "0"],
        &["WAIT", "1", "-1"],
        &["WAIT", "1", "abc"],
        &["WAIT", "1"],
        &["MULTI"],
        &["WAIT", "1", "0"],
        &["EXEC"],
    ];
    for cmd in script {
        assert_eq!(a.call(cmd).await, b.call(cmd).await, "{cmd:?}");
    }
    // Their replies are integers and bulk strings, the same in RESP3.
    let mut c3 = ours.client().await;
    let _: redis::Value = resplite_tests::q(&mut c3, &[b"HELLO", b"3"]).await.unwrap();
    let n: i64 = resplite_tests::q(&mut c3, &[b"TOUCH", b"s"]).await.unwrap();
    assert_eq!(n, 1);
    // Survives a restart like any read: the key is on disk.
    drop(c3);
    let mut ours = ours;
    ours.restart();
    let mut a = RawClient::connect(ours.addr).await;
    assert_eq!(
        a.call(&["SUBSTR", "s", "0", "4"]).await,
        BytesFrame::BulkString("hello".into())
    );
}

/// WAIT for a replica that does not exist: answered 0 when the timeout
/// fires, and not before; with timeout 0, blocked until CLIENT UNBLOCK.
#[tokio::test]
async fn wait_without_replicas_times_out_with_zero() {
    let ours = Resplite::start();
    let mut c = RawClient::connect(ours.addr).await;
    let started = Instant::now();
    assert_eq!(c.call(&["WAIT", "1", "150"]).await, BytesFrame::Integer(0));
    assert!(started.elapsed() >= Duration::from_millis(150));

    let mut id_conn = RawClient::connect(ours.addr).await;
    let id = match id_conn.call(&["CLIENT", "ID"]).await {
        BytesFrame::Integer(n) => n,
        other => panic!("{other:?}"),
    };
    id_conn.send(&encode_command(&["WAIT", "2", "0"])).await;
    wait_blocked(ours.addr, 1).await;
    let mut admin = RawClient::connect(ours.addr).await;
    assert_eq!(
        admin.call(&["CLIENT", "UNBLOCK", &id.to_string()]).await,
        BytesFrame::Integer(1)
    );
    assert_eq!(id_conn.read().await, Some(BytesFrame::Integer(0)));
}
