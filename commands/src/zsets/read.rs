//! ZCARD, ZSCORE, ZMSCORE, ZCOUNT, ZLEXCOUNT, ZRANK, ZREVRANK.

use resplite_core::engine::{LexRange, ScoreRange};
use resplite_core::prelude::*;

use super::{parse_lex_range, parse_score_range};

const READ_FAST: Flags = Flags::READONLY.union(Flags::FAST);

/// ZCARD key
pub struct ZCard(Bytes);

impl Command for ZCard {
    const SPEC: CommandSpec = CommandSpec::new("zcard", 2, READ_FAST, "sorted-set")
        .keys(1, 1, 1)
        .summary("Returns the number of members in a sorted set.")
        .since("1.2.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(ZCard(args.bytes()?))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(Reply::Int(ctx.engine.zcard(&self.0)? as i64))
    }
}

/// ZSCORE key member
pub struct ZScore {
    key: Bytes,
    member: Bytes,
}

impl Command for ZScore {
    const SPEC: CommandSpec = CommandSpec::new("zscore", 3, READ_FAST, "sorted-set")
        .keys(1, 1, 1)
        .summary("Returns the score of a member in a sorted set.")
        .since("1.2.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(ZScore {
            key: args.bytes()?,
            member: args.bytes()?,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(ctx
            .engine
            .zscore(&self.key, &self.member)?
            .map_or(Reply::Nil, Reply::Double))
    }
}

/// ZMSCORE key member [member ...]
pub struct ZMScore {
    key: Bytes,
    members: Vec<Bytes>,
}

impl Command for ZMScore {
    const SPEC: CommandSpec = CommandSpec::new("zmscore", -3, READ_FAST, "sorted-set")
        .keys(1, 1, 1)
        .summary("Returns the score of one or more members in a sorted set.")
        .since("6.2.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(ZMScore {
            key: args.bytes()?,
            members: args.rest(),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let members: Vec<&[u8]> = self.members.iter().map(|m| &m[..]).collect();
        let scores = ctx.engine.zmscore(&self.key, &members)?;
        Ok(Reply::Array(
            scores
                .into_iter()
                .map(|s| s.map_or(Reply::Nil, Reply::Double))
                .collect(),
        ))
    }
}

/// ZCOUNT key min max
pub struct ZCount {
    key: Bytes,
    range: ScoreRange,
}

impl Command for ZCount {
    const SPEC: CommandSpec = CommandSpec::new("zcount", 4, READ_FAST, "sorted-set")
        .keys(1, 1, 1)
        .summary("Returns the count of members in a sorted set that have scores within a range.")
        .since("2.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let key = args.bytes()?;
        let (min, max) = (args.bytes()?, args.bytes()?);
        Ok(ZCount {
            key,
            range: parse_score_range(&min, &max)?,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(Reply::Int(ctx.engine.zcount(&self.key, &self.range)? as i64))
    }
}

/// ZLEXCOUNT key min max
pub struct ZLexCount {
    key: Bytes,
    range: LexRange,
}

impl Command for ZLexCount {
    const SPEC: CommandSpec = CommandSpec::new("zlexcount", 4, READ_FAST, "sorted-set")
        .keys(1, 1, 1)
        .summary("Returns the number of members in a sorted set within a lexicographical range.")
        .since("2.8.9");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let key = args.bytes()?;
        let (min, max) = (args.bytes()?, args.bytes()?);
        Ok(ZLexCount {
            key,
            range: parse_lex_range(&min, &max)?,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(Reply::Int(
            ctx.engine.zlexcount(&self.key, &self.range)? as i64
        ))
    }
}

/// ZRANK / ZREVRANK key member [WITHSCORE] (WITHSCORE as in Redis 7.2).
pub struct Rank {
    key: Bytes,
    member: Bytes,
    withscore: bool,
}

fn parse_rank(args: &mut Args, name: &str) -> Result<Rank, CommandError> {
    let key = args.bytes()?;
    let member = args.bytes()?;
    if args.remaining() > 1 {
        return Err(CommandError::WrongArity(name.into()));
    }
    let withscore = !args.is_empty();
    if withscore && !args.eat("WITHSCORE") {
        return Err(CommandError::Syntax);
    }
    Ok(Rank {
        key,
        member,
        withscore,
    })
}

fn rank_reply(rank: Rank, ctx: &mut Ctx, rev: bool) -> Result<Reply, CommandError> {
    let found = ctx.engine.zrank(&rank.key, &rank.member, rev)?;
    Ok(match (found, rank.withscore) {
        (None, false) => Reply::Nil,
        (None, true) => Reply::NilArray,
        (Some((r, _)), false) => Reply::Int(r as i64),
        (Some((r, s)), true) => Reply::Array(vec![Reply::Int(r as i64), Reply::Double(s)]),
    })
}

pub struct ZRank(Rank);

impl Command for ZRank {
    const SPEC: CommandSpec = CommandSpec::new("zrank", -3, READ_FAST, "sorted-set")
        .keys(1, 1, 1)
        .summary("Returns the index of a member in a sorted set ordered by ascending scores.")
        .since("2.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(ZRank(parse_rank(args, "zrank")?))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        rank_reply(self.0, ctx, false)
    }
}

pub struct ZRevRank(Rank);

impl Command for ZRevRank {
    const SPEC: CommandSpec = CommandSpec::new("zrevrank", -3, READ_FAST, "sorted-set")
        .keys(1, 1, 1)
        .summary("Returns the index of a member in a sorted set ordered by descending scores.")
        .since("2.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(ZRevRank(parse_rank(args, "zrevrank")?))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        rank_reply(self.0, ctx, true)
    }
}

register_command!(ZCard, ZScore, ZMScore, ZCount, ZLexCount, ZRank, ZRevRank);
