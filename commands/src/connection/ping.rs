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

    fn apply(self, _ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(match self.message {
            None => Reply::simple("PONG"),
            Some(m) => Reply::Bulk(m),
        })
    }
}

register_command!(Ping);
