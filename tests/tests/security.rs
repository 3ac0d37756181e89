//! Security over real TCP against the real binary, checked against a real
//! redis-server where Redis has an answer: protected mode (127.0.0.2 plays a
//! remote client), NOAUTH on every command before AUTH, wrong-password text,
//! AUTH rate limiting and its log, renamed and disabled commands.

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use redis_protocol::resp2::types::BytesFrame;
use resplite_tests::{RawClient, RedisServer, Resplite};

const REMOTE: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
const LOCAL: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
const NOAUTH: &str = "NOAUTH Authentication required.";
const WRONGPASS: &str = "WRONGPASS invalid username-password pair or user is disabled.";

fn text(f: &BytesFrame) -> String {
    match f {
        BytesFrame::SimpleString(b) | BytesFrame::BulkString(b) => {
            String::from_utf8_lossy(b).into_owned()
        }
        BytesFrame::Error(e) => e.to_string(),
        BytesFrame::Integer(i) => i.to_string(),
        other => format!("{other:?}"),
    }
}

fn strings(f: &BytesFrame) -> Vec<String> {
    match f {
        BytesFrame::Array(items) => items.iter().map(text).collect(),
        other => panic!("not an array: {other:?}"),
    }
}

/// The address to dial for a server bound to 0.0.0.0.
fn loopback(addr: SocketAddr) -> SocketAddr {
    (LOCAL, addr.port()).into()
}

/// What a client from `from` gets for PING: the reply, or everything sent
/// before the server closed.
async fn ping_from(from: IpAddr, addr: SocketAddr) -> String {
    let mut c = RawClient::connect_from(from, addr).await;
    c.send(b"PING\r\n").await;
    match c.read().await {
        Some(f) => text(&f),
        None => "<closed>".into(),
    }
}

async fn denied_bytes(addr: SocketAddr) -> Vec<u8> {
    let mut c = RawClient::connect_from(REMOTE, addr).await;
    c.send(b"PING\r\n").await;
    c.read_to_close().await
}

fn info_field(info: &str, key: &str) -> u64 {
    info.lines()
        .find_map(|l| l.strip_prefix(&format!("{key}:")))
        .unwrap_or_else(|| panic!("no {key} in INFO"))
        .trim()
        .parse()
        .expect("number")
}

#[tokio::test]
async fn protected_mode_refuses_remote_clients_as_redis() {
    let redis = RedisServer::start().await;
    let server = Resplite::start_with(&["--bind", "0.0.0.0"]);
    let addr = loopback(server.addr);

    // Loopback is served; 127.0.0.2 gets Redis' DENIED text, byte for byte,
    // and the connection is closed.
    assert_eq!(ping_from(LOCAL, addr).await, "PONG");
    assert_eq!(ping_from(LOCAL, redis.addr).await, "PONG");
    let ours = denied_bytes(addr).await;
    let theirs = denied_bytes(redis.addr).await;
    assert!(theirs.starts_with(b"-DENIED Redis is running in protected mode"));
    assert_eq!(
        String::from_utf8_lossy(&ours),
        String::from_utf8_lossy(&theirs)
    );

    let mut admin = RawClient::connect(addr).await;
    let info = text(&admin.call(&["INFO", "stats"]).await);
    assert_eq!(info_field(&info, "rejected_connections"), 1);
    let got = strings(&admin.call(&["CONFIG", "GET", "protected-mode"]).await);
    assert_eq!(got, ["protected-mode", "yes"]);
    let mut oracle = redis.raw().await;
    for value in ["maybe", "YES"] {
        let args = ["CONFIG", "SET", "protected-mode", value];
        assert_eq!(
            text(&admin.call(&args).await),
            text(&oracle.call(&args).await)
        );
    }

    // Off: remote clients are served.
    admin.call(&["CONFIG", "SET", "protected-mode", "no"]).await;
    assert_eq!(ping_from(REMOTE, addr).await, "PONG");

    // On with a password: served, and asked to authenticate.
    admin
        .call(&["CONFIG", "SET", "protected-mode", "yes"])
        .await;
    admin.call(&["CONFIG", "SET", "requirepass", "pw"]).await;
    assert_eq!(ping_from(REMOTE, addr).await, NOAUTH);
    let mut remote = RawClient::connect_from(REMOTE, addr).await;
    assert_eq!(text(&remote.call(&["AUTH", "pw"]).await), "OK");
    admin.call(&["AUTH", "pw"]).await;
    admin.call(&["CONFIG", "SET", "requirepass", ""]).await;
    // An open connection stays open; new remote ones are refused again.
    assert_eq!(text(&remote.call(&["PING"]).await), "PONG");
    assert!(denied_bytes(addr).await.starts_with(b"-DENIED"));

    // The flag turns it off from the start.
    let open = Resplite::start_with(&["--bind", "0.0.0.0", "--protected-mode", "no"]);
    let open_addr = loopback(open.addr);
    assert_eq!(ping_from(REMOTE, open_addr).await, "PONG");
    let mut c = RawClient::connect(open_addr).await;
    let got = strings(&c.call(&["CONFIG", "GET", "protected-mode"]).await);
    assert_eq!(got, ["protected-mode", "no"]);
}

#[tokio::test]
async fn protected_mode_applies_whatever_the_bind_address() {
    // As Redis 7.0: bound to 127.0.0.1, a client from 127.0.0.2 is still remote.
    let redis = RedisServer::start().await;
    let server = Resplite::start();
    let ours = denied_bytes(server.addr).await;
    assert_eq!(ours, denied_bytes(redis.addr).await);
}

#[tokio::test]
async fn every_command_needs_auth_first() {
    let server = Resplite::start_with(&["--requirepass", "s3cret"]);
    let redis =
        RedisServer::start_with(&["--requirepass", "s3cret", "--enable-debug-command", "yes"]);
    let mut admin = server.raw().await;
    let mut oracle = redis.raw().await;
    assert_eq!(text(&admin.call(&["AUTH", "s3cret"]).await), "OK");
    assert_eq!(text(&oracle.call(&["AUTH", "s3cret"]).await), "OK");

    let BytesFrame::Array(commands) = admin.call(&["COMMAND"]).await else {
        panic!("COMMAND is an array");
    };
    assert!(commands.len() > 100, "{}", commands.len());
    let mut exempt = BTreeSet::new();
    let mut checked = 0;
    let mut anon = server.raw().await;
    let mut oracle_anon = redis.raw().await;
    for command in &commands {
        let BytesFrame::Array(fields) = command else {
            panic!("entry is an array")
        };
        let name = text(&fields[0]);
        let arity: i64 = text(&fields[1]).parse().unwrap();
        let flags = strings(&fields[2]);
        // Redis' flag on the same command must agree.
        let theirs = oracle.call(&["COMMAND", "INFO", &name]).await;
        if let BytesFrame::Array(t) = &theirs {
            if let Some(BytesFrame::Array(tf)) = t.first() {
                let their_flags = strings(&tf[2]);
                assert_eq!(
                    flags.iter().any(|f| f == "no_auth"),
                    their_flags.iter().any(|f| f == "no_auth"),
                    "no_auth flag of {name}"
                );
            }
        }
        if flags.iter().any(|f| f == "no_auth") {
            exempt.insert(name);
            continue;
        }
        // Right argument count: arity is checked before authentication.
        let n = arity.unsigned_abs() as usize;
        let mut args = vec![name.clone()];
        args.extend((1..n).map(|i| format!("arg{i}")));
        let reply = text(&anon.call(&args).await);
        let expected = if name == "exec" {
            format!("EXECABORT Transaction discarded because of: {NOAUTH}")
        } else {
            NOAUTH.to_string()
        };
        assert_eq!(reply, expected, "{args:?}");
        if matches!(&theirs, BytesFrame::Array(t) if !matches!(t.first(), Some(BytesFrame::Null) | None))
        {
            let mut theirs = text(&oracle_anon.call(&args).await);
            if theirs.starts_with("ERR unknown subcommand") {
                // Redis looks subcommands up before checking AUTH; resplite's
                // containers parse theirs later (NOAUTH either way for a
                // real one).
                theirs = text(&oracle_anon.call(&[name.as_str(), "HELP"]).await);
                assert_eq!(text(&anon.call(&[name.as_str(), "HELP"]).await), NOAUTH);
            }
            assert_eq!(theirs, expected, "{args:?}");
        }
        checked += 1;
    }
    assert!(checked > 100, "{checked}");
    assert_eq!(
        exempt,
        ["auth", "hello", "quit", "reset"]
            .map(String::from)
            .into_iter()
            .collect()
    );
    // Unknown commands and wrong arity are answered as such first, as Redis.
    for args in [&["NOSUCH", "x"][..], &["GET"]] {
        assert_eq!(
            text(&anon.call(args).await),
            text(&oracle_anon.call(args).await)
        );
    }
}

/// HELLO may carry AUTH, but without it an unauthenticated client gets
/// NOAUTH and keeps its protocol and name. Replies as Redis', in its order of
/// checks (password, then name, then NOAUTH).
#[tokio::test]
async fn hello_needs_auth_unless_it_carries_it() {
    let server = Resplite::start_with(&["--requirepass", "s3cret"]);
    let redis = RedisServer::start_with(&["--requirepass", "s3cret"]);
    let mut oracle = redis.raw().await;
    let mut anon = server.raw().await;
    for args in [
        &["HELLO"][..],
        &["HELLO", "3"],
        &["HELLO", "2", "SETNAME", "worker"],
        &["HELLO", "3", "SETNAME", "a b"],
        &["HELLO", "3", "AUTH", "default", "nope", "SETNAME", "a b"],
        &["HELLO", "3", "AUTH", "default", "nope"],
        &["HELLO", "4"],
        &["HELLO", "3", "FOO"],
        &["CLIENT", "GETNAME"],
    ] {
        let theirs = text(&oracle.call(args).await);
        assert_eq!(text(&anon.call(args).await), theirs, "{args:?}");
    }
    assert!(text(&anon.call(&["HELLO"]).await).starts_with("NOAUTH HELLO must be called"));
    // Still RESP2 and nameless: the refused HELLOs changed nothing.
    let hello = anon
        .call(&[
            "HELLO", "2", "AUTH", "default", "s3cret", "SETNAME", "worker",
        ])
        .await;
    let fields = strings(&hello);
    let proto = fields
        .iter()
        .position(|f| f == "proto")
        .expect("proto field");
    assert_eq!(fields[proto + 1], "2");
    assert_eq!(text(&anon.call(&["CLIENT", "GETNAME"]).await), "worker");
    assert_eq!(text(&anon.call(&["PING"]).await), "PONG");

    // A client let in while no password was required stays in, HELLO too.
    let open = Resplite::start();
    let mut early = open.raw().await;
    assert_eq!(text(&early.call(&["PING"]).await), "PONG");
    let mut admin = open.raw().await;
    assert_eq!(
        text(
            &admin
                .call(&["CONFIG", "SET", "requirepass", "s3cret"])
                .await
        ),
        "OK"
    );
    assert_eq!(text(&early.call(&["PING"]).await), "PONG");
    let hello = strings(&early.call(&["HELLO", "2"]).await);
    assert_eq!(hello.first().map(String::as_str), Some("server"));
}

#[tokio::test]
async fn auth_failures_are_rate_limited_per_address_and_logged() {
    let server = Resplite::start_with(&["--requirepass", "s3cret"]);
    let redis = RedisServer::start_with(&["--requirepass", "s3cret"]);
    let mut oracle = redis.raw().await;
    let mut guesser = server.raw().await;
    assert_eq!(
        text(&guesser.call(&["AUTH", "nope"]).await),
        text(&oracle.call(&["AUTH", "nope"]).await)
    );
    assert_eq!(text(&guesser.call(&["AUTH", "nope"]).await), WRONGPASS);
    assert_eq!(
        text(
            &guesser
                .call(&["HELLO", "3", "AUTH", "default", "nope"])
                .await
        ),
        WRONGPASS
    );

    // Three failures are free; each further check waits 100 ms more
    // (0 + 100 + 200 + 300 + 400 ms for these five).
    let started = Instant::now();
    for _ in 0..5 {
        assert_eq!(text(&guesser.call(&["AUTH", "nope"]).await), WRONGPASS);
    }
    let slowed = started.elapsed();
    assert!(slowed >= Duration::from_millis(950), "{slowed:?}");

    // Another address is not held back, and other commands are not either.
    let started = Instant::now();
    let mut other = RawClient::connect_from(Ipv4Addr::new(127, 0, 0, 3).into(), server.addr).await;
    assert_eq!(text(&other.call(&["AUTH", "s3cret"]).await), "OK");
    assert_eq!(text(&other.call(&["PING"]).await), "PONG");
    assert_eq!(text(&guesser.call(&["PING"]).await), NOAUTH);
    assert!(started.elapsed() < Duration::from_millis(500));

    // The right password still works (after the wait) and clears the count.
    assert_eq!(text(&guesser.call(&["AUTH", "s3cret"]).await), "OK");
    let started = Instant::now();
    assert_eq!(text(&guesser.call(&["AUTH", "nope"]).await), WRONGPASS);
    assert!(started.elapsed() < Duration::from_millis(500));

    let info = text(&other.call(&["INFO", "stats"]).await);
    assert!(info.contains("total_error_replies:"), "{info}");
    let log = server.log_when(9, |l| l.contains("AUTH failed")).await;
    let failures = log.iter().filter(|l| l.contains("AUTH failed")).count();
    assert_eq!(failures, 9, "{log:#?}");
    assert!(
        log.iter()
            .any(|l| l.contains("AUTH failed") && l.contains("127.0.0.1")),
        "{log:#?}"
    );
}

#[tokio::test]
async fn renamed_and_disabled_commands() {
    let flags = [
        "--rename-command",
        "config",
        "cfg",
        "--rename-command",
        "flushall",
        "",
        "--rename-command",
        "get",
        "fetch",
    ];
    let server = Resplite::start_with(&[&flags[..], &["--disable-command", "debug"]].concat());
    let redis = RedisServer::start_with(&[&flags[..], &["--rename-command", "debug", ""]].concat());
    let plain = Resplite::start();
    let mut c = server.raw().await;
    let mut oracle = redis.raw().await;
    for args in [
        &["CONFIG", "GET", "port"][..],
        &["FLUSHALL"],
        &["GET", "k"],
        &["DEBUG", "SLEEP", "0"],
        &["COMMAND", "INFO", "config", "flushall", "get"],
        &["SET", "k", "v"],
        &["FETCH", "k"],
        &["fetch", "nope"],
        &["CFG", "SET", "timeout", "0"],
    ] {
        assert_eq!(
            text(&c.call(args).await),
            text(&oracle.call(args).await),
            "{args:?}"
        );
    }

    // COMMAND lists the new names only; disabled ones are gone from the count.
    let list: BTreeSet<String> = strings(&c.call(&["COMMAND", "LIST"]).await)
        .into_iter()
        .collect();
    for gone in ["config", "flushall", "get", "debug"] {
        assert!(!list.contains(gone), "{gone}");
    }
    assert!(list.contains("cfg") && list.contains("fetch"));
    let count: usize = text(&c.call(&["COMMAND", "COUNT"]).await).parse().unwrap();
    let mut p = plain.raw().await;
    let plain_count: usize = text(&p.call(&["COMMAND", "COUNT"]).await).parse().unwrap();
    // LIST also names subcommands, under the container's new name.
    assert_eq!(count, list.iter().filter(|n| !n.contains('|')).count());
    assert!(list.contains("cfg|get") && !list.contains("config|get"));
    assert_eq!(count, plain_count - 2);
    let BytesFrame::Array(all) = c.call(&["COMMAND"]).await else {
        panic!("array")
    };
    assert_eq!(all.len(), count);
    let BytesFrame::Array(info) = c.call(&["COMMAND", "INFO", "cfg", "FETCH"]).await else {
        panic!("array")
    };
    assert_eq!(strings(&info[0])[0], "cfg");
    assert_eq!(strings(&info[1])[0], "fetch");
    let docs = strings(&c.call(&["COMMAND", "DOCS", "cfg"]).await);
    assert_eq!(docs[0], "cfg");

    // Blocking pops still give elements back under the built-in names: a
    // renamed RPUSH must not break BLPOP.
    let lists = Resplite::start_with(&["--rename-command", "rpush", "add"]);
    let mut l = lists.raw().await;
    assert_eq!(text(&l.call(&["ADD", "q", "a"]).await), "1");
    assert_eq!(strings(&l.call(&["BLPOP", "q", "1"]).await), ["q", "a"]);
}

#[test]
fn bad_renames_refuse_to_start() {
    for (args, says) in [
        (&["--rename-command", "nosuch", "x"][..], "no such command"),
        (&["--rename-command", "get", "set"], "already exists"),
        (&["--rename-command", "get"], "OLD"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let out = std::process::Command::new(resplite_tests::binary())
            .args(["run", "--port", "0", "--db"])
            .arg(dir.path().join("x.db"))
            .args(args)
            .output()
            .unwrap();
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
}
