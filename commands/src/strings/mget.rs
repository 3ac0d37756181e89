use resplite_core::prelude::*;
use resplite_core::EngineError;

/// MGET key [key ...]: keys that are missing or not strings read as nil.
pub struct MGet(Vec<Bytes>);

impl Command for MGet {
    const SPEC: CommandSpec =
        CommandSpec::new("mget", -2, Flags::READONLY.union(Flags::FAST), "string")
            .keys(1, -1, 1)
            .summary("Atomically returns the string values of one or more keys.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(MGet(args.rest()))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let mut out = Vec::with_capacity(self.0.len());
        for key in &self.0 {
            let value = ctx.engine.get_string(key);
            ctx.count_lookup(key, !matches!(value, Ok(None)));
            out.push(match value {
                Ok(v) => Reply::opt_bulk(v),
                Err(EngineError::WrongType) => Reply::Nil,
                Err(e) => return Err(e.into()),
            });
        }
        Ok(Reply::Array(out))
    }
}

register_command!(MGet);
