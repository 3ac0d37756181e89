//! Streams in RDB: entries in listpacks keyed by a master id (each entry's
//! id and, when its fields match the master entry's, its field names are
//! delta-encoded against it), then counters, then consumer groups with
//! their pending lists. Three versions: 7.0 added first id, max deleted id
//! and entries-added (and per group entries-read); 7.2 a consumer's active
//! time.

use std::collections::BTreeMap;

use super::packed::{listpack, ListpackWriter, Packed};
use super::read::Reader;
use super::{types, write, RdbError, Result};
use crate::engine::stream::{PendingEntry, StreamEntry, StreamId};
use crate::engine::value::{GroupHead, StreamHead, StreamValue};

const DELETED: i64 = 1;
const SAME_FIELDS: i64 = 2;
/// Redis' `stream-node-max-entries` default.
const NODE_ENTRIES: usize = 100;
/// entries-read unknown (Redis' -1 saved as an unsigned length).
const UNKNOWN: u64 = u64::MAX;

fn raw_id(id: StreamId) -> [u8; 16] {
    let mut raw = [0u8; 16];
    raw[..8].copy_from_slice(&id.ms.to_be_bytes());
    raw[8..].copy_from_slice(&id.seq.to_be_bytes());
    raw
}

fn parse_raw_id(raw: &[u8]) -> Result<StreamId> {
    if raw.len() != 16 {
        return Err(RdbError::BadFormat);
    }
    let (ms, seq) = raw.split_at(8);
    Ok(StreamId::new(
        u64::from_be_bytes(ms.try_into().expect("8 bytes")),
        u64::from_be_bytes(seq.try_into().expect("8 bytes")),
    ))
}

fn id(r: &mut Reader<'_>) -> Result<StreamId> {
    Ok(StreamId::new(r.len()?, r.len()?))
}

pub(super) fn read(r: &mut Reader<'_>, kind: u8) -> Result<StreamValue> {
    let nodes = r.count()?;
    let mut entries: Vec<StreamEntry> = Vec::new();
    for _ in 0..nodes {
        let master = parse_raw_id(&r.string()?)?;
        let blob = r.string()?;
        let mut items = listpack(&blob)?.into_iter();
        let mut next = || items.next().ok_or(RdbError::BadFormat);
        let live = next()?.as_int()?;
        let deleted = next()?.as_int()?;
        let nfields = usize::try_from(next()?.as_int()?).map_err(|_| RdbError::BadFormat)?;
        if live.checked_add(deleted).is_none_or(|n| n <= 0) || nfields > blob.len() {
            // Redis never saves an empty node.
            return Err(RdbError::BadFormat);
        }
        let master_fields: Vec<Vec<u8>> = (0..nfields)
            .map(|_| next().map(Packed::into_vec))
            .collect::<Result<_>>()?;
        if next()?.as_int()? != 0 {
            return Err(RdbError::BadFormat);
        }
        let (mut seen_live, mut seen_deleted) = (0, 0);
        while let Ok(flags) = next() {
            let flags = flags.as_int()?;
            let ms = master.ms.wrapping_add(next()?.as_int()? as u64);
            let seq = master.seq.wrapping_add(next()?.as_int()? as u64);
            let fields = if flags & SAME_FIELDS != 0 {
                let mut fields = Vec::with_capacity(nfields);
                for f in &master_fields {
                    fields.push((f.clone(), next()?.into_vec()));
                }
                fields
            } else {
                let n = usize::try_from(next()?.as_int()?).map_err(|_| RdbError::BadFormat)?;
                if n > blob.len() {
                    return Err(RdbError::BadFormat);
                }
                let mut fields = Vec::with_capacity(n);
                for _ in 0..n {
                    fields.push((next()?.into_vec(), next()?.into_vec()));
                }
                fields
            };
            next()?; // lp-count, for walking backwards
            if flags & DELETED != 0 {
                seen_deleted += 1;
                continue;
            }
            seen_live += 1;
            let id = StreamId::new(ms, seq);
            if entries.last().is_some_and(|e| e.id >= id) {
                return Err(RdbError::BadFormat);
            }
            entries.push(StreamEntry { id, fields });
        }
        if (seen_live, seen_deleted) != (live, deleted) {
            return Err(RdbError::BadFormat);
        }
    }
    let length = r.len()?;
    let last_id = id(r)?;
    if length != entries.len() as u64 || entries.last().is_some_and(|e| e.id > last_id) {
        return Err(RdbError::BadFormat);
    }
    let (max_deleted_id, entries_added) = if kind == types::STREAM_LISTPACKS {
        (StreamId::MIN, length)
    } else {
        let _first = id(r)?;
        (id(r)?, r.len()?)
    };
    let first_id = entries.first().map_or(StreamId::MIN, |e| e.id);
    let groups_n = r.count()?;
    let mut groups = Vec::with_capacity(groups_n);
    let mut pel = Vec::new();
    for _ in 0..groups_n {
        let name = r.string()?;
        let group_last = id(r)?;
        let entries_read = if kind == types::STREAM_LISTPACKS {
            estimate_entries_read(length, last_id, first_id, entries_added, group_last)
        } else {
            Some(r.len()?).filter(|&n| n != UNKNOWN)
        };
        // The group's PEL: delivery time and count per id, owners below.
        let mut unowned = BTreeMap::new();
        for _ in 0..r.count()? {
            let id = parse_raw_id(r.bytes(16)?)?;
            let delivered_at = r.millis()?;
            let deliveries = r.len()?;
            if unowned.insert(id, (delivered_at, deliveries)).is_some() {
                return Err(RdbError::BadFormat);
            }
        }
        let mut consumers = Vec::new();
        for _ in 0..r.count()? {
            let consumer = r.string()?;
            let seen = r.millis()?;
            if kind == types::STREAM_LISTPACKS_3 {
                r.millis()?; // active time: resplite keeps the seen time only
            }
            for _ in 0..r.count()? {
                let id = parse_raw_id(r.bytes(16)?)?;
                let (delivered_at, deliveries) = unowned.remove(&id).ok_or(RdbError::BadFormat)?;
                pel.push((
                    name.clone(),
                    PendingEntry {
                        id,
                        consumer: consumer.clone(),
                        delivered_at,
                        deliveries,
                    },
                ));
            }
            consumers.push((consumer, seen));
        }
        // resplite keeps every pending entry with its consumer.
        if !unowned.is_empty() {
            return Err(RdbError::BadFormat);
        }
        groups.push(GroupHead {
            name,
            last_id: group_last,
            entries_read,
            consumers,
        });
    }
    Ok(StreamValue {
        entries,
        head: Some(StreamHead {
            last_id,
            entries_added,
            max_deleted_id,
            groups,
        }),
        pel,
    })
}

/// A group's entries-read from a stream saved before Redis 7.0, estimated
/// as Redis 7.0 does on load (no deletions recorded in that format).
fn estimate_entries_read(
    length: u64,
    last: StreamId,
    first: StreamId,
    added: u64,
    id: StreamId,
) -> Option<u64> {
    if added == 0 {
        return Some(0);
    }
    if (length == 0 && id <= last) || id == last {
        return Some(added);
    }
    if id > last {
        return None;
    }
    match id.cmp(&first) {
        std::cmp::Ordering::Less => Some(added.saturating_sub(length)),
        std::cmp::Ordering::Equal => Some(added.saturating_sub(length) + 1),
        std::cmp::Ordering::Greater => None,
    }
}

/// Type 19 (Redis 7.0's): nodes of up to 100 entries.
pub(super) fn write(out: &mut Vec<u8>, s: &StreamValue) {
    let default_head = StreamHead::default();
    let head = s.head.as_ref().unwrap_or(&default_head);
    let nodes: Vec<&[StreamEntry]> = s.entries.chunks(NODE_ENTRIES).collect();
    write::len(out, nodes.len() as u64);
    for node in nodes {
        let master = node[0].id;
        write::string(out, &raw_id(master));
        let master_fields: Vec<&[u8]> = node[0].fields.iter().map(|(f, _)| &f[..]).collect();
        let mut lp = ListpackWriter::default();
        lp.push_int(node.len() as i64);
        lp.push_int(0);
        lp.push_int(master_fields.len() as i64);
        master_fields.iter().for_each(|f| lp.push(f));
        lp.push_int(0);
        for e in node {
            let same = e.fields.len() == master_fields.len()
                && e.fields
                    .iter()
                    .zip(&master_fields)
                    .all(|((f, _), m)| f == m);
            lp.push_int(if same { SAME_FIELDS } else { 0 });
            lp.push_int(e.id.ms.wrapping_sub(master.ms) as i64);
            lp.push_int(e.id.seq.wrapping_sub(master.seq) as i64);
            if same {
                e.fields.iter().for_each(|(_, v)| lp.push(v));
                lp.push_int(e.fields.len() as i64 + 3);
            } else {
                lp.push_int(e.fields.len() as i64);
                for (f, v) in &e.fields {
                    lp.push(f);
                    lp.push(v);
                }
                lp.push_int(2 * e.fields.len() as i64 + 4);
            }
        }
        write::string(out, &lp.finish());
    }
    let first = s.entries.first().map_or(StreamId::MIN, |e| e.id);
    write::len(out, s.entries.len() as u64);
    for id in [head.last_id, first, head.max_deleted_id] {
        write::len(out, id.ms);
        write::len(out, id.seq);
    }
    write::len(out, head.entries_added);
    write::len(out, head.groups.len() as u64);
    for g in &head.groups {
        write::string(out, &g.name);
        write::len(out, g.last_id.ms);
        write::len(out, g.last_id.seq);
        write::len(out, g.entries_read.unwrap_or(UNKNOWN));
        let mut rows: Vec<&PendingEntry> = s
            .pel
            .iter()
            .filter(|(name, _)| *name == g.name)
            .map(|(_, row)| row)
            .collect();
        rows.sort_by_key(|row| row.id);
        write::len(out, rows.len() as u64);
        for row in &rows {
            out.extend_from_slice(&raw_id(row.id));
            write::millis(out, row.delivered_at);
            write::len(out, row.deliveries);
        }
        // Every consumer listed, and any that owns entries without being listed.
        let mut consumers: BTreeMap<&[u8], i64> = g
            .consumers
            .iter()
            .map(|(n, seen)| (&n[..], *seen))
            .collect();
        for row in &rows {
            consumers.entry(&row.consumer[..]).or_insert(0);
        }
        write::len(out, consumers.len() as u64);
        for (name, seen) in consumers {
            write::string(out, name);
            write::millis(out, seen);
            let owned: Vec<&&PendingEntry> = rows.iter().filter(|r| r.consumer == name).collect();
            write::len(out, owned.len() as u64);
            for row in owned {
                out.extend_from_slice(&raw_id(row.id));
            }
        }
    }
}
