//! What scripting keeps on the storage thread between commands: the EVAL
//! interpreter with its script cache, and the FUNCTION interpreter with its
//! libraries (loaded from the database file on first use).

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use bytes::Bytes;
use mlua::Function;
use resplite_core::{CommandError, Ctx, Reply};

use crate::flags::{eval_shebang, ScriptFlags};
use crate::functions::Functions;
use crate::vm::{RunOptions, Vm};

/// A cached EVAL script.
pub struct Script {
    pub function: Function,
    pub flags: ScriptFlags,
}

#[derive(Default)]
pub struct Host {
    eval: Option<Vm>,
    scripts: HashMap<String, Script>,
    pub(crate) functions: Option<Functions>,
}

/// May this EVAL, EVALSHA or FCALL (name first) write? Not the _RO forms,
/// nor a script or function flagged `no-writes` (CLIENT PAUSE WRITE lets
/// those run, as Redis does); an unknown SHA or function may (it fails).
pub fn script_may_write(ext: &mut resplite_core::command::Extensions, argv: &[Bytes]) -> bool {
    let name = argv[0].to_ascii_lowercase();
    if name.ends_with(b"_ro") {
        return false;
    }
    let Some(target) = argv.get(1) else {
        return true;
    };
    if name == b"eval" {
        return crate::flags::eval_shebang(target).map_or(true, |(f, _)| !f.no_writes());
    }
    let Some(host) = ext.take::<Host>() else {
        return true;
    };
    let flags = if name == b"evalsha" {
        let sha = String::from_utf8_lossy(target).to_ascii_lowercase();
        host.scripts.get(&sha).map(|s| s.flags)
    } else {
        host.functions.as_ref().and_then(|f| f.flags(target))
    };
    ext.put(host);
    flags.is_none_or(|f| !f.no_writes())
}

/// Runs `f` with the host, which is taken out of `ctx` meanwhile: a script
/// calls commands through that same `ctx`. A SELECT inside a script lasts
/// until the script ends (Redis 7 gives the caller its database back).
pub fn with_host<R>(ctx: &mut Ctx, f: impl FnOnce(&mut Host, &mut Ctx) -> R) -> R {
    let mut host = ctx.ext.take::<Host>().unwrap_or_default();
    let db = ctx.session.db;
    let result = f(&mut host, ctx);
    ctx.session.db = db;
    ctx.engine.select(db);
    host.publish_stats(ctx);
    ctx.ext.put(host);
    result
}

/// The `ERR ...` reply of a scripting failure.
pub fn err(msg: impl std::fmt::Display) -> CommandError {
    CommandError::other(format!("ERR {msg}"))
}

pub fn memory_limit(ctx: &Ctx) -> usize {
    ctx.server.script_stats.memory_limit.load(Ordering::Relaxed) as usize
}

impl Host {
    fn eval_vm(&mut self, ctx: &Ctx) -> Result<&Vm, CommandError> {
        if self.eval.is_none() {
            let vm = Vm::new(memory_limit(ctx), false)
                .map_err(|e| err(format!("cannot start Lua: {e}")))?;
            self.eval = Some(vm);
        }
        Ok(self.eval.as_ref().expect("created above"))
    }

    /// SCRIPT LOAD and EVAL: compiles and caches a body; returns its SHA.
    pub fn load_script(&mut self, ctx: &Ctx, body: &[u8]) -> Result<String, CommandError> {
        let sha = crate::sha1_hex(body);
        if self.scripts.contains_key(&sha) {
            return Ok(sha);
        }
        let (flags, shebang) = eval_shebang(body).map_err(err)?;
        // The shebang line is dropped but its newline kept: line numbers hold.
        let function = self
            .eval_vm(ctx)?
            .compile(&body[shebang..], "@user_script")
            .map_err(|m| err(format!("Error compiling script (new function): {m}")))?;
        self.scripts.insert(sha.clone(), Script { function, flags });
        Ok(sha)
    }

    pub fn script_exists(&self, sha: &[u8]) -> bool {
        std::str::from_utf8(sha)
            .map(|s| self.scripts.contains_key(&s.to_ascii_lowercase()))
            .unwrap_or(false)
    }

    /// SCRIPT FLUSH: a new interpreter, no scripts.
    pub fn flush_scripts(&mut self) {
        self.scripts.clear();
        self.eval = None;
    }

    /// EVAL/EVALSHA and their _RO forms.
    pub fn eval(
        &mut self,
        ctx: &mut Ctx,
        sha: &str,
        keys: &[Bytes],
        args: &[Bytes],
        ro_command: bool,
    ) -> Result<Reply, CommandError> {
        let Some(script) = self.scripts.get(sha) else {
            return Err(CommandError::other(
                "NOSCRIPT No matching script. Please use EVAL.",
            ));
        };
        if ro_command && !script.flags.compat && !script.flags.no_writes() {
            return Err(err(
                "Can not execute a script with write flag using *_ro command.",
            ));
        }
        let function = script.function.clone();
        let read_only = ro_command || script.flags.no_writes();
        let vm = self
            .eval
            .as_ref()
            .expect("a cached script has its interpreter");
        vm.call(
            ctx,
            &function,
            keys,
            args,
            RunOptions {
                read_only,
                name: sha,
                function: false,
                command: Vec::new(),
            },
        )
    }

    pub fn cached_scripts(&self) -> usize {
        self.scripts.len()
    }

    /// The functions interpreter and libraries, loaded from the file first.
    pub fn functions(&mut self, ctx: &mut Ctx) -> Result<&mut Functions, CommandError> {
        if self.functions.is_none() {
            self.functions = Some(Functions::open(ctx)?);
        }
        Ok(self.functions.as_mut().expect("opened above"))
    }

    /// INFO memory's `used_memory_lua` and the script count.
    fn publish_stats(&self, ctx: &Ctx) {
        let stats = &ctx.server.script_stats;
        let eval_memory = self.eval.as_ref().map_or(0, Vm::used_memory);
        stats
            .eval_memory
            .store(eval_memory as u64, Ordering::Relaxed);
        stats
            .cached_scripts
            .store(self.scripts.len() as u64, Ordering::Relaxed);
        if let Some(f) = &self.functions {
            stats
                .functions_memory
                .store(f.used_memory() as u64, Ordering::Relaxed);
            stats
                .functions
                .store(f.function_count() as u64, Ordering::Relaxed);
            stats
                .libraries
                .store(f.library_count() as u64, Ordering::Relaxed);
        }
    }
}
