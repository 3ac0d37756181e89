//! Reading a stream from a Redis source, in pages: entries with XRANGE, then
//! XINFO STREAM FULL for the counters, groups, consumers and the first PEL
//! rows, then the rest of long PELs with XPENDING. The counters are read
//! last, after the entries they count.

use redis::Value as RValue;
use resplite_core::engine::stream::{PendingEntry, StreamEntry, StreamId};

use crate::source::PAGE_ELEMENTS;
use crate::value::{GroupHead, StreamHead, StreamValue};

/// Where a paged stream read is.
#[derive(Debug, Clone)]
pub enum StreamPhase {
    /// Entries after this id come next.
    Entries(StreamId),
    /// The counters and groups come next.
    Head,
    /// PEL rows of the first listed group after its id come next.
    Pel(Vec<(Vec<u8>, StreamId)>),
}

/// PEL rows with their group.
pub type PelRows = Vec<(Vec<u8>, PendingEntry)>;

/// `ms-seq` as text.
pub fn parse_id(text: &[u8]) -> Option<StreamId> {
    let text = std::str::from_utf8(text).ok()?;
    let (ms, seq) = text.split_once('-')?;
    Some(StreamId::new(ms.parse().ok()?, seq.parse().ok()?))
}

fn bulk(v: &RValue) -> Option<Vec<u8>> {
    match v {
        RValue::BulkString(b) => Some(b.clone()),
        RValue::SimpleString(s) => Some(s.clone().into_bytes()),
        _ => None,
    }
}

fn int(v: &RValue) -> Option<i64> {
    match v {
        RValue::Int(n) => Some(*n),
        _ => None,
    }
}

fn array(v: &RValue) -> &[RValue] {
    match v {
        RValue::Array(items) => items,
        _ => &[],
    }
}

/// A RESP3 map or a RESP2 flat array of pairs, as (name, value).
fn fields(v: &RValue) -> Vec<(Vec<u8>, &RValue)> {
    match v {
        RValue::Map(pairs) => pairs
            .iter()
            .filter_map(|(k, v)| Some((bulk(k)?, v)))
            .collect(),
        RValue::Array(items) => items
            .chunks_exact(2)
            .filter_map(|p| Some((bulk(&p[0])?, &p[1])))
            .collect(),
        _ => Vec::new(),
    }
}

fn field<'a>(map: &[(Vec<u8>, &'a RValue)], name: &str) -> Option<&'a RValue> {
    map.iter()
        .find(|(k, _)| k == name.as_bytes())
        .map(|(_, v)| *v)
}

/// XRANGE's reply. `None` for an error reply (the key changed type).
pub fn parse_entries(reply: &RValue) -> Option<Vec<StreamEntry>> {
    let RValue::Array(items) = reply else {
        return None;
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let parts = array(item);
        let (Some(id), Some(values)) = (parts.first(), parts.get(1)) else {
            continue;
        };
        let Some(id) = bulk(id).and_then(|b| parse_id(&b)) else {
            continue;
        };
        let flat: Vec<Vec<u8>> = array(values).iter().filter_map(bulk).collect();
        let fields = flat
            .chunks_exact(2)
            .map(|p| (p[0].clone(), p[1].clone()))
            .collect();
        out.push(StreamEntry { id, fields });
    }
    Some(out)
}

/// What XINFO STREAM FULL tells.
pub struct Full {
    pub head: StreamHead,
    /// The PEL rows it lists.
    pub pel: PelRows,
    /// Groups whose PEL it cut short, with the last id it gave.
    pub more: Vec<(Vec<u8>, StreamId)>,
}

/// XINFO STREAM FULL's reply.
pub fn parse_full(reply: &RValue) -> Option<Full> {
    let map = fields(reply);
    if map.is_empty() {
        return None;
    }
    let id_of = |name: &str| field(&map, name).and_then(bulk).and_then(|b| parse_id(&b));
    let length = field(&map, "length").and_then(int).unwrap_or(0) as u64;
    let mut head = StreamHead {
        last_id: id_of("last-generated-id").unwrap_or_default(),
        // Redis before 7.0 keeps no such counter: its length is the best guess.
        entries_added: field(&map, "entries-added")
            .and_then(int)
            .map_or(length, |n| n as u64),
        max_deleted_id: id_of("max-deleted-entry-id").unwrap_or_default(),
        groups: Vec::new(),
    };
    let mut pel = Vec::new();
    let mut more = Vec::new();
    for g in field(&map, "groups").map(array).unwrap_or_default() {
        let g = fields(g);
        let Some(name) = field(&g, "name").and_then(bulk) else {
            continue;
        };
        let mut consumers = Vec::new();
        for c in field(&g, "consumers").map(array).unwrap_or_default() {
            let c = fields(c);
            if let Some(cname) = field(&c, "name").and_then(bulk) {
                let seen = field(&c, "seen-time").and_then(int).unwrap_or(0);
                consumers.push((cname, seen));
            }
        }
        let rows = field(&g, "pending").map(array).unwrap_or_default();
        let mut last = None;
        for row in rows {
            let cols = array(row);
            let (Some(id), Some(consumer)) = (
                cols.first().and_then(bulk).and_then(|b| parse_id(&b)),
                cols.get(1).and_then(bulk),
            ) else {
                continue;
            };
            last = Some(id);
            pel.push((
                name.clone(),
                PendingEntry {
                    id,
                    consumer,
                    delivered_at: cols.get(2).and_then(int).unwrap_or(0),
                    deliveries: cols.get(3).and_then(int).unwrap_or(0).max(0) as u64,
                },
            ));
        }
        let pel_count = field(&g, "pel-count").and_then(int).unwrap_or(0) as usize;
        if let Some(last) = last.filter(|_| pel_count > rows.len()) {
            more.push((name.clone(), last));
        }
        head.groups.push(GroupHead {
            name,
            last_id: id_of_in(&g, "last-delivered-id").unwrap_or_default(),
            entries_read: field(&g, "entries-read")
                .and_then(int)
                .map(|n| n.max(0) as u64),
            consumers,
        });
    }
    Some(Full { head, pel, more })
}

fn id_of_in(map: &[(Vec<u8>, &RValue)], name: &str) -> Option<StreamId> {
    field(map, name).and_then(bulk).and_then(|b| parse_id(&b))
}

/// XPENDING's extended reply as PEL rows of `group` (delivery times from
/// the idle times, at `now`).
pub fn parse_pending(group: &[u8], reply: &RValue, now: i64) -> PelRows {
    array(reply)
        .iter()
        .filter_map(|row| {
            let cols = array(row);
            Some((
                group.to_vec(),
                PendingEntry {
                    id: parse_id(&bulk(cols.first()?)?)?,
                    consumer: bulk(cols.get(1)?)?,
                    delivered_at: now - int(cols.get(2)?)?,
                    deliveries: int(cols.get(3)?)?.max(0) as u64,
                },
            ))
        })
        .collect()
}

/// The XRANGE that reads entries from `from` on.
pub fn xrange(key: &[u8], from: StreamId) -> redis::Cmd {
    let mut c = redis::cmd("XRANGE");
    c.arg(key)
        .arg(from.to_string())
        .arg("+")
        .arg("COUNT")
        .arg(PAGE_ELEMENTS);
    c
}

pub fn xinfo_full(key: &[u8]) -> redis::Cmd {
    let mut c = redis::cmd("XINFO");
    c.arg("STREAM")
        .arg(key)
        .arg("FULL")
        .arg("COUNT")
        .arg(PAGE_ELEMENTS);
    c
}

/// After a page of entries: more entries, or the head next.
pub fn after_entries(entries: &[StreamEntry]) -> StreamPhase {
    match entries.last().map(|e| e.id) {
        Some(last) if entries.len() >= PAGE_ELEMENTS => StreamPhase::Entries(last),
        _ => StreamPhase::Head,
    }
}

/// A first read (XRANGE and XINFO FULL together): the page and the phase
/// to go on with, `None` when the stream is whole.
pub fn first_page(range: &RValue, full: &RValue) -> Option<(StreamValue, Option<StreamPhase>)> {
    let entries = parse_entries(range)?;
    if let StreamPhase::Entries(last) = after_entries(&entries) {
        // A long stream: its counters are read after the last entry.
        let page = StreamValue {
            entries,
            ..Default::default()
        };
        return Some((page, Some(StreamPhase::Entries(last))));
    }
    let Full { head, pel, more } = parse_full(full)?;
    let page = StreamValue {
        entries,
        head: Some(head),
        pel,
    };
    Some((page, (!more.is_empty()).then_some(StreamPhase::Pel(more))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(s: &str) -> RValue {
        RValue::BulkString(s.as_bytes().to_vec())
    }

    #[test]
    fn full_reply_in_resp2() {
        let reply = RValue::Array(vec![
            b("length"),
            RValue::Int(2),
            b("last-generated-id"),
            b("5-1"),
            b("max-deleted-entry-id"),
            b("3-0"),
            b("entries-added"),
            RValue::Int(4),
            b("groups"),
            RValue::Array(vec![RValue::Array(vec![
                b("name"),
                b("g"),
                b("last-delivered-id"),
                b("4-0"),
                b("entries-read"),
                RValue::Nil,
                b("pel-count"),
                RValue::Int(1),
                b("pending"),
                RValue::Array(vec![RValue::Array(vec![
                    b("4-0"),
                    b("alice"),
                    RValue::Int(1700000000000),
                    RValue::Int(2),
                ])]),
                b("consumers"),
                RValue::Array(vec![RValue::Array(vec![
                    b("name"),
                    b("alice"),
                    b("seen-time"),
                    RValue::Int(1700000000001),
                ])]),
            ])]),
        ]);
        let Full { head, pel, more } = parse_full(&reply).unwrap();
        assert_eq!(head.last_id, StreamId::new(5, 1));
        assert_eq!(head.entries_added, 4);
        assert_eq!(head.max_deleted_id, StreamId::new(3, 0));
        assert_eq!(head.groups[0].entries_read, None);
        assert_eq!(
            head.groups[0].consumers,
            vec![(b"alice".to_vec(), 1700000000001)]
        );
        assert_eq!(pel[0].1.deliveries, 2);
        assert!(more.is_empty());
    }
}
