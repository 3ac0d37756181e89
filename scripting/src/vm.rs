//! One Lua 5.1 interpreter set up as Redis sets up its own: the libraries
//! Redis loads, the `redis` API, the sandbox (see `glue.lua`), a memory cap,
//! and an instruction-count hook that turns a long script BUSY and stops it
//! on SCRIPT KILL or SHUTDOWN NOSAVE. EVAL and FUNCTION each own one, as in
//! Redis.

use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use mlua::{Function, HookTriggers, Lua, LuaOptions, MultiValue, StdLib, Table, Value, VmState};
use resplite_core::command::{NestedError, NestedOptions};
use resplite_core::server::{Interrupt, ScriptBusy, ServerState};
use resplite_core::{CommandError, Ctx, EngineError, Reply};

use crate::convert::{arg_bytes, error_table, lua_to_reply, normalize_error, reply_to_lua};
use crate::random::Rand48;

/// Instructions between two looks at the clock and the kill flags (Redis').
const HOOK_EVERY: u32 = 100_000;
/// FUNCTION LOAD may run library code this long (Redis' LOAD_TIMEOUT_MS).
const LOAD_TIMEOUT: Duration = Duration::from_millis(500);

/// What a script's run shares with the callbacks it makes.
struct Running {
    /// The command's context, for `redis.call`. Only set while `Vm::call`
    /// holds the `&mut Ctx` it came from (see `Vm::call`).
    ctx: Option<*mut Ctx<'static>>,
    read_only: bool,
    resp: u8,
    started: Instant,
    /// A function's name and FCALL command, for FUNCTION STATS (and its
    /// BUSY text); `None` for EVAL.
    shown: Option<(String, Vec<Bytes>)>,
    busy: Option<Arc<ScriptBusy>>,
    /// Past the threshold: other clients get BUSY.
    turned_busy: bool,
    stopped: Option<Interrupt>,
    /// A nested command broke the storage.
    broken: Option<CommandError>,
    /// FUNCTION LOAD's deadline and what the library registered.
    loading: Option<Vec<Registered>>,
}

impl Running {
    fn new() -> Running {
        Running {
            ctx: None,
            shown: None,
            read_only: false,
            resp: 2,
            started: Instant::now(),
            busy: None,
            turned_busy: false,
            stopped: None,
            broken: None,
            loading: None,
        }
    }
}

type Slot = Rc<RefCell<Option<Running>>>;

/// A function a library registered while loading.
pub struct Registered {
    pub name: String,
    pub description: Option<String>,
    pub flags: crate::flags::ScriptFlags,
    pub callback: Function,
}

/// How a script runs.
pub struct RunOptions<'a> {
    pub read_only: bool,
    /// For error replies: `script: <name>, on ...` (the SHA or function name).
    pub name: &'a str,
    pub function: bool,
    /// The command that runs it (FUNCTION STATS shows a busy function's).
    pub command: Vec<Bytes>,
}

pub struct Vm {
    lua: Lua,
    slot: Slot,
    run_eval: Function,
    run_function: Function,
    with_index: Function,
    /// The globals FUNCTION LOAD's library code sees.
    load_api: Option<Table>,
}

impl Vm {
    pub fn new(memory_limit: usize, functions: bool) -> mlua::Result<Vm> {
        // `debug` is loaded for the error handler's frame lookups and removed
        // from the globals before any user code runs.
        let libs = StdLib::TABLE | StdLib::STRING | StdLib::MATH | StdLib::DEBUG;
        let lua = unsafe { Lua::unsafe_new_with(libs, LuaOptions::new()) };
        crate::libs::open_all(&lua)?;
        let slot: Slot = Rc::new(RefCell::new(None));
        let globals = lua.globals();
        let redis = api_table(&lua, &slot)?;
        globals.set("redis", redis)?;
        install_random(&lua)?;
        let rcall = redis_call(&lua, &slot)?;
        lua.set_named_registry_value(RCALL_KEY, &rcall)?;
        // SAFETY: both are Lua C functions that keep the stack balanced and
        // own no Rust value when they raise.
        let raising = unsafe { lua.create_c_function(raising_call)? };
        let protected = unsafe { lua.create_c_function(protected_call)? };
        let stopped_slot = slot.clone();
        let stopped = lua.create_function(move |_, ()| {
            Ok(stopped_slot
                .try_borrow()
                .is_ok_and(|r| r.as_ref().is_some_and(|r| r.stopped.is_some())))
        })?;
        let handler = lua.create_function(error_handler)?;
        let glue: MultiValue = lua
            .load(include_str!("glue.lua"))
            .set_name("=resplite")
            .call((
                raising,
                protected,
                stopped,
                handler,
                ServerState::REDIS_VERSION,
                version_num(ServerState::REDIS_VERSION),
            ))?;
        let mut glue = glue.into_iter();
        let mut next = || glue.next().unwrap_or(Value::Nil);
        let env: Table = lua.unpack(next())?;
        let run_eval: Function = lua.unpack(next())?;
        let run_function: Function = lua.unpack(next())?;
        let with_index: Function = lua.unpack(next())?;
        let readonly_api: Function = lua.unpack(next())?;
        lua.set_globals(env)?;
        let load_api = if functions {
            Some(load_api(&lua, &slot, &readonly_api)?)
        } else {
            None
        };
        install_hook(&lua, &slot)?;
        if memory_limit > 0 {
            lua.set_memory_limit(memory_limit)?;
        }
        Ok(Vm {
            lua,
            slot,
            run_eval,
            run_function,
            with_index,
            load_api,
        })
    }

    pub fn lua(&self) -> &Lua {
        &self.lua
    }

    pub fn used_memory(&self) -> usize {
        self.lua.used_memory()
    }

    /// Compiles a script body (`source`: `@user_script`, `@user_function`).
    pub fn compile(&self, body: &[u8], source: &str) -> Result<Function, String> {
        self.lua
            .load(body)
            .set_name(source)
            .set_mode(mlua::chunk::ChunkMode::Text)
            .into_function()
            .map_err(|e| match e {
                mlua::Error::SyntaxError { message, .. } => message,
                other => other.to_string(),
            })
    }

    /// Runs a library's code with only the load-time API visible, collecting
    /// what it registers. `Err` carries Redis' message (without `ERR `).
    pub fn load_library(&self, chunk: &Function) -> Result<Vec<Registered>, String> {
        let api = self.load_api.as_ref().expect("the functions interpreter");
        let mut running = Running::new();
        running.loading = Some(Vec::new());
        *self.slot.borrow_mut() = Some(running);
        let result: mlua::Result<(bool, Value)> =
            self.with_index.call((api.clone(), chunk.clone()));
        let running = self.slot.borrow_mut().take().expect("set above");
        match result {
            Ok((true, _)) => Ok(running.loading.unwrap_or_default()),
            Ok((false, err)) => Err(format!(
                "Error registering functions: {}",
                error_message(&err)
            )),
            Err(e) => Err(format!("Error registering functions: {e}")),
        }
        .map_err(|m| {
            m.replace(
                "Error registering functions: Error registering",
                "Error registering",
            )
        })
    }

    /// Runs a compiled script (EVAL: `function` false, KEYS/ARGV as globals)
    /// or a registered function (FCALL: they are its arguments).
    pub fn call(
        &self,
        ctx: &mut Ctx,
        f: &Function,
        keys: &[Bytes],
        args: &[Bytes],
        opts: RunOptions,
    ) -> Result<Reply, CommandError> {
        let lua = &self.lua;
        let keys_t = strings_table(lua, keys).map_err(lua_failure)?;
        let args_t = strings_table(lua, args).map_err(lua_failure)?;
        let busy = ctx.server.script_busy.clone();
        busy.start();
        if busy.interrupt() == Interrupt::Abandon {
            return Err(abandoned());
        }
        let mut running = Running::new();
        running.read_only = opts.read_only;
        running.busy = Some(busy.clone());
        if opts.function {
            running.shown = Some((opts.name.to_string(), opts.command));
        }
        // SAFETY: the pointer is only dereferenced by `redis.call` while this
        // function runs the script, during which `ctx` is mutably borrowed
        // here and used by nobody else; the slot is emptied before returning.
        running.ctx = Some((ctx as *mut Ctx<'_>).cast::<Ctx<'static>>());
        *self.slot.borrow_mut() = Some(running);
        let runner = if opts.function {
            &self.run_function
        } else {
            &self.run_eval
        };
        let result: mlua::Result<(bool, Value)> = runner.call((f.clone(), keys_t, args_t));
        let running = self.slot.borrow_mut().take().expect("set above");
        if running.turned_busy {
            busy.leave();
        }
        if let Some(e) = running.broken {
            return Err(e);
        }
        if running.stopped == Some(Interrupt::Abandon) {
            return Err(abandoned());
        }
        let resp3 = running.resp == 3;
        Ok(match result {
            Ok((true, value)) => lua_to_reply(&value, resp3),
            Ok((false, err)) => script_error(&err, opts.name),
            Err(e) => Reply::Error(format!("ERR Error running script {}, {e}", opts.name).into()),
        })
    }
}

/// SHUTDOWN NOSAVE stopped the script: fail as storage would, so the
/// executor undoes its writes.
fn abandoned() -> CommandError {
    CommandError::Internal(EngineError::Corrupt(
        "script stopped by SHUTDOWN NOSAVE".into(),
    ))
}

/// A failure to build a script's arguments (out of memory).
fn lua_failure(e: mlua::Error) -> CommandError {
    CommandError::other(format!("ERR {e}"))
}

fn strings_table(lua: &Lua, items: &[Bytes]) -> mlua::Result<Table> {
    let t = lua.create_table_with_capacity(items.len(), 0)?;
    for (i, item) in items.iter().enumerate() {
        t.raw_set(i + 1, lua.create_string(item)?)?;
    }
    Ok(t)
}

/// The text of an error the handler built (`{err=..., source=..., line=...}`).
fn error_message(err: &Value) -> String {
    match err {
        Value::Table(t) => match t.raw_get::<Value>("err") {
            Ok(Value::String(s)) => s.to_string_lossy(),
            // lua_isstring: a number is one too.
            Ok(Value::Integer(n)) => n.to_string(),
            Ok(Value::Number(n)) => n.to_string(),
            _ => "ERR unknown error".into(),
        },
        Value::String(s) => format!("ERR {}", s.to_string_lossy()),
        other => format!("ERR {other:?}"),
    }
}

/// Redis' luaCallFunction error reply: `<err> script: <name>, on <source>:<line>.`
fn script_error(err: &Value, name: &str) -> Reply {
    let msg = error_message(err);
    let mut line = msg.strip_prefix('-').unwrap_or(&msg).to_string();
    if let Value::Table(t) = err {
        if let (Ok(Value::String(source)), Ok(at)) =
            (t.raw_get::<Value>("source"), t.raw_get::<Value>("line"))
        {
            let at = match at {
                Value::Integer(n) => n.to_string(),
                Value::Number(n) => (n as i64).to_string(),
                _ => String::new(),
            };
            if !at.is_empty() {
                line = format!(
                    "{line} script: {name}, on {}:{at}.",
                    source.to_string_lossy()
                );
            }
        }
    }
    Reply::Error(line.into())
}

/// The error handler scripts run under (Redis' `__redis__err__handler`):
/// makes every error a `{err=...}` table and adds where it happened, the
/// first Lua frame of user code above the error.
fn error_handler(lua: &Lua, err: Value) -> mlua::Result<Value> {
    let table = match err {
        Value::Table(t) => t,
        Value::String(s) => error_table(lua, &format!("ERR {}", s.to_string_lossy()))?,
        Value::Error(e) => error_table(lua, &format!("ERR {}", describe(&e)))?,
        other => error_table(lua, &format!("ERR {}", lua_tostring(&other)))?,
    };
    let mut frame = None;
    for level in 1..16 {
        let found = lua.inspect_stack(level, |d| {
            let src = d.source();
            let what = src.what;
            let source = src.source.map(|s| s.to_string()).unwrap_or_default();
            (
                what == "C" || source == "=resplite",
                source,
                d.current_line(),
            )
        });
        match found {
            None => break,
            Some((true, ..)) => continue,
            Some((false, source, line)) => {
                frame = Some((source, line));
                break;
            }
        }
    }
    if let Some((source, Some(line))) = frame {
        table.raw_set("source", source)?;
        table.raw_set("line", line as i64)?;
    }
    Ok(Value::Table(table))
}

fn lua_tostring(v: &Value) -> String {
    match v {
        Value::Nil => "nil".into(),
        Value::Boolean(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Integer(n) => n.to_string(),
        other => format!("{}: {:p}", other.type_name(), other.to_pointer()),
    }
}

/// The message of an error raised from Rust (a callback or the hook), as
/// Lua would have printed it.
fn describe(e: &mlua::Error) -> String {
    match e {
        mlua::Error::RuntimeError(m) => m.clone(),
        mlua::Error::MemoryError(_) => "not enough memory".into(),
        mlua::Error::CallbackError { cause, .. } => describe(cause),
        mlua::Error::WithContext { cause, .. } => describe(cause),
        other => other.to_string(),
    }
}

const RCALL_KEY: &str = "resplite.rcall";

/// `redis.call` and `redis.pcall`: C functions, as in Redis, so the error
/// `redis.call` raises is the `{err=...}` table itself (an mlua callback can
/// only raise its own error type), and `return redis.call(...)` keeps the
/// caller's frame for the error's line. The arguments travel to the
/// primitive in one table: 8,000 of them fit, as in Redis.
unsafe fn call_primitive(l: *mut mlua::ffi::lua_State, raise: bool) -> std::os::raw::c_int {
    use mlua::ffi;
    let n = ffi::lua_gettop(l);
    ffi::lua_createtable(l, n, 0);
    for i in 1..=n {
        ffi::lua_pushvalue(l, i);
        ffi::lua_rawseti(l, -2, i.into());
    }
    ffi::lua_getfield(l, ffi::LUA_REGISTRYINDEX, c"resplite.rcall".as_ptr());
    ffi::lua_insert(l, -2);
    ffi::lua_pushinteger(l, n as ffi::lua_Integer);
    ffi::lua_call(l, 2, 2);
    let failed = ffi::lua_toboolean(l, -1) != 0;
    ffi::lua_settop(l, -2);
    if failed && raise {
        ffi::lua_error(l)
    } else {
        1
    }
}

unsafe extern "C-unwind" fn raising_call(l: *mut mlua::ffi::lua_State) -> std::os::raw::c_int {
    call_primitive(l, true)
}

unsafe extern "C-unwind" fn protected_call(l: *mut mlua::ffi::lua_State) -> std::os::raw::c_int {
    call_primitive(l, false)
}

/// `redis.call`'s primitive: returns the converted reply and whether it is
/// an error (the glue raises it for `redis.call`).
fn redis_call(lua: &Lua, slot: &Slot) -> mlua::Result<Function> {
    let slot = slot.clone();
    lua.create_function(move |lua, (args, n): (Table, usize)| {
        if n == 0 {
            let e = error_table(
                lua,
                "ERR Please specify at least one argument for this redis lib call",
            )?;
            return Ok((Value::Table(e), true));
        }
        let mut argv = Vec::with_capacity(n);
        for i in 1..=n {
            match arg_bytes(&args.raw_get::<Value>(i)?) {
                Some(b) => argv.push(b),
                None => {
                    let e = error_table(
                        lua,
                        "ERR Lua redis lib command arguments must be strings or integers",
                    )?;
                    return Ok((Value::Table(e), true));
                }
            }
        }
        let (ctx, opts) = {
            let guard = slot.try_borrow().map_err(|_| {
                mlua::Error::runtime(
                    "redis.call/pcall can only be called inside a script invocation",
                )
            })?;
            match guard.as_ref() {
                Some(Running {
                    ctx: Some(ctx),
                    read_only,
                    resp,
                    ..
                }) => (
                    *ctx,
                    NestedOptions {
                        read_only: *read_only,
                        resp: *resp,
                    },
                ),
                _ => {
                    let e = error_table(
                        lua,
                        "ERR redis.call/pcall can only be called inside a script invocation",
                    )?;
                    return Err(mlua::Error::runtime(error_message(&Value::Table(e))));
                }
            }
        };
        // SAFETY: see `Vm::call`; the slot holds the pointer only while the
        // `&mut Ctx` it came from is lent to this script.
        let ctx = unsafe { &mut *ctx };
        match ctx.call_nested(&argv, opts) {
            Ok(done) => {
                if done.write {
                    ctx.server.script_busy.note_write();
                }
                let failed = done.reply.is_error();
                Ok((reply_to_lua(lua, &done.reply, opts.resp == 3)?, failed))
            }
            Err(NestedError::Refused(why)) => {
                Ok((Value::Table(error_table(lua, &format!("ERR {why}"))?), true))
            }
            Err(NestedError::Broken(e)) => {
                if let Some(run) = slot.borrow_mut().as_mut() {
                    run.broken = Some(e);
                }
                Err(mlua::Error::runtime("storage failure"))
            }
        }
    })
}

/// The `redis` table, less call/pcall (the glue adds those).
fn api_table(lua: &Lua, slot: &Slot) -> mlua::Result<Table> {
    let redis = lua.create_table()?;
    redis.set(
        "sha1hex",
        lua.create_function(|lua, args: MultiValue| {
            if args.len() != 1 {
                return Err(raise(lua, "ERR wrong number of arguments"));
            }
            let data = match &args[0] {
                Value::String(s) => s.as_bytes().to_vec(),
                Value::Number(n) => resplite_core::util::number::format_double(*n).into_bytes(),
                Value::Integer(n) => n.to_string().into_bytes(),
                _ => Vec::new(),
            };
            Ok(crate::sha1_hex(&data))
        })?,
    )?;
    redis.set(
        "error_reply",
        lua.create_function(|lua, args: MultiValue| {
            single_string(lua, &args).map(|s| match s {
                Some(s) => {
                    let line = if s.starts_with('-') {
                        s
                    } else {
                        format!("-{s}")
                    };
                    Value::Table(error_table(lua, &normalize_error(&line)).expect("small table"))
                }
                None => Value::Table(
                    error_table(lua, "ERR wrong number or type of arguments").expect("small table"),
                ),
            })
        })?,
    )?;
    redis.set(
        "status_reply",
        lua.create_function(|lua, args: MultiValue| {
            let t = lua.create_table()?;
            match single_string(lua, &args)? {
                Some(s) => t.raw_set("ok", s)?,
                None => t.raw_set("err", "ERR wrong number or type of arguments")?,
            }
            Ok(t)
        })?,
    )?;
    add_log(lua, &redis)?;
    let resp_slot = slot.clone();
    redis.set(
        "setresp",
        lua.create_function(move |lua, args: MultiValue| {
            if args.len() != 1 {
                return Err(raise(lua, "ERR redis.setresp() requires one argument."));
            }
            let resp = match &args[0] {
                Value::Number(n) => *n as i64,
                Value::Integer(n) => *n,
                Value::String(s) => s
                    .to_str()
                    .ok()
                    .and_then(|s| s.trim().parse().ok())
                    .unwrap_or(0),
                _ => 0,
            };
            if resp != 2 && resp != 3 {
                return Err(raise(lua, "ERR RESP version must be 2 or 3."));
            }
            match resp_slot.borrow_mut().as_mut() {
                Some(run) => run.resp = resp as u8,
                None => {
                    return Err(raise(
                        lua,
                        "ERR redis.setresp can only be called inside a script invocation",
                    ))
                }
            }
            Ok(())
        })?,
    )?;
    redis.set(
        "set_repl",
        lua.create_function(|lua, args: MultiValue| {
            if args.len() != 1 {
                return Err(raise(lua, "ERR redis.set_repl() requires two arguments."));
            }
            let flags = match &args[0] {
                Value::Number(n) => *n as i64,
                Value::Integer(n) => *n,
                _ => 0,
            };
            if flags & !3 != 0 {
                return Err(raise(
                    lua,
                    "ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.",
                ));
            }
            Ok(())
        })?,
    )?;
    redis.set("replicate_commands", lua.create_function(|_, ()| Ok(true))?)?;
    redis.set("breakpoint", lua.create_function(|_, ()| Ok(false))?)?;
    redis.set("debug", lua.create_function(|_, _: MultiValue| Ok(()))?)?;
    for (name, value) in [
        ("REPL_NONE", 0),
        ("REPL_AOF", 1),
        ("REPL_SLAVE", 2),
        ("REPL_REPLICA", 2),
        ("REPL_ALL", 3),
    ] {
        redis.set(name, value)?;
    }
    let acl_slot = slot.clone();
    redis.set(
        "acl_check_cmd",
        lua.create_function(move |lua, args: MultiValue| {
            if args.is_empty() {
                return Err(raise(
                    lua,
                    "ERR Please specify at least one argument for this redis lib call",
                ));
            }
            let name = args.front().and_then(arg_bytes).unwrap_or_default();
            let guard = acl_slot.borrow();
            let ctx = match guard.as_ref().and_then(|r| r.ctx) {
                Some(ctx) => ctx,
                None => {
                    return Err(raise(
                        lua,
                        "ERR redis.acl_check_cmd can only be called inside a script invocation",
                    ))
                }
            };
            // SAFETY: see `Vm::call`.
            let ctx = unsafe { &*ctx };
            match ctx.registry.get(&name) {
                // One user, allowed everything: resplite has no ACL rules.
                Some(_) => Ok(true),
                None => Err(raise(
                    lua,
                    "ERR Invalid command passed to redis.acl_check_cmd()",
                )),
            }
        })?,
    )?;
    Ok(redis)
}

/// `redis.log` and the `LOG_*` levels (resplite logs through tracing).
fn add_log(lua: &Lua, redis: &Table) -> mlua::Result<()> {
    redis.set(
        "log",
        lua.create_function(|lua, args: MultiValue| {
            if args.len() < 2 {
                return Err(raise(
                    lua,
                    "ERR redis.log() requires two arguments or more.",
                ));
            }
            let level = match &args[0] {
                Value::Number(n) => *n as i64,
                Value::Integer(n) => *n,
                _ => {
                    return Err(raise(
                        lua,
                        "ERR First argument must be a number (log level).",
                    ))
                }
            };
            if !(0..=3).contains(&level) {
                return Err(raise(lua, "ERR Invalid debug level."));
            }
            let text: Vec<String> = args
                .iter()
                .skip(1)
                .filter_map(|a| arg_bytes(a).map(|b| String::from_utf8_lossy(&b).into_owned()))
                .collect();
            let text = text.join(" ");
            match level {
                0 => tracing::debug!(target: "script", "{text}"),
                1 | 2 => tracing::info!(target: "script", "{text}"),
                _ => tracing::warn!(target: "script", "{text}"),
            }
            Ok(())
        })?,
    )?;
    for (name, value) in [
        ("LOG_DEBUG", 0),
        ("LOG_VERBOSE", 1),
        ("LOG_NOTICE", 2),
        ("LOG_WARNING", 3),
    ] {
        redis.set(name, value)?;
    }
    Ok(())
}

/// A Lua error carrying a Redis error table, as luaPushError + lua_error.
fn raise(lua: &Lua, line: &str) -> mlua::Error {
    match error_table(lua, line) {
        Ok(_) => mlua::Error::runtime(line.strip_prefix("ERR ").unwrap_or(line)),
        Err(e) => e,
    }
}

fn single_string(_lua: &Lua, args: &MultiValue) -> mlua::Result<Option<String>> {
    if args.len() != 1 {
        return Ok(None);
    }
    Ok(match &args[0] {
        Value::String(s) => Some(s.to_string_lossy()),
        _ => None,
    })
}

/// luaL_where(L, 1): `source:line: ` of the Lua code calling a Rust function.
fn lua_where(lua: &Lua) -> String {
    lua.inspect_stack(1, |d| {
        let src = d.source().short_src.map(|s| s.to_string());
        match (src, d.current_line()) {
            (Some(src), Some(line)) => format!("{src}:{line}: "),
            _ => String::new(),
        }
    })
    .unwrap_or_default()
}

/// luaL_argerror for math.random.
fn arg_error(lua: &Lua, n: usize, why: &str) -> mlua::Error {
    mlua::Error::runtime(format!(
        "{}bad argument #{n} to 'random' ({why})",
        lua_where(lua)
    ))
}

/// `math.random` and `math.randomseed` on Redis' rand48, so a seeded script
/// gives the same numbers as on Redis.
fn install_random(lua: &Lua) -> mlua::Result<()> {
    let rng = Rc::new(RefCell::new(Rand48::default()));
    let math: Table = lua.globals().get("math")?;
    let r = rng.clone();
    math.set(
        "random",
        lua.create_function(move |lua, args: MultiValue| {
            let x = r.borrow_mut().next_f64();
            // luaL_checknumber: numbers and numeric strings.
            let int = |i: usize| -> mlua::Result<i64> {
                let got = match &args[i] {
                    Value::Number(n) => return Ok(*n as i64),
                    Value::Integer(n) => return Ok(*n),
                    Value::String(s) => {
                        match s.to_str().ok().and_then(|s| s.trim().parse::<f64>().ok()) {
                            Some(f) => return Ok(f as i64),
                            None => "string",
                        }
                    }
                    other => other.type_name(),
                };
                Err(arg_error(
                    lua,
                    i + 1,
                    &format!("number expected, got {got}"),
                ))
            };
            match args.len() {
                0 => Ok(x),
                1 => {
                    let u = int(0)? as i32;
                    if u < 1 {
                        return Err(arg_error(lua, 1, "interval is empty"));
                    }
                    Ok((x * f64::from(u)).floor() + 1.0)
                }
                2 => {
                    let l = int(0)? as i32;
                    let u = int(1)? as i32;
                    if l > u {
                        return Err(arg_error(lua, 2, "interval is empty"));
                    }
                    Ok((x * (f64::from(u) - f64::from(l) + 1.0)).floor() + f64::from(l))
                }
                _ => Err(mlua::Error::runtime(format!(
                    "{}wrong number of arguments",
                    lua_where(lua)
                ))),
            }
        })?,
    )?;
    math.set(
        "randomseed",
        lua.create_function(move |_, seed: f64| {
            rng.borrow_mut().seed(seed as i64 as i32);
            Ok(())
        })?,
    )?;
    Ok(())
}

/// Every 100,000 instructions: turn BUSY past the threshold, stop on a kill
/// request, and stop FUNCTION LOAD's code past its deadline.
fn install_hook(lua: &Lua, slot: &Slot) -> mlua::Result<()> {
    let slot = slot.clone();
    lua.set_hook(
        HookTriggers::new().every_nth_instruction(HOOK_EVERY),
        move |_, _| {
            let Ok(mut guard) = slot.try_borrow_mut() else {
                return Ok(VmState::Continue);
            };
            let Some(run) = guard.as_mut() else {
                return Ok(VmState::Continue);
            };
            if run.loading.is_some() {
                if run.started.elapsed() > LOAD_TIMEOUT {
                    return Err(mlua::Error::runtime("FUNCTION LOAD timeout"));
                }
                return Ok(VmState::Continue);
            }
            if let Some(stop) = run.stopped {
                // Still running after a kill (a pcall caught it): again.
                return Err(stopped_error(stop));
            }
            let Some(busy) = run.busy.clone() else {
                return Ok(VmState::Continue);
            };
            if !run.turned_busy {
                let threshold = busy.threshold_ms();
                if threshold == 0 || run.started.elapsed() < Duration::from_millis(threshold) {
                    return Ok(VmState::Continue);
                }
                run.turned_busy = true;
                let started = run.started;
                busy.enter(
                    run.shown
                        .take()
                        .map(|(name, command)| (name, command, started)),
                );
                tracing::warn!(
                    elapsed_ms = run.started.elapsed().as_millis() as u64,
                    "slow script detected: still running; SCRIPT KILL or FUNCTION KILL stops it"
                );
            }
            if let Some(ctx) = run.ctx {
                // SAFETY: as in `call`: the script runs, so `ctx` is alive and
                // nothing else uses it during the hook.
                let ctx = unsafe { &mut *ctx };
                ctx.inbox.answer_while_busy(ctx.server);
                // SIGTERM waits for the storage thread, which a runaway script
                // would hold for ever: stop it as SHUTDOWN NOSAVE does.
                if ctx.server.shutting_down() {
                    busy.abandon();
                }
            }
            match busy.interrupt() {
                Interrupt::Continue => Ok(VmState::Continue),
                stop => {
                    run.stopped = Some(stop);
                    Err(stopped_error(stop))
                }
            }
        },
    )
}

fn stopped_error(stop: Interrupt) -> mlua::Error {
    match stop {
        Interrupt::Abandon => mlua::Error::runtime("Script stopped by SHUTDOWN NOSAVE"),
        _ => mlua::Error::runtime("Script killed by user with SCRIPT KILL..."),
    }
}

/// What library code sees while FUNCTION LOAD runs it: `redis` with only
/// `register_function`, `log` and the version.
fn load_api(lua: &Lua, slot: &Slot, readonly: &Function) -> mlua::Result<Table> {
    let redis = lua.create_table()?;
    let reg_slot = slot.clone();
    redis.set(
        "register_function",
        lua.create_function(move |lua, args: MultiValue| {
            let registered = crate::functions::read_registration(lua, &args)
                .map_err(|m| raise(lua, &format!("ERR {m}")))?;
            let mut guard = reg_slot.borrow_mut();
            match guard.as_mut().and_then(|r| r.loading.as_mut()) {
                Some(list) => {
                    if list
                        .iter()
                        .any(|r| r.name.eq_ignore_ascii_case(&registered.name))
                    {
                        return Err(raise(lua, "ERR Function already exists in the library"));
                    }
                    list.push(registered);
                    Ok(())
                }
                None => Err(raise(
                    lua,
                    "ERR redis.register_function can only be called on FUNCTION LOAD command",
                )),
            }
        })?,
    )?;
    add_log(lua, &redis)?;
    redis.set("REDIS_VERSION", ServerState::REDIS_VERSION)?;
    redis.set("REDIS_VERSION_NUM", version_num(ServerState::REDIS_VERSION))?;
    let redis: Table = readonly.call(redis)?;
    let api = lua.create_table()?;
    api.set("redis", redis)?;
    readonly.call(api)
}

/// `7.0.15` as Redis' REDIS_VERSION_NUM (0x00070f).
fn version_num(v: &str) -> i64 {
    v.split('.')
        .map(|p| p.parse::<i64>().unwrap_or(0))
        .fold(0, |acc, p| (acc << 8) | p)
}
