use resplite_core::prelude::*;
use resplite_core::pubsub::SubKind;

/// SUBSCRIBE channel [channel ...]
pub struct Subscribe(Vec<Bytes>);

impl Command for Subscribe {
    const SPEC: CommandSpec = CommandSpec::new("subscribe", -2, super::SUBSCRIBE_FLAGS, "pubsub")
        .summary("Listens for messages published to channels.")
        .since("2.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(Subscribe(args.rest()))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(super::subscribe(ctx, self.0, SubKind::Channel))
    }
}

register_command!(Subscribe);
