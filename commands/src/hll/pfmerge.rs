use resplite_core::prelude::*;

use super::{sketch, sparse_max_bytes, store};

/// PFMERGE destkey [sourcekey ...]: the union of the sources and the
/// destination's own registers, stored at the destination.
pub struct PfMerge {
    dst: Bytes,
    sources: Vec<Bytes>,
}

impl Command for PfMerge {
    const SPEC: CommandSpec = CommandSpec::new(
        "pfmerge",
        -2,
        Flags::WRITE.union(Flags::DENYOOM),
        "hyperloglog",
    )
    .keys(1, -1, 1)
    .summary("Merges one or more HyperLogLog values into a single key.")
    .since("2.8.9");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(PfMerge {
            dst: args.bytes()?,
            sources: args.rest(),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        // Every key is checked in order (the destination first) before
        // anything is written.
        let dst = ctx.engine.get_string(&self.dst)?;
        let mut union = sketch::Union::new();
        if let Some(value) = &dst {
            union.add(value)?;
        }
        for key in &self.sources {
            if let Some(value) = ctx.engine.get_string(key)? {
                union.add(&value)?;
            }
        }
        let merged = union.store_into(dst.as_deref(), sparse_max_bytes(ctx))?;
        store(ctx, &self.dst, dst.is_some(), &merged)?;
        ctx.notify(Class::STRING, "pfadd", &self.dst);
        Ok(Reply::ok())
    }
}

register_command!(PfMerge);
