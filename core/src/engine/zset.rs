//! Semantic operations on sorted sets.

use super::Result;

/// A member with its score.
pub type Scored = (Vec<u8>, f64);

/// One end of a score range (`1.5`, `(1.5`, `-inf`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreBound {
    pub value: f64,
    pub exclusive: bool,
}

/// `min max` of ZRANGEBYSCORE, ZCOUNT...
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreRange {
    pub min: ScoreBound,
    pub max: ScoreBound,
}

impl ScoreRange {
    /// No score can be inside (Redis answers these without looking).
    pub fn is_empty(&self) -> bool {
        self.min.value > self.max.value
            || (self.min.value == self.max.value && (self.min.exclusive || self.max.exclusive))
    }
}

/// One end of a lex range: `-`, `+`, `[member`, `(member`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LexBound {
    Min,
    Max,
    Inclusive(Vec<u8>),
    Exclusive(Vec<u8>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexRange {
    pub min: LexBound,
    pub max: LexBound,
}

impl LexRange {
    /// As Redis' `zslIsInLexRange` pre-check: `-` sorts before and `+` after
    /// every string, and both count as exclusive.
    pub fn is_empty(&self) -> bool {
        use std::cmp::Ordering;
        fn rank(b: &LexBound) -> (u8, &[u8], bool) {
            match b {
                LexBound::Min => (0, &[], true),
                LexBound::Max => (2, &[], true),
                LexBound::Inclusive(m) => (1, m, false),
                LexBound::Exclusive(m) => (1, m, true),
            }
        }
        let (a, b) = (rank(&self.min), rank(&self.max));
        match (a.0, a.1).cmp(&(b.0, b.1)) {
            Ordering::Greater => true,
            Ordering::Equal => a.2 || b.2,
            Ordering::Less => false,
        }
    }
}

/// Which slice of a sorted set a ZRANGE-style command means.
#[derive(Debug, Clone, PartialEq)]
pub enum ZRangeBy {
    /// Ranks, negative from the end, as Redis normalizes them.
    Rank {
        start: i64,
        stop: i64,
    },
    Score(ScoreRange),
    Lex(LexRange),
}

/// A ZRANGE query: what, in which direction, and LIMIT (score/lex only;
/// `limit < 0` means all, `offset < 0` means nothing, as in Redis).
#[derive(Debug, Clone, PartialEq)]
pub struct ZRange {
    pub by: ZRangeBy,
    pub rev: bool,
    pub offset: i64,
    pub limit: i64,
}

impl ZRange {
    pub fn new(by: ZRangeBy) -> ZRange {
        ZRange {
            by,
            rev: false,
            offset: 0,
            limit: -1,
        }
    }
}

/// ZADD's conditions (validated for compatibility by the command).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ZAddFlags {
    pub nx: bool,
    pub xx: bool,
    pub gt: bool,
    pub lt: bool,
}

/// What ZADD did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ZAddCounts {
    pub added: u64,
    pub updated: u64,
}

/// Outcome of ZADD INCR / ZINCRBY.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ZIncr {
    /// The member's new score.
    Score(f64),
    /// NX/XX/GT/LT said no; nothing changed.
    Skipped,
    /// The sum is NaN (`inf + -inf`); nothing changed.
    NaN,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOp {
    Union,
    Inter,
    Diff,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Aggregate {
    #[default]
    Sum,
    Min,
    Max,
}

/// A ZUNION/ZINTER/ZDIFF input: a sorted set, or a set whose members score 1.
#[derive(Debug, Clone, Copy)]
pub struct ZSource<'a> {
    pub key: &'a [u8],
    pub weight: f64,
}

/// Operations on sorted sets. Part of [`Engine`](super::Engine). Members are
/// ordered by score, then by member bytes (memcmp), as in Redis.
pub trait ZSetOps {
    /// Adds or updates `(score, member)` pairs in order.
    fn zadd(&mut self, key: &[u8], items: &[(f64, &[u8])], flags: ZAddFlags) -> Result<ZAddCounts>;
    /// Adds `delta` to a member's score (0 if absent), under ZADD's conditions.
    fn zincr(&mut self, key: &[u8], member: &[u8], delta: f64, flags: ZAddFlags) -> Result<ZIncr>;
    /// Removes members; how many existed.
    fn zrem(&mut self, key: &[u8], members: &[&[u8]]) -> Result<u64>;
    /// Members in a sorted set (0 if missing). O(1).
    fn zcard(&mut self, key: &[u8]) -> Result<u64>;
    fn zscore(&mut self, key: &[u8], member: &[u8]) -> Result<Option<f64>>;
    fn zmscore(&mut self, key: &[u8], members: &[&[u8]]) -> Result<Vec<Option<f64>>>;
    fn zcount(&mut self, key: &[u8], range: &ScoreRange) -> Result<u64>;
    fn zlexcount(&mut self, key: &[u8], range: &LexRange) -> Result<u64>;
    /// A slice, in the requested direction; cost proportional to the slice.
    fn zrange(&mut self, key: &[u8], range: &ZRange) -> Result<Vec<Scored>>;
    /// Stores a slice of `src` at `dst` (replacing any value); its size.
    fn zrangestore(&mut self, dst: &[u8], src: &[u8], range: &ZRange) -> Result<u64>;
    /// 0-based rank (from the top if `rev`) and score.
    fn zrank(&mut self, key: &[u8], member: &[u8], rev: bool) -> Result<Option<(u64, f64)>>;
    /// Removes and returns up to `count` lowest (or highest) members.
    fn zpop(&mut self, key: &[u8], count: u64, max: bool) -> Result<Vec<Scored>>;
    /// Removes a slice (LIMIT ignored); how many.
    fn zremrange(&mut self, key: &[u8], range: &ZRange) -> Result<u64>;
    /// Random members: `count > 0` distinct, `count < 0` with repeats.
    fn zrandmember(&mut self, key: &[u8], count: i64) -> Result<Vec<Scored>>;
    /// One ZSCAN step from `cursor` (a member rowid): next cursor (0 when done).
    fn zscan(&mut self, key: &[u8], cursor: u64, count: usize) -> Result<(u64, Vec<Scored>)>;
    /// Union/intersection/difference of sorted sets and sets, by score.
    fn zcombine(&mut self, op: SetOp, sources: &[ZSource], agg: Aggregate) -> Result<Vec<Scored>>;
    /// ZINTERCARD: the size of the intersection, counting at most `limit`
    /// (0: all).
    fn zintercard(&mut self, sources: &[ZSource], limit: u64) -> Result<u64>;
    /// As [`zcombine`](Self::zcombine), stored at `dst` (replacing any value);
    /// the result's size.
    fn zcombine_store(
        &mut self,
        dst: &[u8],
        op: SetOp,
        sources: &[ZSource],
        agg: Aggregate,
    ) -> Result<u64>;
}
