//! XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME ms]
//! [RETRYCOUNT count] [FORCE] [JUSTID] [LASTID id], and
//! XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID].

use resplite_core::engine::stream::{PendingEntry, PendingQuery, StreamId};
use resplite_core::prelude::*;
use resplite_core::util::number::parse_i64;

use super::{entry_at, entry_reply, id_reply, no_group, parse_interval, parse_strict_id};

const WRITE_FAST: Flags = Flags::WRITE.union(Flags::FAST);

/// Gives `entry` to `consumer` (created, or marked seen, on first use).
fn claim_one(
    ctx: &mut Ctx,
    key: &[u8],
    group: &[u8],
    consumer: &[u8],
    consumer_ready: &mut bool,
    entry: PendingEntry,
) -> Result<(), CommandError> {
    if !*consumer_ready {
        if ctx.engine.xconsumer_touch(key, group, consumer, true)? {
            ctx.notify(Class::STREAM, "xgroup-createconsumer", key);
        }
        *consumer_ready = true;
    }
    ctx.engine.xpending_put(key, group, &entry)?;
    Ok(())
}

pub struct XClaim {
    key: Bytes,
    group: Bytes,
    consumer: Bytes,
    min_idle: Bytes,
    rest: Vec<Bytes>,
}

impl Command for XClaim {
    const SPEC: CommandSpec = CommandSpec::new("xclaim", -6, WRITE_FAST, "stream")
        .keys(1, 1, 1)
        .summary("Changes, or acquires, ownership of a message in a consumer group, as if the message was delivered a consumer group member.")
        .since("5.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(XClaim {
            key: args.bytes()?,
            group: args.bytes()?,
            consumer: args.bytes()?,
            min_idle: args.bytes()?,
            rest: args.rest(),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        // Redis checks the group first, then reads the arguments.
        if ctx.engine.xmeta(&self.key)?.is_none()
            || ctx.engine.xgroup(&self.key, &self.group)?.is_none()
        {
            return Err(no_group(&self.key, &self.group, ""));
        }
        let int = |a: &[u8], what: &str| {
            parse_i64(a).ok_or_else(|| CommandError::other(format!("ERR Invalid {what}")))
        };
        let min_idle = int(&self.min_idle, "min-idle-time argument for XCLAIM")?.max(0);
        // The ids run up to the first argument that is not one.
        let mut ids = Vec::new();
        let mut at = 0;
        while let Some(arg) = self.rest.get(at) {
            match parse_strict_id(arg) {
                Ok(id) => ids.push(id),
                Err(_) => break,
            }
            at += 1;
        }
        let now = ctx.now_ms();
        let (mut force, mut justid) = (false, false);
        let mut delivery: Option<i64> = None;
        let mut retry: Option<i64> = None;
        let mut last_id = StreamId::MIN;
        while let Some(opt) = self.rest.get(at) {
            let more = self.rest.len() - at - 1;
            let word = opt.to_ascii_uppercase();
            at += 1;
            match &word[..] {
                b"FORCE" => force = true,
                b"JUSTID" => justid = true,
                b"IDLE" if more > 0 => {
                    let ms = int(&self.rest[at], "IDLE option argument for XCLAIM")?;
                    delivery = Some(now - ms);
                    at += 1;
                }
                b"TIME" if more > 0 => {
                    delivery = Some(int(&self.rest[at], "TIME option argument for XCLAIM")?);
                    at += 1;
                }
                b"RETRYCOUNT" if more > 0 => {
                    retry = Some(int(
                        &self.rest[at],
                        "RETRYCOUNT option argument for XCLAIM",
                    )?);
                    at += 1;
                }
                b"LASTID" if more > 0 => {
                    last_id = parse_strict_id(&self.rest[at])?;
                    at += 1;
                }
                _ => {
                    return Err(CommandError::other(format!(
                        "ERR Unrecognized XCLAIM option '{}'",
                        super::c_str(opt)
                    )))
                }
            }
        }
        let group = ctx
            .engine
            .xgroup(&self.key, &self.group)?
            .expect("checked above");
        if last_id > group.last_id {
            ctx.engine
                .xgroup_set(&self.key, &self.group, last_id, group.entries_read)?;
        }
        let delivered_at = match delivery {
            Some(t) if (0..=now).contains(&t) => t,
            _ => now,
        };
        let mut ready = false;
        let mut out = Vec::new();
        for id in ids {
            let nack = ctx.engine.xpending_get(&self.key, &self.group, id)?;
            let Some(entry) = entry_at(ctx, &self.key, id)? else {
                // Deleted entries leave the PEL and are not claimed.
                if nack.is_some() {
                    ctx.engine.xack(&self.key, &self.group, &[id])?;
                }
                continue;
            };
            let deliveries = match nack {
                Some(n) => {
                    if min_idle > 0 && now - n.delivered_at < min_idle {
                        continue;
                    }
                    n.deliveries
                }
                // FORCE: a PEL row for an entry never delivered (Redis
                // creates it with one delivery).
                None if force => 1,
                None => continue,
            };
            let deliveries = match retry {
                Some(r) if r >= 0 => r as u64,
                _ if justid => deliveries,
                _ => deliveries + 1,
            };
            claim_one(
                ctx,
                &self.key,
                &self.group,
                &self.consumer,
                &mut ready,
                PendingEntry {
                    id,
                    consumer: self.consumer.to_vec(),
                    delivered_at,
                    deliveries,
                },
            )?;
            out.push(if justid {
                id_reply(id)
            } else {
                entry_reply(entry)
            });
        }
        Ok(Reply::Array(out))
    }
}

pub struct XAutoClaim {
    key: Bytes,
    group: Bytes,
    consumer: Bytes,
    min_idle: i64,
    start: StreamId,
    count: u64,
    justid: bool,
}

impl Command for XAutoClaim {
    const SPEC: CommandSpec = CommandSpec::new("xautoclaim", -6, WRITE_FAST, "stream")
        .keys(1, 1, 1)
        .summary("Changes, or acquires, ownership of messages in a consumer group, as if the messages were delivered to as consumer group member.")
        .since("6.2.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let key = args.bytes()?;
        let group = args.bytes()?;
        let consumer = args.bytes()?;
        let min_idle = parse_i64(&args.bytes()?)
            .ok_or_else(|| {
                CommandError::other("ERR Invalid min-idle-time argument for XAUTOCLAIM")
            })?
            .max(0);
        let start = parse_interval(&args.bytes()?, true)?;
        let mut count = 100;
        let mut justid = false;
        // COUNT is capped so that count * 10 attempts cannot overflow.
        let max_count = i64::MAX / 16;
        while let Some(opt) = args.peek().cloned() {
            let more = args.remaining() - 1;
            args.bytes()?;
            if opt.eq_ignore_ascii_case(b"COUNT") && more > 0 {
                match parse_i64(&args.bytes()?) {
                    Some(n) if (1..=max_count).contains(&n) => count = n as u64,
                    _ => return Err(CommandError::other("ERR COUNT must be > 0")),
                }
            } else if opt.eq_ignore_ascii_case(b"JUSTID") {
                justid = true;
            } else {
                return Err(CommandError::Syntax);
            }
        }
        Ok(XAutoClaim {
            key,
            group,
            consumer,
            min_idle,
            start,
            count,
            justid,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        if ctx.engine.xmeta(&self.key)?.is_none()
            || ctx.engine.xgroup(&self.key, &self.group)?.is_none()
        {
            return Err(no_group(&self.key, &self.group, ""));
        }
        let now = ctx.now_ms();
        let mut count = self.count;
        let mut attempts = self.count.saturating_mul(10);
        let mut ready = false;
        let (mut claimed, mut deleted) = (Vec::new(), Vec::new());
        // The PEL is read in pages from `start`; `next` is the first id left
        // unexamined (0-0 when the PEL ran out), the cursor XAUTOCLAIM returns.
        let mut next = StreamId::MIN;
        let mut from = Some(self.start);
        'scan: while let Some(start) = from {
            let page = ctx.engine.xpending(
                &self.key,
                &self.group,
                PendingQuery {
                    consumer: None,
                    start,
                    end: StreamId::MAX,
                    count: 128,
                    delivered_before: None,
                },
            )?;
            let Some(last) = page.last() else {
                break;
            };
            from = last.id.next();
            for nack in page {
                if attempts == 0 || count == 0 {
                    next = nack.id;
                    break 'scan;
                }
                attempts -= 1;
                let id = nack.id;
                let Some(entry) = entry_at(ctx, &self.key, id)? else {
                    ctx.engine.xack(&self.key, &self.group, &[id])?;
                    deleted.push(id_reply(id));
                    count -= 1;
                    continue;
                };
                if self.min_idle > 0 && now - nack.delivered_at < self.min_idle {
                    continue;
                }
                let deliveries = nack.deliveries + u64::from(!self.justid);
                claim_one(
                    ctx,
                    &self.key,
                    &self.group,
                    &self.consumer,
                    &mut ready,
                    PendingEntry {
                        id,
                        consumer: self.consumer.to_vec(),
                        delivered_at: now,
                        deliveries,
                    },
                )?;
                claimed.push(if self.justid {
                    id_reply(id)
                } else {
                    entry_reply(entry)
                });
                count -= 1;
            }
        }
        Ok(Reply::Array(vec![
            id_reply(next),
            Reply::Array(claimed),
            Reply::Array(deleted),
        ]))
    }
}

register_command!(XClaim, XAutoClaim);
