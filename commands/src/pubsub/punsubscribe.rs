use resplite_core::prelude::*;
use resplite_core::pubsub::SubKind;

/// PUNSUBSCRIBE [pattern [pattern ...]]
pub struct Punsubscribe(Vec<Bytes>);

impl Command for Punsubscribe {
    const SPEC: CommandSpec = CommandSpec::new(
        "punsubscribe",
        -1,
        super::SUBSCRIBE_FLAGS,
        "pubsub",
    )
    .summary("Stops listening to messages published to channels that match one or more patterns.")
    .since("2.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(Punsubscribe(args.rest()))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(super::unsubscribe(ctx, self.0, SubKind::Pattern))
    }
}

register_command!(Punsubscribe);
