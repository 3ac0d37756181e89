//! ZPOPMIN, ZPOPMAX, ZRANDMEMBER.

use resplite_core::prelude::*;
use resplite_core::util::number::parse_i64;

use super::{is_resp3, scored_reply};

/// ZPOPMIN / ZPOPMAX key [count]
pub struct Pop {
    key: Bytes,
    /// `None`: the plain form, one flat pair.
    count: Option<u64>,
}

fn parse_pop(args: &mut Args) -> Result<Pop, CommandError> {
    let key = args.bytes()?;
    if args.remaining() > 1 {
        return Err(CommandError::Syntax);
    }
    let count = match args.peek() {
        None => None,
        // Redis gives the same message for a negative count and for no number.
        Some(_) => match parse_i64(&args.bytes()?) {
            Some(n) if n >= 0 => Some(n as u64),
            _ => {
                return Err(CommandError::other(
                    "ERR value is out of range, must be positive",
                ))
            }
        },
    };
    Ok(Pop { key, count })
}

fn pop(p: Pop, ctx: &mut Ctx, max: bool) -> Result<Reply, CommandError> {
    let rows = ctx.engine.zpop(&p.key, p.count.unwrap_or(1), max)?;
    if !rows.is_empty() {
        super::notify_zpop(ctx, &p.key, max);
    }
    // Only a counted pop nests its pairs, and only in RESP3.
    let nested = is_resp3(ctx) && p.count.is_some();
    Ok(scored_reply(rows, true, nested))
}

pub struct ZPopMin(Pop);

impl Command for ZPopMin {
    const SPEC: CommandSpec = CommandSpec::new(
        "zpopmin",
        -2,
        Flags::WRITE.union(Flags::FAST),
        "sorted-set",
    )
    .keys(1, 1, 1)
    .summary("Returns the lowest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.")
    .since("5.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(ZPopMin(parse_pop(args)?))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        pop(self.0, ctx, false)
    }
}

pub struct ZPopMax(Pop);

impl Command for ZPopMax {
    const SPEC: CommandSpec = CommandSpec::new(
        "zpopmax",
        -2,
        Flags::WRITE.union(Flags::FAST),
        "sorted-set",
    )
    .keys(1, 1, 1)
    .summary("Returns the highest-scoring members from a sorted set after removing them. Deletes the sorted set if the last member was popped.")
    .since("5.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(ZPopMax(parse_pop(args)?))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        pop(self.0, ctx, true)
    }
}

/// Most picks one ZRANDMEMBER with a negative count may ask for. Redis 7.0
/// tries to build any size of reply (and dies of it); we refuse instead.
const MAX_REPEATED_PICKS: u64 = 1 << 24;

/// ZRANDMEMBER key [count [WITHSCORES]]
pub struct ZRandMember {
    key: Bytes,
    count: Option<i64>,
    withscores: bool,
}

impl Command for ZRandMember {
    const SPEC: CommandSpec = CommandSpec::new("zrandmember", -2, Flags::READONLY, "sorted-set")
        .keys(1, 1, 1)
        .summary("Returns one or more random members from a sorted set.")
        .since("6.2.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let key = args.bytes()?;
        // Redis reads the count before judging what follows it.
        let count = match args.peek() {
            None => None,
            Some(_) => {
                let n = parse_i64(&args.bytes()?).ok_or(CommandError::NotInteger)?;
                if n == i64::MIN {
                    return Err(CommandError::other(
                        "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807",
                    ));
                }
                Some(n)
            }
        };
        let withscores = args.eat("WITHSCORES");
        args.expect_end()?;
        if count.is_some_and(|n| n < 0 && n.unsigned_abs() > MAX_REPEATED_PICKS) {
            return Err(CommandError::other("ERR value is out of range"));
        }
        Ok(ZRandMember {
            key,
            count,
            withscores,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let Some(count) = self.count else {
            let rows = ctx.engine.zrandmember(&self.key, 1)?;
            return Ok(Reply::opt_bulk(rows.into_iter().next().map(|(m, _)| m)));
        };
        let rows = ctx.engine.zrandmember(&self.key, count)?;
        Ok(scored_reply(rows, self.withscores, is_resp3(ctx)))
    }
}

register_command!(ZPopMin, ZPopMax, ZRandMember);
