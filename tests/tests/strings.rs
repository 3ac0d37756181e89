//! String commands against the real binary with the `redis` crate: normal case,
//! missing key, wrong type, TTL interaction, binary safety, restart survival.

use redis::Value;
use resplite_tests::{q, q_err, seed_hash, Resplite, WRONGTYPE};

const BIN_KEY: &[u8] = b"bin\x00\xff\r\nkey";
const BIN_VAL: &[u8] = b"\x00\x01\xfe\xff\r\n value";

fn hash_server() -> Resplite {
    Resplite::start_seeded(|c| seed_hash(c, b"h"))
}

#[tokio::test]
async fn get_set_basics_binary_and_missing() {
    let server = hash_server();
    let mut c = server.client().await;
    assert_eq!(
        q::<Option<Vec<u8>>>(&mut c, &[b"GET", b"nope"])
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        q::<String>(&mut c, &[b"SET", BIN_KEY, BIN_VAL])
            .await
            .unwrap(),
        "OK"
    );
    assert_eq!(
        q::<Vec<u8>>(&mut c, &[b"GET", BIN_KEY]).await.unwrap(),
        BIN_VAL
    );
    assert_eq!(
        q::<String>(&mut c, &[b"SET", b"e", b""]).await.unwrap(),
        "OK"
    );
    assert_eq!(q::<Vec<u8>>(&mut c, &[b"GET", b"e"]).await.unwrap(), b"");
    assert_eq!(q_err(&mut c, &[b"GET", b"h"]).await, WRONGTYPE);
    // SET replaces a key of any type.
    assert_eq!(
        q::<String>(&mut c, &[b"SET", b"h", b"now-a-string"])
            .await
            .unwrap(),
        "OK"
    );
    assert_eq!(
        q::<String>(&mut c, &[b"TYPE", b"h"]).await.unwrap(),
        "string"
    );
    assert_eq!(
        q_err(&mut c, &[b"GET"]).await,
        "ERR wrong number of arguments for 'get' command"
    );
}

#[tokio::test]
async fn set_options() {
    let server = hash_server();
    let mut c = server.client().await;
    assert_eq!(
        q::<Option<String>>(&mut c, &[b"SET", b"k", b"1", b"XX"])
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        q::<Option<String>>(&mut c, &[b"SET", b"k", b"1", b"NX"])
            .await
            .unwrap(),
        Some("OK".into())
    );
    assert_eq!(
        q::<Option<String>>(&mut c, &[b"SET", b"k", b"2", b"NX"])
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        q::<Option<String>>(&mut c, &[b"SET", b"k", b"3", b"XX", b"GET"])
            .await
            .unwrap(),
        Some("1".into())
    );
    assert_eq!(
        q::<Option<String>>(&mut c, &[b"SET", b"new", b"v", b"GET"])
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        q_err(&mut c, &[b"SET", b"h", b"v", b"GET"]).await,
        WRONGTYPE
    );
    assert_eq!(
        q::<String>(&mut c, &[b"TYPE", b"h"]).await.unwrap(),
        "hash",
        "failed SET GET must not write"
    );
    for bad in [
        &[&b"SET"[..], b"k", b"v", b"NX", b"XX"][..],
        &[b"SET", b"k", b"v", b"EX", b"10", b"PX", b"100"],
        &[b"SET", b"k", b"v", b"KEEPTTL", b"EX", b"10"],
        &[b"SET", b"k", b"v", b"BOGUS"],
        &[b"SET", b"k", b"v", b"EX"],
    ] {
        assert_eq!(q_err(&mut c, bad).await, "ERR syntax error", "{bad:?}");
    }
    assert_eq!(
        q_err(&mut c, &[b"SET", b"k", b"v", b"EX", b"0"]).await,
        "ERR invalid expire time in 'set' command"
    );
    assert_eq!(
        q_err(&mut c, &[b"SET", b"k", b"v", b"EX", b"x"]).await,
        "ERR value is not an integer or out of range"
    );
}

#[tokio::test]
async fn set_ttl_interaction() {
    let server = Resplite::start();
    let mut c = server.client().await;
    let _: () = q(&mut c, &[b"SET", b"k", b"v", b"EX", b"100"])
        .await
        .unwrap();
    let ttl: i64 = q(&mut c, &[b"TTL", b"k"]).await.unwrap();
    assert!((99..=100).contains(&ttl), "{ttl}");
    let _: () = q(&mut c, &[b"SET", b"k", b"v2", b"KEEPTTL"]).await.unwrap();
    assert!(q::<i64>(&mut c, &[b"PTTL", b"k"]).await.unwrap() > 90_000);
    // INCR, APPEND, SETRANGE keep the TTL; plain SET clears it.
    let _: () = q(&mut c, &[b"SET", b"n", b"1", b"PX", b"100000"])
        .await
        .unwrap();
    let _: i64 = q(&mut c, &[b"INCR", b"n"]).await.unwrap();
    let _: i64 = q(&mut c, &[b"APPEND", b"n", b"0"]).await.unwrap();
    let _: i64 = q(&mut c, &[b"SETRANGE", b"n", b"0", b"3"]).await.unwrap();
    assert!(q::<i64>(&mut c, &[b"PTTL", b"n"]).await.unwrap() > 90_000);
    assert_eq!(q::<String>(&mut c, &[b"GET", b"n"]).await.unwrap(), "30");
    let _: () = q(&mut c, &[b"SET", b"k", b"v3"]).await.unwrap();
    assert_eq!(q::<i64>(&mut c, &[b"TTL", b"k"]).await.unwrap(), -1);
    // A deadline already in the past: the key is gone at once.
    let _: () = q(&mut c, &[b"SET", b"old", b"v", b"PXAT", b"1"])
        .await
        .unwrap();
    assert_eq!(
        q::<Option<String>>(&mut c, &[b"GET", b"old"])
            .await
            .unwrap(),
        None
    );
    assert_eq!(q::<i64>(&mut c, &[b"EXISTS", b"old"]).await.unwrap(), 0);
    // SETEX / PSETEX
    let _: () = q(&mut c, &[b"SETEX", b"s", b"50", b"v"]).await.unwrap();
    assert!((49..=50).contains(&q::<i64>(&mut c, &[b"TTL", b"s"]).await.unwrap()));
    let _: () = q(&mut c, &[b"PSETEX", b"p", b"50000", b"v"]).await.unwrap();
    assert!(q::<i64>(&mut c, &[b"PTTL", b"p"]).await.unwrap() > 40_000);
    assert_eq!(
        q_err(&mut c, &[b"SETEX", b"s", b"-1", b"v"]).await,
        "ERR invalid expire time in 'setex' command"
    );
}

#[tokio::test]
async fn setnx_getset_getdel_getex() {
    let server = hash_server();
    let mut c = server.client().await;
    assert_eq!(
        q::<i64>(&mut c, &[b"SETNX", BIN_KEY, b"a"]).await.unwrap(),
        1
    );
    assert_eq!(
        q::<i64>(&mut c, &[b"SETNX", BIN_KEY, b"b"]).await.unwrap(),
        0
    );
    assert_eq!(
        q::<String>(&mut c, &[b"GETSET", BIN_KEY, b"c"])
            .await
            .unwrap(),
        "a"
    );
    assert_eq!(
        q::<Option<String>>(&mut c, &[b"GETSET", b"none", b"c"])
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        q::<String>(&mut c, &[b"GETDEL", BIN_KEY]).await.unwrap(),
        "c"
    );
    assert_eq!(
        q::<Option<String>>(&mut c, &[b"GETDEL", BIN_KEY])
            .await
            .unwrap(),
        None
    );
    assert_eq!(q_err(&mut c, &[b"GETDEL", b"h"]).await, WRONGTYPE);
    assert_eq!(q_err(&mut c, &[b"GETSET", b"h", b"x"]).await, WRONGTYPE);
    let _: () = q(&mut c, &[b"SET", b"g", b"v"]).await.unwrap();
    assert_eq!(
        q::<String>(&mut c, &[b"GETEX", b"g", b"EX", b"100"])
            .await
            .unwrap(),
        "v"
    );
    assert!(q::<i64>(&mut c, &[b"TTL", b"g"]).await.unwrap() > 90);
    assert_eq!(
        q::<String>(&mut c, &[b"GETEX", b"g", b"PERSIST"])
            .await
            .unwrap(),
        "v"
    );
    assert_eq!(q::<i64>(&mut c, &[b"TTL", b"g"]).await.unwrap(), -1);
    assert_eq!(
        q::<Option<String>>(&mut c, &[b"GETEX", b"missing", b"EX", b"5"])
            .await
            .unwrap(),
        None
    );
    assert_eq!(q_err(&mut c, &[b"GETEX", b"h"]).await, WRONGTYPE);
    assert_eq!(
        q_err(&mut c, &[b"GETEX", b"g", b"EX", b"1", b"PERSIST"]).await,
        "ERR syntax error"
    );
}

#[tokio::test]
async fn mget_mset_msetnx() {
    let server = hash_server();
    let mut c = server.client().await;
    let _: () = q(&mut c, &[b"MSET", b"a", b"1", BIN_KEY, BIN_VAL])
        .await
        .unwrap();
    let got: Vec<Option<Vec<u8>>> = q(&mut c, &[b"MGET", b"a", BIN_KEY, b"missing", b"h"])
        .await
        .unwrap();
    assert_eq!(
        got,
        vec![Some(b"1".to_vec()), Some(BIN_VAL.to_vec()), None, None]
    );
    assert_eq!(
        q_err(&mut c, &[b"MSET", b"a", b"1", b"b"]).await,
        "ERR wrong number of arguments for 'mset' command"
    );
    assert_eq!(
        q::<i64>(&mut c, &[b"MSETNX", b"x", b"1", b"a", b"2"])
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        q::<Option<String>>(&mut c, &[b"GET", b"x"]).await.unwrap(),
        None,
        "all or nothing"
    );
    assert_eq!(
        q::<i64>(&mut c, &[b"MSETNX", b"x", b"1", b"y", b"2"])
            .await
            .unwrap(),
        1
    );
    assert_eq!(q::<String>(&mut c, &[b"GET", b"y"]).await.unwrap(), "2");
}

#[tokio::test]
async fn append_strlen_ranges() {
    let server = hash_server();
    let mut c = server.client().await;
    assert_eq!(
        q::<i64>(&mut c, &[b"APPEND", b"s", b"Hello"])
            .await
            .unwrap(),
        5
    );
    assert_eq!(
        q::<i64>(&mut c, &[b"APPEND", b"s", b" World"])
            .await
            .unwrap(),
        11
    );
    assert_eq!(q::<i64>(&mut c, &[b"STRLEN", b"s"]).await.unwrap(), 11);
    assert_eq!(q::<i64>(&mut c, &[b"STRLEN", b"missing"]).await.unwrap(), 0);
    for (start, end, want) in [
        ("0", "4", "Hello"),
        ("-5", "-1", "World"),
        ("0", "-1", "Hello World"),
        ("5", "2", ""),
        ("-1", "-5", ""),
        ("0", "100", "Hello World"),
        ("-100", "2", "Hel"),
    ] {
        let got: String = q(
            &mut c,
            &[b"GETRANGE", b"s", start.as_bytes(), end.as_bytes()],
        )
        .await
        .unwrap();
        assert_eq!(got, want, "GETRANGE {start} {end}");
    }
    assert_eq!(
        q::<String>(&mut c, &[b"GETRANGE", b"missing", b"0", b"-1"])
            .await
            .unwrap(),
        ""
    );
    assert_eq!(
        q::<i64>(&mut c, &[b"SETRANGE", b"s", b"6", b"Redis"])
            .await
            .unwrap(),
        11
    );
    assert_eq!(
        q::<String>(&mut c, &[b"GET", b"s"]).await.unwrap(),
        "Hello Redis"
    );
    assert_eq!(
        q::<i64>(&mut c, &[b"SETRANGE", b"pad", b"3", b"x"])
            .await
            .unwrap(),
        4
    );
    assert_eq!(
        q::<Vec<u8>>(&mut c, &[b"GET", b"pad"]).await.unwrap(),
        b"\x00\x00\x00x"
    );
    assert_eq!(
        q::<i64>(&mut c, &[b"SETRANGE", b"none", b"5", b""])
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        q::<i64>(&mut c, &[b"EXISTS", b"none"]).await.unwrap(),
        0,
        "empty SETRANGE creates nothing"
    );
    assert_eq!(
        q_err(&mut c, &[b"SETRANGE", b"s", b"-1", b"x"]).await,
        "ERR offset is out of range"
    );
    assert_eq!(
        q_err(&mut c, &[b"SETRANGE", b"s", b"536870912", b"x"]).await,
        "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
    );
    for cmd in [
        &[&b"APPEND"[..], b"h", b"x"][..],
        &[b"STRLEN", b"h"],
        &[b"GETRANGE", b"h", b"0", b"1"],
        &[b"SETRANGE", b"h", b"0", b"x"],
    ] {
        assert_eq!(q_err(&mut c, cmd).await, WRONGTYPE);
    }
}

#[tokio::test]
async fn counters() {
    let server = hash_server();
    let mut c = server.client().await;
    assert_eq!(q::<i64>(&mut c, &[b"INCR", b"n"]).await.unwrap(), 1);
    assert_eq!(
        q::<i64>(&mut c, &[b"INCRBY", b"n", b"41"]).await.unwrap(),
        42
    );
    assert_eq!(q::<i64>(&mut c, &[b"DECR", b"n"]).await.unwrap(), 41);
    assert_eq!(
        q::<i64>(&mut c, &[b"DECRBY", b"n", b"-9"]).await.unwrap(),
        50
    );
    let _: () = q(&mut c, &[b"SET", b"max", b"9223372036854775807"])
        .await
        .unwrap();
    assert_eq!(
        q_err(&mut c, &[b"INCR", b"max"]).await,
        "ERR increment or decrement would overflow"
    );
    assert_eq!(
        q::<String>(&mut c, &[b"GET", b"max"]).await.unwrap(),
        "9223372036854775807"
    );
    let _: () = q(&mut c, &[b"SET", b"text", b"abc"]).await.unwrap();
    assert_eq!(
        q_err(&mut c, &[b"INCR", b"text"]).await,
        "ERR value is not an integer or out of range"
    );
    let _: () = q(&mut c, &[b"SET", b"sp", b" 1"]).await.unwrap();
    assert_eq!(
        q_err(&mut c, &[b"INCR", b"sp"]).await,
        "ERR value is not an integer or out of range"
    );
    assert_eq!(q_err(&mut c, &[b"INCR", b"h"]).await, WRONGTYPE);
    assert_eq!(
        q_err(&mut c, &[b"INCRBY", b"n", b"1.5"]).await,
        "ERR value is not an integer or out of range"
    );
    let _: () = q(&mut c, &[b"SET", b"f", b"10.50"]).await.unwrap();
    assert_eq!(
        q::<String>(&mut c, &[b"INCRBYFLOAT", b"f", b"0.1"])
            .await
            .unwrap(),
        "10.6"
    );
    assert_eq!(
        q::<String>(&mut c, &[b"INCRBYFLOAT", b"f", b"-5"])
            .await
            .unwrap(),
        "5.6"
    );
    let _: () = q(&mut c, &[b"SET", b"f", b"5.0e3"]).await.unwrap();
    assert_eq!(
        q::<String>(&mut c, &[b"INCRBYFLOAT", b"f", b"2.0e2"])
            .await
            .unwrap(),
        "5200"
    );
    assert_eq!(
        q_err(&mut c, &[b"INCRBYFLOAT", b"text", b"1"]).await,
        "ERR value is not a valid float"
    );
    assert_eq!(
        q_err(&mut c, &[b"INCRBYFLOAT", b"f", b"inf"]).await,
        "ERR increment would produce NaN or Infinity"
    );
    assert_eq!(
        q_err(&mut c, &[b"INCRBYFLOAT", b"h", b"1"]).await,
        WRONGTYPE
    );
}

#[tokio::test]
async fn data_and_ttls_survive_restart_and_expire_while_down() {
    let mut server = Resplite::start();
    {
        let mut c = server.client().await;
        let _: () = q(&mut c, &[b"SET", BIN_KEY, BIN_VAL]).await.unwrap();
        let _: () = q(&mut c, &[b"SET", b"ttl", b"v", b"EX", b"1000"])
            .await
            .unwrap();
        let _: () = q(&mut c, &[b"SET", b"short", b"v", b"PX", b"300"])
            .await
            .unwrap();
        let _: i64 = q(&mut c, &[b"INCRBY", b"n", b"7"]).await.unwrap();
    }
    server.stop();
    // Let "short" expire while the server is down (a real wait: the clock is the point).
    std::thread::sleep(std::time::Duration::from_millis(400));
    server.start_again();
    let mut c = server.client().await;
    assert_eq!(
        q::<Vec<u8>>(&mut c, &[b"GET", BIN_KEY]).await.unwrap(),
        BIN_VAL
    );
    assert_eq!(q::<i64>(&mut c, &[b"GET", b"n"]).await.unwrap(), 7);
    let ttl: i64 = q(&mut c, &[b"TTL", b"ttl"]).await.unwrap();
    assert!((990..=1000).contains(&ttl), "{ttl}");
    assert_eq!(
        q::<Option<String>>(&mut c, &[b"GET", b"short"])
            .await
            .unwrap(),
        None
    );
    assert_eq!(q::<i64>(&mut c, &[b"TTL", b"short"]).await.unwrap(), -2);
    let keys: Vec<Vec<u8>> = q(&mut c, &[b"KEYS", b"*"]).await.unwrap();
    assert_eq!(keys.len(), 3, "expired key must not be listed");
    let v: Value = q(&mut c, &[b"EXISTS", b"short"]).await.unwrap();
    assert_eq!(v, Value::Int(0));
}
