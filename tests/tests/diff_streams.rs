//! Differential test for streams: seeded, randomized streams of XADD, XDEL,
//! XTRIM, XGROUP, XREADGROUP, XACK, XCLAIM, XAUTOCLAIM, XPENDING, XINFO ...
//! go to a real redis-server 7 and to resplite, and every reply must be equal
//! frame for frame, except the fields that read the clock (idle times,
//! delivery and seen times), which are masked on both sides. The same
//! commands also run in RESP3 through the redis crate.
//!
//! Ids are explicit (`*` would read each server's clock): an increasing
//! millisecond part with some steps back, so that both accepted and refused
//! XADDs happen. Both servers run with `stream-node-max-entries 4`, so that
//! approximate trims (whole nodes only) are exercised.

use redis::Value;
use redis_protocol::resp2::types::BytesFrame;
use resplite_tests::diff::{random_streams, show, Cmd, Pair, Rng, Stream};
use resplite_tests::{connect, q, RedisServer, Resplite};

const KEYS: &[&[u8]] = &[b"s1", b"s2", b"{s}\x00\xff"];
const STR: &[u8] = b"str";
const GROUPS: &[&[u8]] = &[b"g1", b"g2", b"g\x00\xff"];
const CONSUMERS: &[&[u8]] = &[b"alice", b"bob", b"c\x00d"];
const FIELDS: &[&[u8]] = &[b"f", b"name", b"", b"\x00\xff", b"k k"];
const VALUES: &[&[u8]] = &[b"v", b"1", b"", b"\xff\x00", b"hello world"];

/// How two replies must agree.
#[derive(Clone, Copy, Debug)]
enum Cmp {
    Exact,
    /// Clock fields masked: integers that are ms timestamps, the values of
    /// `idle` and `radix-tree-nodes` (Redis' radix tree has its own shape).
    Masked,
    /// XPENDING's extended form: each row's idle time masked too.
    Pending,
}

/// Masks what reads the clock, in place.
fn mask(frame: &mut BytesFrame, pending_rows: bool) {
    match frame {
        BytesFrame::Integer(n) if *n >= 1_000_000_000_000 => *n = 0,
        BytesFrame::Array(items) => {
            let mut masked_next = false;
            for item in items.iter_mut() {
                if masked_next {
                    *item = BytesFrame::Integer(0);
                    masked_next = false;
                    continue;
                }
                if let BytesFrame::BulkString(b) = item {
                    masked_next = matches!(&b[..], b"idle" | b"radix-tree-nodes");
                }
                mask(item, false);
            }
            if pending_rows {
                for row in items.iter_mut() {
                    if let BytesFrame::Array(cols) = row {
                        if cols.len() == 4 {
                            cols[2] = BytesFrame::Integer(0);
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

fn agree(check: Cmp, redis: &BytesFrame, ours: &BytesFrame) -> bool {
    match check {
        Cmp::Exact => redis == ours,
        Cmp::Masked | Cmp::Pending => {
            let (mut a, mut b) = (redis.clone(), ours.clone());
            mask(&mut a, matches!(check, Cmp::Pending));
            mask(&mut b, matches!(check, Cmp::Pending));
            a == b
        }
    }
}

struct Gen {
    rng: Rng,
    /// The millisecond part new ids grow from.
    ms: u64,
}

impl Gen {
    fn new(seed: u64) -> Gen {
        Gen {
            rng: Rng::new(seed),
            ms: 1,
        }
    }

    fn key(&mut self) -> Vec<u8> {
        if self.rng.chance(5) {
            return STR.to_vec();
        }
        if self.rng.chance(3) {
            return b"nokey".to_vec();
        }
        self.rng.pick(KEYS).to_vec()
    }

    fn pick(&mut self, from: &[&[u8]]) -> Vec<u8> {
        self.rng.pick(from).to_vec()
    }

    /// An id near the ones in use (or a malformed one, rarely).
    fn id(&mut self) -> Vec<u8> {
        if self.rng.chance(4) {
            return self
                .rng
                .pick(&[
                    &b"abc"[..],
                    b"0-0",
                    b"-1",
                    b"1-",
                    b"18446744073709551615-18446744073709551615",
                    b"18446744073709551616",
                ])
                .to_vec();
        }
        let ms = self.rng.below(self.ms as usize + 2) as u64;
        match self.rng.below(3) {
            0 => format!("{ms}").into_bytes(),
            _ => format!("{ms}-{}", self.rng.below(3)).into_bytes(),
        }
    }

    /// An interval end: `-`, `+`, an id, or an exclusive one.
    fn bound(&mut self) -> Vec<u8> {
        match self.rng.below(6) {
            0 => b"-".to_vec(),
            1 => b"+".to_vec(),
            2 => {
                let mut b = b"(".to_vec();
                b.extend(self.id());
                b
            }
            _ => self.id(),
        }
    }

    fn count(&mut self) -> Vec<u8> {
        self.pick(&[b"0", b"1", b"2", b"3", b"5", b"100", b"-1", b"x"])
    }

    fn xadd(&mut self) -> Cmd {
        let mut c = vec![b"XADD".to_vec(), self.key()];
        if self.rng.chance(10) {
            c.push(b"NOMKSTREAM".to_vec());
        }
        if self.rng.chance(35) {
            let minid = self.rng.chance(30);
            c.push(if minid {
                b"MINID".to_vec()
            } else {
                b"MAXLEN".to_vec()
            });
            let approx = self.rng.chance(50);
            match self.rng.below(3) {
                0 => c.push(b"~".to_vec()),
                1 => c.push(b"=".to_vec()),
                _ => {}
            }
            if minid {
                c.push(self.id());
            } else {
                c.push(self.pick(&[b"0", b"1", b"3", b"5", b"8", b"12", b"-1"]));
            }
            if approx && self.rng.chance(40) {
                c.push(b"LIMIT".to_vec());
                c.push(self.pick(&[b"0", b"1", b"4", b"10", b"-1"]));
            }
        }
        // Mostly ids above the top, some at or below it, some generated
        // sequences.
        self.ms += self.rng.below(3) as u64;
        let id = match self.rng.below(10) {
            0 => format!("{}-*", self.ms),
            1 => format!("{}", self.rng.below(self.ms as usize + 1)),
            2 => "0-0".to_string(),
            3 => "0-*".to_string(),
            _ => format!("{}-{}", self.ms, self.rng.below(4)),
        };
        c.push(id.into_bytes());
        let pairs = 1 + self.rng.below(3);
        for _ in 0..pairs {
            c.push(self.pick(FIELDS));
            c.push(self.pick(VALUES));
        }
        if self.rng.chance(3) {
            c.pop();
        }
        c
    }

    fn command(&mut self) -> (Cmd, Cmp) {
        let roll = self.rng.below(100);
        let cmd = match roll {
            0..=24 => return (self.xadd(), Cmp::Exact),
            25..=30 => {
                let mut c = vec![b"XDEL".to_vec(), self.key()];
                for _ in 0..1 + self.rng.below(3) {
                    c.push(self.id());
                }
                c
            }
            31..=34 => {
                let mut c = vec![b"XTRIM".to_vec(), self.key()];
                if self.rng.chance(70) {
                    c.push(b"MAXLEN".to_vec());
                    if self.rng.chance(50) {
                        c.push(b"~".to_vec());
                    }
                    c.push(self.pick(&[b"0", b"2", b"4", b"6", b"10"]));
                } else {
                    c.push(b"MINID".to_vec());
                    if self.rng.chance(50) {
                        c.push(b"~".to_vec());
                    }
                    c.push(self.id());
                }
                if self.rng.chance(15) {
                    c.push(b"LIMIT".to_vec());
                    c.push(self.pick(&[b"1", b"5", b"0"]));
                }
                c
            }
            35..=44 => {
                let rev = self.rng.chance(40);
                let name: &[u8] = if rev { b"XREVRANGE" } else { b"XRANGE" };
                let mut c = vec![name.to_vec(), self.key(), self.bound(), self.bound()];
                if self.rng.chance(40) {
                    c.push(b"COUNT".to_vec());
                    c.push(self.count());
                }
                c
            }
            45..=47 => vec![b"XLEN".to_vec(), self.key()],
            48..=57 => self.xgroup(),
            58..=69 => self.xread(true),
            70..=73 => self.xread(false),
            74..=78 => {
                let mut c = vec![b"XACK".to_vec(), self.key(), self.pick(GROUPS)];
                for _ in 0..1 + self.rng.below(3) {
                    c.push(self.id());
                }
                c
            }
            79..=84 => {
                let mut c = vec![b"XPENDING".to_vec(), self.key(), self.pick(GROUPS)];
                if self.rng.chance(60) {
                    if self.rng.chance(20) {
                        c.push(b"IDLE".to_vec());
                        c.push(b"0".to_vec());
                    }
                    c.push(self.bound());
                    c.push(self.bound());
                    c.push(self.count());
                    if self.rng.chance(40) {
                        c.push(self.pick(CONSUMERS));
                    }
                    return (c, Cmp::Pending);
                }
                c
            }
            85..=89 => self.xclaim(),
            90..=92 => {
                let mut c = vec![
                    b"XAUTOCLAIM".to_vec(),
                    self.key(),
                    self.pick(GROUPS),
                    self.pick(CONSUMERS),
                    self.pick(&[b"0", b"3600000"]),
                    self.bound(),
                ];
                if self.rng.chance(50) {
                    c.push(b"COUNT".to_vec());
                    c.push(self.pick(&[b"1", b"2", b"5", b"0"]));
                }
                if self.rng.chance(30) {
                    c.push(b"JUSTID".to_vec());
                }
                c
            }
            93..=95 => {
                let c = match self.rng.below(4) {
                    0 => vec![b"XINFO".to_vec(), b"GROUPS".to_vec(), self.key()],
                    1 => vec![
                        b"XINFO".to_vec(),
                        b"CONSUMERS".to_vec(),
                        self.key(),
                        self.pick(GROUPS),
                    ],
                    2 => vec![b"XINFO".to_vec(), b"STREAM".to_vec(), self.key()],
                    _ => vec![
                        b"XINFO".to_vec(),
                        b"STREAM".to_vec(),
                        self.key(),
                        b"FULL".to_vec(),
                        b"COUNT".to_vec(),
                        self.pick(&[b"0", b"2"]),
                    ],
                };
                return (c, Cmp::Masked);
            }
            96 => {
                let mut c = vec![b"XSETID".to_vec(), self.key(), self.id()];
                if self.rng.chance(50) {
                    c.extend([
                        b"ENTRIESADDED".to_vec(),
                        self.pick(&[b"0", b"5", b"100"]),
                        b"MAXDELETEDID".to_vec(),
                        self.id(),
                    ]);
                }
                c
            }
            97 => match self.rng.below(4) {
                0 => vec![b"DEL".to_vec(), self.key()],
                1 => vec![b"RENAME".to_vec(), self.key(), self.key()],
                2 => vec![
                    b"COPY".to_vec(),
                    self.key(),
                    self.key(),
                    b"REPLACE".to_vec(),
                ],
                _ => vec![b"TYPE".to_vec(), self.key()],
            },
            98 => vec![b"SET".to_vec(), STR.to_vec(), b"x".to_vec()],
            _ => vec![b"EXISTS".to_vec(), self.key()],
        };
        (cmd, Cmp::Exact)
    }

    fn xgroup(&mut self) -> Cmd {
        let key = self.key();
        let group = self.pick(GROUPS);
        match self.rng.below(6) {
            0 | 1 => {
                let id = match self.rng.below(4) {
                    0 => b"$".to_vec(),
                    1 => b"0".to_vec(),
                    _ => self.id(),
                };
                let mut c = vec![b"XGROUP".to_vec(), b"CREATE".to_vec(), key, group, id];
                if self.rng.chance(50) {
                    c.push(b"MKSTREAM".to_vec());
                }
                if self.rng.chance(20) {
                    c.push(b"ENTRIESREAD".to_vec());
                    c.push(self.pick(&[b"0", b"2", b"-1", b"-5"]));
                }
                c
            }
            2 => {
                let id = if self.rng.chance(30) {
                    b"$".to_vec()
                } else {
                    self.id()
                };
                let mut c = vec![b"XGROUP".to_vec(), b"SETID".to_vec(), key, group, id];
                if self.rng.chance(30) {
                    c.push(b"ENTRIESREAD".to_vec());
                    c.push(self.pick(&[b"0", b"3", b"-1"]));
                }
                c
            }
            3 => vec![b"XGROUP".to_vec(), b"DESTROY".to_vec(), key, group],
            4 => vec![
                b"XGROUP".to_vec(),
                b"CREATECONSUMER".to_vec(),
                key,
                group,
                self.pick(CONSUMERS),
            ],
            _ => vec![
                b"XGROUP".to_vec(),
                b"DELCONSUMER".to_vec(),
                key,
                group,
                self.pick(CONSUMERS),
            ],
        }
    }

    fn xread(&mut self, group: bool) -> Cmd {
        let mut c = if group {
            vec![
                b"XREADGROUP".to_vec(),
                b"GROUP".to_vec(),
                self.pick(GROUPS),
                self.pick(CONSUMERS),
            ]
        } else {
            vec![b"XREAD".to_vec()]
        };
        if self.rng.chance(60) {
            c.push(b"COUNT".to_vec());
            c.push(self.pick(&[b"1", b"2", b"3", b"0", b"-2"]));
        }
        if group && self.rng.chance(15) {
            c.push(b"NOACK".to_vec());
        }
        c.push(b"STREAMS".to_vec());
        let keys = 1 + self.rng.below(2);
        let chosen: Vec<Vec<u8>> = (0..keys).map(|_| self.key()).collect();
        c.extend(chosen);
        for _ in 0..keys {
            let id = match (group, self.rng.below(4)) {
                (true, 0 | 1) => b">".to_vec(),
                (false, 0) => b"$".to_vec(),
                (_, 1) => b"0".to_vec(),
                _ => self.id(),
            };
            c.push(id);
        }
        c
    }

    fn xclaim(&mut self) -> Cmd {
        let mut c = vec![
            b"XCLAIM".to_vec(),
            self.key(),
            self.pick(GROUPS),
            self.pick(CONSUMERS),
            self.pick(&[b"0", b"3600000"]),
        ];
        for _ in 0..1 + self.rng.below(3) {
            c.push(self.id());
        }
        for _ in 0..self.rng.below(3) {
            match self.rng.below(6) {
                0 => c.push(b"JUSTID".to_vec()),
                1 => c.push(b"FORCE".to_vec()),
                2 => c.extend([b"RETRYCOUNT".to_vec(), self.pick(&[b"0", b"7"])]),
                3 => c.extend([b"LASTID".to_vec(), self.id()]),
                // A fixed past delivery time: idle then exceeds any min-idle.
                4 => c.extend([b"TIME".to_vec(), b"1000".to_vec()]),
                _ => c.push(b"BOGUS".to_vec()),
            }
        }
        c
    }
}

/// Compares every stream's entries, counters, groups, consumers and PELs.
async fn compare_state(pair: &mut Pair) -> Result<(), String> {
    let mut batch: Vec<(Cmd, Cmp)> = vec![(vec![b"DBSIZE".to_vec()], Cmp::Exact)];
    for key in KEYS {
        let key = key.to_vec();
        batch.push((vec![b"TYPE".to_vec(), key.clone()], Cmp::Exact));
        batch.push((
            vec![
                b"XRANGE".to_vec(),
                key.clone(),
                b"-".to_vec(),
                b"+".to_vec(),
            ],
            Cmp::Exact,
        ));
        batch.push((
            vec![
                b"XINFO".to_vec(),
                b"STREAM".to_vec(),
                key.clone(),
                b"FULL".to_vec(),
                b"COUNT".to_vec(),
                b"0".to_vec(),
            ],
            Cmp::Masked,
        ));
        for group in GROUPS {
            batch.push((
                vec![b"XPENDING".to_vec(), key.clone(), group.to_vec()],
                Cmp::Exact,
            ));
        }
    }
    pair.run_with(&batch, agree).await
}

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

const SEEDS: [u64; 10] = [1, 2, 3, 4, 5, 6, 7, 8, 0xC0FFEE, 77];
const COMMANDS_PER_SEED: usize = 2500;
const NODE: [&str; 2] = ["--stream-node-max-entries", "4"];

/// Starts both servers with small stream nodes.
fn servers() -> (RedisServer, Resplite) {
    let redis = RedisServer::start_with(&NODE);
    let ours = Resplite::start();
    (redis, ours)
}

async fn small_nodes(pair: &mut Pair) {
    pair.ours
        .call(&[&b"CONFIG"[..], b"SET", b"stream-node-max-entries", b"4"])
        .await;
}

#[tokio::test]
async fn random_stream_commands_match_redis() {
    // Odd seeds pipeline random-sized batches (resplite's group path).
    let pipelined = |i: usize| if i % 2 == 1 { 40 } else { 1 };
    let (redis, ours) = servers();
    {
        let mut pair = Pair::connect(&redis, &ours).await;
        small_nodes(&mut pair).await;
    }
    let failures = random_streams(
        &redis,
        &ours,
        &SEEDS,
        COMMANDS_PER_SEED,
        pipelined,
        Gen::new,
    )
    .await;
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

/// Masks the clock's fields of a RESP3 value (see [`mask`]).
fn mask_value(v: &mut Value, pending_rows: bool) {
    match v {
        Value::Int(n) if *n >= 1_000_000_000_000 => *n = 0,
        Value::Map(pairs) => {
            for (k, val) in pairs.iter_mut() {
                let clocked =
                    matches!(k, Value::BulkString(b) if b == b"idle" || b == b"radix-tree-nodes");
                if clocked {
                    *val = Value::Int(0);
                } else {
                    mask_value(val, false);
                }
            }
        }
        Value::Array(items) => {
            for item in items.iter_mut() {
                mask_value(item, false);
            }
            if pending_rows {
                for row in items.iter_mut() {
                    if let Value::Array(cols) = row {
                        if cols.len() == 4 {
                            cols[2] = Value::Int(0);
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

/// The same kind of random stream, one command at a time, in RESP3 through
/// the redis crate: XREAD and XREADGROUP answer maps, XINFO maps of maps.
#[tokio::test]
async fn random_stream_commands_match_redis_in_resp3() {
    let (redis, ours) = servers();
    {
        let mut pair = Pair::connect(&redis, &ours).await;
        small_nodes(&mut pair).await;
    }
    let url = |base: String| format!("{base}?protocol=resp3");
    let mut theirs = connect(&url(redis.url())).await;
    let mut mine = connect(&url(ours.url())).await;
    let mut failures = Vec::new();
    for seed in [5u64, 6] {
        let _: Value = q(&mut theirs, &[b"FLUSHALL"]).await.unwrap();
        let _: Value = q(&mut mine, &[b"FLUSHALL"]).await.unwrap();
        let mut gen = Gen::new(seed);
        for _ in 0..1500 {
            let (c, check) = gen.command();
            let args: Vec<&[u8]> = c.iter().map(Vec::as_slice).collect();
            let show_v = |r: redis::RedisResult<Value>| match r {
                Ok(mut v) => {
                    if !matches!(check, Cmp::Exact) {
                        mask_value(&mut v, matches!(check, Cmp::Pending));
                    }
                    format!("{v:?}")
                }
                Err(e) => format!("{:?} {:?}", e.code(), e.detail()),
            };
            let a = show_v(q::<Value>(&mut theirs, &args).await);
            let b = show_v(q::<Value>(&mut mine, &args).await);
            if a != b {
                failures.push(format!(
                    "seed {seed}: {}\n  redis:    {a}\n  resplite: {b}",
                    show(&c)
                ));
                break;
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

/// Fixed edge cases, in order; every disagreement is reported.
#[tokio::test]
async fn stream_edge_cases_match_redis() {
    let lines = [
        "XADD",
        "XADD s",
        "XADD s *",
        "XADD s * f",
        "XADD s 1-1 f",
        "XADD s MAXLEN",
        "XADD s MAXLEN 5",
        "XADD s MAXLEN ~ 5 LIMIT 10 MINID 1 1-1 f v",
        "XADD s MAXLEN -1 1-1 f v",
        "XADD s MAXLEN x 1-1 f v",
        "XADD s LIMIT 5 1-1 f v",
        "XADD s MAXLEN 5 LIMIT 5 1-1 f v",
        "XADD s MAXLEN ~ 5 LIMIT -1 1-1 f v",
        "XADD s NOMKSTREAM 1-1 f v",
        "EXISTS s",
        "XADD s 0-0 f v",
        "XADD s 0 f v",
        "XADD s 0-* f v",
        "XADD s 5-* f v",
        "XADD s 5-* f v",
        "XADD s 5 f v",
        "XADD s 4-9 f v",
        "XADD s 18446744073709551615-18446744073709551614 f v",
        "XADD s 18446744073709551615-* f v",
        "XADD s 18446744073709551615-* f v",
        "XADD s 1-1 f v",
        "XRANGE s - +",
        "XRANGE s + -",
        "XRANGE s (- +",
        "XRANGE s - (+",
        "XRANGE s (0-0 +",
        "XRANGE s - (0-0",
        "XRANGE s (18446744073709551615-18446744073709551615 +",
        "XRANGE s - + COUNT",
        "XRANGE s - + COUNT 0",
        "XRANGE s - + COUNT -5",
        "XRANGE s - + COUNT 1 COUNT 2",
        "XRANGE s - + FOO",
        "XRANGE s 5 5",
        "XRANGE s 5-1 (5-2",
        "XREVRANGE s + - COUNT 2",
        "XREVRANGE s (5-2 -",
        "XRANGE nokey x y",
        "XRANGE nokey - +",
        "XLEN s",
        "XDEL s 5-0 5-0 9-9",
        "XDEL nokey bad",
        "XDEL s bad",
        "XINFO STREAM s",
        "XSETID s 1-1",
        "XSETID s 18446744073709551615-18446744073709551615",
        "XSETID s 18446744073709551615-18446744073709551615 ENTRIESADDED 1",
        "XSETID s 18446744073709551615-18446744073709551615 ENTRIESADDED 10 MAXDELETEDID 5-5",
        "XSETID s 1 FOO",
        "XSETID nokey 1-1",
        "XINFO STREAM s",
        "DEL s",
        "XADD s 1-0 a 1",
        "XADD s 2-0 b 2",
        "XADD s 3-0 c 3",
        "XGROUP",
        "XGROUP HELP x",
        "XGROUP FOO",
        "XGROUP CREATE s",
        "XGROUP CREATE s g",
        "XGROUP CREATE nokey g $",
        "XGROUP CREATE s g $ FOO",
        "XGROUP CREATE s g $ ENTRIESREAD -2",
        "XGROUP CREATE s g 0",
        "XGROUP CREATE s g 0",
        "XGROUP CREATE s g2 + ",
        "XGROUP CREATE s g2 $ ENTRIESREAD 3",
        "XGROUP SETID s nog 0",
        "XGROUP SETID s g2 - ENTRIESREAD 0",
        "XGROUP CREATECONSUMER s g alice",
        "XGROUP CREATECONSUMER s g alice",
        "XGROUP CREATECONSUMER s nog alice",
        "XREADGROUP GROUP g alice STREAMS s",
        "XREADGROUP GROUP g alice STREAMS s $",
        "XREADGROUP GROUP nog alice STREAMS s >",
        "XREADGROUP GROUP g alice STREAMS nokey >",
        "XREADGROUP GROUP g alice COUNT 2 STREAMS s >",
        "XREADGROUP GROUP g bob STREAMS s >",
        "XREADGROUP GROUP g bob STREAMS s >",
        "XREADGROUP GROUP g alice STREAMS s 0",
        "XREADGROUP GROUP g alice COUNT 1 STREAMS s 1-0",
        "XREAD STREAMS s >",
        "XREAD GROUP g a STREAMS s 0",
        "XREAD NOACK STREAMS s 0",
        "XREAD STREAMS s 0 1",
        "XREAD COUNT x STREAMS s 0",
        "XREAD BLOCK -1 STREAMS s 0",
        "XREAD BLOCK x STREAMS s 0",
        "XREAD COUNT 1 STREAMS s s 0 1-0",
        "XREAD STREAMS s $",
        "XPENDING s g",
        "XPENDING s g - + 10",
        "XPENDING s g - + 10 bob",
        "XPENDING s g - + 10 nobody",
        "XPENDING s g IDLE 0 - + 10",
        "XPENDING s g IDLE x - + 10",
        "XPENDING s g - +",
        "XPENDING s g (1-0 (3-0 5",
        "XPENDING s nog",
        "XPENDING nokey g",
        "XACK s g 1-0 bad",
        "XACK s g 1-0 1-0",
        "XACK s nog 1-0",
        "XACK nokey g bad",
        "XDEL s 2-0",
        "XREADGROUP GROUP g bob STREAMS s 0",
        "XCLAIM s g carol 0 2-0 3-0",
        "XCLAIM s g carol 0 3-0 JUSTID",
        "XCLAIM s g carol 0 3-0 RETRYCOUNT 9 JUSTID",
        "XCLAIM s g carol x 3-0",
        "XCLAIM s g carol 0 3-0 IDLE x",
        "XCLAIM s g carol 0 3-0 FOO",
        "XCLAIM s g carol 0 1-0 FORCE JUSTID",
        "XCLAIM s g carol 0 1-0 3-0 JUSTID LASTID 9-0",
        "XCLAIM s nog carol 0 1-0",
        "XAUTOCLAIM s g dave 0 0",
        "XAUTOCLAIM s g dave 0 0 COUNT 1 JUSTID",
        "XAUTOCLAIM s g dave 0 0 COUNT 0",
        "XAUTOCLAIM s g dave 0 0 FOO",
        "XAUTOCLAIM s g dave x 0",
        "XAUTOCLAIM s nog dave 0 0",
        "XINFO GROUPS s",
        "XINFO GROUPS nokey",
        "XINFO CONSUMERS s nog",
        "XINFO STREAM s FULL COUNT",
        "XINFO STREAM s FOO",
        "XINFO FOO s",
        "XINFO HELP",
        "XGROUP HELP",
        "XGROUP DELCONSUMER s g carol",
        "XGROUP DELCONSUMER s g carol",
        "XGROUP DESTROY s g",
        "XGROUP DESTROY s g",
        "XINFO GROUPS s",
        "XTRIM s",
        "XTRIM s MAXLEN",
        "XTRIM s MAXLEN 1 LIMIT 1",
        "XTRIM s FOO 1",
        "XTRIM nokey MAXLEN 0",
        "XTRIM s MINID 3",
        "XLEN s",
        "SET str v",
        "XADD str * f v",
        "XRANGE str - +",
        "XLEN str",
        "XREAD STREAMS str 0",
        "XGROUP CREATE str g $",
        "XINFO STREAM str",
        "XPENDING str g",
        "XACK str g 1-0",
        "XDEL str 1-0",
        "XTRIM str MAXLEN 0",
        "XSETID str 1-0",
        "XCLAIM str g c 0 1-0",
        "XAUTOCLAIM str g c 0 0",
        "TYPE s",
        "OBJECT ENCODING s",
        "COPY s s2",
        "XINFO STREAM s2",
        "RENAME s2 s3",
        "XRANGE s3 - +",
    ];
    let (redis, ours) = servers();
    let mut pair = Pair::connect(&redis, &ours).await;
    small_nodes(&mut pair).await;
    let mut failures = Vec::new();
    for line in lines {
        let cmd: Cmd = line
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(|w| w.as_bytes().to_vec())
            .collect();
        let check = if line.starts_with("XINFO") {
            Cmp::Masked
        } else if line.starts_with("XPENDING") {
            Cmp::Pending
        } else {
            Cmp::Exact
        };
        if let Err(e) = pair.run_with(&[(cmd, check)], agree).await {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}
