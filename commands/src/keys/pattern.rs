//! KEYS and RANDOMKEY: whole-keyspace lookups.

use resplite_core::prelude::*;

/// KEYS pattern
pub struct Keys(Bytes);

/// RANDOMKEY
pub struct RandomKey;

impl Command for Keys {
    const SPEC: CommandSpec = CommandSpec::new("keys", 2, Flags::READONLY, "generic")
        .summary("Returns all key names that match a pattern.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(Keys(args.bytes()?))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(Reply::bulks(ctx.engine.keys(&self.0)?))
    }
}

impl Command for RandomKey {
    const SPEC: CommandSpec = CommandSpec::new("randomkey", 1, Flags::READONLY, "generic")
        .summary("Returns a random key name from the database.");

    fn parse(_args: &mut Args) -> Result<Self, CommandError> {
        Ok(RandomKey)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(Reply::opt_bulk(ctx.engine.random_key()?))
    }
}

register_command!(Keys, RandomKey);
