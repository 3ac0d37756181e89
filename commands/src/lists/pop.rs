use resplite_core::prelude::*;
use resplite_core::util::number::parse_i64;

/// LPOP/RPOP key [count]
pub struct Pop {
    key: Bytes,
    count: Option<u64>,
}

impl Pop {
    fn parse(args: &mut Args, name: &str) -> Result<Self, CommandError> {
        let key = args.bytes()?;
        let count = match args.remaining() {
            0 => None,
            1 => Some(
                parse_i64(&args.bytes()?)
                    .and_then(|n| u64::try_from(n).ok())
                    .ok_or_else(|| {
                        CommandError::other("ERR value is out of range, must be positive")
                    })?,
            ),
            _ => return Err(CommandError::WrongArity(name.into())),
        };
        Ok(Pop { key, count })
    }

    fn apply(self, ctx: &mut Ctx, left: bool) -> Result<Reply, CommandError> {
        let popped = ctx
            .engine
            .list_pop(&self.key, left, self.count.unwrap_or(1))?;
        if popped.as_ref().is_some_and(|v| !v.is_empty()) {
            super::notify_pop(ctx, &self.key, left);
        }
        Ok(match (popped, self.count) {
            (None, None) => Reply::Nil,
            (None, Some(_)) => Reply::NilArray,
            (Some(mut values), None) => Reply::opt_bulk(values.pop()),
            (Some(values), Some(_)) => Reply::bulks(values),
        })
    }
}

macro_rules! pop_command {
    ($ty:ident, $name:literal, $left:expr, $summary:literal) => {
        pub struct $ty(Pop);

        impl Command for $ty {
            const SPEC: CommandSpec =
                CommandSpec::new($name, -2, Flags::WRITE.union(Flags::FAST), "list")
                    .keys(1, 1, 1)
                    .summary($summary);

            fn parse(args: &mut Args) -> Result<Self, CommandError> {
                Pop::parse(args, $name).map($ty)
            }

            fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
                self.0.apply(ctx, $left)
            }
        }
    };
}

pop_command!(
    LPop,
    "lpop",
    true,
    "Returns the first elements in a list after removing it. Deletes the list if the last element was popped."
);
pop_command!(
    RPop,
    "rpop",
    false,
    "Returns and removes the last elements of the list. Deletes the list if the last element was popped."
);

register_command!(LPop, RPop);
