//! Client-side caching (CLIENT TRACKING), as Redis' `tracking.c` does it.
//!
//! - Default mode: after a tracking client runs a read-only command, its keys
//!   are remembered in a table (key name → client ids; names only, every
//!   database shares it, as in Redis). When one of them is modified, each
//!   client in its entry gets one invalidation and the entry goes: the client
//!   must read the key again to hear about it again.
//! - BCAST mode: nothing is remembered; every modified key matching one of the
//!   client's prefixes is collected and sent once per group of commands.
//! - OPTIN/OPTOUT: only reads after `CLIENT CACHING yes` (resp. all but those
//!   after `CLIENT CACHING no`) are remembered.
//! - NOLOOP: no invalidations for the client's own writes.
//! - REDIRECT: invalidations go to another connection (RESP3 push, or a RESP2
//!   `__redis__:invalidate` message when it is subscribed).
//!
//! [`Tracking`] decides *who* gets *which* keys; [`route`] turns that into
//! mailbox deliveries (see `crate::pubsub`), which the executor orders: an
//! invalidation for the running client goes out after its reply.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use bytes::Bytes;

use crate::pubsub::{Delivery, PubSub, Routed};

/// Routes invalidations, following each client's redirect: to `out`, tagged
/// with `seq`. A redirect to a client that is gone earns the tracking client
/// a `tracking-redir-broken` push instead (RESP3), as Redis sends it.
pub fn route(
    tracking: &mut Tracking,
    pubsub: &PubSub,
    invalidations: Vec<Invalidation>,
    seq: u64,
    out: &mut Vec<Routed>,
) {
    for inv in invalidations {
        let Some(c) = tracking.client(inv.client) else {
            continue;
        };
        let (redirect, null_resp3) = (c.redirect, c.resp3);
        let routed = if redirect != 0 && !pubsub.is_connected(redirect) {
            tracking.mark_broken(inv.client);
            pubsub.route_direct(inv.client, Delivery::RedirectBroken(redirect), seq)
        } else {
            let delivery = Delivery::Invalidate {
                keys: inv.keys.map(Arc::from),
                redirected: redirect != 0,
                null_resp3,
            };
            let target = if redirect != 0 { redirect } else { inv.client };
            pubsub.route_direct(target, delivery, seq)
        };
        if routed.receivers() > 0 {
            out.push(routed);
        }
    }
}

/// One client's CLIENT TRACKING settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientTracking {
    /// Client id receiving the invalidations; 0: this client.
    pub redirect: u64,
    pub bcast: bool,
    pub optin: bool,
    pub optout: bool,
    pub noloop: bool,
    /// CLIENT CACHING yes|no was given for the next command.
    pub caching: bool,
    /// The redirect client is gone.
    pub broken_redirect: bool,
    /// The client spoke RESP3 when it turned tracking on: a flush's null is
    /// sent in its protocol.
    pub resp3: bool,
    pub prefixes: BTreeSet<Bytes>,
}

/// CLIENT TRACKING ON's options.
#[derive(Debug, Clone, Default)]
pub struct TrackingOptions {
    /// The client speaks RESP3 (see `ClientTracking::resp3`).
    pub resp3: bool,
    pub redirect: u64,
    pub bcast: bool,
    pub optin: bool,
    pub optout: bool,
    pub noloop: bool,
    pub prefixes: Vec<Bytes>,
}

/// An invalidation to send: to `client` (whose redirect the executor
/// follows), these keys, or `None`: every key (after a flush).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalidation {
    pub client: u64,
    pub keys: Option<Vec<Bytes>>,
}

/// A BCAST prefix: its clients and the keys modified since the last
/// broadcast, with who modified each last (`None`: expiry), for NOLOOP.
#[derive(Debug, Default)]
struct Prefix {
    clients: BTreeSet<u64>,
    keys: BTreeMap<Bytes, Option<u64>>,
}

/// The server's tracking state: per-client settings, the key table and the
/// BCAST prefixes.
#[derive(Debug, Default)]
pub struct Tracking {
    clients: HashMap<u64, ClientTracking>,
    table: HashMap<Bytes, HashSet<u64>>,
    /// Client ids across all table entries (INFO `tracking_total_items`).
    items: usize,
    prefixes: BTreeMap<Bytes, Prefix>,
    /// Invalidations for the running client, sent after its reply.
    pending: Vec<Invalidation>,
}

/// Do two prefixes overlap (one starts the other)?
fn overlaps(a: &[u8], b: &[u8]) -> bool {
    let n = a.len().min(b.len());
    a[..n] == b[..n]
}

impl Tracking {
    /// Is any client tracking, or is any key still remembered (entries of
    /// clients that left go lazily, when their key changes or is flushed)?
    /// Everything else is skipped when not.
    pub fn active(&self) -> bool {
        !self.clients.is_empty() || !self.table.is_empty()
    }

    /// Clients with tracking on (INFO `tracking_clients`).
    pub fn client_count(&self) -> usize {
        self.clients.len()
    }

    /// Keys in the table (INFO `tracking_total_keys`).
    pub fn total_keys(&self) -> usize {
        self.table.len()
    }

    /// Client ids across the table (INFO `tracking_total_items`).
    pub fn total_items(&self) -> usize {
        self.items
    }

    /// BCAST prefixes in use (INFO `tracking_total_prefixes`).
    pub fn total_prefixes(&self) -> usize {
        self.prefixes.len()
    }

    pub fn client(&self, id: u64) -> Option<&ClientTracking> {
        self.clients.get(&id)
    }

    /// CLIENT TRACKING ON: checks the options against each other and the
    /// client's current mode (Redis' errors), then turns tracking on. The
    /// redirect client's existence is the caller's check.
    pub fn enable(&mut self, id: u64, opts: TrackingOptions) -> Result<(), String> {
        if !opts.bcast && !opts.prefixes.is_empty() {
            return Err("ERR PREFIX option requires BCAST mode to be enabled".into());
        }
        let current = self.clients.get(&id);
        if current.is_some_and(|c| c.bcast != opts.bcast) {
            return Err("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.".into());
        }
        if opts.bcast && (opts.optin || opts.optout) {
            return Err("ERR OPTIN and OPTOUT are not compatible with BCAST".into());
        }
        if opts.optin && opts.optout {
            return Err("ERR You can't specify both OPTIN mode and OPTOUT mode".into());
        }
        if current.is_some_and(|c| (opts.optin && c.optout) || (opts.optout && c.optin)) {
            return Err("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.".into());
        }
        if opts.bcast {
            let mine = current.map(|c| &c.prefixes);
            for (i, p) in opts.prefixes.iter().enumerate() {
                if let Some(old) = mine.and_then(|m| m.iter().find(|old| overlaps(old, p))) {
                    return Err(format!(
                        "ERR Prefix '{}' overlaps with an existing prefix '{}'. Prefixes for a single client must not overlap.",
                        String::from_utf8_lossy(p),
                        String::from_utf8_lossy(old)
                    ));
                }
                if let Some(other) = opts.prefixes[i + 1..].iter().find(|o| overlaps(p, o)) {
                    return Err(format!(
                        "ERR Prefix '{}' overlaps with another provided prefix '{}'. Prefixes for a single client must not overlap.",
                        String::from_utf8_lossy(p),
                        String::from_utf8_lossy(other)
                    ));
                }
            }
        }
        let mut prefixes = opts.prefixes;
        if opts.bcast && prefixes.is_empty() {
            prefixes.push(Bytes::new());
        }
        let entry = self.clients.entry(id).or_default();
        // As Redis: the flags are replaced, the prefixes accumulate.
        entry.redirect = opts.redirect;
        entry.bcast = opts.bcast;
        entry.optin = opts.optin;
        entry.optout = opts.optout;
        entry.noloop = opts.noloop;
        entry.resp3 = opts.resp3;
        entry.broken_redirect = false;
        for p in prefixes {
            if entry.prefixes.insert(p.clone()) {
                self.prefixes.entry(p).or_default().clients.insert(id);
            }
        }
        Ok(())
    }

    /// CLIENT TRACKING OFF, RESET, or the client left. Its table entries go
    /// lazily (skipped when met), as in Redis.
    pub fn disable(&mut self, id: u64) {
        let Some(c) = self.clients.remove(&id) else {
            return;
        };
        for p in c.prefixes {
            if let Some(prefix) = self.prefixes.get_mut(&p) {
                prefix.clients.remove(&id);
                if prefix.clients.is_empty() {
                    self.prefixes.remove(&p);
                }
            }
        }
    }

    /// CLIENT CACHING yes|no (`None`: neither word, a syntax error once
    /// tracking is known to be on).
    pub fn caching(&mut self, id: u64, yes: Option<bool>) -> Result<(), String> {
        let Some(c) = self.clients.get_mut(&id) else {
            return Err("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled".into());
        };
        let Some(yes) = yes else {
            return Err("ERR syntax error".into());
        };
        match yes {
            true if !c.optin => Err(
                "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode."
                    .into(),
            ),
            false if !c.optout => Err(
                "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode."
                    .into(),
            ),
            _ => {
                c.caching = true;
                Ok(())
            }
        }
    }

    /// CLIENT CACHING applies to the next command (or transaction) only.
    pub fn command_done(&mut self, id: u64) {
        if let Some(c) = self.clients.get_mut(&id) {
            c.caching = false;
        }
    }

    /// After `id` ran a read-only command: remembers its keys, unless its mode
    /// says not to.
    pub fn remember<'a>(&mut self, id: u64, keys: impl IntoIterator<Item = &'a Bytes>) {
        let Some(c) = self.clients.get(&id) else {
            return;
        };
        if c.bcast || (c.optin && !c.caching) || (c.optout && c.caching) {
            return;
        }
        for key in keys {
            if self.table.entry(key.clone()).or_default().insert(id) {
                self.items += 1;
            }
        }
    }

    /// `key` was modified by `by` (`None`: it expired, or was evicted from
    /// the table). Returns the invalidations for other clients now; the ones
    /// for `running` (the client whose command runs) wait in
    /// [`take_pending`](Self::take_pending), to follow its reply.
    pub fn invalidate(
        &mut self,
        key: &[u8],
        by: Option<u64>,
        running: u64,
        bcast: bool,
    ) -> Vec<Invalidation> {
        if bcast {
            for (p, prefix) in self.prefixes.iter_mut() {
                if key.starts_with(p) {
                    prefix.keys.insert(Bytes::copy_from_slice(key), by);
                }
            }
        }
        let Some(ids) = self.table.remove(key) else {
            return Vec::new();
        };
        self.items -= ids.len();
        let mut out = Vec::new();
        let mut ids: Vec<u64> = ids.into_iter().collect();
        ids.sort_unstable();
        for id in ids {
            let Some(c) = self.clients.get(&id) else {
                continue;
            };
            // Keys remembered before a switch to BCAST are not sent.
            if c.bcast || (c.noloop && by == Some(id)) {
                continue;
            }
            let inv = Invalidation {
                client: id,
                keys: Some(vec![Bytes::copy_from_slice(key)]),
            };
            if id == running {
                self.pending.push(inv);
            } else {
                out.push(inv);
            }
        }
        out
    }

    /// FLUSHDB / FLUSHALL: every tracking client is told "all keys" (a null),
    /// the running one after its reply; the table empties.
    pub fn flush(&mut self, running: u64) -> Vec<Invalidation> {
        self.table.clear();
        self.items = 0;
        let mut ids: Vec<u64> = self.clients.keys().copied().collect();
        ids.sort_unstable();
        let mut out = Vec::new();
        for id in ids {
            let inv = Invalidation {
                client: id,
                keys: None,
            };
            if id == running {
                self.pending.push(inv);
            } else {
                out.push(inv);
            }
        }
        out
    }

    /// The running client's invalidations, once its reply is out.
    pub fn take_pending(&mut self) -> Vec<Invalidation> {
        std::mem::take(&mut self.pending)
    }

    /// The keys collected per BCAST prefix since the last call, one message
    /// per client and prefix (without the client's own writes under NOLOOP).
    pub fn broadcast(&mut self) -> Vec<Invalidation> {
        let mut out = Vec::new();
        for prefix in self.prefixes.values_mut() {
            if prefix.keys.is_empty() {
                continue;
            }
            let keys = std::mem::take(&mut prefix.keys);
            for id in &prefix.clients {
                let noloop = self.clients.get(id).is_some_and(|c| c.noloop);
                let mine: Vec<Bytes> = keys
                    .iter()
                    .filter(|(_, by)| !(noloop && **by == Some(*id)))
                    .map(|(k, _)| k.clone())
                    .collect();
                if !mine.is_empty() {
                    out.push(Invalidation {
                        client: *id,
                        keys: Some(mine),
                    });
                }
            }
        }
        out
    }

    /// `tracking-table-max-keys`: past `max` keys (0: no limit), forgets
    /// keys, telling their clients as if the keys were modified. Redis picks
    /// them at random; any order serves.
    pub fn evict(&mut self, max: usize) -> Vec<Invalidation> {
        let mut out = Vec::new();
        while max > 0 && self.table.len() > max {
            let Some(key) = self.table.keys().next().cloned() else {
                break;
            };
            out.extend(self.invalidate(&key, None, 0, false));
        }
        out
    }

    /// The redirect client is gone: remembers it (TRACKINGINFO's
    /// `broken_redirect`, CLIENT LIST's `R`).
    pub fn mark_broken(&mut self, id: u64) {
        if let Some(c) = self.clients.get_mut(&id) {
            c.broken_redirect = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> Bytes {
        Bytes::copy_from_slice(s.as_bytes())
    }

    #[test]
    fn remembered_keys_are_invalidated_once() {
        let mut t = Tracking::default();
        t.enable(1, TrackingOptions::default()).unwrap();
        t.remember(1, [&key("a"), &key("b")]);
        assert_eq!((t.total_keys(), t.total_items()), (2, 2));
        let sent = t.invalidate(b"a", Some(2), 2, true);
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].keys, Some(vec![key("a")]));
        assert!(t.invalidate(b"a", Some(2), 2, true).is_empty(), "forgotten");
        // The running client's own write: after its reply.
        assert!(t.invalidate(b"b", Some(1), 1, true).is_empty());
        assert_eq!(t.take_pending().len(), 1);
    }

    #[test]
    fn noloop_optin_and_bcast() {
        let mut t = Tracking::default();
        let noloop = TrackingOptions {
            noloop: true,
            ..Default::default()
        };
        t.enable(1, noloop).unwrap();
        t.remember(1, [&key("k")]);
        assert!(t.invalidate(b"k", Some(1), 1, true).is_empty());
        assert!(t.take_pending().is_empty(), "own write under NOLOOP");

        let optin = TrackingOptions {
            optin: true,
            ..Default::default()
        };
        t.enable(2, optin).unwrap();
        t.remember(2, [&key("x")]);
        assert_eq!(t.total_keys(), 0, "OPTIN without CACHING yes");
        t.caching(2, Some(true)).unwrap();
        t.remember(2, [&key("x")]);
        assert_eq!(t.total_keys(), 1);
        assert!(t.caching(2, Some(false)).is_err());

        let bcast = TrackingOptions {
            bcast: true,
            prefixes: vec![key("user:"), key("job:")],
            ..Default::default()
        };
        t.enable(3, bcast).unwrap();
        t.invalidate(b"user:1", Some(9), 9, true);
        t.invalidate(b"other", Some(9), 9, true);
        t.invalidate(b"job:2", None, 9, true);
        let sent = t.broadcast();
        let mut keys: Vec<Bytes> = sent.iter().flat_map(|i| i.keys.clone().unwrap()).collect();
        keys.sort();
        assert_eq!(keys, vec![key("job:2"), key("user:1")]);
        assert!(t.broadcast().is_empty(), "sent once");
        assert_eq!(t.total_prefixes(), 2);
        t.disable(3);
        assert_eq!(t.total_prefixes(), 0);
    }

    #[test]
    fn option_errors_are_redis_errors() {
        let mut t = Tracking::default();
        let bad = |t: &mut Tracking, o: TrackingOptions| t.enable(1, o).unwrap_err();
        let prefix_only = TrackingOptions {
            prefixes: vec![key("a")],
            ..Default::default()
        };
        assert!(bad(&mut t, prefix_only).contains("requires BCAST"));
        let overlap = TrackingOptions {
            bcast: true,
            prefixes: vec![key("ab"), key("a")],
            ..Default::default()
        };
        assert_eq!(
            bad(&mut t, overlap),
            "ERR Prefix 'ab' overlaps with another provided prefix 'a'. Prefixes for a single client must not overlap."
        );
        t.enable(1, TrackingOptions::default()).unwrap();
        let bcast = TrackingOptions {
            bcast: true,
            ..Default::default()
        };
        assert!(bad(&mut t, bcast).contains("switch BCAST"));
    }

    #[test]
    fn eviction_tells_the_clients() {
        let mut t = Tracking::default();
        t.enable(1, TrackingOptions::default()).unwrap();
        let keys: Vec<Bytes> = (0..10).map(|i| key(&format!("k{i}"))).collect();
        t.remember(1, keys.iter());
        let sent = t.evict(4);
        assert_eq!(sent.len(), 6);
        assert_eq!(t.total_keys(), 4);
        assert!(t.evict(0).is_empty(), "0: no limit");
    }
}
