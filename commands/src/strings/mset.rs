use resplite_core::prelude::*;

/// MSET key value [key value ...]
pub struct MSet(Vec<(Bytes, Bytes)>);

/// MSETNX key value [key value ...]: all or nothing, only if no key exists.
pub struct MSetNx(Vec<(Bytes, Bytes)>);

fn set_all(ctx: &mut Ctx, pairs: &[(Bytes, Bytes)]) -> Result<(), CommandError> {
    // Only the last value given for a key is observable (MSET is atomic), so
    // a pair whose key comes again later is skipped instead of written and
    // overwritten (redis-benchmark's MSET names one key ten times). The rest
    // are written in argument order: CLIENT TRACKING invalidates in the
    // order keys were modified, as Redis does.
    let mut seen = std::collections::HashSet::with_capacity(pairs.len());
    let last: Vec<bool> = pairs.iter().rev().map(|(k, _)| seen.insert(k)).collect();
    for ((k, v), last) in pairs.iter().zip(last.into_iter().rev()) {
        if last {
            ctx.engine.set_string(k, v, None)?;
        }
    }
    // One `set` per argument pair, in order, as Redis notifies.
    for (k, _) in pairs {
        ctx.notify(Class::STRING, "set", k);
    }
    Ok(())
}

impl Command for MSet {
    const SPEC: CommandSpec =
        CommandSpec::new("mset", -3, Flags::WRITE.union(Flags::DENYOOM), "string")
            .keys(1, -1, 2)
            .summary("Atomically creates or modifies the string values of one or more keys.")
            .since("1.0.1");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        args.pairs("mset").map(MSet)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        set_all(ctx, &self.0)?;
        Ok(Reply::ok())
    }
}

impl Command for MSetNx {
    const SPEC: CommandSpec = CommandSpec::new(
        "msetnx",
        -3,
        Flags::WRITE.union(Flags::DENYOOM),
        "string",
    )
    .keys(1, -1, 2)
    .summary(
        "Atomically modifies the string values of one or more keys only when all keys don't exist.",
    )
    .since("1.0.1");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        args.pairs("msetnx").map(MSetNx)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        for (k, _) in &self.0 {
            if ctx.engine.meta(k)?.is_some() {
                return Ok(Reply::Int(0));
            }
        }
        set_all(ctx, &self.0)?;
        Ok(Reply::Int(1))
    }
}

register_command!(MSet, MSetNx);
