//! MONITOR against the real binary, checked line for line against a real
//! redis-server 7: what is shown (and what is not: unknown commands, wrong
//! arity, NOAUTH, admin commands), AUTH/HELLO redaction, MULTI/EXEC, blocked
//! commands, what a monitoring client may still run, QUIT/RESET, several
//! monitors, clean-up on disconnect, and a monitor that stops reading being
//! disconnected at its output limit while the server serves on.

use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redis_protocol::resp2::types::BytesFrame;
use resplite_tests::{encode_command, RawClient, RedisServer, Resplite};

fn text(frame: &BytesFrame) -> String {
    match frame {
        BytesFrame::SimpleString(b) | BytesFrame::BulkString(b) => {
            String::from_utf8_lossy(b).into_owned()
        }
        BytesFrame::Error(e) => format!("-{e}"),
        BytesFrame::Integer(n) => format!(":{n}"),
        BytesFrame::Null => "(nil)".into(),
        BytesFrame::Array(items) => {
            let inner: Vec<String> = items.iter().map(text).collect();
            format!("[{}]", inner.join(", "))
        }
    }
}

/// A monitor line split as Redis writes it: `<secs>.<micros> [0 <addr>] <args>`.
/// Checks the timestamp (six-digit micros, within a minute of now) and
/// returns `(addr, args)`.
fn split_line(line: &str) -> (String, String) {
    let (stamp, rest) = line
        .split_once(" [0 ")
        .unwrap_or_else(|| panic!("not a monitor line: {line:?}"));
    let (secs, micros) = stamp.split_once('.').expect("secs.micros");
    assert_eq!(micros.len(), 6, "{line:?}");
    assert!(micros.bytes().all(|b| b.is_ascii_digit()), "{line:?}");
    let secs: u64 = secs.parse().expect("seconds");
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(secs.abs_diff(now) < 60, "{line:?}");
    let (addr, args) = rest.split_once("] ").expect("addr]");
    (addr.to_string(), args.to_string())
}

/// The `addr=` field of a client's CLIENT INFO (the address MONITOR shows).
async fn own_addr(c: &mut RawClient) -> String {
    let info = text(&c.call(&["CLIENT", "INFO"]).await);
    info.split(' ')
        .find_map(|f| f.strip_prefix("addr="))
        .expect("addr= in CLIENT INFO")
        .to_string()
}

/// Starts a monitor on `addr`.
async fn monitor(addr: SocketAddr) -> RawClient {
    let mut m = RawClient::connect(addr).await;
    assert_eq!(text(&m.call(&["MONITOR"]).await), "OK");
    m
}

/// Reads monitor lines until the line of `ECHO <marker>` (sent by the client
/// at `from`); returns the args part of each line before it, checking that
/// every line came from `from`.
async fn lines_until(m: &mut RawClient, from: &str, marker: &str) -> Vec<String> {
    let (lines, marker_from) = read_until(m, marker).await;
    assert_eq!(marker_from, from, "sender address as CLIENT LIST shows it");
    lines
        .into_iter()
        .map(|(addr, args)| {
            assert_eq!(addr, from, "sender address as CLIENT LIST shows it");
            args
        })
        .collect()
}

/// Lines until `ECHO <marker>` from anyone, as `(addr, args)`, and the address
/// that sent the marker.
async fn read_until(m: &mut RawClient, marker: &str) -> (Vec<(String, String)>, String) {
    let end = format!("\"ECHO\" \"{marker}\"");
    let mut out = Vec::new();
    loop {
        let frame = m.read().await.expect("monitor open");
        let BytesFrame::SimpleString(line) = &frame else {
            panic!("monitor got {frame:?}");
        };
        let (addr, args) = split_line(&String::from_utf8_lossy(line));
        if args == end {
            return (out, addr);
        }
        out.push((addr, args));
    }
}

/// Frames that arrive until the connection is quiet for a moment.
async fn drain(c: &mut RawClient) -> Vec<String> {
    let mut out = Vec::new();
    while let Ok(frame) = tokio::time::timeout(Duration::from_millis(300), c.read()).await {
        match frame {
            Some(f) => out.push(text(&f)),
            None => {
                out.push("<closed>".into());
                break;
            }
        }
    }
    out
}

/// Runs `commands` from one client while another monitors; returns what the
/// monitor saw (addresses checked, timestamps stripped) and the replies.
async fn monitored(addr: SocketAddr, commands: &[Vec<&[u8]>]) -> Vec<String> {
    let mut m = monitor(addr).await;
    let mut c = RawClient::connect(addr).await;
    let from = own_addr(&mut c).await;
    let mut out = Vec::new();
    for cmd in commands {
        let reply = c.call(cmd).await;
        out.push(format!(
            "{} -> {}",
            String::from_utf8_lossy(&cmd.join(&b' ')[..]),
            match &reply {
                BytesFrame::Error(e) => format!("-{e}"),
                _ => "ok".into(),
            }
        ));
    }
    c.call(&["ECHO", "end"]).await;
    // Skip the monitor's view of our own CLIENT INFO.
    let lines = lines_until(&mut m, &from, "end").await;
    assert_eq!(
        lines.first().map(String::as_str),
        Some("\"CLIENT\" \"INFO\"")
    );
    out.extend(lines.into_iter().skip(1).map(|l| format!("MON {l}")));
    out
}

fn cmd(args: &[&'static str]) -> Vec<&'static [u8]> {
    args.iter().map(|a| a.as_bytes()).collect()
}

fn assert_same(redis: &[String], ours: &[String]) {
    for (i, (r, o)) in redis.iter().zip(ours).enumerate() {
        assert_eq!(r, o, "line {i}\nredis: {redis:#?}\nours: {ours:#?}");
    }
    assert_eq!(
        redis.len(),
        ours.len(),
        "redis: {redis:#?}\nours: {ours:#?}"
    );
}

/// What is shown, in what form, and what is not: differential against
/// redis-server.
fn shown_script() -> Vec<Vec<&'static [u8]>> {
    vec![
        cmd(&["set", "k", "v"]),
        cmd(&["SET", "upper", "case"]),
        vec![
            b"set",
            b"esc aped",
            b"q\"u\\o\n\r\t\x07\x08\x00\x7f\xff\x1b\xc3\xa9 end",
        ],
        vec![b"echo", b""],
        vec![b"echo", &[0, 1, 2, 0xfe, b'a']],
        cmd(&["get", "k"]),
        cmd(&["incr", "123"]),
        cmd(&["lpush", "k", "x"]),          // WRONGTYPE: ran, so shown
        cmd(&["hset", "h", "f", "v", "g"]), // arity checked by the command: shown
        cmd(&["nosuch", "x"]),              // unknown: not shown
        cmd(&["get"]),                      // wrong arity: not shown
        cmd(&["hset", "h", "f"]),           // wrong arity: not shown
        // AUTH and HELLO redaction (no password set: the checks fail or pass,
        // the arguments are hidden either way).
        cmd(&["auth", "secret"]),
        cmd(&["AUTH", "user", "secret"]),
        cmd(&["auth", "a", "b", "c"]), // syntax error before redaction
        cmd(&["hello", "2", "AUTH", "default", "pw", "setname", "n1"]),
        cmd(&["hello", "4", "auth", "u", "p"]), // bad version: not redacted
        cmd(&["hello", "3", "auth", "u"]),      // AUTH without its two values
        // Admin commands are hidden; containers per subcommand.
        cmd(&["config", "get", "maxclients"]),
        cmd(&["config", "help"]),
        cmd(&["config", "nosuch"]),
        cmd(&["debug", "sleep", "0"]),
        cmd(&["slowlog", "len"]),
        cmd(&["latency", "latest"]),
        cmd(&["client", "list"]),
        cmd(&["client", "kill", "id", "99999"]),
        cmd(&["client", "getname"]),
        cmd(&["client", "setname", "cc"]),
        cmd(&["client", "setname"]), // subcommand arity: not shown
        cmd(&["client", "nosuch"]),  // unknown subcommand: not shown
        cmd(&["command", "count"]),
        cmd(&["command", "nosuch"]),
        cmd(&["object", "encoding", "k"]),
        cmd(&["memory", "usage", "k"]),
        cmd(&["info", "server"]),
        cmd(&["dbsize"]),
        cmd(&["select", "0"]),
        cmd(&["publish", "ch", "msg"]),
        cmd(&["subscribe", "ch"]),
        cmd(&["unsubscribe"]),
        cmd(&["ping"]),
        // Transactions: MULTI at once, queued commands when EXEC runs them,
        // then EXEC; refused EXECs still show.
        cmd(&["multi"]),
        cmd(&["set", "m", "1"]),
        cmd(&["get", "m"]),
        cmd(&["exec"]),
        cmd(&["multi"]),
        cmd(&["incr", "m"]),
        cmd(&["discard"]),
        cmd(&["exec"]),
        cmd(&["discard"]),
        cmd(&["multi"]),
        cmd(&["multi"]),
        cmd(&["nosuch"]),
        cmd(&["watch", "x"]),
        cmd(&["exec"]),
        cmd(&["multi"]),
        cmd(&["monitor"]),
        cmd(&["exec"]),
        cmd(&["exec", "extra"]),
        cmd(&["multi"]),
        cmd(&["set", "m", "2"]),
        cmd(&["exec", "extra"]),
        cmd(&["exec"]),
        cmd(&["watch", "w"]),
        cmd(&["set", "w", "1"]),
        cmd(&["multi"]),
        cmd(&["set", "m", "3"]),
        cmd(&["exec"]),
        cmd(&["Quit"]),
    ]
}

#[tokio::test]
async fn lines_match_redis() {
    let redis = RedisServer::start_with(&["--enable-debug-command", "yes"]);
    let ours = Resplite::start();
    let script = shown_script();
    let (script, quit) = script.split_at(script.len() - 1);
    let expected = monitored(redis.addr, script).await;
    let got = monitored(ours.addr, script).await;
    assert_same(&expected, &got);
    // Spot checks of the exact text, whatever Redis said.
    for line in [
        r#"MON "SET" "upper" "case""#,
        r#"MON "set" "esc aped" "q\"u\\o\n\r\t\a\b\x00\x7f\xff\x1b\xc3\xa9 end""#,
        r#"MON "echo" """#,
        r#"MON "echo" "\x00\x01\x02\xfea""#,
        r#"MON "auth" "(redacted)""#,
        r#"MON "AUTH" "(redacted)" "(redacted)""#,
        r#"MON "hello" "2" "AUTH" "(redacted)" "(redacted)" "setname" "n1""#,
    ] {
        assert!(got.iter().any(|l| l == line), "{line} in {got:#?}");
    }
    assert!(
        !got.iter()
            .any(|l| l.starts_with("MON") && l.contains("secret")),
        "{got:#?}"
    );
    // QUIT shows too (Redis 7.0 runs it as a command).
    for addr in [redis.addr, ours.addr] {
        let mut m = monitor(addr).await;
        let mut c = RawClient::connect(addr).await;
        let from = own_addr(&mut c).await;
        c.send(&encode_command(&quit[0])).await;
        assert_eq!(
            c.close_and_drain().await.map(|f| text(&f)),
            Some("OK".into())
        );
        let mut marker = RawClient::connect(addr).await;
        let marker_addr = own_addr(&mut marker).await;
        marker.call(&["ECHO", "end"]).await;
        let lines = lines_until_any(&mut m, "end").await;
        assert_eq!(
            lines,
            [
                (from.clone(), "\"CLIENT\" \"INFO\"".to_string()),
                (from, "\"Quit\"".to_string()),
                (marker_addr, "\"CLIENT\" \"INFO\"".to_string())
            ]
        );
    }
}

/// Lines until `ECHO <marker>` from anyone: `(addr, args)`.
async fn lines_until_any(m: &mut RawClient, marker: &str) -> Vec<(String, String)> {
    read_until(m, marker).await.0
}

#[tokio::test]
async fn noauth_and_auth_match_redis_with_a_password() {
    let script = vec![
        cmd(&["get", "x"]), // NOAUTH: not shown
        cmd(&["multi"]),    // NOAUTH: not shown
        cmd(&["exec"]),     // NOAUTH, but an EXEC: shown
        cmd(&["auth", "wrong"]),
        cmd(&["hello", "2", "auth", "default", "wrong"]),
        cmd(&["auth", "pw"]),
        cmd(&["get", "x"]),
        cmd(&["reset"]),
        cmd(&["get", "x"]),
    ];
    let mut results = Vec::new();
    let redis = RedisServer::start_with(&["--requirepass", "pw"]);
    let ours = Resplite::start_with(&["--requirepass", "pw"]);
    for addr in [redis.addr, ours.addr] {
        let mut m = RawClient::connect(addr).await;
        assert_eq!(text(&m.call(&["AUTH", "pw"]).await), "OK");
        assert_eq!(text(&m.call(&["MONITOR"]).await), "OK");
        let mut c = RawClient::connect(addr).await;
        let mut out = Vec::new();
        for cmd in &script {
            out.push(text(&c.call(cmd).await));
        }
        assert_eq!(text(&c.call(&["AUTH", "pw"]).await), "OK");
        let from = own_addr(&mut c).await;
        c.call(&["ECHO", "end"]).await;
        out.extend(lines_until(&mut m, &from, "end").await);
        results.push(out);
    }
    assert_same(&results[0], &results[1]);
    assert!(results[1].contains(&r#""auth" "(redacted)""#.to_string()));
}

#[tokio::test]
async fn what_a_monitor_may_run_matches_redis() {
    let mut results = Vec::new();
    let redis = RedisServer::start().await;
    let ours = Resplite::start();
    for addr in [redis.addr, ours.addr] {
        let mut m = monitor(addr).await;
        let mut out = Vec::new();
        for args in [
            vec!["PING"],          // runs; its own line follows its reply
            vec!["GET", "k"],      // keyspace: refused
            vec!["SET", "k", "v"], // refused
            vec!["DBSIZE"],
            vec!["PUBLISH", "c", "m"],
            vec!["MEMORY", "USAGE", "k"],
            vec!["MONITOR"], // again: no reply at all
            vec!["ECHO", "hi"],
            vec!["MULTI"],
            vec!["GET", "k"], // refused while queueing: the EXEC aborts
            vec!["PING"],
            vec!["EXEC"],
            vec!["CLIENT", "SETNAME", "mon"],
            vec!["SUBSCRIBE", "c"],
            vec!["GET", "k"], // subscribed mode's refusal comes first
            vec!["UNSUBSCRIBE"],
            vec!["RESET"], // back to normal
            vec!["GET", "k"],
        ] {
            m.send(&encode_command(&args)).await;
            out.push(format!("{args:?}"));
            for frame in drain(&mut m).await {
                out.push(match frame.split_once(" [0 ") {
                    Some((_, rest)) => format!("line [{rest}"),
                    None => frame,
                });
            }
        }
        // The monitor's own address in its lines.
        results.push(out);
    }
    let ours_text = results[1].join("\n");
    let addr_free = |v: &[String]| -> Vec<String> {
        v.iter()
            .map(|l| match l.split_once("] ") {
                Some((head, rest)) if head.starts_with("line [") => format!("line {rest}"),
                _ => l.clone(),
            })
            .collect()
    };
    assert_same(&addr_free(&results[0]), &addr_free(&results[1]));
    assert!(
        ours_text.contains("-ERR Replica can't interact with the keyspace"),
        "{ours_text}"
    );
}

#[tokio::test]
async fn client_list_flags_reset_quit_and_disconnect_clean_up() {
    let server = Resplite::start();
    let addr = server.addr;
    let mut a = monitor(addr).await;
    let mut b = monitor(addr).await;
    let mut c = RawClient::connect(addr).await;
    let from = own_addr(&mut c).await;
    let list = text(&c.call(&["CLIENT", "LIST"]).await);
    assert_eq!(list.matches("flags=O ").count(), 2, "{list}");
    let connected = |info: &str| -> u64 {
        info.lines()
            .find_map(|l| l.strip_prefix("connected_clients:"))
            .and_then(|v| v.trim().parse().ok())
            .expect("connected_clients")
    };
    assert_eq!(connected(&text(&c.call(&["INFO", "clients"]).await)), 3);
    c.call(&["SET", "x", "1"]).await;
    c.call(&["ECHO", "one"]).await;
    for m in [&mut a, &mut b] {
        let lines = lines_until(m, &from, "one").await;
        // (CLIENT LIST is admin: hidden.)
        assert_eq!(
            lines,
            [
                r#""CLIENT" "INFO""#,
                r#""INFO" "clients""#,
                r#""SET" "x" "1""#
            ]
        );
    }
    // QUIT ends a's monitoring with its connection.
    assert_eq!(text(&a.call(&["QUIT"]).await), "OK");
    assert!(a.read().await.is_none(), "closed after QUIT");
    // RESET turns b back into a normal client.
    c.call(&["SET", "x", "2"]).await;
    let before = reset(&mut b).await;
    assert!(
        before.iter().any(|l| l.ends_with(r#""SET" "x" "2""#)),
        "{before:?}"
    );
    assert_eq!(
        text(&b.call(&["GET", "x"]).await),
        "2",
        "a normal client again"
    );
    let list = text(&c.call(&["CLIENT", "LIST"]).await);
    assert!(!list.contains("flags=O"), "{list}");
    // A monitor that just hangs up is dropped; the others keep getting lines.
    let d = monitor(addr).await;
    let mut e = monitor(addr).await;
    drop(d);
    for i in 0..50 {
        c.call(&["SET", "k", &i.to_string()]).await;
    }
    c.call(&["ECHO", "two"]).await;
    let lines = lines_until(&mut e, &from, "two").await;
    assert_eq!(lines.len(), 50);
    assert_eq!(lines[49], r#""SET" "k" "49""#);
    // Eventually only e monitors, and the client count is back.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let list = text(&c.call(&["CLIENT", "LIST"]).await);
        let info = text(&c.call(&["INFO", "clients"]).await);
        if list.matches("flags=O").count() == 1 && connected(&info) == 3 {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{list}\n{info}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// RESET on a monitor: returns the lines that arrived before its `+RESET`.
async fn reset(b: &mut RawClient) -> Vec<String> {
    b.send(&encode_command(&["RESET"])).await;
    let mut before = Vec::new();
    loop {
        let frame = text(&b.read().await.expect("open"));
        if frame == "RESET" {
            return before;
        }
        before.push(frame);
    }
}

#[tokio::test]
async fn pipelined_commands_show_in_each_clients_order() {
    let server = Resplite::start();
    let addr = server.addr;
    let mut m = monitor(addr).await;
    let mut senders = Vec::new();
    for s in 0..4 {
        let mut c = RawClient::connect(addr).await;
        let from = own_addr(&mut c).await;
        senders.push(tokio::spawn(async move {
            let mut out = Vec::new();
            for i in 0..200 {
                out.extend(encode_command(&["SET", &format!("s{s}"), &i.to_string()]));
            }
            c.send(&out).await;
            for _ in 0..200 {
                c.read().await.expect("reply");
            }
            (from, c)
        }));
    }
    let mut clients = Vec::new();
    for s in senders {
        clients.push(s.await.unwrap());
    }
    clients[0].1.call(&["ECHO", "end"]).await;
    let lines = lines_until_any(&mut m, "end").await;
    let lines: Vec<_> = lines
        .into_iter()
        .filter(|(_, l)| l.starts_with("\"SET\""))
        .collect();
    assert_eq!(lines.len(), 800);
    for (s, (from, _)) in clients.iter().enumerate() {
        let mine: Vec<String> = lines
            .iter()
            .filter(|(a, _)| a == from)
            .map(|(_, l)| l.clone())
            .collect();
        let want: Vec<String> = (0..200)
            .map(|i| format!("\"SET\" \"s{s}\" \"{i}\""))
            .collect();
        assert_eq!(mine, want);
    }
}

#[tokio::test]
async fn blocked_commands_show_once_as_in_redis() {
    let mut results = Vec::new();
    let redis = RedisServer::start().await;
    let ours = Resplite::start();
    for addr in [redis.addr, ours.addr] {
        let mut m = monitor(addr).await;
        let mut c = RawClient::connect(addr).await;
        let mut d = RawClient::connect(addr).await;
        // Times out: shown once, when it blocked.
        assert_eq!(c.call(&["BLPOP", "q", "0.05"]).await, BytesFrame::Null);
        // Served by a later push: shown when it blocked, not when served.
        c.send(&encode_command(&["BLPOP", "q", "0"])).await;
        // Wait until it blocks (CLIENT LIST shows flags=b).
        loop {
            let list = text(&d.call(&["CLIENT", "LIST"]).await);
            if list.contains("flags=b") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(text(&d.call(&["RPUSH", "q", "e"]).await), ":1");
        assert_eq!(text(&c.read().await.unwrap()), "[q, e]");
        d.call(&["ECHO", "end"]).await;
        let lines: Vec<String> = lines_until_any(&mut m, "end")
            .await
            .into_iter()
            .map(|(_, l)| l)
            .filter(|l| !l.starts_with("\"CLIENT\""))
            .collect();
        results.push(lines);
    }
    assert_same(&results[0], &results[1]);
    assert_eq!(
        results[1],
        [
            r#""BLPOP" "q" "0.05""#,
            r#""BLPOP" "q" "0""#,
            r#""RPUSH" "q" "e""#
        ]
    );
}

/// A monitor that stops reading is held to the `pubsub` class of
/// `client-output-buffer-limit` (Redis uses the `normal` class, unlimited by
/// default) and disconnected past it; the server serves on.
#[tokio::test]
async fn a_monitor_that_stops_reading_is_disconnected_at_its_limit() {
    const COMMANDS: usize = 10_000;
    const CHUNK: usize = 100;
    let server = Resplite::start();
    let addr = server.addr;
    let mut admin = RawClient::connect(addr).await;
    let limit = [
        "CONFIG",
        "SET",
        "client-output-buffer-limit",
        "pubsub 1mb 0 0",
    ];
    assert_eq!(text(&admin.call(&limit).await), "OK");
    let mut slow = RawClient::connect(addr).await;
    let slow_addr = own_addr(&mut slow).await;
    assert_eq!(text(&slow.call(&["MONITOR"]).await), "OK");
    let mut fast = monitor(addr).await;
    let mut sender = RawClient::connect(addr).await;
    let before = server.rss_kb();
    // 40 MB of lines, 400 KB per round: the reading monitor keeps up; the
    // other never reads.
    let payload = "x".repeat(4096);
    for _ in 0..COMMANDS / CHUNK {
        let mut out = Vec::new();
        for _ in 0..CHUNK {
            out.extend(encode_command(&["ECHO", &payload]));
        }
        sender.send(&out).await;
        for _ in 0..CHUNK {
            sender.read().await.expect("reply");
        }
        for _ in 0..CHUNK {
            let BytesFrame::SimpleString(line) = fast.read().await.expect("line") else {
                panic!("not a line");
            };
            assert!(line.len() > 4096);
        }
    }
    tokio::time::timeout(Duration::from_secs(30), async {
        while slow.read().await.is_some() {}
    })
    .await
    .expect("the stalled monitor was disconnected");
    let after = server.rss_kb();
    assert!(
        after < before + 24 * 1024,
        "RSS grew from {before} kB to {after} kB for a 1 MB limit"
    );
    // Everyone else carries on, and the stalled monitor is gone.
    assert_eq!(text(&admin.call(&["PING"]).await), "PONG");
    let list = text(&admin.call(&["CLIENT", "LIST"]).await);
    assert!(!list.contains(&format!("addr={slow_addr} ")), "{list}");
    assert_eq!(list.matches("flags=O").count(), 1, "{list}");
}
