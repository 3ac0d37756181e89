use resplite_core::prelude::*;
use resplite_core::util::long_double::{LongDouble, Parsed};
use resplite_core::util::number::parse_i64;

/// INCR, DECR, INCRBY, DECRBY: one parsed shape, a delta.
pub struct Incr {
    key: Bytes,
    delta: i64,
}

/// Adds `delta` to the integer at `key` (0 if missing), keeping its TTL.
fn add(ctx: &mut Ctx, key: &[u8], delta: i64) -> Result<Reply, CommandError> {
    let current = ctx.engine.get_string(key)?;
    let base = match &current {
        Some(v) => parse_i64(v).ok_or(CommandError::NotInteger)?,
        None => 0,
    };
    let next = base.checked_add(delta).ok_or(CommandError::Overflow)?;
    let text = itoa::Buffer::new().format(next).to_owned();
    if current.is_some() {
        ctx.engine.update_string(key, text.as_bytes())?;
    } else {
        ctx.engine.set_string(key, text.as_bytes(), None)?;
    }
    ctx.notify(Class::STRING, "incrby", key);
    Ok(Reply::Int(next))
}

const INCR_FLAGS: Flags = Flags::WRITE.union(Flags::DENYOOM).union(Flags::FAST);

macro_rules! fixed_delta {
    ($ty:ident, $name:literal, $delta:expr, $summary:literal) => {
        pub struct $ty(Incr);

        impl Command for $ty {
            const SPEC: CommandSpec = CommandSpec::new($name, 2, INCR_FLAGS, "string")
                .keys(1, 1, 1)
                .summary($summary);

            fn parse(args: &mut Args) -> Result<Self, CommandError> {
                Ok($ty(Incr {
                    key: args.bytes()?,
                    delta: $delta,
                }))
            }

            fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
                add(ctx, &self.0.key, self.0.delta)
            }
        }
    };
}

fixed_delta!(
    IncrCmd,
    "incr",
    1,
    "Increments the integer value of a key by one."
);
fixed_delta!(
    DecrCmd,
    "decr",
    -1,
    "Decrements the integer value of a key by one."
);

/// INCRBY key increment
pub struct IncrBy(Incr);

impl Command for IncrBy {
    const SPEC: CommandSpec = CommandSpec::new("incrby", 3, INCR_FLAGS, "string")
        .keys(1, 1, 1)
        .summary("Increments the integer value of a key by a number.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(IncrBy(Incr {
            key: args.bytes()?,
            delta: args.i64()?,
        }))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        add(ctx, &self.0.key, self.0.delta)
    }
}

/// DECRBY key decrement
pub struct DecrBy(Incr);

impl Command for DecrBy {
    const SPEC: CommandSpec = CommandSpec::new("decrby", 3, INCR_FLAGS, "string")
        .keys(1, 1, 1)
        .summary("Decrements a number from the integer value of a key.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let key = args.bytes()?;
        let delta = args
            .i64()?
            .checked_neg()
            .ok_or_else(|| CommandError::other("ERR decrement would overflow"))?;
        Ok(DecrBy(Incr { key, delta }))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        add(ctx, &self.0.key, self.0.delta)
    }
}

/// INCRBYFLOAT key increment
pub struct IncrByFloat {
    key: Bytes,
    /// Read in `apply`: Redis checks the key's type first.
    delta: Bytes,
}

impl Command for IncrByFloat {
    const SPEC: CommandSpec = CommandSpec::new("incrbyfloat", 3, INCR_FLAGS, "string")
        .keys(1, 1, 1)
        .summary("Increment the floating point value of a key by a number.")
        .since("2.6.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(IncrByFloat {
            key: args.bytes()?,
            delta: args.bytes()?,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let current = ctx.engine.get_string(&self.key)?;
        let base = match &current {
            Some(v) => LongDouble::parse(v).ok_or(CommandError::NotFloat)?,
            None => Parsed::Finite(LongDouble::default()),
        };
        let delta = LongDouble::parse(&self.delta).ok_or(CommandError::NotFloat)?;
        // Redis adds in x87 long double; an infinite operand or sum is refused.
        let next = match (base, delta) {
            (Parsed::Finite(a), Parsed::Finite(b)) => a.checked_add(b),
            _ => None,
        }
        .ok_or_else(|| CommandError::other("ERR increment would produce NaN or Infinity"))?;
        let text = next.to_human();
        if current.is_some() {
            ctx.engine.update_string(&self.key, text.as_bytes())?;
        } else {
            ctx.engine.set_string(&self.key, text.as_bytes(), None)?;
        }
        ctx.notify(Class::STRING, "incrbyfloat", &self.key);
        Ok(Reply::bulk(text))
    }
}

register_command!(IncrCmd, DecrCmd, IncrBy, DecrBy, IncrByFloat);
