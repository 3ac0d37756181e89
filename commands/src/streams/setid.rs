//! XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]

use resplite_core::engine::stream::StreamId;
use resplite_core::prelude::*;

use super::{last_valid_id, parse_strict_id};

pub struct XSetId {
    key: Bytes,
    id: StreamId,
    entries_added: Option<u64>,
    max_deleted: Option<StreamId>,
}

impl Command for XSetId {
    const SPEC: CommandSpec = CommandSpec::new(
        "xsetid",
        -3,
        Flags::WRITE.union(Flags::DENYOOM).union(Flags::FAST),
        "stream",
    )
    .keys(1, 1, 1)
    .summary("An internal command for replicating stream values.")
    .since("5.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let key = args.bytes()?;
        let id = parse_strict_id(&args.bytes()?)?;
        let mut entries_added = None;
        let mut max_deleted = None;
        args.options(|kw, args| {
            if args.is_empty() {
                return Ok(false);
            }
            match kw {
                "ENTRIESADDED" => {
                    let n = args.i64()?;
                    if n < 0 {
                        return Err(CommandError::other("ERR entries_added must be positive"));
                    }
                    entries_added = Some(n as u64);
                }
                "MAXDELETEDID" => {
                    let m = parse_strict_id(&args.bytes()?)?;
                    if id < m {
                        return Err(CommandError::other(
                            "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id",
                        ));
                    }
                    max_deleted = Some(m);
                }
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(XSetId {
            key,
            id,
            entries_added,
            max_deleted,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let Some(meta) = ctx.engine.xmeta(&self.key)? else {
            return Err(CommandError::NoSuchKey);
        };
        if meta.length > 0 {
            let top = last_valid_id(ctx, &self.key)?.unwrap_or_default();
            if self.id < top {
                return Err(CommandError::other(
                    "ERR The ID specified in XSETID is smaller than the target stream top item",
                ));
            }
            if self.entries_added.is_some_and(|n| meta.length > n) {
                return Err(CommandError::other(
                    "ERR The entries_added specified in XSETID is smaller than the target stream length",
                ));
            }
        }
        let max_deleted = self.max_deleted.filter(|m| !m.is_zero());
        ctx.engine
            .xset_meta(&self.key, self.id, self.entries_added, max_deleted)?;
        ctx.notify(Class::STREAM, "xsetid", &self.key);
        Ok(Reply::ok())
    }
}

register_command!(XSetId);
