//! Pieces shared by several commands.

use resplite_core::prelude::*;
use resplite_core::util::number::parse_i64;

/// How an expiry argument is expressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnit {
    Seconds,
    Millis,
}

/// An expiry as parsed (`EX 10`, `PXAT 1700000000000`, EXPIRE's argument...),
/// resolved to a deadline only when the command runs, against its clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expiry {
    pub amount: i64,
    pub unit: TimeUnit,
    pub absolute: bool,
    /// Names the command in "invalid expire time in '...' command".
    pub command: &'static str,
}

/// An `EX`/`PX`/`EXAT`/`PXAT` option of SET or GETEX as written. Redis reads the
/// amount only once every option has parsed (a syntax error wins over a bad
/// number), and GETEX only once it has found the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpiryOption {
    amount: Bytes,
    unit: TimeUnit,
    absolute: bool,
    command: &'static str,
}

impl ExpiryOption {
    /// `None` if `keyword` is not an expiry option; a syntax error if its value
    /// is missing.
    pub fn parse(
        keyword: &str,
        args: &mut Args,
        command: &'static str,
    ) -> Result<Option<ExpiryOption>, CommandError> {
        let (unit, absolute) = match keyword {
            "EX" => (TimeUnit::Seconds, false),
            "PX" => (TimeUnit::Millis, false),
            "EXAT" => (TimeUnit::Seconds, true),
            "PXAT" => (TimeUnit::Millis, true),
            _ => return Ok(None),
        };
        Ok(Some(ExpiryOption {
            amount: args.bytes()?,
            unit,
            absolute,
            command,
        }))
    }

    /// Redis accepts the same option twice (the last wins), not two different ones.
    pub fn same_kind(&self, other: &ExpiryOption) -> bool {
        self.unit == other.unit && self.absolute == other.absolute
    }

    /// Reads the amount. Zero or negative amounts are Redis' "invalid expire".
    pub fn expiry(&self) -> Result<Expiry, CommandError> {
        let amount = parse_i64(&self.amount).ok_or(CommandError::NotInteger)?;
        if amount <= 0 {
            return Err(CommandError::InvalidExpire(self.command));
        }
        Ok(Expiry {
            amount,
            unit: self.unit,
            absolute: self.absolute,
            command: self.command,
        })
    }
}

impl Expiry {
    /// The absolute deadline in ms, with Redis' overflow checks.
    pub fn deadline(&self, now_ms: i64) -> Result<i64, CommandError> {
        let invalid = || CommandError::InvalidExpire(self.command);
        let ms = match self.unit {
            TimeUnit::Seconds => self.amount.checked_mul(1000).ok_or_else(invalid)?,
            TimeUnit::Millis => self.amount,
        };
        if self.absolute {
            Ok(ms)
        } else {
            ms.checked_add(now_ms).ok_or_else(invalid)
        }
    }
}

/// Largest string Redis will build (`proto-max-bulk-len`).
pub const MAX_STRING: usize = 512 * 1024 * 1024;

/// A blocking command's timeout: seconds as a decimal, 0 = forever (`None`),
/// with Redis' errors.
pub fn parse_timeout(arg: &[u8]) -> Result<Option<std::time::Duration>, CommandError> {
    let secs = resplite_core::util::number::parse_f64(arg)
        .ok_or_else(|| CommandError::other("ERR timeout is not a float or out of range"))?;
    // Redis converts to integer milliseconds; an overflow there reads as negative.
    let ms = secs * 1000.0;
    if secs < 0.0 || !ms.is_finite() || ms > i64::MAX as f64 {
        return Err(CommandError::other("ERR timeout is negative"));
    }
    Ok((ms >= 1.0 || secs > 0.0)
        .then(|| std::time::Duration::from_micros((secs * 1_000_000.0) as u64)))
}

/// A timeout in milliseconds (XREAD's BLOCK, WAIT), 0 = forever (`None`),
/// with Redis' errors (`getTimeoutFromObjectOrReply`).
pub fn parse_ms_timeout(arg: &[u8]) -> Result<Option<std::time::Duration>, CommandError> {
    let ms = resplite_core::util::number::parse_i64(arg)
        .ok_or_else(|| CommandError::other("ERR timeout is not an integer or out of range"))?;
    if ms < 0 {
        return Err(CommandError::other("ERR timeout is negative"));
    }
    Ok((ms > 0).then(|| std::time::Duration::from_millis(ms as u64)))
}

/// `numkeys key [key ...]` of the *MPOP commands.
pub fn parse_numkeys(args: &mut Args) -> Result<Vec<Bytes>, CommandError> {
    // Not a number or not positive: one message (getRangeLongFromObjectOrReply).
    let n = resplite_core::util::number::parse_i64(&args.bytes()?)
        .filter(|&n| n > 0)
        .ok_or_else(|| CommandError::other("ERR numkeys should be greater than 0"))?;
    if n as usize > args.remaining() {
        return Err(CommandError::Syntax);
    }
    (0..n).map(|_| args.bytes()).collect()
}

/// `[COUNT n]` of the *MPOP commands (default 1).
pub fn parse_mpop_count(args: &mut Args) -> Result<u64, CommandError> {
    let mut count = 1;
    let mut seen = false;
    args.options(|kw, args| {
        if kw != "COUNT" || seen {
            return Ok(false);
        }
        seen = true;
        match args.i64() {
            Ok(n) if n > 0 => count = n as u64,
            _ => return Err(CommandError::other("ERR count should be greater than 0")),
        }
        Ok(true)
    })?;
    Ok(count)
}

/// A blocking command found nothing: ask to block (when allowed; the reply is
/// then ignored), else answer nil at once (inside MULTI, as Redis does).
/// `wants`: the type the keys must hold to serve it.
pub fn block_or_nil(
    ctx: &mut Ctx,
    keys: &[Bytes],
    timeout: Option<std::time::Duration>,
    wants: KeyType,
) -> Reply {
    if ctx.coord.may_block() {
        ctx.coord.block(
            resplite_core::blocking::BlockRequest::new(
                keys.iter().map(|k| k.to_vec()).collect(),
                timeout,
                Reply::NilArray,
            )
            .wants(wants),
        );
    }
    Reply::NilArray
}

/// Whether a *STORE command's destination exists now, when a `del` event
/// could be published for it (else `false`, without a lookup).
pub fn store_target_exists(ctx: &mut Ctx, dst: &[u8]) -> Result<bool, CommandError> {
    Ok(ctx.notifies(Class::GENERIC) && ctx.engine.meta(dst)?.is_some())
}

/// Keyspace events of a *STORE command, as Redis: `event` on the destination
/// when the result has members, `del` when an existing destination was
/// removed by an empty result.
pub fn notify_store(
    ctx: &mut Ctx,
    class: Class,
    event: &'static str,
    dst: &[u8],
    stored: u64,
    existed: bool,
) {
    if stored > 0 {
        ctx.notify(class, event, dst);
    } else if existed {
        ctx.notify(Class::GENERIC, "del", dst);
    }
}

/// A database number from SELECT, MOVE, COPY ... DB: Redis' range check.
pub fn db_index(ctx: &Ctx, index: i64) -> Result<u32, CommandError> {
    match u32::try_from(index) {
        Ok(db) if db < databases(ctx) => Ok(db),
        _ => Err(CommandError::other("ERR DB index is out of range")),
    }
}

/// The database count (`databases`).
pub fn databases(ctx: &Ctx) -> u32 {
    ctx.server.config.read().expect("config lock").databases
}

/// Before database `db` is emptied or replaced by `with` (FLUSHDB, FLUSHALL,
/// SWAPDB): the transactions watching a key that exists in either abort, as
/// Redis' `touchAllWatchedKeysInDb` decides.
pub fn touch_watched_in(ctx: &mut Ctx, db: u32, with: Option<u32>) -> Result<(), CommandError> {
    let watched = ctx.coord.watched_in(db);
    if watched.is_empty() {
        return Ok(());
    }
    let home = ctx.engine.selected();
    let mut touched = Vec::new();
    for key in watched {
        ctx.engine.select(db);
        let mut exists = ctx.engine.meta(&key.key)?.is_some();
        if let (false, Some(other)) = (exists, with) {
            ctx.engine.select(other);
            exists = ctx.engine.meta(&key.key)?.is_some();
        }
        if exists {
            touched.push(key);
        }
    }
    ctx.engine.select(home);
    for key in &touched {
        ctx.coord.touch(key);
    }
    Ok(())
}
