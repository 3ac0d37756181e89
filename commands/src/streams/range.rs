//! XRANGE key start end [COUNT count], XREVRANGE key end start [COUNT count], XLEN key.

use resplite_core::engine::stream::StreamId;
use resplite_core::prelude::*;

use super::{entries_reply, parse_interval};

const READ: Flags = Flags::READONLY;

pub struct XRangeArgs {
    key: Bytes,
    start: StreamId,
    end: StreamId,
    /// `None`: no COUNT; `Some(0)` (or negative) answers a nil array.
    count: Option<i64>,
}

/// Redis parses the interval, then COUNT, then looks the key up.
fn parse_range(args: &mut Args, rev: bool) -> Result<XRangeArgs, CommandError> {
    let key = args.bytes()?;
    let (a, b) = (args.bytes()?, args.bytes()?);
    let (start, end) = if rev { (b, a) } else { (a, b) };
    let start = parse_interval(&start, true)?;
    let end = parse_interval(&end, false)?;
    let mut count = None;
    args.options(|kw, args| {
        if kw != "COUNT" || args.is_empty() {
            return Ok(false);
        }
        count = Some(args.i64()?.max(0));
        Ok(true)
    })?;
    Ok(XRangeArgs {
        key,
        start,
        end,
        count,
    })
}

fn range(cmd: XRangeArgs, ctx: &mut Ctx, rev: bool) -> Result<Reply, CommandError> {
    if ctx.engine.xmeta(&cmd.key)?.is_none() {
        return Ok(Reply::Array(Vec::new()));
    }
    let count = match cmd.count {
        Some(0) => return Ok(Reply::NilArray),
        Some(n) => n as u64,
        None => 0,
    };
    let entries = ctx
        .engine
        .xrange(&cmd.key, cmd.start, cmd.end, count, rev)?;
    Ok(entries_reply(entries))
}

pub struct XRange(XRangeArgs);
pub struct XRevRange(XRangeArgs);

impl Command for XRange {
    const SPEC: CommandSpec = CommandSpec::new("xrange", -4, READ, "stream")
        .keys(1, 1, 1)
        .summary("Returns the messages from a stream within a range of IDs.")
        .since("5.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        parse_range(args, false).map(XRange)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        range(self.0, ctx, false)
    }
}

impl Command for XRevRange {
    const SPEC: CommandSpec = CommandSpec::new("xrevrange", -4, READ, "stream")
        .keys(1, 1, 1)
        .summary("Returns the messages from a stream within a range of IDs in reverse order.")
        .since("5.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        parse_range(args, true).map(XRevRange)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        range(self.0, ctx, true)
    }
}

pub struct XLen {
    key: Bytes,
}

impl Command for XLen {
    const SPEC: CommandSpec = CommandSpec::new("xlen", 2, READ.union(Flags::FAST), "stream")
        .keys(1, 1, 1)
        .summary("Return the number of messages in a stream.")
        .since("5.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(XLen { key: args.bytes()? })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let len = ctx.engine.xmeta(&self.key)?.map_or(0, |m| m.length);
        Ok(Reply::Int(len as i64))
    }
}

register_command!(XRange, XRevRange, XLen);
