use resplite_core::prelude::*;
use resplite_core::util::number::parse_i64;

use super::bit_offset;

/// BITFIELD key [GET type offset | SET type offset value |
/// INCRBY type offset increment | OVERFLOW WRAP|SAT|FAIL ...]
pub struct BitField {
    key: Bytes,
    ops: Vec<FieldOp>,
}

/// BITFIELD_RO key [GET type offset ...]
pub struct BitFieldRo(BitField);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Overflow {
    Wrap,
    Sat,
    Fail,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Get,
    Set(i64),
    IncrBy(i64),
}

#[derive(Clone, Copy)]
struct FieldOp {
    kind: Kind,
    signed: bool,
    bits: u32,
    offset: u64,
    overflow: Overflow,
}

const BAD_TYPE: &str =
    "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

/// `i1`…`i64` or `u1`…`u63` (a u64 could not be replied as an integer).
fn field_type(arg: &[u8]) -> Result<(bool, u32), CommandError> {
    let bad = || CommandError::other(BAD_TYPE);
    let signed = match arg.first() {
        Some(b'i') => true,
        Some(b'u') => false,
        _ => return Err(bad()),
    };
    let bits = parse_i64(&arg[1..]).ok_or_else(bad)?;
    let max = if signed { 64 } else { 63 };
    if !(1..=max).contains(&bits) {
        return Err(bad());
    }
    Ok((signed, bits as u32))
}

impl BitField {
    fn parse_ops(args: &mut Args) -> Result<Self, CommandError> {
        let key = args.bytes()?;
        let mut ops = Vec::new();
        let mut overflow = Overflow::Wrap;
        while !args.is_empty() {
            let name = args.keyword()?;
            let kind = match (name.as_str(), args.remaining()) {
                ("GET", 2..) => Kind::Get,
                ("SET", 3..) => Kind::Set(0),
                ("INCRBY", 3..) => Kind::IncrBy(0),
                ("OVERFLOW", 1..) => {
                    overflow = match args.keyword()?.as_str() {
                        "WRAP" => Overflow::Wrap,
                        "SAT" => Overflow::Sat,
                        "FAIL" => Overflow::Fail,
                        _ => {
                            return Err(CommandError::other("ERR Invalid OVERFLOW type specified"))
                        }
                    };
                    continue;
                }
                _ => return Err(CommandError::Syntax),
            };
            let (signed, bits) = field_type(&args.bytes()?)?;
            let offset = bit_offset(&args.bytes()?, Some(bits))?;
            let kind = match kind {
                Kind::Get => Kind::Get,
                Kind::Set(_) => Kind::Set(args.i64()?),
                Kind::IncrBy(_) => Kind::IncrBy(args.i64()?),
            };
            ops.push(FieldOp {
                kind,
                signed,
                bits,
                offset,
                overflow,
            });
        }
        Ok(BitField { key, ops })
    }

    fn run(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let end = self
            .ops
            .iter()
            .filter(|op| op.kind != Kind::Get)
            .map(|op| op.offset + u64::from(op.bits))
            .max();
        let mut grew = false;
        match end {
            // Reads only: a missing key reads as zeros.
            None => {
                ctx.engine.string_len(&self.key)?;
            }
            // The string grows to hold the farthest bit written, before any
            // operation runs (as in Redis, even if every one then fails).
            Some(end_bit) => {
                let need = end_bit.div_ceil(8) as usize;
                let len = ctx.engine.string_len(&self.key)?;
                if len.is_none_or(|len| len < need) {
                    ctx.engine.write_string_range(&self.key, need - 1, &[0])?;
                    grew = true;
                }
            }
        }
        let mut changes = 0;
        let mut replies = Vec::with_capacity(self.ops.len());
        for op in &self.ops {
            let first = (op.offset >> 3) as usize;
            let span = ((op.offset & 7) + u64::from(op.bits)).div_ceil(8) as usize;
            let mut buf = [0u8; 9];
            if let Some(bytes) = ctx.engine.read_string_range(&self.key, first, span)? {
                buf[..bytes.len()].copy_from_slice(&bytes);
            }
            let at = op.offset & 7;
            let old = get_bits(&buf, at, op.bits);
            let (reply, new) = match op.apply(old) {
                Some(pair) => pair,
                None => {
                    replies.push(Reply::Nil);
                    continue;
                }
            };
            replies.push(Reply::Int(reply));
            if op.kind != Kind::Get && (grew || new != old) {
                changes += 1;
            }
            if new != old {
                set_bits(&mut buf, at, op.bits, new);
                ctx.engine
                    .write_string_range(&self.key, first, &buf[..span])?;
            }
        }
        if changes > 0 {
            ctx.notify(Class::STRING, "setbit", &self.key);
        }
        // One per field changed, as Redis counts (not the writes it took).
        ctx.count_changes(changes);
        Ok(Reply::Array(replies))
    }
}

impl FieldOp {
    /// Runs on the field's raw bits: the reply and the new raw bits, or
    /// `None` when OVERFLOW FAIL stops a write.
    fn apply(&self, raw: u64) -> Option<(i64, u64)> {
        let mask = if self.bits == 64 {
            u64::MAX
        } else {
            (1 << self.bits) - 1
        };
        if self.signed {
            let old = sign_extend(raw, self.bits);
            let (value, delta, reply_old) = match self.kind {
                Kind::Get => return Some((old, raw)),
                Kind::Set(v) => (v, 0, true),
                Kind::IncrBy(d) => (old, d, false),
            };
            let new = match signed_overflow(value, delta, self.bits, self.overflow) {
                Fit::Ok => value.wrapping_add(delta),
                Fit::Limit(limit) => limit,
                Fit::Fail => return None,
            };
            Some((if reply_old { old } else { new }, new as u64 & mask))
        } else {
            let old = raw;
            let (value, delta, reply_old) = match self.kind {
                Kind::Get => return Some((old as i64, raw)),
                Kind::Set(v) => (v as u64, 0, true),
                Kind::IncrBy(d) => (old, d, false),
            };
            let new = match unsigned_overflow(value, delta, self.bits, self.overflow) {
                Fit::Ok => value.wrapping_add(delta as u64),
                Fit::Limit(limit) => limit as u64,
                Fit::Fail => return None,
            };
            Some((if reply_old { old as i64 } else { new as i64 }, new & mask))
        }
    }
}

enum Fit {
    Ok,
    Limit(i64),
    Fail,
}

/// Redis' checkUnsignedBitfieldOverflow: whether `value + incr` fits in
/// `bits` unsigned bits, and what WRAP or SAT make of it when not.
fn unsigned_overflow(value: u64, incr: i64, bits: u32, overflow: Overflow) -> Fit {
    let max = if bits == 64 {
        u64::MAX
    } else {
        (1 << bits) - 1
    };
    let max_incr = max.wrapping_sub(value) as i64;
    let min_incr = value.wrapping_neg() as i64;
    let limit = if value > max || (incr > 0 && incr > max_incr) {
        max
    } else if incr < 0 && incr < min_incr {
        0
    } else {
        return Fit::Ok;
    };
    match overflow {
        Overflow::Wrap => {
            let wrapped = value.wrapping_add(incr as u64);
            Fit::Limit((if bits == 64 { wrapped } else { wrapped & max }) as i64)
        }
        Overflow::Sat => Fit::Limit(limit as i64),
        Overflow::Fail => Fit::Fail,
    }
}

/// Redis' checkSignedBitfieldOverflow.
fn signed_overflow(value: i64, incr: i64, bits: u32, overflow: Overflow) -> Fit {
    let max: i64 = if bits == 64 {
        i64::MAX
    } else {
        (1 << (bits - 1)) - 1
    };
    let min = -max - 1;
    let max_incr = (max as u64).wrapping_sub(value as u64) as i64;
    let min_incr = min.wrapping_sub(value);
    let limit = if value > max
        || (bits != 64 && incr > max_incr)
        || (value >= 0 && incr > 0 && incr > max_incr)
    {
        max
    } else if value < min
        || (bits != 64 && incr < min_incr)
        || (value < 0 && incr < 0 && incr < min_incr)
    {
        min
    } else {
        return Fit::Ok;
    };
    match overflow {
        Overflow::Wrap => {
            let sum = (value as u64).wrapping_add(incr as u64);
            Fit::Limit(sign_extend(sum, bits))
        }
        Overflow::Sat => Fit::Limit(limit),
        Overflow::Fail => Fit::Fail,
    }
}

/// The low `bits` bits of `raw` as a two's complement number.
fn sign_extend(raw: u64, bits: u32) -> i64 {
    if bits == 64 {
        raw as i64
    } else {
        let shift = 64 - bits;
        ((raw << shift) as i64) >> shift
    }
}

/// `bits` bits from bit `at` of `buf`, most significant first.
fn get_bits(buf: &[u8; 9], at: u64, bits: u32) -> u64 {
    (0..u64::from(bits)).fold(0, |value, j| {
        let pos = at + j;
        let bit = (buf[(pos >> 3) as usize] >> (7 - (pos & 7))) & 1;
        (value << 1) | u64::from(bit)
    })
}

fn set_bits(buf: &mut [u8; 9], at: u64, bits: u32, value: u64) {
    for j in 0..u64::from(bits) {
        let pos = at + j;
        let bit = ((value >> (u64::from(bits) - 1 - j)) & 1) as u8;
        let byte = &mut buf[(pos >> 3) as usize];
        let shift = 7 - (pos & 7);
        *byte = (*byte & !(1 << shift)) | (bit << shift);
    }
}

impl Command for BitField {
    const SPEC: CommandSpec =
        CommandSpec::new("bitfield", -2, Flags::WRITE.union(Flags::DENYOOM), "bitmap")
            .keys(1, 1, 1)
            .summary("Performs arbitrary bitfield integer operations on strings.")
            .since("3.2.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        BitField::parse_ops(args)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        self.run(ctx)
    }
}

impl Command for BitFieldRo {
    const SPEC: CommandSpec = CommandSpec::new(
        "bitfield_ro",
        -2,
        Flags::READONLY.union(Flags::FAST),
        "bitmap",
    )
    .keys(1, 1, 1)
    .summary("Performs arbitrary read-only bitfield integer operations on strings.")
    .since("6.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let field = BitField::parse_ops(args)?;
        if field.ops.iter().any(|op| op.kind != Kind::Get) {
            return Err(CommandError::other(
                "ERR BITFIELD_RO only supports the GET subcommand",
            ));
        }
        Ok(BitFieldRo(field))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        self.0.run(ctx)
    }
}

register_command!(BitField, BitFieldRo);
