//! In-memory publish/subscribe: channels, glob patterns, per-client mailboxes,
//! and the keyspace-notification flags (`notify-keyspace-events`). MONITOR
//! lines travel the same way (see `crate::monitor`): routed to the monitors'
//! mailboxes when a command ran, delivered after the commit, bounded by the
//! same output limit.
//!
//! Who does what:
//! - SUBSCRIBE and friends run on the storage thread like every command and
//!   change the [`PubSub`] hub at once.
//! - PUBLISH and keyspace notifications resolve their recipients when the
//!   command runs ([`PubSub::route`]) but are *held* by the executor until the
//!   group commits, then pushed into the recipients' [`Mailbox`]es in command
//!   order ([`deliver`]). Pushing is an `Arc` clone per recipient; nothing touches
//!   SQLite.
//! - Each connection task drains its own mailbox and encodes the messages for its
//!   protocol (RESP2 arrays, RESP3 pushes).
//!
//! A mailbox is bounded: bytes queued plus bytes being written count against the
//! `client-output-buffer-limit pubsub` hard limit (and soft limit over time); a
//! client past it is disconnected, its queue dropped, never grown without bound.
//!
//! Ordering: the storage thread numbers every command it runs. A delivery
//! carries the number of the command that produced it, and each reply the
//! number of the last command run when it was made; the connection writes a
//! reply after the messages numbered up to its own, as Redis' single output
//! buffer orders them (a PUBLISH to yourself: the message, then the count; a
//! SUBSCRIBE: the confirmation, then the messages it enables).

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::{BufMut, Bytes, BytesMut};
use tokio::sync::Notify;

use crate::util::glob::glob_match;

/// Keyspace-event classes, Redis' `NOTIFY_*` bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Class(pub u32);

impl Class {
    pub const KEYSPACE: Class = Class(1 << 0);
    pub const KEYEVENT: Class = Class(1 << 1);
    pub const GENERIC: Class = Class(1 << 2);
    pub const STRING: Class = Class(1 << 3);
    pub const LIST: Class = Class(1 << 4);
    pub const SET: Class = Class(1 << 5);
    pub const HASH: Class = Class(1 << 6);
    pub const ZSET: Class = Class(1 << 7);
    pub const EXPIRED: Class = Class(1 << 8);
    pub const EVICTED: Class = Class(1 << 9);
    pub const STREAM: Class = Class(1 << 10);
    pub const KEY_MISS: Class = Class(1 << 11);
    pub const MODULE: Class = Class(1 << 12);
    pub const NEW: Class = Class(1 << 13);
    /// `A`: every type class but key-miss and new.
    const ALL: u32 = Class::GENERIC.0
        | Class::STRING.0
        | Class::LIST.0
        | Class::SET.0
        | Class::HASH.0
        | Class::ZSET.0
        | Class::EXPIRED.0
        | Class::EVICTED.0
        | Class::STREAM.0
        | Class::MODULE.0;
}

/// Class characters in the order Redis prints them.
const CLASS_CHARS: [(char, Class); 10] = [
    ('g', Class::GENERIC),
    ('$', Class::STRING),
    ('l', Class::LIST),
    ('s', Class::SET),
    ('h', Class::HASH),
    ('z', Class::ZSET),
    ('x', Class::EXPIRED),
    ('e', Class::EVICTED),
    ('t', Class::STREAM),
    ('d', Class::MODULE),
];

/// `notify-keyspace-events` as Redis' `keyspaceEventsStringToFlags` reads it;
/// `None` for an unknown class character.
pub fn parse_notify_flags(input: &str) -> Option<u32> {
    let mut flags = 0;
    for c in input.chars() {
        flags |= match c {
            'A' => Class::ALL,
            'K' => Class::KEYSPACE.0,
            'E' => Class::KEYEVENT.0,
            'm' => Class::KEY_MISS.0,
            'n' => Class::NEW.0,
            c => CLASS_CHARS.iter().find(|(ch, _)| *ch == c)?.1 .0,
        };
    }
    Some(flags)
}

/// Redis' `keyspaceEventsFlagsToString`: `KEA` prints as `AKE`.
pub fn notify_flags_to_string(flags: u32) -> String {
    let mut out = String::new();
    if flags & Class::ALL == Class::ALL {
        out.push('A');
    } else {
        out.extend(
            CLASS_CHARS
                .iter()
                .filter(|(_, class)| flags & class.0 != 0)
                .map(|(c, _)| *c),
        );
        // As Redis prints it: `n` only without `A` (so `An` reads back as `A`).
        if flags & Class::NEW.0 != 0 {
            out.push('n');
        }
    }
    for (c, class) in [
        ('K', Class::KEYSPACE),
        ('E', Class::KEYEVENT),
        ('m', Class::KEY_MISS),
    ] {
        if flags & class.0 != 0 {
            out.push(c);
        }
    }
    out
}

/// A published message, shared by all its recipients.
#[derive(Debug)]
pub struct Message {
    pub channel: Bytes,
    pub payload: Bytes,
    /// Published with SPUBLISH: delivered as `smessage`.
    pub sharded: bool,
}

/// The three subscription kinds: SUBSCRIBE, PSUBSCRIBE and SSUBSCRIBE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubKind {
    Channel,
    Pattern,
    Shard,
}

/// One client's subscriptions, counted (CLIENT LIST `sub`/`psub`/`ssub`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SubCounts {
    pub channels: usize,
    pub patterns: usize,
    pub shards: usize,
    /// Output bytes waiting for the client (`omem`).
    pub pending: usize,
}

impl SubCounts {
    /// Any subscription at all: the client is in Redis' pub/sub context.
    pub fn total(&self) -> usize {
        self.channels + self.patterns + self.shards
    }

    /// What a (un)subscribe confirmation of `kind` counts: Redis counts
    /// shard channels apart from channels and patterns.
    pub fn of(&self, kind: SubKind) -> usize {
        match kind {
            SubKind::Shard => self.shards,
            _ => self.channels + self.patterns,
        }
    }
}

/// What a client's mailbox holds: a pub/sub message or a MONITOR line.
#[derive(Debug, Clone)]
pub enum Delivery {
    /// A published message: `message` or, through a pattern, `pmessage`.
    Message {
        pattern: Option<Bytes>,
        message: Arc<Message>,
    },
    /// A MONITOR line, already encoded (`+<time> [0 <addr>] "cmd" ...\r\n`),
    /// shared by every monitor.
    Line(Bytes),
    /// Client-side caching: these keys (`None`: all, after a flush) may have
    /// changed. A RESP3 client gets an `invalidate` push; a RESP2 one only
    /// through a redirect while subscribed, as a `__redis__:invalidate`
    /// message (Redis' rules).
    Invalidate {
        keys: Option<Arc<[Bytes]>>,
        redirected: bool,
        /// "All keys" is a null in the tracking client's protocol (`_` or
        /// `$-1`), whatever the receiving connection speaks, as Redis sends.
        null_resp3: bool,
    },
    /// The client a tracking client redirects to is gone (RESP3 only).
    RedirectBroken(u64),
}

impl Delivery {
    /// What counts against the output limit (Redis counts the encoded reply).
    fn cost(&self) -> usize {
        match self {
            Delivery::Message { pattern, message } => {
                message.channel.len()
                    + message.payload.len()
                    + pattern.as_ref().map_or(0, Bytes::len)
                    + 48
            }
            Delivery::Line(line) => line.len(),
            Delivery::Invalidate { keys, .. } => {
                keys.as_ref()
                    .map_or(0, |k| k.iter().map(|k| k.len() + 16).sum())
                    + 48
            }
            Delivery::RedirectBroken(_) => 48,
        }
    }

    /// Appends the wire form: `*3 message ch payload` (RESP2) or a `>` push
    /// (RESP3); `pmessage pattern ch payload` through a pattern. A MONITOR
    /// line is a simple string in both protocols, as Redis sends it.
    /// `subscribed`: the receiving RESP2 client has subscriptions (it may
    /// then get invalidations as messages).
    pub fn encode(&self, out: &mut BytesMut, resp3: bool, subscribed: bool) {
        let (pattern, message) = match self {
            Delivery::Message { pattern, message } => (pattern, message),
            Delivery::Line(line) => {
                out.put_slice(line);
                return;
            }
            Delivery::Invalidate {
                keys,
                redirected,
                null_resp3,
            } => {
                if resp3 {
                    out.put_slice(b">2\r\n");
                    bulk(out, b"invalidate");
                } else if *redirected && subscribed {
                    out.put_slice(b"*3\r\n");
                    bulk(out, b"message");
                    bulk(out, b"__redis__:invalidate");
                } else {
                    return;
                }
                match keys {
                    None if *null_resp3 => out.put_slice(b"_\r\n"),
                    None => out.put_slice(b"$-1\r\n"),
                    Some(keys) => {
                        out.put_slice(format!("*{}\r\n", keys.len()).as_bytes());
                        keys.iter().for_each(|k| bulk(out, k));
                    }
                }
                return;
            }
            Delivery::RedirectBroken(id) => {
                if resp3 {
                    out.put_slice(b">2\r\n");
                    bulk(out, b"tracking-redir-broken");
                    out.put_slice(format!(":{id}\r\n").as_bytes());
                }
                return;
            }
        };
        let head = if resp3 { b'>' } else { b'*' };
        match pattern {
            None => {
                out.put_slice(&[head, b'3', b'\r', b'\n']);
                bulk(
                    out,
                    if message.sharded {
                        b"smessage"
                    } else {
                        b"message"
                    },
                );
            }
            Some(p) => {
                out.put_slice(&[head, b'4', b'\r', b'\n']);
                bulk(out, b"pmessage");
                bulk(out, p);
            }
        }
        bulk(out, &message.channel);
        bulk(out, &message.payload);
    }
}

fn bulk(out: &mut BytesMut, data: &[u8]) {
    let mut n = itoa::Buffer::new();
    let len = n.format(data.len());
    out.reserve(data.len() + len.len() + 5);
    out.put_u8(b'$');
    out.put_slice(len.as_bytes());
    out.put_slice(b"\r\n");
    out.put_slice(data);
    out.put_slice(b"\r\n");
}

/// What a [`Routed`] carries.
#[derive(Debug)]
enum Content {
    Message(Arc<Message>),
    Line(Bytes),
    /// For one client (tracking invalidations).
    Direct(Delivery),
}

/// A message (or MONITOR line) with its recipients, resolved when the
/// command ran, delivered after the commit.
pub struct Routed {
    content: Content,
    to: Vec<(Arc<Mailbox>, Option<Bytes>)>,
    /// The sequence number of the command that produced it.
    pub(crate) seq: u64,
}

impl std::fmt::Debug for Routed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Routed")
            .field("content", &self.content)
            .field("receivers", &self.to.len())
            .finish()
    }
}

impl Routed {
    pub fn receivers(&self) -> usize {
        self.to.len()
    }
}

/// `client-output-buffer-limit` for the pubsub class: bytes and seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputLimit {
    pub hard: u64,
    pub soft: u64,
    pub soft_seconds: u64,
}

impl Default for OutputLimit {
    /// Redis' default: `pubsub 32mb 8mb 60`.
    fn default() -> Self {
        OutputLimit {
            hard: 32 * 1024 * 1024,
            soft: 8 * 1024 * 1024,
            soft_seconds: 60,
        }
    }
}

#[derive(Default)]
struct Queue {
    /// With the sequence number of the command that produced each.
    items: VecDeque<(u64, Delivery)>,
    /// Queued plus taken-but-not-yet-written bytes.
    bytes: usize,
    over_soft_since: Option<Instant>,
    /// Past its limit: the client is being disconnected; nothing more is queued.
    closed: bool,
}

/// One client's queue of pub/sub messages.
pub struct Mailbox {
    queue: Mutex<Queue>,
    /// Wakes the connection task when something was queued.
    pub ready: Notify,
    /// Closes the connection (the same signal as CLIENT KILL).
    kill: Arc<Notify>,
    limit: Arc<Limits>,
}

impl Mailbox {
    fn push(&self, seq: u64, delivery: Delivery) {
        let cost = delivery.cost();
        let mut q = self.queue.lock().expect("mailbox lock");
        if q.closed {
            return;
        }
        q.items.push_back((seq, delivery));
        q.bytes += cost;
        let limit = self.limit.get();
        let over_hard = limit.hard > 0 && q.bytes as u64 > limit.hard;
        let over_soft = limit.soft > 0 && q.bytes as u64 > limit.soft;
        let soft_expired = if over_soft {
            let since = *q.over_soft_since.get_or_insert_with(Instant::now);
            since.elapsed() >= Duration::from_secs(limit.soft_seconds)
        } else {
            q.over_soft_since = None;
            false
        };
        if over_hard || soft_expired {
            // As Redis' "closing client that reached max output buffer": drop
            // what is queued and close the connection.
            q.closed = true;
            q.items.clear();
            q.bytes = 0;
            drop(q);
            tracing::warn!(
                "client scheduled to be closed for overcoming of output buffer limits (pubsub)"
            );
            self.kill.notify_one();
            return;
        }
        drop(q);
        self.ready.notify_one();
    }

    /// Takes queued deliveries produced by commands numbered `< before` (all
    /// with `u64::MAX`), up to about `max_bytes`. Their bytes still count until
    /// [`written`](Self::written).
    pub fn take(&self, before: u64, max_bytes: usize) -> (Vec<Delivery>, usize) {
        let mut q = self.queue.lock().expect("mailbox lock");
        let mut out = Vec::new();
        let mut bytes = 0;
        while let Some((seq, _)) = q.items.front() {
            if *seq >= before || bytes >= max_bytes {
                break;
            }
            let (_, d) = q.items.pop_front().expect("front");
            bytes += d.cost();
            out.push(d);
        }
        (out, bytes)
    }

    /// Bytes taken with [`take`](Self::take) have reached the socket.
    pub fn written(&self, bytes: usize) {
        let mut q = self.queue.lock().expect("mailbox lock");
        q.bytes = q.bytes.saturating_sub(bytes);
        let soft = self.limit.get().soft;
        if soft == 0 || q.bytes as u64 <= soft {
            q.over_soft_since = None;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.queue.lock().expect("mailbox lock").items.is_empty()
    }

    /// Bytes pending for this client (CLIENT LIST `omem`).
    pub fn pending_bytes(&self) -> usize {
        self.queue.lock().expect("mailbox lock").bytes
    }
}

struct Limits {
    hard: AtomicU64,
    soft: AtomicU64,
    soft_seconds: AtomicU64,
}

impl Limits {
    fn get(&self) -> OutputLimit {
        OutputLimit {
            hard: self.hard.load(Ordering::Relaxed),
            soft: self.soft.load(Ordering::Relaxed),
            soft_seconds: self.soft_seconds.load(Ordering::Relaxed),
        }
    }
}

struct Subscriber {
    mailbox: Arc<Mailbox>,
    channels: HashSet<Bytes>,
    patterns: HashSet<Bytes>,
    shards: HashSet<Bytes>,
}

impl Subscriber {
    fn counts(&self) -> SubCounts {
        SubCounts {
            channels: self.channels.len(),
            patterns: self.patterns.len(),
            shards: self.shards.len(),
            pending: self.mailbox.pending_bytes(),
        }
    }

    fn names(&mut self, kind: SubKind) -> &mut HashSet<Bytes> {
        match kind {
            SubKind::Channel => &mut self.channels,
            SubKind::Pattern => &mut self.patterns,
            SubKind::Shard => &mut self.shards,
        }
    }
}

#[derive(Default)]
struct Hub {
    channels: HashMap<Bytes, HashSet<u64>>,
    patterns: HashMap<Bytes, HashSet<u64>>,
    shards: HashMap<Bytes, HashSet<u64>>,
    clients: HashMap<u64, Subscriber>,
    /// MONITOR clients, in the order they started (Redis feeds them so).
    monitors: Vec<u64>,
}

impl Hub {
    fn index(&mut self, kind: SubKind) -> &mut HashMap<Bytes, HashSet<u64>> {
        match kind {
            SubKind::Channel => &mut self.channels,
            SubKind::Pattern => &mut self.patterns,
            SubKind::Shard => &mut self.shards,
        }
    }
}

/// The server's pub/sub hub.
pub struct PubSub {
    hub: Mutex<Hub>,
    seq: AtomicU64,
    flags: AtomicU32,
    /// Channel plus pattern subscriptions of all clients: 0 means nobody
    /// listens and notifications cost one load.
    subscriptions: AtomicUsize,
    /// MONITOR clients: 0 means nobody monitors and feeding costs one load.
    monitors: AtomicUsize,
    limits: Arc<Limits>,
}

impl Default for PubSub {
    fn default() -> Self {
        let d = OutputLimit::default();
        PubSub {
            hub: Mutex::default(),
            seq: AtomicU64::new(1),
            flags: AtomicU32::new(0),
            subscriptions: AtomicUsize::new(0),
            monitors: AtomicUsize::new(0),
            limits: Arc::new(Limits {
                hard: AtomicU64::new(d.hard),
                soft: AtomicU64::new(d.soft),
                soft_seconds: AtomicU64::new(d.soft_seconds),
            }),
        }
    }
}

impl PubSub {
    fn hub(&self) -> std::sync::MutexGuard<'_, Hub> {
        self.hub.lock().expect("pubsub lock")
    }

    /// A new client's mailbox; `kill` closes its connection.
    pub fn register(&self, client: u64, kill: Arc<Notify>) -> Arc<Mailbox> {
        let mailbox = Arc::new(Mailbox {
            queue: Mutex::default(),
            ready: Notify::new(),
            kill,
            limit: self.limits.clone(),
        });
        self.hub().clients.insert(
            client,
            Subscriber {
                mailbox: mailbox.clone(),
                channels: HashSet::new(),
                patterns: HashSet::new(),
                shards: HashSet::new(),
            },
        );
        mailbox
    }

    /// The client left: all its subscriptions go.
    pub fn unregister(&self, client: u64) {
        self.unsubscribe_all(client);
        self.unmonitor(client);
        self.hub().clients.remove(&client);
    }

    /// MONITOR: `client` receives a line per command from now on. False if it
    /// already monitors (or is gone).
    pub fn monitor(&self, client: u64) -> bool {
        let mut hub = self.hub();
        if !hub.clients.contains_key(&client) || hub.monitors.contains(&client) {
            return false;
        }
        hub.monitors.push(client);
        self.monitors.fetch_add(1, Ordering::Relaxed);
        true
    }

    /// Ends monitoring for `client` (RESET, disconnect). True if it monitored.
    pub fn unmonitor(&self, client: u64) -> bool {
        let mut hub = self.hub();
        let Some(at) = hub.monitors.iter().position(|c| *c == client) else {
            return false;
        };
        hub.monitors.remove(at);
        self.monitors.fetch_sub(1, Ordering::Relaxed);
        true
    }

    /// Does anyone monitor? One atomic load: the executor asks before every
    /// command.
    pub fn has_monitors(&self) -> bool {
        self.monitors.load(Ordering::Relaxed) > 0
    }

    /// How many clients monitor.
    pub fn monitor_count(&self) -> usize {
        self.monitors.load(Ordering::Relaxed)
    }

    pub fn is_monitor(&self, client: u64) -> bool {
        self.has_monitors() && self.hub().monitors.contains(&client)
    }

    /// A MONITOR line addressed to every monitor, tagged with `seq`; delivery
    /// waits for [`deliver`] like a message's.
    pub fn route_line(&self, line: Bytes, seq: u64) -> Routed {
        let hub = self.hub();
        let to = hub
            .monitors
            .iter()
            .filter_map(|id| hub.clients.get(id))
            .map(|s| (s.mailbox.clone(), None))
            .collect();
        Routed {
            content: Content::Line(line),
            to,
            seq,
        }
    }

    /// `delivery` for one client (nobody if it is gone), tagged with `seq`;
    /// delivery waits for [`deliver`] like a message's.
    pub fn route_direct(&self, client: u64, delivery: Delivery, seq: u64) -> Routed {
        let to = self
            .hub()
            .clients
            .get(&client)
            .map(|s| (s.mailbox.clone(), None))
            .into_iter()
            .collect();
        Routed {
            content: Content::Direct(delivery),
            to,
            seq,
        }
    }

    /// Is `client` connected?
    pub fn is_connected(&self, client: u64) -> bool {
        self.hub().clients.contains_key(&client)
    }

    /// Drops every subscription of `client` (RESET, disconnect).
    pub fn unsubscribe_all(&self, client: u64) {
        for kind in [SubKind::Channel, SubKind::Pattern, SubKind::Shard] {
            for name in self.subscribed(client, kind) {
                self.unsubscribe(client, &name, kind);
            }
        }
    }

    /// Subscribes one name; returns the client's counts after it.
    pub fn subscribe(&self, client: u64, name: &Bytes, kind: SubKind) -> SubCounts {
        let mut hub = self.hub();
        let Some(sub) = hub.clients.get_mut(&client) else {
            return SubCounts::default();
        };
        if !sub.names(kind).insert(name.clone()) {
            return sub.counts();
        }
        let counts = sub.counts();
        hub.index(kind)
            .entry(name.clone())
            .or_default()
            .insert(client);
        self.subscriptions.fetch_add(1, Ordering::Relaxed);
        counts
    }

    /// Unsubscribes one name (subscribed or not); returns the counts after it.
    pub fn unsubscribe(&self, client: u64, name: &[u8], kind: SubKind) -> SubCounts {
        let mut hub = self.hub();
        let Some(sub) = hub.clients.get_mut(&client) else {
            return SubCounts::default();
        };
        if !sub.names(kind).remove(name) {
            return sub.counts();
        }
        let counts = sub.counts();
        remove_member(hub.index(kind), name, client);
        self.subscriptions.fetch_sub(1, Ordering::Relaxed);
        counts
    }

    /// The client's names of one kind, sorted (UNSUBSCRIBE without arguments).
    pub fn subscribed(&self, client: u64, kind: SubKind) -> Vec<Bytes> {
        let mut hub = self.hub();
        let Some(sub) = hub.clients.get_mut(&client) else {
            return Vec::new();
        };
        let mut list: Vec<Bytes> = sub.names(kind).iter().cloned().collect();
        list.sort();
        list
    }

    /// One client's subscription counts and pending output.
    pub fn client_counts(&self, client: u64) -> SubCounts {
        self.hub()
            .clients
            .get(&client)
            .map_or_else(SubCounts::default, Subscriber::counts)
    }

    /// Resolves who receives a message on `channel`: channel subscribers first,
    /// then pattern subscribers, as Redis delivers. Delivery waits for
    /// [`deliver`].
    pub fn route(&self, channel: Bytes, payload: Bytes) -> Routed {
        self.route_kind(channel, payload, false)
    }

    /// SPUBLISH: only the shard channel's subscribers receive it (patterns
    /// never match shard channels).
    pub fn route_sharded(&self, channel: Bytes, payload: Bytes) -> Routed {
        self.route_kind(channel, payload, true)
    }

    fn route_kind(&self, channel: Bytes, payload: Bytes, sharded: bool) -> Routed {
        let message = Arc::new(Message {
            channel,
            payload,
            sharded,
        });
        let mut to = Vec::new();
        if self.subscriptions.load(Ordering::Relaxed) == 0 {
            return Routed {
                content: Content::Message(message),
                to,
                seq: 0,
            };
        }
        let hub = self.hub();
        let direct = if sharded { &hub.shards } else { &hub.channels };
        if let Some(clients) = direct.get(&message.channel) {
            for id in clients {
                if let Some(s) = hub.clients.get(id) {
                    to.push((s.mailbox.clone(), None));
                }
            }
        }
        if sharded {
            return Routed {
                content: Content::Message(message),
                to,
                seq: 0,
            };
        }
        for (pattern, clients) in &hub.patterns {
            if glob_match(pattern, &message.channel, false) {
                for id in clients {
                    if let Some(s) = hub.clients.get(id) {
                        to.push((s.mailbox.clone(), Some(pattern.clone())));
                    }
                }
            }
        }
        Routed {
            content: Content::Message(message),
            to,
            seq: 0,
        }
    }

    /// Is anyone subscribed to anything?
    pub fn has_subscribers(&self) -> bool {
        self.subscriptions.load(Ordering::Relaxed) > 0
    }

    /// Channels (or shard channels) with at least one subscriber matching
    /// `pattern` (all when `None`).
    pub fn channels(&self, pattern: Option<&[u8]>, sharded: bool) -> Vec<Bytes> {
        let hub = self.hub();
        let index = if sharded { &hub.shards } else { &hub.channels };
        let mut list: Vec<Bytes> = index
            .keys()
            .filter(|c| pattern.is_none_or(|p| glob_match(p, c, false)))
            .cloned()
            .collect();
        list.sort();
        list
    }

    /// Subscribers of one channel (PUBSUB NUMSUB) or shard channel
    /// (SHARDNUMSUB).
    pub fn numsub(&self, channel: &[u8], sharded: bool) -> usize {
        let hub = self.hub();
        let index = if sharded { &hub.shards } else { &hub.channels };
        index.get(channel).map_or(0, HashSet::len)
    }

    /// Distinct patterns subscribed to (PUBSUB NUMPAT, INFO `pubsub_patterns`).
    pub fn numpat(&self) -> usize {
        self.hub().patterns.len()
    }

    /// Channels with subscribers (INFO `pubsub_channels`).
    pub fn numchannels(&self) -> usize {
        self.hub().channels.len()
    }

    /// Shard channels with subscribers (INFO `pubsubshard_channels`).
    pub fn numshardchannels(&self) -> usize {
        self.hub().shards.len()
    }

    /// The sequence number of the last command run.
    pub fn seq(&self) -> u64 {
        self.seq.load(Ordering::Acquire)
    }

    /// Numbers the next command (the storage thread calls this before each).
    pub fn next_seq(&self) -> u64 {
        self.seq.fetch_add(1, Ordering::AcqRel) + 1
    }

    /// The current `notify-keyspace-events` flags.
    pub fn notify_flags(&self) -> u32 {
        self.flags.load(Ordering::Relaxed)
    }

    pub fn set_notify_flags(&self, flags: u32) {
        self.flags.store(flags, Ordering::Relaxed);
    }

    pub fn output_limit(&self) -> OutputLimit {
        self.limits.get()
    }

    pub fn set_output_limit(&self, limit: OutputLimit) {
        self.limits.hard.store(limit.hard, Ordering::Relaxed);
        self.limits.soft.store(limit.soft, Ordering::Relaxed);
        self.limits
            .soft_seconds
            .store(limit.soft_seconds, Ordering::Relaxed);
    }
}

fn remove_member(index: &mut HashMap<Bytes, HashSet<u64>>, name: &[u8], client: u64) {
    if let Some(set) = index.get_mut(name) {
        set.remove(&client);
        if set.is_empty() {
            index.remove(name);
        }
    }
}

/// Pushes routed messages into their mailboxes, in order, each tagged with
/// the sequence number of the command that produced it.
pub fn deliver(messages: Vec<Routed>) {
    for routed in messages {
        for (mailbox, pattern) in routed.to {
            let delivery = match &routed.content {
                Content::Message(message) => Delivery::Message {
                    pattern,
                    message: message.clone(),
                },
                Content::Line(line) => Delivery::Line(line.clone()),
                Content::Direct(d) => d.clone(),
            };
            mailbox.push(routed.seq, delivery);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_parse_and_print_as_redis() {
        let canon = |s: &str| parse_notify_flags(s).map(notify_flags_to_string);
        assert_eq!(canon("KEA").as_deref(), Some("AKE"));
        assert_eq!(canon("Kx").as_deref(), Some("xK"));
        assert_eq!(canon("").as_deref(), Some(""));
        assert_eq!(canon("Q"), None);
        assert_eq!(canon("Elg").as_deref(), Some("glE"));
        assert_eq!(canon("Anm").as_deref(), Some("Am"));
        assert_eq!(canon("mK").as_deref(), Some("Km"));
        assert_eq!(canon("ntd").as_deref(), Some("tdn"));
        assert_eq!(canon("g$lshzxetd").as_deref(), Some("A"));
    }

    #[test]
    fn routes_channels_then_patterns_and_counts() {
        let hub = PubSub::default();
        let kill = Arc::new(Notify::new());
        let a = hub.register(1, kill.clone());
        let _b = hub.register(2, kill);
        let count = |c: SubCounts, kind| c.of(kind);
        let news = Bytes::from("news");
        assert_eq!(
            count(hub.subscribe(1, &news, SubKind::Channel), SubKind::Channel),
            1
        );
        let p = Bytes::from("n*");
        assert_eq!(
            count(hub.subscribe(1, &p, SubKind::Pattern), SubKind::Pattern),
            2
        );
        assert_eq!(
            count(hub.subscribe(2, &p, SubKind::Pattern), SubKind::Pattern),
            1
        );
        // A shard channel of the same name is counted apart and never
        // reached by PUBLISH or patterns.
        let c = hub.subscribe(2, &news, SubKind::Shard);
        assert_eq!((c.of(SubKind::Shard), c.total()), (1, 2));
        let routed = hub.route(Bytes::from("news"), Bytes::from("hi"));
        assert_eq!(routed.receivers(), 3);
        assert_eq!(hub.route_sharded(news.clone(), news.clone()).receivers(), 1);
        assert_eq!(hub.numpat(), 1);
        assert_eq!(hub.numsub(b"news", false), 1);
        assert_eq!(hub.numsub(b"news", true), 1);
        assert_eq!(hub.channels(None, true), vec![news.clone()]);
        let mut routed = routed;
        routed.seq = 5;
        deliver(vec![routed]);
        let (early, _) = a.take(5, usize::MAX);
        assert!(early.is_empty(), "command 5 is not before 5");
        let (got, bytes) = a.take(u64::MAX, usize::MAX);
        assert_eq!(got.len(), 2);
        a.written(bytes);
        assert_eq!(a.pending_bytes(), 0);
        hub.unregister(1);
        assert_eq!(hub.numsub(b"news", false), 0);
        assert_eq!(hub.numpat(), 1);
        hub.unregister(2);
        assert!(!hub.has_subscribers());
        assert_eq!(hub.numshardchannels(), 0);
    }

    #[test]
    fn monitors_register_in_order_and_leave_with_their_client() {
        let hub = PubSub::default();
        let kill = Arc::new(Notify::new());
        let a = hub.register(1, kill.clone());
        let b = hub.register(2, kill.clone());
        assert!(!hub.has_monitors());
        assert_eq!(hub.route_line(Bytes::from("+x\r\n"), 1).receivers(), 0);
        assert!(hub.monitor(2));
        assert!(hub.monitor(1));
        assert!(!hub.monitor(1), "already monitoring");
        assert!(!hub.monitor(3), "not connected");
        assert_eq!(hub.monitor_count(), 2);
        assert!(hub.is_monitor(1) && hub.is_monitor(2));
        deliver(vec![hub.route_line(Bytes::from("+x\r\n"), 7)]);
        for mailbox in [&a, &b] {
            let (got, bytes) = mailbox.take(u64::MAX, usize::MAX);
            assert_eq!(bytes, 4);
            let mut out = BytesMut::new();
            got[0].encode(&mut out, true, false);
            assert_eq!(&out[..], b"+x\r\n", "the same in RESP2 and RESP3");
        }
        assert!(hub.unmonitor(2));
        assert!(!hub.unmonitor(2));
        hub.unregister(1);
        assert_eq!(hub.monitor_count(), 0);
        assert!(!hub.has_monitors());
        drop(kill);
    }

    #[test]
    fn a_mailbox_past_its_hard_limit_is_closed() {
        let hub = PubSub::default();
        hub.set_output_limit(OutputLimit {
            hard: 1000,
            soft: 0,
            soft_seconds: 0,
        });
        let kill = Arc::new(Notify::new());
        let a = hub.register(1, kill);
        hub.subscribe(1, &Bytes::from("c"), SubKind::Channel);
        for _ in 0..100 {
            deliver(vec![hub.route(Bytes::from("c"), Bytes::from(vec![0; 100]))]);
        }
        assert_eq!(a.pending_bytes(), 0, "dropped once over the limit");
        assert!(a.is_empty());
    }

    #[test]
    fn the_soft_limit_closes_after_its_seconds() {
        let hub = PubSub::default();
        let kill = Arc::new(Notify::new());
        let a = hub.register(1, kill);
        hub.subscribe(1, &Bytes::from("c"), SubKind::Channel);
        let send = || deliver(vec![hub.route(Bytes::from("c"), Bytes::from(vec![0; 100]))]);
        // Over a soft limit held for an hour: kept.
        hub.set_output_limit(OutputLimit {
            hard: 0,
            soft: 200,
            soft_seconds: 3600,
        });
        for _ in 0..10 {
            send();
        }
        assert_eq!(a.take(u64::MAX, usize::MAX).0.len(), 10);
        // Over a soft limit held for 0 s: closed at once.
        hub.set_output_limit(OutputLimit {
            hard: 0,
            soft: 200,
            soft_seconds: 0,
        });
        for _ in 0..10 {
            send();
        }
        assert!(a.is_empty(), "closed, queue dropped");
    }
}
