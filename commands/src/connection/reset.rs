use resplite_core::command::ReplyMode;
use resplite_core::prelude::*;

/// RESET: the connection as if new (Redis 6.2): leaves MULTI (done by the
/// connection task), unwatches, unsubscribes everything, ends MONITOR, back to RESP2, name
/// cleared, CLIENT REPLY ON, NO-EVICT/NO-TOUCH off, and logged out when a
/// password is required. Answers `+RESET`.
pub struct Reset;

impl Command for Reset {
    const SPEC: CommandSpec = CommandSpec::new(
        "reset",
        1,
        Flags::NOSCRIPT
            .union(Flags::LOADING)
            .union(Flags::STALE)
            .union(Flags::FAST)
            .union(Flags::NO_AUTH),
        "connection",
    )
    .summary("Resets the connection.")
    .since("6.2.0");

    fn parse(_args: &mut Args) -> Result<Self, CommandError> {
        Ok(Reset)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let id = ctx.session.id;
        ctx.coord.unwatch();
        ctx.server.pubsub.unsubscribe_all(id);
        ctx.session.subscriptions = 0;
        ctx.server.pubsub.unmonitor(id);
        ctx.coord.tracking.disable(id);
        ctx.session.monitor = false;
        ctx.session.resp = 2;
        ctx.session.db = 0;
        ctx.engine.select(0);
        ctx.session.name = None;
        ctx.session.reply_mode = ReplyMode::On;
        ctx.server.update_client_meta(id, |m| {
            m.user = None;
            m.no_evict = false;
            m.no_touch = false;
        });
        Ok(Reply::simple("RESET"))
    }
}

register_command!(Reset);
