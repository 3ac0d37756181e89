use resplite_core::prelude::*;

use crate::server::subcommand::{help, unknown, Sub};

enum Pubsub {
    Channels(Option<Bytes>),
    NumSub(Vec<Bytes>),
    NumPat,
    ShardChannels(Option<Bytes>),
    ShardNumSub(Vec<Bytes>),
    Help,
}

/// PUBSUB CHANNELS [pattern] | NUMSUB [channel ...] | NUMPAT |
/// SHARDCHANNELS [pattern] | SHARDNUMSUB [channel ...] | HELP.
pub struct PubsubCmd(Pubsub);

/// PUBSUB's subcommands, as Redis 7.0 lists them.
const SUBCOMMANDS: &[SubSpec] = &[
    SubSpec::new("channels", -2),
    SubSpec::new("help", 2),
    SubSpec::new("numpat", 2),
    SubSpec::new("numsub", -2),
    SubSpec::new("shardchannels", -2),
    SubSpec::new("shardnumsub", -2),
];

impl Command for PubsubCmd {
    const SPEC: CommandSpec = CommandSpec::new("pubsub", -2, Flags::NONE, "pubsub")
        .subcommands(SUBCOMMANDS)
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
                    Pubsub::ShardChannels(pattern)
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
            Pubsub::Channels(pattern) => channel_list(hub.channels(pattern.as_deref(), false)),
            Pubsub::ShardChannels(pattern) => channel_list(hub.channels(pattern.as_deref(), true)),
            Pubsub::NumSub(channels) => numsub(hub, channels, false),
            Pubsub::ShardNumSub(channels) => numsub(hub, channels, true),
            Pubsub::NumPat => Reply::Int(hub.numpat() as i64),
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

fn channel_list(channels: Vec<Bytes>) -> Reply {
    Reply::Array(channels.into_iter().map(Reply::Bulk).collect())
}

/// NUMSUB / SHARDNUMSUB: a flat name, count array (in RESP3 too).
fn numsub(hub: &resplite_core::pubsub::PubSub, channels: Vec<Bytes>, sharded: bool) -> Reply {
    Reply::Array(
        channels
            .into_iter()
            .flat_map(|c| {
                let n = hub.numsub(&c, sharded) as i64;
                [Reply::Bulk(c), Reply::Int(n)]
            })
            .collect(),
    )
}

register_command!(PubsubCmd);
