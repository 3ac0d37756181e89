use resplite_core::prelude::*;

/// SPUBLISH shardchannel message: how many clients will receive it (shard
/// channel subscribers only). Delivered as `smessage` after the commit.
pub struct Spublish {
    channel: Bytes,
    message: Bytes,
}

impl Command for Spublish {
    const SPEC: CommandSpec = CommandSpec::new(
        "spublish",
        3,
        Flags::PUBSUB
            .union(Flags::LOADING)
            .union(Flags::STALE)
            .union(Flags::FAST),
        "pubsub",
    )
    .keys(1, 1, 1)
    .not_key()
    .summary("Post a message to a shard channel")
    .since("7.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(Spublish {
            channel: args.bytes()?,
            message: args.bytes()?,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(Reply::Int(ctx.spublish(self.channel, self.message) as i64))
    }
}

register_command!(Spublish);
