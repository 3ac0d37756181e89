use resplite_core::prelude::*;

/// QUIT: replies OK, then the connection closes once the reply is written.
pub struct Quit;

impl Command for Quit {
    const SPEC: CommandSpec =
        CommandSpec::new("quit", -1, Flags::FAST.union(Flags::NO_AUTH), "connection")
            .summary("Closes the connection.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        // Redis ignores any arguments to QUIT.
        args.rest();
        Ok(Quit)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        ctx.session.close_after_reply = true;
        Ok(Reply::ok())
    }
}

register_command!(Quit);
