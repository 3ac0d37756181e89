//! Semantic operations on lists.

use super::Result;

/// Operations on lists. Part of [`Engine`](super::Engine).
pub trait ListOps {
    /// Placeholder so the trait is not empty; replaced by real operations.
    #[doc(hidden)]
    fn _list_ops(&self) -> Result<()> {
        Ok(())
    }
}
