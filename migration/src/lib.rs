//! resplite migration: moves a live Redis into a resplite database with a
//! cutover of minutes and no lost writes (SPEC_F).
//!
//! - [`stage`]: the `Stage` extension point; preflight, bulk, delta and verify
//!   are stages registered like a downstream crate's would be.
//! - [`registry`]: the run registry in the destination file.
//! - [`tracker`]: records the keys keyspace notifications name as dirty.
//! - [`source`] / [`dest`]: both sides behind traits; [`writer`] owns the
//!   destination's transactions, [`copy`] moves and compares keys.
//!   [`redis_dest`] is the other destination: a Redis, for leaving resplite.
//! - [`cli`]: `resplite migrate ...`, reusable by downstream binaries.

pub mod cli;
pub mod context;
pub mod copy;
pub mod dest;
pub mod error;
pub mod progress;
pub mod redis_dest;
pub mod registry;
pub mod slots;
pub mod source;
pub mod stage;
mod stages;
mod stream_source;
pub mod throttle;
pub mod tracker;
pub mod value;
pub mod writer;

pub use context::{Channels, MigrationContext, Options};
pub use error::MigrationError;
pub use stage::{Stage, StageEntry, StageRegistry};

#[doc(hidden)]
pub use inventory;

/// Forces the linker to keep this crate's registrations.
pub fn link() {}

#[cfg(test)]
mod tests {
    use super::*;

    struct Count;

    #[async_trait::async_trait]
    impl Stage for Count {
        fn name(&self) -> &'static str {
            "test-count"
        }
        async fn run(&self, ctx: &mut MigrationContext) -> error::Result<()> {
            *ctx.counters.entry("runs".into()).or_default() += 1;
            Ok(())
        }
    }

    register_stage!(Count);

    #[test]
    fn registered_stages_run_in_order_and_unknown_names_are_listed() {
        let registry = StageRegistry::from_inventory().unwrap();
        assert!(registry.names().contains(&"bulk"));
        let (_tx, rx) = tokio::sync::watch::channel(false);
        let mut ctx = MigrationContext::new("t", "redis://127.0.0.1:1", "unused.db".into(), rx);
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(registry.run(&["test-count", "test-count"], &mut ctx))
            .unwrap();
        assert_eq!(ctx.counters["runs"], 2);
        let err = rt.block_on(registry.run(&["nope"], &mut ctx)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown stage 'nope' (known: bulk, delta, preflight, test-count, verify)"
        );
    }
}
