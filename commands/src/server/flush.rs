use resplite_core::prelude::*;

/// FLUSHDB / FLUSHALL [ASYNC | SYNC]: one database, so both empty everything.
pub struct FlushDb;
pub struct FlushAll;

fn parse_mode(args: &mut Args) -> Result<(), CommandError> {
    if !args.is_empty() && !args.eat("ASYNC") && !args.eat("SYNC") {
        return Err(CommandError::Syntax);
    }
    Ok(())
}

impl Command for FlushDb {
    const SPEC: CommandSpec = CommandSpec::new("flushdb", -1, Flags::WRITE, "server")
        .summary("Removes all keys from the current database.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        parse_mode(args).map(|_| FlushDb)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        ctx.engine.flush()?;
        Ok(Reply::ok())
    }
}

impl Command for FlushAll {
    const SPEC: CommandSpec = CommandSpec::new("flushall", -1, Flags::WRITE, "server")
        .summary("Removes all keys from all databases.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        parse_mode(args).map(|_| FlushAll)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        ctx.engine.flush()?;
        Ok(Reply::ok())
    }
}

register_command!(FlushDb, FlushAll);
