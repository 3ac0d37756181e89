//! `struct`: binary packing with the behaviour of Roberto Ierusalimschy's
//! struct library as bundled with Redis 7.0 (global `struct`), on x86-64:
//! native byte order little endian, `long` and `size_t` of 8 bytes, `int` of
//! 4, maximum alignment 8.
//!
//! Format options: `>` `<` (byte order), `!n` (alignment), spaces, `x`
//! (padding byte), `b`/`B` `h`/`H` `l`/`L` `T` `i[n]`/`I[n]` (integers, lower
//! case signed), `f` `d` (floats), `c[n]` (fixed string; `c0` takes the whole
//! string when packing and the previous number as length when unpacking) and
//! `s` (zero-terminated string).

use super::{
    check_cstring, check_lstring, check_number, f64_to_i64, f64_to_u64, opt_integer, protect,
    push_bytes, register_lib, Fail, LResult,
};
use mlua::ffi;
use std::os::raw::{c_char, c_int};

/// Largest integer size, in bytes.
const MAXINTSIZE: usize = 32;
/// Default maximum alignment: that of a double.
const MAXALIGN: usize = 8;
const SIZE_INT: usize = 4;
const SIZE_LONG: usize = 8;

/// Loads the library the way Redis does (`luaL_register(L, "struct", ...)`).
pub(crate) unsafe fn open(l: *mut ffi::lua_State) {
    register_lib(
        l,
        c"struct",
        &[(c"pack", b_pack), (c"unpack", b_unpack), (c"size", b_size)],
    );
    ffi::lua_settop(l, -2);
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Endian {
    Big,
    Little,
}

struct Header {
    endian: Endian,
    align: usize,
}

impl Header {
    fn new() -> Header {
        Header {
            endian: Endian::Little,
            align: 1,
        }
    }
}

/// A format string being read (the Lua string up to its first NUL).
struct Format<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Format<'_> {
    fn next_option(&mut self) -> Option<u8> {
        let opt = self.bytes.get(self.pos).copied();
        self.pos += 1;
        opt
    }

    /// The decimal number at the current position, or `default`.
    fn number(&mut self, default: usize) -> LResult<usize> {
        if !self.bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
            return Ok(default);
        }
        let mut a: i32 = 0;
        while let Some(&d) = self.bytes.get(self.pos).filter(|d| d.is_ascii_digit()) {
            let digit = (d - b'0') as i32;
            if a > i32::MAX / 10 || a * 10 > i32::MAX - digit {
                return Err(Fail::error("integral size overflow"));
            }
            a = a * 10 + digit;
            self.pos += 1;
        }
        Ok(a as usize)
    }

    /// The size of option `opt` (reading its count when it has one); 0 for
    /// options that take no room.
    fn size(&mut self, opt: u8) -> LResult<usize> {
        Ok(match opt {
            b'B' | b'b' => 1,
            b'H' | b'h' => 2,
            b'L' | b'l' | b'T' => SIZE_LONG,
            b'f' => 4,
            b'd' => 8,
            b'x' => 1,
            b'c' => self.number(1)?,
            b'i' | b'I' => {
                let sz = self.number(SIZE_INT)?;
                if sz > MAXINTSIZE {
                    return Err(Fail::error(format!(
                        "integral size {} is larger than limit of {}",
                        sz, MAXINTSIZE
                    )));
                }
                sz
            }
            _ => 0,
        })
    }
}

/// Padding needed before an item of `size` bytes at offset `len`.
fn gettoalign(len: usize, h: &Header, opt: u8, size: usize) -> usize {
    if size == 0 || opt == b'c' {
        return 0;
    }
    let size = size.min(h.align);
    (size.wrapping_sub(len & size.wrapping_sub(1))) & size.wrapping_sub(1)
}

/// The options that are not data: byte order, alignment and spaces.
fn control_option(opt: u8, fmt: &mut Format, h: &mut Header) -> LResult<()> {
    match opt {
        b' ' => {}
        b'>' => h.endian = Endian::Big,
        b'<' => h.endian = Endian::Little,
        b'!' => {
            let a = fmt.number(MAXALIGN)?;
            if !(a > 0 && a & (a - 1) == 0) {
                return Err(Fail::error(format!("alignment {} is not a power of 2", a)));
            }
            h.align = a;
        }
        _ => {
            let mut msg = b"invalid format option '".to_vec();
            msg.push(opt);
            msg.push(b'\'');
            return Err(Fail::Arg(1, msg));
        }
    }
    Ok(())
}

fn is_integer_option(opt: u8) -> bool {
    matches!(
        opt,
        b'b' | b'B' | b'h' | b'H' | b'l' | b'L' | b'T' | b'i' | b'I'
    )
}

unsafe extern "C-unwind" fn b_pack(l: *mut ffi::lua_State) -> c_int {
    protect(l, || {
        let mut fmt = Format {
            bytes: check_cstring(l, 1)?,
            pos: 0,
        };
        let mut h = Header::new();
        let mut arg: c_int = 2;
        let mut total: usize = 0;
        // The result is built in a lauxlib buffer, which keeps its full
        // chunks on the Lua stack above a nil marker, as Redis' version
        // does: arguments past the last one read as that nil (or as those
        // chunks) exactly as there.
        ffi::lua_pushnil(l);
        // SAFETY: luaL_Buffer is plain data, initialised by luaL_buffinit,
        // and stays in place (it is never moved) until luaL_pushresult.
        let mut buffer: ffi::luaL_Buffer = std::mem::zeroed();
        let b: *mut ffi::luaL_Buffer = &mut buffer;
        ffi::luaL_buffinit(l, b);
        let add =
            |bytes: &[u8]| ffi::luaL_addlstring(b, bytes.as_ptr() as *const c_char, bytes.len());
        while let Some(opt) = fmt.next_option() {
            let mut size = fmt.size(opt)?;
            let toalign = gettoalign(total, &h, opt, size);
            total = total.wrapping_add(toalign);
            for _ in 0..toalign {
                add(&[0]);
            }
            match opt {
                _ if is_integer_option(opt) => {
                    let n = check_number(l, arg)?;
                    arg += 1;
                    // Negative numbers go through a signed conversion, the
                    // others through an unsigned one; both as on x86-64.
                    let mut value = if n < 0.0 {
                        f64_to_i64(n) as u64
                    } else {
                        f64_to_u64(n)
                    };
                    let mut bytes = [0u8; MAXINTSIZE];
                    for byte in bytes.iter_mut().take(size) {
                        *byte = value as u8;
                        value >>= 8;
                    }
                    add(ordered_bytes(&mut bytes[..size], h.endian));
                }
                b'x' => add(&[0]),
                b'f' => {
                    let mut bytes = (check_number(l, arg)? as f32).to_le_bytes();
                    arg += 1;
                    add(ordered_bytes(&mut bytes, h.endian));
                }
                b'd' => {
                    let mut bytes = check_number(l, arg)?.to_le_bytes();
                    arg += 1;
                    add(ordered_bytes(&mut bytes, h.endian));
                }
                b'c' | b's' => {
                    let s = check_lstring(l, arg)?;
                    arg += 1;
                    if size == 0 {
                        size = s.len();
                    }
                    if s.len() < size {
                        // Reported against the next argument, as in C.
                        return Err(Fail::arg(arg, "string too short"));
                    }
                    add(&s[..size]);
                    if opt == b's' {
                        add(&[0]);
                        size += 1;
                    }
                }
                _ => control_option(opt, &mut fmt, &mut h)?,
            }
            total = total.wrapping_add(size);
        }
        ffi::luaL_pushresult(b);
        Ok(1)
    })
}

/// Turns little-endian `bytes` into the requested order, in place.
fn ordered_bytes(bytes: &mut [u8], endian: Endian) -> &[u8] {
    if endian == Endian::Big {
        bytes.reverse();
    }
    bytes
}

/// Reads an integer of `size` bytes; only the last 8 bytes in order of
/// significance are kept, and the sign is that of bit `size*8-1` taken
/// modulo 64, as the C version computes it.
fn get_integer(bytes: &[u8], endian: Endian, signed: bool) -> f64 {
    let size = bytes.len();
    let push = |acc: u64, b: &u8| (acc << 8) | *b as u64;
    let value = match endian {
        Endian::Big => bytes.iter().fold(0u64, push),
        Endian::Little => bytes.iter().rev().fold(0u64, push),
    };
    if !signed {
        return value as f64;
    }
    let shift = ((size as u32).wrapping_mul(8).wrapping_sub(1)) & 63;
    let mask = u64::MAX << shift;
    let value = if value & mask != 0 {
        value | mask
    } else {
        value
    };
    value as i64 as f64
}

fn ordered<const N: usize>(bytes: &[u8], endian: Endian) -> [u8; N] {
    let mut a = [0u8; N];
    a.copy_from_slice(&bytes[..N]);
    if endian == Endian::Big {
        a.reverse();
    }
    a
}

unsafe extern "C-unwind" fn b_unpack(l: *mut ffi::lua_State) -> c_int {
    protect(l, || {
        let mut fmt = Format {
            bytes: check_cstring(l, 1)?,
            pos: 0,
        };
        let data = check_lstring(l, 2)?;
        let ld = data.len();
        // A size_t in C: negative offsets wrap around.
        let mut pos = opt_integer(l, 3, 1)? as usize;
        if pos == 0 {
            return Err(Fail::arg(3, "offset must be 1 or greater"));
        }
        pos -= 1;
        let mut h = Header::new();
        let mut n: c_int = 0;
        let too_short = || Fail::arg(2, "data string too short");
        while let Some(opt) = fmt.next_option() {
            let mut size = fmt.size(opt)?;
            pos = pos.wrapping_add(gettoalign(pos, &h, opt, size));
            if !(size <= ld && pos <= ld - size) {
                return Err(too_short());
            }
            if ffi::lua_checkstack(l, 2) == 0 {
                return Err(Fail::error("stack overflow (too many results)"));
            }
            match opt {
                _ if is_integer_option(opt) => {
                    let signed = opt.is_ascii_lowercase();
                    let v = get_integer(&data[pos..pos + size], h.endian, signed);
                    ffi::lua_pushnumber(l, v);
                    n += 1;
                }
                b'x' => {}
                b'f' => {
                    let f = f32::from_le_bytes(ordered::<4>(&data[pos..], h.endian));
                    ffi::lua_pushnumber(l, f as f64);
                    n += 1;
                }
                b'd' => {
                    let d = f64::from_le_bytes(ordered::<8>(&data[pos..], h.endian));
                    ffi::lua_pushnumber(l, d);
                    n += 1;
                }
                b'c' => {
                    if size == 0 {
                        if n == 0 || ffi::lua_isnumber(l, -1) == 0 {
                            return Err(Fail::error("format 'c0' needs a previous size"));
                        }
                        size = super::f64_to_u64(ffi::lua_tonumber(l, -1)) as usize;
                        ffi::lua_settop(l, -2);
                        n -= 1;
                        if !(size <= ld && pos <= ld - size) {
                            return Err(too_short());
                        }
                    }
                    push_bytes(l, &data[pos..pos + size]);
                    n += 1;
                }
                b's' => {
                    let Some(len) = data[pos..].iter().position(|&b| b == 0) else {
                        return Err(Fail::error("unfinished string in data"));
                    };
                    push_bytes(l, &data[pos..pos + len]);
                    size = len + 1;
                    n += 1;
                }
                _ => control_option(opt, &mut fmt, &mut h)?,
            }
            pos = pos.wrapping_add(size);
        }
        ffi::lua_pushinteger(l, pos.wrapping_add(1) as i64);
        Ok(n + 1)
    })
}

unsafe extern "C-unwind" fn b_size(l: *mut ffi::lua_State) -> c_int {
    protect(l, || {
        let mut fmt = Format {
            bytes: check_cstring(l, 1)?,
            pos: 0,
        };
        let mut h = Header::new();
        let mut pos: usize = 0;
        while let Some(opt) = fmt.next_option() {
            let size = fmt.size(opt)?;
            pos = pos.wrapping_add(gettoalign(pos, &h, opt, size));
            if opt == b's' {
                return Err(Fail::arg(1, "option 's' has no fixed size"));
            } else if opt == b'c' && size == 0 {
                return Err(Fail::arg(1, "option 'c0' has no fixed size"));
            }
            // Letters and digits that are no option take no room here.
            if !opt.is_ascii_alphanumeric() {
                control_option(opt, &mut fmt, &mut h)?;
            }
            pos = pos.wrapping_add(size);
        }
        ffi::lua_pushinteger(l, pos as i64);
        Ok(1)
    })
}

#[cfg(test)]
mod tests {
    //! Each case is a Lua snippet and what redis-server 7.0.15 answered for
    //! it (see `testutil`): the results of `pcall(function() <snippet> end)`,
    //! serialized, errors included.

    use super::super::testutil::check_cases;

    /// Hand-picked edge cases: limits, conversions, error messages.
    const EDGE_CASES: &[(&str, &str)] = &[
        (
            r##"return hex(struct.pack('>I', 1)), hex(struct.pack('<I', 1)), hex(struct.pack('I', 1)), hex(struct.pack('>i', -1)), hex(struct.pack('>h', -2)), hex(struct.pack('>H', 65535)), hex(struct.pack('b', -1)), hex(struct.pack('B', 255))"##,
            r##"true "00000001" "01000000" "01000000" "ffffffff" "fffe" "ffff" "ff" "ff""##,
        ),
        (
            r##"return hex(struct.pack('>l', -1)), hex(struct.pack('<L', 2^63)), hex(struct.pack('>L', 2^64)), hex(struct.pack('>L', -2^63)), hex(struct.pack('>l', -2^64)), hex(struct.pack('>L', 0/0)), hex(struct.pack('>l', 0/0)), hex(struct.pack('>L', 1/0)), hex(struct.pack('>L', -1/0))"##,
            r##"true "ffffffffffffffff" "0000000000000080" "0000000000000000" "8000000000000000" "8000000000000000" "8000000000000000" "8000000000000000" "0000000000000000" "8000000000000000""##,
        ),
        (
            r##"return hex(struct.pack('>T', 5)), hex(struct.pack('>i3', -1)), hex(struct.pack('<i3', 0x123456)), hex(struct.pack('>i16', -1)), hex(struct.pack('<I16', 2^64-1)), hex(struct.pack('>i0', 5))"##,
            r##"true "0000000000000005" "ffffff" "563412" "0000000000000000ffffffffffffffff" "00000000000000000000000000000000" """##,
        ),
        (
            r##"return struct.pack('>i33', 1)"##,
            r##"false "user_script:25: integral size 33 is larger than limit of 32""##,
        ),
        (
            r##"return struct.pack('i99999999999', 1)"##,
            r##"false "user_script:25: integral size overflow""##,
        ),
        (
            r##"return hex(struct.pack('>f', 1.5)), hex(struct.pack('<f', 1.5)), hex(struct.pack('>d', 1.5)), hex(struct.pack('<d', -0.1)), hex(struct.pack('f', 1e300))"##,
            r##"true "3fc00000" "0000c03f" "3ff8000000000000" "9a9999999999b9bf" "0000807f""##,
        ),
        (
            r##"return hex(struct.pack('s', 'abc')), hex(struct.pack('c', 'abc')), hex(struct.pack('c2', 'abc')), hex(struct.pack('c0', 'abc')), hex(struct.pack('x')), hex(struct.pack('xxb', 1))"##,
            r##"true "61626300" "61" "6162" "616263" "00" "000001""##,
        ),
        (
            r##"return struct.pack('c5', 'abc')"##,
            r##"false "user_script:25: bad argument #3 to 'pack' (string too short)""##,
        ),
        (
            r##"return struct.pack('Ic5', 1, 'abc')"##,
            r##"false "user_script:25: bad argument #4 to 'pack' (string too short)""##,
        ),
        (
            r##"return struct.pack('z', 1)"##,
            r##"false "user_script:25: bad argument #1 to 'pack' (invalid format option 'z')""##,
        ),
        (
            r##"return struct.pack('=', 1)"##,
            r##"false "user_script:25: bad argument #1 to 'pack' (invalid format option '=')""##,
        ),
        (
            r##"return struct.pack('I')"##,
            r##"false "user_script:25: bad argument #2 to 'pack' (number expected, got nil)""##,
        ),
        (
            r##"return struct.pack('I', 'x')"##,
            r##"false "user_script:25: bad argument #2 to 'pack' (number expected, got string)""##,
        ),
        (
            r##"return struct.pack('I', '12'), struct.pack('c', 12)"##,
            r##"true "\x0c\x00\x00\x00" "1""##,
        ),
        (
            r##"return hex(struct.pack('!4 b i', 1, 2)), hex(struct.pack('!b d', 1, 2)), hex(struct.pack('!2 b i', 1, 2)), hex(struct.pack('!b h', 1, 2)), hex(struct.pack('!8 b i3', 1, 2)), hex(struct.pack('! b l', 1, 2))"##,
            r##"true "0100000002000000" "01000000000000000000000000000040" "010002000000" "01000200" "010000020000" "01000000000000000200000000000000""##,
        ),
        (
            r##"return struct.pack('!3 b i', 1, 2)"##,
            r##"false "user_script:25: alignment 3 is not a power of 2""##,
        ),
        (
            r##"return struct.pack('!0 b i', 1, 2)"##,
            r##"false "user_script:25: alignment 0 is not a power of 2""##,
        ),
        (
            r##"return hex(struct.pack('b\0I', 1, 2))"##,
            r##"true "01""##,
        ),
        (
            r##"return struct.pack()"##,
            r##"false "user_script:25: bad argument #1 to 'pack' (string expected, got no value)""##,
        ),
        (
            r##"return struct.pack({})"##,
            r##"false "user_script:25: bad argument #1 to 'pack' (string expected, got table)""##,
        ),
        (
            r##"return struct.pack(12, 1)"##,
            r##"false "user_script:25: bad argument #1 to 'pack' (invalid format option '1')""##,
        ),
        (r##"return hex(struct.pack('', 1, 2))"##, r##"true """##),
        (
            r##"return struct.unpack('>I', '\0\0\0\1'), struct.unpack('<I', '\1\0\0\0'), struct.unpack('>i', '\255\255\255\255'), struct.unpack('>h', '\255\254'), struct.unpack('b', '\255'), struct.unpack('B', '\255')"##,
            r##"true 1 1 -1 -2 -1 255 2"##,
        ),
        (
            r##"return struct.unpack('>i3', '\255\255\255'), struct.unpack('>I3', '\255\255\255'), struct.unpack('>i16', string.rep('\255', 16)), struct.unpack('>I16', string.rep('\255', 16)), struct.unpack('>i9', '\128' .. string.rep('\0', 8)), struct.unpack('>I0', 'a')"##,
            r##"true -1 16777215 -1 1.8446744073709552e+19 0 0 1"##,
        ),
        (
            r##"return struct.unpack('>L', '\255\255\255\255\255\255\255\255'), struct.unpack('>l', '\128\0\0\0\0\0\0\0')"##,
            r##"true 1.8446744073709552e+19 -9.2233720368547758e+18 9"##,
        ),
        (
            r##"return struct.unpack('>f', '\63\192\0\0'), struct.unpack('<d', '\0\0\0\0\0\0\248\63')"##,
            r##"true 1.5 1.5 9"##,
        ),
        (
            r##"return struct.unpack('s', 'abc\0def\0'), struct.unpack('ss', 'abc\0def\0'), struct.unpack('c2', 'abc'), struct.unpack('c0', 'abc')"##,
            r##"false "user_script:25: format 'c0' needs a previous size""##,
        ),
        (
            r##"return struct.unpack('s', 'abc')"##,
            r##"false "user_script:25: unfinished string in data""##,
        ),
        (
            r##"return struct.unpack('bc0', '\2abc'), struct.unpack('Bc0', '\5abc')"##,
            r##"false "user_script:25: bad argument #2 to 'unpack' (data string too short)""##,
        ),
        (
            r##"return struct.unpack('c1c0', '3abcd')"##,
            r##"true "abc" 5"##,
        ),
        (
            r##"return struct.unpack('c1c0', 'xabcd')"##,
            r##"false "user_script:25: format 'c0' needs a previous size""##,
        ),
        (
            r##"return struct.unpack('I', 'ab')"##,
            r##"false "user_script:25: bad argument #2 to 'unpack' (data string too short)""##,
        ),
        (
            r##"return struct.unpack('I', 'abcd', 2)"##,
            r##"false "user_script:25: bad argument #2 to 'unpack' (data string too short)""##,
        ),
        (
            r##"return struct.unpack('b', 'abcd', 4), struct.unpack('b', 'abcd', 1.9)"##,
            r##"true 100 97 2"##,
        ),
        (
            r##"return struct.unpack('b', 'abcd', 5)"##,
            r##"false "user_script:25: bad argument #2 to 'unpack' (data string too short)""##,
        ),
        (
            r##"return struct.unpack('b', 'abcd', 0)"##,
            r##"false "user_script:25: bad argument #3 to 'unpack' (offset must be 1 or greater)""##,
        ),
        (r##"return struct.unpack('', 'abcd', -5)"##, r##"true -5"##),
        (
            r##"return struct.unpack('b', 'abcd', -5)"##,
            r##"false "user_script:25: bad argument #2 to 'unpack' (data string too short)""##,
        ),
        (
            r##"return struct.unpack('xb', 'ab'), struct.unpack('!4 b i', '\1\0\0\0\2\0\0\0'), struct.unpack('! b d', '\1\0\0\0\0\0\0\0\0\0\0\0\0\0\240\63')"##,
            r##"true 98 1 1 1 17"##,
        ),
        (
            r##"return struct.unpack('!3 b i', '12345678')"##,
            r##"false "user_script:25: alignment 3 is not a power of 2""##,
        ),
        (
            r##"return struct.unpack('>I')"##,
            r##"false "user_script:25: bad argument #2 to 'unpack' (string expected, got no value)""##,
        ),
        (
            r##"return struct.unpack('>I', {})"##,
            r##"false "user_script:25: bad argument #2 to 'unpack' (string expected, got table)""##,
        ),
        (
            r##"return struct.unpack('y', 'abc')"##,
            r##"false "user_script:25: bad argument #1 to 'unpack' (invalid format option 'y')""##,
        ),
        (
            r##"return struct.unpack('>I', '\0\0\0\1', 'x')"##,
            r##"false "user_script:25: bad argument #3 to 'unpack' (number expected, got string)""##,
        ),
        (
            r##"return struct.size('>I'), struct.size('bhilT'), struct.size('!bhilT'), struct.size('!4 b d'), struct.size('c10'), struct.size('xxx'), struct.size('z'), struct.size('q'), struct.size('i7')"##,
            r##"true 4 23 24 12 10 3 0 0 7"##,
        ),
        (
            r##"return struct.size('s')"##,
            r##"false "user_script:25: bad argument #1 to 'size' (option 's' has no fixed size)""##,
        ),
        (
            r##"return struct.size('c0')"##,
            r##"false "user_script:25: bad argument #1 to 'size' (option 'c0' has no fixed size)""##,
        ),
        (
            r##"return struct.size('!3')"##,
            r##"false "user_script:25: alignment 3 is not a power of 2""##,
        ),
        (
            r##"return struct.size('$')"##,
            r##"false "user_script:25: bad argument #1 to 'size' (invalid format option '$')""##,
        ),
        (
            r##"return struct.size()"##,
            r##"false "user_script:25: bad argument #1 to 'size' (string expected, got no value)""##,
        ),
        (
            r##"return struct.size('i40')"##,
            r##"false "user_script:25: integral size 40 is larger than limit of 32""##,
        ),
        (
            r##"return struct.unpack('c0', 'abc')"##,
            r##"false "user_script:25: format 'c0' needs a previous size""##,
        ),
        (
            r##"return struct.unpack('bc0', '\255abc')"##,
            r##"false "user_script:25: bad argument #2 to 'unpack' (data string too short)""##,
        ),
        (
            r##"return struct.unpack('bc0', '\9abc')"##,
            r##"false "user_script:25: bad argument #2 to 'unpack' (data string too short)""##,
        ),
        (
            r##"return struct.pack('\200', 1)"##,
            r##"false "user_script:25: bad argument #1 to 'pack' (invalid format option '\xc8')""##,
        ),
        (
            r##"return select('#', struct.unpack(string.rep('b', 3997), string.rep('a', 4000)))"##,
            r##"true 3998"##,
        ),
        (
            r##"return select('#', struct.unpack(string.rep('b', 3999), string.rep('a', 4000)))"##,
            r##"true 4000"##,
        ),
        (
            r##"return select('#', struct.unpack(string.rep('b', 4000), string.rep('a', 4000)))"##,
            r##"true 4001"##,
        ),
        (
            r##"return struct.pack('>I', 2^32), struct.pack('>I', -1) == '\255\255\255\255', struct.pack('>h', 65536+5) == '\0\5'"##,
            r##"true "\x00\x00\x00\x00" true true"##,
        ),
        (
            r##"return hex(struct.pack('>I', 1.9)), hex(struct.pack('>i', -1.9)), hex(struct.pack('>b', 1e10)), hex(struct.pack('>l', 1e19)), hex(struct.pack('>L', 1.8e19))"##,
            r##"true "00000001" "ffffffff" "00" "8ac7230489e80000" "f9ccd8a1c5080000""##,
        ),
        (
            r##"return hex(struct.pack('>i9', -1)), struct.unpack('>i9', string.rep('\0', 8) .. '\128'), struct.unpack('<i9', '\128' .. string.rep('\0', 8)), struct.unpack('>i12', '\0\0\0\0\128\0\0\0\0\0\0\0')"##,
            r##"true "00ffffffffffffffff" -128 -128 -2147483648 13"##,
        ),
        (
            r##"return struct.unpack('<i10', '\255\255\255\255\255\255\255\255\0\0'), struct.unpack('<I10', '\255\255\255\255\255\255\255\255\1\0')"##,
            r##"true -1 1.8446744073709552e+19 11"##,
        ),
        (
            r##"return struct.unpack('c2c0', '12abcdefghijklmn')"##,
            r##"true "abcdefghijkl" 15"##,
        ),
        (
            r##"return struct.unpack('c2c0', '-1abcd')"##,
            r##"false "user_script:25: bad argument #2 to 'unpack' (data string too short)""##,
        ),
        (
            r##"return struct.unpack('c2c0', '0xab')"##,
            r##"false "user_script:25: format 'c0' needs a previous size""##,
        ),
        (
            r##"return struct.pack('c0I', string.rep('x', 9000))"##,
            r##"false "user_script:25: bad argument #3 to 'pack' (number expected, got nil)""##,
        ),
        (
            r##"return #struct.pack('c0c0', string.rep('x', 9000), string.rep('y', 9000))"##,
            r##"true 18000"##,
        ),
        (
            r##"return struct.unpack('!4 i b i', struct.pack('!4 i b i', 1, 2, 3))"##,
            r##"true 1 2 3 13"##,
        ),
        (
            r##"return struct.unpack('>d', struct.pack('>d', 0/0)) ~= struct.unpack('>d', struct.pack('>d', 0/0))"##,
            r##"true true"##,
        ),
        (
            r##"return hex(struct.pack('<T', 2^53)), struct.unpack('<T', struct.pack('<T', 2^53))"##,
            r##"true "0000000000002000" 9007199254740992 9"##,
        ),
        (r##"return struct.unpack('  b  ', 'a')"##, r##"true 97 2"##),
        (
            r##"return struct.size('!8 bd'), struct.size('!2 bd'), struct.size('! i3 i'), struct.size('< > ! b')"##,
            r##"true 16 10 12 1"##,
        ),
        (r##"return struct.pack('<!', 1)"##, r##"true """##),
        (
            r##"return struct.unpack('b', 'a', nil), struct.unpack('b', 'ab', 2)"##,
            r##"true 97 98 3"##,
        ),
        (r##"return struct.unpack('!', '')"##, r##"true 1"##),
        (
            r##"return struct.unpack('<<I', '\1\0\0\0\2')"##,
            r##"true 1 5"##,
        ),
        (
            r##"return struct.unpack('>bBhHlLTiIfd', struct.pack('>bBhHlLTiIfd', -1, 255, -2, 65535, -3, 2^40, 7, -4, 4000000000, 0.5, -0.1))"##,
            r##"true -1 255 -2 65535 -3 1099511627776 7 -4 4000000000 0.5 -0.10000000000000001 51"##,
        ),
        (
            r##"return struct.unpack('<bBhHlLTiIfd', struct.pack('<bBhHlLTiIfd', -1, 255, -2, 65535, -3, 2^40, 7, -4, 4000000000, 0.5, -0.1))"##,
            r##"true -1 255 -2 65535 -3 1099511627776 7 -4 4000000000 0.5 -0.10000000000000001 51"##,
        ),
        (
            r##"return struct.unpack('!8 b d b i b h', struct.pack('!8 b d b i b h', 1, 2.5, 3, 4, 5, 6))"##,
            r##"true 1 2.5 3 4 5 6 29"##,
        ),
        (
            r##"return struct.unpack('s c3 c0 x', struct.pack('s c3 b c0 x', 'hi\1', 'abcdef', 2, 'zz'))"##,
            r##"false "user_script:25: format 'c0' needs a previous size""##,
        ),
        (
            r##"return hex(struct.pack('>i1i2i3i4i5i6i7i8', -1, -2, -3, -4, -5, -6, -7, -8))"##,
            r##"true "fffffefffffdfffffffcfffffffffbfffffffffffafffffffffffff9fffffffffffffff8""##,
        ),
        (
            r##"return struct.unpack('>i1i2i3i4i5i6i7i8', struct.pack('>i1i2i3i4i5i6i7i8', -1, -2, -3, -4, -5, -6, -7, -8))"##,
            r##"true -1 -2 -3 -4 -5 -6 -7 -8 37"##,
        ),
        (
            r##"return struct.unpack('<I3', '\1\2\3'), struct.unpack('>I3', '\1\2\3')"##,
            r##"true 197121 66051 4"##,
        ),
        (
            r##"return struct.unpack('b', 'abc', 3), struct.unpack('b', 'abc', 2^32 + 1)"##,
            r##"false "user_script:25: bad argument #2 to 'unpack' (data string too short)""##,
        ),
        (
            r##"return struct.unpack('', '', 10), struct.unpack('x', 'ab', 2)"##,
            r##"true 10 3"##,
        ),
    ];

    /// Randomly generated inputs (mutated valid data, random bytes/formats/tables).
    const FUZZ_REGRESSIONS: &[(&str, &str)] = &[
        (
            r##"return struct.unpack("429", "\181\189HQw\131~$(g\223\251\019\164p&\219+\163]\244x")"##,
            r##"false "user_script:25: bad argument #1 to 'unpack' (invalid format option '4')""##,
        ),
        (r##"return struct.size("8BHd")"##, r##"true 11"##),
        (
            r##"return hex(struct.pack("38fc", nil, 65535, nil))"##,
            r##"false "user_script:25: bad argument #1 to 'pack' (invalid format option '3')""##,
        ),
        (
            r##"return struct.unpack("I!>h", "\181B\167\249\211\001\178>\031\179\127h\026\195\149\206\021")"##,
            r##"true 4188488373 -11519 7"##,
        ),
        (r##"return struct.size(" 3fB")"##, r##"true 5"##),
        (
            r##"return struct.unpack("676h <", "")"##,
            r##"false "user_script:25: bad argument #1 to 'unpack' (invalid format option '6')""##,
        ),
        (r##"return struct.size("!!   ")"##, r##"true 0"##),
        (
            r##"return struct.unpack("d1x96", "")"##,
            r##"false "user_script:25: bad argument #2 to 'unpack' (data string too short)""##,
        ),
        (
            r##"return struct.unpack("dIh ", "o\247\178R\212")"##,
            r##"false "user_script:25: bad argument #2 to 'unpack' (data string too short)""##,
        ),
        (
            r##"return hex(struct.pack("l7", -1/0, 2147483648, 255, nil))"##,
            r##"false "user_script:25: bad argument #1 to 'pack' (invalid format option '7')""##,
        ),
        (r##"return struct.size("H")"##, r##"true 2"##),
        (r##"return struct.size("Lc8")"##, r##"true 16"##),
        (
            r##"return hex(struct.pack("7x l7l", "Q\229\236\186\214", 18446744073709551616, nil, 1e+300))"##,
            r##"false "user_script:25: bad argument #1 to 'pack' (invalid format option '7')""##,
        ),
        (
            r##"return hex(struct.pack("I1 h", 1/0, -1/0))"##,
            r##"true "000000""##,
        ),
        (
            r##"return hex(struct.pack("I", 18446744073709551616))"##,
            r##"true "00000000""##,
        ),
        (
            r##"return hex(struct.pack(">h730f"))"##,
            r##"false "user_script:25: bad argument #2 to 'pack' (number expected, got nil)""##,
        ),
        (
            r##"return hex(struct.pack("9l8h", -1))"##,
            r##"false "user_script:25: bad argument #1 to 'pack' (invalid format option '9')""##,
        ),
        (r##"return struct.size("T68i3")"##, r##"true 11"##),
        (
            r##"return struct.size("b1s")"##,
            r##"false "user_script:25: bad argument #1 to 'size' (option 's' has no fixed size)""##,
        ),
        (r##"return struct.size("4")"##, r##"true 0"##),
        (
            r##"return struct.unpack("HTc4li", "7\249\190\170Sl}*oT\154/(")"##,
            r##"false "user_script:25: bad argument #2 to 'unpack' (data string too short)""##,
        ),
        (r##"return struct.size("2I0")"##, r##"true 0"##),
        (
            r##"return struct.unpack("ILIH85", "\171\139\219R\228")"##,
            r##"false "user_script:25: bad argument #2 to 'unpack' (data string too short)""##,
        ),
        (
            r##"return struct.unpack("!1 c", "\193T\013\165\180|L\030eI\028~\002")"##,
            r##"true "\xc1" 2"##,
        ),
        (r##"return struct.size("b5i")"##, r##"true 5"##),
        (
            r##"return struct.unpack("2c", "\250\004")"##,
            r##"false "user_script:25: bad argument #1 to 'unpack' (invalid format option '2')""##,
        ),
        (
            r##"return hex(struct.pack("Ic6 !7", "V\235!\005", "", "\001", 0/0))"##,
            r##"false "user_script:25: bad argument #2 to 'pack' (number expected, got string)""##,
        ),
        (
            r##"return hex(struct.pack("fbBsI", nil, "\255\149\166O", "v\229", ""))"##,
            r##"false "user_script:25: bad argument #2 to 'pack' (number expected, got nil)""##,
        ),
        (
            r##"return struct.unpack("hil2", "q\2023Nt\177\010")"##,
            r##"false "user_script:25: bad argument #2 to 'unpack' (data string too short)""##,
        ),
        (
            r##"return struct.unpack("09>", " N\253\255\127j\136J\153H\245\218\021\166!\200\029\182\207")"##,
            r##"false "user_script:25: bad argument #1 to 'unpack' (invalid format option '0')""##,
        ),
        (r##"return struct.size("B38d")"##, r##"true 9"##),
        (r##"return struct.size("T<91")"##, r##"true 8"##),
        (r##"return struct.size("!")"##, r##"true 0"##),
        (r##"return struct.size("!x5")"##, r##"true 1"##),
        (
            r##"return struct.unpack("i 1f", "\020\160\247\152\130")"##,
            r##"false "user_script:25: bad argument #1 to 'unpack' (invalid format option '1')""##,
        ),
        (
            r##"return struct.unpack("i6L0H7", "TRe\034\029\167M\184\192L\239\164")"##,
            r##"false "user_script:25: bad argument #2 to 'unpack' (data string too short)""##,
        ),
        (
            r##"return struct.unpack("dc1<", "\138")"##,
            r##"false "user_script:25: bad argument #2 to 'unpack' (data string too short)""##,
        ),
        (
            r##"return struct.unpack("6", "\016\252\231X\177\129X")"##,
            r##"false "user_script:25: bad argument #1 to 'unpack' (invalid format option '6')""##,
        ),
        (
            r##"return hex(struct.pack("<", -2147483648, -9223372036854775808))"##,
            r##"true """##,
        ),
        (
            r##"return hex(struct.pack("d49", -32768))"##,
            r##"false "user_script:25: bad argument #1 to 'pack' (invalid format option '4')""##,
        ),
        (
            r##"return struct.unpack("5x92Hl", "")"##,
            r##"false "user_script:25: bad argument #1 to 'unpack' (invalid format option '5')""##,
        ),
        (
            r##"return hex(struct.pack("c"))"##,
            r##"false "user_script:25: bad argument #2 to 'pack' (string expected, got nil)""##,
        ),
        (
            r##"return struct.unpack("2>0", "\237$]\172\238P\249\191\131\152\247X\154\014Z|5")"##,
            r##"false "user_script:25: bad argument #1 to 'unpack' (invalid format option '2')""##,
        ),
        (r##"return struct.size("B0<B9")"##, r##"true 2"##),
        (
            r##"return struct.size("!94>47")"##,
            r##"false "user_script:25: alignment 94 is not a power of 2""##,
        ),
        (
            r##"return hex(struct.pack("iILd", -32768, nil))"##,
            r##"false "user_script:25: bad argument #3 to 'pack' (number expected, got nil)""##,
        ),
        (r##"return struct.size("T5701!")"##, r##"true 8"##),
        (
            r##"return hex(struct.pack("l22", "2\164\223\196"))"##,
            r##"false "user_script:25: bad argument #2 to 'pack' (number expected, got string)""##,
        ),
        (
            r##"return hex(struct.pack("l7h8lT", 1/0, 1e+300, ""))"##,
            r##"false "user_script:25: bad argument #1 to 'pack' (invalid format option '7')""##,
        ),
        (
            r##"return struct.unpack("LT", "&")"##,
            r##"false "user_script:25: bad argument #2 to 'unpack' (data string too short)""##,
        ),
        (r##"return struct.size("f")"##, r##"true 4"##),
        (
            r##"return hex(struct.pack("7lc", "", 9007199254740992))"##,
            r##"false "user_script:25: bad argument #1 to 'pack' (invalid format option '7')""##,
        ),
        (
            r##"return struct.unpack("l7h8lT", "\166g\135\187\254;\247\151\153\180[\219\136\161\134\157")"##,
            r##"false "user_script:25: bad argument #1 to 'unpack' (invalid format option '7')""##,
        ),
        (
            r##"return hex(struct.pack("0<>L f"))"##,
            r##"false "user_script:25: bad argument #1 to 'pack' (invalid format option '0')""##,
        ),
        (
            r##"return struct.unpack(" 5", "\227\179\168\208\149\000\137")"##,
            r##"false "user_script:25: bad argument #1 to 'unpack' (invalid format option '5')""##,
        ),
        (r##"return struct.size("8")"##, r##"true 0"##),
        (
            r##"return struct.unpack("3ii!B", "\233\167w\1760\015\221p\229\230")"##,
            r##"false "user_script:25: bad argument #1 to 'unpack' (invalid format option '3')""##,
        ),
        (
            r##"return hex(struct.pack("H", ".#\224l\010", 65535, "\227S\243\199\160"))"##,
            r##"false "user_script:25: bad argument #2 to 'pack' (number expected, got string)""##,
        ),
        (
            r##"return hex(struct.pack("L59Tdc", 1, "d\239", -2147483648, "38"))"##,
            r##"false "user_script:25: bad argument #1 to 'pack' (invalid format option '5')""##,
        ),
        (
            r##"return hex(struct.pack("c!5b80", nil, "o\190\181"))"##,
            r##"false "user_script:25: bad argument #2 to 'pack' (string expected, got nil)""##,
        ),
        (
            r##"return struct.unpack("dhx<", "%<|\249,")"##,
            r##"false "user_script:25: bad argument #2 to 'unpack' (data string too short)""##,
        ),
        (
            r##"return struct.unpack("dT", "\146[\240\140\151\184\152\229\144!K\162\156\169A\004q\152")"##,
            r##"true -2.5645108407687607e+181 3.0671273984072947e+17 17"##,
        ),
        (
            r##"return struct.unpack("s58iI", "\217\135\211\181t&\232p\141\005")"##,
            r##"false "user_script:25: unfinished string in data""##,
        ),
        (
            r##"return hex(struct.pack("B", nil, 1, "e}z\175", 9007199254740992))"##,
            r##"false "user_script:25: bad argument #2 to 'pack' (number expected, got nil)""##,
        ),
        (
            r##"return struct.unpack("5!f9>", "\019d\242n\202\165\153\249\131\134R\202\206\255sx\208\228")"##,
            r##"false "user_script:25: bad argument #1 to 'unpack' (invalid format option '5')""##,
        ),
        (r##"return struct.size("h")"##, r##"true 2"##),
        (r##"return struct.size("!l>4")"##, r##"true 8"##),
        (
            r##"return struct.unpack("b", "'!I\027\225.\190\134{O\130")"##,
            r##"true 39 2"##,
        ),
        (
            r##"return hex(struct.pack("I", -1/0))"##,
            r##"true "00000000""##,
        ),
        (
            r##"return hex(struct.pack("3T", -9223372036854775808, 18446744073709551616))"##,
            r##"false "user_script:25: bad argument #1 to 'pack' (invalid format option '3')""##,
        ),
        (
            r##"return hex(struct.pack("LB0", "\026\206", 9007199254740992, 255, 1.5))"##,
            r##"false "user_script:25: bad argument #2 to 'pack' (number expected, got string)""##,
        ),
        (
            r##"return hex(struct.pack("<9", 0/0, 1e+300, 1.5, 0))"##,
            r##"false "user_script:25: bad argument #1 to 'pack' (invalid format option '9')""##,
        ),
        (
            r##"return struct.unpack("<d8", "\205G}\092\145\190\216!\163\245\209\192\172")"##,
            r##"false "user_script:25: bad argument #1 to 'unpack' (invalid format option '8')""##,
        ),
        (
            r##"return hex(struct.pack("4<9clx", nil, -1/0, " p", 256))"##,
            r##"false "user_script:25: bad argument #1 to 'pack' (invalid format option '4')""##,
        ),
        (
            r##"return struct.unpack("d6", "\202\146M\158p\145\021b2\154\008\168")"##,
            r##"false "user_script:25: bad argument #1 to 'unpack' (invalid format option '6')""##,
        ),
        (r##"return struct.size("L")"##, r##"true 8"##),
        (
            r##"return struct.unpack("d49", "\135];\022,\018\146\255\025=\159\189\177z")"##,
            r##"false "user_script:25: bad argument #1 to 'unpack' (invalid format option '4')""##,
        ),
        (
            r##"return struct.unpack("f1", "\252'UM\011~\027")"##,
            r##"false "user_script:25: bad argument #1 to 'unpack' (invalid format option '1')""##,
        ),
        (
            r##"return hex(struct.pack("<b4"))"##,
            r##"false "user_script:25: bad argument #2 to 'pack' (number expected, got nil)""##,
        ),
        (
            r##"return struct.size("!5d1")"##,
            r##"false "user_script:25: alignment 5 is not a power of 2""##,
        ),
        (
            r##"return hex(struct.pack("58", -32768, 255, "\007"))"##,
            r##"false "user_script:25: bad argument #1 to 'pack' (invalid format option '5')""##,
        ),
        (
            r##"return hex(struct.pack("71", 0/0, 256, nil))"##,
            r##"false "user_script:25: bad argument #1 to 'pack' (invalid format option '7')""##,
        ),
        (
            r##"return struct.size("c0f8sH")"##,
            r##"false "user_script:25: bad argument #1 to 'size' (option 'c0' has no fixed size)""##,
        ),
        (
            r##"return struct.unpack("x4", "\092\236\131\247s\200\009\006?X\025w\163\1616\213")"##,
            r##"false "user_script:25: bad argument #1 to 'unpack' (invalid format option '4')""##,
        ),
        (r##"return struct.size("641")"##, r##"true 0"##),
        (r##"return struct.size("78Tl")"##, r##"true 16"##),
        (
            r##"return hex(struct.pack("L3"))"##,
            r##"false "user_script:25: bad argument #2 to 'pack' (number expected, got nil)""##,
        ),
        (
            r##"return struct.unpack("LT4>cx", "\170\151g\014j\190\174\254\1765\0271\208\214\012d\194.\238\222;i#\130")"##,
            r##"false "user_script:25: bad argument #1 to 'unpack' (invalid format option '4')""##,
        ),
        (r##"return struct.size("3!")"##, r##"true 0"##),
        (
            r##"return hex(struct.pack("0I", "", nil, 9223372036854775808))"##,
            r##"false "user_script:25: bad argument #1 to 'pack' (invalid format option '0')""##,
        ),
        (
            r##"return struct.unpack("l22", "\227c\202#b\219_\224\026&\024NI\221")"##,
            r##"false "user_script:25: bad argument #1 to 'unpack' (invalid format option '2')""##,
        ),
        (
            r##"return hex(struct.pack("2", 18446744073709551616, "\0154W\207O", nil))"##,
            r##"false "user_script:25: bad argument #1 to 'pack' (invalid format option '2')""##,
        ),
        (
            r##"return struct.size(" 61s")"##,
            r##"false "user_script:25: bad argument #1 to 'size' (option 's' has no fixed size)""##,
        ),
        (
            r##"return hex(struct.pack(" Hd", "\209@E", 0/0))"##,
            r##"false "user_script:25: bad argument #2 to 'pack' (number expected, got string)""##,
        ),
        (r##"return struct.size("1<")"##, r##"true 0"##),
        (r##"return struct.size("fL<3B")"##, r##"true 13"##),
        (
            r##"return struct.size("hhfI46")"##,
            r##"false "user_script:25: integral size 46 is larger than limit of 32""##,
        ),
        (
            r##"return hex(struct.pack("1!isi", 4294967296, 1e+300, 1e+300))"##,
            r##"false "user_script:25: bad argument #1 to 'pack' (invalid format option '1')""##,
        ),
        (
            r##"return hex(struct.pack("!94>47"))"##,
            r##"false "user_script:25: alignment 94 is not a power of 2""##,
        ),
        (
            r##"return struct.size("d s<2")"##,
            r##"false "user_script:25: bad argument #1 to 'size' (option 's' has no fixed size)""##,
        ),
        (r##"return struct.size("03L")"##, r##"true 8"##),
        (
            r##"return struct.unpack("6l1Hi", "]sqr\128\006iw\248R\008o`'\236\2405\222P\206\136")"##,
            r##"false "user_script:25: bad argument #1 to 'unpack' (invalid format option '6')""##,
        ),
        (
            r##"return struct.unpack("i0lh", "l\010\132\014\186,\160\214\178\242\220\130)\144\242\250\234v\239\154")"##,
            r##"true 0 -2.9813337757001948e+18 -3406 11"##,
        ),
        (
            r##"return hex(struct.pack("xbT", "\2197\141", -1/0, "m\128\137o", -2.5))"##,
            r##"false "user_script:25: bad argument #2 to 'pack' (number expected, got string)""##,
        ),
        (
            r##"return hex(struct.pack("L", 9223372036854775808))"##,
            r##"true "0000000000000080""##,
        ),
        (
            r##"return hex(struct.pack("!", -2147483648, ""))"##,
            r##"true """##,
        ),
        (
            r##"return struct.size("7<sl")"##,
            r##"false "user_script:25: bad argument #1 to 'size' (option 's' has no fixed size)""##,
        ),
        (
            r##"return struct.unpack("<", "k\029\200\250pcf\013\223\174\147}\205\196\0340\015\028")"##,
            r##"true 1"##,
        ),
        (
            r##"return hex(struct.pack("B4bbx8", -1/0, "\209\200", "\025\011", 65535))"##,
            r##"false "user_script:25: bad argument #1 to 'pack' (invalid format option '4')""##,
        ),
        (r##"return struct.size("cH")"##, r##"true 3"##),
        (
            r##"return hex(struct.pack("dx8d", 9223372036854775808, 18446744073709551616, "\226\005\221\018\030\206"))"##,
            r##"false "user_script:25: bad argument #1 to 'pack' (invalid format option '8')""##,
        ),
        (r##"return struct.size("iILd")"##, r##"true 24"##),
        (r##"return struct.size(">!")"##, r##"true 0"##),
        (
            r##"return hex(struct.pack("dIxb", 2147483648, 1/0))"##,
            r##"false "user_script:25: bad argument #4 to 'pack' (number expected, got nil)""##,
        ),
        (r##"return struct.size("Ll32")"##, r##"true 16"##),
        (
            r##"return struct.unpack("95L8I<", "\219m\231\025B\138")"##,
            r##"false "user_script:25: bad argument #1 to 'unpack' (invalid format option '9')""##,
        ),
        (
            r##"return hex(struct.pack("T!>LL!", nil))"##,
            r##"false "user_script:25: bad argument #2 to 'pack' (number expected, got nil)""##,
        ),
        (
            r##"return hex(struct.pack("x08"))"##,
            r##"false "user_script:25: bad argument #1 to 'pack' (invalid format option '0')""##,
        ),
        (
            r##"return struct.unpack("cL0b ", "\004\208\189\132\224yi?A\001")"##,
            r##"false "user_script:25: bad argument #1 to 'unpack' (invalid format option '0')""##,
        ),
        (
            r##"return struct.unpack("1", "zV8E\223\187\174\212\148d7\0346\177\157\213a\237\131\149\157\155")"##,
            r##"false "user_script:25: bad argument #1 to 'unpack' (invalid format option '1')""##,
        ),
        (
            r##"return hex(struct.pack("b1443", "\135j5\184\249", 1/0, "", 9223372036854775808))"##,
            r##"false "user_script:25: bad argument #2 to 'pack' (number expected, got string)""##,
        ),
        (
            r##"return struct.unpack("H", "\005\178v\202\249r\130\212")"##,
            r##"true 45573 3"##,
        ),
        (
            r##"return struct.unpack("6b4", "1\186\188\170D\136X\157\174\135\230\249\148\013.\244\184DM&\208\2226\168")"##,
            r##"false "user_script:25: bad argument #1 to 'unpack' (invalid format option '6')""##,
        ),
        (r##"return struct.size("H")"##, r##"true 2"##),
        (
            r##"return struct.unpack("79", "")"##,
            r##"false "user_script:25: bad argument #1 to 'unpack' (invalid format option '7')""##,
        ),
        (
            r##"return hex(struct.pack("Hf", "\025"))"##,
            r##"false "user_script:25: bad argument #2 to 'pack' (number expected, got string)""##,
        ),
        (
            r##"return hex(struct.pack("l3TI", 2147483648, 2147483648))"##,
            r##"false "user_script:25: bad argument #1 to 'pack' (invalid format option '3')""##,
        ),
        (r##"return struct.size("HL1")"##, r##"true 10"##),
        (
            r##"return struct.unpack("83H ", "rXz\232i\022")"##,
            r##"false "user_script:25: bad argument #1 to 'unpack' (invalid format option '8')""##,
        ),
        (
            r##"return struct.unpack("ihH8", "\164z\237j\253bH\175bl.\254;U[\188\009\162")"##,
            r##"false "user_script:25: bad argument #1 to 'unpack' (invalid format option '8')""##,
        ),
        (
            r##"return struct.size("c!5b80")"##,
            r##"false "user_script:25: alignment 5 is not a power of 2""##,
        ),
        (r##"return struct.size("Lc")"##, r##"true 9"##),
        (r##"return struct.size("!f")"##, r##"true 4"##),
        (
            r##"return hex(struct.pack("fh", "", -1/0, "7xiI\012]", -2147483648))"##,
            r##"false "user_script:25: bad argument #2 to 'pack' (number expected, got string)""##,
        ),
        (r##"return struct.size("cL0b ")"##, r##"true 10"##),
        (
            r##"return struct.unpack("57I >l", "8uS\201\007o\183}+en\250A\211\012\190\2166D\253")"##,
            r##"false "user_script:25: bad argument #1 to 'unpack' (invalid format option '5')""##,
        ),
        (
            r##"return hex(struct.pack("!l>4", 1.5, 255, "\176\202"))"##,
            r##"false "user_script:25: bad argument #1 to 'pack' (invalid format option '4')""##,
        ),
        (r##"return struct.size("T8T  ")"##, r##"true 16"##),
        (r##"return struct.size("dc1<")"##, r##"true 9"##),
        (r##"return struct.size("0h74B")"##, r##"true 3"##),
        (
            r##"return hex(struct.pack("!iBc", 0, 1/0, 1.5, 18446744073709551616))"##,
            r##"true "000000000031""##,
        ),
        (
            r##"return hex(struct.pack("dIh ", "WB\193\201@\254", 1/0, -2.5, -9223372036854775808))"##,
            r##"false "user_script:25: bad argument #2 to 'pack' (number expected, got string)""##,
        ),
        (
            r##"return hex(struct.pack("3l48", "h"))"##,
            r##"false "user_script:25: bad argument #1 to 'pack' (invalid format option '3')""##,
        ),
        (
            r##"return struct.unpack("dh939", "}\187U\221\177\151\151\236<U\177\134\170&\171\231\178q\018:\172\233\145")"##,
            r##"false "user_script:25: bad argument #1 to 'unpack' (invalid format option '9')""##,
        ),
        (
            r##"return hex(struct.pack("7", "Bf\178k\171Q", "\226V\201\185\191\155", 9223372036854775808, 65535))"##,
            r##"false "user_script:25: bad argument #1 to 'pack' (invalid format option '7')""##,
        ),
        (
            r##"return struct.unpack("i3cd", "\177!\225\011\238\158'\206\140\134i\237\229v\229\003\218\151\143\030")"##,
            r##"true -2022991 "\x0b" -1.1263220503085432e+219 13"##,
        ),
        (
            r##"return struct.unpack("1H", "\022\170t\201;\222\164\029\131:cO\019\206\128\215QA\136\009")"##,
            r##"false "user_script:25: bad argument #1 to 'unpack' (invalid format option '1')""##,
        ),
        (
            r##"return struct.unpack("fT", "\236O\199")"##,
            r##"false "user_script:25: bad argument #2 to 'unpack' (data string too short)""##,
        ),
        (
            r##"return hex(struct.pack("24 i 1", 65535, "3\190\168)l"))"##,
            r##"false "user_script:25: bad argument #1 to 'pack' (invalid format option '2')""##,
        ),
        (r##"return struct.size("b")"##, r##"true 1"##),
    ];

    #[test]
    fn edge_cases() {
        check_cases(EDGE_CASES);
    }
    #[test]
    fn fuzz_regressions() {
        check_cases(FUZZ_REGRESSIONS);
    }
}
