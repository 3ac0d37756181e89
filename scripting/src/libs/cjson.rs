//! `cjson`: JSON encoding and decoding with the behaviour of Lua CJSON 2.1.0
//! as bundled with Redis 7.0 (module global `cjson`, `cjson.null` is a NULL
//! light userdata, numbers printed with `%.14g`, ...).

use super::{
    check_cstring, check_integer, check_lstring, f64_to_i32, protect, push_bytes, push_result,
    type_name, Fail, LResult,
};
use mlua::ffi;
use std::os::raw::{c_char, c_int};

extern "C" {
    // The C library's own number conversions, which Lua itself also uses:
    // Redis' cjson prints numbers with snprintf("%.14g") and reads them with
    // strtod, so using the same routines gives byte-identical results
    // (including hexadecimal numbers, "inf" and "nan" when decoding).
    fn snprintf(buf: *mut c_char, size: usize, fmt: *const c_char, ...) -> c_int;
    fn strtod(s: *const c_char, end: *mut *mut c_char) -> f64;
}

const MODNAME: &[u8] = b"cjson";
const VERSION: &[u8] = b"2.1.0";

/// Settings shared by the functions of one `cjson` table (its upvalue).
#[derive(Clone, Copy)]
struct Config {
    sparse_convert: c_int,
    sparse_ratio: c_int,
    sparse_safe: c_int,
    encode_max_depth: c_int,
    decode_max_depth: c_int,
    /// 0: error, 1: allowed ("inf", "nan"), 2: written as `null`.
    encode_invalid_numbers: c_int,
    decode_invalid_numbers: c_int,
    encode_keep_buffer: c_int,
    encode_number_precision: c_int,
}

const DEFAULT_CONFIG: Config = Config {
    sparse_convert: 0,
    sparse_ratio: 2,
    sparse_safe: 10,
    encode_max_depth: 1000,
    decode_max_depth: 1000,
    encode_invalid_numbers: 0,
    decode_invalid_numbers: 1,
    encode_keep_buffer: 1,
    encode_number_precision: 14,
};

/// Loads the library the way Redis does: the table becomes the global `cjson`.
pub(crate) unsafe fn open(l: *mut ffi::lua_State) {
    push_module(l);
    ffi::lua_setglobal(l, c"cjson".as_ptr());
}

type Entry = (&'static std::ffi::CStr, ffi::lua_CFunction);

const FUNCTIONS: [Entry; 10] = [
    (c"encode", json_encode),
    (c"decode", json_decode),
    (c"encode_sparse_array", json_encode_sparse_array),
    (c"encode_max_depth", json_encode_max_depth),
    (c"decode_max_depth", json_decode_max_depth),
    (c"encode_number_precision", json_encode_number_precision),
    (c"encode_keep_buffer", json_encode_keep_buffer),
    (c"encode_invalid_numbers", json_encode_invalid_numbers),
    (c"decode_invalid_numbers", json_decode_invalid_numbers),
    (c"new", json_new),
];

/// Pushes a new module table with its own configuration.
unsafe fn push_module(l: *mut ffi::lua_State) {
    ffi::lua_createtable(l, 0, 0);
    let cfg = ffi::lua_newuserdata(l, std::mem::size_of::<Config>()) as *mut Config;
    cfg.write(DEFAULT_CONFIG);
    for (name, f) in FUNCTIONS {
        ffi::lua_pushvalue(l, -1);
        ffi::lua_pushcclosure(l, f, 1);
        ffi::lua_setfield(l, -3, name.as_ptr());
    }
    ffi::lua_settop(l, -2);
    ffi::lua_pushlightuserdata(l, std::ptr::null_mut());
    ffi::lua_setfield(l, -2, c"null".as_ptr());
    push_bytes(l, MODNAME);
    ffi::lua_setfield(l, -2, c"_NAME".as_ptr());
    push_bytes(l, VERSION);
    ffi::lua_setfield(l, -2, c"_VERSION".as_ptr());
}

unsafe fn config(l: *mut ffi::lua_State) -> LResult<*mut Config> {
    let cfg = ffi::lua_touserdata(l, ffi::lua_upvalueindex(1)) as *mut Config;
    if cfg.is_null() {
        return Err(Fail::error("BUG: Unable to fetch CJSON configuration"));
    }
    Ok(cfg)
}

// ===== configuration functions =====

/// Rejects extra arguments and pads missing ones with nil.
unsafe fn arg_init(l: *mut ffi::lua_State, args: c_int) -> LResult<*mut Config> {
    if ffi::lua_gettop(l) > args {
        return Err(Fail::arg(args + 1, "found too many arguments"));
    }
    while ffi::lua_gettop(l) < args {
        ffi::lua_pushnil(l);
    }
    config(l)
}

unsafe fn integer_option(
    l: *mut ffi::lua_State,
    idx: c_int,
    setting: *mut c_int,
    min: c_int,
    max: c_int,
) -> LResult<()> {
    if ffi::lua_type(l, idx) != ffi::LUA_TNIL {
        // Stored in a C int: the integer is truncated to 32 bits.
        let value = check_integer(l, idx)? as c_int;
        if !(min <= value && value <= max) {
            return Err(Fail::arg(
                1,
                format!("expected integer between {} and {}", min, max),
            ));
        }
        *setting = value;
    }
    ffi::lua_pushinteger(l, *setting as i64);
    Ok(())
}

/// An option that takes one of `options` (by name), or a boolean when
/// `bool_true` is non-zero (true stands for `bool_true`).
unsafe fn enum_option(
    l: *mut ffi::lua_State,
    idx: c_int,
    setting: *mut c_int,
    options: &[&str],
    bool_true: c_int,
) -> LResult<()> {
    if ffi::lua_type(l, idx) != ffi::LUA_TNIL {
        if bool_true != 0 && ffi::lua_type(l, idx) == ffi::LUA_TBOOLEAN {
            *setting = ffi::lua_toboolean(l, idx) * bool_true;
        } else {
            let name = check_cstring(l, idx)?;
            match options.iter().position(|o| o.as_bytes() == name) {
                Some(i) => *setting = i as c_int,
                None => {
                    let mut msg = b"invalid option '".to_vec();
                    msg.extend_from_slice(name);
                    msg.push(b'\'');
                    return Err(Fail::Arg(idx, msg));
                }
            }
        }
    }
    if bool_true != 0 && (*setting == 0 || *setting == bool_true) {
        ffi::lua_pushboolean(l, *setting);
    } else {
        let name = usize::try_from(*setting)
            .ok()
            .and_then(|i| options.get(i))
            .copied()
            .unwrap_or("");
        push_bytes(l, name.as_bytes());
    }
    Ok(())
}

const BOOL_OPTIONS: [&str; 2] = ["off", "on"];

unsafe extern "C-unwind" fn json_encode_sparse_array(l: *mut ffi::lua_State) -> c_int {
    protect(l, || {
        let cfg = arg_init(l, 3)?;
        enum_option(l, 1, &raw mut (*cfg).sparse_convert, &BOOL_OPTIONS, 1)?;
        integer_option(l, 2, &raw mut (*cfg).sparse_ratio, 0, c_int::MAX)?;
        integer_option(l, 3, &raw mut (*cfg).sparse_safe, 0, c_int::MAX)?;
        Ok(3)
    })
}

unsafe extern "C-unwind" fn json_encode_max_depth(l: *mut ffi::lua_State) -> c_int {
    protect(l, || {
        let cfg = arg_init(l, 1)?;
        integer_option(l, 1, &raw mut (*cfg).encode_max_depth, 1, c_int::MAX)?;
        Ok(1)
    })
}

unsafe extern "C-unwind" fn json_decode_max_depth(l: *mut ffi::lua_State) -> c_int {
    protect(l, || {
        let cfg = arg_init(l, 1)?;
        integer_option(l, 1, &raw mut (*cfg).decode_max_depth, 1, c_int::MAX)?;
        Ok(1)
    })
}

unsafe extern "C-unwind" fn json_encode_number_precision(l: *mut ffi::lua_State) -> c_int {
    protect(l, || {
        let cfg = arg_init(l, 1)?;
        integer_option(l, 1, &raw mut (*cfg).encode_number_precision, 1, 14)?;
        Ok(1)
    })
}

unsafe extern "C-unwind" fn json_encode_keep_buffer(l: *mut ffi::lua_State) -> c_int {
    // The setting only decides whether the C version reuses its buffer
    // between calls; results do not depend on it.
    protect(l, || {
        let cfg = arg_init(l, 1)?;
        enum_option(l, 1, &raw mut (*cfg).encode_keep_buffer, &BOOL_OPTIONS, 1)?;
        Ok(1)
    })
}

unsafe extern "C-unwind" fn json_encode_invalid_numbers(l: *mut ffi::lua_State) -> c_int {
    protect(l, || {
        let cfg = arg_init(l, 1)?;
        enum_option(
            l,
            1,
            &raw mut (*cfg).encode_invalid_numbers,
            &["off", "on", "null"],
            1,
        )?;
        Ok(1)
    })
}

unsafe extern "C-unwind" fn json_decode_invalid_numbers(l: *mut ffi::lua_State) -> c_int {
    protect(l, || {
        let cfg = arg_init(l, 1)?;
        enum_option(
            l,
            1,
            &raw mut (*cfg).decode_invalid_numbers,
            &BOOL_OPTIONS,
            1,
        )?;
        Ok(1)
    })
}

/// `cjson.new()`: a fresh module table with default settings.
unsafe extern "C-unwind" fn json_new(l: *mut ffi::lua_State) -> c_int {
    push_module(l);
    1
}

// ===== encoding =====

unsafe extern "C-unwind" fn json_encode(l: *mut ffi::lua_State) -> c_int {
    protect(l, || {
        let cfg = *config(l)?;
        if ffi::lua_gettop(l) != 1 {
            return Err(Fail::arg(1, "expected 1 argument"));
        }
        let mut enc = Encoder {
            l,
            cfg,
            out: Vec::new(),
        };
        enc.encode_root()?;
        // Writing makes no allocating Lua call: only this push can meet a
        // memory error, and it is caught so that `out` is freed first.
        push_result(l, &enc.out).map_err(|_| Fail::Rethrow)?;
        Ok(1)
    })
}

/// How each byte is written inside a JSON string: `None` means as itself.
fn escape_for(b: u8) -> Option<&'static [u8]> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    // The \u00XX escapes of the control characters, built at compile time.
    const CONTROL: [[u8; 6]; 32] = {
        let mut table = [[0u8; 6]; 32];
        let mut i = 0;
        while i < 32 {
            table[i] = [b'\\', b'u', b'0', b'0', HEX[i >> 4], HEX[i & 15]];
            i += 1;
        }
        table
    };
    match b {
        b'\x08' => Some(b"\\b"),
        b'\t' => Some(b"\\t"),
        b'\n' => Some(b"\\n"),
        b'\x0c' => Some(b"\\f"),
        b'\r' => Some(b"\\r"),
        0..=31 => Some(&CONTROL[b as usize]),
        b'"' => Some(b"\\\""),
        b'\\' => Some(b"\\\\"),
        b'/' => Some(b"\\/"),
        127 => Some(b"\\u007f"),
        _ => None,
    }
}

/// One table being written.
enum Frame {
    /// Elements 1..=len; `next` were written so far.
    Array { len: c_int, next: c_int },
    /// Written with `lua_next`; the current key sits on top of the table.
    Object { comma: bool },
}

struct Encoder {
    l: *mut ffi::lua_State,
    cfg: Config,
    out: Vec<u8>,
}

impl Encoder {
    fn serialise_error(&self, type_idx: c_int, reason: &str) -> Fail {
        // SAFETY: `self.l` is the running state; the index is valid.
        let tname = unsafe { type_name(self.l, ffi::lua_type(self.l, type_idx)) };
        Fail::error(format!("Cannot serialise {}: {}", tname, reason))
    }

    /// Writes the value at the top of the stack (the only argument).
    ///
    /// The Lua stack is used as Redis' recursive version uses it, one slot per
    /// array level and two per object level, so that `lua_checkstack` fails
    /// at the same depth.
    unsafe fn encode_root(&mut self) -> LResult<()> {
        let l = self.l;
        let mut frames: Vec<Frame> = Vec::new();
        self.begin_value(&mut frames)?;
        loop {
            let Some(frame) = frames.last_mut() else {
                return Ok(());
            };
            match frame {
                Frame::Array { len, next } => {
                    if *next >= *len {
                        self.out.push(b']');
                        self.end_table(&mut frames);
                        continue;
                    }
                    if *next > 0 {
                        self.out.push(b',');
                    }
                    *next += 1;
                    ffi::lua_rawgeti_(l, -1, *next);
                }
                Frame::Object { comma } => {
                    if ffi::lua_next(l, -2) == 0 {
                        self.out.push(b'}');
                        self.end_table(&mut frames);
                        continue;
                    }
                    if *comma {
                        self.out.push(b',');
                    } else {
                        *comma = true;
                    }
                    match ffi::lua_type(l, -2) {
                        ffi::LUA_TNUMBER => {
                            self.out.push(b'"');
                            self.append_number(-2)?;
                            self.out.extend_from_slice(b"\":");
                        }
                        ffi::LUA_TSTRING => {
                            self.append_string(-2);
                            self.out.push(b':');
                        }
                        _ => {
                            return Err(
                                self.serialise_error(-2, "table key must be a number or string")
                            )
                        }
                    }
                }
            }
            self.begin_value(&mut frames)?;
        }
    }

    /// A table is complete: drop its frame and, unless it is the argument
    /// itself, its stack slot.
    unsafe fn end_table(&mut self, frames: &mut Vec<Frame>) {
        frames.pop();
        if !frames.is_empty() {
            ffi::lua_settop(self.l, -2);
        }
    }

    /// Writes the value on top of the stack. A scalar is written whole (and
    /// popped unless it is the argument); a table is opened: its frame is
    /// pushed and it stays on the stack.
    unsafe fn begin_value(&mut self, frames: &mut Vec<Frame>) -> LResult<()> {
        let l = self.l;
        match ffi::lua_type(l, -1) {
            ffi::LUA_TSTRING => self.append_string(-1),
            ffi::LUA_TNUMBER => self.append_number(-1)?,
            ffi::LUA_TBOOLEAN => {
                if ffi::lua_toboolean(l, -1) != 0 {
                    self.out.extend_from_slice(b"true");
                } else {
                    self.out.extend_from_slice(b"false");
                }
            }
            ffi::LUA_TNIL => self.out.extend_from_slice(b"null"),
            ffi::LUA_TLIGHTUSERDATA if ffi::lua_touserdata(l, -1).is_null() => {
                self.out.extend_from_slice(b"null")
            }
            ffi::LUA_TTABLE => {
                let depth = frames.len() as c_int + 1;
                if !(depth <= self.cfg.encode_max_depth && ffi::lua_checkstack(l, 3) != 0) {
                    return Err(Fail::error(format!(
                        "Cannot serialise, excessive nesting ({})",
                        depth
                    )));
                }
                let len = self.array_length()?;
                if len > 0 {
                    self.out.push(b'[');
                    frames.push(Frame::Array { len, next: 0 });
                } else {
                    self.out.push(b'{');
                    ffi::lua_pushnil(l);
                    frames.push(Frame::Object { comma: false });
                }
                return Ok(());
            }
            _ => return Err(self.serialise_error(-1, "type not supported")),
        }
        if !frames.is_empty() {
            ffi::lua_settop(l, -2);
        }
        Ok(())
    }

    /// The length of the table on top of the stack if it is to be written as
    /// an array, else 0 or -1.
    unsafe fn array_length(&mut self) -> LResult<c_int> {
        let l = self.l;
        let mut max: c_int = 0;
        let mut items: c_int = 0;
        ffi::lua_pushnil(l);
        while ffi::lua_next(l, -2) != 0 {
            if ffi::lua_type(l, -2) == ffi::LUA_TNUMBER {
                let k = ffi::lua_tonumber(l, -2);
                if k != 0.0 && k.floor() == k && k >= 1.0 {
                    if k > max as f64 {
                        max = f64_to_i32(k);
                    }
                    items = items.wrapping_add(1);
                    ffi::lua_settop(l, -2);
                    continue;
                }
            }
            // Not an array: a key that is not a positive integer.
            ffi::lua_settop(l, -3);
            return Ok(-1);
        }
        let cfg = &self.cfg;
        if cfg.sparse_ratio > 0
            && max > items.wrapping_mul(cfg.sparse_ratio)
            && max > cfg.sparse_safe
        {
            if cfg.sparse_convert == 0 {
                return Err(self.serialise_error(-1, "excessively sparse array"));
            }
            return Ok(-1);
        }
        Ok(max)
    }

    unsafe fn append_string(&mut self, idx: c_int) {
        let mut len = 0usize;
        let p = ffi::lua_tolstring(self.l, idx, &mut len);
        if p.is_null() {
            return;
        }
        let s = std::slice::from_raw_parts(p as *const u8, len);
        self.out.reserve(len + 2);
        self.out.push(b'"');
        let mut start = 0;
        for (i, &b) in s.iter().enumerate() {
            if let Some(esc) = escape_for(b) {
                self.out.extend_from_slice(&s[start..i]);
                self.out.extend_from_slice(esc);
                start = i + 1;
            }
        }
        self.out.extend_from_slice(&s[start..]);
        self.out.push(b'"');
    }

    unsafe fn append_number(&mut self, idx: c_int) -> LResult<()> {
        let num = ffi::lua_tonumber(self.l, idx);
        let invalid = num.is_infinite() || num.is_nan();
        match self.cfg.encode_invalid_numbers {
            0 => {
                if invalid {
                    return Err(self.serialise_error(idx, "must not be NaN or Inf"));
                }
            }
            1 => {
                if num.is_nan() {
                    self.out.extend_from_slice(b"nan");
                    return Ok(());
                }
            }
            _ => {
                if invalid {
                    self.out.extend_from_slice(b"null");
                    return Ok(());
                }
            }
        }
        format_number(&mut self.out, num, self.cfg.encode_number_precision);
        Ok(())
    }
}

/// Appends `num` printed with `%.<precision>g`.
fn format_number(out: &mut Vec<u8>, num: f64, precision: c_int) {
    let precision = precision.clamp(1, 14) as u8;
    let mut fmt = [0u8; 6];
    fmt[0] = b'%';
    fmt[1] = b'.';
    let mut i = 2;
    if precision >= 10 {
        fmt[i] = b'0' + precision / 10;
        i += 1;
    }
    fmt[i] = b'0' + precision % 10;
    fmt[i + 1] = b'g';
    // fmt[i + 2] stays NUL.
    let mut buf = [0u8; 32];
    // SAFETY: the format is a NUL-terminated "%.<n>g" taking one double, and
    // snprintf writes at most `buf.len()` bytes.
    let n = unsafe {
        snprintf(
            buf.as_mut_ptr() as *mut c_char,
            buf.len(),
            fmt.as_ptr() as *const c_char,
            num,
        )
    };
    let n = usize::try_from(n).unwrap_or(0).min(buf.len() - 1);
    out.extend_from_slice(&buf[..n]);
}

// ===== decoding =====

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum TokenKind {
    ObjBegin,
    ObjEnd,
    ArrBegin,
    ArrEnd,
    String,
    Number,
    Boolean,
    Null,
    Colon,
    Comma,
    End,
    /// `error` tells what went wrong.
    Error,
}

impl TokenKind {
    fn name(self) -> &'static str {
        match self {
            TokenKind::ObjBegin => "T_OBJ_BEGIN",
            TokenKind::ObjEnd => "T_OBJ_END",
            TokenKind::ArrBegin => "T_ARR_BEGIN",
            TokenKind::ArrEnd => "T_ARR_END",
            TokenKind::String => "T_STRING",
            TokenKind::Number => "T_NUMBER",
            TokenKind::Boolean => "T_BOOLEAN",
            TokenKind::Null => "T_NULL",
            TokenKind::Colon => "T_COLON",
            TokenKind::Comma => "T_COMMA",
            TokenKind::End => "T_END",
            TokenKind::Error => "T_ERROR",
        }
    }
}

/// Where the text of a string token is.
#[derive(Clone, Copy)]
enum Text {
    /// `data[start..end]`: the string had no escape.
    Input(usize, usize),
    /// The first `len` bytes of the decoding buffer.
    Decoded(usize),
}

#[derive(Clone, Copy)]
struct Token {
    kind: TokenKind,
    /// Offset of the token (or of the error) in the input.
    index: usize,
    number: f64,
    boolean: bool,
    text: Text,
    error: &'static str,
}

impl Token {
    fn new(kind: TokenKind, index: usize) -> Token {
        Token {
            kind,
            index,
            number: 0.0,
            boolean: false,
            text: Text::Input(0, 0),
            error: "",
        }
    }
}

unsafe extern "C-unwind" fn json_decode(l: *mut ffi::lua_State) -> c_int {
    protect(l, || {
        if ffi::lua_gettop(l) != 1 {
            return Err(Fail::arg(1, "expected 1 argument"));
        }
        let cfg = *config(l)?;
        let data = check_lstring(l, 1)?;
        // Only the first character is sure to be ASCII in valid JSON text,
        // which is enough to recognise UTF-16 and UTF-32.
        if data.len() >= 2 && (data[0] == 0 || data[1] == 0) {
            return Err(Fail::error("JSON parser does not support UTF-16 or UTF-32"));
        }
        let mut parser = Parser {
            l,
            cfg,
            data,
            pos: 0,
            buf: std::ptr::null_mut(),
            fallback: Vec::new(),
            depth: 0,
        };
        parser.parse()?;
        Ok(1)
    })
}

struct Parser<'a> {
    l: *mut ffi::lua_State,
    cfg: Config,
    /// The input; the byte after it is a NUL (Lua strings always have one).
    data: &'a [u8],
    pos: usize,
    /// Where strings with escapes are decoded: a Lua userdata as long as
    /// the input, made when the first escape is met (null until then).
    buf: *mut u8,
    /// Used instead of `buf` only if the Lua stack is too full to make it.
    fallback: Vec<u8>,
    /// Number of tables being read.
    depth: c_int,
}

impl Parser<'_> {
    /// The byte at `i`; 0 at and past the end, like the C terminator.
    fn byte(&self, i: usize) -> u8 {
        self.data.get(i).copied().unwrap_or(0)
    }

    fn starts_with(&self, word: &[u8]) -> bool {
        self.data
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with(word))
    }

    fn error_token(&self, msg: &'static str) -> Token {
        let mut t = Token::new(TokenKind::Error, self.pos);
        t.error = msg;
        t
    }

    unsafe fn next_token(&mut self) -> Token {
        while matches!(self.byte(self.pos), b' ' | b'\t' | b'\n' | b'\r') {
            self.pos += 1;
        }
        let start = self.pos;
        let ch = self.byte(start);
        let single = match ch {
            b'{' => Some(TokenKind::ObjBegin),
            b'}' => Some(TokenKind::ObjEnd),
            b'[' => Some(TokenKind::ArrBegin),
            b']' => Some(TokenKind::ArrEnd),
            b',' => Some(TokenKind::Comma),
            b':' => Some(TokenKind::Colon),
            _ => None,
        };
        if let Some(kind) = single {
            self.pos += 1;
            return Token::new(kind, start);
        }
        match ch {
            0 => Token::new(TokenKind::End, start),
            b'"' => self.string_token(),
            b'-' | b'0'..=b'9' => {
                if self.cfg.decode_invalid_numbers == 0 && self.is_invalid_number() {
                    return self.error_token("invalid number");
                }
                self.number_token()
            }
            b'f' | b'i' | b'I' | b'n' | b'N' | b't' | b'+' => {
                let literal = if self.starts_with(b"true") {
                    Some((true, 4, TokenKind::Boolean))
                } else if self.starts_with(b"false") {
                    Some((false, 5, TokenKind::Boolean))
                } else if self.starts_with(b"null") {
                    Some((false, 4, TokenKind::Null))
                } else {
                    None
                };
                if let Some((value, len, kind)) = literal {
                    self.pos += len;
                    let mut t = Token::new(kind, start);
                    t.boolean = value;
                    return t;
                }
                if self.cfg.decode_invalid_numbers != 0 && self.is_invalid_number() {
                    return self.number_token();
                }
                self.error_token("invalid token")
            }
            _ => self.error_token("invalid token"),
        }
    }

    /// Whether the number at `pos` is one strtod accepts but strict JSON
    /// does not: a leading '+', hexadecimal, leading zeros, inf or nan.
    fn is_invalid_number(&self) -> bool {
        let mut p = self.pos;
        if self.byte(p) == b'+' {
            return true;
        }
        if self.byte(p) == b'-' {
            p += 1;
        }
        let c = self.byte(p);
        if c == b'0' {
            let c2 = self.byte(p + 1);
            return (c2 | 0x20) == b'x' || c2.is_ascii_digit();
        }
        if c <= b'9' {
            return false;
        }
        let word = [self.byte(p), self.byte(p + 1), self.byte(p + 2)];
        word.eq_ignore_ascii_case(b"inf") || word.eq_ignore_ascii_case(b"nan")
    }

    fn number_token(&mut self) -> Token {
        let start = self.pos;
        let base = self.data.as_ptr() as *const c_char;
        let mut end: *mut c_char = std::ptr::null_mut();
        // SAFETY: the input is a Lua string, NUL-terminated right after
        // `data`, so strtod stops inside it.
        let value = unsafe { strtod(base.add(start), &mut end) };
        let consumed = (end as usize).wrapping_sub(base as usize);
        if end.is_null() || consumed <= start || consumed > self.data.len() {
            return self.error_token("invalid number");
        }
        self.pos = consumed;
        let mut t = Token::new(TokenKind::Number, start);
        t.number = value;
        t
    }

    /// Makes the decoding buffer: a userdata as long as the input (no
    /// decoded string is longer), which takes the place of the argument on
    /// the stack and keeps the input string alive through its environment.
    /// Needs a free stack slot, which the caller always has for the value
    /// being read (see `descend`).
    unsafe fn make_buffer(&mut self) {
        let l = self.l;
        if ffi::lua_checkstack(l, 3) == 0 {
            return;
        }
        let ud = ffi::lua_newuserdata(l, self.data.len().max(1)) as *mut u8;
        ffi::lua_createtable(l, 1, 0);
        ffi::lua_pushvalue(l, 1);
        ffi::lua_rawseti_(l, -2, 1);
        ffi::lua_setfenv(l, -2);
        ffi::lua_replace(l, 1);
        self.buf = ud;
    }

    unsafe fn push_decoded(&mut self, len: &mut usize, byte: u8) {
        if self.buf.is_null() {
            self.fallback.push(byte);
        } else {
            // A decoded string is never longer than its text in the input.
            *self.buf.add(*len) = byte;
        }
        *len += 1;
    }

    unsafe fn string_token(&mut self) -> Token {
        let start = self.pos;
        self.pos += 1;
        let text_start = self.pos;
        // Strings without escapes are pushed straight from the input.
        loop {
            match self.byte(self.pos) {
                b'"' => {
                    let mut t = Token::new(TokenKind::String, start);
                    t.text = Text::Input(text_start, self.pos);
                    self.pos += 1;
                    return t;
                }
                0 => return self.error_token("unexpected end of string"),
                b'\\' => break,
                _ => self.pos += 1,
            }
        }
        if self.buf.is_null() {
            self.make_buffer();
        }
        self.fallback.clear();
        let mut len = 0usize;
        for i in text_start..self.pos {
            self.push_decoded(&mut len, self.data[i]);
        }
        loop {
            let ch = self.byte(self.pos);
            if ch == b'"' {
                break;
            }
            if ch == 0 {
                return self.error_token("unexpected end of string");
            }
            if ch != b'\\' {
                self.push_decoded(&mut len, ch);
                self.pos += 1;
                continue;
            }
            let decoded = match self.byte(self.pos + 1) {
                b'"' => b'"',
                b'\\' => b'\\',
                b'/' => b'/',
                b'b' => b'\x08',
                b't' => b'\t',
                b'n' => b'\n',
                b'f' => b'\x0c',
                b'r' => b'\r',
                b'u' => {
                    if self.unicode_escape(&mut len) {
                        continue;
                    }
                    return self.error_token("invalid unicode escape code");
                }
                _ => return self.error_token("invalid escape code"),
            };
            self.push_decoded(&mut len, decoded);
            self.pos += 2;
        }
        self.pos += 1;
        let mut t = Token::new(TokenKind::String, start);
        t.text = Text::Decoded(len);
        t
    }

    fn hex4(&self, at: usize) -> Option<u32> {
        let mut value = 0u32;
        for i in 0..4 {
            let digit = (self.byte(at + i) as char).to_digit(16)?;
            value = (value << 4) | digit;
        }
        Some(value)
    }

    /// Decodes `\uXXXX` (or a `\uD8XX\uDCXX` surrogate pair) at `pos` into
    /// UTF-8. Returns false, leaving `pos` alone, when it is invalid.
    unsafe fn unicode_escape(&mut self, len: &mut usize) -> bool {
        let Some(mut cp) = self.hex4(self.pos + 2) else {
            return false;
        };
        let mut escape_len = 6;
        if (cp & 0xF800) == 0xD800 {
            // A surrogate: must be a high one followed by a low one.
            if cp & 0x400 != 0 {
                return false;
            }
            if self.byte(self.pos + 6) != b'\\' || self.byte(self.pos + 7) != b'u' {
                return false;
            }
            let Some(low) = self.hex4(self.pos + 8) else {
                return false;
            };
            if (low & 0xFC00) != 0xDC00 {
                return false;
            }
            cp = (((cp & 0x3FF) << 10) | (low & 0x3FF)) + 0x10000;
            escape_len = 12;
        }
        // The UTF-8 form (at most 4 bytes) is shorter than the escape.
        if cp <= 0x7F {
            self.push_decoded(len, cp as u8);
        } else if cp <= 0x7FF {
            self.push_decoded(len, 0xC0 | (cp >> 6) as u8);
            self.push_decoded(len, 0x80 | (cp & 0x3F) as u8);
        } else if cp <= 0xFFFF {
            self.push_decoded(len, 0xE0 | (cp >> 12) as u8);
            self.push_decoded(len, 0x80 | ((cp >> 6) & 0x3F) as u8);
            self.push_decoded(len, 0x80 | (cp & 0x3F) as u8);
        } else {
            self.push_decoded(len, 0xF0 | (cp >> 18) as u8);
            self.push_decoded(len, 0x80 | ((cp >> 12) & 0x3F) as u8);
            self.push_decoded(len, 0x80 | ((cp >> 6) & 0x3F) as u8);
            self.push_decoded(len, 0x80 | (cp & 0x3F) as u8);
        }
        self.pos += escape_len;
        true
    }

    /// Pushes the text of a string token.
    unsafe fn push_text(&self, token: &Token) {
        match token.text {
            Text::Input(start, end) => push_bytes(self.l, &self.data[start..end]),
            Text::Decoded(len) => {
                if self.buf.is_null() {
                    push_bytes(self.l, &self.fallback);
                } else {
                    ffi::lua_pushlstring_(self.l, self.buf as *const c_char, len);
                }
            }
        }
    }

    fn parse_error(&self, expected: &str, token: &Token) -> Fail {
        let found = if token.kind == TokenKind::Error {
            token.error
        } else {
            token.kind.name()
        };
        Fail::error(format!(
            "Expected {} but found {} at character {}",
            expected,
            found,
            token.index + 1
        ))
    }

    /// Enters a table; `slots` is the stack space it needs (the table, the
    /// key of an object, the value).
    unsafe fn descend(&mut self, slots: c_int) -> LResult<()> {
        self.depth += 1;
        if self.depth <= self.cfg.decode_max_depth && ffi::lua_checkstack(self.l, slots) != 0 {
            return Ok(());
        }
        Err(Fail::error(format!(
            "Found too many nested data structures ({}) at character {}",
            self.depth, self.pos
        )))
    }

    /// Reads an object key and its colon; returns the token of the value.
    unsafe fn object_key(&mut self, token: Token) -> LResult<Token> {
        if token.kind != TokenKind::String {
            return Err(self.parse_error("object key string", &token));
        }
        self.push_text(&token);
        let token = self.next_token();
        if token.kind != TokenKind::Colon {
            return Err(self.parse_error("colon", &token));
        }
        Ok(self.next_token())
    }

    /// Reads the whole text and leaves its value on top of the stack.
    ///
    /// Tables are built on the Lua stack as Redis' recursive parser builds
    /// them: an object has its table and the current key under the value
    /// being read, an array just its table. That is also how the parser
    /// knows what it is in, with no state of its own but the depth.
    unsafe fn parse(&mut self) -> LResult<()> {
        let l = self.l;
        let mut token = self.next_token();
        'value: loop {
            // Push the value that starts with `token`.
            match token.kind {
                TokenKind::String => self.push_text(&token),
                TokenKind::Number => ffi::lua_pushnumber(l, token.number),
                TokenKind::Boolean => ffi::lua_pushboolean(l, token.boolean as c_int),
                TokenKind::Null => ffi::lua_pushlightuserdata(l, std::ptr::null_mut()),
                TokenKind::ObjBegin => {
                    self.descend(3)?;
                    ffi::lua_createtable(l, 0, 0);
                    token = self.next_token();
                    if token.kind != TokenKind::ObjEnd {
                        token = self.object_key(token)?;
                        continue 'value;
                    }
                    self.depth -= 1;
                }
                TokenKind::ArrBegin => {
                    self.descend(2)?;
                    ffi::lua_createtable(l, 0, 0);
                    token = self.next_token();
                    if token.kind != TokenKind::ArrEnd {
                        continue 'value;
                    }
                    self.depth -= 1;
                }
                _ => return Err(self.parse_error("value", &token)),
            }
            // A value is complete: store it in its table, and close the
            // tables that are complete too.
            loop {
                if self.depth == 0 {
                    break 'value;
                }
                if ffi::lua_type(l, -2) == ffi::LUA_TSTRING {
                    // In an object: table, key, value.
                    ffi::lua_rawset(l, -3);
                    token = self.next_token();
                    if token.kind == TokenKind::ObjEnd {
                        self.depth -= 1;
                        continue;
                    }
                    if token.kind != TokenKind::Comma {
                        return Err(self.parse_error("comma or object end", &token));
                    }
                    token = self.next_token();
                    token = self.object_key(token)?;
                    continue 'value;
                }
                // In an array: table, value. Values are never nil (null is
                // a light userdata), so the length is the count so far.
                let index = ffi::lua_objlen(l, -2) as c_int + 1;
                ffi::lua_rawseti_(l, -2, index);
                token = self.next_token();
                if token.kind == TokenKind::ArrEnd {
                    self.depth -= 1;
                    continue;
                }
                if token.kind != TokenKind::Comma {
                    return Err(self.parse_error("comma or array end", &token));
                }
                token = self.next_token();
                continue 'value;
            }
        }
        let token = self.next_token();
        if token.kind != TokenKind::End {
            return Err(self.parse_error("the end", &token));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    //! Each case is a Lua snippet and what redis-server 7.0.15 answered for
    //! it (see `testutil`): the results of `pcall(function() <snippet> end)`,
    //! serialized, errors included.

    use super::super::testutil::check_cases;

    /// The `cjson` snippets of Redis' own test suite (tests/unit/scripting.tcl, functions.tcl).
    const REDIS_TEST_SUITE: &[(&str, &str)] = &[
        (
            r##"return table.concat(cjson.decode("[0.0, -5e3, -1, 0.3e-3, 1023.2, 0e10]"), " ")"##,
            r##"true "0 -5000 -1 0.0003 1023.2 0""##,
        ),
        (
            r##"local decoded = cjson.decode('{"keya": "a", "keyb": "b"}') return {decoded.keya, decoded.keyb}"##,
            r##"true {[1]="a",[2]="b"}"##,
        ),
        (
            r##"local some_map = { s1="Some string", n1=100, a1={"Some","String","Array"}, nil1=nil, b1=true, b2=false} local encoded = cjson.encode(some_map) local decoded = cjson.decode(encoded) assert(table.concat(some_map) == table.concat(decoded)) cjson.encode_keep_buffer(false) encoded = cjson.encode(some_map) decoded = cjson.decode(encoded) assert(table.concat(some_map) == table.concat(decoded)) local table1 = {one="one", [1]="one"} encoded = cjson.encode(table1) decoded = cjson.decode(encoded) assert(decoded["one"] == table1["one"]) assert(decoded["1"] == table1[1]) local array1 = {[1]="one", [2]="two"} encoded = cjson.encode(array1) decoded = cjson.decode(encoded) assert(table.concat(array1) == table.concat(decoded)) local invalid_map = {} invalid_map[false] = "false" local ok, encoded = pcall(cjson.encode, invalid_map) assert(ok == false) cjson.encode_max_depth(1) ok, encoded = pcall(cjson.encode, some_map) assert(ok == false) cjson.decode_max_depth(1) ok, decoded = pcall(cjson.decode, '{"obj": {"array": [1,2,3,4]}}') assert(ok == false) ok, encoded = pcall(cjson.encode, {num1=0/0}) assert(ok == false) cjson.encode_invalid_numbers(true) ok, encoded = pcall(cjson.encode, {num1=0/0}) assert(ok == true) cjson.decode_max_depth(1000) cjson.encode_max_depth(1000) cjson.encode_invalid_numbers(false)"##,
            r##"true"##,
        ),
        (
            r##"local some_map = { s1="Some string", n1=100, a1={"Some","String","Array"}, nil1=nil, b1=true, b2=false} return cjson.encode(some_map), select(2, pcall(cjson.encode, {[false]="false"})), select(2, pcall(cjson.decode, '{"obj": {"array": [1,2,3,4]}}'))"##,
            r##"true "{"n1":100,"s1":"Some string","b1":true,"a1":["Some","String","Array"],"b2":false}" "Cannot serialise boolean: table key must be a number or string" {["obj"]={["array"]={[1]=1,[2]=2,[3]=3,[4]=4}}}"##,
        ),
    ];

    /// Hand-picked edge cases: limits, conversions, error messages.
    const EDGE_CASES: &[(&str, &str)] = &[
        (
            r##"return cjson.encode({1,2,{a=3}})"##,
            r##"true "[1,2,{"a":3}]""##,
        ),
        (
            r##"return cjson.encode(1/0)"##,
            r##"false "user_script:25: Cannot serialise number: must not be NaN or Inf""##,
        ),
        (
            r##"return cjson.encode(-1/0)"##,
            r##"false "user_script:25: Cannot serialise number: must not be NaN or Inf""##,
        ),
        (
            r##"return cjson.encode(0/0)"##,
            r##"false "user_script:25: Cannot serialise number: must not be NaN or Inf""##,
        ),
        (
            r##"return cjson.encode(-0), cjson.encode(0), cjson.encode(1), cjson.encode(-1), cjson.encode(2^53), cjson.encode(2^63), cjson.encode(1e15), cjson.encode(1e14), cjson.encode(123456789012345)"##,
            r##"true "-0" "-0" "1" "-1" "9.007199254741e+15" "9.2233720368548e+18" "1e+15" "1e+14" "1.2345678901234e+14""##,
        ),
        (
            r##"return cjson.encode(1e300), cjson.encode(123456789012345678), cjson.encode(0.1), cjson.encode(-1.5e-7), cjson.encode(1/3), cjson.encode(5e-324), cjson.encode(1.7976931348623157e308), cjson.encode(100), cjson.encode(0.00001), cjson.encode(0.0001)"##,
            r##"true "1e+300" "1.2345678901235e+17" "0.1" "-1.5e-07" "0.33333333333333" "4.9406564584125e-324" "1.7976931348623e+308" "100" "1e-05" "0.0001""##,
        ),
        (
            r##"return cjson.encode({[1]=1,[3]=3})"##,
            r##"true "[1,null,3]""##,
        ),
        (
            r##"return cjson.encode({[1]=1,[20]=3})"##,
            r##"false "user_script:25: Cannot serialise table: excessively sparse array""##,
        ),
        (
            r##"return cjson.encode({[1]=1,[10]=3}), cjson.encode({[11]=1}), cjson.encode({[1]=1,[2]=2,[11]=3})"##,
            r##"false "user_script:25: Cannot serialise table: excessively sparse array""##,
        ),
        (
            r##"return cjson.encode({[1]=1,[2]=2,[3]=3,[4]=4,[5]=5,[6]=6,[7]=7,[8]=8,[9]=9,[10]=10,[11]=11,[23]=1})"##,
            r##"true "[1,2,3,4,5,6,7,8,9,10,11,null,null,null,null,null,null,null,null,null,null,null,1]""##,
        ),
        (
            r##"return cjson.encode({[1]=1,[2]=2,[3]=3,[4]=4,[5]=5,[6]=6,[7]=7,[8]=8,[9]=9,[10]=10,[11]=11,[22]=1})"##,
            r##"true "[1,2,3,4,5,6,7,8,9,10,11,null,null,null,null,null,null,null,null,null,null,1]""##,
        ),
        (
            r##"return cjson.encode({[2^31]=1})"##,
            r##"true "{"2147483648":1}""##,
        ),
        (
            r##"return cjson.encode({[1e300]=1})"##,
            r##"true "{"1e+300":1}""##,
        ),
        (
            r##"return cjson.encode({[1.5]=1})"##,
            r##"true "{"1.5":1}""##,
        ),
        (r##"return cjson.encode({[-1]=1})"##, r##"true "{"-1":1}""##),
        (r##"return cjson.encode({[0]=1})"##, r##"true "{"0":1}""##),
        (
            r##"return cjson.encode({[1/0]=1})"##,
            r##"false "user_script:25: Cannot serialise number: must not be NaN or Inf""##,
        ),
        (
            r##"return cjson.encode({[-1/0]=1})"##,
            r##"false "user_script:25: Cannot serialise number: must not be NaN or Inf""##,
        ),
        (
            r##"return cjson.encode("a/b\"\\\0\1\127\128\255\n\t\r\b\f\31 ~")"##,
            r##"true ""a\/b\"\\\u0000\u0001\u007f\x80\xff\n\t\r\b\f\u001f ~"""##,
        ),
        (
            r##"return cjson.encode(function() end)"##,
            r##"false "user_script:25: Cannot serialise function: type not supported""##,
        ),
        (
            r##"return cjson.encode(coroutine.create(function() end))"##,
            r##"false "user_script:25: Cannot serialise thread: type not supported""##,
        ),
        (
            r##"return cjson.encode({[true]=1})"##,
            r##"false "user_script:25: Cannot serialise boolean: table key must be a number or string""##,
        ),
        (
            r##"return cjson.encode({[{}]=1})"##,
            r##"false "user_script:25: Cannot serialise table: table key must be a number or string""##,
        ),
        (
            r##"return cjson.encode({a={[false]=1}})"##,
            r##"false "user_script:25: Cannot serialise boolean: table key must be a number or string""##,
        ),
        (
            r##"return cjson.encode(cjson.null), cjson.encode(nil), cjson.encode(true), cjson.encode(false), cjson.encode({}), cjson.encode({{}}), cjson.encode({a={}})"##,
            r##"true "null" "null" "true" "false" "{}" "[{}]" "{"a":{}}""##,
        ),
        (
            r##"return cjson.encode({1, nil, 3})"##,
            r##"true "[1,null,3]""##,
        ),
        (
            r##"return cjson.encode({nil, nil, 3})"##,
            r##"true "[null,null,3]""##,
        ),
        (
            r##"return cjson.encode({n=cjson.null, t={cjson.null, false}})"##,
            r##"true "{"t":[null,false],"n":null}""##,
        ),
        (
            r##"return cjson.encode()"##,
            r##"false "user_script:25: bad argument #1 to 'encode' (expected 1 argument)""##,
        ),
        (
            r##"return cjson.encode(1,2)"##,
            r##"false "user_script:25: bad argument #1 to 'encode' (expected 1 argument)""##,
        ),
        (r##"return cjson.encode("")"##, r##"true """""##),
        (
            r##"return cjson.encode(123), cjson.encode("123")"##,
            r##"true "123" ""123"""##,
        ),
        (
            r##"return cjson.encode({["a b"]="c", ["\0"]="\0"})"##,
            r##"true "{"a b":"c","\u0000":"\u0000"}""##,
        ),
        (
            r##"return cjson.encode({[1]="a", x="b"})"##,
            r##"true "{"1":"a","x":"b"}""##,
        ),
        (
            r##"return cjson.encode({1, 2, 3, x=4})"##,
            r##"true "{"1":1,"2":2,"3":3,"x":4}""##,
        ),
        (
            r##"return cjson.encode({x=1, [2]=3})"##,
            r##"true "{"2":3,"x":1}""##,
        ),
        (
            r##"return cjson.encode_max_depth(1), cjson.encode({1})"##,
            r##"true 1 "[1]""##,
        ),
        (
            r##"return cjson.encode_max_depth(1), cjson.encode({{1}})"##,
            r##"false "user_script:25: Cannot serialise, excessive nesting (2)""##,
        ),
        (
            r##"return cjson.encode_max_depth(2), cjson.encode({{1}}), cjson.encode({{{1}}})"##,
            r##"false "user_script:25: Cannot serialise, excessive nesting (3)""##,
        ),
        (
            r##"return cjson.encode_max_depth(2), cjson.encode({a={b={}}})"##,
            r##"false "user_script:25: Cannot serialise, excessive nesting (3)""##,
        ),
        (
            r##"return cjson.encode_max_depth(0)"##,
            r##"false "user_script:25: bad argument #1 to 'encode_max_depth' (expected integer between 1 and 2147483647)""##,
        ),
        (
            r##"return cjson.encode_max_depth(-5)"##,
            r##"false "user_script:25: bad argument #1 to 'encode_max_depth' (expected integer between 1 and 2147483647)""##,
        ),
        (
            r##"return cjson.encode_max_depth('x')"##,
            r##"false "user_script:25: bad argument #1 to 'encode_max_depth' (number expected, got string)""##,
        ),
        (
            r##"return cjson.encode_max_depth('7'), cjson.encode_max_depth()"##,
            r##"true 7 7"##,
        ),
        (
            r##"return cjson.encode_max_depth(7.9), cjson.encode_max_depth()"##,
            r##"true 7 7"##,
        ),
        (
            r##"return cjson.encode_max_depth(2^32 + 3), cjson.encode_max_depth()"##,
            r##"true 3 3"##,
        ),
        (
            r##"return cjson.encode_max_depth(1, 2)"##,
            r##"false "user_script:25: bad argument #2 to 'encode_max_depth' (found too many arguments)""##,
        ),
        (
            r##"return cjson.encode_max_depth(nil), cjson.encode_max_depth()"##,
            r##"true 1000 1000"##,
        ),
        (
            r##"return cjson.encode_max_depth(2^31)"##,
            r##"false "user_script:25: bad argument #1 to 'encode_max_depth' (expected integer between 1 and 2147483647)""##,
        ),
        (
            r##"return cjson.encode_max_depth(2^31 - 1)"##,
            r##"true 2147483647"##,
        ),
        (
            r##"return cjson.decode_max_depth(1), cjson.decode('[1]')"##,
            r##"true 1 {[1]=1}"##,
        ),
        (
            r##"return cjson.decode_max_depth(1), cjson.decode('[[1]]')"##,
            r##"false "user_script:25: Found too many nested data structures (2) at character 2""##,
        ),
        (
            r##"return cjson.decode_max_depth(2), cjson.decode('{"a":{"b":1}}')"##,
            r##"true 2 {["a"]={["b"]=1}}"##,
        ),
        (
            r##"return cjson.decode_max_depth(2), cjson.decode('{"a":{"b":[1]}}')"##,
            r##"false "user_script:25: Found too many nested data structures (3) at character 11""##,
        ),
        (
            r##"return cjson.decode_max_depth(0)"##,
            r##"false "user_script:25: bad argument #1 to 'decode_max_depth' (expected integer between 1 and 2147483647)""##,
        ),
        (
            r##"return cjson.encode_number_precision(3), cjson.encode(3.14159), cjson.encode(1234567), cjson.encode(0.5), cjson.encode({[3.14159]=1})"##,
            r##"true 3 "3.14" "1.23e+06" "0.5" "{"3.14":1}""##,
        ),
        (
            r##"return cjson.encode_number_precision(1), cjson.encode(3.14159), cjson.encode(15), cjson.encode(0.25)"##,
            r##"true 1 "3" "2e+01" "0.2""##,
        ),
        (
            r##"return cjson.encode_number_precision(14), cjson.encode_number_precision()"##,
            r##"true 14 14"##,
        ),
        (
            r##"return cjson.encode_number_precision(15)"##,
            r##"false "user_script:25: bad argument #1 to 'encode_number_precision' (expected integer between 1 and 14)""##,
        ),
        (
            r##"return cjson.encode_number_precision(0)"##,
            r##"false "user_script:25: bad argument #1 to 'encode_number_precision' (expected integer between 1 and 14)""##,
        ),
        (
            r##"return cjson.encode_number_precision(10), cjson.encode(2/3), cjson.encode(12345678901)"##,
            r##"true 10 "0.6666666667" "1.23456789e+10""##,
        ),
        (
            r##"return cjson.encode_invalid_numbers(true), cjson.encode(1/0), cjson.encode(-1/0), cjson.encode(0/0), cjson.encode({[1/0]=1})"##,
            r##"true true "inf" "-inf" "nan" "{"inf":1}""##,
        ),
        (
            r##"return cjson.encode_invalid_numbers("null"), cjson.encode(1/0), cjson.encode(-1/0), cjson.encode(0/0), cjson.encode({[1/0]=1}), cjson.encode({1/0})"##,
            r##"true "null" "null" "null" "null" "{"null":1}" "[null]""##,
        ),
        (
            r##"return cjson.encode_invalid_numbers("on"), cjson.encode_invalid_numbers()"##,
            r##"true true true"##,
        ),
        (
            r##"return cjson.encode_invalid_numbers("off"), cjson.encode_invalid_numbers()"##,
            r##"true false false"##,
        ),
        (
            r##"return cjson.encode_invalid_numbers("maybe")"##,
            r##"false "user_script:25: bad argument #1 to 'encode_invalid_numbers' (invalid option 'maybe')""##,
        ),
        (
            r##"return cjson.encode_invalid_numbers(1)"##,
            r##"false "user_script:25: bad argument #1 to 'encode_invalid_numbers' (invalid option '1')""##,
        ),
        (
            r##"return cjson.encode_invalid_numbers({})"##,
            r##"false "user_script:25: bad argument #1 to 'encode_invalid_numbers' (string expected, got table)""##,
        ),
        (
            r##"return cjson.encode_invalid_numbers(false), cjson.encode_invalid_numbers()"##,
            r##"true false false"##,
        ),
        (
            r##"return cjson.decode_invalid_numbers(false), cjson.decode_invalid_numbers()"##,
            r##"true false false"##,
        ),
        (
            r##"return cjson.decode_invalid_numbers(false), cjson.decode('0x10')"##,
            r##"false "user_script:25: Expected value but found invalid number at character 1""##,
        ),
        (
            r##"return cjson.decode_invalid_numbers(false), cjson.decode('inf')"##,
            r##"false "user_script:25: Expected value but found invalid token at character 1""##,
        ),
        (
            r##"return cjson.decode_invalid_numbers(false), cjson.decode('-inf')"##,
            r##"false "user_script:25: Expected value but found invalid number at character 1""##,
        ),
        (
            r##"return cjson.decode_invalid_numbers(false), cjson.decode('nan')"##,
            r##"false "user_script:25: Expected value but found invalid token at character 1""##,
        ),
        (
            r##"return cjson.decode_invalid_numbers(false), cjson.decode('+1')"##,
            r##"false "user_script:25: Expected value but found invalid token at character 1""##,
        ),
        (
            r##"return cjson.decode_invalid_numbers(false), cjson.decode('01')"##,
            r##"false "user_script:25: Expected value but found invalid number at character 1""##,
        ),
        (
            r##"return cjson.decode_invalid_numbers(false), cjson.decode('-01')"##,
            r##"false "user_script:25: Expected value but found invalid number at character 1""##,
        ),
        (
            r##"return cjson.decode_invalid_numbers(false), cjson.decode('0'), cjson.decode('-0'), cjson.decode('0.5'), cjson.decode('-1e3')"##,
            r##"true false 0 -0 0.5 -1000"##,
        ),
        (
            r##"return cjson.decode_invalid_numbers(false), cjson.decode('Infinity')"##,
            r##"false "user_script:25: Expected value but found invalid token at character 1""##,
        ),
        (
            r##"return cjson.decode_invalid_numbers(false), cjson.decode('[1,-Infinity]')"##,
            r##"false "user_script:25: Expected value but found invalid number at character 4""##,
        ),
        (
            r##"return cjson.decode_invalid_numbers(false), cjson.decode('-')"##,
            r##"false "user_script:25: Expected value but found invalid number at character 1""##,
        ),
        (
            r##"return cjson.decode_invalid_numbers('on'), cjson.decode_invalid_numbers()"##,
            r##"true true true"##,
        ),
        (
            r##"return cjson.decode_invalid_numbers('null')"##,
            r##"false "user_script:25: bad argument #1 to 'decode_invalid_numbers' (invalid option 'null')""##,
        ),
        (
            r##"return cjson.encode_keep_buffer(false), cjson.encode({1}), cjson.encode_keep_buffer(), cjson.encode_keep_buffer(true), cjson.encode({2})"##,
            r##"true false "[1]" false true "[2]""##,
        ),
        (
            r##"return cjson.encode_keep_buffer('off'), cjson.encode_keep_buffer('on')"##,
            r##"true false true"##,
        ),
        (
            r##"return cjson.encode_keep_buffer(1)"##,
            r##"false "user_script:25: bad argument #1 to 'encode_keep_buffer' (invalid option '1')""##,
        ),
        (
            r##"return cjson.encode_sparse_array(true), cjson.encode({[1]=1,[20]=3}), cjson.encode_sparse_array()"##,
            r##"true true "{"1":1,"20":3}" true 2 10"##,
        ),
        (
            r##"return cjson.encode_sparse_array(false, 1, 0), cjson.encode({[1]=1,[2]=2})"##,
            r##"true false "[1,2]""##,
        ),
        (
            r##"return cjson.encode_sparse_array(false, 1, 0), cjson.encode({[1]=1,[3]=2})"##,
            r##"false "user_script:25: Cannot serialise table: excessively sparse array""##,
        ),
        (
            r##"return cjson.encode_sparse_array(true, 1, 0), cjson.encode({[1]=1,[3]=2})"##,
            r##"true true "{"1":1,"3":2}""##,
        ),
        (
            r##"return cjson.encode_sparse_array(nil, 3, 50), cjson.encode_sparse_array()"##,
            r##"true false false 3 50"##,
        ),
        (
            r##"return cjson.encode_sparse_array(nil, -1)"##,
            r##"false "user_script:25: bad argument #1 to 'encode_sparse_array' (expected integer between 0 and 2147483647)""##,
        ),
        (
            r##"return cjson.encode_sparse_array(nil, nil, -1)"##,
            r##"false "user_script:25: bad argument #1 to 'encode_sparse_array' (expected integer between 0 and 2147483647)""##,
        ),
        (
            r##"return cjson.encode_sparse_array(1, 2, 3, 4)"##,
            r##"false "user_script:25: bad argument #4 to 'encode_sparse_array' (found too many arguments)""##,
        ),
        (
            r##"return cjson.encode_sparse_array('on', 'x')"##,
            r##"false "user_script:25: bad argument #2 to 'encode_sparse_array' (number expected, got string)""##,
        ),
        (
            r##"return cjson.encode_sparse_array('on', 2^31)"##,
            r##"false "user_script:25: bad argument #1 to 'encode_sparse_array' (expected integer between 0 and 2147483647)""##,
        ),
        (
            r##"return cjson.encode_sparse_array('yes')"##,
            r##"false "user_script:25: bad argument #1 to 'encode_sparse_array' (invalid option 'yes')""##,
        ),
        (
            r##"return cjson.decode('"\\ud83d\\ude00"'), cjson.decode('"\\u20AC"'), cjson.decode('"\\u0041\\u00e9"'), cjson.decode('"\\uDBFF\\uDFFF"')"##,
            r##"true "\xf0\x9f\x98\x80" "\xe2\x82\xac" "A\xc3\xa9" "\xf4\x8f\xbf\xbf""##,
        ),
        (
            r##"return cjson.decode('"\\ud83d"')"##,
            r##"false "user_script:25: Expected value but found invalid unicode escape code at character 2""##,
        ),
        (
            r##"return cjson.decode('"\\ude00"')"##,
            r##"false "user_script:25: Expected value but found invalid unicode escape code at character 2""##,
        ),
        (
            r##"return cjson.decode('"\\ud83d\\u0041"')"##,
            r##"false "user_script:25: Expected value but found invalid unicode escape code at character 2""##,
        ),
        (
            r##"return cjson.decode('"\\ud83dx"')"##,
            r##"false "user_script:25: Expected value but found invalid unicode escape code at character 2""##,
        ),
        (
            r##"return cjson.decode('"\\u12"')"##,
            r##"false "user_script:25: Expected value but found invalid unicode escape code at character 2""##,
        ),
        (
            r##"return cjson.decode('"\\u12g4"')"##,
            r##"false "user_script:25: Expected value but found invalid unicode escape code at character 2""##,
        ),
        (
            r##"return cjson.decode('"ab\\u00"')"##,
            r##"false "user_script:25: Expected value but found invalid unicode escape code at character 4""##,
        ),
        (
            r##"return cjson.decode('"a\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti"')"##,
            r##"true "a"b\c/d\x08e\x0cf\x0ag\x0dh\x09i""##,
        ),
        (
            r##"return cjson.decode('"\\\'"')"##,
            r##"false "user_script:25: Expected value but found invalid escape code at character 2""##,
        ),
        (
            r##"return cjson.decode('"\\')"##,
            r##"false "user_script:25: Expected value but found invalid escape code at character 2""##,
        ),
        (
            r##"return cjson.decode('"abc\\"')"##,
            r##"false "user_script:25: Expected value but found unexpected end of string at character 7""##,
        ),
        (
            r##"return cjson.decode('"\1\2\31\127\128\255"')"##,
            r##"true "\x01\x02\x1f\x7f\x80\xff""##,
        ),
        (r##"return cjson.decode('"\n"')"##, r##"true "\x0a""##),
        (
            r##"return cjson.decode('0x10'), cjson.decode('-0x10'), cjson.decode('1e5'), cjson.decode('inf'), cjson.decode('-Infinity'), cjson.decode('nan'), cjson.decode('NaN'), cjson.decode('INF'), cjson.decode('0x1p4'), cjson.decode('0X1A')"##,
            r##"true 16 -16 100000 inf -inf nan nan inf 16 26"##,
        ),
        (
            r##"return cjson.decode('+1'), cjson.decode('01'), cjson.decode('-0'), cjson.decode('1E2'), cjson.decode('1e+2'), cjson.decode('1e-2'), cjson.decode('  12  ')"##,
            r##"true 1 1 -0 100 100 0.01 12"##,
        ),
        (
            r##"return cjson.decode('nano')"##,
            r##"false "user_script:25: Expected the end but found invalid token at character 4""##,
        ),
        (
            r##"return cjson.decode('infinit')"##,
            r##"false "user_script:25: Expected the end but found invalid token at character 4""##,
        ),
        (
            r##"return cjson.decode('infinity'), cjson.decode('-nan'), cjson.decode('nan(123)')"##,
            r##"true inf nan nan"##,
        ),
        (
            r##"return cjson.decode('1e400'), cjson.decode('-1e400'), cjson.decode('1e-400'), cjson.decode('123456789012345678901234567890')"##,
            r##"true inf -inf 0 1.2345678901234568e+29"##,
        ),
        (
            r##"return cjson.decode('0.1'), cjson.decode('2.2250738585072011e-308'), cjson.decode('4.9e-324'), cjson.decode('0.30000000000000004')"##,
            r##"true 0.10000000000000001 2.2250738585072009e-308 4.9406564584124654e-324 0.30000000000000004"##,
        ),
        (
            r##"return cjson.decode('[1,2')"##,
            r##"false "user_script:25: Expected comma or array end but found T_END at character 5""##,
        ),
        (
            r##"return cjson.decode('[1,2,]')"##,
            r##"false "user_script:25: Expected value but found T_ARR_END at character 6""##,
        ),
        (
            r##"return cjson.decode('[,]')"##,
            r##"false "user_script:25: Expected value but found T_COMMA at character 2""##,
        ),
        (
            r##"return cjson.decode('[1 2]')"##,
            r##"false "user_script:25: Expected comma or array end but found T_NUMBER at character 4""##,
        ),
        (
            r##"return cjson.decode('{"a":1,}')"##,
            r##"false "user_script:25: Expected object key string but found T_OBJ_END at character 8""##,
        ),
        (
            r##"return cjson.decode('{"a" 1}')"##,
            r##"false "user_script:25: Expected colon but found T_NUMBER at character 6""##,
        ),
        (
            r##"return cjson.decode('{"a":}')"##,
            r##"false "user_script:25: Expected value but found T_OBJ_END at character 6""##,
        ),
        (
            r##"return cjson.decode('{"a":1 "b":2}')"##,
            r##"false "user_script:25: Expected comma or object end but found T_STRING at character 8""##,
        ),
        (
            r##"return cjson.decode('{1:2}')"##,
            r##"false "user_script:25: Expected object key string but found T_NUMBER at character 2""##,
        ),
        (
            r##"return cjson.decode('{"a":1')"##,
            r##"false "user_script:25: Expected comma or object end but found T_END at character 7""##,
        ),
        (
            r##"return cjson.decode('{')"##,
            r##"false "user_script:25: Expected object key string but found T_END at character 2""##,
        ),
        (
            r##"return cjson.decode('{"a"')"##,
            r##"false "user_script:25: Expected colon but found T_END at character 5""##,
        ),
        (
            r##"return cjson.decode(']')"##,
            r##"false "user_script:25: Expected value but found T_ARR_END at character 1""##,
        ),
        (
            r##"return cjson.decode('}')"##,
            r##"false "user_script:25: Expected value but found T_OBJ_END at character 1""##,
        ),
        (
            r##"return cjson.decode(':')"##,
            r##"false "user_script:25: Expected value but found T_COLON at character 1""##,
        ),
        (
            r##"return cjson.decode(',')"##,
            r##"false "user_script:25: Expected value but found T_COMMA at character 1""##,
        ),
        (
            r##"return cjson.decode('nul')"##,
            r##"false "user_script:25: Expected value but found invalid token at character 1""##,
        ),
        (
            r##"return cjson.decode('tru')"##,
            r##"false "user_script:25: Expected value but found invalid token at character 1""##,
        ),
        (
            r##"return cjson.decode('fals')"##,
            r##"false "user_script:25: Expected value but found invalid token at character 1""##,
        ),
        (
            r##"return cjson.decode('truex')"##,
            r##"false "user_script:25: Expected the end but found invalid token at character 5""##,
        ),
        (
            r##"return cjson.decode('TRUE')"##,
            r##"false "user_script:25: Expected value but found invalid token at character 1""##,
        ),
        (
            r##"return cjson.decode('\0a')"##,
            r##"false "user_script:25: JSON parser does not support UTF-16 or UTF-32""##,
        ),
        (
            r##"return cjson.decode('a\0')"##,
            r##"false "user_script:25: JSON parser does not support UTF-16 or UTF-32""##,
        ),
        (
            r##"return cjson.decode('1\0abc')"##,
            r##"false "user_script:25: JSON parser does not support UTF-16 or UTF-32""##,
        ),
        (r##"return cjson.decode('12\0abc')"##, r##"true 12"##),
        (r##"return cjson.decode('[1]\0xyz')"##, r##"true {[1]=1}"##),
        (
            r##"return cjson.decode('"abc')"##,
            r##"false "user_script:25: Expected value but found unexpected end of string at character 5""##,
        ),
        (
            r##"return cjson.decode('"a\0bc"')"##,
            r##"false "user_script:25: Expected value but found unexpected end of string at character 3""##,
        ),
        (
            r##"return cjson.decode('"\\x"')"##,
            r##"false "user_script:25: Expected value but found invalid escape code at character 2""##,
        ),
        (
            r##"return cjson.decode('  true  '), cjson.decode('\t\r\n false'), cjson.decode('null')"##,
            r##"true true false NULL"##,
        ),
        (
            r##"return cjson.decode('1 2')"##,
            r##"false "user_script:25: Expected the end but found T_NUMBER at character 3""##,
        ),
        (
            r##"return cjson.decode('')"##,
            r##"false "user_script:25: Expected value but found T_END at character 1""##,
        ),
        (
            r##"return cjson.decode(' ')"##,
            r##"false "user_script:25: Expected value but found T_END at character 2""##,
        ),
        (
            r##"return cjson.decode('\f1')"##,
            r##"false "user_script:25: Expected value but found invalid token at character 1""##,
        ),
        (
            r##"return cjson.decode('\v1')"##,
            r##"false "user_script:25: Expected value but found invalid token at character 1""##,
        ),
        (
            r##"return cjson.decode(123), cjson.decode(1.5)"##,
            r##"true 123 1.5"##,
        ),
        (
            r##"return cjson.decode({})"##,
            r##"false "user_script:25: bad argument #1 to 'decode' (string expected, got table)""##,
        ),
        (
            r##"return cjson.decode()"##,
            r##"false "user_script:25: bad argument #1 to 'decode' (expected 1 argument)""##,
        ),
        (
            r##"return cjson.decode(nil)"##,
            r##"false "user_script:25: bad argument #1 to 'decode' (string expected, got nil)""##,
        ),
        (
            r##"return cjson.decode('1', 2)"##,
            r##"false "user_script:25: bad argument #1 to 'decode' (expected 1 argument)""##,
        ),
        (
            r##"return cjson.decode('"\\u00e9\\u0000"')"##,
            r##"true "\xc3\xa9\x00""##,
        ),
        (
            r##"return cjson.decode('-')"##,
            r##"false "user_script:25: Expected value but found invalid number at character 1""##,
        ),
        (
            r##"return cjson.decode('-a')"##,
            r##"false "user_script:25: Expected value but found invalid number at character 1""##,
        ),
        (
            r##"return cjson.decode('- 1')"##,
            r##"false "user_script:25: Expected value but found invalid number at character 1""##,
        ),
        (
            r##"return cjson.decode('0x')"##,
            r##"false "user_script:25: Expected the end but found invalid token at character 2""##,
        ),
        (r##"return cjson.decode('1.')"##, r##"true 1"##),
        (
            r##"return cjson.decode('1e')"##,
            r##"false "user_script:25: Expected the end but found invalid token at character 2""##,
        ),
        (
            r##"return cjson.decode('.5')"##,
            r##"false "user_script:25: Expected value but found invalid token at character 1""##,
        ),
        (r##"return cjson.decode('[-.5]')"##, r##"true {[1]=-0.5}"##),
        (
            r##"return cjson.decode('\128')"##,
            r##"false "user_script:25: Expected value but found invalid token at character 1""##,
        ),
        (
            r##"return cjson.decode('x')"##,
            r##"false "user_script:25: Expected value but found invalid token at character 1""##,
        ),
        (
            r##"return cjson.decode('{"a":[1,2,{"b":null}],"c":"d","e":true,"f":false,"g":1.5}')"##,
            r##"true {["a"]={[1]=1,[2]=2,[3]={["b"]=NULL}},["c"]="d",["e"]=true,["f"]=false,["g"]=1.5}"##,
        ),
        (
            r##"return cjson.decode('{"a":1,"a":2}')"##,
            r##"true {["a"]=2}"##,
        ),
        (
            r##"return cjson.decode('[null,null,3]')"##,
            r##"true {[1]=NULL,[2]=NULL,[3]=3}"##,
        ),
        (
            r##"return cjson.decode('[[],{},[{}]]')"##,
            r##"true {[1]={},[2]={},[3]={[1]={}}}"##,
        ),
        (
            r##"return cjson.decode('[1,[2,[3,[4]]]]')"##,
            r##"true {[1]=1,[2]={[1]=2,[2]={[1]=3,[2]={[1]=4}}}}"##,
        ),
        (r##"return cjson.decode('{"":1}')"##, r##"true {[""]=1}"##),
        (
            r##"return cjson.decode('"\\u0000abc"')"##,
            r##"true "\x00abc""##,
        ),
        (
            r##"return #cjson.decode(string.rep('[', 999) .. string.rep(']', 999))"##,
            r##"true 1"##,
        ),
        (
            r##"return #cjson.decode(string.rep('[', 1000) .. string.rep(']', 1000))"##,
            r##"true 1"##,
        ),
        (
            r##"return #cjson.decode(string.rep('[', 1001) .. string.rep(']', 1001))"##,
            r##"false "user_script:25: Found too many nested data structures (1001) at character 1001""##,
        ),
        (
            r##"return cjson.decode(string.rep('[', 1001))"##,
            r##"false "user_script:25: Found too many nested data structures (1001) at character 1001""##,
        ),
        (
            r##"return cjson.decode(string.rep('{"a":', 1001))"##,
            r##"false "user_script:25: Found too many nested data structures (1001) at character 5001""##,
        ),
        (
            r##"return cjson.decode(string.rep('{"a":', 1000))"##,
            r##"false "user_script:25: Expected value but found T_END at character 5001""##,
        ),
        (
            r##"return cjson.decode_max_depth(100000), #cjson.decode(string.rep('[', 7990) .. string.rep(']', 7990))"##,
            r##"true 100000 1"##,
        ),
        (
            r##"return cjson.decode_max_depth(100000), #cjson.decode(string.rep('[', 7998) .. string.rep(']', 7998))"##,
            r##"true 100000 1"##,
        ),
        (
            r##"return cjson.decode_max_depth(100000), #cjson.decode(string.rep('[', 7999) .. string.rep(']', 7999))"##,
            r##"false "user_script:25: Found too many nested data structures (7999) at character 7999""##,
        ),
        (
            r##"return cjson.decode_max_depth(100000), #cjson.decode(string.rep('[', 8000) .. string.rep(']', 8000))"##,
            r##"false "user_script:25: Found too many nested data structures (7999) at character 7999""##,
        ),
        (
            r##"return cjson.decode_max_depth(100000), cjson.decode(string.rep('{"a":', 3999) .. '1' .. string.rep('}', 3999)) ~= nil"##,
            r##"true 100000 true"##,
        ),
        (
            r##"return cjson.decode_max_depth(100000), cjson.decode(string.rep('{"a":', 4000) .. '1' .. string.rep('}', 4000)) ~= nil"##,
            r##"false "user_script:25: Found too many nested data structures (4000) at character 19996""##,
        ),
        (
            r##"return cjson.decode_max_depth(100000), cjson.decode(string.rep('{"a":', 4001) .. '1' .. string.rep('}', 4001)) ~= nil"##,
            r##"false "user_script:25: Found too many nested data structures (4000) at character 19996""##,
        ),
        (
            r##"return cjson.decode(cjson.encode({a={1,2,{b="c"}}, d="e\0f"}))"##,
            r##"true {["a"]={[1]=1,[2]=2,[3]={["b"]="c"}},["d"]="e\x00f"}"##,
        ),
        (
            r##"return cjson.decode(cjson.encode("\0\1\2\127\255/\\\""))"##,
            r##"true "\x00\x01\x02\x7f\xff/\"""##,
        ),
        (
            r##"return cjson.decode('[1.5, 2, "x", true, null]')[5] == cjson.null"##,
            r##"true true"##,
        ),
        (
            r##"return cjson.encode(cjson.decode('[1,2,3]'))"##,
            r##"true "[1,2,3]""##,
        ),
        (
            r##"local t = {} for i=1,1000 do t = {t} end return #cjson.encode(t)"##,
            r##"false "user_script:25: Cannot serialise, excessive nesting (1001)""##,
        ),
        (
            r##"local t = {} for i=1,1001 do t = {t} end return cjson.encode(t)"##,
            r##"false "user_script:25: Cannot serialise, excessive nesting (1001)""##,
        ),
        (
            r##"local t = {} for i=1,999 do t = {a=t} end return #cjson.encode(t)"##,
            r##"true 5996"##,
        ),
        (
            r##"local t = {} for i=1,1000 do t = {a=t} end return cjson.encode(t)"##,
            r##"false "user_script:25: Cannot serialise, excessive nesting (1001)""##,
        ),
        (
            r##"local t = {} t[1] = t return cjson.encode(t)"##,
            r##"false "user_script:25: Cannot serialise, excessive nesting (1001)""##,
        ),
        (
            r##"cjson.encode_max_depth(100000) local t = {} for i=1,7997 do t = {t} end return #cjson.encode(t)"##,
            r##"false "user_script:25: Cannot serialise, excessive nesting (7998)""##,
        ),
        (
            r##"cjson.encode_max_depth(100000) local t = {} for i=1,7998 do t = {t} end return #cjson.encode(t)"##,
            r##"false "user_script:25: Cannot serialise, excessive nesting (7998)""##,
        ),
        (
            r##"cjson.encode_max_depth(100000) local t = {} for i=1,7999 do t = {t} end return #cjson.encode(t)"##,
            r##"false "user_script:25: Cannot serialise, excessive nesting (7998)""##,
        ),
        (
            r##"cjson.encode_max_depth(100000) local t = {} for i=1,3998 do t = {a=t} end return #cjson.encode(t)"##,
            r##"true 23990"##,
        ),
        (
            r##"cjson.encode_max_depth(100000) local t = {} for i=1,3999 do t = {a=t} end return #cjson.encode(t)"##,
            r##"false "user_script:25: Cannot serialise, excessive nesting (4000)""##,
        ),
        (
            r##"cjson.encode_max_depth(100000) local t = {} for i=1,4000 do t = {a=t} end return #cjson.encode(t)"##,
            r##"false "user_script:25: Cannot serialise, excessive nesting (4000)""##,
        ),
        (
            r##"local c2 = cjson.new() c2.encode_max_depth(1) return c2.encode({{1}}), cjson.encode({{1}})"##,
            r##"false "user_script:25: Cannot serialise, excessive nesting (2)""##,
        ),
        (
            r##"local c2 = cjson.new() return c2.encode_max_depth(), c2._NAME, c2.null == cjson.null, c2.new ~= nil"##,
            r##"true 1000 "cjson" true true"##,
        ),
        (
            r##"local c2 = cjson.new() c2.encode_max_depth(1) return c2.encode({1}), cjson.encode_max_depth()"##,
            r##"true "[1]" 1000"##,
        ),
        (
            r##"return cjson.encode({["\1"]=1})"##,
            r##"true "{"\u0001":1}""##,
        ),
        (r##"return cjson.encode({[-0]=1})"##, r##"true "{"-0":1}""##),
        (
            r##"return cjson.encode({[2^53]=1})"##,
            r##"true "{"9.007199254741e+15":1}""##,
        ),
        (
            r##"return cjson.encode({[1]=1,[2^31]=2})"##,
            r##"true "{"1":1,"2147483648":2}""##,
        ),
        (
            r##"return cjson.encode({[1]=1,[1e300]=2})"##,
            r##"true "{"1":1,"1e+300":2}""##,
        ),
        (
            r##"return cjson.encode({[1]=1,[2]=2,[1.5]=3})"##,
            r##"true "{"1":1,"2":2,"1.5":3}""##,
        ),
        (
            r##"return cjson.encode({[1]=1,[2]=2,[-1]=3})"##,
            r##"true "{"1":1,"2":2,"-1":3}""##,
        ),
        (
            r##"return cjson.encode({[1]=1,[2]=2,[0]=3})"##,
            r##"true "{"1":1,"2":2,"0":3}""##,
        ),
        (
            r##"return cjson.encode({[1]=1,["1"]=2})"##,
            r##"true "{"1":1,"1":2}""##,
        ),
        (
            r##"return cjson.encode({[1]=true,[2]=false,[3]=cjson.null})"##,
            r##"true "[true,false,null]""##,
        ),
        (
            r##"return cjson.encode({{1,2},{3,{4,{5}}}})"##,
            r##"true "[[1,2],[3,[4,[5]]]]""##,
        ),
        (
            r##"return cjson.encode(string.rep("\226\130\172", 3))"##,
            r##"true ""\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac"""##,
        ),
        (
            r##"return cjson.encode({["/"]="/"})"##,
            r##"true "{"\/":"\/"}""##,
        ),
        (
            r##"return cjson.encode({a=1,b=2,c=3,d=4,e=5,f=6,g=7,h=8,i=9,j=10})"##,
            r##"true "{"a":1,"c":3,"b":2,"e":5,"d":4,"g":7,"f":6,"i":9,"h":8,"j":10}""##,
        ),
        (
            r##"return cjson.encode({alpha={1,2},beta="x",gamma={delta=true,epsilon=cjson.null},zeta=1.25})"##,
            r##"true "{"zeta":1.25,"beta":"x","alpha":[1,2],"gamma":{"delta":true,"epsilon":null}}""##,
        ),
        (
            r##"return cjson.encode({["key_number_one_is_long_enough_xx"]=1, ["key_number_two_is_long_enough_xxx"]=2, ["key_number_three_is_long_enough_x"]=3, ["key_number_four_is_long_enough_xxxx"]=4, ["k5_is_also_long_enough_to_matter_a"]=5})"##,
            r##"true "{"key_number_four_is_long_enough_xxxx":4,"key_number_one_is_long_enough_xx":1,"key_number_three_is_long_enough_x":3,"key_number_two_is_long_enough_xxx":2,"k5_is_also_long_enough_to_matter_a":5}""##,
        ),
        (
            r##"return cjson.decode('{"a":1}', nil)"##,
            r##"false "user_script:25: bad argument #1 to 'decode' (expected 1 argument)""##,
        ),
        (
            r##"return cjson.encode_keep_buffer(true, 1)"##,
            r##"false "user_script:25: bad argument #2 to 'encode_keep_buffer' (found too many arguments)""##,
        ),
        (
            r##"return cjson.encode(setmetatable({1,2}, {__index=function() return 5 end, __len=function() return 7 end}))"##,
            r##"true "[1,2]""##,
        ),
        (
            r##"return cjson.encode(setmetatable({}, {__index=function() return 5 end}))"##,
            r##"true "{}""##,
        ),
        (
            r##"return cjson.decode('1e5x')"##,
            r##"false "user_script:25: Expected the end but found invalid token at character 4""##,
        ),
        (
            r##"return cjson.decode('0x1.8p1'), cjson.decode('-0.0'), cjson.decode('0x.8')"##,
            r##"true 3 -0 0.5"##,
        ),
        (
            r##"return cjson.decode('1E+')"##,
            r##"false "user_script:25: Expected the end but found invalid token at character 2""##,
        ),
        (
            r##"return cjson.decode('[0x10, 1e2]')"##,
            r##"true {[1]=16,[2]=100}"##,
        ),
        (
            r##"return cjson.decode('[1]]')"##,
            r##"false "user_script:25: Expected the end but found T_ARR_END at character 4""##,
        ),
        (
            r##"return cjson.decode('"\\u0080\\u07ff\\u0800\\uffff"')"##,
            r##"true "\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf""##,
        ),
        (
            r##"return cjson.decode('"\\uD800\\uDC00"'), cjson.decode('"\\uDBFF\\uDBFF"')"##,
            r##"false "user_script:25: Expected value but found invalid unicode escape code at character 2""##,
        ),
        (
            r##"return cjson.decode('"\\uDBFF\\uDBFF"')"##,
            r##"false "user_script:25: Expected value but found invalid unicode escape code at character 2""##,
        ),
        (
            r##"return cjson.encode({[1]=1,[2]=2,[3]=3,[4]=4,[5]=5,[6]=6,[7]=7,[8]=8,[9]=9,[10]=10,[21]=21})"##,
            r##"true "[1,2,3,4,5,6,7,8,9,10,null,null,null,null,null,null,null,null,null,null,21]""##,
        ),
        (
            r##"return cjson.encode({[1]=1,[2]=2,[3]=3,[4]=4,[5]=5,[6]=6,[7]=7,[8]=8,[9]=9,[10]=10,[20]=20})"##,
            r##"true "[1,2,3,4,5,6,7,8,9,10,null,null,null,null,null,null,null,null,null,20]""##,
        ),
        (
            r##"return cjson.encode_sparse_array(false, 2, 2^31 - 1), cjson.encode({[100000]=1}) and 'ok'"##,
            r##"true false "ok""##,
        ),
        (
            r##"return cjson.encode({[2147483647]=1}) "##,
            r##"false "user_script:25: Cannot serialise table: excessively sparse array""##,
        ),
        (
            r##"return cjson.encode_sparse_array(false, 2^30, 0), cjson.encode({[1]=1,[2]=2,[3]=3,[2147483647]=1}) "##,
            r##"false "user_script:25: Cannot serialise table: excessively sparse array""##,
        ),
        (
            r##"return cjson.encode_number_precision(14), cjson.encode(0.1 + 0.2), cjson.encode(1e21), cjson.encode(-1e-5), cjson.encode(123456.789e3)"##,
            r##"true 14 "0.3" "1e+21" "-1e-05" "123456789""##,
        ),
        (
            r##"return cjson.encode({["\226\130\172"]="\240\159\152\128", ["\127"]="\8"})"##,
            r##"true "{"\xe2\x82\xac":"\xf0\x9f\x98\x80","\u007f":"\b"}""##,
        ),
        (
            r##"local s = '' for i=0,255 do s = s .. string.char(i) end return cjson.encode(s)"##,
            r##"true ""\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f !\"#$%&'()*+,-.\/0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~\u007f\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e\x8f\x90\x91\x92\x93\x94\x95\x96\x97\x98\x99\x9a\x9b\x9c\x9d\x9e\x9f\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae\xaf\xb0\xb1\xb2\xb3\xb4\xb5\xb6\xb7\xb8\xb9\xba\xbb\xbc\xbd\xbe\xbf\xc0\xc1\xc2\xc3\xc4\xc5\xc6\xc7\xc8\xc9\xca\xcb\xcc\xcd\xce\xcf\xd0\xd1\xd2\xd3\xd4\xd5\xd6\xd7\xd8\xd9\xda\xdb\xdc\xdd\xde\xdf\xe0\xe1\xe2\xe3\xe4\xe5\xe6\xe7\xe8\xe9\xea\xeb\xec\xed\xee\xef\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9\xfa\xfb\xfc\xfd\xfe\xff"""##,
        ),
        (
            r##"local s = '' for i=0,255 do s = s .. string.char(i) end return cjson.decode(cjson.encode(s)) == s"##,
            r##"true true"##,
        ),
        (
            r##"local t = {} for i=1,200 do t[i] = {id=i, name='n'..i, tags={'a','b'}} end local j = cjson.encode(t) return #j, cjson.encode(cjson.decode(j)) == j"##,
            r##"true 8185 true"##,
        ),
        (
            r##"return cjson.encode(cjson.decode('{"a":{"b":{"c":[1,2,3,{"d":null}]}}}'))"##,
            r##"true "{"a":{"b":{"c":[1,2,3,{"d":null}]}}}""##,
        ),
        (
            r##"return cjson.decode('   [   1   ,   2   ]   ')"##,
            r##"true {[1]=1,[2]=2}"##,
        ),
        (
            r##"return cjson.decode('[1,2]   x')"##,
            r##"false "user_script:25: Expected the end but found invalid token at character 9""##,
        ),
        (
            r##"return cjson.decode('"abc" \0 xyz')"##,
            r##"true "abc""##,
        ),
        (
            r##"return cjson.decode(cjson.encode({["\0\1\2"]="\255\254", list={"\0", "\128"}}))"##,
            r##"true {["\x00\x01\x02"]="\xff\xfe",["list"]={[1]="\x00",[2]="\x80"}}"##,
        ),
        (
            r##"local c1, c2 = cjson.new(), cjson.new() c1.encode_invalid_numbers(true) return c1.encode(1/0), pcall(c2.encode, 1/0)"##,
            r##"true "inf" false "Cannot serialise number: must not be NaN or Inf""##,
        ),
        (
            r##"return cjson.encode({-1, -2.5, -1e-300, -1e300, 2^31, -2^31, 2^32, 4294967295})"##,
            r##"true "[-1,-2.5,-1e-300,-1e+300,2147483648,-2147483648,4294967296,4294967295]""##,
        ),
        (
            r##"return cjson.decode('[-1, -2.5, -1e-300, -1e300, 2147483648, -2147483648, 4294967296, 9007199254740993]')"##,
            r##"true {[1]=-1,[2]=-2.5,[3]=-1e-300,[4]=-1.0000000000000001e+300,[5]=2147483648,[6]=-2147483648,[7]=4294967296,[8]=9007199254740992}"##,
        ),
        (
            r##"local s = string.rep('a', 100000) return #cjson.encode(s), #cjson.decode(cjson.encode(s))"##,
            r##"true 100002 100000"##,
        ),
        (
            r##"local t = {} for i = 1, 5000 do t[i] = i * 1.5 end local j = cjson.encode(t) local d = cjson.decode(j) return #j, #d, d[5000]"##,
            r##"true 29263 5000 7500"##,
        ),
        (
            r##"return cjson.decode('{"a":1,"b":[true,{"c":null}]}').b[2].c == cjson.null"##,
            r##"true true"##,
        ),
        (
            r##"return cjson.encode({cjson.decode('null'), cjson.decode('[null]')})"##,
            r##"true "[null,[null]]""##,
        ),
        (
            r##"return pcall(cjson.encode, cjson)"##,
            r##"true false "Cannot serialise function: type not supported""##,
        ),
    ];

    /// Randomly generated inputs (mutated valid data, random bytes/formats/tables).
    const FUZZ_REGRESSIONS: &[(&str, &str)] = &[
        (
            r##"return cjson.decode("93yu.I9")"##,
            r##"false "user_script:25: Expected the end but found invalid token at character 3""##,
        ),
        (
            r##"return cjson.decode(cjson.encode(true))"##,
            r##"true true"##,
        ),
        (
            r##"return cjson.decode(cjson.encode(2^64))"##,
            r##"true 1.8446744073709998e+19"##,
        ),
        (
            r##"return cjson.decode("[true,fals7e,null,0x1f,inf,-nan]")"##,
            r##"false "user_script:25: Expected value but found invalid token at character 7""##,
        ),
        (
            r##"return cjson.decode(" \092")"##,
            r##"false "user_script:25: Expected value but found invalid token at character 2""##,
        ),
        (
            r##"return cjson.decode("")"##,
            r##"false "user_script:25: Expected value but found T_END at character 1""##,
        ),
        (
            r##"return cjson.decode("\0346u0041\092n\092t\034")"##,
            r##"true "6u0041\x0a\x09""##,
        ),
        (r##"return cjson.decode(cjson.encode(-7))"##, r##"true -7"##),
        (
            r##"return cjson.decode("[-0,1,{\034\092n\092u00e9\092\092\034 : [{\034xya\092ud83d\092ude00\092t\092\092\034 : \034\034,\034\092n \034:[null,{\034\092ud83d\092ude00\092\092\092t\034 : 1,\034a\092\034\092ud83d\092ude00\034:\034\034,\034\092u0000\092u0000\092t\092\034 \034:0,\034\034 : false}],\034\092ud83d\092ude00\034 : [1,[]]}],\034\092ud83d\092ude00\034:123456789,\034\034 : -2.5e3,\034\092n\092\034\092n\034 : \034xyza\034}]")"##,
            r##"true {[1]=-0,[2]=1,[3]={[""]=-2500,["\x0a"\x0a"]="xyza",["\x0a\xc3\xa9\"]={[1]={["\x0a "]={[1]=NULL,[2]={[""]=false,["\x00\x00\x09" "]=0,["\xf0\x9f\x98\x80\\x09"]=1,["a"\xf0\x9f\x98\x80"]=""}},["\xf0\x9f\x98\x80"]={[1]=1,[2]={}},["xya\xf0\x9f\x98\x80\x09\"]=""}},["\xf0\x9f\x98\x80"]=123456789}}"##,
        ),
        (
            r##"return cjson.decode("[t\000rue,falsenul,0x1f,nf,-nan]")"##,
            r##"false "user_script:25: Expected value but found invalid token at character 2""##,
        ),
        (
            r##"return cjson.decode("[ln")"##,
            r##"false "user_script:25: Expected value but found invalid token at character 2""##,
        ),
        (r##"return cjson.decode(cjson.encode(1))"##, r##"true 1"##),
        (
            r##"return cjson.decode("[true,false,ul][,0x1f,if,-nan]")"##,
            r##"false "user_script:25: Expected value but found invalid token at character 13""##,
        ),
        (
            r##"return cjson.decode("\034\092u0041\092n\092\092t\034")"##,
            r##"true "A\x0a\t""##,
        ),
        (r##"return cjson.encode(cjson.null)"##, r##"true "null""##),
        (
            r##"return cjson.encode(123456789012)"##,
            r##"true "123456789012""##,
        ),
        (
            r##"return cjson.decode("5u")"##,
            r##"false "user_script:25: Expected the end but found invalid token at character 2""##,
        ),
        (
            r##"return cjson.decode(cjson.encode(cjson.null))"##,
            r##"true NULL"##,
        ),
        (
            r##"return cjson.decode("-0.fe-3")"##,
            r##"false "user_script:25: Expected the end but found invalid token at character 4""##,
        ),
        (
            r##"return cjson.encode(cjson.decode("eal1F"))"##,
            r##"false "user_script:25: Expected value but found invalid token at character 1""##,
        ),
        (
            r##"return cjson.encode({[2^40]=cjson.null, k1=-0.000001, k18=2^53, [2]=2^53, k5=1})"##,
            r##"true "{"2":9.007199254741e+15,"k18":9.007199254741e+15,"1099511627776":null,"k1":-1e-06,"k5":1}""##,
        ),
        (
            r##"return cjson.decode("\000 0fia /0:F")"##,
            r##"false "user_script:25: JSON parser does not support UTF-16 or UTF-32""##,
        ),
        (
            r##"return cjson.decode("[{},[[[[],\034\195\169\092d83d\092ude00\034,\034\092ud83d\092ude00\000\034],[{\034\034:1},[false],{\034\092\092\034 : false},[{\034\092\034a\092u0000\034 : null,\034xyz\092\034xyz\092\092\034:\034xyz\092u0000\092ta\034},[-2.5e3,\034\034],false]]],[{\034xyz\034 : {},\034 \195\169\092u00e9\034:[{},{\034\092na\092\092xyz\034:1e400}],\034\092\092\092u0000\034 : {\034\092\092\092t\034:[1],\034 \092\092 \092\034\034 : {\034 \034:1,\034\034:-2.5e3,\034\092u00e9\195\169\092u0000\092t\092\092\034 : true}},e\034\195\169\092u00e9\034 : 123456789}],{\034\034 : [[-0]],\034\092\092 \092u00e9\092n\034 : false,\034\092\092 xyz\092t\034 : {\034\034:[123456789,-0]},\034\092t \034:null},1e400]]")"##,
            r##"false "user_script:25: Expected value but found invalid escape code at character 14""##,
        ),
        (
            r##"return cjson.decode(cjson.encode(1/3))"##,
            r##"true 0.33333333333332998"##,
        ),
        (
            r##"return cjson.encode({[32]={[6]={}, {["\0"]="", [-0.25]=-2^63, [14]=123456789012, [-0.25]=2^64, [3]=1/3}, -0.000001, 0.1}, ["a"]=true})"##,
            r##"true "{"32":[{"\u0000":"","3":0.33333333333333,"-0.25":1.844674407371e+19,"14":123456789012},-1e-06,0.1,null,null,{}],"a":true}""##,
        ),
        (
            r##"return cjson.decode("-.")"##,
            r##"false "user_script:25: Expected value but found invalid number at character 1""##,
        ),
        (
            r##"return cjson.decode("[[1e400,[[],{\034\092t\092\092\034\092n\195\169 :1eE400,\034\034:{}},[ ],0,[[]]]]")"##,
            r##"false "user_script:25: Expected colon but found invalid token at character 20""##,
        ),
        (
            r##"return cjson.decode("0[1,[2,[3]]\034x\092ud83d\092ude00\034]")"##,
            r##"false "user_script:25: Expected the end but found T_ARR_BEGIN at character 2""##,
        ),
        (
            r##"return cjson.decode("\034\092\092\092ta\092t\034")"##,
            r##"true "\\x09a\x09""##,
        ),
        (r##"return cjson.decode("[]")"##, r##"true {}"##),
        (
            r##"return cjson.encode({[2^40]=1/3})"##,
            r##"true "{"1099511627776":0.33333333333333}""##,
        ),
        (
            r##"return cjson.decode("{\034a\034:[1,2,{\034b\034:null}]\034c\034:\034d\092u00e9\034,\034e\034:t{rue,\034fE:-1.5e3}")"##,
            r##"false "user_script:25: Expected comma or object end but found T_STRING at character 22""##,
        ),
        (
            r##"return cjson.decode(cjson.encode(2^64))"##,
            r##"true 1.8446744073709998e+19"##,
        ),
        (
            r##"return cjson.decode("sxi9t7Ea]la}")"##,
            r##"false "user_script:25: Expected value but found invalid token at character 1""##,
        ),
        (
            r##"return cjson.encode(cjson.decode("uFrue"))"##,
            r##"false "user_script:25: Expected value but found invalid token at character 1""##,
        ),
        (r##"return cjson.decode(cjson.encode({}))"##, r##"true {}"##),
        (
            r##"return cjson.decode("E[true,false,n0ull,0x1a,inf,-nean]")"##,
            r##"false "user_script:25: Expected value but found invalid token at character 1""##,
        ),
        (
            r##"return cjson.encode({["b c"]=1, ["a"]={[9]={k9="", ["\0"]={}}, [24]={[15]={[26]="", [4]=true, [11]=-7, 2^64, true}, 123456789012, {k0=-0.000001, ["a"]=-2^63, ["\0"]="", [-0.25]=123456789012}}, [26]=0.1, {[-0.25]=2^64, [-0.25]=1/3, k18={1e20}, ["b c"]={"str", -7, [24]="a\"b\\c/\n\1\127\200"}, ["/"]={"", [7]="", [1]=1, "str"}}}, k10="", k9=2^53, [1.5]=false})"##,
            r##"false "user_script:25: Cannot serialise table: excessively sparse array""##,
        ),
        (r##"return cjson.encode(true)"##, r##"true "true""##),
        (r##"return cjson.decode("1")"##, r##"true 1"##),
        (r##"return cjson.encode(cjson.null)"##, r##"true "null""##),
        (
            r##"return cjson.decode("[xnul]")"##,
            r##"false "user_script:25: Expected value but found invalid token at character 2""##,
        ),
        (
            r##"return cjson.decode("[trule,[.false,null,0x1f,irnf,-nan]")"##,
            r##"false "user_script:25: Expected value but found invalid token at character 2""##,
        ),
        (
            r##"return cjson.decode("[[{\034a\092u00e9\034:{\034\092u00e9xyza\092u00e9\034:true,\034\092ud83d\092ude00 \034:true,\034\034:[\034\092ud8}3d\092ude00xyz\092\092\034]}},{\034aa\092u00e9\034:{},\034\092\034\034 : [],\034\092u00e9 \092n\034 : {\034\092u0000\092n\195\169\034:-0,\034\092t\092ud83d\092ude00\092na\092\034\034 : [],\034\092n  \034:[{},[],[]]}}],{\034\092ud83d\092ude00\092n\092\034\034:1,\034 \034:1e400}]")"##,
            r##"false "user_script:25: Expected value but found invalid unicode escape code at character 65""##,
        ),
        (
            r##"return cjson.encode({{}, {-7, 1/3}, [10]={}, [20]=2^64})"##,
            r##"false "user_script:25: Cannot serialise table: excessively sparse array""##,
        ),
        (r##"return cjson.encode(-7)"##, r##"true "-7""##),
        (r##"return cjson.decode("[]")"##, r##"true {}"##),
        (
            r##"return cjson.decode("F-0")"##,
            r##"false "user_script:25: Expected value but found invalid token at character 1""##,
        ),
        (
            r##"return cjson.encode(cjson.decode("{\034\092ud83d\092ude00\092ud83d\092ude00F\092\092ud83d\092ude00\034 : \034\092ud53d\092ude00\034,\034\092ud83d\092ude00\092\092\092txyz\034:null,\034\092d83d\092ude00\092t\092/\092u0000\034 : []}"))"##,
            r##"false "user_script:25: Expected object key string but found invalid unicode escape code at character 35""##,
        ),
        (
            r##"return cjson.decode(cjson.encode(cjson.null))"##,
            r##"true NULL"##,
        ),
        (
            r##"return cjson.decode(cjson.encode(1/3))"##,
            r##"true 0.33333333333332998"##,
        ),
        (
            r##"return cjson.decode("{\034a\034:[1,2,{\034b\034:nu2ll}],\034c\034:\034d\092u00e9\034,\034e\034:true,\034f\034:-1.5e3}")"##,
            r##"false "user_script:25: Expected value but found invalid token at character 16""##,
        ),
        (
            r##"return cjson.decode("[[[123456789,[[],-2.5e3]],[{},[[]],{\034aa\092ud83d\092ude00\034 : [1,null,[],[1,123456789]]}],{\034\092\034\092t\092u00e9a\092t\034 : {},\034xyz\034:[{},[true,[true],0],{}],\034\092u0000\092\092\092\092\034:[{\034axyz\034 : \034\092/ \092/\092\034 \034,\034\092u00e9\092ud83d\092ude00a\034:1,\034\034 : 0}],\034\034 : {\034a\034:[],\034\195\169 \195\169\034:-0,\034\092t\092u0000\092\034xyz\092n\034 : {},\034\092u00e9\034:{\034\034 : {\034\195\169\034:1e400}}}},{\034\092\092\092u00e9\034:{\034 0\092ud83d\092ude00\034 : {\034\195\169\034 : [true,-2.5e3,false],\034\034 : {\034\092\092\092u0000\195\169\092t\034:true,\034\092n\092ud83d\092ude00\034 : \034a\034,\034\092ud83d\092ude00\092\092\034 7 false,\034\092/\034:-2.5e3},\034\195\169\092ud83d\092ude00\092\092\034 : -0}},\034a\092t\195\169\092ud83d\092ude00\034 : true}],[],0]")"##,
            r##"false "user_script:25: Expected colon but found T_NUMBER at character 408""##,
        ),
        (
            r##"return cjson.decode("lE/l,s.")"##,
            r##"false "user_script:25: Expected value but found invalid token at character 1""##,
        ),
        (
            r##"return cjson.decode("{+\034a\034:[],\034\092n\034 : [-0,[]],\034\092n\195\169\034 : {\034 ana\092u00e9\092u0000\034 : 0,\034\034:-2.5e3},\034\195\169\034:0}")"##,
            r##"false "user_script:25: Expected object key string but found invalid number at character 2""##,
        ),
        (
            r##"return cjson.decode("-0.5e,-3")"##,
            r##"false "user_script:25: Expected the end but found invalid token at character 5""##,
        ),
        (
            r##"return cjson.encode(cjson.decode(""))"##,
            r##"false "user_script:25: Expected value but found T_END at character 1""##,
        ),
        (
            r##"return cjson.decode(cjson.encode(-2^63))"##,
            r##"true -9.2233720368548004e+18"##,
        ),
        (
            r##"return cjson.decode("[[{\034\092\034 \092/\092\092\092n\034 : {\034\092u0000xyz\092n \034 : 0\034\034\092\034\034 : {\034\092u0000\092\034\092ud83d\092nude00\092n\034:[1e400,true,-2.5e3]}},\034\034:-0},[\034\034],[\034\092n\092\092\092u00e9\034,{\034\092u00e9\092\034a\092ud83d\092ude00\092/\034 : false,\034xyz\034 : -2.5e3},u,{\034\092t\092\034\092/\034:{},\034\092u0000\034 : {},\034\092taa\092\092\092u00e9\034 : {}}]],{\034\092u00e9\034:1e400,\034\092u00e9 \092/\034 : {\034xyz\034 : false,\034\092u00e9\092n\034:-0},\034\092n\092/\092n\092/\092\034\034:null}]")"##,
            r##"false "user_script:25: Expected comma or object end but found T_STRING at character 37""##,
        ),
        (
            r##"return cjson.decode("[1e400,[{\034\034 : [null,{\034\195\169\092/xyz\092\034 \034 : true,\034\034 : {\034\034:-0,\034\092\092\092\034\092n\034 : 1,\034\034 : -2.5e3,\034a\092\092xyz\034:1e400},\034xyz\092ud83d\092ude00\034:[-0],\034 \092u0000\092u00e9\034:[false,false]},[],{\034\092u00e9\034:{\034\092n\092t\092n\034:1,\034\092ud83d\092ude00\092u0000\034 : -0,\034\092t\034:null}}]},\034\092\092\092\092a\092ud83d\092ude00\034,123456789],{\034\092\092\092u00e9\092\092\092ud83d\092ude00\092\034\034 : [],\034xyz\092ud83d\092ude00\092\092\092\092\092\092\034 : 0,\034\092t\092\034\092/xyz\195\169\034 : false},0]")"##,
            r##"true {[1]=inf,[2]={[1]={[""]={[1]=NULL,[2]={[" \x00\xc3\xa9"]={[1]=false,[2]=false},[""]={[""]=-2500,["\"\x0a"]=1,["a\xyz"]=inf},["\xc3\xa9/xyz" "]=true,["xyz\xf0\x9f\x98\x80"]={[1]=-0}},[3]={},[4]={["\xc3\xa9"]={["\x09"]=NULL,["\x0a\x09\x0a"]=1,["\xf0\x9f\x98\x80\x00"]=-0}}}},[2]="\\a\xf0\x9f\x98\x80",[3]=123456789},[3]={["\\xc3\xa9\\xf0\x9f\x98\x80""]={},["\x09"/xyz\xc3\xa9"]=false,["xyz\xf0\x9f\x98\x80\\\"]=0},[4]=0}"##,
        ),
        (
            r##"return cjson.decode(cjson.encode(2^64))"##,
            r##"true 1.8446744073709998e+19"##,
        ),
        (
            r##"return cjson.decode("[1,[2,[3]],\092x\092ud83d\092u1e00\034]")"##,
            r##"false "user_script:25: Expected value but found invalid token at character 12""##,
        ),
        (r##"return cjson.decode(cjson.encode(1))"##, r##"true 1"##),
        (
            r##"return cjson.encode({[18]=123456789012, 2^64, [25]={[15]={[2^40]=1e20, [1.5]={[23]=false}, [29]={}, [-0.25]=123456789012}, [24]=-2^63, [14]=1/3, "", [30]=-0.000001}, -7, [10]=123456789012})"##,
            r##"false "user_script:25: Cannot serialise table: excessively sparse array""##,
        ),
        (
            r##"return cjson.decode(cjson.encode(-2^63))"##,
            r##"true -9.2233720368548004e+18"##,
        ),
        (
            r##"return cjson.decode("{\034a\034:[1s,2,{\034b\034:null}],\034c\034:\034d\092u00e9\034,\034e\034:true,e\034f\034:-1.5e3}")"##,
            r##"false "user_script:25: Expected comma or array end but found invalid token at character 8""##,
        ),
        (
            r##"return cjson.decode("\034\092u00141\092\092t")"##,
            r##"false "user_script:25: Expected value but found unexpected end of string at character 12""##,
        ),
        (
            r##"return cjson.encode("a\"b\\c/\n\1\127\200")"##,
            r##"true ""a\"b\\c\/\n\u0001\u007f\xc8"""##,
        ),
        (
            r##"return cjson.decode(cjson.encode(true))"##,
            r##"true true"##,
        ),
        (
            r##"return cjson.decode("{\034a\034:[1,2,{\034b\034:nual}],\034c\034:\0346\092u00e9\034,\034e\034:true,\034f\034:-1.5e3}")"##,
            r##"false "user_script:25: Expected value but found invalid token at character 16""##,
        ),
        (r##"return cjson.decode(" 0")"##, r##"true 0"##),
        (
            r##"return cjson.decode("{\034a\034:[1,2,{\034b\034:null}],\034c\034:\034/\092u00e9\034,\034e\034:true,\034f\034:-1.5eE}")"##,
            r##"false "user_script:25: Expected comma or object end but found invalid token at character 54""##,
        ),
        (
            r##"return cjson.decode("tull")"##,
            r##"false "user_script:25: Expected value but found invalid token at character 1""##,
        ),
        (r##"return cjson.decode("1")"##, r##"true 1"##),
        (r##"return cjson.encode("")"##, r##"true """""##),
        (r##"return cjson.encode(false)"##, r##"true "false""##),
        (
            r##"return cjson.decode("{\034a\034:[1,2,{\034b/\034:null}],\034c\034:\034d\092u00e9\034,\034e\034:rue,\034f\034:-1.5e3}")"##,
            r##"false "user_script:25: Expected value but found invalid token at character 42""##,
        ),
        (r##"return cjson.decode("{}")"##, r##"true {}"##),
        (
            r##"return cjson.decode("-/.5e-3")"##,
            r##"false "user_script:25: Expected value but found invalid number at character 1""##,
        ),
        (
            r##"return cjson.decode(cjson.encode(cjson.null))"##,
            r##"true NULL"##,
        ),
        (
            r##"return cjson.decode("n}u8l")"##,
            r##"false "user_script:25: Expected value but found invalid token at character 1""##,
        ),
        (
            r##"return cjson.decode(cjson.encode(123456789012))"##,
            r##"true 123456789012"##,
        ),
        (r##"return cjson.decode(cjson.encode(-7))"##, r##"true -7"##),
        (r##"return cjson.encode("str")"##, r##"true ""str"""##),
        (
            r##"return cjson.encode(cjson.decode("[[-0,0],[[true,{\034\092ud83d\092ude00 xyz\092t\034 : 123456789,\034\092u0000\092\092\034:false},1e400,{\034\092na\092t\034:{\034\092\034\034:null,\034\195\169\092u00e9\195\169\092\092\092u00e9\034:\034\034},\034\092ud83d\092ude00\092\092 \092ud83d\092ude00\034 : [123456789],\034\092/\092ud83d\092ude00xyz\092ud83d\092ude00\092\092\034:[1,[1],[-2.5e3,1]],\034 \092ud83d\092ude00\034:123456789}],{\034\092\092xyz\092\034\195\169\034 : null,\034 xyz\092/\034 : 0},{\034\092ta \092t\092/\034 : \034\092\034\034,\034\092\092\092u0000\092n\034 : \034\092t\092\034\092u0000\092nxyz\034,\034\034:{\034xyz\092t\034:-0,\034 \092\034\195\169\092\092\034:-0,\034\034:false}},{\034\092/\034:[],\034 \092n\034 : true,\034\034:false,\034\092\034\034:null}],false,false]"))"##,
            r##"false "user_script:25: Cannot serialise number: must not be NaN or Inf""##,
        ),
        (r##"return cjson.decode(cjson.encode(1))"##, r##"true 1"##),
        (
            r##"return cjson.decode("[true,fIlse,null,0x1f,inf,-nane")"##,
            r##"false "user_script:25: Expected value but found invalid token at character 7""##,
        ),
        (
            r##"return cjson.decode("-0.9-3")"##,
            r##"false "user_script:25: Expected the end but found T_NUMBER at character 5""##,
        ),
        (
            r##"return cjson.encode(cjson.decode("{\034\092n \034:\034\195\169\092\034\195\169\195\169\092/\034,\034\092\092\092\092\034:1e400,\034xyz\092\034\034:{\034 \195\169 \092\092a\034 : {\034\195\169\195\169\092n\092/\034:{\034\092\034\034 : [[false,null,1,0],false,null],\034\034 : {\034\092u0000a\092u00e9\034:[-2.5e3,1e400],\034a\092u0000xyz\092u0000\092u00e9\034:{\034\092ud83d\092ude00\092t \092\034\034 : false,\034\034:123456789,\034xyz\092\034\034 : 123456789},\034\092t\092\034\092/\034 : {\034\092u00e9\092ud83d\092ude00\034:-2.5e3,\034\092ud83d\092ude00\092u0000\092ud83d\092ude00\092u0000\195\169\034:null,\034\195\169\092ud83d\092ude00\092/\034 : 1,\034\092\034\092/\034 : -0}},\034xyz \092t\034:[{},-2.5e3,[\034\034,true,1,false]],\034\092u0000\195\169\092\092\034:[0,{\034\092u0000\092n\092nxyza\034:123456789,\034\034:null}]},\034\034:[true]}},\034\092t\092\092\092n\034:{\034\092ta\092\092\034:123456789,\034\092\092\092n\092n\034 : -2.5e3,\034\092u0000\092u00e9\092\034a\092u00e9\034 : 1e400}}"))"##,
            r##"false "user_script:25: Cannot serialise number: must not be NaN or Inf""##,
        ),
        (r##"return cjson.decode("-0")"##, r##"true -0"##),
        (
            r##"return cjson.decode("-{0.5e")"##,
            r##"false "user_script:25: Expected value but found invalid number at character 1""##,
        ),
        (
            r##"return cjson.decode("[1,u2,[N]],\034x\092ud83d\092ude00\034t")"##,
            r##"false "user_script:25: Expected value but found invalid token at character 4""##,
        ),
        (r##"return cjson.encode(1e20)"##, r##"true "1e+20""##),
        (
            r##"return cjson.decode("[[],1e00123456789")"##,
            r##"false "user_script:25: Expected comma or array end but found T_END at character 18""##,
        ),
        (
            r##"return cjson.decode("")"##,
            r##"false "user_script:25: Expected value but found T_END at character 1""##,
        ),
        (
            r##"return cjson.decode("[[{\034\092u00e9\092ud83d\092ude00a\034 : [[{}],[[],[true,true],{\034\092\092\092u0000\092u00e9\034 : 123456789,\034\092t\034 : 123456789,\034 \092u0000\034:-2.5e3}]],\034\034 : false,\034\092\092\034 : [[]],\034\034:{}}]]")"##,
            r##"true {[1]={[1]={[""]={},["\"]={[1]={}},["\xc3\xa9\xf0\x9f\x98\x80a"]={[1]={[1]={}},[2]={[1]={},[2]={[1]=true,[2]=true},[3]={[" \x00"]=-2500,["\\x00\xc3\xa9"]=123456789,["\x09"]=123456789}}}}}}"##,
        ),
        (r##"return cjson.encode(1e20)"##, r##"true "1e+20""##),
        (
            r##"return cjson.decode("\010")"##,
            r##"false "user_script:25: Expected value but found T_END at character 2""##,
        ),
        (
            r##"return cjson.decode("[true,false,nul8,0x1f,inf,nan]")"##,
            r##"false "user_script:25: Expected value but found invalid token at character 13""##,
        ),
        (
            r##"return cjson.decode("[1N[2,53]],ux\092ud8\0093d\092ude00\034]")"##,
            r##"false "user_script:25: Expected comma or array end but found invalid token at character 3""##,
        ),
        (
            r##"return cjson.decode(cjson.encode(2^64))"##,
            r##"true 1.8446744073709998e+19"##,
        ),
        (
            r##"return cjson.decode("\092u0041\092n\092tl")"##,
            r##"false "user_script:25: Expected value but found invalid token at character 1""##,
        ),
        (
            r##"return cjson.decode("u3]59.xt5")"##,
            r##"false "user_script:25: Expected value but found invalid token at character 1""##,
        ),
        (
            r##"return cjson.decode("[1,[2,[3]],\034x\092ud83d\092ude00\034/]")"##,
            r##"false "user_script:25: Expected comma or array end but found invalid token at character 27""##,
        ),
        (
            r##"return cjson.encode(cjson.decode("[\034\092ud83d\092ude00\034,[{},0,[[null,{n\092/a\092\092\034 : 123456789,\034\195\169\034 : {}},123456789,123456789]]],true]"))"##,
            r##"false "user_script:25: Expected object key string but found invalid token at character 31""##,
        ),
        (
            r##"return cjson.encode(cjson.decode("{\034\195\169\092u0000 \092u00e9\092n\034:[],\034\092u00e9\034:{\034\092\034a\092\092\034:[{\034\034 : [123456789],\034\092\034xyz\092\034\092u0000\034:[-0,123456789,1e400,0]},true,-2.5e3,{\034\092u00e9\195\169a\092ud83d\092ude00\034:{\034\092\034\092t\092/xyz\195\169\034 : [true,1e400,null],\034\034 : null},\034\034:[],\034\092\092\092ud83d\092ude00\034 : 123456789,\034\034:123456789}],\034a\092\034\195\169a\034 : [[{}],[{\034\195\169\092u00e9 \034 : 1,\034 \195\169\034 : [0]},1e400],123456789,-2.5e3]},\034\034:[\034\092t\034,[{\034\195\169a\092\034\034 : 123456789,\034\092u00e9\034 : []},{\034\092u00e9\092n\092/\034:{\034\092t\034:{}},\034\034:false,\034\092u0000\092n\034 : {\034\092ud83d\092ude00\092na\092ud83d\092ude00 \034 : \034\195\169\092ud83d\092ude00\092n\092u00e9\034,\034\092/\034 : {},\034\092ud83d\092ude00\092\034 \092t\034:1},\034\092/\092u00e9axyza\034:true},123456789,{}],[{\034\092t\195\169\092/\092\034\092n\034:-2.5e3,\034\034 : -0}],{\034\092\034\092ud83d\092ude00\092t\092ud83d\092ude00\092t\034 : [],\034\092ud83d\092ude00\092t\092/\034:[],\034\092na \092u0000 \034 : true}]}"))"##,
            r##"false "user_script:25: Cannot serialise number: must not be NaN or Inf""##,
        ),
        (
            r##"return cjson.decode(cjson.encode(-2^63))"##,
            r##"true -9.2233720368548004e+18"##,
        ),
        (
            r##"return cjson.decode("[true,fale,nul1,0x1f,rinf-nan]")"##,
            r##"false "user_script:25: Expected value but found invalid token at character 7""##,
        ),
        (r##"return cjson.encode(cjson.null)"##, r##"true "null""##),
        (
            r##"return cjson.decode(cjson.encode(1/3))"##,
            r##"true 0.33333333333332998"##,
        ),
        (
            r##"return cjson.decode("[]a:sa")"##,
            r##"false "user_script:25: Expected the end but found invalid token at character 3""##,
        ),
        (
            r##"return cjson.decode(cjson.encode({[2]=123456789012, [3]=0.1}))"##,
            r##"true {[1]=NULL,[2]=123456789012,[3]=0.10000000000000001}"##,
        ),
        (r##"return cjson.decode(cjson.encode({}))"##, r##"true {}"##),
        (
            r##"return cjson.encode({"str", 1e20, [12]=0.1, -7, [3]={[5]={["a"]={}, [2^40]=1/3, k10={["b c"]=cjson.null, ["b c"]=-2^63, [2^40]="str"}}, [1.5]={[-1]=-0.000001}, k19=true}})"##,
            r##"false "user_script:25: Cannot serialise table: excessively sparse array""##,
        ),
        (
            r##"return cjson.encode(cjson.decode("{\034\092\034\034: 123456789}"))"##,
            r##"true "{"\"":123456789}""##,
        ),
        (
            r##"return cjson.decode(cjson.encode({["/"]={1e20, {[26]={}, {1e20, "", 0.1, false}}, 123456789012, {"a\"b\\c/\n\1\127\200", [10]={}, {}, [15]={[3]=-7}, 2^64}, "str"}}))"##,
            r##"false "user_script:25: Cannot serialise table: excessively sparse array""##,
        ),
        (r##"return cjson.decode("{}")"##, r##"true {}"##),
        (
            r##"return cjson.decode("}+/909x/")"##,
            r##"false "user_script:25: Expected value but found T_OBJ_END at character 1""##,
        ),
        (r##"return cjson.decode(cjson.encode({}))"##, r##"true {}"##),
        (
            r##"return cjson.decode("\128usx\009xu")"##,
            r##"false "user_script:25: Expected value but found invalid token at character 1""##,
        ),
        (
            r##"return cjson.decode(cjson.encode(0.1))"##,
            r##"true 0.10000000000000001"##,
        ),
        (
            r##"return cjson.decode("1,[2,[3]l\034x\092ud83d\092ude00\034]")"##,
            r##"false "user_script:25: Expected the end but found T_COMMA at character 2""##,
        ),
        (
            r##"return cjson.decode(cjson.encode({[14]={["a"]=2^64, [36]=true, k5=-7}, {["/"]=-7}}))"##,
            r##"false "user_script:25: Cannot serialise table: excessively sparse array""##,
        ),
        (
            r##"return cjson.decode(cjson.encode(-0.000001))"##,
            r##"true -9.9999999999999995e-07"##,
        ),
        (
            r##"return cjson.decode("[true,false,null,0xf,inf,-nan]")"##,
            r##"true {[1]=true,[2]=false,[3]=NULL,[4]=15,[5]=inf,[6]=nan}"##,
        ),
        (r##"return cjson.decode(cjson.encode(1))"##, r##"true 1"##),
        (
            r##"return cjson.decode(cjson.encode(false))"##,
            r##"true false"##,
        ),
        (r##"return cjson.decode(cjson.encode(""))"##, r##"true """##),
        (
            r##"return cjson.decode("\034\092/\092\092\092u00e9\092\000+\034")"##,
            r##"false "user_script:25: Expected value but found invalid escape code at character 12""##,
        ),
        (
            r##"return cjson.decode("[true,false,null,0x1I,nf,-ean]")"##,
            r##"false "user_script:25: Expected comma or array end but found invalid token at character 21""##,
        ),
        (
            r##"return cjson.encode(2^53)"##,
            r##"true "9.007199254741e+15""##,
        ),
        (
            r##"return cjson.decode(cjson.encode("a\"b\\c/\n\1\127\200"))"##,
            r##"true "a"b\c/\x0a\x01\x7f\xc8""##,
        ),
        (
            r##"return cjson.decode("fals")"##,
            r##"false "user_script:25: Expected value but found invalid token at character 1""##,
        ),
        (
            r##"return cjson.decode("\034\092u0041en\092t1")"##,
            r##"false "user_script:25: Expected value but found unexpected end of string at character 13""##,
        ),
        (
            r##"return cjson.decode(cjson.encode(2^64))"##,
            r##"true 1.8446744073709998e+19"##,
        ),
        (
            r##"return cjson.decode(cjson.encode(2^53))"##,
            r##"true 9007199254741000"##,
        ),
        (
            r##"return cjson.encode({1/3, {[4]={-7, [13]="a\"b\\c/\n\1\127\200"}, [10]=false}, [27]={["é"]=1e20}, {[1.5]="", ["é"]={["/"]={[15]=1/3, -2^63}}, k3="a\"b\\c/\n\1\127\200"}, [11]={[13]=1}})"##,
            r##"false "user_script:25: Cannot serialise table: excessively sparse array""##,
        ),
        (
            r##"return cjson.decode(cjson.encode(-2^63))"##,
            r##"true -9.2233720368548004e+18"##,
        ),
        (
            r##"return cjson.encode({-0.000001, [23]="a\"b\\c/\n\1\127\200", {k19="", k9="a\"b\\c/\n\1\127\200"}, {k7=-0.000001, ["/"]=-7, ["\0"]=cjson.null, [22]=cjson.null, k1=0.1}})"##,
            r##"false "user_script:25: Cannot serialise table: excessively sparse array""##,
        ),
        (
            r##"return cjson.decode("[1,[2,[3]],\034xN\092ud}83d\092ude0]")"##,
            r##"false "user_script:25: Expected value but found invalid unicode escape code at character 15""##,
        ),
        (
            r##"return cjson.decode(cjson.encode(1/3))"##,
            r##"true 0.33333333333332998"##,
        ),
        (
            r##"return cjson.decode(cjson.encode({-0.000001, [23]="a\"b\\c/\n\1\127\200", {k19="", k9="a\"b\\c/\n\1\127\200"}, {k7=-0.000001, ["/"]=-7, ["\0"]=cjson.null, [22]=cjson.null, k1=0.1}}))"##,
            r##"false "user_script:25: Cannot serialise table: excessively sparse array""##,
        ),
        (r##"return cjson.encode({})"##, r##"true "{}""##),
        (r##"return cjson.decode(cjson.encode({}))"##, r##"true {}"##),
        (
            r##"return cjson.decode("\034\092u0041\092n\000\034")"##,
            r##"false "user_script:25: Expected value but found unexpected end of string at character 10""##,
        ),
        (
            r##"return cjson.encode({[2]=-2^63})"##,
            r##"true "[null,-9.2233720368548e+18]""##,
        ),
        (
            r##"return cjson.decode("fal7")"##,
            r##"false "user_script:25: Expected value but found invalid token at character 1""##,
        ),
        (
            r##"return cjson.encode(123456789012)"##,
            r##"true "123456789012""##,
        ),
        (
            r##"return cjson.decode("[u:\128e3,2u")"##,
            r##"false "user_script:25: Expected value but found invalid token at character 2""##,
        ),
        (
            r##"return cjson.decode("t8Efyn42")"##,
            r##"false "user_script:25: Expected value but found invalid token at character 1""##,
        ),
    ];

    case_table_tests!();
}
