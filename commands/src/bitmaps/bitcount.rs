use resplite_core::prelude::*;

use super::{int, resolve_range, unit};

/// BITCOUNT key [start end [BYTE|BIT]]
pub struct BitCount {
    key: Bytes,
    range: Vec<Bytes>,
}

/// BITPOS key 0|1 [start [end [BYTE|BIT]]]
pub struct BitPos {
    key: Bytes,
    bit: bool,
    range: Vec<Bytes>,
}

impl Command for BitCount {
    const SPEC: CommandSpec = CommandSpec::new("bitcount", -2, Flags::READONLY, "bitmap")
        .keys(1, 1, 1)
        .summary("Counts the number of set bits (population counting) in a string.")
        .since("2.6.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        // The range is read once the key is found: Redis answers 0 for a
        // missing key whatever follows it.
        Ok(BitCount {
            key: args.bytes()?,
            range: args.rest(),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let Some(len) = ctx.engine.string_len(&self.key)? else {
            return Ok(Reply::Int(0));
        };
        let range = match self.range.as_slice() {
            [] => resolve_range(len, 0, -1, false),
            [start, end, unit_arg @ ..] if unit_arg.len() <= 1 => {
                let (start, end) = (int(start)?, int(end)?);
                if start < 0 && end < 0 && start > end {
                    None
                } else {
                    let bits = unit_arg.first().map(|u| unit(u)).transpose()?;
                    resolve_range(len, start, end, bits.unwrap_or(false))
                }
            }
            _ => return Err(CommandError::Syntax),
        };
        match range {
            Some((first, last)) => count(ctx, &self.key, first, last),
            None => Ok(Reply::Int(0)),
        }
    }
}

/// Set bits between bit positions `first` and `last`, inclusive.
fn count(ctx: &mut Ctx, key: &[u8], first: u64, last: u64) -> Result<Reply, CommandError> {
    let (from, to) = ((first >> 3) as usize, (last >> 3) as usize);
    let mut total = 0u64;
    let (mut head, mut tail) = (None, 0u8);
    ctx.engine
        .scan_string_range(key, from, to - from + 1, &mut |chunk| {
            head.get_or_insert(chunk[0]);
            tail = chunk[chunk.len() - 1];
            total += popcount(chunk);
            true
        })?;
    // Take back the bits of the edge bytes outside the range.
    let before = head.unwrap_or(0) & !(0xff >> (first & 7));
    let after = tail & (0xffu16 >> ((last & 7) + 1)) as u8;
    total -= u64::from(before.count_ones() + after.count_ones());
    Ok(Reply::Int(total as i64))
}

fn popcount(bytes: &[u8]) -> u64 {
    let mut words = bytes.chunks_exact(8);
    let mut n: u64 = words
        .by_ref()
        .map(|w| u64::from(u64::from_ne_bytes(w.try_into().unwrap_or([0; 8])).count_ones()))
        .sum();
    n += words
        .remainder()
        .iter()
        .map(|b| u64::from(b.count_ones()))
        .sum::<u64>();
    n
}

impl Command for BitPos {
    const SPEC: CommandSpec = CommandSpec::new("bitpos", -3, Flags::READONLY, "bitmap")
        .keys(1, 1, 1)
        .summary("Finds the first set (1) or clear (0) bit in a string.")
        .since("2.8.7");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let key = args.bytes()?;
        let bit = match args.i64()? {
            0 => false,
            1 => true,
            _ => return Err(CommandError::other("ERR The bit argument must be 1 or 0.")),
        };
        Ok(BitPos {
            key,
            bit,
            range: args.rest(),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        // A missing key is an endless run of zeros.
        let Some(len) = ctx.engine.string_len(&self.key)? else {
            return Ok(Reply::Int(if self.bit { -1 } else { 0 }));
        };
        let (start, end, bits) = match self.range.as_slice() {
            [] => (0, None, false),
            [start] => (int(start)?, None, false),
            [start, end] => (int(start)?, Some(int(end)?), false),
            [start, end, u] => {
                let start = int(start)?;
                let bits = unit(u)?;
                (start, Some(int(end)?), bits)
            }
            _ => return Err(CommandError::Syntax),
        };
        let default_end = if bits {
            ((len as i64) << 3) + 7
        } else {
            len as i64 - 1
        };
        let Some((first, last)) = resolve_range(len, start, end.unwrap_or(default_end), bits)
        else {
            return Ok(Reply::Int(-1));
        };
        if let Some(pos) = find(ctx, &self.key, first, last, self.bit)? {
            return Ok(Reply::Int(pos as i64));
        }
        // No clear bit in range: without an explicit end the string counts
        // as padded with zeros, so the first one is just past it.
        Ok(Reply::Int(if self.bit || end.is_some() {
            -1
        } else {
            (((last >> 3) + 1) << 3) as i64
        }))
    }
}

/// The first bit equal to `bit` between positions `first` and `last`.
fn find(
    ctx: &mut Ctx,
    key: &[u8],
    first: u64,
    last: u64,
    bit: bool,
) -> Result<Option<u64>, CommandError> {
    let (from, to) = ((first >> 3) as usize, (last >> 3) as usize);
    // Bytes with no bit of interest: all zeros when looking for a one.
    let skip = if bit { 0 } else { 0xff };
    let mut at = from;
    let mut found = None;
    ctx.engine
        .scan_string_range(key, from, to - from + 1, &mut |chunk| {
            let mut i = 0;
            while i < chunk.len() {
                let index = at + i;
                let mut mask = 0xffu8;
                if index == from {
                    mask &= 0xff >> (first & 7);
                }
                if index == to {
                    mask &= !((0xffu16 >> ((last & 7) + 1)) as u8);
                }
                if mask == 0xff && chunk[i] == skip {
                    // Whole bytes of nothing: jump over the run.
                    i += chunk[i..]
                        .iter()
                        .position(|&b| b != skip)
                        .unwrap_or(chunk.len() - i);
                    continue;
                }
                let hits = if bit { chunk[i] } else { !chunk[i] } & mask;
                if hits != 0 {
                    found = Some(((index as u64) << 3) + u64::from(hits.leading_zeros()));
                    return false;
                }
                i += 1;
            }
            at += chunk.len();
            true
        })?;
    Ok(found)
}

register_command!(BitCount, BitPos);
