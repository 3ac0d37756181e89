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

use crate::common::parse_ms_timeout;
use resplite_core::engine::stream::{
    Delivery, GroupInfo, PendingQuery, StreamEntry, StreamId, StreamMeta,
};
use resplite_core::prelude::*;

use super::{
    entry_at, entry_reply, estimate_entries_read, has_tombstones_from, id_reply, no_group,
    parse_strict_id,
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
            b"BLOCK" if more > 0 => read.block = Some(parse_ms_timeout(&args.bytes()?)?),
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

/// One key of a read, as checked before anything is served.
struct Target {
    meta: Option<StreamMeta>,
    /// XREADGROUP's group on this key.
    info: Option<GroupInfo>,
    from: From,
}

/// Delivers `entries` (the next ones after the group's last id) to a
/// group's consumer (`streamReplyWithRange` with a group): creates or marks
/// the consumer seen, moves the group's last id and entries-read, and adds
/// PEL rows unless NOACK.
fn deliver_new(
    ctx: &mut Ctx,
    key: &[u8],
    (meta, info): (&StreamMeta, &GroupInfo),
    consumer: &[u8],
    entries: Vec<StreamEntry>,
    noack: bool,
) -> Result<Reply, CommandError> {
    let (mut last_id, mut entries_read) = (info.last_id, info.entries_read);
    for e in &entries {
        entries_read = match entries_read {
            Some(n) if !has_tombstones_from(meta, e.id) => Some(n + 1),
            _ if meta.entries_added > 0 => estimate_entries_read(meta, e.id),
            other => other,
        };
        last_id = e.id;
    }
    let ids: Vec<StreamId> = entries.iter().map(|e| e.id).collect();
    let delivery = Delivery {
        consumer,
        ids: &ids,
        noack,
        last_id,
        entries_read,
        now: ctx.now_ms(),
    };
    if ctx.engine.xdeliver(key, &info.name, &delivery)? {
        ctx.notify(Class::STREAM, "xgroup-createconsumer", key);
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
    let mut targets = Vec::with_capacity(cmd.keys.len());
    for (key, arg) in cmd.keys.iter().zip(&cmd.ids) {
        let meta = match ctx.engine.xmeta(key) {
            // A blocked reader's stream became another type: Redis tells
            // XREADGROUP it is gone (XREAD keeps waiting).
            Err(resplite_core::EngineError::WrongType) if waking && group.is_some() => None,
            other => other?,
        };
        let mut info = None;
        if let Some((g, _)) = group {
            if meta.is_none() && waking {
                return Err(CommandError::other(
                    "UNBLOCKED the stream key no longer exists",
                ));
            }
            info = match meta {
                Some(_) => ctx.engine.xgroup(key, g)?,
                None => None,
            };
            if info.is_none() {
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
        targets.push(Target { meta, info, from });
    }
    let mut served = Vec::new();
    for (i, (key, t)) in cmd.keys.iter().zip(&targets).enumerate() {
        let Some(meta) = &t.meta else {
            continue;
        };
        // A key named twice: its second read sees what the first delivered.
        let fresh;
        let (meta, info) = match (&t.info, cmd.keys[..i].contains(key)) {
            (Some(info), true) => {
                fresh = (
                    ctx.engine.xmeta(key)?.expect("stream checked"),
                    ctx.engine.xgroup(key, &info.name)?.expect("group checked"),
                );
                (&fresh.0, Some(&fresh.1))
            }
            (info, _) => (meta, info.as_ref()),
        };
        // Entries after `id`, if any: none means the key is not served
        // (Redis compares with the last valid id first; same outcome).
        let after = |ctx: &mut Ctx, id: StreamId| -> Result<Vec<StreamEntry>, CommandError> {
            match id.next() {
                Some(start) if meta.length > 0 && id < meta.last_id => {
                    Ok(ctx
                        .engine
                        .xrange(key, start, StreamId::MAX, cmd.count as u64, false)?)
                }
                _ => Ok(Vec::new()),
            }
        };
        let reply = match (t.from, group, info) {
            (From::After(id), None, _) => {
                let entries = after(ctx, id)?;
                if entries.is_empty() {
                    continue;
                }
                Reply::Array(entries.into_iter().map(entry_reply).collect())
            }
            (From::New, Some((_, consumer)), Some(info)) => {
                let entries = after(ctx, info.last_id)?;
                if entries.is_empty() {
                    continue;
                }
                deliver_new(ctx, key, (meta, info), consumer, entries, cmd.noack)?
            }
            (From::History(id), Some((g, consumer)), _) => {
                touch_consumer(ctx, key, g, consumer)?;
                deliver_history(ctx, key, g, consumer, id, cmd.count)?
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
        let rerun = rerun_argv(&cmd, &targets, name);
        let request = BlockRequest::new(
            cmd.keys.iter().map(|k| k.to_vec()).collect(),
            timeout,
            Reply::NilArray,
        )
        .rerun_as(rerun);
        // XREAD waits on through a key of another type; XREADGROUP is told
        // its stream is gone.
        ctx.coord.block(match cmd.group {
            None => request.wants(KeyType::Stream),
            Some(_) => request,
        });
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
fn rerun_argv(cmd: &Read, targets: &[Target], name: &str) -> Vec<Bytes> {
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
    argv.extend(targets.iter().map(|t| match t.from {
        From::After(id) | From::History(id) => Bytes::from(id.to_string()),
        From::New => Bytes::from_static(b">"),
    }));
    argv
}

pub struct XRead(Read);
pub struct XReadGroup(Read);

impl Command for XRead {
    const SPEC: CommandSpec = CommandSpec::new("xread", -4, Flags::READONLY.union(Flags::BLOCKING), "stream")
        .key_finder(resplite_core::command::finders::streams)
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
        .key_finder(resplite_core::command::finders::streams)
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
