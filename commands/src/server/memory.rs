//! MEMORY USAGE / STATS / DOCTOR / MALLOC-STATS / PURGE.
//!
//! resplite's values live on disk, so MEMORY USAGE is an estimate of what the
//! key would take in Redis' memory: key and value bytes plus Redis-like
//! per-key and per-element overheads, containers estimated from their count
//! and a sample of elements (SAMPLES, default 5, 0 = all), as Redis does.

use resplite_core::prelude::*;
use resplite_core::util::number::parse_i64;

use super::process;
use super::subcommand::{help, unknown, Sub};

/// Per key: the dict entry, the key object and its header.
const KEY_OVERHEAD: u64 = 48;
/// Per container element: the node or entry holding it.
const ELEMENT_OVERHEAD: u64 = 16;

enum Memory {
    Usage { key: Bytes, samples: u64 },
    Stats,
    Doctor,
    MallocStats,
    Purge,
    Help,
}

/// MEMORY <subcommand> [args...]
pub struct MemoryCmd(Memory);

/// MEMORY's subcommands, as Redis 7.0 lists them.
const SUBCOMMANDS: &[SubSpec] = &[
    SubSpec::new("doctor", 2),
    SubSpec::new("help", 2),
    SubSpec::new("malloc-stats", 2),
    SubSpec::new("purge", 2),
    SubSpec::new("stats", 2),
    SubSpec::new("usage", -3).keys(2, 2, 1),
];

impl Command for MemoryCmd {
    const SPEC: CommandSpec = CommandSpec::new("memory", -2, Flags::NONE, "server")
        .subcommands(SUBCOMMANDS)
        .summary("A container for memory diagnostics commands.")
        .since("4.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let sub = Sub::read(args)?;
        let check = |args: &Args, n| sub.check("MEMORY", args, n);
        let m = match sub.name.as_str() {
            "usage" => {
                check(args, -3)?;
                let key = args.bytes()?;
                let mut samples = 5;
                args.options(|kw, args| {
                    if kw != "SAMPLES" {
                        return Ok(false);
                    }
                    let n = parse_i64(&args.bytes()?).ok_or(CommandError::NotInteger)?;
                    if n < 0 {
                        return Err(CommandError::Syntax);
                    }
                    samples = if n == 0 { u64::MAX } else { n as u64 };
                    Ok(true)
                })?;
                Memory::Usage { key, samples }
            }
            "stats" => check(args, 2).map(|_| Memory::Stats)?,
            "doctor" => check(args, 2).map(|_| Memory::Doctor)?,
            "malloc-stats" => check(args, 2).map(|_| Memory::MallocStats)?,
            "purge" => check(args, 2).map(|_| Memory::Purge)?,
            "help" => check(args, 2).map(|_| Memory::Help)?,
            _ => return Err(unknown("MEMORY", &sub.raw)),
        };
        Ok(MemoryCmd(m))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(match self.0 {
            Memory::Usage { key, samples } => match usage(ctx.engine, &key, samples)? {
                Some(bytes) => Reply::Int(bytes as i64),
                None => Reply::Nil,
            },
            Memory::Stats => {
                let (rss, peak) = process::memory();
                let keys = ctx.engine.dbsize()?;
                let int = |n: u64| Reply::Int(n as i64);
                let pairs = vec![
                    ("peak.allocated", int(peak)),
                    ("total.allocated", int(rss)),
                    ("startup.allocated", int(0)),
                    ("replication.backlog", int(0)),
                    ("clients.slaves", int(0)),
                    ("clients.normal", int(0)),
                    ("cluster.links", int(0)),
                    ("aof.buffer", int(0)),
                    ("lua.caches", int(0)),
                    ("functions.caches", int(0)),
                    ("overhead.total", int(0)),
                    ("keys.count", int(keys)),
                    (
                        "keys.bytes-per-key",
                        int(rss.checked_div(keys).unwrap_or(0)),
                    ),
                    ("dataset.bytes", int(rss)),
                    ("dataset.percentage", Reply::Double(100.0)),
                    ("peak.percentage", Reply::Double(percent(rss, peak))),
                    ("fragmentation", Reply::Double(1.0)),
                    ("fragmentation.bytes", int(0)),
                ];
                Reply::Map(
                    pairs
                        .into_iter()
                        .map(|(k, v)| (Reply::bulk(k), v))
                        .collect(),
                )
            }
            Memory::Doctor => Reply::bulk(
                "Hi Sam, I can't find any memory issue in your instance. I can only account \
                 for what occurs on this base.",
            ),
            Memory::MallocStats => Reply::bulk("Stats not supported for the current allocator"),
            Memory::Purge => Reply::ok(),
            Memory::Help => help(
                "MEMORY",
                &[
                    "DOCTOR",
                    "    Return memory problems reports.",
                    "MALLOC-STATS",
                    "    Return internal statistics report from the memory allocator.",
                    "PURGE",
                    "    Attempt to purge dirty pages for reclamation by the allocator.",
                    "STATS",
                    "    Return information about the memory usage of the server.",
                    "USAGE <key> [SAMPLES <count>]",
                    "    Return memory in bytes used by <key> and its value. Nested values are",
                    "    sampled up to <count> times (default: 5, 0 means sample all).",
                ],
            ),
        })
    }
}

fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        100.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

/// The estimate for one key; `None` if it does not exist.
fn usage(engine: &mut dyn Engine, key: &[u8], samples: u64) -> Result<Option<u64>, CommandError> {
    let Some(meta) = engine.meta(key)? else {
        return Ok(None);
    };
    let base = KEY_OVERHEAD + key.len() as u64;
    let (count, sampled): (u64, Vec<u64>) = match meta.key_type {
        KeyType::String => {
            let len = engine.get_string(key)?.map_or(0, |v| v.len() as u64);
            return Ok(Some(round8(base + len)));
        }
        KeyType::Hash => (
            engine.hlen(key)?,
            engine
                .hrandom(key, samples, true)?
                .iter()
                .map(|(f, v)| (f.len() + v.len()) as u64 + ELEMENT_OVERHEAD)
                .collect(),
        ),
        KeyType::Set => (
            engine.scard(key)?,
            engine
                .srandom(key, samples, true)?
                .iter()
                .map(|m| m.len() as u64)
                .collect(),
        ),
        KeyType::List => (
            engine.list_len(key)?,
            engine
                .list_range(key, 0, i64::try_from(samples).unwrap_or(i64::MAX) - 1)?
                .iter()
                .map(|v| v.len() as u64)
                .collect(),
        ),
        KeyType::ZSet => (
            engine.zcard(key)?,
            engine
                .zrandmember(key, i64::try_from(samples).unwrap_or(i64::MAX))?
                .iter()
                // The score, and the skiplist node next to the dict entry.
                .map(|(m, _)| m.len() as u64 + 8 + ELEMENT_OVERHEAD)
                .collect(),
        ),
        KeyType::Stream => {
            let len = engine.xmeta(key)?.map_or(0, |m| m.length);
            let first = resplite_core::engine::stream::StreamId::MIN;
            let last = resplite_core::engine::stream::StreamId::MAX;
            (
                len,
                engine
                    .xrange(key, first, last, samples, false)?
                    .iter()
                    // The id, and the fields as a listpack holds them.
                    .map(|e| {
                        16 + e
                            .fields
                            .iter()
                            .map(|(f, v)| (f.len() + v.len()) as u64 + 4)
                            .sum::<u64>()
                    })
                    .collect(),
            )
        }
    };
    let avg = if sampled.is_empty() {
        0
    } else {
        sampled.iter().sum::<u64>() / sampled.len() as u64
    };
    Ok(Some(round8(base + count * (avg + ELEMENT_OVERHEAD))))
}

/// Allocations come in 8-byte steps.
fn round8(n: u64) -> u64 {
    n.div_ceil(8) * 8
}

register_command!(MemoryCmd);
