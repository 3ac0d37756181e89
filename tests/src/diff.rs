//! Differential testing against a real redis-server: the same commands go to both
//! servers and the replies are compared frame by frame (or by a looser [`Check`]
//! where a reply legitimately depends on the clock or on ordering).

use redis_protocol::resp2::types::BytesFrame;

use crate::{encode_command, RawClient, RedisServer, Resplite};

/// A command as raw arguments.
pub type Cmd = Vec<Vec<u8>>;

/// The server's xorshift64*, seeded from a test's number: deterministic,
/// good enough to shuffle a command stream.
pub struct Rng(resplite_core::util::rng::XorShift);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mixed = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        Rng(resplite_core::util::rng::XorShift::new(mixed))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    pub fn below(&mut self, n: usize) -> usize {
        self.0.below(n)
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// How two replies must agree.
#[derive(Clone, Copy, Debug)]
pub enum Check {
    Exact,
    /// An array whose order is unspecified (KEYS).
    Sorted,
    /// TTL/PTTL: -2 and -1 exactly; otherwise both positive and close.
    Ttl {
        tolerance: i64,
    },
    /// EXPIRETIME/PEXPIRETIME: exact for fixed far-future deadlines (at or above
    /// `far`), otherwise a relative deadline on both sides.
    ExpireTime {
        far: i64,
    },
    /// RANDOMKEY: nil on both or a key on both.
    Presence,
}

pub fn show(cmd: &[Vec<u8>]) -> String {
    cmd.iter()
        .map(|a| {
            let text: String = a
                .iter()
                .flat_map(|&b| std::ascii::escape_default(b))
                .map(char::from)
                .collect();
            format!("\"{text}\"")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

pub fn int(frame: &BytesFrame) -> Option<i64> {
    match frame {
        BytesFrame::Integer(n) => Some(*n),
        _ => None,
    }
}

pub fn sorted(frame: &BytesFrame) -> BytesFrame {
    match frame {
        BytesFrame::Array(items) => {
            let mut items = items.clone();
            items.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
            BytesFrame::Array(items)
        }
        other => other.clone(),
    }
}

/// Do the replies agree under `check`?
pub fn agree(check: Check, redis: &BytesFrame, ours: &BytesFrame) -> bool {
    match check {
        Check::Exact => redis == ours,
        Check::Sorted => sorted(redis) == sorted(ours),
        Check::Ttl { tolerance } => match (int(redis), int(ours)) {
            (Some(a), Some(b)) if a < 0 || b < 0 => a == b,
            (Some(a), Some(b)) => (a - b).abs() <= tolerance,
            _ => redis == ours,
        },
        Check::ExpireTime { far } => match (int(redis), int(ours)) {
            (Some(a), Some(b)) if a < 0 || b < 0 || a >= far || b >= far => a == b,
            (Some(_), Some(_)) => true,
            _ => redis == ours,
        },
        Check::Presence => match (redis, ours) {
            (BytesFrame::Null, BytesFrame::Null) => true,
            (BytesFrame::BulkString(_), BytesFrame::BulkString(_)) => true,
            _ => redis == ours,
        },
    }
}

/// Sends each line of `script` (one command per line, arguments split on
/// whitespace, `\xNN` for any other byte: `\x20` is a space, `\x00` a NUL,
/// `""` an empty argument) to both servers and fails on the first differing
/// reply.
pub async fn assert_same_replies(ours: &mut RawClient, redis: &mut RawClient, script: &str) {
    for line in script.lines().filter(|l| !l.trim().is_empty()) {
        let cmd: Vec<Vec<u8>> = line.split_whitespace().map(unescape).collect();
        assert_eq!(ours.call(&cmd).await, redis.call(&cmd).await, "{line}");
    }
}

/// One script argument: `\xNN` escapes decoded, `""` the empty string.
fn unescape(arg: &str) -> Vec<u8> {
    if arg == "\"\"" {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(arg.len());
    let bytes = arg.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 2..i + 4)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (
            bytes[i],
            bytes.get(i + 1),
            hex.and_then(|h| u8::from_str_radix(h, 16).ok()),
        ) {
            (b'\\', Some(b'x'), Some(b)) => {
                out.push(b);
                i += 4;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

pub struct Pair {
    pub redis: RawClient,
    pub ours: RawClient,
}

impl Pair {
    /// Sends a batch (pipelined) to both servers; the first disagreement, if any.
    pub async fn run(&mut self, batch: &[(Cmd, Check)]) -> Result<(), String> {
        self.run_with(batch, agree).await
    }

    /// [`run`](Self::run) with a test's own comparison kinds and rule.
    pub async fn run_with<C: Copy>(
        &mut self,
        batch: &[(Cmd, C)],
        agree: impl Fn(C, &BytesFrame, &BytesFrame) -> bool,
    ) -> Result<(), String> {
        let wire: Vec<u8> = batch.iter().flat_map(|(c, _)| encode_command(c)).collect();
        self.redis.send(&wire).await;
        self.ours.send(&wire).await;
        let mut first = None;
        for (cmd, check) in batch {
            let redis = self.redis.read().await.expect("redis reply");
            let ours = self.ours.read().await.expect("resplite reply");
            if first.is_none() && !agree(*check, &redis, &ours) {
                first = Some(format!(
                    "{}\n  redis:    {redis:?}\n  resplite: {ours:?}",
                    show(cmd)
                ));
            }
        }
        first.map_or(Ok(()), Err)
    }

    pub async fn one(&mut self, cmd: &[&[u8]], check: Check) -> Result<(), String> {
        let cmd: Cmd = cmd.iter().map(|a| a.to_vec()).collect();
        self.run(&[(cmd, check)]).await
    }

    pub async fn connect(redis: &RedisServer, ours: &Resplite) -> Pair {
        Pair {
            redis: RawClient::connect(redis.addr).await,
            ours: ours.raw().await,
        }
    }
}

/// Every key a full SCAN iteration returns, sorted.
pub async fn scan_keys(client: &mut RawClient) -> Vec<Vec<u8>> {
    let mut cursor = b"0".to_vec();
    let mut keys = Vec::new();
    loop {
        let reply = client.call(&[&b"SCAN"[..], &cursor, b"COUNT", b"3"]).await;
        let BytesFrame::Array(parts) = reply else {
            panic!("SCAN reply {reply:?}");
        };
        match (&parts[0], &parts[1]) {
            (BytesFrame::BulkString(next), BytesFrame::Array(found)) => {
                for k in found {
                    if let BytesFrame::BulkString(k) = k {
                        keys.push(k.to_vec());
                    }
                }
                cursor = next.to_vec();
            }
            other => panic!("SCAN reply {other:?}"),
        }
        if cursor == b"0" {
            break;
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

/// A family's randomized command stream, for [`random_streams`].
pub trait Stream {
    /// How two replies must agree (this family's kinds of comparison).
    type Check: Copy;
    fn rng(&mut self) -> &mut Rng;
    fn command(&mut self) -> (Cmd, Self::Check);
    fn agree(check: Self::Check, redis: &BytesFrame, ours: &BytesFrame) -> bool;
    /// Compares the whole keyspace of both servers.
    fn compare_state(pair: &mut Pair) -> impl std::future::Future<Output = Result<(), String>>;
}

/// Starts a redis-server (with `redis_args`) and a resplite, runs
/// [`random_streams`] on them and fails the test listing every failing seed.
pub async fn assert_random_streams<S: Stream>(
    redis_args: &[&str],
    seeds: &[u64],
    per_seed: usize,
    batch_max: impl Fn(usize) -> usize,
    new: impl Fn(u64) -> S,
) {
    let redis = RedisServer::start_with(redis_args);
    let ours = Resplite::start();
    let failures = random_streams(&redis, &ours, seeds, per_seed, batch_max, new).await;
    assert!(failures.is_empty(), "\n{}", failures.join("\n\n"));
}

/// Runs one seeded stream per seed against both servers (FLUSHALL first),
/// comparing every reply and the whole keyspace every 250 commands and at the
/// end. `batch_max(i)` is the largest pipelined batch for seed number `i` (1:
/// one command at a time); `new` makes the stream for a seed. Returns one line
/// per failing seed.
pub async fn random_streams<S: Stream>(
    redis: &RedisServer,
    ours: &Resplite,
    seeds: &[u64],
    per_seed: usize,
    batch_max: impl Fn(usize) -> usize,
    new: impl Fn(u64) -> S,
) -> Vec<String> {
    let mut pair = Pair::connect(redis, ours).await;
    let mut failures = Vec::new();
    for (i, &seed) in seeds.iter().enumerate() {
        pair.one(&[b"FLUSHALL"], Check::Exact)
            .await
            .expect("FLUSHALL");
        let mut gen = new(seed);
        let max = batch_max(i).max(1);
        let mut sent = 0;
        let outcome = loop {
            if sent >= per_seed {
                break S::compare_state(&mut pair).await;
            }
            let size = if max > 1 { 1 + gen.rng().below(max) } else { 1 };
            let batch: Vec<_> = (0..size).map(|_| gen.command()).collect();
            sent += size;
            if let Err(e) = pair.run_with(&batch, S::agree).await {
                break Err(e);
            }
            if sent % 250 < size {
                if let Err(e) = S::compare_state(&mut pair).await {
                    break Err(e);
                }
            }
        };
        if let Err(e) = outcome {
            failures.push(format!("seed {seed} (around command {sent}): {e}"));
            pair = Pair::connect(redis, ours).await;
        }
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::unescape;

    #[test]
    fn script_arguments_unescape() {
        assert_eq!(unescape("a\\x20b"), b"a b");
        assert_eq!(unescape("\\xff\\x00"), [0xff, 0]);
        assert_eq!(unescape("\"\""), b"");
        assert_eq!(unescape("\\xzz"), b"\\xzz");
        assert_eq!(unescape("plain"), b"plain");
    }
}
