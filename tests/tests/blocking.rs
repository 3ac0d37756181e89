//! Blocking pops against the real binary: FIFO fairness, timeouts, disconnects,
//! wrong types, MULTI, and a many-producer many-consumer run where every element
//! must be delivered exactly once or still be in a list at the end.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use redis_protocol::resp2::types::BytesFrame;
use resplite_tests::{encode_command, q, q_err, wait_blocked, RawClient, Resplite};

fn bulk(frame: &BytesFrame) -> Vec<u8> {
    match frame {
        BytesFrame::BulkString(b) => b.to_vec(),
        other => panic!("bulk expected, got {other:?}"),
    }
}

#[tokio::test]
async fn waiters_are_served_first_come_first_served() {
    let server = Resplite::start();
    let mut first = server.raw().await;
    first.send(&encode_command(&["BLPOP", "q", "0"])).await;
    wait_blocked(server.addr, 1).await;
    let mut second = server.raw().await;
    second
        .send(&encode_command(&["BRPOP", "other", "q", "0"]))
        .await;
    wait_blocked(server.addr, 2).await;
    let mut c = server.client().await;
    let _: i64 = q(&mut c, &[b"RPUSH", b"q", b"a", b"b"]).await.unwrap();
    let BytesFrame::Array(got) = first.read().await.unwrap() else {
        panic!()
    };
    assert_eq!(
        (bulk(&got[0]), bulk(&got[1])),
        (b"q".to_vec(), b"a".to_vec())
    );
    let BytesFrame::Array(got) = second.read().await.unwrap() else {
        panic!()
    };
    assert_eq!(
        (bulk(&got[0]), bulk(&got[1])),
        (b"q".to_vec(), b"b".to_vec())
    );
    assert_eq!(
        q::<i64>(&mut c, &[b"EXISTS", b"q"]).await.unwrap(),
        0,
        "emptied list is gone"
    );
}

#[tokio::test]
async fn a_waiter_on_several_keys_takes_the_first_non_empty_in_its_order() {
    let server = Resplite::start();
    let mut w = server.raw().await;
    w.send(&encode_command(&["BLPOP", "k1", "k2", "k3", "0"]))
        .await;
    wait_blocked(server.addr, 1).await;
    // One transaction fills k3 then k2: when served, k2 comes first in its order.
    let mut c = server.raw().await;
    for cmd in [
        &["MULTI"][..],
        &["RPUSH", "k3", "x"],
        &["RPUSH", "k2", "y"],
        &["EXEC"],
    ] {
        c.call(cmd).await;
    }
    let BytesFrame::Array(got) = w.read().await.unwrap() else {
        panic!()
    };
    assert_eq!(
        (bulk(&got[0]), bulk(&got[1])),
        (b"k2".to_vec(), b"y".to_vec())
    );
}

#[tokio::test]
async fn timeouts_decimal_zero_and_errors() {
    let server = Resplite::start();
    let mut c = server.client().await;
    let started = Instant::now();
    let v: Option<Vec<String>> = q(&mut c, &[b"BLPOP", b"none", b"0.2"]).await.unwrap();
    let waited = started.elapsed();
    assert_eq!(v, None);
    assert!(
        waited >= Duration::from_millis(200) && waited < Duration::from_millis(300),
        "{waited:?}"
    );
    let mut raw = server.raw().await;
    assert_eq!(
        raw.call(&["BRPOPLPUSH", "none", "dst", "0.05"]).await,
        BytesFrame::Null
    );
    assert_eq!(
        raw.call(&["BZPOPMIN", "none", "0.05"]).await,
        BytesFrame::Null
    );
    assert_eq!(
        q_err(&mut c, &[b"BLPOP", b"k", b"-1"]).await,
        "ERR timeout is negative"
    );
    assert_eq!(
        q_err(&mut c, &[b"BLPOP", b"k", b"abc"]).await,
        "ERR timeout is not a float or out of range"
    );
    assert_eq!(
        q_err(&mut c, &[b"BLMPOP", b"0", b"0", b"k", b"LEFT"]).await,
        "ERR numkeys should be greater than 0"
    );
    // Non-empty keys answer at once, whatever the timeout.
    let _: i64 = q(&mut c, &[b"RPUSH", b"l", b"1", b"2", b"3"])
        .await
        .unwrap();
    let got: (String, String) = q(&mut c, &[b"BRPOP", b"l", b"0"]).await.unwrap();
    assert_eq!(got, ("l".into(), "3".into()));
    let got: String = q(&mut c, &[b"BLMOVE", b"l", b"m", b"LEFT", b"RIGHT", b"0"])
        .await
        .unwrap();
    assert_eq!(got, "1");
    let _: () = q(&mut c, &[b"SET", b"s", b"x"]).await.unwrap();
    assert_eq!(
        q_err(&mut c, &[b"BLPOP", b"s", b"0"]).await,
        resplite_tests::WRONGTYPE
    );
}

#[tokio::test]
async fn blocked_clients_show_in_client_list_and_limits_are_enforced() {
    let server = Resplite::start();
    let mut w = server.raw().await;
    w.send(&encode_command(&["BLPOP", "q", "0"])).await;
    wait_blocked(server.addr, 1).await;
    let mut c = server.client().await;
    let list: String = q(&mut c, &[b"CLIENT", b"LIST"]).await.unwrap();
    let blocked: Vec<&str> = list.lines().filter(|l| l.contains(" flags=b")).collect();
    assert_eq!(blocked.len(), 1, "{list}");
    assert!(blocked[0].contains("cmd=blpop"), "{}", blocked[0]);
    // CLIENT UNBLOCK: a timeout reply, or an UNBLOCKED error.
    let id: String = blocked[0]
        .split(' ')
        .next()
        .unwrap()
        .trim_start_matches("id=")
        .into();
    assert_eq!(
        q::<i64>(&mut c, &[b"CLIENT", b"UNBLOCK", id.as_bytes()])
            .await
            .unwrap(),
        1
    );
    assert_eq!(w.read().await.unwrap(), BytesFrame::Null);
    assert_eq!(
        q::<i64>(&mut c, &[b"CLIENT", b"UNBLOCK", id.as_bytes()])
            .await
            .unwrap(),
        0
    );
    w.send(&encode_command(&["BZPOPMAX", "z", "0"])).await;
    wait_blocked(server.addr, 1).await;
    assert_eq!(
        q::<i64>(&mut c, &[b"CLIENT", b"UNBLOCK", id.as_bytes(), b"ERROR"])
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        w.read().await.unwrap(),
        BytesFrame::Error("UNBLOCKED client unblocked via CLIENT UNBLOCK".into())
    );
    // More keys than one wait may watch: a clear error, nothing blocks.
    let mut args: Vec<String> = vec!["BLPOP".into()];
    args.extend((0..129).map(|i| format!("k{i}")));
    args.push("0".into());
    assert_eq!(
        w.call(&args).await,
        BytesFrame::Error("ERR too many keys per blocked command".into())
    );
    wait_blocked(server.addr, 0).await;
}

#[tokio::test]
async fn a_disconnected_waiter_never_swallows_an_element() {
    let server = Resplite::start();
    let mut gone = server.raw().await;
    gone.send(&encode_command(&["BLPOP", "q", "0"])).await;
    wait_blocked(server.addr, 1).await;
    let mut next = server.raw().await;
    next.send(&encode_command(&["BLPOP", "q", "0"])).await;
    wait_blocked(server.addr, 2).await;
    drop(gone);
    wait_blocked(server.addr, 1).await;
    let mut c = server.client().await;
    let _: i64 = q(&mut c, &[b"RPUSH", b"q", b"only"]).await.unwrap();
    let BytesFrame::Array(got) = next.read().await.unwrap() else {
        panic!()
    };
    assert_eq!(bulk(&got[1]), b"only");
    // With nobody waiting, a vanished waiter leaves the element in the list.
    let mut lone = server.raw().await;
    lone.send(&encode_command(&["BLPOP", "p", "0"])).await;
    wait_blocked(server.addr, 1).await;
    drop(lone);
    wait_blocked(server.addr, 0).await;
    let _: i64 = q(&mut c, &[b"RPUSH", b"p", b"kept"]).await.unwrap();
    assert_eq!(q::<i64>(&mut c, &[b"LLEN", b"p"]).await.unwrap(), 1);
}

#[tokio::test]
async fn wrong_type_and_expiry_while_waiting() {
    let server = Resplite::start();
    let mut w = server.raw().await;
    w.send(&encode_command(&["BLPOP", "k", "0"])).await;
    wait_blocked(server.addr, 1).await;
    let mut c = server.client().await;
    // A string appears under the key and expires: the waiter keeps waiting...
    let _: () = q(&mut c, &[b"SET", b"k", b"str", b"PX", b"30"])
        .await
        .unwrap();
    wait_blocked(server.addr, 1).await;
    let mut gone = false;
    for _ in 0..200 {
        if q::<i64>(&mut c, &[b"EXISTS", b"k"]).await.unwrap() == 0 {
            gone = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(gone);
    // ...until a push recreates it as a list.
    let _: i64 = q(&mut c, &[b"LPUSH", b"k", b"v"]).await.unwrap();
    let BytesFrame::Array(got) = w.read().await.unwrap() else {
        panic!()
    };
    assert_eq!(bulk(&got[1]), b"v");
}

#[tokio::test]
async fn zset_waiters_and_pipelines_after_a_blocking_command() {
    let server = Resplite::start();
    let mut w = server.raw().await;
    // The commands pipelined after BZPOPMIN run only once it is served.
    let mut wire = encode_command(&["BZPOPMIN", "z", "0"]);
    wire.extend(encode_command(&["ZCARD", "z"]));
    w.send(&wire).await;
    wait_blocked(server.addr, 1).await;
    let mut c = server.client().await;
    let _: i64 = q(&mut c, &[b"ZADD", b"z", b"2", b"b", b"1.5", b"a"])
        .await
        .unwrap();
    let BytesFrame::Array(got) = w.read().await.unwrap() else {
        panic!()
    };
    assert_eq!(
        got.iter().map(bulk).collect::<Vec<_>>(),
        vec![b"z".to_vec(), b"a".to_vec(), b"1.5".to_vec()]
    );
    assert_eq!(w.read().await.unwrap(), BytesFrame::Integer(1));
    // BLMOVE wakes a waiter on its destination too.
    let mut w2 = server.raw().await;
    w2.send(&encode_command(&["BLPOP", "dst", "0"])).await;
    wait_blocked(server.addr, 1).await;
    let _: i64 = q(&mut c, &[b"RPUSH", b"src", b"moved"]).await.unwrap();
    let _: String = q(&mut c, &[b"LMOVE", b"src", b"dst", b"LEFT", b"LEFT"])
        .await
        .unwrap();
    let BytesFrame::Array(got) = w2.read().await.unwrap() else {
        panic!()
    };
    assert_eq!(bulk(&got[1]), b"moved");
}

#[tokio::test]
async fn blocking_commands_inside_multi_do_not_block() {
    let server = Resplite::start();
    let mut c = server.raw().await;
    c.call(&["MULTI"]).await;
    c.call(&["BLPOP", "empty", "0"]).await;
    c.call(&["BZPOPMAX", "empty", "0"]).await;
    assert_eq!(
        c.call(&["EXEC"]).await,
        BytesFrame::Array(vec![BytesFrame::Null, BytesFrame::Null])
    );
}

/// A connection to database 7: waiters, give-backs and pushes all happen
/// outside database 0.
async fn in_db(addr: std::net::SocketAddr) -> RawClient {
    let mut c = RawClient::connect(addr).await;
    assert_eq!(
        c.call(&["SELECT", "7"]).await,
        BytesFrame::SimpleString("OK".into())
    );
    c
}

/// 20 producers and 20 consumers move 200,000 elements through BLPOP, BRPOP and
/// BLMOVE with random timeouts and random disconnects (some while blocked), in
/// database 7. Every element ends up received exactly once or still in a list.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn producers_and_consumers_lose_and_duplicate_nothing() {
    const PRODUCERS: u64 = 20;
    const CONSUMERS: u64 = 20;
    const PER_PRODUCER: u64 = 10_000;
    const BATCH: u64 = 10;
    let total = PRODUCERS * PER_PRODUCER;
    let server = Resplite::start();
    let received: Arc<Mutex<HashMap<u64, u32>>> = Arc::default();
    let addr = server.addr;

    let mut producers = Vec::new();
    for p in 0..PRODUCERS {
        producers.push(tokio::spawn(async move {
            let mut c = in_db(addr).await;
            for batch in 0..PER_PRODUCER / BATCH {
                let key = format!("q{}", (p + batch) % 4);
                let mut cmd = vec![
                    if batch % 2 == 0 {
                        "LPUSH".to_string()
                    } else {
                        "RPUSH".to_string()
                    },
                    key,
                ];
                for i in 0..BATCH {
                    cmd.push((p * PER_PRODUCER + batch * BATCH + i).to_string());
                }
                assert!(matches!(c.call(&cmd).await, BytesFrame::Integer(_)));
            }
        }));
    }
    let producers_done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut consumers = Vec::new();
    for w in 0..CONSUMERS {
        let received = received.clone();
        let done = producers_done.clone();
        consumers.push(tokio::spawn(async move {
            let mut rng = resplite_tests::diff::Rng::new(w + 1);
            let mut c = in_db(addr).await;
            let note = |frame: &BytesFrame| {
                let value = match frame {
                    BytesFrame::Array(kv) if kv.len() == 2 => bulk(&kv[1]),
                    BytesFrame::BulkString(v) => v.to_vec(),
                    _ => return,
                };
                let id: u64 = String::from_utf8(value).unwrap().parse().unwrap();
                *received.lock().unwrap().entry(id).or_default() += 1;
            };
            let mut idle_rounds = 0;
            loop {
                let timeout = ["0.01", "0.05", "0.2"][rng.below(3)];
                let k = format!("q{}", rng.below(4));
                let cmd: Vec<String> = match rng.below(3) {
                    0 => vec!["BLPOP".into(), k, "q0".into(), timeout.into()],
                    1 => vec!["BRPOP".into(), k, timeout.into()],
                    // Moved elements are delivered into the "moved" list.
                    _ => vec![
                        "BLMOVE".into(),
                        k,
                        "moved".into(),
                        "LEFT".into(),
                        "RIGHT".into(),
                        timeout.into(),
                    ],
                };
                if rng.chance(2) {
                    // Disconnect, possibly while blocked: half-close, then read
                    // whatever the server had already sent (that counts as received).
                    c.send(&encode_command(&cmd)).await;
                    tokio::time::sleep(Duration::from_millis(rng.below(5) as u64)).await;
                    if let Some(frame) = c.close_and_drain().await {
                        if cmd[0] != "BLMOVE" {
                            note(&frame);
                        }
                    }
                    c = in_db(addr).await;
                    continue;
                }
                let reply = c.call(&cmd).await;
                match &reply {
                    BytesFrame::Null => {
                        idle_rounds += 1;
                        if done.load(std::sync::atomic::Ordering::SeqCst) && idle_rounds > 5 {
                            return;
                        }
                    }
                    frame => {
                        idle_rounds = 0;
                        if cmd[0] != "BLMOVE" {
                            note(frame);
                        }
                    }
                }
            }
        }));
    }
    // Under this load, a timeout still fires within 100 ms of its deadline.
    let timer = tokio::spawn(async move {
        let mut c = RawClient::connect(addr).await;
        let mut worst = Duration::ZERO;
        for _ in 0..5 {
            let started = Instant::now();
            assert_eq!(
                c.call(&["BLPOP", "never-written", "0.2"]).await,
                BytesFrame::Null
            );
            let late = started.elapsed().saturating_sub(Duration::from_millis(200));
            assert!(started.elapsed() >= Duration::from_millis(200));
            worst = worst.max(late);
        }
        worst
    });
    for p in producers {
        p.await.unwrap();
    }
    producers_done.store(true, std::sync::atomic::Ordering::SeqCst);
    let worst = timer.await.unwrap();
    assert!(
        worst < Duration::from_millis(100),
        "a timeout fired {worst:?} late under load"
    );
    for c in consumers {
        c.await.unwrap();
    }
    // Everything not received is still in a list (queues or "moved").
    let mut c = in_db(addr).await;
    let mut left = HashMap::<u64, u32>::new();
    for key in ["q0", "q1", "q2", "q3", "moved"] {
        let BytesFrame::Array(items) = c.call(&["LRANGE", key, "0", "-1"]).await else {
            panic!()
        };
        for item in items {
            let id: u64 = String::from_utf8(bulk(&item)).unwrap().parse().unwrap();
            *left.entry(id).or_default() += 1;
        }
    }
    let received = received.lock().unwrap();
    let mut sum = 0u64;
    for id in 0..total {
        let n = received.get(&id).copied().unwrap_or(0) + left.get(&id).copied().unwrap_or(0);
        assert_eq!(n, 1, "element {id} seen {n} times");
        sum += id;
    }
    assert_eq!(received.len() + left.len(), total as usize);
    assert_eq!(sum, total * (total - 1) / 2);
}
