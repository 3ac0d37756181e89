//! The one task that writes the destination: batches from bulk, delta and the
//! sweep, each committed in one transaction together with the counters and the
//! checkpoint cursor they advance. SQLite has one writer anyway; giving it a
//! thread of its own lets reads from the source run ahead while it commits.

use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tokio::sync::mpsc::error::TryRecvError;
use tokio::sync::{mpsc, oneshot};

use crate::dest::Destination;
use crate::error::{MigrationError, Result};
use crate::progress::Progress;
use crate::registry::{self, Counters};
use crate::value::{Snapshot, Value};

/// What a batch's items mean for the dirty-key registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Bulk copy: counters `migrated/skipped`, re-dirty keys the tracker saw.
    Bulk,
    /// Delta: mark each key applied/deleted unless it changed again meanwhile.
    Delta,
    /// Safety sweep: repairs only, counted as applied/deleted.
    Sweep,
}

/// One key's outcome, to write.
#[derive(Debug)]
pub enum Item {
    Put(Snapshot),
    Gone(Vec<u8>),
    Unsupported(Vec<u8>, String),
    /// Drops a temporary key (left over from an interrupted run).
    Clear(Vec<u8>),
    /// A page of a big key, written to its temporary key.
    Append {
        tmp: Vec<u8>,
        page: Value,
    },
    /// The big key is complete: move the temporary key over it.
    Swap {
        tmp: Vec<u8>,
        key: Vec<u8>,
        expires_at: Option<i64>,
        bytes: u64,
    },
    Failed(Vec<u8>, String),
}

impl Item {
    /// The key this item writes first, for ordering a transaction.
    fn sort_key(&self) -> &[u8] {
        match self {
            Item::Put(s) => &s.key,
            Item::Gone(k) | Item::Unsupported(k, _) | Item::Failed(k, _) => k,
            Item::Clear(tmp) | Item::Append { tmp, .. } | Item::Swap { tmp, .. } => tmp,
        }
    }

    fn bytes(&self) -> u64 {
        match self {
            Item::Put(s) => s.value.bytes(),
            Item::Append { page, .. } => page.bytes(),
            _ => 0,
        }
    }
}

#[derive(Debug, Default)]
pub struct Batch {
    /// Items, each with the event count delta selected it at (delta mode).
    pub items: Vec<(Item, i64)>,
    /// Bulk: the SCAN cursor this batch completes (checkpointed with it).
    pub cursor: Option<String>,
    /// Keys scanned that this batch accounts for.
    pub scanned: u64,
    /// Told once the batch is committed.
    pub ack: Option<oneshot::Sender<()>>,
}

pub struct Writer {
    tx: mpsc::Sender<Batch>,
    thread: JoinHandle<Result<Counters>>,
}

/// Items are buffered at most this long before they are committed, so the
/// checkpoint stays fresh.
const MAX_TX_AGE: Duration = Duration::from_millis(3000);

impl Writer {
    pub fn spawn(
        mut dest: Box<dyn Destination>,
        run_id: String,
        mode: Mode,
        progress: Arc<Progress>,
    ) -> Result<Writer> {
        let (tx, mut rx) = mpsc::channel::<Batch>(4);
        let thread = std::thread::Builder::new()
            .name("migrate-writer".into())
            .spawn(move || -> Result<Counters> {
                let mut total = Counters::default();
                // What the next transaction will hold. Buffered rather than
                // written as it comes: the transaction (and the file's write
                // lock, which the tracker shares) lasts only as long as the
                // writes, and they go in key order.
                let mut open: Option<Open> = None;
                loop {
                    let next = match &open {
                        None => rx.blocking_recv(),
                        Some(o) => match rx.try_recv() {
                            Ok(b) => Some(b),
                            Err(TryRecvError::Disconnected) => None,
                            Err(TryRecvError::Empty) if o.began.elapsed() < MAX_TX_AGE => {
                                // Waiting for the reader with items buffered: poll
                                // so the age limit holds without depending on the
                                // async runtime's timers from this thread.
                                std::thread::sleep(Duration::from_millis(1));
                                continue;
                            }
                            Err(TryRecvError::Empty) => {
                                let o = open.take().expect("open");
                                commit(&mut *dest, &run_id, o, mode, &progress, &mut total)?;
                                continue;
                            }
                        },
                    };
                    let Some(mut batch) = next else { break };
                    let o = open.get_or_insert_with(Open::default);
                    o.keys += batch.items.len();
                    o.bytes += batch.items.iter().map(|(i, _)| i.bytes()).sum::<u64>();
                    o.acks.extend(batch.ack.take());
                    o.scanned += batch.scanned;
                    if batch.cursor.is_some() {
                        o.cursor = batch.cursor;
                    }
                    o.items.append(&mut batch.items);
                    // Re-read each time: batch limits are adjustable while running.
                    let limits = registry::settings(dest.registry(), &run_id)?;
                    if !o.acks.is_empty()
                        || o.keys >= limits.batch_keys
                        || o.bytes >= limits.batch_bytes
                        || o.began.elapsed() >= MAX_TX_AGE
                    {
                        let o = open.take().expect("open");
                        commit(&mut *dest, &run_id, o, mode, &progress, &mut total)?;
                    }
                }
                if let Some(o) = open.take() {
                    commit(&mut *dest, &run_id, o, mode, &progress, &mut total)?;
                }
                Ok(total)
            })
            .map_err(|e| MigrationError::Destination(e.to_string()))?;
        Ok(Writer { tx, thread })
    }

    /// Queues a batch; waits while the writer is behind (bounded memory).
    pub async fn send(&self, batch: Batch) -> Result<()> {
        queue(&self.tx, batch).await
    }

    pub fn sender(&self) -> mpsc::Sender<Batch> {
        self.tx.clone()
    }

    /// Waits for every queued batch to commit; the writer's totals.
    pub async fn finish(self) -> Result<Counters> {
        drop(self.tx);
        let thread = self.thread;
        tokio::task::spawn_blocking(move || thread.join())
            .await
            .map_err(|e| MigrationError::Destination(e.to_string()))?
            .map_err(|_| MigrationError::Destination("the destination writer panicked".into()))?
    }
}

/// Queues a batch through a [`Writer::sender`] clone.
pub async fn queue(tx: &mpsc::Sender<Batch>, batch: Batch) -> Result<()> {
    tx.send(batch)
        .await
        .map_err(|_| MigrationError::Destination("the destination writer stopped".into()))
}

/// The transaction being filled.
struct Open {
    began: Instant,
    keys: usize,
    bytes: u64,
    items: Vec<(Item, i64)>,
    scanned: u64,
    /// The latest SCAN cursor completed in it (bulk).
    cursor: Option<String>,
    acks: Vec<oneshot::Sender<()>>,
}

impl Default for Open {
    fn default() -> Self {
        Open {
            began: Instant::now(),
            keys: 0,
            bytes: 0,
            items: Vec::new(),
            scanned: 0,
            cursor: None,
            acks: Vec::new(),
        }
    }
}

/// Commits the data with its counters and checkpoint cursor, then tells
/// whoever waits for it.
fn commit(
    dest: &mut dyn Destination,
    run_id: &str,
    mut o: Open,
    mode: Mode,
    progress: &Progress,
    total: &mut Counters,
) -> Result<()> {
    // Key order: neighbouring keys share B-tree pages, so a sorted batch
    // touches each page once. Stable, so a big key's pages keep their order
    // (they all sort under its temporary key) and a key read twice keeps the
    // newer copy last.
    o.items.sort_by(|a, b| a.0.sort_key().cmp(b.0.sort_key()));
    let mut c = Counters {
        scanned: o.scanned,
        ..Counters::default()
    };
    let done = dest
        .begin()
        .and_then(|()| {
            // With the write lock held nothing can settle a key meanwhile: if
            // none is settled yet (the usual bulk), no key needs re-dirtying.
            let redirty = mode == Mode::Bulk && registry::any_settled(dest.registry(), run_id)?;
            apply_items(dest, run_id, mode, redirty, o.items, &mut c)
        })
        .and_then(|()| registry::checkpoint(dest.registry(), run_id, &c, o.cursor.as_deref()))
        .and_then(|()| dest.commit());
    if let Err(e) = done {
        let _ = dest.rollback();
        return Err(e);
    }
    total.add(&c);
    progress.record(&c);
    for ack in o.acks {
        let _ = ack.send(());
    }
    Ok(())
}

fn apply_items(
    dest: &mut dyn Destination,
    run_id: &str,
    mode: Mode,
    redirty: bool,
    items: Vec<(Item, i64)>,
    c: &mut Counters,
) -> Result<()> {
    {
        for (item, events) in items {
            match item {
                Item::Append { tmp, page } => dest.append(&tmp, &page)?,
                Item::Clear(tmp) => {
                    dest.delete(&tmp)?;
                }
                Item::Put(snap) => {
                    dest.put(&snap)?;
                    done(
                        dest,
                        run_id,
                        mode,
                        redirty,
                        &snap.key,
                        events,
                        "applied",
                        snap.value.bytes(),
                        c,
                    )?;
                }
                Item::Swap {
                    tmp,
                    key,
                    expires_at,
                    bytes,
                } => {
                    if !dest.swap_in(&tmp, &key, expires_at)? {
                        // The copy vanished (dropped as a leftover): read it again.
                        registry::mark_dirty(dest.registry(), run_id, &key, "retry")?;
                        continue;
                    }
                    done(
                        dest, run_id, mode, redirty, &key, events, "applied", bytes, c,
                    )?;
                }
                Item::Gone(key) => {
                    dest.delete(&key)?;
                    match mode {
                        Mode::Bulk => c.skipped += 1,
                        _ => done(dest, run_id, mode, redirty, &key, events, "deleted", 0, c)?,
                    }
                }
                Item::Unsupported(key, ty) => {
                    dest.delete(&key)?;
                    c.skipped += 1;
                    registry::log_error(
                        dest.registry(),
                        run_id,
                        stage_name(mode),
                        Some(&key),
                        &format!("unsupported type '{ty}' skipped"),
                    )?;
                    if mode == Mode::Delta {
                        registry::mark_done(dest.registry(), run_id, &key, events, "skipped")?;
                    }
                }
                Item::Failed(key, message) => {
                    c.errors += 1;
                    registry::log_error(
                        dest.registry(),
                        run_id,
                        stage_name(mode),
                        Some(&key),
                        &message,
                    )?;
                    match mode {
                        // Delta retries it: the key becomes dirty.
                        Mode::Bulk => registry::mark_dirty(dest.registry(), run_id, &key, "error")?,
                        // Parked until the next delta run, so a pass ends.
                        Mode::Delta => {
                            registry::mark_done(dest.registry(), run_id, &key, events, "error")?;
                        }
                        Mode::Sweep => {}
                    }
                }
            }
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn done(
    dest: &mut dyn Destination,
    run_id: &str,
    mode: Mode,
    redirty: bool,
    key: &[u8],
    events: i64,
    state: &str,
    bytes: u64,
    c: &mut Counters,
) -> Result<()> {
    match mode {
        Mode::Bulk => {
            c.migrated += 1;
            c.bytes += bytes;
            if redirty {
                registry::redirty_if_tracked(dest.registry(), run_id, key)?;
            }
        }
        Mode::Delta => {
            // Counted only when it sticks: a key that changed again stays dirty
            // and is counted when a later pass applies it.
            if registry::mark_done(dest.registry(), run_id, key, events, state)? {
                if state == "deleted" {
                    c.deleted += 1;
                } else {
                    c.applied += 1;
                    c.bytes += bytes;
                }
            }
        }
        Mode::Sweep => {
            if state == "deleted" {
                c.deleted += 1;
            } else {
                c.applied += 1;
                c.bytes += bytes;
            }
        }
    }
    Ok(())
}

fn stage_name(mode: Mode) -> &'static str {
    match mode {
        Mode::Bulk => "bulk",
        Mode::Delta => "dirty_apply",
        Mode::Sweep => "sweep",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dest::SqliteDestination;
    use crate::value::Snapshot;

    /// A failed key and a big key whose temporary copy vanished both stay
    /// dirty for delta, in the same transaction as the rest of the batch.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn failures_leave_keys_dirty_and_the_cursor_commits_with_the_data() {
        let dir = std::env::temp_dir().join(format!("resplite-writer-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("w.db");
        let dest = SqliteDestination::open(&path, 0).unwrap();
        registry::ensure_run(dest.registry(), "t", "redis://x").unwrap();
        let writer = Writer::spawn(
            Box::new(dest),
            "t".into(),
            Mode::Bulk,
            Arc::new(Progress::default()),
        )
        .unwrap();
        let items = vec![
            (Item::Failed(b"a".to_vec(), "boom".into()), 0),
            (
                Item::Swap {
                    tmp: b"gone".to_vec(),
                    key: b"b".to_vec(),
                    expires_at: None,
                    bytes: 0,
                },
                0,
            ),
            (
                Item::Put(Snapshot {
                    key: b"c".to_vec(),
                    value: Value::String(b"v".to_vec()),
                    expires_at: None,
                }),
                0,
            ),
        ];
        writer
            .send(Batch {
                items,
                cursor: Some("42".into()),
                scanned: 3,
                ack: None,
            })
            .await
            .unwrap();
        let c = writer.finish().await.unwrap();
        assert_eq!((c.migrated, c.errors, c.scanned), (1, 1, 3));
        let conn = registry::open(&path).unwrap();
        let run = registry::get_run(&conn, "t").unwrap().unwrap();
        assert_eq!(run.scan_cursor, "42");
        assert_eq!(run.migrated_keys, 1);
        assert_eq!(registry::dirty_remaining(&conn, "t").unwrap(), 2);
        drop(conn);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
