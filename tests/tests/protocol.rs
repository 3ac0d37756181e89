//! The wire, over real TCP against the real binary: chunked and deep pipelines,
//! inline commands, malformed requests (checked against redis-server's error
//! lines), and memory that stays bounded when a client sends too much.

use std::net::SocketAddr;
use std::time::Duration;

use redis_protocol::resp2::types::BytesFrame;
use resplite_tests::{encode_command, RawClient, RedisServer, Resplite};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn bulk(b: &[u8]) -> BytesFrame {
    BytesFrame::BulkString(b.to_vec().into())
}

fn status(s: &str) -> BytesFrame {
    BytesFrame::SimpleString(s.as_bytes().to_vec().into())
}

fn error(s: &str) -> BytesFrame {
    BytesFrame::Error(s.into())
}

/// A pipeline of several commands, each as its wire bytes.
fn pipeline() -> Vec<Vec<u8>> {
    vec![
        encode_command(&["SET", "split:k", "v a l"]),
        encode_command(&[&b"SET"[..], b"split:bin", b"\x00\r\n\xff"]),
        b"PING\r\n".to_vec(),
        encode_command(&["GET", "split:k"]),
        encode_command(&["SET", "split:n", "10"]),
        encode_command(&["INCRBY", "split:n", "-3"]),
        b"ECHO \"a b\"\n".to_vec(),
        encode_command(&["MGET", "split:k", "split:bin", "split:none"]),
        encode_command(&["ECHO", ""]),
        b"*0\r\n".to_vec(),
        b"\r\n".to_vec(),
        encode_command(&["DEL", "split:k", "split:bin", "split:n"]),
    ]
}

/// Replies the pipeline must produce, in order (`*0` and the blank line are
/// skipped without a reply, as Redis does).
fn pipeline_replies() -> Vec<BytesFrame> {
    vec![
        status("OK"),
        status("OK"),
        status("PONG"),
        bulk(b"v a l"),
        status("OK"),
        BytesFrame::Integer(7),
        bulk(b"a b"),
        BytesFrame::Array(vec![
            bulk(b"v a l"),
            bulk(b"\x00\r\n\xff"),
            BytesFrame::Null,
        ]),
        bulk(b""),
        BytesFrame::Integer(3),
    ]
}

/// How many replies the commands wholly inside the first `len` bytes produce.
fn replies_within(commands: &[Vec<u8>], len: usize) -> usize {
    let mut end = 0;
    let mut replies = 0;
    for c in commands {
        end += c.len();
        if end > len {
            break;
        }
        if c != b"*0\r\n" && c != b"\r\n" {
            replies += 1;
        }
    }
    replies
}

#[tokio::test]
async fn pipeline_split_at_every_byte_gives_the_same_replies() {
    let server = Resplite::start();
    let commands = pipeline();
    let wire = commands.concat();
    let want = pipeline_replies();

    let mut whole = server.raw().await;
    whole.send(&wire).await;
    for (i, w) in want.iter().enumerate() {
        assert_eq!(
            whole.read().await.as_ref(),
            Some(w),
            "reply {i}, sent whole"
        );
    }

    for split in 1..wire.len() {
        let mut client = server.raw().await;
        client.send(&wire[..split]).await;
        // Wait for the replies of every command wholly in the prefix: the server
        // has then read the prefix, and holds any partial command in its buffer
        // when the rest arrives.
        let early = replies_within(&commands, split);
        let mut got = Vec::new();
        for _ in 0..early {
            got.push(client.read().await.expect("reply"));
        }
        client.send(&wire[split..]).await;
        for _ in early..want.len() {
            got.push(client.read().await.expect("reply"));
        }
        assert_eq!(got, want, "split at byte {split}");
    }
}

#[tokio::test]
async fn a_thousand_commands_in_one_write_reply_in_order() {
    let server = Resplite::start();
    let mut client = server.raw().await;
    let mut wire = Vec::new();
    let mut want = Vec::new();
    for i in 0..1000 {
        let key = format!("many:{i}");
        wire.extend(encode_command(&["SET", &key, &i.to_string()]));
        wire.extend(b"PING\r\n");
        wire.extend(encode_command(&["GET", &key]));
        wire.extend(encode_command(&["INCR", "many:counter"]));
        want.push(status("OK"));
        want.push(status("PONG"));
        want.push(bulk(i.to_string().as_bytes()));
        want.push(BytesFrame::Integer(i + 1));
    }
    client.send(&wire).await;
    for (i, w) in want.iter().enumerate() {
        assert_eq!(client.read().await.as_ref(), Some(w), "reply {i}");
    }
    assert_eq!(client.call(&["DBSIZE"]).await, BytesFrame::Integer(1001));
}

/// A client that sends its commands and half-closes (`printf ... | nc`) gets
/// every reply, as from Redis, however the end of stream and the commands
/// fall into the server's reads.
#[tokio::test]
async fn a_half_closed_client_gets_all_its_replies() {
    let redis = RedisServer::start().await;
    let ours = Resplite::start();
    let mut wire = b"PING\r\n".to_vec();
    wire.extend(encode_command(&["SET", "half", "closed"]));
    wire.extend(encode_command(&["GET", "half"]));
    wire.extend(encode_command(&["Quit"]));
    for addr in [redis.addr, ours.addr] {
        for round in 0..50 {
            let mut c = RawClient::connect(addr).await;
            c.send(&wire).await;
            c.half_close().await;
            assert_eq!(
                c.read_to_close().await,
                b"+PONG\r\n+OK\r\n$6\r\nclosed\r\n+OK\r\n",
                "{addr} round {round}"
            );
        }
    }
}

/// Inline commands as redis-cli and telnet users type them, compared with
/// redis-server's replies.
#[tokio::test]
async fn inline_commands_match_redis() {
    let redis = RedisServer::start().await;
    let ours = Resplite::start();
    let lines: &[&[u8]] = &[
        b"PING\r\n",
        b"PING\n",
        b"  PING   hello  \r\n",
        b"SET inline:a \"b c\"\r\n",
        b"GET inline:a\r\n",
        b"ECHO 'x'\n",
        b"ECHO \"\\x41\\x42\\n\\t\"\r\n",
        b"ECHO 'it\\'s'\n",
        b"ECHO \"\"\r\n",
        b"SET inline:b \"\\xff\\x00\" \r\n",
        b"GET inline:b\r\n",
        b"get   inline:a\r\n",
        b"\r\n",
        b"   \r\n",
        b"NOSUCH a b\r\n",
        b"GET\r\n",
        b"DEL inline:a inline:b\r\n",
    ];
    let mut r = redis.raw().await;
    let mut o = ours.raw().await;
    for line in lines {
        // Blank lines get no reply: follow each with a PING to keep in step.
        let mut wire = line.to_vec();
        wire.extend(b"PING\r\n");
        r.send(&wire).await;
        o.send(&wire).await;
        let rr = until_pong(&mut r).await;
        let oo = until_pong(&mut o).await;
        assert_eq!(oo, rr, "{}", String::from_utf8_lossy(line).escape_debug());
    }
}

/// Every reply up to and including the next `+PONG`.
async fn until_pong(client: &mut RawClient) -> Vec<BytesFrame> {
    let mut replies = Vec::new();
    loop {
        let frame = client.read().await.expect("reply");
        let done = frame == status("PONG");
        replies.push(frame);
        if done {
            return replies;
        }
    }
}

/// Sends `bytes` on a fresh connection and returns everything the server says
/// until it closes the connection.
async fn answer_then_close(client: &mut RawClient, bytes: &[u8]) -> Vec<BytesFrame> {
    client.send(bytes).await;
    let mut replies = Vec::new();
    while let Some(frame) = client.read().await {
        replies.push(frame);
    }
    replies
}

/// Malformed requests get Redis' protocol error line and then a closed
/// connection; other clients are not affected.
#[tokio::test]
async fn malformed_requests_get_redis_errors_and_are_disconnected() {
    let redis = RedisServer::start().await;
    let ours = Resplite::start();
    let cases: &[(&[u8], &str)] = &[
        (b"*abc\r\n", "ERR Protocol error: invalid multibulk length"),
        (b"*1\r\n$-5\r\n", "ERR Protocol error: invalid bulk length"),
        (b"*1\r\n$abc\r\n", "ERR Protocol error: invalid bulk length"),
        (
            b"*99999999999\r\n",
            "ERR Protocol error: invalid multibulk length",
        ),
        (
            b"*1\r\n$600000000\r\n",
            "ERR Protocol error: invalid bulk length",
        ),
        (
            b"*2\r\n$4\r\nECHO\r\n:1\r\n",
            "ERR Protocol error: expected '$', got ':'",
        ),
        (
            b"*1\r\nPING\r\n",
            "ERR Protocol error: expected '$', got 'P'",
        ),
        (
            b"SET a \"b\r\n",
            "ERR Protocol error: unbalanced quotes in request",
        ),
        (
            b"ECHO 'x'y\r\n",
            "ERR Protocol error: unbalanced quotes in request",
        ),
    ];
    let mut bystander = ours.raw().await;
    for (input, message) in cases {
        let shown = String::from_utf8_lossy(input).escape_debug().to_string();
        // A valid command first: its reply must still come, then the error.
        let mut wire = b"PING\r\n".to_vec();
        wire.extend_from_slice(input);
        let want = vec![status("PONG"), error(message)];
        let mut r = redis.raw().await;
        assert_eq!(
            answer_then_close(&mut r, &wire).await,
            want,
            "redis, {shown}"
        );
        let mut o = ours.raw().await;
        assert_eq!(
            answer_then_close(&mut o, &wire).await,
            want,
            "resplite, {shown}"
        );
        assert_eq!(bystander.call(&["PING"]).await, status("PONG"));
        let mut newcomer = ours.raw().await;
        assert_eq!(newcomer.call(&["PING"]).await, status("PONG"));
    }
}

/// `*-1` and `*0` are empty requests: skipped without a reply, as in Redis.
#[tokio::test]
async fn negative_and_zero_multibulk_counts_are_skipped() {
    let redis = RedisServer::start().await;
    let ours = Resplite::start();
    let wire = b"*-1\r\n*0\r\n*-5\r\nPING\r\n";
    let mut r = redis.raw().await;
    let mut o = ours.raw().await;
    r.send(wire).await;
    o.send(wire).await;
    assert_eq!(r.read().await, Some(status("PONG")));
    assert_eq!(o.read().await, Some(status("PONG")));
}

/// A bulk length over `--proto-max-bulk-len` is refused before any data.
#[tokio::test]
async fn bulk_over_the_configured_limit_is_refused() {
    let server = Resplite::start_with(&["--proto-max-bulk-len", "1024"]);
    let mut ok = server.raw().await;
    let at_limit = vec![b'x'; 1024];
    assert_eq!(
        ok.call(&[&b"SET"[..], b"limit:k", &at_limit]).await,
        status("OK")
    );
    let mut bad = server.raw().await;
    let replies = answer_then_close(&mut bad, b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1025\r\n").await;
    assert_eq!(
        replies,
        vec![error("ERR Protocol error: invalid bulk length")]
    );
    assert_eq!(
        ok.call(&["STRLEN", "limit:k"]).await,
        BytesFrame::Integer(1024)
    );
}

/// Writes `prefix`, then `total` bytes of filler, until the server closes the
/// connection; returns once the connection is closed (EOF or reset).
async fn flood_until_closed(addr: SocketAddr, prefix: &'static [u8], total: usize) {
    let mut stream = TcpStream::connect(addr).await.expect("connect");
    let chunk = vec![b'a'; 64 * 1024];
    let mut sent = 0;
    // The server may close mid-stream: a failed write just ends the flood.
    let mut open = stream.write_all(prefix).await.is_ok();
    while open && sent < total {
        open = stream.write_all(&chunk).await.is_ok();
        sent += chunk.len();
    }
    let mut sink = [0u8; 4096];
    let closed = tokio::time::timeout(Duration::from_secs(30), async {
        loop {
            match stream.read(&mut sink).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "server kept the connection open");
}

#[tokio::test]
async fn oversized_input_is_cut_off_and_memory_stays_bounded() {
    let server = Resplite::start_with(&["--client-query-buffer-limit", "1048576"]);
    let mut bystander = server.raw().await;
    let before = server.rss_kb();

    // A 2 MB inline "command" with no newline.
    flood_until_closed(server.addr, b"", 2 << 20).await;
    // A bulk string claiming 100 MB, then 4 MB of it.
    flood_until_closed(server.addr, b"*2\r\n$4\r\nECHO\r\n$104857600\r\n", 4 << 20).await;
    // The same claim from several clients at once.
    let mut floods = tokio::task::JoinSet::new();
    for _ in 0..4 {
        floods.spawn(flood_until_closed(
            server.addr,
            b"*1\r\n$104857600\r\n",
            4 << 20,
        ));
    }
    while let Some(done) = floods.join_next().await {
        done.expect("flood task");
    }

    let after = server.rss_kb();
    assert!(
        after < 200 * 1024,
        "resplite RSS grew from {before} kB to {after} kB"
    );
    assert_eq!(bystander.call(&["PING"]).await, status("PONG"));
    let mut newcomer = server.raw().await;
    assert_eq!(newcomer.call(&["PING"]).await, status("PONG"));
}
