//! Blocking sorted-set pops (BZPOPMIN, BZPOPMAX, BZMPOP) and ZMPOP. See
//! `lists/blocking.rs` for how blocking works.

use std::time::Duration;

use resplite_core::prelude::*;

use crate::common::{block_or_nil, parse_mpop_count, parse_numkeys, parse_timeout};

const BLOCKING: Flags = Flags::WRITE.union(Flags::BLOCKING);

/// A key and the members (with scores) popped from it.
type Popped = (Bytes, Vec<(Vec<u8>, f64)>);

/// Pops up to `count` from the first non-empty key, noting how to give the
/// members back (ZADD with their scores) if the client vanishes.
fn pop_first(
    ctx: &mut Ctx,
    keys: &[Bytes],
    max: bool,
    count: u64,
) -> Result<Option<Popped>, CommandError> {
    for key in keys {
        let popped = ctx.engine.zpop(key, count, max)?;
        if !popped.is_empty() {
            let mut undo = vec![Bytes::from_static(b"ZADD"), key.clone()];
            for (member, score) in &popped {
                // Rust prints the shortest text that reads back to the same f64.
                undo.push(Bytes::from(score.to_string()));
                undo.push(Bytes::from(member.clone()));
            }
            ctx.coord.give_back(undo);
            super::notify_zpop(ctx, key, max);
            return Ok(Some((key.clone(), popped)));
        }
    }
    Ok(None)
}

/// BZPOPMIN / BZPOPMAX key [key ...] timeout: [key, member, score].
pub struct BzPop {
    keys: Vec<Bytes>,
    timeout: Option<Duration>,
}

fn parse_bzpop(args: &mut Args) -> Result<BzPop, CommandError> {
    let mut keys = args.rest();
    let timeout = parse_timeout(&keys.pop().ok_or(CommandError::Syntax)?)?;
    Ok(BzPop { keys, timeout })
}

fn bzpop(cmd: BzPop, ctx: &mut Ctx, max: bool) -> Result<Reply, CommandError> {
    match pop_first(ctx, &cmd.keys, max, 1)? {
        Some((key, mut popped)) => {
            let (member, score) = popped.pop().expect("one member");
            Ok(Reply::Array(vec![
                Reply::Bulk(key),
                Reply::bulk(member),
                Reply::Double(score),
            ]))
        }
        None => Ok(block_or_nil(ctx, &cmd.keys, cmd.timeout, KeyType::ZSet)),
    }
}

pub struct BzPopMin(BzPop);
pub struct BzPopMax(BzPop);

impl Command for BzPopMin {
    const SPEC: CommandSpec = CommandSpec::new("bzpopmin", -3, BLOCKING.union(Flags::NOSCRIPT).union(Flags::FAST), "sorted-set")
        .keys(1, -2, 1)
        .summary("Removes and returns the member with the lowest score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.")
        .since("5.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        parse_bzpop(args).map(BzPopMin)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        bzpop(self.0, ctx, false)
    }
}

impl Command for BzPopMax {
    const SPEC: CommandSpec = CommandSpec::new("bzpopmax", -3, BLOCKING.union(Flags::NOSCRIPT).union(Flags::FAST), "sorted-set")
        .keys(1, -2, 1)
        .summary("Removes and returns the member with the highest score from one or more sorted sets. Blocks until a member available otherwise.  Deletes the sorted set if the last element was popped.")
        .since("5.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        parse_bzpop(args).map(BzPopMax)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        bzpop(self.0, ctx, true)
    }
}

/// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count], and BZMPOP with a
/// timeout first: [key, [[member, score], ...]].
pub struct ZmPop {
    timeout: Option<Option<Duration>>,
    keys: Vec<Bytes>,
    max: bool,
    count: u64,
}

fn parse_zmpop(args: &mut Args, blocking: bool) -> Result<ZmPop, CommandError> {
    let timeout = if blocking {
        Some(parse_timeout(&args.bytes()?)?)
    } else {
        None
    };
    let keys = parse_numkeys(args)?;
    let max = match args.keyword()?.as_str() {
        "MIN" => false,
        "MAX" => true,
        _ => return Err(CommandError::Syntax),
    };
    let count = parse_mpop_count(args)?;
    Ok(ZmPop {
        timeout,
        keys,
        max,
        count,
    })
}

fn zmpop(cmd: ZmPop, ctx: &mut Ctx) -> Result<Reply, CommandError> {
    match pop_first(ctx, &cmd.keys, cmd.max, cmd.count)? {
        Some((key, popped)) => Ok(Reply::Array(vec![
            Reply::Bulk(key),
            Reply::Array(
                popped
                    .into_iter()
                    .map(|(m, s)| Reply::Array(vec![Reply::bulk(m), Reply::Double(s)]))
                    .collect(),
            ),
        ])),
        None => match cmd.timeout {
            Some(timeout) => Ok(block_or_nil(ctx, &cmd.keys, timeout, KeyType::ZSet)),
            None => Ok(Reply::NilArray),
        },
    }
}

pub struct ZmPopCmd(ZmPop);
pub struct BzmPop(ZmPop);

impl Command for ZmPopCmd {
    const SPEC: CommandSpec = CommandSpec::new("zmpop", -4, Flags::WRITE, "sorted-set")
        .key_finder(resplite_core::command::finders::numkeys_first)
        .summary("Returns the highest- or lowest-scoring members from one or more sorted sets after removing them. Deletes the sorted set if the last member was popped.")
        .since("7.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        parse_zmpop(args, false).map(ZmPopCmd)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        zmpop(self.0, ctx)
    }
}

impl Command for BzmPop {
    const SPEC: CommandSpec = CommandSpec::new("bzmpop", -5, BLOCKING, "sorted-set")
        .key_finder(resplite_core::command::finders::numkeys_second)
        .summary("Removes and returns a member by score from one or more sorted sets. Blocks until a member is available otherwise. Deletes the sorted set if the last element was popped.")
        .since("7.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        parse_zmpop(args, true).map(BzmPop)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        zmpop(self.0, ctx)
    }
}

register_command!(BzPopMin, BzPopMax, ZmPopCmd, BzmPop);
