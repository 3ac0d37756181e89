//! SAVE and BGSAVE. Every acknowledged write is already durable in SQLite's
//! WAL, so there is no snapshot to take: both stamp LASTSAVE and reset
//! `rdb_changes_since_last_save`. Folding the WAL into the main file (a
//! checkpoint) is the storage thread's job after the group commits; until it
//! is asked from here, the periodic and shutdown checkpoints do it.

use resplite_core::prelude::*;

/// SAVE
pub struct Save;

impl Command for Save {
    const SPEC: CommandSpec = CommandSpec::new(
        "save",
        1,
        Flags::ADMIN.union(Flags::NOSCRIPT).union(Flags::NO_MULTI),
        "server",
    )
    .summary("Synchronously saves the database(s) to disk.");

    fn parse(_args: &mut Args) -> Result<Self, CommandError> {
        Ok(Save)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        ctx.coord.request_checkpoint();
        ctx.server.saved();
        Ok(Reply::ok())
    }
}

/// BGSAVE [SCHEDULE]
pub struct BgSave;

impl Command for BgSave {
    const SPEC: CommandSpec =
        CommandSpec::new("bgsave", -1, Flags::ADMIN.union(Flags::NOSCRIPT), "server")
            .summary("Asynchronously saves the database(s) to disk.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        match args.remaining() {
            0 => Ok(BgSave),
            1 if args.eat("SCHEDULE") => Ok(BgSave),
            _ => Err(CommandError::Syntax),
        }
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        ctx.coord.request_checkpoint();
        ctx.server.saved();
        Ok(Reply::simple("Background saving started"))
    }
}

/// BGREWRITEAOF: there is no append-only file; the write-ahead log plays its
/// part, and folding it into the main file (a checkpoint) is its rewrite.
pub struct BgRewriteAof;

impl Command for BgRewriteAof {
    const SPEC: CommandSpec = CommandSpec::new(
        "bgrewriteaof",
        1,
        Flags::ADMIN.union(Flags::NOSCRIPT),
        "server",
    )
    .summary("Asynchronously rewrite the append-only file");

    fn parse(_args: &mut Args) -> Result<Self, CommandError> {
        Ok(BgRewriteAof)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        ctx.coord.request_checkpoint();
        Ok(Reply::simple(
            "Background append only file rewriting started",
        ))
    }
}

register_command!(Save, BgSave, BgRewriteAof);
