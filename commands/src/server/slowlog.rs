//! SLOWLOG GET|LEN|RESET over the log kept in the server state. Entries are
//! recorded by the executor when a command runs longer than
//! `slowlog-log-slower-than` microseconds.

use resplite_core::prelude::*;
use resplite_core::util::number::parse_i64;

use super::subcommand::{help, unknown, Sub};

enum SlowLog {
    /// `None`: all entries.
    Get(Option<usize>),
    Len,
    Reset,
    Help,
}

/// SLOWLOG GET [count] | LEN | RESET | HELP
pub struct SlowLogCmd(SlowLog);

/// SLOWLOG's subcommands, as Redis 7.0 lists them.
const SUBCOMMANDS: &[SubSpec] = &[
    SubSpec::new("get", -2),
    SubSpec::new("help", 2),
    SubSpec::new("len", 2),
    SubSpec::new("reset", 2),
];

impl Command for SlowLogCmd {
    const SPEC: CommandSpec = CommandSpec::new("slowlog", -2, Flags::NONE, "server")
        .subcommands(SUBCOMMANDS)
        .summary("A container for slow log commands.")
        .since("2.2.12");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let sub = Sub::read(args)?;
        let check = |args: &Args, n| sub.check("SLOWLOG", args, n);
        let s = match sub.name.as_str() {
            "get" => {
                check(args, -2)?;
                let count = match args.remaining() {
                    0 => Some(10),
                    1 => match parse_i64(&args.bytes()?) {
                        Some(-1) => None,
                        Some(n) if n >= 0 => Some(n as usize),
                        _ => {
                            return Err(CommandError::other(
                                "ERR count should be greater than or equal to -1",
                            ))
                        }
                    },
                    _ => return Err(super::subcommand::arity("SLOWLOG", "get")),
                };
                SlowLog::Get(count)
            }
            "len" => check(args, 2).map(|_| SlowLog::Len)?,
            "reset" => check(args, 2).map(|_| SlowLog::Reset)?,
            "help" => check(args, 2).map(|_| SlowLog::Help)?,
            _ => return Err(unknown("SLOWLOG", &sub.raw)),
        };
        Ok(SlowLogCmd(s))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(match self.0 {
            SlowLog::Get(count) => Reply::Array(
                ctx.server
                    .slowlog_get(count)
                    .into_iter()
                    .map(|e| {
                        Reply::Array(vec![
                            Reply::Int(e.id as i64),
                            Reply::Int(e.time),
                            Reply::Int(e.usec as i64),
                            Reply::Array(e.argv.into_iter().map(Reply::Bulk).collect()),
                            Reply::bulk(e.addr),
                            Reply::bulk(e.name),
                        ])
                    })
                    .collect(),
            ),
            SlowLog::Len => Reply::Int(ctx.server.slowlog_len() as i64),
            SlowLog::Reset => {
                ctx.server.slowlog_reset();
                Reply::ok()
            }
            SlowLog::Help => help(
                "SLOWLOG",
                &[
                    "GET [<count>]",
                    "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
                    "    Entries are made of:",
                    "    id, timestamp, time in microseconds, arguments array, client IP and port,",
                    "    client name",
                    "LEN",
                    "    Return the length of the slowlog.",
                    "RESET",
                    "    Reset the slowlog.",
                ],
            ),
        })
    }
}

register_command!(SlowLogCmd);
