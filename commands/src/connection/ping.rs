use resplite_core::prelude::*;

/// PING [message]
pub struct Ping {
    message: Option<Bytes>,
}

impl Command for Ping {
    const SPEC: CommandSpec = CommandSpec::new("ping", -1, Flags::FAST, "connection")
        .summary("Returns the server's liveliness response.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        if args.remaining() > 1 {
            return Err(CommandError::WrongArity("ping".into()));
        }
        Ok(Ping {
            message: args.peek().is_some().then(|| args.bytes()).transpose()?,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        // A subscribed RESP2 client gets `pong <message>` as an array, as Redis
        // answers in that context.
        if ctx.session.subscriptions > 0 && ctx.session.resp == 2 {
            return Ok(Reply::Array(vec![
                Reply::bulk("pong"),
                Reply::Bulk(self.message.unwrap_or_default()),
            ]));
        }
        Ok(match self.message {
            None => Reply::simple("PONG"),
            Some(m) => Reply::Bulk(m),
        })
    }
}

register_command!(Ping);
