//! FUNCTION LOAD / LIST / DELETE / FLUSH / STATS / KILL / DUMP / RESTORE /
//! HELP, and FCALL / FCALL_RO.

use resplite_commands::subcommand::{help, syntax, unknown, Sub};
use resplite_core::prelude::*;
use resplite_core::server::stats_reply;
use resplite_core::util::glob::glob_match;

use super::eval::keys_and_args;
use super::script::is_sync_mode;
use crate::host::{err, with_host};

pub struct Function {
    sub: Sub,
    args: Vec<Bytes>,
}

/// FUNCTION's subcommands, as Redis 7.0 lists them.
const SUBCOMMANDS: &[SubSpec] = &[
    SubSpec::new("delete", 3),
    SubSpec::new("dump", 2),
    SubSpec::new("flush", -2),
    SubSpec::new("help", 2),
    SubSpec::new("kill", 2),
    SubSpec::new("list", -2),
    SubSpec::new("load", -3),
    SubSpec::new("restore", -3),
    SubSpec::new("stats", 2),
];

impl Command for Function {
    const SPEC: CommandSpec =
        CommandSpec::new("function", -2, Flags::NOSCRIPT_SUBCOMMANDS, "scripting")
            .subcommands(SUBCOMMANDS)
            .summary("A container for function commands.")
            .since("7.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let sub = Sub::read(args)?;
        let arity = match sub.name.as_str() {
            "load" => -3,
            "delete" => 3,
            "list" | "flush" => -2,
            "restore" => -3,
            "stats" | "kill" | "dump" | "help" => 2,
            _ => return Err(unknown("FUNCTION", &sub.raw)),
        };
        sub.check("FUNCTION", args, arity)?;
        Ok(Function {
            sub,
            args: args.rest(),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let args = self.args;
        match self.sub.name.as_str() {
            "load" => {
                let (options, code) = args.split_at(args.len() - 1);
                let mut replace = false;
                for option in options {
                    if option.eq_ignore_ascii_case(b"replace") {
                        replace = true;
                    } else {
                        return Err(err(format!(
                            "Unknown option given: {}",
                            String::from_utf8_lossy(option)
                        )));
                    }
                }
                let code = &code[0];
                with_host(ctx, |host, ctx| {
                    let name = host.functions(ctx)?.load(code, replace).map_err(err)?;
                    ctx.engine.put_function_library(&name, code)?;
                    ctx.server.note_dirty(1);
                    Ok(Reply::bulk(name))
                })
            }
            "delete" => with_host(ctx, |host, ctx| {
                let name = String::from_utf8_lossy(&args[0]).into_owned();
                if !host.functions(ctx)?.remove(&name) {
                    return Err(err("Library not found"));
                }
                ctx.engine.delete_function_library(&name)?;
                ctx.server.note_dirty(1);
                Ok(Reply::ok())
            }),
            "flush" => {
                match args.first() {
                    None => {}
                    Some(_) if args.len() > 1 => return Err(syntax("FUNCTION", &self.sub.raw)),
                    Some(mode) if is_sync_mode(mode) => {}
                    _ => return Err(err("FUNCTION FLUSH only supports SYNC|ASYNC option")),
                }
                with_host(ctx, |host, ctx| {
                    host.functions(ctx)?.clear();
                    ctx.engine.clear_function_libraries()?;
                    ctx.server.note_dirty(1);
                    Ok(Reply::ok())
                })
            }
            "list" => list(ctx, &args),
            "stats" => {
                // Opens the libraries, so the counts published are current.
                with_host(ctx, |host, ctx| host.functions(ctx).map(|_| ()))?;
                // Answered on the storage thread, so no script is running.
                Ok(stats_reply(&ctx.server.script_stats, Reply::Nil))
            }
            "kill" => Ok(Reply::error("NOTBUSY No scripts in execution right now.")),
            "dump" => with_host(ctx, |host, ctx| {
                let f = host.functions(ctx)?;
                let codes: Vec<&[u8]> = f.libraries.values().map(|l| &l.code[..]).collect();
                Ok(Reply::bulk(crate::dump::dump_functions(&codes)))
            }),
            "restore" => restore(ctx, &self.sub.raw, &args),
            _ => Ok(help(
                "FUNCTION",
                &[
                    "LOAD [REPLACE] <FUNCTION CODE>",
                    "    Create a new library with the given library name and code.",
                    "DELETE <LIBRARY NAME>",
                    "    Delete the given library.",
                    "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
                    "    Return general information on all the libraries:",
                    "    * Library name",
                    "    * The engine used to run the Library",
                    "    * Library description",
                    "    * Functions list",
                    "    * Library code (if WITHCODE is given)",
                    "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
                    "STATS",
                    "    Return information about the current function running:",
                    "    * Function name",
                    "    * Command used to run the function",
                    "    * Duration in MS that the function is running",
                    "    If no function is running, return nil",
                    "    In addition, returns a list of available engines.",
                    "KILL",
                    "    Kill the current running function.",
                    "FLUSH [ASYNC|SYNC]",
                    "    Delete all the libraries.",
                    "    When called without the optional mode argument, the behavior is determined by the",
                    "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
                    "    * ASYNC: Asynchronously flush the libraries.",
                    "    * SYNC: Synchronously flush the libraries.",
                    "DUMP",
                    "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
                    "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
                    "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
                    "    control how to handle existing libraries (default APPEND):",
                    "    * FLUSH: delete all existing libraries.",
                    "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
                    "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
                    "      libraries with the new libraries (notice that even on this option there is a chance of failure",
                    "      in case of functions name collision with another library).",
                ],
            )),
        }
    }
}

/// FUNCTION LIST [LIBRARYNAME pattern] [WITHCODE]
fn list(ctx: &mut Ctx, args: &[Bytes]) -> Result<Reply, CommandError> {
    let (mut with_code, mut pattern) = (false, None);
    let mut i = 0;
    while i < args.len() {
        let arg = &args[i];
        if !with_code && arg.eq_ignore_ascii_case(b"withcode") {
            with_code = true;
        } else if pattern.is_none() && arg.eq_ignore_ascii_case(b"libraryname") {
            i += 1;
            pattern = Some(
                args.get(i)
                    .ok_or_else(|| err("library name argument was not given"))?
                    .clone(),
            );
        } else {
            return Err(err(format!(
                "Unknown argument {}",
                String::from_utf8_lossy(arg)
            )));
        }
        i += 1;
    }
    with_host(ctx, |host, ctx| {
        let f = host.functions(ctx)?;
        let mut out = Vec::new();
        for (name, lib) in &f.libraries {
            if let Some(p) = &pattern {
                if !glob_match(p, name.as_bytes(), false) {
                    continue;
                }
            }
            let functions = lib
                .functions
                .values()
                .map(|f| {
                    Reply::Map(vec![
                        (Reply::bulk("name"), Reply::bulk(f.name.clone())),
                        (
                            Reply::bulk("description"),
                            Reply::opt_bulk(f.description.clone()),
                        ),
                        (
                            Reply::bulk("flags"),
                            Reply::Set(f.flags.names().map(Reply::simple).collect()),
                        ),
                    ])
                })
                .collect();
            let mut entry = vec![
                (Reply::bulk("library_name"), Reply::bulk(name.clone())),
                (Reply::bulk("engine"), Reply::bulk("LUA")),
                (Reply::bulk("functions"), Reply::Array(functions)),
            ];
            if with_code {
                entry.push((Reply::bulk("library_code"), Reply::Bulk(lib.code.clone())));
            }
            out.push(Reply::Map(entry));
        }
        Ok(Reply::Array(out))
    })
}

/// FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE]
fn restore(ctx: &mut Ctx, sub: &[u8], args: &[Bytes]) -> Result<Reply, CommandError> {
    #[derive(PartialEq)]
    enum Policy {
        Flush,
        Append,
        Replace,
    }
    if args.len() > 2 {
        return Err(syntax("FUNCTION", sub));
    }
    let policy =
        match args.get(1) {
            None => Policy::Append,
            Some(p) if args.len() == 2 => match p.to_ascii_lowercase().as_slice() {
                b"flush" => Policy::Flush,
                b"append" => Policy::Append,
                b"replace" => Policy::Replace,
                _ => return Err(err(
                    "Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.",
                )),
            },
            Some(_) => return Err(CommandError::Syntax),
        };
    let codes = crate::dump::restore_functions(&args[0]).map_err(err)?;
    with_host(ctx, |host, ctx| {
        let f = host.functions(ctx)?;
        // Checked on a copy first: a failing RESTORE changes nothing.
        let existing: Vec<(String, Bytes)> = f
            .libraries
            .iter()
            .map(|(n, l)| (n.clone(), l.code.clone()))
            .collect();
        if policy == Policy::Flush {
            f.clear();
        }
        let mut loaded = Vec::new();
        for code in &codes {
            match f.load(code, policy == Policy::Replace) {
                Ok(name) => loaded.push((name, code.clone())),
                Err(e) => {
                    f.clear();
                    for (_, code) in &existing {
                        let _ = f.load(code, true);
                    }
                    // RESTORE names the library without LOAD's quotes.
                    let e = match e.strip_prefix("Library '") {
                        Some(rest) => {
                            format!("Library {}", rest.replacen("' already", " already", 1))
                        }
                        None => e,
                    };
                    return Err(err(e));
                }
            }
        }
        if policy == Policy::Flush {
            ctx.engine.clear_function_libraries()?;
        }
        for (name, code) in loaded {
            ctx.engine.put_function_library(&name, &code)?;
        }
        ctx.server.note_dirty(1);
        Ok(Reply::ok())
    })
}

/// FCALL and FCALL_RO (`RO`).
pub struct FCall<const RO: bool> {
    function: Bytes,
    /// `numkeys key... arg...`, split in apply.
    args: Vec<Bytes>,
}

impl<const RO: bool> Command for FCall<RO> {
    const SPEC: CommandSpec = {
        let flags = Flags::NOSCRIPT
            .union(Flags::RUNS_SCRIPT)
            .union(Flags::STALE)
            .union(Flags::SKIP_MONITOR)
            .union(Flags::NO_MANDATORY_KEYS);
        if RO {
            CommandSpec::new("fcall_ro", -3, flags.union(Flags::READONLY), "scripting")
                .key_finder(resplite_core::command::finders::numkeys_second)
                .summary("Invokes a read-only function.")
                .since("7.0.0")
        } else {
            CommandSpec::new("fcall", -3, flags.union(Flags::MAY_WRITE), "scripting")
                .key_finder(resplite_core::command::finders::numkeys_second)
                .may_write(crate::host::script_may_write)
                .summary("Invokes a function.")
                .since("7.0.0")
        }
    };

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let function = args.bytes()?;
        // Parsed again in apply: Redis looks the function up first.
        Ok(FCall {
            function,
            args: args.rest(),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        with_host(ctx, |host, ctx| {
            let functions = host.functions(ctx)?;
            if !functions.exists(&self.function) {
                return Err(err("Function not found"));
            }
            let mut rest = Args::new(&self.args);
            let (keys, args) = keys_and_args(&mut rest, "ERR Bad number of keys provided")?;
            let name: &'static [u8] = if RO { b"fcall_ro" } else { b"fcall" };
            let command: Vec<Bytes> = [Bytes::from_static(name), self.function.clone()]
                .into_iter()
                .chain(self.args)
                .collect();
            functions.call(ctx, &self.function, &keys, &args, RO, command)
        })
    }
}

type FCallRw = FCall<false>;
type FCallRo = FCall<true>;

register_command!(Function, FCallRw, FCallRo);
