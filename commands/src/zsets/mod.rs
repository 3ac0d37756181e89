//! Commands on zsets: one module per command or small family, with the score
//! and range parsing they share.

mod combine;
mod pop;
mod range;
mod read;
mod scan;
mod write;

use resplite_core::engine::{LexBound, LexRange, ScoreBound, ScoreRange, Scored};
use resplite_core::prelude::*;

/// A score argument as Redis' `getDoubleFromObject` reads it (`strtod`): no
/// leading blank, the whole text, no NaN, no overflow to ±inf and no underflow
/// to zero.
pub(crate) fn parse_score(s: &[u8]) -> Option<f64> {
    let text = std::str::from_utf8(s).ok()?;
    if text.is_empty() || text.starts_with(|c: char| c.is_ascii_whitespace()) {
        return None;
    }
    let v = strtod_all(text)?;
    let lower = text.to_ascii_lowercase();
    let digits = lower.trim_start_matches(['+', '-']);
    if v.is_infinite() && !digits.starts_with("inf") {
        return None;
    }
    if v == 0.0 && mantissa_nonzero(digits) {
        return None;
    }
    Some(v)
}

/// `strtod` over the whole text: leading blanks allowed, NaN refused.
fn strtod_all(text: &str) -> Option<f64> {
    let t = text.trim_start_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']);
    let lower = t.to_ascii_lowercase();
    let unsigned = lower.trim_start_matches(['+', '-']);
    if lower.len() - unsigned.len() > 1 {
        return None;
    }
    let v: f64 = match unsigned {
        "inf" | "infinity" => {
            if lower.starts_with('-') {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            }
        }
        u if u.contains("inf") || u.contains("nan") => return None,
        u if u.starts_with("0x") => {
            let v = parse_hex(&u[2..])?;
            if lower.starts_with('-') {
                -v
            } else {
                v
            }
        }
        _ => t.parse().ok()?,
    };
    (!v.is_nan()).then_some(v)
}

/// The part of a C99 hex float after `0x`: `1f`, `1.8`, `1p-3`.
fn parse_hex(s: &str) -> Option<f64> {
    let (mantissa, exp) = match s.split_once('p') {
        Some((m, e)) => (m, e.parse::<i32>().ok()?),
        None => (s, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut v = 0f64;
    for c in int.chars() {
        v = v * 16.0 + f64::from(c.to_digit(16)?);
    }
    let mut scale = 1.0 / 16.0;
    for c in frac.chars() {
        v += f64::from(c.to_digit(16)?) * scale;
        scale /= 16.0;
    }
    Some(v * 2f64.powi(exp))
}

fn mantissa_nonzero(digits: &str) -> bool {
    digits
        .split(['e', 'E'])
        .next()
        .is_some_and(|m| m.bytes().any(|b| (b'1'..=b'9').contains(&b)))
}

/// One end of a score range (`zslParseRange`): `(` for exclusive, then
/// whatever `strtod` reads whole.
fn parse_score_bound(s: &[u8]) -> Option<ScoreBound> {
    let (exclusive, rest) = match s.first() {
        Some(b'(') => (true, &s[1..]),
        _ => (false, s),
    };
    let text = std::str::from_utf8(rest).ok()?;
    // strtod reads nothing from an empty string, and Redis takes the 0.
    let value = if text.is_empty() {
        0.0
    } else {
        strtod_all(text)?
    };
    Some(ScoreBound { value, exclusive })
}

pub(crate) fn parse_score_range(min: &[u8], max: &[u8]) -> Result<ScoreRange, CommandError> {
    match (parse_score_bound(min), parse_score_bound(max)) {
        (Some(min), Some(max)) => Ok(ScoreRange { min, max }),
        _ => Err(CommandError::other("ERR min or max is not a float")),
    }
}

/// One end of a lex range (`zslParseLexRangeItem`).
fn parse_lex_bound(s: &[u8]) -> Option<LexBound> {
    // Redis reads a C string: `+` followed by a NUL byte still counts as `+`.
    let alone = s.get(1).is_none_or(|&b| b == 0);
    match s.first()? {
        b'+' if alone => Some(LexBound::Max),
        b'-' if alone => Some(LexBound::Min),
        b'[' => Some(LexBound::Inclusive(s[1..].to_vec())),
        b'(' => Some(LexBound::Exclusive(s[1..].to_vec())),
        _ => None,
    }
}

pub(crate) fn parse_lex_range(min: &[u8], max: &[u8]) -> Result<LexRange, CommandError> {
    match (parse_lex_bound(min), parse_lex_bound(max)) {
        (Some(min), Some(max)) => Ok(LexRange { min, max }),
        _ => Err(CommandError::other(
            "ERR min or max not valid string range item",
        )),
    }
}

/// Members, with their scores if asked: flat pairs in RESP2, `[member, score]`
/// arrays in RESP3 (as Redis 7 replies to ZRANGE, ZPOPMIN n, ZUNION...).
pub(crate) fn scored_reply(items: Vec<Scored>, withscores: bool, resp3: bool) -> Reply {
    if !withscores {
        return Reply::bulks(items.into_iter().map(|(m, _)| m));
    }
    if resp3 {
        return Reply::Array(
            items
                .into_iter()
                .map(|(m, s)| Reply::Array(vec![Reply::bulk(m), Reply::Double(s)]))
                .collect(),
        );
    }
    let mut out = Vec::with_capacity(items.len() * 2);
    for (m, s) in items {
        out.push(Reply::bulk(m));
        out.push(Reply::Double(s));
    }
    Reply::Array(out)
}

pub(crate) fn is_resp3(ctx: &Ctx) -> bool {
    ctx.session.resp >= 3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores() {
        assert_eq!(parse_score(b"1.5"), Some(1.5));
        assert_eq!(parse_score(b"-inf"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_score(b"+inf"), Some(f64::INFINITY));
        assert_eq!(parse_score(b"nan"), None);
        assert_eq!(parse_score(b" 1"), None);
        assert_eq!(parse_score(b"1e400"), None);
        assert_eq!(parse_score(b"1e-400"), None);
        assert_eq!(parse_score(b"0e5"), Some(0.0));
        assert_eq!(parse_score(b""), None);
        assert_eq!(parse_score(b"1 "), None);
        assert!(parse_score_bound(b"( 1").is_some());
        assert_eq!(parse_score_bound(b"(").unwrap().value, 0.0);
        assert_eq!(parse_score(b"0x10"), Some(16.0));
        assert_eq!(parse_score(b"-0x1.8p1"), Some(-3.0));
        assert_eq!(parse_score_bound(b"1e400").unwrap().value, f64::INFINITY);
    }

    #[test]
    fn lex_bounds() {
        assert_eq!(parse_lex_bound(b"+"), Some(LexBound::Max));
        assert_eq!(parse_lex_bound(b"+\0x"), Some(LexBound::Max));
        assert_eq!(parse_lex_bound(b"+a"), None);
        assert_eq!(parse_lex_bound(b"a"), None);
        assert_eq!(parse_lex_bound(b""), None);
        assert_eq!(parse_lex_bound(b"["), Some(LexBound::Inclusive(vec![])));
    }
}
mod blocking;

/// Keyspace events of a pop: `zpopmin`/`zpopmax`, then `del` if the set is gone.
pub(crate) fn notify_zpop(ctx: &mut Ctx, key: &[u8], max: bool) {
    ctx.notify(Class::ZSET, if max { "zpopmax" } else { "zpopmin" }, key);
    ctx.notify_if_deleted(key);
}
