//! Pub/sub and keyspace notifications against the real binary: reply shapes
//! in RESP2 and RESP3 checked frame for frame against a real redis-server, the
//! subscribed-mode restrictions, PUBSUB introspection, a 100-subscriber fan-out
//! with per-publisher order, a subscriber that stops reading (disconnected at
//! its output limit, RSS bounded), and the keyspace events of every write
//! command compared with the ones redis-server publishes.

use std::net::SocketAddr;
use std::time::Duration;

use bytes::{Buf, BytesMut};
use redis_protocol::resp3::types::BytesFrame as Frame;
use resplite_tests::resp3::{list, show, Resp3Client as Raw};
use resplite_tests::{encode_command, q, RedisServer, Resplite};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A script step: the command, how many frames it answers with, and whether
/// their order is Redis' hash order (compared sorted).
type Step = (&'static [&'static str], usize, bool);

async fn run_script(addr: SocketAddr, script: &[Step]) -> Vec<String> {
    let mut c = Raw::connect(addr).await;
    let mut out = Vec::new();
    for (cmd, n, unordered) in script {
        c.send(cmd).await;
        let mut got: Vec<String> = c.frames(*n).await.iter().map(show).collect();
        if *unordered {
            // Hash order: compare the names and the counts, each sorted.
            let mut names = Vec::new();
            let mut counts = Vec::new();
            for g in &got {
                let parts: Vec<&str> = g.trim_matches(['[', ']', '>']).split(", ").collect();
                names.push(format!("{} {}", parts[0], parts[1]));
                counts.push(parts[2].to_string());
            }
            names.sort();
            counts.sort();
            got = vec![names.join(","), counts.join(",")];
        }
        out.push(format!("{} -> {}", cmd.join(" "), got.join(" | ")));
    }
    out
}

fn assert_same(redis: &[String], ours: &[String]) {
    for (r, o) in redis.iter().zip(ours) {
        assert_eq!(r, o, "redis-server vs resplite");
    }
    assert_eq!(redis.len(), ours.len());
}

#[tokio::test]
async fn resp2_shapes_and_subscribed_mode_match_redis() {
    let redis = RedisServer::start().await;
    let ours = Resplite::start();
    let script: &[Step] = &[
        (&["SUBSCRIBE", "a", "b"], 2, false),
        (&["SUBSCRIBE", "a"], 1, false),
        (&["PSUBSCRIBE", "p*", "q?"], 2, false),
        (&["GET", "x"], 1, false),
        (&["PING"], 1, false),
        (&["PING", "hi"], 1, false),
        (&["CLIENT", "LIST"], 1, false),
        (&["PUBLISH", "a", "m"], 1, false),
        (&["MULTI"], 1, false),
        (&["EXEC"], 1, false),
        (&["WATCH", "x"], 1, false),
        (&["HELLO", "3"], 1, false),
        (&["NOSUCH"], 1, false),
        (&["UNSUBSCRIBE", "a", "zz"], 2, false),
        (&["PUNSUBSCRIBE", "q?"], 1, false),
        (&["PUNSUBSCRIBE"], 1, false),
        (&["UNSUBSCRIBE"], 1, false),
        (&["UNSUBSCRIBE"], 1, false),
        (&["PUNSUBSCRIBE"], 1, false),
        (&["GET", "x"], 1, false),
        (&["PING"], 1, false),
        (&["SUBSCRIBE", "c", "d", "e"], 3, false),
        (&["UNSUBSCRIBE"], 3, true),
        (&["SUBSCRIBE", "c"], 1, false),
        (&["RESET"], 1, false),
        (&["GET", "x"], 1, false),
        (&["PUBLISH", "nobody", "x"], 1, false),
        (&["PUBLISH", "a"], 1, false),
        (&["SUBSCRIBE"], 1, false),
        (&["PSUBSCRIBE"], 1, false),
        (&["PUBSUB"], 1, false),
        (&["PUBSUB", "NUMPAT"], 1, false),
        (&["PUBSUB", "NUMPAT", "x"], 1, false),
        (&["PUBSUB", "NUMSUB"], 1, false),
        (&["PUBSUB", "NUMSUB", "a", "b"], 1, false),
        (&["PUBSUB", "CHANNELS"], 1, false),
        (&["PUBSUB", "CHANNELS", "a", "b"], 1, false),
        (&["PUBSUB", "SHARDCHANNELS"], 1, false),
        (&["PUBSUB", "SHARDNUMSUB", "a"], 1, false),
        (&["PUBSUB", "HELP"], 1, false),
        (&["PUBSUB", "FOO"], 1, false),
        (&["CLIENT", "REPLY", "SKIP"], 0, false),
        (&["PING", "skipped"], 0, false),
        (&["CLIENT", "REPLY", "OFF"], 0, false),
        (&["PING", "off"], 0, false),
        (&["CLIENT", "REPLY", "ON"], 1, false),
        (&["PING", "on"], 1, false),
    ];
    let want = run_script(redis.addr, script).await;
    let got = run_script(ours.addr, script).await;
    assert_same(&want, &got);
}

#[tokio::test]
async fn resp3_pushes_match_redis_and_any_command_runs_while_subscribed() {
    let redis = RedisServer::start().await;
    let ours = Resplite::start();
    let script: &[Step] = &[
        (&["HELLO", "3"], 1, false),
        (&["SUBSCRIBE", "a", "b"], 2, false),
        (&["PSUBSCRIBE", "p*"], 1, false),
        (&["GET", "x"], 1, false),
        (&["SET", "x", "1"], 1, false),
        (&["PING"], 1, false),
        // A message this client causes comes before the command's reply, as
        // in Redis' single output buffer.
        (&["CONFIG", "SET", "notify-keyspace-events", "E$"], 1, false),
        (&["PUBLISH", "a", "hello"], 2, false),
        (&["PUBLISH", "pq", "hi"], 2, false),
        (&["SUBSCRIBE", "__keyevent@0__:set"], 1, false),
        (&["SET", "y", "1"], 2, false),
        (&["UNSUBSCRIBE", "a"], 1, false),
        (&["UNSUBSCRIBE"], 2, true),
        (&["UNSUBSCRIBE"], 1, false),
        (&["PUNSUBSCRIBE"], 1, false),
        (&["PUNSUBSCRIBE"], 1, false),
        (&["SUBSCRIBE", "c"], 1, false),
        (&["RESET"], 1, false),
        (&["GET", "x"], 1, false),
    ];
    let mut want = run_script(redis.addr, script).await;
    let mut got = run_script(ours.addr, script).await;
    // HELLO names the connection id: not comparable.
    want.remove(0);
    got.remove(0);
    assert_same(&want, &got);
    assert!(got[0].contains(">[subscribe, a, 1]"), "{got:?}");

    // EXEC: Redis writes the pushes its commands cause inside the EXEC array
    // (between the elements); resplite writes them just before it.
    let mut c = Raw::connect(ours.addr).await;
    c.call(&["HELLO", "3"]).await;
    c.call(&["SUBSCRIBE", "b"]).await;
    c.call(&["MULTI"]).await;
    c.call(&["PUBLISH", "b", "in-exec"]).await;
    c.send(&["EXEC"]).await;
    assert_eq!(list(&c.frames(2).await), ">[message, b, in-exec], [1]");

    // A message reaches a RESP3 subscriber as a push, between its replies.
    let mut sub = Raw::connect(ours.addr).await;
    sub.call(&["HELLO", "3"]).await;
    sub.call(&["SUBSCRIBE", "news"]).await;
    let mut publisher = ours.client().await;
    let n: i64 = q(&mut publisher, &[b"PUBLISH", b"news", b"hello"])
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(show(&sub.read().await.unwrap()), ">[message, news, hello]");
    assert_eq!(show(&sub.call(&["GET", "x"]).await), "1");
}

#[tokio::test]
async fn introspection_counts_match_redis() {
    let redis = RedisServer::start().await;
    let ours = Resplite::start();
    let mut results = Vec::new();
    for addr in [redis.addr, ours.addr] {
        let mut s1 = Raw::connect(addr).await;
        let mut s2 = Raw::connect(addr).await;
        s1.send(&["SUBSCRIBE", "a", "b", "news.1"]).await;
        s1.frames(3).await;
        s1.send(&["PSUBSCRIBE", "news.*", "x*"]).await;
        s1.frames(2).await;
        s2.send(&["SUBSCRIBE", "a"]).await;
        s2.frames(1).await;
        s2.send(&["PSUBSCRIBE", "news.*"]).await;
        s2.frames(1).await;
        let mut c = Raw::connect(addr).await;
        let mut out = Vec::new();
        for cmd in [
            &["PUBSUB", "NUMSUB", "a", "b", "c"][..],
            &["PUBSUB", "NUMPAT"],
            &["PUBLISH", "a", "m"],
            &["PUBLISH", "news.1", "m"],
            &["PUBLISH", "xyz", "m"],
        ] {
            out.push(show(&c.call(cmd).await));
        }
        for cmd in [&["PUBSUB", "CHANNELS"][..], &["PUBSUB", "CHANNELS", "n*"]] {
            let mut names = match c.call(cmd).await {
                Frame::Array { data, .. } => data.iter().map(show).collect::<Vec<_>>(),
                other => panic!("{other:?}"),
            };
            names.sort();
            out.push(names.join(","));
        }
        // Both clients' messages: channel subscribers first, then patterns.
        out.push(list(&s1.frames(4).await));
        out.push(list(&s2.frames(2).await));
        let info = show(&c.call(&["INFO", "stats"]).await);
        for field in ["pubsub_channels", "pubsub_patterns"] {
            let line = info.lines().find(|l| l.starts_with(field)).expect(field);
            out.push(line.trim().to_string());
        }
        drop(s2);
        // Gone clients leave no subscriptions behind (await the count).
        let mut numsub = String::new();
        for _ in 0..200 {
            numsub = show(&c.call(&["PUBSUB", "NUMSUB", "a"]).await);
            if numsub == "[a, 1]" {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        out.push(numsub);
        results.push(out);
    }
    assert_eq!(results[0], results[1], "redis-server vs resplite");

    // CLIENT LIST reports subscriptions and the P flag; TYPE pubsub selects.
    let mut s = Raw::connect(ours.addr).await;
    s.send(&["SUBSCRIBE", "a", "b"]).await;
    s.frames(2).await;
    s.send(&["PSUBSCRIBE", "p*"]).await;
    s.frames(1).await;
    let mut c = Raw::connect(ours.addr).await;
    let listed = show(&c.call(&["CLIENT", "LIST", "TYPE", "pubsub"]).await);
    assert_eq!(listed.lines().count(), 1, "{listed}");
    assert!(listed.contains(" flags=P "), "{listed}");
    assert!(listed.contains(" sub=2 psub=1 "), "{listed}");
    let normal = show(&c.call(&["CLIENT", "LIST", "TYPE", "normal"]).await);
    assert!(normal.contains(" sub=0 psub=0 ") && !normal.contains("flags=P"));
}

/// Sharded pub/sub (SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH, PUBSUB SHARD*): every
/// reply, push and count as redis-server gives it, in RESP2 and RESP3. A shard
/// channel is its own namespace: PUBLISH and patterns never reach it, and its
/// confirmations count shard channels apart from the others.
#[tokio::test]
async fn sharded_pubsub_matches_redis() {
    let redis = RedisServer::start().await;
    let ours = Resplite::start();
    let mut results = Vec::new();
    for addr in [redis.addr, ours.addr] {
        let mut out = Vec::new();
        let mut s1 = Raw::connect(addr).await;
        let mut s3 = Raw::connect(addr).await;
        s3.call(&["HELLO", "3"]).await;
        let mut c = Raw::connect(addr).await;
        for (cmd, n) in [
            (&["SSUBSCRIBE", "a", "b\x00bin"][..], 2),
            (&["SSUBSCRIBE", "a"], 1),
            (&["SUBSCRIBE", "a"], 1),
            (&["PSUBSCRIBE", "*"], 1),
            // Subscribed mode (RESP2): only the (P|S)(UN)SUBSCRIBE family.
            (&["SPUBLISH", "a", "x"], 1),
            (&["GET", "k"], 1),
        ] {
            s1.send(cmd).await;
            out.push(format!("{cmd:?} {}", list(&s1.frames(n).await)));
        }
        out.push(show(&s3.call(&["SSUBSCRIBE", "a"]).await));
        for cmd in [
            &["SPUBLISH", "a", "m1"][..],
            &["PUBLISH", "a", "m2"],
            &["SPUBLISH", "b\x00bin", "m3"],
            &["SPUBLISH", "nobody", "m4"],
            &["SPUBLISH", "a"],
            &["PUBSUB", "SHARDCHANNELS", "a*"],
            &["PUBSUB", "SHARDCHANNELS", "z*"],
            &["PUBSUB", "SHARDCHANNELS", "a", "b"],
            &["PUBSUB", "SHARDNUMSUB", "a", "b\x00bin", "c"],
            &["PUBSUB", "SHARDNUMSUB"],
            &["PUBSUB", "NUMSUB", "a"],
            &["PUBSUB", "CHANNELS"],
            &["PUBSUB", "NUMPAT"],
            &["COMMAND", "GETKEYS", "SPUBLISH", "a", "m"],
            &["COMMAND", "GETKEYS", "SSUBSCRIBE", "a", "b"],
            &["MULTI"],
            &["SSUBSCRIBE", "x"],
            &["EXEC"],
        ] {
            out.push(format!("{cmd:?} {}", show(&c.call(cmd).await)));
        }
        let mut channels = match c.call(&["PUBSUB", "SHARDCHANNELS"]).await {
            Frame::Array { data, .. } => data.iter().map(show).collect::<Vec<_>>(),
            other => panic!("{other:?}"),
        };
        channels.sort();
        out.push(channels.join(","));
        let info = show(&c.call(&["INFO", "stats"]).await);
        let line = info.lines().find(|l| l.starts_with("pubsubshard_channels"));
        out.push(line.expect("pubsubshard_channels").trim().to_string());
        // The messages, in publishing order; a pattern never sees SPUBLISH.
        out.push(list(&s1.frames(4).await));
        out.push(list(&s3.frames(1).await));
        for (cmd, n) in [
            (&["SUNSUBSCRIBE", "a", "zz"][..], 2),
            (&["SUNSUBSCRIBE"], 1),
            (&["SUNSUBSCRIBE"], 1),
            (&["UNSUBSCRIBE"], 1),
            (&["PUNSUBSCRIBE"], 1),
            (&["GET", "k"], 1),
        ] {
            s1.send(cmd).await;
            out.push(format!("{cmd:?} {}", list(&s1.frames(n).await)));
        }
        s3.send(&["SPUBLISH", "a", "self"]).await;
        out.push(list(&s3.frames(2).await));
        out.push(show(&s3.call(&["SUNSUBSCRIBE"]).await));
        results.push(out);
    }
    assert_eq!(results[0], results[1], "redis-server vs resplite");
    assert!(
        results[1][0].contains("ssubscribe, a, 1"),
        "{:?}",
        results[1]
    );

    // CLIENT LIST counts shard subscriptions (`ssub`) and flags the client P.
    let mut s = Raw::connect(ours.addr).await;
    s.send(&["SSUBSCRIBE", "a", "b"]).await;
    s.frames(2).await;
    let mut c = Raw::connect(ours.addr).await;
    let listed = show(&c.call(&["CLIENT", "LIST", "TYPE", "pubsub"]).await);
    assert!(listed.contains(" sub=0 psub=0 ssub=2 "), "{listed}");
    assert!(listed.contains(" flags=P "), "{listed}");
}

/// Reads RESP2 `message` pushes fast (a debug-build redis-protocol decoder
/// would dominate a million-message test): returns payloads.
struct MessageReader {
    stream: TcpStream,
    buf: BytesMut,
}

impl MessageReader {
    fn new(stream: TcpStream) -> MessageReader {
        MessageReader {
            stream,
            buf: BytesMut::with_capacity(64 * 1024),
        }
    }

    /// Parses `*3\r\n$7\r\nmessage\r\n$<n>\r\n<ch>\r\n$<n>\r\n<payload>\r\n`.
    fn parse(&mut self) -> Option<Vec<u8>> {
        fn line(b: &[u8], at: usize) -> Option<(usize, usize)> {
            let end = at + b[at..].windows(2).position(|w| w == b"\r\n")?;
            Some((at, end))
        }
        fn bulk(b: &[u8], at: usize) -> Option<(Vec<u8>, usize)> {
            let (s, e) = line(b, at)?;
            assert_eq!(b[s], b'$', "bulk expected");
            let n: usize = std::str::from_utf8(&b[s + 1..e]).ok()?.parse().ok()?;
            let start = e + 2;
            if b.len() < start + n + 2 {
                return None;
            }
            Some((b[start..start + n].to_vec(), start + n + 2))
        }
        let b = &self.buf[..];
        if b.is_empty() {
            return None;
        }
        let (s, e) = line(b, 0)?;
        assert_eq!(&b[s..e], b"*3", "a message push");
        let (kind, at) = bulk(b, e + 2)?;
        assert_eq!(kind, b"message");
        let (_, at) = bulk(b, at)?;
        let (payload, at) = bulk(b, at)?;
        self.buf.advance(at);
        Some(payload)
    }

    async fn next(&mut self) -> Option<Vec<u8>> {
        loop {
            if let Some(p) = self.parse() {
                return Some(p);
            }
            let n =
                tokio::time::timeout(Duration::from_secs(60), self.stream.read_buf(&mut self.buf))
                    .await
                    .expect("a message within 60s")
                    .ok()?;
            if n == 0 {
                return None;
            }
        }
    }
}

async fn subscriber(addr: SocketAddr, channel: &str) -> MessageReader {
    let mut raw = Raw::connect(addr).await;
    let confirm = raw.call(&["SUBSCRIBE", channel]).await;
    assert_eq!(show(&confirm), format!("[subscribe, {channel}, 1]"));
    MessageReader::new(raw.into_stream())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hundred_subscribers_get_ten_thousand_messages_in_publisher_order() {
    const SUBSCRIBERS: usize = 100;
    const PUBLISHERS: usize = 4;
    const PER_PUBLISHER: usize = 2_500;
    let server = Resplite::start();
    let addr = server.addr;
    let mut readers = Vec::new();
    for _ in 0..SUBSCRIBERS {
        readers.push(subscriber(addr, "fanout").await);
    }
    let tasks: Vec<_> = readers
        .into_iter()
        .map(|mut r| {
            tokio::spawn(async move {
                let mut next = [0usize; PUBLISHERS];
                for _ in 0..PUBLISHERS * PER_PUBLISHER {
                    let payload = r.next().await.expect("message");
                    let text = std::str::from_utf8(&payload).expect("utf8");
                    let (p, n) = text.split_once(':').expect("p:n");
                    let (p, n): (usize, usize) = (p.parse().unwrap(), n.parse().unwrap());
                    assert_eq!(n, next[p], "publisher {p} out of order");
                    next[p] += 1;
                }
                next
            })
        })
        .collect();
    // Publishers pipeline their PUBLISHes, all at once.
    let publishers: Vec<_> = (0..PUBLISHERS)
        .map(|p| {
            tokio::spawn(async move {
                let mut c = Raw::connect(addr).await;
                let mut out = Vec::new();
                for n in 0..PER_PUBLISHER {
                    out.extend(encode_command(&["PUBLISH", "fanout", &format!("{p}:{n}")]));
                }
                c.stream.write_all(&out).await.unwrap();
                for _ in 0..PER_PUBLISHER {
                    assert_eq!(show(&c.read().await.unwrap()), SUBSCRIBERS.to_string());
                }
            })
        })
        .collect();
    for p in publishers {
        p.await.unwrap();
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), [PER_PUBLISHER; PUBLISHERS]);
    }
}

#[tokio::test]
async fn a_subscriber_that_stops_reading_is_disconnected_at_its_limit() {
    const MESSAGES: usize = 10_000;
    const CHUNK: usize = 100;
    let server = Resplite::start();
    let addr = server.addr;
    let mut admin = Raw::connect(addr).await;
    let limit = [
        "CONFIG",
        "SET",
        "client-output-buffer-limit",
        "pubsub 1mb 0 0",
    ];
    assert_eq!(show(&admin.call(&limit).await), "OK");
    assert_eq!(
        show(
            &admin
                .call(&["CONFIG", "GET", "client-output-buffer-limit"])
                .await
        ),
        "[client-output-buffer-limit, normal 0 0 0 slave 268435456 67108864 60 pubsub 1048576 0 0]"
    );
    let mut slow = Raw::connect(addr).await;
    let slow_id = show(&slow.call(&["CLIENT", "ID"]).await);
    slow.call(&["SUBSCRIBE", "firehose"]).await;
    let mut fast = subscriber(addr, "firehose").await;
    let mut publisher = Raw::connect(addr).await;
    let before = server.rss_kb();
    // 40 MB in all, 400 KB per round: the reading subscriber never falls
    // behind by more than a round; the other never reads.
    let payload = "x".repeat(4096);
    for round in 0..MESSAGES / CHUNK {
        let mut out = Vec::new();
        for _ in 0..CHUNK {
            out.extend(encode_command(&["PUBLISH", "firehose", &payload]));
        }
        publisher.stream.write_all(&out).await.unwrap();
        for _ in 0..CHUNK {
            let n = show(&publisher.read().await.unwrap());
            assert!(n == "1" || n == "2", "round {round}: {n}");
        }
        for _ in 0..CHUNK {
            assert_eq!(fast.next().await.expect("served").len(), 4096);
        }
    }
    // The stalled client was closed: reading it now reaches the end.
    tokio::time::timeout(Duration::from_secs(30), async {
        while slow.read().await.is_some() {}
    })
    .await
    .expect("the stalled subscriber was disconnected");
    let after = server.rss_kb();
    assert!(
        after < before + 24 * 1024,
        "RSS grew from {before} kB to {after} kB for a 1 MB limit"
    );
    // Everyone else carries on.
    assert_eq!(
        show(&admin.call(&["PUBLISH", "firehose", "last"]).await),
        "1"
    );
    assert_eq!(fast.next().await.unwrap(), b"last");
    let list = show(&admin.call(&["CLIENT", "LIST"]).await);
    assert!(!list.contains(&format!("id={slow_id} ")), "{list}");
    assert_eq!(show(&admin.call(&["PING"]).await), "PONG");
}

/// Runs `commands` on `addr` with a `PSUBSCRIBE *` listener and returns every
/// keyspace/keyevent message it saw, in order, until a final marker.
async fn keyspace_events(addr: SocketAddr, flags: &str, commands: &[Vec<&str>]) -> Vec<String> {
    let mut admin = Raw::connect(addr).await;
    let set = ["CONFIG", "SET", "notify-keyspace-events", flags];
    assert_eq!(show(&admin.call(&set).await), "OK");
    let mut listener = Raw::connect(addr).await;
    listener.call(&["PSUBSCRIBE", "*"]).await;
    let mut writer = Raw::connect(addr).await;
    for cmd in commands {
        if cmd[0] == "SLEEP" {
            // Lets a deadline pass (not a synchronization).
            tokio::time::sleep(Duration::from_millis(cmd[1].parse().unwrap())).await;
            continue;
        }
        writer.call(cmd).await;
    }
    writer.call(&["PUBLISH", "end", "end"]).await;
    let mut events = Vec::new();
    loop {
        let frame = listener.read().await.expect("event");
        let text = show(&frame);
        if text == "[pmessage, *, end, end]" {
            return events;
        }
        events.push(text);
    }
}

fn write_stream() -> Vec<Vec<&'static str>> {
    let text = "\
        SET a 1|SET a 2 EX 100|SET b 1 NX|SET b 2 NX|SET b 3 XX GET|SET b 4 KEEPTTL|SETNX c 1|SETNX c 2|\
        SETEX d 100 x|PSETEX d2 100000 x|MSET m1 1 m2 2 m1 3|MSETNX m3 1 m4 2|MSETNX m3 1 m5 1|\
        GETSET a 5|GETDEL a|GETDEL nope|GETEX b EX 100|GETEX b PERSIST|GETEX b PERSIST|GETEX b PXAT 1|\
        APPEND s x|APPEND s y|SETRANGE s 5 z|SETRANGE s2 0 |INCR n|DECR n|INCRBY n 5|DECRBY n 2|\
        INCRBYFLOAT f 1.5|LPUSH s x|\
        DEL m1 m2 nope|UNLINK m3|EXPIRE m4 100|PEXPIRE m4 100000|EXPIREAT m4 99999999999|\
        PEXPIREAT m4 99999999999999|EXPIRE m4 100 GT|PERSIST m4|PERSIST m4|EXPIRE m4 0|\
        SET r 1|RENAME r r2|RENAMENX r2 r3|SET r4 x|RENAMENX r3 r4|RENAME r3 r3|RENAME r3 r4|\
        HSET h f 1 g 2|HSETNX h f 3|HSETNX h k 3|HMSET h a b|HINCRBY h n 1|HINCRBYFLOAT h x 1.5|\
        HDEL h f nope|HDEL nope f|HDEL h g k a n x|\
        LPUSH l a b|RPUSH l c|LPUSHX l0 a|RPUSHX l d|LPOP l|RPOP l|LPOP l 0|LINSERT l BEFORE b z|\
        LINSERT l BEFORE nope z|LSET l 0 q|LREM l 0 z|LREM l 0 nope|LTRIM l 0 0|LTRIM l 5 10|LTRIM nope 0 1|\
        RPUSH l2 a b c|LMOVE l2 l3 LEFT RIGHT|RPOPLPUSH l2 l3|RPOPLPUSH l2 l3|RPOPLPUSH l3 l3|\
        LMPOP 1 l3 LEFT COUNT 5|RPUSH bl a|BLPOP bl 0|RPUSH bl a b|BRPOP bl 0|BLMOVE bl bl2 LEFT LEFT 0|\
        BLMPOP 0 1 bl2 RIGHT|\
        SADD s1 a b c|SADD s1 a|SREM s1 a|SREM s1 nope|SMOVE s1 s2 b|SADD s2 c|SMOVE s1 s2 c|SMOVE s2 s2 c|\
        SADD s3 x y|SPOP s3|SPOP s3 5|SADD s4 a|SADD s5 a b|SINTERSTORE s6 s4 s5|SUNIONSTORE s6 s4 s5|\
        SDIFFSTORE s6 s4 s5|SDIFFSTORE s7 s4 s5|\
        ZADD z 1 a 2 b 3 c|ZADD z 1 a|ZADD z INCR 5 a|ZADD z INCR 0 a|ZINCRBY z 0 b|ZINCRBY z 1 b|ZADD z GT 1 b|ZADD z CH 4 b|ZREM z c|ZREM z nope|ZPOPMIN z|ZPOPMAX z|\
        ZADD z2 1 a 2 b 3 c 4 d|ZREMRANGEBYRANK z2 0 0|ZREMRANGEBYSCORE z2 2 2|ZREMRANGEBYLEX z2 - +|\
        ZADD z3 1 x|ZADD z2 1 y|ZUNIONSTORE z4 2 z2 z3|ZINTERSTORE z4 2 z2 z3|ZDIFFSTORE z5 1 z3|\
        ZRANGESTORE z6 z3 0 -1|ZRANGESTORE z6 z3 5 10|ZMPOP 1 z5 MIN|ZADD bz 1 a|BZPOPMIN bz 0|\
        ZADD bz 1 a 2 b|BZPOPMAX bz 0|BZMPOP 0 1 bz MIN|\
        MULTI|SET t 1|INCR t|LPUSH t x|EXEC|\
        SET e 1 PX 1|SLEEP 20|GET e|FLUSHALL";
    text.split('|')
        .map(|c| {
            let mut words: Vec<&str> = c.split(' ').collect();
            // `SETRANGE s2 0 ` keeps its empty value.
            if c.ends_with(' ') {
                words.pop();
                words.push("");
            }
            words
        })
        .collect()
}

/// Every event `commands` cause under `flags`, the same as redis-server's.
async fn assert_same_events(flags: &str, stream: &[Vec<&str>]) -> usize {
    let redis = RedisServer::start().await;
    let ours = Resplite::start();
    let want = keyspace_events(redis.addr, flags, stream).await;
    let got = keyspace_events(ours.addr, flags, stream).await;
    for (i, (w, g)) in want.iter().zip(&got).enumerate() {
        assert_eq!(
            w,
            g,
            "event {i}: redis-server vs resplite (context {:?})",
            &want[i.saturating_sub(4)..i]
        );
    }
    assert_eq!(want.len(), got.len(), "{want:#?}\n{got:#?}");
    want.len()
}

#[tokio::test]
async fn keyspace_events_of_every_write_command_match_redis() {
    let n = assert_same_events("KEA", &write_stream()).await;
    assert!(n > 200, "the stream exercises the events");
}

/// The `n` class: `new` as a key appears (before the command's own event),
/// by whatever command creates it, renames, moves or copies it there.
#[tokio::test]
async fn new_key_events_match_redis() {
    let mut stream = write_stream();
    for cmd in [
        "SET x 1",
        "MOVE x 1",
        "SET y 1",
        "COPY y y2",
        "COPY y y2 REPLACE",
        "COPY y y3 DB 2",
        "SELECT 1",
        "RENAME x x9",
        "SET e2 1 PX 1",
    ] {
        stream.insert(stream.len() - 1, cmd.split(' ').collect());
    }
    stream.extend(
        ["SLEEP 20", "SET e2 2", "SET e2 3", "SORT l STORE sorted"].map(|c| c.split(' ').collect()),
    );
    let n = assert_same_events("KEAn", &stream).await;
    assert!(n > 250, "the stream exercises the events");
    assert!(
        assert_same_events("En", &stream).await > 30,
        "new keys only"
    );
}

/// The `m` class: `keymiss` when a read looks a key up and finds nothing.
#[tokio::test]
async fn keymiss_events_match_redis() {
    let text = "SET s 1|GET nope|GET s|MGET a s b|HGET nope f|EXISTS nope|TYPE nope|TTL nope|\
        LRANGE nope 0 -1|SMEMBERS nope|ZSCORE nope a|GETDEL nope|SET x 1 GET|SET x 2 GET|\
        STRLEN nope|SINTERSTORE d nope s2|XRANGE nope - +|SORT nope|PFCOUNT nope|GETBIT nope 0|\
        BITCOUNT nope|GEOPOS nope a|LCS nope nope2|DEL nope|EXPIRE nope 10|SCARD nope|\
        SRANDMEMBER nope|ZRANGE nope 0 -1|HGETALL nope|LLEN nope|LINDEX nope 0|ZCARD nope|\
        XLEN nope|TOUCH nope|OBJECT ENCODING nope|GETRANGE nope 0 1|HMGET nope a|SISMEMBER nope a|\
        SORT nope STORE d2|COPY nope d3|BITOP OR d4 nope s|PFMERGE d5 nope|GEOSEARCHSTORE d6 nope \
        FROMLONLAT 0 0 BYRADIUS 1 km|GEORADIUS nope 0 0 1 km|GEORADIUSBYMEMBER nope a 1 km";
    let stream: Vec<Vec<&str>> = text.split('|').map(|c| c.split(' ').collect()).collect();
    assert!(assert_same_events("KEm", &stream).await > 20);
    assert!(assert_same_events("Em", &stream).await > 10);
}

#[tokio::test]
async fn every_write_emits_an_event_on_its_key_and_the_sweeper_emits_expired() {
    let ours = Resplite::start();
    let mut admin = Raw::connect(ours.addr).await;
    admin
        .call(&["CONFIG", "SET", "notify-keyspace-events", "KEA"])
        .await;
    assert_eq!(
        show(
            &admin
                .call(&["CONFIG", "GET", "notify-keyspace-events"])
                .await
        ),
        "[notify-keyspace-events, AKE]"
    );
    let mut listener = Raw::connect(ours.addr).await;
    listener.call(&["PSUBSCRIBE", "__keyspace@0__:*"]).await;
    // The sweeper (not an access) expires this one.
    admin.call(&["SET", "soon", "1", "PX", "30"]).await;
    let mut seen = Vec::new();
    loop {
        let text = show(&listener.read().await.expect("event"));
        seen.push(text.clone());
        if text.ends_with("__keyspace@0__:soon, expired]") {
            break;
        }
    }
    assert_eq!(
        seen,
        [
            "[pmessage, __keyspace@0__:*, __keyspace@0__:soon, set]",
            "[pmessage, __keyspace@0__:*, __keyspace@0__:soon, expire]",
            "[pmessage, __keyspace@0__:*, __keyspace@0__:soon, expired]",
        ]
    );
    // Off: nothing is published (the next event seen is after re-enabling).
    admin
        .call(&["CONFIG", "SET", "notify-keyspace-events", ""])
        .await;
    admin.call(&["SET", "quiet", "1"]).await;
    admin
        .call(&["CONFIG", "SET", "notify-keyspace-events", "K$"])
        .await;
    admin.call(&["SET", "loud", "1"]).await;
    assert_eq!(
        show(&listener.read().await.unwrap()),
        "[pmessage, __keyspace@0__:*, __keyspace@0__:loud, set]"
    );
    let bad = show(
        &admin
            .call(&["CONFIG", "SET", "notify-keyspace-events", "KQ"])
            .await,
    );
    assert_eq!(
        bad,
        "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'."
    );
}

#[tokio::test]
async fn publish_from_the_redis_crate_and_messages_follow_the_subscribe_reply() {
    let ours = Resplite::start();
    let mut sub = Raw::connect(ours.addr).await;
    let mut c = ours.client().await;
    // Pipelined: SUBSCRIBE then a PUBLISH from another client may commit in
    // the same group; the confirmation still comes first.
    sub.send(&["SUBSCRIBE", "ch"]).await;
    loop {
        let n: i64 = q(&mut c, &[b"PUBLISH", b"ch", b"x"]).await.unwrap();
        if n == 1 {
            break;
        }
    }
    assert_eq!(show(&sub.read().await.unwrap()), "[subscribe, ch, 1]");
    assert_eq!(show(&sub.read().await.unwrap()), "[message, ch, x]");
}

#[tokio::test]
async fn pops_served_to_blocked_clients_emit_the_events_redis_emits() {
    let redis = RedisServer::start().await;
    let ours = Resplite::start();
    let mut results = Vec::new();
    for addr in [redis.addr, ours.addr] {
        let mut writer = Raw::connect(addr).await;
        let set = ["CONFIG", "SET", "notify-keyspace-events", "KEA"];
        writer.call(&set).await;
        let mut listener = Raw::connect(addr).await;
        listener.call(&["PSUBSCRIBE", "*"]).await;
        let mut blocked = Raw::connect(addr).await;
        let mut replies = Vec::new();
        for (wait, feed) in [
            (&["BLPOP", "q", "0"][..], &["LPUSH", "q", "a"][..]),
            (
                &["BLMOVE", "s", "d", "LEFT", "RIGHT", "0"],
                &["RPUSH", "s", "x", "y"],
            ),
            (&["BZPOPMIN", "z", "0"], &["ZADD", "z", "1", "m"]),
            (
                &["BLMPOP", "0", "2", "n1", "n2", "RIGHT"],
                &["RPUSH", "n2", "p"],
            ),
        ] {
            blocked.send(wait).await;
            resplite_tests::wait_blocked(addr, 1).await;
            writer.call(feed).await;
            replies.push(show(&blocked.read().await.unwrap()));
        }
        writer.call(&["PUBLISH", "end", "end"]).await;
        let mut events = Vec::new();
        loop {
            let text = show(&listener.read().await.unwrap());
            if text == "[pmessage, *, end, end]" {
                break;
            }
            events.push(text);
        }
        results.push((replies, events));
    }
    assert_eq!(results[0], results[1], "redis-server vs resplite");
}

#[tokio::test]
async fn reset_restores_a_fresh_connection_as_redis_does() {
    let redis = RedisServer::start_with(&["--requirepass", "pw"]);
    let ours = Resplite::start_with(&["--requirepass", "pw"]);
    let script: &[Step] = &[
        (&["AUTH", "pw"], 1, false),
        (&["CLIENT", "SETNAME", "me"], 1, false),
        (&["HELLO", "3"], 1, false),
        (&["SUBSCRIBE", "a"], 1, false),
        (&["WATCH", "k"], 1, false),
        (&["MULTI"], 1, false),
        (&["SET", "k", "1"], 1, false),
        (&["RESET"], 1, false),
        (&["GET", "k"], 1, false),
        (&["AUTH", "pw"], 1, false),
        (&["CLIENT", "GETNAME"], 1, false),
        (&["EXEC"], 1, false),
        (&["GET", "k"], 1, false),
        (&["PUBSUB", "NUMSUB", "a"], 1, false),
        (&["PING"], 1, false),
    ];
    let mut want = run_script(redis.addr, script).await;
    let mut got = run_script(ours.addr, script).await;
    // HELLO names the connection id: not comparable.
    want.remove(2);
    got.remove(2);
    assert_same(&want, &got);
    assert!(got.iter().any(|l| l == "RESET -> RESET"), "{got:?}");

    // CLIENT KILL TYPE pubsub closes subscribers only.
    let mut admin = Raw::connect(ours.addr).await;
    admin.call(&["AUTH", "pw"]).await;
    let mut sub = Raw::connect(ours.addr).await;
    sub.call(&["AUTH", "pw"]).await;
    sub.call(&["PSUBSCRIBE", "*"]).await;
    let killed = show(&admin.call(&["CLIENT", "KILL", "TYPE", "pubsub"]).await);
    assert_eq!(killed, "1");
    assert!(sub.read().await.is_none(), "the subscriber was closed");
    assert_eq!(show(&admin.call(&["PING"]).await), "PONG");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_does_not_wait_for_a_subscriber_that_stopped_reading() {
    let mut server = Resplite::start();
    let mut stalled = Raw::connect(server.addr).await;
    stalled.call(&["SUBSCRIBE", "ch"]).await;
    // 8 MB: more than the socket buffers hold, less than the 32 MB limit.
    let mut publisher = Raw::connect(server.addr).await;
    let payload = "x".repeat(4096);
    let mut out = Vec::new();
    for _ in 0..2000 {
        out.extend(encode_command(&["PUBLISH", "ch", &payload]));
    }
    publisher.stream.write_all(&out).await.unwrap();
    for _ in 0..2000 {
        assert_eq!(show(&publisher.read().await.unwrap()), "1");
    }
    let status = tokio::time::timeout(
        Duration::from_secs(20),
        tokio::task::spawn_blocking(move || server.stop()),
    )
    .await
    .expect("shutdown within 20s")
    .unwrap();
    assert!(status.is_some_and(|s| s.success()), "{status:?}");
    drop(stalled);
}
