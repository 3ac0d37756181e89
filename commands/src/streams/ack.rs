//! XACK key group id [id ...]

use resplite_core::prelude::*;

use super::parse_strict_id;

pub struct XAck {
    key: Bytes,
    group: Bytes,
    ids: Vec<Bytes>,
}

impl Command for XAck {
    const SPEC: CommandSpec = CommandSpec::new("xack", -4, Flags::WRITE.union(Flags::FAST), "stream")
        .keys(1, 1, 1)
        .summary("Returns the number of messages that were successfully acknowledged by the consumer group member of a stream.")
        .since("5.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(XAck {
            key: args.bytes()?,
            group: args.bytes()?,
            ids: args.rest(),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        // A missing key or group acknowledges nothing (no PEL rows match),
        // and its bad ids are not an error: Redis looks the group up first.
        match self
            .ids
            .iter()
            .map(|a| parse_strict_id(a))
            .collect::<Result<Vec<_>, _>>()
        {
            Ok(ids) => Ok(Reply::Int(
                ctx.engine.xack(&self.key, &self.group, &ids)? as i64
            )),
            Err(e) => match ctx.engine.xgroup(&self.key, &self.group)? {
                Some(_) => Err(e),
                None => Ok(Reply::Int(0)),
            },
        }
    }
}

register_command!(XAck);
