use resplite_core::prelude::*;
use resplite_core::pubsub::SubKind;

/// SUNSUBSCRIBE [shardchannel [shardchannel ...]]
pub struct Sunsubscribe(Vec<Bytes>);

impl Command for Sunsubscribe {
    const SPEC: CommandSpec =
        CommandSpec::new("sunsubscribe", -1, super::SUBSCRIBE_FLAGS, "pubsub")
            .keys(1, -1, 1)
            .not_key()
            .summary("Stops listening to messages posted to shard channels.")
            .since("7.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(Sunsubscribe(args.rest()))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(super::unsubscribe(ctx, self.0, SubKind::Shard))
    }
}

register_command!(Sunsubscribe);
