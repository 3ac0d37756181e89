//! Differential test for hashes: seeded random command streams go to a real
//! redis-server 7 and to resplite, and every reply must agree. A small key and
//! field space makes commands collide; string keys and wrong arity cover the
//! error paths. Replies whose order Redis leaves unspecified are compared
//! sorted (flat field/value arrays as sorted pairs); random picks are compared
//! by shape, and in full when they must return the whole hash.

use redis_protocol::resp2::types::BytesFrame;
use resplite_tests::diff::{assert_random_streams, sorted, Cmd, Pair, Rng, Stream};
use resplite_tests::{RedisServer, Resplite};

const KEYS: &[&[u8]] = &[b"h1", b"h2", b"h\x00\xff", b"str"];
/// At most 8 fields per hash: Redis keeps them in a listpack, where HSCAN
/// returns everything in one call, as resplite does for COUNT >= 8.
const FIELDS: &[&[u8]] = &[b"a", b"b", b"c", b"n", b"x", b"", b"\x00", b"f\xff"];
const VALUES: &[&[u8]] = &[
    b"",
    b"0",
    b"1",
    b"-1",
    b"42",
    b"abc",
    b"3.5",
    b"0.1",
    b"1e3",
    b" 1",
    b"01",
    b"inf",
    b"9223372036854775807",
    b"-9223372036854775808",
    b"\x00\xff\r\n",
];
const INTEGERS: &[&[u8]] = &[
    b"1",
    b"-1",
    b"0",
    b"17",
    b"-100",
    b"9223372036854775807",
    b"-9223372036854775808",
    b"9223372036854775808",
    b"abc",
    b"1.5",
    b"",
];
const FLOATS: &[&[u8]] = &[
    b"0.1",
    b"10.5",
    b"-5",
    b"1e3",
    b"abc",
    b"0",
    b"5.0e-3",
    b"inf",
    b"-inf",
    b"nan",
    b"",
    b"1e4000",
    b"123456789.123456789",
    b" 1",
];

/// How two replies must agree.
#[derive(Clone, Copy, Debug)]
enum Cmp {
    Exact,
    /// An array in unspecified order.
    Sorted,
    /// A flat field, value, ... array in unspecified order.
    Pairs,
    /// HRANDFIELD: `count` as sent (None: the single-field form).
    Random {
        count: Option<i64>,
        pairs: bool,
    },
    /// HSCAN: the cursor exactly, the items as pairs.
    Scan,
}

fn sorted_pairs(frame: &BytesFrame) -> Option<Vec<String>> {
    let BytesFrame::Array(items) = frame else {
        return None;
    };
    if !items.len().is_multiple_of(2) {
        return None;
    }
    let mut pairs: Vec<String> = items
        .chunks(2)
        .map(|p| format!("{:?}/{:?}", p[0], p[1]))
        .collect();
    pairs.sort();
    Some(pairs)
}

fn len(frame: &BytesFrame) -> Option<usize> {
    match frame {
        BytesFrame::Array(items) => Some(items.len()),
        _ => None,
    }
}

fn agree(cmp: Cmp, redis: &BytesFrame, ours: &BytesFrame) -> bool {
    let is_err = |f: &BytesFrame| matches!(f, BytesFrame::Error(_));
    if is_err(redis) || is_err(ours) {
        return redis == ours;
    }
    match cmp {
        Cmp::Exact => redis == ours,
        Cmp::Sorted => sorted(redis) == sorted(ours),
        Cmp::Pairs => sorted_pairs(redis).is_some() && sorted_pairs(redis) == sorted_pairs(ours),
        Cmp::Random { count: None, .. } => matches!(
            (redis, ours),
            (BytesFrame::Null, BytesFrame::Null)
                | (BytesFrame::BulkString(_), BytesFrame::BulkString(_))
        ),
        Cmp::Random {
            count: Some(count),
            pairs,
        } => {
            let (Some(a), Some(b)) = (len(redis), len(ours)) else {
                return false;
            };
            let per = if pairs { 2 } else { 1 };
            if a != b {
                return false;
            }
            // Fewer than asked for: the whole hash, on both sides.
            if count > 0 && (a / per) < count as usize {
                return if pairs {
                    sorted_pairs(redis) == sorted_pairs(ours)
                } else {
                    sorted(redis) == sorted(ours)
                };
            }
            true
        }
        Cmp::Scan => match (redis, ours) {
            (BytesFrame::Array(r), BytesFrame::Array(o)) if r.len() == 2 && o.len() == 2 => {
                r[0] == o[0] && sorted_pairs(&r[1]) == sorted_pairs(&o[1])
            }
            _ => false,
        },
    }
}

/// The shared pipelined runner with this file's comparison rule.
async fn run(pair: &mut Pair, batch: &[(Cmd, Cmp)]) -> Result<(), String> {
    pair.run_with(batch, agree).await
}

struct Gen {
    rng: Rng,
}

impl Gen {
    fn key(&mut self) -> Vec<u8> {
        self.rng.pick(KEYS).to_vec()
    }

    fn field(&mut self) -> Vec<u8> {
        self.rng.pick(FIELDS).to_vec()
    }

    fn value(&mut self) -> Vec<u8> {
        self.rng.pick(VALUES).to_vec()
    }

    fn name(&mut self, name: &str) -> Vec<u8> {
        if self.rng.chance(25) {
            name.to_ascii_lowercase().into_bytes()
        } else {
            name.as_bytes().to_vec()
        }
    }

    fn fields(&mut self, min: usize, max: usize) -> Vec<Vec<u8>> {
        (0..min + self.rng.below(max - min + 1))
            .map(|_| self.field())
            .collect()
    }

    fn command(&mut self) -> (Cmd, Cmp) {
        let cmd: Cmd = match self.rng.below(40) {
            0..=5 => {
                let name = if self.rng.chance(80) { "HSET" } else { "HMSET" };
                let mut c = vec![self.name(name), self.key()];
                for _ in 0..1 + self.rng.below(3) {
                    c.push(self.field());
                    c.push(self.value());
                }
                if self.rng.chance(5) {
                    c.pop(); // odd: an arity error
                }
                c
            }
            6 => vec![self.name("HSETNX"), self.key(), self.field(), self.value()],
            7 | 8 => vec![self.name("HGET"), self.key(), self.field()],
            9 => {
                let mut c = vec![self.name("HMGET"), self.key()];
                c.extend(self.fields(1, 4));
                c
            }
            10 | 11 => return (vec![self.name("HGETALL"), self.key()], Cmp::Pairs),
            12 | 13 => {
                let mut c = vec![self.name("HDEL"), self.key()];
                c.extend(self.fields(1, 4));
                c
            }
            14 => vec![self.name("HEXISTS"), self.key(), self.field()],
            15 => vec![self.name("HLEN"), self.key()],
            16 => vec![self.name("HSTRLEN"), self.key(), self.field()],
            17 => {
                let name = self.rng.pick(&["HKEYS", "HVALS"]);
                return (vec![self.name(name), self.key()], Cmp::Sorted);
            }
            18..=20 => vec![
                self.name("HINCRBY"),
                self.key(),
                self.field(),
                self.rng.pick(INTEGERS).to_vec(),
            ],
            21..=23 => vec![
                self.name("HINCRBYFLOAT"),
                self.key(),
                self.field(),
                self.rng.pick(FLOATS).to_vec(),
            ],
            24..=26 => return self.hrandfield(),
            27 | 28 => return self.hscan(),
            29 => vec![self.name("SET"), self.key(), self.value()],
            30 => vec![self.name("DEL"), self.key()],
            31 => vec![self.name("EXPIRE"), self.key(), b"100000".to_vec()],
            32 => vec![self.name("TYPE"), self.key()],
            33 => vec![self.name("EXISTS"), self.key()],
            34 => {
                // A deadline in the past deletes at once.
                vec![self.name("PEXPIREAT"), self.key(), b"1".to_vec()]
            }
            35 => vec![self.name("RENAME"), self.key(), self.key()],
            36 => {
                let (name, n) = self.rng.pick(&[
                    ("HSET", 1),
                    ("HSET", 2),
                    ("HGET", 1),
                    ("HGET", 3),
                    ("HMGET", 1),
                    ("HGETALL", 0),
                    ("HDEL", 1),
                    ("HLEN", 2),
                    ("HSTRLEN", 1),
                    ("HINCRBY", 2),
                    ("HINCRBYFLOAT", 4),
                    ("HSETNX", 2),
                    ("HRANDFIELD", 0),
                    ("HSCAN", 1),
                    ("HKEYS", 2),
                    ("HEXISTS", 1),
                    ("HMSET", 1),
                ]);
                let mut c = vec![self.name(name)];
                for _ in 0..n {
                    c.push(self.key());
                }
                c
            }
            _ => vec![self.name("HLEN"), self.key()],
        };
        (cmd, Cmp::Exact)
    }

    fn hrandfield(&mut self) -> (Cmd, Cmp) {
        let mut c = vec![self.name("HRANDFIELD"), self.key()];
        if self.rng.chance(20) {
            return (
                c,
                Cmp::Random {
                    count: None,
                    pairs: false,
                },
            );
        }
        let count: &[u8] = self.rng.pick(&[
            &b"0"[..],
            b"1",
            b"2",
            b"5",
            b"8",
            b"20",
            b"-1",
            b"-5",
            b"-20",
            b"abc",
            b"-9223372036854775808",
            b"-4611686018427387904",
            b"4611686018427387904",
        ]);
        c.push(count.to_vec());
        // Huge counts are refused only WITHVALUES; without it both servers
        // would really try to produce that many picks.
        let huge = count.len() > 15;
        let pairs = huge || self.rng.chance(50);
        if pairs {
            c.push(self.name("WITHVALUES"));
        }
        if self.rng.chance(5) {
            c.push(b"FOO".to_vec());
        }
        let count = std::str::from_utf8(count).unwrap().parse::<i64>().ok();
        (
            c,
            Cmp::Random {
                count: Some(count.unwrap_or(0)),
                pairs,
            },
        )
    }

    fn hscan(&mut self) -> (Cmd, Cmp) {
        let cursor: &[u8] = self
            .rng
            .pick(&[&b"0"[..], b"0", b"0", b"abc", b"-", b"1.5"]);
        let mut c = vec![self.name("HSCAN"), self.key(), cursor.to_vec()];
        for _ in 0..self.rng.below(3) {
            match self.rng.below(6) {
                0 | 1 => {
                    c.push(self.name("MATCH"));
                    c.push(
                        self.rng
                            .pick(&[&b"*"[..], b"a*", b"?", b"[ab]", b"*\xff"])
                            .to_vec(),
                    );
                }
                2 | 3 => {
                    c.push(self.name("COUNT"));
                    c.push(self.rng.pick(&[&b"10"[..], b"100", b"8"]).to_vec());
                }
                4 => {
                    c.push(self.name("COUNT"));
                    c.push(self.rng.pick(&[&b"0"[..], b"-1", b"abc"]).to_vec());
                }
                _ => c.push(b"FOO".to_vec()),
            }
        }
        (c, Cmp::Scan)
    }
}

/// Compares every key's type and contents.
async fn compare_state(pair: &mut Pair) -> Result<(), String> {
    let mut batch: Vec<(Cmd, Cmp)> = vec![(vec![b"DBSIZE".to_vec()], Cmp::Exact)];
    for key in KEYS {
        batch.push((vec![b"TYPE".to_vec(), key.to_vec()], Cmp::Exact));
        batch.push((vec![b"HLEN".to_vec(), key.to_vec()], Cmp::Exact));
        batch.push((vec![b"HGETALL".to_vec(), key.to_vec()], Cmp::Pairs));
        batch.push((
            vec![b"HSCAN".to_vec(), key.to_vec(), b"0".to_vec()],
            Cmp::Scan,
        ));
        batch.push((vec![b"TTL".to_vec(), key.to_vec()], Cmp::Exact));
    }
    run(pair, &batch).await
}

const SEEDS: [u64; 4] = [11, 12, 13, 0xBEEF];
const COMMANDS_PER_SEED: usize = 2000;

impl Stream for Gen {
    type Check = Cmp;

    fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }

    fn command(&mut self) -> (Cmd, Cmp) {
        Gen::command(self)
    }

    fn agree(check: Cmp, redis: &BytesFrame, ours: &BytesFrame) -> bool {
        agree(check, redis, ours)
    }

    async fn compare_state(pair: &mut Pair) -> Result<(), String> {
        compare_state(pair).await
    }
}

#[tokio::test]
async fn random_hash_streams_match_redis() {
    // Odd seeds pipeline random-sized batches (resplite's group path).
    let pipelined = |i: usize| if i % 2 == 1 { 40 } else { 1 };
    assert_random_streams(&[], &SEEDS, COMMANDS_PER_SEED, pipelined, |seed| Gen {
        rng: Rng::new(seed),
    })
    .await;
}

/// Fixed edge cases, in order (later lines see what earlier ones made); every
/// disagreement is reported.
#[tokio::test]
async fn hash_edge_cases_match_redis() {
    let lines = [
        "HSET",
        "HSET h",
        "HSET h f",
        "HSET h f v g",
        "HMSET h f",
        "HSETNX h f",
        "HGET h",
        "HMGET h",
        "HDEL h",
        "HLEN",
        "HSTRLEN h",
        "HINCRBY h f",
        "HINCRBYFLOAT h f",
        "HRANDFIELD",
        "HSCAN h",
        "HGETALL",
        "HKEYS",
        "HVALS",
        "HEXISTS h",
        "SET s v",
        "HSET s f v",
        "HGET s f",
        "HINCRBY s f abc",
        "HINCRBYFLOAT s f inf",
        "HINCRBYFLOAT s f abc",
        "HSCAN s 0 COUNT 0",
        "HSCAN nope 0 COUNT 0",
        "HSCAN nope abc",
        "HSCAN h 0",
        "HRANDFIELD s",
        "HRANDFIELD s 0",
        "HRANDFIELD nope",
        "HRANDFIELD nope 3 WITHVALUES",
        "HRANDFIELD nope 3 FOO",
        "HRANDFIELD nope abc FOO",
        "HSET h a 1 b 2 c 3",
        "HSET h a 1 a 2",
        "HGET h a",
        "HINCRBY h a 9223372036854775805",
        "HINCRBY h a 1",
        "HINCRBY h a -1",
        "HINCRBYFLOAT h a 1",
        "HINCRBYFLOAT h b 1e4000",
        "HINCRBYFLOAT h b -1e4000",
        "HINCRBYFLOAT h c 0.1",
        "HINCRBYFLOAT h c 0.2",
        "HINCRBYFLOAT h d 5.0e3",
        "HINCRBYFLOAT h d nan",
        "HINCRBYFLOAT h d -inf",
        "HINCRBYFLOAT h d 1e",
        "HINCRBYFLOAT h d .5",
        "HINCRBYFLOAT h d +.5",
        "HGET h d",
        "HSTRLEN h d",
        "HSET h i 0010",
        "HINCRBY h i 1",
        "HINCRBYFLOAT h i 1",
        "HRANDFIELD h 0 WITHVALUES",
        "HRANDFIELD h -9223372036854775807 WITHVALUES",
        "HRANDFIELD h 9223372036854775807 WITHVALUES",
        "HRANDFIELD h 1 WITHVALUES x",
        "HDEL h a b c d i",
        "EXISTS h",
        "TYPE h",
    ];
    let redis = RedisServer::start_with(&[]);
    let ours = Resplite::start();
    let mut pair = Pair::connect(&redis, &ours).await;
    let mut failures = Vec::new();
    for line in lines {
        let cmd: Cmd = line.split(' ').map(|w| w.as_bytes().to_vec()).collect();
        if let Err(e) = run(&mut pair, &[(cmd, Cmp::Exact)]).await {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}
