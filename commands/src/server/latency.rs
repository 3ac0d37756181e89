//! LATENCY: resplite has no latency monitor, so it answers as a Redis that
//! has recorded no latency event.

use resplite_core::prelude::*;

use super::subcommand::{help, unknown, Sub};

enum Latency {
    Doctor,
    Latest,
    History,
    Reset,
    Graph(Bytes),
    Histogram,
    Help,
}

/// LATENCY DOCTOR|LATEST|HISTORY|RESET|GRAPH|HISTOGRAM|HELP
pub struct LatencyCmd(Latency);

/// LATENCY's subcommands, as Redis 7.0 lists them.
const SUBCOMMANDS: &[SubSpec] = &[
    SubSpec::new("doctor", 2),
    SubSpec::new("graph", 3),
    SubSpec::new("help", 2),
    SubSpec::new("histogram", -2),
    SubSpec::new("history", 3),
    SubSpec::new("latest", 2),
    SubSpec::new("reset", -2),
];

impl Command for LatencyCmd {
    const SPEC: CommandSpec =
        CommandSpec::new("latency", -2, Flags::NOSCRIPT_SUBCOMMANDS, "server")
            .subcommands(SUBCOMMANDS)
            .summary("A container for latency diagnostics commands.")
            .since("2.8.13");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let sub = Sub::read(args)?;
        let check = |args: &Args, n| sub.check("LATENCY", args, n);
        let l = match sub.name.as_str() {
            "doctor" => check(args, 2).map(|_| Latency::Doctor)?,
            "latest" => check(args, 2).map(|_| Latency::Latest)?,
            "history" => {
                check(args, 3)?;
                args.bytes()?;
                Latency::History
            }
            "graph" => {
                check(args, 3)?;
                Latency::Graph(args.bytes()?)
            }
            "reset" => {
                args.rest();
                Latency::Reset
            }
            "histogram" => {
                args.rest();
                Latency::Histogram
            }
            "help" => check(args, 2).map(|_| Latency::Help)?,
            _ => return Err(unknown("LATENCY", &sub.raw)),
        };
        Ok(LatencyCmd(l))
    }

    fn apply(self, _ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(match self.0 {
            Latency::Doctor => Reply::bulk(
                "Dave, no latency spike was observed during the lifetime of this Redis \
                 instance, not in the slightest bit. I honestly think you ought to sleep \
                 tonight.\n",
            ),
            Latency::Latest | Latency::History => Reply::Array(vec![]),
            Latency::Reset => Reply::Int(0),
            Latency::Graph(event) => {
                return Err(CommandError::other(format!(
                    "ERR No samples available for event '{}'",
                    String::from_utf8_lossy(&event)
                )))
            }
            Latency::Histogram => Reply::Map(vec![]),
            Latency::Help => help(
                "LATENCY",
                &[
                    "DOCTOR",
                    "    Return a human readable latency analysis report.",
                    "GRAPH <event>",
                    "    Return an ASCII latency graph for the <event> class.",
                    "HISTORY <event>",
                    "    Return time-latency samples for the <event> class.",
                    "LATEST",
                    "    Return the latest latency samples for all events.",
                    "RESET [<event> ...]",
                    "    Reset latency data of one or more <event> classes.",
                    "    (default: reset all data for all event classes)",
                    "HISTOGRAM [COMMAND ...]",
                    "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
                    "    If no commands are specified then all histograms are replied.",
                ],
            ),
        })
    }
}

register_command!(LatencyCmd);
