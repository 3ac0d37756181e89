//! The migration source: a Redis (or anything speaking its protocol) read with
//! pipelined commands. Behind the [`Source`] trait so another store can be the
//! source (or resplite the source of a move into another engine) later.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, Client, Value as RValue};

use crate::error::{MigrationError, Result};
use crate::stream_source::{self as streams, StreamPhase};
use crate::throttle::Throttle;
use crate::value::{Snapshot, StreamValue, Value};

/// Elements read per call when a key is read in pages.
pub const PAGE_ELEMENTS: usize = 5000;

/// One key as read from the source.
#[derive(Debug)]
pub enum Fetched {
    /// Expired or deleted between SCAN and the read.
    Gone(Vec<u8>),
    /// A type resplite does not hold (stream, module types).
    Unsupported(Vec<u8>, String),
    /// The whole value in one read.
    Whole(Snapshot),
    /// A key too big for one read: its first page; [`Source::next_page`] reads on.
    Big(BigRead),
}

impl Fetched {
    pub fn key(&self) -> &[u8] {
        match self {
            Fetched::Gone(k) | Fetched::Unsupported(k, _) => k,
            Fetched::Whole(s) => &s.key,
            Fetched::Big(b) => &b.key,
        }
    }
}

/// A paged read in progress.
#[derive(Debug)]
pub struct BigRead {
    pub key: Vec<u8>,
    pub expires_at: Option<i64>,
    /// The page read so far and not yet consumed.
    pub page: Value,
    /// SCAN-family cursor (hash, set, zset) or next list index; 0 with `done`.
    cursor: u64,
    /// Where a stream's read is.
    stream: Option<StreamPhase>,
    pub done: bool,
}

#[async_trait::async_trait]
pub trait Source: Send + Sync {
    /// Where the source is, for messages.
    fn describe(&self) -> String;
    /// The logical database read (keyspace channels are per database).
    fn db(&self) -> i64;
    /// One SCAN step.
    async fn scan(&self, cursor: &str, count: usize) -> Result<(String, Vec<Vec<u8>>)>;
    /// Reads keys: type, TTL and value (or the first page of a big one).
    async fn fetch(&self, keys: &[Vec<u8>]) -> Result<Vec<Fetched>>;
    /// Reads the next page of a big key into `read.page`.
    async fn next_page(&self, read: &mut BigRead) -> Result<()>;
    /// Which keys exist.
    async fn exists(&self, keys: &[Vec<u8>]) -> Result<Vec<bool>>;
    /// Reads keys whole, big ones paged and assembled (verify, sweep).
    async fn fetch_whole(
        &self,
        keys: &[Vec<u8>],
    ) -> Result<Vec<(Vec<u8>, Option<Snapshot>, Option<String>)>> {
        let mut out = Vec::with_capacity(keys.len());
        for f in self.fetch(keys).await? {
            match f {
                Fetched::Gone(k) => out.push((k, None, None)),
                Fetched::Unsupported(k, t) => out.push((k, None, Some(t))),
                Fetched::Whole(s) => out.push((s.key.clone(), Some(s), None)),
                Fetched::Big(mut read) => {
                    let mut value = read.page.empty_like();
                    loop {
                        let page = std::mem::replace(&mut read.page, value.empty_like());
                        value.extend(page);
                        if read.done {
                            break;
                        }
                        self.next_page(&mut read).await?;
                    }
                    out.push((
                        read.key.clone(),
                        Some(Snapshot {
                            key: read.key,
                            value,
                            expires_at: read.expires_at,
                        }),
                        None,
                    ));
                }
            }
        }
        Ok(out)
    }
}

/// A Redis source over one multiplexed connection (requests from concurrent
/// tasks are pipelined on it).
pub struct RedisSource {
    client: Client,
    conn: MultiplexedConnection,
    addr: String,
    db: i64,
    throttle: Arc<Throttle>,
    /// The source knows HPEXPIRETIME (Redis 7.4+).
    field_deadlines: bool,
}

/// Parses a `redis://` URL into a client, with one clear line on failure.
/// `tls_ca`: a PEM file of the CA that signed a `rediss://` server's
/// certificate, when the system's trust store does not hold it.
pub fn client_for(url: &str, tls_ca: Option<&Path>) -> Result<Client> {
    if !(url.starts_with("redis://")
        || url.starts_with("rediss://")
        || url.starts_with("redis+unix://")
        || url.starts_with("unix://"))
    {
        return Err(MigrationError::BadUrl {
            url: url.to_string(),
            reason: "expected redis://[user:pass@]host:port[/db]".into(),
        });
    }
    let bad = |reason: String| MigrationError::BadUrl {
        url: url.to_string(),
        reason,
    };
    match tls_ca {
        Some(path) => {
            let root = std::fs::read(path)
                .map_err(|e| bad(format!("cannot read {}: {e}", path.display())))?;
            let certs = redis::TlsCertificates {
                client_tls: None,
                root_cert: Some(root),
            };
            Client::build_with_tls(url, certs).map_err(|e| bad(e.to_string()))
        }
        None => Client::open(url).map_err(|e| bad(e.to_string())),
    }
}

/// The database number a `redis://` URL names (0 when it names none).
pub fn url_db(url: &str) -> Option<u32> {
    let db = Client::open(url)
        .ok()?
        .get_connection_info()
        .redis_settings()
        .db();
    u32::try_from(db).ok()
}

/// The same `redis://host:port` URL naming database `db` instead.
pub fn with_db(url: &str, db: u32) -> String {
    let (base, query) = match url.find('?') {
        Some(q) => url.split_at(q),
        None => (url, ""),
    };
    let start = base.find("://").map_or(0, |i| i + 3);
    let authority_end = base[start..].find('/').map_or(base.len(), |i| start + i);
    format!("{}/{db}{query}", &base[..authority_end])
}

/// The URL with any password masked, for logs and the run row.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{}:***{}", &url[..s + 3], user, &url[at..])
        }
        _ => url.to_string(),
    }
}

/// Opens a connection with timeouts and maps failures to one clear line.
pub async fn connect(client: &Client) -> Result<MultiplexedConnection> {
    let addr = client.get_connection_info().addr().to_string();
    let config = AsyncConnectionConfig::new()
        .set_connection_timeout(Some(Duration::from_secs(5)))
        .set_response_timeout(Some(Duration::from_secs(60)));
    let mut conn = client
        .get_multiplexed_async_connection_with_config(&config)
        .await
        .map_err(|e| classify(&addr, e))?;
    // The handshake may be lazy about auth: prove the connection works now.
    redis::cmd("PING")
        .query_async::<()>(&mut conn)
        .await
        .map_err(|e| classify(&addr, e))?;
    Ok(conn)
}

fn classify(addr: &str, e: redis::RedisError) -> MigrationError {
    let text = e.to_string();
    if e.kind() == redis::ErrorKind::AuthenticationFailed {
        MigrationError::Auth(text)
    } else if e.is_io_error()
        || e.is_timeout()
        || e.is_connection_refusal()
        || e.is_connection_dropped()
    {
        MigrationError::Unreachable {
            addr: addr.to_string(),
            reason: text,
        }
    } else {
        MigrationError::from(e)
    }
}

impl RedisSource {
    pub async fn open(
        url: &str,
        tls_ca: Option<&Path>,
        throttle: Arc<Throttle>,
    ) -> Result<RedisSource> {
        let client = client_for(url, tls_ca)?;
        let mut conn = connect(&client).await?;
        let info = client.get_connection_info();
        // Hash-field deadlines exist since Redis 7.4: older sources have none,
        // and are not asked.
        let field_deadlines = redis::cmd("COMMAND")
            .arg("INFO")
            .arg("HPEXPIRETIME")
            .query_async::<Vec<RValue>>(&mut conn)
            .await
            .is_ok_and(|info| info.first().is_some_and(|c| *c != RValue::Nil));
        Ok(RedisSource {
            addr: info.addr().to_string(),
            db: info.redis_settings().db(),
            client,
            conn,
            throttle,
            field_deadlines,
        })
    }

    /// Attaches their fields' deadlines to hash pages (one round for all),
    /// from a source that has them.
    async fn read_deadlines(&self, pages: &mut [(&[u8], &mut Value)]) -> Result<()> {
        if !self.field_deadlines {
            return Ok(());
        }
        let mut pipe = redis::pipe();
        pipe.ignore_errors();
        let mut asked = Vec::new();
        for (n, (key, value)) in pages.iter().enumerate() {
            if let Value::Hash(pairs, _) = value {
                if !pairs.is_empty() {
                    let cmd = pipe
                        .cmd("HPEXPIRETIME")
                        .arg(*key)
                        .arg("FIELDS")
                        .arg(pairs.len());
                    pairs.iter().for_each(|(f, _)| {
                        cmd.arg(f);
                    });
                    asked.push(n);
                }
            }
        }
        if asked.is_empty() {
            return Ok(());
        }
        let replies = self.query(&pipe, asked.len()).await?;
        for (n, reply) in asked.into_iter().zip(replies) {
            let Value::Hash(pairs, deadlines) = &mut *pages[n].1 else {
                continue;
            };
            if let RValue::Array(times) = reply {
                for ((f, _), t) in pairs.iter().zip(times) {
                    if let RValue::Int(at) = t {
                        if at > 0 {
                            deadlines.push((f.clone(), at));
                        }
                    }
                }
            }
        }
        Ok(())
    }

    pub fn db_index(&self) -> i64 {
        self.db
    }

    pub fn address(&self) -> &str {
        &self.addr
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// A clone of the connection for ad-hoc commands (INFO, CONFIG, PUBLISH).
    pub fn conn(&self) -> MultiplexedConnection {
        self.conn.clone()
    }

    async fn query(&self, pipe: &redis::Pipeline, commands: usize) -> Result<Vec<RValue>> {
        self.throttle.acquire(commands as u64).await;
        let mut conn = self.conn.clone();
        Ok(pipe.query_async::<Vec<RValue>>(&mut conn).await?)
    }
}

#[async_trait::async_trait]
impl Source for RedisSource {
    fn describe(&self) -> String {
        self.addr.clone()
    }

    fn db(&self) -> i64 {
        self.db
    }

    async fn scan(&self, cursor: &str, count: usize) -> Result<(String, Vec<Vec<u8>>)> {
        self.throttle.acquire(1).await;
        let mut conn = self.conn.clone();
        let (next, keys): (String, Vec<Vec<u8>>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("COUNT")
            .arg(count)
            .query_async(&mut conn)
            .await?;
        Ok((next, keys))
    }

    async fn fetch(&self, keys: &[Vec<u8>]) -> Result<Vec<Fetched>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        // Round one: TYPE, PTTL and GET for every key. GET answers WRONGTYPE for
        // containers, which costs the source nothing and saves strings (most
        // keys) a second round trip.
        let mut pipe = redis::pipe();
        pipe.ignore_errors();
        for key in keys {
            pipe.cmd("TYPE")
                .arg(key)
                .cmd("PTTL")
                .arg(key)
                .cmd("GET")
                .arg(key);
        }
        let replies = self.query(&pipe, keys.len() * 3).await?;
        let now = resplite_core::util::now_ms();
        let mut out: Vec<Option<Fetched>> = Vec::with_capacity(keys.len());
        let mut containers = Vec::new();
        let mut stream_keys = Vec::new();
        for (i, key) in keys.iter().enumerate() {
            let ty = status_text(&replies[i * 3]);
            let expires_at = match &replies[i * 3 + 1] {
                RValue::Int(-2) => {
                    out.push(Some(Fetched::Gone(key.clone())));
                    continue;
                }
                RValue::Int(ms) if *ms >= 0 => Some(now + ms),
                _ => None,
            };
            match ty.as_str() {
                "none" => out.push(Some(Fetched::Gone(key.clone()))),
                "string" => match &replies[i * 3 + 2] {
                    RValue::BulkString(v) => out.push(Some(Fetched::Whole(Snapshot {
                        key: key.clone(),
                        value: Value::String(v.clone()),
                        expires_at,
                    }))),
                    // Deleted or retyped between TYPE and GET.
                    _ => out.push(Some(Fetched::Gone(key.clone()))),
                },
                "hash" | "set" | "zset" | "list" => {
                    containers.push((i, ty.clone(), expires_at));
                    out.push(None);
                }
                "stream" => {
                    stream_keys.push((i, expires_at));
                    out.push(None);
                }
                other => out.push(Some(Fetched::Unsupported(key.clone(), other.to_string()))),
            }
        }
        if !containers.is_empty() {
            // Round two: the first page of every container. Small ones (the
            // compact encodings) come whole with cursor 0.
            let mut pipe = redis::pipe();
            pipe.ignore_errors();
            let mut commands = 0;
            for (i, ty, _) in &containers {
                let key = &keys[*i];
                match ty.as_str() {
                    "hash" => pipe
                        .cmd("HSCAN")
                        .arg(key)
                        .arg(0)
                        .arg("COUNT")
                        .arg(PAGE_ELEMENTS),
                    "set" => pipe
                        .cmd("SSCAN")
                        .arg(key)
                        .arg(0)
                        .arg("COUNT")
                        .arg(PAGE_ELEMENTS),
                    "zset" => pipe
                        .cmd("ZSCAN")
                        .arg(key)
                        .arg(0)
                        .arg("COUNT")
                        .arg(PAGE_ELEMENTS),
                    _ => pipe.cmd("LRANGE").arg(key).arg(0).arg(PAGE_ELEMENTS - 1),
                };
                commands += 1;
            }
            let replies = self.query(&pipe, commands).await?;
            let mut pages: Vec<_> = containers
                .into_iter()
                .zip(replies)
                .map(|((i, ty, expires_at), reply)| (i, expires_at, parse_page(&ty, reply)))
                .collect();
            let mut hashes: Vec<(&[u8], &mut Value)> = pages
                .iter_mut()
                .filter_map(|(i, _, page)| Some((&keys[*i][..], &mut page.as_mut()?.0)))
                .collect();
            self.read_deadlines(&mut hashes).await?;
            for (i, expires_at, page) in pages {
                let key = keys[i].clone();
                out[i] = Some(match page {
                    None => Fetched::Gone(key),
                    Some((value, cursor, done)) => {
                        if value.is_empty() && done {
                            Fetched::Gone(key)
                        } else if done {
                            Fetched::Whole(Snapshot {
                                key,
                                value,
                                expires_at,
                            })
                        } else {
                            Fetched::Big(BigRead {
                                key,
                                expires_at,
                                page: value,
                                cursor,
                                stream: None,
                                done,
                            })
                        }
                    }
                });
            }
        }
        if !stream_keys.is_empty() {
            // A stream's first entries and its head, in one round.
            let mut pipe = redis::pipe();
            pipe.ignore_errors();
            for (i, _) in &stream_keys {
                pipe.add_command(streams::xrange(
                    &keys[*i],
                    resplite_core::engine::stream::StreamId::MIN,
                ))
                .add_command(streams::xinfo_full(&keys[*i]));
            }
            let replies = self.query(&pipe, stream_keys.len() * 2).await?;
            for (n, (i, expires_at)) in stream_keys.into_iter().enumerate() {
                let key = keys[i].clone();
                out[i] = Some(
                    match streams::first_page(&replies[n * 2], &replies[n * 2 + 1]) {
                        None => Fetched::Gone(key),
                        Some((page, None)) => Fetched::Whole(Snapshot {
                            key,
                            value: Value::Stream(page),
                            expires_at,
                        }),
                        Some((page, phase)) => Fetched::Big(BigRead {
                            key,
                            expires_at,
                            page: Value::Stream(page),
                            cursor: 0,
                            stream: phase,
                            done: false,
                        }),
                    },
                );
            }
        }
        Ok(out
            .into_iter()
            .map(|f| f.expect("every key answered"))
            .collect())
    }

    async fn next_page(&self, read: &mut BigRead) -> Result<()> {
        if let Some(phase) = read.stream.take() {
            return self.next_stream_page(read, phase).await;
        }
        let ty = read.page.type_name();
        let mut pipe = redis::pipe();
        pipe.ignore_errors();
        match ty {
            "hash" => pipe
                .cmd("HSCAN")
                .arg(&read.key)
                .arg(read.cursor)
                .arg("COUNT")
                .arg(PAGE_ELEMENTS),
            "set" => pipe
                .cmd("SSCAN")
                .arg(&read.key)
                .arg(read.cursor)
                .arg("COUNT")
                .arg(PAGE_ELEMENTS),
            "zset" => pipe
                .cmd("ZSCAN")
                .arg(&read.key)
                .arg(read.cursor)
                .arg("COUNT")
                .arg(PAGE_ELEMENTS),
            _ => pipe
                .cmd("LRANGE")
                .arg(&read.key)
                .arg(read.cursor)
                .arg(read.cursor + PAGE_ELEMENTS as u64 - 1),
        };
        let reply = self.query(&pipe, 1).await?.pop().unwrap_or(RValue::Nil);
        let mut page = parse_page(ty, reply);
        if let Some((value, ..)) = &mut page {
            self.read_deadlines(&mut [(&read.key[..], value)]).await?;
        }
        match page {
            Some((value, cursor, done)) => {
                let cursor = if ty == "list" {
                    read.cursor + cursor
                } else {
                    cursor
                };
                read.page = value;
                read.cursor = cursor;
                read.done = done;
            }
            None => {
                // The key changed type or vanished mid-read: what we have is
                // stale either way and the tracker saw the change.
                read.page = read.page.empty_like();
                read.done = true;
            }
        }
        Ok(())
    }

    async fn exists(&self, keys: &[Vec<u8>]) -> Result<Vec<bool>> {
        let mut pipe = redis::pipe();
        for key in keys {
            pipe.cmd("EXISTS").arg(key);
        }
        let replies = self.query(&pipe, keys.len()).await?;
        Ok(replies
            .iter()
            .map(|v| matches!(v, RValue::Int(n) if *n > 0))
            .collect())
    }
}

impl RedisSource {
    /// The next page of a stream read in phases (see `stream_source`).
    async fn next_stream_page(&self, read: &mut BigRead, phase: StreamPhase) -> Result<()> {
        let mut pipe = redis::pipe();
        pipe.ignore_errors();
        let mut page = StreamValue::default();
        let gone = |read: &mut BigRead| {
            // The key changed type or vanished: the tracker saw it.
            read.page = Value::Stream(StreamValue::default());
            read.done = true;
        };
        let next = match phase {
            StreamPhase::Entries(after) => {
                let Some(from) = after.next() else {
                    read.stream = Some(StreamPhase::Head);
                    read.page = Value::Stream(page);
                    return Ok(());
                };
                pipe.add_command(streams::xrange(&read.key, from));
                let reply = self.query(&pipe, 1).await?.pop().unwrap_or(RValue::Nil);
                let Some(entries) = streams::parse_entries(&reply) else {
                    gone(read);
                    return Ok(());
                };
                let next = streams::after_entries(&entries);
                page.entries = entries;
                Some(next)
            }
            StreamPhase::Head => {
                pipe.add_command(streams::xinfo_full(&read.key));
                let reply = self.query(&pipe, 1).await?.pop().unwrap_or(RValue::Nil);
                let Some(streams::Full { head, pel, more }) = streams::parse_full(&reply) else {
                    gone(read);
                    return Ok(());
                };
                page.head = Some(head);
                page.pel = pel;
                (!more.is_empty()).then_some(StreamPhase::Pel(more))
            }
            StreamPhase::Pel(mut groups) => {
                let (group, after) = groups[0].clone();
                let Some(from) = after.next() else {
                    groups.remove(0);
                    read.stream = (!groups.is_empty()).then_some(StreamPhase::Pel(groups));
                    read.done = read.stream.is_none();
                    read.page = Value::Stream(page);
                    return Ok(());
                };
                pipe.cmd("XPENDING")
                    .arg(&read.key)
                    .arg(&group)
                    .arg(from.to_string())
                    .arg("+")
                    .arg(PAGE_ELEMENTS);
                let reply = self.query(&pipe, 1).await?.pop().unwrap_or(RValue::Nil);
                let now = resplite_core::util::now_ms();
                let rows = streams::parse_pending(&group, &reply, now);
                match rows.last() {
                    Some((_, last)) if rows.len() >= PAGE_ELEMENTS => groups[0].1 = last.id,
                    _ => {
                        groups.remove(0);
                    }
                }
                page.pel = rows;
                (!groups.is_empty()).then_some(StreamPhase::Pel(groups))
            }
        };
        read.done = next.is_none();
        read.stream = next;
        read.page = Value::Stream(page);
        Ok(())
    }
}

/// A status or bulk reply as text; empty for anything else.
pub(crate) fn status_text(v: &RValue) -> String {
    match v {
        RValue::SimpleString(s) => s.clone(),
        RValue::BulkString(b) => String::from_utf8_lossy(b).into_owned(),
        RValue::Okay => "OK".into(),
        _ => String::new(),
    }
}

/// A page reply: (value, next cursor or list count read, done). `None` for an
/// error reply (the key changed type under us).
fn parse_page(ty: &str, reply: RValue) -> Option<(Value, u64, bool)> {
    if ty == "list" {
        let RValue::Array(items) = reply else {
            return None;
        };
        let n = items.len() as u64;
        let values: Vec<Vec<u8>> = items.into_iter().filter_map(bulk).collect();
        return Some((Value::List(values), n, n < PAGE_ELEMENTS as u64));
    }
    let RValue::Array(mut parts) = reply else {
        return None;
    };
    if parts.len() != 2 {
        return None;
    }
    let RValue::Array(items) = parts.pop()? else {
        return None;
    };
    let cursor: u64 = String::from_utf8(bulk(parts.pop()?)?).ok()?.parse().ok()?;
    let items: Vec<Vec<u8>> = items.into_iter().filter_map(bulk).collect();
    let value = match ty {
        "hash" => Value::Hash(pairs(items).collect(), Vec::new()),
        "set" => Value::Set(items),
        _ => Value::ZSet(
            pairs(items)
                .map(|(m, s)| {
                    (
                        m,
                        std::str::from_utf8(&s)
                            .ok()
                            .and_then(|s| s.parse().ok())
                            .unwrap_or(0.0),
                    )
                })
                .collect(),
        ),
    };
    Some((value, cursor, cursor == 0))
}

fn bulk(v: RValue) -> Option<Vec<u8>> {
    match v {
        RValue::BulkString(b) => Some(b),
        RValue::SimpleString(s) => Some(s.into_bytes()),
        _ => None,
    }
}

fn pairs(items: Vec<Vec<u8>>) -> impl Iterator<Item = (Vec<u8>, Vec<u8>)> {
    let mut it = items.into_iter();
    std::iter::from_fn(move || Some((it.next()?, it.next()?)))
}

/// INFO `section` as text.
pub async fn info(conn: &mut MultiplexedConnection, section: &str) -> Result<String> {
    Ok(redis::cmd("INFO").arg(section).query_async(conn).await?)
}

/// A `field:value` from INFO text.
pub fn info_field<'a>(info: &'a str, field: &str) -> Option<&'a str> {
    info.lines()
        .find_map(|l| l.strip_prefix(field).and_then(|r| r.strip_prefix(':')))
        .map(str::trim)
}

/// Calls of the commands that empty databases without per-key events
/// (FLUSHALL, FLUSHDB, SWAPDB), from INFO commandstats.
pub async fn flush_calls(conn: &mut MultiplexedConnection) -> Result<i64> {
    let text = info(conn, "commandstats").await?;
    let mut total = 0;
    for name in ["cmdstat_flushall", "cmdstat_flushdb", "cmdstat_swapdb"] {
        if let Some(stats) = info_field(&text, name) {
            if let Some(calls) = stats.split(',').find_map(|p| p.strip_prefix("calls=")) {
                total += calls.parse::<i64>().unwrap_or(0);
            }
        }
    }
    Ok(total)
}
