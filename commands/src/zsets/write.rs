//! ZADD, ZINCRBY, ZREM.

use resplite_core::engine::{ZAddFlags, ZIncr};
use resplite_core::prelude::*;

use super::parse_score;

const ADD_FLAGS: Flags = Flags::WRITE.union(Flags::DENYOOM).union(Flags::FAST);

fn nan_error() -> CommandError {
    CommandError::other("ERR resulting score is not a number (NaN)")
}

/// ZINCRBY / ZADD INCR with its `zincr` event, published (as Redis) only
/// when the score changed or the member is new.
fn zincr(
    ctx: &mut Ctx,
    key: &[u8],
    member: &[u8],
    delta: f64,
    flags: ZAddFlags,
) -> Result<ZIncr, CommandError> {
    let before = ctx
        .notifies(Class::ZSET)
        .then(|| ctx.engine.zscore(key, member).ok().flatten());
    let outcome = ctx.engine.zincr(key, member, delta, flags)?;
    if let ZIncr::Score(score) = outcome {
        if before.is_none_or(|old| old != Some(score)) {
            ctx.notify(Class::ZSET, "zincr", key);
        }
    }
    Ok(outcome)
}

fn incr_reply(outcome: ZIncr) -> Result<Reply, CommandError> {
    match outcome {
        ZIncr::Score(s) => Ok(Reply::Double(s)),
        ZIncr::Skipped => Ok(Reply::Nil),
        ZIncr::NaN => Err(nan_error()),
    }
}

/// ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]
pub struct ZAdd {
    key: Bytes,
    flags: ZAddFlags,
    ch: bool,
    incr: bool,
    items: Vec<(f64, Bytes)>,
}

impl Command for ZAdd {
    const SPEC: CommandSpec = CommandSpec::new("zadd", -4, ADD_FLAGS, "sorted-set")
        .keys(1, 1, 1)
        .summary("Adds one or more members to a sorted set, or updates their scores. Creates the key if it doesn't exist.")
        .since("1.2.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let key = args.bytes()?;
        let (mut flags, mut ch, mut incr) = (ZAddFlags::default(), false, false);
        loop {
            if args.eat("NX") {
                flags.nx = true;
            } else if args.eat("XX") {
                flags.xx = true;
            } else if args.eat("GT") {
                flags.gt = true;
            } else if args.eat("LT") {
                flags.lt = true;
            } else if args.eat("CH") {
                ch = true;
            } else if args.eat("INCR") {
                incr = true;
            } else {
                break;
            }
        }
        // Redis' order of checks: pair count, option conflicts, then scores.
        let rest = args.rest();
        if rest.is_empty() || !rest.len().is_multiple_of(2) {
            return Err(CommandError::Syntax);
        }
        if flags.nx && flags.xx {
            return Err(CommandError::other(
                "ERR XX and NX options at the same time are not compatible",
            ));
        }
        if (flags.nx && (flags.gt || flags.lt)) || (flags.gt && flags.lt) {
            return Err(CommandError::other(
                "ERR GT, LT, and/or NX options at the same time are not compatible",
            ));
        }
        if incr && rest.len() > 2 {
            return Err(CommandError::other(
                "ERR INCR option supports a single increment-element pair",
            ));
        }
        let items = rest
            .chunks_exact(2)
            .map(|p| {
                Ok((
                    parse_score(&p[0]).ok_or(CommandError::NotFloat)?,
                    p[1].clone(),
                ))
            })
            .collect::<Result<Vec<_>, CommandError>>()?;
        Ok(ZAdd {
            key,
            flags,
            ch,
            incr,
            items,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        if self.incr {
            let (delta, member) = &self.items[0];
            return incr_reply(zincr(ctx, &self.key, member, *delta, self.flags)?);
        }
        let items: Vec<(f64, &[u8])> = self.items.iter().map(|(s, m)| (*s, &m[..])).collect();
        let counts = ctx.engine.zadd(&self.key, &items, self.flags)?;
        if counts.added + counts.updated > 0 {
            ctx.notify(Class::ZSET, "zadd", &self.key);
        }
        let n = if self.ch {
            counts.added + counts.updated
        } else {
            counts.added
        };
        Ok(Reply::Int(n as i64))
    }
}

/// ZINCRBY key increment member
pub struct ZIncrBy {
    key: Bytes,
    delta: f64,
    member: Bytes,
}

impl Command for ZIncrBy {
    const SPEC: CommandSpec = CommandSpec::new("zincrby", 4, ADD_FLAGS, "sorted-set")
        .keys(1, 1, 1)
        .summary("Increments the score of a member in a sorted set.")
        .since("1.2.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let key = args.bytes()?;
        let delta = parse_score(&args.bytes()?).ok_or(CommandError::NotFloat)?;
        Ok(ZIncrBy {
            key,
            delta,
            member: args.bytes()?,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        incr_reply(zincr(
            ctx,
            &self.key,
            &self.member,
            self.delta,
            ZAddFlags::default(),
        )?)
    }
}

/// ZREM key member [member ...]
pub struct ZRem {
    key: Bytes,
    members: Vec<Bytes>,
}

impl Command for ZRem {
    const SPEC: CommandSpec = CommandSpec::new(
        "zrem",
        -3,
        Flags::WRITE.union(Flags::FAST),
        "sorted-set",
    )
    .keys(1, 1, 1)
    .summary("Removes one or more members from a sorted set. Deletes the sorted set if all members were removed.")
    .since("1.2.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(ZRem {
            key: args.bytes()?,
            members: args.rest(),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let members: Vec<&[u8]> = self.members.iter().map(|m| &m[..]).collect();
        let removed = ctx.engine.zrem(&self.key, &members)?;
        if removed > 0 {
            ctx.notify(Class::ZSET, "zrem", &self.key);
            ctx.notify_if_deleted(&self.key);
        }
        Ok(Reply::Int(removed as i64))
    }
}

register_command!(ZAdd, ZIncrBy, ZRem);
