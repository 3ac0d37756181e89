//! Commands on hashes: one module per command or small family.

mod field_ttl;
mod hget;
mod hincr;
mod hrandfield;
pub(crate) use hrandfield::random_count;
pub(crate) mod hscan;
mod hset;

/// Borrows owned arguments as the byte slices the engine takes.
pub(crate) fn slices(items: &[bytes::Bytes]) -> Vec<&[u8]> {
    items.iter().map(|b| b.as_ref()).collect()
}
