use resplite_core::prelude::*;
use resplite_core::pubsub::SubKind;

/// UNSUBSCRIBE [channel [channel ...]]
pub struct Unsubscribe(Vec<Bytes>);

impl Command for Unsubscribe {
    const SPEC: CommandSpec = CommandSpec::new("unsubscribe", -1, super::SUBSCRIBE_FLAGS, "pubsub")
        .summary("Stops listening to messages posted to channels.")
        .since("2.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(Unsubscribe(args.rest()))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(super::unsubscribe(ctx, self.0, SubKind::Channel))
    }
}

register_command!(Unsubscribe);
