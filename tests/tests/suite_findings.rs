//! Mismatches Redis' own test suite found (docs/CONFORMANCE.md), each run
//! against resplite and redis-server with the same bytes.

use std::net::SocketAddr;

use redis_protocol::resp2::types::BytesFrame;
use resplite_tests::{encode_command, wait_blocked, RawClient, RedisServer, Resplite};

/// Runs `scenario` on both servers; the transcripts must be equal.
async fn same<F, Fut>(scenario: F)
where
    F: Fn(SocketAddr) -> Fut,
    Fut: std::future::Future<Output = Vec<BytesFrame>>,
{
    let ours = Resplite::start();
    let redis = RedisServer::start().await;
    let (a, b) = (scenario(ours.addr).await, scenario(redis.addr).await);
    assert_eq!(a, b, "resplite (left) vs redis (right)");
}

#[tokio::test]
async fn nothing_pipelined_after_quit_runs() {
    same(|addr| async move {
        let mut c = RawClient::connect(addr).await;
        let mut bytes = encode_command(&["SET", "k", "before"]);
        bytes.extend(encode_command(&["QUIT"]));
        bytes.extend(encode_command(&["SET", "k", "after"]));
        c.send(&bytes).await;
        let _ = c.read_to_close().await;
        let mut check = RawClient::connect(addr).await;
        vec![check.call(&["GET", "k"]).await]
    })
    .await;
}

#[tokio::test]
async fn pubsub_confirmations_pass_client_reply_off() {
    same(|addr| async move {
        // Redis lets pub/sub replies through in RESP2 as in RESP3 (the
        // suite's test uses RESP3, which this harness does not decode).
        let mut c = RawClient::connect(addr).await;
        let mut out = Vec::new();
        c.send(&encode_command(&["CLIENT", "REPLY", "OFF"])).await;
        c.send(&encode_command(&["SUBSCRIBE", "ch"])).await;
        out.push(c.read().await.expect("subscribe confirmation"));
        let mut other = RawClient::connect(addr).await;
        out.push(other.call(&["PUBLISH", "ch", "hi"]).await);
        out.push(c.read().await.expect("message"));
        c.send(&encode_command(&["CLIENT", "REPLY", "SKIP"])).await;
        c.send(&encode_command(&["UNSUBSCRIBE", "ch"])).await;
        out.push(c.read().await.expect("unsubscribe confirmation"));
        out
    })
    .await;
}

/// CLIENT REPLY ON right after SKIP is answered (it is the command the SKIP
/// applied to, but it turns replies back on first).
#[tokio::test]
async fn client_reply_on_after_skip_is_answered() {
    same(|addr| async move {
        let mut c = RawClient::connect(addr).await;
        c.send(&encode_command(&["CLIENT", "REPLY", "SKIP"])).await;
        c.send(&encode_command(&["CLIENT", "REPLY", "ON"])).await;
        let on = c.read().await.expect("reply to CLIENT REPLY ON");
        vec![on, c.call(&["PING"]).await]
    })
    .await;
}

#[tokio::test]
async fn incrbyfloat_checks_the_type_before_its_argument() {
    same(|addr| async move {
        let mut c = RawClient::connect(addr).await;
        vec![
            c.call(&["RPUSH", "list", "a"]).await,
            c.call(&["INCRBYFLOAT", "list", "notanumber"]).await,
            c.call(&["SET", "s", "abc"]).await,
            c.call(&["INCRBYFLOAT", "s", "notanumber"]).await,
            c.call(&["INCRBYFLOAT", "missing", "notanumber"]).await,
        ]
    })
    .await;
}

/// A blocked BRPOPLPUSH served into a destination of the wrong type gets
/// WRONGTYPE, and the element stays where it was; a BLPOP whose key became a
/// string waits on.
#[tokio::test]
async fn blocked_move_into_wrong_type_is_answered() {
    same(|addr| async move {
        let mut admin = RawClient::connect(addr).await;
        let mut out = vec![admin.call(&["SET", "target", "nolist"]).await];
        let mut rd = RawClient::connect(addr).await;
        rd.send(&encode_command(&["BRPOPLPUSH", "blist", "target", "0"]))
            .await;
        wait_blocked(addr, 1).await;
        out.push(admin.call(&["RPUSH", "blist", "foo"]).await);
        out.push(rd.read().await.expect("an answer"));
        out.push(admin.call(&["LRANGE", "blist", "0", "-1"]).await);

        let mut popper = RawClient::connect(addr).await;
        popper.send(&encode_command(&["BLPOP", "other", "0"])).await;
        wait_blocked(addr, 1).await;
        out.push(admin.call(&["SET", "other", "x"]).await);
        out.push(admin.call(&["DEL", "other"]).await);
        out.push(admin.call(&["RPUSH", "other", "v"]).await);
        out.push(popper.read().await.expect("served after the push"));
        out
    })
    .await;
}
