use resplite_core::prelude::*;

use crate::common::MAX_STRING;

/// APPEND key value
pub struct Append(Bytes, Bytes);

/// STRLEN key
pub struct StrLen(Bytes);

impl Command for Append {
    const SPEC: CommandSpec =
        CommandSpec::new("append", 3, Flags::WRITE.union(Flags::DENYOOM), "string")
            .keys(1, 1, 1)
            .summary("Appends a string to the value of a key. Creates the key if it doesn't exist.")
            .since("2.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(Append(args.bytes()?, args.bytes()?))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        match ctx.engine.get_string(&self.0)? {
            Some(mut value) => {
                if value.len() + self.1.len() > MAX_STRING {
                    return Err(CommandError::StringTooLong);
                }
                value.extend_from_slice(&self.1);
                ctx.engine.update_string(&self.0, &value)?;
                ctx.notify(Class::STRING, "append", &self.0);
                Ok(Reply::Int(value.len() as i64))
            }
            None => {
                ctx.engine.set_string(&self.0, &self.1, None)?;
                ctx.notify(Class::STRING, "append", &self.0);
                Ok(Reply::Int(self.1.len() as i64))
            }
        }
    }
}

impl Command for StrLen {
    const SPEC: CommandSpec =
        CommandSpec::new("strlen", 2, Flags::READONLY.union(Flags::FAST), "string")
            .keys(1, 1, 1)
            .summary("Returns the length of a string value.")
            .since("2.2.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(StrLen(args.bytes()?))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let len = ctx.engine.get_string(&self.0)?.map_or(0, |v| v.len());
        Ok(Reply::Int(len as i64))
    }
}

register_command!(Append, StrLen);
