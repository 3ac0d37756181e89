//! SHUTDOWN: stops the server as SIGTERM does. Every acknowledged write is
//! already in the WAL, so SAVE and NOSAVE change nothing: the shutdown always
//! finishes in-flight batches, checkpoints the WAL and closes the file.

use resplite_core::prelude::*;

/// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]
pub struct Shutdown;

impl Command for Shutdown {
    const SPEC: CommandSpec = CommandSpec::new(
        "shutdown",
        -1,
        Flags::ADMIN
            .union(Flags::NOSCRIPT)
            .union(Flags::LOADING)
            .union(Flags::STALE)
            .union(Flags::NO_MULTI),
        "server",
    )
    .summary("Synchronously saves the database(s) to disk and shuts down the Redis server.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let (mut save, mut nosave, mut abort, mut other) = (false, false, false, false);
        args.options(|kw, _| {
            match kw {
                "SAVE" => save = true,
                "NOSAVE" => nosave = true,
                "ABORT" => abort = true,
                "NOW" | "FORCE" => other = true,
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        // Redis' illegal combinations.
        if (save && nosave) || (abort && (save || nosave || other)) {
            return Err(CommandError::Syntax);
        }
        if abort {
            // Ours never waits for replicas, so none is ever in progress.
            return Err(CommandError::other("ERR No shutdown in progress."));
        }
        Ok(Shutdown)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        ctx.server.request_shutdown();
        // As Redis, the client gets no reply: its connection just closes.
        ctx.session.close_after_reply = true;
        Ok(Reply::Multi(Vec::new()))
    }
}

register_command!(Shutdown);
