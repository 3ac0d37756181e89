//! Differential test for sorted sets: seeded, randomized command streams go to
//! a real redis-server 7 and to resplite; every reply must be equal frame for
//! frame, except where Redis' order or choice is unspecified (random members,
//! ZSCAN pages), which are compared by content.
//!
//! The generator keeps to what Redis defines: lex ranges only run on keys whose
//! scores are all 0; scores are exact binary fractions, so sums do not depend
//! on the order Redis adds them in; ZRANK's 7.2 WITHSCORE is left to the e2e
//! test (the oracle is 7.0).

use redis_protocol::resp2::types::BytesFrame;
use resplite_tests::diff::{show, Check, Cmd, Pair, Rng};
use resplite_tests::{RedisServer, Resplite};

/// Zsets with any scores.
const ZKEYS: &[&[u8]] = &[b"z1", b"z2", b"z3", b"{z}\x00\xff"];
/// Zsets whose scores are all 0 (lex commands run only here).
const LEX: &[&[u8]] = &[b"l1", b"l2"];
const SET: &[u8] = b"st";
const STR: &[u8] = b"str";
const MISSING: &[u8] = b"nokey";
/// A key no command ever writes.
const NEVER: &[u8] = b"never";
/// A string set at the start of each seed and never written again.
const FIXED_STR: &[u8] = b"fixedstr";

const MEMBERS: &[&[u8]] = &[
    b"a",
    b"b",
    b"c",
    b"d",
    b"e",
    b"ab",
    b"",
    b"\x00",
    b"\xff\x01",
    b"m m",
];

const SCORES: &[&[u8]] = &[
    b"0", b"1", b"-1", b"2", b"2.5", b"3", b"-3.5", b"10", b"0.5", b"1e3", b"+5", b"-0", b"0.25",
    b"100", b"7",
];
const RARE_SCORES: &[&[u8]] = &[
    b"inf", b"-inf", b"+inf", b"abc", b"nan", b"", b" 1", b"1e400", b"(1", b"0x10",
];

const BOUNDS: &[&[u8]] = &[
    b"-inf", b"+inf", b"0", b"(0", b"1", b"(1", b"2.5", b"(2.5", b"3", b"(10", b"100", b"-1",
    b"(-3.5", b"inf", b"x", b"(", b"",
];
const LEX_BOUNDS: &[&[u8]] = &[
    b"-", b"+", b"[a", b"(a", b"[b", b"(c", b"[d", b"(e", b"[", b"(", b"[ab", b"a", b"[\xff", b"+x",
];
const INDEXES: &[&[u8]] = &[
    b"0", b"1", b"2", b"-1", b"-2", b"-100", b"100", b"3", b"x", b"-3",
];
const COUNTS: &[&[u8]] = &[b"0", b"1", b"2", b"3", b"-1", b"10", b"x"];
const WEIGHTS: &[&[u8]] = &[b"1", b"2", b"0", b"-1", b"0.5", b"x"];

struct Gen {
    rng: Rng,
}

impl Gen {
    fn pick(&mut self, items: &[&[u8]]) -> Vec<u8> {
        self.rng.pick(items).to_vec()
    }

    fn name(&mut self, name: &str) -> Vec<u8> {
        if self.rng.chance(25) {
            name.to_ascii_lowercase().into_bytes()
        } else {
            name.as_bytes().to_vec()
        }
    }

    /// Mostly a zset key; sometimes the set, the string or a missing key.
    fn key(&mut self) -> Vec<u8> {
        match self.rng.below(20) {
            0 => STR.to_vec(),
            1 => MISSING.to_vec(),
            _ => self.pick(ZKEYS),
        }
    }

    fn source(&mut self) -> Vec<u8> {
        match self.rng.below(12) {
            0 => STR.to_vec(),
            1 => MISSING.to_vec(),
            2 | 3 => SET.to_vec(),
            4 => self.pick(LEX),
            _ => self.pick(ZKEYS),
        }
    }

    fn score(&mut self) -> Vec<u8> {
        if self.rng.chance(4) {
            self.pick(RARE_SCORES)
        } else {
            self.pick(SCORES)
        }
    }

    fn zadd(&mut self, lex: bool) -> Cmd {
        let mut c = vec![self.name("ZADD")];
        c.push(if lex { self.pick(LEX) } else { self.key() });
        let mut incr = false;
        for _ in 0..self.rng.pick(&[0, 0, 0, 0, 1, 1, 2]) {
            let opt = self.rng.pick(&["NX", "XX", "GT", "LT", "CH", "INCR"]);
            incr |= opt == "INCR";
            if lex && opt == "INCR" {
                continue;
            }
            c.push(opt.into());
        }
        let pairs = if incr && self.rng.chance(85) {
            1
        } else {
            1 + self.rng.below(4)
        };
        for _ in 0..pairs {
            c.push(if lex { b"0".to_vec() } else { self.score() });
            c.push(self.pick(MEMBERS));
        }
        if self.rng.chance(3) {
            c.pop();
        }
        c
    }

    fn range(&mut self) -> Cmd {
        let lex = self.rng.chance(30);
        let key = if lex { self.pick(LEX) } else { self.key() };
        match self.rng.below(7) {
            0 => {
                // ZRANGE with options in any order.
                let by = self.rng.pick(&["", "", "BYSCORE", "BYLEX"]);
                let by = if lex { "BYLEX" } else { by };
                let key = if by == "BYLEX" && !lex {
                    self.pick(LEX)
                } else {
                    key
                };
                let (min, max) = match by {
                    "BYSCORE" => (self.pick(BOUNDS), self.pick(BOUNDS)),
                    "BYLEX" => (self.pick(LEX_BOUNDS), self.pick(LEX_BOUNDS)),
                    _ => (self.pick(INDEXES), self.pick(INDEXES)),
                };
                let mut c = vec![self.name("ZRANGE"), key, min, max];
                let mut opts: Vec<Vec<Vec<u8>>> = Vec::new();
                if !by.is_empty() {
                    opts.push(vec![by.into()]);
                }
                if self.rng.chance(40) {
                    opts.push(vec![b"REV".to_vec()]);
                }
                if self.rng.chance(40) {
                    opts.push(vec![b"WITHSCORES".to_vec()]);
                }
                if self.rng.chance(30) {
                    opts.push(vec![
                        b"LIMIT".to_vec(),
                        self.pick(COUNTS),
                        self.pick(COUNTS),
                    ]);
                }
                if self.rng.chance(3) {
                    opts.push(vec![b"FOO".to_vec()]);
                }
                while !opts.is_empty() {
                    let i = self.rng.below(opts.len());
                    c.extend(opts.remove(i));
                }
                c
            }
            1 => {
                let name = self.rng.pick(&["ZRANGE", "ZREVRANGE"]);
                let mut c = vec![self.name(name), key, self.pick(INDEXES), self.pick(INDEXES)];
                if self.rng.chance(50) {
                    c.push(b"WITHSCORES".to_vec());
                }
                c
            }
            2 | 3 if !lex => {
                let name = self.rng.pick(&["ZRANGEBYSCORE", "ZREVRANGEBYSCORE"]);
                let mut c = vec![self.name(name), key, self.pick(BOUNDS), self.pick(BOUNDS)];
                if self.rng.chance(50) {
                    c.push(b"WITHSCORES".to_vec());
                }
                if self.rng.chance(40) {
                    c.extend([b"LIMIT".to_vec(), self.pick(COUNTS), self.pick(COUNTS)]);
                }
                c
            }
            4 | 5 => {
                let key = if lex { key } else { self.pick(LEX) };
                let name = self.rng.pick(&["ZRANGEBYLEX", "ZREVRANGEBYLEX"]);
                let mut c = vec![
                    self.name(name),
                    key,
                    self.pick(LEX_BOUNDS),
                    self.pick(LEX_BOUNDS),
                ];
                if self.rng.chance(40) {
                    c.extend([b"LIMIT".to_vec(), self.pick(COUNTS), self.pick(COUNTS)]);
                }
                c
            }
            _ => {
                let dst = self.rng.pick(&[&b"dst"[..], b"z3", b"str"]).to_vec();
                let src = if lex { self.pick(LEX) } else { self.key() };
                let mut c = vec![self.name("ZRANGESTORE"), dst, src];
                match self.rng.below(3) {
                    0 => c.extend([self.pick(INDEXES), self.pick(INDEXES)]),
                    1 => {
                        c.extend([self.pick(BOUNDS), self.pick(BOUNDS), b"BYSCORE".to_vec()]);
                        if self.rng.chance(50) {
                            c.push(b"REV".to_vec());
                        }
                    }
                    _ => {
                        let lk = self.pick(LEX);
                        c[2] = lk;
                        c.extend([
                            self.pick(LEX_BOUNDS),
                            self.pick(LEX_BOUNDS),
                            b"BYLEX".to_vec(),
                        ]);
                    }
                }
                if self.rng.chance(25) {
                    c.extend([b"LIMIT".to_vec(), self.pick(COUNTS), self.pick(COUNTS)]);
                }
                c
            }
        }
    }

    fn combine(&mut self) -> Cmd {
        let name = self.rng.pick(&[
            "ZUNION",
            "ZINTER",
            "ZDIFF",
            "ZUNIONSTORE",
            "ZINTERSTORE",
            "ZDIFFSTORE",
            "ZINTERCARD",
        ]);
        let store = name.ends_with("STORE");
        let mut c = vec![self.name(name)];
        if store {
            c.push(
                self.rng
                    .pick(&[&b"dst"[..], b"z1", b"z2", b"str", b"st"])
                    .to_vec(),
            );
        }
        let n = 1 + self.rng.below(3);
        c.push(if self.rng.chance(4) {
            self.rng.pick(&[&b"0"[..], b"-1", b"9", b"x"]).to_vec()
        } else {
            n.to_string().into_bytes()
        });
        for _ in 0..n {
            c.push(self.source());
        }
        if name == "ZINTERCARD" {
            if self.rng.chance(50) {
                c.push(self.pick(&[b"LIMIT", b"limit", b"WEIGHTS"]));
                c.push(self.pick(&[b"0", b"1", b"2", b"-1", b"x"]));
            }
            return c;
        }
        if !name.starts_with("ZDIFF") || self.rng.chance(5) {
            if self.rng.chance(40) {
                c.push(b"WEIGHTS".to_vec());
                let k = if self.rng.chance(10) { n + 1 } else { n };
                for _ in 0..k {
                    c.push(self.pick(WEIGHTS));
                }
            }
            if self.rng.chance(40) {
                c.push(b"AGGREGATE".to_vec());
                c.push(self.pick(&[b"SUM", b"MIN", b"MAX", b"min", b"AVG"]));
            }
        }
        if self.rng.chance(if store { 5 } else { 50 }) {
            c.push(b"WITHSCORES".to_vec());
        }
        c
    }

    fn command(&mut self) -> Cmd {
        match self.rng.below(44) {
            0..=5 | 40..=43 => {
                let lex = self.rng.chance(30);
                self.zadd(lex)
            }
            6 => vec![
                self.name("ZINCRBY"),
                self.key(),
                self.score(),
                self.pick(MEMBERS),
            ],
            7 | 8 => {
                let key = if self.rng.chance(30) {
                    self.pick(LEX)
                } else {
                    self.key()
                };
                let mut c = vec![self.name("ZREM"), key];
                for _ in 0..1 + self.rng.below(3) {
                    c.push(self.pick(MEMBERS));
                }
                c
            }
            9 => vec![self.name("ZCARD"), self.key()],
            10 => vec![self.name("ZSCORE"), self.key(), self.pick(MEMBERS)],
            11 => {
                let mut c = vec![self.name("ZMSCORE"), self.key()];
                for _ in 0..1 + self.rng.below(3) {
                    c.push(self.pick(MEMBERS));
                }
                c
            }
            12 => vec![
                self.name("ZCOUNT"),
                self.key(),
                self.pick(BOUNDS),
                self.pick(BOUNDS),
            ],
            13 => vec![
                self.name("ZLEXCOUNT"),
                self.pick(LEX),
                self.pick(LEX_BOUNDS),
                self.pick(LEX_BOUNDS),
            ],
            14..=19 => self.range(),
            20 => {
                let name = self.rng.pick(&["ZRANK", "ZREVRANK"]);
                vec![self.name(name), self.key(), self.pick(MEMBERS)]
            }
            21 | 22 => {
                let name = self.rng.pick(&["ZPOPMIN", "ZPOPMAX"]);
                let key = if self.rng.chance(20) {
                    self.pick(LEX)
                } else {
                    self.key()
                };
                let mut c = vec![self.name(name), key];
                if self.rng.chance(60) {
                    c.push(self.pick(COUNTS));
                }
                c
            }
            23 => vec![
                self.name("ZREMRANGEBYRANK"),
                self.key(),
                self.pick(INDEXES),
                self.pick(INDEXES),
            ],
            24 => vec![
                self.name("ZREMRANGEBYSCORE"),
                self.key(),
                self.pick(BOUNDS),
                self.pick(BOUNDS),
            ],
            25 => vec![
                self.name("ZREMRANGEBYLEX"),
                self.pick(LEX),
                self.pick(LEX_BOUNDS),
                self.pick(LEX_BOUNDS),
            ],
            26..=30 => self.combine(),
            31 => vec![self.name("SADD"), SET.to_vec(), self.pick(MEMBERS)],
            32 => vec![self.name("SET"), STR.to_vec(), b"v".to_vec()],
            33 => {
                let key = self.rng.pick(&[ZKEYS[0], ZKEYS[1], LEX[0], b"dst"]);
                vec![self.name("DEL"), key.to_vec()]
            }
            34 => vec![self.name("EXPIRE"), self.key(), b"100000".to_vec()],
            35 if self.rng.chance(30) => {
                vec![self.name("PEXPIREAT"), self.key(), b"1".to_vec()]
            }
            36 => vec![self.name("TYPE"), self.key()],
            37 => {
                // Wrong arity.
                let (name, n) = self.rng.pick(&[
                    ("ZADD", 2),
                    ("ZCARD", 0),
                    ("ZSCORE", 1),
                    ("ZRANGE", 2),
                    ("ZRANK", 1),
                    ("ZPOPMIN", 0),
                    ("ZUNION", 1),
                    ("ZUNIONSTORE", 2),
                    ("ZCOUNT", 2),
                    ("ZRANDMEMBER", 0),
                    ("ZRANGESTORE", 3),
                    ("ZINCRBY", 2),
                    ("ZMSCORE", 1),
                    ("ZSCAN", 1),
                    ("ZINTERCARD", 0),
                ]);
                let mut c = vec![self.name(name)];
                for _ in 0..n {
                    c.push(self.key());
                }
                c
            }
            38 | 39 => {
                // ZRANDMEMBER on an empty, missing or wrong key (exact), or a
                // shape check through the errors.
                let key = self.rng.pick(&[NEVER, FIXED_STR]).to_vec();
                let mut c = vec![self.name("ZRANDMEMBER"), key];
                if self.rng.chance(60) {
                    c.push(self.pick(COUNTS));
                    if self.rng.chance(40) {
                        c.push(self.rng.pick(&[&b"WITHSCORES"[..], b"FOO"]).to_vec());
                    }
                }
                c
            }
            _ => vec![self.name("ZCARD"), self.key()],
        }
    }
}

fn items(frame: &BytesFrame) -> Vec<Vec<u8>> {
    match frame {
        BytesFrame::Array(items) => items
            .iter()
            .map(|f| match f {
                BytesFrame::BulkString(b) => b.to_vec(),
                other => panic!("unexpected item {other:?}"),
            })
            .collect(),
        other => panic!("expected an array, got {other:?}"),
    }
}

/// Flat (member, score) pairs, sorted.
fn pairs(flat: Vec<Vec<u8>>) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut out: Vec<_> = flat
        .chunks(2)
        .map(|p| (p[0].clone(), p[1].clone()))
        .collect();
    out.sort();
    out
}

async fn full_zscan(client: &mut resplite_tests::RawClient, key: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
    let mut cursor = b"0".to_vec();
    let mut all = Vec::new();
    loop {
        let reply = client
            .call(&[&b"ZSCAN"[..], key, &cursor, b"COUNT", b"2"])
            .await;
        let BytesFrame::Array(parts) = reply else {
            panic!("ZSCAN reply {reply:?}");
        };
        let BytesFrame::BulkString(next) = &parts[0] else {
            panic!("ZSCAN cursor {parts:?}");
        };
        all.extend(items(&parts[1]));
        cursor = next.to_vec();
        if cursor == b"0" {
            break;
        }
    }
    let mut p = pairs(all);
    p.dedup();
    p
}

/// Every zset key: exact contents, ZSCAN by content, ZRANDMEMBER by content.
async fn compare_state(pair: &mut Pair) -> Result<(), String> {
    pair.one(&[b"DBSIZE"], Check::Exact).await?;
    pair.one(&[b"KEYS", b"*"], Check::Sorted).await?;
    let mut keys: Vec<&[u8]> = ZKEYS.to_vec();
    keys.extend_from_slice(LEX);
    keys.extend_from_slice(&[b"dst", SET, STR]);
    for key in keys {
        pair.one(&[b"TYPE", key], Check::Exact).await?;
        pair.one(&[b"ZRANGE", key, b"0", b"-1", b"WITHSCORES"], Check::Exact)
            .await?;
        pair.one(&[b"ZCARD", key], Check::Exact).await?;
        let is_zset = matches!(
            pair.ours.call(&[&b"TYPE"[..], key]).await,
            BytesFrame::SimpleString(ref t) if &t[..] == b"zset"
        );
        if !is_zset {
            continue;
        }
        let (a, b) = (
            full_zscan(&mut pair.redis, key).await,
            full_zscan(&mut pair.ours, key).await,
        );
        if a != b {
            return Err(format!(
                "ZSCAN {key:?}\n  redis:    {a:?}\n  resplite: {b:?}"
            ));
        }
        // Counts at least the size: the whole set, in any order.
        let all = [&b"ZRANDMEMBER"[..], key, b"100", b"WITHSCORES"];
        let (a, b) = (
            pairs(items(&pair.redis.call(&all).await)),
            pairs(items(&pair.ours.call(&all).await)),
        );
        if a != b {
            return Err(format!(
                "{}\n  redis:    {a:?}\n  resplite: {b:?}",
                show(&all.iter().map(|x| x.to_vec()).collect::<Vec<_>>())
            ));
        }
        // Smaller or negative counts: the same size, members of the set.
        for count in [&b"2"[..], b"-5", b"1"] {
            let cmd = [&b"ZRANDMEMBER"[..], key, count, b"WITHSCORES"];
            let (ra, rb) = (
                items(&pair.redis.call(&cmd).await),
                items(&pair.ours.call(&cmd).await),
            );
            let ours = pairs(rb.clone());
            let distinct: std::collections::BTreeSet<_> = ours.iter().map(|p| &p.0).collect();
            let ok = ra.len() == rb.len()
                && ours.iter().all(|p| a.contains(p))
                && (count.starts_with(b"-") || distinct.len() == ours.len());
            if !ok {
                return Err(format!(
                    "ZRANDMEMBER {key:?} {count:?}: redis {ra:?}, resplite {rb:?}"
                ));
            }
        }
        pair.one(&[b"ZRANDMEMBER", key, b"0"], Check::Exact).await?;
    }
    Ok(())
}

const SEEDS: [u64; 5] = [1, 2, 3, 0xC0FFEE, 77];
const COMMANDS_PER_SEED: usize = 2000;

#[tokio::test]
async fn random_zset_streams_match_redis() {
    let redis = RedisServer::start_with(&["--databases", "1"]);
    let ours = Resplite::start();
    let mut pair = Pair::connect(&redis, &ours).await;
    let mut failures = Vec::new();
    for seed in SEEDS {
        pair.one(&[b"FLUSHALL"], Check::Exact).await.unwrap();
        pair.one(&[b"SET", FIXED_STR, b"v"], Check::Exact)
            .await
            .unwrap();
        let mut gen = Gen {
            rng: Rng::new(seed),
        };
        let mut done = 0;
        while done < COMMANDS_PER_SEED {
            let batch: Vec<(Cmd, Check)> = (0..1 + gen.rng.below(16))
                .map(|_| (gen.command(), Check::Exact))
                .collect();
            done += batch.len();
            if let Err(e) = pair.run(&batch).await {
                failures.push(format!("seed {seed}: {e}"));
                break;
            }
            if gen.rng.chance(10) {
                if let Err(e) = compare_state(&mut pair).await {
                    failures.push(format!("seed {seed} (state): {e}"));
                    break;
                }
            }
        }
        if let Err(e) = compare_state(&mut pair).await {
            failures.push(format!("seed {seed} (final state): {e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Score formatting over many magnitudes: every reply path that prints a
/// double (ZSCORE, ZINCRBY, WITHSCORES, ZSCAN) against Redis 7.0's text.
#[tokio::test]
async fn score_text_matches_redis() {
    let redis = RedisServer::start_with(&["--databases", "1"]);
    let ours = Resplite::start();
    let mut pair = Pair::connect(&redis, &ours).await;
    let mut rng = Rng::new(42);
    let mut batch: Vec<(Cmd, Check)> = Vec::new();
    let texts = [
        "0.1",
        "0.3",
        "1.1",
        "3.14159",
        "1e17",
        "1e16",
        "123456789012345678",
        "1.5e-7",
        "2.5e-5",
        "1e-5",
        "0.0001",
        "1e308",
        "-1e-308",
        "4.9e-324",
        "9007199254740993",
        "1e23",
        "-2.5",
        "4503599627370496",
        "4503599627370495.5",
        "-0",
        "1e21",
        "99999999999999999",
    ];
    for (i, t) in texts.iter().enumerate() {
        let m = format!("m{i}").into_bytes();
        batch.push((
            vec![
                b"ZADD".to_vec(),
                b"f".to_vec(),
                t.as_bytes().to_vec(),
                m.clone(),
            ],
            Check::Exact,
        ));
        batch.push((
            vec![b"ZSCORE".to_vec(), b"f".to_vec(), m.clone()],
            Check::Exact,
        ));
        batch.push((
            vec![b"ZINCRBY".to_vec(), b"g".to_vec(), t.as_bytes().to_vec(), m],
            Check::Exact,
        ));
    }
    for _ in 0..300 {
        // Random doubles from random bits (finite only).
        let v = f64::from_bits(rng.next_u64());
        if !v.is_finite() {
            continue;
        }
        let text = format!("{v:e}").into_bytes();
        batch.push((
            vec![b"ZADD".to_vec(), b"r".to_vec(), text.clone(), text.clone()],
            Check::Exact,
        ));
        batch.push((vec![b"ZSCORE".to_vec(), b"r".to_vec(), text], Check::Exact));
    }
    batch.push((
        vec![
            b"ZRANGE".to_vec(),
            b"f".to_vec(),
            b"0".to_vec(),
            b"-1".to_vec(),
            b"WITHSCORES".to_vec(),
        ],
        Check::Exact,
    ));
    pair.run(&batch).await.unwrap();
    let (a, b) = (
        full_zscan(&mut pair.redis, b"f").await,
        full_zscan(&mut pair.ours, b"f").await,
    );
    assert_eq!(a, b);
}
