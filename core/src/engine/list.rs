//! Semantic operations on lists.
//!
//! Indexes follow Redis: 0 is the head, negative ones count from the tail
//! (-1 is the last element). `left` means the head (LPUSH, LPOP, `LEFT`),
//! otherwise the tail.

use super::Result;

/// Operations on lists. Part of [`Engine`](super::Engine).
pub trait ListOps {
    /// Pushes `values` one at a time at the head if `left`, else the tail (so
    /// `LPUSH k a b` leaves `b` first). A missing key is created unless
    /// `only_existing` (LPUSHX), in which case nothing happens and `None` comes
    /// back. Returns the new length.
    fn list_push(
        &mut self,
        key: &[u8],
        values: &[&[u8]],
        left: bool,
        only_existing: bool,
    ) -> Result<Option<u64>>;

    /// Removes and returns up to `count` elements from the head if `left`, else
    /// the tail, in pop order. `None` if the key is missing.
    fn list_pop(&mut self, key: &[u8], left: bool, count: u64) -> Result<Option<Vec<Vec<u8>>>>;

    /// Number of elements (0 if missing). O(1).
    fn list_len(&mut self, key: &[u8]) -> Result<u64>;

    /// Elements `start..=stop` (Redis' LRANGE clamping).
    fn list_range(&mut self, key: &[u8], start: i64, stop: i64) -> Result<Vec<Vec<u8>>>;

    /// The element at `index`, `None` if missing or out of range.
    fn list_index(&mut self, key: &[u8], index: i64) -> Result<Option<Vec<u8>>>;

    /// Replaces the element at `index`: `None` if the key is missing,
    /// `Some(false)` if the index is out of range, `Some(true)` when done.
    fn list_set(&mut self, key: &[u8], index: i64, value: &[u8]) -> Result<Option<bool>>;

    /// Keeps only `start..=stop` (LTRIM); an emptied list is deleted.
    fn list_trim(&mut self, key: &[u8], start: i64, stop: i64) -> Result<()>;

    /// Removes elements equal to `value`: the first `count` from the head if
    /// positive, the last `-count` if negative, all if 0. Returns how many.
    fn list_remove(&mut self, key: &[u8], count: i64, value: &[u8]) -> Result<u64>;

    /// Inserts `value` before (or after) the first `pivot` from the head.
    /// Returns the new length, -1 if the pivot is absent, 0 if the key is missing.
    fn list_insert(&mut self, key: &[u8], before: bool, pivot: &[u8], value: &[u8]) -> Result<i64>;

    /// Indexes of elements equal to `value` (LPOS), in search order, with
    /// Redis' parameters: `rank` (non-zero; negative searches from the tail and
    /// skips `|rank| - 1` matches), at most `count` results and at most `max_len`
    /// elements compared (0 = unlimited for both). `None` if the key is missing.
    fn list_positions(
        &mut self,
        key: &[u8],
        value: &[u8],
        rank: i64,
        count: u64,
        max_len: u64,
    ) -> Result<Option<Vec<u64>>>;

    /// Pops one element from `src` (head if `from_left`) and pushes it onto
    /// `dst` (head if `to_left`): LMOVE, where `src == dst` rotates. `None` if
    /// `src` is missing; `WrongType` if either key holds another type, checked
    /// before anything changes.
    fn list_move(
        &mut self,
        src: &[u8],
        dst: &[u8],
        from_left: bool,
        to_left: bool,
    ) -> Result<Option<Vec<u8>>>;
}
