//! Reads and writes of part of a string value (bit operations, GETRANGE,
//! SETRANGE), so that changing one bit of a large value does not rewrite it.

use super::Result;

/// Byte-range operations on strings. Part of [`Engine`](super::Engine); the
/// whole-value operations (GET, SET) are on `Engine` itself. Every call on a
/// key of another type is `WrongType`.
pub trait StringOps {
    /// A string's length without reading its bytes; `None` if missing.
    fn string_len(&mut self, key: &[u8]) -> Result<Option<usize>>;
    /// Up to `len` bytes of a string from `offset` (fewer at its end); `None`
    /// if missing.
    fn read_string_range(
        &mut self,
        key: &[u8],
        offset: usize,
        len: usize,
    ) -> Result<Option<Vec<u8>>>;
    /// Feeds `f` the bytes of a string from `offset`, up to `len` of them, in
    /// chunks of bounded size, until it returns false. False if missing.
    fn scan_string_range(
        &mut self,
        key: &[u8],
        offset: usize,
        len: usize,
        f: &mut dyn FnMut(&[u8]) -> bool,
    ) -> Result<bool>;
    /// Writes `bytes` at `offset`, zero-padding up to it, creating the key if
    /// missing; keeps the deadline. Returns the value's new length. Writes
    /// within the current length change the value in place.
    fn write_string_range(&mut self, key: &[u8], offset: usize, bytes: &[u8]) -> Result<usize>;
}
