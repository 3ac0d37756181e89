//! Client-side caching (CLIENT TRACKING) against the real binary, compared
//! frame for frame with a real redis-server: invalidation pushes in RESP3,
//! `__redis__:invalidate` messages through a RESP2 redirect, NOLOOP, OPTIN/
//! OPTOUT with CLIENT CACHING, BCAST prefixes, flushes, transactions, a
//! broken redirect, TRACKINGINFO/GETREDIR, and every option error.
//!
//! Pushes are read by sending PING afterwards: an invalidation caused by an
//! earlier command reaches the client before the PONG, in both servers.

use std::net::SocketAddr;

use resplite_tests::resp3::{show, Resp3Client};
use resplite_tests::{RedisServer, Resplite};

/// Everything `c` receives before the reply to a PING (`[pong, ]` for a
/// subscribed RESP2 client).
async fn until_pong(c: &mut Resp3Client) -> String {
    c.send(&["PING"]).await;
    let mut got = Vec::new();
    loop {
        let frame = show(&c.read().await.expect("frame"));
        if frame == "PONG" || frame == "[pong, ]" {
            return got.join(" | ");
        }
        got.push(frame);
    }
}

async fn resp3(addr: SocketAddr) -> Resp3Client {
    let mut c = Resp3Client::connect(addr).await;
    c.send(&["HELLO", "3"]).await;
    c.read().await.expect("HELLO");
    c
}

async fn id(c: &mut Resp3Client) -> String {
    show(&c.call(&["CLIENT", "ID"]).await)
}

/// One run of every scenario against `addr`; client ids replaced by names.
async fn scenario(addr: SocketAddr) -> Vec<String> {
    let mut out = Vec::new();
    let mut writer = Resp3Client::connect(addr).await;
    let mut log = |what: &str, got: String| out.push(format!("{what}: {got}"));

    // Default mode: a read key is invalidated once, then forgotten.
    let mut c = resp3(addr).await;
    log("on", show(&c.call(&["CLIENT", "TRACKING", "on"]).await));
    c.call(&["GET", "a"]).await;
    c.call(&["MGET", "b", "c\x00bin"]).await;
    writer.call(&["SET", "a", "1"]).await;
    log("set a", until_pong(&mut c).await);
    writer.call(&["SET", "a", "2"]).await;
    log("set a again", until_pong(&mut c).await);
    writer.call(&["DEL", "b", "c\x00bin", "nope"]).await;
    log("del", until_pong(&mut c).await);
    // Its own write: the reply, then the invalidation.
    c.call(&["GET", "own"]).await;
    c.send(&["SET", "own", "x"]).await;
    log(
        "own write",
        format!(
            "{} | {}",
            show(&c.read().await.unwrap()),
            until_pong(&mut c).await
        ),
    );
    // Not interleaved with a transaction's reply.
    c.call(&["GET", "t"]).await;
    c.call(&["MULTI"]).await;
    c.call(&["SET", "t", "1"]).await;
    c.call(&["GET", "t"]).await;
    c.send(&["EXEC"]).await;
    log(
        "exec",
        format!(
            "{} | {}",
            show(&c.read().await.unwrap()),
            until_pong(&mut c).await
        ),
    );
    // Writes of other types and expiry-setting commands invalidate too.
    c.call(&["HGET", "h", "f"]).await;
    c.call(&["LRANGE", "l", "0", "-1"]).await;
    writer.call(&["HSET", "h", "f", "v"]).await;
    writer.call(&["RPUSH", "l", "x"]).await;
    log("types", until_pong(&mut c).await);
    // FLUSHALL: every tracking client drops everything (a null).
    c.call(&["GET", "f"]).await;
    writer.call(&["FLUSHALL"]).await;
    log("flushall", until_pong(&mut c).await);
    log("info", show(&c.call(&["CLIENT", "TRACKINGINFO"]).await));
    log("getredir", show(&c.call(&["CLIENT", "GETREDIR"]).await));
    log("off", show(&c.call(&["CLIENT", "TRACKING", "off"]).await));
    c.call(&["GET", "gone"]).await;
    writer.call(&["SET", "gone", "1"]).await;
    log("after off", until_pong(&mut c).await);
    log("getredir off", show(&c.call(&["CLIENT", "GETREDIR"]).await));

    // NOLOOP: nothing about its own writes.
    log(
        "noloop",
        show(&c.call(&["CLIENT", "TRACKING", "on", "NOLOOP"]).await),
    );
    c.call(&["GET", "n"]).await;
    c.call(&["SET", "n", "1"]).await;
    log("noloop own", until_pong(&mut c).await);
    c.call(&["GET", "n2"]).await;
    writer.call(&["SET", "n2", "1"]).await;
    log("noloop other", until_pong(&mut c).await);
    c.call(&["CLIENT", "TRACKING", "off"]).await;

    // OPTIN: only reads after CLIENT CACHING yes.
    log(
        "optin",
        show(&c.call(&["CLIENT", "TRACKING", "on", "OPTIN"]).await),
    );
    c.call(&["GET", "o1"]).await;
    log(
        "caching yes",
        show(&c.call(&["CLIENT", "CACHING", "yes"]).await),
    );
    c.call(&["GET", "o2"]).await;
    c.call(&["GET", "o3"]).await;
    // CLIENT CACHING yes before MULTI covers the transaction.
    c.call(&["CLIENT", "CACHING", "yes"]).await;
    c.call(&["MULTI"]).await;
    c.call(&["GET", "o4"]).await;
    c.call(&["EXEC"]).await;
    writer
        .call(&["MSET", "o1", "1", "o2", "2", "o3", "3", "o4", "4"])
        .await;
    log("optin writes", until_pong(&mut c).await);
    log(
        "caching no in optin",
        show(&c.call(&["CLIENT", "CACHING", "no"]).await),
    );
    log(
        "info optin",
        show(&c.call(&["CLIENT", "TRACKINGINFO"]).await),
    );
    log(
        "switch",
        show(&c.call(&["CLIENT", "TRACKING", "on", "OPTOUT"]).await),
    );
    c.call(&["CLIENT", "TRACKING", "off"]).await;

    // OPTOUT: all reads but those after CLIENT CACHING no.
    log(
        "optout",
        show(&c.call(&["CLIENT", "TRACKING", "on", "OPTOUT"]).await),
    );
    c.call(&["CLIENT", "CACHING", "no"]).await;
    c.call(&["GET", "p1"]).await;
    c.call(&["GET", "p2"]).await;
    writer.call(&["MSET", "p1", "1", "p2", "2"]).await;
    log("optout writes", until_pong(&mut c).await);
    c.call(&["CLIENT", "TRACKING", "off"]).await;

    // BCAST: every key under the prefixes, once per command.
    log(
        "bcast",
        show(
            &c.call(&[
                "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "user:", "PREFIX", "job:",
            ])
            .await,
        ),
    );
    writer
        .call(&[
            "MSET", "user:1", "a", "other", "b", "job:2", "c", "user:3", "d",
        ])
        .await;
    log("bcast writes", until_pong(&mut c).await);
    log(
        "bcast info",
        show(&c.call(&["CLIENT", "TRACKINGINFO"]).await),
    );
    log(
        "bcast overlap",
        show(
            &c.call(&["CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "us"])
                .await,
        ),
    );
    log(
        "bcast switch",
        show(&c.call(&["CLIENT", "TRACKING", "on"]).await),
    );
    c.call(&["CLIENT", "TRACKING", "off"]).await;

    // REDIRECT to a RESP2 connection subscribed to __redis__:invalidate.
    let mut sub = Resp3Client::connect(addr).await;
    let sub_id = id(&mut sub).await;
    sub.send(&["SUBSCRIBE", "__redis__:invalidate"]).await;
    sub.read().await.expect("subscribed");
    let mut r = Resp3Client::connect(addr).await;
    log(
        "redirect",
        show(
            &r.call(&["CLIENT", "TRACKING", "on", "REDIRECT", &sub_id])
                .await,
        ),
    );
    log(
        "getredir",
        show(&r.call(&["CLIENT", "GETREDIR"]).await).replace(&sub_id, "SUB"),
    );
    r.call(&["GET", "rk"]).await;
    writer.call(&["SET", "rk", "1"]).await;
    log("redirected", until_pong(&mut sub).await);
    writer.call(&["FLUSHDB"]).await;
    log("redirected flush", until_pong(&mut sub).await);

    // The redirect target leaves: a RESP3 tracking client is told.
    let mut target = Resp3Client::connect(addr).await;
    let target_id = id(&mut target).await;
    let mut b = resp3(addr).await;
    b.call(&["CLIENT", "TRACKING", "on", "REDIRECT", &target_id])
        .await;
    b.call(&["GET", "bk"]).await;
    drop(target);
    // Wait for the server to see the hang-up.
    loop {
        let listed = show(&writer.call(&["CLIENT", "LIST", "ID", &target_id]).await);
        if listed.is_empty() {
            break;
        }
        tokio::task::yield_now().await;
    }
    writer.call(&["SET", "bk", "1"]).await;
    log(
        "broken",
        until_pong(&mut b).await.replace(&target_id, "TARGET"),
    );
    log(
        "broken info",
        show(&b.call(&["CLIENT", "TRACKINGINFO"]).await).replace(&target_id, "TARGET"),
    );

    // Option errors, in Redis' words.
    let writer_id = id(&mut writer).await;
    for cmd in [
        &["CLIENT", "TRACKING", "on", "PREFIX", "x"][..],
        &["CLIENT", "TRACKING", "on", "OPTIN", "OPTOUT"],
        &["CLIENT", "TRACKING", "on", "BCAST", "OPTIN"],
        &[
            "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "ab", "PREFIX", "a",
        ],
        &["CLIENT", "TRACKING", "on", "REDIRECT", "999999"],
        &["CLIENT", "TRACKING", "on", "REDIRECT", "x"],
        &[
            "CLIENT", "TRACKING", "on", "REDIRECT", "999999", "REDIRECT", "2",
        ],
        &["CLIENT", "TRACKING", "on", "REDIRECT", "-1"],
        &[
            "CLIENT", "TRACKING", "on", "REDIRECT", &writer_id, "REDIRECT", &writer_id,
        ],
        &["CLIENT", "TRACKING", "on", "WHAT", "REDIRECT", "999999"],
        &["CLIENT", "TRACKING", "off", "REDIRECT", "999999"],
        &["CLIENT", "TRACKING", "maybe"],
        &["CLIENT", "TRACKING", "on", "WHAT"],
        &["CLIENT", "TRACKING"],
        &["CLIENT", "CACHING", "yes"],
        &["CLIENT", "CACHING", "maybe"],
        &["CLIENT", "CACHING"],
        &["CLIENT", "TRACKINGINFO", "x"],
        &["CLIENT", "GETREDIR", "x"],
    ] {
        let named: Vec<&str> = cmd
            .iter()
            .map(|a| if *a == writer_id { "WRITER" } else { a })
            .collect();
        let what = named.join(" ");
        log(&what, show(&writer.call(cmd).await));
    }
    log(
        "info off",
        show(&writer.call(&["CLIENT", "TRACKINGINFO"]).await),
    );
    out
}

#[tokio::test]
async fn client_tracking_matches_redis() {
    let redis = RedisServer::start().await;
    let ours = Resplite::start();
    let want = scenario(redis.addr).await;
    let got = scenario(ours.addr).await;
    for (w, g) in want.iter().zip(&got) {
        assert_eq!(g, w, "resplite vs redis-server");
    }
    assert_eq!(got.len(), want.len());
    assert!(
        got.iter()
            .any(|l| l.starts_with("set a: >[invalidate, [a]]")),
        "{got:#?}"
    );
}

/// INFO's tracking fields and CLIENT LIST's flags follow the clients.
#[tokio::test]
async fn tracking_shows_in_info_and_client_list() {
    let ours = Resplite::start();
    let mut c = resp3(ours.addr).await;
    c.call(&["CLIENT", "TRACKING", "on"]).await;
    c.call(&["MGET", "a", "b", "c"]).await;
    let mut b = resp3(ours.addr).await;
    b.call(&[
        "CLIENT", "TRACKING", "on", "BCAST", "PREFIX", "x", "PREFIX", "y",
    ])
    .await;
    let mut admin = Resp3Client::connect(ours.addr).await;
    let info = show(&admin.call(&["INFO"]).await);
    for field in [
        "tracking_clients:2",
        "tracking_total_keys:3",
        "tracking_total_items:3",
        "tracking_total_prefixes:2",
    ] {
        assert!(info.contains(field), "{field} in {info}");
    }
    let list = show(&admin.call(&["CLIENT", "LIST"]).await);
    assert!(list.contains(" flags=t "), "{list}");
    assert!(list.contains(" flags=tB "), "{list}");
    assert!(list.contains(" redir=0 "), "{list}");
    // Leaving (or RESET) ends tracking.
    b.call(&["RESET"]).await;
    drop(c);
    loop {
        let info = show(&admin.call(&["INFO", "clients"]).await);
        if info.contains("tracking_clients:0") {
            break;
        }
        tokio::task::yield_now().await;
    }
    let info = show(&admin.call(&["INFO", "stats"]).await);
    assert!(info.contains("tracking_total_prefixes:0"), "{info}");
}

/// `tracking-table-max-keys`: past it, keys are forgotten and their clients
/// told, so the table stays bounded.
#[tokio::test]
async fn the_tracking_table_is_bounded() {
    let ours = Resplite::start();
    let mut c = resp3(ours.addr).await;
    c.call(&["CONFIG", "SET", "tracking-table-max-keys", "10"])
        .await;
    c.call(&["CLIENT", "TRACKING", "on"]).await;
    for i in 0..50 {
        c.send(&["GET", &format!("k{i}")]).await;
    }
    // 50 replies and 40 keys forgotten (each told once), at the latest
    // after the group of commands they came in.
    let frames = format!(
        "{} | {}",
        until_pong(&mut c).await,
        until_pong(&mut c).await
    );
    assert_eq!(frames.matches("nil").count(), 50, "{frames}");
    assert_eq!(frames.matches(">[invalidate, [k").count(), 40, "{frames}");
    let info = show(&c.call(&["INFO", "stats"]).await);
    assert!(info.contains("tracking_total_keys:10"), "{info}");
}

/// A flush's "all keys" null is written in the tracking client's protocol
/// (`$-1` or `_`), whatever the redirect target speaks, byte for byte as
/// redis-server writes it.
#[tokio::test]
async fn flush_nulls_follow_the_tracking_clients_protocol() {
    use tokio::io::AsyncReadExt;
    let redis = RedisServer::start().await;
    let ours = Resplite::start();
    let mut wire = Vec::new();
    for addr in [redis.addr, ours.addr] {
        let mut sub = Resp3Client::connect(addr).await;
        let sub_id = id(&mut sub).await;
        sub.call(&["SUBSCRIBE", "__redis__:invalidate"]).await;
        let mut two = Resp3Client::connect(addr).await;
        let mut three = resp3(addr).await;
        for c in [&mut two, &mut three] {
            c.call(&["CLIENT", "TRACKING", "on", "REDIRECT", &sub_id])
                .await;
            c.call(&["GET", "k"]).await;
        }
        let mut writer = Resp3Client::connect(addr).await;
        writer.call(&["FLUSHALL"]).await;
        sub.send(&["PING"]).await;
        let mut stream = sub.into_stream();
        let mut bytes = Vec::new();
        while !bytes.ends_with(b"$4\r\npong\r\n$0\r\n\r\n") {
            let mut buf = [0u8; 4096];
            let n = stream.read(&mut buf).await.expect("read");
            assert!(n > 0, "closed: {}", String::from_utf8_lossy(&bytes));
            bytes.extend_from_slice(&buf[..n]);
        }
        wire.push(String::from_utf8_lossy(&bytes).into_owned());
    }
    assert_eq!(wire[1], wire[0], "resplite vs redis-server");
    assert!(
        wire[0].contains("$-1\r\n") && wire[0].contains("_\r\n"),
        "{}",
        wire[0]
    );
}
