use resplite_core::prelude::*;

use super::parse_end;

/// LMOVE source destination LEFT|RIGHT LEFT|RIGHT
pub struct LMove {
    src: Bytes,
    dst: Bytes,
    from_left: bool,
    to_left: bool,
}

/// RPOPLPUSH source destination: LMOVE source destination RIGHT LEFT.
pub struct RPopLPush(LMove);

impl LMove {
    fn run(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let moved = ctx
            .engine
            .list_move(&self.src, &self.dst, self.from_left, self.to_left)?;
        if moved.is_some() {
            super::notify_move(ctx, &self.src, &self.dst, self.from_left, self.to_left);
        }
        Ok(Reply::opt_bulk(moved))
    }
}

impl Command for LMove {
    const SPEC: CommandSpec =
        CommandSpec::new("lmove", 5, Flags::WRITE.union(Flags::DENYOOM), "list")
            .keys(1, 2, 1)
            .summary("Returns an element after popping it from one list and pushing it to another. Deletes the list if the last element was moved.")
            .since("6.2.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(LMove {
            src: args.bytes()?,
            dst: args.bytes()?,
            from_left: parse_end(args)?,
            to_left: parse_end(args)?,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        self.run(ctx)
    }
}

impl Command for RPopLPush {
    const SPEC: CommandSpec =
        CommandSpec::new("rpoplpush", 3, Flags::WRITE.union(Flags::DENYOOM), "list")
            .keys(1, 2, 1)
            .summary("Returns the last element of a list after removing and pushing it to another list. Deletes the list if the last element was popped.")
            .since("1.2.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(RPopLPush(LMove {
            src: args.bytes()?,
            dst: args.bytes()?,
            from_left: false,
            to_left: true,
        }))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        self.0.run(ctx)
    }
}

register_command!(LMove, RPopLPush);
