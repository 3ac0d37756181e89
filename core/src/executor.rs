//! The storage thread: the only owner of the SQLite write connection.
//!
//! Connection tasks send batches of already-resolved requests. The thread takes
//! the first batch, drains whatever else is queued (bounded), and runs it all in
//! one `BEGIN IMMEDIATE ... COMMIT` (group commit): SQLite's per-commit cost is
//! paid once for many clients' commands. Commands validate before they write, so
//! a failing command leaves nothing behind; a command that breaks half-way makes
//! the group replay with a savepoint per write (see `run_group`). Replies are
//! released only after COMMIT returns: an acknowledged write is in the WAL and
//! survives a crash of the process.

use std::panic::AssertUnwindSafe;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::sync::oneshot;

use crate::command::{Args, CommandEntry, CommandError, Ctx, Registry, Session};
use crate::engine::{Engine, EngineError, SqliteEngine};
use crate::protocol::Reply;
use crate::server::ServerState;

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
    server: Arc<ServerState>,
    on_exit: oneshot::Sender<()>,
) -> std::io::Result<StorageHandle> {
    let (tx, rx) = mpsc::channel();
    std::thread::Builder::new()
        .name("resplite-storage".into())
        .spawn(move || {
            let mut worker = Worker {
                engine,
                registry,
                server,
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
    server: Arc<ServerState>,
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
        // Fast path: commands validate before they write, so a group normally
        // needs no savepoints. If a command breaks half-way (storage error,
        // panic), nothing has been replied yet: roll the group back and replay it
        // with a savepoint per write command, so only that command fails.
        let replies = match self.attempt(&group, false) {
            Ok(Some(replies)) => Ok(replies),
            Ok(None) => {
                let _ = self.engine.rollback();
                self.attempt(&group, true)
                    .map(|r| r.expect("safe mode never gives up"))
            }
            Err(e) => Err(e),
        };
        let replies = replies.unwrap_or_else(|e| {
            // Nothing of this group is durable: no client may be told otherwise.
            tracing::error!(error = %e, "group transaction failed; rolled back");
            let _ = self.engine.rollback();
            let reply = CommandError::Internal(e).to_reply();
            group
                .iter()
                .map(|job| (vec![reply.clone(); job.requests.len()], job.session.clone()))
                .collect()
        });
        for (job, (replies, session)) in group.into_iter().zip(replies) {
            // A client that hung up no longer waits; nothing to do.
            let _ = job.done.send(JobResult { replies, session });
        }
    }

    /// Runs a group in one transaction and commits it. `Ok(None)`: a command
    /// broke without savepoints to contain it (only when `safe` is false).
    #[allow(clippy::type_complexity)]
    fn attempt(
        &mut self,
        group: &[Job],
        safe: bool,
    ) -> Result<Option<Vec<(Vec<Reply>, Session)>>, EngineError> {
        self.engine.begin()?;
        let mut out = Vec::with_capacity(group.len());
        for job in group {
            let mut session = job.session.clone();
            let mut replies = Vec::with_capacity(job.requests.len());
            for req in &job.requests {
                replies.push(match req {
                    Request::Reply(r) => r.clone(),
                    Request::Run { entry, argv } => {
                        match self.execute(entry, argv, &mut session, safe) {
                            Some(reply) => reply,
                            None => return Ok(None),
                        }
                    }
                });
            }
            out.push((replies, session));
        }
        if self.last_sweep.elapsed() >= SWEEP_INTERVAL {
            self.sweep();
        }
        self.engine.commit()?;
        Ok(Some(out))
    }

    /// Runs one command. In safe mode a write command runs under a savepoint and
    /// a break is undone and reported; otherwise a break returns `None`.
    fn execute(
        &mut self,
        entry: &'static CommandEntry,
        argv: &[Bytes],
        session: &mut Session,
        safe: bool,
    ) -> Option<Reply> {
        let savepoint = safe && entry.spec.is_write();
        if savepoint {
            if let Err(e) = self.engine.savepoint() {
                return Some(CommandError::Internal(e).to_reply());
            }
        }
        self.engine.set_clock(crate::util::now_ms());
        crate::server::Stats::add(&self.server.stats.total_commands_processed, 1);
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
            let mut ctx = Ctx {
                engine: &mut self.engine,
                session,
                registry: &self.registry,
                server: &self.server,
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
        if broken && !safe {
            return None;
        }
        if savepoint {
            let done = if broken {
                self.engine.rollback_savepoint()
            } else {
                self.engine.release_savepoint()
            };
            if let Err(e) = done {
                return Some(CommandError::Internal(e).to_reply());
            }
        }
        Some(match result {
            Ok(reply) => reply,
            Err(e) => e.to_reply(),
        })
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
