//! FT.*: full-text search indexes, command for command as the Node.js
//! RESPlite serves them (its syntax, replies and error lines, which are not
//! Redis' arity errors: a wrong argument count is `ERR syntax error`), on
//! the engine's [`SearchOps`](resplite_core::engine::SearchOps).

mod docs;
mod index;
mod query;
mod redisearch;
mod suggest;

use resplite_core::prelude::*;

/// RESPlite's names: a letter, then up to 63 letters, digits, `_` or one of
/// `also`. They become SQL identifiers.
fn valid_name(name: &str, also: &[u8]) -> bool {
    let b = name.as_bytes();
    (1..=64).contains(&b.len())
        && b[0].is_ascii_alphabetic()
        && b[1..]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'_' || also.contains(c))
}

/// Index names (table name suffixes).
fn valid_index_name(name: &str) -> bool {
    valid_name(name, b":-")
}

/// Field names (FTS5 column names).
fn valid_field_name(name: &str) -> bool {
    valid_name(name, b"")
}

fn syntax() -> CommandError {
    CommandError::other("ERR syntax error")
}

/// An argument as text; search stores text only.
fn text(arg: &Bytes) -> Result<String, CommandError> {
    String::from_utf8(arg.to_vec()).map_err(|_| CommandError::other("ERR invalid field value"))
}

/// The index name argument, trimmed and checked as RESPlite does.
fn index_name(arg: &Bytes) -> Result<String, CommandError> {
    let name = text(arg)?.trim().to_string();
    if valid_index_name(&name) {
        Ok(name)
    } else {
        Err(CommandError::other("ERR invalid index name"))
    }
}

/// A document id or suggestion term: 1 to 256 characters.
fn doc_id(arg: &Bytes, nul_ok: bool) -> Result<String, CommandError> {
    let id = text(arg)?;
    let chars = id.encode_utf16().count();
    if !(1..=256).contains(&chars) || (!nul_ok && id.contains('\0')) {
        return Err(syntax());
    }
    Ok(id)
}

/// JavaScript's `parseFloat`: the longest leading decimal number, after
/// leading white space ("1.5x" is 1.5); `None` where it gives NaN.
fn js_float(arg: &[u8]) -> Option<f64> {
    let s = std::str::from_utf8(arg).ok()?.trim_start();
    for word in ["Infinity", "+Infinity", "-Infinity"] {
        if s.starts_with(word) {
            return Some(if word.starts_with('-') {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            });
        }
    }
    let b = s.as_bytes();
    let mut end = 0;
    let mut best = None;
    let mut seen_dot = false;
    let mut seen_exp = false;
    while end < b.len() {
        let c = b[end];
        let ok = c.is_ascii_digit()
            || ((c == b'+' || c == b'-') && (end == 0 || matches!(b[end - 1], b'e' | b'E')))
            || (c == b'.' && !seen_dot && !seen_exp)
            || ((c == b'e' || c == b'E') && !seen_exp && end > 0);
        if !ok {
            break;
        }
        seen_dot |= c == b'.';
        seen_exp |= c == b'e' || c == b'E';
        end += 1;
        if let Ok(v) = s[..end].parse::<f64>() {
            best = Some(v);
        }
    }
    best
}

/// JavaScript's `parseInt(_, 10)`: leading digits with an optional sign.
fn js_int(arg: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(arg).ok()?.trim_start();
    let b = s.as_bytes();
    let sign = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = b[sign..].iter().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 {
        return None;
    }
    Some(
        s[..sign + digits]
            .parse::<i64>()
            .unwrap_or(if b[0] == b'-' { i64::MIN } else { i64::MAX }),
    )
}

/// A score for the reply: an integer when whole (as RESPlite's encoder
/// sends JavaScript numbers), else its shortest decimal text.
fn score_reply(score: f64) -> Reply {
    if score.fract() == 0.0 && score.abs() < 9.007_199_254_740_992e15 {
        Reply::Int(score as i64)
    } else {
        Reply::bulk(score.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn javascript_number_parsing() {
        assert_eq!(js_float(b"1.5x"), Some(1.5));
        assert_eq!(js_float(b"  -2e3"), Some(-2000.0));
        assert_eq!(js_float(b"1e"), Some(1.0));
        assert_eq!(js_float(b".5"), Some(0.5));
        assert_eq!(js_float(b"abc"), None);
        assert_eq!(js_float(b"Infinity"), Some(f64::INFINITY));
        assert_eq!(js_int(b"10abc"), Some(10));
        assert_eq!(js_int(b"-3"), Some(-3));
        assert_eq!(js_int(b"x"), None);
        assert!(valid_index_name("idx:a_b-1") && !valid_index_name("1idx"));
        assert!(valid_field_name("payload") && !valid_field_name("a-b"));
    }
}
