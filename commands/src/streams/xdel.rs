//! XDEL key id [id ...]

use resplite_core::prelude::*;

use super::parse_strict_id;

pub struct XDel {
    key: Bytes,
    ids: Vec<Bytes>,
}

impl Command for XDel {
    const SPEC: CommandSpec =
        CommandSpec::new("xdel", -3, Flags::WRITE.union(Flags::FAST), "stream")
            .keys(1, 1, 1)
            .summary("Returns the number of messages after removing them from a stream.")
            .since("5.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(XDel {
            key: args.bytes()?,
            ids: args.rest(),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        // Redis looks the key up before it reads the ids.
        if ctx.engine.xmeta(&self.key)?.is_none() {
            return Ok(Reply::Int(0));
        }
        let ids = self
            .ids
            .iter()
            .map(|a| parse_strict_id(a))
            .collect::<Result<Vec<_>, _>>()?;
        let deleted = ctx.engine.xdel(&self.key, &ids)?;
        if deleted > 0 {
            ctx.notify(Class::STREAM, "xdel", &self.key);
        }
        Ok(Reply::Int(deleted as i64))
    }
}

register_command!(XDel);
