//! Semantic operations on hashes.

use super::Result;

/// Operations on hashes. Part of [`Engine`](super::Engine).
pub trait HashOps {
    /// Placeholder so the trait is not empty; replaced by real operations.
    #[doc(hidden)]
    fn _hash_ops(&self) -> Result<()> {
        Ok(())
    }
}
