//! Bitmap commands: strings addressed bit by bit. They read and write only
//! the bytes they touch ([`StringOps`](resplite_core::prelude::StringOps)), so
//! flipping one bit of a large bitmap does not rewrite it.

mod bitcount;
mod bitfield;
mod bitop;
mod setbit;

use resplite_core::prelude::*;
use resplite_core::util::number::parse_i64;

use crate::common::MAX_STRING;

const BAD_OFFSET: &str = "ERR bit offset is not an integer or out of range";

/// A bit offset argument, limited (like Redis, by `proto-max-bulk-len`) to
/// bits of a 512 MB string. With `width`, BITFIELD's `#n` form means `n`
/// fields of that width.
fn bit_offset(arg: &[u8], width: Option<u32>) -> Result<u64, CommandError> {
    let bad = || CommandError::other(BAD_OFFSET);
    let (digits, scale) = match (arg.first(), width) {
        (Some(b'#'), Some(w)) => (&arg[1..], i64::from(w)),
        _ => (arg, 1),
    };
    let offset = parse_i64(digits)
        .and_then(|n| n.checked_mul(scale))
        .ok_or_else(bad)?;
    if offset < 0 || (offset >> 3) as u64 >= MAX_STRING as u64 {
        return Err(bad());
    }
    Ok(offset as u64)
}

/// BITCOUNT and BITPOS ranges: `start`/`end` in bytes or (`BIT`) bits,
/// negative counting from the end. Resolved against the value's length to
/// inclusive bit positions, `None` when empty.
fn resolve_range(len: usize, start: i64, end: i64, bits: bool) -> Option<(u64, u64)> {
    let total = if bits { (len as i64) << 3 } else { len as i64 };
    let mut start = if start < 0 { total + start } else { start };
    let mut end = if end < 0 { total + end } else { end };
    start = start.max(0);
    end = end.max(0).min(total - 1);
    if start > end {
        return None;
    }
    let (start, end) = (start as u64, end as u64);
    Some(if bits {
        (start, end)
    } else {
        (start << 3, (end << 3) + 7)
    })
}

/// Reads an optional `BIT`/`BYTE` unit.
fn unit(arg: &[u8]) -> Result<bool, CommandError> {
    if arg.eq_ignore_ascii_case(b"bit") {
        Ok(true)
    } else if arg.eq_ignore_ascii_case(b"byte") {
        Ok(false)
    } else {
        Err(CommandError::Syntax)
    }
}

/// An integer argument read only once the key is known (BITCOUNT and BITPOS
/// answer a missing key before looking at their range).
fn int(arg: &[u8]) -> Result<i64, CommandError> {
    parse_i64(arg).ok_or(CommandError::NotInteger)
}
