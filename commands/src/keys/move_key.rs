use resplite_core::prelude::*;

use crate::common::db_index;

/// MOVE key db: the key, with its TTL, goes to another database; 0 if it is
/// missing here or already exists there.
pub struct Move(Bytes, i64);

/// Redis reads database numbers as a C int.
pub(crate) fn int_arg(args: &mut Args) -> Result<i64, CommandError> {
    let n = args.i64()?;
    if i32::try_from(n).is_err() {
        return Err(CommandError::other("ERR value is out of range"));
    }
    Ok(n)
}

impl Command for Move {
    const SPEC: CommandSpec =
        CommandSpec::new("move", 3, Flags::WRITE.union(Flags::FAST), "generic")
            .keys(1, 1, 1)
            .summary("Moves a key to another database.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(Move(args.bytes()?, int_arg(args)?))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let db = db_index(ctx, self.1)?;
        if db == ctx.session.db {
            return Err(CommandError::other(
                "ERR source and destination objects are the same",
            ));
        }
        if !ctx.engine.move_key(&self.0, db)? {
            return Ok(Reply::Int(0));
        }
        ctx.notify_created();
        ctx.notify(Class::GENERIC, "move_from", &self.0);
        ctx.notify_in(db, Class::GENERIC, "move_to", &self.0);
        Ok(Reply::Int(1))
    }
}

register_command!(Move);
