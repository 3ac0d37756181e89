use resplite_core::prelude::*;

use crate::common::MAX_STRING;

/// GETRANGE key start end (inclusive, negative counts from the end)
pub struct GetRange {
    key: Bytes,
    start: i64,
    end: i64,
}

/// SETRANGE key offset value
pub struct SetRange {
    key: Bytes,
    offset: usize,
    value: Bytes,
}

impl Command for GetRange {
    const SPEC: CommandSpec = CommandSpec::new("getrange", 4, Flags::READONLY, "string")
        .keys(1, 1, 1)
        .summary("Returns a substring of the string stored at a key.")
        .since("2.4.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(GetRange {
            key: args.bytes()?,
            start: args.i64()?,
            end: args.i64()?,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        // Only the range is read: a slice of a large value costs its length.
        let Some(len) = ctx.engine.string_len(&self.key)? else {
            return Ok(Reply::bulk(""));
        };
        let len = len as i64;
        let (mut start, mut end) = (self.start, self.end);
        if start < 0 && end < 0 && start > end {
            return Ok(Reply::bulk(""));
        }
        if start < 0 {
            start = (len + start).max(0);
        }
        if end < 0 {
            end = (len + end).max(0);
        }
        end = end.min(len - 1);
        if len == 0 || start > end {
            return Ok(Reply::bulk(""));
        }
        let bytes = ctx
            .engine
            .read_string_range(&self.key, start as usize, (end - start + 1) as usize)?
            .unwrap_or_default();
        Ok(Reply::bulk(bytes))
    }
}

/// SUBSTR key start end: GETRANGE's old name, still served by Redis 7.
pub struct Substr(GetRange);

impl Command for Substr {
    const SPEC: CommandSpec = CommandSpec::new("substr", 4, Flags::READONLY, "string")
        .keys(1, 1, 1)
        .summary("Returns a substring from a string value.")
        .since("1.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        GetRange::parse(args).map(Substr)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        self.0.apply(ctx)
    }
}

impl Command for SetRange {
    const SPEC: CommandSpec =
        CommandSpec::new("setrange", 4, Flags::WRITE.union(Flags::DENYOOM), "string")
            .keys(1, 1, 1)
            .summary("Overwrites a part of a string value with another by an offset. Creates the key if it doesn't exist.")
            .since("2.2.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let key = args.bytes()?;
        let offset = args.i64()?;
        let offset = usize::try_from(offset)
            .map_err(|_| CommandError::other("ERR offset is out of range"))?;
        let value = args.bytes()?;
        if !value.is_empty() && offset.saturating_add(value.len()) > MAX_STRING {
            return Err(CommandError::StringTooLong);
        }
        Ok(SetRange { key, offset, value })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        // Within the current length the value changes in place.
        let len = ctx
            .engine
            .write_string_range(&self.key, self.offset, &self.value)?;
        if !self.value.is_empty() {
            ctx.notify(Class::STRING, "setrange", &self.key);
        }
        Ok(Reply::Int(len as i64))
    }
}

register_command!(GetRange, SetRange, Substr);
