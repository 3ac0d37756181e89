//! Lua scripting and functions against the real binary: EVAL/EVALSHA/SCRIPT/
//! FUNCTION/FCALL replies compared with a real redis-server (RESP2 frame by
//! frame, RESP3 through the redis crate), randomized scripts, persistence of
//! functions, long scripts (BUSY, SCRIPT KILL, UNKILLABLE, SHUTDOWN NOSAVE),
//! transactions, WATCH, keyspace events and hostile scripts.

use std::time::{Duration, Instant};

use redis::Value;
use redis_protocol::resp2::types::BytesFrame;
use resplite_tests::diff::{show, Check, Cmd, Pair, Rng};
use resplite_tests::{connect, q, q_err, RedisServer, Resplite};

fn cmd(args: &[&[u8]]) -> Cmd {
    args.iter().map(|a| a.to_vec()).collect()
}

/// `EVAL body 0`.
fn eval0(body: &[u8]) -> Cmd {
    cmd(&[b"EVAL", body, b"0"])
}

const LIB: &[u8] = b"#!lua name=mylib\n\
    redis.register_function('incr_by', function(keys, args) return redis.call('INCRBY', keys[1], args[1]) end)\n\
    redis.register_function{function_name='peek', callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes'}}";

/// A fixed script of scripting commands, reply for reply.
#[tokio::test]
async fn scripting_replies_match_redis() {
    let redis = RedisServer::start_with(&["--databases", "1"]);
    let ours = Resplite::start();
    let mut pair = Pair::connect(&redis, &ours).await;
    let script: Vec<Cmd> = vec![
        // Conversions both ways.
        eval0(b"return {1, 2.7, 'x', true, false, nil, 3}"),
        eval0(b"return {ok='fine'}"),
        eval0(b"return {err='ERR custom'}"),
        eval0(b"return redis.error_reply('MY err')"),
        eval0(b"return redis.status_reply('DONE')"),
        cmd(&[
            b"EVAL",
            b"return {KEYS[1], ARGV[1], #KEYS, #ARGV}",
            b"1",
            b"k\x00\xff",
            b"a\r\nb",
        ]),
        cmd(&[
            b"EVAL",
            b"return redis.call('SET', KEYS[1], ARGV[1])",
            b"1",
            b"bin\x00",
            b"\xff\x00v",
        ]),
        cmd(&[
            b"EVAL",
            b"return redis.call('GET', KEYS[1])",
            b"1",
            b"bin\x00",
        ]),
        // A missing key is false in Lua, nil on the wire.
        cmd(&[
            b"EVAL",
            b"local v = redis.call('GET', KEYS[1]) return {type(v), tostring(v)}",
            b"1",
            b"missing",
        ]),
        eval0(b"return redis.call('HGETALL', 'missing')"),
        // Wrong type: the error with the script's position, raised or caught.
        cmd(&[b"RPUSH", b"list", b"a", b"b"]),
        eval0(b"return redis.call('GET', 'list')"),
        eval0(b"local r = redis.pcall('GET', 'list') return r['err']"),
        eval0(b"return pcall(function() redis.call('GET', 'list') end)"),
        eval0(b"return redis.call('NOSUCH')"),
        eval0(b"return redis.call('BLPOP', 'list', 0)"),
        eval0(b"return redis.call()"),
        // Server administration is refused from scripts, as in Redis.
        eval0(b"return redis.call('FUNCTION', 'FLUSH')"),
        eval0(b"return redis.call('SCRIPT', 'FLUSH')"),
        eval0(b"return redis.pcall('CONFIG', 'GET', 'maxclients')"),
        eval0(b"return redis.pcall('CLIENT', 'ID')"),
        eval0(b"return redis.pcall('EVAL', 'return 1', '0')"),
        eval0(b"syntax error here"),
        eval0(b"return undefined_global"),
        eval0(b"x = 1"),
        cmd(&[b"EVAL", b"return 1", b"-1"]),
        cmd(&[b"EVAL", b"return 1", b"5", b"a"]),
        // TTLs: a script sees and sets them.
        cmd(&[b"SET", b"t", b"v", b"PX", b"100000000"]),
        cmd(&[
            b"EVAL",
            b"return redis.call('TTL', KEYS[1]) > 99000",
            b"1",
            b"t",
        ]),
        cmd(&[
            b"EVAL",
            b"redis.call('PERSIST', KEYS[1]) return redis.call('TTL', KEYS[1])",
            b"1",
            b"t",
        ]),
        // The script cache.
        cmd(&[b"SCRIPT", b"LOAD", b"return 'cached'"]),
        cmd(&[
            b"EVALSHA",
            b"7b6b5e6c20f1e4a2ac2f0e6f30b4e3f8b5b6f0d1",
            b"0",
        ]),
        cmd(&[b"EVALSHA", b"short", b"0"]),
        cmd(&[
            b"SCRIPT",
            b"EXISTS",
            b"7b6b5e6c20f1e4a2ac2f0e6f30b4e3f8b5b6f0d1",
            b"nope",
        ]),
        cmd(&[b"SCRIPT", b"FLUSH", b"ASYNC"]),
        cmd(&[b"SCRIPT", b"FLUSH", b"bad"]),
        cmd(&[b"SCRIPT", b"KILL"]),
        // Read-only scripts and shebang flags.
        cmd(&[b"EVAL_RO", b"return redis.call('SET', 'x', 1)", b"0"]),
        cmd(&[b"EVAL_RO", b"return redis.call('GET', 'bin\\0')", b"0"]),
        eval0(b"#!lua flags=no-writes\nreturn redis.call('SET', 'x', 1)"),
        eval0(b"#!lua flags=bogus\nreturn 1"),
        eval0(b"#!lua\nreturn redis.call('SET', 'x', 1)"),
        // Shebangs split as Redis splits them (quotes, empty flags).
        eval0(b"#!lua \"flags=no-writes\"\nreturn 1"),
        eval0(b"#!lua flags=no-writes,\nreturn 1"),
        eval0(b"#!lua flags=\nreturn 1"),
        eval0(b"#!lua FLAGS=no-writes\nreturn 1"),
        eval0(b"#!lua \"unbalanced\nreturn 1"),
        cmd(&[
            b"FUNCTION",
            b"LOAD",
            b"#!lua name=\"q\"\nredis.register_function('q', function() return 1 end)",
        ]),
        cmd(&[b"FUNCTION", b"DELETE", b"q"]),
        // Libraries.
        eval0(b"return cjson.encode({a={1,2,3}})"),
        eval0(b"return cjson.decode('[1,\"x\",{\"k\":null}]')[2]"),
        eval0(b"return cmsgpack.unpack(cmsgpack.pack({1,'two',3.5}))"),
        eval0(b"return bit.band(0xff, 0x0f)"),
        eval0(b"return struct.pack('>I2', 258)"),
        eval0(b"return redis.sha1hex('')"),
        eval0(b"return os"),
        eval0(b"math.randomseed(3) return {math.random(100), math.random()}"),
        eval0(b"return math.random(0)"),
        eval0(b"return math.random('x')"),
        eval0(b"error({err=1})"),
        eval0(b"local function f(n) return pcall(f, n+1) end return f(1)"),
        eval0(b"return coroutine.wrap(function() return redis.call('PING') end)()"),
        eval0(b"return loadstring(string.dump(function() return 1 end))"),
        // Functions.
        cmd(&[b"FUNCTION", b"LOAD", LIB]),
        cmd(&[b"FUNCTION", b"LOAD", LIB]),
        cmd(&[b"FCALL", b"incr_by", b"1", b"counter", b"5"]),
        cmd(&[b"FCALL", b"INCR_BY", b"1", b"counter", b"5"]),
        cmd(&[b"FCALL_RO", b"peek", b"1", b"counter"]),
        cmd(&[b"FCALL_RO", b"incr_by", b"1", b"counter", b"1"]),
        cmd(&[b"FCALL", b"nosuch", b"0"]),
        cmd(&[b"FCALL", b"incr_by", b"1", b"list", b"1"]),
        cmd(&[b"FUNCTION", b"STATS"]),
        cmd(&[b"FUNCTION", b"DELETE", b"nosuch"]),
        cmd(&[b"FUNCTION", b"LOAD", b"#!lua name=bad\nreturn 1"]),
        cmd(&[
            b"FUNCTION",
            b"LOAD",
            b"#!lua name=bad\nredis.call('SET', 'x', 1)",
        ]),
        cmd(&[
            b"FUNCTION",
            b"LOAD",
            b"#!lua\nredis.register_function('f', function() end)",
        ]),
        cmd(&[b"FUNCTION", b"DELETE", b"mylib"]),
        // One function: Redis lists a library's functions in hash order.
        cmd(&[
            b"FUNCTION",
            b"LOAD",
            b"#!lua name=one\nredis.register_function('one', function() return 1 end)",
        ]),
        cmd(&[b"FUNCTION", b"LIST", b"WITHCODE"]),
        cmd(&[b"FUNCTION", b"LIST", b"LIBRARYNAME", b"o"]),
        cmd(&[b"FUNCTION", b"DUMP"]),
        cmd(&[b"FUNCTION", b"FLUSH"]),
        cmd(&[b"FUNCTION", b"KILL"]),
        // Inside MULTI.
        cmd(&[b"MULTI"]),
        cmd(&[b"EVAL", b"return redis.call('INCR', KEYS[1])", b"1", b"m"]),
        eval0(b"return redis.call('GET', 'list')"),
        cmd(&[b"EXEC"]),
        cmd(&[b"GET", b"m"]),
    ];
    let batch: Vec<(Cmd, Check)> = script.into_iter().map(|c| (c, Check::Exact)).collect();
    for step in batch.chunks(1) {
        pair.run(step).await.unwrap();
    }
}

/// RESP3 replies of scripts (maps, sets, doubles, verbatim, big numbers
/// through redis.setresp(3)), decoded by the redis crate on both servers.
#[tokio::test]
async fn resp3_script_replies_match_redis() {
    let redis = RedisServer::start_with(&["--databases", "1"]);
    let ours = Resplite::start();
    let url = |base: String| format!("{base}?protocol=resp3");
    let mut theirs = connect(&url(redis.url())).await;
    let mut mine = connect(&url(ours.url())).await;
    let scripts: &[&[u8]] = &[
        b"redis.call('HSET', 'h', 'a', 1, 'b', 2) redis.setresp(3) return redis.call('HGETALL', 'h')",
        b"redis.call('SADD', 's', 'x', 'y') redis.setresp(3) return redis.call('SMEMBERS', 's')",
        b"redis.call('ZADD', 'z', 1.5, 'm') redis.setresp(3) return redis.call('ZSCORE', 'z', 'm')",
        b"return {map={a=1}}",
        b"return {set={x=true}}",
        b"return {double=3.25}",
        b"return {big_number='12345678901234567890'}",
        b"return {verbatim_string={format='txt', string='hi'}}",
        b"redis.setresp(3) return redis.call('GET', 'missing')",
        b"return redis.call('GET', 'missing')",
        b"return true",
        b"return false",
        b"redis.setresp(3) local t = redis.call('HGETALL', 'h') return t['map']['a']",
        b"redis.setresp(4)",
    ];
    for script in scripts {
        let args: [&[u8]; 3] = [b"EVAL", script, b"0"];
        let a = q::<Value>(&mut theirs, &args).await;
        let b = q::<Value>(&mut mine, &args).await;
        let show = |r: redis::RedisResult<Value>| match r {
            Ok(mut v) => {
                sort_sets(&mut v);
                format!("{v:?}")
            }
            Err(e) => format!("{:?} {:?}", e.code(), e.detail()),
        };
        assert_eq!(show(b), show(a), "{}", String::from_utf8_lossy(script));
    }
    // Seeded random scripts, half of them switching the script to RESP3.
    let _: () = q(&mut theirs, &[b"RPUSH", b"l", b"a", b"\x00"])
        .await
        .unwrap();
    let _: () = q(&mut mine, &[b"RPUSH", b"l", b"a", b"\x00"])
        .await
        .unwrap();
    for seed in 1000..1300u64 {
        let mut rng = Rng::new(seed);
        let setresp = if rng.chance(50) {
            "redis.setresp(3) "
        } else {
            ""
        };
        let body = format!("{setresp}return {}", lua_value(&mut rng, 3));
        let args: [&[u8]; 5] = [b"EVAL", body.as_bytes(), b"1", b"k", b"arg"];
        let a = q::<Value>(&mut theirs, &args).await;
        let b = q::<Value>(&mut mine, &args).await;
        assert_eq!(format!("{b:?}"), format!("{a:?}"), "seed {seed}: {body}");
    }
}

/// Sets come in an order each server picks.
fn sort_sets(v: &mut Value) {
    if let Value::Set(items) = v {
        items.sort_by_key(|i| format!("{i:?}"));
    }
}

/// A random Lua value expression of bounded depth, built from what scripts
/// return and convert: numbers, strings (binary too), booleans, nil holes,
/// nested tables, status/error tables, command replies, pcall results and
/// cjson/cmsgpack round trips.
fn lua_value(rng: &mut Rng, depth: usize) -> String {
    let leaf = [
        "1",
        "-7",
        "0",
        "3.99",
        "-0.5",
        "1e3",
        "2^53",
        "'str'",
        "''",
        "'\\0\\255x'",
        "true",
        "false",
        "nil",
        "KEYS[1]",
        "ARGV[1]",
        "redis.call('INCR', 'n')",
        "redis.call('GET', 'missing')",
        "redis.call('LRANGE', 'l', 0, -1)",
        "redis.call('HGET', 'h', 'f')",
        "redis.pcall('GET', 'l')",
        "redis.pcall('NOSUCHCMD')",
        "redis.status_reply('OK')",
        "redis.error_reply('E x')",
        "{ok='status'}",
        "{err='ERR boom'}",
        "tostring(1/0)",
        "#ARGV",
    ];
    if depth == 0 || rng.chance(40) {
        return rng.pick(&leaf).to_string();
    }
    match rng.below(6) {
        0 | 1 => {
            let n = rng.below(5);
            let items: Vec<String> = (0..n).map(|_| lua_value(rng, depth - 1)).collect();
            format!("{{{}}}", items.join(", "))
        }
        2 => format!(
            "cjson.decode(cjson.encode({{{}, {}}}))",
            json_safe(rng),
            json_safe(rng)
        ),
        3 => format!(
            "cmsgpack.unpack(cmsgpack.pack({}))",
            lua_value(rng, depth - 1)
        ),
        4 => format!(
            "select(2, pcall(function() return {} end))",
            lua_value(rng, depth - 1)
        ),
        _ => "(function() local ok, e = pcall(redis.call, 'GET', 'l') return {ok, e} end)()"
            .to_string(),
    }
}

/// Values cjson encodes the same way on both (no sparse arrays, no NaN).
fn json_safe(rng: &mut Rng) -> &'static str {
    rng.pick(&["1", "2.5", "'s'", "true", "{1,2}", "{a=1}", "{}", "'\\n\"'"])
}

/// Seeded random scripts: the same replies from both servers, in RESP2.
#[tokio::test]
async fn randomized_scripts_match_redis() {
    let redis = RedisServer::start_with(&["--databases", "1"]);
    let ours = Resplite::start();
    let mut pair = Pair::connect(&redis, &ours).await;
    let setup = [
        cmd(&[b"RPUSH", b"l", b"a", b"\x00", b"c"]),
        cmd(&[b"HSET", b"h", b"f", b"v"]),
    ];
    for c in setup {
        pair.run(&[(c, Check::Exact)]).await.unwrap();
    }
    for seed in 0..400u64 {
        let mut rng = Rng::new(seed);
        let body = format!("return {}", lua_value(&mut rng, 3));
        let c = cmd(&[b"EVAL", body.as_bytes(), b"1", b"k\x00", b"arg\xff"]);
        if let Err(e) = pair.run(&[(c.clone(), Check::Exact)]).await {
            panic!("seed {seed}: {}\n{e}", show(&c));
        }
    }
}

#[tokio::test]
async fn functions_survive_restart_and_the_script_cache_does_not() {
    let mut server = Resplite::start();
    let mut con = server.client().await;
    let _: String = q(&mut con, &[b"FUNCTION", b"LOAD", LIB]).await.unwrap();
    let sha: String = q(&mut con, &[b"SCRIPT", b"LOAD", b"return 1"])
        .await
        .unwrap();
    let n: i64 = q(&mut con, &[b"FCALL", b"incr_by", b"1", b"c", b"2"])
        .await
        .unwrap();
    assert_eq!(n, 2);
    server.restart();
    let mut con = server.client().await;
    let n: i64 = q(&mut con, &[b"FCALL", b"incr_by", b"1", b"c", b"3"])
        .await
        .unwrap();
    assert_eq!(n, 5);
    let exists: Vec<i64> = q(&mut con, &[b"SCRIPT", b"EXISTS", sha.as_bytes()])
        .await
        .unwrap();
    assert_eq!(exists, vec![0]);
    assert_eq!(
        q_err(&mut con, &[b"EVALSHA", sha.as_bytes(), b"0"]).await,
        "NOSCRIPT No matching script. Please use EVAL."
    );
    // FLUSHALL keeps functions, as Redis does; FUNCTION FLUSH drops them for good.
    let _: () = q(&mut con, &[b"FLUSHALL"]).await.unwrap();
    let v: Value = q(&mut con, &[b"FCALL_RO", b"peek", b"1", b"c"])
        .await
        .unwrap();
    assert_eq!(v, Value::Nil);
    let _: () = q(&mut con, &[b"FUNCTION", b"FLUSH"]).await.unwrap();
    server.restart();
    let mut con = server.client().await;
    assert_eq!(
        q_err(&mut con, &[b"FCALL", b"incr_by", b"1", b"c", b"1"]).await,
        "ERR Function not found"
    );
}

/// Sends `EVAL body 0` on a connection of its own and returns it once the
/// script is past the threshold, with the BUSY error another client got.
async fn run_until_busy(
    server: &Resplite,
    other: &mut redis::aio::MultiplexedConnection,
    body: &str,
) -> (resplite_tests::RawClient, String) {
    let mut runner = server.raw().await;
    runner
        .send(&resplite_tests::encode_command(&["EVAL", body, "0"]))
        .await;
    let busy = until_busy(other).await;
    (runner, busy)
}

/// Scripts answer BUSY to others after 50 ms.
async fn busy_after_50ms(admin: &mut redis::aio::MultiplexedConnection) {
    let set = [&b"CONFIG"[..], b"SET", b"busy-reply-threshold", b"50"];
    let _: () = q(admin, &set).await.unwrap();
}

/// Polls (the onset of BUSY is not an event a client can wait on).
async fn until_busy(con: &mut redis::aio::MultiplexedConnection) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match q::<Value>(con, &[b"PING"]).await {
            Err(e) if e.code() == Some("BUSY") => return e.to_string(),
            _ if Instant::now() > deadline => panic!("the script never turned BUSY"),
            _ => tokio::time::sleep(Duration::from_millis(5)).await,
        }
    }
}

#[tokio::test]
async fn a_long_read_only_script_answers_busy_and_can_be_killed() {
    let server = Resplite::start();
    let mut admin = server.client().await;
    busy_after_50ms(&mut admin).await;
    let (mut runner, busy) = run_until_busy(
        &server,
        &mut admin,
        "local i = 0 while true do i = i + 1 end",
    )
    .await;
    assert!(
        busy.contains("You can only call SCRIPT KILL or SHUTDOWN NOSAVE"),
        "{busy}"
    );
    assert_eq!(
        q_err(&mut admin, &[b"FUNCTION", b"KILL"]).await,
        "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
    );
    let _: () = q(&mut admin, &[b"SCRIPT", b"KILL"]).await.unwrap();
    let reply = runner.read().await.expect("the script's reply");
    assert!(
        format!("{reply:?}").contains("Script killed by user with SCRIPT KILL"),
        "{reply:?}"
    );
    let pong: String = q(&mut admin, &[b"PING"]).await.unwrap();
    assert_eq!(pong, "PONG");
    assert_eq!(
        q_err(&mut admin, &[b"SCRIPT", b"KILL"]).await,
        "NOTBUSY No scripts in execution right now."
    );
}

/// EXEC arriving while a script is busy aborts the transaction (Redis'
/// execCommandAbort): EXECABORT with the BUSY line, and the client has left
/// MULTI, so nothing of it runs after SCRIPT KILL.
#[tokio::test]
async fn exec_during_a_busy_script_discards_the_transaction() {
    let server = Resplite::start();
    let mut admin = server.client().await;
    busy_after_50ms(&mut admin).await;
    let _: () = q(&mut admin, &[b"SET", b"xx", b"1"]).await.unwrap();
    let mut tx = server.raw().await;
    assert_eq!(
        tx.call(&["MULTI"]).await,
        BytesFrame::SimpleString("OK".into())
    );
    assert_eq!(
        tx.call(&["INCR", "xx"]).await,
        BytesFrame::SimpleString("QUEUED".into())
    );
    let (mut runner, _) = run_until_busy(&server, &mut admin, "while true do end").await;
    let busy = tx.call(&["INCR", "xx"]).await;
    assert!(format!("{busy:?}").contains("BUSY"), "{busy:?}");
    let exec = tx.call(&["EXEC"]).await;
    assert!(
        matches!(&exec, BytesFrame::Error(e) if e.starts_with("EXECABORT Transaction discarded because of: BUSY")),
        "{exec:?}"
    );
    let _: () = q(&mut admin, &[b"SCRIPT", b"KILL"]).await.unwrap();
    runner.read().await.expect("the script's reply");
    assert_eq!(
        tx.call(&["PING", "asdf"]).await,
        BytesFrame::BulkString("asdf".into())
    );
    let xx: i64 = q(&mut admin, &[b"GET", b"xx"]).await.unwrap();
    assert_eq!(xx, 1);
}

#[tokio::test]
async fn a_script_that_wrote_is_unkillable_and_shutdown_nosave_drops_its_writes() {
    let mut server = Resplite::start();
    let mut admin = server.client().await;
    let _: () = q(&mut admin, &[b"SET", b"acked", b"1"]).await.unwrap();
    let _: () = q(&mut admin, &[b"CONFIG", b"SET", b"lua-time-limit", b"50"])
        .await
        .unwrap();
    run_until_busy(
        &server,
        &mut admin,
        "redis.call('SET', 'partial', 1) while true do end",
    )
    .await;
    let e = q_err(&mut admin, &[b"SCRIPT", b"KILL"]).await;
    assert!(
        e.starts_with("UNKILLABLE Sorry the script already executed write commands"),
        "{e}"
    );
    let _ = q::<Value>(&mut admin, &[b"SHUTDOWN", b"NOSAVE"]).await;
    let status = server.wait_exit(Duration::from_secs(30));
    assert!(status.is_some(), "SHUTDOWN NOSAVE did not stop the server");
    server.start_again();
    let mut con = server.client().await;
    let acked: Option<String> = q(&mut con, &[b"GET", b"acked"]).await.unwrap();
    assert_eq!(acked.as_deref(), Some("1"));
    let partial: Option<String> = q(&mut con, &[b"GET", b"partial"]).await.unwrap();
    assert_eq!(
        partial, None,
        "the unfinished script's write reached the file"
    );
}

#[tokio::test]
async fn a_script_write_invalidates_watch_and_notifies() {
    let server = Resplite::start();
    let mut con = server.client().await;
    let _: () = q(
        &mut con,
        &[b"CONFIG", b"SET", b"notify-keyspace-events", b"KEA"],
    )
    .await
    .unwrap();
    let mut sub = server.raw().await;
    sub.call(&["SUBSCRIBE", "__keyspace@0__:w"]).await;
    let mut watcher = server.raw().await;
    watcher.call(&["WATCH", "w"]).await;
    let _: () = q(
        &mut con,
        &[b"EVAL", b"redis.call('SET', KEYS[1], 'x')", b"1", b"w"],
    )
    .await
    .unwrap();
    watcher.call(&["MULTI"]).await;
    watcher.call(&["SET", "w", "mine"]).await;
    let exec = watcher.call(&["EXEC"]).await;
    assert_eq!(
        format!("{exec:?}"),
        "Null",
        "EXEC ran though a script wrote the key"
    );
    let event = sub.read().await.expect("keyspace event");
    assert!(format!("{event:?}").contains("set"), "{event:?}");
}

#[tokio::test]
async fn hostile_scripts_get_errors_and_the_server_keeps_serving() {
    let server = Resplite::start();
    // Filling the interpreter's 256 MB takes a while in a debug build.
    let config =
        redis::AsyncConnectionConfig::new().set_response_timeout(Some(Duration::from_secs(120)));
    let mut con = redis::Client::open(server.url())
        .unwrap()
        .get_multiplexed_async_connection_with_config(&config)
        .await
        .unwrap();
    let hostile: [(&[u8], &str); 3] = [
        // 1 GB string: past the interpreter's memory cap.
        (
            b"return string.rep('x', 1024*1024*1024)",
            "not enough memory",
        ),
        // A table that grows without end.
        (
            b"local t = {} while true do t[#t+1] = string.rep('y', 1000) end",
            "not enough memory",
        ),
        // Runaway recursion.
        (
            b"local function f() return f() + 1 end return f()",
            "stack overflow",
        ),
    ];
    for (body, want) in hostile {
        let e = q_err(&mut con, &[b"EVAL", body, b"0"]).await;
        assert!(e.contains(want), "{e}");
    }
    // A reply too deep to convert: cut with Redis' error where the limit
    // is reached (Redis' own depth is its Lua stack's, deeper than ours).
    let mut raw = server.raw().await;
    let mut frame = raw
        .call(&[
            "EVAL",
            "local t = {} local c = t for i = 1, 10000 do c[1] = {} c = c[1] end return t",
            "0",
        ])
        .await;
    let mut depth = 0;
    while let BytesFrame::Array(mut items) = frame {
        assert_eq!(items.len(), 1);
        frame = items.pop().unwrap();
        depth += 1;
    }
    assert!(depth > 100, "cut at depth {depth}");
    assert_eq!(
        frame,
        BytesFrame::Error("ERR reached lua stack limit".into())
    );
    let n: i64 = q(
        &mut con,
        &[b"EVAL", b"return #string.rep('z', 1000000)", b"0"],
    )
    .await
    .unwrap();
    assert_eq!(n, 1_000_000);
    assert!(server.rss_kb() < 1_000_000, "rss {} kB", server.rss_kb());
}

/// MONITOR lines and INFO commandstats for a script and the commands it
/// calls, on both servers: the same lines in the same order (the script's
/// commands from `lua`) and the same counts.
#[tokio::test]
async fn scripts_show_in_monitor_and_commandstats_like_redis() {
    let redis = RedisServer::start_with(&["--databases", "1"]);
    let ours = Resplite::start();
    let mut seen = Vec::new();
    for addr in [redis.addr, ours.addr] {
        let mut monitor = resplite_tests::RawClient::connect(addr).await;
        monitor.call(&["MONITOR"]).await;
        let mut c = resplite_tests::RawClient::connect(addr).await;
        c.call(&["CONFIG", "RESETSTAT"]).await;
        c.call(&[
            "EVAL",
            "redis.call('SET', KEYS[1], ARGV[1]) return redis.call('GET', KEYS[1])",
            "1",
            "mk",
            "v",
        ])
        .await;
        c.call(&["EVAL", "return redis.pcall('NOSUCH')", "0"]).await;
        c.call(&["EVAL", "return redis.pcall('INCR', 'mk')", "0"])
            .await;
        c.call(&["ECHO", "end"]).await;
        let mut lines = Vec::new();
        loop {
            let frame = monitor.read().await.expect("monitor open");
            let BytesFrame::SimpleString(line) = frame else {
                panic!("monitor got {frame:?}");
            };
            let line = String::from_utf8_lossy(&line).into_owned();
            // `<secs>.<micros> [0 <addr>] <args>`: keep whether it came from
            // the script and the arguments.
            let rest = line.split_once(" [0 ").expect("monitor line").1;
            let (from, args) = rest.split_once("] ").expect("addr]");
            let from = if from == "lua" { "lua" } else { "client" };
            if args == "\"ECHO\" \"end\"" {
                break;
            }
            lines.push(format!("{from} {args}"));
        }
        let info = c.call(&["INFO", "commandstats"]).await;
        let BytesFrame::BulkString(info) = info else {
            panic!("INFO gave {info:?}");
        };
        let mut stats: Vec<String> = String::from_utf8_lossy(&info)
            .lines()
            .filter(|l| l.starts_with("cmdstat_"))
            // calls, rejected and failed counts; not the timings.
            .map(|l| {
                let (name, fields) = l.split_once(':').unwrap();
                let kept: Vec<&str> = fields
                    .split(',')
                    .filter(|f| !f.starts_with("usec"))
                    .collect();
                format!("{name}:{}", kept.join(","))
            })
            .filter(|l| !l.starts_with("cmdstat_config") && !l.starts_with("cmdstat_info"))
            .collect();
        stats.sort();
        seen.push((lines, stats));
    }
    assert_eq!(seen[1].0, seen[0].0, "MONITOR lines (resplite, redis)");
    assert_eq!(seen[1].1, seen[0].1, "INFO commandstats (resplite, redis)");
}

/// SLOWLOG: the script and the commands it ran (from `?:0`, no name), and
/// the caller's CLIENT SETNAME in its entry, as redis-server logs them.
#[tokio::test]
async fn slowlog_shows_scripts_like_redis() {
    let redis = RedisServer::start_with(&["--databases", "1"]);
    let ours = Resplite::start();
    let mut seen = Vec::new();
    for addr in [redis.addr, ours.addr] {
        let mut c = resplite_tests::RawClient::connect(addr).await;
        c.call(&["CLIENT", "SETNAME", "app"]).await;
        c.call(&["CONFIG", "SET", "slowlog-log-slower-than", "0"])
            .await;
        c.call(&["SLOWLOG", "RESET"]).await;
        c.call(&[
            "EVAL",
            "redis.call('SET', 'sl', 1) return redis.call('GET', 'sl')",
            "0",
        ])
        .await;
        let BytesFrame::Array(entries) = c.call(&["SLOWLOG", "GET", "3"]).await else {
            panic!("SLOWLOG GET");
        };
        // argv, whether the address is a client's, and the name.
        let shown: Vec<String> = entries
            .iter()
            .map(|e| {
                let BytesFrame::Array(f) = e else {
                    panic!("{e:?}")
                };
                let addr = format!("{:?}", f[4]);
                format!("{:?} {} {:?}", f[3], addr.contains("127.0.0.1"), f[5])
            })
            .collect();
        seen.push(shown);
    }
    assert_eq!(seen[1], seen[0], "SLOWLOG (resplite, redis)");
}

/// SIGTERM while a script loops for ever: the server stops (the script is
/// rolled back, as SHUTDOWN NOSAVE does) instead of waiting for it.
#[tokio::test]
async fn sigterm_stops_a_runaway_script() {
    let mut server = Resplite::start();
    let mut admin = server.client().await;
    busy_after_50ms(&mut admin).await;
    run_until_busy(
        &server,
        &mut admin,
        "redis.call('SET', 'half', 1) while true do end",
    )
    .await;
    // SAFETY: kill(2) on the pid of the server this test started.
    unsafe { libc::kill(server.pid() as i32, libc::SIGTERM) };
    assert!(
        server.wait_exit(Duration::from_secs(30)).is_some(),
        "SIGTERM did not stop the server"
    );
    server.start_again();
    let mut con = server.client().await;
    let half: Option<String> = q(&mut con, &[b"GET", b"half"]).await.unwrap();
    assert_eq!(half, None);
}

/// FUNCTION DUMP payloads cross over: resplite's restore into redis-server,
/// redis-server's into resplite; a damaged one is refused by both alike.
#[tokio::test]
async fn function_dumps_cross_between_redis_and_resplite() {
    let redis = RedisServer::start_with(&["--databases", "1"]);
    let ours = Resplite::start();
    let mut theirs = connect(&redis.url()).await;
    let mut mine = ours.client().await;
    let _: String = q(&mut mine, &[b"FUNCTION", b"LOAD", LIB]).await.unwrap();
    let dump: Vec<u8> = q(&mut mine, &[b"FUNCTION", b"DUMP"]).await.unwrap();
    let _: () = q(&mut theirs, &[b"FUNCTION", b"RESTORE", &dump])
        .await
        .unwrap();
    let n: i64 = q(&mut theirs, &[b"FCALL", b"incr_by", b"1", b"c", b"4"])
        .await
        .unwrap();
    assert_eq!(n, 4);
    let lib2: &[u8] = b"#!lua name=other\nredis.register_function('nine', function() return 9 end)";
    let _: () = q(&mut theirs, &[b"FUNCTION", b"FLUSH"]).await.unwrap();
    let _: String = q(&mut theirs, &[b"FUNCTION", b"LOAD", lib2]).await.unwrap();
    let dump: Vec<u8> = q(&mut theirs, &[b"FUNCTION", b"DUMP"]).await.unwrap();
    let _: () = q(&mut mine, &[b"FUNCTION", b"RESTORE", &dump])
        .await
        .unwrap();
    let n: i64 = q(&mut mine, &[b"FCALL", b"nine", b"0"]).await.unwrap();
    assert_eq!(n, 9);
    let mut damaged = dump.clone();
    let last = damaged.len() - 1;
    damaged[last] ^= 0xff;
    assert_eq!(
        q_err(&mut mine, &[b"FUNCTION", b"RESTORE", &damaged]).await,
        q_err(&mut theirs, &[b"FUNCTION", b"RESTORE", &damaged]).await
    );
}
