use resplite_core::prelude::*;
use resplite_core::util::long_double::{LongDouble, Parsed};
use resplite_core::util::number::parse_i64;

const FLAGS: Flags = Flags::WRITE.union(Flags::DENYOOM).union(Flags::FAST);

/// HINCRBY key field increment
pub struct HIncrBy {
    key: Bytes,
    field: Bytes,
    delta: i64,
}

impl Command for HIncrBy {
    const SPEC: CommandSpec = CommandSpec::new("hincrby", 4, FLAGS, "hash")
        .keys(1, 1, 1)
        .summary("Increments the integer value of a field in a hash by a number.")
        .since("2.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(HIncrBy {
            key: args.bytes()?,
            field: args.bytes()?,
            delta: args.i64()?,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let base = match ctx.engine.hget(&self.key, &self.field)? {
            Some(v) => parse_i64(&v)
                .ok_or_else(|| CommandError::other("ERR hash value is not an integer"))?,
            None => 0,
        };
        let next = base.checked_add(self.delta).ok_or(CommandError::Overflow)?;
        let text = itoa::Buffer::new().format(next).to_owned();
        // Unlike HSET, an increment keeps the field's deadline.
        ctx.engine
            .hset_keep_ttl(&self.key, &self.field, text.as_bytes())?;
        ctx.notify(Class::HASH, "hincrby", &self.key);
        Ok(Reply::Int(next))
    }
}

/// HINCRBYFLOAT key field increment: INCRBYFLOAT's long double arithmetic.
pub struct HIncrByFloat {
    key: Bytes,
    field: Bytes,
    delta: LongDouble,
}

impl Command for HIncrByFloat {
    const SPEC: CommandSpec = CommandSpec::new("hincrbyfloat", 4, FLAGS, "hash")
        .keys(1, 1, 1)
        .summary("Increments the floating point value of a field by a number.")
        .since("2.6.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let key = args.bytes()?;
        let field = args.bytes()?;
        // Unlike INCRBYFLOAT, Redis refuses an infinite increment up front.
        let delta = match LongDouble::parse(&args.bytes()?).ok_or(CommandError::NotFloat)? {
            Parsed::Finite(d) => d,
            Parsed::Infinite => return Err(CommandError::other("ERR value is NaN or Infinity")),
        };
        Ok(HIncrByFloat { key, field, delta })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let base = match ctx.engine.hget(&self.key, &self.field)? {
            Some(v) => LongDouble::parse(&v)
                .ok_or_else(|| CommandError::other("ERR hash value is not a float"))?,
            None => Parsed::Finite(LongDouble::default()),
        };
        let next = match base {
            Parsed::Finite(b) => b.checked_add(self.delta),
            Parsed::Infinite => None,
        }
        .ok_or_else(|| CommandError::other("ERR increment would produce NaN or Infinity"))?;
        let text = next.to_human();
        // Unlike HSET, an increment keeps the field's deadline.
        ctx.engine
            .hset_keep_ttl(&self.key, &self.field, text.as_bytes())?;
        ctx.notify(Class::HASH, "hincrbyfloat", &self.key);
        Ok(Reply::bulk(text))
    }
}

register_command!(HIncrBy, HIncrByFloat);
