//! Streams on SQLite (see the schema): entries keyed by (key id, ms, seq) so
//! ranges and trims are index scans; the stream's counters in
//! `redis_streams`; Redis' listpack nodes modelled in `redis_stream_nodes`
//! (first and last id, live and total entries, approximate bytes), so that
//! `MAXLEN ~` removes the whole nodes Redis would and nothing else; groups,
//! consumers and PEL rows with the counters XPENDING and XINFO read.
//!
//! Ids are unsigned; SQLite integers are signed. Both halves are stored with
//! their top bit flipped ([`enc`]), which maps unsigned order onto signed order.

use rusqlite::{params, OptionalExtension};

use super::SqliteEngine;
use crate::engine::stream::{
    ConsumerInfo, Delivery, GroupInfo, NodeLimits, PendingEntry, PendingQuery, PendingSummary,
    StreamEntry, StreamId, StreamMeta, StreamOps, Trim, TrimBy,
};
use crate::engine::{EngineError, KeyType, Result};

const FLIP: u64 = 1 << 63;

fn enc(x: u64) -> i64 {
    (x ^ FLIP) as i64
}

fn dec(x: i64) -> u64 {
    (x as u64) ^ FLIP
}

fn sid(ms: i64, seq: i64) -> StreamId {
    StreamId::new(dec(ms), dec(seq))
}

/// Redis' cap on a node when `stream-node-max-bytes` is 0 or larger.
const LISTPACK_MAX: u64 = 1 << 30;

/// Field-value pairs as one blob: per string a u32 length (LE), then its bytes.
fn encode_fields(fields: &[(&[u8], &[u8])]) -> Vec<u8> {
    let size: usize = fields.iter().map(|(f, v)| 8 + f.len() + v.len()).sum();
    let mut out = Vec::with_capacity(size);
    for (f, v) in fields {
        for s in [f, v] {
            out.extend_from_slice(&(s.len() as u32).to_le_bytes());
            out.extend_from_slice(s);
        }
    }
    out
}

fn decode_fields(mut blob: &[u8]) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
    let bad = || EngineError::Corrupt("malformed stream entry".into());
    let take = |blob: &mut &[u8]| -> Result<Vec<u8>> {
        let len = blob.get(..4).ok_or_else(bad)?;
        let len = u32::from_le_bytes(len.try_into().expect("4 bytes")) as usize;
        let s = blob.get(4..4 + len).ok_or_else(bad)?.to_vec();
        *blob = &blob[4 + len..];
        Ok(s)
    };
    let mut out = Vec::new();
    while !blob.is_empty() {
        let f = take(&mut blob)?;
        let v = take(&mut blob)?;
        out.push((f, v));
    }
    Ok(out)
}

/// A listpack's growth for an entry (element headers and back-lengths
/// included), estimated as Redis lays it out when fields repeat the node's
/// first entry's.
fn entry_bytes(fields: &[(&[u8], &[u8])]) -> u64 {
    8 + fields.iter().map(|(_, v)| v.len() as u64 + 2).sum::<u64>()
}

/// A new node's header and master entry.
fn node_header_bytes(fields: &[(&[u8], &[u8])]) -> u64 {
    15 + fields.iter().map(|(f, _)| f.len() as u64 + 2).sum::<u64>()
}

/// The `redis_streams` row.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Counters {
    last_id: StreamId,
    entries_added: u64,
    max_deleted_id: StreamId,
    first_id: StreamId,
}

#[derive(Debug, Clone, Copy)]
struct Node {
    first: StreamId,
    last: StreamId,
    live: i64,
    total: i64,
    bytes: i64,
}

fn node_from(r: &rusqlite::Row) -> rusqlite::Result<Node> {
    Ok(Node {
        first: sid(r.get(0)?, r.get(1)?),
        last: sid(r.get(2)?, r.get(3)?),
        live: r.get(4)?,
        total: r.get(5)?,
        bytes: r.get(6)?,
    })
}

fn pending_from(r: &rusqlite::Row) -> rusqlite::Result<PendingEntry> {
    Ok(PendingEntry {
        id: sid(r.get(0)?, r.get(1)?),
        consumer: r.get(2)?,
        delivered_at: r.get(3)?,
        deliveries: r.get::<_, i64>(4)? as u64,
    })
}

fn group_from(r: &rusqlite::Row) -> rusqlite::Result<GroupInfo> {
    Ok(GroupInfo {
        name: r.get(0)?,
        last_id: sid(r.get(1)?, r.get(2)?),
        entries_read: r.get::<_, Option<i64>>(3)?.map(|n| n as u64),
        pending: r.get::<_, i64>(4)? as u64,
    })
}

/// A group row, then a condition.
macro_rules! group_query {
    ($cond:literal) => {
        concat!(
            "SELECT name, last_ms, last_seq, entries_read, pending \
             FROM redis_stream_groups g WHERE ",
            $cond
        )
    };
}

impl SqliteEngine {
    fn stream_id(&mut self, key: &[u8]) -> Result<Option<i64>> {
        self.container(key, KeyType::Stream)
    }

    /// The id of an existing stream; `Corrupt` if it is missing (callers
    /// check existence first).
    fn existing_stream(&mut self, key: &[u8]) -> Result<i64> {
        self.stream_id(key)?
            .ok_or_else(|| EngineError::Corrupt("stream expected to exist".into()))
    }

    fn counters(&mut self, id: i64) -> Result<Counters> {
        let changes = self.conn.total_changes();
        if let Some((memo_id, at, c)) = self.counters_memo {
            if memo_id == id && at == changes {
                return Ok(c);
            }
        }
        let c = self
            .conn
            .prepare_cached(
                "SELECT last_ms, last_seq, entries_added, max_del_ms, max_del_seq, \
                 first_ms, first_seq FROM redis_streams WHERE id = ?1",
            )?
            .query_row([id], |r| {
                Ok(Counters {
                    last_id: sid(r.get(0)?, r.get(1)?),
                    entries_added: r.get::<_, i64>(2)? as u64,
                    max_deleted_id: sid(r.get(3)?, r.get(4)?),
                    first_id: sid(r.get(5)?, r.get(6)?),
                })
            })
            .optional()?
            .ok_or_else(|| EngineError::Corrupt("stream without its counters".into()))?;
        self.counters_memo = Some((id, changes, c));
        Ok(c)
    }

    /// Updates the counters row (adds it for a new stream): an update in
    /// place, not REPLACE's delete and insert.
    fn write_counters(&mut self, id: i64, c: &Counters) -> Result<()> {
        let values = params![
            id,
            enc(c.last_id.ms),
            enc(c.last_id.seq),
            c.entries_added as i64,
            enc(c.max_deleted_id.ms),
            enc(c.max_deleted_id.seq),
            enc(c.first_id.ms),
            enc(c.first_id.seq),
        ];
        let updated = self
            .conn
            .prepare_cached(
                "UPDATE redis_streams SET last_ms = ?2, last_seq = ?3, entries_added = ?4, \
                 max_del_ms = ?5, max_del_seq = ?6, first_ms = ?7, first_seq = ?8 WHERE id = ?1",
            )?
            .execute(values)?;
        if updated == 0 {
            self.conn
                .prepare_cached(
                    "INSERT INTO redis_streams (id, last_ms, last_seq, entries_added, \
                     max_del_ms, max_del_seq, first_ms, first_seq) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                )?
                .execute(values)?;
        }
        self.counters_memo = Some((id, self.conn.total_changes(), *c));
        Ok(())
    }

    /// The first entry's id, 0-0 when empty (`streamGetEdgeID`).
    fn first_entry_id(&self, id: i64) -> Result<StreamId> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT ms, seq FROM redis_stream_entries WHERE id = ?1 ORDER BY ms, seq LIMIT 1",
            )?
            .query_row([id], |r| Ok(sid(r.get(0)?, r.get(1)?)))
            .optional()?
            .unwrap_or_default())
    }

    fn first_node(&self, id: i64) -> Result<Option<Node>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT ms, seq, last_ms, last_seq, live, total, bytes FROM redis_stream_nodes \
                 WHERE id = ?1 ORDER BY ms, seq LIMIT 1",
            )?
            .query_row([id], node_from)
            .optional()?)
    }

    fn tail_node(&self, id: i64) -> Result<Option<Node>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT ms, seq, last_ms, last_seq, live, total, bytes FROM redis_stream_nodes \
                 WHERE id = ?1 ORDER BY ms DESC, seq DESC LIMIT 1",
            )?
            .query_row([id], node_from)
            .optional()?)
    }

    /// The node holding `entry` (the last one starting at or before it).
    fn node_of(&self, id: i64, entry: StreamId) -> Result<Option<Node>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT ms, seq, last_ms, last_seq, live, total, bytes FROM redis_stream_nodes \
                 WHERE id = ?1 AND (ms, seq) <= (?2, ?3) ORDER BY ms DESC, seq DESC LIMIT 1",
            )?
            .query_row(params![id, enc(entry.ms), enc(entry.seq)], node_from)
            .optional()?)
    }

    /// Writes a node: `new` inserts it, else its row (keyed by its first
    /// id) is updated in place.
    fn write_node(&self, id: i64, n: &Node, new: bool) -> Result<()> {
        let sql = if new {
            "INSERT INTO redis_stream_nodes (id, ms, seq, last_ms, last_seq, live, total, bytes) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
        } else {
            "UPDATE redis_stream_nodes SET last_ms = ?4, last_seq = ?5, live = ?6, total = ?7, \
             bytes = ?8 WHERE id = ?1 AND ms = ?2 AND seq = ?3"
        };
        self.conn.prepare_cached(sql)?.execute(params![
            id,
            enc(n.first.ms),
            enc(n.first.seq),
            enc(n.last.ms),
            enc(n.last.seq),
            n.live,
            n.total,
            n.bytes
        ])?;
        Ok(())
    }

    fn delete_node(&self, id: i64, first: StreamId) -> Result<()> {
        self.conn
            .prepare_cached(
                "DELETE FROM redis_stream_nodes WHERE id = ?1 AND ms = ?2 AND seq = ?3",
            )?
            .execute(params![id, enc(first.ms), enc(first.seq)])?;
        Ok(())
    }

    /// Deletes entries in `from..=to`; how many.
    fn delete_entries(&self, id: i64, from: StreamId, to: StreamId) -> Result<i64> {
        Ok(self
            .conn
            .prepare_cached(
                "DELETE FROM redis_stream_entries WHERE id = ?1 \
                 AND (ms, seq) >= (?2, ?3) AND (ms, seq) <= (?4, ?5)",
            )?
            .execute(params![
                id,
                enc(from.ms),
                enc(from.seq),
                enc(to.ms),
                enc(to.seq)
            ])? as i64)
    }

    /// The id of the `n`th entry (0-based) at or after `from`.
    fn nth_entry_from(&self, id: i64, from: StreamId, n: i64) -> Result<Option<StreamId>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT ms, seq FROM redis_stream_entries WHERE id = ?1 AND (ms, seq) >= (?2, ?3) \
                 ORDER BY ms, seq LIMIT 1 OFFSET ?4",
            )?
            .query_row(params![id, enc(from.ms), enc(from.seq), n], |r| {
                Ok(sid(r.get(0)?, r.get(1)?))
            })
            .optional()?)
    }

    fn group_pending_add(&self, id: i64, group: &[u8], delta: i64) -> Result<()> {
        self.conn
            .prepare_cached(
                "UPDATE redis_stream_groups SET pending = pending + ?3 WHERE id = ?1 AND name = ?2",
            )?
            .execute(params![id, group, delta])?;
        Ok(())
    }

    fn consumer_pending_add(&self, id: i64, group: &[u8], name: &[u8], delta: i64) -> Result<()> {
        self.conn
            .prepare_cached(
                "UPDATE redis_stream_consumers SET pending = pending + ?4 \
                 WHERE id = ?1 AND grp = ?2 AND name = ?3",
            )?
            .execute(params![id, group, name, delta])?;
        Ok(())
    }

    fn pending_row(&self, id: i64, group: &[u8], entry: StreamId) -> Result<Option<PendingEntry>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT ms, seq, consumer, delivered_at, deliveries FROM redis_stream_pel \
                 WHERE id = ?1 AND grp = ?2 AND ms = ?3 AND seq = ?4",
            )?
            .query_row(
                params![id, group, enc(entry.ms), enc(entry.seq)],
                pending_from,
            )
            .optional()?)
    }
}

impl StreamOps for SqliteEngine {
    fn xmeta(&mut self, key: &[u8]) -> Result<Option<StreamMeta>> {
        let Some(row) = self.container_row(key, KeyType::Stream)? else {
            return Ok(None);
        };
        let (id, length) = (row.id, self.row_len(&row));
        let c = self.counters(id)?;
        Ok(Some(StreamMeta {
            length,
            last_id: c.last_id,
            entries_added: c.entries_added,
            max_deleted_id: c.max_deleted_id,
            first_id: c.first_id,
        }))
    }

    fn xnodes(&mut self, key: &[u8]) -> Result<u64> {
        let Some(id) = self.stream_id(key)? else {
            return Ok(0);
        };
        Ok(self
            .conn
            .prepare_cached("SELECT count(*) FROM redis_stream_nodes WHERE id = ?1")?
            .query_row([id], |r| r.get::<_, i64>(0))? as u64)
    }

    fn xcreate(&mut self, key: &[u8]) -> Result<()> {
        let (id, existed) = self.container_for_write(key, KeyType::Stream)?;
        if !existed {
            self.write_counters(id, &Counters::default())?;
        }
        self.touch(key, id);
        Ok(())
    }

    fn xappend(
        &mut self,
        key: &[u8],
        entry: StreamId,
        fields: &[(&[u8], &[u8])],
        limits: NodeLimits,
    ) -> Result<()> {
        // The row and counters XADD just read come from the memos.
        let (id, length, mut c, existed) = match self.container_row(key, KeyType::Stream)? {
            Some(row) => (row.id, self.row_len(&row), self.counters(row.id)?, true),
            None => (
                self.insert_key(self.phys, key, KeyType::Stream, None, None)?,
                0,
                Counters::default(),
                false,
            ),
        };
        // Where Redis would put the entry: the tail node unless it is full.
        let raw: u64 = fields.iter().map(|(f, v)| (f.len() + v.len()) as u64).sum();
        let max_bytes = match limits.max_bytes {
            0 => LISTPACK_MAX,
            n => n.min(LISTPACK_MAX),
        };
        let tail = if existed { self.tail_node(id)? } else { None };
        let tail = tail.filter(|t| {
            (t.bytes as u64) + raw < max_bytes
                && (limits.max_entries == 0 || (t.total as u64) < limits.max_entries)
        });
        let node = match tail {
            Some(t) => Node {
                last: entry,
                live: t.live + 1,
                total: t.total + 1,
                bytes: t.bytes + entry_bytes(fields) as i64,
                ..t
            },
            None => Node {
                first: entry,
                last: entry,
                live: 1,
                total: 1,
                bytes: (node_header_bytes(fields) + entry_bytes(fields)) as i64,
            },
        };
        self.write_node(id, &node, tail.is_none())?;
        self.conn
            .prepare_cached(
                "INSERT INTO redis_stream_entries (id, ms, seq, fields) VALUES (?1, ?2, ?3, ?4)",
            )?
            .execute(params![
                id,
                enc(entry.ms),
                enc(entry.seq),
                encode_fields(fields)
            ])?;
        c.last_id = entry;
        c.entries_added += 1;
        if length == 0 {
            c.first_id = entry;
        }
        self.write_counters(id, &c)?;
        self.add_len(key, id, 1);
        Ok(())
    }

    fn xset_meta(
        &mut self,
        key: &[u8],
        last_id: StreamId,
        entries_added: Option<u64>,
        max_deleted_id: Option<StreamId>,
    ) -> Result<()> {
        let id = self.existing_stream(key)?;
        let mut c = self.counters(id)?;
        c.last_id = last_id;
        if let Some(n) = entries_added {
            c.entries_added = n;
        }
        if let Some(m) = max_deleted_id {
            c.max_deleted_id = m;
        }
        self.write_counters(id, &c)?;
        self.touch(key, id);
        Ok(())
    }

    fn xrange(
        &mut self,
        key: &[u8],
        start: StreamId,
        end: StreamId,
        count: u64,
        rev: bool,
    ) -> Result<Vec<StreamEntry>> {
        let Some(id) = self.stream_id(key)? else {
            return Ok(Vec::new());
        };
        if start > end {
            return Ok(Vec::new());
        }
        let sql = if rev {
            "SELECT ms, seq, fields FROM redis_stream_entries WHERE id = ?1 \
             AND (ms, seq) >= (?2, ?3) AND (ms, seq) <= (?4, ?5) \
             ORDER BY ms DESC, seq DESC LIMIT ?6"
        } else {
            "SELECT ms, seq, fields FROM redis_stream_entries WHERE id = ?1 \
             AND (ms, seq) >= (?2, ?3) AND (ms, seq) <= (?4, ?5) \
             ORDER BY ms, seq LIMIT ?6"
        };
        let limit = if count == 0 {
            -1
        } else {
            count.min(i64::MAX as u64) as i64
        };
        let rows: Vec<(i64, i64, Vec<u8>)> = self
            .conn
            .prepare_cached(sql)?
            .query_map(
                params![
                    id,
                    enc(start.ms),
                    enc(start.seq),
                    enc(end.ms),
                    enc(end.seq),
                    limit
                ],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?
            .collect::<rusqlite::Result<_>>()?;
        rows.into_iter()
            .map(|(ms, seq, blob)| {
                Ok(StreamEntry {
                    id: sid(ms, seq),
                    fields: decode_fields(&blob)?,
                })
            })
            .collect()
    }

    fn xdel(&mut self, key: &[u8], ids: &[StreamId]) -> Result<u64> {
        let Some(id) = self.stream_id(key)? else {
            return Ok(0);
        };
        let mut c = self.counters(id)?;
        let mut deleted = 0i64;
        let mut first_gone = false;
        for &entry in ids {
            if self.delete_entries(id, entry, entry)? == 0 {
                continue;
            }
            if let Some(mut node) = self.node_of(id, entry)? {
                node.live -= 1;
                if node.live <= 0 {
                    self.delete_node(id, node.first)?;
                } else {
                    self.write_node(id, &node, false)?;
                }
            }
            first_gone |= entry == c.first_id;
            if entry > c.max_deleted_id {
                c.max_deleted_id = entry;
            }
            deleted += 1;
        }
        if deleted > 0 {
            self.add_len(key, id, -deleted);
            if self.container_len(id)? == 0 {
                c.first_id = StreamId::MIN;
            } else if first_gone {
                c.first_id = self.first_entry_id(id)?;
            }
            self.write_counters(id, &c)?;
        }
        Ok(deleted as u64)
    }

    fn xtrim(&mut self, key: &[u8], trim: Trim) -> Result<u64> {
        let Some(id) = self.stream_id(key)? else {
            return Ok(0);
        };
        // `streamTrim`: whole nodes from the head while they may all go, then
        // (unless approximate) part of the next one.
        let mut length = self.container_len(id)? as i64;
        let limit = trim.limit as i64;
        let mut deleted = 0i64;
        while let Some(mut node) = self.first_node(id)? {
            if let TrimBy::MaxLen(max) = trim.by {
                if length as u64 <= max {
                    break;
                }
            }
            let entries = node.live;
            if limit > 0 && deleted + entries > limit {
                break;
            }
            let whole = match trim.by {
                TrimBy::MaxLen(max) => (length - entries) as u64 >= max,
                TrimBy::MinId(min) => node.last < min,
            };
            if whole {
                self.delete_entries(id, node.first, node.last)?;
                self.delete_node(id, node.first)?;
                length -= entries;
                deleted += entries;
                continue;
            }
            if trim.approx {
                break;
            }
            let gone = match trim.by {
                TrimBy::MaxLen(max) => {
                    let n = length - max as i64;
                    match self.nth_entry_from(id, node.first, n - 1)? {
                        Some(upto) => self.delete_entries(id, node.first, upto)?,
                        None => 0,
                    }
                }
                TrimBy::MinId(min) => match min.prev() {
                    Some(upto) => self.delete_entries(id, node.first, upto)?,
                    None => 0,
                },
            };
            // Entries trimmed inside a node stay counted in its total, as
            // Redis' deleted-flagged listpack entries do.
            node.live -= gone;
            self.write_node(id, &node, false)?;
            length -= gone;
            deleted += gone;
            break;
        }
        if deleted > 0 {
            self.add_len(key, id, -deleted);
            let mut c = self.counters(id)?;
            c.first_id = if length == 0 {
                StreamId::MIN
            } else {
                self.first_entry_id(id)?
            };
            self.write_counters(id, &c)?;
        }
        Ok(deleted as u64)
    }

    fn xgroups(&mut self, key: &[u8]) -> Result<Vec<GroupInfo>> {
        let Some(id) = self.stream_id(key)? else {
            return Ok(Vec::new());
        };
        let groups = self
            .conn
            .prepare_cached(group_query!("g.id = ?1 ORDER BY g.name"))?
            .query_map([id], group_from)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(groups)
    }

    fn xgroup(&mut self, key: &[u8], group: &[u8]) -> Result<Option<GroupInfo>> {
        let Some(id) = self.stream_id(key)? else {
            return Ok(None);
        };
        Ok(self
            .conn
            .prepare_cached(group_query!("g.id = ?1 AND g.name = ?2"))?
            .query_row(params![id, group], group_from)
            .optional()?)
    }

    fn xgroup_create(
        &mut self,
        key: &[u8],
        group: &[u8],
        last_id: StreamId,
        entries_read: Option<u64>,
    ) -> Result<bool> {
        let id = self.existing_stream(key)?;
        let n = self
            .conn
            .prepare_cached(
                "INSERT OR IGNORE INTO redis_stream_groups \
                 (id, name, last_ms, last_seq, entries_read, pending) VALUES (?1, ?2, ?3, ?4, ?5, 0)",
            )?
            .execute(params![
                id,
                group,
                enc(last_id.ms),
                enc(last_id.seq),
                entries_read.map(|n| n as i64)
            ])?;
        Ok(n > 0)
    }

    fn xgroup_set(
        &mut self,
        key: &[u8],
        group: &[u8],
        last_id: StreamId,
        entries_read: Option<u64>,
    ) -> Result<()> {
        let id = self.existing_stream(key)?;
        self.conn
            .prepare_cached(
                "UPDATE redis_stream_groups SET last_ms = ?3, last_seq = ?4, entries_read = ?5 \
                 WHERE id = ?1 AND name = ?2",
            )?
            .execute(params![
                id,
                group,
                enc(last_id.ms),
                enc(last_id.seq),
                entries_read.map(|n| n as i64)
            ])?;
        Ok(())
    }

    fn xgroup_destroy(&mut self, key: &[u8], group: &[u8]) -> Result<bool> {
        let Some(id) = self.stream_id(key)? else {
            return Ok(false);
        };
        let n = self
            .conn
            .prepare_cached("DELETE FROM redis_stream_groups WHERE id = ?1 AND name = ?2")?
            .execute(params![id, group])?;
        self.conn
            .prepare_cached("DELETE FROM redis_stream_consumers WHERE id = ?1 AND grp = ?2")?
            .execute(params![id, group])?;
        self.conn
            .prepare_cached("DELETE FROM redis_stream_pel WHERE id = ?1 AND grp = ?2")?
            .execute(params![id, group])?;
        Ok(n > 0)
    }

    fn xconsumers(&mut self, key: &[u8], group: &[u8]) -> Result<Vec<ConsumerInfo>> {
        let Some(id) = self.stream_id(key)? else {
            return Ok(Vec::new());
        };
        let consumers = self
            .conn
            .prepare_cached(
                "SELECT name, seen_time, pending FROM redis_stream_consumers \
                 WHERE id = ?1 AND grp = ?2 ORDER BY name",
            )?
            .query_map(params![id, group], |r| {
                Ok(ConsumerInfo {
                    name: r.get(0)?,
                    seen_time: r.get(1)?,
                    pending: r.get::<_, i64>(2)? as u64,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(consumers)
    }

    fn xconsumer(&mut self, key: &[u8], group: &[u8], name: &[u8]) -> Result<Option<ConsumerInfo>> {
        let Some(id) = self.stream_id(key)? else {
            return Ok(None);
        };
        Ok(self
            .conn
            .prepare_cached(
                "SELECT name, seen_time, pending FROM redis_stream_consumers \
                 WHERE id = ?1 AND grp = ?2 AND name = ?3",
            )?
            .query_row(params![id, group, name], |r| {
                Ok(ConsumerInfo {
                    name: r.get(0)?,
                    seen_time: r.get(1)?,
                    pending: r.get::<_, i64>(2)? as u64,
                })
            })
            .optional()?)
    }

    fn xconsumer_touch(
        &mut self,
        key: &[u8],
        group: &[u8],
        name: &[u8],
        refresh: bool,
    ) -> Result<bool> {
        let id = self.existing_stream(key)?;
        let now = self.now;
        // Usually the consumer exists: one UPDATE, no INSERT attempt.
        if refresh
            && self
                .conn
                .prepare_cached(
                    "UPDATE redis_stream_consumers SET seen_time = ?4 \
                     WHERE id = ?1 AND grp = ?2 AND name = ?3",
                )?
                .execute(params![id, group, name, now])?
                > 0
        {
            return Ok(false);
        }
        let inserted = self
            .conn
            .prepare_cached(
                "INSERT OR IGNORE INTO redis_stream_consumers (id, grp, name, seen_time, pending) \
                 VALUES (?1, ?2, ?3, ?4, 0)",
            )?
            .execute(params![id, group, name, now])?;
        Ok(inserted > 0)
    }

    fn xconsumer_set_seen(&mut self, key: &[u8], group: &[u8], name: &[u8], at: i64) -> Result<()> {
        let id = self.existing_stream(key)?;
        self.conn
            .prepare_cached(
                "UPDATE redis_stream_consumers SET seen_time = ?4 \
                 WHERE id = ?1 AND grp = ?2 AND name = ?3",
            )?
            .execute(params![id, group, name, at])?;
        Ok(())
    }

    fn xconsumer_delete(&mut self, key: &[u8], group: &[u8], name: &[u8]) -> Result<Option<u64>> {
        let Some(consumer) = self.xconsumer(key, group, name)? else {
            return Ok(None);
        };
        let id = self.existing_stream(key)?;
        self.conn
            .prepare_cached(
                "DELETE FROM redis_stream_consumers WHERE id = ?1 AND grp = ?2 AND name = ?3",
            )?
            .execute(params![id, group, name])?;
        let gone = self
            .conn
            .prepare_cached(
                "DELETE FROM redis_stream_pel WHERE id = ?1 AND grp = ?2 AND consumer = ?3",
            )?
            .execute(params![id, group, name])? as i64;
        self.group_pending_add(id, group, -gone)?;
        Ok(Some(consumer.pending))
    }

    fn xpending(
        &mut self,
        key: &[u8],
        group: &[u8],
        query: PendingQuery,
    ) -> Result<Vec<PendingEntry>> {
        let Some(id) = self.stream_id(key)? else {
            return Ok(Vec::new());
        };
        if query.start > query.end || query.count == 0 {
            return Ok(Vec::new());
        }
        let limit = query.count.min(i64::MAX as u64) as i64;
        let bounds = (
            enc(query.start.ms),
            enc(query.start.seq),
            enc(query.end.ms),
            enc(query.end.seq),
        );
        let idle_before = query.delivered_before.unwrap_or(i64::MAX);
        let rows = match query.consumer {
            Some(consumer) => self
                .conn
                .prepare_cached(
                    "SELECT ms, seq, consumer, delivered_at, deliveries FROM redis_stream_pel \
                     WHERE id = ?1 AND grp = ?2 AND consumer = ?3 \
                     AND (ms, seq) >= (?4, ?5) AND (ms, seq) <= (?6, ?7) AND delivered_at <= ?9 \
                     ORDER BY ms, seq LIMIT ?8",
                )?
                .query_map(
                    params![
                        id,
                        group,
                        consumer,
                        bounds.0,
                        bounds.1,
                        bounds.2,
                        bounds.3,
                        limit,
                        idle_before
                    ],
                    pending_from,
                )?
                .collect::<rusqlite::Result<Vec<_>>>()?,
            None => self
                .conn
                .prepare_cached(
                    "SELECT ms, seq, consumer, delivered_at, deliveries FROM redis_stream_pel \
                     WHERE id = ?1 AND grp = ?2 \
                     AND (ms, seq) >= (?3, ?4) AND (ms, seq) <= (?5, ?6) AND delivered_at <= ?8 \
                     ORDER BY ms, seq LIMIT ?7",
                )?
                .query_map(
                    params![
                        id,
                        group,
                        bounds.0,
                        bounds.1,
                        bounds.2,
                        bounds.3,
                        limit,
                        idle_before
                    ],
                    pending_from,
                )?
                .collect::<rusqlite::Result<Vec<_>>>()?,
        };
        Ok(rows)
    }

    fn xpending_get(
        &mut self,
        key: &[u8],
        group: &[u8],
        entry: StreamId,
    ) -> Result<Option<PendingEntry>> {
        let Some(id) = self.stream_id(key)? else {
            return Ok(None);
        };
        self.pending_row(id, group, entry)
    }

    fn xpending_put(&mut self, key: &[u8], group: &[u8], entry: &PendingEntry) -> Result<()> {
        let id = self.existing_stream(key)?;
        match self.pending_row(id, group, entry.id)? {
            Some(old) => {
                if old.consumer != entry.consumer {
                    self.consumer_pending_add(id, group, &old.consumer, -1)?;
                    self.consumer_pending_add(id, group, &entry.consumer, 1)?;
                }
            }
            None => {
                self.consumer_pending_add(id, group, &entry.consumer, 1)?;
                self.group_pending_add(id, group, 1)?;
            }
        }
        self.conn
            .prepare_cached(
                "INSERT OR REPLACE INTO redis_stream_pel \
                 (id, grp, ms, seq, consumer, delivered_at, deliveries) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                id,
                group,
                enc(entry.id.ms),
                enc(entry.id.seq),
                entry.consumer,
                entry.delivered_at,
                entry.deliveries.min(i64::MAX as u64) as i64
            ])?;
        Ok(())
    }

    fn xdeliver(&mut self, key: &[u8], group: &[u8], d: &Delivery) -> Result<bool> {
        let id = self.existing_stream(key)?;
        let ids = if d.noack { &[][..] } else { d.ids };
        // Rows already pending among `ids` (left by XCLAIM FORCE, or by a
        // group moved back with SETID) change owner; usually there are none.
        let held = match (ids.first(), ids.last()) {
            (Some(first), Some(last)) => self
                .conn
                .prepare_cached(
                    "SELECT ms, seq, consumer FROM redis_stream_pel WHERE id = ?1 AND grp = ?2 \
                     AND (ms, seq) >= (?3, ?4) AND (ms, seq) <= (?5, ?6)",
                )?
                .query_map(
                    params![
                        id,
                        group,
                        enc(first.ms),
                        enc(first.seq),
                        enc(last.ms),
                        enc(last.seq)
                    ],
                    |r| Ok((sid(r.get(0)?, r.get(1)?), r.get::<_, Vec<u8>>(2)?)),
                )?
                .collect::<rusqlite::Result<Vec<_>>>()?,
            _ => Vec::new(),
        };
        let mut added = ids.len() as i64;
        let mut gained = added;
        for (entry, owner) in held {
            if ids.binary_search(&entry).is_err() {
                continue;
            }
            added -= 1;
            if owner == d.consumer {
                gained -= 1;
            } else {
                self.consumer_pending_add(id, group, &owner, -1)?;
            }
        }
        // The consumer's seen time and count in one statement; usually it
        // exists.
        let created = self
            .conn
            .prepare_cached(
                "UPDATE redis_stream_consumers SET seen_time = ?4, pending = pending + ?5 \
                 WHERE id = ?1 AND grp = ?2 AND name = ?3",
            )?
            .execute(params![id, group, d.consumer, d.now, gained])?
            == 0;
        if created {
            self.conn
                .prepare_cached(
                    "INSERT INTO redis_stream_consumers (id, grp, name, seen_time, pending) \
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![id, group, d.consumer, d.now, gained])?;
        }
        let mut insert = self.conn.prepare_cached(
            "INSERT OR REPLACE INTO redis_stream_pel \
             (id, grp, ms, seq, consumer, delivered_at, deliveries) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1)",
        )?;
        for entry in ids {
            insert.execute(params![
                id,
                group,
                enc(entry.ms),
                enc(entry.seq),
                d.consumer,
                d.now
            ])?;
        }
        drop(insert);
        self.conn
            .prepare_cached(
                "UPDATE redis_stream_groups SET last_ms = ?3, last_seq = ?4, entries_read = ?5, \
                 pending = pending + ?6 WHERE id = ?1 AND name = ?2",
            )?
            .execute(params![
                id,
                group,
                enc(d.last_id.ms),
                enc(d.last_id.seq),
                d.entries_read.map(|n| n as i64),
                added
            ])?;
        Ok(created)
    }

    fn xack(&mut self, key: &[u8], group: &[u8], ids: &[StreamId]) -> Result<u64> {
        let Some(id) = self.stream_id(key)? else {
            return Ok(0);
        };
        // Counters move once per consumer, not once per id.
        let mut owners: Vec<(Vec<u8>, i64)> = Vec::new();
        let mut acked = 0;
        for &entry in ids {
            let owner: Option<Vec<u8>> = self
                .conn
                .prepare_cached(
                    "DELETE FROM redis_stream_pel WHERE id = ?1 AND grp = ?2 AND ms = ?3 AND seq = ?4 \
                     RETURNING consumer",
                )?
                .query_row(params![id, group, enc(entry.ms), enc(entry.seq)], |r| r.get(0))
                .optional()?;
            let Some(owner) = owner else {
                continue;
            };
            match owners.iter_mut().find(|(c, _)| *c == owner) {
                Some((_, n)) => *n += 1,
                None => owners.push((owner, 1)),
            }
            acked += 1;
        }
        for (owner, n) in owners {
            self.consumer_pending_add(id, group, &owner, -n)?;
        }
        if acked > 0 {
            self.group_pending_add(id, group, -acked)?;
        }
        Ok(acked as u64)
    }

    fn xpending_summary(&mut self, key: &[u8], group: &[u8]) -> Result<PendingSummary> {
        let Some(info) = self.xgroup(key, group)? else {
            return Ok(PendingSummary::default());
        };
        if info.pending == 0 {
            return Ok(PendingSummary::default());
        }
        let id = self.existing_stream(key)?;
        let edge = |sql: &'static str| -> Result<StreamId> {
            Ok(self
                .conn
                .prepare_cached(sql)?
                .query_row(params![id, group], |r| Ok(sid(r.get(0)?, r.get(1)?)))?)
        };
        let low = edge(
            "SELECT ms, seq FROM redis_stream_pel WHERE id = ?1 AND grp = ?2 \
             ORDER BY ms, seq LIMIT 1",
        )?;
        let high = edge(
            "SELECT ms, seq FROM redis_stream_pel WHERE id = ?1 AND grp = ?2 \
             ORDER BY ms DESC, seq DESC LIMIT 1",
        )?;
        let consumers = self
            .conn
            .prepare_cached(
                "SELECT name, pending FROM redis_stream_consumers \
                 WHERE id = ?1 AND grp = ?2 AND pending > 0 ORDER BY name",
            )?
            .query_map(params![id, group], |r| {
                Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, i64>(1)? as u64))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(PendingSummary {
            count: info.pending,
            range: Some((low, high)),
            consumers,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_keep_unsigned_order_when_stored() {
        let ids = [
            0u64,
            1,
            1 << 62,
            (1 << 63) - 1,
            1 << 63,
            u64::MAX - 1,
            u64::MAX,
        ];
        for w in ids.windows(2) {
            assert!(enc(w[0]) < enc(w[1]));
            assert_eq!(dec(enc(w[0])), w[0]);
        }
    }

    #[test]
    fn fields_round_trip() {
        let fields: [(&[u8], &[u8]); 3] = [(b"a", b""), (b"", b"\0\xff"), (b"k", b"v")];
        let decoded = decode_fields(&encode_fields(&fields)).unwrap();
        assert_eq!(decoded.len(), 3);
        assert_eq!(decoded[1], (vec![], vec![0, 255]));
        assert!(decode_fields(&[1, 0, 0]).is_err());
    }
}
