//! Export: a Redis (or Valkey) as the destination, so the same stages move
//! data out of resplite (a resplite server as the source) with minutes of
//! downtime. Whole keys go as RESTORE payloads (`REPLACE ABSTTL`, exact for
//! every type, streams with their groups and PELs); big keys arrive in pages
//! as typed writes to a temporary key renamed over the real one. The run's
//! registry lives in a local file (`--to`), not in the target.

use std::path::Path;

use redis::{Commands, Value as RValue};
use resplite_core::engine::stream::StreamId;
use resplite_core::rdb;
use rusqlite::Connection;

use crate::dest::Destination;
use crate::error::{MigrationError, Result};
use crate::value::{Snapshot, StreamValue, Value};

pub struct RedisDestination {
    conn: Target,
    registry: Connection,
}

/// One server, or a cluster: keyed commands routed by slot (MOVED and ASK
/// followed by the client), SCAN run on each primary in turn.
enum Target {
    Single(redis::Connection),
    Cluster {
        conn: Box<redis::cluster::ClusterConnection>,
        primaries: Vec<redis::Connection>,
    },
}

impl redis::ConnectionLike for Target {
    fn req_packed_command(&mut self, cmd: &[u8]) -> redis::RedisResult<RValue> {
        match self {
            Target::Single(c) => c.req_packed_command(cmd),
            Target::Cluster { conn, .. } => conn.req_packed_command(cmd),
        }
    }

    fn req_packed_commands(
        &mut self,
        cmd: &[u8],
        offset: usize,
        count: usize,
    ) -> redis::RedisResult<Vec<RValue>> {
        match self {
            Target::Single(c) => c.req_packed_commands(cmd, offset, count),
            Target::Cluster { conn, .. } => conn.req_packed_commands(cmd, offset, count),
        }
    }

    fn req_command(&mut self, cmd: &redis::Cmd) -> redis::RedisResult<RValue> {
        match self {
            Target::Single(c) => c.req_command(cmd),
            Target::Cluster { conn, .. } => conn.req_command(cmd),
        }
    }

    fn get_db(&self) -> i64 {
        match self {
            Target::Single(c) => c.get_db(),
            Target::Cluster { .. } => 0,
        }
    }

    fn check_connection(&mut self) -> bool {
        match self {
            Target::Single(c) => c.check_connection(),
            Target::Cluster { conn, .. } => conn.check_connection(),
        }
    }

    fn is_open(&self) -> bool {
        match self {
            Target::Single(c) => c.is_open(),
            Target::Cluster { conn, .. } => conn.is_open(),
        }
    }
}

/// A cluster cursor: the primary's index in the top byte, its own cursor
/// below (Redis' cursors stay far below 2^56).
const NODE_SHIFT: u32 = 56;

fn target_error(e: redis::RedisError) -> MigrationError {
    MigrationError::Destination(format!("the target Redis: {e}"))
}

/// Elements per typed write of a page.
const CHUNK: usize = 1000;

impl RedisDestination {
    /// The Redis at `url`, database `db` (or, with `cluster`, the cluster
    /// that node belongs to); the run's state in `state`.
    pub fn open(url: &str, state: &Path, db: u32, cluster: bool) -> Result<RedisDestination> {
        let client = redis::Client::open(url).map_err(target_error)?;
        let mut seed = client.get_connection().map_err(target_error)?;
        let conn = if cluster {
            if db != 0 {
                return Err(MigrationError::Refused(format!(
                    "a cluster has database 0 only, not {db}"
                )));
            }
            let primaries = primaries(&mut seed)?
                .into_iter()
                .map(|(host, port)| {
                    let mut info = client.get_connection_info().clone();
                    info = info.set_addr(redis::ConnectionAddr::Tcp(host, port));
                    redis::Client::open(info)
                        .and_then(|c| c.get_connection())
                        .map_err(target_error)
                })
                .collect::<Result<Vec<_>>>()?;
            let conn = redis::cluster::ClusterClient::new(vec![url])
                .and_then(|c| c.get_connection())
                .map_err(target_error)?;
            Target::Cluster {
                conn: Box::new(conn),
                primaries,
            }
        } else {
            redis::cmd("SELECT")
                .arg(db)
                .query::<()>(&mut seed)
                .map_err(target_error)?;
            Target::Single(seed)
        };
        Ok(RedisDestination {
            conn,
            registry: crate::registry::open(state)?,
        })
    }

    fn run(&mut self, cmd: &redis::Cmd) -> Result<RValue> {
        cmd.query(&mut self.conn).map_err(target_error)
    }

    /// One SCAN step over the whole target (every primary of a cluster).
    fn scan_step(
        &mut self,
        cursor: u64,
        count: usize,
        extra: &[&[u8]],
    ) -> Result<(u64, Vec<Vec<u8>>)> {
        let mut cmd = redis::cmd("SCAN");
        let scan = |cmd: &mut redis::Cmd, c: u64| {
            cmd.arg(c).arg("COUNT").arg(count);
            for a in extra {
                cmd.arg(*a);
            }
        };
        match &mut self.conn {
            Target::Single(c) => {
                scan(&mut cmd, cursor);
                Ok(cmd.query(c).map_err(target_error)?)
            }
            Target::Cluster { primaries, .. } => {
                let node = (cursor >> NODE_SHIFT) as usize;
                let Some(c) = primaries.get_mut(node) else {
                    return Ok((0, Vec::new()));
                };
                scan(&mut cmd, cursor & ((1 << NODE_SHIFT) - 1));
                let (next, keys): (u64, Vec<Vec<u8>>) = cmd.query(c).map_err(target_error)?;
                if next >> NODE_SHIFT != 0 {
                    return Err(MigrationError::Destination(
                        "a cluster node's SCAN cursor is too large".into(),
                    ));
                }
                let next = match next {
                    0 if node + 1 < primaries.len() => ((node + 1) as u64) << NODE_SHIFT,
                    0 => 0,
                    n => ((node as u64) << NODE_SHIFT) | n,
                };
                Ok((next, keys))
            }
        }
    }

    /// SCAN with options until the cursor comes back to 0.
    fn scan_all(&mut self, extra: &[&[u8]]) -> Result<Vec<Vec<u8>>> {
        let mut keys = Vec::new();
        let mut cursor = 0u64;
        loop {
            let (next, page) = self.scan_step(cursor, 1000, extra)?;
            keys.extend(page);
            if next == 0 {
                return Ok(keys);
            }
            cursor = next;
        }
    }

    fn append_stream(&mut self, key: &[u8], page: &StreamValue) -> Result<()> {
        for e in &page.entries {
            let mut cmd = redis::cmd("XADD");
            cmd.arg(key).arg(id(e.id));
            for (f, v) in &e.fields {
                cmd.arg(f).arg(v);
            }
            self.run(&cmd)?;
        }
        if let Some(head) = &page.head {
            let exists: i64 = self.conn.exists(key).map_err(target_error)?;
            if exists == 0 {
                // A stream with no entries left still exists: make it empty
                // (a group created with MKSTREAM, then destroyed).
                self.run(
                    redis::cmd("XGROUP")
                        .arg("CREATE")
                        .arg(key)
                        .arg("\u{1}")
                        .arg("0")
                        .arg("MKSTREAM"),
                )?;
                self.run(redis::cmd("XGROUP").arg("DESTROY").arg(key).arg("\u{1}"))?;
            }
            self.run(
                redis::cmd("XSETID")
                    .arg(key)
                    .arg(id(head.last_id))
                    .arg("ENTRIESADDED")
                    .arg(head.entries_added)
                    .arg("MAXDELETEDID")
                    .arg(id(head.max_deleted_id)),
            )?;
            for g in &head.groups {
                let mut create = redis::cmd("XGROUP");
                create
                    .arg("CREATE")
                    .arg(key)
                    .arg(&g.name)
                    .arg(id(g.last_id))
                    .arg("MKSTREAM");
                if let Some(n) = g.entries_read {
                    create.arg("ENTRIESREAD").arg(n);
                }
                self.run(&create)?;
                for (name, _) in &g.consumers {
                    self.run(
                        redis::cmd("XGROUP")
                            .arg("CREATECONSUMER")
                            .arg(key)
                            .arg(&g.name)
                            .arg(name),
                    )?;
                }
            }
        }
        for (group, row) in &page.pel {
            // FORCE creates the PEL row; TIME and RETRYCOUNT restore it.
            self.run(
                redis::cmd("XCLAIM")
                    .arg(key)
                    .arg(group)
                    .arg(&row.consumer)
                    .arg(0)
                    .arg(id(row.id))
                    .arg("TIME")
                    .arg(row.delivered_at)
                    .arg("RETRYCOUNT")
                    .arg(row.deliveries)
                    .arg("FORCE")
                    .arg("JUSTID"),
            )?;
        }
        Ok(())
    }
}

/// The primaries' addresses, from CLUSTER SLOTS.
fn primaries(seed: &mut redis::Connection) -> Result<Vec<(String, u16)>> {
    let slots: Vec<RValue> = redis::cmd("CLUSTER")
        .arg("SLOTS")
        .query(seed)
        .map_err(target_error)?;
    let mut out: Vec<(String, u16)> = Vec::new();
    for range in slots {
        // [start, end, [host, port, id, ...], replicas...]
        let primary = match range {
            RValue::Array(items) => items.into_iter().nth(2),
            _ => None,
        };
        let addr = match primary {
            Some(RValue::Array(p)) if p.len() >= 2 => {
                let bad = |e| MigrationError::Destination(format!("CLUSTER SLOTS: {e}"));
                let host: String = redis::from_redis_value(p[0].clone()).map_err(bad)?;
                let port: u16 = redis::from_redis_value(p[1].clone()).map_err(bad)?;
                (host, port)
            }
            _ => {
                return Err(MigrationError::Destination(
                    "unexpected CLUSTER SLOTS reply".into(),
                ))
            }
        };
        if !out.contains(&addr) {
            out.push(addr);
        }
    }
    if out.is_empty() {
        return Err(MigrationError::Destination(
            "the cluster serves no slots".into(),
        ));
    }
    Ok(out)
}

fn id(id: StreamId) -> String {
    format!("{}-{}", id.ms, id.seq)
}

impl Destination for RedisDestination {
    // The target has no transaction to join: the registry's batches commit
    // on their own, and every write below is idempotent, so a batch replayed
    // after a crash writes the same again.
    fn begin(&mut self) -> Result<()> {
        Ok(self.registry.execute_batch("BEGIN IMMEDIATE")?)
    }

    fn commit(&mut self) -> Result<()> {
        Ok(self.registry.execute_batch("COMMIT")?)
    }

    fn rollback(&mut self) -> Result<()> {
        Ok(self.registry.execute_batch("ROLLBACK")?)
    }

    fn put(&mut self, snap: &Snapshot) -> Result<()> {
        let payload = rdb::dump(&snap.value);
        let ttl = snap.expires_at.unwrap_or(0).max(0);
        let restored = self.run(
            redis::cmd("RESTORE")
                .arg(&snap.key)
                .arg(if snap.expires_at.is_some() {
                    ttl.max(1)
                } else {
                    0
                })
                .arg(payload)
                .arg("REPLACE")
                .arg("ABSTTL"),
        );
        match restored {
            Ok(_) => Ok(()),
            // A target older than Redis 7.0 refuses RDB 10: typed writes.
            Err(_) if !matches!(snap.value, Value::Stream(_)) => {
                self.delete(&snap.key)?;
                self.append(&snap.key, &snap.value)?;
                if let Some(at) = snap.expires_at {
                    self.run(redis::cmd("PEXPIREAT").arg(&snap.key).arg(at))?;
                }
                Ok(())
            }
            Err(e) => Err(e),
        }
    }

    fn append(&mut self, key: &[u8], page: &Value) -> Result<()> {
        match page {
            Value::String(v) => {
                self.run(redis::cmd("SET").arg(key).arg(v))?;
            }
            Value::List(items) => {
                for c in items.chunks(CHUNK) {
                    self.run(redis::cmd("RPUSH").arg(key).arg(c))?;
                }
            }
            Value::Set(members) => {
                for c in members.chunks(CHUNK) {
                    self.run(redis::cmd("SADD").arg(key).arg(c))?;
                }
            }
            Value::Hash(pairs, deadlines) => {
                for c in pairs.chunks(CHUNK) {
                    let mut cmd = redis::cmd("HSET");
                    cmd.arg(key);
                    for (f, v) in c {
                        cmd.arg(f).arg(v);
                    }
                    self.run(&cmd)?;
                }
                // Field deadlines need Redis 7.4 or later on the target.
                for (f, at) in deadlines {
                    self.run(
                        redis::cmd("HPEXPIREAT")
                            .arg(key)
                            .arg(at)
                            .arg("FIELDS")
                            .arg(1)
                            .arg(f),
                    )?;
                }
            }
            Value::ZSet(members) => {
                for c in members.chunks(CHUNK) {
                    let mut cmd = redis::cmd("ZADD");
                    cmd.arg(key);
                    for (m, s) in c {
                        cmd.arg(resplite_core::util::number::format_double(*s))
                            .arg(m);
                    }
                    self.run(&cmd)?;
                }
            }
            Value::Stream(s) => self.append_stream(key, s)?,
        }
        Ok(())
    }

    fn swap_in(&mut self, tmp: &[u8], key: &[u8], expires_at: Option<i64>) -> Result<bool> {
        let exists: i64 = self.conn.exists(tmp).map_err(target_error)?;
        if exists == 0 {
            return Ok(false);
        }
        self.run(redis::cmd("RENAME").arg(tmp).arg(key))?;
        match expires_at {
            Some(at) => self.run(redis::cmd("PEXPIREAT").arg(key).arg(at))?,
            None => self.run(redis::cmd("PERSIST").arg(key))?,
        };
        Ok(true)
    }

    fn delete(&mut self, key: &[u8]) -> Result<bool> {
        let n: i64 = self.conn.del(key).map_err(target_error)?;
        Ok(n > 0)
    }

    fn read(&mut self, key: &[u8]) -> Result<Option<Snapshot>> {
        let payload: Option<Vec<u8>> = redis::cmd("DUMP")
            .arg(key)
            .query(&mut self.conn)
            .map_err(target_error)?;
        let Some(payload) = payload else {
            return Ok(None);
        };
        let pttl: i64 = self.conn.pttl(key).map_err(target_error)?;
        let value = rdb::restore(&payload).map_err(|e| {
            MigrationError::Destination(format!(
                "the target's DUMP of {}: {e}",
                crate::value::display_key(key)
            ))
        })?;
        Ok(Some(Snapshot {
            key: key.to_vec(),
            value,
            expires_at: (pttl >= 0).then(|| resplite_core::util::now_ms() + pttl),
        }))
    }

    fn scan(&mut self, cursor: u64, count: usize) -> Result<(u64, Vec<Vec<u8>>)> {
        self.scan_step(cursor, count, &[])
    }

    fn keys_with_prefix(&mut self, prefix: &[u8]) -> Result<Vec<Vec<u8>>> {
        self.scan_all(&[b"MATCH", &crate::dest::prefix_pattern(prefix)])
    }

    fn stream_keys(&mut self) -> Result<Vec<Vec<u8>>> {
        self.scan_all(&[b"TYPE", b"stream"])
    }

    fn registry(&self) -> &Connection {
        &self.registry
    }
}
