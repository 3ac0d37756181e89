//! Commands on streams, one module per command or family, with the id and
//! trimming parsers they share. The engine stores; the rules of Redis'
//! t_stream.c (id generation, what a read does to a group's PEL, lag) live
//! here.

mod ack;
mod claim;
mod group;
mod info;
mod pending;
mod range;
mod read;
mod setid;
mod trim;
mod xadd;
mod xdel;

use resplite_core::engine::stream::{NodeLimits, StreamEntry, StreamId, StreamMeta, Trim, TrimBy};
use resplite_core::prelude::*;
use resplite_core::util::number::parse_i64;

pub(crate) fn invalid_id() -> CommandError {
    CommandError::other("ERR Invalid stream ID specified as stream command argument")
}

/// `strtoull` over the whole text, as Redis' `string2ull`: leading blanks
/// and a `+` allowed, no overflow.
fn parse_u64(s: &[u8]) -> Option<u64> {
    let s = std::str::from_utf8(s).ok()?;
    let t = s.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let digits = t.strip_prefix('+').unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        // `-0` reads as 0; other negatives are refused.
        let zero = t
            .strip_prefix('-')
            .is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b == b'0'));
        return zero.then_some(0);
    }
    digits.parse().ok()
}

/// An id as `streamGenericParseIDOrReply` reads it: `ms-seq`, `ms` (the
/// sequence is then `missing_seq`), `-` and `+` unless `strict`. With
/// `seq_star`, `ms-*` is accepted: the second value is false then (the
/// sequence is to be generated).
pub(crate) fn parse_id_with(
    arg: &[u8],
    missing_seq: u64,
    strict: bool,
    seq_star: bool,
) -> Result<(StreamId, bool), CommandError> {
    if arg.len() > 127 {
        return Err(invalid_id());
    }
    // Redis reads a C string: anything after a NUL byte is not seen.
    let arg = arg.split(|&b| b == 0).next().unwrap_or_default();
    match arg {
        b"-" | b"+" if strict => return Err(invalid_id()),
        b"-" => return Ok((StreamId::MIN, true)),
        b"+" => return Ok((StreamId::MAX, true)),
        _ => {}
    }
    let (ms, seq) = match arg.iter().position(|&b| b == b'-') {
        Some(at) => (&arg[..at], Some(&arg[at + 1..])),
        None => (arg, None),
    };
    let ms = parse_u64(ms).ok_or_else(invalid_id)?;
    match seq {
        Some(b"*") if seq_star => Ok((StreamId::new(ms, 0), false)),
        Some(seq) => Ok((
            StreamId::new(ms, parse_u64(seq).ok_or_else(invalid_id)?),
            true,
        )),
        None => Ok((StreamId::new(ms, missing_seq), true)),
    }
}

/// A strict id (no `-`/`+`), missing sequence 0.
pub(crate) fn parse_strict_id(arg: &[u8]) -> Result<StreamId, CommandError> {
    parse_id_with(arg, 0, true, false).map(|(id, _)| id)
}

/// One end of an interval (XRANGE, XPENDING, XAUTOCLAIM): `(` makes it
/// exclusive, which moves it one id inwards (`invalid start/end ID for the
/// interval` when it cannot move).
pub(crate) fn parse_interval(arg: &[u8], start: bool) -> Result<StreamId, CommandError> {
    let missing_seq = if start { 0 } else { u64::MAX };
    if arg.len() > 1 && arg[0] == b'(' {
        let (id, _) = parse_id_with(&arg[1..], missing_seq, true, false)?;
        let moved = if start { id.next() } else { id.prev() };
        return moved.ok_or_else(|| {
            CommandError::other(if start {
                "ERR invalid start ID for the interval"
            } else {
                "ERR invalid end ID for the interval"
            })
        });
    }
    parse_id_with(arg, missing_seq, false, false).map(|(id, _)| id)
}

/// An id as a bulk string.
pub(crate) fn id_reply(id: StreamId) -> Reply {
    Reply::bulk(id.to_string())
}

/// `[id, [field, value, ...]]`.
pub(crate) fn entry_reply(entry: StreamEntry) -> Reply {
    let mut fields = Vec::with_capacity(entry.fields.len() * 2);
    for (f, v) in entry.fields {
        fields.push(Reply::bulk(f));
        fields.push(Reply::bulk(v));
    }
    Reply::Array(vec![id_reply(entry.id), Reply::Array(fields)])
}

pub(crate) fn entries_reply(entries: Vec<StreamEntry>) -> Reply {
    Reply::Array(entries.into_iter().map(entry_reply).collect())
}

/// The entry `id`, if it exists.
pub(crate) fn entry_at(
    ctx: &mut Ctx,
    key: &[u8],
    id: StreamId,
) -> Result<Option<StreamEntry>, CommandError> {
    Ok(ctx.engine.xrange(key, id, id, 1, false)?.pop())
}

/// The id of the last entry still in the stream (`streamLastValidID`).
pub(crate) fn last_valid_id(ctx: &mut Ctx, key: &[u8]) -> Result<Option<StreamId>, CommandError> {
    Ok(ctx
        .engine
        .xrange(key, StreamId::MIN, StreamId::MAX, 1, true)?
        .pop()
        .map(|e| e.id))
}

/// A name as Redis prints it into an error with `%s`: up to its first NUL.
pub(crate) fn c_str(name: &[u8]) -> std::borrow::Cow<'_, str> {
    let end = name.iter().position(|&b| b == 0).unwrap_or(name.len());
    String::from_utf8_lossy(&name[..end])
}

/// `-NOGROUP No such key 'k' or consumer group 'g'` and its variants.
pub(crate) fn no_group(key: &[u8], group: &[u8], tail: &str) -> CommandError {
    CommandError::other(format!(
        "NOGROUP No such key '{}' or consumer group '{}'{tail}",
        c_str(key),
        c_str(group)
    ))
}

/// `-NOGROUP No such consumer group 'g' for key name 'k'`.
pub(crate) fn no_such_group(key: &[u8], group: &[u8]) -> CommandError {
    CommandError::other(format!(
        "NOGROUP No such consumer group '{}' for key name '{}'",
        c_str(group),
        c_str(key)
    ))
}

/// The node limits set by CONFIG (`stream-node-max-entries`/`-bytes`).
pub(crate) fn node_limits(ctx: &Ctx) -> NodeLimits {
    let s = ctx.server.settings.read().expect("settings lock");
    NodeLimits {
        max_entries: s.stream_node_max_entries,
        max_bytes: s.stream_node_max_bytes,
    }
}

/// XADD's and XTRIM's trimming options as parsed; `limit` resolved later
/// against `stream-node-max-entries`.
#[derive(Debug, Clone, Default)]
pub(crate) struct TrimArgs {
    pub by: Option<TrimBy>,
    pub approx: bool,
    pub limit: Option<i64>,
    /// XADD only.
    pub nomkstream: bool,
    /// XADD's id: `None` for `*`; the flag is false for `ms-*`.
    pub id: Option<(StreamId, bool)>,
}

impl TrimArgs {
    /// The trim to run, if any, as `streamParseAddOrTrimArgsOrReply` settles
    /// the LIMIT of an approximate trim.
    pub fn trim(&self, ctx: &Ctx) -> Option<Trim> {
        let by = self.by?;
        let limit = if !self.approx {
            0
        } else if let Some(l) = self.limit {
            l as u64
        } else {
            let per_node = node_limits(ctx).max_entries;
            match per_node.saturating_mul(100) {
                0 => 10_000,
                n => n.min(1_000_000),
            }
        };
        Some(Trim {
            by,
            approx: self.approx,
            limit,
        })
    }
}

/// Parses the options of XADD (`xadd`, up to and including the id; the
/// fields are left in `args`) or XTRIM.
pub(crate) fn parse_trim_args(args: &mut Args, xadd: bool) -> Result<TrimArgs, CommandError> {
    let incompatible = || {
        CommandError::other(
            "ERR syntax error, MAXLEN and MINID options at the same time are not compatible",
        )
    };
    let mut t = TrimArgs::default();
    while let Some(opt) = args.peek().cloned() {
        let more = args.remaining() - 1;
        args.bytes()?;
        if xadd && &opt[..] == b"*" {
            break;
        }
        let word = opt.to_ascii_lowercase();
        match &word[..] {
            b"maxlen" | b"minid" if more > 0 => {
                if t.by.is_some() {
                    return Err(incompatible());
                }
                t.approx = false;
                let next = args.peek().cloned().unwrap_or_default();
                if more >= 2 && (&next[..] == b"~" || &next[..] == b"=") {
                    t.approx = &next[..] == b"~";
                    args.bytes()?;
                }
                let value = args.bytes()?;
                t.by = Some(if &word[..] == b"maxlen" {
                    let n = parse_i64(&value).ok_or(CommandError::NotInteger)?;
                    if n < 0 {
                        return Err(CommandError::other("ERR The MAXLEN argument must be >= 0."));
                    }
                    TrimBy::MaxLen(n as u64)
                } else {
                    TrimBy::MinId(parse_strict_id(&value)?)
                });
            }
            b"limit" if more > 0 => {
                let n = parse_i64(&args.bytes()?).ok_or(CommandError::NotInteger)?;
                if n < 0 {
                    return Err(CommandError::other("ERR The LIMIT argument must be >= 0."));
                }
                t.limit = Some(n);
            }
            b"nomkstream" if xadd => t.nomkstream = true,
            _ if xadd => {
                t.id = Some(parse_id_with(&opt, 0, true, true)?);
                break;
            }
            _ => return Err(CommandError::Syntax),
        }
    }
    if t.limit.is_some_and(|l| l != 0) && t.by.is_none() {
        return Err(CommandError::other(
            "ERR syntax error, LIMIT cannot be used without specifying a trimming strategy",
        ));
    }
    if !xadd && t.by.is_none() {
        return Err(CommandError::other(
            "ERR syntax error, XTRIM must be called with a trimming strategy",
        ));
    }
    if t.limit.is_some() && !t.approx {
        return Err(CommandError::other(
            "ERR syntax error, LIMIT cannot be used without the special ~ option",
        ));
    }
    Ok(t)
}

/// Runs a trim and publishes `xtrim` if entries went.
pub(crate) fn run_trim(ctx: &mut Ctx, key: &[u8], trim: Trim) -> Result<u64, CommandError> {
    let deleted = ctx.engine.xtrim(key, trim)?;
    if deleted > 0 {
        ctx.notify(Class::STREAM, "xtrim", key);
    }
    Ok(deleted)
}

/// Does the stream hold a deleted entry between `start` and the end
/// (`streamRangeHasTombstones` with no end)?
pub(crate) fn has_tombstones_from(s: &StreamMeta, start: StreamId) -> bool {
    if s.length == 0 || s.max_deleted_id.is_zero() || s.first_id > s.max_deleted_id {
        return false;
    }
    start <= s.max_deleted_id
}

/// An id's position counted from the first entry ever added, when it can be
/// known (`streamEstimateDistanceFromFirstEverEntry`).
pub(crate) fn estimate_entries_read(s: &StreamMeta, id: StreamId) -> Option<u64> {
    if s.entries_added == 0 {
        return Some(0);
    }
    if s.length == 0 && id <= s.last_id {
        return Some(s.entries_added);
    }
    if id == s.last_id {
        return Some(s.entries_added);
    }
    if id > s.last_id {
        return None;
    }
    if s.max_deleted_id.is_zero() || s.max_deleted_id < s.first_id {
        if id < s.first_id {
            return Some(s.entries_added - s.length);
        }
        if id == s.first_id {
            return Some(s.entries_added - s.length + 1);
        }
    }
    None
}

/// A group's lag, `None` when it cannot be known (`streamReplyWithCGLag`).
/// Signed, as Redis computes it: ENTRIESREAD may claim more than was added.
pub(crate) fn group_lag(
    s: &StreamMeta,
    last_id: StreamId,
    entries_read: Option<u64>,
) -> Option<i64> {
    let added = s.entries_added as i64;
    if added == 0 {
        return Some(0);
    }
    if let Some(read) = entries_read {
        if !has_tombstones_from(s, last_id) {
            return Some(added.wrapping_sub(read as i64));
        }
    }
    estimate_entries_read(s, last_id).map(|read| added.wrapping_sub(read as i64))
}

pub(crate) fn opt_int(n: Option<impl Into<i128>>) -> Reply {
    n.map_or(Reply::Nil, |n| Reply::Int(n.into() as i64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert_eq!(parse_strict_id(b"5").unwrap(), StreamId::new(5, 0));
        assert_eq!(parse_strict_id(b"5-3").unwrap(), StreamId::new(5, 3));
        assert!(parse_strict_id(b"-").is_err());
        assert!(parse_strict_id(b"5-").is_err());
        assert!(parse_strict_id(b"a-1").is_err());
        assert!(parse_strict_id(b"-1").is_err());
        assert_eq!(
            parse_strict_id(b"18446744073709551615-18446744073709551615").unwrap(),
            StreamId::MAX
        );
        assert!(parse_strict_id(b"18446744073709551616").is_err());
        assert_eq!(
            parse_id_with(b"7-*", 0, true, true).unwrap(),
            (StreamId::new(7, 0), false)
        );
        assert!(parse_id_with(b"7-*", 0, true, false).is_err());
        assert_eq!(parse_interval(b"+", false).unwrap(), StreamId::MAX);
        assert_eq!(
            parse_interval(b"5", false).unwrap(),
            StreamId::new(5, u64::MAX)
        );
        assert_eq!(parse_interval(b"(5-1", true).unwrap(), StreamId::new(5, 2));
        assert!(parse_interval(b"(0-0", false).is_err());
        assert!(parse_interval(b"(-", true).is_err());
    }
}
