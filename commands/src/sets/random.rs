use resplite_core::prelude::*;
use resplite_core::util::number::parse_i64;

use super::members::set_reply;
use crate::hashes::random_count;

/// SPOP key [count]
pub struct SPop {
    key: Bytes,
    count: Option<u64>,
}

impl Command for SPop {
    const SPEC: CommandSpec = CommandSpec::new("spop", -2, Flags::WRITE.union(Flags::FAST), "set")
        .keys(1, 1, 1)
        .summary("Returns one or more random members from a set after removing them. Deletes the set if the last member was popped.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let key = args.bytes()?;
        let count = match args.remaining() {
            0 => None,
            1 => {
                let n = parse_i64(&args.bytes()?)
                    .filter(|n| *n >= 0)
                    .ok_or_else(|| {
                        CommandError::other("ERR value is out of range, must be positive")
                    })?;
                Some(n as u64)
            }
            _ => return Err(CommandError::Syntax),
        };
        Ok(SPop { key, count })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        match self.count {
            None => {
                let popped = ctx.engine.spop(&self.key, 1)?;
                notify_spop(ctx, &self.key, popped.len());
                Ok(Reply::opt_bulk(popped.into_iter().next()))
            }
            Some(n) => {
                let popped = ctx.engine.spop(&self.key, n)?;
                notify_spop(ctx, &self.key, popped.len());
                Ok(set_reply(popped))
            }
        }
    }
}

/// SRANDMEMBER key [count]
pub struct SRandMember {
    key: Bytes,
    count: Option<i64>,
}

impl Command for SRandMember {
    const SPEC: CommandSpec = CommandSpec::new("srandmember", -2, Flags::READONLY, "set")
        .keys(1, 1, 1)
        .summary("Get one or multiple random members from a set");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let key = args.bytes()?;
        let count = match args.remaining() {
            0 => None,
            1 => Some(random_count(&args.bytes()?)?),
            _ => return Err(CommandError::Syntax),
        };
        Ok(SRandMember { key, count })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        match self.count {
            None => {
                let picked = ctx.engine.srandom(&self.key, 1, true)?;
                Ok(Reply::opt_bulk(picked.into_iter().next()))
            }
            // Repeats allowed: an array, not a set.
            Some(n) if n < 0 => Ok(Reply::bulks(ctx.engine.srandom(
                &self.key,
                n.unsigned_abs(),
                false,
            )?)),
            Some(n) => Ok(set_reply(ctx.engine.srandom(&self.key, n as u64, true)?)),
        }
    }
}

fn notify_spop(ctx: &mut Ctx, key: &[u8], popped: usize) {
    if popped > 0 {
        ctx.notify(Class::SET, "spop", key);
        ctx.notify_if_deleted(key);
    }
}

register_command!(SPop, SRandMember);
