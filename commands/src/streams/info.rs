//! XINFO STREAM key [FULL [COUNT count]] | GROUPS key | CONSUMERS key group | HELP

use resplite_core::engine::stream::{PendingQuery, StreamId};
use resplite_core::prelude::*;

use super::{entry_reply, group_lag, id_reply, no_such_group, opt_int};
use crate::server::subcommand::{help, syntax, unknown, Sub};

enum Info {
    Help,
    Stream { full: Option<u64> },
    Groups,
    Consumers(Bytes),
}

pub struct XInfo {
    key: Bytes,
    info: Info,
}

fn field(name: &'static str, value: Reply) -> (Reply, Reply) {
    (Reply::bulk(name), value)
}

/// XINFO's subcommands, as Redis 7.0 lists them.
const SUBCOMMANDS: &[SubSpec] = &[
    SubSpec::new("consumers", 4).keys(2, 2, 1),
    SubSpec::new("groups", 3).keys(2, 2, 1),
    SubSpec::new("help", 2),
    SubSpec::new("stream", -3).keys(2, 2, 1),
];

impl Command for XInfo {
    const SPEC: CommandSpec = CommandSpec::new("xinfo", -2, Flags::NONE, "stream")
        .subcommands(SUBCOMMANDS)
        .summary("A container for stream introspection commands.")
        .since("5.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let sub = Sub::read(args)?;
        let arity = match sub.name.as_str() {
            "help" => 2,
            "stream" => -3,
            "groups" => 3,
            "consumers" => 4,
            _ => return Err(unknown("XINFO", &sub.raw)),
        };
        sub.check("XINFO", args, arity)?;
        if sub.name == "help" {
            return Ok(XInfo {
                key: Bytes::new(),
                info: Info::Help,
            });
        }
        let key = args.bytes()?;
        let info = match sub.name.as_str() {
            "groups" => Info::Groups,
            "consumers" => Info::Consumers(args.bytes()?),
            _ => {
                let opts = args.rest();
                let full = match opts.len() {
                    0 => None,
                    1 | 3 if opts[0].eq_ignore_ascii_case(b"FULL") => {
                        if opts.len() == 3 {
                            if !opts[1].eq_ignore_ascii_case(b"COUNT") {
                                return Err(syntax("XINFO", &sub.raw));
                            }
                            let n = resplite_core::util::number::parse_i64(&opts[2])
                                .ok_or(CommandError::NotInteger)?;
                            Some(if n < 0 { 10 } else { n as u64 })
                        } else {
                            Some(10)
                        }
                    }
                    _ => return Err(syntax("XINFO", &sub.raw)),
                };
                Info::Stream { full }
            }
        };
        Ok(XInfo { key, info })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        if let Info::Help = self.info {
            return Ok(help(
                "XINFO",
                &[
                    "CONSUMERS <key> <groupname>",
                    "    Show consumers of <groupname>.",
                    "GROUPS <key>",
                    "    Show the stream consumer groups.",
                    "STREAM <key> [FULL [COUNT <count>]",
                    "    Show information about the stream.",
                ],
            ));
        }
        let key = &self.key[..];
        let Some(meta) = ctx.engine.xmeta(key)? else {
            return Err(CommandError::NoSuchKey);
        };
        let now = ctx.now_ms();
        match self.info {
            Info::Help => unreachable!("answered above"),
            Info::Consumers(group) => {
                if ctx.engine.xgroup(key, &group)?.is_none() {
                    return Err(no_such_group(key, &group));
                }
                let consumers = ctx.engine.xconsumers(key, &group)?;
                Ok(Reply::Array(
                    consumers
                        .into_iter()
                        .map(|c| {
                            Reply::Map(vec![
                                field("name", Reply::bulk(c.name)),
                                field("pending", Reply::Int(c.pending as i64)),
                                field("idle", Reply::Int((now - c.seen_time).max(0))),
                            ])
                        })
                        .collect(),
                ))
            }
            Info::Groups => {
                let mut out = Vec::new();
                for g in ctx.engine.xgroups(key)? {
                    let consumers = ctx.engine.xconsumers(key, &g.name)?.len();
                    out.push(Reply::Map(vec![
                        field("name", Reply::bulk(g.name)),
                        field("consumers", Reply::Int(consumers as i64)),
                        field("pending", Reply::Int(g.pending as i64)),
                        field("last-delivered-id", id_reply(g.last_id)),
                        field("entries-read", opt_int(g.entries_read)),
                        field("lag", opt_int(group_lag(&meta, g.last_id, g.entries_read))),
                    ]));
                }
                Ok(Reply::Array(out))
            }
            Info::Stream { full } => {
                let nodes = ctx.engine.xnodes(key)?;
                let mut out = vec![
                    field("length", Reply::Int(meta.length as i64)),
                    field("radix-tree-keys", Reply::Int(nodes as i64)),
                    // Redis' radix tree has about one node per key too.
                    field("radix-tree-nodes", Reply::Int(nodes.max(1) as i64)),
                    field("last-generated-id", id_reply(meta.last_id)),
                    field("max-deleted-entry-id", id_reply(meta.max_deleted_id)),
                    field("entries-added", Reply::Int(meta.entries_added as i64)),
                    field("recorded-first-entry-id", id_reply(meta.first_id)),
                ];
                let Some(count) = full else {
                    let groups = ctx.engine.xgroups(key)?.len();
                    out.push(field("groups", Reply::Int(groups as i64)));
                    for (name, rev) in [("first-entry", false), ("last-entry", true)] {
                        let entry = ctx
                            .engine
                            .xrange(key, StreamId::MIN, StreamId::MAX, 1, rev)?
                            .pop();
                        out.push(field(name, entry.map_or(Reply::Nil, entry_reply)));
                    }
                    return Ok(Reply::Map(out));
                };
                let entries = ctx
                    .engine
                    .xrange(key, StreamId::MIN, StreamId::MAX, count, false)?;
                out.push(field(
                    "entries",
                    Reply::Array(entries.into_iter().map(entry_reply).collect()),
                ));
                let mut groups = Vec::new();
                for g in ctx.engine.xgroups(key)? {
                    fn all(consumer: Option<&[u8]>, count: u64) -> PendingQuery<'_> {
                        PendingQuery {
                            consumer,
                            start: StreamId::MIN,
                            end: StreamId::MAX,
                            count: if count == 0 { u64::MAX } else { count },
                            delivered_before: None,
                        }
                    }
                    let pel = ctx.engine.xpending(key, &g.name, all(None, count))?;
                    let mut consumers = Vec::new();
                    for c in ctx.engine.xconsumers(key, &g.name)? {
                        let own = ctx
                            .engine
                            .xpending(key, &g.name, all(Some(&c.name), count))?;
                        consumers.push(Reply::Map(vec![
                            field("name", Reply::bulk(c.name)),
                            field("seen-time", Reply::Int(c.seen_time)),
                            field("pel-count", Reply::Int(c.pending as i64)),
                            field(
                                "pending",
                                Reply::Array(
                                    own.into_iter()
                                        .map(|p| {
                                            Reply::Array(vec![
                                                id_reply(p.id),
                                                Reply::Int(p.delivered_at),
                                                Reply::Int(p.deliveries as i64),
                                            ])
                                        })
                                        .collect(),
                                ),
                            ),
                        ]));
                    }
                    groups.push(Reply::Map(vec![
                        field("name", Reply::bulk(g.name)),
                        field("last-delivered-id", id_reply(g.last_id)),
                        field("entries-read", opt_int(g.entries_read)),
                        field("lag", opt_int(group_lag(&meta, g.last_id, g.entries_read))),
                        field("pel-count", Reply::Int(g.pending as i64)),
                        field(
                            "pending",
                            Reply::Array(
                                pel.into_iter()
                                    .map(|p| {
                                        Reply::Array(vec![
                                            id_reply(p.id),
                                            Reply::bulk(p.consumer),
                                            Reply::Int(p.delivered_at),
                                            Reply::Int(p.deliveries as i64),
                                        ])
                                    })
                                    .collect(),
                            ),
                        ),
                        field("consumers", Reply::Array(consumers)),
                    ]));
                }
                out.push(field("groups", Reply::Array(groups)));
                Ok(Reply::Map(out))
            }
        }
    }
}

register_command!(XInfo);
