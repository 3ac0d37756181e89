use resplite_core::prelude::*;

use crate::hashes::hscan::ScanOptions;

/// SSCAN key cursor [MATCH pattern] [COUNT count]
pub struct SScan {
    key: Bytes,
    scan: ScanOptions,
}

impl Command for SScan {
    const SPEC: CommandSpec = CommandSpec::new("sscan", -3, Flags::READONLY, "set")
        .keys(1, 1, 1)
        .summary("Iterates over members of a set.")
        .since("2.8.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(SScan {
            key: args.bytes()?,
            scan: ScanOptions::parse(args)?,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let key = self.key;
        let (cursor, count, pattern) = match self.scan.resolve(|| Ok(ctx.engine.scard(&key)?))? {
            Ok(o) => o,
            Err(empty) => return Ok(empty),
        };
        let (next, members) = ctx.engine.sscan(&key, cursor, count, pattern.as_deref())?;
        Ok(ScanOptions::reply(
            next,
            members.into_iter().map(Reply::bulk).collect(),
        ))
    }
}

register_command!(SScan);
