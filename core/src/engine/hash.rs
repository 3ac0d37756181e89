//! Semantic operations on hashes.

use super::Result;

/// A field and its value.
pub type FieldValue = (Vec<u8>, Vec<u8>);

/// Operations on hashes. Part of [`Engine`](super::Engine). Reads of a missing
/// key see an empty hash; every call on a key of another type is `WrongType`.
pub trait HashOps {
    /// Sets fields, creating the hash if needed. Returns how many fields are new.
    fn hset(&mut self, key: &[u8], pairs: &[(&[u8], &[u8])]) -> Result<u64>;
    /// Sets a field only if it is absent. True if it was set.
    fn hsetnx(&mut self, key: &[u8], field: &[u8], value: &[u8]) -> Result<bool>;
    fn hget(&mut self, key: &[u8], field: &[u8]) -> Result<Option<Vec<u8>>>;
    /// One entry per requested field, in order.
    fn hmget(&mut self, key: &[u8], fields: &[&[u8]]) -> Result<Vec<Option<Vec<u8>>>>;
    fn hgetall(&mut self, key: &[u8]) -> Result<Vec<FieldValue>>;
    fn hkeys(&mut self, key: &[u8]) -> Result<Vec<Vec<u8>>>;
    fn hvals(&mut self, key: &[u8]) -> Result<Vec<Vec<u8>>>;
    /// Removes fields; a hash left empty is deleted. Returns how many existed.
    fn hdel(&mut self, key: &[u8], fields: &[&[u8]]) -> Result<u64>;
    fn hexists(&mut self, key: &[u8], field: &[u8]) -> Result<bool>;
    /// Number of fields, O(1).
    fn hlen(&mut self, key: &[u8]) -> Result<u64>;
    /// Length of a field's value (0 if absent).
    fn hstrlen(&mut self, key: &[u8], field: &[u8]) -> Result<u64>;
    /// Random fields with their values: `count` distinct ones (all of them if
    /// the hash is smaller), or `count` picks with repeats when `!distinct`.
    fn hrandom(&mut self, key: &[u8], count: u64, distinct: bool) -> Result<Vec<FieldValue>>;
    /// One HSCAN step from `cursor`, reading at most `count` fields and keeping
    /// those matching `pattern`: the next cursor (0 when done) and the pairs.
    fn hscan(
        &mut self,
        key: &[u8],
        cursor: u64,
        count: usize,
        pattern: Option<&[u8]>,
    ) -> Result<(u64, Vec<FieldValue>)>;
}
