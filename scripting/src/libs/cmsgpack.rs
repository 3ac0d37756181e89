//! `cmsgpack`: MessagePack with the behaviour of lua-cmsgpack 0.4.0 as
//! bundled with Redis 7.0 (global `cmsgpack`).

use super::{
    check_integer, check_lstring, check_stack, f64_to_i32, f64_to_i64, opt_integer, protect,
    push_bytes, push_result, set_function, set_string, Fail, LResult,
};
use mlua::ffi;
use std::os::raw::c_int;

/// Tables nested deeper than this are written as nil (this is what stops
/// self-referencing tables).
const MAX_NESTING: c_int = 16;

/// Loads the library the way Redis does: the table becomes the global
/// `cmsgpack`.
pub(crate) unsafe fn open(l: *mut ffi::lua_State) {
    ffi::lua_createtable(l, 0, 0);
    set_function(l, c"pack", mp_pack);
    set_function(l, c"unpack", mp_unpack);
    set_function(l, c"unpack_one", mp_unpack_one);
    set_function(l, c"unpack_limit", mp_unpack_limit);
    set_string(l, c"_NAME", b"cmsgpack");
    set_string(l, c"_VERSION", b"lua-cmsgpack 0.4.0");
    set_string(
        l,
        c"_COPYRIGHT",
        b"Copyright (C) 2012, Salvatore Sanfilippo",
    );
    set_string(l, c"_DESCRIPTION", b"MessagePack C implementation for Lua");
    ffi::lua_setglobal(l, c"cmsgpack".as_ptr());
}

// ===== encoding =====

fn encode_bytes(buf: &mut Vec<u8>, s: &[u8]) {
    let len = s.len();
    if len < 32 {
        buf.push(0xa0 | len as u8);
    } else if len <= 0xff {
        buf.push(0xd9);
        buf.push(len as u8);
    } else if len <= 0xffff {
        buf.push(0xda);
        buf.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        buf.push(0xdb);
        // Longer strings keep only the low 32 bits of their length, as in C.
        buf.extend_from_slice(&(len as u32).to_be_bytes());
    }
    buf.extend_from_slice(s);
}

/// A float32 when that loses nothing, else a float64.
fn encode_double(buf: &mut Vec<u8>, d: f64) {
    let f = d as f32;
    if f as f64 == d {
        buf.push(0xca);
        buf.extend_from_slice(&f.to_bits().to_be_bytes());
    } else {
        buf.push(0xcb);
        buf.extend_from_slice(&d.to_bits().to_be_bytes());
    }
}

fn encode_int(buf: &mut Vec<u8>, n: i64) {
    if n >= 0 {
        if n <= 127 {
            buf.push(n as u8);
        } else if n <= 0xff {
            buf.push(0xcc);
            buf.push(n as u8);
        } else if n <= 0xffff {
            buf.push(0xcd);
            buf.extend_from_slice(&(n as u16).to_be_bytes());
        } else if n <= 0xffff_ffff {
            buf.push(0xce);
            buf.extend_from_slice(&(n as u32).to_be_bytes());
        } else {
            buf.push(0xcf);
            buf.extend_from_slice(&(n as u64).to_be_bytes());
        }
    } else if n >= -32 {
        buf.push(n as i8 as u8);
    } else if n >= -128 {
        buf.push(0xd0);
        buf.push(n as i8 as u8);
    } else if n >= -32768 {
        buf.push(0xd1);
        buf.extend_from_slice(&(n as i16).to_be_bytes());
    } else if n >= -2147483648 {
        buf.push(0xd2);
        buf.extend_from_slice(&(n as i32).to_be_bytes());
    } else {
        buf.push(0xd3);
        buf.extend_from_slice(&n.to_be_bytes());
    }
}

fn encode_array_header(buf: &mut Vec<u8>, n: u64) {
    if n <= 15 {
        buf.push(0x90 | n as u8);
    } else if n <= 65535 {
        buf.push(0xdc);
        buf.extend_from_slice(&(n as u16).to_be_bytes());
    } else {
        buf.push(0xdd);
        buf.extend_from_slice(&(n as u32).to_be_bytes());
    }
}

fn encode_map_header(buf: &mut Vec<u8>, n: u64) {
    if n <= 15 {
        buf.push(0x80 | n as u8);
    } else if n <= 65535 {
        buf.push(0xde);
        buf.extend_from_slice(&(n as u16).to_be_bytes());
    } else {
        buf.push(0xdf);
        buf.extend_from_slice(&(n as u32).to_be_bytes());
    }
}

/// Writes the value on top of the stack and pops it.
unsafe fn encode_value(l: *mut ffi::lua_State, buf: &mut Vec<u8>, level: c_int) -> LResult<()> {
    let mut t = ffi::lua_type(l, -1);
    if t == ffi::LUA_TTABLE && level == MAX_NESTING {
        t = ffi::LUA_TNIL;
    }
    match t {
        ffi::LUA_TSTRING => {
            let mut len = 0usize;
            let p = ffi::lua_tolstring(l, -1, &mut len);
            if !p.is_null() {
                encode_bytes(buf, std::slice::from_raw_parts(p as *const u8, len));
            }
        }
        ffi::LUA_TBOOLEAN => buf.push(if ffi::lua_toboolean(l, -1) != 0 {
            0xc3
        } else {
            0xc2
        }),
        ffi::LUA_TNUMBER => {
            let n = ffi::lua_tonumber(l, -1);
            if !n.is_infinite() && f64_to_i64(n) as f64 == n {
                encode_int(buf, ffi::lua_tointeger_(l, -1));
            } else {
                encode_double(buf, n);
            }
        }
        ffi::LUA_TTABLE => {
            if table_is_an_array(l)? {
                encode_table_as_array(l, buf, level)?;
            } else {
                encode_table_as_map(l, buf, level)?;
            }
        }
        // nil, and everything that has no MessagePack form.
        _ => buf.push(0xc0),
    }
    ffi::lua_settop(l, -2);
    Ok(())
}

/// Whether the keys of the table on top of the stack are exactly 1..n.
unsafe fn table_is_an_array(l: *mut ffi::lua_State) -> LResult<bool> {
    let top = ffi::lua_gettop(l);
    check_stack(l, 2, "in function table_is_an_array")?;
    let mut count: c_int = 0;
    let mut max: c_int = 0;
    ffi::lua_pushnil(l);
    while ffi::lua_next(l, -2) != 0 {
        ffi::lua_settop(l, -2);
        let ok = ffi::lua_type(l, -1) == ffi::LUA_TNUMBER && {
            let n = ffi::lua_tonumber(l, -1);
            if n > 0.0 && !n.is_infinite() && f64_to_i32(n) as f64 == n {
                if n > max as f64 {
                    max = f64_to_i32(n);
                }
                true
            } else {
                false
            }
        };
        if !ok {
            ffi::lua_settop(l, top);
            return Ok(false);
        }
        count = count.wrapping_add(1);
    }
    ffi::lua_settop(l, top);
    Ok(max == count)
}

unsafe fn encode_table_as_array(
    l: *mut ffi::lua_State,
    buf: &mut Vec<u8>,
    level: c_int,
) -> LResult<()> {
    let len = ffi::lua_objlen(l, -1);
    encode_array_header(buf, len as u64);
    check_stack(l, 1, "in function mp_encode_lua_table_as_array")?;
    for j in 1..=len {
        ffi::lua_pushnumber(l, j as f64);
        ffi::lua_rawget(l, -2);
        encode_value(l, buf, level + 1)?;
    }
    Ok(())
}

unsafe fn encode_table_as_map(
    l: *mut ffi::lua_State,
    buf: &mut Vec<u8>,
    level: c_int,
) -> LResult<()> {
    check_stack(l, 3, "in function mp_encode_lua_table_as_map")?;
    let mut len: u64 = 0;
    ffi::lua_pushnil(l);
    while ffi::lua_next(l, -2) != 0 {
        ffi::lua_settop(l, -2);
        len += 1;
    }
    encode_map_header(buf, len);
    ffi::lua_pushnil(l);
    while ffi::lua_next(l, -2) != 0 {
        ffi::lua_pushvalue(l, -2);
        encode_value(l, buf, level + 1)?; // the key
        encode_value(l, buf, level + 1)?; // the value
    }
    Ok(())
}

/// `cmsgpack.pack(...)`: the encodings of all arguments, concatenated.
unsafe extern "C-unwind" fn mp_pack(l: *mut ffi::lua_State) -> c_int {
    protect(l, || {
        let nargs = ffi::lua_gettop(l);
        if nargs == 0 {
            return Err(Fail::arg(0, "MessagePack pack needs input."));
        }
        if ffi::lua_checkstack(l, nargs) == 0 {
            return Err(Fail::arg(0, "Too many arguments for MessagePack pack."));
        }
        let mut buf = Vec::new();
        for i in 1..=nargs {
            check_stack(l, 1, "in function mp_check")?;
            ffi::lua_pushvalue(l, i);
            encode_value(l, &mut buf, 0)?;
            // Redis keeps each argument's encoding on the stack until the
            // end; hold a slot for it so the stack fills up the same way.
            ffi::lua_pushboolean(l, 0);
        }
        ffi::lua_settop(l, nargs);
        // Encoding makes no allocating Lua call: only this push can meet a
        // memory error, and it is caught so that `buf` is freed first.
        push_result(l, &buf).map_err(|_| Fail::Rethrow)?;
        Ok(1)
    })
}

// ===== decoding =====

enum DecodeError {
    /// The input ends in the middle of a value.
    Eof,
    /// A byte that starts no supported type.
    BadFormat,
    Lua(Fail),
}

impl From<Fail> for DecodeError {
    fn from(f: Fail) -> Self {
        DecodeError::Lua(f)
    }
}

/// A table being read.
#[derive(Clone, Copy)]
enum Frame {
    Array { left: u64, index: f64 },
    Map { left: u64, have_key: bool },
}

/// The tables being read, innermost last. The first levels are kept inline:
/// decoding calls Lua functions that may raise a memory error, which would
/// leak heap memory; only inputs nested deeper than `INLINE` levels use some.
struct Frames {
    inline: [Frame; Frames::INLINE],
    len: usize,
    spill: Vec<Frame>,
}

impl Frames {
    const INLINE: usize = 32;

    fn new() -> Frames {
        Frames {
            inline: [Frame::Map {
                left: 0,
                have_key: false,
            }; Frames::INLINE],
            len: 0,
            spill: Vec::new(),
        }
    }

    fn push(&mut self, f: Frame) {
        if self.len < Frames::INLINE {
            self.inline[self.len] = f;
        } else {
            self.spill.push(f);
        }
        self.len += 1;
    }

    fn pop(&mut self) {
        if self.len > Frames::INLINE {
            self.spill.pop();
        }
        self.len = self.len.saturating_sub(1);
    }

    fn last_mut(&mut self) -> Option<&mut Frame> {
        match self.len {
            0 => None,
            n if n <= Frames::INLINE => self.inline.get_mut(n - 1),
            _ => self.spill.last_mut(),
        }
    }
}

struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn left(&self) -> usize {
        self.data.len() - self.pos
    }

    fn need(&self, n: usize) -> Result<(), DecodeError> {
        if self.left() < n {
            Err(DecodeError::Eof)
        } else {
            Ok(())
        }
    }

    /// The `n` bytes after the type byte, consuming them all.
    fn take(&mut self, n: usize) -> Result<&[u8], DecodeError> {
        self.need(n.checked_add(1).ok_or(DecodeError::Eof)?)?;
        let s = &self.data[self.pos + 1..self.pos + 1 + n];
        self.pos += 1 + n;
        Ok(s)
    }

    fn be(&mut self, n: usize) -> Result<u64, DecodeError> {
        let bytes = self.take(n)?;
        Ok(bytes.iter().fold(0u64, |acc, &b| (acc << 8) | b as u64))
    }

    /// A string of `len` bytes whose header is `hdr` bytes long.
    fn string(&mut self, hdr: usize, len: usize) -> Result<&[u8], DecodeError> {
        let total = hdr.checked_add(len).ok_or(DecodeError::Eof)?;
        self.need(total)?;
        let s = &self.data[self.pos + hdr..self.pos + total];
        self.pos += total;
        Ok(s)
    }

    /// A length of `n` bytes after the type byte.
    fn length(&mut self, n: usize) -> Result<usize, DecodeError> {
        self.need(1 + n)?;
        let v = self.data[self.pos + 1..self.pos + 1 + n]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | b as usize);
        Ok(v)
    }
}

const TOO_MANY_RESULTS: &str =
    "too many return values at once; use unpack_one or unpack_limit instead.";

/// Stores the pair below the top of the stack into the table under it.
unsafe fn store(l: *mut ffi::lua_State) -> Result<(), DecodeError> {
    match ffi::lua_type(l, -2) {
        ffi::LUA_TNIL => return Err(DecodeError::Lua(Fail::Bare(b"table index is nil".to_vec()))),
        ffi::LUA_TNUMBER if ffi::lua_tonumber(l, -2).is_nan() => {
            return Err(DecodeError::Lua(Fail::Bare(b"table index is NaN".to_vec())))
        }
        _ => {}
    }
    ffi::lua_rawset(l, -3);
    Ok(())
}

/// Reads one value and pushes it.
///
/// Nested tables are read without recursion, but with the same use of the
/// Lua stack as Redis' recursive reader (table, then key or index, then
/// value), so that deep inputs fail with the same error.
unsafe fn decode_value(l: *mut ffi::lua_State, c: &mut Cursor) -> Result<(), DecodeError> {
    let mut frames = Frames::new();
    loop {
        // Read the value that starts here; `opened` tells if it is a table
        // whose elements follow.
        c.need(1)?;
        check_stack(l, 1, TOO_MANY_RESULTS)?;
        let b = c.data[c.pos];
        let mut opened = false;
        match b {
            0xcc => ffi::lua_pushinteger(l, c.be(1)? as i64),
            0xd0 => ffi::lua_pushinteger(l, c.be(1)? as u8 as i8 as i64),
            0xcd => ffi::lua_pushinteger(l, c.be(2)? as i64),
            0xd1 => ffi::lua_pushinteger(l, c.be(2)? as u16 as i16 as i64),
            0xce => ffi::lua_pushinteger(l, c.be(4)? as i64),
            0xd2 => ffi::lua_pushinteger(l, c.be(4)? as u32 as i32 as i64),
            // Pushed as a lua_Integer: values above 2^63 wrap around.
            0xcf => ffi::lua_pushinteger(l, c.be(8)? as i64),
            0xd3 => ffi::lua_pushnumber(l, c.be(8)? as i64 as f64),
            0xc0 => {
                ffi::lua_pushnil(l);
                c.pos += 1;
            }
            0xc3 | 0xc2 => {
                ffi::lua_pushboolean(l, (b == 0xc3) as c_int);
                c.pos += 1;
            }
            0xca => ffi::lua_pushnumber(l, f32::from_bits(c.be(4)? as u32) as f64),
            0xcb => ffi::lua_pushnumber(l, f64::from_bits(c.be(8)?)),
            0xd9 => {
                let len = c.length(1)?;
                let s = c.string(2, len)?;
                push_bytes(l, s);
            }
            0xda => {
                let len = c.length(2)?;
                let s = c.string(3, len)?;
                push_bytes(l, s);
            }
            0xdb => {
                let len = c.length(4)?;
                let s = c.string(5, len)?;
                push_bytes(l, s);
            }
            0xdc..=0xdf => {
                let n = if b == 0xdc || b == 0xde { 2 } else { 4 };
                let len = c.length(n)? as u64;
                c.pos += 1 + n;
                opened = true;
                ffi::lua_createtable(l, 0, 0);
                if b == 0xdc || b == 0xdd {
                    check_stack(l, 1, "in function mp_decode_to_lua_array")?;
                    frames.push(Frame::Array {
                        left: len,
                        index: 1.0,
                    });
                } else {
                    frames.push(Frame::Map {
                        left: len,
                        have_key: false,
                    });
                }
            }
            _ if b & 0x80 == 0 => {
                ffi::lua_pushinteger(l, b as i64);
                c.pos += 1;
            }
            _ if b & 0xe0 == 0xe0 => {
                ffi::lua_pushinteger(l, b as i8 as i64);
                c.pos += 1;
            }
            _ if b & 0xe0 == 0xa0 => {
                let s = c.string(1, (b & 0x1f) as usize)?;
                push_bytes(l, s);
            }
            _ if b & 0xf0 == 0x90 => {
                c.pos += 1;
                opened = true;
                ffi::lua_createtable(l, 0, 0);
                check_stack(l, 1, "in function mp_decode_to_lua_array")?;
                frames.push(Frame::Array {
                    left: (b & 0xf) as u64,
                    index: 1.0,
                });
            }
            _ if b & 0xf0 == 0x80 => {
                c.pos += 1;
                opened = true;
                ffi::lua_createtable(l, 0, 0);
                frames.push(Frame::Map {
                    left: (b & 0xf) as u64,
                    have_key: false,
                });
            }
            _ => return Err(DecodeError::BadFormat),
        }
        // Store completed values into their tables until one needs more
        // input.
        let mut complete = !opened;
        loop {
            let Some(frame) = frames.last_mut() else {
                return Ok(());
            };
            if complete {
                match frame {
                    Frame::Array { .. } => store(l)?,
                    Frame::Map { have_key, .. } => {
                        if !*have_key {
                            // A key was read: now its value.
                            *have_key = true;
                            break;
                        }
                        *have_key = false;
                        store(l)?;
                    }
                }
            }
            match frame {
                Frame::Array { left, index } => {
                    if *left == 0 {
                        frames.pop();
                        complete = true;
                        continue;
                    }
                    *left -= 1;
                    ffi::lua_pushnumber(l, *index);
                    *index += 1.0;
                }
                Frame::Map { left, .. } => {
                    if *left == 0 {
                        frames.pop();
                        complete = true;
                        continue;
                    }
                    *left -= 1;
                }
            }
            break;
        }
    }
}

/// Unpacks up to `limit` values from `offset`; `limit == 0 && offset == 0`
/// means all values, without the leading next offset.
unsafe fn unpack_full(l: *mut ffi::lua_State, limit: i64, offset: i64) -> LResult<c_int> {
    let data = check_lstring(l, 1)?;
    let len = data.len();
    let decode_all = limit == 0 && offset == 0;
    if offset < 0 || limit < 0 {
        return Err(Fail::error(format!(
            "Invalid request to unpack with offset of {} and limit of {}.",
            offset as i32, len as i32
        )));
    } else if offset as u64 > len as u64 {
        return Err(Fail::error(format!(
            "Start offset {} greater than input length {}.",
            offset as i32, len as i32
        )));
    }
    let limit = if decode_all { c_int::MAX as i64 } else { limit };
    let mut c = Cursor {
        data,
        pos: offset as usize,
    };
    let mut cnt: c_int = 0;
    while c.left() > 0 && (cnt as i64) < limit {
        match decode_value(l, &mut c) {
            Ok(()) => {}
            Err(DecodeError::Eof) => return Err(Fail::error("Missing bytes in input.")),
            Err(DecodeError::BadFormat) => return Err(Fail::error("Bad data format in input.")),
            Err(DecodeError::Lua(f)) => return Err(f),
        }
        cnt += 1;
    }
    if !decode_all {
        check_stack(l, 1, "in function mp_unpack_full")?;
        let next = if c.left() == 0 { -1 } else { c.pos as i64 };
        ffi::lua_pushinteger(l, next);
        ffi::lua_insert(l, 2);
        cnt += 1;
    }
    Ok(cnt)
}

unsafe extern "C-unwind" fn mp_unpack(l: *mut ffi::lua_State) -> c_int {
    protect(l, || unpack_full(l, 0, 0))
}

unsafe extern "C-unwind" fn mp_unpack_one(l: *mut ffi::lua_State) -> c_int {
    protect(l, || {
        let offset = opt_integer(l, 2, 0)?;
        ffi::lua_settop(l, -ffi::lua_gettop(l));
        unpack_full(l, 1, offset)
    })
}

unsafe extern "C-unwind" fn mp_unpack_limit(l: *mut ffi::lua_State) -> c_int {
    protect(l, || {
        let limit = check_integer(l, 2)?;
        let offset = opt_integer(l, 3, 0)?;
        ffi::lua_settop(l, -ffi::lua_gettop(l));
        unpack_full(l, limit, offset)
    })
}

#[cfg(test)]
mod tests {
    //! Each case is a Lua snippet and what redis-server 7.0.15 answered for
    //! it (see `testutil`): the results of `pcall(function() <snippet> end)`,
    //! serialized, errors included.

    use super::super::testutil::check_cases;

    /// The `cmsgpack` snippets of Redis' own test suite (tests/unit/scripting.tcl, functions.tcl).
    const REDIS_TEST_SUITE: &[(&str, &str)] = &[
        (
            r##"local encoded = cmsgpack.pack(0.1) local h = "" for i = 1, #encoded do h = h .. string.format("%02x",string.byte(encoded,i)) end return h"##,
            r##"true "cb3fb999999999999a""##,
        ),
        (
            r##"local encoded = cmsgpack.pack(-1099511627776) local h = "" for i = 1, #encoded do h = h .. string.format("%02x",string.byte(encoded,i)) end return h"##,
            r##"true "d3ffffff0000000000""##,
        ),
        (
            r##"local str_lt_32 = string.rep("x", 30) local str_lt_255 = string.rep("x", 250) local str_lt_65535 = string.rep("x", 65530) local str_long = string.rep("x", 100000) local array_lt_15 = {1, 2, 3, 4, 5} local array_lt_65535 = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18} local array_big = {} for i=1, 100000 do array_big[i] = i end local map_lt_15 = {a=1, b=2} local map_big = {} for i=1, 100000 do map_big[tostring(i)] = i end local some_map = { s1=str_lt_32, s2=str_lt_255, s3=str_lt_65535, s4=str_long, d1=0.1, i1=1, i2=250, i3=65530, i4=100000, i5=2^40, i6=-1, i7=-120, i8=-32000, i9=-100000, i10=-3147483648, a1=array_lt_15, a2=array_lt_65535, a3=array_big, m1=map_lt_15, m2=map_big, b1=false, b2=true, n=nil } local encoded = cmsgpack.pack(some_map) local decoded = cmsgpack.unpack(encoded) assert(table.concat(some_map) == table.concat(decoded)) local offset, decoded_one = cmsgpack.unpack_one(encoded, 0) assert(table.concat(some_map) == table.concat(decoded_one)) assert(offset == -1) local encoded_multiple = cmsgpack.pack(str_lt_32, str_lt_255, str_lt_65535, str_long) local offset, obj = cmsgpack.unpack_limit(encoded_multiple, 1, 0) assert(obj == str_lt_32) offset, obj = cmsgpack.unpack_limit(encoded_multiple, 1, offset) assert(obj == str_lt_255) offset, obj = cmsgpack.unpack_limit(encoded_multiple, 1, offset) assert(obj == str_lt_65535) offset, obj = cmsgpack.unpack_limit(encoded_multiple, 1, offset) assert(obj == str_long) assert(offset == -1) local d = cmsgpack.unpack(encoded) return #encoded, d.i10, d.i5, d.d1, #d.a3, d.m2["77"], #d.s4"##,
            r##"true 1491977 -3147483648 1099511627776 0.10000000000000001 100000 77 100000"##,
        ),
        (
            r##"local a = {x=nil,y=5} local b = {x=a} a['x'] = b local encoded = cmsgpack.pack(a) local h = "" for i = 1, #encoded do h = h .. string.format("%02x",string.byte(encoded,i)) end local re = cmsgpack.unpack(encoded) assert(re) assert(re.x) assert(re.x.x.y == re.y) assert(re.x.x.x.x.y == re.y) assert(re.x.x.x.x.x.x.y == re.y) assert(re.x.x.x.x.x.x.x.x.x.x.y == re.y) assert(re.x.x.x.x.x.x.x.x.x.x.x.x.x.x.y == re.y) assert(re.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x) assert(re.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x.x == nil) return {h, re.x.x.x.x.x.x.x.x.y == re.y, re.y == 5}"##,
            r##"true {[1]="82a17905a17881a17882a17905a17881a17882a17905a17881a17882a17905a17881a17882a17905a17881a17882a17905a17881a17882a17905a17881a17882a17905a17881a178c0",[2]=true,[3]=true}"##,
        ),
    ];

    /// Hand-picked edge cases: limits, conversions, error messages.
    const EDGE_CASES: &[(&str, &str)] = &[
        (r##"return hex(cmsgpack.pack({}))"##, r##"true "90""##),
        (r##"return hex(cmsgpack.pack(-0))"##, r##"true "00""##),
        (
            r##"return hex(cmsgpack.pack(0.1)), hex(cmsgpack.pack(1.5)), hex(cmsgpack.pack(1/0)), hex(cmsgpack.pack(-1/0)), hex(cmsgpack.pack(0/0))"##,
            r##"true "cb3fb999999999999a" "ca3fc00000" "ca7f800000" "caff800000" "cbfff8000000000000""##,
        ),
        (
            r##"return hex(cmsgpack.pack(2^63)), hex(cmsgpack.pack(-2^63)), hex(cmsgpack.pack(2^64)), hex(cmsgpack.pack(2^62)), hex(cmsgpack.pack(2^53+1))"##,
            r##"true "ca5f000000" "d38000000000000000" "ca5f800000" "cf4000000000000000" "cf0020000000000000""##,
        ),
        (
            r##"return hex(cmsgpack.pack(0, 127, 128, 255, 256, 65535, 65536, 2^32-1, 2^32))"##,
            r##"true "007fcc80ccffcd0100cdffffce00010000ceffffffffcf0000000100000000""##,
        ),
        (
            r##"return hex(cmsgpack.pack(-1, -32, -33, -128, -129, -32768, -32769, -2^31, -2^31-1))"##,
            r##"true "ffe0d0dfd080d1ff7fd18000d2ffff7fffd280000000d3ffffffff7fffffff""##,
        ),
        (
            r##"return hex(cmsgpack.pack(nil)), hex(cmsgpack.pack(true, false)), hex(cmsgpack.pack(cjson.null)), hex(cmsgpack.pack(type))"##,
            r##"true "c0" "c3c2" "c0" "c0""##,
        ),
        (
            r##"return cmsgpack.pack()"##,
            r##"false "user_script:25: bad argument #0 to 'pack' (MessagePack pack needs input.)""##,
        ),
        (
            r##"return hex(cmsgpack.pack(string.rep('a', 31))), hex(cmsgpack.pack(string.rep('a', 32)):sub(1,8)), hex(cmsgpack.pack(string.rep('a', 256)):sub(1,10)), hex(cmsgpack.pack(string.rep('a', 65536)):sub(1,12))"##,
            r##"true "bf61616161616161616161616161616161616161616161616161616161616161" "d920616161616161" "da010061616161616161" "db0001000061616161616161""##,
        ),
        (
            r##"return hex(cmsgpack.pack({1,2,3})), hex(cmsgpack.pack({[1]=1,[3]=3})), hex(cmsgpack.pack({a=1})), hex(cmsgpack.pack({[1.5]=1})), hex(cmsgpack.pack({[-1]=1})), hex(cmsgpack.pack({[2^31]=1}))"##,
            r##"true "93010203" "8201010303" "81a16101" "81ca3fc0000001" "81ff01" "81ce8000000001""##,
        ),
        (
            r##"return hex(cmsgpack.pack({1,2,nil,4}))"##,
            r##"true "83010102020404""##,
        ),
        (
            r##"return cmsgpack.unpack(cmsgpack.pack(1,2,3,"x",{1,2},{a={b=1}}))"##,
            r##"true 1 2 3 "x" {[1]=1,[2]=2} {["a"]={["b"]=1}}"##,
        ),
        (r##"return cmsgpack.unpack('')"##, r##"true"##),
        (r##"return cmsgpack.unpack_one('')"##, r##"true -1"##),
        (r##"return cmsgpack.unpack_limit('', 1)"##, r##"true -1"##),
        (r##"return cmsgpack.unpack('\192')"##, r##"true nil"##),
        (
            r##"return cmsgpack.unpack('\193')"##,
            r##"false "user_script:25: Bad data format in input.""##,
        ),
        (
            r##"return cmsgpack.unpack('\196\1a')"##,
            r##"false "user_script:25: Bad data format in input.""##,
        ),
        (
            r##"return cmsgpack.unpack('\205\1')"##,
            r##"false "user_script:25: Missing bytes in input.""##,
        ),
        (
            r##"return cmsgpack.unpack('\145')"##,
            r##"false "user_script:25: Missing bytes in input.""##,
        ),
        (
            r##"return cmsgpack.unpack('\130\1\2\192\3')"##,
            r##"false "table index is nil""##,
        ),
        (
            r##"return cmsgpack.unpack('\130\1\2\203\127\248\0\0\0\0\0\0\3')"##,
            r##"false "table index is NaN""##,
        ),
        (
            r##"return cmsgpack.unpack('\146\192\2')"##,
            r##"true {[2]=2}"##,
        ),
        (
            r##"return cmsgpack.unpack('\207\255\255\255\255\255\255\255\255'), cmsgpack.unpack('\207\127\255\255\255\255\255\255\255'), cmsgpack.unpack('\211\255\255\255\255\255\255\255\255'), cmsgpack.unpack('\211\128\0\0\0\0\0\0\0')"##,
            r##"true -1 9.2233720368547758e+18 -1 -9.2233720368547758e+18"##,
        ),
        (
            r##"return cmsgpack.unpack('\204\255'), cmsgpack.unpack('\208\255'), cmsgpack.unpack('\205\255\255'), cmsgpack.unpack('\209\255\254'), cmsgpack.unpack('\206\255\255\255\255'), cmsgpack.unpack('\210\128\0\0\0')"##,
            r##"true 255 -1 65535 -2 4294967295 -2147483648"##,
        ),
        (
            r##"return cmsgpack.unpack('\202\63\192\0\0'), cmsgpack.unpack('\203\63\248\0\0\0\0\0\0')"##,
            r##"true 1.5 1.5"##,
        ),
        (
            r##"return cmsgpack.unpack('\217\3abc'), cmsgpack.unpack('\218\0\3abc'), cmsgpack.unpack('\219\0\0\0\3abc')"##,
            r##"true "abc" "abc" "abc""##,
        ),
        (
            r##"return cmsgpack.unpack('\217\5abc')"##,
            r##"false "user_script:25: Missing bytes in input.""##,
        ),
        (
            r##"return cmsgpack.unpack('\219\255\255\255\255abc')"##,
            r##"false "user_script:25: Missing bytes in input.""##,
        ),
        (
            r##"return cmsgpack.unpack_one(cmsgpack.pack(1,2,3))"##,
            r##"true 1 1"##,
        ),
        (
            r##"return cmsgpack.unpack_one(cmsgpack.pack(1,2,3), 1)"##,
            r##"true 2 2"##,
        ),
        (
            r##"return cmsgpack.unpack_one(cmsgpack.pack(1,2,3), 2)"##,
            r##"true -1 3"##,
        ),
        (
            r##"return cmsgpack.unpack_one(cmsgpack.pack(1,2,3), 3)"##,
            r##"true -1"##,
        ),
        (
            r##"return cmsgpack.unpack_one(cmsgpack.pack(1,2,3), 4)"##,
            r##"false "user_script:25: Start offset 4 greater than input length 3.""##,
        ),
        (
            r##"return cmsgpack.unpack_one(cmsgpack.pack(1,2,3), -1)"##,
            r##"false "user_script:25: Invalid request to unpack with offset of -1 and limit of 3.""##,
        ),
        (
            r##"return cmsgpack.unpack_limit(cmsgpack.pack(1,2,3), 2)"##,
            r##"true 2 1 2"##,
        ),
        (
            r##"return cmsgpack.unpack_limit(cmsgpack.pack(1,2,3), 0)"##,
            r##"true 1 2 3"##,
        ),
        (
            r##"return cmsgpack.unpack_limit(cmsgpack.pack(1,2,3), 0, 1)"##,
            r##"true 1"##,
        ),
        (
            r##"return cmsgpack.unpack_limit(cmsgpack.pack(1,2,3), -1)"##,
            r##"false "user_script:25: Invalid request to unpack with offset of 0 and limit of 3.""##,
        ),
        (
            r##"return cmsgpack.unpack_limit(cmsgpack.pack(1,2,3), 5, 1)"##,
            r##"true -1 2 3"##,
        ),
        (
            r##"return cmsgpack.unpack_limit(cmsgpack.pack(1,2,3))"##,
            r##"false "user_script:25: bad argument #2 to 'unpack_limit' (number expected, got no value)""##,
        ),
        (
            r##"return cmsgpack.unpack_limit(cmsgpack.pack(1,2,3), 'x')"##,
            r##"false "user_script:25: bad argument #2 to 'unpack_limit' (number expected, got string)""##,
        ),
        (
            r##"return cmsgpack.unpack_one(cmsgpack.pack(1,2,3), 'x')"##,
            r##"false "user_script:25: bad argument #2 to 'unpack_one' (number expected, got string)""##,
        ),
        (
            r##"return cmsgpack.unpack_one(cmsgpack.pack(1,2,3), 1.7)"##,
            r##"true 2 2"##,
        ),
        (
            r##"return cmsgpack.unpack()"##,
            r##"false "user_script:25: bad argument #1 to 'unpack' (string expected, got no value)""##,
        ),
        (r##"return cmsgpack.unpack(5)"##, r##"true 53"##),
        (
            r##"return cmsgpack.unpack({})"##,
            r##"false "user_script:25: bad argument #1 to 'unpack' (string expected, got table)""##,
        ),
        (
            r##"return cmsgpack.unpack('\1', 'extra', 'args')"##,
            r##"true 1"##,
        ),
        (
            r##"return select('#', cmsgpack.unpack(string.rep('\1', 7998)))"##,
            r##"true 7998"##,
        ),
        (
            r##"return select('#', cmsgpack.unpack(string.rep('\1', 7999)))"##,
            r##"true 7999"##,
        ),
        (
            r##"return select('#', cmsgpack.unpack(string.rep('\1', 8000)))"##,
            r##"false "user_script:25: stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)""##,
        ),
        (
            r##"return select('#', cmsgpack.unpack(string.rep('\145', 3998) .. '\1'))"##,
            r##"true 1"##,
        ),
        (
            r##"return select('#', cmsgpack.unpack(string.rep('\145', 3999) .. '\1'))"##,
            r##"true 1"##,
        ),
        (
            r##"return select('#', cmsgpack.unpack(string.rep('\145', 4000) .. '\1'))"##,
            r##"false "user_script:25: stack overflow (in function mp_decode_to_lua_array)""##,
        ),
        (
            r##"return select('#', cmsgpack.unpack(string.rep('\129\1', 3000) .. '\1'))"##,
            r##"true 1"##,
        ),
        (
            r##"return select('#', cmsgpack.unpack(string.rep('\129\1', 4000) .. '\1'))"##,
            r##"false "user_script:25: stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)""##,
        ),
        (
            r##"return select('#', cmsgpack.unpack(string.rep('\129\145', 4000) .. '\1'))"##,
            r##"false "user_script:25: stack overflow (too many return values at once; use unpack_one or unpack_limit instead.)""##,
        ),
        (
            r##"return hex(cmsgpack.pack({{{{{{{{{{{{{{{{{{{{1}}}}}}}}}}}}}}}}}}}}))"##,
            r##"true "91919191919191919191919191919191c0""##,
        ),
        (
            r##"return hex(cmsgpack.pack({[{1}]={2}}))"##,
            r##"true "8191019102""##,
        ),
        (
            r##"return cmsgpack.unpack('\147\1\2')"##,
            r##"false "user_script:25: Missing bytes in input.""##,
        ),
        (
            r##"return cmsgpack.unpack('\131\1\2\3')"##,
            r##"false "user_script:25: Missing bytes in input.""##,
        ),
        (
            r##"return cmsgpack.unpack('\212\1\2')"##,
            r##"false "user_script:25: Bad data format in input.""##,
        ),
        (
            r##"return cmsgpack.unpack('\1\193')"##,
            r##"false "user_script:25: Bad data format in input.""##,
        ),
        (
            r##"return cmsgpack.unpack('\129\145\1\2')"##,
            r##"true {[{[1]=1}]=2}"##,
        ),
        (
            r##"return cmsgpack.unpack('\129\192\1')"##,
            r##"false "table index is nil""##,
        ),
        (
            r##"return cmsgpack.unpack('\129\192')"##,
            r##"false "user_script:25: Missing bytes in input.""##,
        ),
        (
            r##"return cmsgpack.unpack('\130\192\1\145')"##,
            r##"false "table index is nil""##,
        ),
        (r##"return cmsgpack.unpack('\129\1\192')"##, r##"true {}"##),
        (
            r##"return hex(cmsgpack.pack({["key_number_one_is_long_enough_xx"]=1, ["key_number_two_is_long_enough_xxx"]=2, ["key_number_three_is_long_enough_x"]=3, ["key_number_four_is_long_enough_xxxx"]=4, ["k5_is_also_long_enough_to_matter_a"]=5}))"##,
            r##"true "85d9236b65795f6e756d6265725f666f75725f69735f6c6f6e675f656e6f7567685f7878787804d9206b65795f6e756d6265725f6f6e655f69735f6c6f6e675f656e6f7567685f787801d9216b65795f6e756d6265725f74687265655f69735f6c6f6e675f656e6f7567685f7803d9216b65795f6e756d6265725f74776f5f69735f6c6f6e675f656e6f7567685f78787802d9226b355f69735f616c736f5f6c6f6e675f656e6f7567685f746f5f6d61747465725f6105""##,
        ),
        (
            r##"return hex(cmsgpack.pack({a=1,b=2,c=3,d=4,e=5,f=6,g=7,h=8,i=9,j=10,k=11,l=12,m=13,n=14,o=15,p=16,q=17}))"##,
            r##"true "de0011a16101a16303a16202a16505a16404a16707a16606a16909a16808a16b0ba16a0aa16d0da16c0ca16f0fa16e0ea17111a17010""##,
        ),
        (
            r##"return hex(cmsgpack.pack({1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16}))"##,
            r##"true "dc00100102030405060708090a0b0c0d0e0f10""##,
        ),
        (
            r##"local t = {} for i=1,65536 do t[i]=i%2==0 end return #cmsgpack.pack(t), hex(cmsgpack.pack(t):sub(1,6))"##,
            r##"true 65541 "dd00010000c2""##,
        ),
        (
            r##"local t = {} for i=1,65536 do t['k'..i]=true end return #cmsgpack.pack(t), hex(cmsgpack.pack(t):sub(1,5))"##,
            r##"true 513187 "df00010000""##,
        ),
        (
            r##"return hex(cmsgpack.pack(string.rep('a', 255)):sub(1,4)), hex(cmsgpack.pack(string.rep('a', 65535)):sub(1,4)), #cmsgpack.pack(string.rep('a', 65535))"##,
            r##"true "d9ff6161" "daffff61" 65538"##,
        ),
        (
            r##"return cmsgpack.unpack(cmsgpack.pack(string.rep('\0\255', 40000))) == string.rep('\0\255', 40000)"##,
            r##"true true"##,
        ),
        (
            r##"return cmsgpack.unpack(cmsgpack.pack(0.1, -0.5, 1e300, -1e-300, 2^53, -2^53, 2^63, 1/0, -1/0))"##,
            r##"true 0.10000000000000001 -0.5 1.0000000000000001e+300 -1e-300 9007199254740992 -9007199254740992 9.2233720368547758e+18 inf -inf"##,
        ),
        (
            r##"return cmsgpack.unpack(cmsgpack.pack(0/0))"##,
            r##"true nan"##,
        ),
        (
            r##"return cmsgpack.unpack('\202\127\192\0\0'), cmsgpack.unpack('\202\255\128\0\0'), cmsgpack.unpack('\202\0\0\0\1')"##,
            r##"true nan -inf 1.4012984643248171e-45"##,
        ),
        (
            r##"return cmsgpack.unpack('\221\255\255\255\255')"##,
            r##"false "user_script:25: Missing bytes in input.""##,
        ),
        (
            r##"return cmsgpack.unpack('\223\0\0\0\1\1')"##,
            r##"false "user_script:25: Missing bytes in input.""##,
        ),
        (
            r##"return cmsgpack.unpack('\222\0\1\1\2')"##,
            r##"true {[1]=2}"##,
        ),
        (
            r##"return cmsgpack.unpack('\220\0\2\1\2')"##,
            r##"true {[1]=1,[2]=2}"##,
        ),
        (
            r##"return cmsgpack.unpack_one('\1\2', '1')"##,
            r##"true -1 2"##,
        ),
        (
            r##"return cmsgpack.unpack_limit('\1\2\3', 2^40)"##,
            r##"true -1 1 2 3"##,
        ),
        (
            r##"return cmsgpack.unpack_limit('\1\2\3', 2^31)"##,
            r##"true -1 1 2 3"##,
        ),
        (
            r##"return cmsgpack.unpack_limit('\1\2\3', 1, 2^32)"##,
            r##"false "user_script:25: Start offset 0 greater than input length 3.""##,
        ),
        (
            r##"return cmsgpack.unpack_limit('\1\2\3', 1, 2^32 + 1)"##,
            r##"false "user_script:25: Start offset 1 greater than input length 3.""##,
        ),
        (
            r##"return cmsgpack.unpack_one('\1\2\3', 2^32+1)"##,
            r##"false "user_script:25: Start offset 1 greater than input length 3.""##,
        ),
        (
            r##"local t = setmetatable({1,2}, {__index=function() return 9 end}) return hex(cmsgpack.pack(t))"##,
            r##"true "920102""##,
        ),
        (
            r##"local t = setmetatable({}, {__index=function() return 9 end}) return hex(cmsgpack.pack(t))"##,
            r##"true "90""##,
        ),
        (
            r##"return hex(cmsgpack.pack({true, {}, {{}}, ""}))"##,
            r##"true "94c3909190a0""##,
        ),
        (
            r##"local a = {} for i=1,4000 do a[i]=i end return #cmsgpack.pack(unpack(a))"##,
            r##"true 11618"##,
        ),
        (
            r##"local a = {} for i=1,4001 do a[i]=i end return #cmsgpack.pack(unpack(a))"##,
            r##"false "user_script:25: bad argument #0 to 'pack' (Too many arguments for MessagePack pack.)""##,
        ),
        (
            r##"local a = {} for i=1,3990 do a[i]={{{{{{{{{{{{{{{{1}}}}}}}}}}}}}}}} end return #cmsgpack.pack(unpack(a))"##,
            r##"true 67830"##,
        ),
        (
            r##"return hex(cmsgpack.pack({[1]=1, [2]=2, [4]=4}))"##,
            r##"true "83010102020404""##,
        ),
        (
            r##"return hex(cmsgpack.pack({[1]=1, [2]=2, [3]=3, x=4}))"##,
            r##"true "8401010202a178040303""##,
        ),
        (
            r##"return hex(cmsgpack.pack({[0]=1}))"##,
            r##"true "810001""##,
        ),
        (
            r##"return hex(cmsgpack.pack({[1.0]=1, [2]=2}))"##,
            r##"true "920102""##,
        ),
        (
            r##"return hex(cmsgpack.pack(-0.0)), hex(cmsgpack.pack(1e-45)), hex(cmsgpack.pack(3.4028235e38)), hex(cmsgpack.pack(1e39))"##,
            r##"true "00" "cb3696d601ad376ab9" "cb47efffffe54daff8" "cb48078287f49c4a1d""##,
        ),
        (
            r##"return hex(cmsgpack.pack(4294967296 * 65536)), hex(cmsgpack.pack(-4294967296 * 65536)), hex(cmsgpack.pack(-9007199254740993))"##,
            r##"true "cf0001000000000000" "d3ffff000000000000" "d3ffe0000000000000""##,
        ),
        (
            r##"return cmsgpack.unpack('\192\192\192')"##,
            r##"true nil nil nil"##,
        ),
        (
            r##"return select('#', cmsgpack.unpack('\192\192\192'))"##,
            r##"true 3"##,
        ),
        (
            r##"return cmsgpack.unpack_limit('\192\192\192', 2)"##,
            r##"true 2 nil nil"##,
        ),
        (
            r##"return hex(cmsgpack.pack({["\0\1"]="\255"})), cmsgpack.unpack(cmsgpack.pack({["\0\1"]="\255"}))"##,
            r##"true "81a20001a1ff" {["\x00\x01"]="\xff"}"##,
        ),
        (
            r##"return cmsgpack.unpack(cmsgpack.pack({1, {2, {3, {4}}}, a={b={c="d"}}}))"##,
            r##"true {["a"]={["b"]={["c"]="d"}},[1]=1,[2]={[1]=2,[2]={[1]=3,[2]={[1]=4}}}}"##,
        ),
        (
            r##"return cmsgpack.unpack(cmsgpack.pack(-1099511627776, 1099511627776, -0.25, 3.5e38, 1e-40))"##,
            r##"true -1099511627776 1099511627776 -0.25 3.5e+38 9.9999999999999993e-41"##,
        ),
        (
            r##"return cmsgpack.unpack_one(cmsgpack.pack({a=1}, "x", 3), 0)"##,
            r##"true 4 {["a"]=1}"##,
        ),
        (
            r##"return cmsgpack.unpack_limit(cmsgpack.pack({a=1}, "x", 3), 2, 0)"##,
            r##"true 6 {["a"]=1} "x""##,
        ),
        (
            r##"return cmsgpack.unpack_limit(cmsgpack.pack({a=1}, "x", 3), 2, 3)"##,
            r##"true 6 1 "x""##,
        ),
        (
            r##"return cmsgpack.unpack_limit(cmsgpack.pack({a=1}, "x", 3), 2, 5)"##,
            r##"true -1 120 3"##,
        ),
        (
            r##"return cmsgpack.unpack_limit(cmsgpack.pack({a=1}, "x", 3), 2, 6)"##,
            r##"true -1 3"##,
        ),
    ];

    /// Randomly generated inputs (mutated valid data, random bytes/formats/tables).
    const FUZZ_REGRESSIONS: &[(&str, &str)] = &[
        (r##"return cmsgpack.unpack_one("\239", 1)"##, r##"true -1"##),
        (
            r##"return cmsgpack.unpack_one("\146\145c", 1)"##,
            r##"true -1 {[1]=99}"##,
        ),
        (
            r##"return hex(cmsgpack.pack(123456789012))"##,
            r##"true "cf0000001cbe991a14""##,
        ),
        (
            r##"return cmsgpack.unpack_one("\171\159", 1)"##,
            r##"false "user_script:25: Missing bytes in input.""##,
        ),
        (
            r##"return hex(cmsgpack.pack({["/"]={false}}))"##,
            r##"true "81a12f91c2""##,
        ),
        (
            r##"return cmsgpack.unpack("\203O?\185\153\153\153\153\153\154")"##,
            r##"false "user_script:25: Missing bytes in input.""##,
        ),
        (
            r##"return cmsgpack.unpack("\202?\145\000\231\000")"##,
            r##"true 1.1328400373458862 0"##,
        ),
        (
            r##"return hex(cmsgpack.pack(1e20))"##,
            r##"true "cb4415af1d78b58c40""##,
        ),
        (
            r##"local p = cmsgpack.pack("") return cmsgpack.unpack(p)"##,
            r##"true """##,
        ),
        (
            r##"return cmsgpack.unpack_limit("\222\001w\129\192\192", 2, 0)"##,
            r##"false "table index is nil""##,
        ),
        (
            r##"return hex(cmsgpack.pack({k2=false, ["a"]=-2^63}))"##,
            r##"true "82a161d38000000000000000a26b32c2""##,
        ),
        (
            r##"local p = cmsgpack.pack({}) return cmsgpack.unpack(p)"##,
            r##"true {}"##,
        ),
        (
            r##"return cmsgpack.unpack_one("", 1)"##,
            r##"false "user_script:25: Start offset 1 greater than input length 0.""##,
        ),
        (
            r##"return hex(cmsgpack.pack(1e20))"##,
            r##"true "cb4415af1d78b58c40""##,
        ),
        (
            r##"return cmsgpack.unpack_one("\130\134")"##,
            r##"false "user_script:25: Missing bytes in input.""##,
        ),
        (
            r##"return cmsgpack.unpack_one("\181\145\192", 1)"##,
            r##"true -1 {}"##,
        ),
        (
            r##"return cmsgpack.unpack_one("\130\161\237\001\161b\195")"##,
            r##"true -1 {["\xed"]=1,["b"]=true}"##,
        ),
        (
            r##"local p = cmsgpack.pack({}) return cmsgpack.unpack(p)"##,
            r##"true {}"##,
        ),
        (
            r##"return cmsgpack.unpack("\249\221")"##,
            r##"false "user_script:25: Missing bytes in input.""##,
        ),
        (
            r##"local p = cmsgpack.pack({[20]="", -2^63, {[13]=1e20, "a\"b\\c/\n\1\127\200", {}, [6]=cjson.null}, [1]=123456789012}) return cmsgpack.unpack(p)"##,
            r##"true {[1]=-9.2233720368547758e+18,[2]={[1]="a"b\c/\x0a\x01\x7f\xc8",[13]=1e+20,[2]={}},[20]=""}"##,
        ),
        (
            r##"return hex(cmsgpack.pack(-0.000001))"##,
            r##"true "cbbeb0c6f7a0b5ed8d""##,
        ),
        (
            r##"local p = cmsgpack.pack({[11]=1e20, [4]={k18={}, [18]=-2^63, k10=1/3, ["a"]=-7}}) return cmsgpack.unpack(p)"##,
            r##"true {[11]=1e+20,[4]={["a"]=-7,["k10"]=0.33333333333333331,["k18"]={},[18]=-9.2233720368547758e+18}}"##,
        ),
        (
            r##"local p = cmsgpack.pack(123456789012) return cmsgpack.unpack(p)"##,
            r##"true 123456789012"##,
        ),
        (
            r##"local p = cmsgpack.pack(1/3) return cmsgpack.unpack(p)"##,
            r##"true 0.33333333333333331"##,
        ),
        (
            r##"local p = cmsgpack.pack("") return cmsgpack.unpack(p)"##,
            r##"true """##,
        ),
        (
            r##"return cmsgpack.unpack("\146\020\192")"##,
            r##"true {[1]=20}"##,
        ),
        (
            r##"return hex(cmsgpack.pack(1/3))"##,
            r##"true "cb3fd5555555555555""##,
        ),
        (
            r##"return cmsgpack.unpack_one("\202\192\000", 1)"##,
            r##"true 2 nil"##,
        ),
        (
            r##"local p = cmsgpack.pack({[19]=false, [3]={}}) return cmsgpack.unpack(p)"##,
            r##"true {[19]=false,[3]={}}"##,
        ),
        (
            r##"local p = cmsgpack.pack(cjson.null) return cmsgpack.unpack(p)"##,
            r##"true nil"##,
        ),
        (
            r##"local p = cmsgpack.pack(1e20) return cmsgpack.unpack(p)"##,
            r##"true 1e+20"##,
        ),
        (
            r##"local p = cmsgpack.pack(true) return cmsgpack.unpack(p)"##,
            r##"true true"##,
        ),
        (
            r##"return cmsgpack.unpack_limit("\202/\192\242\000", 2, 0)"##,
            r##"true -1 3.5096547890134389e-10"##,
        ),
        (
            r##"return hex(cmsgpack.pack({[5]="str", [6]={"str", {["\0"]={}}, [26]={[12]=2^53, k16=1, ["/"]={}}, [27]={["a"]={["a"]=1e20, k20=2^53}, ["a"]=-2^63, k8=1e20, ["\0"]="", [13]={[2^40]=2^64, [-0.25]=2^64, k14=true, k19=false}}, ""}, {}, 1, [2]={0.1, [24]=1e20, {123456789012, [5]=true, [28]={[11]=-2^63, [3]=cjson.null, [3]=2^64}}, 1}}))"##,
            r##"true "840190020105a3737472068501a37374720281a1009003a01a83a36b3136010ccf0020000000000000a12f901b84a161d38000000000000000a100a0a26b38cb4415af1d78b58c400d84cabe800000ca5f800000cf0000010000000000ca5f800000a36b3134c3a36b3139c2""##,
        ),
        (
            r##"return cmsgpack.unpack_limit("\001\220T\000\003\192\194\011", 2, 0)"##,
            r##"false "user_script:25: Missing bytes in input.""##,
        ),
        (r##"return hex(cmsgpack.pack(true))"##, r##"true "c3""##),
        (
            r##"return cmsgpack.unpack("\146\145%")"##,
            r##"false "user_script:25: Missing bytes in input.""##,
        ),
        (
            r##"return cmsgpack.unpack_one("Yq=", 1)"##,
            r##"true 2 113"##,
        ),
        (
            r##"return cmsgpack.unpack("\203?\153\153\153\153\153")"##,
            r##"false "user_script:25: Missing bytes in input.""##,
        ),
        (
            r##"local p = cmsgpack.pack({[7]={[23]=2^64, [6]="", [8]={{}, [19]={[15]=-2^63, [9]=123456789012, 2^64}, -7}}, [30]=false, [7]=123456789012, [27]={[1.5]="", ["é"]="a\"b\\c/\n\1\127\200", k12={[-0.25]={[2^40]=123456789012, [37]=1e20}, k6=123456789012, ["é"]=-0.000001}, ["a"]=false}}) return cmsgpack.unpack(p)"##,
            r##"true {[27]={["\xc3\xa9"]="a"b\c/\x0a\x01\x7f\xc8",["a"]=false,["k12"]={["\xc3\xa9"]=-9.9999999999999995e-07,["k6"]=123456789012,[-0.25]={[1099511627776]=123456789012,[37]=1e+20}},[1.5]=""},[30]=false,[7]=123456789012}"##,
        ),
        (
            r##"return hex(cmsgpack.pack(1e20))"##,
            r##"true "cb4415af1d78b58c40""##,
        ),
        (r##"return cmsgpack.unpack_one("\025", 1)"##, r##"true -1"##),
        (
            r##"return cmsgpack.unpack_limit("\222}l\129\192", 2, 0)"##,
            r##"false "user_script:25: Missing bytes in input.""##,
        ),
        (
            r##"return hex(cmsgpack.pack("str"))"##,
            r##"true "a3737472""##,
        ),
        (
            r##"return cmsgpack.unpack_one("\245\141\136\242\028\234\026\031", 1)"##,
            r##"false "user_script:25: Missing bytes in input.""##,
        ),
        (
            r##"return cmsgpack.unpack_limit("\219\203sE$+T\239\194p", 2, 0)"##,
            r##"false "user_script:25: Missing bytes in input.""##,
        ),
        (
            r##"return cmsgpack.unpack_limit("\131O\145<", 2, 0)"##,
            r##"false "user_script:25: Missing bytes in input.""##,
        ),
        (
            r##"return cmsgpack.unpack_one("\138\135\1965\202\237", 1)"##,
            r##"false "user_script:25: Bad data format in input.""##,
        ),
        (
            r##"return cmsgpack.unpack_one("\203?\185\153\153\153\153\161\153\154")"##,
            r##"true 9 0.10000000000002841"##,
        ),
        (
            r##"return cmsgpack.unpack_limit("\243", 2, 0)"##,
            r##"true -1 -13"##,
        ),
        (
            r##"return cmsgpack.unpack_one("", 1)"##,
            r##"false "user_script:25: Start offset 1 greater than input length 0.""##,
        ),
        (
            r##"return cmsgpack.unpack("\130\161a\001\161\022b\195")"##,
            r##"true {["\x16"]=98,["a"]=1} true"##,
        ),
        (
            r##"local p = cmsgpack.pack(-2^63) return cmsgpack.unpack(p)"##,
            r##"true -9.2233720368547758e+18"##,
        ),
        (r##"return hex(cmsgpack.pack(""))"##, r##"true "a0""##),
        (
            r##"return cmsgpack.unpack("\211\255\000\000\000\000\198\000\000")"##,
            r##"true -72057594024951808"##,
        ),
        (
            r##"return cmsgpack.unpack("\130\161pa\001\161b\196")"##,
            r##"false "user_script:25: Bad data format in input.""##,
        ),
        (
            r##"return cmsgpack.unpack("\127\203?\185\156\153\153\153\153\154:")"##,
            r##"true 127 0.10004577636718751 58"##,
        ),
        (r##"return hex(cmsgpack.pack(""))"##, r##"true "a0""##),
        (
            r##"local p = cmsgpack.pack("str") return cmsgpack.unpack(p)"##,
            r##"true "str""##,
        ),
        (
            r##"return cmsgpack.unpack_limit("\235\217\185 5+\231P\247", 2, 0)"##,
            r##"false "user_script:25: Missing bytes in input.""##,
        ),
        (
            r##"return hex(cmsgpack.pack(cjson.null))"##,
            r##"true "c0""##,
        ),
        (
            r##"return cmsgpack.unpack_one("\211\255\000\000\000\000e\000\000\239")"##,
            r##"true 9 -72057594031308800"##,
        ),
        (
            r##"return hex(cmsgpack.pack({[29]={0.1, [30]={}, [12]={[1.5]="", [-0.25]=-2^63, k9="str"}, [13]=2^64}, ["é"]=2^64, ["é"]=1/3, [1.5]="a\"b\\c/\n\1\127\200"}))"##,
            r##"true "83ca3fc00000aa6122625c632f0a017fc81d8401cb3fb999999999999a1e900dca5f8000000c83cabe800000d38000000000000000ca3fc00000a0a26b39a3737472a2c3a9cb3fd5555555555555""##,
        ),
        (
            r##"return hex(cmsgpack.pack(123456789012))"##,
            r##"true "cf0000001cbe991a14""##,
        ),
        (
            r##"local p = cmsgpack.pack({k10={[10]=2^64, -0.000001, [28]=123456789012, [16]=2^64, {}}, k20=0.1, ["a"]={{k0="", [2^40]=1, [1.5]=false, k13=1e20, [-0.25]={[1.5]=false, k8="str", [-0.25]=2^53, k9="a\"b\\c/\n\1\127\200", [38]=1e20}}, [26]={{2^64}}, [9]={k12=1/3, [-0.25]={[-0.25]=1e20, [1.5]=cjson.null, k12=cjson.null}}, [3]=2^64, [21]=-7}}) return cmsgpack.unpack(p)"##,
            r##"true {["a"]={[1]={["k0"]="",["k13"]=1e+20,[-0.25]={["k8"]="str",["k9"]="a"b\c/\x0a\x01\x7f\xc8",[-0.25]=9007199254740992,[1.5]=false,[38]=1e+20},[1.5]=false,[1099511627776]=1},[21]=-7,[26]={[1]={[1]=1.8446744073709552e+19}},[3]=1.8446744073709552e+19,[9]={["k12"]=0.33333333333333331,[-0.25]={[-0.25]=1e+20}}},["k10"]={[1]=-9.9999999999999995e-07,[10]=1.8446744073709552e+19,[16]=1.8446744073709552e+19,[2]={},[28]=123456789012},["k20"]=0.10000000000000001}"##,
        ),
        (
            r##"return cmsgpack.unpack_limit("\202\002\192", 2, 0)"##,
            r##"false "user_script:25: Missing bytes in input.""##,
        ),
        (
            r##"local p = cmsgpack.pack("") return cmsgpack.unpack(p)"##,
            r##"true """##,
        ),
        (
            r##"local p = cmsgpack.pack(2^64) return cmsgpack.unpack(p)"##,
            r##"true 1.8446744073709552e+19"##,
        ),
        (
            r##"return cmsgpack.unpack_limit("\006\213\161I", 2, 0)"##,
            r##"false "user_script:25: Bad data format in input.""##,
        ),
        (
            r##"return cmsgpack.unpack_one("*\169+\192\000f\000", 1)"##,
            r##"false "user_script:25: Missing bytes in input.""##,
        ),
        (
            r##"return hex(cmsgpack.pack({[2^40]=cjson.null, k1=-0.000001, k18=2^53, [2]=2^53, k5=1}))"##,
            r##"true "8502cf0020000000000000a36b3138cf0020000000000000cf0000010000000000c0a26b31cbbeb0c6f7a0b5ed8da26b3501""##,
        ),
        (
            r##"local p = cmsgpack.pack(true) return cmsgpack.unpack(p)"##,
            r##"true true"##,
        ),
        (r##"return hex(cmsgpack.pack({}))"##, r##"true "90""##),
        (
            r##"local p = cmsgpack.pack(123456789012) return cmsgpack.unpack(p)"##,
            r##"true 123456789012"##,
        ),
        (
            r##"return hex(cmsgpack.pack({k4={[29]="a\"b\\c/\n\1\127\200", [12]=1/3, {-2^63, [1]=0.1, [4]=0.1, 0.1}}, [-1]={[2^40]=true, ["é"]={[-3]=cjson.null, ["\0"]={}, ["é"]=2^53, ["é"]=""}, ["b c"]={}, [2^40]=123456789012, [1.5]=true}, [39]="str", [-0.25]=1/3}))"##,
            r##"true "84cabe800000cb3fd555555555555527a3737472a26b3483018301d3800000000000000002cb3fb999999999999a04cb3fb999999999999a1daa6122625c632f0a017fc80ccb3fd5555555555555ff84cf0000010000000000cf0000001cbe991a14ca3fc00000c3a2c3a983a10090fdc0a2c3a9a0a362206390""##,
        ),
        (r##"return hex(cmsgpack.pack({}))"##, r##"true "90""##),
        (
            r##"return cmsgpack.unpack_limit("\211\255\000\000\000\000\000\000", 2, 0)"##,
            r##"false "user_script:25: Missing bytes in input.""##,
        ),
        (
            r##"return cmsgpack.unpack_one("\184\147\001\002\003")"##,
            r##"false "user_script:25: Missing bytes in input.""##,
        ),
        (
            r##"local p = cmsgpack.pack(-7) return cmsgpack.unpack(p)"##,
            r##"true -7"##,
        ),
        (
            r##"local p = cmsgpack.pack({-0.000001, [27]=2^53, -2^63, "str"}) return cmsgpack.unpack(p)"##,
            r##"true {[1]=-9.9999999999999995e-07,[2]=-9.2233720368547758e+18,[27]=9007199254740992,[3]="str"}"##,
        ),
        (
            r##"return hex(cmsgpack.pack(1/3))"##,
            r##"true "cb3fd5555555555555""##,
        ),
        (
            r##"return hex(cmsgpack.pack({[2^40]=0.1}))"##,
            r##"true "81cf0000010000000000cb3fb999999999999a""##,
        ),
        (
            r##"return hex(cmsgpack.pack(2^53))"##,
            r##"true "cf0020000000000000""##,
        ),
        (
            r##"local p = cmsgpack.pack(123456789012) return cmsgpack.unpack(p)"##,
            r##"true 123456789012"##,
        ),
        (
            r##"local p = cmsgpack.pack({["é"]=false, k5={[14]={[25]=1/3, 2^53, [20]={[16]=-2^63, 0.1, "a\"b\\c/\n\1\127\200", [16]=2^64}, [1]=2^64, [18]={[2^40]=cjson.null, k0=0.1, [1.5]="", k6="", [-0.25]=-7}}, [16]={["\0"]=123456789012, [2^40]={"a\"b\\c/\n\1\127\200", false, [8]=-2^63}, k19={[23]=cjson.null, 2^64}, [31]=1e20, k6={1e20, 1, 1, -2^63, [22]=2^64}}, 0.1, true, [25]={[-0.25]=1/3, [15]={["\0"]="a\"b\\c/\n\1\127\200", ["\0"]=1}, ["\0"]=1e20}}, k20="a\"b\\c/\n\1\127\200", [1.5]=2^53, k18=""}) return cmsgpack.unpack(p)"##,
            r##"true {["\xc3\xa9"]=false,["k18"]="",["k20"]="a"b\c/\x0a\x01\x7f\xc8",["k5"]={[1]=0.10000000000000001,[14]={[1]=9007199254740992,[18]={["k0"]=0.10000000000000001,["k6"]="",[-0.25]=-7,[1.5]=""},[20]={[1]=0.10000000000000001,[16]=1.8446744073709552e+19,[2]="a"b\c/\x0a\x01\x7f\xc8"},[25]=0.33333333333333331},[16]={["\x00"]=123456789012,["k19"]={[1]=1.8446744073709552e+19},["k6"]={[1]=1e+20,[2]=1,[22]=1.8446744073709552e+19,[3]=1,[4]=-9.2233720368547758e+18},[1099511627776]={[1]="a"b\c/\x0a\x01\x7f\xc8",[2]=false,[8]=-9.2233720368547758e+18},[31]=1e+20},[2]=true,[25]={["\x00"]=1e+20,[-0.25]=0.33333333333333331,[15]={["\x00"]=1}}},[1.5]=9007199254740992}"##,
        ),
        (
            r##"return cmsgpack.unpack("\217\003bFc")"##,
            r##"true "bFc""##,
        ),
        (
            r##"return cmsgpack.unpack("\147")"##,
            r##"false "user_script:25: Missing bytes in input.""##,
        ),
        (
            r##"return cmsgpack.unpack("H\199\031$\133")"##,
            r##"false "user_script:25: Bad data format in input.""##,
        ),
        (r##"return hex(cmsgpack.pack(1))"##, r##"true "01""##),
        (
            r##"local p = cmsgpack.pack(1e20) return cmsgpack.unpack(p)"##,
            r##"true 1e+20"##,
        ),
        (
            r##"return cmsgpack.unpack_one("\207\255\226\255\255M\255v\255\255", 1)"##,
            r##"true 2 -1"##,
        ),
        (
            r##"return hex(cmsgpack.pack({{}, {-7, 1/3}, [10]={}, [20]=2^64}))"##,
            r##"true "8401900292f9cb3fd55555555555550a9014ca5f800000""##,
        ),
        (
            r##"return cmsgpack.unpack_limit("\146\145\225", 2, 0)"##,
            r##"false "user_script:25: Missing bytes in input.""##,
        ),
        (
            r##"local p = cmsgpack.pack("") return cmsgpack.unpack(p)"##,
            r##"true """##,
        ),
        (
            r##"return cmsgpack.unpack_limit("\147\002e", 2, 0)"##,
            r##"false "user_script:25: Missing bytes in input.""##,
        ),
        (
            r##"return hex(cmsgpack.pack(2^53))"##,
            r##"true "cf0020000000000000""##,
        ),
        (
            r##"return cmsgpack.unpack_one("\220\000\003\192\194\195R")"##,
            r##"true 6 {[2]=false,[3]=true}"##,
        ),
        (
            r##"return hex(cmsgpack.pack({{[25]=2^53, {2^53}, [28]={{[2]=1e20, [25]=-2^63, [1]=""}, true, [29]={["a"]=1e20, k6=0.1, [26]=2^64, k7="a\"b\\c/\n\1\127\200"}, {["/"]=1}}}, [3]=1e20, 1/3}))"##,
            r##"true "93830191cf002000000000000019cf00200000000000001c84018301a002cb4415af1d78b58c4019d3800000000000000002c30381a12f011d84a161cb4415af1d78b58c40a26b37aa6122625c632f0a017fc81aca5f800000a26b36cb3fb999999999999acb3fd5555555555555cb4415af1d78b58c40""##,
        ),
        (
            r##"return hex(cmsgpack.pack(cjson.null))"##,
            r##"true "c0""##,
        ),
        (
            r##"return cmsgpack.unpack("\196A5")"##,
            r##"false "user_script:25: Bad data format in input.""##,
        ),
        (r##"return hex(cmsgpack.pack({}))"##, r##"true "90""##),
        (
            r##"return cmsgpack.unpack_limit("\222\000\129\192\239\192", 2, 0)"##,
            r##"false "table index is nil""##,
        ),
        (
            r##"local p = cmsgpack.pack("a\"b\\c/\n\1\127\200") return cmsgpack.unpack(p)"##,
            r##"true "a"b\c/\x0a\x01\x7f\xc8""##,
        ),
        (
            r##"local p = cmsgpack.pack({-7, [5]=true, {[3]={["/"]={123456789012, "str", 2^64, [4]="str"}, k20=1/3, k14=false, [-0.25]={[18]=1, 1/3, "str", [28]=2^53}}, k14={1e20, 2^64}}, [13]=2^64, [14]=0.1}) return cmsgpack.unpack(p)"##,
            r##"true {[1]=-7,[13]=1.8446744073709552e+19,[14]=0.10000000000000001,[2]={["k14"]={[1]=1e+20,[2]=1.8446744073709552e+19},[3]={["/"]={[1]=123456789012,[2]="str",[3]=1.8446744073709552e+19,[4]="str"},["k14"]=false,["k20"]=0.33333333333333331,[-0.25]={[1]=0.33333333333333331,[18]=1,[2]="str",[28]=9007199254740992}}},[5]=true}"##,
        ),
        (
            r##"return hex(cmsgpack.pack(-2^63))"##,
            r##"true "d38000000000000000""##,
        ),
        (
            r##"return cmsgpack.unpack_one("\255\255\255\255\255\255\255\255")"##,
            r##"true 1 -1"##,
        ),
        (
            r##"local p = cmsgpack.pack(-7) return cmsgpack.unpack(p)"##,
            r##"true -7"##,
        ),
        (
            r##"return hex(cmsgpack.pack(cjson.null))"##,
            r##"true "c0""##,
        ),
        (
            r##"return cmsgpack.unpack_limit("\252g\2296bY", 2, 0)"##,
            r##"true 2 -4 103"##,
        ),
        (
            r##"return hex(cmsgpack.pack(-0.000001))"##,
            r##"true "cbbeb0c6f7a0b5ed8d""##,
        ),
        (
            r##"return hex(cmsgpack.pack(cjson.null))"##,
            r##"true "c0""##,
        ),
        (r##"return hex(cmsgpack.pack(1))"##, r##"true "01""##),
        (
            r##"return cmsgpack.unpack_limit(";\220?\192\194\195", 2, 0)"##,
            r##"false "user_script:25: Missing bytes in input.""##,
        ),
        (
            r##"return cmsgpack.unpack_one("\241\209-\189\195B")"##,
            r##"true 1 -15"##,
        ),
        (
            r##"local p = cmsgpack.pack({[6]={}, [11]="str"}) return cmsgpack.unpack(p)"##,
            r##"true {[11]="str",[6]={}}"##,
        ),
        (
            r##"return cmsgpack.unpack_one("\202?\000", 1)"##,
            r##"true 2 63"##,
        ),
        (
            r##"local p = cmsgpack.pack(123456789012) return cmsgpack.unpack(p)"##,
            r##"true 123456789012"##,
        ),
        (
            r##"return cmsgpack.unpack_limit("\001", 2, 0)"##,
            r##"true -1 1"##,
        ),
        (
            r##"return cmsgpack.unpack_one("\202\192\190\140]", 1)"##,
            r##"true 2 nil"##,
        ),
        (
            r##"local p = cmsgpack.pack(1/3) return cmsgpack.unpack(p)"##,
            r##"true 0.33333333333333331"##,
        ),
        (
            r##"return hex(cmsgpack.pack(123456789012))"##,
            r##"true "cf0000001cbe991a14""##,
        ),
        (
            r##"local p = cmsgpack.pack({{[25]=2^53, {2^53}, [28]={{[2]=1e20, [25]=-2^63, [1]=""}, true, [29]={["a"]=1e20, k6=0.1, [26]=2^64, k7="a\"b\\c/\n\1\127\200"}, {["/"]=1}}}, [3]=1e20, 1/3}) return cmsgpack.unpack(p)"##,
            r##"true {[1]={[1]={[1]=9007199254740992},[25]=9007199254740992,[28]={[1]={[1]="",[2]=1e+20,[25]=-9.2233720368547758e+18},[2]=true,[29]={["a"]=1e+20,["k6"]=0.10000000000000001,["k7"]="a"b\c/\x0a\x01\x7f\xc8",[26]=1.8446744073709552e+19},[3]={["/"]=1}}},[2]=0.33333333333333331,[3]=1e+20}"##,
        ),
        (
            r##"return hex(cmsgpack.pack(0.1))"##,
            r##"true "cb3fb999999999999a""##,
        ),
        (
            r##"return cmsgpack.unpack_one("^\202?\192\000\000")"##,
            r##"true 1 94"##,
        ),
        (
            r##"return hex(cmsgpack.pack({0.1, [5]="", -0.000001, [30]={[29]={}, 123456789012, -2^63}}))"##,
            r##"true "8401cb3fb999999999999a02cbbeb0c6f7a0b5ed8d05a01e8301cf0000001cbe991a1402d380000000000000001d90""##,
        ),
        (
            r##"return hex(cmsgpack.pack({k8={1/3, [15]={[2]={}, k16=-7}, [7]={""}, [11]=0.1}, k1=1/3, k13=-7, [4]=1/3, ["\0"]={{{-0.000001, true, [27]=2^53, [14]=cjson.null, [12]="a\"b\\c/\n\1\127\200"}, [12]=2^53, [1]=false}, [8]={[1.5]={["\0"]="a\"b\\c/\n\1\127\200", [13]=false, k11=0.1, k5=-7, [-0.25]=0.1}, [4]={1e20}, [1.5]=-2^63}, 2^53, {}, [12]=1}}))"##,
            r##"true "85a36b3133f9a26b388401cb3fd55555555555550bcb3fb999999999999a0f820290a36b3136f90791a0a26b31cb3fd555555555555504cb3fd5555555555555a100850182018501cbbeb0c6f7a0b5ed8d02c31bcf00200000000000000caa6122625c632f0a017fc80ec00ccf002000000000000002cf002000000000000003900882ca3fc00000d380000000000000000491cb4415af1d78b58c400c01""##,
        ),
        (
            r##"local p = cmsgpack.pack(0.1) return cmsgpack.unpack(p)"##,
            r##"true 0.10000000000000001"##,
        ),
        (
            r##"local p = cmsgpack.pack("") return cmsgpack.unpack(p)"##,
            r##"true """##,
        ),
        (
            r##"return hex(cmsgpack.pack(-2^63))"##,
            r##"true "d38000000000000000""##,
        ),
        (
            r##"local p = cmsgpack.pack("a\"b\\c/\n\1\127\200") return cmsgpack.unpack(p)"##,
            r##"true "a"b\c/\x0a\x01\x7f\xc8""##,
        ),
        (
            r##"return cmsgpack.unpack_one("\147\002A", 1)"##,
            r##"true 2 2"##,
        ),
        (
            r##"return cmsgpack.unpack("\217\003ab\092c=d")"##,
            r##"true "ab\" 99 61 100"##,
        ),
        (
            r##"local p = cmsgpack.pack(-7) return cmsgpack.unpack(p)"##,
            r##"true -7"##,
        ),
        (
            r##"return cmsgpack.unpack_one("\147\002\191")"##,
            r##"false "user_script:25: Missing bytes in input.""##,
        ),
        (
            r##"return cmsgpack.unpack("\190(\182\142[\240\221q@")"##,
            r##"false "user_script:25: Missing bytes in input.""##,
        ),
        (
            r##"return hex(cmsgpack.pack({k20={["\0"]=0.1, [18]={}, [1.5]={[29]="str", [27]=cjson.null, [23]={2^53, 2^53, [1]=true}, ["\0"]={1, [2]="str"}}}, k2={k6="a\"b\\c/\n\1\127\200", ["é"]={123456789012, {["/"]=cjson.null, [2^40]=2^53, ["b c"]=0.1, ["a"]=-0.000001, k11=1}, [5]={false}, [8]={[19]=cjson.null}}, ["\0"]=-0.000001, ["/"]=true}, k20=-2^63, k2=false}))"##,
            r##"true "82a36b3230d38000000000000000a26b32c2""##,
        ),
        (r##"return hex(cmsgpack.pack(1))"##, r##"true "01""##),
        (
            r##"local p = cmsgpack.pack(1) return cmsgpack.unpack(p)"##,
            r##"true 1"##,
        ),
        (r##"return hex(cmsgpack.pack({""}))"##, r##"true "91a0""##),
        (
            r##"return cmsgpack.unpack_one("Mq\154\222\216\134\187\158\226")"##,
            r##"true 1 77"##,
        ),
        (r##"return hex(cmsgpack.pack(""))"##, r##"true "a0""##),
        (
            r##"return cmsgpack.unpack_one("BT\158\026\149t=q")"##,
            r##"true 1 66"##,
        ),
        (
            r##"return hex(cmsgpack.pack(0.1))"##,
            r##"true "cb3fb999999999999a""##,
        ),
        (
            r##"local p = cmsgpack.pack({{}}) return cmsgpack.unpack(p)"##,
            r##"true {[1]={}}"##,
        ),
        (
            r##"local p = cmsgpack.pack({[32]={[6]={}, {["\0"]="", [-0.25]=-2^63, [14]=123456789012, [-0.25]=2^64, [3]=1/3}, -0.000001, 0.1}, ["a"]=true}) return cmsgpack.unpack(p)"##,
            r##"true {["a"]=true,[32]={[1]={["\x00"]="",[-0.25]=1.8446744073709552e+19,[14]=123456789012,[3]=0.33333333333333331},[2]=-9.9999999999999995e-07,[3]=0.10000000000000001,[6]={}}}"##,
        ),
        (
            r##"local p = cmsgpack.pack(0.1) return cmsgpack.unpack(p)"##,
            r##"true 0.10000000000000001"##,
        ),
        (
            r##"local p = cmsgpack.pack("str") return cmsgpack.unpack(p)"##,
            r##"true "str""##,
        ),
        (
            r##"return hex(cmsgpack.pack(-2^63))"##,
            r##"true "d38000000000000000""##,
        ),
        (
            r##"local p = cmsgpack.pack("") return cmsgpack.unpack(p)"##,
            r##"true """##,
        ),
        (
            r##"local p = cmsgpack.pack({{[2]={["\0"]=1, [36]="", k15=-0.000001, [35]=0.1, ["\0"]="str"}}}) return cmsgpack.unpack(p)"##,
            r##"true {[1]={[2]={["\x00"]="str",["k15"]=-9.9999999999999995e-07,[35]=0.10000000000000001,[36]=""}}}"##,
        ),
    ];

    case_table_tests!();
}
