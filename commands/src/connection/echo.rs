use resplite_core::prelude::*;

/// ECHO message
pub struct Echo(Bytes);

impl Command for Echo {
    const SPEC: CommandSpec =
        CommandSpec::new("echo", 2, Flags::FAST, "connection").summary("Returns the given string.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(Echo(args.bytes()?))
    }

    fn apply(self, _ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(Reply::Bulk(self.0))
    }
}

register_command!(Echo);
