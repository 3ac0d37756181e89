//! Hash-field deadlines (Redis 7.4's HEXPIRE family).
//!
//! A field whose deadline has passed is gone: every hash command first
//! deletes its key's due fields (Redis' lazy expiry), and the sweeper
//! deletes the rest. A hash whose last field goes is deleted.

use super::Result;

/// HEXPIRE's NX / XX / GT / LT. A field without a deadline has an infinite
/// one: GT never beats it, LT always does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FieldCondition {
    #[default]
    Always,
    Nx,
    Xx,
    Gt,
    Lt,
}

/// HEXPIRE's answer for one field (its reply code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldExpire {
    /// -2: no such field.
    Missing,
    /// 0: the condition said no.
    Refused,
    /// 1: the deadline was set.
    Set,
    /// 2: the deadline had passed: the field was deleted.
    Deleted,
}

impl FieldExpire {
    pub fn code(self) -> i64 {
        match self {
            FieldExpire::Missing => -2,
            FieldExpire::Refused => 0,
            FieldExpire::Set => 1,
            FieldExpire::Deleted => 2,
        }
    }
}

/// A field's deadline, for HTTL and its siblings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldDeadline {
    Missing,
    Persistent,
    /// Absolute, ms since the epoch.
    At(i64),
}

/// Part of [`Engine`](super::Engine). Calls on a key of another type are
/// `WrongType`; a missing key answers every field as missing.
pub trait HashTtlOps {
    /// Sets the deadline `at` (ms since epoch) of each field, under `cond`.
    /// A deadline not in the future deletes the field.
    fn hexpire(
        &mut self,
        key: &[u8],
        at: i64,
        cond: FieldCondition,
        fields: &[&[u8]],
    ) -> Result<Vec<FieldExpire>>;
    fn hdeadlines(&mut self, key: &[u8], fields: &[&[u8]]) -> Result<Vec<FieldDeadline>>;
    /// Removes each field's deadline: per field, its state before.
    fn hpersist(&mut self, key: &[u8], fields: &[&[u8]]) -> Result<Vec<FieldDeadline>>;
    /// Writes a field's value keeping its deadline (HINCRBY, HINCRBYFLOAT);
    /// HSET clears it. True if the field is new.
    fn hset_keep_ttl(&mut self, key: &[u8], field: &[u8], value: &[u8]) -> Result<bool>;
    /// Every field with a deadline and the deadline (DUMP, migration).
    fn hash_deadlines(&mut self, key: &[u8]) -> Result<Vec<(Vec<u8>, i64)>>;
    /// The hashes whose fields expired since the last call (keyspace
    /// `hexpired` events) and whether that deleted the key, while the engine
    /// reports expiries; else empty.
    fn take_expired_fields(&mut self) -> Vec<(super::DbKey, bool)> {
        Vec::new()
    }
}
