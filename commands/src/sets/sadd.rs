use resplite_core::prelude::*;

use crate::hashes::slices;

/// SADD key member [member ...]: the number of new members.
pub struct SAdd {
    key: Bytes,
    members: Vec<Bytes>,
}

impl Command for SAdd {
    const SPEC: CommandSpec = CommandSpec::new(
        "sadd",
        -3,
        Flags::WRITE.union(Flags::DENYOOM).union(Flags::FAST),
        "set",
    )
    .keys(1, 1, 1)
    .summary("Adds one or more members to a set. Creates the key if it doesn't exist.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(SAdd {
            key: args.bytes()?,
            members: args.rest(),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let added = ctx.engine.sadd(&self.key, &slices(&self.members))?;
        if added > 0 {
            ctx.notify(Class::SET, "sadd", &self.key);
        }
        Ok(Reply::Int(added as i64))
    }
}

/// SREM key member [member ...]: the number of members removed.
pub struct SRem {
    key: Bytes,
    members: Vec<Bytes>,
}

impl Command for SRem {
    const SPEC: CommandSpec = CommandSpec::new("srem", -3, Flags::WRITE.union(Flags::FAST), "set")
        .keys(1, 1, 1)
        .summary("Removes one or more members from a set. Deletes the set if the last member was removed.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(SRem {
            key: args.bytes()?,
            members: args.rest(),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let removed = ctx.engine.srem(&self.key, &slices(&self.members))?;
        if removed > 0 {
            ctx.notify(Class::SET, "srem", &self.key);
            ctx.notify_if_deleted(&self.key);
        }
        Ok(Reply::Int(removed as i64))
    }
}

/// SMOVE source destination member
pub struct SMove {
    src: Bytes,
    dst: Bytes,
    member: Bytes,
}

impl Command for SMove {
    const SPEC: CommandSpec = CommandSpec::new("smove", 4, Flags::WRITE.union(Flags::FAST), "set")
        .keys(1, 2, 1)
        .summary("Moves a member from one set to another.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(SMove {
            src: args.bytes()?,
            dst: args.bytes()?,
            member: args.bytes()?,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        // As Redis: nothing to say when source and destination are the same;
        // `sadd` only when the destination did not have the member.
        let had = self.src != self.dst
            && ctx.notifies(Class::SET)
            && matches!(ctx.engine.sismember(&self.dst, &self.member), Ok(true));
        let moved = ctx.engine.smove(&self.src, &self.dst, &self.member)?;
        if moved && self.src != self.dst {
            ctx.notify(Class::SET, "srem", &self.src);
            ctx.notify_if_deleted(&self.src);
            if !had {
                ctx.notify(Class::SET, "sadd", &self.dst);
            }
        }
        Ok(Reply::Int(i64::from(moved)))
    }
}

register_command!(SAdd, SRem, SMove);
