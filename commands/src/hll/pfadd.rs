use resplite_core::prelude::*;

use super::{sketch, sparse_max_bytes, store};

/// PFADD key [element ...]: 1 if the estimate may have changed (or the key
/// was created), else 0.
pub struct PfAdd {
    key: Bytes,
    elements: Vec<Bytes>,
}

impl Command for PfAdd {
    const SPEC: CommandSpec = CommandSpec::new(
        "pfadd",
        -2,
        Flags::WRITE.union(Flags::DENYOOM).union(Flags::FAST),
        "hyperloglog",
    )
    .keys(1, 1, 1)
    .summary("Adds elements to a HyperLogLog key. Creates the key if it doesn't exist.")
    .since("2.8.9");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(PfAdd {
            key: args.bytes()?,
            elements: args.rest(),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let current = ctx.engine.get_string(&self.key)?;
        let elements: Vec<&[u8]> = self.elements.iter().map(|e| &e[..]).collect();
        let outcome = sketch::pfadd(current.as_deref(), &elements, sparse_max_bytes(ctx));
        // On an error (a corrupt value) nothing is stored: Redis keeps a
        // partial edit in memory only, unreplicated; resplite keeps none.
        let changed = outcome.reply?;
        if let (true, Some(value)) = (changed, outcome.store) {
            store(ctx, &self.key, current.is_some(), &value)?;
            ctx.notify(Class::STRING, "pfadd", &self.key);
        }
        Ok(Reply::Int(i64::from(changed)))
    }
}

register_command!(PfAdd);
