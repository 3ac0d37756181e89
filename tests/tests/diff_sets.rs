//! Differential test for sets: seeded random command streams go to a real
//! redis-server 7 and to resplite, and every reply must agree. A small key and
//! member space makes commands collide; string and hash keys and wrong arity
//! cover the error paths. Set replies are compared sorted (Redis' order is
//! unspecified); random picks by shape, and in full when they must return the
//! whole set. SPOP is sent only with a count that empties the set, so both
//! keyspaces stay equal.

use redis_protocol::resp2::types::BytesFrame;
use resplite_tests::diff::{assert_random_streams, sorted, Cmd, Pair, Rng, Stream};
use resplite_tests::{RedisServer, Resplite};

const KEYS: &[&[u8]] = &[b"s1", b"s2", b"s3", b"s\x00\xff", b"str", b"h"];
/// At most 9 members per set: Redis keeps them in an intset or a small
/// encoding where SSCAN returns everything at once, as resplite does for
/// COUNT >= 9.
const MEMBERS: &[&[u8]] = &[b"a", b"b", b"c", b"1", b"2", b"10", b"-1", b"\x00\xff", b""];

#[derive(Clone, Copy, Debug)]
enum Cmp {
    Exact,
    Sorted,
    /// SRANDMEMBER: `count` as sent (None: the single-member form).
    Random(Option<i64>),
    /// SSCAN: the cursor exactly, the members sorted.
    Scan,
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
        Cmp::Random(None) => matches!(
            (redis, ours),
            (BytesFrame::Null, BytesFrame::Null)
                | (BytesFrame::BulkString(_), BytesFrame::BulkString(_))
        ),
        Cmp::Random(Some(count)) => match (len(redis), len(ours)) {
            (Some(a), Some(b)) if a == b => {
                // Fewer than asked for: the whole set, on both sides.
                count <= 0 || a >= count as usize || sorted(redis) == sorted(ours)
            }
            _ => false,
        },
        Cmp::Scan => match (redis, ours) {
            (BytesFrame::Array(r), BytesFrame::Array(o)) if r.len() == 2 && o.len() == 2 => {
                r[0] == o[0] && sorted(&r[1]) == sorted(&o[1])
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

    fn member(&mut self) -> Vec<u8> {
        self.rng.pick(MEMBERS).to_vec()
    }

    fn name(&mut self, name: &str) -> Vec<u8> {
        if self.rng.chance(25) {
            name.to_ascii_lowercase().into_bytes()
        } else {
            name.as_bytes().to_vec()
        }
    }

    fn keys(&mut self, min: usize, max: usize) -> Vec<Vec<u8>> {
        (0..min + self.rng.below(max - min + 1))
            .map(|_| self.key())
            .collect()
    }

    fn members(&mut self, min: usize, max: usize) -> Vec<Vec<u8>> {
        (0..min + self.rng.below(max - min + 1))
            .map(|_| self.member())
            .collect()
    }

    fn command(&mut self) -> (Cmd, Cmp) {
        let cmd: Cmd = match self.rng.below(42) {
            0..=6 => {
                let mut c = vec![self.name("SADD"), self.key()];
                c.extend(self.members(1, 4));
                c
            }
            7..=9 => {
                let mut c = vec![self.name("SREM"), self.key()];
                c.extend(self.members(1, 3));
                c
            }
            10 | 11 => return (vec![self.name("SMEMBERS"), self.key()], Cmp::Sorted),
            12 => vec![self.name("SISMEMBER"), self.key(), self.member()],
            13 => {
                let mut c = vec![self.name("SMISMEMBER"), self.key()];
                c.extend(self.members(1, 4));
                c
            }
            14 => vec![self.name("SCARD"), self.key()],
            15 => {
                // Counts that pop everything, or none, or are refused.
                let count: &[u8] = self.rng.pick(&[&b"100"[..], b"9", b"0", b"-1", b"abc"]);
                return (
                    vec![self.name("SPOP"), self.key(), count.to_vec()],
                    Cmp::Sorted,
                );
            }
            16..=18 => return self.srandmember(),
            19 | 20 => vec![self.name("SMOVE"), self.key(), self.key(), self.member()],
            21..=23 => {
                let name = self.rng.pick(&["SINTER", "SUNION", "SDIFF"]);
                let mut c = vec![self.name(name)];
                c.extend(self.keys(1, 4));
                return (c, Cmp::Sorted);
            }
            24..=26 => {
                let name = self.rng.pick(&["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"]);
                let mut c = vec![self.name(name)];
                c.extend(self.keys(2, 4));
                c
            }
            27 | 28 => self.sintercard(),
            29 | 30 => return self.sscan(),
            31 => vec![self.name("SET"), self.key(), b"v".to_vec()],
            32 => vec![self.name("HSET"), self.key(), b"f".to_vec(), b"v".to_vec()],
            33 => vec![self.name("DEL"), self.key()],
            34 => vec![self.name("EXPIRE"), self.key(), b"100000".to_vec()],
            35 => vec![self.name("PEXPIREAT"), self.key(), b"1".to_vec()],
            36 => vec![self.name("TYPE"), self.key()],
            37 => vec![self.name("RENAME"), self.key(), self.key()],
            38 => {
                let (name, n) = self.rng.pick(&[
                    ("SADD", 1),
                    ("SREM", 1),
                    ("SMEMBERS", 0),
                    ("SMEMBERS", 2),
                    ("SISMEMBER", 1),
                    ("SISMEMBER", 3),
                    ("SMISMEMBER", 1),
                    ("SCARD", 2),
                    ("SPOP", 0),
                    ("SPOP", 3),
                    ("SRANDMEMBER", 0),
                    ("SRANDMEMBER", 3),
                    ("SMOVE", 2),
                    ("SINTER", 0),
                    ("SUNIONSTORE", 1),
                    ("SINTERCARD", 1),
                    ("SSCAN", 1),
                ]);
                let mut c = vec![self.name(name)];
                for _ in 0..n {
                    c.push(self.key());
                }
                c
            }
            _ => vec![self.name("SCARD"), self.key()],
        };
        (cmd, Cmp::Exact)
    }

    fn srandmember(&mut self) -> (Cmd, Cmp) {
        let mut c = vec![self.name("SRANDMEMBER"), self.key()];
        if self.rng.chance(20) {
            return (c, Cmp::Random(None));
        }
        let count: &[u8] = self.rng.pick(&[
            &b"0"[..],
            b"1",
            b"3",
            b"9",
            b"20",
            b"-1",
            b"-5",
            b"-20",
            b"abc",
            b"-9223372036854775808",
        ]);
        c.push(count.to_vec());
        if self.rng.chance(5) {
            c.push(b"1".to_vec());
        }
        let count = std::str::from_utf8(count)
            .unwrap()
            .parse::<i64>()
            .unwrap_or(0);
        (c, Cmp::Random(Some(count)))
    }

    fn sintercard(&mut self) -> Cmd {
        let keys = self.keys(1, 3);
        let numkeys = match self.rng.below(10) {
            0 => b"0".to_vec(),
            1 => (keys.len() + 1).to_string().into_bytes(),
            2 => b"abc".to_vec(),
            _ => keys.len().to_string().into_bytes(),
        };
        let mut c = vec![self.name("SINTERCARD"), numkeys];
        c.extend(keys);
        match self.rng.below(6) {
            0 | 1 => {
                c.push(self.name("LIMIT"));
                c.push(
                    self.rng
                        .pick(&[&b"0"[..], b"1", b"2", b"-1", b"x"])
                        .to_vec(),
                );
            }
            2 => c.push(self.name("LIMIT")),
            3 => c.push(b"FOO".to_vec()),
            _ => {}
        }
        c
    }

    fn sscan(&mut self) -> (Cmd, Cmp) {
        let cursor: &[u8] = self.rng.pick(&[&b"0"[..], b"0", b"0", b"abc", b"-"]);
        let mut c = vec![self.name("SSCAN"), self.key(), cursor.to_vec()];
        for _ in 0..self.rng.below(3) {
            match self.rng.below(6) {
                0 | 1 => {
                    c.push(self.name("MATCH"));
                    c.push(
                        self.rng
                            .pick(&[&b"*"[..], b"a*", b"?", b"[12]*", b"-*"])
                            .to_vec(),
                    );
                }
                2 | 3 => {
                    c.push(self.name("COUNT"));
                    c.push(self.rng.pick(&[&b"10"[..], b"100", b"9"]).to_vec());
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

async fn compare_state(pair: &mut Pair) -> Result<(), String> {
    let mut batch: Vec<(Cmd, Cmp)> = vec![(vec![b"DBSIZE".to_vec()], Cmp::Exact)];
    for key in KEYS {
        batch.push((vec![b"TYPE".to_vec(), key.to_vec()], Cmp::Exact));
        batch.push((vec![b"SCARD".to_vec(), key.to_vec()], Cmp::Exact));
        batch.push((vec![b"SMEMBERS".to_vec(), key.to_vec()], Cmp::Sorted));
        batch.push((vec![b"TTL".to_vec(), key.to_vec()], Cmp::Exact));
    }
    run(pair, &batch).await
}

const SEEDS: [u64; 4] = [21, 22, 23, 0xFACE];
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
async fn random_set_streams_match_redis() {
    // Odd seeds pipeline random-sized batches (resplite's group path).
    let pipelined = |i: usize| if i % 2 == 1 { 40 } else { 1 };
    assert_random_streams(&[], &SEEDS, COMMANDS_PER_SEED, pipelined, |seed| Gen {
        rng: Rng::new(seed),
    })
    .await;
}

#[tokio::test]
async fn set_edge_cases_match_redis() {
    let lines = [
        "SADD",
        "SADD s",
        "SREM s",
        "SMEMBERS",
        "SISMEMBER s",
        "SMISMEMBER s",
        "SCARD",
        "SPOP",
        "SPOP s 1 2",
        "SRANDMEMBER",
        "SRANDMEMBER s 1 2",
        "SMOVE a b",
        "SINTER",
        "SINTERSTORE d",
        "SINTERCARD 1",
        "SSCAN s",
        "SET str v",
        "SADD str a",
        "SPOP str 0",
        "SPOP nope 0",
        "SPOP nope",
        "SPOP nope 5",
        "SRANDMEMBER nope",
        "SRANDMEMBER nope -5",
        "SRANDMEMBER nope abc",
        "SRANDMEMBER nope -9223372036854775808",
        "SADD s 3 1 2 1",
        "SINTER s nope str",
        "SINTER nope str",
        "SUNION nope str",
        "SDIFF nope str",
        "SDIFF s str",
        "SINTERSTORE d s nope str",
        "SINTERCARD 2 nope str",
        "SINTERCARD 1 s LIMIT 1 LIMIT 0",
        "SINTERCARD 1 s LIMIT 99999999999999999999",
        "SINTERCARD 99999999999999999999 s",
        "SINTERCARD -1 s",
        "SMOVE nope str a",
        "SMOVE s str 1",
        "SMOVE str s 1",
        "SMOVE s s 1",
        "SMOVE s s 9",
        "SINTERSTORE str s",
        "TYPE str",
        "SMEMBERS str",
        "SUNIONSTORE str nope",
        "EXISTS str",
        "SDIFFSTORE s s s",
        "EXISTS s",
        "SSCAN nope 0 COUNT 0",
        "SSCAN nope x",
        "SADD s 1",
        "SSCAN s 0 COUNT 0",
        "SSCAN s 0 MATCH",
        "SSCAN s 18446744073709551616",
        "SPOP s 1",
        "EXISTS s",
    ];
    let redis = RedisServer::start_with(&[]);
    let ours = Resplite::start();
    let mut pair = Pair::connect(&redis, &ours).await;
    let mut failures = Vec::new();
    for line in lines {
        let cmd: Cmd = line.split(' ').map(|w| w.as_bytes().to_vec()).collect();
        if let Err(e) = run(&mut pair, &[(cmd, Cmp::Sorted)]).await {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}
