use resplite_core::prelude::*;

/// SELECT index: the connection's database from then on.
pub struct Select(i64);

impl Command for Select {
    const SPEC: CommandSpec = CommandSpec::new("select", 2, Flags::FAST, "connection")
        .summary("Changes the selected database.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let index = args.i64()?;
        // Redis reads the index as a C int before checking it.
        if i32::try_from(index).is_err() {
            return Err(CommandError::other(
                "ERR value is out of range, value must between -2147483648 and 2147483647",
            ));
        }
        Ok(Select(index))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let db = crate::common::db_index(ctx, self.0)?;
        ctx.session.db = db;
        ctx.engine.select(db);
        Ok(Reply::ok())
    }
}

register_command!(Select);
