//! Blocking list pops (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP) and LMPOP.
//!
//! A blocking command first tries to serve itself; if every key is empty it asks
//! the storage thread to block it. The storage thread re-runs the same command
//! when one of its keys is written, so "first non-empty key in the client's
//! order" holds at the moment it is served.

use std::time::Duration;

use resplite_core::prelude::*;

use crate::common::{block_or_nil, parse_mpop_count, parse_numkeys, parse_timeout};

const BLOCKING: Flags = Flags::WRITE.union(Flags::BLOCKING);

fn side(args: &mut Args) -> Result<bool, CommandError> {
    match args.keyword()?.as_str() {
        "LEFT" => Ok(true),
        "RIGHT" => Ok(false),
        _ => Err(CommandError::Syntax),
    }
}

/// A key and what was popped from it.
type Popped = (Bytes, Vec<Vec<u8>>);

/// Pops up to `count` from the first non-empty key; records how to give the
/// elements back should the client vanish before the reply reaches it.
fn pop_first(
    ctx: &mut Ctx,
    keys: &[Bytes],
    left: bool,
    count: u64,
) -> Result<Option<Popped>, CommandError> {
    for key in keys {
        if let Some(values) = ctx.engine.list_pop(key, left, count)? {
            if !values.is_empty() {
                let mut undo = vec![
                    Bytes::from_static(if left { b"LPUSH" } else { b"RPUSH" }),
                    key.clone(),
                ];
                // Pushing them back in reverse pop order restores the list's end.
                undo.extend(values.iter().rev().map(|v| Bytes::from(v.clone())));
                ctx.coord.give_back(undo);
                super::notify_pop(ctx, key, left);
                return Ok(Some((key.clone(), values)));
            }
        }
    }
    Ok(None)
}

/// BLPOP / BRPOP key [key ...] timeout
pub struct BPop {
    keys: Vec<Bytes>,
    timeout: Option<Duration>,
}

fn parse_bpop(args: &mut Args) -> Result<BPop, CommandError> {
    let mut keys = args.rest();
    let timeout = parse_timeout(&keys.pop().ok_or(CommandError::Syntax)?)?;
    Ok(BPop { keys, timeout })
}

fn bpop(cmd: BPop, ctx: &mut Ctx, left: bool) -> Result<Reply, CommandError> {
    match pop_first(ctx, &cmd.keys, left, 1)? {
        Some((key, mut values)) => Ok(Reply::Array(vec![
            Reply::Bulk(key),
            Reply::bulk(values.pop().expect("one value")),
        ])),
        None => Ok(block_or_nil(ctx, &cmd.keys, cmd.timeout, KeyType::List)),
    }
}

pub struct BlPop(BPop);
pub struct BrPop(BPop);

impl Command for BlPop {
    const SPEC: CommandSpec = CommandSpec::new("blpop", -3, BLOCKING.union(Flags::NOSCRIPT), "list")
        .keys(1, -2, 1)
        .summary("Removes and returns the first element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.")
        .since("2.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        parse_bpop(args).map(BlPop)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        bpop(self.0, ctx, true)
    }
}

impl Command for BrPop {
    const SPEC: CommandSpec = CommandSpec::new("brpop", -3, BLOCKING.union(Flags::NOSCRIPT), "list")
        .keys(1, -2, 1)
        .summary("Removes and returns the last element in a list. Blocks until an element is available otherwise. Deletes the list if the last element was popped.")
        .since("2.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        parse_bpop(args).map(BrPop)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        bpop(self.0, ctx, false)
    }
}

/// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout, BRPOPLPUSH.
pub struct BlMove {
    src: Bytes,
    dst: Bytes,
    from_left: bool,
    to_left: bool,
    timeout: Option<Duration>,
}

impl BlMove {
    /// The element lands in the destination before the reply is sent: it is
    /// in a list whatever happens to the client, so nothing needs giving back.
    fn run(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        match ctx
            .engine
            .list_move(&self.src, &self.dst, self.from_left, self.to_left)?
        {
            Some(v) => {
                super::notify_move(ctx, &self.src, &self.dst, self.from_left, self.to_left);
                Ok(Reply::bulk(v))
            }
            None => Ok(block_or_nil(
                ctx,
                std::slice::from_ref(&self.src),
                self.timeout,
                KeyType::List,
            )),
        }
    }
}

impl Command for BlMove {
    const SPEC: CommandSpec = CommandSpec::new("blmove", 6, BLOCKING.union(Flags::NOSCRIPT).union(Flags::DENYOOM), "list")
        .keys(1, 2, 1)
        .summary("Pops an element from a list, pushes it to another list and returns it. Blocks until an element is available otherwise. Deletes the list if the last element was moved.")
        .since("6.2.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let (src, dst) = (args.bytes()?, args.bytes()?);
        let from_left = side(args)?;
        let to_left = side(args)?;
        let timeout = parse_timeout(&args.bytes()?)?;
        Ok(BlMove {
            src,
            dst,
            from_left,
            to_left,
            timeout,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        self.run(ctx)
    }
}

pub struct BrPopLPush(BlMove);

impl Command for BrPopLPush {
    const SPEC: CommandSpec = CommandSpec::new("brpoplpush", 4, BLOCKING.union(Flags::NOSCRIPT).union(Flags::DENYOOM), "list")
        .keys(1, 2, 1)
        .summary("Pops an element from a list, pushes it to another list and returns it. Block until an element is available otherwise. Deletes the list if the last element was popped.")
        .since("2.2.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let (src, dst) = (args.bytes()?, args.bytes()?);
        let timeout = parse_timeout(&args.bytes()?)?;
        Ok(BrPopLPush(BlMove {
            src,
            dst,
            from_left: false,
            to_left: true,
            timeout,
        }))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        self.0.run(ctx)
    }
}

/// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count], and BLMPOP with a
/// timeout first.
pub struct MPop {
    timeout: Option<Option<Duration>>,
    keys: Vec<Bytes>,
    left: bool,
    count: u64,
}

fn parse_mpop(args: &mut Args, blocking: bool) -> Result<MPop, CommandError> {
    let timeout = if blocking {
        Some(parse_timeout(&args.bytes()?)?)
    } else {
        None
    };
    let keys = parse_numkeys(args)?;
    let left = side(args)?;
    let count = parse_mpop_count(args)?;
    Ok(MPop {
        timeout,
        keys,
        left,
        count,
    })
}

fn mpop(cmd: MPop, ctx: &mut Ctx) -> Result<Reply, CommandError> {
    match pop_first(ctx, &cmd.keys, cmd.left, cmd.count)? {
        Some((key, values)) => Ok(Reply::Array(vec![Reply::Bulk(key), Reply::bulks(values)])),
        None => match cmd.timeout {
            Some(timeout) => Ok(block_or_nil(ctx, &cmd.keys, timeout, KeyType::List)),
            None => Ok(Reply::NilArray),
        },
    }
}

pub struct LmPop(MPop);
pub struct BlmPop(MPop);

impl Command for LmPop {
    const SPEC: CommandSpec = CommandSpec::new("lmpop", -4, Flags::WRITE, "list")
        .key_finder(resplite_core::command::finders::numkeys_first)
        .summary("Returns multiple elements from a list after removing them. Deletes the list if the last element was popped.")
        .since("7.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        parse_mpop(args, false).map(LmPop)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        mpop(self.0, ctx)
    }
}

impl Command for BlmPop {
    const SPEC: CommandSpec = CommandSpec::new("blmpop", -5, BLOCKING, "list")
        .key_finder(resplite_core::command::finders::numkeys_second)
        .summary("Pops the first element from one of multiple lists. Blocks until an element is available otherwise. Deletes the list if the last element was popped.")
        .since("7.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        parse_mpop(args, true).map(BlmPop)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        mpop(self.0, ctx)
    }
}

register_command!(BlPop, BrPop, BlMove, BrPopLPush, LmPop, BlmPop);
