use resplite_core::prelude::*;

use super::slices;

const READ_FAST: Flags = Flags::READONLY.union(Flags::FAST);

/// HGET key field
pub struct HGet {
    key: Bytes,
    field: Bytes,
}

impl Command for HGet {
    const SPEC: CommandSpec = CommandSpec::new("hget", 3, READ_FAST, "hash")
        .keys(1, 1, 1)
        .summary("Returns the value of a field in a hash.")
        .since("2.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(HGet {
            key: args.bytes()?,
            field: args.bytes()?,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(Reply::opt_bulk(ctx.engine.hget(&self.key, &self.field)?))
    }
}

/// HMGET key field [field ...]
pub struct HMGet {
    key: Bytes,
    fields: Vec<Bytes>,
}

impl Command for HMGet {
    const SPEC: CommandSpec = CommandSpec::new("hmget", -3, READ_FAST, "hash")
        .keys(1, 1, 1)
        .summary("Returns the values of all fields in a hash.")
        .since("2.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(HMGet {
            key: args.bytes()?,
            fields: args.rest(),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let values = ctx.engine.hmget(&self.key, &slices(&self.fields))?;
        Ok(Reply::Array(
            values.into_iter().map(Reply::opt_bulk).collect(),
        ))
    }
}

/// What a whole-hash read returns.
#[derive(Clone, Copy)]
enum Whole {
    All,
    Keys,
    Vals,
}

fn whole(ctx: &mut Ctx, key: &[u8], what: Whole) -> Result<Reply, CommandError> {
    Ok(match what {
        Whole::All => Reply::Map(
            ctx.engine
                .hgetall(key)?
                .into_iter()
                .map(|(f, v)| (Reply::bulk(f), Reply::bulk(v)))
                .collect(),
        ),
        Whole::Keys => Reply::bulks(ctx.engine.hkeys(key)?),
        Whole::Vals => Reply::bulks(ctx.engine.hvals(key)?),
    })
}

/// HGETALL, HKEYS, HVALS, HLEN: one key, no options.
macro_rules! key_only {
    ($ty:ident, $name:literal, $flags:expr, $summary:literal, |$ctx:ident, $key:ident| $body:expr) => {
        pub struct $ty(Bytes);

        impl Command for $ty {
            const SPEC: CommandSpec = CommandSpec::new($name, 2, $flags, "hash")
                .keys(1, 1, 1)
                .summary($summary)
                .since("2.0.0");

            fn parse(args: &mut Args) -> Result<Self, CommandError> {
                Ok($ty(args.bytes()?))
            }

            fn apply(self, $ctx: &mut Ctx) -> Result<Reply, CommandError> {
                let $key: &[u8] = &self.0;
                $body
            }
        }
    };
}

key_only!(
    HGetAll,
    "hgetall",
    Flags::READONLY,
    "Returns all fields and values in a hash.",
    |ctx, key| whole(ctx, key, Whole::All)
);
key_only!(
    HKeys,
    "hkeys",
    Flags::READONLY,
    "Returns all fields in a hash.",
    |ctx, key| whole(ctx, key, Whole::Keys)
);
key_only!(
    HVals,
    "hvals",
    Flags::READONLY,
    "Returns all values in a hash.",
    |ctx, key| whole(ctx, key, Whole::Vals)
);
key_only!(
    HLen,
    "hlen",
    READ_FAST,
    "Returns the number of fields in a hash.",
    |ctx, key| Ok(Reply::Int(ctx.engine.hlen(key)? as i64))
);

/// HEXISTS key field
pub struct HExists {
    key: Bytes,
    field: Bytes,
}

impl Command for HExists {
    const SPEC: CommandSpec = CommandSpec::new("hexists", 3, READ_FAST, "hash")
        .keys(1, 1, 1)
        .summary("Determines whether a field exists in a hash.")
        .since("2.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(HExists {
            key: args.bytes()?,
            field: args.bytes()?,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let found = ctx.engine.hexists(&self.key, &self.field)?;
        Ok(Reply::Int(i64::from(found)))
    }
}

/// HSTRLEN key field
pub struct HStrLen {
    key: Bytes,
    field: Bytes,
}

impl Command for HStrLen {
    const SPEC: CommandSpec = CommandSpec::new("hstrlen", 3, READ_FAST, "hash")
        .keys(1, 1, 1)
        .summary("Returns the length of the value of a field.")
        .since("3.2.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(HStrLen {
            key: args.bytes()?,
            field: args.bytes()?,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let len = ctx.engine.hstrlen(&self.key, &self.field)?;
        Ok(Reply::Int(len as i64))
    }
}

register_command!(HGet, HMGet, HGetAll, HKeys, HVals, HLen, HExists, HStrLen);
