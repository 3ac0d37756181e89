//! SAVE and BGSAVE. Every acknowledged write is already durable in SQLite's
//! WAL, so there is no snapshot to take: both stamp LASTSAVE and reset
//! `rdb_changes_since_last_save`. Folding the WAL into the main file (a
//! checkpoint) is the storage thread's job after the group commits; until it
//! is asked from here, the periodic and shutdown checkpoints do it.
//!
//! With `--dbfilename` (and `--dir`) set, both also write a consistent copy
//! of the database there, as Redis writes its RDB: SAVE before it answers,
//! BGSAVE on a thread of its own while the server goes on serving.

use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use resplite_core::prelude::*;

/// The copy, written beside its destination and renamed over it, so the
/// file at `dest` is always a whole copy.
fn write_copy(db: &Path, dest: &Path) -> Result<(), String> {
    let mut tmp = dest.as_os_str().to_owned();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let _ = std::fs::remove_file(&tmp);
    resplite_core::engine::sqlite::backup(db, &tmp)?;
    std::fs::rename(&tmp, dest).map_err(|e| format!("{}: {e}", dest.display()))
}

/// The configured copy's path, and the database's.
fn copy_paths(ctx: &Ctx) -> Option<(PathBuf, PathBuf)> {
    let config = ctx.server.config.read().expect("config lock");
    Some((config.db_path.clone(), config.save_copy.clone()?))
}

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
        if let Some((db, dest)) = copy_paths(ctx) {
            if ctx.server.save.bgsave_running.load(Ordering::Acquire) {
                return Err(CommandError::other(
                    "ERR Background save already in progress",
                ));
            }
            write_copy(&db, &dest).map_err(|e| {
                tracing::warn!(error = %e, "SAVE could not write its copy");
                CommandError::other("ERR")
            })?;
        }
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
        let Some((db, dest)) = copy_paths(ctx) else {
            ctx.server.saved();
            return Ok(Reply::simple("Background saving started"));
        };
        let save = ctx.server.save.clone();
        if save.bgsave_running.swap(true, Ordering::AcqRel) {
            return Err(CommandError::other(
                "ERR Background save already in progress",
            ));
        }
        // What the copy will hold is what was written until now.
        ctx.server.note_saving();
        let spawned = std::thread::Builder::new()
            .name("resplite-bgsave".into())
            .spawn({
                let save = save.clone();
                move || {
                    let outcome = write_copy(&db, &dest);
                    if let Err(e) = &outcome {
                        tracing::warn!(error = %e, "BGSAVE could not write its copy");
                    }
                    save.bgsave_failed
                        .store(outcome.is_err(), Ordering::Release);
                    if outcome.is_ok() {
                        save.done();
                    }
                    save.bgsave_running.store(false, Ordering::Release);
                }
            });
        if spawned.is_err() {
            save.bgsave_running.store(false, Ordering::Release);
            return Err(CommandError::other("ERR"));
        }
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
