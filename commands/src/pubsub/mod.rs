//! Publish/subscribe: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH,
//! their sharded forms (SSUBSCRIBE, SUNSUBSCRIBE, SPUBLISH: one node holds
//! every slot, so a shard channel is a channel of its own namespace that
//! patterns never match) and PUBSUB introspection, over the in-memory hub in
//! `resplite_core::pubsub`.
//!
//! Subscription replies are pushes (`>` in RESP3, arrays in RESP2), one per
//! channel, exactly as Redis sends them. Messages are delivered by the
//! connection tasks once the publishing command's group has committed.

mod psubscribe;
mod publish;
mod pubsub_cmd;
mod punsubscribe;
mod spublish;
mod ssubscribe;
mod subscribe;
mod sunsubscribe;
mod unsubscribe;

use resplite_core::prelude::*;
use resplite_core::pubsub::SubKind;

/// The flags Redis gives the (un)subscribe commands.
const SUBSCRIBE_FLAGS: Flags = Flags::PUBSUB
    .union(Flags::NOSCRIPT)
    .union(Flags::LOADING)
    .union(Flags::STALE);

/// `subscribe ch n` / `psubscribe pat n` / `unsubscribe ch n`: one push.
fn confirmation(kind: &'static str, name: Option<Bytes>, count: usize) -> Reply {
    Reply::Push(vec![
        Reply::bulk(kind),
        name.map_or(Reply::Nil, Reply::Bulk),
        Reply::Int(count as i64),
    ])
}

/// What a confirmation of `kind` is called.
fn kind_name(kind: SubKind, subscribe: bool) -> &'static str {
    match (kind, subscribe) {
        (SubKind::Channel, true) => "subscribe",
        (SubKind::Pattern, true) => "psubscribe",
        (SubKind::Shard, true) => "ssubscribe",
        (SubKind::Channel, false) => "unsubscribe",
        (SubKind::Pattern, false) => "punsubscribe",
        (SubKind::Shard, false) => "sunsubscribe",
    }
}

/// SUBSCRIBE / PSUBSCRIBE / SSUBSCRIBE: one confirmation per name, with the
/// client's subscription count of that family after it.
fn subscribe(ctx: &mut Ctx, names: Vec<Bytes>, kind: SubKind) -> Reply {
    let id = ctx.session.id;
    let mut replies = Vec::with_capacity(names.len());
    for name in names {
        let counts = ctx.server.pubsub.subscribe(id, &name, kind);
        ctx.session.subscriptions = counts.total();
        replies.push(confirmation(
            kind_name(kind, true),
            Some(name),
            counts.of(kind),
        ));
    }
    Reply::Multi(replies)
}

/// UNSUBSCRIBE / PUNSUBSCRIBE / SUNSUBSCRIBE: the named ones (subscribed or
/// not), or every one of that kind the client has; with none at all, a single
/// `unsubscribe nil n`.
fn unsubscribe(ctx: &mut Ctx, names: Vec<Bytes>, kind: SubKind) -> Reply {
    let id = ctx.session.id;
    let names = if names.is_empty() {
        ctx.server.pubsub.subscribed(id, kind)
    } else {
        names
    };
    if names.is_empty() {
        let counts = ctx.server.pubsub.client_counts(id);
        return confirmation(kind_name(kind, false), None, counts.of(kind));
    }
    let mut replies = Vec::with_capacity(names.len());
    for name in names {
        let counts = ctx.server.pubsub.unsubscribe(id, &name, kind);
        ctx.session.subscriptions = counts.total();
        replies.push(confirmation(
            kind_name(kind, false),
            Some(name),
            counts.of(kind),
        ));
    }
    Reply::Multi(replies)
}
