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
//!
//! Blocking commands that find nothing suspend the rest of their client's batch
//! as a waiter. After each group, a serve phase re-runs waiters whose keys were
//! written (FIFO per key), fires timeouts and CLIENT UNBLOCKs, and resumes the
//! suspended batches. Since this thread alone decides, an element goes to exactly
//! one client.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::panic::AssertUnwindSafe;
use std::sync::mpsc::{self, TryRecvError};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::sync::oneshot;

use crate::blocking::{
    BlockRequest, Coordination, MAX_KEYS_PER_WAIT, MAX_TOTAL_WAITERS, MAX_WAITERS_PER_KEY,
};
use crate::command::{
    push_engine_events, Args, Class, CommandEntry, CommandError, Ctx, Registry, ReplyMode, Session,
};
use crate::engine::{DbKey, Engine, EngineError, SqliteEngine};
use crate::protocol::Reply;
use crate::server::ServerState;

mod doorbell;
mod outbox;
use doorbell::Doorbell;
use outbox::Outbox;

/// A request as the connection task resolved it.
pub enum Request {
    Run {
        entry: &'static CommandEntry,
        argv: Vec<Bytes>,
    },
    /// An answer already decided (unknown command, wrong arity, QUEUED) that
    /// keeps its place in order.
    Reply(Reply),
    /// EXEC of the commands queued since MULTI; `aborted` if one was refused
    /// while queueing (EXECABORT).
    Exec {
        commands: Vec<(&'static CommandEntry, Vec<Bytes>)>,
        aborted: bool,
        /// EXEC as the client sent it (for MONITOR).
        argv: Vec<Bytes>,
    },
    /// An answer the connection decided that Redis still shows to MONITOR
    /// (MULTI, EXEC without MULTI, a refused EXEC, ...): `argv` is the command.
    Shown { reply: Reply, argv: Vec<Bytes> },
}

/// One connection's pipeline batch.
pub struct Job {
    pub requests: Vec<Request>,
    pub session: Session,
    pub done: oneshot::Sender<JobResult>,
}

impl Job {
    fn runs_script(&self) -> bool {
        let script = |entry: &CommandEntry| {
            entry
                .spec
                .flags
                .contains(crate::command::Flags::RUNS_SCRIPT)
        };
        self.requests.iter().any(|r| match r {
            Request::Run { entry, .. } => script(entry),
            Request::Exec { commands, .. } => commands.iter().any(|(entry, _)| script(entry)),
            _ => false,
        })
    }
}

pub struct JobResult {
    pub replies: Vec<Reply>,
    /// Per reply, the sequence number of the last command run when it was
    /// made: pub/sub messages numbered up to it are written before it.
    pub marks: Vec<u64>,
    pub session: Session,
}

/// Replies being collected, each with its mark (see [`JobResult::marks`]).
#[derive(Default)]
struct Replies {
    items: Vec<Reply>,
    marks: Vec<u64>,
}

impl Replies {
    fn with_capacity(n: usize) -> Replies {
        Replies {
            items: Vec::with_capacity(n),
            marks: Vec::with_capacity(n),
        }
    }

    fn push(&mut self, reply: Reply, mark: u64) {
        self.items.push(reply);
        self.marks.push(mark);
    }

    fn result(self, session: Session) -> JobResult {
        JobResult {
            replies: self.items,
            marks: self.marks,
            session,
        }
    }
}

/// What connection tasks send.
pub enum Msg {
    Job(Job),
    /// The client hung up: drop its waiters and watches.
    Closed(u64),
}

/// Commands accounted per subcommand in INFO commandstats (`client|list`).
pub(crate) const CONTAINERS: [&str; 9] = [
    "client", "config", "memory", "function", "latency", "slowlog", "object", "command", "pubsub",
];

/// The argv positions of the keys a command looks up as Redis'
/// `lookupKeyRead` does (counted in `keyspace_hits`/`keyspace_misses`): every
/// key of a read-only command, except the ones that never look a key up, and
/// the source keys of a few writing commands. Checked against redis-server 7.0
/// by tests/tests/info.rs.
fn read_lookup_positions(
    spec: &'static crate::command::CommandSpec,
    argv: &[Bytes],
) -> std::iter::StepBy<std::ops::Range<usize>> {
    let none = (0..0).step_by(1);
    let numkeys = |at: usize| -> std::iter::StepBy<std::ops::Range<usize>> {
        let n = argv
            .get(at)
            .and_then(|n| std::str::from_utf8(n).ok())
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(0);
        let end = (at + 1).saturating_add(n).min(argv.len());
        (at + 1..end).step_by(1)
    };
    match spec.name {
        "keys" | "scan" | "randomkey" | "dbsize" | "command" | "memory" => none,
        "sintercard" | "zunion" | "zinter" | "zdiff" | "zintercard" => numkeys(1),
        "zunionstore" | "zinterstore" | "zdiffstore" => numkeys(2),
        "sinterstore" | "sunionstore" | "sdiffstore" => (2..argv.len()).step_by(1),
        "zrangestore" => (2..3.min(argv.len())).step_by(1),
        "getdel" | "getex" | "getset" | "sort" | "copy" | "georadius" | "georadiusbymember" => {
            (1..2.min(argv.len())).step_by(1)
        }
        "geosearchstore" => (2..3.min(argv.len())).step_by(1),
        "bitop" => (3..argv.len()).step_by(1),
        "pfmerge" => (1..argv.len()).step_by(1),
        "set" if argv.iter().skip(3).any(|a| a.eq_ignore_ascii_case(b"get")) => (1..2).step_by(1),
        _ if spec.flags.contains(crate::command::Flags::READONLY) && spec.first_key > 0 => {
            let argc = argv.len() as i64;
            let first = i64::from(spec.first_key);
            let last = match i64::from(spec.last_key) {
                l if l < 0 => argc + l,
                l => l,
            };
            let step = spec.step.max(1) as usize;
            if first >= argc || last < first {
                return none;
            }
            (first as usize..(last.min(argc - 1) + 1) as usize).step_by(step)
        }
        _ => none,
    }
}

/// What a RESP2 client with subscriptions may run (Redis' list).
const SUBSCRIBED_MODE: [&str; 9] = [
    "subscribe",
    "unsubscribe",
    "psubscribe",
    "punsubscribe",
    "ssubscribe",
    "sunsubscribe",
    "ping",
    "quit",
    "reset",
];

const MAX_JOBS_PER_GROUP: usize = 512;
const MAX_COMMANDS_PER_GROUP: usize = 8192;
const MAX_GROUP_TIME: Duration = Duration::from_millis(50);
/// Active expiry: how often and how much, so a sweep never stalls traffic.
const SWEEP_INTERVAL: Duration = Duration::from_millis(100);
const SWEEP_LIMIT: usize = 200;

/// Sending side, shared by the connection tasks. Dropping it (and every
/// clone) stops the thread after it has finished all queued work.
#[derive(Clone)]
pub struct StorageHandle {
    /// `None` only while dropping.
    tx: Option<mpsc::Sender<Msg>>,
    bell: Arc<Doorbell>,
}

impl StorageHandle {
    /// Queues a job; false if the storage thread is gone.
    pub fn submit(&self, job: Job) -> bool {
        self.send(Msg::Job(job))
    }

    pub fn closed(&self, client: u64) {
        self.send(Msg::Closed(client));
    }

    fn send(&self, msg: Msg) -> bool {
        let sent = self.tx.as_ref().is_some_and(|tx| tx.send(msg).is_ok());
        self.bell.ring();
        sent
    }
}

impl Drop for StorageHandle {
    fn drop(&mut self) {
        // The thread notices the last sender is gone when it looks at the
        // queue: have it look now rather than at its next deadline.
        drop(self.tx.take());
        self.bell.wake_now();
    }
}

pub fn spawn(
    engine: SqliteEngine,
    registry: Arc<Registry>,
    server: Arc<ServerState>,
    on_exit: oneshot::Sender<()>,
) -> std::io::Result<StorageHandle> {
    let (tx, rx) = mpsc::channel();
    let bell = Arc::new(Doorbell::default());
    let thread_bell = bell.clone();
    let outbox = Arc::new(Outbox::default());
    let thread_outbox = outbox.clone();
    std::thread::Builder::new()
        .name("resplite-storage".into())
        // Scripts run here: Lua's C recursion (patterns, nested calls) and
        // deep script replies need more than the 2 MB default.
        .stack_size(32 << 20)
        .spawn(move || {
            thread_bell.attach();
            let mut worker = Worker {
                engine,
                inbox: Inbox {
                    rx,
                    deferred: VecDeque::new(),
                    outbox: thread_outbox.clone(),
                },
                registry,
                server,
                coord: Coordination::default(),
                ext: Default::default(),
                waiters: Waiters::default(),
                undo: Vec::new(),
                last_sweep: Instant::now(),
                clock: Clock::new(),
                rerun: false,
                paused: VecDeque::new(),
                txn: 0,
            };
            worker.run(&thread_bell);
            thread_bell.close();
            thread_outbox.close();
            if let Err(e) = worker.engine.checkpoint() {
                tracing::warn!(error = %e, "WAL checkpoint at shutdown failed");
            }
            drop(worker);
            let _ = on_exit.send(());
        })?;
    tokio::spawn(bell.clone().ringer());
    let courier_bell = bell.clone();
    tokio::spawn(outbox.courier(move || courier_bell.wake_now()));
    Ok(StorageHandle { tx: Some(tx), bell })
}

/// A batch whose blocking command is waiting: what is done and what is left.
struct Suspended {
    done: oneshot::Sender<JobResult>,
    session: Session,
    replies: Replies,
    rest: VecDeque<Request>,
    /// How to give back what blocking commands of this batch popped, should
    /// the client be gone when the replies are sent.
    undo: Vec<Undo>,
    /// The transaction that last ran part of this batch, and how many of its
    /// replies and give-backs earlier transactions made (and committed):
    /// should this one fail, the replies after those become its error.
    txn: u64,
    committed_replies: usize,
    committed_undo: usize,
}

/// A command giving back what a blocking command popped, with the database
/// it runs in.
type Undo = (u32, Vec<Bytes>);

struct Waiter {
    client: u64,
    keys: Vec<DbKey>,
    deadline: Option<Instant>,
    on_timeout: Reply,
    /// See [`BlockRequest::wants`].
    wants: Option<crate::engine::KeyType>,
    entry: &'static CommandEntry,
    argv: Vec<Bytes>,
    job: Suspended,
}

/// Blocked clients: FIFO queues per key, deadlines in order.
#[derive(Default)]
struct Waiters {
    next_id: u64,
    all: BTreeMap<u64, Waiter>,
    by_key: HashMap<DbKey, VecDeque<u64>>,
    by_client: HashMap<u64, u64>,
    deadlines: BTreeSet<(Instant, u64)>,
}

impl Waiters {
    fn is_empty(&self) -> bool {
        self.all.is_empty()
    }

    fn check_limits(&self, request: &BlockRequest) -> Result<(), &'static str> {
        let keys = request.db_keys();
        if keys.len() > MAX_KEYS_PER_WAIT {
            return Err("ERR too many keys per blocked command");
        }
        let key_full = keys.iter().any(|k| {
            self.by_key
                .get(k)
                .is_some_and(|q| q.len() >= MAX_WAITERS_PER_KEY)
        });
        if self.all.len() >= MAX_TOTAL_WAITERS || key_full {
            return Err("ERR too many blocked clients");
        }
        Ok(())
    }

    fn add(&mut self, waiter: Waiter) {
        let id = self.next_id;
        self.next_id += 1;
        for key in &waiter.keys {
            self.by_key.entry(key.clone()).or_default().push_back(id);
        }
        if let Some(at) = waiter.deadline {
            self.deadlines.insert((at, id));
        }
        self.by_client.insert(waiter.client, id);
        self.all.insert(id, waiter);
    }

    fn remove(&mut self, id: u64) -> Option<Waiter> {
        let waiter = self.all.remove(&id)?;
        for key in &waiter.keys {
            if let Some(q) = self.by_key.get_mut(key) {
                // Serving takes the oldest waiter: usually the front, O(1).
                if q.front() == Some(&id) {
                    q.pop_front();
                } else {
                    q.retain(|w| *w != id);
                }
                if q.is_empty() {
                    self.by_key.remove(key);
                }
            }
        }
        if let Some(at) = waiter.deadline {
            self.deadlines.remove(&(at, id));
        }
        self.by_client.remove(&waiter.client);
        Some(waiter)
    }

    fn next_deadline(&self) -> Option<Instant> {
        self.deadlines.first().map(|(at, _)| *at)
    }
}

/// Per job, what a run of the group produced.
enum Outcome {
    Done(Replies, Session, Vec<Undo>),
    /// Stopped at a blocking command that asked to wait.
    Blocked {
        replies: Replies,
        session: Session,
        undo: Vec<Undo>,
        request: BlockRequest,
        entry: &'static CommandEntry,
        argv: Vec<Bytes>,
        rest: VecDeque<Request>,
    },
}

/// What one command produced, beyond its reply.
enum Step {
    Reply(Reply),
    Block(BlockRequest),
    /// Broke without a savepoint to contain it (fast mode only).
    Broken,
}

/// The storage thread's clock, read once per command: a command starts when
/// the one before it ended (only bookkeeping runs in between), and wall-clock
/// time is derived from the monotonic clock, read afresh for every group.
struct Clock {
    synced: Instant,
    synced_ms: i64,
    /// When the last command ended (or the clock was synced).
    last: Instant,
}

impl Clock {
    fn new() -> Clock {
        let now = Instant::now();
        Clock {
            synced: now,
            synced_ms: crate::util::now_ms(),
            last: now,
        }
    }

    fn sync(&mut self) {
        *self = Clock::new();
    }

    /// Milliseconds since the epoch at `at`.
    fn wall_ms(&self, at: Instant) -> i64 {
        self.synced_ms + at.saturating_duration_since(self.synced).as_millis() as i64
    }
}

/// The storage thread's queue, with what it set aside while a script ran.
pub struct Inbox {
    rx: mpsc::Receiver<Msg>,
    deferred: VecDeque<Msg>,
    /// Where replies go (every reply, so that they leave in one wake), with
    /// what to give back should the client be gone.
    outbox: Arc<Outbox<JobResult, Vec<Undo>>>,
}

impl Inbox {
    fn try_recv(&mut self) -> Result<Msg, TryRecvError> {
        match self.deferred.pop_front() {
            Some(msg) => Ok(msg),
            None => self.rx.try_recv(),
        }
    }

    /// Called by a script past `busy-reply-threshold` (Redis serves clients
    /// from inside it): a job queued before the script turned busy gets the
    /// answers a connection gives while busy (BUSY, SCRIPT KILL's), unless one
    /// of its commands waits for the script (AUTH, SHUTDOWN...): then the whole
    /// job runs after it.
    pub fn answer_while_busy(&mut self, server: &ServerState) {
        while let Ok(msg) = self.rx.try_recv() {
            let Msg::Job(job) = msg else {
                self.deferred.push_back(msg);
                continue;
            };
            let answers: Option<Vec<Reply>> = job
                .requests
                .iter()
                .map(|r| match r {
                    Request::Run { entry, argv } => {
                        server
                            .script_busy
                            .answer(&server.script_stats, entry.spec.name, argv)
                    }
                    Request::Exec { .. } => {
                        server.script_busy.answer(&server.script_stats, "exec", &[])
                    }
                    Request::Reply(reply) => Some(reply.clone()),
                    Request::Shown { reply, .. } => Some(reply.clone()),
                })
                .collect();
            let Some(replies) = answers else {
                self.deferred.push_back(Msg::Job(job));
                continue;
            };
            let mark = server.pubsub.seq();
            let marks = vec![mark; replies.len()];
            let _ = self.outbox.post(
                job.done,
                JobResult {
                    replies,
                    marks,
                    session: job.session,
                },
                Vec::new(),
            );
            // Now: the script these clients would wait for is still running.
            self.outbox.flush();
        }
    }
}

struct Worker {
    engine: SqliteEngine,
    inbox: Inbox,
    registry: Arc<Registry>,
    server: Arc<ServerState>,
    coord: Coordination,
    /// Per-capability state kept between commands (see `Ctx::ext`).
    ext: crate::command::Extensions,
    waiters: Waiters,
    /// Give-back commands of the batch being run (see `Coordination::give_back`).
    undo: Vec<Undo>,
    last_sweep: Instant,
    clock: Clock,
    /// Re-running a blocked command or giving back: MONITOR saw it already.
    rerun: bool,
    /// Jobs held by CLIENT PAUSE, in arrival order (each client has one job
    /// in flight at most, so a client's order holds).
    paused: VecDeque<Job>,
    /// Numbers transactions (see [`Suspended::txn`]).
    txn: u64,
}

/// Would CLIENT PAUSE hold this job? ALL holds every job; WRITE holds those
/// with a command that may write (writes, scripts that may write, PUBLISH:
/// Redis' write and may-replicate commands).
fn held_by_pause(job: &Job, all: bool, ext: &mut crate::command::Extensions) -> bool {
    let mut may_write = |entry: &CommandEntry, argv: &[Bytes]| match entry.spec.may_write {
        Some(check) => check(ext, argv),
        None => entry.spec.may_replicate(),
    };
    all || job.requests.iter().any(|r| match r {
        Request::Run { entry, argv } => may_write(entry, argv),
        Request::Exec { commands, .. } => commands.iter().any(|(e, argv)| may_write(e, argv)),
        _ => false,
    })
}

impl Worker {
    /// The job, unless a CLIENT PAUSE in force holds it (then it waits in
    /// `paused`).
    fn unless_paused(&mut self, job: Job) -> Option<Job> {
        self.release_paused();
        match self.coord.pause {
            Some(p) if held_by_pause(&job, p.all, &mut self.ext) => {
                self.paused.push_back(job);
                None
            }
            _ => Some(job),
        }
    }

    /// A pause that ended (its time, or CLIENT UNPAUSE) lets its jobs run
    /// next, in their order.
    fn release_paused(&mut self) {
        if self.coord.pause.is_some_and(|p| Instant::now() >= p.until) {
            self.coord.unpause();
        }
        if self.coord.pause.is_none() {
            while let Some(job) = self.paused.pop_back() {
                self.inbox.deferred.push_front(Msg::Job(job));
            }
        }
    }

    fn run(&mut self, bell: &Doorbell) {
        loop {
            self.release_paused();
            let mut next = self.inbox.try_recv();
            if matches!(next, Err(TryRecvError::Empty)) {
                let deadline = match (self.waiters.next_deadline(), self.coord.pause) {
                    (Some(at), Some(p)) => Some(at.min(p.until)),
                    (at, p) => at.or(p.map(|p| p.until)),
                };
                let wait = deadline.map_or(SWEEP_INTERVAL, |at| {
                    at.saturating_duration_since(Instant::now())
                        .min(SWEEP_INTERVAL)
                });
                bell.wait(wait);
                self.release_paused();
                next = self.inbox.try_recv();
            }
            let first = match next {
                Ok(Msg::Job(job)) => self.unless_paused(job),
                Ok(Msg::Closed(client)) => {
                    self.client_closed(client);
                    None
                }
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Disconnected) => return,
            };
            match first {
                Some(first) => self.run_group(vec![first]),
                // Timeouts and CLIENT UNBLOCK still come due.
                None => self.serve(Vec::new()),
            }
            self.inbox.outbox.flush();
            // Replies whose client hung up before the courier came.
            let returned = self.inbox.outbox.take_returned().concat();
            if !returned.is_empty() {
                // Giving back may serve other blocked clients: their replies too.
                self.give_back(returned);
                self.inbox.outbox.flush();
            }
            if std::mem::take(&mut self.coord.checkpoint) {
                if let Err(e) = self.engine.checkpoint() {
                    tracing::warn!(error = %e, "checkpoint for SAVE failed");
                }
            }
            // Clients held by CLIENT PAUSE count as blocked, as in Redis.
            self.server.blocked_clients.store(
                (self.coord.blocked.len() + self.paused.len()) as u64,
                std::sync::atomic::Ordering::Relaxed,
            );
            if self.last_sweep.elapsed() >= SWEEP_INTERVAL {
                self.idle_sweep();
            }
        }
    }

    fn client_closed(&mut self, client: u64) {
        self.coord.unwatch_client(client);
        self.coord.tracking.disable(client);
        if let Some(id) = self.waiters.by_client.get(&client).copied() {
            self.waiters.remove(id);
            self.coord.blocked.remove(&client);
        }
    }

    /// Runs a group, then serves the blocked clients it made ready (and any
    /// that timed out), all in one transaction, and releases the replies once
    /// it commits: one commit per queue step where a push and the pop it
    /// wakes took two.
    /// The group grows while it runs (see [`Worker::attempt`]).
    fn run_group(&mut self, mut group: Vec<Job>) {
        self.clock.sync();
        self.txn += 1;
        // Fast path: commands validate before they write, so a group normally
        // needs no savepoints. If a command breaks half-way (storage error,
        // panic), nothing has been replied yet: roll the group back and replay it
        // with a savepoint per write command, so only that command fails.
        let watches_before = self.coord.watches.clone();
        let mut ready = Vec::new();
        let mut rolled_back = false;
        let outcome = match self.attempt(&mut group, false, &mut ready) {
            Ok(Some(outcomes)) => Ok(outcomes),
            Ok(None) => {
                rolled_back = true;
                let _ = self.engine.rollback();
                self.coord.events.clear();
                self.coord.watches = watches_before.clone();
                self.coord.unblock.clear();
                ready.clear();
                self.attempt(&mut group, true, &mut ready)
                    .map(|r| r.expect("safe mode never gives up"))
            }
            Err(e) => Err(e),
        };
        let txn = self.txn;
        let batch = |done, session, replies, undo| Suspended {
            done,
            session,
            replies,
            rest: VecDeque::new(),
            undo,
            txn,
            committed_replies: 0,
            committed_undo: 0,
        };
        let outcomes = match outcome {
            Ok(outcomes) => outcomes,
            Err(e) => {
                // Nothing of this group is durable: no client may be told otherwise.
                tracing::error!(error = %e, "group transaction failed; rolled back");
                let _ = self.engine.rollback();
                self.coord.events.clear();
                self.coord.watches = watches_before;
                self.coord.unblock.clear();
                let reply = CommandError::Internal(e).to_reply();
                let mark = self.mark();
                let failed = group
                    .into_iter()
                    .map(|job| {
                        let mut replies = Replies::with_capacity(job.requests.len());
                        for _ in &job.requests {
                            replies.push(reply.clone(), mark);
                        }
                        batch(job.done, job.session, replies, Vec::new())
                    })
                    .collect();
                self.tracking_group_done(true);
                self.post(failed);
                return;
            }
        };
        let mut finished = Vec::with_capacity(group.len());
        for (job, outcome) in group.into_iter().zip(outcomes) {
            match outcome {
                Outcome::Done(replies, session, undo) => {
                    finished.push(batch(job.done, session, replies, undo));
                }
                Outcome::Blocked {
                    replies,
                    session,
                    undo,
                    request,
                    entry,
                    argv,
                    rest,
                } => {
                    let mut suspended = batch(job.done, session, replies, undo);
                    suspended.rest = rest;
                    // Its keys may have been written later in this same group.
                    ready.extend(request.db_keys());
                    self.suspend(suspended, request, entry, argv);
                }
            }
        }
        if !self.waiters.is_empty() {
            // Served commands read the clock afresh, as a group of their own would.
            self.clock.sync();
        }
        self.serve_ready(ready, &mut finished);
        if !self.finish(finished, rolled_back) {
            self.coord.watches = watches_before;
        }
    }

    /// Registers a waiter. Limits were checked when the command asked to block.
    fn suspend(
        &mut self,
        job: Suspended,
        request: BlockRequest,
        entry: &'static CommandEntry,
        argv: Vec<Bytes>,
    ) {
        let client = job.session.id;
        self.coord.blocked.insert(client);
        self.waiters.add(Waiter {
            client,
            keys: request.db_keys(),
            deadline: request.timeout.map(|t| Instant::now() + t),
            on_timeout: request.on_timeout,
            wants: request.wants,
            entry,
            argv: request.rerun_as.unwrap_or(argv),
            job,
        });
    }

    /// Runs a group in one transaction, left open. `Ok(None)`: a command
    /// broke without savepoints to contain it (only when `safe` is false).
    ///
    /// The first attempt takes more queued jobs into the group as it goes,
    /// not all at the start: a job still queued while a long script runs can
    /// be answered BUSY (see [`Inbox::answer_while_busy`]); one already in the
    /// group would have to wait for the script. A replay runs the same jobs.
    fn attempt(
        &mut self,
        group: &mut Vec<Job>,
        safe: bool,
        ready: &mut Vec<DbKey>,
    ) -> Result<Option<Vec<Outcome>>, EngineError> {
        self.engine.begin()?;
        self.undo.clear();
        self.coord.events.clear();
        let started = Instant::now();
        let mut commands = 0;
        let mut out = Vec::with_capacity(group.len());
        let mut next = 0;
        // Scripts group with scripts only (see below).
        let mut only_scripts = group.iter().all(Job::runs_script);
        loop {
            if next == group.len() {
                let room = !safe
                    && group.len() < MAX_JOBS_PER_GROUP
                    && commands < MAX_COMMANDS_PER_GROUP
                    && started.elapsed() < MAX_GROUP_TIME;
                match room.then(|| self.inbox.try_recv()) {
                    // A script may run long, and the replies of the jobs before
                    // it go out when the group commits: a PING queued before a
                    // long script would wait for it. Scripts still group with
                    // scripts, so many clients' short scripts share one commit
                    // (the price: a script's client may wait for a later long
                    // script of its group, where Redis would have answered).
                    Some(Ok(Msg::Job(job))) => {
                        let Some(job) = self.unless_paused(job) else {
                            continue;
                        };
                        let script = job.runs_script();
                        if script && !only_scripts {
                            self.inbox.deferred.push_front(Msg::Job(job));
                            break;
                        }
                        only_scripts &= script;
                        group.push(job);
                    }
                    Some(Ok(closed)) => {
                        // Handled between groups: a replay would restore its watches.
                        self.inbox.deferred.push_front(closed);
                        break;
                    }
                    _ => break,
                }
            }
            let job = &group[next];
            next += 1;
            commands += job.requests.len();
            let mut session = job.session.clone();
            let mut replies = Replies::with_capacity(job.requests.len());
            let mut blocked = None;
            for (i, req) in job.requests.iter().enumerate() {
                match self.run_request(req, &mut session, safe, true, ready) {
                    Step::Reply(r) => replies.push(r, self.mark()),
                    Step::Broken => return Ok(None),
                    Step::Block(request) => {
                        if let Err(message) = self.waiters.check_limits(&request) {
                            replies.push(Reply::error(message), self.mark());
                            continue;
                        }
                        let Request::Run { entry, argv } = req else {
                            unreachable!("only commands block")
                        };
                        let rest = job.requests[i + 1..].iter().map(clone_request).collect();
                        blocked = Some((request, *entry, argv.clone(), rest));
                        break;
                    }
                }
            }
            let undo = std::mem::take(&mut self.undo);
            out.push(match blocked {
                None => Outcome::Done(replies, session, undo),
                Some((request, entry, argv, rest)) => Outcome::Blocked {
                    replies,
                    session,
                    undo,
                    request,
                    entry,
                    argv,
                    rest,
                },
            });
        }
        if self.last_sweep.elapsed() >= SWEEP_INTERVAL {
            self.sweep();
        }
        // Committed by `finish`, after the blocked clients are served.
        Ok(Some(out))
    }

    /// Runs one request, applying CLIENT REPLY OFF/SKIP to its reply.
    fn run_request(
        &mut self,
        req: &Request,
        session: &mut Session,
        safe: bool,
        may_block: bool,
        ready: &mut Vec<DbKey>,
    ) -> Step {
        let before = session.reply_mode;
        let step = self.run_request_inner(req, session, safe, may_block, ready);
        if self.coord.tracking.active() {
            self.tracking_request_done(req, session.id);
        }
        // MONITOR shows EXEC after the commands it ran, whatever it answered.
        if let (Request::Exec { argv, .. }, Step::Reply(_)) = (req, &step) {
            self.feed_monitors(None, argv, session, None);
        }
        if before == ReplyMode::On && session.reply_mode == ReplyMode::On {
            return step;
        }
        // CLIENT REPLY ON answers even the command a SKIP was meant for.
        let silenced = (before == ReplyMode::Skip && session.reply_mode != ReplyMode::On)
            || session.reply_mode == ReplyMode::Off;
        match session.reply_mode {
            ReplyMode::Skip => session.reply_mode = ReplyMode::On,
            ReplyMode::SkipNext => session.reply_mode = ReplyMode::Skip,
            ReplyMode::On | ReplyMode::Off => {}
        }
        match step {
            // Pub/sub confirmations get through, as in Redis (CLIENT_PUSHING).
            Step::Reply(r) if silenced => Step::Reply(r.pushes_only()),
            step => step,
        }
    }

    fn run_request_inner(
        &mut self,
        req: &Request,
        session: &mut Session,
        safe: bool,
        may_block: bool,
        ready: &mut Vec<DbKey>,
    ) -> Step {
        match req {
            Request::Reply(r) => Step::Reply(r.clone()),
            Request::Shown { reply, argv } => {
                self.feed_monitors(None, argv, session, None);
                Step::Reply(reply.clone())
            }
            Request::Run { entry, argv } => {
                self.execute(entry, argv, session, safe, may_block, ready)
            }
            Request::Exec {
                commands, aborted, ..
            } => {
                let client = session.id;
                if *aborted {
                    self.coord.unwatch_client(client);
                    return Step::Reply(Reply::error(
                        "EXECABORT Transaction discarded because of previous errors.",
                    ));
                }
                let (dirty, existed) = self.coord.exec_check(client);
                let mut expired = false;
                for key in existed {
                    self.engine.set_clock(crate::util::now_ms());
                    self.engine.select(key.db);
                    expired |= matches!(self.engine.meta(&key.key), Ok(None));
                }
                self.coord.unwatch_client(client);
                if dirty || expired {
                    return Step::Reply(Reply::NilArray);
                }
                let mut replies = Vec::with_capacity(commands.len());
                for (entry, argv) in commands {
                    match self.execute(entry, argv, session, safe, false, ready) {
                        Step::Reply(r) => replies.push(r),
                        Step::Broken => return Step::Broken,
                        Step::Block(_) => unreachable!("blocking is off inside EXEC"),
                    }
                }
                Step::Reply(Reply::Array(replies))
            }
        }
    }

    /// Runs one command. In safe mode a write command runs under a savepoint and
    /// a break is undone and reported; otherwise a break returns `Broken`.
    fn execute(
        &mut self,
        entry: &'static CommandEntry,
        argv: &[Bytes],
        session: &mut Session,
        safe: bool,
        may_block: bool,
        ready: &mut Vec<DbKey>,
    ) -> Step {
        self.coord.seq = self.server.pubsub.next_seq();
        // RESP2 clients in subscribed mode may only run a few commands.
        if session.subscriptions > 0
            && session.resp == 2
            && !SUBSCRIBED_MODE.contains(&entry.spec.name)
        {
            let name = stats_name(entry, argv);
            let line = format!(
                "ERR Can't execute '{name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"
            );
            self.server.stats.record_rejected(&name);
            self.server.stats.record_error(&line);
            return Step::Reply(Reply::error(line));
        }
        // A monitor is a replica to Redis: it may not touch the keyspace.
        if session.monitor && crate::monitor::refused_to_monitor(entry.spec, argv) {
            let line = crate::monitor::REPLICA_REFUSED;
            self.server.stats.record_rejected(&stats_name(entry, argv));
            self.server.stats.record_error(line);
            return Step::Reply(Reply::error(line));
        }
        let savepoint = safe
            && (entry.spec.is_write()
                || entry.spec.flags.contains(crate::command::Flags::MAY_WRITE));
        if savepoint {
            if let Err(e) = self.engine.savepoint() {
                return Step::Reply(CommandError::Internal(e).to_reply());
            }
        }
        let started = self.clock.last;
        self.engine.set_clock(self.clock.wall_ms(started));
        self.engine.select(session.db);
        self.engine.set_tracking(self.wants_modified());
        self.coord.script_read = false;
        self.coord.changes_base = self.engine.changes();
        let events_before = self.coord.events.len();
        let (expired, created) = self.wants_key_events();
        self.engine.set_key_reports(expired, created);
        crate::server::Stats::add(&self.server.stats.total_commands_processed, 1);
        self.coord.client = session.id;
        self.coord.may_block = may_block;
        self.coord.block = None;
        self.coord.undo = None;
        // Read-only commands are counted after they ran, unless they counted
        // themselves: the outcome is the same, as they change no key.
        let read_only = entry.spec.flags.contains(crate::command::Flags::READONLY);
        let early_lookups = if read_only {
            (0, 0)
        } else {
            self.read_lookups(entry, argv)
        };
        self.coord.lookups = None;
        // Scripts show before the commands they run (Redis' evalCommand feeds
        // MONITOR itself, first); everything else once it ran.
        let shown_first = entry
            .spec
            .flags
            .contains(crate::command::Flags::SKIP_MONITOR);
        if shown_first {
            self.feed_monitors(Some(entry), argv, session, None);
        }
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
            let mut ctx = Ctx {
                engine: &mut self.engine,
                session,
                registry: &self.registry,
                server: &self.server,
                coord: &mut self.coord,
                ext: &mut self.ext,
                inbox: &mut self.inbox,
            };
            (entry.run)(&mut Args::command(argv), &mut ctx)
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
            return Step::Broken;
        }
        // A failed command publishes nothing; what it expired on the way stays
        // expired (unless the savepoint below undoes it).
        if result.is_err() {
            self.coord.events.truncate(events_before);
        }
        if !shown_first {
            self.feed_monitors(Some(entry), argv, session, Some(&result));
        }
        if broken {
            self.engine.take_expired();
            self.engine.take_created();
            self.engine.take_changes();
            self.coord.created.clear();
        } else {
            push_engine_events(&mut self.engine, &self.server, &mut self.coord, None);
        }
        if savepoint {
            let done = if broken {
                self.engine.rollback_savepoint()
            } else {
                self.engine.release_savepoint()
            };
            if let Err(e) = done {
                return Step::Reply(CommandError::Internal(e).to_reply());
            }
        }
        for db in std::mem::take(&mut self.coord.offer_dbs) {
            ready.extend(self.waiters.by_key.keys().filter(|k| k.db == db).cloned());
        }
        for key in std::mem::take(&mut self.coord.offer_keys) {
            if self.waiters.by_key.contains_key(&key) {
                ready.push(key);
            }
        }
        let modified = self.engine.take_modified();
        if self.coord.tracking.active() {
            self.track(entry, argv, session.id, &modified);
        }
        if !modified.keys.is_empty() {
            self.coord.modified(&modified.keys);
            ready.extend(
                modified
                    .keys
                    .into_iter()
                    .filter(|k| self.waiters.by_key.contains_key(k)),
            );
        }
        if let Some(mut request) = self.coord.block.take() {
            if may_block && !broken {
                request.db = session.db;
                return Step::Block(request);
            }
        }
        if let (Some(undo), Ok(_)) = (self.coord.undo.take(), &result) {
            self.undo.push((session.db, undo));
        }
        // Redis looks keys up after parsing the arguments and before the
        // type check: a command failing otherwise never got to its lookups.
        if matches!(result, Ok(_) | Err(CommandError::WrongType)) {
            let lookups = match self.coord.lookups.take() {
                Some(counted) => counted,
                None if read_only => self.read_lookups(entry, argv),
                None => early_lookups,
            };
            let stats = &self.server.stats;
            if lookups.0 > 0 {
                crate::server::Stats::add(&stats.keyspace_hits, lookups.0);
            }
            if lookups.1 > 0 {
                crate::server::Stats::add(&stats.keyspace_misses, lookups.1);
            }
        }
        let reply = match result {
            Ok(reply) => reply,
            Err(e) => e.to_reply(),
        };
        // `rdb_changes_since_last_save`: what the command changed (a
        // SETBIT that leaves its bit alone changes nothing), as Redis counts.
        let changes = self.engine.take_changes();
        if changes > 0 {
            self.server.note_dirty(changes);
        }
        self.account(entry, argv, session, started, &reply);
        Step::Reply(reply)
    }

    /// INFO `keyspace_hits`/`keyspace_misses`: the keys `entry` looks up for
    /// reading (Redis' `lookupKeyRead`; write lookups do not count), checked
    /// before it runs. Returns (hits, misses).
    /// A miss is a `keymiss` event (class `m`) on the running client's
    /// database.
    fn read_lookups(&mut self, entry: &'static CommandEntry, argv: &[Bytes]) -> (u64, u64) {
        let (mut hits, mut misses) = (0, 0);
        let flags = self.server.pubsub.notify_flags();
        // OBJECT's lookups count but never notify (Redis' LOOKUP_NONOTIFY).
        let keymiss = flags & Class::KEY_MISS.0 != 0
            && self.server.pubsub.has_subscribers()
            && entry.spec.name != "object";
        for i in read_lookup_positions(entry.spec, argv) {
            match self.engine.meta(&argv[i]) {
                Ok(Some(_)) => hits += 1,
                Ok(None) => {
                    misses += 1;
                    if keymiss {
                        let db = self.engine.selected();
                        crate::command::push_event(
                            &self.server,
                            &mut self.coord,
                            flags,
                            "keymiss",
                            db,
                            &argv[i],
                        );
                    }
                }
                Err(_) => {}
            }
        }
        (hits, misses)
    }

    /// Accounts a command that ran (see [`account`]) and moves the clock.
    fn account(
        &mut self,
        entry: &'static CommandEntry,
        argv: &[Bytes],
        session: &Session,
        started: Instant,
        reply: &Reply,
    ) {
        let ended = Instant::now();
        self.clock.last = ended;
        let usec = ended.saturating_duration_since(started).as_micros() as u64;
        // The entry's last field is the client's name (CLIENT SETNAME).
        let client_name = session.name.as_deref().unwrap_or_default();
        account(
            &self.server,
            entry,
            argv,
            usec,
            reply,
            &session.peer,
            client_name,
        );
    }

    /// MONITOR: queues the line of a command that ran (`entry` with its
    /// `result`), or of an answer decided before (`None`: MULTI, EXEC, ...),
    /// unless Redis hides it. One atomic load when nobody monitors.
    fn feed_monitors(
        &mut self,
        entry: Option<&'static CommandEntry>,
        argv: &[Bytes],
        session: &Session,
        result: Option<&Result<Reply, CommandError>>,
    ) {
        if !self.server.pubsub.has_monitors() || self.rerun {
            return;
        }
        let name = entry.map_or("", |e| e.spec.name);
        if let (Some(entry), Some(result)) = (entry, result) {
            let hidden = match result {
                Ok(reply) => crate::monitor::hidden(entry.spec, argv, reply),
                Err(e) => crate::monitor::hidden(entry.spec, argv, &e.to_reply()),
            };
            if hidden {
                return;
            }
        }
        let mark = self.mark();
        crate::monitor::feed(
            &self.server,
            &mut self.coord,
            session.db,
            &session.peer,
            name,
            argv,
            mark,
        );
    }

    /// Does anyone listen for `expired` events (so the engine must name the
    /// keys it expires)?
    /// Would `expired` / `new` events be published? The engine records
    /// those keys only then.
    fn wants_key_events(&self) -> (bool, bool) {
        let flags = self.server.pubsub.notify_flags();
        let on = flags & (Class::KEYSPACE.0 | Class::KEYEVENT.0) != 0
            && self.server.pubsub.has_subscribers();
        // Expired keys and expired hash fields are reported together.
        let expiries = Class::EXPIRED.0 | Class::HASH.0 | Class::GENERIC.0;
        (on && flags & expiries != 0, on && flags & Class::NEW.0 != 0)
    }

    /// After a commit, before its replies are released: hands the messages
    /// the committed commands published to their recipients.
    fn publish_events(&mut self) {
        let events = std::mem::take(&mut self.coord.events);
        if !events.is_empty() {
            crate::pubsub::deliver(events);
        }
    }

    /// The number of the last command run (a reply's mark).
    fn mark(&self) -> u64 {
        self.server.pubsub.seq()
    }

    /// Does anyone need the keys a command modifies (WATCH, blocked clients,
    /// CLIENT TRACKING)? The engine records them only then.
    fn wants_modified(&self) -> bool {
        self.coord.has_watchers() || !self.waiters.is_empty() || self.coord.tracking.active()
    }

    /// CLIENT TRACKING after a command: the keys a tracking client read are
    /// remembered (a script's declared keys when it read anything), and
    /// every modified key is invalidated: now for other clients, after the
    /// reply for the running one.
    fn track(
        &mut self,
        entry: &'static CommandEntry,
        argv: &[Bytes],
        client: u64,
        modified: &crate::engine::sqlite::Modified,
    ) {
        let flags = entry.spec.flags;
        let reads = if flags.contains(crate::command::Flags::RUNS_SCRIPT) {
            self.coord.script_read
        } else {
            flags.contains(crate::command::Flags::READONLY)
                && !flags.contains(crate::command::Flags::PUBSUB)
        };
        if reads {
            if let Some(positions) = entry.spec.key_positions(argv) {
                let keys = positions.into_iter().filter_map(|i| argv.get(i));
                self.coord.tracking.remember(client, keys);
            }
        }
        self.invalidate_modified(modified, client);
    }

    /// CLIENT TRACKING: invalidations for the keys `client` modified (0: no
    /// client, the sweeper), now for others, after its reply for itself.
    fn invalidate_modified(&mut self, modified: &crate::engine::sqlite::Modified, client: u64) {
        let mut sends = Vec::new();
        for (key, expired) in modified.keys.iter().zip(&modified.expired) {
            let by = (!expired && client != 0).then_some(client);
            sends.extend(self.coord.tracking.invalidate(&key.key, by, client, true));
        }
        let seq = self.coord.seq;
        self.coord
            .send_invalidations(&self.server.pubsub, sends, seq);
    }

    /// After a top-level request: CLIENT CACHING's effect ends (unless the
    /// request was CLIENT itself), and the client's own invalidations follow
    /// its reply: numbered after it, before its next command's.
    fn tracking_request_done(&mut self, req: &Request, client: u64) {
        // MULTI and QUEUED (answered by the connection) keep it for EXEC.
        let done = match req {
            Request::Run { entry, .. } => entry.spec.name != "client",
            Request::Exec { .. } => true,
            Request::Reply(_) | Request::Shown { .. } => false,
        };
        if done {
            self.coord.tracking.command_done(client);
        }
        self.tracking_flush_pending();
    }

    /// Routes the running client's own invalidations, numbered after the
    /// reply just made.
    fn tracking_flush_pending(&mut self) {
        let pending = self.coord.tracking.take_pending();
        if !pending.is_empty() {
            let seq = self.server.pubsub.seq() + 1;
            self.coord
                .send_invalidations(&self.server.pubsub, pending, seq);
        }
    }

    /// At the end of a group: BCAST prefixes' keys, and the keys forgotten
    /// over `tracking-table-max-keys`; numbered after every reply of the
    /// group. After a rolled-back group, every tracking client is told to
    /// drop everything (what the replay no longer invalidates).
    fn tracking_group_done(&mut self, rolled_back: bool) {
        if !self.coord.tracking.active() {
            return;
        }
        let max = self
            .server
            .settings
            .read()
            .expect("settings lock")
            .params
            .get("tracking-table-max-keys")
            .and_then(|v| v.parse().ok())
            .unwrap_or(1_000_000);
        let mut sends = self.coord.tracking.broadcast();
        sends.extend(self.coord.tracking.evict(max));
        if rolled_back {
            sends.extend(self.coord.tracking.flush(0));
        }
        let seq = self.server.pubsub.seq() + 1;
        self.coord
            .send_invalidations(&self.server.pubsub, sends, seq);
    }

    /// Serves blocked clients in a transaction of their own (after a
    /// give-back, or when only the clock or CLIENT UNBLOCK made them due).
    fn serve(&mut self, ready: Vec<DbKey>) {
        self.clock.sync();
        let timed_out = self
            .waiters
            .next_deadline()
            .is_some_and(|at| at <= Instant::now());
        if ready.is_empty() && !timed_out && self.coord.unblock.is_empty() {
            return;
        }
        self.txn += 1;
        if let Err(e) = self.engine.begin() {
            tracing::error!(error = %e, "cannot begin a transaction to serve blocked clients");
            return;
        }
        let mut finished = Vec::new();
        self.serve_ready(ready, &mut finished);
        self.finish(finished, false);
    }

    /// Serves blocked clients inside the open transaction: CLIENT UNBLOCK
    /// requests, timeouts, then waiters on keys that were written, in FIFO
    /// order per key, in safe mode (a savepoint per write). Batches that
    /// finish go to `finished`.
    fn serve_ready(&mut self, mut ready: Vec<DbKey>, finished: &mut Vec<Suspended>) {
        // Resumed batches may write more keys or unblock others: loop until quiet.
        loop {
            for (client, error) in std::mem::take(&mut self.coord.unblock) {
                if let Some(id) = self.waiters.by_client.get(&client).copied() {
                    let waiter = self.waiters.remove(id).expect("indexed waiter");
                    let reply = if error {
                        Reply::error("UNBLOCKED client unblocked via CLIENT UNBLOCK")
                    } else {
                        waiter.on_timeout.clone()
                    };
                    self.resume(waiter, reply, &mut ready, finished);
                }
            }
            let now = Instant::now();
            while let Some(&(at, id)) = self.waiters.deadlines.first() {
                if at > now {
                    break;
                }
                let waiter = self.waiters.remove(id).expect("indexed waiter");
                let reply = waiter.on_timeout.clone();
                self.resume(waiter, reply, &mut ready, finished);
            }
            if ready.is_empty() && self.coord.unblock.is_empty() {
                return;
            }
            let mut keys = std::mem::take(&mut ready);
            keys.sort();
            keys.dedup();
            for key in keys {
                self.serve_key(&key, &mut ready, finished);
            }
        }
    }

    /// Commits the open transaction and releases the replies of the batches
    /// it ran. If the commit fails, every reply this transaction made becomes
    /// the error, batches that blocked again in it fail where they wait, and
    /// what they popped in it is not given back (it was never popped).
    /// False if the commit failed.
    fn finish(&mut self, mut finished: Vec<Suspended>, rolled_back: bool) -> bool {
        let committed = match self.engine.commit() {
            Ok(()) => true,
            Err(e) => {
                tracing::error!(error = %e, "commit failed; the transaction is rolled back");
                let _ = self.engine.rollback();
                self.coord.events.clear();
                let reply = CommandError::Internal(e).to_reply();
                let mark = self.mark();
                let txn = self.txn;
                let again: Vec<u64> = self
                    .waiters
                    .all
                    .iter()
                    .filter(|(_, w)| w.job.txn == txn)
                    .map(|(id, _)| *id)
                    .collect();
                for id in again {
                    let waiter = self.waiters.remove(id).expect("indexed waiter");
                    self.coord.blocked.remove(&waiter.client);
                    let mut job = waiter.job;
                    // The blocking command and the ones after it.
                    for _ in 0..=job.rest.len() {
                        job.replies.push(reply.clone(), mark);
                    }
                    job.rest.clear();
                    finished.push(job);
                }
                for job in &mut finished {
                    for r in &mut job.replies.items[job.committed_replies..] {
                        *r = reply.clone();
                    }
                    job.undo.truncate(job.committed_undo);
                }
                false
            }
        };
        self.tracking_group_done(rolled_back || !committed);
        self.publish_events();
        self.post(finished);
        committed
    }

    /// Hands finished batches to the courier; what a vanished client's
    /// batch popped goes back.
    fn post(&mut self, finished: Vec<Suspended>) {
        let mut undo = Vec::new();
        for job in finished {
            if let Err(back) =
                self.inbox
                    .outbox
                    .post(job.done, job.replies.result(job.session), job.undo)
            {
                undo.extend(back);
            }
        }
        self.give_back(undo);
    }

    /// Offers a written key to its waiters, oldest first, until one finds
    /// nothing (the key is drained). True if any was served.
    fn serve_key(
        &mut self,
        key: &DbKey,
        ready: &mut Vec<DbKey>,
        finished: &mut Vec<Suspended>,
    ) -> bool {
        let mut served = false;
        loop {
            let Some(id) = self
                .waiters
                .by_key
                .get(key)
                .and_then(|q| q.front().copied())
            else {
                return served;
            };
            let waiter = self.waiters.all.get(&id).expect("indexed waiter");
            if waiter.job.done.is_closed() {
                // The client hung up: skip it, never hand it an element.
                let gone = self.waiters.remove(id).expect("indexed waiter");
                self.coord.blocked.remove(&gone.client);
                continue;
            }
            // The key holds another type (a SET over a list): as in Redis,
            // this client waits on for a push of its type, and so do the
            // ones behind it.
            if let Some(wants) = waiter.wants {
                self.engine.select(key.db);
                match self.engine.meta(&key.key) {
                    Ok(Some(meta)) if meta.key_type != wants => return served,
                    _ => {}
                }
            }
            let (entry, argv) = (waiter.entry, waiter.argv.clone());
            let mut session = waiter.job.session.clone();
            self.undo.clear();
            self.rerun = true;
            self.coord.waking = true;
            let step = self.execute(entry, &argv, &mut session, true, true, ready);
            self.coord.waking = false;
            self.rerun = false;
            match step {
                Step::Block(_) => return served,
                Step::Broken => unreachable!("safe mode"),
                Step::Reply(reply) => {
                    let mut waiter = self.waiters.remove(id).expect("indexed waiter");
                    waiter.job.session = session;
                    self.resume(waiter, reply, ready, finished);
                    served = true;
                }
            }
        }
    }

    /// A waiter got its reply: run the rest of its batch (which may block again).
    fn resume(
        &mut self,
        waiter: Waiter,
        reply: Reply,
        ready: &mut Vec<DbKey>,
        finished: &mut Vec<Suspended>,
    ) {
        self.coord.blocked.remove(&waiter.client);
        let mut job = waiter.job;
        if job.txn != self.txn {
            job.txn = self.txn;
            job.committed_replies = job.replies.items.len();
            job.committed_undo = job.undo.len();
        }
        job.replies.push(reply, self.mark());
        // Its own invalidations (BLMOVE into a key it reads) follow its reply.
        self.tracking_flush_pending();
        // What the served command popped (if anything) belongs to this batch.
        job.undo.append(&mut self.undo);
        while let Some(req) = job.rest.pop_front() {
            let step = self.run_request(&req, &mut job.session, true, true, ready);
            job.undo.append(&mut self.undo);
            match step {
                Step::Reply(r) => job.replies.push(r, self.mark()),
                Step::Broken => unreachable!("safe mode"),
                Step::Block(request) => {
                    if let Err(message) = self.waiters.check_limits(&request) {
                        job.replies.push(Reply::error(message), self.mark());
                        continue;
                    }
                    let Request::Run { entry, argv } = req else {
                        unreachable!("only commands block")
                    };
                    ready.extend(request.db_keys());
                    self.suspend(job, request, entry, argv);
                    return;
                }
            }
        }
        finished.push(job);
    }

    /// Elements popped for clients that vanished before their reply was sent go
    /// back where they came from.
    /// Serves the clients that the returned elements wake in the same
    /// transaction.
    fn give_back(&mut self, undo: Vec<Undo>) {
        if undo.is_empty() {
            return;
        }
        self.txn += 1;
        if self.engine.begin().is_err() {
            return;
        }
        let mut session = Session::default();
        let mut ready = Vec::new();
        for (db, argv) in undo {
            session.db = db;
            // By built-in name: a renamed ZADD or RPUSH still gives back.
            let name = String::from_utf8_lossy(&argv[0]).to_ascii_lowercase();
            match self.registry.builtin(&name) {
                Some(entry) => {
                    self.rerun = true;
                    self.execute(entry, &argv, &mut session, true, false, &mut ready);
                    self.rerun = false;
                }
                None => tracing::error!("give-back command is not registered"),
            }
        }
        let mut finished = Vec::new();
        self.serve_ready(ready, &mut finished);
        self.finish(finished, false);
    }

    fn sweep(&mut self) {
        self.last_sweep = Instant::now();
        self.engine.set_clock(crate::util::now_ms());
        self.engine
            .set_key_reports(self.wants_key_events().0, false);
        self.engine.set_tracking(self.wants_modified());
        self.coord.seq = self.server.pubsub.next_seq();
        if let Err(e) = self.engine.sweep_expired(SWEEP_LIMIT) {
            tracing::warn!(error = %e, "expiry sweep failed");
        }
        push_engine_events(&mut self.engine, &self.server, &mut self.coord, None);
        let modified = self.engine.take_modified();
        self.coord.modified(&modified.keys);
        self.invalidate_modified(&modified, 0);
    }

    fn idle_sweep(&mut self) {
        if self.engine.begin().is_err() {
            return;
        }
        self.coord.events.clear();
        self.sweep();
        let failed = self.engine.commit().is_err();
        if failed {
            let _ = self.engine.rollback();
            self.coord.events.clear();
        }
        self.tracking_group_done(failed);
        self.publish_events();
    }
}

/// `client|list` for container commands (accounted per subcommand, as
/// Redis does), the plain name otherwise.
pub(crate) fn stats_name(
    entry: &'static CommandEntry,
    argv: &[Bytes],
) -> std::borrow::Cow<'static, str> {
    match (entry.spec.arity, argv.get(1)) {
        (-2, Some(sub)) if CONTAINERS.contains(&entry.spec.name) => format!(
            "{}|{}",
            entry.spec.name,
            String::from_utf8_lossy(sub).to_lowercase()
        )
        .into(),
        _ => entry.spec.name.into(),
    }
}

/// INFO commandstats/errorstats, SLOWLOG and the changes-since-save count of
/// a command that ran, from a client at `addr` named `client_name`, or from a
/// script (`call_nested`).
pub(crate) fn account(
    server: &ServerState,
    entry: &'static CommandEntry,
    argv: &[Bytes],
    usec: u64,
    reply: &Reply,
    addr: &str,
    client_name: &[u8],
) {
    let stats = &server.stats;
    stats.record_call(&stats_name(entry, argv), usec, reply.is_error());
    if let Reply::Error(line) = reply {
        stats.record_error(line);
    }
    server.slowlog_record(usec, argv, addr, client_name);
}

fn clone_request(req: &Request) -> Request {
    match req {
        Request::Run { entry, argv } => Request::Run {
            entry,
            argv: argv.clone(),
        },
        Request::Reply(r) => Request::Reply(r.clone()),
        Request::Exec {
            commands,
            aborted,
            argv,
        } => Request::Exec {
            commands: commands.clone(),
            aborted: *aborted,
            argv: argv.clone(),
        },
        Request::Shown { reply, argv } => Request::Shown {
            reply: reply.clone(),
            argv: argv.clone(),
        },
    }
}
