use resplite_core::prelude::*;

use crate::common::touch_watched_in;

/// FLUSHDB / FLUSHALL [ASYNC | SYNC]: the selected database, or all of them.
/// ASYNC is accepted and runs synchronously: the deletion is a few SQL
/// statements inside the group's transaction.
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
        touch_watched_in(ctx, ctx.session.db, None)?;
        ctx.engine.flush_db()?;
        ctx.invalidate_tracked();
        // Blocked XREADGROUPs learn that their stream is gone.
        ctx.coord.offer_waiters_in(ctx.session.db);
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
        for db in ctx.coord.watched_dbs() {
            touch_watched_in(ctx, db, None)?;
        }
        ctx.engine.flush_all()?;
        ctx.invalidate_tracked();
        for db in 0..crate::common::databases(ctx) {
            ctx.coord.offer_waiters_in(db);
        }
        Ok(Reply::ok())
    }
}

register_command!(FlushDb, FlushAll);
