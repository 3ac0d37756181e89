//! DEBUG, the one subcommand tools and test suites use: SLEEP. Commands run on
//! the storage thread, so DEBUG SLEEP stalls every client, as it stalls Redis.

use std::time::Duration;

use resplite_core::prelude::*;

use super::subcommand::{help, Sub};

enum Debug {
    Sleep(Duration),
    Help,
}

/// DEBUG SLEEP seconds | DEBUG HELP
pub struct DebugCmd(Debug);

impl Command for DebugCmd {
    const SPEC: CommandSpec = CommandSpec::new(
        "debug",
        -2,
        Flags::ADMIN
            .union(Flags::NOSCRIPT)
            .union(Flags::LOADING)
            .union(Flags::STALE),
        "server",
    )
    .summary("A container for debugging commands.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let sub = Sub::read(args)?;
        match sub.name.as_str() {
            "sleep" if args.remaining() == 1 => {
                // Redis reads the seconds with strtod: garbage means 0.
                let raw = args.bytes()?;
                let secs = std::str::from_utf8(&raw)
                    .ok()
                    .and_then(|s| s.trim().parse::<f64>().ok())
                    .filter(|s| s.is_finite() && *s > 0.0)
                    .unwrap_or(0.0);
                Ok(DebugCmd(Debug::Sleep(Duration::from_secs_f64(
                    secs.min(86_400.0),
                ))))
            }
            "help" if args.is_empty() => Ok(DebugCmd(Debug::Help)),
            _ => Err(super::subcommand::syntax("DEBUG", &sub.raw)),
        }
    }

    fn apply(self, _ctx: &mut Ctx) -> Result<Reply, CommandError> {
        match self.0 {
            Debug::Sleep(d) => {
                std::thread::sleep(d);
                Ok(Reply::ok())
            }
            Debug::Help => Ok(help(
                "DEBUG",
                &[
                    "SLEEP <seconds>",
                    "    Stop the server for <seconds>. Decimals allowed.",
                ],
            )),
        }
    }
}

register_command!(DebugCmd);
