//! INFO read exactly as monitoring exporters read it: split on CRLF, `# Name`
//! starts a section, every other non-empty line is `key:value`. Every field the
//! issue lists must be there, and the counters must move when they should.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use resplite_tests::{connect, q, RedisServer, Resplite};

type Conn = redis::aio::MultiplexedConnection;

/// Sections (header as written) -> fields, in order of appearance.
#[derive(Debug)]
struct Info {
    sections: Vec<(String, BTreeMap<String, String>)>,
}

impl Info {
    /// Parses like redis_exporter / the Python client: strictly CRLF lines.
    fn parse(text: &str) -> Info {
        assert!(
            !text.replace("\r\n", "").contains('\n'),
            "every line ends with CRLF"
        );
        let mut sections: Vec<(String, BTreeMap<String, String>)> = Vec::new();
        for line in text.split("\r\n") {
            if line.is_empty() {
                continue;
            }
            if let Some(name) = line.strip_prefix("# ") {
                sections.push((name.to_string(), BTreeMap::new()));
                continue;
            }
            let (key, value) = line
                .split_once(':')
                .unwrap_or_else(|| panic!("not a key:value line: {line:?}"));
            assert!(!key.is_empty() && !key.contains(' '), "bad key in {line:?}");
            let (_, fields) = sections
                .last_mut()
                .unwrap_or_else(|| panic!("field before any section: {line:?}"));
            assert!(
                fields.insert(key.to_string(), value.to_string()).is_none(),
                "duplicate {key}"
            );
        }
        Info { sections }
    }

    fn names(&self) -> Vec<&str> {
        self.sections.iter().map(|(n, _)| n.as_str()).collect()
    }

    fn section(&self, name: &str) -> &BTreeMap<String, String> {
        &self
            .sections
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no section {name} in {:?}", self.names()))
            .1
    }

    fn get(&self, section: &str, key: &str) -> &str {
        self.section(section)
            .get(key)
            .unwrap_or_else(|| panic!("no {key} in # {section}"))
    }

    fn num(&self, section: &str, key: &str) -> u64 {
        self.get(section, key)
            .parse()
            .unwrap_or_else(|_| panic!("{key} is not a count: {}", self.get(section, key)))
    }
}

async fn info(c: &mut Conn, sections: &[&str]) -> Info {
    let mut args: Vec<&[u8]> = vec![b"INFO"];
    args.extend(sections.iter().map(|s| s.as_bytes()));
    let text: String = q(c, &args).await.expect("INFO");
    Info::parse(&text)
}

/// Fields the issue names, plus what redis-cli --stat and exporters read.
const REQUIRED: &[(&str, &[&str])] = &[
    (
        "Server",
        &[
            "redis_version",
            "redis_mode",
            "os",
            "arch_bits",
            "process_id",
            "run_id",
            "tcp_port",
            "uptime_in_seconds",
            "uptime_in_days",
            "executable",
            "config_file",
        ],
    ),
    (
        "Clients",
        &["connected_clients", "blocked_clients", "maxclients"],
    ),
    (
        "Memory",
        &[
            "used_memory",
            "used_memory_human",
            "used_memory_rss",
            "used_memory_peak",
            "maxmemory",
            "maxmemory_policy",
            "mem_fragmentation_ratio",
        ],
    ),
    (
        "Persistence",
        &[
            "loading",
            "rdb_changes_since_last_save",
            "rdb_last_save_time",
            "rdb_bgsave_in_progress",
            "aof_enabled",
        ],
    ),
    (
        "Stats",
        &[
            "total_connections_received",
            "total_commands_processed",
            "instantaneous_ops_per_sec",
            "rejected_connections",
            "expired_keys",
            "evicted_keys",
            "keyspace_hits",
            "keyspace_misses",
            "total_error_replies",
        ],
    ),
    (
        "Replication",
        &[
            "role",
            "connected_slaves",
            "master_replid",
            "master_repl_offset",
        ],
    ),
    (
        "CPU",
        &[
            "used_cpu_sys",
            "used_cpu_user",
            "used_cpu_sys_children",
            "used_cpu_user_children",
        ],
    ),
    ("Cluster", &["cluster_enabled"]),
    (
        "SQLite",
        &[
            "sqlite_version",
            "sqlite_db_path",
            "sqlite_pragma_template",
            "sqlite_db_size_bytes",
            "sqlite_wal_size_bytes",
        ],
    ),
];

#[tokio::test]
async fn every_field_parses_as_exporters_expect() {
    let server = Resplite::start();
    let redis = RedisServer::start().await;
    let mut c = server.client().await;
    let got = info(&mut c, &[]).await;
    assert_eq!(
        got.names(),
        [
            "Server",
            "Clients",
            "Memory",
            "Persistence",
            "Stats",
            "Replication",
            "CPU",
            "Modules",
            "Errorstats",
            "Cluster",
            "Keyspace",
            "SQLite"
        ]
    );
    for (section, keys) in REQUIRED {
        for key in *keys {
            got.get(section, key);
        }
    }
    // Every field redis 7.0 prints in these sections is there too, so a
    // parser written against Redis finds what it looks for.
    let mut oracle = resplite_tests::connect(&redis.url()).await;
    let theirs = info(&mut oracle, &["everything"]).await;
    let ours = info(&mut c, &["everything"]).await;
    for section in [
        "Server",
        "Clients",
        "Memory",
        "Persistence",
        "Stats",
        "Replication",
        "CPU",
        "Cluster",
    ] {
        for key in theirs.section(section).keys() {
            // Build details of a C program resplite is not.
            if ["redis_build_id", "mem_allocator"].contains(&key.as_str()) {
                continue;
            }
            assert!(
                ours.section(section).contains_key(key),
                "# {section} lacks {key}"
            );
        }
    }

    // Values that are facts.
    assert_eq!(got.get("Server", "redis_version"), "7.0.15");
    assert_eq!(got.get("Server", "redis_mode"), "standalone");
    assert_eq!(got.num("Server", "tcp_port"), u64::from(server.addr.port()));
    assert_eq!(got.num("Server", "process_id"), u64::from(server.pid()));
    assert_eq!(got.num("Server", "arch_bits"), 64);
    assert_eq!(got.get("Server", "run_id").len(), 40);
    assert!(got.get("Server", "os").starts_with("Linux "));
    assert!(got.get("Server", "executable").ends_with("resplite"));
    assert_eq!(got.get("Replication", "role"), "master");
    assert_eq!(got.num("Replication", "connected_slaves"), 0);
    assert_eq!(got.num("Replication", "master_repl_offset"), 0);
    assert_eq!(got.get("Replication", "master_replid").len(), 40);
    assert_eq!(got.num("Persistence", "aof_enabled"), 0);
    assert_eq!(got.num("Persistence", "loading"), 0);
    assert_eq!(got.num("Memory", "maxmemory"), 0);
    assert_eq!(got.get("Memory", "maxmemory_policy"), "noeviction");
    assert_eq!(got.num("Cluster", "cluster_enabled"), 0);
    assert_eq!(got.num("Clients", "maxclients"), 10_000);
    assert_eq!(got.num("Clients", "blocked_clients"), 0);
    // used_memory is the process' resident set: what `ps` reports, in bytes.
    let rss = got.num("Memory", "used_memory");
    let statm = std::fs::read_to_string(format!("/proc/{}/statm", server.pid())).unwrap();
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    let ps_rss = pages * 4096;
    assert!(
        rss > 1 << 20 && rss.abs_diff(ps_rss) < 32 << 20,
        "used_memory {rss} vs RSS {ps_rss}"
    );
    assert!(got.get("Memory", "used_memory_human").ends_with('M'));
    assert!(got.num("Memory", "used_memory_peak") >= rss);
    for key in ["used_cpu_sys", "used_cpu_user", "used_cpu_sys_main_thread"] {
        let v: f64 = ours.get("CPU", key).parse().expect("seconds");
        assert!(v >= 0.0);
        assert_eq!(ours.get("CPU", key).split('.').nth(1).unwrap().len(), 6);
    }
    assert_eq!(
        got.get("SQLite", "sqlite_db_path"),
        server.db.display().to_string()
    );
    assert_eq!(got.get("SQLite", "sqlite_pragma_template"), "default");
    // A fresh database: Redis omits the db0 line.
    assert!(got.section("Keyspace").is_empty());
}

#[tokio::test]
async fn sections_are_selected_like_redis() {
    let server = Resplite::start();
    let mut c = server.client().await;
    assert_eq!(info(&mut c, &["server"]).await.names(), ["Server"]);
    assert_eq!(info(&mut c, &["SERVER"]).await.names(), ["Server"]);
    assert_eq!(
        info(&mut c, &["keyspace", "clients"]).await.names(),
        ["Clients", "Keyspace"]
    );
    assert_eq!(info(&mut c, &["sqlite"]).await.names(), ["SQLite"]);
    let all = info(&mut c, &["all"]).await;
    for name in ["Commandstats", "Latencystats", "Errorstats", "SQLite"] {
        assert!(all.names().contains(&name), "{name} in INFO all");
    }
    assert_eq!(all.names(), info(&mut c, &["everything"]).await.names());
    assert_eq!(
        info(&mut c, &[]).await.names(),
        info(&mut c, &["default"]).await.names()
    );
    let empty: String = q(&mut c, &[b"INFO", b"nosuch"]).await.unwrap();
    assert_eq!(empty, "");
    // The exact framing: header, CRLF lines, a blank line between sections.
    let text: String = q(&mut c, &[b"INFO", b"cluster", b"replication"])
        .await
        .unwrap();
    assert!(
        text.starts_with("# Replication\r\nrole:master\r\n"),
        "{text}"
    );
    assert!(
        text.ends_with("\r\n\r\n# Cluster\r\ncluster_enabled:0\r\n"),
        "{text}"
    );
}

#[tokio::test]
async fn counters_move_when_they_should() {
    let server = Resplite::start();
    let mut c = server.client().await;
    let before = info(&mut c, &["stats"]).await;
    for _ in 0..50 {
        let _: String = q(&mut c, &[b"PING"]).await.unwrap();
    }
    let after = info(&mut c, &["stats"]).await;
    let processed = |i: &Info| i.num("Stats", "total_commands_processed");
    assert!(
        processed(&after) >= processed(&before) + 51,
        "50 PINGs and an INFO: {} -> {}",
        processed(&before),
        processed(&after)
    );

    // connected_clients and total_connections_received follow connections.
    let base = info(&mut c, &["clients", "stats"]).await;
    let clients = |i: &Info| i.num("Clients", "connected_clients");
    let received = |i: &Info| i.num("Stats", "total_connections_received");
    let mut extra = Vec::new();
    for _ in 0..3 {
        extra.push(server.raw().await);
    }
    // A connection is registered once the server accepted it: poll briefly.
    let now = wait_for(&mut c, |i| clients(i) == clients(&base) + 3).await;
    assert_eq!(received(&now), received(&base) + 3);
    drop(extra);
    wait_for(&mut c, |i| clients(i) == clients(&base)).await;

    // Keyspace: keys and keys with a deadline.
    let _: () = q(&mut c, &[b"SET", b"a", b"1"]).await.unwrap();
    let _: () = q(&mut c, &[b"SET", b"b", b"2", b"EX", b"100"])
        .await
        .unwrap();
    let _: () = q(&mut c, &[b"HSET", b"h", b"f", b"v"]).await.unwrap();
    let ks = info(&mut c, &["keyspace"]).await;
    assert_eq!(ks.get("Keyspace", "db0"), "keys=3,expires=1,avg_ttl=0");

    // expired_keys: a key whose deadline passed is gone and counted.
    let expired = |i: &Info| i.num("Stats", "expired_keys");
    let start = expired(&info(&mut c, &["stats"]).await);
    let _: () = q(&mut c, &[b"SET", b"short", b"v", b"PX", b"30"])
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(80)).await;
    let gone: Option<String> = q(&mut c, &[b"GET", b"short"]).await.unwrap();
    assert_eq!(gone, None);
    let now = wait_for(&mut c, |i| expired(i) > start).await;
    assert_eq!(expired(&now), start + 1);

    // instantaneous_ops_per_sec: non-zero while traffic flows.
    let mut load = server.client().await;
    let busy = tokio::spawn(async move {
        let until = Instant::now() + Duration::from_millis(1500);
        while Instant::now() < until {
            let _: String = q(&mut load, &[b"PING"]).await.unwrap();
        }
    });
    tokio::time::sleep(Duration::from_millis(800)).await;
    let during = info(&mut c, &["stats"]).await;
    busy.await.unwrap();
    assert!(
        during.num("Stats", "instantaneous_ops_per_sec") > 0,
        "{:?}",
        during.section("Stats").get("instantaneous_ops_per_sec")
    );
    let _ = during
        .get("Stats", "instantaneous_input_kbps")
        .parse::<f64>()
        .unwrap();

    // CONFIG RESETSTAT zeroes the counters (the INFO itself counts again).
    let _: () = q(&mut c, &[b"CONFIG", b"RESETSTAT"]).await.unwrap();
    let reset = info(&mut c, &["stats"]).await;
    assert!(processed(&reset) <= 2, "{}", processed(&reset));
    assert_eq!(received(&reset), 0);
    assert_eq!(expired(&reset), 0);
    assert_eq!(reset.num("Stats", "total_error_replies"), 0);

    // SAVE resets the changes-since-save count and stamps the save time.
    let _: () = q(&mut c, &[b"SAVE"]).await.unwrap();
    let p = info(&mut c, &["persistence"]).await;
    assert_eq!(p.num("Persistence", "rdb_changes_since_last_save"), 0);
    let lastsave: u64 = q(&mut c, &[b"LASTSAVE"]).await.unwrap();
    assert_eq!(p.num("Persistence", "rdb_last_save_time"), lastsave);
}

#[tokio::test]
async fn rejected_connections_are_counted() {
    let server = Resplite::start_with(&["--maxclients", "2"]);
    let mut c = server.client().await;
    let mut second = server.raw().await;
    assert_eq!(
        second.call(&["PING"]).await,
        redis_protocol::resp2::types::BytesFrame::SimpleString("PONG".into())
    );
    let mut third = server.raw().await;
    match third.read().await {
        Some(redis_protocol::resp2::types::BytesFrame::Error(e)) => {
            assert_eq!(&*e, "ERR max number of clients reached")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let got = info(&mut c, &["stats", "clients"]).await;
    assert_eq!(got.num("Stats", "rejected_connections"), 1);
    assert_eq!(got.num("Clients", "maxclients"), 2);
    assert_eq!(got.num("Clients", "connected_clients"), 2);
}

#[tokio::test]
async fn info_reads_the_same_over_resp3() {
    let server = Resplite::start();
    let mut c = connect(&format!("redis://{}/?protocol=resp3", server.addr)).await;
    let got = info(&mut c, &["server", "clients"]).await;
    assert_eq!(got.names(), ["Server", "Clients"]);
    assert!(got.num("Clients", "connected_clients") >= 1);
}

/// Polls INFO clients+stats until `done` holds (connection bookkeeping is
/// asynchronous); panics after 5 s.
async fn wait_for(c: &mut Conn, done: impl Fn(&Info) -> bool) -> Info {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let got = info(c, &["clients", "stats"]).await;
        if done(&got) {
            return got;
        }
        assert!(Instant::now() < deadline, "condition never held: {got:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// `keyspace_hits` and `keyspace_misses` from INFO stats over a raw client.
async fn hits_misses(c: &mut resplite_tests::RawClient) -> (u64, u64) {
    use redis_protocol::resp2::types::BytesFrame;
    let BytesFrame::BulkString(text) = c.call(&["INFO", "stats"]).await else {
        panic!("INFO is a bulk string");
    };
    let info = Info::parse(std::str::from_utf8(&text).expect("utf-8"));
    (
        info.num("Stats", "keyspace_hits"),
        info.num("Stats", "keyspace_misses"),
    )
}

/// The same commands on redis-server 7.0 and resplite: after each, both
/// counters moved by the same amounts (reads count a lookup per key, found or
/// not; writes do not count; a type error still counts its lookup, a syntax
/// error does not). CONFIG RESETSTAT zeroes both.
#[tokio::test]
async fn keyspace_hits_and_misses_count_as_redis_does() {
    let redis = RedisServer::start().await;
    let resplite = Resplite::start();
    let mut r = redis.raw().await;
    let mut s = resplite_tests::RawClient::connect(resplite.addr).await;
    let setup: &[&[&str]] = &[
        &["SET", "s", "hello"],
        &["HSET", "h", "f", "v"],
        &["RPUSH", "l", "a", "b"],
        &["SADD", "st", "a", "b"],
        &["SADD", "st2", "b"],
        &["ZADD", "z", "1", "a", "2", "b"],
        &["SET", "gone", "x", "PX", "1"],
    ];
    for cmd in setup {
        r.call(cmd).await;
        s.call(cmd).await;
    }
    tokio::time::sleep(Duration::from_millis(20)).await;
    let steps: &[&[&str]] = &[
        &["GET", "s"],
        &["GET", "nope"],
        &["GET", "gone"],
        &["GET", "h"],
        &["MGET", "s", "nope", "h", "s"],
        &["EXISTS", "s", "nope", "s"],
        &["TYPE", "s"],
        &["TYPE", "nope"],
        &["TTL", "s"],
        &["PTTL", "nope"],
        &["STRLEN", "s"],
        &["GETRANGE", "s", "0", "1"],
        &["GETRANGE", "s", "x", "1"],
        &["HGET", "h", "f"],
        &["HGET", "h", "nofield"],
        &["HGET", "nope", "f"],
        &["HGETALL", "h"],
        &["HLEN", "h"],
        &["HEXISTS", "h", "f"],
        &["HMGET", "h", "f", "g"],
        &["HSCAN", "h", "0"],
        &["LRANGE", "l", "0", "-1"],
        &["LLEN", "nope"],
        &["LINDEX", "l", "0"],
        &["LPOS", "l", "a"],
        &["SMEMBERS", "st"],
        &["SISMEMBER", "st", "a"],
        &["SCARD", "nope"],
        &["SUNION", "st", "st2", "nope"],
        &["SINTERCARD", "2", "st", "nope"],
        &["ZSCORE", "z", "a"],
        &["ZRANGE", "z", "0", "-1"],
        &["ZCARD", "nope"],
        &["ZUNION", "2", "z", "nope"],
        &["OBJECT", "ENCODING", "s"],
        &["GETSET", "s", "hello"],
        &["GETDEL", "nope"],
        &["GETEX", "s"],
        &["SET", "s", "hello", "GET"],
        &["SET", "s", "hello"],
        &["SETNX", "nope2", "1"],
        &["DEL", "nope2"],
        &["INCR", "n"],
        &["APPEND", "s", ""],
        &["HSET", "h", "f", "v"],
        &["LPUSH", "l", "c"],
        &["LPOP", "l"],
        &["SADD", "st", "a"],
        &["ZADD", "z", "1", "a"],
        &["EXPIRE", "s", "100"],
        &["PERSIST", "s"],
        &["RENAME", "n", "n2"],
        &["KEYS", "*"],
        &["SCAN", "0"],
        &["RANDOMKEY"],
        &["DBSIZE"],
        &["SUNIONSTORE", "dst", "st", "nope"],
        &["ZUNIONSTORE", "zdst", "2", "z", "nope"],
        &["ZRANGESTORE", "zdst2", "z", "0", "-1"],
        &["SMOVE", "st", "st2", "a"],
        &["LMOVE", "l", "l2", "LEFT", "LEFT"],
    ];
    // Single commands, then a transaction as one step.
    let multi: &[&[&str]] = &[&["MULTI"], &["GET", "s"], &["GET", "nope"], &["EXEC"]];
    let steps = steps.iter().map(std::slice::from_ref).chain([multi]);
    for step in steps {
        let (r0, s0) = (hits_misses(&mut r).await, hits_misses(&mut s).await);
        let (mut rr, mut sr) = (Vec::new(), Vec::new());
        for cmd in step {
            rr.push(r.call(cmd).await);
            sr.push(s.call(cmd).await);
        }
        let (r1, s1) = (hits_misses(&mut r).await, hits_misses(&mut s).await);
        let delta = |a: (u64, u64), b: (u64, u64)| (b.0 - a.0, b.1 - a.1);
        assert_eq!(
            delta(s0, s1),
            delta(r0, r1),
            "(hits, misses) after {step:?} (redis replied {rr:?}, resplite {sr:?})"
        );
    }
    for c in [&mut r, &mut s] {
        c.call(&["GET", "s"]).await;
        assert_ne!(hits_misses(c).await, (0, 0));
        c.call(&["CONFIG", "RESETSTAT"]).await;
        assert_eq!(hits_misses(c).await, (0, 0));
    }
}

/// `rdb_changes_since_last_save` grows as Redis' `dirty` does: by what a
/// command changed (elements added or removed, keys written), not by one
/// per write command; a SETBIT or BITFIELD that changes nothing adds none.
#[tokio::test]
async fn changes_since_save_count_what_changed_like_redis() {
    let ours = resplite_tests::Resplite::start();
    let redis = resplite_tests::RedisServer::start().await;
    let script = [
        "SETBIT foo 0 0",
        "SETBIT foo 0 0",
        "SETBIT foo 0 1",
        "BITFIELD foo2 SET i5 0 0",
        "BITFIELD foo2 SET i5 0 0",
        "BITFIELD foo2 SET i5 0 1",
        "BITFIELD foo3 INCRBY i5 0 1",
        "BITFIELD foo3 INCRBY i5 0 1",
        "SETBIT foo 90 0",
        "BITFIELD foo2 SET i5 90 0",
        "BITFIELD foo2 GET i5 0 SET u4 0 0",
        "EVAL redis.call('bitfield','foo4','incrby','i5','0','1');redis.call('set','z','1') 0",
        "SET a 1",
        "MSET b 1 c 2",
        "SADD s a b c",
        "SADD s a",
        "DEL a b nope",
        "EXPIRE c 100",
        "EXPIRE nope 10",
        "INCR n",
        "LPUSH l a b",
        "RPOP l",
        "GET x",
        "ZADD z 1 a 2 b",
        "SREM s a b",
        "RENAME z z2",
        "MOVE z2 3",
        "COPY s s9",
        "FLUSHDB",
    ];
    let mut counts = Vec::new();
    for addr in [ours.addr, redis.addr] {
        let mut c = resplite_tests::RawClient::connect(addr).await;
        c.call(&["SAVE"]).await;
        let mut seen = Vec::new();
        for line in script {
            let cmd: Vec<&str> = line.split(' ').collect();
            c.call(&cmd).await;
            let info = format!("{:?}", c.call(&["INFO", "persistence"]).await);
            let n = info
                .split("rdb_changes_since_last_save:")
                .nth(1)
                .and_then(|rest| rest.split("\\r").next())
                .unwrap_or_default()
                .to_string();
            seen.push(format!("{line}: {n}"));
        }
        counts.push(seen);
    }
    assert_eq!(counts[0], counts[1], "resplite vs redis-server");
}
