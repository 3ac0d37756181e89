//! Semantic operations on sets.

use super::Result;

/// Operations on sets. Part of [`Engine`](super::Engine).
pub trait SetOps {
    /// Placeholder so the trait is not empty; replaced by real operations.
    #[doc(hidden)]
    fn _set_ops(&self) -> Result<()> {
        Ok(())
    }
}
