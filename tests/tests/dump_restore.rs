//! DUMP and RESTORE against a real redis-server 7: payloads of every type and
//! encoding Redis writes restore in resplite, resplite's restore in Redis, with
//! equal values, TTLs, groups and pending lists; RESTORE's options and errors
//! answer as Redis'; a randomized round trip through both; restart survival.

use redis::Value;
use resplite_core::rdb;
use resplite_tests::diff::Rng;
use resplite_tests::values::{call, fixtures, pttl, read, run, Conn, KEYS};
use resplite_tests::{q, RedisServer, Resplite};

/// Copies `key` from one server to another with DUMP / RESTORE (TTL kept)
/// and checks both read the same; returns the payload.
async fn copy(from: &mut Conn, to: &mut Conn, key: &[u8], as_key: &[u8]) -> Vec<u8> {
    let payload: Vec<u8> = q(from, &[b"DUMP", key]).await.unwrap();
    let ttl = pttl(from, key).await.max(0).to_string();
    let reply = call(
        to,
        &[b"RESTORE", as_key, ttl.as_bytes(), &payload, b"REPLACE"],
    )
    .await;
    assert_eq!(reply, Value::Okay, "RESTORE of {}", key.escape_ascii());
    assert_eq!(
        read(from, key).await,
        read(to, as_key).await,
        "{} differs after the copy",
        key.escape_ascii()
    );
    let (a, b) = (pttl(from, key).await, pttl(to, as_key).await);
    assert_eq!(a < 0, b < 0, "TTL of {}", key.escape_ascii());
    assert!((a - b).abs() < 2000, "TTL {a} vs {b}");
    payload
}

#[tokio::test]
async fn every_type_travels_both_ways_and_survives_a_restart() {
    let redis = RedisServer::start().await;
    let mut server = Resplite::start();
    let mut r = resplite_tests::connect(&redis.url()).await;
    let mut s = server.client().await;
    run(&mut r, &fixtures()).await;
    for key in KEYS {
        // Redis -> resplite, then resplite -> Redis under another name.
        copy(&mut r, &mut s, key, key).await;
        let back = [b"back:", *key].concat();
        copy(&mut s, &mut r, key, &back).await;
        assert_eq!(read(&mut r, key).await, read(&mut r, &back).await);
    }
    let before: Vec<Vec<Value>> = {
        let mut all = Vec::new();
        for key in KEYS {
            all.push(read(&mut s, key).await);
        }
        all
    };
    server.restart();
    let mut s = server.client().await;
    for (key, expected) in KEYS.iter().zip(before) {
        assert_eq!(read(&mut s, key).await, expected, "{}", key.escape_ascii());
    }
    // A missing key dumps as nil on both.
    assert_eq!(call(&mut s, &[b"DUMP", b"nope"]).await, Value::Nil);
    assert_eq!(call(&mut r, &[b"DUMP", b"nope"]).await, Value::Nil);
}

#[tokio::test]
async fn restore_options_and_errors_match_redis() {
    let redis = RedisServer::start().await;
    let server = Resplite::start();
    let mut r = resplite_tests::connect(&redis.url()).await;
    let mut s = server.client().await;
    let payload: Vec<u8> = {
        let _: () = q(&mut r, &[b"SET", b"src", b"bar"]).await.unwrap();
        q(&mut r, &[b"DUMP", b"src"]).await.unwrap()
    };
    let mut corrupt = payload.clone();
    corrupt[2] ^= 0x55;
    // Valid footers around bodies Redis refuses: an empty list, a module
    // type, a truncated string, an unknown RDB version.
    let empty_list = rdb::seal(vec![1, 0]);
    let module = rdb::seal(vec![7, 0]);
    let truncated = rdb::seal(vec![0, 5, b'a']);
    let mut future = payload[..payload.len() - 10].to_vec();
    future.extend_from_slice(&12u16.to_le_bytes());
    let crc = crc::Crc::<u64>::new(&crc::CRC_64_REDIS).checksum(&future);
    future.extend_from_slice(&crc.to_le_bytes());
    let past = (resplite_core::util::now_ms() - 3000).to_string();
    let cases: Vec<Vec<&[u8]>> = vec![
        vec![b"RESTORE", b"k", b"0", &payload],
        vec![b"RESTORE", b"k", b"0", &payload],
        vec![b"RESTORE", b"k", b"0", &payload, b"REPLACE"],
        vec![b"RESTORE", b"k2", b"-1", &payload],
        vec![b"RESTORE", b"k2", b"abc", &payload],
        vec![b"RESTORE", b"k2", b"0", b"garbage"],
        vec![b"RESTORE", b"k2", b"0", &corrupt],
        vec![b"RESTORE", b"k2", b"0", &empty_list],
        vec![b"RESTORE", b"k2", b"0", &module],
        vec![b"RESTORE", b"k2", b"0", &truncated],
        vec![b"RESTORE", b"k2", b"0", &future],
        vec![b"RESTORE", b"k2", b"0", &payload, b"bogus"],
        vec![b"RESTORE", b"k2", b"0", &payload, b"IDLETIME", b"-1"],
        vec![b"RESTORE", b"k2", b"0", &payload, b"IDLETIME", b"x"],
        vec![b"RESTORE", b"k2", b"0", &payload, b"FREQ", b"256"],
        vec![
            b"RESTORE",
            b"k2",
            b"0",
            &payload,
            b"IDLETIME",
            b"5",
            b"FREQ",
            b"5",
        ],
        vec![
            b"RESTORE",
            b"k2",
            b"0",
            &payload,
            b"FREQ",
            b"5",
            b"IDLETIME",
            b"5",
        ],
        vec![b"RESTORE", b"k2", b"0", &payload, b"IDLETIME"],
        vec![b"EXISTS", b"k2"],
        vec![
            b"RESTORE",
            b"k",
            past.as_bytes(),
            &payload,
            b"ABSTTL",
            b"REPLACE",
        ],
        vec![b"EXISTS", b"k"],
        vec![b"RESTORE", b"k", past.as_bytes(), &payload, b"ABSTTL"],
        vec![b"EXISTS", b"k"],
        vec![b"RESTORE", b"k", b"0", &payload, b"IDLETIME", b"1000"],
        vec![b"GET", b"k"],
        vec![b"DUMP"],
        vec![b"RESTORE", b"k", b"0"],
    ];
    for case in &cases {
        let (a, b) = (call(&mut r, case).await, call(&mut s, case).await);
        let shown: Vec<String> = case
            .iter()
            .take(3)
            .map(|a| a.escape_ascii().to_string())
            .collect();
        assert_eq!(a, b, "{shown:?}");
    }
    let idle: i64 = q(&mut s, &[b"OBJECT", b"IDLETIME", b"k"]).await.unwrap();
    assert!((1000..1010).contains(&idle), "idle {idle}");
    let _: () = q(&mut s, &[b"RESTORE", b"t", b"5000", &payload])
        .await
        .unwrap();
    let ttl = pttl(&mut s, b"t").await;
    assert!((3000..=5000).contains(&ttl), "pttl {ttl}");
    let at = (resplite_core::util::now_ms() + 3000).to_string();
    let _: () = q(
        &mut s,
        &[b"RESTORE", b"a", at.as_bytes(), &payload, b"ABSTTL"],
    )
    .await
    .unwrap();
    let ttl = pttl(&mut s, b"a").await;
    assert!((2000..=3100).contains(&ttl), "pttl {ttl}");
}

/// Random values of every type, written in resplite, go to Redis and back.
#[tokio::test]
async fn randomized_round_trip() {
    let redis = RedisServer::start().await;
    let server = Resplite::start();
    let mut r = resplite_tests::connect(&redis.url()).await;
    let mut s = server.client().await;
    let mut rng = Rng::new(0xD0_0D);
    let element = |rng: &mut Rng| -> Vec<u8> {
        match rng.below(4) {
            0 => (rng.next_u64() as i64 >> rng.below(60))
                .to_string()
                .into_bytes(),
            1 => (0..rng.below(8)).map(|_| rng.below(256) as u8).collect(),
            2 => b"abc".repeat(rng.below(400)),
            _ => format!("e{}", rng.below(50)).into_bytes(),
        }
    };
    for round in 0..60 {
        let key = format!("k{round}").into_bytes();
        let n = [1, 3, 20, 200, 1000][rng.below(5)];
        let mut c: Vec<Vec<u8>> = Vec::new();
        match rng.below(6) {
            0 => c.extend([b"SET".to_vec(), key.clone(), element(&mut rng)]),
            1 => {
                c.extend([b"RPUSH".to_vec(), key.clone()]);
                c.extend((0..n).map(|_| element(&mut rng)));
            }
            2 => {
                c.extend([b"SADD".to_vec(), key.clone()]);
                c.extend((0..n).map(|_| element(&mut rng)));
            }
            3 => {
                c.extend([b"HSET".to_vec(), key.clone()]);
                for _ in 0..n {
                    c.extend([element(&mut rng), element(&mut rng)]);
                }
            }
            4 => {
                c.extend([b"ZADD".to_vec(), key.clone()]);
                for _ in 0..n {
                    let score = (rng.next_u64() as i64 % 10_000) as f64 / 8.0;
                    c.extend([score.to_string().into_bytes(), element(&mut rng)]);
                }
            }
            _ => {
                for i in 0..n {
                    let id = format!("{}-{}", i / 2 + 1, i % 2);
                    let mut x = vec![b"XADD".to_vec(), key.clone(), id.into_bytes()];
                    for _ in 0..1 + rng.below(3) {
                        x.extend([element(&mut rng), element(&mut rng)]);
                    }
                    run(&mut s, &[x]).await;
                }
                let g = [
                    b"XGROUP".to_vec(),
                    b"CREATE".to_vec(),
                    key.clone(),
                    b"g".to_vec(),
                    b"0".to_vec(),
                ];
                let count = rng.below(n + 1).max(1).to_string().into_bytes();
                let read = [
                    b"XREADGROUP".to_vec(),
                    b"GROUP".to_vec(),
                    b"g".to_vec(),
                    b"c".to_vec(),
                    b"COUNT".to_vec(),
                    count,
                    b"STREAMS".to_vec(),
                    key.clone(),
                    b">".to_vec(),
                ];
                run(&mut s, &[g.to_vec(), read.to_vec()]).await;
            }
        }
        if !c.is_empty() {
            run(&mut s, &[c]).await;
        }
        if rng.chance(30) {
            run(
                &mut s,
                &[vec![b"PEXPIRE".to_vec(), key.clone(), b"900000".to_vec()]],
            )
            .await;
        }
        copy(&mut s, &mut r, &key, &key).await;
        let back = [b"back:".as_slice(), &key].concat();
        copy(&mut r, &mut s, &key, &back).await;
        assert_eq!(read(&mut s, &key).await, read(&mut s, &back).await);
    }
}
