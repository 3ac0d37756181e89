//! Streams end to end: blocking reads traced against redis-server, keyspace
//! events, a reader that vanishes with entries delivered, TTLs, and a
//! restart with groups, consumers and PELs (the commands' replies themselves
//! are compared with Redis in diff_streams.rs).

use std::net::SocketAddr;

use redis_protocol::resp2::types::BytesFrame;
use resplite_tests::{encode_command, wait_blocked, RawClient, RedisServer, Resplite};

async fn call(c: &mut RawClient, args: &[&str]) -> String {
    format!("{:?}", c.call(args).await)
}

/// XREAD BLOCK with `$`, two XREADGROUP waiters served in FIFO order, a
/// timeout, XGROUP DESTROY and DEL answering blocked group readers.
async fn blocking_trace(addr: SocketAddr) -> Vec<String> {
    let mut c = RawClient::connect(addr).await;
    let mut w1 = RawClient::connect(addr).await;
    let mut w2 = RawClient::connect(addr).await;
    let mut t = vec![call(&mut c, &["FLUSHALL"]).await];
    t.push(call(&mut c, &["XADD", "s", "1-1", "a", "1"]).await);
    // `$` means the last id when it blocked: the entry added later is served.
    w1.send(&encode_command(&[
        "XREAD", "BLOCK", "0", "STREAMS", "s", "$",
    ]))
    .await;
    wait_blocked(addr, 1).await;
    t.push(call(&mut c, &["XADD", "s", "2-1", "b", "2"]).await);
    t.push(format!("{:?}", w1.read().await));
    // FIFO: the first group reader gets the first entry.
    t.push(call(&mut c, &["XGROUP", "CREATE", "s", "g", "$"]).await);
    for (w, name) in [(&mut w1, "alice"), (&mut w2, "bob")] {
        w.send(&encode_command(&[
            "XREADGROUP",
            "GROUP",
            "g",
            name,
            "COUNT",
            "1",
            "BLOCK",
            "0",
            "STREAMS",
            "s",
            ">",
        ]))
        .await;
    }
    wait_blocked(addr, 2).await;
    t.push(call(&mut c, &["XADD", "s", "3-1", "c", "3"]).await);
    t.push(format!("{:?}", w1.read().await));
    t.push(call(&mut c, &["XADD", "s", "4-1", "d", "4"]).await);
    t.push(format!("{:?}", w2.read().await));
    t.push(call(&mut c, &["XPENDING", "s", "g"]).await);
    // A timeout answers a nil array.
    t.push(
        call(
            &mut w1,
            &[
                "XREADGROUP",
                "GROUP",
                "g",
                "alice",
                "BLOCK",
                "20",
                "STREAMS",
                "s",
                ">",
            ],
        )
        .await,
    );
    // The group goes: NOGROUP. The stream goes: UNBLOCKED.
    w1.send(&encode_command(&[
        "XREADGROUP",
        "GROUP",
        "g",
        "alice",
        "BLOCK",
        "0",
        "STREAMS",
        "s",
        ">",
    ]))
    .await;
    wait_blocked(addr, 1).await;
    t.push(call(&mut c, &["XGROUP", "DESTROY", "s", "g"]).await);
    t.push(format!("{:?}", w1.read().await));
    t.push(call(&mut c, &["XGROUP", "CREATE", "s", "g", "$"]).await);
    w2.send(&encode_command(&[
        "XREADGROUP",
        "GROUP",
        "g",
        "bob",
        "BLOCK",
        "0",
        "STREAMS",
        "s",
        ">",
    ]))
    .await;
    wait_blocked(addr, 1).await;
    t.push(call(&mut c, &["DEL", "s"]).await);
    t.push(format!("{:?}", w2.read().await));
    // Inside MULTI a blocking read answers at once.
    t.push(call(&mut c, &["MULTI"]).await);
    t.push(call(&mut c, &["XREAD", "BLOCK", "0", "STREAMS", "s", "$"]).await);
    t.push(call(&mut c, &["EXEC"]).await);
    t
}

#[tokio::test]
async fn blocking_reads_match_redis() {
    let redis = RedisServer::start().await;
    let ours = Resplite::start();
    let theirs = blocking_trace(redis.addr).await;
    assert!(theirs.iter().any(|l| l.contains("NOGROUP")), "{theirs:?}");
    assert_eq!(blocking_trace(ours.addr).await, theirs);
}

/// Keyspace events of the stream commands, as Redis publishes them.
async fn events_trace(addr: SocketAddr) -> Vec<String> {
    let mut sub = RawClient::connect(addr).await;
    let mut c = RawClient::connect(addr).await;
    call(&mut c, &["FLUSHALL"]).await;
    call(&mut c, &["CONFIG", "SET", "notify-keyspace-events", "KEA"]).await;
    sub.call(&["PSUBSCRIBE", "__key*@*__:*"]).await;
    sub.call(&["PSUBSCRIBE", "end"]).await;
    for args in [
        &["XADD", "s", "1-1", "a", "1"][..],
        &["XADD", "s", "MAXLEN", "1", "2-1", "b", "2"],
        &["XADD", "s", "1-1", "a", "1"],
        &["XDEL", "s", "2-1"],
        &["XDEL", "s", "2-1"],
        &["XADD", "s", "3-1", "c", "3"],
        &["XTRIM", "s", "MAXLEN", "0"],
        &["XSETID", "s", "9-9"],
        &["XGROUP", "CREATE", "s", "g", "$"],
        &["XGROUP", "CREATE", "m", "g", "$", "MKSTREAM"],
        &["XGROUP", "CREATECONSUMER", "s", "g", "alice"],
        &["XADD", "s", "10-1", "d", "4"],
        &["XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">"],
        &["XCLAIM", "s", "g", "carol", "0", "10-1"],
        &["XGROUP", "SETID", "s", "g", "0"],
        &["XGROUP", "DELCONSUMER", "s", "g", "alice"],
        &["XGROUP", "DESTROY", "s", "g"],
        &["EXPIRE", "s", "100"],
        &["RENAME", "s", "t"],
        &["DEL", "t"],
        &["PUBLISH", "end", "x"],
    ] {
        call(&mut c, args).await;
    }
    call(&mut c, &["CONFIG", "SET", "notify-keyspace-events", ""]).await;
    let mut out = Vec::new();
    loop {
        let msg = format!("{:?}", sub.read().await);
        if msg.contains("BulkString(b\"end\"), BulkString(b\"x\")") {
            return out;
        }
        out.push(msg);
    }
}

#[tokio::test]
async fn stream_keyspace_events_match_redis() {
    let redis = RedisServer::start().await;
    let ours = Resplite::start();
    let theirs = events_trace(redis.addr).await;
    assert!(theirs.iter().any(|e| e.contains("xgroup-createconsumer")));
    assert_eq!(events_trace(ours.addr).await, theirs);
}

fn int(frame: &BytesFrame) -> i64 {
    match frame {
        BytesFrame::Integer(n) => *n,
        other => panic!("not an integer: {other:?}"),
    }
}

/// A reader that hangs up: while blocked it leaves the waiters (the entry
/// goes to the next reader); once an entry was delivered to it, the entry stays in
/// its PEL and XAUTOCLAIM hands it to another consumer. No entry is lost.
#[tokio::test]
async fn entries_of_a_vanished_reader_stay_pending_and_can_be_claimed() {
    let ours = Resplite::start();
    let addr = ours.addr;
    let mut c = ours.raw().await;
    call(&mut c, &["XGROUP", "CREATE", "q", "g", "$", "MKSTREAM"]).await;

    let mut gone = ours.raw().await;
    gone.send(&encode_command(&[
        "XREADGROUP",
        "GROUP",
        "g",
        "gone",
        "BLOCK",
        "0",
        "STREAMS",
        "q",
        ">",
    ]))
    .await;
    wait_blocked(addr, 1).await;
    drop(gone);
    // The hang-up is noticed: the waiter leaves.
    wait_blocked(addr, 0).await;
    let mut next = ours.raw().await;
    next.send(&encode_command(&[
        "XREADGROUP",
        "GROUP",
        "g",
        "next",
        "BLOCK",
        "0",
        "STREAMS",
        "q",
        ">",
    ]))
    .await;
    wait_blocked(addr, 1).await;
    call(&mut c, &["XADD", "q", "1-1", "job", "1"]).await;
    let served = format!("{:?}", next.read().await);
    assert!(served.contains("1-1"), "{served}");

    // Delivered, then the client vanishes before reading its reply.
    call(&mut c, &["XADD", "q", "2-1", "job", "2"]).await;
    let mut vanishing = ours.raw().await;
    vanishing
        .send(&encode_command(&[
            "XREADGROUP",
            "GROUP",
            "g",
            "vanished",
            "STREAMS",
            "q",
            ">",
        ]))
        .await;
    drop(vanishing);
    let mut pending = 0;
    for _ in 0..2000 {
        let reply = c
            .call(&["XPENDING", "q", "g", "-", "+", "10", "vanished"])
            .await;
        if let BytesFrame::Array(rows) = reply {
            pending = rows.len();
            if pending == 1 {
                break;
            }
        }
        tokio::task::yield_now().await;
    }
    assert_eq!(pending, 1, "the delivered entry stays pending");
    let claimed = format!(
        "{:?}",
        c.call(&["XAUTOCLAIM", "q", "g", "rescuer", "0", "0"]).await
    );
    assert!(
        claimed.contains("2-1") && claimed.contains("job"),
        "{claimed}"
    );
    let summary = c.call(&["XPENDING", "q", "g"]).await;
    let BytesFrame::Array(parts) = summary else {
        panic!("{summary:?}")
    };
    assert_eq!(int(&parts[0]), 2, "1-1 (next) and 2-1 (rescuer)");
    assert!(format!("{:?}", parts[3]).contains("rescuer"));
}

/// A stream with groups, consumers and PELs survives a restart whole, and
/// one that expires leaves nothing behind in any stream table.
#[tokio::test]
async fn streams_survive_a_restart_and_expire_whole() {
    let mut ours = Resplite::start();
    let mut c = ours.raw().await;
    for i in 1..=50 {
        c.call(&[
            "XADD",
            "s",
            &format!("{i}-0"),
            "n",
            &i.to_string(),
            "bin",
            "\u{0}x",
        ])
        .await;
    }
    call(&mut c, &["XDEL", "s", "7-0"]).await;
    call(
        &mut c,
        &["XGROUP", "CREATE", "s", "g", "0", "ENTRIESREAD", "0"],
    )
    .await;
    call(&mut c, &["XGROUP", "CREATE", "s", "h", "$"]).await;
    call(
        &mut c,
        &[
            "XREADGROUP",
            "GROUP",
            "g",
            "a",
            "COUNT",
            "5",
            "STREAMS",
            "s",
            ">",
        ],
    )
    .await;
    call(
        &mut c,
        &[
            "XREADGROUP",
            "GROUP",
            "g",
            "b",
            "COUNT",
            "3",
            "STREAMS",
            "s",
            ">",
        ],
    )
    .await;
    call(&mut c, &["XACK", "s", "g", "2-0"]).await;
    let full = ["XINFO", "STREAM", "s", "FULL", "COUNT", "0"];
    let before = call(&mut c, &full).await;
    let range = call(&mut c, &["XRANGE", "s", "-", "+"]).await;
    drop(c);
    ours.restart();
    let mut c = ours.raw().await;
    assert_eq!(call(&mut c, &full).await, before);
    assert_eq!(call(&mut c, &["XRANGE", "s", "-", "+"]).await, range);
    assert_eq!(
        call(&mut c, &["TYPE", "s"]).await,
        "SimpleString(b\"stream\")"
    );

    // A TTL, then expiry: the key and every row of its stream go.
    call(&mut c, &["COPY", "s", "t"]).await;
    call(&mut c, &["PEXPIRE", "s", "1"]).await;
    let mut gone = false;
    for _ in 0..2000 {
        if int(&c.call(&["EXISTS", "s"]).await) == 0 {
            gone = true;
            break;
        }
        tokio::task::yield_now().await;
    }
    assert!(gone, "the stream expired");
    call(&mut c, &["DEL", "t"]).await;
    drop(c);
    let db = ours.db.clone();
    ours.stop();
    let conn = rusqlite::Connection::open(db).unwrap();
    for table in [
        "redis_streams",
        "redis_stream_entries",
        "redis_stream_nodes",
        "redis_stream_groups",
        "redis_stream_consumers",
        "redis_stream_pel",
    ] {
        let rows: i64 = conn
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 0, "{table} keeps rows of deleted streams");
    }
}
