//! Hash-field deadlines, as Redis 7.4: HEXPIRE, HPEXPIRE, HEXPIREAT,
//! HPEXPIREAT, HTTL, HPTTL, HEXPIRETIME, HPEXPIRETIME, HPERSIST.
//!
//! Redis judges the key's type before any argument, so parsing only splits
//! the arguments; they are read once the key is known.

use resplite_core::engine::hash_ttl::{FieldCondition, FieldDeadline, FieldExpire};
use resplite_core::prelude::*;
use resplite_core::util::number::parse_i64;

use super::slices;

/// Redis' largest field deadline, ms (`EB_EXPIRE_TIME_MAX >> 2`).
const MAX_DEADLINE_MS: i64 = ((1 << 48) - 1) >> 2;

/// WRONGTYPE unless `key` is missing or a hash.
fn check_hash(ctx: &mut Ctx, key: &[u8]) -> Result<(), CommandError> {
    match ctx.engine.meta(key)? {
        Some(meta) if meta.key_type != KeyType::Hash => Err(CommandError::WrongType),
        _ => Ok(()),
    }
}

/// `FIELDS numfields field...` from `args[at..]`, checked as Redis does.
fn fields<'a>(
    args: &'a [Bytes],
    at: usize,
    count_error: &'static str,
) -> Result<Vec<&'a [u8]>, CommandError> {
    if !args
        .get(at)
        .is_some_and(|a| a.eq_ignore_ascii_case(b"FIELDS"))
    {
        return Err(CommandError::other(
            "ERR Mandatory argument FIELDS is missing or not at the right position",
        ));
    }
    let n = args
        .get(at + 1)
        .and_then(|a| parse_i64(a))
        .filter(|n| *n >= 1)
        .ok_or_else(|| CommandError::other(format!("ERR {count_error}")))?;
    let rest = &args[(at + 2).min(args.len())..];
    if n as u64 != rest.len() as u64 {
        return Err(CommandError::other(
            "ERR The `numfields` parameter must match the number of arguments",
        ));
    }
    Ok(slices(rest))
}

fn ints(codes: impl Iterator<Item = i64>) -> Reply {
    Reply::Array(codes.map(Reply::Int).collect())
}

/// The HEXPIRE family: `key time [NX|XX|GT|LT] FIELDS numfields field...`.
pub struct HExpire {
    key: Bytes,
    rest: Vec<Bytes>,
}

impl HExpire {
    fn apply(
        self,
        ctx: &mut Ctx,
        command: &'static str,
        millis: bool,
        absolute: bool,
    ) -> Result<Reply, CommandError> {
        check_hash(ctx, &self.key)?;
        let mut amount = parse_i64(&self.rest[0]).ok_or(CommandError::NotInteger)?;
        if amount < 0 {
            return Err(CommandError::other("ERR invalid expire time, must be >= 0"));
        }
        if !millis {
            if amount > MAX_DEADLINE_MS / 1000 {
                return Err(CommandError::InvalidExpire(command));
            }
            amount *= 1000;
        }
        let base = if absolute { 0 } else { ctx.now_ms() };
        if amount > MAX_DEADLINE_MS - base {
            return Err(CommandError::InvalidExpire(command));
        }
        let at = amount + base;
        let cond = match self.rest.get(1).map(|o| o.to_ascii_uppercase()).as_deref() {
            Some(b"NX") => FieldCondition::Nx,
            Some(b"XX") => FieldCondition::Xx,
            Some(b"GT") => FieldCondition::Gt,
            Some(b"LT") => FieldCondition::Lt,
            _ => FieldCondition::Always,
        };
        let at_fields = if cond == FieldCondition::Always { 1 } else { 2 };
        let fields = fields(
            &self.rest,
            at_fields,
            "Parameter `numFields` should be greater than 0",
        )?;
        let done = ctx.engine.hexpire(&self.key, at, cond, &fields)?;
        let deleted = done.contains(&FieldExpire::Deleted);
        if deleted || done.contains(&FieldExpire::Set) {
            if ctx.engine.meta(&self.key)?.is_none() {
                ctx.notify(Class::HASH, "hdel", &self.key);
                ctx.notify(Class::GENERIC, "del", &self.key);
            } else {
                let event = if deleted { "hdel" } else { "hexpire" };
                ctx.notify(Class::HASH, event, &self.key);
            }
        }
        Ok(ints(done.into_iter().map(FieldExpire::code)))
    }
}

macro_rules! hexpire_command {
    ($ty:ident, $name:literal, $millis:expr, $absolute:expr, $summary:literal) => {
        pub struct $ty(HExpire);

        impl Command for $ty {
            const SPEC: CommandSpec = CommandSpec::new(
                $name,
                -6,
                Flags::WRITE.union(Flags::DENYOOM).union(Flags::FAST),
                "hash",
            )
            .keys(1, 1, 1)
            .summary($summary)
            .since("7.4.0");

            fn parse(args: &mut Args) -> Result<Self, CommandError> {
                Ok($ty(HExpire {
                    key: args.bytes()?,
                    rest: args.rest(),
                }))
            }

            fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
                self.0.apply(ctx, $name, $millis, $absolute)
            }
        }
    };
}

hexpire_command!(
    HExpireCmd,
    "hexpire",
    false,
    false,
    "Set expiry for hash field using relative time to expire (seconds)"
);
hexpire_command!(
    HPExpire,
    "hpexpire",
    true,
    false,
    "Set expiry for hash field using relative time to expire (milliseconds)"
);
hexpire_command!(
    HExpireAt,
    "hexpireat",
    false,
    true,
    "Set expiry for hash field using an absolute Unix timestamp (seconds)"
);
hexpire_command!(
    HPExpireAt,
    "hpexpireat",
    true,
    true,
    "Set expiry for hash field using an absolute Unix timestamp (milliseconds)"
);

/// The HTTL family and HPERSIST: `key FIELDS numfields field...`.
pub struct FieldsOf {
    key: Bytes,
    rest: Vec<Bytes>,
}

impl FieldsOf {
    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(FieldsOf {
            key: args.bytes()?,
            rest: args.rest(),
        })
    }

    fn fields(&self, ctx: &mut Ctx) -> Result<Vec<&[u8]>, CommandError> {
        check_hash(ctx, &self.key)?;
        fields(&self.rest, 0, "Number of fields must be a positive integer")
    }

    /// Each field's remaining time or deadline: relative to `base` (0 for
    /// the *EXPIRETIME forms), in seconds rounded up or in ms.
    fn times(self, ctx: &mut Ctx, millis: bool, relative: bool) -> Result<Reply, CommandError> {
        let fields = self.fields(ctx)?;
        let base = if relative { ctx.now_ms() } else { 0 };
        let states = ctx.engine.hdeadlines(&self.key, &fields)?;
        Ok(ints(states.into_iter().map(|s| match s {
            FieldDeadline::Missing => -2,
            FieldDeadline::Persistent => -1,
            FieldDeadline::At(at) if millis => at - base,
            FieldDeadline::At(at) => (at + 999 - base) / 1000,
        })))
    }
}

macro_rules! httl_command {
    ($ty:ident, $name:literal, $millis:expr, $relative:expr, $summary:literal) => {
        pub struct $ty(FieldsOf);

        impl Command for $ty {
            const SPEC: CommandSpec =
                CommandSpec::new($name, -5, Flags::READONLY.union(Flags::FAST), "hash")
                    .keys(1, 1, 1)
                    .summary($summary)
                    .since("7.4.0");

            fn parse(args: &mut Args) -> Result<Self, CommandError> {
                FieldsOf::parse(args).map($ty)
            }

            fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
                self.0.times(ctx, $millis, $relative)
            }
        }
    };
}

httl_command!(
    HTtl,
    "httl",
    false,
    true,
    "Returns the TTL in seconds of a hash field."
);
httl_command!(
    HPTtl,
    "hpttl",
    true,
    true,
    "Returns the TTL in milliseconds of a hash field."
);
httl_command!(
    HExpireTime,
    "hexpiretime",
    false,
    false,
    "Returns the expiration time of a hash field as a Unix timestamp, in seconds."
);
httl_command!(
    HPExpireTime,
    "hpexpiretime",
    true,
    false,
    "Returns the expiration time of a hash field as a Unix timestamp, in msec."
);

/// HPERSIST key FIELDS numfields field...: 1 cleared, -1 had none, -2 missing.
pub struct HPersist(FieldsOf);

impl Command for HPersist {
    const SPEC: CommandSpec =
        CommandSpec::new("hpersist", -5, Flags::WRITE.union(Flags::FAST), "hash")
            .keys(1, 1, 1)
            .summary("Removes the expiration time for each specified field")
            .since("7.4.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        FieldsOf::parse(args).map(HPersist)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let fields = self.0.fields(ctx)?;
        let states = ctx.engine.hpersist(&self.0.key, &fields)?;
        if states.iter().any(|s| matches!(s, FieldDeadline::At(_))) {
            ctx.notify(Class::HASH, "hpersist", &self.0.key);
        }
        Ok(ints(states.into_iter().map(|s| match s {
            FieldDeadline::Missing => -2,
            FieldDeadline::Persistent => -1,
            FieldDeadline::At(_) => 1,
        })))
    }
}

register_command!(
    HExpireCmd,
    HPExpire,
    HExpireAt,
    HPExpireAt,
    HTtl,
    HPTtl,
    HExpireTime,
    HPExpireTime,
    HPersist
);
