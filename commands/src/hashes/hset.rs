use resplite_core::prelude::*;

use super::slices;

const WRITE_FAST: Flags = Flags::WRITE.union(Flags::DENYOOM).union(Flags::FAST);

/// The (field, value) pairs of HSET/HMSET.
fn pair_slices(pairs: &[(Bytes, Bytes)]) -> Vec<(&[u8], &[u8])> {
    pairs
        .iter()
        .map(|(f, v)| (f.as_ref(), v.as_ref()))
        .collect()
}

/// HSET key field value [field value ...]: the number of new fields.
pub struct HSet {
    key: Bytes,
    pairs: Vec<(Bytes, Bytes)>,
}

impl Command for HSet {
    const SPEC: CommandSpec = CommandSpec::new("hset", -4, WRITE_FAST, "hash")
        .keys(1, 1, 1)
        .summary("Creates or modifies the value of a field in a hash.")
        .since("2.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(HSet {
            key: args.bytes()?,
            pairs: args.pairs("hset")?,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let added = ctx.engine.hset(&self.key, &pair_slices(&self.pairs))?;
        ctx.notify(Class::HASH, "hset", &self.key);
        Ok(Reply::Int(added as i64))
    }
}

/// HMSET key field value [field value ...]: HSET replying OK.
pub struct HMSet {
    key: Bytes,
    pairs: Vec<(Bytes, Bytes)>,
}

impl Command for HMSet {
    const SPEC: CommandSpec = CommandSpec::new("hmset", -4, WRITE_FAST, "hash")
        .keys(1, 1, 1)
        .summary("Sets the values of multiple fields.")
        .since("2.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(HMSet {
            key: args.bytes()?,
            pairs: args.pairs("hmset")?,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        ctx.engine.hset(&self.key, &pair_slices(&self.pairs))?;
        ctx.notify(Class::HASH, "hset", &self.key);
        Ok(Reply::ok())
    }
}

/// HSETNX key field value: 1 if the field was set, 0 if it existed.
pub struct HSetNx {
    key: Bytes,
    field: Bytes,
    value: Bytes,
}

impl Command for HSetNx {
    const SPEC: CommandSpec = CommandSpec::new("hsetnx", 4, WRITE_FAST, "hash")
        .keys(1, 1, 1)
        .summary("Sets the value of a field in a hash only when the field doesn't exist.")
        .since("2.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(HSetNx {
            key: args.bytes()?,
            field: args.bytes()?,
            value: args.bytes()?,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let set = ctx.engine.hsetnx(&self.key, &self.field, &self.value)?;
        if set {
            ctx.notify(Class::HASH, "hset", &self.key);
        }
        Ok(Reply::Int(i64::from(set)))
    }
}

/// HDEL key field [field ...]: the number of fields removed.
pub struct HDel {
    key: Bytes,
    fields: Vec<Bytes>,
}

impl Command for HDel {
    const SPEC: CommandSpec = CommandSpec::new("hdel", -3, Flags::WRITE.union(Flags::FAST), "hash")
        .keys(1, 1, 1)
        .summary("Deletes one or more fields and their values from a hash.")
        .since("2.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(HDel {
            key: args.bytes()?,
            fields: args.rest(),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let removed = ctx.engine.hdel(&self.key, &slices(&self.fields))?;
        if removed > 0 {
            ctx.notify(Class::HASH, "hdel", &self.key);
            ctx.notify_if_deleted(&self.key);
        }
        Ok(Reply::Int(removed as i64))
    }
}

register_command!(HSet, HMSet, HSetNx, HDel);
