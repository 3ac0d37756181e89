//! ZUNION, ZINTER, ZDIFF and their STORE forms. Inputs may be sets (every
//! member scoring 1); the work happens in SQL (see the engine).

use resplite_core::engine::{Aggregate, SetOp, ZSource};
use resplite_core::prelude::*;

use super::{is_resp3, parse_score, scored_reply};

pub struct Combine {
    dst: Option<Bytes>,
    keys: Vec<Bytes>,
    weights: Vec<f64>,
    agg: Aggregate,
    withscores: bool,
    /// ZINTERCARD: counts, with this LIMIT (0: none).
    card: Option<u64>,
    /// An error in the options: Redis reports it only after checking every
    /// input key's type.
    deferred: Option<CommandError>,
}

fn parse_combine(
    args: &mut Args,
    op: SetOp,
    store: bool,
    name: &str,
) -> Result<Combine, CommandError> {
    parse_with(args, op, store, name, false)
}

fn parse_with(
    args: &mut Args,
    op: SetOp,
    store: bool,
    name: &str,
    card: bool,
) -> Result<Combine, CommandError> {
    let dst = if store { Some(args.bytes()?) } else { None };
    let n = args.i64()?;
    if n < 1 {
        return Err(CommandError::other(format!(
            "ERR at least 1 input key is needed for '{name}' command"
        )));
    }
    if n as u64 > args.remaining() as u64 {
        return Err(CommandError::Syntax);
    }
    let n = n as usize;
    let keys: Vec<Bytes> = (0..n).map(|_| args.bytes()).collect::<Result<_, _>>()?;
    let mut c = Combine {
        dst,
        keys,
        weights: vec![1.0; n],
        agg: Aggregate::Sum,
        withscores: false,
        card: card.then_some(0),
        deferred: None,
    };
    c.deferred = parse_options(args, op, store, &mut c).err();
    args.rest();
    Ok(c)
}

fn parse_options(
    args: &mut Args,
    op: SetOp,
    store: bool,
    c: &mut Combine,
) -> Result<(), CommandError> {
    while !args.is_empty() {
        let left = args.remaining();
        let kw = args.keyword()?;
        match kw.as_str() {
            "LIMIT" if c.card.is_some() && left >= 2 => {
                let limit = resplite_core::util::number::parse_i64(&args.bytes()?)
                    .filter(|n| *n >= 0)
                    .ok_or_else(|| CommandError::other("ERR LIMIT can't be negative"))?;
                c.card = Some(limit as u64);
            }
            _ if c.card.is_some() => return Err(CommandError::Syntax),
            "WEIGHTS" if op != SetOp::Diff && left > c.keys.len() => {
                for w in c.weights.iter_mut() {
                    *w = parse_score(&args.bytes()?)
                        .ok_or_else(|| CommandError::other("ERR weight value is not a float"))?;
                }
            }
            "AGGREGATE" if op != SetOp::Diff && left >= 2 => {
                c.agg = match args.keyword()?.as_str() {
                    "SUM" => Aggregate::Sum,
                    "MIN" => Aggregate::Min,
                    "MAX" => Aggregate::Max,
                    _ => return Err(CommandError::Syntax),
                };
            }
            "WITHSCORES" if !store => c.withscores = true,
            _ => return Err(CommandError::Syntax),
        }
    }
    Ok(())
}

fn run(c: Combine, ctx: &mut Ctx, op: SetOp) -> Result<Reply, CommandError> {
    if let Some(err) = c.deferred {
        for key in &c.keys {
            if let Some(meta) = ctx.engine.meta(key)? {
                if !matches!(meta.key_type, KeyType::ZSet | KeyType::Set) {
                    return Err(CommandError::WrongType);
                }
            }
        }
        return Err(err);
    }
    let sources: Vec<ZSource> = c
        .keys
        .iter()
        .zip(&c.weights)
        .map(|(k, w)| ZSource { key: k, weight: *w })
        .collect();
    if let Some(limit) = c.card {
        return Ok(Reply::Int(ctx.engine.zintercard(&sources, limit)? as i64));
    }
    match &c.dst {
        Some(dst) => {
            let existed = crate::common::store_target_exists(ctx, dst)?;
            let n = ctx.engine.zcombine_store(dst, op, &sources, c.agg)?;
            let event = match op {
                SetOp::Union => "zunionstore",
                SetOp::Inter => "zinterstore",
                SetOp::Diff => "zdiffstore",
            };
            crate::common::notify_store(ctx, Class::ZSET, event, dst, n, existed);
            Ok(Reply::Int(n as i64))
        }
        None => {
            let rows = ctx.engine.zcombine(op, &sources, c.agg)?;
            Ok(scored_reply(rows, c.withscores, is_resp3(ctx)))
        }
    }
}

macro_rules! combine_command {
    ($ty:ident, $name:literal, $op:expr, $store:expr, $since:literal, $summary:literal) => {
        pub struct $ty(Combine);

        impl Command for $ty {
            const SPEC: CommandSpec = if $store {
                CommandSpec::new($name, -4, Flags::WRITE.union(Flags::DENYOOM), "sorted-set")
                    .keys(1, 1, 1)
                    .key_finder(resplite_core::command::finders::destination_then_numkeys)
            } else {
                CommandSpec::new($name, -3, Flags::READONLY, "sorted-set")
                    .key_finder(resplite_core::command::finders::numkeys_first)
            }
            .summary($summary)
            .since($since);

            fn parse(args: &mut Args) -> Result<Self, CommandError> {
                Ok($ty(parse_combine(args, $op, $store, $name)?))
            }

            fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
                run(self.0, ctx, $op)
            }
        }
    };
}

combine_command!(
    ZUnion,
    "zunion",
    SetOp::Union,
    false,
    "6.2.0",
    "Returns the union of multiple sorted sets."
);
combine_command!(
    ZInter,
    "zinter",
    SetOp::Inter,
    false,
    "6.2.0",
    "Returns the intersect of multiple sorted sets."
);
combine_command!(
    ZDiff,
    "zdiff",
    SetOp::Diff,
    false,
    "6.2.0",
    "Returns the difference between multiple sorted sets."
);
combine_command!(
    ZUnionStore,
    "zunionstore",
    SetOp::Union,
    true,
    "2.0.0",
    "Stores the union of multiple sorted sets in a key."
);
combine_command!(
    ZInterStore,
    "zinterstore",
    SetOp::Inter,
    true,
    "2.0.0",
    "Stores the intersect of multiple sorted sets in a key."
);
combine_command!(
    ZDiffStore,
    "zdiffstore",
    SetOp::Diff,
    true,
    "6.2.0",
    "Stores the difference of multiple sorted sets in a key."
);

/// ZINTERCARD numkeys key [key ...] [LIMIT limit]
pub struct ZInterCard(Combine);

impl Command for ZInterCard {
    // Keys are found through numkeys (movable keys): no fixed positions.
    const SPEC: CommandSpec = CommandSpec::new("zintercard", -3, Flags::READONLY, "sorted-set")
        .key_finder(resplite_core::command::finders::numkeys_first)
        .summary("Returns the number of members of the intersect of multiple sorted sets.")
        .since("7.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(ZInterCard(parse_with(
            args,
            SetOp::Inter,
            false,
            "zintercard",
            true,
        )?))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        run(self.0, ctx, SetOp::Inter)
    }
}

register_command!(
    ZUnion,
    ZInter,
    ZDiff,
    ZUnionStore,
    ZInterStore,
    ZDiffStore,
    ZInterCard
);
