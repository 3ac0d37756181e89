//! FUNCTION libraries: `#!lua name=<lib>` code whose top level registers
//! functions with `redis.register_function`, kept in the database file and
//! compiled again when the server first needs them.

use std::collections::{BTreeMap, HashMap};

use bytes::Bytes;
use mlua::{Lua, MultiValue, Value};
use resplite_core::{CommandError, Ctx, Reply};

use crate::flags::ScriptFlags;
use crate::host::{err, memory_limit};
use crate::vm::{Registered, RunOptions, Vm};

pub struct Library {
    pub code: Bytes,
    pub functions: BTreeMap<String, Registered>,
}

pub struct Functions {
    vm: Vm,
    pub libraries: BTreeMap<String, Library>,
    /// Lower-cased function name (Redis matches them without case) to the
    /// library's name and the function's own.
    index: HashMap<String, (String, String)>,
}

impl Functions {
    /// A function's flags, by name (any case).
    pub fn flags(&self, name: &[u8]) -> Option<crate::flags::ScriptFlags> {
        let name = String::from_utf8_lossy(name).to_lowercase();
        let (lib, name) = self.index.get(&name)?;
        Some(self.libraries.get(lib)?.functions.get(name)?.flags)
    }

    /// A fresh interpreter with the libraries stored in the file.
    pub fn open(ctx: &mut Ctx) -> Result<Functions, CommandError> {
        let vm =
            Vm::new(memory_limit(ctx), true).map_err(|e| err(format!("cannot start Lua: {e}")))?;
        let mut functions = Functions {
            vm,
            libraries: BTreeMap::new(),
            index: HashMap::new(),
        };
        for (name, code) in ctx.engine.function_libraries()? {
            if let Err(e) = functions.load(&code, true) {
                tracing::error!(library = %name, error = %e, "stored function library does not load");
            }
        }
        Ok(functions)
    }

    pub fn exists(&self, name: &[u8]) -> bool {
        std::str::from_utf8(name).is_ok_and(|n| self.index.contains_key(&n.to_lowercase()))
    }

    pub fn used_memory(&self) -> usize {
        self.vm.used_memory()
    }

    pub fn function_count(&self) -> usize {
        self.index.len()
    }

    pub fn library_count(&self) -> usize {
        self.libraries.len()
    }

    /// FUNCTION LOAD: the library's name, or Redis' message (without `ERR`).
    pub fn load(&mut self, code: &[u8], replace: bool) -> Result<String, String> {
        let (engine, name, body) = metadata(code)?;
        if !valid_name(&name) {
            return Err("Library names can only contain letters, numbers, or underscores(_) and must be at least one character long".into());
        }
        if !engine.eq_ignore_ascii_case("lua") {
            return Err(format!("Engine '{engine}' not found"));
        }
        if self.libraries.contains_key(&name) && !replace {
            return Err(format!("Library '{name}' already exists"));
        }
        let chunk = self
            .vm
            .compile(&code[body..], "@user_function")
            .map_err(|m| format!("Error compiling function: {m}"))?;
        let registered = self.vm.load_library(&chunk)?;
        if registered.is_empty() {
            return Err("No functions registered".into());
        }
        for f in &registered {
            if let Some((owner, _)) = self.index.get(&f.name.to_lowercase()) {
                if *owner != name {
                    return Err(format!("Function {} already exists", f.name));
                }
            }
        }
        self.remove(&name);
        for f in &registered {
            self.index
                .insert(f.name.to_lowercase(), (name.clone(), f.name.clone()));
        }
        let functions = registered
            .into_iter()
            .map(|f| (f.name.clone(), f))
            .collect();
        self.libraries.insert(
            name.clone(),
            Library {
                code: Bytes::copy_from_slice(code),
                functions,
            },
        );
        Ok(name)
    }

    /// Drops a library and its functions; false if there was none.
    pub fn remove(&mut self, name: &str) -> bool {
        match self.libraries.remove(name) {
            Some(lib) => {
                for f in lib.functions.keys() {
                    self.index.remove(&f.to_lowercase());
                }
                true
            }
            None => false,
        }
    }

    pub fn clear(&mut self) {
        self.libraries.clear();
        self.index.clear();
    }

    /// FCALL / FCALL_RO.
    pub fn call(
        &self,
        ctx: &mut Ctx,
        name: &[u8],
        keys: &[Bytes],
        args: &[Bytes],
        ro_command: bool,
        command: Vec<Bytes>,
    ) -> Result<Reply, CommandError> {
        let name = String::from_utf8_lossy(name);
        let f = self
            .index
            .get(&name.to_lowercase())
            .and_then(|(lib, name)| self.libraries.get(lib)?.functions.get(name))
            .ok_or_else(|| err("Function not found"))?;
        if ro_command && !f.flags.no_writes() {
            return Err(err(
                "Can not execute a script with write flag using *_ro command.",
            ));
        }
        self.vm.call(
            ctx,
            &f.callback,
            keys,
            args,
            RunOptions {
                read_only: ro_command || f.flags.no_writes(),
                name: &f.name,
                function: true,
                command,
            },
        )
    }
}

/// Redis' functionsVerifyName.
fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// A library's name as its `#!lua name=<lib>` line gives it (for files
/// that carry libraries: RDB imports).
pub fn library_name(code: &[u8]) -> Result<String, String> {
    let (engine, name, _) = metadata(code)?;
    if !engine.eq_ignore_ascii_case("lua") {
        return Err(format!("Engine '{engine}' not found"));
    }
    if !valid_name(&name) {
        return Err("Library names can only contain letters, numbers, or underscores(_) and must be at least one character long".into());
    }
    Ok(name)
}

/// The `#!<engine> name=<lib>` line: (engine, name, where the code starts).
fn metadata(code: &[u8]) -> Result<(String, String, usize), String> {
    if !code.starts_with(b"#!") {
        return Err("Missing library metadata".into());
    }
    let Some(end) = code.iter().position(|&b| b == b'\n') else {
        return Err("Invalid library metadata".into());
    };
    // `name="foo"` is `name=foo`, as Redis splits it.
    let parts = crate::flags::shebang_words(&code[..end]).ok_or("Invalid library metadata")?;
    let mut parts = parts.into_iter();
    let Some(first) = parts.next() else {
        return Err("Invalid library metadata".into());
    };
    let engine = first.get(2..).unwrap_or_default().to_string();
    let mut name = None;
    for part in parts {
        if part.len() >= 5 && part[..5].eq_ignore_ascii_case("name=") {
            if name.is_some() {
                return Err(
                    "Invalid metadata value, name argument was given multiple times".into(),
                );
            }
            name = Some(part[5..].to_string());
            continue;
        }
        return Err(format!("Invalid metadata value given: {part}"));
    }
    let name = name.ok_or("Library name was not given")?;
    Ok((engine, name, end))
}

/// `redis.register_function(name, callback)` or
/// `redis.register_function{function_name=..., callback=..., flags={...}, description=...}`.
pub fn read_registration(_lua: &Lua, args: &MultiValue) -> Result<Registered, String> {
    let text = |v: &Value| match v {
        Value::String(s) => Some(s.to_string_lossy()),
        Value::Number(n) => Some(resplite_core::util::number::format_double(*n)),
        Value::Integer(n) => Some(n.to_string()),
        _ => None,
    };
    let (name, callback, description, flags) = match args.len() {
        1 => {
            let Value::Table(t) = &args[0] else {
                return Err("calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).".into());
            };
            let (mut name, mut callback, mut description, mut flags) =
                (None, None, None, ScriptFlags::default());
            for pair in t.pairs::<Value, Value>() {
                let (k, v) = pair.map_err(|e| e.to_string())?;
                let Some(key) = text(&k) else {
                    return Err(
                        "named argument key given to redis.register_function is not a string"
                            .into(),
                    );
                };
                match key.to_ascii_lowercase().as_str() {
                    "function_name" => name = Some(text(&v).ok_or(
                        "function_name argument given to redis.register_function must be a string",
                    )?),
                    "description" => description = Some(text(&v).ok_or(
                        "description argument given to redis.register_function must be a string",
                    )?),
                    "callback" => match v {
                        Value::Function(f) => callback = Some(f),
                        _ => return Err(
                            "callback argument given to redis.register_function must be a function"
                                .into(),
                        ),
                    },
                    "flags" => {
                        let Value::Table(list) = v else {
                            return Err("flags argument to redis.register_function must be a table representing function flags".into());
                        };
                        for item in list.sequence_values::<Value>() {
                            let item = item.map_err(|e| e.to_string())?;
                            let bit = text(&item)
                                .and_then(|n| ScriptFlags::parse_one(&n))
                                .ok_or("unknown flag given")?;
                            flags.add(bit);
                        }
                    }
                    _ => return Err("unknown argument given to redis.register_function".into()),
                }
            }
            let name = name.ok_or("redis.register_function must get a function name argument")?;
            let callback =
                callback.ok_or("redis.register_function must get a callback argument")?;
            (name, callback, description, flags)
        }
        2 => {
            let name = text(&args[0])
                .ok_or("first argument to redis.register_function must be a string")?;
            let Value::Function(callback) = &args[1] else {
                return Err("second argument to redis.register_function must be a function".into());
            };
            (name, callback.clone(), None, ScriptFlags::default())
        }
        _ => return Err("wrong number of arguments to redis.register_function".into()),
    };
    if !valid_name(&name) {
        return Err("Library names can only contain letters, numbers, or underscores(_) and must be at least one character long".into());
    }
    Ok(Registered {
        name,
        description,
        flags,
        callback,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library_metadata() {
        let (engine, name, at) = metadata(b"#!lua name=mylib\nreturn").unwrap();
        assert_eq!((engine.as_str(), name.as_str(), at), ("lua", "mylib", 16));
        assert_eq!(metadata(b"return").unwrap_err(), "Missing library metadata");
        assert_eq!(
            metadata(b"#!lua\n").unwrap_err(),
            "Library name was not given"
        );
        assert_eq!(
            metadata(b"#!lua name=a foo=bar\n").unwrap_err(),
            "Invalid metadata value given: foo=bar"
        );
        assert!(valid_name("a_1") && !valid_name("a-b") && !valid_name(""));
    }
}
