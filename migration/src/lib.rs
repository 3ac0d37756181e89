//! resplite migration: stages that move a live Redis into resplite.
//!
//! A stage is an async trait object registered with inventory, like commands, so a
//! downstream crate adds one by submitting it. The built-in stages (preflight,
//! bulk, delta, verify) and the run registry come with the migration work; this
//! crate fixes the extension point they plug into.

use std::collections::HashMap;

/// State shared by the stages of one run.
#[derive(Debug, Default)]
pub struct MigrationContext {
    pub run_id: String,
    /// Free-form counters a stage reports (`keys_imported`, ...).
    pub counters: HashMap<String, u64>,
}

#[derive(Debug, thiserror::Error)]
pub enum StageError {
    #[error("unknown stage '{name}' (known: {known})")]
    Unknown { name: String, known: String },
    #[error("stage '{0}' is registered twice")]
    Duplicate(&'static str),
    #[error("{0}")]
    Failed(String),
}

#[async_trait::async_trait]
pub trait Stage: Send + Sync {
    fn name(&self) -> &'static str;
    async fn run(&self, ctx: &mut MigrationContext) -> Result<(), StageError>;
}

/// What inventory collects: a constructor for a stage.
pub struct StageEntry(pub fn() -> Box<dyn Stage>);

inventory::collect!(StageEntry);

/// Every linked stage, by name.
pub struct StageRegistry {
    stages: Vec<Box<dyn Stage>>,
}

impl StageRegistry {
    pub fn from_inventory() -> Result<StageRegistry, StageError> {
        let mut stages: Vec<Box<dyn Stage>> = inventory::iter::<StageEntry>
            .into_iter()
            .map(|e| (e.0)())
            .collect();
        stages.sort_by_key(|s| s.name());
        if let Some(w) = stages.windows(2).find(|w| w[0].name() == w[1].name()) {
            return Err(StageError::Duplicate(w[0].name()));
        }
        Ok(StageRegistry { stages })
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.stages.iter().map(|s| s.name()).collect()
    }

    /// Runs the named stages in the given order; unknown names fail before any runs.
    pub async fn run(&self, names: &[&str], ctx: &mut MigrationContext) -> Result<(), StageError> {
        let mut plan = Vec::with_capacity(names.len());
        for name in names {
            let stage = self
                .stages
                .iter()
                .find(|s| s.name() == *name)
                .ok_or_else(|| StageError::Unknown {
                    name: name.to_string(),
                    known: self.names().join(", "),
                })?;
            plan.push(stage);
        }
        for stage in plan {
            stage.run(ctx).await?;
        }
        Ok(())
    }
}

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
        async fn run(&self, ctx: &mut MigrationContext) -> Result<(), StageError> {
            *ctx.counters.entry("runs".into()).or_default() += 1;
            Ok(())
        }
    }

    inventory::submit!(StageEntry(|| Box::new(Count)));

    #[test]
    fn registered_stages_run_in_order_and_unknown_names_are_listed() {
        let registry = StageRegistry::from_inventory().unwrap();
        let mut ctx = MigrationContext::default();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        rt.block_on(registry.run(&["test-count", "test-count"], &mut ctx))
            .unwrap();
        assert_eq!(ctx.counters["runs"], 2);
        let err = rt.block_on(registry.run(&["nope"], &mut ctx)).unwrap_err();
        assert_eq!(err.to_string(), "unknown stage 'nope' (known: test-count)");
    }
}
