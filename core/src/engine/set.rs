//! Semantic operations on sets.

use super::Result;

/// Operations on sets. Part of [`Engine`](super::Engine). Reads of a missing
/// key see an empty set; every call on a key of another type is `WrongType`.
/// The multi-key operations check every key's type before doing anything.
pub trait SetOps {
    /// Adds members, creating the set if needed. Returns how many are new.
    fn sadd(&mut self, key: &[u8], members: &[&[u8]]) -> Result<u64>;
    /// Removes members; a set left empty is deleted. Returns how many existed.
    fn srem(&mut self, key: &[u8], members: &[&[u8]]) -> Result<u64>;
    fn smembers(&mut self, key: &[u8]) -> Result<Vec<Vec<u8>>>;
    fn sismember(&mut self, key: &[u8], member: &[u8]) -> Result<bool>;
    fn smismember(&mut self, key: &[u8], members: &[&[u8]]) -> Result<Vec<bool>>;
    /// Number of members, O(1).
    fn scard(&mut self, key: &[u8]) -> Result<u64>;
    /// Removes and returns up to `count` random distinct members.
    fn spop(&mut self, key: &[u8], count: u64) -> Result<Vec<Vec<u8>>>;
    /// `count` random distinct members (all if the set is smaller), or `count`
    /// picks with repeats when `!distinct`.
    fn srandom(&mut self, key: &[u8], count: u64, distinct: bool) -> Result<Vec<Vec<u8>>>;
    /// Moves `member` from `src` to `dst`. False if `src` lacks it. `WrongType`
    /// if either key holds another type (unless `src` is missing).
    fn smove(&mut self, src: &[u8], dst: &[u8], member: &[u8]) -> Result<bool>;
    /// Members in every set at `keys` (a missing key is an empty set).
    fn sinter(&mut self, keys: &[&[u8]]) -> Result<Vec<Vec<u8>>>;
    /// Members in any set at `keys`.
    fn sunion(&mut self, keys: &[&[u8]]) -> Result<Vec<Vec<u8>>>;
    /// Members of the first set in none of the others.
    fn sdiff(&mut self, keys: &[&[u8]]) -> Result<Vec<Vec<u8>>>;
    /// SINTER stored at `dst` (replacing any value; deleted if the result is
    /// empty). Returns the result's size. Likewise the two below.
    fn sinterstore(&mut self, dst: &[u8], keys: &[&[u8]]) -> Result<u64>;
    fn sunionstore(&mut self, dst: &[u8], keys: &[&[u8]]) -> Result<u64>;
    fn sdiffstore(&mut self, dst: &[u8], keys: &[&[u8]]) -> Result<u64>;
    /// Size of the intersection, counting no further than `limit` (0: no limit).
    fn sintercard(&mut self, keys: &[&[u8]], limit: u64) -> Result<u64>;
    /// One SSCAN step from `cursor`, reading at most `count` members and keeping
    /// those matching `pattern`: the next cursor (0 when done) and the members.
    fn sscan(
        &mut self,
        key: &[u8],
        cursor: u64,
        count: usize,
        pattern: Option<&[u8]>,
    ) -> Result<(u64, Vec<Vec<u8>>)>;
}
