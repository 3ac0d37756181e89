//! Keyspace and TTL commands, plus the connection/server basics, against the
//! real binary with the `redis` crate.

use std::collections::HashSet;

use resplite_tests::{q, q_err, seed_hash, Resplite};

fn hash_server() -> Resplite {
    Resplite::start_seeded(|c| seed_hash(c, b"h"))
}

#[tokio::test]
async fn del_unlink_exists_type() {
    let server = hash_server();
    let mut c = server.client().await;
    let _: () = q(&mut c, &[b"MSET", b"a", b"1", b"b\x00", b"2", b"c", b"3"])
        .await
        .unwrap();
    assert_eq!(
        q::<i64>(&mut c, &[b"EXISTS", b"a", b"a", b"b\x00", b"zz", b"h"])
            .await
            .unwrap(),
        4
    );
    assert_eq!(
        q::<String>(&mut c, &[b"TYPE", b"a"]).await.unwrap(),
        "string"
    );
    assert_eq!(q::<String>(&mut c, &[b"TYPE", b"h"]).await.unwrap(), "hash");
    assert_eq!(
        q::<String>(&mut c, &[b"TYPE", b"zz"]).await.unwrap(),
        "none"
    );
    assert_eq!(
        q::<i64>(&mut c, &[b"DEL", b"a", b"zz", b"a", b"h"])
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        q::<i64>(&mut c, &[b"UNLINK", b"b\x00", b"c"])
            .await
            .unwrap(),
        2
    );
    assert_eq!(q::<i64>(&mut c, &[b"DBSIZE"]).await.unwrap(), 0);
    assert_eq!(
        q_err(&mut c, &[b"DEL"]).await,
        "ERR wrong number of arguments for 'del' command"
    );
}

#[tokio::test]
async fn expire_family_and_ttl_reports() {
    let server = hash_server();
    let mut c = server.client().await;
    let _: () = q(&mut c, &[b"SET", b"k", b"v"]).await.unwrap();
    assert_eq!(q::<i64>(&mut c, &[b"TTL", b"missing"]).await.unwrap(), -2);
    assert_eq!(q::<i64>(&mut c, &[b"PTTL", b"k"]).await.unwrap(), -1);
    assert_eq!(q::<i64>(&mut c, &[b"EXPIRETIME", b"k"]).await.unwrap(), -1);
    assert_eq!(
        q::<i64>(&mut c, &[b"EXPIRE", b"missing", b"10"])
            .await
            .unwrap(),
        0
    );
    // NX / XX / GT / LT: a persistent key counts as an infinite TTL.
    assert_eq!(
        q::<i64>(&mut c, &[b"EXPIRE", b"k", b"100", b"XX"])
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        q::<i64>(&mut c, &[b"EXPIRE", b"k", b"100", b"GT"])
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        q::<i64>(&mut c, &[b"EXPIRE", b"k", b"100", b"NX"])
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        q::<i64>(&mut c, &[b"EXPIRE", b"k", b"200", b"NX"])
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        q::<i64>(&mut c, &[b"EXPIRE", b"k", b"50", b"GT"])
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        q::<i64>(&mut c, &[b"EXPIRE", b"k", b"200", b"GT"])
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        q::<i64>(&mut c, &[b"PEXPIRE", b"k", b"150000", b"LT"])
            .await
            .unwrap(),
        1
    );
    let pttl: i64 = q(&mut c, &[b"PTTL", b"k"]).await.unwrap();
    assert!((140_000..=150_000).contains(&pttl), "{pttl}");
    assert_eq!(
        q::<i64>(&mut c, &[b"EXPIREAT", b"k", b"4102444800"])
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        q::<i64>(&mut c, &[b"EXPIRETIME", b"k"]).await.unwrap(),
        4102444800
    );
    assert_eq!(
        q::<i64>(&mut c, &[b"PEXPIREAT", b"k", b"4102444800123"])
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        q::<i64>(&mut c, &[b"PEXPIRETIME", b"k"]).await.unwrap(),
        4102444800123
    );
    assert_eq!(q::<i64>(&mut c, &[b"PERSIST", b"k"]).await.unwrap(), 1);
    assert_eq!(q::<i64>(&mut c, &[b"PERSIST", b"k"]).await.unwrap(), 0);
    assert_eq!(q::<i64>(&mut c, &[b"TTL", b"k"]).await.unwrap(), -1);
    // TTL works on every type, and a past deadline deletes at once.
    assert_eq!(
        q::<i64>(&mut c, &[b"EXPIRE", b"h", b"100"]).await.unwrap(),
        1
    );
    assert!(q::<i64>(&mut c, &[b"TTL", b"h"]).await.unwrap() > 90);
    assert_eq!(
        q::<i64>(&mut c, &[b"EXPIRE", b"h", b"-1"]).await.unwrap(),
        1
    );
    assert_eq!(q::<i64>(&mut c, &[b"EXISTS", b"h"]).await.unwrap(), 0);
    // Option errors, as Redis words them.
    assert_eq!(
        q_err(&mut c, &[b"EXPIRE", b"k", b"10", b"NX", b"XX"]).await,
        "ERR NX and XX, GT or LT options at the same time are not compatible"
    );
    assert_eq!(
        q_err(&mut c, &[b"EXPIRE", b"k", b"10", b"GT", b"LT"]).await,
        "ERR GT and LT options at the same time are not compatible"
    );
    assert_eq!(
        q_err(&mut c, &[b"EXPIRE", b"k", b"10", b"FOO"]).await,
        "ERR Unsupported option FOO"
    );
    assert_eq!(
        q_err(&mut c, &[b"EXPIRE", b"k", b"9223372036854775807"]).await,
        "ERR invalid expire time in 'expire' command"
    );
}

#[tokio::test]
async fn keys_expire_lazily_and_by_the_sweeper() {
    let server = Resplite::start();
    let mut c = server.client().await;
    for i in 0..50 {
        let key = format!("tmp:{i}");
        let _: () = q(&mut c, &[b"SET", key.as_bytes(), b"v", b"PX", b"50"])
            .await
            .unwrap();
    }
    let _: () = q(&mut c, &[b"SET", b"keep", b"v"]).await.unwrap();
    // Nothing reads the keys: only the active sweeper can shrink DBSIZE (which,
    // as in Redis, counts expired keys not yet collected). Bounded wait.
    let mut size = 0;
    for _ in 0..200 {
        size = q::<i64>(&mut c, &[b"DBSIZE"]).await.unwrap();
        if size == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(size, 1, "the sweeper must collect expired keys");
}

#[tokio::test]
async fn rename_and_renamenx() {
    let server = hash_server();
    let mut c = server.client().await;
    let _: () = q(&mut c, &[b"SET", b"a", b"1", b"EX", b"100"])
        .await
        .unwrap();
    let _: () = q(&mut c, &[b"SET", b"b", b"2"]).await.unwrap();
    assert_eq!(
        q::<String>(&mut c, &[b"RENAME", b"a", b"b\xff"])
            .await
            .unwrap(),
        "OK"
    );
    assert_eq!(q::<String>(&mut c, &[b"GET", b"b\xff"]).await.unwrap(), "1");
    assert!(
        q::<i64>(&mut c, &[b"TTL", b"b\xff"]).await.unwrap() > 90,
        "TTL moves with the key"
    );
    assert_eq!(q::<i64>(&mut c, &[b"EXISTS", b"a"]).await.unwrap(), 0);
    assert_eq!(
        q_err(&mut c, &[b"RENAME", b"a", b"z"]).await,
        "ERR no such key"
    );
    // RENAME overwrites any type; the hash moves with its fields.
    assert_eq!(
        q::<String>(&mut c, &[b"RENAME", b"h", b"b"]).await.unwrap(),
        "OK"
    );
    assert_eq!(q::<String>(&mut c, &[b"TYPE", b"b"]).await.unwrap(), "hash");
    assert_eq!(
        q::<String>(&mut c, &[b"RENAME", b"b", b"b"]).await.unwrap(),
        "OK"
    );
    assert_eq!(
        q::<i64>(&mut c, &[b"RENAMENX", b"b", b"b\xff"])
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        q::<i64>(&mut c, &[b"RENAMENX", b"b", b"c"]).await.unwrap(),
        1
    );
    assert_eq!(q::<String>(&mut c, &[b"TYPE", b"c"]).await.unwrap(), "hash");
    assert_eq!(
        q_err(&mut c, &[b"RENAMENX", b"nope", b"x"]).await,
        "ERR no such key"
    );
}

#[tokio::test]
async fn keys_scan_randomkey() {
    let server = hash_server();
    let mut c = server.client().await;
    let mut all = HashSet::new();
    for i in 0..300 {
        let key = format!("user:{i}").into_bytes();
        let _: () = q(&mut c, &[b"SET", &key, b"v"]).await.unwrap();
        all.insert(key);
    }
    let _: () = q(&mut c, &[b"SET", b"other\x00", b"v"]).await.unwrap();
    let keys: Vec<Vec<u8>> = q(&mut c, &[b"KEYS", b"user:1?"]).await.unwrap();
    assert_eq!(keys.len(), 10);
    assert_eq!(
        q::<Vec<Vec<u8>>>(&mut c, &[b"KEYS", b"*"])
            .await
            .unwrap()
            .len(),
        302
    );
    assert_eq!(
        q::<Vec<Vec<u8>>>(&mut c, &[b"KEYS", b"other\x00"])
            .await
            .unwrap()
            .len(),
        1
    );

    // A full SCAN returns every key present throughout, even while keys come and go.
    let mut seen = HashSet::new();
    let mut cursor = "0".to_string();
    let mut round = 0;
    loop {
        let (next, batch): (String, Vec<Vec<u8>>) = q(
            &mut c,
            &[
                b"SCAN",
                cursor.as_bytes(),
                b"MATCH",
                b"user:*",
                b"COUNT",
                b"17",
            ],
        )
        .await
        .unwrap();
        seen.extend(batch);
        round += 1;
        let churn = format!("churn:{round}");
        let _: () = q(&mut c, &[b"SET", churn.as_bytes(), b"v"]).await.unwrap();
        let _: i64 = q(&mut c, &[b"DEL", format!("churn:{}", round - 1).as_bytes()])
            .await
            .unwrap();
        if next == "0" {
            break;
        }
        cursor = next;
    }
    assert_eq!(seen, all);
    let (_, hashes): (String, Vec<Vec<u8>>) = q(
        &mut c,
        &[b"SCAN", b"0", b"COUNT", b"1000", b"TYPE", b"hash"],
    )
    .await
    .unwrap();
    assert_eq!(hashes, vec![b"h".to_vec()]);
    assert_eq!(
        q_err(&mut c, &[b"SCAN", b"abc"]).await,
        "ERR invalid cursor"
    );
    assert_eq!(
        q_err(&mut c, &[b"SCAN", b"0", b"COUNT", b"0"]).await,
        "ERR syntax error"
    );

    let k: Vec<u8> = q(&mut c, &[b"RANDOMKEY"]).await.unwrap();
    assert!(q::<i64>(&mut c, &[b"EXISTS", &k]).await.unwrap() == 1);
    let _: () = q(&mut c, &[b"FLUSHDB"]).await.unwrap();
    assert_eq!(
        q::<Option<Vec<u8>>>(&mut c, &[b"RANDOMKEY"]).await.unwrap(),
        None
    );
}

#[tokio::test]
async fn object_and_connection_commands() {
    let server = hash_server();
    let mut c = server.client().await;
    let _: () = q(&mut c, &[b"MSET", b"i", b"123", b"s", b"hello"])
        .await
        .unwrap();
    assert_eq!(
        q::<String>(&mut c, &[b"OBJECT", b"ENCODING", b"i"])
            .await
            .unwrap(),
        "int"
    );
    assert_eq!(
        q::<String>(&mut c, &[b"OBJECT", b"ENCODING", b"s"])
            .await
            .unwrap(),
        "embstr"
    );
    assert_eq!(
        q::<String>(&mut c, &[b"OBJECT", b"ENCODING", b"h"])
            .await
            .unwrap(),
        "listpack",
        "one short field: Redis' small encoding"
    );
    assert!(
        q::<i64>(&mut c, &[b"OBJECT", b"IDLETIME", b"s"])
            .await
            .unwrap()
            <= 1
    );
    assert_eq!(
        q::<Option<i64>>(&mut c, &[b"OBJECT", b"IDLETIME", b"nope"])
            .await
            .unwrap(),
        None
    );
    assert_eq!(q::<String>(&mut c, &[b"PING"]).await.unwrap(), "PONG");
    assert_eq!(
        q::<Vec<u8>>(&mut c, &[b"PING", b"\x00x"]).await.unwrap(),
        b"\x00x"
    );
    assert_eq!(
        q::<Vec<u8>>(&mut c, &[b"ECHO", b"\xffy"]).await.unwrap(),
        b"\xffy"
    );
    assert_eq!(q::<String>(&mut c, &[b"SELECT", b"0"]).await.unwrap(), "OK");
    assert_eq!(
        q_err(&mut c, &[b"SELECT", b"16"]).await,
        "ERR DB index is out of range"
    );
    assert_eq!(
        q_err(&mut c, &[b"PING", b"a", b"b"]).await,
        "ERR wrong number of arguments for 'ping' command"
    );
    assert_eq!(
        q_err(&mut c, &[b"NOSUCH", b"a", b"b"]).await,
        "ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b' "
    );
    assert_eq!(q::<String>(&mut c, &[b"FLUSHALL"]).await.unwrap(), "OK");
    assert_eq!(q::<i64>(&mut c, &[b"DBSIZE"]).await.unwrap(), 0);
    // QUIT answers OK and closes.
    let mut raw = server.raw().await;
    assert_eq!(
        raw.call(&["QUIT"]).await,
        redis_protocol::resp2::types::BytesFrame::SimpleString("OK".into())
    );
    assert!(raw.read().await.is_none(), "connection closed after QUIT");
}

#[tokio::test]
async fn command_introspection_comes_from_the_specs() {
    let server = Resplite::start();
    let mut c = server.client().await;
    let count: i64 = q(&mut c, &[b"COMMAND", b"COUNT"]).await.unwrap();
    let list: Vec<String> = q(&mut c, &[b"COMMAND", b"LIST"]).await.unwrap();
    // COUNT counts commands; LIST also names their subcommands (`client|list`).
    let commands = list.iter().filter(|n| !n.contains('|')).count();
    assert_eq!(count as usize, commands);
    assert!(list.contains(&"client|list".to_string()));
    assert!(list.contains(&"set".to_string()) && list.contains(&"scan".to_string()));
    let info: redis::Value = q(&mut c, &[b"COMMAND", b"INFO", b"get", b"nosuch"])
        .await
        .unwrap();
    let redis::Value::Array(entries) = info else {
        panic!("array expected")
    };
    let redis::Value::Array(get) = &entries[0] else {
        panic!("entry expected")
    };
    assert_eq!(get[0], redis::Value::BulkString(b"get".to_vec()));
    assert_eq!(get[1], redis::Value::Int(2));
    assert_eq!(
        (&get[3], &get[4], &get[5]),
        (
            &redis::Value::Int(1),
            &redis::Value::Int(1),
            &redis::Value::Int(1)
        )
    );
    assert_eq!(entries[1], redis::Value::Nil);
    let all: Vec<redis::Value> = q(&mut c, &[b"COMMAND"]).await.unwrap();
    assert_eq!(all.len() as i64, count);
    let docs: redis::Value = q(&mut c, &[b"COMMAND", b"DOCS", b"set"]).await.unwrap();
    assert!(format!("{docs:?}").contains("Sets the string value"));
}
