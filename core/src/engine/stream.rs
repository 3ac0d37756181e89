//! Storage operations on streams: entries, consumer groups, consumers and
//! pending entries lists (PELs). Redis' rules (how an id is generated, what
//! XREADGROUP or XCLAIM do to a PEL) live with the commands; the engine stores
//! and finds, and keeps the counters that make XLEN, XPENDING's summary and
//! XINFO cheap.

use std::fmt;

use super::Result;

/// An entry id, `ms-seq`, ordered as Redis orders them (unsigned).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StreamId {
    pub ms: u64,
    pub seq: u64,
}

impl StreamId {
    pub const MIN: StreamId = StreamId { ms: 0, seq: 0 };
    pub const MAX: StreamId = StreamId {
        ms: u64::MAX,
        seq: u64::MAX,
    };

    pub fn new(ms: u64, seq: u64) -> StreamId {
        StreamId { ms, seq }
    }

    pub fn is_zero(&self) -> bool {
        *self == StreamId::MIN
    }

    /// The next id, `None` past the last possible one (`streamIncrID`).
    pub fn next(self) -> Option<StreamId> {
        match (self.ms, self.seq) {
            (u64::MAX, u64::MAX) => None,
            (ms, u64::MAX) => Some(StreamId::new(ms + 1, 0)),
            (ms, seq) => Some(StreamId::new(ms, seq + 1)),
        }
    }

    /// The previous id, `None` before 0-0 (`streamDecrID`).
    pub fn prev(self) -> Option<StreamId> {
        match (self.ms, self.seq) {
            (0, 0) => None,
            (ms, 0) => Some(StreamId::new(ms - 1, u64::MAX)),
            (ms, seq) => Some(StreamId::new(ms, seq - 1)),
        }
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.ms, self.seq)
    }
}

/// An entry: its id and its field-value pairs, in the order they were added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamEntry {
    pub id: StreamId,
    pub fields: Vec<(Vec<u8>, Vec<u8>)>,
}

/// A stream's counters, as XINFO STREAM shows them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StreamMeta {
    /// Entries in the stream (XLEN).
    pub length: u64,
    pub last_id: StreamId,
    /// Entries ever added.
    pub entries_added: u64,
    pub max_deleted_id: StreamId,
    /// The first entry's id when the stream last changed (0-0 when empty).
    pub first_id: StreamId,
}

/// How entries are grouped into nodes (`stream-node-max-entries` and
/// `stream-node-max-bytes`). Approximate trimming removes whole nodes only,
/// as Redis does, so `MAXLEN ~` keeps the lengths Redis keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeLimits {
    /// 0: no limit.
    pub max_entries: u64,
    /// 0: no limit (Redis then caps a node at 1 GB).
    pub max_bytes: u64,
}

impl Default for NodeLimits {
    fn default() -> Self {
        NodeLimits {
            max_entries: 100,
            max_bytes: 4096,
        }
    }
}

/// What XTRIM (or XADD's trimming) keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrimBy {
    MaxLen(u64),
    MinId(StreamId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Trim {
    pub by: TrimBy,
    /// `~`: only whole nodes go.
    pub approx: bool,
    /// Most entries removed (0: no limit).
    pub limit: u64,
}

/// A consumer group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupInfo {
    pub name: Vec<u8>,
    pub last_id: StreamId,
    /// `None` when unknown (Redis' -1).
    pub entries_read: Option<u64>,
    pub pending: u64,
}

/// A consumer of a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerInfo {
    pub name: Vec<u8>,
    /// Last interaction, ms since epoch.
    pub seen_time: i64,
    pub pending: u64,
}

/// An entry delivered to a consumer and not yet acknowledged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingEntry {
    pub id: StreamId,
    pub consumer: Vec<u8>,
    /// Last delivery, ms since epoch.
    pub delivered_at: i64,
    pub deliveries: u64,
}

/// XPENDING's summary: count, lowest and highest id, and per consumer with
/// entries pending, its count (consumers by name).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PendingSummary {
    pub count: u64,
    pub range: Option<(StreamId, StreamId)>,
    pub consumers: Vec<(Vec<u8>, u64)>,
}

/// New entries handed to a consumer (see [`StreamOps::xdeliver`]).
#[derive(Debug, Clone, Copy)]
pub struct Delivery<'a> {
    pub consumer: &'a [u8],
    /// Ascending.
    pub ids: &'a [StreamId],
    /// NOACK: nothing enters the PEL.
    pub noack: bool,
    /// The group's new last id and entries-read.
    pub last_id: StreamId,
    pub entries_read: Option<u64>,
    /// Ms since epoch: the delivery time and the consumer's seen time.
    pub now: i64,
}

/// Which PEL rows a query means.
#[derive(Debug, Clone, Copy)]
pub struct PendingQuery<'a> {
    pub consumer: Option<&'a [u8]>,
    pub start: StreamId,
    pub end: StreamId,
    /// Most rows returned.
    pub count: u64,
    /// Only rows delivered at or before this time (XPENDING's IDLE).
    pub delivered_before: Option<i64>,
}

/// Stream storage. Part of [`Engine`](super::Engine). Every call on a key of
/// another type is `WrongType`; calls naming a group expect the caller to
/// have checked that the stream and group exist.
pub trait StreamOps {
    /// The counters of a stream, `None` if the key is missing. One row
    /// read: every command on a stream starts here.
    fn xmeta(&mut self, key: &[u8]) -> Result<Option<StreamMeta>>;
    /// Nodes (Redis' listpacks) the entries are grouped in, XINFO's
    /// `radix-tree-keys`. Counts rows: for XINFO only.
    fn xnodes(&mut self, key: &[u8]) -> Result<u64>;
    /// Creates an empty stream at a missing key.
    fn xcreate(&mut self, key: &[u8]) -> Result<()>;
    /// Appends an entry (creating the stream if missing). The caller has
    /// checked that `id` is above the stream's last id.
    fn xappend(
        &mut self,
        key: &[u8],
        id: StreamId,
        fields: &[(&[u8], &[u8])],
        limits: NodeLimits,
    ) -> Result<()>;
    /// XSETID: sets the last id, and the counters when given.
    fn xset_meta(
        &mut self,
        key: &[u8],
        last_id: StreamId,
        entries_added: Option<u64>,
        max_deleted_id: Option<StreamId>,
    ) -> Result<()>;
    /// Entries with ids in `start..=end`, ascending (descending if `rev`), at
    /// most `count` (0: all).
    fn xrange(
        &mut self,
        key: &[u8],
        start: StreamId,
        end: StreamId,
        count: u64,
        rev: bool,
    ) -> Result<Vec<StreamEntry>>;
    /// Deletes entries; how many existed. Keeps max-deleted-id and the
    /// recorded first id up to date.
    fn xdel(&mut self, key: &[u8], ids: &[StreamId]) -> Result<u64>;
    /// Trims the stream; how many entries went.
    fn xtrim(&mut self, key: &[u8], trim: Trim) -> Result<u64>;

    /// Every group, by name.
    fn xgroups(&mut self, key: &[u8]) -> Result<Vec<GroupInfo>>;
    fn xgroup(&mut self, key: &[u8], group: &[u8]) -> Result<Option<GroupInfo>>;
    /// Creates a group; false if one of that name exists.
    fn xgroup_create(
        &mut self,
        key: &[u8],
        group: &[u8],
        last_id: StreamId,
        entries_read: Option<u64>,
    ) -> Result<bool>;
    /// Sets a group's last delivered id and entries-read counter.
    fn xgroup_set(
        &mut self,
        key: &[u8],
        group: &[u8],
        last_id: StreamId,
        entries_read: Option<u64>,
    ) -> Result<()>;
    /// Deletes a group with its consumers and PEL; false if missing.
    fn xgroup_destroy(&mut self, key: &[u8], group: &[u8]) -> Result<bool>;

    /// A group's consumers, by name.
    fn xconsumers(&mut self, key: &[u8], group: &[u8]) -> Result<Vec<ConsumerInfo>>;
    fn xconsumer(&mut self, key: &[u8], group: &[u8], name: &[u8]) -> Result<Option<ConsumerInfo>>;
    /// Creates a consumer seen at `now`, or (if it exists and `refresh`)
    /// marks it seen. True if it was created.
    fn xconsumer_touch(
        &mut self,
        key: &[u8],
        group: &[u8],
        name: &[u8],
        refresh: bool,
    ) -> Result<bool>;
    /// Sets a consumer's seen time (migration copies it).
    fn xconsumer_set_seen(&mut self, key: &[u8], group: &[u8], name: &[u8], at: i64) -> Result<()>;
    /// Deletes a consumer and its pending entries; how many it had, `None`
    /// if it did not exist.
    fn xconsumer_delete(&mut self, key: &[u8], group: &[u8], name: &[u8]) -> Result<Option<u64>>;

    /// PEL rows in id order.
    fn xpending(
        &mut self,
        key: &[u8],
        group: &[u8],
        query: PendingQuery,
    ) -> Result<Vec<PendingEntry>>;
    fn xpending_get(
        &mut self,
        key: &[u8],
        group: &[u8],
        id: StreamId,
    ) -> Result<Option<PendingEntry>>;
    /// Adds or replaces a PEL row (moving it between consumers); the
    /// consumer must exist.
    fn xpending_put(&mut self, key: &[u8], group: &[u8], entry: &PendingEntry) -> Result<()>;
    /// XREADGROUP's `>` in one call, a queue's hot path: creates the
    /// consumer or marks it seen, moves the group's last id and entries-read,
    /// and (unless NOACK) adds the ids to the PEL as delivered once, taking
    /// over rows already there. The same effect as `xconsumer_touch`,
    /// `xgroup_set` and one `xpending_put` per id, in a few statements.
    /// True if the consumer was created.
    fn xdeliver(&mut self, key: &[u8], group: &[u8], delivery: &Delivery) -> Result<bool>;
    /// Removes PEL rows (XACK); how many existed.
    fn xack(&mut self, key: &[u8], group: &[u8], ids: &[StreamId]) -> Result<u64>;
    fn xpending_summary(&mut self, key: &[u8], group: &[u8]) -> Result<PendingSummary>;
}
