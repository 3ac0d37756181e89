//! Redis' long tail of commands (TOUCH, SUBSTR, WAIT, ZINTERCARD's errors),
//! each against redis-server with the same bytes.

use std::time::{Duration, Instant};

use redis_protocol::resp2::types::BytesFrame;
use resplite_tests::{encode_command, wait_blocked, RawClient, RedisServer, Resplite};

#[tokio::test]
async fn touch_substr_wait_answer_like_redis() {
    let ours = Resplite::start();
    let redis = RedisServer::start().await;
    let mut a = RawClient::connect(ours.addr).await;
    let mut b = RawClient::connect(redis.addr).await;
    let script: &[&[&str]] = &[
        &["SET", "s", "hello world"],
        &["SET", "bin\u{0}key", "a\u{0}b\u{0}c"],
        &["RPUSH", "list", "x"],
        &["SET", "gone", "v", "PX", "1"],
        &["TOUCH", "s", "s", "missing", "list", "bin\u{0}key"],
        &["TOUCH"],
        &["SUBSTR", "s", "0", "4"],
        &["SUBSTR", "s", "-5", "-1"],
        &["SUBSTR", "s", "5", "2"],
        &["SUBSTR", "missing", "0", "10"],
        &["SUBSTR", "bin\u{0}key", "1", "3"],
        &["SUBSTR", "list", "0", "1"],
        &["SUBSTR", "s", "x", "1"],
        &["SUBSTR", "s", "0"],
        &["WAIT", "0", "0"],
        &["WAIT", "0", "10"],
        &["WAIT", "x", "0"],
        &["WAIT", "1", "-1"],
        &["WAIT", "1", "abc"],
        &["WAIT", "1"],
        &["MULTI"],
        &["WAIT", "1", "0"],
        &["EXEC"],
    ];
    for cmd in script {
        assert_eq!(a.call(cmd).await, b.call(cmd).await, "{cmd:?}");
    }
    // Their replies are integers and bulk strings, the same in RESP3.
    let mut c3 = ours.client().await;
    let _: redis::Value = resplite_tests::q(&mut c3, &[b"HELLO", b"3"]).await.unwrap();
    let n: i64 = resplite_tests::q(&mut c3, &[b"TOUCH", b"s"]).await.unwrap();
    assert_eq!(n, 1);
    // Survives a restart like any read: the key is on disk.
    drop(c3);
    let mut ours = ours;
    ours.restart();
    let mut a = RawClient::connect(ours.addr).await;
    assert_eq!(
        a.call(&["SUBSTR", "s", "0", "4"]).await,
        BytesFrame::BulkString("hello".into())
    );
}

/// WAIT for a replica that does not exist: answered 0 when the timeout
/// fires, and not before; with timeout 0, blocked until CLIENT UNBLOCK.
#[tokio::test]
async fn wait_without_replicas_times_out_with_zero() {
    let ours = Resplite::start();
    let mut c = RawClient::connect(ours.addr).await;
    let started = Instant::now();
    assert_eq!(c.call(&["WAIT", "1", "150"]).await, BytesFrame::Integer(0));
    assert!(started.elapsed() >= Duration::from_millis(150));

    let mut id_conn = RawClient::connect(ours.addr).await;
    let id = match id_conn.call(&["CLIENT", "ID"]).await {
        BytesFrame::Integer(n) => n,
        other => panic!("{other:?}"),
    };
    id_conn.send(&encode_command(&["WAIT", "2", "0"])).await;
    wait_blocked(ours.addr, 1).await;
    let mut admin = RawClient::connect(ours.addr).await;
    assert_eq!(
        admin.call(&["CLIENT", "UNBLOCK", &id.to_string()]).await,
        BytesFrame::Integer(1)
    );
    assert_eq!(id_conn.read().await, Some(BytesFrame::Integer(0)));
}

/// What a single node answers for replication, cluster, modules and the
/// rest of Redis' command list: as a Redis master without replicas, with
/// cluster support and the MODULE command disabled.
#[tokio::test]
async fn single_node_commands_answer_like_redis() {
    let ours = Resplite::start();
    let redis = RedisServer::start().await;
    let mut a = RawClient::connect(ours.addr).await;
    let mut b = RawClient::connect(redis.addr).await;
    let script = r#"
        ROLE
        ROLE x
        REPLICAOF NO ONE
        REPLICAOF no one
        SLAVEOF NO ONE
        REPLICAOF localhost x
        REPLICAOF localhost 99999
        REPLICAOF NO
        FAILOVER
        FAILOVER ABORT
        FAILOVER TIMEOUT 0
        FAILOVER BOGUS
        FAILOVER TO host
        CLUSTER INFO
        CLUSTER HELP
        CLUSTER KEYSLOT a
        CLUSTER
        READONLY
        READWRITE
        ASKING
        READONLY x
        MODULE LIST
        MODULE HELP
        MODULE LOAD /nope.so
        MODULE LOADEX /nope.so
        MODULE UNLOAD x
        MODULE UNLOAD
        MODULE LIST x
        MODULE NOPE
        BGREWRITEAOF
        BGREWRITEAOF x
        LOLWUT VERSION x
        EVAL return\x20redis.call('cluster','reset') 0
        EVAL return\x20redis.call('role') 0
        SET k v
        GET k
    "#;
    resplite_tests::diff::assert_same_replies(&mut a, &mut b, script).await;
    // LOLWUT: Redis draws art above the version line; resplite keeps to the
    // line. RESP3: verbatim text; ROLE an array.
    for addr in [ours.addr, redis.addr] {
        let mut c = resplite_tests::resp3::Resp3Client::connect(addr).await;
        c.call(&["HELLO", "3"]).await;
        let role = resplite_tests::resp3::show(&c.call(&["ROLE"]).await);
        assert_eq!(role, "[master, 0, []]");
        let lolwut = c.call(&["LOLWUT", "VERSION", "6"]).await;
        match lolwut {
            redis_protocol::resp3::types::BytesFrame::VerbatimString { data, .. } => {
                assert!(data.ends_with(b"Redis ver. 7.0.15\n"), "{data:?}");
            }
            other => panic!("{other:?}"),
        }
    }
}

/// COMMAND LIST names subcommands `container|sub` and filters them; GETKEYS
/// finds a subcommand's keys (MEMORY USAGE, OBJECT, XGROUP, XINFO).
#[tokio::test]
async fn command_list_filters_and_subcommand_keys_match_redis() {
    let ours = Resplite::start();
    let redis = RedisServer::start().await;
    let mut a = RawClient::connect(ours.addr).await;
    let mut b = RawClient::connect(redis.addr).await;
    let sorted: &[&[&str]] = &[
        &["COMMAND", "LIST", "FILTERBY", "ACLCAT", "scripting"],
        &["COMMAND", "LIST", "FILTERBY", "aclcat", "HyperLogLog"],
        &["COMMAND", "LIST", "FILTERBY", "ACLCAT", "no_such_category"],
        &["COMMAND", "LIST", "FILTERBY", "PATTERN", "config*"],
        &["COMMAND", "LIST", "FILTERBY", "PATTERN", "config|*re*"],
        &["COMMAND", "LIST", "FILTERBY", "PATTERN", "XGROUP*"],
        &["COMMAND", "LIST", "FILTERBY", "PATTERN", "get"],
        &["COMMAND", "LIST", "FILTERBY", "PATTERN", "nothing*here"],
        &["COMMAND", "LIST", "FILTERBY", "MODULE", "x"],
    ];
    for cmd in sorted {
        let (ours, theirs) = (a.call(cmd).await, b.call(cmd).await);
        assert_eq!(
            resplite_tests::diff::sorted(&ours),
            resplite_tests::diff::sorted(&theirs),
            "{cmd:?}"
        );
    }
    let script = r#"
        COMMAND LIST bad_arg
        COMMAND LIST FILTERBY bad_arg
        COMMAND LIST FILTERBY bad_arg bad_arg2
        COMMAND LIST FILTERBY PATTERN
        COMMAND GETKEYS MEMORY USAGE key
        COMMAND GETKEYS memory usage key SAMPLES 5
        COMMAND GETKEYS OBJECT ENCODING k\x00bin
        COMMAND GETKEYS XGROUP CREATE key group $
        COMMAND GETKEYS XGROUP HELP
        COMMAND GETKEYS XINFO STREAM s FULL
        COMMAND GETKEYS CLIENT LIST
        COMMAND GETKEYS MEMORY NOPE key
        COMMAND HELP
        COMMAND HELP x
    "#;
    resplite_tests::diff::assert_same_replies(&mut a, &mut b, script).await;
    let all = a.call(&["COMMAND", "LIST"]).await;
    let text = format!("{all:?}");
    for name in [
        "client|list",
        "config|get",
        "object|encoding",
        "xinfo|stream",
    ] {
        assert!(text.contains(name), "{name} in COMMAND LIST");
    }
}

/// ACL for the one user there is: what reads it answers as Redis does for
/// `default` (with and without a password); creating users is refused.
#[tokio::test]
async fn acl_answers_for_the_default_user_like_redis() {
    let ours = Resplite::start();
    let redis = RedisServer::start().await;
    let mut a = RawClient::connect(ours.addr).await;
    let mut b = RawClient::connect(redis.addr).await;
    let script = r#"
        ACL WHOAMI
        ACL USERS
        ACL LIST
        ACL GETUSER default
        ACL GETUSER nobody
        ACL DRYRUN default get x
        ACL DRYRUN default SET x y EX 10
        ACL DRYRUN nobody get x
        ACL DRYRUN default nosuch
        ACL DRYRUN default
        ACL LOG
        ACL LOG RESET
        ACL LOG 5
        ACL LOG x
        ACL LOG 1 2
        ACL GENPASS 0
        ACL GENPASS 5000
        ACL GENPASS x
        ACL DELUSER default
        ACL DELUSER bob
        ACL DELUSER bob default
        ACL WHOAMI x
        ACL CAT nosuch
        ACL CAT a b
        ACL NOPE
        ACL
        ACL SAVE
        ACL LOAD
        ACL HELP
        ACL CAT
        EVAL return\x20redis.call('acl','whoami') 0
    "#;
    resplite_tests::diff::assert_same_replies(&mut a, &mut b, script).await;
    for cmd in [&["ACL", "CAT", "hyperloglog"][..], &["ACL", "CAT", "GEO"]] {
        assert_eq!(
            resplite_tests::diff::sorted(&a.call(cmd).await),
            resplite_tests::diff::sorted(&b.call(cmd).await),
            "{cmd:?}"
        );
    }
    for (bits, len) in [("32", 8), ("5", 2), ("4096", 1024)] {
        let frame = a.call(&["ACL", "GENPASS", bits]).await;
        let BytesFrame::BulkString(pass) = frame else {
            panic!("{frame:?}")
        };
        assert_eq!(pass.len(), len, "{bits} bits");
        assert!(pass.iter().all(u8::is_ascii_hexdigit));
    }
    let BytesFrame::Error(e) = a.call(&["ACL", "SETUSER", "bob", "on"]).await else {
        panic!("SETUSER is refused")
    };
    assert!(e.contains("one user"), "{e}");

    // With a password: stored (and shown) as its SHA-256.
    let ours = Resplite::start_with(&["--requirepass", "s3cret"]);
    let redis = RedisServer::start_with(&["--requirepass", "s3cret"]);
    let mut a = RawClient::connect(ours.addr).await;
    let mut b = RawClient::connect(redis.addr).await;
    let script = "
        AUTH s3cret
        ACL LIST
        ACL GETUSER default
    ";
    resplite_tests::diff::assert_same_replies(&mut a, &mut b, script).await;
}

/// CLIENT PAUSE holds clients' writes (WRITE) or every command (ALL) until
/// its time ends or CLIENT UNPAUSE; reads go on under WRITE; arguments and
/// errors are Redis'.
#[tokio::test]
async fn client_pause_holds_writes_or_everything_until_it_ends() {
    let ours = Resplite::start();
    let redis = RedisServer::start().await;
    let mut a = RawClient::connect(ours.addr).await;
    let mut b = RawClient::connect(redis.addr).await;
    let script = "
        CLIENT PAUSE
        CLIENT PAUSE x
        CLIENT PAUSE -1
        CLIENT PAUSE 10 FOO
        CLIENT PAUSE x FOO
        CLIENT PAUSE 10 WRITE x
        CLIENT UNPAUSE x
        CLIENT UNPAUSE
        CLIENT PAUSE 0 WRITE
        CLIENT UNPAUSE
        EVAL_RO return\x20redis.call('publish','ch','msg') 0
        EVAL_RO return\x20redis.call('pfcount','h') 0
        EVAL return\x20redis.call('publish','ch','msg') 0
    ";
    resplite_tests::diff::assert_same_replies(&mut a, &mut b, script).await;

    // WRITE: the writer waits (counted blocked), a reader is served.
    let ok = BytesFrame::SimpleString("OK".into());
    assert_eq!(a.call(&["CLIENT", "PAUSE", "100000", "WRITE"]).await, ok);
    let mut writer = RawClient::connect(ours.addr).await;
    writer.send(&encode_command(&["SET", "k", "v"])).await;
    wait_blocked(ours.addr, 1).await;
    assert_eq!(a.call(&["GET", "k"]).await, BytesFrame::Null);
    assert_eq!(a.call(&["CLIENT", "UNPAUSE"]).await, ok);
    assert_eq!(writer.read().await.unwrap(), ok);
    assert_eq!(
        a.call(&["GET", "k"]).await,
        BytesFrame::BulkString("v".into())
    );
    wait_blocked(ours.addr, 0).await;

    // Scripts: held when they may write; not the _RO forms, nor a script or
    // function flagged no-writes.
    let library = "#!lua name=lib\nredis.register_function{function_name='ro', \
                   callback=function() return 'hi' end, flags={'no-writes'}}";
    a.call(&["FUNCTION", "LOAD", "REPLACE", library]).await;
    let ro_script = "#!lua flags=no-writes\nreturn 1";
    let sha = a.call(&["SCRIPT", "LOAD", ro_script]).await;
    let BytesFrame::BulkString(sha) = sha else {
        panic!("{sha:?}")
    };
    let sha = String::from_utf8(sha.to_vec()).unwrap();
    assert_eq!(a.call(&["CLIENT", "PAUSE", "100000", "WRITE"]).await, ok);
    for cmd in [
        &["EVAL", ro_script, "0"][..],
        &["EVALSHA", &sha, "0"],
        &["FCALL", "ro", "0"],
        &["EVAL_RO", "return 1", "0"],
    ] {
        assert!(
            !matches!(a.call(cmd).await, BytesFrame::Error(_)),
            "{cmd:?}"
        );
    }
    writer
        .send(&encode_command(&["EVAL", "return 3", "0"]))
        .await;
    wait_blocked(ours.addr, 1).await;
    assert_eq!(a.call(&["CLIENT", "UNPAUSE"]).await, ok);
    assert_eq!(writer.read().await.unwrap(), BytesFrame::Integer(3));

    // ALL, 200 ms: even PING waits for the pause to end by itself.
    assert_eq!(a.call(&["CLIENT", "PAUSE", "200", "ALL"]).await, ok);
    let started = Instant::now();
    assert_eq!(
        writer.call(&["PING"]).await,
        BytesFrame::SimpleString("PONG".into())
    );
    assert!(started.elapsed() >= Duration::from_millis(150), "held");
}
