//! XREAD [COUNT count] [BLOCK ms] STREAMS key [key ...] id [id ...] and
//! XREADGROUP GROUP group consumer [COUNT count] [BLOCK ms] [NOACK] STREAMS
//! key [key ...] id [id ...].
//!
//! A read that finds nothing and may block asks the executor to wait on its
//! keys, and to re-run it, when one is written, with every `$` replaced by
//! the id it meant when it blocked (and COUNT at Redis' blocked default).
//! An XREADGROUP re-run also learns that its stream or group is gone, and
//! answers what Redis answers a blocked reader then.

use std::time::Duration;

use resplite_core::engine::stream::{PendingEntry, PendingQuery, StreamId};
use resplite_core::prelude::*;

use super::{
    entry_at, entry_reply, estimate_entries_read, has_tombstones_from, id_reply, last_valid_id,
    no_group, parse_strict_id,
};

/// COUNT of a blocked read served later, when none was given.
const BLOCKED_DEFAULT_COUNT: i64 = 1000;

pub struct Read {
    group: Option<(Bytes, Bytes)>,
    noack: bool,
    count: i64,
    /// `None`: no BLOCK; `Some(None)`: block forever.
    block: Option<Option<Duration>>,
    keys: Vec<Bytes>,
    ids: Vec<Bytes>,
}

/// A BLOCK timeout in milliseconds (`getTimeoutFromObjectOrReply`).
fn parse_block(arg: &[u8]) -> Result<Option<Duration>, CommandError> {
    let ms = resplite_core::util::number::parse_i64(arg)
        .ok_or_else(|| CommandError::other("ERR timeout is not an integer or out of range"))?;
    if ms < 0 {
        return Err(CommandError::other("ERR timeout is negative"));
    }
    Ok((ms > 0).then(|| Duration::from_millis(ms as u64)))
}

fn parse_read(args: &mut Args, group_cmd: bool) -> Result<Read, CommandError> {
    let mut read = Read {
        group: None,
        noack: false,
        count: 0,
        block: None,
        keys: Vec::new(),
        ids: Vec::new(),
    };
    let mut streams = false;
    while let Some(opt) = args.peek().cloned() {
        let more = args.remaining() - 1;
        args.bytes()?;
        let word = opt.to_ascii_uppercase();
        match &word[..] {
            b"BLOCK" if more > 0 => read.block = Some(parse_block(&args.bytes()?)?),
            b"COUNT" if more > 0 => read.count = args.i64()?.max(0),
            b"STREAMS" if more > 0 => {
                let rest = args.rest();
                if !rest.len().is_multiple_of(2) {
                    return Err(CommandError::other(
                        "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.",
                    ));
                }
                let half = rest.len() / 2;
                read.keys = rest[..half].to_vec();
                read.ids = rest[half..].to_vec();
                streams = true;
                break;
            }
            b"GROUP" if more >= 2 => {
                if !group_cmd {
                    return Err(CommandError::other(
                        "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.",
                    ));
                }
                read.group = Some((args.bytes()?, args.bytes()?));
            }
            b"NOACK" => {
                if !group_cmd {
                    return Err(CommandError::other(
                        "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.",
                    ));
                }
                read.noack = true;
            }
            _ => return Err(CommandError::Syntax),
        }
    }
    if !streams {
        return Err(CommandError::Syntax);
    }
    if group_cmd && read.group.is_none() {
        return Err(CommandError::other(
            "ERR Missing GROUP option for XREADGROUP",
        ));
    }
    Ok(read)
}

/// What a key's id argument asks for.
#[derive(Clone, Copy)]
enum From {
    /// Entries after this id (XREAD, or `$` resolved).
    After(StreamId),
    /// `>`: entries never delivered to the group.
    New,
    /// A consumer's own pending entries after this id.
    History(StreamId),
}

/// Delivers new entries to a group's consumer (`streamReplyWithRange` with
/// a group): moves the group's last id and entries-read, and adds PEL rows
/// unless NOACK.
fn deliver_new(
    ctx: &mut Ctx,
    key: &[u8],
    group: &[u8],
    consumer: &[u8],
    count: i64,
    noack: bool,
) -> Result<Reply, CommandError> {
    let info = ctx.engine.xgroup(key, group)?.expect("group checked");
    let meta = ctx.engine.xmeta(key)?.expect("stream checked");
    let Some(start) = info.last_id.next() else {
        return Ok(Reply::Array(Vec::new()));
    };
    let entries = ctx
        .engine
        .xrange(key, start, StreamId::MAX, count as u64, false)?;
    let (mut last_id, mut entries_read) = (info.last_id, info.entries_read);
    let now = ctx.now_ms();
    for e in &entries {
        entries_read = match entries_read {
            Some(n) if !has_tombstones_from(&meta, e.id) => Some(n + 1),
            _ if meta.entries_added > 0 => estimate_entries_read(&meta, e.id),
            other => other,
        };
        last_id = e.id;
        if !noack {
            ctx.engine.xpending_put(
                key,
                group,
                &PendingEntry {
                    id: e.id,
                    consumer: consumer.to_vec(),
                    delivered_at: now,
                    deliveries: 1,
                },
            )?;
        }
    }
    if !entries.is_empty() {
        ctx.engine.xgroup_set(key, group, last_id, entries_read)?;
    }
    Ok(Reply::Array(entries.into_iter().map(entry_reply).collect()))
}

/// A consumer's pending entries after `after` (its history): deleted entries
/// come back as `[id, nil]`; the others count one more delivery.
fn deliver_history(
    ctx: &mut Ctx,
    key: &[u8],
    group: &[u8],
    consumer: &[u8],
    after: StreamId,
    count: i64,
) -> Result<Reply, CommandError> {
    let Some(start) = after.next() else {
        return Ok(Reply::Array(Vec::new()));
    };
    let pel = ctx.engine.xpending(
        key,
        group,
        PendingQuery {
            consumer: Some(consumer),
            start,
            end: StreamId::MAX,
            count: if count == 0 { u64::MAX } else { count as u64 },
            delivered_before: None,
        },
    )?;
    let now = ctx.now_ms();
    let mut out = Vec::with_capacity(pel.len());
    for mut p in pel {
        match entry_at(ctx, key, p.id)? {
            Some(entry) => {
                p.delivered_at = now;
                p.deliveries += 1;
                ctx.engine.xpending_put(key, group, &p)?;
                out.push(entry_reply(entry));
            }
            None => out.push(Reply::Array(vec![id_reply(p.id), Reply::NilArray])),
        }
    }
    Ok(Reply::Array(out))
}

fn read(cmd: Read, ctx: &mut Ctx, name: &str) -> Result<Reply, CommandError> {
    if cmd.block.is_some() && ctx.coord.in_script() {
        return Err(CommandError::other(format!(
            "ERR {name} command is not allowed with BLOCK option from scripts"
        )));
    }
    let waking = ctx.coord.waking();
    let group = cmd.group.as_ref();
    let mut froms = Vec::with_capacity(cmd.keys.len());
    for (key, arg) in cmd.keys.iter().zip(&cmd.ids) {
        let meta = match ctx.engine.xmeta(key) {
            // A blocked reader's stream became another type: Redis tells
            // XREADGROUP it is gone (XREAD keeps waiting).
            Err(resplite_core::EngineError::WrongType) if waking && group.is_some() => None,
            other => other?,
        };
        if let Some((g, _)) = group {
            if meta.is_none() && waking {
                return Err(CommandError::other(
                    "UNBLOCKED the stream key no longer exists",
                ));
            }
            if meta.is_none() || ctx.engine.xgroup(key, g)?.is_none() {
                if waking {
                    return Err(CommandError::other(
                        "NOGROUP the consumer group this client was blocked on no longer exists",
                    ));
                }
                return Err(no_group(key, g, " in XREADGROUP with GROUP option"));
            }
        }
        let from = match &arg[..] {
            b"$" if group.is_some() => {
                return Err(CommandError::other(
                    "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.",
                ))
            }
            b"$" => From::After(meta.map_or(StreamId::MIN, |m| m.last_id)),
            b">" if group.is_none() => {
                return Err(CommandError::other(
                    "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.",
                ))
            }
            b">" => From::New,
            // Redis marks `>` with the largest id: writing that id means `>`.
            id if group.is_some() => match parse_strict_id(id)? {
                StreamId::MAX => From::New,
                id => From::History(id),
            },
            id => From::After(parse_strict_id(id)?),
        };
        froms.push((meta, from));
    }
    let mut served = Vec::new();
    for (key, (meta, from)) in cmd.keys.iter().zip(&froms) {
        let Some(meta) = meta else {
            continue;
        };
        let reply = match (*from, group) {
            (From::After(after), None) => {
                if meta.length == 0 || last_valid_id(ctx, key)?.is_none_or(|top| top <= after) {
                    continue;
                }
                let Some(start) = after.next() else {
                    continue;
                };
                let entries =
                    ctx.engine
                        .xrange(key, start, StreamId::MAX, cmd.count as u64, false)?;
                Reply::Array(entries.into_iter().map(entry_reply).collect())
            }
            (From::New, Some((g, consumer))) => {
                let last = ctx.engine.xgroup(key, g)?.expect("group checked").last_id;
                if meta.length == 0 || last_valid_id(ctx, key)?.is_none_or(|top| top <= last) {
                    continue;
                }
                touch_consumer(ctx, key, g, consumer)?;
                deliver_new(ctx, key, g, consumer, cmd.count, cmd.noack)?
            }
            (From::History(after), Some((g, consumer))) => {
                touch_consumer(ctx, key, g, consumer)?;
                deliver_history(ctx, key, g, consumer, after, cmd.count)?
            }
            _ => unreachable!("ids were matched to the command"),
        };
        served.push((key.clone(), reply));
    }
    if !served.is_empty() {
        if ctx.session.resp >= 3 {
            return Ok(Reply::Map(
                served
                    .into_iter()
                    .map(|(k, r)| (Reply::Bulk(k), r))
                    .collect(),
            ));
        }
        return Ok(Reply::Array(
            served
                .into_iter()
                .map(|(k, r)| Reply::Array(vec![Reply::Bulk(k), r]))
                .collect(),
        ));
    }
    let Some(timeout) = cmd.block else {
        return Ok(Reply::NilArray);
    };
    if ctx.coord.may_block() {
        let rerun = rerun_argv(&cmd, &froms, name);
        ctx.coord.block(
            BlockRequest::new(
                cmd.keys.iter().map(|k| k.to_vec()).collect(),
                timeout,
                Reply::NilArray,
            )
            .rerun_as(rerun),
        );
    }
    Ok(Reply::NilArray)
}

/// Creates the consumer (with its event) or marks it seen.
fn touch_consumer(
    ctx: &mut Ctx,
    key: &[u8],
    group: &[u8],
    consumer: &[u8],
) -> Result<(), CommandError> {
    if ctx.engine.xconsumer_touch(key, group, consumer, true)? {
        ctx.notify(Class::STREAM, "xgroup-createconsumer", key);
    }
    Ok(())
}

/// The command a blocked read re-runs: ids resolved, COUNT defaulted.
fn rerun_argv(
    cmd: &Read,
    froms: &[(Option<resplite_core::engine::stream::StreamMeta>, From)],
    name: &str,
) -> Vec<Bytes> {
    let count = if cmd.count == 0 {
        BLOCKED_DEFAULT_COUNT
    } else {
        cmd.count
    };
    let mut argv = vec![
        Bytes::copy_from_slice(name.as_bytes()),
        Bytes::from_static(b"COUNT"),
        Bytes::from(count.to_string()),
        Bytes::from_static(b"BLOCK"),
        Bytes::from_static(b"0"),
    ];
    if let Some((g, c)) = &cmd.group {
        argv.extend([Bytes::from_static(b"GROUP"), g.clone(), c.clone()]);
    }
    if cmd.noack {
        argv.push(Bytes::from_static(b"NOACK"));
    }
    argv.push(Bytes::from_static(b"STREAMS"));
    argv.extend(cmd.keys.iter().cloned());
    argv.extend(froms.iter().map(|(_, from)| match from {
        From::After(id) | From::History(id) => Bytes::from(id.to_string()),
        From::New => Bytes::from_static(b">"),
    }));
    argv
}

pub struct XRead(Read);
pub struct XReadGroup(Read);

impl Command for XRead {
    const SPEC: CommandSpec = CommandSpec::new("xread", -4, Flags::READONLY.union(Flags::BLOCKING), "stream")
        .summary("Returns messages from multiple streams with IDs greater than the ones requested. Blocks until a message is available otherwise.")
        .since("5.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        parse_read(args, false).map(XRead)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        read(self.0, ctx, "xread")
    }
}

impl Command for XReadGroup {
    const SPEC: CommandSpec = CommandSpec::new("xreadgroup", -7, Flags::WRITE.union(Flags::BLOCKING), "stream")
        .summary("Returns new or historical messages from a stream for a consumer in a group. Blocks until a message is available otherwise.")
        .since("5.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        parse_read(args, true).map(XReadGroup)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        read(self.0, ctx, "xreadgroup")
    }
}

register_command!(XRead, XReadGroup);
