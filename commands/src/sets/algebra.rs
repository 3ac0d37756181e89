use resplite_core::prelude::*;
use resplite_core::util::number::parse_i64;

use super::members::set_reply;
use crate::hashes::slices;

/// SINTER, SUNION, SDIFF: `key [key ...]`, the result as a set.
macro_rules! combine {
    ($ty:ident, $name:literal, $method:ident, $summary:literal) => {
        pub struct $ty(Vec<Bytes>);

        impl Command for $ty {
            const SPEC: CommandSpec = CommandSpec::new($name, -2, Flags::READONLY, "set")
                .keys(1, -1, 1)
                .summary($summary);

            fn parse(args: &mut Args) -> Result<Self, CommandError> {
                Ok($ty(args.rest()))
            }

            fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
                Ok(set_reply(ctx.engine.$method(&slices(&self.0))?))
            }
        }
    };
}

/// SINTERSTORE, SUNIONSTORE, SDIFFSTORE: `destination key [key ...]`, the
/// result's size.
macro_rules! combine_store {
    ($ty:ident, $name:literal, $method:ident, $summary:literal) => {
        pub struct $ty {
            dst: Bytes,
            keys: Vec<Bytes>,
        }

        impl Command for $ty {
            const SPEC: CommandSpec =
                CommandSpec::new($name, -3, Flags::WRITE.union(Flags::DENYOOM), "set")
                    .keys(1, -1, 1)
                    .summary($summary);

            fn parse(args: &mut Args) -> Result<Self, CommandError> {
                Ok($ty {
                    dst: args.bytes()?,
                    keys: args.rest(),
                })
            }

            fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
                let existed = crate::common::store_target_exists(ctx, &self.dst)?;
                let n = ctx.engine.$method(&self.dst, &slices(&self.keys))?;
                crate::common::notify_store(ctx, Class::SET, $name, &self.dst, n, existed);
                Ok(Reply::Int(n as i64))
            }
        }
    };
}

combine!(
    SInter,
    "sinter",
    sinter,
    "Returns the intersect of multiple sets."
);
combine!(
    SUnion,
    "sunion",
    sunion,
    "Returns the union of multiple sets."
);
combine!(
    SDiff,
    "sdiff",
    sdiff,
    "Returns the difference of multiple sets."
);
combine_store!(
    SInterStore,
    "sinterstore",
    sinterstore,
    "Stores the intersect of multiple sets in a key."
);
combine_store!(
    SUnionStore,
    "sunionstore",
    sunionstore,
    "Stores the union of multiple sets in a key."
);
combine_store!(
    SDiffStore,
    "sdiffstore",
    sdiffstore,
    "Stores the difference of multiple sets in a key."
);

/// SINTERCARD numkeys key [key ...] [LIMIT limit]
pub struct SInterCard {
    keys: Vec<Bytes>,
    limit: u64,
}

impl Command for SInterCard {
    // Keys are found through numkeys (movable keys): no fixed positions.
    const SPEC: CommandSpec = CommandSpec::new("sintercard", -3, Flags::READONLY, "set")
        .key_finder(resplite_core::command::finders::numkeys_first)
        .summary("Returns the number of members of the intersect of multiple sets.")
        .since("7.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let numkeys = parse_i64(&args.bytes()?)
            .filter(|n| *n > 0)
            .ok_or_else(|| CommandError::other("ERR numkeys should be greater than 0"))?;
        if numkeys as u64 > args.remaining() as u64 {
            return Err(CommandError::other(
                "ERR Number of keys can't be greater than number of args",
            ));
        }
        let keys = (0..numkeys)
            .map(|_| args.bytes())
            .collect::<Result<Vec<_>, _>>()?;
        let mut limit = 0;
        while !args.is_empty() {
            if args.remaining() >= 2 && args.eat("LIMIT") {
                limit = parse_i64(&args.bytes()?)
                    .filter(|n| *n >= 0)
                    .ok_or_else(|| CommandError::other("ERR LIMIT can't be negative"))?
                    as u64;
            } else {
                return Err(CommandError::Syntax);
            }
        }
        Ok(SInterCard { keys, limit })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let n = ctx.engine.sintercard(&slices(&self.keys), self.limit)?;
        Ok(Reply::Int(n as i64))
    }
}

register_command!(
    SInter,
    SUnion,
    SDiff,
    SInterStore,
    SUnionStore,
    SDiffStore,
    SInterCard
);
