use resplite_core::prelude::*;

use super::move_key::int_arg;
use crate::common::db_index;

/// COPY source destination [DB db] [REPLACE]: the value and its TTL, for every
/// type; 0 if the source is missing or the destination exists (without REPLACE).
pub struct Copy {
    src: Bytes,
    dst: Bytes,
    db: Option<i64>,
    replace: bool,
}

impl Command for Copy {
    const SPEC: CommandSpec = CommandSpec::new("copy", -3, Flags::WRITE, "generic")
        .keys(1, 2, 1)
        .summary("Copies the value of a key to a new key.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let mut cmd = Copy {
            src: args.bytes()?,
            dst: args.bytes()?,
            db: None,
            replace: false,
        };
        while !args.is_empty() {
            if args.eat("REPLACE") {
                cmd.replace = true;
            } else if args.remaining() >= 2 && args.eat("DB") {
                cmd.db = Some(int_arg(args)?);
            } else {
                return Err(CommandError::Syntax);
            }
        }
        Ok(cmd)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let db = match self.db {
            Some(n) => db_index(ctx, n)?,
            None => ctx.session.db,
        };
        if db == ctx.session.db && self.src == self.dst {
            return Err(CommandError::other(
                "ERR source and destination objects are the same",
            ));
        }
        if !ctx
            .engine
            .copy_key(&self.src, db, &self.dst, self.replace)?
        {
            return Ok(Reply::Int(0));
        }
        ctx.notify_in(db, Class::GENERIC, "copy_to", &self.dst);
        Ok(Reply::Int(1))
    }
}

register_command!(Copy);
