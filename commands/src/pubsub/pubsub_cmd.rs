use resplite_core::prelude::*;

use crate::server::subcommand::{help, unknown, Sub};

enum Pubsub {
    Channels(Option<Bytes>),
    NumSub(Vec<Bytes>),
    NumPat,
    ShardChannels,
    ShardNumSub(Vec<Bytes>),
    Help,
}

/// PUBSUB CHANNELS [pattern] | NUMSUB [channel ...] | NUMPAT |
/// SHARDCHANNELS [pattern] | SHARDNUMSUB [channel ...] | HELP. resplite has no
/// shard channels: those answer as an idle Redis does.
pub struct PubsubCmd(Pubsub);

impl Command for PubsubCmd {
    const SPEC: CommandSpec = CommandSpec::new("pubsub", -2, Flags::NONE, "pubsub")
        .summary("A container for Pub/Sub commands.")
        .since("2.8.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let sub = Sub::read(args)?;
        let cmd = match sub.name.as_str() {
            "channels" | "shardchannels" => {
                if args.remaining() > 1 {
                    return Err(crate::server::subcommand::syntax("PUBSUB", &sub.raw));
                }
                let pattern = (!args.is_empty()).then(|| args.bytes()).transpose()?;
                if sub.name == "channels" {
                    Pubsub::Channels(pattern)
                } else {
                    Pubsub::ShardChannels
                }
            }
            "numsub" => Pubsub::NumSub(args.rest()),
            "shardnumsub" => Pubsub::ShardNumSub(args.rest()),
            "numpat" => {
                sub.check("PUBSUB", args, 2)?;
                Pubsub::NumPat
            }
            "help" => {
                sub.check("PUBSUB", args, 2)?;
                Pubsub::Help
            }
            _ => return Err(unknown("PUBSUB", &sub.raw)),
        };
        Ok(PubsubCmd(cmd))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let hub = &ctx.server.pubsub;
        Ok(match self.0 {
            Pubsub::Channels(pattern) => Reply::Array(
                hub.channels(pattern.as_deref())
                    .into_iter()
                    .map(Reply::Bulk)
                    .collect(),
            ),
            Pubsub::NumSub(channels) => Reply::Array(
                channels
                    .into_iter()
                    .flat_map(|c| {
                        let n = hub.numsub(&c) as i64;
                        [Reply::Bulk(c), Reply::Int(n)]
                    })
                    .collect(),
            ),
            Pubsub::NumPat => Reply::Int(hub.numpat() as i64),
            Pubsub::ShardChannels => Reply::Array(Vec::new()),
            Pubsub::ShardNumSub(channels) => Reply::Array(
                channels
                    .into_iter()
                    .flat_map(|c| [Reply::Bulk(c), Reply::Int(0)])
                    .collect(),
            ),
            Pubsub::Help => help(
                "PUBSUB",
                &[
                    "CHANNELS [<pattern>]",
                    "    Return the currently active channels matching a <pattern> (default: '*').",
                    "NUMPAT",
                    "    Return number of subscriptions to patterns.",
                    "NUMSUB [<channel> ...]",
                    "    Return the number of subscribers for the specified channels, excluding",
                    "    pattern subscriptions(default: no channels).",
                    "SHARDCHANNELS [<pattern>]",
                    "    Return the currently active shard level channels matching a <pattern> (default: '*').",
                    "SHARDNUMSUB [<shardchannel> ...]",
                    "    Return the number of subscribers for the specified shard level channel(s)",
                ],
            ),
        })
    }
}

register_command!(PubsubCmd);
