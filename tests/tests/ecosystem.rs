//! The Redis ecosystem against the real binary: the connect-time handshake
//! clients send (HELLO, AUTH, CLIENT SETNAME/SETINFO), RESP3 after HELLO 3,
//! CLIENT LIST/KILL, CONFIG, the admin commands tools call, error texts
//! checked against a real redis-server, and the real tools: redis-benchmark
//! and redis-cli --stat / --bigkeys / --memkeys.

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use bytes::BytesMut;
use redis::Value;
use redis_protocol::resp2::types::BytesFrame;
use redis_protocol::resp3::types::BytesFrame as Frame3;
use resplite_tests::{connect, encode_command, q, q_err, RawClient, RedisServer, Resplite};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A raw client that decodes RESP3 (and RESP2, a subset) with redis-protocol.
struct Resp3Client {
    stream: TcpStream,
    buf: BytesMut,
}

impl Resp3Client {
    async fn connect(addr: std::net::SocketAddr) -> Resp3Client {
        Resp3Client {
            stream: TcpStream::connect(addr).await.expect("connect"),
            buf: BytesMut::new(),
        }
    }

    async fn call(&mut self, args: &[&str]) -> Frame3 {
        self.stream
            .write_all(&encode_command(args))
            .await
            .expect("write");
        loop {
            if let Some((frame, _, _)) =
                redis_protocol::resp3::decode::complete::decode_bytes_mut(&mut self.buf)
                    .expect("valid RESP3")
            {
                return frame;
            }
            let n =
                tokio::time::timeout(Duration::from_secs(10), self.stream.read_buf(&mut self.buf))
                    .await
                    .expect("reply within 10s")
                    .expect("read");
            assert!(n > 0, "server closed the connection");
        }
    }
}

fn text3(f: &Frame3) -> String {
    match f {
        Frame3::BlobString { data, .. } | Frame3::SimpleString { data, .. } => {
            String::from_utf8_lossy(data).into_owned()
        }
        Frame3::SimpleError { data, .. } => data.to_string(),
        other => panic!("not a string: {other:?}"),
    }
}

/// A RESP3 map with string keys, as key -> frame.
fn map3(f: Frame3) -> BTreeMap<String, Frame3> {
    match f {
        Frame3::Map { data, .. } => data.into_iter().map(|(k, v)| (text3(&k), v)).collect(),
        other => panic!("not a map: {other:?}"),
    }
}

fn text2(f: &BytesFrame) -> String {
    match f {
        BytesFrame::BulkString(b) | BytesFrame::SimpleString(b) => {
            String::from_utf8_lossy(b).into_owned()
        }
        BytesFrame::Error(e) => e.to_string(),
        other => panic!("not a string: {other:?}"),
    }
}

/// A RESP2 flat key/value array as a map.
fn pairs2(f: &BytesFrame) -> BTreeMap<String, BytesFrame> {
    let BytesFrame::Array(items) = f else {
        panic!("not an array: {f:?}")
    };
    assert_eq!(items.len() % 2, 0);
    items
        .chunks(2)
        .map(|p| (text2(&p[0]), p[1].clone()))
        .collect()
}

fn error(f: &BytesFrame) -> String {
    match f {
        BytesFrame::Error(e) => e.to_string(),
        other => panic!("expected an error, got {other:?}"),
    }
}

/// `key=value` fields of one CLIENT LIST line, in order.
fn client_fields(line: &str) -> Vec<(String, String)> {
    line.split(' ')
        .map(|kv| {
            let (k, v) = kv
                .split_once('=')
                .unwrap_or_else(|| panic!("bad field {kv}"));
            (k.to_string(), v.to_string())
        })
        .collect()
}

fn field(line: &str, key: &str) -> String {
    client_fields(line)
        .into_iter()
        .find(|(k, _)| k == key)
        .unwrap_or_else(|| panic!("no {key} in {line}"))
        .1
}

#[tokio::test]
async fn hello_switches_protocol_and_reports_the_server() {
    let server = Resplite::start();
    let redis = RedisServer::start().await;

    // HELLO with no argument: the current context, protocol 2.
    let mut raw = server.raw().await;
    let hello = pairs2(&raw.call(&["HELLO"]).await);
    let mut oracle = redis.raw().await;
    let expected = pairs2(&oracle.call(&["HELLO"]).await);
    assert_eq!(
        hello.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>(),
        "same fields as redis 7"
    );
    for k in ["server", "version", "proto", "mode", "role", "modules"] {
        assert_eq!(hello[k], expected[k], "HELLO {k}");
    }
    let id = match raw.call(&["CLIENT", "ID"]).await {
        BytesFrame::Integer(n) => n,
        other => panic!("{other:?}"),
    };
    assert_eq!(hello["id"], BytesFrame::Integer(id));

    // HELLO 3: the reply itself and everything after it speak RESP3.
    let mut c = Resp3Client::connect(server.addr).await;
    let hello = map3(c.call(&["HELLO", "3", "SETNAME", "resp3-client"]).await);
    assert!(matches!(hello["proto"], Frame3::Number { data: 3, .. }));
    assert_eq!(text3(&hello["server"]), "redis");
    assert_eq!(text3(&hello["version"]), "7.0.15");
    assert!(matches!(&hello["modules"], Frame3::Array { data, .. } if data.is_empty()));
    assert_eq!(text3(&c.call(&["CLIENT", "GETNAME"]).await), "resp3-client");
    c.call(&["HSET", "h", "f1", "v1", "f2", "v2"]).await;
    let h = map3(c.call(&["HGETALL", "h"]).await);
    assert_eq!(h.len(), 2);
    assert_eq!(text3(&h["f1"]), "v1");
    c.call(&["SADD", "s", "a", "b"]).await;
    assert!(
        matches!(c.call(&["SMEMBERS", "s"]).await, Frame3::Set { data, .. } if data.len() == 2)
    );
    assert!(matches!(c.call(&["GET", "missing"]).await, Frame3::Null));
    c.call(&["ZADD", "z", "1.5", "m"]).await;
    assert!(
        matches!(c.call(&["ZSCORE", "z", "m"]).await, Frame3::Double { data, .. } if data == 1.5)
    );
    let config = map3(c.call(&["CONFIG", "GET", "appendonly"]).await);
    assert_eq!(text3(&config["appendonly"]), "no");
    // And back to RESP2: maps are flat arrays again.
    let hello = c.call(&["HELLO", "2"]).await;
    assert!(matches!(hello, Frame3::Array { ref data, .. } if data.len() == 14));
    assert!(
        matches!(c.call(&["HGETALL", "h"]).await, Frame3::Array { data, .. } if data.len() == 4)
    );

    // Errors, as redis-server words them; a failed HELLO changes nothing.
    let cases: &[&[&str]] = &[
        &["HELLO", "4"],
        &["HELLO", "1"],
        &["HELLO", "abc"],
        &["HELLO", "3", "foo"],
        &["HELLO", "3", "AUTH", "default"],
        &["HELLO", "3", "AUTH", "nobody", "pw"],
        &["HELLO", "3", "SETNAME", "a b"],
    ];
    for case in cases {
        let got = error(&raw.call(case).await);
        assert_eq!(got, error(&oracle.call(case).await), "{case:?}");
    }
    assert_eq!(
        raw.call(&["GET", "missing"]).await,
        BytesFrame::Null,
        "still RESP2"
    );
    // No password configured: `default` with any password is accepted.
    let ok = pairs2(
        &raw.call(&["HELLO", "2", "AUTH", "default", "anything"])
            .await,
    );
    assert_eq!(ok["proto"], BytesFrame::Integer(2));
}

#[tokio::test]
async fn redis_rs_speaks_resp3() {
    let server = Resplite::start();
    let mut con = connect(&format!("redis://{}/?protocol=resp3", server.addr)).await;
    let _: () = q(&mut con, &[b"HSET", b"h", b"a", b"1"]).await.unwrap();
    let v: Value = q(&mut con, &[b"HGETALL", b"h"]).await.unwrap();
    assert_eq!(
        v,
        Value::Map(vec![(
            Value::BulkString(b"a".to_vec()),
            Value::BulkString(b"1".to_vec())
        )])
    );
    let hello: Value = q(&mut con, &[b"HELLO"]).await.unwrap();
    let Value::Map(fields) = hello else {
        panic!("HELLO in RESP3 is a map: {hello:?}")
    };
    assert!(fields.contains(&(Value::BulkString(b"proto".to_vec()), Value::Int(3))));
    // redis-rs names itself with CLIENT SETINFO at connect time.
    let info: String = q(&mut con, &[b"CLIENT", b"INFO"]).await.unwrap();
    assert_eq!(field(info.trim_end(), "lib-name"), "redis-rs");
    assert_eq!(field(info.trim_end(), "resp"), "3");
}

#[tokio::test]
async fn auth_with_and_without_a_password() {
    let server = Resplite::start();
    let redis = RedisServer::start().await;
    let mut c = server.client().await;
    let mut oracle = resplite_tests::connect(&redis.url()).await;
    for case in [
        &[&b"AUTH"[..], b"x"][..],
        &[b"AUTH", b"nobody", b"x"],
        &[b"AUTH", b"a", b"b", b"c"],
    ] {
        assert_eq!(q_err(&mut c, case).await, q_err(&mut oracle, case).await);
    }
    assert_eq!(
        q_err(&mut c, &[b"AUTH", b"x"]).await,
        "ERR AUTH <password> called without any password configured for the default user. \
         Are you sure your configuration is correct?"
    );
    let ok: String = q(&mut c, &[b"AUTH", b"default", b"whatever"])
        .await
        .unwrap();
    assert_eq!(ok, "OK");

    let _: () = q(&mut c, &[b"CONFIG", b"SET", b"requirepass", b"s3cret"])
        .await
        .unwrap();
    let got: BTreeMap<String, String> = q(&mut c, &[b"CONFIG", b"GET", b"requirepass"])
        .await
        .unwrap();
    assert_eq!(got["requirepass"], "s3cret");
    let wrongpass = "WRONGPASS invalid username-password pair or user is disabled.";
    assert_eq!(q_err(&mut c, &[b"AUTH", b"nope"]).await, wrongpass);
    assert_eq!(
        q_err(&mut c, &[b"AUTH", b"default", b"nope"]).await,
        wrongpass
    );
    assert_eq!(
        q_err(&mut c, &[b"AUTH", b"bob", b"s3cret"]).await,
        wrongpass
    );
    let ok: String = q(&mut c, &[b"AUTH", b"s3cret"]).await.unwrap();
    assert_eq!(ok, "OK");
    let ok: String = q(&mut c, &[b"AUTH", b"default", b"s3cret"]).await.unwrap();
    assert_eq!(ok, "OK");
    let mut raw = server.raw().await;
    assert_eq!(
        error(&raw.call(&["HELLO", "3", "AUTH", "default", "nope"]).await),
        wrongpass
    );
    let hello = pairs2(&raw.call(&["HELLO", "2", "AUTH", "default", "s3cret"]).await);
    assert_eq!(hello["proto"], BytesFrame::Integer(2));

    // Cleared again: back to "no password configured".
    let _: () = q(&mut c, &[b"CONFIG", b"SET", b"requirepass", b""])
        .await
        .unwrap();
    assert!(q_err(&mut c, &[b"AUTH", b"s3cret"])
        .await
        .contains("without any password"));
}

#[tokio::test]
async fn client_naming_info_and_list() {
    let server = Resplite::start();
    let redis = RedisServer::start().await;
    let mut a = server.raw().await;
    let mut b = server.raw().await;

    assert_eq!(a.call(&["CLIENT", "GETNAME"]).await, BytesFrame::Null);
    assert_eq!(
        text2(&b.call(&["CLIENT", "SETNAME", "worker-1"]).await),
        "OK"
    );
    assert_eq!(text2(&b.call(&["CLIENT", "GETNAME"]).await), "worker-1");
    let ok = b.call(&["CLIENT", "SETINFO", "LIB-NAME", "mylib"]).await;
    assert_eq!(text2(&ok), "OK");
    assert_eq!(
        text2(&b.call(&["CLIENT", "SETINFO", "lib-ver", "1.2.3"]).await),
        "OK"
    );
    assert_eq!(
        error(&b.call(&["CLIENT", "SETINFO", "lib-foo", "x"]).await),
        "ERR Unrecognized option 'lib-foo'"
    );
    assert_eq!(
        error(&b.call(&["CLIENT", "SETINFO", "lib-name", "a b"]).await),
        "ERR lib-name cannot contain spaces, newlines or special characters."
    );
    let b_id = match b.call(&["CLIENT", "ID"]).await {
        BytesFrame::Integer(n) => n,
        other => panic!("{other:?}"),
    };

    // CLIENT LIST: one line per client, every field redis 7.0 prints, in its
    // order; the named client shows its name and library.
    let list = text2(&a.call(&["CLIENT", "LIST"]).await);
    assert!(list.ends_with('\n'));
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 2, "{list}");
    let mut oracle = redis.raw().await;
    let redis_line = text2(&oracle.call(&["CLIENT", "LIST"]).await);
    let redis_fields: Vec<String> = client_fields(redis_line.trim_end())
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    for line in &lines {
        let ours: Vec<String> = client_fields(line).into_iter().map(|(k, _)| k).collect();
        assert_eq!(&ours[..redis_fields.len()], &redis_fields[..], "{line}");
    }
    let b_line = lines
        .iter()
        .find(|l| field(l, "id") == b_id.to_string())
        .expect("b listed");
    assert_eq!(field(b_line, "name"), "worker-1");
    assert_eq!(field(b_line, "lib-name"), "mylib");
    assert_eq!(field(b_line, "lib-ver"), "1.2.3");
    assert_eq!(field(b_line, "cmd"), "client");
    assert_eq!(field(b_line, "laddr"), server.addr.to_string());
    let a_line = lines.iter().find(|l| *l != b_line).unwrap();
    assert_eq!(field(a_line, "cmd"), "client|list");
    assert_eq!(field(a_line, "flags"), "N");
    // Filters.
    let only_b = text2(&a.call(&["CLIENT", "LIST", "ID", &b_id.to_string()]).await);
    assert_eq!(only_b.lines().count(), 1);
    assert!(only_b.contains("name=worker-1"));
    assert_eq!(
        text2(&a.call(&["CLIENT", "LIST", "TYPE", "pubsub"]).await),
        ""
    );
    assert_eq!(
        text2(&a.call(&["CLIENT", "LIST", "TYPE", "normal"]).await)
            .lines()
            .count(),
        2
    );

    // CLIENT INFO: this connection only, as it is now.
    let info = text2(&b.call(&["CLIENT", "INFO"]).await);
    assert_eq!(info.lines().count(), 1);
    assert_eq!(field(info.trim_end(), "id"), b_id.to_string());
    assert_eq!(field(info.trim_end(), "cmd"), "client|info");

    // Switches clients send at connect time.
    assert_eq!(text2(&a.call(&["CLIENT", "NO-EVICT", "on"]).await), "OK");
    assert_eq!(text2(&a.call(&["CLIENT", "NO-TOUCH", "ON"]).await), "OK");
    let info = text2(&a.call(&["CLIENT", "INFO"]).await);
    assert_eq!(field(info.trim_end(), "flags"), "eT");
    assert_eq!(text2(&a.call(&["CLIENT", "NO-EVICT", "off"]).await), "OK");
    assert_eq!(text2(&a.call(&["CLIENT", "REPLY", "ON"]).await), "OK");
    // OFF answers nothing until ON (tests/tests/pubsub.rs checks it against Redis).
    a.send(&encode_command(&["CLIENT", "REPLY", "OFF"])).await;
    a.send(&encode_command(&["PING", "unseen"])).await;
    assert_eq!(text2(&a.call(&["CLIENT", "REPLY", "ON"]).await), "OK");
    assert!(matches!(a.call(&["CLIENT", "HELP"]).await, BytesFrame::Array(l) if l.len() > 10));
    assert_eq!(
        a.call(&["CLIENT", "GETREDIR"]).await,
        BytesFrame::Integer(-1)
    );

    // Errors as redis-server words them.
    let cases: &[&[&str]] = &[
        &["CLIENT", "SETNAME", "a b"],
        &["CLIENT", "SETNAME", "a\nb"],
        &["CLIENT", "SETNAME"],
        &["CLIENT", "ID", "x"],
        &["CLIENT", "GETNAME", "x"],
        &["CLIENT", "INFO", "x"],
        &["CLIENT", "foo"],
        &["CLIENT"],
        &["CLIENT", "NO-EVICT", "maybe"],
        &["CLIENT", "NO-EVICT"],
        &["CLIENT", "REPLY", "bad"],
        &["CLIENT", "LIST", "TYPE", "bad"],
        &["CLIENT", "LIST", "ID", "x"],
        &["CLIENT", "LIST", "foo"],
    ];
    for case in cases {
        assert_eq!(
            error(&a.call(case).await),
            error(&oracle.call(case).await),
            "{case:?}"
        );
    }
    // An empty name clears it.
    assert_eq!(text2(&b.call(&["CLIENT", "SETNAME", ""]).await), "OK");
    assert_eq!(b.call(&["CLIENT", "GETNAME"]).await, BytesFrame::Null);
}

async fn client_id(c: &mut RawClient) -> i64 {
    match c.call(&["CLIENT", "ID"]).await {
        BytesFrame::Integer(n) => n,
        other => panic!("{other:?}"),
    }
}

async fn own_addr(c: &mut RawClient) -> String {
    field(text2(&c.call(&["CLIENT", "INFO"]).await).trim_end(), "addr")
}

/// Waits until the server closed `c` (a read returns end of stream).
async fn closed(c: &mut RawClient) -> bool {
    tokio::time::timeout(Duration::from_secs(5), c.read())
        .await
        .expect("closed within 5s")
        .is_none()
}

#[tokio::test]
async fn client_kill_closes_other_connections() {
    let server = Resplite::start();
    let redis = RedisServer::start().await;
    let mut admin = server.raw().await;
    let mut by_id = server.raw().await;
    let mut by_addr = server.raw().await;
    let mut legacy = server.raw().await;
    let mut survivor = server.raw().await;

    let id = client_id(&mut by_id).await;
    assert_eq!(
        admin.call(&["CLIENT", "KILL", "ID", &id.to_string()]).await,
        BytesFrame::Integer(1)
    );
    assert!(closed(&mut by_id).await);

    let addr = own_addr(&mut by_addr).await;
    assert_eq!(
        admin.call(&["CLIENT", "KILL", "ADDR", &addr]).await,
        BytesFrame::Integer(1)
    );
    assert!(closed(&mut by_addr).await);

    let addr = own_addr(&mut legacy).await;
    assert_eq!(text2(&admin.call(&["CLIENT", "KILL", &addr]).await), "OK");
    assert!(closed(&mut legacy).await);

    // Nobody matches: 0, or Redis' error for the old form.
    assert_eq!(
        admin.call(&["CLIENT", "KILL", "ID", "999999"]).await,
        BytesFrame::Integer(0)
    );
    // SKIPME yes (the default) spares the caller.
    let own = client_id(&mut admin).await;
    assert_eq!(
        admin
            .call(&["CLIENT", "KILL", "ID", &own.to_string()])
            .await,
        BytesFrame::Integer(0)
    );
    assert_eq!(
        admin
            .call(&["CLIENT", "KILL", "USER", "default", "LADDR", "1.2.3.4:1"])
            .await,
        BytesFrame::Integer(0)
    );
    let mut oracle = redis.raw().await;
    let cases: &[&[&str]] = &[
        &["CLIENT", "KILL", "1.2.3.4:5"],
        &["CLIENT", "KILL", "ID", "0"],
        &["CLIENT", "KILL", "ID", "abc"],
        &["CLIENT", "KILL", "foo", "bar"],
        &["CLIENT", "KILL", "TYPE", "bad"],
        &["CLIENT", "KILL", "SKIPME", "maybe"],
        &["CLIENT", "KILL", "USER", "nobody"],
        &["CLIENT", "KILL", "ID", "1", "SKIPME"],
        &["CLIENT", "KILL"],
    ];
    for case in cases {
        assert_eq!(
            error(&admin.call(case).await),
            error(&oracle.call(case).await),
            "{case:?}"
        );
    }
    // The survivor was never touched; the killed ones left the list.
    assert_eq!(text2(&survivor.call(&["PING"]).await), "PONG");
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let list = text2(&admin.call(&["CLIENT", "LIST"]).await);
        if list.lines().count() == 2 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "killed clients still listed: {list}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Killing yourself with SKIPME no: the reply arrives, then the close.
    assert_eq!(
        admin
            .call(&["CLIENT", "KILL", "ID", &own.to_string(), "SKIPME", "no"])
            .await,
        BytesFrame::Integer(1)
    );
    assert!(closed(&mut admin).await);
}

type Conn = redis::aio::MultiplexedConnection;

async fn config_get(c: &mut Conn, pattern: &str) -> BTreeMap<String, String> {
    q(c, &[b"CONFIG", b"GET", pattern.as_bytes()])
        .await
        .unwrap()
}

async fn config_set(c: &mut Conn, args: &[&str]) -> redis::RedisResult<String> {
    let mut full: Vec<&[u8]> = vec![b"CONFIG", b"SET"];
    full.extend(args.iter().map(|a| a.as_bytes()));
    q(c, &full).await
}

#[tokio::test]
async fn config_get_set_and_errors() {
    let server = Resplite::start();
    let redis = RedisServer::start().await;
    let mut c = server.client().await;
    // What redis-benchmark asks at start-up.
    assert_eq!(
        config_get(&mut c, "save").await,
        BTreeMap::from([("save".into(), "".into())])
    );
    assert_eq!(
        config_get(&mut c, "appendonly").await,
        BTreeMap::from([("appendonly".into(), "no".into())])
    );
    let max = config_get(&mut c, "*max*").await;
    for k in [
        "maxclients",
        "maxmemory",
        "maxmemory-policy",
        "proto-max-bulk-len",
    ] {
        assert!(max.contains_key(k), "{k} in {max:?}");
    }
    assert_eq!(max["maxclients"], "10000");
    assert_eq!(max["maxmemory-policy"], "noeviction");
    assert_eq!(
        config_get(&mut c, "MAXCLIENTS").await.len(),
        1,
        "case-insensitive"
    );
    assert!(config_get(&mut c, "nosuch").await.is_empty());
    assert_eq!(
        config_get(&mut c, "dbfilename").await["dbfilename"],
        "test.db"
    );
    assert_eq!(
        config_get(&mut c, "port").await["port"],
        server.addr.port().to_string(),
        "the bound port, not 0"
    );
    let all = config_get(&mut c, "*").await;
    for k in [
        "bind",
        "port",
        "maxclients",
        "timeout",
        "requirepass",
        "save",
        "appendonly",
        "databases",
        "notify-keyspace-events",
        "proto-max-bulk-len",
        "client-query-buffer-limit",
        "maxmemory",
        "maxmemory-policy",
        "dir",
        "dbfilename",
    ] {
        assert!(all.contains_key(k), "{k} missing from CONFIG GET *");
    }
    // Several patterns: one map, no duplicates.
    let several: Vec<String> = q(&mut c, &[b"CONFIG", b"GET", b"timeout", b"time*", b"save"])
        .await
        .unwrap();
    assert_eq!(several, vec!["timeout", "0", "save", ""]);

    assert_eq!(config_set(&mut c, &["timeout", "5"]).await.unwrap(), "OK");
    assert_eq!(config_get(&mut c, "timeout").await["timeout"], "5");
    assert_eq!(
        config_set(&mut c, &["maxclients", "50", "TIMEOUT", "6"])
            .await
            .unwrap(),
        "OK"
    );
    assert_eq!(config_get(&mut c, "maxclients").await["maxclients"], "50");
    assert_eq!(config_get(&mut c, "timeout").await["timeout"], "6");
    assert_eq!(
        config_set(&mut c, &["notify-keyspace-events", "KEA"])
            .await
            .unwrap(),
        "OK"
    );
    assert_eq!(
        config_get(&mut c, "notify-keyspace-events").await["notify-keyspace-events"],
        "AKE"
    );
    assert_eq!(config_set(&mut c, &["save", ""]).await.unwrap(), "OK");
    assert_eq!(
        config_set(&mut c, &["appendonly", "no"]).await.unwrap(),
        "OK"
    );
    assert_eq!(
        config_set(&mut c, &["slowlog-max-len", "64"])
            .await
            .unwrap(),
        "OK"
    );
    // Inert parameters are stored and read back (docs/CONFIG.md).
    assert_eq!(
        config_set(&mut c, &["save", "3600 1 300 100", "hz", "20"])
            .await
            .unwrap(),
        "OK"
    );
    assert_eq!(config_get(&mut c, "save").await["save"], "3600 1 300 100");
    assert_eq!(config_get(&mut c, "hz").await["hz"], "20");
    // An alias sets the parameter; each name answers under its own.
    assert_eq!(
        config_set(&mut c, &["hash-max-ziplist-entries", "7"])
            .await
            .unwrap(),
        "OK"
    );
    assert_eq!(
        config_get(&mut c, "hash-max-*-entries").await,
        BTreeMap::from([
            ("hash-max-listpack-entries".into(), "7".into()),
            ("hash-max-ziplist-entries".into(), "7".into())
        ])
    );
    // All or nothing: a bad pair leaves the good one unapplied.
    assert!(q_err(
        &mut c,
        &[b"CONFIG", b"SET", b"timeout", b"9", b"maxclients", b"0"]
    )
    .await
    .contains("'maxclients'"));
    assert_eq!(config_get(&mut c, "timeout").await["timeout"], "6");

    // Error texts as redis-server's.
    let mut ours = server.raw().await;
    let mut oracle = redis.raw().await;
    let cases: &[&[&str]] = &[
        &["CONFIG", "SET", "foo", "bar"],
        &["CONFIG", "SET", "timeout", "abc"],
        &["CONFIG", "SET", "timeout", "-1"],
        &["CONFIG", "SET", "timeout", "1", "timeout", "2"],
        &["CONFIG", "SET", "databases", "3"],
        &["CONFIG", "SET", "maxclients", "0"],
        &["CONFIG", "SET", "maxclients", "abc"],
        &["CONFIG", "SET", "notify-keyspace-events", "Q"],
        &["CONFIG", "SET", "timeout"],
        &["CONFIG", "SET", "timeout", "1", "maxclients"],
        &["CONFIG", "SET", "daemonize", "yes"],
        &["CONFIG", "SET", "dir", "/tmp"],
        &["CONFIG", "SET", "activerehashing", "maybe"],
        &["CONFIG", "SET", "maxmemory", "12x"],
        &["CONFIG", "SET", "maxmemory-clients", "101%"],
        &["CONFIG", "SET", "maxmemory-clients", "oops"],
        &["CONFIG", "SET", "maxmemory-policy", "lru"],
        &["CONFIG", "SET", "hz", "-1"],
        &["CONFIG", "SET", "list-max-ziplist-size", "x"],
        &["CONFIG", "SET", "unixsocketperm", "777"],
        &["CONFIG", "SET", "hz", "abc", "nosuch", "1"],
        &["CONFIG", "SET", "hz", "1", "HZ", "2"],
        &["CONFIG", "SET", "save", "1 x"],
        &["CONFIG", "SET", "shutdown-on-sigterm", "sometimes"],
        &["CONFIG", "GET"],
        &["CONFIG", "REWRITE"],
        &["CONFIG", "RESETSTAT", "x"],
        &["CONFIG", "foo"],
        &["CONFIG"],
    ];
    for case in cases {
        let (a, b) = (ours.call(case).await, oracle.call(case).await);
        assert!(matches!(a, BytesFrame::Error(_)), "{case:?}: {a:?}");
        assert!(matches!(b, BytesFrame::Error(_)), "{case:?}: redis {b:?}");
        assert_eq!(error(&a), error(&b), "{case:?}");
    }
    assert_eq!(text2(&ours.call(&["CONFIG", "RESETSTAT"]).await), "OK");
    assert!(matches!(ours.call(&["CONFIG", "HELP"]).await, BytesFrame::Array(l) if l.len() == 11));
}

#[tokio::test]
async fn admin_commands_answer_like_an_idle_redis() {
    let server = Resplite::start();
    let redis = RedisServer::start().await;
    let mut ours = server.raw().await;
    let mut oracle = redis.raw().await;
    // Same reply, byte for byte, as a fresh redis-server.
    let same: &[&[&str]] = &[
        &["FUNCTION", "LIST"],
        &["FUNCTION", "FLUSH"],
        &["FUNCTION", "FLUSH", "ASYNC"],
        &["FUNCTION", "STATS"],
        &["LATENCY", "LATEST"],
        &["LATENCY", "HISTORY", "command"],
        &["LATENCY", "RESET"],
        &["SLOWLOG", "RESET"],
        &["SLOWLOG", "GET"],
        &["SLOWLOG", "LEN"],
        &["MEMORY", "USAGE", "nokey"],
        &["MEMORY", "PURGE"],
        // Errors.
        &["FUNCTION", "FLUSH", "bad"],
        &["FUNCTION", "DELETE", "lib"],
        &["FUNCTION", "KILL"],
        &["FUNCTION", "nosuch"],
        &["LATENCY", "GRAPH", "command"],
        &["LATENCY", "HISTORY"],
        &["LATENCY", "foo"],
        &["SLOWLOG", "GET", "-2"],
        &["SLOWLOG", "GET", "x"],
        &["SLOWLOG", "LEN", "x"],
        &["SLOWLOG", "foo"],
        &["MEMORY", "USAGE"],
        &["MEMORY", "USAGE", "k", "bad"],
        &["MEMORY", "USAGE", "k", "SAMPLES", "x"],
        &["MEMORY", "foo"],
        &["TIME", "x"],
        &["LASTSAVE", "x"],
        &["SAVE", "x"],
        &["BGSAVE", "x"],
    ];
    for case in same {
        assert_eq!(ours.call(case).await, oracle.call(case).await, "{case:?}");
    }

    // TIME: the server's clock, seconds and microseconds.
    let BytesFrame::Array(t) = ours.call(&["TIME"]).await else {
        panic!("TIME is an array")
    };
    let secs: u64 = text2(&t[0]).parse().unwrap();
    let micros: u64 = text2(&t[1]).parse().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(secs.abs_diff(now) <= 2 && micros < 1_000_000);

    // LASTSAVE starts at start-up; SAVE and BGSAVE move it.
    let BytesFrame::Integer(first) = ours.call(&["LASTSAVE"]).await else {
        panic!()
    };
    assert!((first as u64).abs_diff(now) <= 60);
    assert_eq!(text2(&ours.call(&["SAVE"]).await), "OK");
    assert_eq!(
        text2(&ours.call(&["BGSAVE"]).await),
        "Background saving started"
    );
    assert_eq!(
        text2(&ours.call(&["BGSAVE", "SCHEDULE"]).await),
        "Background saving started"
    );
    let BytesFrame::Integer(after) = ours.call(&["LASTSAVE"]).await else {
        panic!()
    };
    assert!(after >= first);

    // DEBUG SLEEP holds the (single) storage thread for that long.
    let started = Instant::now();
    assert_eq!(text2(&ours.call(&["DEBUG", "SLEEP", "0.2"]).await), "OK");
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(text2(&ours.call(&["DEBUG", "SLEEP", "0"]).await), "OK");

    // MEMORY USAGE: an estimate that grows with the value.
    for cmd in [
        &["SET", "s", "v"][..],
        &["SET", "big", &"x".repeat(10_000)],
        &["HSET", "h", "f", "v", "g", "w"],
        &["RPUSH", "l", "a", "b", "c"],
        &["SADD", "set", "a", "b"],
        &["ZADD", "z", "1", "a", "2", "b"],
    ] {
        ours.call(cmd).await;
    }
    let usage = |f: BytesFrame| match f {
        BytesFrame::Integer(n) => n,
        other => panic!("{other:?}"),
    };
    let small = usage(ours.call(&["MEMORY", "USAGE", "s"]).await);
    let big = usage(ours.call(&["MEMORY", "USAGE", "big"]).await);
    assert!(small > 0 && big > 10_000 && big < 11_000, "{small} {big}");
    for key in ["h", "l", "set", "z"] {
        assert!(usage(ours.call(&["MEMORY", "USAGE", key]).await) > 0);
        assert!(usage(ours.call(&["MEMORY", "USAGE", key, "SAMPLES", "0"]).await) > 0);
    }
    let stats = pairs2(&ours.call(&["MEMORY", "STATS"]).await);
    assert_eq!(stats["keys.count"], BytesFrame::Integer(6));
    assert!(matches!(stats["total.allocated"], BytesFrame::Integer(n) if n > 0));
    assert!(matches!(
        ours.call(&["MEMORY", "DOCTOR"]).await,
        BytesFrame::BulkString(_)
    ));
    assert!(text2(&ours.call(&["LATENCY", "DOCTOR"]).await).contains("no latency spike"));

    // resplite's own introspection.
    let sqlite = pairs2(&ours.call(&["SQLITE.INFO"]).await);
    assert_eq!(text2(&sqlite["db_path"]), server.db.display().to_string());
    assert_eq!(text2(&sqlite["pragma_template"]), "default");
    assert_eq!(text2(&sqlite["journal_mode"]), "wal");
    assert_eq!(sqlite["keys"], BytesFrame::Integer(6));
    assert!(matches!(sqlite["db_size_bytes"], BytesFrame::Integer(n) if n > 0));
    assert!(matches!(sqlite["page_size"], BytesFrame::Integer(4096)));
    assert!(text2(&sqlite["sqlite_version"]).starts_with("3."));
    let cache = pairs2(&ours.call(&["CACHE.INFO"]).await);
    assert_eq!(cache["cache_size_kib"], BytesFrame::Integer(65536));
    assert_eq!(cache["mmap_size_bytes"], BytesFrame::Integer(0));
    // RESPlite's MEMORY.INFO: names and decimal strings, in its order.
    let BytesFrame::Array(data) = ours.call(&["MEMORY.INFO"]).await else {
        panic!("MEMORY.INFO answers an array")
    };
    let text: Vec<String> = data.iter().map(text2).collect();
    let names: Vec<&str> = text.iter().step_by(2).map(String::as_str).collect();
    assert_eq!(names, ["heapUsed", "heapTotal", "rss", "external"]);
    let n = |i: usize| text[i].parse::<u64>().unwrap();
    assert!(n(1) > 1_000_000 && n(3) >= n(1) && n(5) > 0, "{text:?}");
}

#[tokio::test]
async fn slowlog_records_commands_over_the_threshold() {
    let server = Resplite::start();
    let mut c = server.client().await;
    let _: () = q(
        &mut c,
        &[b"CONFIG", b"SET", b"slowlog-log-slower-than", b"0"],
    )
    .await
    .unwrap();
    let _: () = q(&mut c, &[b"DEBUG", b"SLEEP", b"0"]).await.unwrap();
    // Newest first, Redis' six-field shape; the DEBUG SLEEP is there with its argv.
    let entries: Vec<Value> = q(&mut c, &[b"SLOWLOG", b"GET", b"-1"]).await.unwrap();
    let mut saw_debug = false;
    for e in &entries {
        let Value::Array(fields) = e else { panic!() };
        assert_eq!(fields.len(), 6);
        if let Value::Array(argv) = &fields[3] {
            saw_debug |= argv.first() == Some(&Value::BulkString(b"DEBUG".to_vec()));
        }
    }
    assert!(saw_debug, "{entries:?}");
    let _: () = q(&mut c, &[b"SLOWLOG", b"RESET"]).await.unwrap();
    let _: () = q(
        &mut c,
        &[b"CONFIG", b"SET", b"slowlog-log-slower-than", b"-1"],
    )
    .await
    .unwrap();
    let _: () = q(&mut c, &[b"SLOWLOG", b"RESET"]).await.unwrap();
    assert_eq!(q::<usize>(&mut c, &[b"SLOWLOG", b"LEN"]).await.unwrap(), 0);
}

fn tool(program: &str, args: &[&str]) -> std::process::Output {
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("{program} must be installed (scripts/test.sh does): {e}"))
}

#[test]
fn redis_benchmark_fetches_the_config() {
    let server = Resplite::start();
    let port = server.addr.port().to_string();
    let out = tool(
        "redis-benchmark",
        &[
            "-h",
            "127.0.0.1",
            "-p",
            &port,
            "-n",
            "1000",
            "-t",
            "ping",
            "-q",
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        !stdout.contains("Could not fetch server CONFIG")
            && !stderr.contains("Could not fetch server CONFIG"),
        "{stdout}\n{stderr}"
    );
    assert!(stdout.contains("PING_MBULK"), "{stdout}");
}

#[test]
fn redis_cli_stat_bigkeys_and_memkeys() {
    let server = Resplite::start();
    let port = server.addr.port().to_string();
    let cli = |args: &[&str]| {
        let mut full = vec!["-h", "127.0.0.1", "-p", &port];
        full.extend_from_slice(args);
        tool("redis-cli", &full)
    };
    for cmd in [
        &["SET", "str", "hello"][..],
        &["HSET", "hash", "a", "1", "b", "2", "c", "3"],
        &["RPUSH", "list", "x", "y"],
        &["SADD", "set", "m"],
        &["ZADD", "zset", "1", "m"],
    ] {
        assert!(cli(cmd).status.success());
    }

    let out = cli(&["--bigkeys"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("Sampled 5 keys in the keyspace!"), "{text}");
    assert!(
        text.contains("Biggest   hash found '\"hash\"' has 3 fields"),
        "{text}"
    );

    let out = cli(&["--memkeys"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("Sampled 5 keys in the keyspace!"), "{text}");
    assert!(!text.contains("ERR"), "{text}");

    let out = cli(&["--scan"]);
    let mut keys: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    keys.sort();
    assert_eq!(keys, ["hash", "list", "set", "str", "zset"]);

    // --stat polls INFO forever: read a few lines, then stop it. stdbuf keeps
    // its output unbuffered in a pipe.
    let mut child = Command::new("stdbuf")
        .args([
            "-o0",
            "redis-cli",
            "-h",
            "127.0.0.1",
            "-p",
            &port,
            "--stat",
            "-i",
            "0.2",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("stdbuf and redis-cli");
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        use std::io::BufRead;
        std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .take(4)
            .collect::<Vec<_>>()
    });
    let started = Instant::now();
    while !reader.is_finished() && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    let lines = reader.join().unwrap();
    assert!(lines.len() >= 3, "{lines:?}");
    assert!(
        lines[0].contains("data") && lines[1].contains("keys"),
        "{lines:?}"
    );
    // keys, mem, clients, blocked, requests, connections
    let row: Vec<&str> = lines[2].split_whitespace().collect();
    assert_eq!(row[0], "5", "{lines:?}");
    assert!(row[1].ends_with('M') || row[1].ends_with('K'), "{lines:?}");
    assert!(row[2].parse::<u32>().unwrap() >= 1, "{lines:?}");
    assert_eq!(row[3], "0", "{lines:?}");
}

/// `redis-cli` in interactive mode (stdin a terminal: `script` provides one;
/// TERM=dumb keeps linenoise from querying the cursor), one line at a time.
/// Each line is typed only once its prompt is on screen: the terminal echoes
/// what is typed at once, so typing early would interleave echo and reply.
/// Returns what it printed, with the prompt's port replaced by `PORT`.
fn redis_cli_interactive(port: u16, lines: &[&str]) -> String {
    use std::io::{Read, Write};
    let mut child = Command::new("script")
        .args([
            "-qec",
            &format!("redis-cli -h 127.0.0.1 -p {port}"),
            "/dev/null",
        ])
        .env("TERM", "dumb")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("script(1) and redis-cli must be installed");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel::<Vec<u8>>();
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = stdout.read(&mut buf) {
            if tx.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
    });
    let prompt = format!("127.0.0.1:{port}>");
    let mut out = Vec::new();
    let limit = std::time::Duration::from_secs(20);
    for (i, line) in lines.iter().chain(std::iter::once(&"quit")).enumerate() {
        while String::from_utf8_lossy(&out).matches(&prompt).count() <= i {
            let chunk = rx.recv_timeout(limit).unwrap_or_else(|e| {
                panic!(
                    "no prompt {} from redis-cli ({e}): {}",
                    i + 1,
                    String::from_utf8_lossy(&out)
                )
            });
            out.extend(chunk);
        }
        writeln!(stdin, "{line}").expect("write to redis-cli");
    }
    drop(stdin);
    // The reader ends (and the channel closes) when redis-cli exits.
    while let Ok(chunk) = rx.recv_timeout(limit) {
        out.extend(chunk);
    }
    child.wait().expect("redis-cli ran");
    reader.join().expect("reader thread");
    String::from_utf8_lossy(&out)
        .replace(&prompt, "PORT>")
        .replace('\r', "")
}

/// Interactive redis-cli fetches COMMAND DOCS at start (its help and hints
/// come from there): against resplite it prints what it prints against
/// redis-server 7.0, and `help GET` shows resplite's own docs.
#[tokio::test]
async fn redis_cli_interactive_mode_matches_redis() {
    let redis = RedisServer::start().await;
    let resplite = Resplite::start();
    let lines = [
        "SET k v",
        "GET k",
        "HSET h f v",
        "HGETALL h",
        "RPUSH l a b",
        "LRANGE l 0 -1",
        "GET nope",
        "HGET k f",
        "NOSUCHCOMMAND x",
    ];
    let from_redis = redis_cli_interactive(redis.addr.port(), &lines);
    let from_resplite = redis_cli_interactive(resplite.addr.port(), &lines);
    assert!(from_redis.contains("PORT> GET k\n\"v\""), "{from_redis}");
    assert_eq!(from_resplite, from_redis);
    let help = redis_cli_interactive(resplite.addr.port(), &["help GET", "help HSET"]);
    for want in [
        "GET",
        "Returns the string value of a key.",
        "group:",
        "string",
        "HSET",
        "hash",
    ] {
        assert!(help.contains(want), "no {want:?} in {help}");
    }
    assert!(!help.contains("ERR"), "{help}");
}
