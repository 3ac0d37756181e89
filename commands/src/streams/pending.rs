//! XPENDING key group [[IDLE min-idle-time] start end count [consumer]]

use resplite_core::engine::stream::{PendingQuery, StreamId};
use resplite_core::prelude::*;

use super::{id_reply, no_group, parse_interval};

struct Extended {
    min_idle: i64,
    start: StreamId,
    end: StreamId,
    count: u64,
    consumer: Option<Bytes>,
}

pub struct XPending {
    key: Bytes,
    group: Bytes,
    extended: Option<Extended>,
}

impl Command for XPending {
    const SPEC: CommandSpec = CommandSpec::new("xpending", -3, Flags::READONLY, "stream")
        .keys(1, 1, 1)
        .summary("Returns the information and entries from a stream consumer group's pending entries list.")
        .since("5.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let argc = args.remaining() + 1;
        if argc != 3 && !(6..=9).contains(&argc) {
            return Err(CommandError::Syntax);
        }
        let key = args.bytes()?;
        let group = args.bytes()?;
        if argc == 3 {
            return Ok(XPending {
                key,
                group,
                extended: None,
            });
        }
        let mut min_idle = 0;
        if args.peek().is_some_and(|a| a.eq_ignore_ascii_case(b"IDLE")) {
            args.bytes()?;
            min_idle = args.i64()?;
            if argc < 8 {
                return Err(CommandError::Syntax);
            }
        }
        let (start, end) = (args.bytes()?, args.bytes()?);
        let count = args.i64()?.max(0) as u64;
        let start = parse_interval(&start, true)?;
        let end = parse_interval(&end, false)?;
        let consumer = if args.is_empty() {
            None
        } else {
            Some(args.bytes()?)
        };
        // Redis ignores anything after the consumer.
        args.rest();
        Ok(XPending {
            key,
            group,
            extended: Some(Extended {
                min_idle,
                start,
                end,
                count,
                consumer,
            }),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let exists = ctx.engine.xmeta(&self.key)?.is_some();
        if !exists || ctx.engine.xgroup(&self.key, &self.group)?.is_none() {
            return Err(no_group(&self.key, &self.group, ""));
        }
        let Some(ext) = self.extended else {
            let summary = ctx.engine.xpending_summary(&self.key, &self.group)?;
            let Some((low, high)) = summary.range else {
                return Ok(Reply::Array(vec![
                    Reply::Int(0),
                    Reply::Nil,
                    Reply::Nil,
                    Reply::NilArray,
                ]));
            };
            let consumers = summary
                .consumers
                .into_iter()
                .map(|(name, n)| Reply::Array(vec![Reply::bulk(name), Reply::bulk(n.to_string())]))
                .collect();
            return Ok(Reply::Array(vec![
                Reply::Int(summary.count as i64),
                id_reply(low),
                id_reply(high),
                Reply::Array(consumers),
            ]));
        };
        if let Some(name) = &ext.consumer {
            if ctx
                .engine
                .xconsumer(&self.key, &self.group, name)?
                .is_none()
            {
                return Ok(Reply::Array(Vec::new()));
            }
        }
        let now = ctx.now_ms();
        let query = PendingQuery {
            consumer: ext.consumer.as_deref(),
            start: ext.start,
            end: ext.end,
            count: ext.count,
            delivered_before: (ext.min_idle != 0).then(|| now.saturating_sub(ext.min_idle)),
        };
        let rows = ctx.engine.xpending(&self.key, &self.group, query)?;
        Ok(Reply::Array(
            rows.into_iter()
                .map(|p| {
                    Reply::Array(vec![
                        id_reply(p.id),
                        Reply::bulk(p.consumer),
                        Reply::Int((now - p.delivered_at).max(0)),
                        Reply::Int(p.deliveries as i64),
                    ])
                })
                .collect(),
        ))
    }
}

register_command!(XPending);
