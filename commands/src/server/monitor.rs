//! MONITOR: from now on this client receives a line per command any client
//! runs (see `resplite_core::monitor` for what is shown and how). RESET or
//! QUIT ends it.

use resplite_core::prelude::*;

pub struct Monitor;

impl Command for Monitor {
    const SPEC: CommandSpec = CommandSpec::new(
        "monitor",
        1,
        Flags::ADMIN
            .union(Flags::NOSCRIPT)
            .union(Flags::LOADING)
            .union(Flags::STALE),
        "server",
    )
    .summary("Listens for all requests received by the server in real-time.");

    fn parse(_args: &mut Args) -> Result<Self, CommandError> {
        Ok(Monitor)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        // Inside EXEC a client expects one reply per command (Redis' DENY
        // BLOCKING clients).
        if !ctx.coord.may_block() {
            return Err(CommandError::other(
                "ERR MONITOR isn't allowed for DENY BLOCKING client",
            ));
        }
        // As Redis: a second MONITOR is ignored, with no reply at all.
        if ctx.session.monitor || !ctx.server.pubsub.monitor(ctx.session.id) {
            return Ok(Reply::Multi(Vec::new()));
        }
        ctx.session.monitor = true;
        Ok(Reply::ok())
    }
}

register_command!(Monitor);
