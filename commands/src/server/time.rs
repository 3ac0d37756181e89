use std::sync::atomic::Ordering;
use std::time::{SystemTime, UNIX_EPOCH};

use resplite_core::prelude::*;

/// TIME: seconds and microseconds of the server's clock.
pub struct Time;

impl Command for Time {
    const SPEC: CommandSpec = CommandSpec::new(
        "time",
        1,
        Flags::LOADING.union(Flags::STALE).union(Flags::FAST),
        "server",
    )
    .summary("Returns the server time.")
    .since("2.6.0");

    fn parse(_args: &mut Args) -> Result<Self, CommandError> {
        Ok(Time)
    }

    fn apply(self, _ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        Ok(Reply::Array(vec![
            Reply::bulk(now.as_secs().to_string()),
            Reply::bulk(now.subsec_micros().to_string()),
        ]))
    }
}

/// LASTSAVE: Unix time of the last SAVE/BGSAVE (the start time before one).
pub struct LastSave;

impl Command for LastSave {
    const SPEC: CommandSpec = CommandSpec::new(
        "lastsave",
        1,
        Flags::LOADING.union(Flags::STALE).union(Flags::FAST),
        "server",
    )
    .summary("Returns the Unix timestamp of the last successful save to disk.");

    fn parse(_args: &mut Args) -> Result<Self, CommandError> {
        Ok(LastSave)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(Reply::Int(
            ctx.server.save.last_save.load(Ordering::Relaxed),
        ))
    }
}

register_command!(Time, LastSave);
