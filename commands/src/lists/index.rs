//! Reads and writes by index: LLEN, LRANGE, LINDEX, LSET, LTRIM.

use resplite_core::prelude::*;
use resplite_core::util::number::parse_i64;

/// LLEN key
pub struct LLen(Bytes);

/// LRANGE key start stop
pub struct LRange {
    key: Bytes,
    start: i64,
    stop: i64,
}

/// LINDEX key index. Redis looks the key up before reading the index, so a
/// bad index on a missing key is nil, not an error: it is parsed in `apply`.
pub struct LIndex {
    key: Bytes,
    index: Bytes,
}

/// LSET key index element (index parsed after the key lookup, as LINDEX).
pub struct LSet {
    key: Bytes,
    index: Bytes,
    value: Bytes,
}

/// LTRIM key start stop
pub struct LTrim {
    key: Bytes,
    start: i64,
    stop: i64,
}

impl Command for LLen {
    const SPEC: CommandSpec =
        CommandSpec::new("llen", 2, Flags::READONLY.union(Flags::FAST), "list")
            .keys(1, 1, 1)
            .summary("Returns the length of a list.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(LLen(args.bytes()?))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(Reply::Int(ctx.engine.list_len(&self.0)? as i64))
    }
}

impl Command for LRange {
    const SPEC: CommandSpec = CommandSpec::new("lrange", 4, Flags::READONLY, "list")
        .keys(1, 1, 1)
        .summary("Returns a range of elements from a list.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(LRange {
            key: args.bytes()?,
            start: args.i64()?,
            stop: args.i64()?,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let values = ctx.engine.list_range(&self.key, self.start, self.stop)?;
        Ok(Reply::bulks(values))
    }
}

impl Command for LIndex {
    const SPEC: CommandSpec = CommandSpec::new("lindex", 3, Flags::READONLY, "list")
        .keys(1, 1, 1)
        .summary("Returns an element from a list by its index.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(LIndex {
            key: args.bytes()?,
            index: args.bytes()?,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let Some(index) = parse_i64(&self.index) else {
            return match ctx.engine.list_len(&self.key)? {
                0 => Ok(Reply::Nil),
                _ => Err(CommandError::NotInteger),
            };
        };
        Ok(Reply::opt_bulk(ctx.engine.list_index(&self.key, index)?))
    }
}

impl Command for LSet {
    const SPEC: CommandSpec =
        CommandSpec::new("lset", 4, Flags::WRITE.union(Flags::DENYOOM), "list")
            .keys(1, 1, 1)
            .summary("Sets the value of an element in a list by its index.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(LSet {
            key: args.bytes()?,
            index: args.bytes()?,
            value: args.bytes()?,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let Some(index) = parse_i64(&self.index) else {
            return match ctx.engine.list_len(&self.key)? {
                0 => Err(CommandError::NoSuchKey),
                _ => Err(CommandError::NotInteger),
            };
        };
        match ctx.engine.list_set(&self.key, index, &self.value)? {
            None => Err(CommandError::NoSuchKey),
            Some(false) => Err(CommandError::other("ERR index out of range")),
            Some(true) => {
                ctx.notify(Class::LIST, "lset", &self.key);
                Ok(Reply::ok())
            }
        }
    }
}

impl Command for LTrim {
    const SPEC: CommandSpec = CommandSpec::new("ltrim", 4, Flags::WRITE, "list")
        .keys(1, 1, 1)
        .summary(
            "Removes elements from both ends a list. Deletes the list if all elements were trimmed.",
        );

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(LTrim {
            key: args.bytes()?,
            start: args.i64()?,
            stop: args.i64()?,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        // As Redis: `ltrim` whenever the list exists, then `del` if emptied.
        if ctx.engine.list_len(&self.key)? > 0 {
            ctx.engine.list_trim(&self.key, self.start, self.stop)?;
            ctx.notify(Class::LIST, "ltrim", &self.key);
            ctx.notify_if_deleted(&self.key);
        }
        Ok(Reply::ok())
    }
}

register_command!(LLen, LRange, LIndex, LSet, LTrim);
