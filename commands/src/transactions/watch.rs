use resplite_core::prelude::*;

/// WATCH key [key ...]: EXEC fails (nil) if any of them changes before it.
pub struct Watch(Vec<Bytes>);

/// UNWATCH
pub struct Unwatch;

impl Command for Watch {
    const SPEC: CommandSpec = CommandSpec::new(
        "watch",
        -2,
        Flags::NOSCRIPT
            .union(Flags::LOADING)
            .union(Flags::STALE)
            .union(Flags::FAST),
        "transactions",
    )
    .keys(1, -1, 1)
    .summary("Monitors changes to keys to determine the execution of a transaction.")
    .since("2.2.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(Watch(args.rest()))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        for key in &self.0 {
            // A key that exists now and is gone at EXEC expired: that aborts too.
            let existed = ctx.engine.meta(key)?.is_some();
            let key = resplite_core::engine::DbKey::new(ctx.session.db, key.to_vec());
            ctx.coord.watch(key, existed);
        }
        Ok(Reply::ok())
    }
}

impl Command for Unwatch {
    const SPEC: CommandSpec = CommandSpec::new(
        "unwatch",
        1,
        Flags::NOSCRIPT
            .union(Flags::LOADING)
            .union(Flags::STALE)
            .union(Flags::FAST),
        "transactions",
    )
    .summary("Forgets about watched keys of a transaction.")
    .since("2.2.0");

    fn parse(_args: &mut Args) -> Result<Self, CommandError> {
        Ok(Unwatch)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        ctx.coord.unwatch();
        Ok(Reply::ok())
    }
}

register_command!(Watch, Unwatch);
