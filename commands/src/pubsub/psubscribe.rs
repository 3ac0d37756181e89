use resplite_core::prelude::*;
use resplite_core::pubsub::SubKind;

/// PSUBSCRIBE pattern [pattern ...]
pub struct Psubscribe(Vec<Bytes>);

impl Command for Psubscribe {
    const SPEC: CommandSpec = CommandSpec::new("psubscribe", -2, super::SUBSCRIBE_FLAGS, "pubsub")
        .summary("Listens for messages published to channels that match one or more patterns.")
        .since("2.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(Psubscribe(args.rest()))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(super::subscribe(ctx, self.0, SubKind::Pattern))
    }
}

register_command!(Psubscribe);
