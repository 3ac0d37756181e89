use resplite_core::prelude::*;
use resplite_core::util::number::parse_i64;

use crate::common::{Expiry, TimeUnit};

/// The NX / XX / GT / LT options; XX combines with GT or LT (both must hold).
#[derive(Debug, Clone, Copy, Default)]
struct When {
    nx: bool,
    xx: bool,
    gt: bool,
    lt: bool,
}

/// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT key time [NX | XX | GT | LT]
pub struct Expire {
    key: Bytes,
    expiry: Expiry,
    when: When,
}

fn parse(
    args: &mut Args,
    unit: TimeUnit,
    absolute: bool,
    command: &'static str,
) -> Result<Expire, CommandError> {
    let key = args.bytes()?;
    let amount = args.bytes()?;
    // Redis reads every option before judging their mix, then the amount.
    let mut when = When::default();
    while !args.is_empty() {
        let raw = args.bytes()?;
        match String::from_utf8_lossy(&raw).to_ascii_uppercase().as_str() {
            "NX" => when.nx = true,
            "XX" => when.xx = true,
            "GT" => when.gt = true,
            "LT" => when.lt = true,
            _ => {
                return Err(CommandError::other(format!(
                    "ERR Unsupported option {}",
                    String::from_utf8_lossy(&raw)
                )))
            }
        }
    }
    if when.nx && (when.xx || when.gt || when.lt) {
        return Err(CommandError::other(
            "ERR NX and XX, GT or LT options at the same time are not compatible",
        ));
    }
    if when.gt && when.lt {
        return Err(CommandError::other(
            "ERR GT and LT options at the same time are not compatible",
        ));
    }
    let amount = parse_i64(&amount).ok_or(CommandError::NotInteger)?;
    Ok(Expire {
        key,
        expiry: Expiry {
            amount,
            unit,
            absolute,
            command,
        },
        when,
    })
}

impl Expire {
    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let now = ctx.now_ms();
        let at = self.expiry.deadline(now)?;
        let Some(meta) = ctx.engine.meta(&self.key)? else {
            return Ok(Reply::Int(0));
        };
        let current = meta.expires_at;
        let When { nx, xx, gt, lt } = self.when;
        // A persistent key has an infinite TTL: GT never beats it, LT always does.
        let refused = (nx && current.is_some())
            || (xx && current.is_none())
            || (gt && current.is_none_or(|c| at <= c))
            || (lt && current.is_some_and(|c| at >= c));
        if refused {
            return Ok(Reply::Int(0));
        }
        if at <= now {
            ctx.engine.delete(&self.key)?;
            ctx.notify(Class::GENERIC, "del", &self.key);
        } else {
            ctx.engine.set_expiry(&self.key, Some(at))?;
            ctx.notify(Class::GENERIC, "expire", &self.key);
        }
        Ok(Reply::Int(1))
    }
}

macro_rules! expire_command {
    ($ty:ident, $name:literal, $unit:expr, $absolute:expr, $since:literal, $summary:literal) => {
        pub struct $ty(Expire);

        impl Command for $ty {
            const SPEC: CommandSpec =
                CommandSpec::new($name, -3, Flags::WRITE.union(Flags::FAST), "generic")
                    .keys(1, 1, 1)
                    .summary($summary)
                    .since($since);

            fn parse(args: &mut Args) -> Result<Self, CommandError> {
                parse(args, $unit, $absolute, $name).map($ty)
            }

            fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
                self.0.apply(ctx)
            }
        }
    };
}

expire_command!(
    ExpireCmd,
    "expire",
    TimeUnit::Seconds,
    false,
    "1.0.0",
    "Sets the expiration time of a key in seconds."
);
expire_command!(
    PExpire,
    "pexpire",
    TimeUnit::Millis,
    false,
    "2.6.0",
    "Sets the expiration time of a key in milliseconds."
);
expire_command!(
    ExpireAt,
    "expireat",
    TimeUnit::Seconds,
    true,
    "1.2.0",
    "Sets the expiration time of a key to a Unix timestamp."
);
expire_command!(
    PExpireAt,
    "pexpireat",
    TimeUnit::Millis,
    true,
    "2.6.0",
    "Sets the expiration time of a key to a Unix milliseconds timestamp."
);

/// PERSIST key
pub struct Persist(Bytes);

impl Command for Persist {
    const SPEC: CommandSpec =
        CommandSpec::new("persist", 2, Flags::WRITE.union(Flags::FAST), "generic")
            .keys(1, 1, 1)
            .summary("Removes the expiration time of a key.")
            .since("2.2.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(Persist(args.bytes()?))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        match ctx.engine.meta(&self.0)? {
            Some(meta) if meta.expires_at.is_some() => {
                ctx.engine.set_expiry(&self.0, None)?;
                ctx.notify(Class::GENERIC, "persist", &self.0);
                Ok(Reply::Int(1))
            }
            _ => Ok(Reply::Int(0)),
        }
    }
}

register_command!(ExpireCmd, PExpire, ExpireAt, PExpireAt, Persist);
