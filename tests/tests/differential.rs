//! Differential test: the same seeded, randomized command stream goes to a real
//! redis-server 7 and to resplite; every reply must be equal frame for frame.
//!
//! Replies that depend on the clock are compared by what cannot depend on it:
//! every relative TTL used is long (>= 1000 s) and distinct from every other, so
//! no deadline passes during the run and GT/LT never compare two deadlines that
//! could be equal; absolute deadlines are fixed timestamps far in the future (or
//! in the past, which deletes at once), so EXPIRETIME of those is exact.
//!
//! Both servers have 16 databases: a stream that SELECTs another one goes on
//! there on both sides.

use redis_protocol::resp2::types::BytesFrame;
use resplite_tests::diff::{assert_random_streams, Check, Cmd, Pair, Rng, Stream};
use resplite_tests::{RedisServer, Resplite};

const KEYS: &[&[u8]] = &[
    b"a",
    b"b",
    b"c",
    b"k\x00\xff",
    b"\xff\xfe",
    b"key:1",
    b"{t}x",
    b"n",
];

const VALUES: &[&[u8]] = &[
    b"",
    b"0",
    b"1",
    b"-1",
    b"10",
    b"42",
    b"abc",
    b"hello world",
    b"3.5",
    b"0.1",
    b"10.5",
    b"-5",
    b"1e3",
    b"5.0e3",
    b" 1",
    b"01",
    b"9223372036854775806",
    b"-9223372036854775807",
    b"9223372036854775807",
    b"-9223372036854775808",
    b"\x00\xff\r\n",
];

const INTEGERS: &[&[u8]] = &[
    b"1",
    b"-1",
    b"0",
    b"5",
    b"100",
    b"-100",
    b"9223372036854775807",
    b"-9223372036854775808",
    b"9223372036854775808",
    b"-9223372036854775809",
    b"abc",
    b"1.5",
    b"",
    b" 1",
    b"01",
];

const FLOATS: &[&[u8]] = &[
    b"0.1",
    b"10.5",
    b"-5",
    b"1e3",
    b"abc",
    b"0",
    b"-0.1",
    b"3.0e3",
    b"5.0e-3",
    b"2",
    b"inf",
    b"-inf",
    b"",
    b"1.5.5",
    b"1e300",
    b"-1e-20",
    b"1e4000",
    b"123456789.123456789",
    b"+.5",
    b"1e",
    b" 1",
];

/// Expiry amounts that are invalid for SET/GETEX/SETEX (zero, negative, not a
/// number, or overflowing once turned into ms).
const BAD_AMOUNTS: &[&[u8]] = &[b"0", b"-1", b"abc", b"9223372036854775807", b"1.5"];

/// Fixed deadlines (seconds) in 2100 and later: never reached, never equal to a
/// relative deadline (those land within a few years from now).
const FAR_SECS: i64 = 4_102_444_800;
/// Deadlines in the past: the key is deleted at once.
const PAST_SECS: &[i64] = &[1, 1_000_000_000];

struct Gen {
    rng: Rng,
    /// Counts relative TTLs handed out, so each one is distinct.
    ttls: u64,
}

impl Gen {
    fn key(&mut self) -> Vec<u8> {
        self.rng.pick(KEYS).to_vec()
    }

    fn value(&mut self) -> Vec<u8> {
        self.rng.pick(VALUES).to_vec()
    }

    /// A relative TTL in seconds: a multiple of 1000 s, never handed out twice.
    fn rel_secs(&mut self) -> i64 {
        self.ttls += 1;
        // A permutation of 1..=100_003 (prime modulus): distinct, shuffled.
        let slot = (self.ttls * 7919) % 100_003;
        1000 * (1 + slot as i64)
    }

    fn far_secs(&mut self) -> i64 {
        FAR_SECS + 1000 * self.rng.below(8) as i64
    }

    /// A command name in random letter case.
    fn name(&mut self, name: &str) -> Vec<u8> {
        match self.rng.below(4) {
            0 => name.to_ascii_lowercase().into_bytes(),
            1 => name
                .bytes()
                .enumerate()
                .map(|(i, b)| {
                    if i % 2 == 0 {
                        b.to_ascii_lowercase()
                    } else {
                        b
                    }
                })
                .collect(),
            _ => name.as_bytes().to_vec(),
        }
    }

    fn word(&mut self, word: &str) -> Vec<u8> {
        if self.rng.chance(20) {
            word.to_ascii_lowercase().into_bytes()
        } else {
            word.as_bytes().to_vec()
        }
    }

    /// `EX s | PX ms | EXAT ts | PXAT ms`, valid or not. Absolute ones are in the
    /// far future unless `past_ok`.
    fn expiry_option(&mut self, out: &mut Cmd, past_ok: bool) {
        let kw = self.rng.pick(&["EX", "PX", "EXAT", "PXAT"]);
        out.push(self.word(kw));
        let amount: Vec<u8> = match (kw, self.rng.below(10)) {
            (_, 0) => self.rng.pick(BAD_AMOUNTS).to_vec(),
            ("EX", _) => self.rel_secs().to_string().into_bytes(),
            ("PX", _) => (self.rel_secs() * 1000).to_string().into_bytes(),
            ("EXAT", 1) if past_ok => self.rng.pick(PAST_SECS).to_string().into_bytes(),
            ("PXAT", 1) if past_ok => (self.rng.pick(PAST_SECS) * 1000).to_string().into_bytes(),
            ("EXAT", _) => self.far_secs().to_string().into_bytes(),
            _ => (self.far_secs() * 1000 + self.rng.below(1000) as i64)
                .to_string()
                .into_bytes(),
        };
        out.push(amount);
    }

    fn set(&mut self) -> Cmd {
        let mut cmd = vec![self.name("SET"), self.key(), self.value()];
        for _ in 0..self.rng.below(4) {
            match self.rng.below(12) {
                0 | 1 => cmd.push(self.word("NX")),
                2 | 3 => cmd.push(self.word("XX")),
                4 | 5 => cmd.push(self.word("GET")),
                6 => cmd.push(self.word("KEEPTTL")),
                7..=9 => self.expiry_option(&mut cmd, false),
                10 => cmd.push(b"FOO".to_vec()),
                _ => {
                    // An option missing its value.
                    cmd.push(self.word("EX"));
                    break;
                }
            }
        }
        cmd
    }

    fn getex(&mut self) -> Cmd {
        let mut cmd = vec![self.name("GETEX"), self.key()];
        for _ in 0..self.rng.below(3) {
            match self.rng.below(6) {
                0 | 1 => cmd.push(self.word("PERSIST")),
                2..=4 => self.expiry_option(&mut cmd, true),
                _ => cmd.push(b"FOO".to_vec()),
            }
        }
        cmd
    }

    fn expire(&mut self) -> Cmd {
        let name = self
            .rng
            .pick(&["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"]);
        let ms = name.starts_with('P');
        let scale = if ms { 1000 } else { 1 };
        let amount: Vec<u8> = match self.rng.below(10) {
            0 => self
                .rng
                .pick(&[
                    &b"abc"[..],
                    b"",
                    b"1.5",
                    b"9223372036854775807",
                    b"-9223372036854775808",
                ])
                .to_vec(),
            1 => self.rng.pick(&[0, -1, -1000]).to_string().into_bytes(),
            2 if name.ends_with("AT") => {
                (self.rng.pick(PAST_SECS) * scale).to_string().into_bytes()
            }
            _ if name.ends_with("AT") => (self.far_secs() * scale).to_string().into_bytes(),
            _ => (self.rel_secs() * scale).to_string().into_bytes(),
        };
        let mut cmd = vec![self.name(name), self.key(), amount];
        for _ in 0..self.rng.below(3) {
            let opt = self
                .rng
                .pick(&["NX", "XX", "GT", "LT", "NX", "XX", "GT", "LT", "FOO"]);
            cmd.push(self.word(opt));
        }
        cmd
    }

    fn keys(&mut self, min: usize, max: usize) -> Vec<Vec<u8>> {
        (0..min + self.rng.below(max - min + 1))
            .map(|_| self.key())
            .collect()
    }

    fn command(&mut self) -> (Cmd, Check) {
        let r = &mut self.rng;
        let cmd: Cmd = match r.below(44) {
            0 => {
                let mut c = vec![self.name("PING")];
                for _ in 0..self.rng.pick(&[0, 0, 1, 1, 2]) {
                    c.push(self.value());
                }
                c
            }
            1 => vec![self.name("ECHO"), self.value()],
            2 => vec![
                self.name("SELECT"),
                self.rng
                    .pick(&[&b"0"[..], b"1", b"-1", b"abc", b"00", b"4294967296"])
                    .to_vec(),
            ],
            3 => vec![self.name("DBSIZE")],
            4 | 5 => vec![self.name("GET"), self.key()],
            6..=9 => self.set(),
            10 => vec![self.name("SETNX"), self.key(), self.value()],
            11 | 12 => {
                let name = if self.rng.chance(50) {
                    "SETEX"
                } else {
                    "PSETEX"
                };
                let amount = if self.rng.chance(20) {
                    self.rng.pick(BAD_AMOUNTS).to_vec()
                } else {
                    let s = self.rel_secs();
                    let n = if name == "PSETEX" { s * 1000 } else { s };
                    n.to_string().into_bytes()
                };
                vec![self.name(name), self.key(), amount, self.value()]
            }
            13 => vec![self.name("GETSET"), self.key(), self.value()],
            14 => vec![self.name("GETDEL"), self.key()],
            15 | 16 => self.getex(),
            17 => {
                let mut c = vec![self.name("MGET")];
                c.extend(self.keys(1, 4));
                c
            }
            18 | 19 => {
                let name = if self.rng.chance(50) {
                    "MSET"
                } else {
                    "MSETNX"
                };
                let mut c = vec![self.name(name)];
                for _ in 0..1 + self.rng.below(3) {
                    c.push(self.key());
                    c.push(self.value());
                }
                if self.rng.chance(10) {
                    c.pop(); // odd: an arity error
                }
                c
            }
            20 => vec![self.name("APPEND"), self.key(), self.value()],
            21 => vec![self.name("STRLEN"), self.key()],
            22 => {
                let idx = [
                    "0",
                    "1",
                    "3",
                    "-1",
                    "-3",
                    "-100",
                    "100",
                    "abc",
                    "9223372036854775807",
                    "-9223372036854775808",
                ];
                vec![
                    self.name("GETRANGE"),
                    self.key(),
                    self.rng.pick(&idx).into(),
                    self.rng.pick(&idx).into(),
                ]
            }
            23 => {
                let offset = self
                    .rng
                    .pick(&["0", "1", "5", "20", "-1", "abc", "536870912"]);
                vec![
                    self.name("SETRANGE"),
                    self.key(),
                    offset.into(),
                    self.value(),
                ]
            }
            24 => vec![self.name("INCR"), self.key()],
            25 => vec![self.name("DECR"), self.key()],
            26 | 27 => {
                let name = if self.rng.chance(50) {
                    "INCRBY"
                } else {
                    "DECRBY"
                };
                vec![
                    self.name(name),
                    self.key(),
                    self.rng.pick(INTEGERS).to_vec(),
                ]
            }
            28 | 29 => vec![
                self.name("INCRBYFLOAT"),
                self.key(),
                self.rng.pick(FLOATS).to_vec(),
            ],
            30 => {
                let name = if self.rng.chance(50) { "DEL" } else { "UNLINK" };
                let mut c = vec![self.name(name)];
                c.extend(self.keys(1, 3));
                c
            }
            31 => {
                let mut c = vec![self.name("EXISTS")];
                c.extend(self.keys(1, 4));
                let dup = c[1].clone();
                c.push(dup);
                c
            }
            32 => vec![self.name("TYPE"), self.key()],
            33..=35 => self.expire(),
            36 => vec![self.name("PERSIST"), self.key()],
            37 => {
                let name = if self.rng.chance(50) {
                    "RENAME"
                } else {
                    "RENAMENX"
                };
                vec![self.name(name), self.key(), self.key()]
            }
            38 => {
                let name = self.rng.pick(&["TTL", "PTTL"]);
                let check = Check::Ttl {
                    tolerance: if name == "TTL" { 5 } else { 5000 },
                };
                return (vec![self.name(name), self.key()], check);
            }
            39 => {
                let name = self.rng.pick(&["EXPIRETIME", "PEXPIRETIME"]);
                let far = if name == "EXPIRETIME" {
                    FAR_SECS
                } else {
                    FAR_SECS * 1000
                };
                return (vec![self.name(name), self.key()], Check::ExpireTime { far });
            }
            40 => {
                let pattern = self.rng.pick(&["*", "k*", "?", "[ab]*", "*e*", "{t}*"]);
                return (vec![self.name("KEYS"), pattern.into()], Check::Sorted);
            }
            41 => {
                // Unknown commands, with printable arguments (Redis echoes them in
                // the error; RESP error lines must be text).
                let mut c = vec![self.rng.pick(&["FOO", "getx", "SETT", "hello!"]).into()];
                for _ in 0..self.rng.below(3) {
                    c.push(self.rng.pick(&["a", "x y", "1", ""]).into());
                }
                c
            }
            42 => {
                // Wrong arity: a known command with too few or too many arguments.
                let (name, args) = self.rng.pick(&[
                    ("GET", 0),
                    ("GET", 2),
                    ("SET", 1),
                    ("SETNX", 1),
                    ("SETEX", 2),
                    ("GETDEL", 0),
                    ("MGET", 0),
                    ("MSET", 0),
                    ("INCR", 2),
                    ("INCRBY", 1),
                    ("APPEND", 3),
                    ("STRLEN", 0),
                    ("GETRANGE", 2),
                    ("SETRANGE", 4),
                    ("DEL", 0),
                    ("EXISTS", 0),
                    ("TYPE", 2),
                    ("EXPIRE", 1),
                    ("PERSIST", 0),
                    ("RENAME", 1),
                    ("TTL", 0),
                    ("ECHO", 0),
                    ("SELECT", 2),
                    ("DBSIZE", 1),
                    ("KEYS", 0),
                    ("GETEX", 0),
                    ("INCRBYFLOAT", 1),
                ]);
                let mut c = vec![self.name(name)];
                for _ in 0..args {
                    c.push(self.key());
                }
                c
            }
            _ => {
                if self.rng.chance(5) {
                    vec![self.name("FLUSHDB")]
                } else {
                    return (vec![self.name("RANDOMKEY")], Check::Presence);
                }
            }
        };
        (cmd, Check::Exact)
    }
}

/// Compares the whole keyspace: key names (KEYS and a full SCAN), values,
/// types and TTL classes.
async fn compare_state(pair: &mut Pair) -> Result<(), String> {
    pair.one(&[b"DBSIZE"], Check::Exact).await?;
    pair.one(&[b"KEYS", b"*"], Check::Sorted).await?;
    let redis_keys = resplite_tests::diff::scan_keys(&mut pair.redis).await;
    let our_keys = resplite_tests::diff::scan_keys(&mut pair.ours).await;
    if redis_keys != our_keys {
        return Err(format!(
            "SCAN keys differ\n  redis:    {redis_keys:?}\n  resplite: {our_keys:?}"
        ));
    }
    for key in KEYS {
        pair.one(&[b"TYPE", key], Check::Exact).await?;
        pair.one(&[b"GET", key], Check::Exact).await?;
        pair.one(&[b"PTTL", key], Check::Ttl { tolerance: 5000 })
            .await?;
        pair.one(
            &[b"PEXPIRETIME", key],
            Check::ExpireTime {
                far: FAR_SECS * 1000,
            },
        )
        .await?;
    }
    Ok(())
}

const SEEDS: [u64; 4] = [1, 2, 3, 0xC0FFEE];
const COMMANDS_PER_SEED: usize = 1500;

impl Stream for Gen {
    type Check = Check;

    fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }

    fn command(&mut self) -> (Cmd, Check) {
        Gen::command(self)
    }

    fn agree(check: Check, redis: &BytesFrame, ours: &BytesFrame) -> bool {
        resplite_tests::diff::agree(check, redis, ours)
    }

    async fn compare_state(pair: &mut Pair) -> Result<(), String> {
        compare_state(pair).await
    }
}

#[tokio::test]
async fn random_streams_match_redis() {
    // The last seed goes pipelined in random-sized batches (resplite's
    // group-commit path); the others one command at a time.
    let pipelined = |i: usize| if i == SEEDS.len() - 1 { 64 } else { 1 };
    assert_random_streams(&[], &SEEDS, COMMANDS_PER_SEED, pipelined, |seed| Gen {
        rng: Rng::new(seed),
        ttls: 1000 * seed,
    })
    .await;
}

/// A command written as space-separated words.
fn words(line: &str) -> Cmd {
    line.split(' ').map(|w| w.as_bytes().to_vec()).collect()
}

/// Fixed edge cases, run in order against both servers (later lines see the keys
/// earlier lines made). Every disagreement is reported, not only the first.
#[tokio::test]
async fn edge_cases_match_redis() {
    let long_arg = "x".repeat(200);
    let many_args = format!("FOO{}", " abcdefghij".repeat(30));
    let far = FAR_SECS + 12_345;
    let mut table: Vec<(Cmd, Check)> = [
        // Wrong arity, for every command.
        "GET",
        "GET a b",
        "SET a",
        "SETNX a",
        "SETEX a 10",
        "PSETEX a 10",
        "GETSET a",
        "GETDEL",
        "GETDEL a b",
        "GETEX",
        "MGET",
        "MSET",
        "MSET a",
        "MSET a 1 b",
        "MSETNX a",
        "MSETNX a 1 b",
        "APPEND a",
        "STRLEN",
        "GETRANGE a 0",
        "SETRANGE a 0",
        "INCR",
        "INCR a b",
        "DECR",
        "INCRBY a",
        "DECRBY a",
        "INCRBYFLOAT a",
        "DEL",
        "UNLINK",
        "EXISTS",
        "TYPE",
        "TYPE a b",
        "EXPIRE a",
        "PEXPIRE a",
        "EXPIREAT a",
        "PEXPIREAT a",
        "PERSIST",
        "RENAME a",
        "RENAMENX a b c",
        "TTL",
        "PTTL a b",
        "EXPIRETIME",
        "PEXPIRETIME",
        "KEYS",
        "DBSIZE x",
        "ECHO",
        "ECHO a b",
        "PING a b",
        "SELECT",
        "SELECT 0 1",
        "RANDOMKEY x",
        // Unknown commands: the error quotes the name and the first arguments.
        "FOO",
        "FOO a b",
        "foo x y z",
        &format!("FOO {long_arg}"),
        &format!("FOO a {long_arg} b"),
        &many_args,
        &format!("{long_arg} a"),
        "FOO k\0z",
        // SELECT: only database 0 exists on both.
        "SELECT 0",
        "SELECT 1",
        "SELECT -1",
        "SELECT abc",
        "SELECT 00",
        "SELECT 2147483648",
        "SELECT 4294967296",
        "SELECT -2147483649",
        // SET options.
        "SET a b NX NX",
        "SET a b XX XX",
        "SET a b NX XX",
        "SET a b GET GET",
        "SET a b KEEPTTL KEEPTTL",
        "SET a b EX 100 EX 100",
        "SET a b EX 100 PX 100000",
        "SET a b EX 100 KEEPTTL",
        "SET a b KEEPTTL EX 100",
        "SET a b EX abc FOO",
        "SET a b EX 0 FOO",
        "SET a b FOO EX 0",
        "SET a b EX 0",
        "SET a b EX -1",
        "SET a b PX 0",
        "SET a b EXAT 0",
        "SET a b PXAT -5",
        "SET a b EX abc",
        "SET a b EX 1.5",
        "SET a b EX 9223372036854775807",
        "SET a b PX 9223372036854775807",
        "SET a b EXAT 9223372036854775807",
        "SET a b PXAT 9223372036854775807",
        "SET a b EX",
        "SET a b EX NX",
        "SET a b ex 100 nx",
        "SET a c NX GET",
        "SET a d XX GET",
        "SET fresh v XX GET",
        "SET fresh v NX GET",
        "SET a b KEEPTTL GET",
        "GET a",
        "SET gone v EXAT 1",
        "GET gone",
        "EXISTS gone",
        "SET gone v PXAT 1",
        "GET gone",
        // GETEX options.
        "SET s hello",
        "GETEX s PERSIST PERSIST",
        "GETEX s EX 100 PERSIST",
        "GETEX s PERSIST EX 100",
        "GETEX s EX 100 EX 100",
        "GETEX s EX abc FOO",
        "GETEX s EX 0",
        "GETEX s PX -1",
        "GETEX s EX",
        "GETEX s FOO",
        "GETEX s EX 9223372036854775807",
        "GETEX nope EX 0",
        "GETEX nope FOO",
        "GETEX nope EX 100",
        "GETEX s persist",
        "GETEX s",
        // Expire options.
        "EXPIRE s 1000 NX XX",
        "EXPIRE s 1000 GT LT",
        "EXPIRE s 1000 NX GT",
        "EXPIRE s 1000 LT NX",
        "EXPIRE s 1000 XX XX",
        "EXPIRE s 1000 FOO",
        "EXPIRE s 1000 NX FOO",
        "EXPIRE s abc",
        "EXPIRE s abc FOO",
        "EXPIRE nope 1000 FOO",
        "EXPIRE s 1000 XX",
        "EXPIRE s 1000 GT",
        "EXPIRE s 1000 LT",
        "EXPIRE s 1000 NX",
        "EXPIRE s 2000 xx gt",
        "EXPIRE s 500 XX LT",
        "EXPIRE s 9223372036854775807",
        "EXPIRE s -9223372036854775808",
        "PEXPIRE s 9223372036854775807",
        "EXPIREAT s 9223372036854775807",
        &format!("EXPIREAT s {far}"),
        "EXPIRETIME s",
        "PEXPIRETIME s",
        &format!("PEXPIREAT s {}", far * 1000 + 7),
        "EXPIRETIME s",
        "PEXPIRETIME s",
        &format!("EXPIREAT s {} GT", far - 1),
        &format!("EXPIREAT s {} LT", far - 1),
        "PEXPIRETIME s",
        "PEXPIREAT s 9223372036854775807",
        "PEXPIRETIME s",
        "EXPIRETIME s",
        "PERSIST s",
        "PERSIST s",
        "EXPIRETIME s",
        "EXPIRETIME nope",
        "PEXPIRE s -1",
        "EXISTS s",
        "SET s hello",
        "EXPIREAT s 1 GT",
        "EXPIREAT s 1",
        "GET s",
        // Integer edges.
        "SET big 9223372036854775807",
        "INCR big",
        "INCRBY big 1",
        "DECRBY big -1",
        "DECRBY big 1",
        "SET min -9223372036854775808",
        "DECR min",
        "DECRBY min 1",
        "INCRBY min -1",
        "DECRBY min -9223372036854775807",
        "DECRBY x -9223372036854775808",
        "DECRBY x 9223372036854775807",
        "INCRBY x 9223372036854775808",
        "INCRBY x abc",
        "INCRBY x 01",
        "SET x 1.0",
        "INCR x",
        "SET x 01",
        "INCR x",
        "SET x 0",
        "INCR x",
        // Floats.
        "SET f 10.50",
        "INCRBYFLOAT f 0.1",
        "SET f 5.0e3",
        "INCRBYFLOAT f 2.0e2",
        "INCRBYFLOAT f abc",
        "INCRBYFLOAT f inf",
        "INCRBYFLOAT f -inf",
        "INCRBYFLOAT f 1e3",
        "INCRBYFLOAT f -5",
        "INCRBYFLOAT nf 3.0e3",
        "INCRBYFLOAT nf2 0.1",
        "INCRBYFLOAT nf2 0.2",
        "INCRBYFLOAT nf2 -0.3",
        "INCRBYFLOAT hello 1",
        "SET hello world",
        "INCRBYFLOAT hello 1",
        // Ranges.
        "SET s hello",
        "GETRANGE s 0 -1",
        "GETRANGE s -100 100",
        "GETRANGE s 3 1",
        "GETRANGE s -1 -5",
        "GETRANGE s -3 -1",
        "GETRANGE s 4 100",
        "GETRANGE s 5 100",
        "GETRANGE s abc 1",
        "GETRANGE s -9223372036854775808 9223372036854775807",
        "GETRANGE nope 0 1",
        "SETRANGE s -1 x",
        "SETRANGE s abc x",
        "SETRANGE s 536870912 x",
        "SETRANGE s 536870911 xy",
        "SETRANGE nope 536870912 x",
        "SETRANGE s 10 x",
        "GET s",
        "SETRANGE s 1 E",
        "SETRANGE nope 5 x",
        "GET nope",
        "DEL nope",
        "APPEND s !",
        "STRLEN s",
        "STRLEN nope",
        // Keys.
        "RENAME s s",
        "RENAMENX s s",
        "RENAME nope x",
        "RENAMENX nope x",
        "RENAME s t",
        "EXISTS s t t",
        "RENAMENX t a",
        "MSETNX n1 1 n1 2",
        "GET n1",
        "MSETNX n1 1 n3 2",
        "EXISTS n3",
        "MSET m1 1 m1 2",
        "MGET m1 nope m1",
        "DEL m1 m1 nope",
        "UNLINK a t",
        "TYPE nope",
        "TYPE n1",
        "GetDel n1",
        "geTDEL n1",
        "FLUSHDB FOO",
        "FLUSHALL SYNC",
        "DBSIZE",
        "RANDOMKEY",
    ]
    .iter()
    .map(|line| (words(line), Check::Exact))
    .collect();
    // Arguments the word splitter cannot express: empty and binary ones.
    let binary: Vec<Cmd> = vec![
        vec![b"".to_vec()],
        vec![b"".to_vec(), b"a".to_vec()],
        vec![b"FOO".to_vec(), b"".to_vec(), b"x".to_vec()],
        vec![b"SET".to_vec(), b"k\x00\xff".to_vec(), b"\x00\r\n".to_vec()],
        vec![b"GET".to_vec(), b"k\x00\xff".to_vec()],
        vec![b"APPEND".to_vec(), b"k\x00\xff".to_vec(), b"\xff".to_vec()],
        vec![
            b"GETRANGE".to_vec(),
            b"k\x00\xff".to_vec(),
            b"1".to_vec(),
            b"-1".to_vec(),
        ],
        vec![
            b"SETRANGE".to_vec(),
            b"".to_vec(),
            b"2".to_vec(),
            b"ab".to_vec(),
        ],
        vec![b"GET".to_vec(), b"".to_vec()],
        vec![b"INCRBY".to_vec(), b"k".to_vec(), b"".to_vec()],
        vec![b"SET".to_vec(), b"k".to_vec(), b"".to_vec()],
        vec![b"INCR".to_vec(), b"k".to_vec()],
        vec![b"INCRBYFLOAT".to_vec(), b"k".to_vec(), b"1".to_vec()],
        vec![b"ECHO".to_vec(), b"".to_vec()],
        vec![b"PING".to_vec(), b"\x00".to_vec()],
        vec![b"KEYS".to_vec(), b"*".to_vec()],
    ];
    table.extend(binary.into_iter().map(|c| {
        let check = if c[0] == b"KEYS" {
            Check::Sorted
        } else {
            Check::Exact
        };
        (c, check)
    }));

    let redis = RedisServer::start().await;
    let ours = Resplite::start();
    let mut pair = Pair::connect(&redis, &ours).await;
    let mut failures = Vec::new();
    for entry in &table {
        if let Err(e) = pair.run(std::slice::from_ref(entry)).await {
            failures.push(e);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} edge cases differ:\n{}",
        failures.len(),
        table.len(),
        failures.join("\n")
    );
}
