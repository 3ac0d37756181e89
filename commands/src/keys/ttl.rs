use resplite_core::prelude::*;

/// What TTL-family commands report for a key's deadline.
#[derive(Clone, Copy)]
enum Show {
    /// TTL: seconds left, rounded.
    Seconds,
    /// PTTL: milliseconds left.
    Millis,
    /// EXPIRETIME: the deadline, seconds.
    AtSeconds,
    /// PEXPIRETIME: the deadline, milliseconds.
    AtMillis,
}

/// -2 for a missing key, -1 for a persistent one, otherwise the figure asked for.
fn report(ctx: &mut Ctx, key: &[u8], show: Show) -> Result<Reply, CommandError> {
    let Some(meta) = ctx.engine.meta(key)? else {
        return Ok(Reply::Int(-2));
    };
    let Some(at) = meta.expires_at else {
        return Ok(Reply::Int(-1));
    };
    let left = (at - ctx.now_ms()).max(0);
    // Seconds are rounded, for EXPIRETIME too; i128 so a deadline near i64::MAX
    // rounds as in Redis instead of overflowing.
    let round_secs = |ms: i64| ((i128::from(ms) + 500) / 1000) as i64;
    Ok(Reply::Int(match show {
        Show::Seconds => round_secs(left),
        Show::Millis => left,
        Show::AtSeconds => round_secs(at),
        Show::AtMillis => at,
    }))
}

macro_rules! ttl_command {
    ($ty:ident, $name:literal, $show:expr, $since:literal, $summary:literal) => {
        pub struct $ty(Bytes);

        impl Command for $ty {
            const SPEC: CommandSpec =
                CommandSpec::new($name, 2, Flags::READONLY.union(Flags::FAST), "generic")
                    .keys(1, 1, 1)
                    .summary($summary)
                    .since($since);

            fn parse(args: &mut Args) -> Result<Self, CommandError> {
                Ok($ty(args.bytes()?))
            }

            fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
                report(ctx, &self.0, $show)
            }
        }
    };
}

ttl_command!(
    Ttl,
    "ttl",
    Show::Seconds,
    "1.0.0",
    "Returns the expiration time in seconds of a key."
);
ttl_command!(
    PTtl,
    "pttl",
    Show::Millis,
    "2.6.0",
    "Returns the expiration time in milliseconds of a key."
);
ttl_command!(
    ExpireTime,
    "expiretime",
    Show::AtSeconds,
    "7.0.0",
    "Returns the expiration time of a key as a Unix timestamp."
);
ttl_command!(
    PExpireTime,
    "pexpiretime",
    Show::AtMillis,
    "7.0.0",
    "Returns the expiration time of a key as a Unix milliseconds timestamp."
);

register_command!(Ttl, PTtl, ExpireTime, PExpireTime);
