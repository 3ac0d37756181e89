use resplite_core::prelude::*;

/// DEL key [key ...] / UNLINK key [key ...]: the number of keys removed.
pub struct Del(Vec<Bytes>);
pub struct Unlink(Vec<Bytes>);

fn delete_all(ctx: &mut Ctx, keys: &[Bytes]) -> Result<Reply, CommandError> {
    let mut removed = 0;
    for key in keys {
        if ctx.engine.delete(key)? {
            removed += 1;
            ctx.notify(Class::GENERIC, "del", key);
        }
    }
    Ok(Reply::Int(removed))
}

impl Command for Del {
    const SPEC: CommandSpec = CommandSpec::new("del", -2, Flags::WRITE, "generic")
        .keys(1, -1, 1)
        .summary("Deletes one or more keys.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(Del(args.rest()))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        delete_all(ctx, &self.0)
    }
}

impl Command for Unlink {
    const SPEC: CommandSpec =
        CommandSpec::new("unlink", -2, Flags::WRITE.union(Flags::FAST), "generic")
            .keys(1, -1, 1)
            .summary("Asynchronously deletes one or more keys.")
            .since("4.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(Unlink(args.rest()))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        delete_all(ctx, &self.0)
    }
}

register_command!(Del, Unlink);
