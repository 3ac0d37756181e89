use resplite_core::prelude::*;

use super::{sketch, store};

/// PFCOUNT key [key ...]: the estimated cardinality of one HLL, or of the
/// union of several.
pub struct PfCount {
    keys: Vec<Bytes>,
}

impl Command for PfCount {
    const SPEC: CommandSpec = CommandSpec::new("pfcount", -2, Flags::READONLY, "hyperloglog")
        .keys(1, -1, 1)
        .summary("Returns the approximated cardinality of the set(s) observed by the HyperLogLog key(s).")
        .since("2.8.9");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(PfCount { keys: args.rest() })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        if let [key] = self.keys.as_slice() {
            let Some(mut value) = ctx.engine.get_string(key)? else {
                return Ok(Reply::Int(0));
            };
            let (count, refreshed) = sketch::count(&mut value)?;
            // A stale cached estimate is recomputed and written back, as
            // Redis does (which is why PFCOUNT may write).
            if refreshed {
                store(ctx, key, true, &value)?;
            }
            return Ok(Reply::Int(count as i64));
        }
        let mut union = sketch::Union::new();
        for key in &self.keys {
            if let Some(value) = ctx.engine.get_string(key)? {
                union.add(&value)?;
            }
        }
        Ok(Reply::Int(union.count() as i64))
    }
}

register_command!(PfCount);
