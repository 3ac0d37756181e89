//! A key's whole value, of any type: what migration copies, DUMP
//! serializes and RESTORE writes back.

use super::hash_ttl::FieldCondition;
use super::stream::{NodeLimits, PendingEntry, PendingQuery, StreamEntry, StreamId};
use super::{Engine, KeyType, Result, ZAddFlags, ZRange, ZRangeBy};

/// The value of one key, of a type resplite holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    String(Vec<u8>),
    /// Fields and values, then the deadlines of the fields that have one
    /// (ms since epoch; usually none).
    Hash(Vec<(Vec<u8>, Vec<u8>)>, Deadlines),
    Set(Vec<Vec<u8>>),
    List(Vec<Vec<u8>>),
    ZSet(Vec<(Vec<u8>, f64)>),
    Stream(StreamValue),
}

/// Hash fields' deadlines: (field, ms since epoch).
pub type Deadlines = Vec<(Vec<u8>, i64)>;

/// A stream, or a page of one: entries in id order, then (in the page read
/// last) the counters and groups, then PEL rows. The counters come last
/// because appending entries moves them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StreamValue {
    pub entries: Vec<StreamEntry>,
    pub head: Option<StreamHead>,
    /// (group, row).
    pub pel: Vec<(Vec<u8>, PendingEntry)>,
}

/// What XINFO STREAM FULL says about a stream besides its entries and PELs.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StreamHead {
    pub last_id: StreamId,
    pub entries_added: u64,
    pub max_deleted_id: StreamId,
    pub groups: Vec<GroupHead>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupHead {
    pub name: Vec<u8>,
    pub last_id: StreamId,
    pub entries_read: Option<u64>,
    /// (name, seen time in ms since epoch).
    pub consumers: Vec<(Vec<u8>, i64)>,
}

impl Value {
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::String(_) => "string",
            Value::Hash(..) => "hash",
            Value::Set(_) => "set",
            Value::List(_) => "list",
            Value::ZSet(_) => "zset",
            Value::Stream(_) => "stream",
        }
    }

    /// Payload bytes, for MB/s and batch sizing.
    pub fn bytes(&self) -> u64 {
        let n: usize = match self {
            Value::String(v) => v.len(),
            Value::Hash(p, _) => p.iter().map(|(f, v)| f.len() + v.len()).sum(),
            Value::Set(m) | Value::List(m) => m.iter().map(Vec::len).sum(),
            Value::ZSet(m) => m.iter().map(|(m, _)| m.len() + 8).sum(),
            Value::Stream(s) => {
                let fields: usize = s
                    .entries
                    .iter()
                    .flat_map(|e| &e.fields)
                    .map(|(f, v)| f.len() + v.len())
                    .sum();
                fields + 16 * (s.entries.len() + s.pel.len())
            }
        };
        n as u64
    }

    /// Elements (1 for a string).
    pub fn len(&self) -> usize {
        match self {
            Value::String(_) => 1,
            Value::Hash(p, _) => p.len(),
            Value::Set(m) | Value::List(m) => m.len(),
            Value::ZSet(m) => m.len(),
            Value::Stream(s) => s.entries.len() + s.pel.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// An empty value of the same type, to accumulate pages into.
    pub fn empty_like(&self) -> Value {
        match self {
            Value::String(_) => Value::String(Vec::new()),
            Value::Hash(..) => Value::Hash(Vec::new(), Vec::new()),
            Value::Set(_) => Value::Set(Vec::new()),
            Value::List(_) => Value::List(Vec::new()),
            Value::ZSet(_) => Value::ZSet(Vec::new()),
            Value::Stream(_) => Value::Stream(StreamValue::default()),
        }
    }

    /// Appends a page of the same type (paged reads of big keys).
    pub fn extend(&mut self, page: Value) {
        match (self, page) {
            (Value::Hash(a, ad), Value::Hash(b, bd)) => {
                a.extend(b);
                ad.extend(bd);
            }
            (Value::Set(a), Value::Set(b)) => a.extend(b),
            (Value::List(a), Value::List(b)) => a.extend(b),
            (Value::ZSet(a), Value::ZSet(b)) => a.extend(b),
            (Value::String(a), Value::String(b)) => *a = b,
            (Value::Stream(a), Value::Stream(b)) => {
                a.entries.extend(b.entries);
                if b.head.is_some() {
                    a.head = b.head;
                }
                a.pel.extend(b.pel);
            }
            _ => {}
        }
    }

    /// The canonical form for comparing: unordered types sorted and deduplicated
    /// (paged SCAN reads may return an element twice). Lists keep their order.
    pub fn normalized(mut self) -> Value {
        match &mut self {
            Value::Hash(p, d) => {
                p.sort();
                p.dedup_by(|a, b| a.0 == b.0);
                d.sort();
                d.dedup_by(|a, b| a.0 == b.0);
            }
            Value::Set(m) => {
                m.sort();
                m.dedup();
            }
            Value::ZSet(m) => {
                m.sort_by(|a, b| a.0.cmp(&b.0));
                m.dedup_by(|a, b| a.0 == b.0);
            }
            // Times are left out: a PEL row's delivery time read through
            // XPENDING is derived from an idle time, off by a millisecond.
            Value::Stream(s) => {
                for (_, p) in &mut s.pel {
                    p.delivered_at = 0;
                }
                s.pel.sort_by(|a, b| (&a.0, a.1.id).cmp(&(&b.0, b.1.id)));
                if let Some(head) = &mut s.head {
                    for g in &mut head.groups {
                        for c in &mut g.consumers {
                            c.1 = 0;
                        }
                    }
                }
            }
            Value::String(_) | Value::List(_) => {}
        }
        self
    }
}

/// Whole values in and out of any engine, through the typed operations:
/// what migration copies and DUMP/RESTORE serialize, written exactly as the
/// commands would write them.
pub trait ValueOps: Engine {
    /// A live key's whole value and deadline (ms since epoch).
    fn read_value(&mut self, key: &[u8]) -> Result<Option<(Value, Option<i64>)>> {
        let Some(meta) = self.meta(key)? else {
            return Ok(None);
        };
        let value = match meta.key_type {
            KeyType::String => Value::String(self.get_string(key)?.unwrap_or_default()),
            KeyType::Hash => {
                // Deadlines first: reading them deletes due fields.
                let deadlines = self.hash_deadlines(key)?;
                Value::Hash(self.hgetall(key)?, deadlines)
            }
            KeyType::Set => Value::Set(self.smembers(key)?),
            KeyType::List => Value::List(self.list_range(key, 0, -1)?),
            KeyType::ZSet => {
                Value::ZSet(self.zrange(key, &ZRange::new(ZRangeBy::Rank { start: 0, stop: -1 }))?)
            }
            KeyType::Stream => Value::Stream(self.read_stream(key)?),
        };
        Ok(Some((value, meta.expires_at)))
    }

    /// Replaces `key` with `value` and its deadline.
    fn put_value(&mut self, key: &[u8], value: &Value, expires_at: Option<i64>) -> Result<()> {
        if let Value::String(v) = value {
            return self.set_string(key, v, expires_at);
        }
        self.delete(key)?;
        self.append_value(key, value)?;
        if expires_at.is_some() {
            self.set_expiry(key, expires_at)?;
        }
        Ok(())
    }

    /// Adds a page of elements to `key` (a string replaces it): big values
    /// arrive in pages.
    fn append_value(&mut self, key: &[u8], page: &Value) -> Result<()> {
        match page {
            Value::String(v) => self.set_string(key, v, None)?,
            Value::Hash(pairs, deadlines) => {
                let pairs: Vec<(&[u8], &[u8])> =
                    pairs.iter().map(|(f, v)| (&f[..], &v[..])).collect();
                if !pairs.is_empty() {
                    self.hset(key, &pairs)?;
                }
                // A deadline already past deletes its field, as Redis' RESTORE does.
                for (field, at) in deadlines {
                    self.hexpire(key, *at, FieldCondition::Always, &[&field[..]])?;
                }
            }
            Value::Set(members) => {
                let members: Vec<&[u8]> = members.iter().map(|m| &m[..]).collect();
                if !members.is_empty() {
                    self.sadd(key, &members)?;
                }
            }
            Value::List(items) => {
                let items: Vec<&[u8]> = items.iter().map(|m| &m[..]).collect();
                if !items.is_empty() {
                    self.list_push(key, &items, false, false)?;
                }
            }
            Value::ZSet(members) => {
                let items: Vec<(f64, &[u8])> = members.iter().map(|(m, s)| (*s, &m[..])).collect();
                if !items.is_empty() {
                    self.zadd(key, &items, ZAddFlags::default())?;
                }
            }
            Value::Stream(page) => self.append_stream(key, page)?,
        }
        Ok(())
    }

    /// Entries, then the counters and groups (in the page read last), then
    /// PEL rows.
    fn append_stream(&mut self, key: &[u8], page: &StreamValue) -> Result<()> {
        self.xcreate(key)?;
        for entry in &page.entries {
            let fields: Vec<(&[u8], &[u8])> =
                entry.fields.iter().map(|(f, v)| (&f[..], &v[..])).collect();
            self.xappend(key, entry.id, &fields, NodeLimits::default())?;
        }
        if let Some(head) = &page.head {
            self.xset_meta(
                key,
                head.last_id,
                Some(head.entries_added),
                Some(head.max_deleted_id),
            )?;
            for g in &head.groups {
                if !self.xgroup_create(key, &g.name, g.last_id, g.entries_read)? {
                    self.xgroup_set(key, &g.name, g.last_id, g.entries_read)?;
                }
                for (name, seen) in &g.consumers {
                    self.xconsumer_touch(key, &g.name, name, false)?;
                    self.xconsumer_set_seen(key, &g.name, name, *seen)?;
                }
            }
        }
        for (group, row) in &page.pel {
            self.xconsumer_touch(key, group, &row.consumer, false)?;
            self.xpending_put(key, group, row)?;
        }
        Ok(())
    }

    fn read_stream(&mut self, key: &[u8]) -> Result<StreamValue> {
        let meta = self.xmeta(key)?.unwrap_or_default();
        let entries = self.xrange(key, StreamId::MIN, StreamId::MAX, 0, false)?;
        let mut groups = Vec::new();
        let mut pel = Vec::new();
        for g in self.xgroups(key)? {
            let consumers = self
                .xconsumers(key, &g.name)?
                .into_iter()
                .map(|c| (c.name, c.seen_time))
                .collect();
            let all = PendingQuery {
                consumer: None,
                start: StreamId::MIN,
                end: StreamId::MAX,
                count: u64::MAX,
                delivered_before: None,
            };
            for row in self.xpending(key, &g.name, all)? {
                pel.push((g.name.clone(), row));
            }
            groups.push(GroupHead {
                name: g.name,
                last_id: g.last_id,
                entries_read: g.entries_read,
                consumers,
            });
        }
        Ok(StreamValue {
            entries,
            head: Some(StreamHead {
                last_id: meta.last_id,
                entries_added: meta.entries_added,
                max_deleted_id: meta.max_deleted_id,
                groups,
            }),
            pel,
        })
    }
}

impl<E: Engine + ?Sized> ValueOps for E {}
