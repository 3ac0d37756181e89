//! The storage thread: the only owner of the SQLite write connection.
//!
//! Connection tasks send batches of already-resolved requests. The thread takes
//! the first batch, drains whatever else is queued (bounded), and runs it all in
//! one `BEGIN IMMEDIATE ... COMMIT` (group commit): SQLite's per-commit cost is
//! paid once for many clients' commands. Each write command runs under a
//! savepoint, so a failing command leaves nothing behind and does not abort its
//! neighbours. Replies are released only after COMMIT returns: an acknowledged
//! write is in the WAL and survives a crash of the process.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::sync::oneshot;

use crate::command::{Args, CommandEntry, CommandError, Ctx, Registry, Session};
use crate::engine::{Engine, SqliteEngine};
use crate::protocol::Reply;

/// A request as the connection task resolved it: a command to run, or an error
/// already decided (unknown command, wrong arity) that keeps its place in order.
pub enum Request {
    Run {
        entry: &'static CommandEntry,
        argv: Vec<Bytes>,
    },
    Reply(Reply),
}

/// One connection's pipeline batch.
pub struct Job {
    pub requests: Vec<Request>,
    pub session: Session,
    pub done: oneshot::Sender<JobResult>,
}

pub struct JobResult {
    pub replies: Vec<Reply>,
    pub session: Session,
}

/// Bounds of one group commit: enough to amortize the commit, small enough that
/// the first client in the group does not wait long.
const MAX_JOBS_PER_GROUP: usize = 512;
const MAX_COMMANDS_PER_GROUP: usize = 8192;
const MAX_GROUP_TIME: Duration = Duration::from_millis(50);
/// Active expiry: how often and how much, so a sweep never stalls traffic.
const SWEEP_INTERVAL: Duration = Duration::from_millis(100);
const SWEEP_LIMIT: usize = 200;

/// Sending side, cloned into every connection task. Dropping every clone stops
/// the thread after it has finished all queued work.
#[derive(Clone)]
pub struct StorageHandle {
    tx: mpsc::Sender<Job>,
}

impl StorageHandle {
    /// Queues a job; false if the storage thread is gone.
    pub fn submit(&self, job: Job) -> bool {
        self.tx.send(job).is_ok()
    }
}

/// Starts the storage thread. `on_exit` runs on that thread after the last job,
/// once the WAL is checkpointed and the database closed.
pub fn spawn(
    engine: SqliteEngine,
    registry: Arc<Registry>,
    on_exit: oneshot::Sender<()>,
) -> std::io::Result<StorageHandle> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("resplite-storage".into())
        .spawn(move || {
            let mut worker = Worker {
                engine,
                registry,
                last_sweep: Instant::now(),
            };
            worker.run(rx);
            if let Err(e) = worker.engine.checkpoint() {
                tracing::warn!(error = %e, "WAL checkpoint at shutdown failed");
            }
            drop(worker);
            let _ = on_exit.send(());
        })?;
    Ok(StorageHandle { tx })
}

struct Worker {
    engine: SqliteEngine,
    registry: Arc<Registry>,
    last_sweep: Instant,
}

impl Worker {
    fn run(&mut self, rx: mpsc::Receiver<Job>) {
        loop {
            let first = match rx.recv_timeout(SWEEP_INTERVAL) {
                Ok(job) => job,
                Err(RecvTimeoutError::Timeout) => {
                    self.idle_sweep();
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => return,
            };
            let started = Instant::now();
            let mut commands = first.requests.len();
            let mut group = vec![first];
            while group.len() < MAX_JOBS_PER_GROUP
                && commands < MAX_COMMANDS_PER_GROUP
                && started.elapsed() < MAX_GROUP_TIME
            {
                match rx.try_recv() {
                    Ok(job) => {
                        commands += job.requests.len();
                        group.push(job);
                    }
                    Err(_) => break,
                }
            }
            self.run_group(group);
        }
    }

    fn run_group(&mut self, group: Vec<Job>) {
        if let Err(e) = self.engine.begin() {
            tracing::error!(error = %e, "cannot begin a transaction");
            let reply = CommandError::Internal(e).to_reply();
            for job in group {
                let replies = vec![reply.clone(); job.requests.len()];
                let _ = job.done.send(JobResult {
                    replies,
                    session: job.session,
                });
            }
            return;
        }
        let mut results = Vec::with_capacity(group.len());
        for job in group {
            let Job {
                requests,
                mut session,
                done,
            } = job;
            let replies = requests
                .into_iter()
                .map(|req| match req {
                    Request::Reply(r) => r,
                    Request::Run { entry, argv } => self.execute(entry, &argv, &mut session),
                })
                .collect();
            results.push((done, JobResult { replies, session }));
        }
        if self.last_sweep.elapsed() >= SWEEP_INTERVAL {
            self.sweep();
        }
        if let Err(e) = self.engine.commit() {
            // Nothing of this group is durable: no client may be told otherwise.
            tracing::error!(error = %e, "group commit failed; rolling back");
            let _ = self.engine.rollback();
            let reply = CommandError::Internal(e).to_reply();
            for (_, result) in &mut results {
                result.replies.iter_mut().for_each(|r| *r = reply.clone());
            }
        }
        for (done, result) in results {
            // A client that hung up no longer waits; nothing to do.
            let _ = done.send(result);
        }
    }

    /// Runs one command atomically: a savepoint for writes, and a panic in a
    /// command is contained to an error reply for that command alone.
    fn execute(
        &mut self,
        entry: &'static CommandEntry,
        argv: &[Bytes],
        session: &mut Session,
    ) -> Reply {
        let write = entry.spec.is_write();
        if write {
            if let Err(e) = self.engine.savepoint() {
                return CommandError::Internal(e).to_reply();
            }
        }
        self.engine.set_clock(crate::util::now_ms());
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
            let mut ctx = Ctx {
                engine: &mut self.engine,
                session,
                registry: &self.registry,
            };
            (entry.run)(&mut Args::new(&argv[1..]), &mut ctx)
        }));
        let (result, broken) = match outcome {
            Ok(Err(CommandError::Internal(e))) => (Err(CommandError::Internal(e)), true),
            Ok(result) => (result, false),
            Err(_) => {
                tracing::error!(command = entry.spec.name, "command panicked");
                (Err(CommandError::other("ERR internal error")), true)
            }
        };
        if write {
            // Validation errors happen before any write, but a storage error or a
            // panic may strike half-way: undo whatever the command did.
            let done = if broken {
                self.engine.rollback_savepoint()
            } else {
                self.engine.release_savepoint()
            };
            if let Err(e) = done {
                return CommandError::Internal(e).to_reply();
            }
        }
        match result {
            Ok(reply) => reply,
            Err(e) => e.to_reply(),
        }
    }

    fn sweep(&mut self) {
        self.last_sweep = Instant::now();
        self.engine.set_clock(crate::util::now_ms());
        if let Err(e) = self.engine.sweep_expired(SWEEP_LIMIT) {
            tracing::warn!(error = %e, "expiry sweep failed");
        }
    }

    fn idle_sweep(&mut self) {
        if self.engine.begin().is_err() {
            return;
        }
        self.sweep();
        if self.engine.commit().is_err() {
            let _ = self.engine.rollback();
        }
    }
}
