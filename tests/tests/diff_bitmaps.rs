//! Bitmaps (SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO)
//! and the byte-range string commands they share storage paths with
//! (GETRANGE, SETRANGE), against redis-server: seeded random command streams
//! with equal replies frame for frame, then the edge cases one by one.

use redis_protocol::resp2::types::BytesFrame;
use redis_protocol::resp2::types::BytesFrame as Frame;
use resplite_tests::diff::{
    agree, assert_random_streams, assert_same_replies, Check, Cmd, Pair, Rng, Stream,
};
use resplite_tests::{q, RawClient, RedisServer, Resplite};

const KEYS: &[&[u8]] = &[b"b1", b"b2", b"{b}\x00\xff", b"nokey", b"list"];
const OFFSETS: &[&[u8]] = &[
    b"0",
    b"1",
    b"7",
    b"8",
    b"9",
    b"15",
    b"63",
    b"64",
    b"100",
    b"1000",
    b"4095",
    b"-1",
    b"x",
    b"4294967296",
];
const RANGE: &[&[u8]] = &[
    b"0", b"1", b"2", b"-1", b"-2", b"-100", b"5", b"100", b"9", b"x",
];
const TYPES: &[&[u8]] = &[
    b"u1", b"u8", b"i8", b"u4", b"i5", b"u16", b"i16", b"i32", b"u63", b"i64", b"u64", b"i0",
    b"x8", b"i65",
];
const FIELD_OFFSETS: &[&[u8]] = &[b"0", b"3", b"8", b"13", b"#0", b"#1", b"#3", b"100", b"-1"];
const VALUES: &[&[u8]] = &[
    b"0",
    b"1",
    b"-1",
    b"100",
    b"127",
    b"128",
    b"255",
    b"256",
    b"-129",
    b"9223372036854775807",
    b"-9223372036854775808",
    b"x",
];

struct Gen {
    rng: Rng,
    /// The wrong-type key is written first, after each FLUSHALL.
    started: bool,
}

impl Gen {
    fn pick(&mut self, items: &[&[u8]]) -> Vec<u8> {
        self.rng.pick(items).to_vec()
    }

    fn key(&mut self) -> Vec<u8> {
        if self.rng.chance(85) {
            self.pick(&KEYS[..3])
        } else {
            self.pick(KEYS)
        }
    }

    fn unit(&mut self, cmd: &mut Cmd) {
        match self.rng.below(4) {
            0 => cmd.push(b"BIT".to_vec()),
            1 => cmd.push(b"byte".to_vec()),
            2 if self.rng.chance(10) => cmd.push(b"bits".to_vec()),
            _ => {}
        }
    }

    fn field(&mut self, cmd: &mut Cmd) {
        match self.rng.below(10) {
            0..=3 => {
                cmd.push(b"GET".to_vec());
                cmd.push(self.pick(TYPES));
                cmd.push(self.pick(FIELD_OFFSETS));
            }
            4..=6 => {
                cmd.push(b"INCRBY".to_vec());
                cmd.push(self.pick(TYPES));
                cmd.push(self.pick(FIELD_OFFSETS));
                cmd.push(self.pick(VALUES));
            }
            7 | 8 => {
                cmd.push(b"set".to_vec());
                cmd.push(self.pick(TYPES));
                cmd.push(self.pick(FIELD_OFFSETS));
                cmd.push(self.pick(VALUES));
            }
            _ => {
                cmd.push(b"OVERFLOW".to_vec());
                cmd.push(self.pick(&[b"WRAP", b"sat", b"FAIL", b"nope"]));
            }
        }
    }

    fn next_command(&mut self) -> Cmd {
        let key = self.key();
        let mut cmd: Cmd = match self.rng.below(12) {
            0 | 1 => vec![
                b"SETBIT".to_vec(),
                key,
                self.pick(OFFSETS),
                self.pick(&[b"1", b"1", b"0", b"2", b"x"]),
            ],
            2 => vec![b"GETBIT".to_vec(), key, self.pick(OFFSETS)],
            3 => {
                let mut cmd = vec![b"BITCOUNT".to_vec(), key];
                if self.rng.chance(70) {
                    cmd.push(self.pick(RANGE));
                    if self.rng.chance(90) {
                        cmd.push(self.pick(RANGE));
                        self.unit(&mut cmd);
                    }
                }
                cmd
            }
            4 | 5 => {
                let mut cmd = vec![b"BITPOS".to_vec(), key, self.pick(&[b"0", b"1", b"2"])];
                if self.rng.chance(70) {
                    cmd.push(self.pick(RANGE));
                    if self.rng.chance(70) {
                        cmd.push(self.pick(RANGE));
                        self.unit(&mut cmd);
                    }
                }
                cmd
            }
            6 => {
                let op = self.pick(&[b"AND", b"or", b"XOR", b"NOT", b"NAND"]);
                let mut cmd = vec![b"BITOP".to_vec(), op, self.key()];
                for _ in 0..1 + self.rng.below(3) {
                    cmd.push(self.key());
                }
                cmd
            }
            7 | 8 => {
                let mut cmd = vec![b"BITFIELD".to_vec(), key];
                for _ in 0..self.rng.below(4) {
                    self.field(&mut cmd);
                }
                cmd
            }
            9 => {
                let mut cmd = vec![b"BITFIELD_RO".to_vec(), key];
                for _ in 0..self.rng.below(3) {
                    self.field(&mut cmd);
                }
                cmd
            }
            10 => vec![
                b"SETRANGE".to_vec(),
                key,
                self.pick(&[b"0", b"1", b"5", b"20", b"-1"]),
                self.pick(&[b"", b"\x00\xff", b"abc", b"\xf0"]),
            ],
            _ => vec![
                b"GETRANGE".to_vec(),
                key,
                self.pick(RANGE),
                self.pick(RANGE),
            ],
        };
        if self.rng.chance(3) {
            cmd.push(b"extra".to_vec());
        }
        cmd
    }
}

impl Stream for Gen {
    type Check = Check;

    fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }

    fn command(&mut self) -> (Cmd, Check) {
        if !std::mem::replace(&mut self.started, true) {
            let setup = [&b"RPUSH"[..], b"list", b"x"];
            return (setup.map(<[u8]>::to_vec).to_vec(), Check::Exact);
        }
        (self.next_command(), Check::Exact)
    }

    fn agree(check: Check, redis: &Frame, ours: &Frame) -> bool {
        agree(check, redis, ours)
    }

    async fn compare_state(pair: &mut Pair) -> Result<(), String> {
        pair.one(&[b"DBSIZE"], Check::Exact).await?;
        for key in KEYS {
            pair.one(&[b"GET", key], Check::Exact).await?;
            pair.one(&[b"STRLEN", key], Check::Exact).await?;
        }
        Ok(())
    }
}

#[tokio::test]
async fn random_bitmap_streams_match_redis() {
    assert_random_streams(
        &["--databases", "1"],
        &[1, 2, 3, 0xB17, 99],
        1500,
        |_| 12,
        |seed| Gen {
            rng: Rng::new(seed),
            started: false,
        },
    )
    .await;
}

/// Fixed edge cases: errors and their order, missing keys, wrong types,
/// the 512 MB limit, overflow modes at the type limits.
#[tokio::test]
async fn bitmap_edge_cases_match_redis() {
    let redis = RedisServer::start_with(&["--databases", "1"]);
    let ours = Resplite::start();
    let mut a = RawClient::connect(ours.addr).await;
    let mut b = RawClient::connect(redis.addr).await;
    let script = r#"
        SET s \xff\xf0\x00
        RPUSH l x
        SETBIT l 0 1
        SETBIT s -1 1
        SETBIT s 4294967296 1
        SETBIT s 4294967295 2
        SETBIT s 0 x
        SETBIT l x 1
        GETBIT l 0
        GETBIT nokey 0
        GETBIT s 4294967296
        GETBIT s 4294967295
        BITCOUNT nokey x y
        BITCOUNT l
        BITCOUNT s 0
        BITCOUNT s 0 1 BIT x
        BITCOUNT s -1 -2 nonsense
        BITCOUNT s x 1
        BITCOUNT s 5 10 bit
        BITPOS nokey 1
        BITPOS nokey 0 x
        BITPOS s 3
        BITPOS l 1
        BITPOS s 0
        BITPOS s 0 0 -1 bit
        BITPOS s 0 0 8 bit
        BITPOS s 1 2 -1 bit
        BITPOS s 1 0 1 2 bit
        SET ones \xff\xff
        BITPOS ones 0
        BITPOS ones 0 0
        BITPOS ones 0 0 -1
        BITOP NOT d s s
        BITOP nope d s
        BITOP AND d s l
        BITOP AND s nokey
        EXISTS s
        SET s abc
        BITFIELD l GET u8 0
        BITFIELD s GET u64 0
        BITFIELD s GET u8
        BITFIELD s OVERFLOW nope
        BITFIELD s OVERFLOW
        BITFIELD s INCRBY u8 0 x
        BITFIELD s GET i8 #-1
        BITFIELD s SET i64 #67108864 1
        BITFIELD_RO s SET u8 0 1
        BITFIELD_RO s GET u8 0 OVERFLOW SAT GET i4 2
        BITFIELD s
        BITFIELD nokey GET u8 0
        EXISTS nokey
        BITFIELD new OVERFLOW FAIL SET u2 0 7
        GET new
        BITFIELD s OVERFLOW SAT INCRBY i64 0 9223372036854775807
        BITFIELD s OVERFLOW WRAP INCRBY i64 0 9223372036854775807
        BITFIELD s OVERFLOW SAT INCRBY u63 0 -9223372036854775808
        BITFIELD s OVERFLOW WRAP INCRBY u63 1 -9223372036854775808
        BITFIELD s SET u63 #1 -1 GET i64 64
        SETRANGE l 0 ""
        SETRANGE nokey 0 ""
        SETRANGE s -1 x
        SETRANGE s 536870912 x
        SETRANGE s 536870912 ""
        GETRANGE l 0 1
    "#;
    assert_same_replies(&mut a, &mut b, script).await;
}

/// A bitmap keeps its deadline through SETBIT and BITFIELD, survives a
/// restart, and its replies are the same integers under RESP3.
#[tokio::test]
async fn bitmaps_keep_ttl_and_survive_restart() {
    let mut ours = Resplite::start();
    let mut c = ours.client().await;
    let key: &[u8] = b"bm\x00\xff";
    let _: i64 = q(&mut c, &[b"SETBIT", key, b"1000000", b"1"])
        .await
        .unwrap();
    let _: bool = q(&mut c, &[b"EXPIRE", key, b"1000"]).await.unwrap();
    let _: i64 = q(&mut c, &[b"SETBIT", key, b"7", b"1"]).await.unwrap();
    let _: i64 = q(&mut c, &[b"SETBIT", key, b"2000000", b"1"])
        .await
        .unwrap();
    let _: Vec<i64> = q(&mut c, &[b"BITFIELD", key, b"SET", b"u8", b"8", b"255"])
        .await
        .unwrap();
    let ttl: i64 = q(&mut c, &[b"TTL", key]).await.unwrap();
    assert!((990..=1000).contains(&ttl), "ttl {ttl}");
    drop(c);
    ours.restart();
    let mut c = ours.client().await;
    let _: redis::Value = q(&mut c, &[b"HELLO", b"3"]).await.unwrap();
    let n: i64 = q(&mut c, &[b"BITCOUNT", key]).await.unwrap();
    assert_eq!(n, 11);
    let pos: i64 = q(&mut c, &[b"BITPOS", key, b"1", b"2"]).await.unwrap();
    assert_eq!(pos, 1_000_000);
    let len: i64 = q(&mut c, &[b"STRLEN", key]).await.unwrap();
    assert_eq!(len, 250_001);
    let ttl: i64 = q(&mut c, &[b"TTL", key]).await.unwrap();
    assert!(ttl > 900, "ttl {ttl}");
    let got: Vec<Option<i64>> = q(
        &mut c,
        &[
            b"BITFIELD_RO",
            key,
            b"GET",
            b"u8",
            b"8",
            b"GET",
            b"i8",
            b"0",
        ],
    )
    .await
    .unwrap();
    assert_eq!(got, vec![Some(255), Some(1)]);
}

/// SETBIT, SETRANGE and BITFIELD inside a large value write in place: the
/// value around the write is intact, and GETRANGE reads just the slice.
#[tokio::test]
async fn writes_inside_a_large_value_leave_the_rest_intact() {
    let ours = Resplite::start();
    let mut c = ours.raw().await;
    let big: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    assert_eq!(c.call(&[&b"SET"[..], b"big", &big]).await, ok());
    let mut expect = big.clone();
    c.call(&["SETBIT", "big", "16000000", "1"]).await;
    expect[2_000_000] |= 0x80;
    c.call(&["SETRANGE", "big", "2500000", "hello"]).await;
    expect[2_500_000..2_500_005].copy_from_slice(b"hello");
    c.call(&["BITFIELD", "big", "SET", "u16", "#100", "65535"])
        .await;
    expect[200..202].copy_from_slice(&[0xff, 0xff]);
    assert_eq!(
        c.call(&["GETRANGE", "big", "2499999", "2500005"]).await,
        BytesFrame::BulkString(expect[2_499_999..=2_500_005].to_vec().into())
    );
    assert_eq!(
        c.call(&["GET", "big"]).await,
        BytesFrame::BulkString(expect.into())
    );
}

fn ok() -> BytesFrame {
    BytesFrame::SimpleString("OK".into())
}
