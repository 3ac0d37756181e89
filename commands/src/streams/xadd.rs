//! XADD key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value ...]

use resplite_core::engine::stream::StreamId;
use resplite_core::prelude::*;

use super::{id_reply, node_limits, parse_trim_args, run_trim, TrimArgs};

pub struct XAdd {
    key: Bytes,
    opts: TrimArgs,
    fields: Vec<(Bytes, Bytes)>,
}

/// The id an entry gets (`streamAppendItem`); `None` when it would not be
/// above the stream's last id.
fn next_id(last: StreamId, given: Option<(StreamId, bool)>, now_ms: i64) -> Option<StreamId> {
    let id = match given {
        Some((id, true)) => id,
        // `ms-*`: the next sequence within `ms`, or 0 for a later `ms`.
        Some((id, false)) if id.ms == last.ms => {
            if last.seq == u64::MAX {
                return None;
            }
            StreamId::new(last.ms, last.seq + 1)
        }
        Some((id, false)) => id,
        None => {
            let now = now_ms.max(0) as u64;
            if now > last.ms {
                StreamId::new(now, 0)
            } else {
                // Past the last id even when the clock went back; wraps
                // to 0-0 (refused below) after the last possible id.
                last.next().unwrap_or(StreamId::MIN)
            }
        }
    };
    (id > last).then_some(id)
}

impl Command for XAdd {
    const SPEC: CommandSpec = CommandSpec::new(
        "xadd",
        -5,
        Flags::WRITE.union(Flags::DENYOOM).union(Flags::FAST),
        "stream",
    )
    .keys(1, 1, 1)
    .summary("Appends a new message to a stream. Creates the key if it doesn't exist.")
    .since("5.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let key = args.bytes()?;
        let opts = parse_trim_args(args, true)?;
        if args.remaining() < 2 || !args.remaining().is_multiple_of(2) {
            return Err(CommandError::WrongArity("xadd".into()));
        }
        let fields = args.pairs("xadd")?;
        Ok(XAdd { key, opts, fields })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        if let Some((id, true)) = self.opts.id {
            if id.is_zero() {
                return Err(CommandError::other(
                    "ERR The ID specified in XADD must be greater than 0-0",
                ));
            }
        }
        let last = match ctx.engine.xmeta(&self.key)? {
            Some(meta) => meta.last_id,
            None if self.opts.nomkstream => return Ok(Reply::Nil),
            None => StreamId::MIN,
        };
        if last == StreamId::MAX {
            return Err(CommandError::other(
                "ERR The stream has exhausted the last possible ID, unable to add more items",
            ));
        }
        let Some(id) = next_id(last, self.opts.id, ctx.now_ms()) else {
            return Err(CommandError::other(
                "ERR The ID specified in XADD is equal or smaller than the target stream top item",
            ));
        };
        let fields: Vec<(&[u8], &[u8])> =
            self.fields.iter().map(|(f, v)| (&f[..], &v[..])).collect();
        let limits = node_limits(ctx);
        ctx.engine.xappend(&self.key, id, &fields, limits)?;
        ctx.notify(Class::STREAM, "xadd", &self.key);
        if let Some(trim) = self.opts.trim(ctx) {
            run_trim(ctx, &self.key, trim)?;
        }
        Ok(id_reply(id))
    }
}

register_command!(XAdd);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        let last = StreamId::new(5, 5);
        assert_eq!(next_id(last, None, 9), Some(StreamId::new(9, 0)));
        assert_eq!(next_id(last, None, 3), Some(StreamId::new(5, 6)));
        assert_eq!(
            next_id(last, Some((StreamId::new(5, 0), false)), 0),
            Some(StreamId::new(5, 6))
        );
        assert_eq!(
            next_id(last, Some((StreamId::new(7, 0), false)), 0),
            Some(StreamId::new(7, 0))
        );
        assert_eq!(next_id(last, Some((StreamId::new(4, 0), false)), 0), None);
        assert_eq!(next_id(last, Some((StreamId::new(5, 5), true)), 0), None);
        assert_eq!(
            next_id(
                StreamId::new(5, u64::MAX),
                Some((StreamId::new(5, 0), false)),
                0
            ),
            None
        );
    }
}
