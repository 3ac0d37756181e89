//! FUNCTION: resplite runs no scripts, so it answers like a Redis with no
//! libraries loaded (LIST empty, FLUSH a no-op, STATS idle) and refuses to
//! load any.

use resplite_core::prelude::*;

use super::subcommand::{help, unknown, Sub};

enum Function {
    List,
    Flush,
    Stats,
    Delete,
    Kill,
    Unsupported(&'static str),
    Help,
}

/// FUNCTION <subcommand> [args...]
pub struct FunctionCmd(Function);

impl Command for FunctionCmd {
    const SPEC: CommandSpec = CommandSpec::new("function", -2, Flags::NONE, "scripting")
        .summary("A container for function commands.")
        .since("7.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let sub = Sub::read(args)?;
        let check = |args: &Args, n| sub.check("FUNCTION", args, n);
        let f = match sub.name.as_str() {
            "list" => {
                args.options(|kw, args| {
                    Ok(match kw {
                        "WITHCODE" => true,
                        "LIBRARYNAME" => args.bytes().is_ok(),
                        _ => false,
                    })
                })?;
                Function::List
            }
            "flush" => {
                check(args, -2)?;
                match args.remaining() {
                    0 => {}
                    1 if args.eat("ASYNC") || args.eat("SYNC") => {}
                    _ => {
                        return Err(CommandError::other(
                            "ERR FUNCTION FLUSH only supports SYNC|ASYNC option",
                        ))
                    }
                }
                Function::Flush
            }
            "stats" => check(args, 2).map(|_| Function::Stats)?,
            "kill" => check(args, 2).map(|_| Function::Kill)?,
            "delete" => {
                check(args, 3)?;
                args.bytes()?;
                Function::Delete
            }
            "load" => {
                check(args, -3)?;
                args.rest();
                Function::Unsupported("LOAD")
            }
            "dump" => check(args, 2).map(|_| Function::Unsupported("DUMP"))?,
            "restore" => {
                check(args, -3)?;
                args.rest();
                Function::Unsupported("RESTORE")
            }
            "help" => check(args, 2).map(|_| Function::Help)?,
            _ => return Err(unknown("FUNCTION", &sub.raw)),
        };
        Ok(FunctionCmd(f))
    }

    fn apply(self, _ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let map = |pairs: Vec<(&'static str, Reply)>| {
            Reply::Map(
                pairs
                    .into_iter()
                    .map(|(k, v)| (Reply::bulk(k), v))
                    .collect(),
            )
        };
        match self.0 {
            Function::List => Ok(Reply::Array(vec![])),
            Function::Flush => Ok(Reply::ok()),
            Function::Stats => Ok(map(vec![
                ("running_script", Reply::Nil),
                (
                    "engines",
                    map(vec![(
                        "LUA",
                        map(vec![
                            ("libraries_count", Reply::Int(0)),
                            ("functions_count", Reply::Int(0)),
                        ]),
                    )]),
                ),
            ])),
            Function::Delete => Err(CommandError::other("ERR Library not found")),
            Function::Kill => Err(CommandError::other(
                "NOTBUSY No scripts in execution right now.",
            )),
            Function::Unsupported(sub) => Err(CommandError::other(format!(
                "ERR FUNCTION {sub} is not supported: resplite runs no scripts"
            ))),
            Function::Help => Ok(help(
                "FUNCTION",
                &[
                    "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
                    "    Return general information on all the libraries (resplite: none).",
                    "STATS",
                    "    Return information about the current function running (resplite: none).",
                    "FLUSH [ASYNC|SYNC]",
                    "    Delete all the libraries (resplite: there are none).",
                    "DELETE <LIBRARY NAME>",
                    "KILL",
                    "LOAD, DUMP, RESTORE",
                    "    Not supported: resplite runs no scripts.",
                ],
            )),
        }
    }
}

register_command!(FunctionCmd);
