//! Commands as plug-ins: a static [`CommandSpec`] plus a type implementing
//! [`Command`], registered with [`register_command!`]. Dispatch, arity checks and
//! `COMMAND` introspection are all driven by the specs.

mod args;
mod error;
mod ext;
mod nested;
mod registry;
mod spec;

pub use args::Args;
pub use error::CommandError;
pub use ext::Extensions;
pub use nested::{Nested, NestedError, NestedOptions};
pub use registry::{Registry, RegistryError};
pub use spec::{finders, CommandEntry, CommandSpec, Flags, KeyFinder, MayWrite, SubSpec};

use crate::engine::Engine;
use crate::protocol::Reply;
pub use crate::pubsub::Class;

/// A command: parsing (pure, from arguments) kept apart from applying (against
/// the engine), as in mini-redis, so that parse errors never touch storage.
pub trait Command: Sized {
    const SPEC: CommandSpec;

    /// Reads the arguments after the command name.
    fn parse(args: &mut Args) -> Result<Self, CommandError>;

    /// Runs the command on the storage thread, inside the batch's transaction.
    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError>;
}

/// Per-connection state that commands may read or change (SELECT, HELLO, QUIT...).
/// It travels with each batch to the storage thread and back, so no lock guards it.
#[derive(Debug, Clone, Default)]
pub struct Session {
    pub id: u64,
    /// 2 or 3, as negotiated by HELLO.
    pub resp: u8,
    /// The selected database (SELECT).
    pub db: u32,
    pub name: Option<bytes::Bytes>,
    /// Shared, so cloning a session per batch allocates nothing.
    pub peer: std::sync::Arc<str>,
    /// Set by QUIT: the connection closes once this batch's replies are written.
    pub close_after_reply: bool,
    /// Channels plus patterns this client is subscribed to (RESP2 clients with
    /// any may only run the pub/sub commands, PING, QUIT and RESET).
    pub subscriptions: usize,
    /// CLIENT REPLY: whether replies are sent.
    pub reply_mode: ReplyMode,
    /// Set by MONITOR, cleared by RESET: commands that touch the keyspace
    /// are refused (Redis treats a monitor as a replica).
    pub monitor: bool,
}

/// CLIENT REPLY ON|OFF|SKIP.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ReplyMode {
    #[default]
    On,
    Off,
    /// Set by CLIENT REPLY SKIP: the next command's reply is dropped.
    SkipNext,
    /// The running command's reply is dropped (the one after SKIP).
    Skip,
}

/// What a command sees while it runs.
pub struct Ctx<'a> {
    pub engine: &'a mut dyn Engine,
    pub session: &'a mut Session,
    pub registry: &'a Registry,
    /// Server-wide state: counters, live configuration, connected clients.
    pub server: &'a crate::server::ServerState,
    /// WATCH and blocking: what this command asks of the storage thread.
    pub coord: &'a mut crate::blocking::Coordination,
    /// What capabilities keep on the storage thread (script caches, ...).
    pub ext: &'a mut Extensions,
    /// Clients queued behind this command (a long script answers them BUSY).
    pub inbox: &'a mut crate::executor::Inbox,
}

impl Ctx<'_> {
    /// The command's clock (ms since epoch), fixed when it started, as in Redis.
    pub fn now_ms(&self) -> i64 {
        self.engine.now_ms()
    }

    /// A keyspace event (Redis' `notifyKeyspaceEvent`): published on
    /// `__keyspace@<db>__:<key>` and `__keyevent@<db>__:<event>` as the
    /// `notify-keyspace-events` flags ask, once the group has committed, and
    /// dropped if the command fails. Costs two atomic loads when off.
    pub fn notify(&mut self, class: Class, event: &'static str, key: &[u8]) {
        self.notify_in(self.session.db, class, event, key);
    }

    /// As [`notify`](Self::notify), for a key of another database (MOVE, COPY ... DB).
    pub fn notify_in(&mut self, db: u32, class: Class, event: &'static str, key: &[u8]) {
        let pubsub = &self.server.pubsub;
        let flags = pubsub.notify_flags();
        let wanted = flags & class.0 != 0;
        if !(wanted || flags & Class::NEW.0 != 0) || !pubsub.has_subscribers() {
            return;
        }
        // Keys that expired while this command looked them up come first,
        // then `new` if it created this key, as Redis publishes them (MSET:
        // new a, set a, new b, set b), whether or not this event's class is on.
        push_engine_events(self.engine, self.server, self.coord, Some((db, key)));
        if wanted {
            self.push_event(flags, event, db, key);
        }
    }

    /// FLUSHDB / FLUSHALL: every tracking client drops all its cached keys
    /// (a null invalidation; the running client's after its reply).
    pub fn invalidate_tracked(&mut self) {
        if !self.coord.tracking.active() {
            return;
        }
        let sends = self.coord.tracking.flush(self.session.id);
        let seq = self.coord.seq;
        self.coord
            .send_invalidations(&self.server.pubsub, sends, seq);
    }

    /// Sets the running command's `rdb_changes_since_last_save` increment
    /// to Redis' count, where the engine's count of writes differs (BITFIELD
    /// grows a string, then writes into it: one change, as in Redis).
    pub fn count_changes(&mut self, n: u64) {
        self.engine.set_changes(self.coord.changes_base + n);
    }

    /// Publishes now the `new` events of the keys created so far: RENAME and
    /// MOVE create their destination before they name their source.
    pub fn notify_created(&mut self) {
        push_engine_events(self.engine, self.server, self.coord, None);
    }

    /// Would an event of `class` be published (for commands that must look
    /// something up to name their event)?
    pub fn notifies(&self, class: Class) -> bool {
        let pubsub = &self.server.pubsub;
        pubsub.notify_flags() & class.0 != 0 && pubsub.has_subscribers()
    }

    /// INFO `keyspace_hits`/`keyspace_misses`: a key this command looked up
    /// for reading was found (of any type) or not. A read command that calls
    /// this spares the executor its own lookup of each key before the command
    /// runs, a query per key: hot read commands (GET, MGET) do. A miss is
    /// a `keymiss` event (class `m`).
    pub fn count_lookup(&mut self, key: &[u8], found: bool) {
        let (hits, misses) = self.coord.lookups.get_or_insert((0, 0));
        if found {
            *hits += 1;
        } else {
            *misses += 1;
            self.notify(Class::KEY_MISS, "keymiss", key);
        }
    }

    /// After a write that may have emptied a container: `del` if `key` is gone.
    pub fn notify_if_deleted(&mut self, key: &[u8]) {
        let pubsub = &self.server.pubsub;
        if pubsub.notify_flags() & Class::GENERIC.0 == 0 || !pubsub.has_subscribers() {
            return;
        }
        if matches!(self.engine.meta(key), Ok(None)) {
            self.notify(Class::GENERIC, "del", key);
        }
    }

    fn push_event(&mut self, flags: u32, event: &'static str, db: u32, key: &[u8]) {
        push_event(self.server, self.coord, flags, event, db, key);
    }

    /// PUBLISH: the number of clients that will receive the message, delivered
    /// once the group has committed (in order with keyspace events).
    pub fn publish(&mut self, channel: bytes::Bytes, message: bytes::Bytes) -> usize {
        let routed = self.server.pubsub.route(channel, message);
        self.hold(routed)
    }

    /// SPUBLISH: as [`publish`](Self::publish), to shard channel subscribers.
    pub fn spublish(&mut self, channel: bytes::Bytes, message: bytes::Bytes) -> usize {
        let routed = self.server.pubsub.route_sharded(channel, message);
        self.hold(routed)
    }

    /// Holds a routed message for delivery after the commit; its receivers.
    fn hold(&mut self, mut routed: crate::pubsub::Routed) -> usize {
        let n = routed.receivers();
        if n > 0 {
            routed.seq = self.coord.seq;
            self.coord.events.push(routed);
        }
        n
    }
}

/// `expired` events for the keys `engine` expired since it was last asked,
/// `hexpired` (and `del`) for the hashes whose fields it expired, then `new` events for the keys it created: only `until` when given (the
/// key of the event about to be published; commands may write in another
/// order than they notify), else all.
pub(crate) fn push_engine_events(
    engine: &mut dyn Engine,
    server: &crate::server::ServerState,
    coord: &mut crate::blocking::Coordination,
    until: Option<(u32, &[u8])>,
) {
    let flags = server.pubsub.notify_flags();
    let expired = engine.take_expired();
    if flags & Class::EXPIRED.0 != 0 {
        for key in expired {
            push_event(server, coord, flags, "expired", key.db, &key.key);
        }
    }
    for (key, gone) in engine.take_expired_fields() {
        if flags & Class::HASH.0 != 0 {
            push_event(server, coord, flags, "hexpired", key.db, &key.key);
        }
        if gone && flags & Class::GENERIC.0 != 0 {
            push_event(server, coord, flags, "del", key.db, &key.key);
        }
    }
    coord.created.extend(engine.take_created());
    let created: Vec<_> = match until {
        None => std::mem::take(&mut coord.created),
        Some((db, key)) => match coord
            .created
            .iter()
            .position(|k| k.db == db && k.key == key)
        {
            Some(at) => vec![coord.created.remove(at)],
            None => Vec::new(),
        },
    };
    if flags & Class::NEW.0 != 0 {
        for key in created {
            push_event(server, coord, flags, "new", key.db, &key.key);
        }
    }
}

pub(crate) fn push_event(
    server: &crate::server::ServerState,
    coord: &mut crate::blocking::Coordination,
    flags: u32,
    event: &'static str,
    db: u32,
    key: &[u8],
) {
    let pubsub = &server.pubsub;
    if flags & Class::KEYSPACE.0 != 0 {
        let mut channel = Vec::with_capacity(18 + key.len());
        channel.extend_from_slice(format!("__keyspace@{db}__:").as_bytes());
        channel.extend_from_slice(key);
        let mut routed = pubsub.route(channel.into(), bytes::Bytes::from_static(event.as_bytes()));
        if routed.receivers() > 0 {
            routed.seq = coord.seq;
            coord.events.push(routed);
        }
    }
    if flags & Class::KEYEVENT.0 != 0 {
        let channel = format!("__keyevent@{db}__:{event}");
        let mut routed = pubsub.route(channel.into(), bytes::Bytes::copy_from_slice(key));
        if routed.receivers() > 0 {
            routed.seq = coord.seq;
            coord.events.push(routed);
        }
    }
}

/// Registers command types with the global registry:
/// `resplite_core::register_command!(Get, Set);`
#[macro_export]
macro_rules! register_command {
    ($($cmd:ty),+ $(,)?) => {
        $(
            $crate::inventory::submit! {
                $crate::command::CommandEntry {
                    spec: &<$cmd as $crate::command::Command>::SPEC,
                    run: $crate::command::run_command::<$cmd>,
                }
            }
        )+
    };
}

/// Parse-then-apply, the function every registered entry points at.
#[doc(hidden)]
pub fn run_command<C: Command>(args: &mut Args, ctx: &mut Ctx) -> Result<Reply, CommandError> {
    let cmd = C::parse(args)?;
    args.expect_end()?;
    cmd.apply(ctx)
}
