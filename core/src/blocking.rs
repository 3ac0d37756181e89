//! What the storage thread coordinates across commands: WATCHed keys and
//! blocked clients. Commands reach it through [`Ctx::coord`](crate::command::Ctx);
//! the executor acts on what they ask for after each command.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use bytes::Bytes;

use crate::engine::DbKey;
use crate::protocol::Reply;

/// Limits from the original blocking manager.
pub const MAX_WAITERS_PER_KEY: usize = 10_000;
pub const MAX_TOTAL_WAITERS: usize = 50_000;
pub const MAX_KEYS_PER_WAIT: usize = 128;

/// A blocking command that found nothing to serve asks to wait.
#[derive(Debug, Clone)]
pub struct BlockRequest {
    /// Keys of the client's selected database (`db`, set by the executor).
    pub keys: Vec<Vec<u8>>,
    pub db: u32,
    /// `None` waits forever (timeout 0).
    pub timeout: Option<Duration>,
    /// The reply when the timeout fires (nil array for the list/zset pops).
    pub on_timeout: Reply,
    /// The command to re-run when a key is written, if not the one that
    /// blocked (XREAD's `$` becomes the id it meant when it blocked).
    pub rerun_as: Option<Vec<Bytes>>,
    /// The type a key must hold to serve this client: a BLPOP waits on
    /// through a SET of its key, as in Redis. `None`: re-run on any write
    /// (XREADGROUP learns that its stream is gone).
    pub wants: Option<crate::engine::KeyType>,
}

impl BlockRequest {
    /// A blocking command's request (the executor fills in the database).
    pub fn new(keys: Vec<Vec<u8>>, timeout: Option<Duration>, on_timeout: Reply) -> Self {
        BlockRequest {
            keys,
            db: 0,
            timeout,
            on_timeout,
            rerun_as: None,
            wants: None,
        }
    }

    /// Serves this client only when a key holds `ty` (see `wants`).
    pub fn wants(mut self, ty: crate::engine::KeyType) -> Self {
        self.wants = Some(ty);
        self
    }

    /// Re-runs `argv` instead of the blocked command when a key is written.
    pub fn rerun_as(mut self, argv: Vec<Bytes>) -> Self {
        self.rerun_as = Some(argv);
        self
    }

    pub(crate) fn db_keys(&self) -> Vec<DbKey> {
        self.keys
            .iter()
            .map(|k| DbKey::new(self.db, k.clone()))
            .collect()
    }
}

/// WATCHed keys: the only part of [`Coordination`] a group's replay must undo.
#[derive(Debug, Clone, Default)]
pub(crate) struct Watches {
    by_key: HashMap<DbKey, HashSet<u64>>,
    /// Per client: its watched keys and whether each existed at WATCH time (a
    /// key that existed and is gone at EXEC expired: the transaction aborts).
    of_client: HashMap<u64, Vec<(DbKey, bool)>>,
    dirty: HashSet<u64>,
}

#[derive(Debug, Default)]
pub struct Coordination {
    pub(crate) watches: Watches,
    pub(crate) blocked: HashSet<u64>,
    // Per command, reset by the executor before each one.
    pub(crate) client: u64,
    pub(crate) may_block: bool,
    pub(crate) block: Option<BlockRequest>,
    pub(crate) undo: Option<Vec<Bytes>>,
    /// Key lookups the command counted itself (hits, misses), see
    /// [`Ctx::count_lookup`](crate::command::Ctx::count_lookup).
    pub(crate) lookups: Option<(u64, u64)>,
    pub(crate) unblock: Vec<(u64, bool)>,
    /// SAVE/BGSAVE: checkpoint the WAL once the group has committed.
    pub(crate) checkpoint: bool,
    /// Databases whose waiters get offered their keys after this command
    /// (SWAPDB changes every key at once).
    pub(crate) offer_dbs: Vec<u32>,
    /// Keys whose waiters get offered them though they were not written
    /// (XGROUP DESTROY answers the group's waiters).
    pub(crate) offer_keys: Vec<DbKey>,
    /// The command runs again for a client blocked on a written key.
    pub(crate) waking: bool,
    /// The command was called by a script.
    pub(crate) in_script: bool,
    /// Messages (PUBLISH, keyspace events) waiting for the commit.
    pub(crate) events: Vec<crate::pubsub::Routed>,
    /// CLIENT TRACKING: who caches which keys.
    pub tracking: crate::tracking::Tracking,
    /// The running script called a read-only command (its keys are tracked).
    pub(crate) script_read: bool,
    /// The engine's change count when the running command started (see
    /// `Ctx::count_changes`).
    pub(crate) changes_base: u64,
    /// CLIENT PAUSE: until when, and whether reads wait too (ALL).
    pub(crate) pause: Option<Pause>,
    /// Keys the running command created whose `new` event waits for the
    /// command's first event on them (Redis publishes `new` just before).
    pub(crate) created: Vec<DbKey>,
    /// The running command's sequence number (tags its messages).
    pub(crate) seq: u64,
}

/// A CLIENT PAUSE in force.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pause {
    pub(crate) until: std::time::Instant,
    /// ALL: every command waits; WRITE: those that may write.
    pub(crate) all: bool,
}

impl Coordination {
    /// CLIENT PAUSE: commands (ALL) or writes (`all` false) from clients wait
    /// until `until`; a pause in force is only ever extended (the later end,
    /// the wider mode), as in Redis.
    pub fn pause(&mut self, until: std::time::Instant, all: bool) {
        self.pause = Some(match self.pause {
            Some(p) => Pause {
                until: p.until.max(until),
                all: p.all || all,
            },
            None => Pause { until, all },
        });
    }

    /// CLIENT UNPAUSE.
    pub fn unpause(&mut self) {
        self.pause = None;
    }

    /// Routes CLIENT TRACKING invalidations, tagged `seq`, to the messages
    /// waiting for the commit.
    pub(crate) fn send_invalidations(
        &mut self,
        pubsub: &crate::pubsub::PubSub,
        sends: Vec<crate::tracking::Invalidation>,
        seq: u64,
    ) {
        if !sends.is_empty() {
            crate::tracking::route(&mut self.tracking, pubsub, sends, seq, &mut self.events);
        }
    }

    /// WATCH: the running client watches `key`.
    pub fn watch(&mut self, key: DbKey, existed: bool) {
        let client = self.client;
        let w = &mut self.watches;
        let keys = w.of_client.entry(client).or_default();
        if keys.iter().any(|(k, _)| *k == key) {
            return;
        }
        keys.push((key.clone(), existed));
        w.by_key.entry(key).or_default().insert(client);
    }

    /// The keys anyone watches in database `db` (FLUSHDB and SWAPDB touch
    /// those that exist).
    pub fn watched_in(&self, db: u32) -> Vec<DbKey> {
        self.watches
            .by_key
            .keys()
            .filter(|k| k.db == db)
            .cloned()
            .collect()
    }

    /// The databases in which anyone watches a key.
    pub fn watched_dbs(&self) -> Vec<u32> {
        let mut dbs: Vec<u32> = self.watches.by_key.keys().map(|k| k.db).collect();
        dbs.sort_unstable();
        dbs.dedup();
        dbs
    }

    /// Marks the watchers of `key` dirty (a write the engine did not see as
    /// one, such as a FLUSHDB or SWAPDB).
    pub fn touch(&mut self, key: &DbKey) {
        self.modified(std::slice::from_ref(key));
    }

    /// UNWATCH (also done by EXEC and DISCARD) for the running client.
    pub fn unwatch(&mut self) {
        self.unwatch_client(self.client);
    }

    pub(crate) fn unwatch_client(&mut self, client: u64) {
        let w = &mut self.watches;
        w.dirty.remove(&client);
        for (key, _) in w.of_client.remove(&client).unwrap_or_default() {
            if let Some(set) = w.by_key.get_mut(&key) {
                set.remove(&client);
                if set.is_empty() {
                    w.by_key.remove(&key);
                }
            }
        }
    }

    pub(crate) fn has_watchers(&self) -> bool {
        !self.watches.by_key.is_empty()
    }

    /// Marks the watchers of modified keys dirty.
    pub(crate) fn modified(&mut self, keys: &[DbKey]) {
        let w = &mut self.watches;
        for key in keys {
            if let Some(clients) = w.by_key.get(key) {
                w.dirty.extend(clients.iter().copied());
            }
        }
    }

    /// Was anything the client watches modified? Also the watched keys that
    /// existed at WATCH time, for the caller to check for expiry.
    pub(crate) fn exec_check(&self, client: u64) -> (bool, Vec<DbKey>) {
        let existed = self
            .watches
            .of_client
            .get(&client)
            .map(|keys| {
                keys.iter()
                    .filter(|(_, e)| *e)
                    .map(|(k, _)| k.clone())
                    .collect()
            })
            .unwrap_or_default();
        (self.watches.dirty.contains(&client), existed)
    }

    /// False inside MULTI/EXEC and while serving a waiter: blocking commands
    /// then answer at once (nil when empty), as in Redis.
    pub fn may_block(&self) -> bool {
        self.may_block
    }

    /// Asks to block the running client (only when [`may_block`](Self::may_block)).
    pub fn block(&mut self, request: BlockRequest) {
        self.block = Some(request);
    }

    /// For a blocking command that just popped: the command that gives the
    /// element back if its client turns out to be gone before the reply is sent.
    pub fn give_back(&mut self, argv: Vec<Bytes>) {
        self.undo = Some(argv);
    }

    /// CLIENT UNBLOCK: true if `client` is blocked (it will be unblocked with a
    /// timeout reply, or an UNBLOCKED error when `error`).
    pub fn request_unblock(&mut self, client: u64, error: bool) -> bool {
        let blocked = self.blocked.contains(&client);
        if blocked {
            self.unblock.push((client, error));
        }
        blocked
    }

    /// After this command, offer every blocked client of database `db` its
    /// keys again.
    pub fn offer_waiters_in(&mut self, db: u32) {
        self.offer_dbs.push(db);
    }

    /// After this command, offer `key` to its waiters as if it was written.
    pub fn offer_key(&mut self, key: DbKey) {
        self.offer_keys.push(key);
    }

    /// True while the command runs again for a client that blocked (it may
    /// answer what Redis answers a blocked client, such as XREADGROUP's
    /// "no longer exists").
    pub fn waking(&self) -> bool {
        self.waking
    }

    /// True when a script called the command.
    pub fn in_script(&self) -> bool {
        self.in_script
    }

    /// SAVE/BGSAVE: move the WAL into the main file after this group commits
    /// (a checkpoint cannot run inside the group's transaction).
    pub fn request_checkpoint(&mut self) {
        self.checkpoint = true;
    }

    /// Is `client` waiting in a blocking command (CLIENT LIST flag `b`)?
    pub fn is_blocked(&self, client: u64) -> bool {
        self.blocked.contains(&client)
    }

    /// `blocked_clients` for INFO.
    pub fn blocked_clients(&self) -> usize {
        self.blocked.len()
    }

    /// The client running the current command.
    pub fn client(&self) -> u64 {
        self.client
    }
}
