//! The dirty-key tracker: subscribes to the source's keyspace notifications
//! and records every key an event names in `migration_dirty_keys`.
//!
//! Notifications are not a durable log, so the tracker's job is also to know
//! when it may have missed some: every disconnect, and every FLUSHALL /
//! FLUSHDB / SWAPDB in the source (they emit no per-key events; seen in INFO
//! commandstats), is recorded as a gap that makes the next delta sweep.
//!
//! Delta needs to know the tracker has recorded every event of writes made
//! before it starts. It publishes a token on the run's sync channel; Redis
//! delivers messages to a subscriber in publication order, so when the tracker
//! has stored the events before the token and echoed the token in the
//! registry, nothing earlier is missing.

use std::path::PathBuf;
use std::time::Duration;

use futures_util::StreamExt;
use redis::Client;
use std::sync::Arc;

use rusqlite::Connection;
use tokio::sync::{oneshot, watch};

use crate::context::Channels;
use crate::error::{MigrationError, Result};
use crate::registry::{self, Registry};
use crate::source::{self, client_for};

/// Events buffered before a write to the registry is forced.
const MAX_BUFFERED: usize = 10_000;
const FLUSH_EVERY: Duration = Duration::from_millis(50);
const HEARTBEAT_EVERY: Duration = Duration::from_millis(1000);

/// The channel delta publishes sync tokens on.
pub fn sync_channel(run_id: &str) -> String {
    format!("__resplite_migrate__:{run_id}")
}

#[derive(Debug, Clone)]
pub struct TrackerConfig {
    pub from: String,
    pub to: PathBuf,
    pub run_id: String,
    pub channels: Channels,
    /// CA certificate (PEM) for a `rediss://` source.
    pub tls_ca_cert: Option<PathBuf>,
}

/// Runs the tracker until `stop` flips or `stop-tracker` is asked for in the
/// registry. `ready` is told once the first subscription is confirmed (or why
/// it could not be made).
pub async fn run(
    config: TrackerConfig,
    mut stop: watch::Receiver<bool>,
    ready: Option<oneshot::Sender<Result<()>>>,
) -> Result<()> {
    let mut ready = ready;
    let setup = async {
        let client = client_for(&config.from, config.tls_ca_cert.as_deref())?;
        let db = client.get_connection_info().redis_settings().db();
        let (to, run_id, uri) = (
            config.to.clone(),
            config.run_id.clone(),
            source::redact(&config.from),
        );
        let (conn, created, started) = blocking(move || {
            let conn = registry::open(&to)?;
            let created = registry::ensure_run(&conn, &run_id, &uri)?;
            let run = registry::get_run(&conn, &run_id)?.expect("run exists");
            let dirty = registry::dirty_counts(&conn, &run_id)?
                .iter()
                .any(|(_, n)| *n > 0);
            Ok((
                conn,
                created,
                run.scanned_keys > 0 || run.bulk_done || dirty,
            ))
        })
        .await?;
        let mut admin = source::connect(&client).await?;
        let channels = resolve_channels(&mut admin, config.channels).await?;
        let flush = source::flush_calls(&mut admin).await?;
        let started_late = !created && started;
        Ok::<_, MigrationError>((client, db, conn, admin, channels, flush, started_late))
    };
    let (client, db, conn, mut admin, channels, flush, started_late) = match setup.await {
        Ok(v) => v,
        Err(e) => return Err(fail_ready(&mut ready, e)),
    };
    let mut t = Tracker {
        reg: Arc::new(Registry::new(conn)),
        run_id: config.run_id.clone(),
        buffer: Vec::new(),
        keyevent: channels == Channels::Keyevent,
    };
    t.db(move |c, r| {
        if registry::flush_calls(c, r)?.is_none() {
            registry::set_flush_calls(c, r, flush)?;
        }
        Ok(())
    })
    .await?;
    let mut backoff = Duration::from_millis(100);
    let mut first = true;
    loop {
        let pubsub = match subscribe(&client, db, t.keyevent, &t.run_id).await {
            Ok(p) => p,
            Err(e) if first => return Err(fail_ready(&mut ready, e)),
            Err(e) => {
                tracing::warn!("tracker: reconnect failed ({e}); retrying in {backoff:?}");
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    _ = stop.changed() => return t.stopped().await,
                }
                backoff = (backoff * 2).min(Duration::from_secs(5));
                continue;
            }
        };
        backoff = Duration::from_millis(100);
        t.db(|c, r| registry::tracker_heartbeat(c, r, std::process::id()))
            .await?;
        if first {
            first = false;
            if started_late {
                t.db(|c, r| {
                    registry::record_gap(
                        c,
                        r,
                        "tracker started after the run had begun: writes before now may be unrecorded",
                    )
                })
                .await?;
            }
            if let Some(r) = ready.take() {
                let _ = r.send(Ok(()));
            }
            tracing::info!(
                "tracker: subscribed to {} notifications of db {db}",
                if t.keyevent { "keyevent" } else { "keyspace" }
            );
        } else {
            tracing::warn!("tracker: reconnected");
        }
        let mut stream = pubsub.into_on_message();
        let mut flush_tick = tokio::time::interval(FLUSH_EVERY);
        let mut heartbeat = tokio::time::interval(HEARTBEAT_EVERY);
        let lost = loop {
            tokio::select! {
                msg = stream.next() => match msg {
                    Some(msg) => {
                        let channel: Vec<u8> = msg.get_channel().unwrap_or_default();
                        let payload = msg.get_payload_bytes().to_vec();
                        if channel == sync_channel(&t.run_id).as_bytes() {
                            t.flush().await?;
                            let calls = source::flush_calls(&mut admin).await?;
                            t.note_flushes(calls).await?;
                            let token = String::from_utf8_lossy(&payload).into_owned();
                            t.db(move |c, r| registry::tracker_synced(c, r, &token)).await?;
                        } else {
                            t.event(&channel, payload);
                            if t.buffer.len() >= MAX_BUFFERED {
                                t.flush().await?;
                            }
                        }
                    }
                    None => break "the connection closed",
                },
                _ = flush_tick.tick() => t.flush().await?,
                _ = heartbeat.tick() => {
                    t.flush().await?;
                    let state = t
                        .db(|c, r| {
                            registry::tracker_heartbeat(c, r, std::process::id())?;
                            registry::tracker_state(c, r)
                        })
                        .await?;
                    if state.as_deref() == Some("stopping") {
                        return t.stopped().await;
                    }
                    match source::flush_calls(&mut admin).await {
                        Ok(calls) => t.note_flushes(calls).await?,
                        Err(e) => tracing::warn!("tracker: cannot read the source's command stats: {e}"),
                    }
                }
                _ = stop.changed() => return t.stopped().await,
            }
        };
        t.flush().await?;
        let message = format!(
            "tracker lost its subscription ({lost}): writes until it reconnects may be unrecorded"
        );
        tracing::warn!("tracker: {message}");
        t.db(move |c, r| registry::record_gap(c, r, &message))
            .await?;
        if let Ok(c) = source::connect(&client).await {
            admin = c;
        }
    }
}

/// Hands a start-up failure to whoever waits for the tracker to be ready
/// (they print it); returns a short error for the task itself.
fn fail_ready(
    ready: &mut Option<oneshot::Sender<Result<()>>>,
    e: MigrationError,
) -> MigrationError {
    match ready.take() {
        Some(r) => {
            let _ = r.send(Err(e));
            MigrationError::Source("the tracker could not start".into())
        }
        None => e,
    }
}

struct Tracker {
    /// Registry calls run on the blocking pool: waiting for the file's write
    /// lock must not stall the async workers (the source connections).
    reg: Arc<Registry>,
    run_id: String,
    buffer: Vec<(Vec<u8>, String)>,
    keyevent: bool,
}

impl Tracker {
    async fn db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection, &str) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let (reg, run_id) = (self.reg.clone(), self.run_id.clone());
        blocking(move || reg.call(|c| f(c, &run_id))).await
    }

    /// Buffers the key an event names.
    fn event(&mut self, channel: &[u8], payload: Vec<u8>) {
        // __keyevent@<db>__:<event> -> key in payload;
        // __keyspace@<db>__:<key>   -> event in payload.
        let Some(colon) = channel.iter().position(|&b| b == b':') else {
            return;
        };
        let rest = &channel[colon + 1..];
        let (key, event) = if self.keyevent {
            (payload, String::from_utf8_lossy(rest).into_owned())
        } else {
            (
                rest.to_vec(),
                String::from_utf8_lossy(&payload).into_owned(),
            )
        };
        // A read of a missing key changes nothing.
        if event == "keymiss" {
            return;
        }
        self.buffer.push((key, event));
    }

    async fn flush(&mut self) -> Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let events = std::mem::take(&mut self.buffer);
        self.db(move |c, r| registry::record_events(c, r, &events))
            .await
    }

    /// FLUSHALL and friends emit no key events: a change in their call count
    /// is a gap.
    async fn note_flushes(&self, calls: i64) -> Result<()> {
        self.db(move |c, r| {
            if registry::flush_calls(c, r)? != Some(calls) {
                registry::set_flush_calls(c, r, calls)?;
                registry::record_gap(
                    c,
                    r,
                    "the source ran FLUSHALL/FLUSHDB/SWAPDB (or its stats were reset): those emit no key events",
                )?;
            }
            Ok(())
        })
        .await
    }

    async fn stopped(mut self) -> Result<()> {
        self.flush().await?;
        self.db(|c, r| registry::set_tracker_state(c, r, "stopped"))
            .await?;
        tracing::info!("tracker: stopped");
        Ok(())
    }
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| MigrationError::Destination(e.to_string()))?
}

async fn subscribe(
    client: &Client,
    db: i64,
    keyevent: bool,
    run_id: &str,
) -> Result<redis::aio::PubSub> {
    let mut pubsub = client.get_async_pubsub().await?;
    let pattern = if keyevent {
        format!("__keyevent@{db}__:*")
    } else {
        format!("__keyspace@{db}__:*")
    };
    pubsub.psubscribe(pattern).await?;
    pubsub.subscribe(sync_channel(run_id)).await?;
    Ok(pubsub)
}

/// Chooses keyevent or keyspace channels from the source's settings.
async fn resolve_channels(
    admin: &mut redis::aio::MultiplexedConnection,
    wanted: Channels,
) -> Result<Channels> {
    if wanted != Channels::Auto {
        return Ok(wanted);
    }
    // CONFIG may be renamed or forbidden: keyevent is the sane default then.
    let flags: Option<(String, String)> = redis::cmd("CONFIG")
        .arg("GET")
        .arg("notify-keyspace-events")
        .query_async(admin)
        .await
        .ok();
    Ok(match flags {
        Some((_, f)) if !f.contains('E') && f.contains('K') => Channels::Keyspace,
        _ => Channels::Keyevent,
    })
}

/// Whether some tracker is subscribed to the run's sync channel right now.
pub async fn subscribed(from: &str, tls_ca: Option<&std::path::Path>, run_id: &str) -> bool {
    let Ok(client) = client_for(from, tls_ca) else {
        return false;
    };
    let Ok(mut conn) = source::connect(&client).await else {
        return false;
    };
    let counts: redis::RedisResult<(String, i64)> = redis::cmd("PUBSUB")
        .arg("NUMSUB")
        .arg(sync_channel(run_id))
        .query_async(&mut conn)
        .await;
    matches!(counts, Ok((_, n)) if n > 0)
}

/// Waits until the tracker has recorded every event published before now.
pub async fn sync(
    conn: &mut redis::aio::MultiplexedConnection,
    reg: &registry::Registry,
    run_id: &str,
) -> Result<()> {
    let token = format!("{}-{}", std::process::id(), registry::now_ms());
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let receivers: i64 = redis::cmd("PUBLISH")
            .arg(sync_channel(run_id))
            .arg(&token)
            .query_async(conn)
            .await?;
        if receivers == 0 {
            // A tracker between reconnects is not subscribed for a moment.
            if tokio::time::Instant::now() > deadline {
                return Err(MigrationError::Refused(format!(
                    "no dirty-key tracker is subscribed for run '{run_id}': start one with \
                     `resplite migrate track` (or run delta through `resplite migrate`, which starts one)"
                )));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        }
        break;
    }
    loop {
        if reg
            .call(|c| registry::tracker_synced_token(c, run_id))?
            .as_deref()
            == Some(token.as_str())
        {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            return Err(MigrationError::Refused(format!(
                "the dirty-key tracker for run '{run_id}' did not confirm its events within 30 s"
            )));
        }
        // Another process writes the token into the shared file: poll it.
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
