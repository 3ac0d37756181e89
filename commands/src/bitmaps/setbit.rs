use resplite_core::prelude::*;

use super::bit_offset;

/// SETBIT key offset 0|1: the bit's previous value.
pub struct SetBit {
    key: Bytes,
    offset: u64,
    on: bool,
}

/// GETBIT key offset
pub struct GetBit {
    key: Bytes,
    offset: u64,
}

/// The byte holding bit `offset`, and the bit's shift within it (bit 0 is
/// the byte's most significant).
fn locate(offset: u64) -> (usize, u32) {
    ((offset >> 3) as usize, 7 - (offset & 7) as u32)
}

impl Command for SetBit {
    const SPEC: CommandSpec =
        CommandSpec::new("setbit", 4, Flags::WRITE.union(Flags::DENYOOM), "bitmap")
            .keys(1, 1, 1)
            .summary("Sets or clears the bit at offset of the string value. Creates the key if it doesn't exist.")
            .since("2.2.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let key = args.bytes()?;
        let offset = bit_offset(&args.bytes()?, None)?;
        let on = match args.i64() {
            Ok(0) => false,
            Ok(1) => true,
            _ => {
                return Err(CommandError::other(
                    "ERR bit is not an integer or out of range",
                ))
            }
        };
        Ok(SetBit { key, offset, on })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let (byte, shift) = locate(self.offset);
        let current = ctx.engine.read_string_range(&self.key, byte, 1)?;
        // A missing key, or a byte past the end, is written even when the
        // bit stays 0: the string grows (as in Redis).
        let (old, grows) = match current.as_deref() {
            Some([b]) => (*b, false),
            _ => (0, true),
        };
        let was = (old >> shift) & 1 == 1;
        if grows || was != self.on {
            let new = (old & !(1 << shift)) | (u8::from(self.on) << shift);
            ctx.engine.write_string_range(&self.key, byte, &[new])?;
            ctx.notify(Class::STRING, "setbit", &self.key);
        }
        Ok(Reply::Int(i64::from(was)))
    }
}

impl Command for GetBit {
    const SPEC: CommandSpec =
        CommandSpec::new("getbit", 3, Flags::READONLY.union(Flags::FAST), "bitmap")
            .keys(1, 1, 1)
            .summary("Returns a bit value by offset.")
            .since("2.2.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let key = args.bytes()?;
        let offset = bit_offset(&args.bytes()?, None)?;
        Ok(GetBit { key, offset })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let (byte, shift) = locate(self.offset);
        let bit = match ctx.engine.read_string_range(&self.key, byte, 1)?.as_deref() {
            Some([b]) => (b >> shift) & 1,
            _ => 0,
        };
        Ok(Reply::Int(i64::from(bit)))
    }
}

register_command!(SetBit, GetBit);
