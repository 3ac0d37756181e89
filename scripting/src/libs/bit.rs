//! `bit`: 32-bit bitwise operations with the behaviour of LuaBitOp 1.0.2 as
//! bundled with Redis 7.0 (global `bit`).

use super::{protect, register_lib, type_error, LResult};
use mlua::ffi;
use std::os::raw::c_int;

/// Loads the library the way Redis does (`luaL_register(L, "bit", ...)`).
pub(crate) unsafe fn open(l: *mut ffi::lua_State) {
    register_lib(
        l,
        c"bit",
        &[
            (c"tobit", bit_tobit),
            (c"bnot", bit_bnot),
            (c"band", bit_band),
            (c"bor", bit_bor),
            (c"bxor", bit_bxor),
            (c"lshift", bit_lshift),
            (c"rshift", bit_rshift),
            (c"arshift", bit_arshift),
            (c"rol", bit_rol),
            (c"ror", bit_ror),
            (c"bswap", bit_bswap),
            (c"tohex", bit_tohex),
        ],
    );
    ffi::lua_settop(l, -2);
}

/// Maps a Lua number to 32 bits the way LuaBitOp does: adding 2^52+2^51
/// moves the integer part (rounded to nearest even) into the low bits of the
/// double's mantissa, so any number gives its value modulo 2^32.
fn to_bits(n: f64) -> u32 {
    (n + 6755399441055744.0).to_bits() as u32
}

/// The argument at `idx` as 32 bits; a non-number is an error (a string is
/// converted when it holds a number).
unsafe fn barg(l: *mut ffi::lua_State, idx: c_int) -> LResult<u32> {
    let b = to_bits(ffi::lua_tonumber(l, idx));
    if b == 0 && ffi::lua_isnumber(l, idx) == 0 {
        return Err(type_error(l, idx, "number"));
    }
    Ok(b)
}

/// Pushes the result as a signed 32-bit number.
unsafe fn bret(l: *mut ffi::lua_State, b: u32) -> LResult<c_int> {
    ffi::lua_pushnumber(l, b as i32 as f64);
    Ok(1)
}

unsafe extern "C-unwind" fn bit_tobit(l: *mut ffi::lua_State) -> c_int {
    protect(l, || bret(l, barg(l, 1)?))
}

unsafe extern "C-unwind" fn bit_bnot(l: *mut ffi::lua_State) -> c_int {
    protect(l, || bret(l, !barg(l, 1)?))
}

/// Folds all arguments with `op`; the first one is read first, the others
/// from the last one down.
unsafe fn fold(l: *mut ffi::lua_State, op: fn(u32, u32) -> u32) -> LResult<c_int> {
    let mut b = barg(l, 1)?;
    let mut i = ffi::lua_gettop(l);
    while i > 1 {
        b = op(b, barg(l, i)?);
        i -= 1;
    }
    bret(l, b)
}

unsafe extern "C-unwind" fn bit_band(l: *mut ffi::lua_State) -> c_int {
    protect(l, || fold(l, |a, b| a & b))
}

unsafe extern "C-unwind" fn bit_bor(l: *mut ffi::lua_State) -> c_int {
    protect(l, || fold(l, |a, b| a | b))
}

unsafe extern "C-unwind" fn bit_bxor(l: *mut ffi::lua_State) -> c_int {
    protect(l, || fold(l, |a, b| a ^ b))
}

/// A shift or rotation by the second argument modulo 32.
unsafe fn shift(l: *mut ffi::lua_State, op: fn(u32, u32) -> u32) -> LResult<c_int> {
    let b = barg(l, 1)?;
    let n = barg(l, 2)? & 31;
    bret(l, op(b, n))
}

unsafe extern "C-unwind" fn bit_lshift(l: *mut ffi::lua_State) -> c_int {
    protect(l, || shift(l, |b, n| b << n))
}

unsafe extern "C-unwind" fn bit_rshift(l: *mut ffi::lua_State) -> c_int {
    protect(l, || shift(l, |b, n| b >> n))
}

unsafe extern "C-unwind" fn bit_arshift(l: *mut ffi::lua_State) -> c_int {
    protect(l, || shift(l, |b, n| ((b as i32) >> n) as u32))
}

unsafe extern "C-unwind" fn bit_rol(l: *mut ffi::lua_State) -> c_int {
    protect(l, || shift(l, |b, n| b.rotate_left(n)))
}

unsafe extern "C-unwind" fn bit_ror(l: *mut ffi::lua_State) -> c_int {
    protect(l, || shift(l, |b, n| b.rotate_right(n)))
}

unsafe extern "C-unwind" fn bit_bswap(l: *mut ffi::lua_State) -> c_int {
    protect(l, || bret(l, barg(l, 1)?.swap_bytes()))
}

/// `bit.tohex(x [, n])`: the low `|n|` hex digits of x (at most 8, default
/// 8), upper case when n is negative.
unsafe extern "C-unwind" fn bit_tohex(l: *mut ffi::lua_State) -> c_int {
    protect(l, || {
        let mut b = barg(l, 1)?;
        let mut n: i32 = if ffi::lua_type(l, 2) == ffi::LUA_TNONE {
            8
        } else {
            barg(l, 2)? as i32
        };
        let mut digits: &[u8; 16] = b"0123456789abcdef";
        if n < 0 {
            // -(-2^31) overflows in C; Redis' build then behaves as 8.
            n = n.checked_neg().unwrap_or(8);
            digits = b"0123456789ABCDEF";
        }
        let n = n.min(8) as usize;
        let mut buf = [0u8; 8];
        for slot in buf[..n].iter_mut().rev() {
            *slot = digits[(b & 15) as usize];
            b >>= 4;
        }
        super::push_bytes(l, &buf[..n]);
        Ok(1)
    })
}

#[cfg(test)]
mod tests {
    //! Each case is a Lua snippet and what redis-server 7.0.15 answered for
    //! it (see `testutil`): the results of `pcall(function() <snippet> end)`,
    //! serialized, errors included.

    use super::super::testutil::check_cases;

    /// The `bit` snippets of Redis' own test suite (tests/unit/scripting.tcl, functions.tcl).
    const REDIS_TEST_SUITE: &[(&str, &str)] = &[
        (
            r##"assert(0x7fffffff == 2147483647, "broken hex literals"); assert(0xffffffff == -1 or 0xffffffff == 2^32-1, "broken hex literals"); assert(tostring(-1) == "-1", "broken tostring()"); assert(tostring(0xffffffff) == "-1" or tostring(0xffffffff) == "4294967295", "broken tostring()")"##,
            r##"true"##,
        ),
        (
            r##"assert(bit.tobit(1) == 1); assert(bit.band(1) == 1); assert(bit.bxor(1,2) == 3); assert(bit.bor(1,2,4,8,16,32,64,128) == 255)"##,
            r##"true"##,
        ),
        (
            r##"local version = 0x07000f return string.format('%s.%s.%s', bit.band(bit.rshift(version, 16), 0x000000ff), bit.band(bit.rshift(version, 8), 0x000000ff), bit.band(version, 0x000000ff))"##,
            r##"true "7.0.15""##,
        ),
    ];

    /// Hand-picked edge cases: limits, conversions, error messages.
    const EDGE_CASES: &[(&str, &str)] = &[
        (
            r##"return cjson.null, type(cjson.null), tostring(cjson.null) ~= nil"##,
            r##"true NULL "userdata" true"##,
        ),
        (
            r##"return bit.tobit(1), bit.tobit(-1), bit.tobit(2^31), bit.tobit(2^32), bit.tobit(2^32+1), bit.tobit(-2^31-1), bit.tobit(0xffffffff), bit.tobit(1.5), bit.tobit(2.5), bit.tobit(-1.5), bit.tobit(-2.5)"##,
            r##"true 1 -1 -2147483648 0 1 2147483647 -1 2 2 -2 -2"##,
        ),
        (
            r##"return bit.tobit(2^52), bit.tobit(2^53), bit.tobit(2^60+7), bit.tobit(-2^60), bit.tobit(1e300), bit.tobit(-1e300), bit.tobit(1/0), bit.tobit(-1/0), bit.tobit(0/0)"##,
            r##"true 0 0 0 0 -2013235812 -2013235812 0 0 0"##,
        ),
        (
            r##"return bit.tobit("10"), bit.tobit("0x10"), bit.tobit(" 7 ")"##,
            r##"true 10 16 7"##,
        ),
        (
            r##"return bit.tobit("abc")"##,
            r##"false "user_script:25: bad argument #1 to 'tobit' (number expected, got string)""##,
        ),
        (
            r##"return bit.tobit()"##,
            r##"false "user_script:25: bad argument #1 to 'tobit' (number expected, got no value)""##,
        ),
        (
            r##"return bit.tobit(nil)"##,
            r##"false "user_script:25: bad argument #1 to 'tobit' (number expected, got nil)""##,
        ),
        (
            r##"return bit.tobit({})"##,
            r##"false "user_script:25: bad argument #1 to 'tobit' (number expected, got table)""##,
        ),
        (r##"return bit.tobit("0")"##, r##"true 0"##),
        (
            r##"return bit.bnot(0), bit.bnot(-1), bit.bnot(12345)"##,
            r##"true -1 0 -12346"##,
        ),
        (
            r##"return bit.band(1), bit.band(0xff, 0x0f, 0x3), bit.bor(1,2,4,8,16,32,64,128), bit.bxor(1,2), bit.bxor(0xffffffff, 1)"##,
            r##"true 1 3 255 3 -2"##,
        ),
        (
            r##"return bit.band(1, 'x', 'y')"##,
            r##"false "user_script:25: bad argument #3 to 'band' (number expected, got string)""##,
        ),
        (
            r##"return bit.band('x', 'y')"##,
            r##"false "user_script:25: bad argument #1 to 'band' (number expected, got string)""##,
        ),
        (
            r##"return bit.bor()"##,
            r##"false "user_script:25: bad argument #1 to 'bor' (number expected, got no value)""##,
        ),
        (
            r##"return bit.lshift(1, 0), bit.lshift(1, 31), bit.lshift(1, 32), bit.lshift(1, 33), bit.lshift(1, -1), bit.lshift(3, 30)"##,
            r##"true 1 -2147483648 1 2 -2147483648 -1073741824"##,
        ),
        (
            r##"return bit.rshift(-1, 1), bit.rshift(-1, 31), bit.rshift(256, 4), bit.rshift(1, 32)"##,
            r##"true 2147483647 1 16 1"##,
        ),
        (
            r##"return bit.arshift(-256, 4), bit.arshift(-1, 31), bit.arshift(256, 4), bit.arshift(0x80000000, 1)"##,
            r##"true -16 -1 16 -1073741824"##,
        ),
        (
            r##"return bit.rol(0x12345678, 4), bit.rol(0x12345678, 0), bit.rol(0x12345678, 32), bit.ror(0x12345678, 4), bit.ror(0x12345678, 0), bit.ror(1, 1)"##,
            r##"true 591751041 305419896 305419896 -2128394905 305419896 -2147483648"##,
        ),
        (
            r##"return bit.bswap(0x12345678), bit.bswap(0x000000ff), bit.bswap(-1)"##,
            r##"true 2018915346 -16777216 -1"##,
        ),
        (
            r##"return bit.tohex(1), bit.tohex(-1), bit.tohex(0x12345678, 4), bit.tohex(0x12345678, -4), bit.tohex(255, 2), bit.tohex(255, 0), bit.tohex(255, 100), bit.tohex(255, -100), bit.tohex(0xabcdef)"##,
            r##"true "00000001" "ffffffff" "5678" "5678" "ff" "" "000000ff" "000000FF" "00abcdef""##,
        ),
        (
            r##"return bit.tohex(255, nil)"##,
            r##"false "user_script:25: bad argument #2 to 'tohex' (number expected, got nil)""##,
        ),
        (
            r##"return bit.tohex(255, 'x')"##,
            r##"false "user_script:25: bad argument #2 to 'tohex' (number expected, got string)""##,
        ),
        (
            r##"return bit.lshift(1)"##,
            r##"false "user_script:25: bad argument #2 to 'lshift' (number expected, got no value)""##,
        ),
        (
            r##"return bit.rol('a', 1)"##,
            r##"false "user_script:25: bad argument #1 to 'rol' (number expected, got string)""##,
        ),
        (
            r##"return bit.band(2^31, 2^31+1), bit.bor(-2^31, 1)"##,
            r##"true -2147483648 -2147483647"##,
        ),
        (
            r##"return bit.tobit(4294967296 * 3 + 5), bit.tobit(-4294967296 * 3 - 5)"##,
            r##"true 5 -5"##,
        ),
        (
            r##"return bit.tobit(2^51), bit.tobit(2^51 + 0.5), bit.tobit(-2^51), bit.tobit(-2^51-1), bit.tobit(2^52+0.5)"##,
            r##"true 0 0 0 -2 0"##,
        ),
        (
            r##"return bit.tobit(0.5), bit.tobit(-0.5), bit.tobit(1e-300), bit.tobit(3.5), bit.tobit(4.5)"##,
            r##"true 0 0 0 4 4"##,
        ),
        (
            r##"return bit.tohex(1, 2^31), bit.tohex(1, 2^32+3)"##,
            r##"true "00000001" "001""##,
        ),
        (
            r##"return bit.tohex(-1, -8), bit.tohex(0, 1), bit.tohex(0x1234, 3)"##,
            r##"true "FFFFFFFF" "0" "234""##,
        ),
        (
            r##"return bit.band(1, nil)"##,
            r##"false "user_script:25: bad argument #2 to 'band' (number expected, got nil)""##,
        ),
        (
            r##"return bit.bxor(5, true)"##,
            r##"false "user_script:25: bad argument #2 to 'bxor' (number expected, got boolean)""##,
        ),
        (
            r##"return bit.tohex(-1, 0), bit.tohex(1.5), bit.tohex('10', '2')"##,
            r##"true "" "00000002" "0a""##,
        ),
        (
            r##"return bit.band(), 1"##,
            r##"false "user_script:25: bad argument #1 to 'band' (number expected, got no value)""##,
        ),
        (
            r##"return bit.bor(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40)"##,
            r##"true 63"##,
        ),
        (
            r##"return cjson:decode()"##,
            r##"false "user_script:25: calling 'decode' on bad self (string expected, got table)""##,
        ),
        (
            r##"return cjson:encode()"##,
            r##"false "user_script:25: Cannot serialise function: type not supported""##,
        ),
        (
            r##"return cmsgpack:unpack()"##,
            r##"false "user_script:25: calling 'unpack' on bad self (string expected, got table)""##,
        ),
        (
            r##"return struct:pack()"##,
            r##"false "user_script:25: calling 'pack' on bad self (string expected, got table)""##,
        ),
        (
            r##"return bit:tobit()"##,
            r##"false "user_script:25: calling 'tobit' on bad self (number expected, got table)""##,
        ),
        (
            r##"return bit.tobit(" 0x10 "), bit.tobit("1e3"), bit.tobit("  -7")"##,
            r##"true 16 1000 -7"##,
        ),
    ];

    /// Randomly generated inputs (mutated valid data, random bytes/formats/tables).
    const FUZZ_REGRESSIONS: &[(&str, &str)] = &[
        (r##"return bit.ror(-1/0, -1.5)"##, r##"true 0"##),
        (r##"return bit.ror(0.5, 2^32, 2^63)"##, r##"true 0"##),
        (
            r##"return bit.rshift("12")"##,
            r##"false "user_script:25: bad argument #2 to 'rshift' (number expected, got no value)""##,
        ),
        (r##"return bit.tobit(2^63)"##, r##"true 0"##),
        (
            r##"return bit.ror(2^53)"##,
            r##"false "user_script:25: bad argument #2 to 'ror' (number expected, got no value)""##,
        ),
        (
            r##"return bit.rol({}, nil, "0x1f")"##,
            r##"false "user_script:25: bad argument #1 to 'rol' (number expected, got table)""##,
        ),
        (
            r##"return bit.tobit()"##,
            r##"false "user_script:25: bad argument #1 to 'tobit' (number expected, got no value)""##,
        ),
        (
            r##"return bit.rol()"##,
            r##"false "user_script:25: bad argument #1 to 'rol' (number expected, got no value)""##,
        ),
        (
            r##"return bit.bxor(2^32+1, {}, 1.5)"##,
            r##"false "user_script:25: bad argument #2 to 'bxor' (number expected, got table)""##,
        ),
        (
            r##"return bit.ror()"##,
            r##"false "user_script:25: bad argument #1 to 'ror' (number expected, got no value)""##,
        ),
        (
            r##"return bit.rshift("12", -2^63, 123456789)"##,
            r##"true 12"##,
        ),
        (
            r##"return bit.rol()"##,
            r##"false "user_script:25: bad argument #1 to 'rol' (number expected, got no value)""##,
        ),
        (r##"return bit.tohex(-3.7)"##, r##"true "fffffffc""##),
        (
            r##"return bit.lshift()"##,
            r##"false "user_script:25: bad argument #1 to 'lshift' (number expected, got no value)""##,
        ),
        (
            r##"return bit.ror(-987654321)"##,
            r##"false "user_script:25: bad argument #2 to 'ror' (number expected, got no value)""##,
        ),
        (r##"return bit.tobit("0x1f")"##, r##"true 31"##),
        (
            r##"return bit.tobit()"##,
            r##"false "user_script:25: bad argument #1 to 'tobit' (number expected, got no value)""##,
        ),
        (
            r##"return bit.bnot()"##,
            r##"false "user_script:25: bad argument #1 to 'bnot' (number expected, got no value)""##,
        ),
        (r##"return bit.tohex(0.5)"##, r##"true "00000000""##),
        (
            r##"return bit.bor(2^63, -987654321, 2^52)"##,
            r##"true -987654321"##,
        ),
        (r##"return bit.tobit(2^63)"##, r##"true 0"##),
        (r##"return bit.bor(-2^51, 0)"##, r##"true 0"##),
        (
            r##"return bit.tohex()"##,
            r##"false "user_script:25: bad argument #1 to 'tohex' (number expected, got no value)""##,
        ),
        (r##"return bit.rshift(-2^51, -3.7)"##, r##"true 0"##),
        (
            r##"return bit.band()"##,
            r##"false "user_script:25: bad argument #1 to 'band' (number expected, got no value)""##,
        ),
        (r##"return bit.bswap(2^32, 2^51, -2^31)"##, r##"true 0"##),
        (r##"return bit.bxor(1)"##, r##"true 1"##),
        (
            r##"return bit.rshift(-1.5)"##,
            r##"false "user_script:25: bad argument #2 to 'rshift' (number expected, got no value)""##,
        ),
        (r##"return bit.rshift(1, 2^32)"##, r##"true 1"##),
        (r##"return bit.bnot(-1, 2^51, 2^51+0.5)"##, r##"true 0"##),
        (
            r##"return bit.bswap()"##,
            r##"false "user_script:25: bad argument #1 to 'bswap' (number expected, got no value)""##,
        ),
        (
            r##"return bit.ror()"##,
            r##"false "user_script:25: bad argument #1 to 'ror' (number expected, got no value)""##,
        ),
        (
            r##"return bit.bnot()"##,
            r##"false "user_script:25: bad argument #1 to 'bnot' (number expected, got no value)""##,
        ),
        (
            r##"return bit.tobit()"##,
            r##"false "user_script:25: bad argument #1 to 'tobit' (number expected, got no value)""##,
        ),
        (r##"return bit.bnot(1.5, 1.5, 2^63)"##, r##"true -3"##),
        (r##"return bit.bnot(-2^63, 2^32, 1.5)"##, r##"true -1"##),
        (
            r##"return bit.rol()"##,
            r##"false "user_script:25: bad argument #1 to 'rol' (number expected, got no value)""##,
        ),
        (r##"return bit.bnot(1)"##, r##"true -2"##),
        (
            r##"return bit.arshift(2^32+1, "0x1f", 2^31-1)"##,
            r##"true 0"##,
        ),
        (r##"return bit.bnot(-2^51, "0x1f", 2.5)"##, r##"true -1"##),
        (
            r##"return bit.arshift(nil, -3.7)"##,
            r##"false "user_script:25: bad argument #1 to 'arshift' (number expected, got nil)""##,
        ),
        (r##"return bit.tobit(-1e300)"##, r##"true -2013235812"##),
        (r##"return bit.arshift(-3.7, 1.5)"##, r##"true -1"##),
        (r##"return bit.lshift(-2^51, 2^31, -1/0)"##, r##"true 0"##),
        (
            r##"return bit.bswap()"##,
            r##"false "user_script:25: bad argument #1 to 'bswap' (number expected, got no value)""##,
        ),
        (r##"return bit.rshift(2^32+1, -987654321)"##, r##"true 0"##),
        (
            r##"return bit.bnot()"##,
            r##"false "user_script:25: bad argument #1 to 'bnot' (number expected, got no value)""##,
        ),
        (r##"return bit.bnot(2^52, -0.5, 2^32+1)"##, r##"true -1"##),
        (
            r##"return bit.ror(1e300, nil, 4294967295)"##,
            r##"false "user_script:25: bad argument #2 to 'ror' (number expected, got nil)""##,
        ),
        (
            r##"return bit.lshift(true, 0/0, "0x1f")"##,
            r##"false "user_script:25: bad argument #1 to 'lshift' (number expected, got boolean)""##,
        ),
        (
            r##"return bit.band(0, 0/0, "x")"##,
            r##"false "user_script:25: bad argument #3 to 'band' (number expected, got string)""##,
        ),
        (
            r##"return bit.arshift()"##,
            r##"false "user_script:25: bad argument #1 to 'arshift' (number expected, got no value)""##,
        ),
        (
            r##"return bit.rshift()"##,
            r##"false "user_script:25: bad argument #1 to 'rshift' (number expected, got no value)""##,
        ),
        (
            r##"return bit.band("x", 1)"##,
            r##"false "user_script:25: bad argument #1 to 'band' (number expected, got string)""##,
        ),
        (r##"return bit.bor(-2^31, -987654321, -1)"##, r##"true -1"##),
        (r##"return bit.arshift(1, -2^31, 1/0)"##, r##"true 1"##),
        (r##"return bit.ror("0x1f", -0.5)"##, r##"true 31"##),
        (
            r##"return bit.arshift("12", 4294967295, 2^31)"##,
            r##"true 0"##,
        ),
        (
            r##"return bit.band()"##,
            r##"false "user_script:25: bad argument #1 to 'band' (number expected, got no value)""##,
        ),
        (r##"return bit.lshift(2^51+0.5, 2.5, 1.5)"##, r##"true 0"##),
        (r##"return bit.arshift(2^51+0.5, -2^51)"##, r##"true 0"##),
        (
            r##"return bit.ror(-1.5, "x", -1e300)"##,
            r##"false "user_script:25: bad argument #2 to 'ror' (number expected, got string)""##,
        ),
        (
            r##"return bit.rol(0/0)"##,
            r##"false "user_script:25: bad argument #2 to 'rol' (number expected, got no value)""##,
        ),
        (
            r##"return bit.bnot(-1e300, 2^32+1, -1.5)"##,
            r##"true 2013235811"##,
        ),
        (
            r##"return bit.tohex()"##,
            r##"false "user_script:25: bad argument #1 to 'tohex' (number expected, got no value)""##,
        ),
        (r##"return bit.band(-0.5, 1/0, 1/0)"##, r##"true 0"##),
        (r##"return bit.band(2^32+1, 2^32+1, 0.5)"##, r##"true 0"##),
        (r##"return bit.lshift(-1e300, -1.5)"##, r##"true 0"##),
        (
            r##"return bit.tohex()"##,
            r##"false "user_script:25: bad argument #1 to 'tohex' (number expected, got no value)""##,
        ),
        (r##"return bit.tohex(-2^63)"##, r##"true "00000000""##),
        (
            r##"return bit.bxor()"##,
            r##"false "user_script:25: bad argument #1 to 'bxor' (number expected, got no value)""##,
        ),
        (r##"return bit.tohex("12", 2^32)"##, r##"true """##),
        (r##"return bit.rshift(-1/0, 0, 4294967295)"##, r##"true 0"##),
        (r##"return bit.tohex(2.5, 2^63, -1/0)"##, r##"true """##),
        (r##"return bit.bnot(-1.5, 2^31, 2^32+1)"##, r##"true 1"##),
        (
            r##"return bit.ror(2^63)"##,
            r##"false "user_script:25: bad argument #2 to 'ror' (number expected, got no value)""##,
        ),
        (
            r##"return bit.bxor()"##,
            r##"false "user_script:25: bad argument #1 to 'bxor' (number expected, got no value)""##,
        ),
        (
            r##"return bit.lshift(4294967295, -3.7)"##,
            r##"true -268435456"##,
        ),
        (
            r##"return bit.ror("x", 123456789, "x")"##,
            r##"false "user_script:25: bad argument #1 to 'ror' (number expected, got string)""##,
        ),
        (r##"return bit.arshift(-3.7, 1/0)"##, r##"true -4"##),
        (
            r##"return bit.bswap(2^32, -987654321, 0.5)"##,
            r##"true 0"##,
        ),
        (
            r##"return bit.bor()"##,
            r##"false "user_script:25: bad argument #1 to 'bor' (number expected, got no value)""##,
        ),
        (
            r##"return bit.bor(1/0, 2^53, -987654321)"##,
            r##"true -987654321"##,
        ),
        (
            r##"return bit.lshift(-0.5, -1, -987654321)"##,
            r##"true 0"##,
        ),
        (r##"return bit.bor(-2^63, 2^32)"##, r##"true 0"##),
        (r##"return bit.tohex(2^31-1, 4294967295)"##, r##"true "F""##),
        (r##"return bit.tohex(1e300)"##, r##"true "8800759c""##),
        (
            r##"return bit.rshift()"##,
            r##"false "user_script:25: bad argument #1 to 'rshift' (number expected, got no value)""##,
        ),
        (
            r##"return bit.bxor("12", {})"##,
            r##"false "user_script:25: bad argument #2 to 'bxor' (number expected, got table)""##,
        ),
        (r##"return bit.arshift(2^53, 2^51)"##, r##"true 0"##),
        (r##"return bit.bxor(1, 2^53, 2^51)"##, r##"true 1"##),
        (
            r##"return bit.bor()"##,
            r##"false "user_script:25: bad argument #1 to 'bor' (number expected, got no value)""##,
        ),
        (
            r##"return bit.arshift()"##,
            r##"false "user_script:25: bad argument #1 to 'arshift' (number expected, got no value)""##,
        ),
        (
            r##"return bit.tohex()"##,
            r##"false "user_script:25: bad argument #1 to 'tohex' (number expected, got no value)""##,
        ),
        (
            r##"return bit.lshift()"##,
            r##"false "user_script:25: bad argument #1 to 'lshift' (number expected, got no value)""##,
        ),
        (r##"return bit.bor(-1/0, -1e300)"##, r##"true -2013235812"##),
        (
            r##"return bit.band()"##,
            r##"false "user_script:25: bad argument #1 to 'band' (number expected, got no value)""##,
        ),
        (
            r##"return bit.arshift(3.7)"##,
            r##"false "user_script:25: bad argument #2 to 'arshift' (number expected, got no value)""##,
        ),
        (r##"return bit.bor(2^51+0.5)"##, r##"true 0"##),
        (
            r##"return bit.tohex()"##,
            r##"false "user_script:25: bad argument #1 to 'tohex' (number expected, got no value)""##,
        ),
        (
            r##"return bit.lshift(2^31-1, -1.5)"##,
            r##"true -1073741824"##,
        ),
        (
            r##"return bit.rol("0x1f")"##,
            r##"false "user_script:25: bad argument #2 to 'rol' (number expected, got no value)""##,
        ),
        (
            r##"return bit.lshift("x")"##,
            r##"false "user_script:25: bad argument #1 to 'lshift' (number expected, got string)""##,
        ),
        (r##"return bit.bxor(2^52, 2^32, -2^51)"##, r##"true 0"##),
        (
            r##"return bit.rshift()"##,
            r##"false "user_script:25: bad argument #1 to 'rshift' (number expected, got no value)""##,
        ),
        (
            r##"return bit.rshift(true, -3.7, 0/0)"##,
            r##"false "user_script:25: bad argument #1 to 'rshift' (number expected, got boolean)""##,
        ),
        (r##"return bit.rol(3.7, -1)"##, r##"true 2"##),
        (r##"return bit.bnot(1/0, 1/0, "0x1f")"##, r##"true -1"##),
        (r##"return bit.band(1.5, 2^53)"##, r##"true 0"##),
        (
            r##"return bit.rol(123456789, -1)"##,
            r##"true -2085755254"##,
        ),
        (
            r##"return bit.rshift(-987654321, "12", -987654321)"##,
            r##"true 807449"##,
        ),
        (r##"return bit.tohex(2^32+1)"##, r##"true "00000001""##),
        (
            r##"return bit.rol(-987654321)"##,
            r##"false "user_script:25: bad argument #2 to 'rol' (number expected, got no value)""##,
        ),
        (
            r##"return bit.rol(-1.5, 4294967295)"##,
            r##"true 2147483647"##,
        ),
        (
            r##"return bit.ror()"##,
            r##"false "user_script:25: bad argument #1 to 'ror' (number expected, got no value)""##,
        ),
        (
            r##"return bit.bnot()"##,
            r##"false "user_script:25: bad argument #1 to 'bnot' (number expected, got no value)""##,
        ),
        (r##"return bit.tohex(2^32, -2^31)"##, r##"true "00000000""##),
        (
            r##"return bit.tohex()"##,
            r##"false "user_script:25: bad argument #1 to 'tohex' (number expected, got no value)""##,
        ),
        (r##"return bit.bxor(2.5)"##, r##"true 2"##),
        (r##"return bit.rshift(2.5, 3.7, 1e300)"##, r##"true 0"##),
        (r##"return bit.bxor(0.5, -1/0)"##, r##"true 0"##),
        (r##"return bit.bor(1)"##, r##"true 1"##),
        (
            r##"return bit.band()"##,
            r##"false "user_script:25: bad argument #1 to 'band' (number expected, got no value)""##,
        ),
        (r##"return bit.bor(2.5, -3.7, "0x1f")"##, r##"true -1"##),
        (r##"return bit.lshift(-2^63, -2^63)"##, r##"true 0"##),
        (r##"return bit.tobit(0/0)"##, r##"true 0"##),
        (
            r##"return bit.arshift(-1, "x")"##,
            r##"false "user_script:25: bad argument #2 to 'arshift' (number expected, got string)""##,
        ),
        (r##"return bit.band(1e300, 2.5)"##, r##"true 0"##),
        (
            r##"return bit.bswap()"##,
            r##"false "user_script:25: bad argument #1 to 'bswap' (number expected, got no value)""##,
        ),
        (r##"return bit.band(-2^63)"##, r##"true 0"##),
        (r##"return bit.bor(-2^63)"##, r##"true 0"##),
        (r##"return bit.band(-3.7, 2^53)"##, r##"true 0"##),
        (r##"return bit.tobit(1/0)"##, r##"true 0"##),
        (
            r##"return bit.rshift(1e300, 2^32+1)"##,
            r##"true 1140865742"##,
        ),
        (r##"return bit.band(-987654321)"##, r##"true -987654321"##),
        (
            r##"return bit.bor(-1.5, true, -0.5)"##,
            r##"false "user_script:25: bad argument #2 to 'bor' (number expected, got boolean)""##,
        ),
        (
            r##"return bit.tohex()"##,
            r##"false "user_script:25: bad argument #1 to 'tohex' (number expected, got no value)""##,
        ),
        (
            r##"return bit.arshift()"##,
            r##"false "user_script:25: bad argument #1 to 'arshift' (number expected, got no value)""##,
        ),
        (
            r##"return bit.rshift(-2^63, nil)"##,
            r##"false "user_script:25: bad argument #2 to 'rshift' (number expected, got nil)""##,
        ),
        (r##"return bit.tobit(0, 0.5, -1)"##, r##"true 0"##),
        (r##"return bit.arshift("0x1f", 2^51)"##, r##"true 31"##),
        (r##"return bit.bswap(2.5)"##, r##"true 33554432"##),
        (
            r##"return bit.ror("x")"##,
            r##"false "user_script:25: bad argument #1 to 'ror' (number expected, got string)""##,
        ),
        (r##"return bit.rol(-1.5, 2^53)"##, r##"true -2"##),
        (r##"return bit.arshift(2^32, 2^32+1)"##, r##"true 0"##),
        (
            r##"return bit.arshift("x", 2^31, -1e300)"##,
            r##"false "user_script:25: bad argument #1 to 'arshift' (number expected, got string)""##,
        ),
        (
            r##"return bit.rshift(1)"##,
            r##"false "user_script:25: bad argument #2 to 'rshift' (number expected, got no value)""##,
        ),
        (r##"return bit.band(-987654321)"##, r##"true -987654321"##),
        (
            r##"return bit.rol("0x1f")"##,
            r##"false "user_script:25: bad argument #2 to 'rol' (number expected, got no value)""##,
        ),
        (r##"return bit.tohex(0/0)"##, r##"true "00000000""##),
    ];

    case_table_tests!();
}
