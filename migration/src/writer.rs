//! The one task that writes the destination: batches from bulk, delta and the
//! sweep, each committed in one transaction together with the counters and the
//! checkpoint cursor they advance. SQLite has one writer anyway; giving it a
//! thread of its own lets reads from the source run ahead while it commits.

use std::sync::Arc;
use std::thread::JoinHandle;

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
                while let Some(first) = rx.blocking_recv() {
                    // Re-read each time: batch limits are adjustable while running.
                    let limits = registry::settings(dest.registry(), &run_id)?;
                    // Group what is already waiting, up to the batch limits.
                    let mut batches = vec![first];
                    let mut keys = batches[0].items.len();
                    let mut bytes: u64 = batches[0].items.iter().map(|(i, _)| i.bytes()).sum();
                    while keys < limits.batch_keys && bytes < limits.batch_bytes {
                        match rx.try_recv() {
                            Ok(b) => {
                                keys += b.items.len();
                                bytes += b.items.iter().map(|(i, _)| i.bytes()).sum::<u64>();
                                batches.push(b);
                            }
                            Err(_) => break,
                        }
                    }
                    let c = apply(&mut *dest, &run_id, mode, batches)?;
                    total.add(&c);
                    progress.record(&c);
                }
                Ok(total)
            })
            .map_err(|e| MigrationError::Destination(e.to_string()))?;
        Ok(Writer { tx, thread })
    }

    /// Queues a batch; waits while the writer is behind (bounded memory).
    pub async fn send(&self, batch: Batch) -> Result<()> {
        self.tx
            .send(batch)
            .await
            .map_err(|_| MigrationError::Destination("the destination writer stopped".into()))
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

fn apply(
    dest: &mut dyn Destination,
    run_id: &str,
    mode: Mode,
    batches: Vec<Batch>,
) -> Result<Counters> {
    dest.begin()?;
    match apply_in_tx(dest, run_id, mode, batches) {
        Ok((c, acks)) => {
            dest.commit()?;
            for ack in acks {
                let _ = ack.send(());
            }
            Ok(c)
        }
        Err(e) => {
            let _ = dest.rollback();
            Err(e)
        }
    }
}

type Acks = Vec<oneshot::Sender<()>>;

fn apply_in_tx(
    dest: &mut dyn Destination,
    run_id: &str,
    mode: Mode,
    batches: Vec<Batch>,
) -> Result<(Counters, Acks)> {
    let mut c = Counters::default();
    let mut cursor = None;
    let mut acks = Vec::new();
    for mut batch in batches {
        acks.extend(batch.ack.take());
        c.scanned += batch.scanned;
        if batch.cursor.is_some() {
            cursor = batch.cursor;
        }
        for (item, events) in batch.items {
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
                        &snap.key,
                        events,
                        "applied",
                        snap.value.bytes(),
                        &mut c,
                    )?;
                }
                Item::Swap {
                    tmp,
                    key,
                    expires_at,
                    bytes,
                } => {
                    dest.swap_in(&tmp, &key, expires_at)?;
                    done(dest, run_id, mode, &key, events, "applied", bytes, &mut c)?;
                }
                Item::Gone(key) => {
                    dest.delete(&key)?;
                    match mode {
                        Mode::Bulk => c.skipped += 1,
                        _ => done(dest, run_id, mode, &key, events, "deleted", 0, &mut c)?,
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
    registry::checkpoint(dest.registry(), run_id, &c, cursor.as_deref())?;
    Ok((c, acks))
}

#[allow(clippy::too_many_arguments)]
fn done(
    dest: &mut dyn Destination,
    run_id: &str,
    mode: Mode,
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
            registry::redirty_if_tracked(dest.registry(), run_id, key)?;
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
