//! SCRIPT LOAD / EXISTS / FLUSH / KILL / DEBUG / HELP.

use resplite_commands::subcommand::{help, unknown, Sub};
use resplite_core::prelude::*;

use crate::host::{err, with_host};

pub struct Script {
    sub: Sub,
    args: Vec<Bytes>,
}

/// SCRIPT's subcommands, as Redis 7.0 lists them.
const SUBCOMMANDS: &[SubSpec] = &[
    SubSpec::new("debug", 3),
    SubSpec::new("exists", -3),
    SubSpec::new("flush", -2),
    SubSpec::new("help", 2),
    SubSpec::new("kill", 2),
    SubSpec::new("load", 3),
];

impl Command for Script {
    const SPEC: CommandSpec =
        CommandSpec::new("script", -2, Flags::NOSCRIPT_SUBCOMMANDS, "scripting")
            .subcommands(SUBCOMMANDS)
            .summary("A container for Lua scripts management commands.")
            .since("2.6.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let sub = Sub::read(args)?;
        let arity = match sub.name.as_str() {
            "load" => 3,
            "exists" => -3,
            "flush" | "debug" => -2,
            "kill" | "help" => 2,
            _ => return Err(unknown("SCRIPT", &sub.raw)),
        };
        sub.check("SCRIPT", args, arity)?;
        Ok(Script {
            sub,
            args: args.rest(),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        match self.sub.name.as_str() {
            "load" => with_host(ctx, |host, ctx| {
                host.load_script(ctx, &self.args[0]).map(Reply::bulk)
            }),
            "exists" => with_host(ctx, |host, _| {
                Ok(Reply::Array(
                    self.args
                        .iter()
                        .map(|sha| Reply::Int(i64::from(host.script_exists(sha))))
                        .collect(),
                ))
            }),
            "flush" => {
                match self.args.first() {
                    None => {}
                    Some(mode) if self.args.len() == 1 && is_sync_mode(mode) => {}
                    _ => return Err(err("SCRIPT FLUSH only support SYNC|ASYNC option")),
                }
                with_host(ctx, |host, _| host.flush_scripts());
                Ok(Reply::ok())
            }
            // A script past the threshold is killed from its client's
            // connection; here none is running.
            "kill" => Ok(Reply::error("NOTBUSY No scripts in execution right now.")),
            "debug" => match self.args.first().map(|a| a.to_ascii_lowercase()) {
                Some(m) if m == b"no" && self.args.len() == 1 => Ok(Reply::ok()),
                Some(m) if (m == b"yes" || m == b"sync") && self.args.len() == 1 => {
                    Err(err("SCRIPT DEBUG is not supported by resplite"))
                }
                _ => Err(err("Use SCRIPT DEBUG YES/SYNC/NO")),
            },
            _ => Ok(help(
                "SCRIPT",
                &[
                    "DEBUG (YES|SYNC|NO)",
                    "    Set the debug mode for subsequent scripts executed.",
                    "EXISTS <sha1> [<sha1> ...]",
                    "    Return information about the existence of the scripts in the script cache.",
                    "FLUSH [ASYNC|SYNC]",
                    "    Flush the Lua scripts cache. Very dangerous on replicas.",
                    "    When called without the optional mode argument, the behavior is determined by the",
                    "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
                    "    * ASYNC: Asynchronously flush the scripts cache.",
                    "    * SYNC: Synchronously flush the scripts cache.",
                    "KILL",
                    "    Kill the currently executing Lua script.",
                    "LOAD <script>",
                    "    Load a script into the scripts cache without executing it.",
                ],
            )),
        }
    }
}

pub fn is_sync_mode(mode: &[u8]) -> bool {
    mode.eq_ignore_ascii_case(b"sync") || mode.eq_ignore_ascii_case(b"async")
}

register_command!(Script);
