//! Hash-field deadlines (HEXPIRE, HTTL, HPERSIST, ...) against the real
//! binary. Debian's redis-server is 7.0, which has none of these commands:
//! the expectations are written from Redis 7.4's documentation and source
//! (`t_hash.c`), not compared with a live server.

use redis::aio::MultiplexedConnection;
use resplite_tests::{q, q_err, RawClient, RedisServer, Resplite, WRONGTYPE};

async fn ints(c: &mut MultiplexedConnection, args: &[&[u8]]) -> Vec<i64> {
    q(c, args).await.unwrap()
}

async fn int(c: &mut MultiplexedConnection, args: &[&[u8]]) -> i64 {
    q(c, args).await.unwrap()
}

async fn hset(c: &mut MultiplexedConnection, key: &[u8], pairs: &[(&str, &str)]) {
    let mut args: Vec<&[u8]> = vec![b"HSET", key];
    for (f, v) in pairs {
        args.push(f.as_bytes());
        args.push(v.as_bytes());
    }
    let _: i64 = q(c, &args).await.unwrap();
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[tokio::test]
async fn deadlines_are_set_read_and_cleared() {
    let server = Resplite::start();
    let mut c = server.client().await;
    hset(&mut c, b"h", &[("a", "1"), ("b", "2"), ("c", "3")]).await;
    // A missing key answers -2 for every field; so does a missing field.
    assert_eq!(
        ints(
            &mut c,
            &[b"HEXPIRE", b"nope", b"100", b"FIELDS", b"2", b"a", b"b"]
        )
        .await,
        [-2, -2]
    );
    assert_eq!(
        ints(&mut c, &[b"HTTL", b"nope", b"FIELDS", b"1", b"a"]).await,
        [-2]
    );
    assert_eq!(
        ints(&mut c, &[b"HPERSIST", b"nope", b"FIELDS", b"1", b"a"]).await,
        [-2]
    );
    assert_eq!(
        ints(
            &mut c,
            &[b"HEXPIRE", b"h", b"100", b"FIELDS", b"2", b"a", b"zz"]
        )
        .await,
        [1, -2]
    );
    assert_eq!(
        ints(&mut c, &[b"HTTL", b"h", b"FIELDS", b"3", b"a", b"b", b"zz"]).await,
        [100, -1, -2]
    );
    let pttl = ints(&mut c, &[b"HPTTL", b"h", b"FIELDS", b"1", b"a"]).await[0];
    assert!((99_000..=100_000).contains(&pttl), "{pttl}");
    let at = ints(&mut c, &[b"HPEXPIRETIME", b"h", b"FIELDS", b"1", b"a"]).await[0];
    assert!((at - (now_ms() + 100_000)).abs() < 2_000, "{at}");
    assert_eq!(
        ints(&mut c, &[b"HEXPIRETIME", b"h", b"FIELDS", b"1", b"a"]).await,
        [(at + 999) / 1000]
    );
    // Absolute forms.
    let secs = (now_ms() / 1000 + 500).to_string();
    assert_eq!(
        ints(
            &mut c,
            &[b"HEXPIREAT", b"h", secs.as_bytes(), b"FIELDS", b"1", b"c"]
        )
        .await,
        [1]
    );
    assert_eq!(
        ints(&mut c, &[b"HEXPIRETIME", b"h", b"FIELDS", b"1", b"c"]).await[0].to_string(),
        secs
    );
    let ms = (now_ms() + 300_000).to_string();
    assert_eq!(
        ints(
            &mut c,
            &[b"HPEXPIREAT", b"h", ms.as_bytes(), b"FIELDS", b"1", b"c"]
        )
        .await,
        [1]
    );
    assert_eq!(
        ints(&mut c, &[b"HPEXPIRETIME", b"h", b"FIELDS", b"1", b"c"]).await[0].to_string(),
        ms
    );

    // Conditions: a field without a deadline has an infinite one.
    for (cond, secs, field, expected) in [
        ("NX", "50", "a", 0), // has one
        ("NX", "50", "b", 1), // had none
        ("XX", "60", "b", 1), // has one now
        ("GT", "10", "b", 0), // 10 < 60
        ("GT", "70", "b", 1),
        ("LT", "80", "b", 0), // 80 > 70
        ("LT", "65", "b", 1),
    ] {
        let got = ints(
            &mut c,
            &[
                b"HEXPIRE",
                b"h",
                secs.as_bytes(),
                cond.as_bytes(),
                b"FIELDS",
                b"1",
                field.as_bytes(),
            ],
        )
        .await;
        assert_eq!(got, [expected], "{cond} {secs} {field}");
    }
    hset(&mut c, b"h2", &[("x", "1")]).await;
    assert_eq!(
        ints(
            &mut c,
            &[b"HEXPIRE", b"h2", b"10", b"XX", b"FIELDS", b"1", b"x"]
        )
        .await,
        [0]
    );
    assert_eq!(
        ints(
            &mut c,
            &[b"HEXPIRE", b"h2", b"10", b"GT", b"FIELDS", b"1", b"x"]
        )
        .await,
        [0]
    );
    assert_eq!(
        ints(
            &mut c,
            &[b"HEXPIRE", b"h2", b"10", b"LT", b"FIELDS", b"1", b"x"]
        )
        .await,
        [1]
    );
    assert_eq!(
        ints(&mut c, &[b"HTTL", b"h", b"FIELDS", b"1", b"b"]).await,
        [65]
    );

    // HPERSIST: 1 cleared, -1 had none, -2 missing.
    assert_eq!(
        ints(
            &mut c,
            &[b"HPERSIST", b"h", b"FIELDS", b"3", b"b", b"b", b"zz"]
        )
        .await,
        [1, -1, -2]
    );
    // HSET clears a deadline; HINCRBY and HINCRBYFLOAT keep it.
    assert_eq!(
        ints(
            &mut c,
            &[b"HEXPIRE", b"h", b"100", b"FIELDS", b"2", b"a", b"b"]
        )
        .await,
        [1, 1]
    );
    hset(&mut c, b"h", &[("a", "7")]).await;
    assert_eq!(int(&mut c, &[b"HINCRBY", b"h", b"b", b"5"]).await, 7);
    let _: String = q(&mut c, &[b"HINCRBYFLOAT", b"h", b"b", b"0.5"])
        .await
        .unwrap();
    assert_eq!(
        ints(&mut c, &[b"HTTL", b"h", b"FIELDS", b"2", b"a", b"b"]).await,
        [-1, 100]
    );

    // A deadline not in the future deletes the field (2); the last one the key.
    assert_eq!(
        ints(
            &mut c,
            &[b"HEXPIRE", b"h", b"0", b"FIELDS", b"2", b"a", b"zz"]
        )
        .await,
        [2, -2]
    );
    assert_eq!(
        q::<Option<String>>(&mut c, &[b"HGET", b"h", b"a"])
            .await
            .unwrap(),
        None
    );
    let past = (now_ms() - 1000).to_string();
    assert_eq!(
        ints(
            &mut c,
            &[
                b"HPEXPIREAT",
                b"h",
                past.as_bytes(),
                b"FIELDS",
                b"2",
                b"b",
                b"c"
            ]
        )
        .await,
        [2, 2]
    );
    assert_eq!(int(&mut c, &[b"EXISTS", b"h"]).await, 0);
}

#[tokio::test]
async fn argument_errors_match_redis_7_4() {
    let server = Resplite::start();
    let mut c = server.client().await;
    hset(&mut c, b"h", &[("a", "1")]).await;
    let _: () = q(&mut c, &[b"SET", b"s", b"v"]).await.unwrap();
    // The key's type is judged before any argument, as in Redis.
    assert_eq!(
        q_err(&mut c, &[b"HEXPIRE", b"s", b"x", b"FIELDS", b"1", b"a"]).await,
        WRONGTYPE
    );
    assert_eq!(
        q_err(&mut c, &[b"HTTL", b"s", b"FIELDS", b"0", b"a"]).await,
        WRONGTYPE
    );
    assert_eq!(
        q_err(&mut c, &[b"HPERSIST", b"s", b"FIELDS", b"1", b"a"]).await,
        WRONGTYPE
    );
    for (args, err) in [
        (
            &[&b"HEXPIRE"[..], b"h", b"x", b"FIELDS", b"1", b"a"][..],
            "ERR value is not an integer or out of range",
        ),
        (
            &[b"HEXPIRE", b"h", b"-1", b"FIELDS", b"1", b"a"],
            "ERR invalid expire time, must be >= 0",
        ),
        (
            &[b"HEXPIRE", b"h", b"70368744177664", b"FIELDS", b"1", b"a"],
            "ERR invalid expire time in 'hexpire' command",
        ),
        (
            &[
                b"HPEXPIREAT",
                b"h",
                b"70368744177664",
                b"FIELDS",
                b"1",
                b"a",
            ],
            "ERR invalid expire time in 'hpexpireat' command",
        ),
        (
            &[b"HEXPIRE", b"h", b"10", b"FIELDS", b"0", b"a"],
            "ERR Parameter `numFields` should be greater than 0",
        ),
        (
            &[b"HEXPIRE", b"h", b"10", b"FIELDS", b"x", b"a"],
            "ERR Parameter `numFields` should be greater than 0",
        ),
        (
            &[b"HEXPIRE", b"h", b"10", b"FIELDS", b"2", b"a"],
            "ERR The `numfields` parameter must match the number of arguments",
        ),
        (
            &[b"HEXPIRE", b"h", b"10", b"XX", b"FELDS", b"1", b"a"],
            "ERR Mandatory argument FIELDS is missing or not at the right position",
        ),
        (
            &[b"HEXPIRE", b"h", b"10", b"1", b"a", b"b"],
            "ERR Mandatory argument FIELDS is missing or not at the right position",
        ),
        (
            &[b"HTTL", b"h", b"FIELDS", b"-1", b"a"],
            "ERR Number of fields must be a positive integer",
        ),
        (
            &[b"HPERSIST", b"h", b"FIELDS", b"3", b"a"],
            "ERR The `numfields` parameter must match the number of arguments",
        ),
        (
            &[b"HPERSIST", b"h", b"FIELD", b"1", b"a"],
            "ERR Mandatory argument FIELDS is missing or not at the right position",
        ),
        (
            &[b"HEXPIRE", b"h", b"10", b"FIELDS", b"1"],
            "ERR wrong number of arguments for 'hexpire' command",
        ),
        (
            &[b"HTTL", b"h", b"FIELDS", b"1"],
            "ERR wrong number of arguments for 'httl' command",
        ),
    ] {
        assert_eq!(
            q_err(&mut c, args).await,
            err,
            "{:?}",
            args.iter()
                .map(|a| a.escape_ascii().to_string())
                .collect::<Vec<_>>()
        );
    }
    // Nothing changed.
    assert_eq!(
        ints(&mut c, &[b"HTTL", b"h", b"FIELDS", b"1", b"a"]).await,
        [-1]
    );
}

/// Reads pub/sub messages until `n` arrived: (channel, payload).
async fn messages(sub: &mut RawClient, n: usize) -> Vec<String> {
    let mut out = Vec::new();
    while out.len() < n {
        let msg = format!("{:?}", sub.read().await.expect("a message"));
        if msg.contains("pmessage") {
            out.push(msg);
        }
    }
    out
}

/// Fields go when due, with no client touching the key (the sweeper; the
/// lazy path on access is unit-tested in `core`). `hexpired` and, for the
/// last field, `del` are published.
#[tokio::test]
async fn due_fields_expire_lazily_and_by_the_sweeper() {
    let server = Resplite::start();
    let mut c = server.client().await;
    let _: () = q(
        &mut c,
        &[b"CONFIG", b"SET", b"notify-keyspace-events", b"Khg"],
    )
    .await
    .unwrap();
    let mut sub = RawClient::connect(server.addr).await;
    sub.call(&["PSUBSCRIBE", "__keyspace@0__:*"]).await;

    hset(&mut c, b"swept", &[("a", "1"), ("b", "2")]).await;
    assert_eq!(
        ints(
            &mut c,
            &[b"HPEXPIRE", b"swept", b"30", b"FIELDS", b"2", b"a", b"b"]
        )
        .await,
        [1, 1]
    );
    // No command touches `swept` again: the sweeper must delete it.
    let events = messages(&mut sub, 4).await;
    for (msg, event) in events.iter().zip(["hset", "hexpire", "hexpired", "del"]) {
        assert!(
            msg.contains(&format!("BulkString(b\"{event}\")")),
            "{events:?}"
        );
    }
    assert_eq!(int(&mut c, &[b"EXISTS", b"swept"]).await, 0);

    // One field of three.
    hset(&mut c, b"lazy", &[("a", "1"), ("b", "2"), ("c", "3")]).await;
    assert_eq!(
        ints(
            &mut c,
            &[b"HPEXPIRE", b"lazy", b"20", b"FIELDS", b"1", b"a"]
        )
        .await,
        [1]
    );
    let events = messages(&mut sub, 3).await;
    assert!(events[2].contains("hexpired"), "{events:?}");
    let mut left: Vec<String> = q(&mut c, &[b"HKEYS", b"lazy"]).await.unwrap();
    left.sort();
    assert_eq!(left, ["b", "c"]);
    assert_eq!(int(&mut c, &[b"HLEN", b"lazy"]).await, 2);
    assert_eq!(
        ints(&mut c, &[b"HTTL", b"lazy", b"FIELDS", b"1", b"a"]).await,
        [-2]
    );
    // HPERSIST and a past deadline name their events.
    assert_eq!(
        ints(
            &mut c,
            &[b"HEXPIRE", b"lazy", b"100", b"FIELDS", b"1", b"b"]
        )
        .await,
        [1]
    );
    assert_eq!(
        ints(&mut c, &[b"HPERSIST", b"lazy", b"FIELDS", b"1", b"b"]).await,
        [1]
    );
    assert_eq!(
        ints(&mut c, &[b"HEXPIRE", b"lazy", b"0", b"FIELDS", b"1", b"b"]).await,
        [2]
    );
    let events = messages(&mut sub, 3).await;
    for (msg, event) in events.iter().zip(["hexpire", "hpersist", "hdel"]) {
        assert!(
            msg.contains(&format!("BulkString(b\"{event}\")")),
            "{events:?}"
        );
    }
}

/// Key deadlines and field deadlines are independent; RENAME, COPY and
/// MOVE carry field deadlines; binary fields; a restart keeps them.
#[tokio::test]
async fn deadlines_travel_with_their_fields() {
    let mut server = Resplite::start();
    let mut c = server.client().await;
    let key: &[u8] = b"bin\x00\xffkey";
    let field: &[u8] = b"\x00\r\nfield\xff";
    let _: i64 = q(&mut c, &[b"HSET", key, field, b"v", b"plain", b"p"])
        .await
        .unwrap();
    assert_eq!(
        ints(&mut c, &[b"HEXPIRE", key, b"1000", b"FIELDS", b"1", field]).await,
        [1]
    );
    assert_eq!(int(&mut c, &[b"EXPIRE", key, b"5000"]).await, 1);
    assert_eq!(int(&mut c, &[b"PERSIST", key]).await, 1);
    assert_eq!(
        ints(&mut c, &[b"HTTL", key, b"FIELDS", b"2", field, b"plain"]).await,
        [1000, -1]
    );
    let _: () = q(&mut c, &[b"RENAME", key, b"renamed"]).await.unwrap();
    assert_eq!(int(&mut c, &[b"COPY", b"renamed", b"copied"]).await, 1);
    assert_eq!(int(&mut c, &[b"MOVE", b"copied", b"3"]).await, 1);
    assert_eq!(
        ints(&mut c, &[b"HTTL", b"renamed", b"FIELDS", b"1", field]).await,
        [1000]
    );
    server.restart();
    let mut c = server.client().await;
    assert_eq!(
        ints(
            &mut c,
            &[b"HTTL", b"renamed", b"FIELDS", b"2", field, b"plain"]
        )
        .await,
        [1000, -1]
    );
    let _: () = q(&mut c, &[b"SELECT", b"3"]).await.unwrap();
    assert_eq!(
        ints(&mut c, &[b"HTTL", b"copied", b"FIELDS", b"1", field]).await,
        [1000]
    );
    // A key deadline still deletes the whole hash.
    assert_eq!(int(&mut c, &[b"PEXPIRE", b"copied", b"1"]).await, 1);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while int(&mut c, &[b"EXISTS", b"copied"]).await == 1 {
        assert!(
            std::time::Instant::now() < deadline,
            "the key never expired"
        );
        tokio::task::yield_now().await;
    }
    assert_eq!(
        ints(&mut c, &[b"HTTL", b"copied", b"FIELDS", b"1", field]).await,
        [-2]
    );
}

/// DUMP of a hash with field deadlines is Redis 7.4's payload (RDB 12, type
/// 24): RESTORE brings the deadlines back; Redis 7.0 refuses it as Redis
/// 7.0 refuses Redis 7.4's. Plain hashes still dump as RDB 10.
#[tokio::test]
async fn dump_and_restore_keep_field_deadlines() {
    let redis = RedisServer::start().await;
    let server = Resplite::start();
    let mut c = server.client().await;
    let mut r = resplite_tests::connect(&redis.url()).await;
    hset(&mut c, b"h", &[("a", "1"), ("b", "2"), ("c", "3")]).await;
    let plain: Vec<u8> = q(&mut c, &[b"DUMP", b"h"]).await.unwrap();
    assert_eq!(plain[plain.len() - 10..plain.len() - 8], [10, 0]);
    assert_eq!(
        ints(&mut c, &[b"HEXPIRE", b"h", b"100", b"FIELDS", b"1", b"a"]).await,
        [1]
    );
    assert_eq!(
        ints(&mut c, &[b"HEXPIRE", b"h", b"200", b"FIELDS", b"1", b"c"]).await,
        [1]
    );
    let payload: Vec<u8> = q(&mut c, &[b"DUMP", b"h"]).await.unwrap();
    assert_eq!(payload[0], 24);
    assert_eq!(payload[payload.len() - 10..payload.len() - 8], [12, 0]);
    let _: () = q(&mut c, &[b"RESTORE", b"back", b"0", &payload])
        .await
        .unwrap();
    assert_eq!(
        ints(
            &mut c,
            &[b"HTTL", b"back", b"FIELDS", b"3", b"a", b"b", b"c"]
        )
        .await,
        [100, -1, 200]
    );
    let mut got: Vec<String> = q(&mut c, &[b"HGETALL", b"back"]).await.unwrap();
    got.sort();
    assert_eq!(got, ["1", "2", "3", "a", "b", "c"]);
    assert_eq!(
        q_err(&mut r, &[b"RESTORE", b"h", b"0", &payload]).await,
        "ERR DUMP payload version or checksum are wrong"
    );
    // Redis 7.0 restores the plain payload.
    let _: () = q(&mut r, &[b"RESTORE", b"h", b"0", &plain]).await.unwrap();
    assert_eq!(int(&mut r, &[b"HLEN", b"h"]).await, 3);
}

/// RESP3 answers the same arrays of integers.
#[tokio::test]
async fn resp3_replies_are_arrays_of_integers() {
    use resplite_tests::resp3::Resp3Client;
    let server = Resplite::start();
    let mut raw = Resp3Client::connect(server.addr).await;
    let mut call = async |args: &[&str]| {
        raw.send(args).await;
        format!("{:?}", raw.read().await.expect("a reply"))
    };
    call(&["HELLO", "3"]).await;
    call(&["HSET", "h", "a", "1"]).await;
    let reply = call(&["HEXPIRE", "h", "100", "FIELDS", "2", "a", "b"]).await;
    assert!(
        reply.starts_with("Array") && reply.contains("data: 1,") && reply.contains("data: -2,"),
        "{reply}"
    );
    let reply = call(&["HTTL", "h", "FIELDS", "1", "a"]).await;
    assert!(
        reply.starts_with("Array") && reply.contains("data: 100,"),
        "{reply}"
    );
}
