use resplite_core::prelude::*;

/// PUBLISH channel message: how many clients will receive it (channel plus
/// pattern subscriptions). Delivered once this command's group has committed,
/// in order with keyspace events.
pub struct Publish {
    channel: Bytes,
    message: Bytes,
}

impl Command for Publish {
    const SPEC: CommandSpec = CommandSpec::new(
        "publish",
        3,
        Flags::PUBSUB
            .union(Flags::LOADING)
            .union(Flags::STALE)
            .union(Flags::FAST),
        "pubsub",
    )
    .summary("Posts a message to a channel.")
    .since("2.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(Publish {
            channel: args.bytes()?,
            message: args.bytes()?,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(Reply::Int(ctx.publish(self.channel, self.message) as i64))
    }
}

register_command!(Publish);
