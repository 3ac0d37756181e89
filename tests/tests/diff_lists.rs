//! Differential test for lists: seeded, randomized command streams over a few
//! keys and values (so pushes, pops, LREM, LINSERT and LPOS collide) go to a
//! real redis-server 7 and to resplite; every reply must be equal frame for
//! frame. List order is fully specified, so every check is exact.

use redis_protocol::resp2::types::BytesFrame;
use resplite_tests::diff::{assert_random_streams, Check, Cmd, Pair, Rng, Stream};
use resplite_tests::{RedisServer, Resplite};

const KEYS: &[&[u8]] = &[b"l1", b"l2", b"l\x00\xff", b"s"];

const VALUES: &[&[u8]] = &[b"a", b"b", b"c", b"", b"\x00\xff", b"1", b"hello world"];

const INDEXES: &[&[u8]] = &[
    b"0",
    b"1",
    b"2",
    b"3",
    b"5",
    b"-1",
    b"-2",
    b"-3",
    b"-6",
    b"10",
    b"-10",
    b"9223372036854775807",
    b"-9223372036854775808",
];

const BAD_NUMBERS: &[&[u8]] = &[b"abc", b"", b"1.5", b"9223372036854775808", b" 1"];

struct Gen {
    rng: Rng,
}

impl Gen {
    fn key(&mut self) -> Vec<u8> {
        self.rng.pick(KEYS).to_vec()
    }

    fn value(&mut self) -> Vec<u8> {
        self.rng.pick(VALUES).to_vec()
    }

    /// An index, occasionally not a number.
    fn index(&mut self) -> Vec<u8> {
        if self.rng.chance(4) {
            self.rng.pick(BAD_NUMBERS).to_vec()
        } else {
            self.rng.pick(INDEXES).to_vec()
        }
    }

    /// A small count, sometimes zero, negative or not a number.
    fn count(&mut self) -> Vec<u8> {
        match self.rng.below(20) {
            0 => self.rng.pick(BAD_NUMBERS).to_vec(),
            1 => b"-1".to_vec(),
            2 => b"0".to_vec(),
            3 => b"9223372036854775807".to_vec(),
            _ => (1 + self.rng.below(4)).to_string().into_bytes(),
        }
    }

    fn name(&mut self, name: &str) -> Vec<u8> {
        if self.rng.chance(20) {
            name.to_ascii_lowercase().into_bytes()
        } else {
            name.as_bytes().to_vec()
        }
    }

    fn end(&mut self) -> Vec<u8> {
        match self.rng.below(20) {
            0 => b"MIDDLE".to_vec(),
            1 => b"left".to_vec(),
            n if n % 2 == 0 => b"LEFT".to_vec(),
            _ => b"RIGHT".to_vec(),
        }
    }

    fn values(&mut self, min: usize, max: usize) -> Vec<Vec<u8>> {
        (0..min + self.rng.below(max - min + 1))
            .map(|_| self.value())
            .collect()
    }

    fn command(&mut self) -> Cmd {
        let mut cmd = match self.rng.below(40) {
            0..=5 => {
                let name = self
                    .rng
                    .pick(&["LPUSH", "RPUSH", "LPUSH", "RPUSH", "LPUSHX", "RPUSHX"]);
                let mut c = vec![self.name(name), self.key()];
                c.extend(self.values(1, 4));
                c
            }
            6..=9 => {
                let name = self.rng.pick(&["LPOP", "RPOP"]);
                let mut c = vec![self.name(name), self.key()];
                if self.rng.chance(50) {
                    c.push(self.count());
                }
                if self.rng.chance(3) {
                    c.push(b"1".to_vec()); // arity error
                }
                c
            }
            10 | 11 => vec![self.name("LLEN"), self.key()],
            12..=14 => vec![self.name("LRANGE"), self.key(), self.index(), self.index()],
            15 | 16 => vec![self.name("LINDEX"), self.key(), self.index()],
            17 | 18 => vec![self.name("LSET"), self.key(), self.index(), self.value()],
            19 | 20 => vec![self.name("LTRIM"), self.key(), self.index(), self.index()],
            21 | 22 => {
                let count = match self.rng.below(6) {
                    0 => b"0".to_vec(),
                    1 => b"-1".to_vec(),
                    2 => b"-2".to_vec(),
                    3 => self.rng.pick(BAD_NUMBERS).to_vec(),
                    _ => (1 + self.rng.below(3)).to_string().into_bytes(),
                };
                vec![self.name("LREM"), self.key(), count, self.value()]
            }
            23 | 24 => {
                let side = self
                    .rng
                    .pick(&[&b"BEFORE"[..], b"AFTER", b"before", b"after", b"AROUND"])
                    .to_vec();
                vec![
                    self.name("LINSERT"),
                    self.key(),
                    side,
                    self.value(),
                    self.value(),
                ]
            }
            25..=27 => {
                let mut c = vec![self.name("LPOS"), self.key(), self.value()];
                for _ in 0..self.rng.below(4) {
                    match self.rng.below(7) {
                        0 | 1 => {
                            c.push(b"RANK".to_vec());
                            let rank = self.rng.pick(&[
                                &b"1"[..],
                                b"2",
                                b"-1",
                                b"-2",
                                b"3",
                                b"0",
                                b"abc",
                                b"-9223372036854775808",
                            ]);
                            c.push(rank.to_vec());
                        }
                        2 | 3 => {
                            c.push(b"COUNT".to_vec());
                            c.push(
                                self.rng
                                    .pick(&[&b"0"[..], b"1", b"2", b"-1", b"x"])
                                    .to_vec(),
                            );
                        }
                        4 | 5 => {
                            c.push(b"maxlen".to_vec());
                            c.push(
                                self.rng
                                    .pick(&[&b"0"[..], b"1", b"2", b"4", b"-1"])
                                    .to_vec(),
                            );
                        }
                        _ => c.push(self.rng.pick(&[&b"RANK"[..], b"FOO"]).to_vec()),
                    }
                }
                c
            }
            28..=31 => vec![
                self.name("LMOVE"),
                self.key(),
                self.key(),
                self.end(),
                self.end(),
            ],
            32 | 33 => vec![self.name("RPOPLPUSH"), self.key(), self.key()],
            34 => vec![self.name("SET"), self.key(), self.value()],
            35 => vec![self.name("DEL"), self.key()],
            36 => vec![self.name("EXISTS"), self.key()],
            37 => vec![self.name("TYPE"), self.key()],
            38 => vec![self.name("EXPIRE"), self.key(), b"100000".to_vec()],
            _ => vec![self.name("PEXPIREAT"), self.key(), b"1".to_vec()],
        };
        // Occasionally drop the last argument: an arity error on most commands.
        if self.rng.chance(2) && cmd.len() > 1 {
            cmd.pop();
        }
        cmd
    }
}

/// The whole keyspace: names, types, contents and TTL classes.
async fn compare_state(pair: &mut Pair) -> Result<(), String> {
    pair.one(&[b"DBSIZE"], Check::Exact).await?;
    pair.one(&[b"KEYS", b"*"], Check::Sorted).await?;
    for key in KEYS {
        pair.one(&[b"TYPE", key], Check::Exact).await?;
        pair.one(&[b"LLEN", key], Check::Exact).await?;
        pair.one(&[b"LRANGE", key, b"0", b"-1"], Check::Exact)
            .await?;
        pair.one(&[b"TTL", key], Check::Ttl { tolerance: 5 })
            .await?;
    }
    Ok(())
}

const SEEDS: [u64; 5] = [1, 2, 3, 42, 0xC0FFEE];
const COMMANDS_PER_SEED: usize = 2000;

impl Stream for Gen {
    type Check = Check;

    fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }

    fn command(&mut self) -> (Cmd, Check) {
        (Gen::command(self), Check::Exact)
    }

    fn agree(check: Check, redis: &BytesFrame, ours: &BytesFrame) -> bool {
        resplite_tests::diff::agree(check, redis, ours)
    }

    async fn compare_state(pair: &mut Pair) -> Result<(), String> {
        compare_state(pair).await
    }
}

#[tokio::test]
async fn random_list_streams_match_redis() {
    // The last seed goes pipelined in random-sized batches (resplite's
    // group-commit path); the others one command at a time.
    let pipelined = |i: usize| if i == SEEDS.len() - 1 { 64 } else { 1 };
    assert_random_streams(
        &["--databases", "1"],
        &SEEDS,
        COMMANDS_PER_SEED,
        pipelined,
        |seed| Gen {
            rng: Rng::new(seed),
        },
    )
    .await;
}

/// A command written as space-separated words.
fn words(line: &str) -> Cmd {
    line.split(' ').map(|w| w.as_bytes().to_vec()).collect()
}

/// Fixed edge cases, run in order (later lines see earlier lines' keys). Every
/// disagreement is reported.
#[tokio::test]
async fn list_edge_cases_match_redis() {
    let table: Vec<Cmd> = [
        // Arity.
        "LPUSH",
        "LPUSH l",
        "RPUSH l",
        "LPUSHX l",
        "RPUSHX l",
        "LPOP",
        "RPOP l 1 2",
        "LLEN",
        "LLEN l x",
        "LRANGE l 0",
        "LINDEX l",
        "LSET l 0",
        "LTRIM l 0",
        "LREM l 0",
        "LINSERT l BEFORE a",
        "LPOS l",
        "LMOVE a b LEFT",
        "RPOPLPUSH a",
        // Missing keys.
        "LPOP l",
        "LPOP l 0",
        "LPOP l 2",
        "RPOP l -1",
        "LLEN l",
        "LRANGE l 0 -1",
        "LRANGE l x 1",
        "LINDEX l 0",
        "LINDEX l x",
        "LSET l 0 v",
        "LSET l x v",
        "LTRIM l 0 1",
        "LTRIM l x 1",
        "LREM l 0 a",
        "LREM l x a",
        "LINSERT l BEFORE a b",
        "LINSERT l MIDDLE a b",
        "LPOS l a",
        "LPOS l a COUNT 0",
        "LPOS l a RANK 0",
        "LMOVE l m LEFT RIGHT",
        "LMOVE l m UP RIGHT",
        "RPOPLPUSH l m",
        "LPUSHX l a",
        "RPUSHX l a",
        "EXISTS l m",
        // Wrong type, including on the LMOVE destination only.
        "SET s x",
        "RPUSH l a b c d e a b c",
        "LPUSH s a",
        "LPUSHX s a",
        "LPOP s",
        "LPOP s 0",
        "LLEN s",
        "LRANGE s 0 -1",
        "LRANGE s x 1",
        "LINDEX s 0",
        "LINDEX s x",
        "LSET s 0 v",
        "LSET s x v",
        "LTRIM s 0 1",
        "LREM s 0 a",
        "LINSERT s BEFORE a b",
        "LINSERT s MIDDLE a b",
        "LPOS s a",
        "LPOS s a RANK 0",
        "LMOVE s l LEFT RIGHT",
        "LMOVE l s LEFT RIGHT",
        "LMOVE m s LEFT RIGHT",
        "RPOPLPUSH l s",
        "LRANGE l 0 -1",
        // Indexes and ranges.
        "LINDEX l 0",
        "LINDEX l -1",
        "LINDEX l 7",
        "LINDEX l 8",
        "LINDEX l -8",
        "LINDEX l -9",
        "LINDEX l 9223372036854775807",
        "LINDEX l -9223372036854775808",
        "LRANGE l -3 -1",
        "LRANGE l -100 2",
        "LRANGE l 5 100",
        "LRANGE l 8 10",
        "LRANGE l -1 -3",
        "LRANGE l -9223372036854775808 9223372036854775807",
        "LSET l -1 z",
        "LSET l 8 z",
        "LSET l -9 z",
        "LRANGE l 0 -1",
        // LPOS.
        "LPOS l a",
        "LPOS l a RANK 2",
        "LPOS l a RANK -1",
        "LPOS l a RANK -2",
        "LPOS l a RANK 3",
        "LPOS l a RANK -9223372036854775808",
        "LPOS l a RANK 9223372036854775807",
        "LPOS l a COUNT 0",
        "LPOS l a COUNT 1",
        "LPOS l a COUNT 0 RANK -1",
        "LPOS l a COUNT 0 MAXLEN 1",
        "LPOS l a COUNT 0 MAXLEN 5",
        "LPOS l a COUNT 0 RANK -1 MAXLEN 3",
        "LPOS l b RANK 2 MAXLEN 2",
        "LPOS l a RANK",
        "LPOS l a RANK x",
        "LPOS l a COUNT -1",
        "LPOS l a COUNT x",
        "LPOS l a MAXLEN -1",
        "LPOS l a MAXLEN x",
        "LPOS l a FOO 1",
        "LPOS l a RANK 0 COUNT -1",
        "LPOS l a COUNT -1 RANK 0",
        "LPOS l zz",
        "LPOS l zz COUNT 0",
        // LINSERT / LREM.
        "LINSERT l BEFORE a x",
        "LINSERT l AFTER c y",
        "LINSERT l after z w",
        "LINSERT l BEFORE nope q",
        "LRANGE l 0 -1",
        "LREM l 1 b",
        "LREM l -1 c",
        "LREM l 0 a",
        "LREM l 0 nope",
        "LRANGE l 0 -1",
        // Pops with counts.
        "RPUSH p 1 2 3 4 5",
        "LPOP p 2",
        "RPOP p 1",
        "RPOP p 0",
        "LPOP p x",
        "LPOP p -1",
        "LPOP p 100",
        "EXISTS p",
        "RPUSH p 1",
        "RPOP p",
        "EXISTS p",
        // LTRIM.
        "RPUSH t 1 2 3 4 5 6",
        "LTRIM t 1 -2",
        "LRANGE t 0 -1",
        "LTRIM t -2 100",
        "LRANGE t 0 -1",
        "LTRIM t 1 0",
        "EXISTS t",
        // LMOVE / RPOPLPUSH, including rotations and a one-element source.
        "RPUSH m 1 2 3",
        "LMOVE m m LEFT RIGHT",
        "LMOVE m m RIGHT LEFT",
        "LMOVE m m LEFT LEFT",
        "LMOVE m m right right",
        "LRANGE m 0 -1",
        "RPOPLPUSH m m",
        "LRANGE m 0 -1",
        "LMOVE m n RIGHT LEFT",
        "LMOVE m n LEFT RIGHT",
        "LMOVE m n LEFT LEFT",
        "EXISTS m",
        "LRANGE n 0 -1",
        "RPUSH one x",
        "LMOVE one one LEFT RIGHT",
        "LRANGE one 0 -1",
        "RPOPLPUSH one other",
        "EXISTS one",
        "LRANGE other 0 -1",
        // TTLs go with the key.
        "EXPIRE other 1000",
        "RPUSH other y",
        "TTL other",
        "RPOP other 2",
        "TTL other",
        "RPUSH other z",
        "TTL other",
        "PEXPIREAT other 1",
        "LLEN other",
        "TYPE other",
        "DBSIZE",
    ]
    .iter()
    .map(|l| words(l))
    .collect();
    let redis = RedisServer::start_with(&["--databases", "1"]);
    let ours = Resplite::start();
    let mut pair = Pair::connect(&redis, &ours).await;
    let mut failures = Vec::new();
    for cmd in table {
        let check = if cmd[0] == b"TTL" {
            Check::Ttl { tolerance: 2 }
        } else {
            Check::Exact
        };
        if let Err(e) = pair.run(&[(cmd, check)]).await {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}
