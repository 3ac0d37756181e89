//! Publish/subscribe: SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH
//! and PUBSUB introspection, over the in-memory hub in `resplite_core::pubsub`.
//!
//! Subscription replies are pushes (`>` in RESP3, arrays in RESP2), one per
//! channel, exactly as Redis sends them. Messages are delivered by the
//! connection tasks once the publishing command's group has committed.

mod psubscribe;
mod publish;
mod pubsub_cmd;
mod punsubscribe;
mod subscribe;
mod unsubscribe;

use resplite_core::prelude::*;

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

/// SUBSCRIBE / PSUBSCRIBE: one confirmation per name, with the client's
/// subscription count after it.
fn subscribe(ctx: &mut Ctx, names: Vec<Bytes>, pattern: bool) -> Reply {
    let kind = if pattern { "psubscribe" } else { "subscribe" };
    let id = ctx.session.id;
    let mut replies = Vec::with_capacity(names.len());
    for name in names {
        let count = ctx.server.pubsub.subscribe(id, &name, pattern);
        ctx.session.subscriptions = count;
        replies.push(confirmation(kind, Some(name), count));
    }
    Reply::Multi(replies)
}

/// UNSUBSCRIBE / PUNSUBSCRIBE: the named ones (subscribed or not), or every
/// one the client has; with none at all, a single `unsubscribe nil n`.
fn unsubscribe(ctx: &mut Ctx, names: Vec<Bytes>, pattern: bool) -> Reply {
    let kind = if pattern {
        "punsubscribe"
    } else {
        "unsubscribe"
    };
    let id = ctx.session.id;
    let names = if names.is_empty() {
        ctx.server.pubsub.subscribed(id, pattern)
    } else {
        names
    };
    if names.is_empty() {
        let (channels, patterns, _) = ctx.server.pubsub.client_counts(id);
        return confirmation(kind, None, channels + patterns);
    }
    let mut replies = Vec::with_capacity(names.len());
    for name in names {
        let count = ctx.server.pubsub.unsubscribe(id, &name, pattern);
        ctx.session.subscriptions = count;
        replies.push(confirmation(kind, Some(name), count));
    }
    Reply::Multi(replies)
}
