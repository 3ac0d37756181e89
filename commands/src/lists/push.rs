use resplite_core::prelude::*;

use super::slices;

/// LPUSH/RPUSH/LPUSHX/RPUSHX key element [element ...]
pub struct Push {
    key: Bytes,
    values: Vec<Bytes>,
}

impl Push {
    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(Push {
            key: args.bytes()?,
            values: args.rest(),
        })
    }

    fn apply(self, ctx: &mut Ctx, left: bool, only_existing: bool) -> Result<Reply, CommandError> {
        let len = ctx
            .engine
            .list_push(&self.key, &slices(&self.values), left, only_existing)?;
        if len.is_some() {
            ctx.notify(Class::LIST, if left { "lpush" } else { "rpush" }, &self.key);
        }
        Ok(Reply::Int(len.unwrap_or(0) as i64))
    }
}

macro_rules! push_command {
    ($ty:ident, $name:literal, $left:expr, $only_existing:expr, $since:literal, $summary:literal) => {
        pub struct $ty(Push);

        impl Command for $ty {
            const SPEC: CommandSpec = CommandSpec::new(
                $name,
                -3,
                Flags::WRITE.union(Flags::DENYOOM).union(Flags::FAST),
                "list",
            )
            .keys(1, 1, 1)
            .summary($summary)
            .since($since);

            fn parse(args: &mut Args) -> Result<Self, CommandError> {
                Push::parse(args).map($ty)
            }

            fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
                self.0.apply(ctx, $left, $only_existing)
            }
        }
    };
}

push_command!(
    LPush,
    "lpush",
    true,
    false,
    "1.0.0",
    "Prepends one or more elements to a list. Creates the key if it doesn't exist."
);
push_command!(
    RPush,
    "rpush",
    false,
    false,
    "1.0.0",
    "Appends one or more elements to a list. Creates the key if it doesn't exist."
);
push_command!(
    LPushX,
    "lpushx",
    true,
    true,
    "2.2.0",
    "Prepends one or more elements to a list only when the list exists."
);
push_command!(
    RPushX,
    "rpushx",
    false,
    true,
    "2.2.0",
    "Appends an element to a list only when the list exists."
);

register_command!(LPush, RPush, LPushX, RPushX);
