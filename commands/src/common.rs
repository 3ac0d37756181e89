//! Pieces shared by several commands.

use resplite_core::prelude::*;

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

impl Expiry {
    /// The `EX`/`PX`/`EXAT`/`PXAT` option of SET and GETEX: `None` if `keyword`
    /// is none of them. Zero or negative amounts are Redis' "invalid expire".
    pub fn option(
        keyword: &str,
        args: &mut Args,
        command: &'static str,
    ) -> Result<Option<Expiry>, CommandError> {
        let (unit, absolute) = match keyword {
            "EX" => (TimeUnit::Seconds, false),
            "PX" => (TimeUnit::Millis, false),
            "EXAT" => (TimeUnit::Seconds, true),
            "PXAT" => (TimeUnit::Millis, true),
            _ => return Ok(None),
        };
        let amount = args.i64()?;
        if amount <= 0 {
            return Err(CommandError::InvalidExpire(command));
        }
        Ok(Some(Expiry {
            amount,
            unit,
            absolute,
            command,
        }))
    }

    /// Is `keyword` one of the expiry options?
    pub fn is_keyword(keyword: &str) -> bool {
        matches!(keyword, "EX" | "PX" | "EXAT" | "PXAT")
    }

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
