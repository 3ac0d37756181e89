use resplite_core::prelude::*;

use crate::hashes::slices;

const READ_FAST: Flags = Flags::READONLY.union(Flags::FAST);

/// SMEMBERS key
pub struct SMembers(Bytes);

impl Command for SMembers {
    const SPEC: CommandSpec = CommandSpec::new("smembers", 2, Flags::READONLY, "set")
        .keys(1, 1, 1)
        .summary("Returns all members of a set.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(SMembers(args.bytes()?))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(set_reply(ctx.engine.smembers(&self.0)?))
    }
}

/// Members as a RESP3 set (an array in RESP2).
pub(crate) fn set_reply(members: Vec<Vec<u8>>) -> Reply {
    Reply::Set(members.into_iter().map(Reply::bulk).collect())
}

/// SISMEMBER key member
pub struct SIsMember {
    key: Bytes,
    member: Bytes,
}

impl Command for SIsMember {
    const SPEC: CommandSpec = CommandSpec::new("sismember", 3, READ_FAST, "set")
        .keys(1, 1, 1)
        .summary("Determines whether a member belongs to a set.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(SIsMember {
            key: args.bytes()?,
            member: args.bytes()?,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let found = ctx.engine.sismember(&self.key, &self.member)?;
        Ok(Reply::Int(i64::from(found)))
    }
}

/// SMISMEMBER key member [member ...]
pub struct SMIsMember {
    key: Bytes,
    members: Vec<Bytes>,
}

impl Command for SMIsMember {
    const SPEC: CommandSpec = CommandSpec::new("smismember", -3, READ_FAST, "set")
        .keys(1, 1, 1)
        .summary("Determines whether multiple members belong to a set.")
        .since("6.2.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(SMIsMember {
            key: args.bytes()?,
            members: args.rest(),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let found = ctx.engine.smismember(&self.key, &slices(&self.members))?;
        Ok(Reply::Array(
            found
                .into_iter()
                .map(|b| Reply::Int(i64::from(b)))
                .collect(),
        ))
    }
}

/// SCARD key
pub struct SCard(Bytes);

impl Command for SCard {
    const SPEC: CommandSpec = CommandSpec::new("scard", 2, READ_FAST, "set")
        .keys(1, 1, 1)
        .summary("Returns the number of members in a set.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(SCard(args.bytes()?))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(Reply::Int(ctx.engine.scard(&self.0)? as i64))
    }
}

register_command!(SMembers, SIsMember, SMIsMember, SCard);
