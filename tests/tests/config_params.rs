//! Every Redis 7.0 parameter through CONFIG GET/SET, and OBJECT ENCODING
//! following the encoding thresholds, against a real redis-server.

use std::collections::BTreeMap;

use redis::aio::MultiplexedConnection;
use resplite_tests::{connect, q, RedisServer, Resplite};

async fn all(c: &mut MultiplexedConnection) -> BTreeMap<String, String> {
    q(c, &[b"CONFIG", b"GET", b"*"]).await.unwrap()
}

/// Values that depend on how and where each server was started.
const RUNTIME: &[&str] = &[
    "bind",
    "port",
    "dir",
    "dbfilename",
    "save",
    "appendonly",
    "pidfile",
    "logfile",
    "daemonize",
    "maxclients",
    "unixsocket",
    "supervised",
    "proto-max-bulk-len",
    "client-query-buffer-limit",
    "protected-mode",
    "enable-debug-command",
    "databases",
];

#[tokio::test]
async fn every_redis_parameter_is_known_with_its_default() {
    let server = Resplite::start();
    let redis = RedisServer::start().await;
    let mut ours = server.client().await;
    let mut oracle = connect(&redis.url()).await;
    let (mine, theirs) = (all(&mut ours).await, all(&mut oracle).await);
    for (name, value) in &theirs {
        let Some(got) = mine.get(name) else {
            panic!("{name} missing from CONFIG GET *");
        };
        if !RUNTIME.contains(&name.as_str()) {
            assert_eq!(got, value, "default of {name}");
        }
    }
    let extra: Vec<&String> = mine.keys().filter(|k| !theirs.contains_key(*k)).collect();
    assert_eq!(extra, vec!["pragma-template"], "resplite's own parameters");

    // Values read back in Redis' canonical form, on both.
    let sets: &[&[&str]] = &[
        &["maxmemory", "1mb"],
        &["maxmemory-clients", "5%"],
        &["maxmemory-policy", "ALLKEYS-LRU"],
        &["activerehashing", "No"],
        &["shutdown-on-sigterm", "now nosave"],
        &["list-max-ziplist-size", "-3"],
        &["zset-max-ziplist-value", "1kb"],
        &["oom-score-adj-values", "0 100 200"],
        &["lua-time-limit", "7000"],
        // A name and its alias in one CONFIG SET: Redis 7.0 sets both.
        &[
            "hash-max-ziplist-entries",
            "1",
            "hash-max-listpack-entries",
            "3",
        ],
    ];
    for pair in sets {
        let mut args: Vec<&[u8]> = vec![b"CONFIG", b"SET"];
        args.extend(pair.iter().map(|a| a.as_bytes()));
        let a: redis::RedisResult<String> = q(&mut ours, &args).await;
        let b: redis::RedisResult<String> = q(&mut oracle, &args).await;
        assert_eq!(
            a.map_err(|e| e.to_string()),
            b.map_err(|e| e.to_string()),
            "{pair:?}"
        );
    }
    let (mine, theirs) = (all(&mut ours).await, all(&mut oracle).await);
    for pair in sets {
        assert_eq!(mine[pair[0]], theirs[pair[0]], "{pair:?}");
    }
    assert_eq!(
        mine["busy-reply-threshold"], "7000",
        "an alias sets its parameter"
    );
}

/// Builds the same values on both servers under the same thresholds and
/// compares what OBJECT ENCODING answers.
#[tokio::test]
async fn object_encoding_follows_the_thresholds_like_redis() {
    let server = Resplite::start();
    let redis = RedisServer::start().await;
    let mut ours = server.raw().await;
    let mut oracle = redis.raw().await;
    let long = "x".repeat(70);
    // Commands, then the keys they made. Redis never converts back, so each
    // phase checks its own keys before thresholds change again.
    let phases: Vec<(Vec<String>, Vec<&str>)> = vec![
        (
            vec![
                "SET s:int 12345".into(),
                "SET s:short hello".into(),
                format!("SET s:long {long}"),
                "HSET h:small f v".into(),
                format!("HSET h:longval f {long}"),
                "SADD set:ints 1 2 3".into(),
                "SADD set:mixed 1 a".into(),
                "ZADD z:small 1 a".into(),
                format!("ZADD z:long 1 {long}"),
                "RPUSH l a b".into(),
                "XADD x 1-1 f v".into(),
            ],
            vec![
                "s:int", "s:short", "s:long", "h:small", "h:longval", "set:ints", "set:mixed",
                "z:small", "z:long", "l", "x", "missing",
            ],
        ),
        (
            vec![
                "CONFIG SET hash-max-ziplist-entries 2 set-max-intset-entries 2 zset-max-ziplist-entries 2".into(),
                "HSET h:three a 1 b 2 c 3".into(),
                "HSET h:two a 1 b 2".into(),
                "SADD set:three 1 2 3".into(),
                "ZADD z:three 1 a 2 b 3 c".into(),
            ],
            vec!["h:three", "h:two", "set:three", "z:three"],
        ),
        (
            vec![
                "CONFIG SET hash-max-listpack-value 100 zset-max-listpack-value 100".into(),
                format!("HSET h:longok f {long}"),
                format!("ZADD z:longok 1 {long}"),
            ],
            vec!["h:longok", "z:longok"],
        ),
    ];
    for (commands, keys) in phases {
        for line in commands {
            let cmd: Vec<&str> = line.split(' ').collect();
            assert_eq!(ours.call(&cmd).await, oracle.call(&cmd).await, "{cmd:?}");
        }
        for key in keys {
            let cmd = ["OBJECT", "ENCODING", key];
            assert_eq!(ours.call(&cmd).await, oracle.call(&cmd).await, "{key}");
        }
    }
    // The wrong type of value for a threshold is refused the same way.
    let bad = ["CONFIG", "SET", "set-max-intset-entries", "-1"];
    assert_eq!(ours.call(&bad).await, oracle.call(&bad).await);
}
