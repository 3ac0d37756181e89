//! The four C libraries that Redis 7.0 loads into its embedded Lua 5.1
//! interpreter (`cjson`, `cmsgpack`, `bit`, `struct`), written in Rust.
//!
//! Every library function is a raw Lua C function (`lua_CFunction`) built on
//! the Lua C API exposed by `mlua::ffi`, not an `mlua` callback. The reason is
//! error compatibility: an `mlua` callback raises its errors as userdata, while
//! Redis' libraries raise plain strings (prefixed with the caller's position,
//! exactly as `luaL_error` / `luaL_argerror` do), and scripts inspect them
//! through `pcall`. Working on the raw stack also lets the traversal use the
//! Lua stack the way Redis does, so the stack-limit errors match too.
//!
//! Error discipline: the body of every function runs inside [`protect`],
//! returns `Result`, and never unwinds into Lua (a panic becomes a Lua
//! error). The Lua error is raised only after every Rust value of the body
//! has been dropped, so the `longjmp` performed by `lua_error` crosses no
//! frame that owns anything. Lua itself can also raise while a body runs: a
//! memory error (the interpreter may have a memory limit). So that nothing
//! leaks then either, the bodies own no heap memory while they call Lua
//! functions that allocate: the encoders build their output in a `Vec` but
//! make no allocating Lua call until the final push, which runs under
//! `lua_pcall` ([`push_result`]); the decoders keep their state in plain
//! values (and, for cjson, a Lua userdata).

/// The three case tables each library's tests keep (Redis' own test suite,
/// edge cases, fuzz regressions), one test each.
#[cfg(test)]
macro_rules! case_table_tests {
    () => {
        #[test]
        fn redis_test_suite() {
            check_cases(REDIS_TEST_SUITE);
        }
        #[test]
        fn edge_cases() {
            check_cases(EDGE_CASES);
        }
        #[test]
        fn fuzz_regressions() {
            check_cases(FUZZ_REGRESSIONS);
        }
    };
}

pub mod bit;
pub mod cjson;
pub mod cmsgpack;
pub mod lstruct;

use mlua::ffi;
use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Creates the global tables `cjson`, `struct`, `cmsgpack` and `bit`, in the
/// order Redis loads them.
pub fn open_all(lua: &mlua::Lua) -> mlua::Result<()> {
    // SAFETY: `open_all_raw` is a well-formed Lua C function that leaves the
    // stack balanced; `call` runs it in protected mode.
    let opener = unsafe { lua.create_c_function(open_all_raw)? };
    opener.call::<()>(())
}

unsafe extern "C-unwind" fn open_all_raw(l: *mut ffi::lua_State) -> c_int {
    ffi::lua_pushlightuserdata(l, pusher_key());
    ffi::lua_pushcclosure(l, pusher, 0);
    ffi::lua_rawset(l, ffi::LUA_REGISTRYINDEX);
    cjson::open(l);
    lstruct::open(l);
    cmsgpack::open(l);
    bit::open(l);
    0
}

/// A failure of a library function, turned into a Lua error by [`protect`].
#[derive(Debug)]
pub(crate) enum Fail {
    /// Like `luaL_error`: the message gets the caller's position prefix.
    Error(Vec<u8>),
    /// Like `luaL_argerror(narg, extramsg)`.
    Arg(c_int, Vec<u8>),
    /// Like an error raised by the VM itself: the bare message.
    Bare(Vec<u8>),
    /// An error Lua raised in protected mode, whose value is on top of the
    /// stack: raise it again as it is.
    Rethrow,
}

impl Fail {
    pub(crate) fn error(msg: impl Into<Vec<u8>>) -> Fail {
        Fail::Error(msg.into())
    }

    pub(crate) fn arg(narg: c_int, msg: impl Into<Vec<u8>>) -> Fail {
        Fail::Arg(narg, msg.into())
    }
}

pub(crate) type LResult<T> = Result<T, Fail>;

/// What is left to do once the message of a failure is on the Lua stack.
#[derive(Clone, Copy)]
enum Raise {
    WithWhere,
    Arg(c_int),
    Bare,
}

/// Runs the body of a Lua C function. On success returns its result count;
/// on failure raises the Lua error and does not return.
pub(crate) unsafe fn protect<F>(l: *mut ffi::lua_State, body: F) -> c_int
where
    F: FnOnce() -> LResult<c_int>,
{
    match stage(l, body) {
        Ok(n) => n,
        Err(raise) => raise_error(l, raise),
    }
}

/// Runs `body` and, on failure, pushes the error message. Everything the body
/// owned is dropped when this returns.
unsafe fn stage<F>(l: *mut ffi::lua_State, body: F) -> Result<c_int, Raise>
where
    F: FnOnce() -> LResult<c_int>,
{
    let fail = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(n)) => return Ok(n),
        Ok(Err(fail)) => fail,
        Err(_panic) => Fail::error("internal error in Lua library"),
    };
    let (msg, raise) = match fail {
        Fail::Error(msg) => (msg, Raise::WithWhere),
        Fail::Arg(narg, msg) => (msg, Raise::Arg(narg)),
        Fail::Bare(msg) => (msg, Raise::Bare),
        Fail::Rethrow => return Err(Raise::Bare),
    };
    // Building the error takes a few slots. When the failure is the stack
    // being full, make room: what the function had pushed is discarded by
    // the error anyway (the arguments are not needed any more either).
    if ffi::lua_checkstack(l, 4) == 0 {
        ffi::lua_settop(l, 0);
        ffi::lua_checkstack(l, 4);
    }
    if push_result(l, &msg).is_err() {
        // Out of memory: raise that error instead.
        return Err(Raise::Bare);
    }
    Err(raise)
}

/// Raises the error whose message is on top of the stack.
unsafe fn raise_error(l: *mut ffi::lua_State, raise: Raise) -> c_int {
    match raise {
        Raise::WithWhere => {
            ffi::luaL_where(l, 1);
            ffi::lua_insert(l, -2);
            ffi::lua_concat(l, 2);
            ffi::lua_error(l)
        }
        Raise::Arg(narg) => {
            // The message stays referenced by the stack while luaL_argerror
            // formats it.
            let msg = ffi::lua_tolstring(l, -1, std::ptr::null_mut());
            ffi::luaL_argerror(l, narg, msg)
        }
        Raise::Bare => ffi::lua_error(l),
    }
}

/// The registry key of [`pusher`].
fn pusher_key() -> *mut c_void {
    static KEY: u8 = 0;
    &KEY as *const u8 as *mut c_void
}

/// What [`pusher`] pushes.
struct PushRequest {
    ptr: *const u8,
    len: usize,
}

/// Pushes the bytes described by the `PushRequest` its argument points to.
unsafe extern "C-unwind" fn pusher(l: *mut ffi::lua_State) -> c_int {
    let req = ffi::lua_touserdata(l, 1) as *const PushRequest;
    if req.is_null() {
        return 0;
    }
    ffi::lua_pushlstring_(l, (*req).ptr as *const c_char, (*req).len);
    1
}

/// Pushes a byte string held in Rust memory, catching a memory error: on
/// `Err` the error value is on top of the stack instead (return
/// [`Fail::Rethrow`] to raise it once the memory is released). Needs two
/// free stack slots.
pub(crate) unsafe fn push_result(l: *mut ffi::lua_State, bytes: &[u8]) -> Result<(), ()> {
    ffi::lua_pushlightuserdata(l, pusher_key());
    ffi::lua_rawget(l, ffi::LUA_REGISTRYINDEX);
    if ffi::lua_type(l, -1) != ffi::LUA_TFUNCTION {
        ffi::lua_settop(l, -2);
        push_bytes(l, bytes);
        return Ok(());
    }
    let req = PushRequest {
        ptr: bytes.as_ptr(),
        len: bytes.len(),
    };
    ffi::lua_pushlightuserdata(l, &req as *const PushRequest as *mut c_void);
    if ffi::lua_pcall(l, 1, 1, 0) == 0 {
        Ok(())
    } else {
        Err(())
    }
}

/// Pushes a byte string.
pub(crate) unsafe fn push_bytes(l: *mut ffi::lua_State, bytes: &[u8]) {
    ffi::lua_pushlstring_(l, bytes.as_ptr() as *const c_char, bytes.len());
}

/// Sets field `name` of the table at the top of the stack to the C function
/// `f`.
pub(crate) unsafe fn set_function(l: *mut ffi::lua_State, name: &CStr, f: ffi::lua_CFunction) {
    ffi::lua_pushcclosure(l, f, 0);
    ffi::lua_setfield(l, -2, name.as_ptr());
}

/// Sets field `name` of the table at the top of the stack to a string.
pub(crate) unsafe fn set_string(l: *mut ffi::lua_State, name: &CStr, value: &[u8]) {
    push_bytes(l, value);
    ffi::lua_setfield(l, -2, name.as_ptr());
}

/// Registers a library the way `luaL_register(L, name, funcs)` does: the table
/// becomes `package.loaded[name]` and the global `name`, and is left on the
/// stack.
pub(crate) unsafe fn register_lib(
    l: *mut ffi::lua_State,
    name: &CStr,
    funcs: &[(&'static CStr, ffi::lua_CFunction)],
) {
    unsafe extern "C-unwind" fn sentinel(_: *mut ffi::lua_State) -> c_int {
        0
    }
    let mut regs: Vec<ffi::luaL_Reg> = funcs
        .iter()
        .map(|(n, f)| ffi::luaL_Reg {
            name: n.as_ptr(),
            func: *f,
        })
        .collect();
    // luaL_register stops at the first entry without a name.
    regs.push(ffi::luaL_Reg {
        name: std::ptr::null(),
        func: sentinel,
    });
    ffi::luaL_register(l, name.as_ptr(), regs.as_ptr());
}

/// The name of the type of the value at `idx` ("no value" when absent).
pub(crate) unsafe fn type_name_at(l: *mut ffi::lua_State, idx: c_int) -> String {
    type_name(l, ffi::lua_type(l, idx))
}

pub(crate) unsafe fn type_name(l: *mut ffi::lua_State, t: c_int) -> String {
    let p = ffi::lua_typename(l, t);
    if p.is_null() {
        return String::from("?");
    }
    CStr::from_ptr(p).to_string_lossy().into_owned()
}

/// The error of `luaL_typerror(L, narg, expected)`.
pub(crate) unsafe fn type_error(l: *mut ffi::lua_State, narg: c_int, expected: &str) -> Fail {
    Fail::arg(
        narg,
        format!("{} expected, got {}", expected, type_name_at(l, narg)),
    )
}

/// `luaL_checklstring`: numbers are converted in place. The slice points into
/// the Lua string at `narg`, and stays valid while that value is on the stack;
/// the byte after it is always a NUL.
pub(crate) unsafe fn check_lstring<'a>(l: *mut ffi::lua_State, narg: c_int) -> LResult<&'a [u8]> {
    let mut len = 0usize;
    let p = ffi::lua_tolstring(l, narg, &mut len);
    if p.is_null() {
        return Err(type_error(l, narg, "string"));
    }
    Ok(std::slice::from_raw_parts(p as *const u8, len))
}

/// `luaL_checkstring`, seen as the C string it is (cut at the first NUL).
pub(crate) unsafe fn check_cstring<'a>(l: *mut ffi::lua_State, narg: c_int) -> LResult<&'a [u8]> {
    let s = check_lstring(l, narg)?;
    let end = s.iter().position(|&b| b == 0).unwrap_or(s.len());
    Ok(&s[..end])
}

/// `luaL_checknumber`.
pub(crate) unsafe fn check_number(l: *mut ffi::lua_State, narg: c_int) -> LResult<f64> {
    let n = ffi::lua_tonumber(l, narg);
    if n == 0.0 && ffi::lua_isnumber(l, narg) == 0 {
        return Err(type_error(l, narg, "number"));
    }
    Ok(n)
}

/// `luaL_checkinteger` (Lua 5.1: the number truncated towards zero).
pub(crate) unsafe fn check_integer(l: *mut ffi::lua_State, narg: c_int) -> LResult<i64> {
    let n = ffi::lua_tointeger_(l, narg);
    if n == 0 && ffi::lua_isnumber(l, narg) == 0 {
        return Err(type_error(l, narg, "number"));
    }
    Ok(n)
}

/// `luaL_optinteger`.
pub(crate) unsafe fn opt_integer(l: *mut ffi::lua_State, narg: c_int, def: i64) -> LResult<i64> {
    if ffi::lua_type(l, narg) <= ffi::LUA_TNIL {
        Ok(def)
    } else {
        check_integer(l, narg)
    }
}

/// `luaL_checkstack(L, n, what)`.
pub(crate) unsafe fn check_stack(l: *mut ffi::lua_State, n: c_int, what: &str) -> LResult<()> {
    if ffi::lua_checkstack(l, n) == 0 {
        return Err(Fail::error(format!("stack overflow ({})", what)));
    }
    Ok(())
}

// Conversions from double to integer types behave as on x86-64, where Redis
// runs: out-of-range values (and NaN) give the "integer indefinite" value
// instead of saturating as Rust's `as` does.

/// `(int64_t)x` on x86-64.
pub(crate) fn f64_to_i64(x: f64) -> i64 {
    if (-9223372036854775808.0..9223372036854775808.0).contains(&x) {
        x as i64
    } else {
        i64::MIN
    }
}

/// `(int32_t)x` on x86-64.
pub(crate) fn f64_to_i32(x: f64) -> i32 {
    if x > -2147483649.0 && x < 2147483648.0 {
        x as i32
    } else {
        i32::MIN
    }
}

/// `(uint64_t)x` as compiled by gcc for x86-64.
pub(crate) fn f64_to_u64(x: f64) -> u64 {
    const TWO63: f64 = 9223372036854775808.0;
    if x >= TWO63 {
        (f64_to_i64(x - TWO63) as u64) ^ (1u64 << 63)
    } else {
        f64_to_i64(x) as u64
    }
}

#[cfg(test)]
pub(crate) mod testutil {
    //! Runs Lua snippets the way the expected values were produced on a real
    //! redis-server 7.0.15: the snippet is the body of a function called under
    //! `pcall`, inside a chunk named `@user_script`, and every result is
    //! rendered by the same serializer (written in Lua) on both sides.

    const TEMPLATE: &str = r#"local function esc(s) return (string.gsub(s, '[^\32-\126]', function(c) return string.format('\\x%02x', string.byte(c)) end)) end
local function ser(v, d)
  d = d or 0
  local t = type(v)
  if t == 'string' then return '"'..esc(v)..'"'
  elseif t == 'number' then
    if v ~= v then return 'nan' end
    return string.format('%.17g', v)
  elseif t == 'boolean' or t == 'nil' then return tostring(v)
  elseif t == 'table' then
    if d > 40 then return '{...}' end
    local ks = {}
    for k, val in pairs(v) do ks[#ks+1] = {ser(k, d+1), ser(val, d+1)} end
    table.sort(ks, function(a,b) return a[1] < b[1] end)
    local out = {}
    for i, kv in ipairs(ks) do out[i] = '['..kv[1]..']='..kv[2] end
    return '{'..table.concat(out, ',')..'}'
  elseif t == 'userdata' then
    if v == cjson.null then return 'NULL' end
    return 'userdata'
  else return t end
end
local function hex(s) return (string.gsub(s, '.', function(c) return string.format('%02x', string.byte(c)) end)) end
local function pk(...) return select('#', ...), {...} end
local n, r = pk(pcall(function() __CODE__ end))
local out = {}
for i=1,n do out[i] = ser(r[i]) end
return table.concat(out, ' ')
"#;

    /// Runs `code` in a fresh interpreter with the libraries loaded.
    pub(crate) fn run(code: &str) -> String {
        let lua = mlua::Lua::new();
        super::open_all(&lua).expect("open_all");
        run_in(&lua, code)
    }

    pub(crate) fn run_in(lua: &mlua::Lua, code: &str) -> String {
        let script = TEMPLATE.replace("__CODE__", code);
        let out: mlua::LuaString = lua
            .load(script.as_str())
            .set_name("@user_script")
            .eval()
            .unwrap_or_else(|e| panic!("script failed: {code}: {e}"));
        String::from_utf8_lossy(&out.as_bytes()).into_owned()
    }

    /// Checks every `(snippet, expected)` pair, reporting all mismatches.
    pub(crate) fn check_cases(cases: &[(&str, &str)]) {
        let mut failures = Vec::new();
        for (code, expected) in cases {
            let got = run(code);
            if got != *expected {
                failures.push(format!("{code}\n  expected: {expected}\n  got:      {got}"));
            }
        }
        assert!(
            failures.is_empty(),
            "{} of {} cases differ:\n{}",
            failures.len(),
            cases.len(),
            failures.join("\n")
        );
    }
}

#[cfg(test)]
mod tests {
    use mlua::{Function, Lua, LuaString, Table};

    /// The shared deterministic generator, plus random strings.
    struct Rng(resplite_core::util::rng::XorShift);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0.next_u64()
        }

        fn below(&mut self, n: usize) -> usize {
            self.0.below(n)
        }

        fn bytes(&mut self, alphabet: &[u8], max_len: usize) -> Vec<u8> {
            let len = self.below(max_len + 1);
            (0..len)
                .map(|_| alphabet[self.below(alphabet.len())])
                .collect()
        }
    }

    fn lib_fn(lua: &Lua, lib: &str, name: &str) -> Function {
        let t: Table = lua.globals().get(lib).unwrap();
        t.get(name).unwrap()
    }

    #[test]
    fn globals_are_created() {
        let lua = Lua::new();
        super::open_all(&lua).unwrap();
        let names: String = lua
            .load(
                "return table.concat({type(cjson), type(cmsgpack), type(bit), type(struct), \
                 type(cjson.null), cjson._VERSION, cmsgpack._VERSION, \
                 tostring(package.loaded.bit == bit), tostring(package.loaded.struct == struct)}, ' ')",
            )
            .eval()
            .unwrap();
        assert_eq!(
            names,
            "table table table table userdata 2.1.0 lua-cmsgpack 0.4.0 true true"
        );
    }

    /// No input makes a function panic, hang or raise anything but a plain
    /// string error.
    #[test]
    fn random_inputs_only_raise_string_errors() {
        let lua = Lua::new();
        super::open_all(&lua).unwrap();
        let probe: Function = lua
            .load(
                r#"local f, a, b, c = ...
                local ok, err = pcall(f, a, b, c)
                if ok then return 'ok' end
                if type(err) ~= 'string' then return 'error of type ' .. type(err) end
                if string.find(err, 'internal error', 1, true) then return err end
                return 'error'"#,
            )
            .into_function()
            .unwrap();
        let targets = [
            ("cjson", "decode"),
            ("cmsgpack", "unpack"),
            ("cmsgpack", "unpack_one"),
            ("struct", "unpack"),
            ("struct", "pack"),
            ("struct", "size"),
        ];
        let funcs: Vec<Function> = targets.iter().map(|(l, n)| lib_fn(&lua, l, n)).collect();
        let json_alphabet = b"{}[],:\"\\/ 0123456789.eE+-truefalsnulxINFaiy\t\nu\x00\x80";
        let format_alphabet = b"<>!0123456789 xbBhHlLTiIfdcs";
        let all_bytes: Vec<u8> = (0..=255).collect();
        let mut rng = Rng(resplite_core::util::rng::XorShift::new(
            0x9E37_79B9_7F4A_7C15,
        ));
        let mut outcomes = std::collections::HashMap::new();
        for _ in 0..4000 {
            let which = rng.below(funcs.len());
            let (a, b, c): (LuaString, mlua::Value, mlua::Value) = match targets[which].1 {
                "decode" => (
                    lua.create_string(rng.bytes(json_alphabet, 24)).unwrap(),
                    mlua::Value::Nil,
                    mlua::Value::Nil,
                ),
                "unpack" | "pack" | "size" if targets[which].0 == "struct" => {
                    let fmt = lua.create_string(rng.bytes(format_alphabet, 8)).unwrap();
                    let data = lua.create_string(rng.bytes(&all_bytes, 24)).unwrap();
                    let num = mlua::Value::Number(rng.next() as i64 as f64 / 1e3);
                    (fmt, mlua::Value::String(data), num)
                }
                _ => (
                    lua.create_string(rng.bytes(&all_bytes, 24)).unwrap(),
                    mlua::Value::Integer(rng.below(4) as i64),
                    mlua::Value::Nil,
                ),
            };
            let outcome: String = probe.call((funcs[which].clone(), a, b, c)).unwrap();
            assert!(
                outcome == "ok" || outcome == "error",
                "{:?}: {}",
                targets[which],
                outcome
            );
            *outcomes.entry(outcome).or_insert(0) += 1;
        }
        // Both paths were exercised.
        assert!(outcomes.len() == 2, "{outcomes:?}");
    }

    /// An interpreter near its memory limit, and calls that each need more
    /// than is left (each returns `pcall`'s results).
    fn near_memory_limit() -> (Lua, Vec<Function>) {
        let lua = Lua::new();
        super::open_all(&lua).unwrap();
        lua.load(
            r#"
            big = {}
            for i = 1, 20000 do big[i] = {id = i, name = "name" .. i, tags = {"a", "b"}} end
            -- Not the encodings of `big` itself: those must be new strings.
            json = cjson.encode({big, 1})
            packed = cmsgpack.pack({big, 1})
            escaped = cjson.encode(string.rep("\0/", 200000))
            "#,
        )
        .exec()
        .unwrap();
        let attempts: Vec<Function> = [
            "return cjson.encode(big)",
            "return cjson.decode(json)",
            "return cjson.decode(escaped)",
            "return cmsgpack.pack(big)",
            "return cmsgpack.unpack(packed)",
            "return struct.pack('c0c0', json, json)",
            "return struct.unpack(string.rep('c100', 5000), json)",
        ]
        .iter()
        .map(|body| {
            lua.load(format!("return pcall(function() {body} end)"))
                .into_function()
                .unwrap()
        })
        .collect();
        lua.gc_collect().unwrap();
        let used = lua.used_memory();
        lua.set_memory_limit(used + 300_000).unwrap();
        (lua, attempts)
    }

    fn fail_all(lua: &Lua, attempts: &[Function]) {
        for f in attempts {
            // A full collection first: Lua 5.1 does not collect by itself
            // when an allocation fails.
            lua.gc_collect().unwrap();
            // Nothing more is allocated before the garbage of the failed
            // call is collected.
            let (ok, err): (bool, String) = f.call(()).unwrap();
            assert!(!ok);
            assert_eq!(err, "not enough memory");
        }
    }

    /// Running out of Lua memory inside a library function raises Lua's
    /// memory error (as a string) and leaves the interpreter usable.
    #[test]
    fn memory_limit_errors() {
        let (lua, attempts) = near_memory_limit();
        for _ in 0..3 {
            fail_all(&lua, &attempts);
        }
        lua.set_memory_limit(0).unwrap();
        let n: i64 = lua.load("return #cjson.decode(json)[1]").eval().unwrap();
        assert_eq!(n, 20000);
    }

    /// The failing calls above, repeated, do not grow the process: nothing
    /// of theirs leaks. Measured on the resident size of the whole process,
    /// so run it alone: `cargo test memory_limit_does_not_leak -- --ignored`.
    /// (With the encoders' final push unprotected, it sees ~28 MB leaked.)
    #[test]
    #[ignore]
    fn memory_limit_does_not_leak() {
        let (lua, attempts) = near_memory_limit();
        for _ in 0..3 {
            fail_all(&lua, &attempts);
        }
        let before = resident_kb().expect("/proc/self/status");
        for _ in 0..12 {
            fail_all(&lua, &attempts);
        }
        let after = resident_kb().expect("/proc/self/status");
        // Each round fails on inputs of several hundred kB: a leak would show
        // as tens of MB.
        assert!(
            after < before + 8_000,
            "RSS grew from {before} kB to {after} kB"
        );
    }

    fn resident_kb() -> Option<u64> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    /// Self-referencing tables end in an error (cjson) or at the nesting
    /// limit (cmsgpack), never in a crash. Expected values from
    /// redis-server 7.0.15.
    #[test]
    fn cyclic_tables() {
        let out = super::testutil::run(
            "local t = {} t.a = t t[1] = t local ok, e = pcall(cjson.encode, t) \
             return e, #cmsgpack.pack(t)",
        );
        assert_eq!(
            out,
            r#"true "Cannot serialise, excessive nesting (1001)" 327676"#
        );
    }
}
