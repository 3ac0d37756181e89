//! A 1,000,000-member hash, set, list and zset: each built, ranged, scanned and
//! deleted, while the server's peak RSS (VmHWM) stays under 200 MB: no command
//! loads a whole container to serve a slice.

use resplite_tests::{encode_command, RawClient, Resplite};

const MEMBERS: usize = 1_000_000;
const PER_COMMAND: usize = 1000;
const PEAK_RSS_LIMIT_KB: u64 = 200 * 1024;

/// Sends `commands` pipelined in windows and checks every reply is not an error.
async fn pipeline(client: &mut RawClient, commands: Vec<Vec<Vec<u8>>>) {
    for window in commands.chunks(64) {
        let wire: Vec<u8> = window.iter().flat_map(|c| encode_command(c)).collect();
        client.send(&wire).await;
        for cmd in window {
            let reply = client.read().await.expect("reply");
            assert!(
                !matches!(reply, redis_protocol::resp2::types::BytesFrame::Error(_)),
                "{} failed: {reply:?}",
                String::from_utf8_lossy(&cmd[0])
            );
        }
    }
}

fn build(cmd: &str, key: &str, per_member: fn(usize) -> Vec<Vec<u8>>) -> Vec<Vec<Vec<u8>>> {
    (0..MEMBERS / PER_COMMAND)
        .map(|chunk| {
            let mut args = vec![cmd.as_bytes().to_vec(), key.as_bytes().to_vec()];
            for i in chunk * PER_COMMAND..(chunk + 1) * PER_COMMAND {
                args.extend(per_member(i));
            }
            args
        })
        .collect()
}

/// A full cursor iteration; returns how many items (members, or field+value
/// pairs counted once) came back.
async fn scan_all(client: &mut RawClient, cmd: &str, key: &str, per_item: usize) -> usize {
    use redis_protocol::resp2::types::BytesFrame;
    let mut cursor = b"0".to_vec();
    let mut seen = 0;
    loop {
        let reply = client
            .call(&[cmd.as_bytes(), key.as_bytes(), &cursor, b"COUNT", b"5000"])
            .await;
        let BytesFrame::Array(parts) = reply else {
            panic!("{cmd} reply {reply:?}")
        };
        let (BytesFrame::BulkString(next), BytesFrame::Array(items)) = (&parts[0], &parts[1])
        else {
            panic!("{cmd} reply shape")
        };
        seen += items.len() / per_item;
        cursor = next.to_vec();
        if cursor == b"0" {
            return seen;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn million_member_containers_in_bounded_memory() {
    use redis_protocol::resp2::types::BytesFrame;
    let server = Resplite::start();
    let mut c = server.raw().await;

    pipeline(
        &mut c,
        build("HSET", "hash", |i| {
            vec![format!("f{i}").into_bytes(), format!("v{i}").into_bytes()]
        }),
    )
    .await;
    pipeline(
        &mut c,
        build("SADD", "set", |i| vec![format!("m{i}").into_bytes()]),
    )
    .await;
    pipeline(
        &mut c,
        build("RPUSH", "list", |i| vec![format!("e{i}").into_bytes()]),
    )
    .await;
    pipeline(
        &mut c,
        build("ZADD", "zset", |i| {
            vec![i.to_string().into_bytes(), format!("m{i}").into_bytes()]
        }),
    )
    .await;

    for (cmd, key) in [
        ("HLEN", "hash"),
        ("SCARD", "set"),
        ("LLEN", "list"),
        ("ZCARD", "zset"),
    ] {
        assert_eq!(
            c.call(&[cmd, key]).await,
            BytesFrame::Integer(MEMBERS as i64),
            "{cmd}"
        );
    }
    // Ranges: slices from the middle and the end.
    let BytesFrame::Array(items) = c.call(&["LRANGE", "list", "500000", "500099"]).await else {
        panic!()
    };
    assert_eq!(items.len(), 100);
    assert_eq!(items[0], BytesFrame::BulkString("e500000".into()));
    assert_eq!(
        c.call(&["LINDEX", "list", "-1"]).await,
        BytesFrame::BulkString("e999999".into())
    );
    let BytesFrame::Array(items) = c.call(&["ZRANGE", "zset", "999900", "-1"]).await else {
        panic!()
    };
    assert_eq!(items.len(), 100);
    let BytesFrame::Array(items) = c.call(&["ZRANGE", "zset", "(10", "20", "BYSCORE"]).await else {
        panic!()
    };
    assert_eq!(items.len(), 10);
    assert_eq!(
        c.call(&["HGET", "hash", "f777777"]).await,
        BytesFrame::BulkString("v777777".into())
    );
    assert_eq!(
        c.call(&["SISMEMBER", "set", "m123456"]).await,
        BytesFrame::Integer(1)
    );

    // Full scans return every member.
    assert_eq!(scan_all(&mut c, "HSCAN", "hash", 2).await, MEMBERS);
    assert_eq!(scan_all(&mut c, "SSCAN", "set", 1).await, MEMBERS);
    assert_eq!(scan_all(&mut c, "ZSCAN", "zset", 2).await, MEMBERS);

    assert_eq!(
        c.call(&["DEL", "hash", "set", "list", "zset"]).await,
        BytesFrame::Integer(4)
    );
    assert_eq!(c.call(&["DBSIZE"]).await, BytesFrame::Integer(0));

    let peak = server.peak_rss_kb();
    println!("peak RSS of the server: {} MB", peak / 1024);
    assert!(peak < PEAK_RSS_LIMIT_KB, "peak RSS {} MB", peak / 1024);
}
