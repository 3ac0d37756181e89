use resplite_core::prelude::*;

use crate::common::{Expiry, ExpiryOption, TimeUnit};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Condition {
    Always,
    IfMissing,
    IfExists,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ttl {
    /// Plain SET drops any previous deadline.
    Clear,
    Keep,
    At(Expiry),
}

/// SET key value [NX | XX] [GET] [EX s | PX ms | EXAT ts | PXAT ms | KEEPTTL]
pub struct Set {
    key: Bytes,
    value: Bytes,
    condition: Condition,
    get: bool,
    ttl: Ttl,
}

impl Set {
    fn plain(key: Bytes, value: Bytes) -> Set {
        Set {
            key,
            value,
            condition: Condition::Always,
            get: false,
            ttl: Ttl::Clear,
        }
    }

    fn run(self, ctx: &mut Ctx) -> Result<Option<Option<Vec<u8>>>, CommandError> {
        let deadline = match self.ttl {
            Ttl::At(e) => Some(e.deadline(ctx.now_ms())?),
            _ => None,
        };
        // Look at the old value only when an option needs it.
        let needs_meta = self.get || self.condition != Condition::Always || self.ttl == Ttl::Keep;
        let (old_value, meta) = if self.get {
            let v = ctx.engine.get_string(&self.key)?;
            let m = if v.is_some() {
                ctx.engine.meta(&self.key)?
            } else {
                None
            };
            (v, m)
        } else if needs_meta {
            (None, ctx.engine.meta(&self.key)?)
        } else {
            (None, None)
        };
        let proceed = match self.condition {
            Condition::Always => true,
            Condition::IfMissing => meta.is_none(),
            Condition::IfExists => meta.is_some(),
        };
        if proceed {
            let expires_at = match self.ttl {
                Ttl::Keep => meta.and_then(|m| m.expires_at),
                _ => deadline,
            };
            ctx.engine.set_string(&self.key, &self.value, expires_at)?;
            ctx.notify(Class::STRING, "set", &self.key);
            if deadline.is_some() {
                ctx.notify(Class::GENERIC, "expire", &self.key);
            }
        }
        Ok(if self.get {
            Some(old_value)
        } else if proceed {
            None
        } else {
            Some(None)
        })
    }
}

impl Command for Set {
    const SPEC: CommandSpec =
        CommandSpec::new("set", -3, Flags::WRITE.union(Flags::DENYOOM), "string")
            .keys(1, 1, 1)
            .summary("Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let mut set = Set::plain(args.bytes()?, args.bytes()?);
        let mut keep_ttl = false;
        let mut expiry: Option<ExpiryOption> = None;
        // As in Redis, repeating an option is allowed; contradicting one is not.
        args.options(|kw, args| {
            match kw {
                "NX" if set.condition != Condition::IfExists => {
                    set.condition = Condition::IfMissing
                }
                "XX" if set.condition != Condition::IfMissing => {
                    set.condition = Condition::IfExists
                }
                "GET" => set.get = true,
                "KEEPTTL" if expiry.is_none() => keep_ttl = true,
                _ if keep_ttl => return Ok(false),
                _ => match ExpiryOption::parse(kw, args, "set")? {
                    Some(e) if expiry.as_ref().is_some_and(|old| !old.same_kind(&e)) => {
                        return Ok(false)
                    }
                    Some(e) => expiry = Some(e),
                    None => return Ok(false),
                },
            }
            Ok(true)
        })?;
        set.ttl = match expiry {
            Some(e) => Ttl::At(e.expiry()?),
            None if keep_ttl => Ttl::Keep,
            None => Ttl::Clear,
        };
        Ok(set)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(match self.run(ctx)? {
            None => Reply::ok(),
            Some(old) => Reply::opt_bulk(old),
        })
    }
}

/// SETNX key value
pub struct SetNx(Set);

impl Command for SetNx {
    const SPEC: CommandSpec = CommandSpec::new(
        "setnx",
        3,
        Flags::WRITE.union(Flags::DENYOOM).union(Flags::FAST),
        "string",
    )
    .keys(1, 1, 1)
    .summary("Set the string value of a key only when the key doesn't exist.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let mut set = Set::plain(args.bytes()?, args.bytes()?);
        set.condition = Condition::IfMissing;
        Ok(SetNx(set))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(Reply::from(self.0.run(ctx)?.is_none()))
    }
}

/// SETEX key seconds value / PSETEX key milliseconds value
pub struct SetEx(Set);
pub struct PSetEx(Set);

fn parse_setex(
    args: &mut Args,
    unit: TimeUnit,
    command: &'static str,
) -> Result<Set, CommandError> {
    let key = args.bytes()?;
    let amount = args.i64()?;
    if amount <= 0 {
        return Err(CommandError::InvalidExpire(command));
    }
    let mut set = Set::plain(key, args.bytes()?);
    set.ttl = Ttl::At(Expiry {
        amount,
        unit,
        absolute: false,
        command,
    });
    Ok(set)
}

impl Command for SetEx {
    const SPEC: CommandSpec =
        CommandSpec::new("setex", 4, Flags::WRITE.union(Flags::DENYOOM), "string")
            .keys(1, 1, 1)
            .summary("Sets the string value and expiration time of a key.")
            .since("2.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        parse_setex(args, TimeUnit::Seconds, "setex").map(SetEx)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        self.0.run(ctx)?;
        Ok(Reply::ok())
    }
}

impl Command for PSetEx {
    const SPEC: CommandSpec =
        CommandSpec::new("psetex", 4, Flags::WRITE.union(Flags::DENYOOM), "string")
            .keys(1, 1, 1)
            .summary("Sets both string value and expiration time in milliseconds of a key.")
            .since("2.6.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        parse_setex(args, TimeUnit::Millis, "psetex").map(PSetEx)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        self.0.run(ctx)?;
        Ok(Reply::ok())
    }
}

register_command!(Set, SetNx, SetEx, PSetEx);
