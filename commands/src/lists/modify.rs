//! LREM and LINSERT: the two O(N) edits in the middle of a list.

use resplite_core::prelude::*;

/// LREM key count element
pub struct LRem {
    key: Bytes,
    count: i64,
    value: Bytes,
}

/// LINSERT key BEFORE|AFTER pivot element
pub struct LInsert {
    key: Bytes,
    before: bool,
    pivot: Bytes,
    value: Bytes,
}

impl Command for LRem {
    const SPEC: CommandSpec = CommandSpec::new("lrem", 4, Flags::WRITE, "list")
        .keys(1, 1, 1)
        .summary("Removes elements from a list. Deletes the list if the last element was removed.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(LRem {
            key: args.bytes()?,
            count: args.i64()?,
            value: args.bytes()?,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let removed = ctx.engine.list_remove(&self.key, self.count, &self.value)?;
        if removed > 0 {
            ctx.notify(Class::LIST, "lrem", &self.key);
            ctx.notify_if_deleted(&self.key);
        }
        Ok(Reply::Int(removed as i64))
    }
}

impl Command for LInsert {
    const SPEC: CommandSpec =
        CommandSpec::new("linsert", 5, Flags::WRITE.union(Flags::DENYOOM), "list")
            .keys(1, 1, 1)
            .summary("Inserts an element before or after another element in a list.")
            .since("2.2.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let key = args.bytes()?;
        let before = match args.keyword()?.as_str() {
            "BEFORE" => true,
            "AFTER" => false,
            _ => return Err(CommandError::Syntax),
        };
        Ok(LInsert {
            key,
            before,
            pivot: args.bytes()?,
            value: args.bytes()?,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let len = ctx
            .engine
            .list_insert(&self.key, self.before, &self.pivot, &self.value)?;
        if len > 0 {
            ctx.notify(Class::LIST, "linsert", &self.key);
        }
        Ok(Reply::Int(len))
    }
}

register_command!(LRem, LInsert);
