//! Semantic operations on sorted sets.

use super::Result;

/// Operations on sorted sets. Part of [`Engine`](super::Engine).
pub trait ZSetOps {
    /// Placeholder so the trait is not empty; replaced by real operations.
    #[doc(hidden)]
    fn _zset_ops(&self) -> Result<()> {
        Ok(())
    }
}
