//! HyperLogLog commands. An HLL is a string in Redis' exact representation
//! ([`sketch`]), so a value moves between resplite and Redis unchanged (GET
//! and SET, migration, DUMP) and keeps counting the same.

mod pfadd;
mod pfcount;
mod pfdebug;
mod pfmerge;
mod sketch;

use resplite_core::prelude::*;

use crate::server::config::number;

/// `hll-sparse-max-bytes`: the sparse size past which a value turns dense.
fn sparse_max_bytes(ctx: &Ctx) -> usize {
    let default = sketch::DEFAULT_SPARSE_MAX_BYTES as i64;
    number(ctx.server, "hll-sparse-max-bytes", default).max(0) as usize
}

impl From<sketch::HllError> for CommandError {
    fn from(e: sketch::HllError) -> Self {
        CommandError::other(e.message())
    }
}

/// Stores an HLL's new bytes: in place when the key existed (keeping its
/// deadline, as Redis edits the string), else as a new key.
fn store(ctx: &mut Ctx, key: &[u8], existed: bool, value: &[u8]) -> Result<(), CommandError> {
    if existed {
        ctx.engine.update_string(key, value)?;
    } else {
        ctx.engine.set_string(key, value, None)?;
    }
    Ok(())
}
