//! A key's value as copied between source and destination.

use resplite_core::engine::stream::{PendingEntry, StreamEntry, StreamId};

/// The value of one key, of a type resplite holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    String(Vec<u8>),
    Hash(Vec<(Vec<u8>, Vec<u8>)>),
    Set(Vec<Vec<u8>>),
    List(Vec<Vec<u8>>),
    ZSet(Vec<(Vec<u8>, f64)>),
    Stream(StreamValue),
}

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
            Value::Hash(_) => "hash",
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
            Value::Hash(p) => p.iter().map(|(f, v)| f.len() + v.len()).sum(),
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
            Value::Hash(p) => p.len(),
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
            Value::Hash(_) => Value::Hash(Vec::new()),
            Value::Set(_) => Value::Set(Vec::new()),
            Value::List(_) => Value::List(Vec::new()),
            Value::ZSet(_) => Value::ZSet(Vec::new()),
            Value::Stream(_) => Value::Stream(StreamValue::default()),
        }
    }

    /// Appends a page of the same type (paged reads of big keys).
    pub fn extend(&mut self, page: Value) {
        match (self, page) {
            (Value::Hash(a), Value::Hash(b)) => a.extend(b),
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
            Value::Hash(p) => {
                p.sort();
                p.dedup_by(|a, b| a.0 == b.0);
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

/// A key with its value and absolute deadline (ms since epoch; `None` = no TTL).
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub key: Vec<u8>,
    pub value: Value,
    pub expires_at: Option<i64>,
}

/// How a key's two copies differ, for verify and the safety sweep.
pub fn compare(
    source: Option<&Snapshot>,
    dest: Option<&Snapshot>,
    ttl_tolerance_ms: i64,
) -> Option<String> {
    match (source, dest) {
        (None, None) => None,
        (Some(_), None) => Some("missing in destination".into()),
        (None, Some(_)) => Some("present in destination but not in source".into()),
        (Some(s), Some(d)) => {
            if s.value.type_name() != d.value.type_name() {
                return Some(format!(
                    "type differs: source {}, destination {}",
                    s.value.type_name(),
                    d.value.type_name()
                ));
            }
            if s.value.clone().normalized() != d.value.clone().normalized() {
                return Some(format!(
                    "value differs ({} elements in source, {} in destination)",
                    s.value.len(),
                    d.value.len()
                ));
            }
            match (s.expires_at, d.expires_at) {
                (None, None) => None,
                (Some(a), Some(b)) if (a - b).abs() <= ttl_tolerance_ms => None,
                (a, b) => Some(format!(
                    "TTL differs: source {}, destination {}",
                    describe_deadline(a),
                    describe_deadline(b)
                )),
            }
        }
    }
}

fn describe_deadline(at: Option<i64>) -> String {
    match at {
        None => "none".into(),
        Some(at) => format!("{} ms", at - resplite_core::util::now_ms()),
    }
}

/// Keys printed in messages: UTF-8 as is, other bytes escaped.
pub fn display_key(key: &[u8]) -> String {
    key.escape_ascii().to_string()
}
