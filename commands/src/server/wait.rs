//! WAIT numreplicas timeout: resplite has no replicas, so it answers 0, at
//! once when no replica is asked for (or inside MULTI), else when the
//! timeout fires (never, for 0), as a Redis without replicas does.

use resplite_core::blocking::BlockRequest;
use resplite_core::prelude::*;

use crate::common::parse_ms_timeout;

pub struct Wait {
    replicas: i64,
    timeout: Option<std::time::Duration>,
}

impl Command for Wait {
    const SPEC: CommandSpec = CommandSpec::new("wait", 3, Flags::NOSCRIPT, "connection")
        .summary("Blocks until the asynchronous replication of all preceding write commands sent by the connection is completed.")
        .since("3.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let replicas = args.i64()?;
        let timeout = parse_ms_timeout(&args.bytes()?)?;
        Ok(Wait { replicas, timeout })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        if self.replicas > 0 && ctx.coord.may_block() {
            // No keys: only the timeout (or CLIENT UNBLOCK) ends the wait.
            ctx.coord
                .block(BlockRequest::new(Vec::new(), self.timeout, Reply::Int(0)));
        }
        Ok(Reply::Int(0))
    }
}

register_command!(Wait);
