//! The stage extension point: a stage is an async trait object collected with
//! inventory, so a downstream crate adds one by submitting it and runs it
//! through the same `resplite migrate --stages ...`.

use crate::context::MigrationContext;
use crate::error::{MigrationError, Result};

#[async_trait::async_trait]
pub trait Stage: Send + Sync {
    fn name(&self) -> &'static str;
    /// Whether the dirty-key tracker must be running while this stage runs
    /// (a stage that reads keys the application may be changing).
    fn needs_tracker(&self) -> bool {
        false
    }
    async fn run(&self, ctx: &mut MigrationContext) -> Result<()>;
}

/// What inventory collects: a constructor for a stage.
pub struct StageEntry(pub fn() -> Box<dyn Stage>);

inventory::collect!(StageEntry);

/// Registers a stage type (a unit struct implementing [`Stage`]).
#[macro_export]
macro_rules! register_stage {
    ($ty:expr) => {
        $crate::inventory::submit!($crate::StageEntry(|| ::std::boxed::Box::new($ty)));
    };
}

/// Every linked stage, by name.
pub struct StageRegistry {
    stages: Vec<Box<dyn Stage>>,
}

impl StageRegistry {
    pub fn from_inventory() -> Result<StageRegistry> {
        let mut stages: Vec<Box<dyn Stage>> = inventory::iter::<StageEntry>
            .into_iter()
            .map(|e| (e.0)())
            .collect();
        stages.sort_by_key(|s| s.name());
        if let Some(w) = stages.windows(2).find(|w| w[0].name() == w[1].name()) {
            return Err(MigrationError::DuplicateStage(w[0].name()));
        }
        Ok(StageRegistry { stages })
    }

    pub fn names(&self) -> Vec<&'static str> {
        self.stages.iter().map(|s| s.name()).collect()
    }

    /// The named stages in order; an unknown name fails before anything runs.
    pub fn plan(&self, names: &[&str]) -> Result<Vec<&dyn Stage>> {
        names
            .iter()
            .map(|name| {
                self.stages
                    .iter()
                    .find(|s| s.name() == *name)
                    .map(|s| &**s)
                    .ok_or_else(|| MigrationError::UnknownStage {
                        name: name.to_string(),
                        known: self.names().join(", "),
                    })
            })
            .collect()
    }

    /// Runs the named stages in the given order.
    pub async fn run(&self, names: &[&str], ctx: &mut MigrationContext) -> Result<()> {
        for stage in self.plan(names)? {
            stage.run(ctx).await?;
        }
        Ok(())
    }
}
