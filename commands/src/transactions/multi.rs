use resplite_core::prelude::*;

/// MULTI, EXEC and DISCARD are handled by the connection (it owns the queue);
/// these specs make them known to dispatch and COMMAND, and answer the cases
/// that reach the storage thread.
pub struct Multi;
pub struct Exec;
pub struct Discard;

const TX_FLAGS: Flags = Flags::NOSCRIPT
    .union(Flags::LOADING)
    .union(Flags::STALE)
    .union(Flags::FAST);

impl Command for Multi {
    const SPEC: CommandSpec = CommandSpec::new("multi", 1, TX_FLAGS, "transactions")
        .summary("Starts a transaction.")
        .since("1.2.0");

    fn parse(_args: &mut Args) -> Result<Self, CommandError> {
        Ok(Multi)
    }

    fn apply(self, _ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Err(CommandError::other("ERR MULTI calls can not be nested"))
    }
}

impl Command for Exec {
    const SPEC: CommandSpec = CommandSpec::new(
        "exec",
        1,
        Flags::NOSCRIPT.union(Flags::LOADING).union(Flags::STALE),
        "transactions",
    )
    .summary("Executes all commands in a transaction.")
    .since("1.2.0");

    fn parse(_args: &mut Args) -> Result<Self, CommandError> {
        Ok(Exec)
    }

    fn apply(self, _ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Err(CommandError::other("ERR EXEC without MULTI"))
    }
}

impl Command for Discard {
    const SPEC: CommandSpec = CommandSpec::new("discard", 1, TX_FLAGS, "transactions")
        .summary("Discards a transaction.")
        .since("2.0.0");

    fn parse(_args: &mut Args) -> Result<Self, CommandError> {
        Ok(Discard)
    }

    /// Reached only after the connection dropped its queue: forget WATCHes.
    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        ctx.coord.unwatch();
        Ok(Reply::ok())
    }
}

register_command!(Multi, Exec, Discard);
