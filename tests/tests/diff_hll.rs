//! HyperLogLog against redis-server: random PFADD/PFCOUNT/PFMERGE streams
//! with the values compared byte for byte (GET), so an HLL moves between
//! the two unchanged; then corrupt values, errors, TTL, RESP3 and restart.

use redis_protocol::resp2::types::BytesFrame as Frame;
use resplite_tests::diff::{agree, assert_random_streams, Check, Cmd, Pair, Rng, Stream};
use resplite_tests::{q, RawClient, RedisServer, Resplite};

const KEYS: &[&[u8]] = &[b"h1", b"h2", b"h\x00\xff", b"nokey"];

fn command(rng: &mut Rng) -> Cmd {
    let key = rng.pick(KEYS).to_vec();
    match rng.below(10) {
        0..=4 => {
            let mut cmd = vec![b"PFADD".to_vec(), key];
            // Mostly a few elements; now and then thousands (dense).
            let n = if rng.chance(5) { 2000 } else { rng.below(8) };
            let base = rng.below(100_000);
            for i in 0..n {
                cmd.push(format!("e{}", base + i).into_bytes());
            }
            cmd
        }
        5 | 6 => {
            let mut cmd = vec![b"PFCOUNT".to_vec(), key];
            for _ in 0..rng.below(3) {
                cmd.push(rng.pick(KEYS).to_vec());
            }
            cmd
        }
        7 => {
            let mut cmd = vec![b"PFMERGE".to_vec(), key];
            for _ in 0..rng.below(3) {
                cmd.push(rng.pick(KEYS).to_vec());
            }
            cmd
        }
        8 => vec![
            b"PFDEBUG".to_vec(),
            rng.pick(&[&b"ENCODING"[..], b"decode", b"TODENSE"])
                .to_vec(),
            key,
        ],
        _ => vec![b"GET".to_vec(), key],
    }
}

/// One seed's stream: it first sets `hll-sparse-max-bytes` (each seed its
/// own, so promotion to dense happens at other sizes).
struct Gen {
    rng: Rng,
    sparse_max: Option<&'static str>,
}

impl Stream for Gen {
    type Check = Check;

    fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }

    fn command(&mut self) -> (Cmd, Check) {
        if let Some(max) = self.sparse_max.take() {
            let set = ["CONFIG", "SET", "hll-sparse-max-bytes", max];
            return (set.map(|a| a.as_bytes().to_vec()).to_vec(), Check::Exact);
        }
        (command(&mut self.rng), Check::Exact)
    }

    fn agree(check: Check, redis: &Frame, ours: &Frame) -> bool {
        agree(check, redis, ours)
    }

    async fn compare_state(pair: &mut Pair) -> Result<(), String> {
        for key in KEYS {
            pair.one(&[b"GET", key], Check::Exact).await?;
        }
        Ok(())
    }
}

#[tokio::test]
async fn random_hll_streams_match_redis_byte_for_byte() {
    assert_random_streams(
        &["--databases", "1"],
        &[1, 2, 3, 4],
        500,
        |_| 6,
        |seed| Gen {
            rng: Rng::new(seed),
            sparse_max: Some(["3000", "200", "0", "10000"][(seed as usize - 1) % 4]),
        },
    )
    .await;
}

#[tokio::test]
async fn hll_errors_and_corrupt_values_match_redis() {
    let redis = RedisServer::start_with(&["--databases", "1"]);
    let ours = Resplite::start();
    let mut a = RawClient::connect(ours.addr).await;
    let mut b = RawClient::connect(redis.addr).await;
    // A sparse HLL whose XZERO opcode claims more registers than exist.
    let mut corrupt = b"HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x80".to_vec();
    corrupt.extend_from_slice(&[0x7f, 0xff, 0x7f, 0xff]);
    let mut short_dense = b"HYLL\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00".to_vec();
    short_dense.extend_from_slice(&[0; 100]);
    for (key, value) in [(&b"bad"[..], &corrupt), (b"short", &short_dense)] {
        let cmd = [&b"SET"[..], key, value];
        assert_eq!(a.call(&cmd).await, b.call(&cmd).await);
    }
    let script: &[&[&str]] = &[
        &["PFADD", "h"],
        &["PFADD", "h"],
        &["GET", "h"],
        &["PFCOUNT", "nokey"],
        &["PFCOUNT", "nokey", "nokey2"],
        &["SET", "str", "not an hll"],
        &["PFADD", "str", "a"],
        &["PFCOUNT", "str"],
        &["PFCOUNT", "h", "str"],
        &["PFMERGE", "h", "str"],
        &["PFMERGE", "str"],
        &["RPUSH", "l", "x"],
        &["PFADD", "l", "a"],
        &["PFCOUNT", "h", "l"],
        &["PFMERGE", "l", "h"],
        &["PFADD", "bad", "a", "b"],
        &["PFCOUNT", "bad"],
        &["PFCOUNT", "h", "bad"],
        &["PFMERGE", "h", "bad"],
        &["PFDEBUG", "DECODE", "bad"],
        &["PFDEBUG", "GETREG", "bad"],
        &["PFADD", "short", "a"],
        &["PFCOUNT", "short"],
        &["PFDEBUG", "ENCODING", "nokey"],
        &["PFDEBUG", "ENCODING", "l"],
        &["PFDEBUG", "ENCODING", "str"],
        &["PFDEBUG", "NOPE", "h"],
        &["PFDEBUG", "NOPE", "nokey"],
        &["PFDEBUG", "ENCODING", "h"],
        &["PFDEBUG", "DECODE", "h"],
        &["PFDEBUG", "TODENSE", "h"],
        &["PFDEBUG", "TODENSE", "h"],
        &["PFDEBUG", "DECODE", "h"],
        &["PFDEBUG", "ENCODING", "h"],
        &["PFADD", "h", "x", "y", "z"],
        &["PFCOUNT", "h"],
        &["PFMERGE", "new", "h", "nokey"],
        &["PFCOUNT", "new"],
        &["PFMERGE", "empty"],
        &["GET", "empty"],
        &["PFDEBUG", "ENCODING", "empty"],
        &["PFSELFTEST", "x"],
    ];
    for cmd in script {
        assert_eq!(a.call(cmd).await, b.call(cmd).await, "{cmd:?}");
    }
}

/// PFADD and PFMERGE keep a deadline (Redis edits the string in place);
/// PFCOUNT's cache refresh is stored; everything survives a restart; the
/// replies are integers under RESP3 too. (PFSELFTEST adds ten million
/// elements: too slow for a debug build; the suite's hyperloglog unit runs it.)
#[tokio::test]
async fn hll_keeps_ttl_and_survives_restart() {
    let mut ours = Resplite::start();
    let mut c = ours.client().await;
    let key: &[u8] = b"hll\x00";
    let _: i64 = q(&mut c, &[b"PFADD", key, b"a", b"b", b"c"]).await.unwrap();
    let _: bool = q(&mut c, &[b"EXPIRE", key, b"1000"]).await.unwrap();
    let _: i64 = q(&mut c, &[b"PFADD", key, b"d"]).await.unwrap();
    let _: String = q(&mut c, &[b"PFMERGE", key, b"nokey"]).await.unwrap();
    let n: i64 = q(&mut c, &[b"PFCOUNT", key]).await.unwrap();
    assert_eq!(n, 4);
    let ttl: i64 = q(&mut c, &[b"TTL", key]).await.unwrap();
    assert!(ttl > 990, "ttl {ttl}");
    let before: Vec<u8> = q(&mut c, &[b"GET", key]).await.unwrap();
    // The cached cardinality (header bytes 8..16) was written back.
    assert_eq!(before[8..16], [4, 0, 0, 0, 0, 0, 0, 0]);
    drop(c);
    ours.restart();
    let mut c = ours.client().await;
    let _: redis::Value = q(&mut c, &[b"HELLO", b"3"]).await.unwrap();
    let after: Vec<u8> = q(&mut c, &[b"GET", key]).await.unwrap();
    assert_eq!(before, after);
    let n: i64 = q(&mut c, &[b"PFCOUNT", key, b"nokey"]).await.unwrap();
    assert_eq!(n, 4);
}
