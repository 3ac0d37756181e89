//! CLUSTER, READONLY, READWRITE and ASKING: resplite is a single node, with
//! cluster support disabled, and answers them as such a Redis does. (To
//! move into a Redis Cluster: `resplite migrate --into URL --cluster`.)

use resplite_core::prelude::*;

const DISABLED: &str = "ERR This instance has cluster support disabled";

/// CLUSTER <subcommand> ...: every subcommand, HELP included.
pub struct Cluster;

/// CLUSTER's subcommands, as Redis 7.0 lists them.
const SUBCOMMANDS: &[SubSpec] = &[
    SubSpec::new("addslots", -3),
    SubSpec::new("addslotsrange", -4),
    SubSpec::new("bumpepoch", 2),
    SubSpec::new("count-failure-reports", 3),
    SubSpec::new("countkeysinslot", 3),
    SubSpec::new("delslots", -3),
    SubSpec::new("delslotsrange", -4),
    SubSpec::new("failover", -2),
    SubSpec::new("flushslots", 2),
    SubSpec::new("forget", 3),
    SubSpec::new("getkeysinslot", 4),
    SubSpec::new("help", 2),
    SubSpec::new("info", 2),
    SubSpec::new("keyslot", 3),
    SubSpec::new("links", 2),
    SubSpec::new("meet", -4),
    SubSpec::new("myid", 2),
    SubSpec::new("nodes", 2),
    SubSpec::new("replicas", 3),
    SubSpec::new("replicate", 3),
    SubSpec::new("reset", -2),
    SubSpec::new("saveconfig", 2),
    SubSpec::new("set-config-epoch", 3),
    SubSpec::new("setslot", -4),
    SubSpec::new("shards", 2),
    SubSpec::new("slaves", 3),
    SubSpec::new("slots", 2),
];

impl Command for Cluster {
    // As Redis: its subcommands may not run from scripts (CLUSTER RESET ...).
    const SPEC: CommandSpec =
        CommandSpec::new("cluster", -2, Flags::NOSCRIPT_SUBCOMMANDS, "cluster")
            .subcommands(SUBCOMMANDS)
            .summary("A container for cluster commands")
            .since("3.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        args.rest();
        Ok(Cluster)
    }

    fn apply(self, _ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Err(CommandError::other(DISABLED))
    }
}

/// READONLY, READWRITE, ASKING: cluster connection modes, one shape, refused.
macro_rules! connection_mode {
    ($ty:ident, $name:literal, $flags:expr, $summary:literal) => {
        pub struct $ty;

        impl Command for $ty {
            const SPEC: CommandSpec = CommandSpec::new($name, 1, $flags, "cluster")
                .summary($summary)
                .since("3.0.0");

            fn parse(_args: &mut Args) -> Result<Self, CommandError> {
                Ok($ty)
            }

            fn apply(self, _ctx: &mut Ctx) -> Result<Reply, CommandError> {
                Err(CommandError::other(DISABLED))
            }
        }
    };
}

connection_mode!(
    ReadOnly,
    "readonly",
    Flags::LOADING.union(Flags::STALE).union(Flags::FAST),
    "Enables read queries for a connection to a cluster replica node"
);
connection_mode!(
    ReadWrite,
    "readwrite",
    Flags::LOADING.union(Flags::STALE).union(Flags::FAST),
    "Disables read queries for a connection to a cluster replica node"
);
connection_mode!(
    Asking,
    "asking",
    Flags::FAST,
    "Sent by cluster clients after an -ASK redirect"
);

register_command!(Cluster, ReadOnly, ReadWrite, Asking);
