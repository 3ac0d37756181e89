use resplite_core::prelude::*;
use resplite_core::pubsub::SubKind;

/// SSUBSCRIBE shardchannel [shardchannel ...]
pub struct Ssubscribe(Vec<Bytes>);

impl Command for Ssubscribe {
    const SPEC: CommandSpec = CommandSpec::new("ssubscribe", -2, super::SUBSCRIBE_FLAGS, "pubsub")
        .keys(1, -1, 1)
        .not_key()
        .summary("Listens for messages published to shard channels.")
        .since("7.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(Ssubscribe(args.rest()))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        // Unlike SUBSCRIBE, Redis refuses it inside MULTI too.
        if !ctx.coord.may_block() {
            return Err(CommandError::other(
                "ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client",
            ));
        }
        Ok(super::subscribe(ctx, self.0, SubKind::Shard))
    }
}

register_command!(Ssubscribe);
