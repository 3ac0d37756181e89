//! ZRANGE and its older forms (ZREVRANGE, Z[REV]RANGEBYSCORE,
//! Z[REV]RANGEBYLEX), ZRANGESTORE, and ZREMRANGEBYRANK|SCORE|LEX.

use resplite_core::engine::{ZRange, ZRangeBy};
use resplite_core::prelude::*;
use resplite_core::util::number::parse_i64;

use super::{is_resp3, parse_lex_range, parse_score_range, scored_reply};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum By {
    Auto,
    Rank,
    Score,
    Lex,
}

/// Parses `key min max [options]` as Redis' `zrangeGenericCommand` does: the
/// options first, then the conflicts between them, then the range itself.
/// `rev` is `None` when the command leaves REV to an option.
fn parse_range(
    args: &mut Args,
    by: By,
    rev: Option<bool>,
    store: bool,
) -> Result<(Bytes, ZRange, bool), CommandError> {
    let key = args.bytes()?;
    let (mut min, mut max) = (args.bytes()?, args.bytes()?);
    let (mut by, mut rev) = (by, rev);
    let (mut withscores, mut offset, mut limit) = (false, 0i64, -1i64);
    while !args.is_empty() {
        let left = args.remaining() - 1;
        match args.keyword()?.as_str() {
            "WITHSCORES" if !store => withscores = true,
            "LIMIT" if left >= 2 => {
                offset = args.i64()?;
                limit = args.i64()?;
            }
            "REV" if rev.is_none() => rev = Some(true),
            "BYLEX" if by == By::Auto => by = By::Lex,
            "BYSCORE" if by == By::Auto => by = By::Score,
            _ => return Err(CommandError::Syntax),
        }
    }
    let rev = rev.unwrap_or(false);
    if by == By::Auto {
        by = By::Rank;
    }
    // Redis tests the count against its default, so `LIMIT n -1` slips through.
    if limit != -1 && by == By::Rank {
        return Err(CommandError::other(
            "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
        ));
    }
    if withscores && by == By::Lex {
        return Err(CommandError::other(
            "ERR syntax error, WITHSCORES not supported in combination with BYLEX",
        ));
    }
    if rev && by != By::Rank {
        std::mem::swap(&mut min, &mut max);
    }
    let by = match by {
        By::Score => ZRangeBy::Score(parse_score_range(&min, &max)?),
        By::Lex => ZRangeBy::Lex(parse_lex_range(&min, &max)?),
        _ => ZRangeBy::Rank {
            start: parse_i64(&min).ok_or(CommandError::NotInteger)?,
            stop: parse_i64(&max).ok_or(CommandError::NotInteger)?,
        },
    };
    Ok((
        key,
        ZRange {
            by,
            rev,
            offset,
            limit,
        },
        withscores,
    ))
}

/// A parsed read of a range, shared by every ZRANGE form.
pub struct RangeRead {
    key: Bytes,
    range: ZRange,
    withscores: bool,
}

impl RangeRead {
    fn parse(args: &mut Args, by: By, rev: Option<bool>) -> Result<Self, CommandError> {
        let (key, range, withscores) = parse_range(args, by, rev, false)?;
        Ok(RangeRead {
            key,
            range,
            withscores,
        })
    }

    fn run(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let rows = ctx.engine.zrange(&self.key, &self.range)?;
        Ok(scored_reply(rows, self.withscores, is_resp3(ctx)))
    }
}

macro_rules! range_command {
    ($ty:ident, $name:literal, $by:expr, $rev:expr, $since:literal, $summary:literal) => {
        pub struct $ty(RangeRead);

        impl Command for $ty {
            const SPEC: CommandSpec = CommandSpec::new($name, -4, Flags::READONLY, "sorted-set")
                .keys(1, 1, 1)
                .summary($summary)
                .since($since);

            fn parse(args: &mut Args) -> Result<Self, CommandError> {
                Ok($ty(RangeRead::parse(args, $by, $rev)?))
            }

            fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
                self.0.run(ctx)
            }
        }
    };
}

range_command!(
    ZRangeCmd,
    "zrange",
    By::Auto,
    None,
    "1.2.0",
    "Returns members in a sorted set within a range of indexes."
);
range_command!(
    ZRevRange,
    "zrevrange",
    By::Rank,
    Some(true),
    "1.2.0",
    "Returns members in a sorted set within a range of indexes in reverse order."
);
range_command!(
    ZRangeByScore,
    "zrangebyscore",
    By::Score,
    Some(false),
    "1.0.5",
    "Returns members in a sorted set within a range of scores."
);
range_command!(
    ZRevRangeByScore,
    "zrevrangebyscore",
    By::Score,
    Some(true),
    "2.2.0",
    "Returns members in a sorted set within a range of scores in reverse order."
);
range_command!(
    ZRangeByLex,
    "zrangebylex",
    By::Lex,
    Some(false),
    "2.8.9",
    "Returns members in a sorted set within a lexicographical range."
);
range_command!(
    ZRevRangeByLex,
    "zrevrangebylex",
    By::Lex,
    Some(true),
    "2.8.9",
    "Returns members in a sorted set within a lexicographical range in reverse order."
);

/// ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]
pub struct ZRangeStore {
    dst: Bytes,
    src: Bytes,
    range: ZRange,
}

impl Command for ZRangeStore {
    const SPEC: CommandSpec = CommandSpec::new(
        "zrangestore",
        -5,
        Flags::WRITE.union(Flags::DENYOOM),
        "sorted-set",
    )
    .keys(1, 2, 1)
    .summary("Stores a range of members from sorted set in a key.")
    .since("6.2.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let dst = args.bytes()?;
        let (src, range, _) = parse_range(args, By::Auto, None, true)?;
        Ok(ZRangeStore { dst, src, range })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let existed = crate::common::store_target_exists(ctx, &self.dst)?;
        let n = ctx.engine.zrangestore(&self.dst, &self.src, &self.range)?;
        crate::common::notify_store(ctx, Class::ZSET, "zrangestore", &self.dst, n, existed);
        Ok(Reply::Int(n as i64))
    }
}

/// ZREMRANGEBYRANK / ZREMRANGEBYSCORE / ZREMRANGEBYLEX key min max
pub struct RemRange {
    key: Bytes,
    range: ZRange,
}

fn parse_rem(args: &mut Args, by: By) -> Result<RemRange, CommandError> {
    let key = args.bytes()?;
    let (min, max) = (args.bytes()?, args.bytes()?);
    let by = match by {
        By::Score => ZRangeBy::Score(parse_score_range(&min, &max)?),
        By::Lex => ZRangeBy::Lex(parse_lex_range(&min, &max)?),
        _ => ZRangeBy::Rank {
            start: parse_i64(&min).ok_or(CommandError::NotInteger)?,
            stop: parse_i64(&max).ok_or(CommandError::NotInteger)?,
        },
    };
    Ok(RemRange {
        key,
        range: ZRange::new(by),
    })
}

macro_rules! remrange_command {
    ($ty:ident, $name:literal, $by:expr, $since:literal, $summary:literal) => {
        pub struct $ty(RemRange);

        impl Command for $ty {
            const SPEC: CommandSpec = CommandSpec::new($name, 4, Flags::WRITE, "sorted-set")
                .keys(1, 1, 1)
                .summary($summary)
                .since($since);

            fn parse(args: &mut Args) -> Result<Self, CommandError> {
                Ok($ty(parse_rem(args, $by)?))
            }

            fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
                let n = ctx.engine.zremrange(&self.0.key, &self.0.range)?;
                if n > 0 {
                    ctx.notify(Class::ZSET, $name, &self.0.key);
                    ctx.notify_if_deleted(&self.0.key);
                }
                Ok(Reply::Int(n as i64))
            }
        }
    };
}

remrange_command!(
    ZRemRangeByRank,
    "zremrangebyrank",
    By::Rank,
    "2.0.0",
    "Removes members in a sorted set within a range of indexes. Deletes the sorted set if all members were removed."
);
remrange_command!(
    ZRemRangeByScore,
    "zremrangebyscore",
    By::Score,
    "1.2.0",
    "Removes members in a sorted set within a range of scores. Deletes the sorted set if all members were removed."
);
remrange_command!(
    ZRemRangeByLex,
    "zremrangebylex",
    By::Lex,
    "2.8.9",
    "Removes members in a sorted set within a lexicographical range. Deletes the sorted set if all members were removed."
);

register_command!(
    ZRangeCmd,
    ZRevRange,
    ZRangeByScore,
    ZRevRangeByScore,
    ZRangeByLex,
    ZRevRangeByLex,
    ZRangeStore,
    ZRemRangeByRank,
    ZRemRangeByScore,
    ZRemRangeByLex
);
