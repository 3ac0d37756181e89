//! The built-in stages, each registered like any downstream stage.

mod bulk;
mod delta;
mod preflight;
mod verify;

use crate::context::MigrationContext;
use crate::error::{MigrationError, Result};
use crate::registry::{self, Registry, Settings};

/// Between pages: waits while the run is paused, fails if it was aborted, and
/// stops (after the caller checkpoints) on SIGINT/SIGTERM.
pub(crate) async fn checkpoint_gate(ctx: &MigrationContext, reg: &Registry) -> Result<Settings> {
    let mut announced = false;
    loop {
        if ctx.interrupted() {
            return Err(MigrationError::Interrupted);
        }
        match reg.call(|c| registry::status(c, &ctx.run_id))?.as_str() {
            "aborted" => return Err(MigrationError::Aborted(ctx.run_id.clone())),
            "paused" => {
                if !announced {
                    eprintln!(
                        "run '{}' paused; `resplite migrate resume` continues it",
                        ctx.run_id
                    );
                    announced = true;
                }
                // Another process flips the status in the shared file: poll it.
                let mut shutdown = ctx.shutdown.clone();
                tokio::select! {
                    _ = tokio::time::sleep(std::time::Duration::from_millis(250)) => {}
                    _ = shutdown.changed() => {}
                }
            }
            _ => return ctx.read_settings(reg),
        }
    }
}
