//! Numbered databases against a real redis-server (16 databases on both):
//! SELECT, MOVE, SWAPDB, COPY ... DB, FLUSHDB, WATCH, keyspace events and
//! blocking pops across databases, in RESP2 and RESP3; restart survival.

use redis::Value;
use resplite_tests::diff::{show, Check, Cmd, Pair};
use resplite_tests::{connect, q, RawClient, RedisServer, Resplite};

fn cmd(args: &[&str]) -> Cmd {
    args.iter().map(|a| a.as_bytes().to_vec()).collect()
}

/// Commands over every type and the database commands' edge cases.
fn script() -> Vec<(Cmd, Check)> {
    let ttl = Check::Ttl { tolerance: 2 };
    let e = Check::Exact;
    let mut out = Vec::new();
    let mut add = |args: &[&str], check: Check| out.push((cmd(args), check));
    add(&["FLUSHALL"], e);
    for bad in ["16", "-1", "abc", "99999999999", "1.5"] {
        add(&["SELECT", bad], e);
    }
    add(&["SELECT", "15"], e);
    add(&["SET", "k", "fifteen"], e);
    add(&["SELECT", "0"], e);
    add(&["GET", "k"], e);
    add(&["SET", "k", "zero", "EX", "1000"], e);
    add(&["HSET", "h", "f", "v", "g", "w"], e);
    add(&["RPUSH", "l", "a", "b\x00c", "d"], e);
    add(&["SADD", "s", "x", "y"], e);
    add(&["ZADD", "z", "1.5", "m", "-2", "n"], e);
    add(&["SET", "bin\x00\u{ff}", "v"], e);
    add(&["DBSIZE"], e);
    // MOVE: to an empty database, onto an existing key, missing, bad targets.
    add(&["MOVE", "k", "3"], e);
    add(&["MOVE", "k", "3"], e);
    add(&["MOVE", "h", "15"], e);
    add(&["SELECT", "15"], e);
    add(&["SET", "k", "fifteen"], e);
    add(&["SELECT", "0"], e);
    add(&["SET", "k", "again"], e);
    add(&["MOVE", "k", "15"], e);
    add(&["MOVE", "missing", "2"], e);
    add(&["MOVE", "k", "0"], e);
    add(&["MOVE", "k", "16"], e);
    add(&["MOVE", "k", "-1"], e);
    add(&["MOVE", "k", "x"], e);
    add(&["MOVE", "bin\x00\u{ff}", "2"], e);
    // COPY: every type, with its TTL, across databases and within one.
    add(&["PEXPIRE", "l", "5000000"], e);
    for key in ["l", "s", "z", "k"] {
        add(&["COPY", key, key, "DB", "7"], e);
        add(&["COPY", key, &format!("{key}2")], e);
    }
    add(&["COPY", "l", "l", "DB", "7"], e);
    add(&["COPY", "s", "l", "DB", "7", "REPLACE"], e);
    add(&["COPY", "k", "k"], e);
    add(&["COPY", "k", "k", "DB", "0"], e);
    add(&["COPY", "missing", "x"], e);
    add(&["COPY", "k", "x", "DB", "16"], e);
    add(&["COPY", "k", "x", "DB"], e);
    add(&["COPY", "k", "x", "REPLACE", "BOGUS"], e);
    add(&["COPY", "k", "l2"], e);
    add(&["COPY", "k", "l2", "REPLACE"], e);
    add(&["GET", "l2"], e);
    add(&["SELECT", "7"], e);
    add(&["PTTL", "s"], ttl);
    add(&["TYPE", "l"], e);
    add(&["SMEMBERS", "l"], Check::Sorted);
    add(&["ZRANGE", "z", "0", "-1", "WITHSCORES"], e);
    add(&["GET", "k"], e);
    add(&["TTL", "k"], ttl);
    add(&["DBSIZE"], e);
    add(&["KEYS", "*"], Check::Sorted);
    add(&["SELECT", "3"], e);
    add(&["GET", "k"], e);
    add(&["TTL", "k"], ttl);
    add(&["SELECT", "15"], e);
    add(&["HGETALL", "h"], e);
    add(&["GET", "k"], e);
    add(&["SELECT", "2"], e);
    add(&["GET", "bin\x00\u{ff}"], e);
    // SWAPDB: both sides see the other's keys; bad arguments.
    add(&["SWAPDB", "2", "7"], e);
    add(&["GET", "bin\x00\u{ff}"], e);
    add(&["DBSIZE"], e);
    add(&["LRANGE", "l", "0", "-1"], e);
    add(&["SWAPDB", "2", "2"], e);
    add(&["SWAPDB", "x", "1"], e);
    add(&["SWAPDB", "1", "y"], e);
    add(&["SWAPDB", "1", "16"], e);
    add(&["SWAPDB", "0", "15"], e);
    add(&["SELECT", "0"], e);
    add(&["HGETALL", "h"], e);
    add(&["SELECT", "7"], e);
    add(&["GET", "bin\x00\u{ff}"], e);
    add(&["DBSIZE"], e);
    // FLUSHDB empties the selected database only.
    add(&["FLUSHDB"], e);
    add(&["DBSIZE"], e);
    add(&["SELECT", "15"], e);
    add(&["DBSIZE"], e);
    add(&["FLUSHDB", "ASYNC"], e);
    add(&["FLUSHDB", "SYNC"], e);
    add(&["FLUSHDB", "BOGUS"], e);
    add(&["SELECT", "3"], e);
    add(&["SCAN", "0", "COUNT", "1000"], e);
    add(&["RANDOMKEY"], Check::Presence);
    add(&["EXISTS", "k", "l", "h"], e);
    // SELECT inside MULTI applies to the commands after it.
    add(&["MULTI"], e);
    add(&["SELECT", "4"], e);
    add(&["SET", "in4", "v"], e);
    add(&["SELECT", "99"], e);
    add(&["EXEC"], e);
    add(&["GET", "in4"], e);
    // A script's SELECT ends with the script.
    add(
        &[
            "EVAL",
            "redis.call('SELECT', 9) redis.call('SET', 'from_script', 1) return redis.call('DBSIZE')",
            "0",
        ],
        e,
    );
    add(&["GET", "from_script"], e);
    add(&["SELECT", "9"], e);
    add(&["GET", "from_script"], e);
    add(&["FLUSHALL"], e);
    add(&["DBSIZE"], e);
    out
}

#[tokio::test]
async fn database_commands_match_redis() {
    let redis = RedisServer::start().await;
    let ours = Resplite::start();
    let mut pair = Pair::connect(&redis, &ours).await;
    for (c, check) in script() {
        if let Err(diff) = pair.run(&[(c, check)]).await {
            panic!("{diff}");
        }
    }
}

/// The same commands in RESP3, decoded by the redis crate on both servers.
#[tokio::test]
async fn database_commands_match_redis_in_resp3() {
    let redis = RedisServer::start().await;
    let ours = Resplite::start();
    let url = |base: String| format!("{base}?protocol=resp3");
    let mut theirs = connect(&url(redis.url())).await;
    let mut mine = connect(&url(ours.url())).await;
    for (c, check) in script() {
        let args: Vec<&[u8]> = c.iter().map(Vec::as_slice).collect();
        let a = q::<Value>(&mut theirs, &args).await;
        let b = q::<Value>(&mut mine, &args).await;
        let show_v = |r: redis::RedisResult<Value>| match r {
            Ok(v) => format!("{v:?}"),
            Err(e) => format!("{:?} {:?}", e.code(), e.detail()),
        };
        match check {
            Check::Exact => assert_eq!(show_v(b), show_v(a), "{}", show(&c)),
            _ => assert_eq!(a.is_ok(), b.is_ok(), "{}", show(&c)),
        }
    }
}

async fn call(c: &mut RawClient, args: &[&str]) -> String {
    format!("{:?}", c.call(args).await)
}

/// WATCH follows (database, key): writes to the same name elsewhere leave a
/// transaction alone; FLUSHDB and SWAPDB touch what they replace.
async fn watch_trace(addr: std::net::SocketAddr) -> Vec<String> {
    let mut a = RawClient::connect(addr).await;
    let mut b = RawClient::connect(addr).await;
    let mut t = vec![call(&mut a, &["FLUSHALL"]).await];
    let attempt = async |a: &mut RawClient, b: &mut RawClient, other: &[&[&str]]| {
        let mut out = vec![
            call(a, &["SELECT", "1"]).await,
            call(a, &["WATCH", "k"]).await,
        ];
        for c in other {
            out.push(call(b, c).await);
        }
        out.push(call(a, &["MULTI"]).await);
        out.push(call(a, &["INCR", "n"]).await);
        out.push(call(a, &["EXEC"]).await);
        out
    };
    t.extend(attempt(&mut a, &mut b, &[&["SET", "k", "v0"]]).await);
    t.extend(attempt(&mut a, &mut b, &[&["SELECT", "1"], &["SET", "k", "v1"]]).await);
    t.extend(attempt(&mut a, &mut b, &[&["SELECT", "0"], &["FLUSHDB"]]).await);
    t.extend(attempt(&mut a, &mut b, &[&["SELECT", "1"], &["FLUSHDB"]]).await);
    t.extend(
        attempt(
            &mut a,
            &mut b,
            &[&["SELECT", "5"], &["SET", "k", "5"], &["SWAPDB", "1", "5"]],
        )
        .await,
    );
    t.extend(attempt(&mut a, &mut b, &[&["SWAPDB", "2", "3"]]).await);
    t.extend(attempt(&mut a, &mut b, &[&["MOVE", "k", "6"]]).await);
    t.extend(attempt(&mut a, &mut b, &[&["SELECT", "6"], &["MOVE", "k", "1"]]).await);
    t.extend(attempt(&mut a, &mut b, &[&["FLUSHALL"]]).await);
    t
}

#[tokio::test]
async fn watch_is_per_database_as_in_redis() {
    let redis = RedisServer::start().await;
    let ours = Resplite::start();
    assert_eq!(watch_trace(ours.addr).await, watch_trace(redis.addr).await);
}

/// Keyspace events name the database: `__keyspace@<db>__` and
/// `__keyevent@<db>__`, MOVE's move_from/move_to, COPY's copy_to.
async fn events_trace(addr: std::net::SocketAddr) -> Vec<String> {
    let mut sub = RawClient::connect(addr).await;
    let mut c = RawClient::connect(addr).await;
    call(&mut c, &["FLUSHALL"]).await;
    call(&mut c, &["CONFIG", "SET", "notify-keyspace-events", "KEA"]).await;
    sub.call(&["PSUBSCRIBE", "__key*@*__:*"]).await;
    sub.call(&["PSUBSCRIBE", "end"]).await;
    for args in [
        &["SELECT", "3"][..],
        &["SET", "k", "v"],
        &["MOVE", "k", "5"],
        &["SELECT", "5"],
        &["COPY", "k", "c", "DB", "2"],
        &["RPUSH", "l", "x"],
        &["SWAPDB", "5", "6"],
        &["SELECT", "6"],
        &["DEL", "l"],
        &["SELECT", "2"],
        &["EXPIRE", "c", "100"],
        &["FLUSHDB"],
        &["PUBLISH", "end", "x"],
    ] {
        call(&mut c, args).await;
    }
    call(&mut c, &["CONFIG", "SET", "notify-keyspace-events", ""]).await;
    let mut out = Vec::new();
    // Every event, up to the closing PUBLISH.
    loop {
        let msg = format!("{:?}", sub.read().await);
        if msg.contains("BulkString(b\"end\"), BulkString(b\"x\")") {
            return out;
        }
        out.push(msg);
    }
}

#[tokio::test]
async fn keyspace_events_name_the_database() {
    let redis = RedisServer::start().await;
    let ours = Resplite::start();
    let theirs = events_trace(redis.addr).await;
    assert!(
        theirs.iter().any(|e| e.contains("__keyspace@5__:k")),
        "{theirs:?}"
    );
    assert_eq!(events_trace(ours.addr).await, theirs);
}

/// A waiter in database 3 is served by a push in database 3 only; SWAPDB
/// wakes waiters whose key now exists.
async fn blocking_trace(addr: std::net::SocketAddr) -> Vec<String> {
    let mut waiter = RawClient::connect(addr).await;
    let mut c = RawClient::connect(addr).await;
    let mut t = vec![call(&mut c, &["FLUSHALL"]).await];
    t.push(call(&mut waiter, &["SELECT", "3"]).await);
    waiter
        .send(&resplite_tests::encode_command(&["BLPOP", "q", "0"]))
        .await;
    t.push(call(&mut c, &["RPUSH", "q", "in-db-0"]).await);
    t.push(call(&mut c, &["SELECT", "3"]).await);
    t.push(call(&mut c, &["RPUSH", "q", "in-db-3"]).await);
    t.push(format!("{:?}", waiter.read().await));
    waiter
        .send(&resplite_tests::encode_command(&["BLPOP", "w", "0"]))
        .await;
    t.push(call(&mut c, &["SELECT", "4"]).await);
    t.push(call(&mut c, &["RPUSH", "w", "swapped-in"]).await);
    t.push(call(&mut c, &["SWAPDB", "3", "4"]).await);
    t.push(format!("{:?}", waiter.read().await));
    t.push(call(&mut c, &["SELECT", "0"]).await);
    t.push(call(&mut c, &["LRANGE", "q", "0", "-1"]).await);
    t
}

#[tokio::test]
async fn blocking_pops_wait_in_their_database() {
    let redis = RedisServer::start().await;
    let ours = Resplite::start();
    assert_eq!(
        blocking_trace(ours.addr).await,
        blocking_trace(redis.addr).await
    );
}

/// MONITOR, CLIENT LIST/INFO, INFO keyspace and CONFIG GET show databases;
/// keys, SWAPDB and MOVE survive a restart.
#[tokio::test]
async fn databases_show_everywhere_and_survive_a_restart() {
    let mut ours = Resplite::start_with(&["--databases", "20"]);
    let mut c = ours.raw().await;
    let mut mon = ours.raw().await;
    assert_eq!(call(&mut mon, &["MONITOR"]).await, "SimpleString(b\"OK\")");
    for args in [
        &["SELECT", "19"][..],
        &["SET", "a", "1"],
        &["SELECT", "3"],
        &["SET", "b", "2", "EX", "1000"],
        &["HSET", "h", "f", "v"],
        &["MOVE", "h", "4"],
        &["SWAPDB", "3", "19"],
    ] {
        call(&mut c, args).await;
    }
    // The database after the command ran, as Redis' call() feeds monitors.
    for db in ["19", "19", "3"] {
        let line = format!("{:?}", mon.read().await);
        assert!(line.contains(&format!("[{db} 127.0.0.1:")), "{line}");
    }
    let info = call(&mut c, &["CLIENT", "INFO"]).await;
    assert!(info.contains(" db=3 "), "{info}");
    let list = call(&mut c, &["CLIENT", "LIST"]).await;
    assert!(list.contains(" db=3 "), "{list}");
    assert_eq!(
        call(&mut c, &["CONFIG", "GET", "databases"]).await,
        call(
            &mut RawClient::connect(ours.addr).await,
            &["CONFIG", "GET", "databases"]
        )
        .await
    );
    assert!(call(&mut c, &["CONFIG", "GET", "databases"])
        .await
        .contains("\"20\""));
    let keyspace = call(&mut c, &["INFO", "keyspace"]).await;
    for line in [
        "db3:keys=1,expires=0",
        "db4:keys=1,expires=0",
        "db19:keys=1,expires=1",
    ] {
        assert!(keyspace.contains(line), "{line} in {keyspace}");
    }
    assert_eq!(
        call(&mut c, &["SELECT", "20"]).await,
        call(&mut c, &["SELECT", "99"]).await
    );
    drop((c, mon));
    ours.restart();
    let mut c = ours.raw().await;
    let mut get = async |db: &str, cmd: &[&str]| {
        call(&mut c, &["SELECT", db]).await;
        call(&mut c, cmd).await
    };
    assert_eq!(get("3", &["GET", "a"]).await, "BulkString(b\"1\")");
    assert_eq!(get("19", &["GET", "b"]).await, "BulkString(b\"2\")");
    assert_eq!(get("4", &["HGET", "h", "f"]).await, "BulkString(b\"v\")");
    assert_eq!(get("0", &["DBSIZE"]).await, "Integer(0)");
}
