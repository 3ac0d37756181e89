use resplite_core::prelude::*;

/// SELECT index: resplite has one database, 0.
pub struct Select(i64);

impl Command for Select {
    const SPEC: CommandSpec = CommandSpec::new("select", 2, Flags::FAST, "connection")
        .summary("Changes the selected database.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(Select(args.i64()?))
    }

    fn apply(self, _ctx: &mut Ctx) -> Result<Reply, CommandError> {
        match self.0 {
            0 => Ok(Reply::ok()),
            _ => Err(CommandError::other("ERR DB index is out of range")),
        }
    }
}

register_command!(Select);
