use resplite_core::prelude::*;

/// DBSIZE
pub struct DbSize;

impl Command for DbSize {
    const SPEC: CommandSpec =
        CommandSpec::new("dbsize", 1, Flags::READONLY.union(Flags::FAST), "server")
            .summary("Returns the number of keys in the database.");

    fn parse(_args: &mut Args) -> Result<Self, CommandError> {
        Ok(DbSize)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(Reply::Int(ctx.engine.dbsize()? as i64))
    }
}

register_command!(DbSize);
