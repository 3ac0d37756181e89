//! Writing RDB objects, in the plainest encodings Redis 7.0 and later load.

use super::{stream, types};
use crate::engine::value::Value;
use crate::util::number::parse_i64;

/// An RDB length (6-, 14-, 32- or 64-bit forms).
pub fn len(out: &mut Vec<u8>, n: u64) {
    if n < 64 {
        out.push(n as u8);
    } else if n < 16384 {
        out.extend_from_slice(&[0x40 | (n >> 8) as u8, n as u8]);
    } else if let Ok(n) = u32::try_from(n) {
        out.push(0x80);
        out.extend_from_slice(&n.to_be_bytes());
    } else {
        out.push(0x81);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

/// A string: integers that fit 32 bits as integers (as Redis saves them),
/// the rest plain.
pub fn string(out: &mut Vec<u8>, s: &[u8]) {
    if let Some(i) = parse_i64(s) {
        if let Ok(i) = i8::try_from(i) {
            out.extend_from_slice(&[0xC0, i as u8]);
            return;
        }
        if let Ok(i) = i16::try_from(i) {
            out.push(0xC1);
            out.extend_from_slice(&i.to_le_bytes());
            return;
        }
        if let Ok(i) = i32::try_from(i) {
            out.push(0xC2);
            out.extend_from_slice(&i.to_le_bytes());
            return;
        }
    }
    len(out, s.len() as u64);
    out.extend_from_slice(s);
}

pub(super) fn millis(out: &mut Vec<u8>, ms: i64) {
    out.extend_from_slice(&ms.to_le_bytes());
}

/// The type byte a value is written with.
pub(super) fn kind(value: &Value) -> u8 {
    match value {
        Value::String(_) => types::STRING,
        Value::List(_) => types::LIST,
        Value::Set(_) => types::SET,
        Value::ZSet(_) => types::ZSET_2,
        Value::Hash(_, deadlines) if !deadlines.is_empty() => types::HASH_METADATA,
        Value::Hash(..) => types::HASH,
        Value::Stream(_) => types::STREAM_LISTPACKS_2,
    }
}

/// The value after its type byte (in a file, the key comes between).
pub(super) fn value(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::String(s) => string(out, s),
        Value::List(items) | Value::Set(items) => {
            len(out, items.len() as u64);
            items.iter().for_each(|i| string(out, i));
        }
        Value::ZSet(members) => {
            len(out, members.len() as u64);
            for (m, score) in members {
                string(out, m);
                out.extend_from_slice(&score.to_le_bytes());
            }
        }
        Value::Hash(pairs, deadlines) => {
            // With deadlines (Redis 7.4): the earliest, then per field its
            // deadline relative to it plus one (0: none).
            let min = deadlines.iter().map(|(_, at)| *at).min();
            let at: std::collections::HashMap<&[u8], i64> =
                deadlines.iter().map(|(f, at)| (&f[..], *at)).collect();
            if let Some(min) = min {
                millis(out, min);
            }
            len(out, pairs.len() as u64);
            for (f, v) in pairs {
                if let Some(min) = min {
                    len(out, at.get(&f[..]).map_or(0, |at| (at - min) as u64 + 1));
                }
                string(out, f);
                string(out, v);
            }
        }
        Value::Stream(s) => stream::write(out, s),
    }
}

/// Type byte and value (DUMP's body).
pub(super) fn object(v: &Value) -> Vec<u8> {
    let mut out = vec![kind(v)];
    value(&mut out, v);
    out
}

#[cfg(test)]
mod tests {
    use super::super::read::Reader;
    use super::*;

    #[test]
    fn lengths_and_strings_round_trip() {
        for n in [
            0u64,
            63,
            64,
            16383,
            16384,
            u32::MAX as u64,
            u32::MAX as u64 + 1,
            u64::MAX,
        ] {
            let mut out = Vec::new();
            len(&mut out, n);
            assert_eq!(Reader::new(&out).len(), Ok(n));
        }
        let long = b"abcabcabcabcabcabcabcabcabcabcabcabcabc".to_vec();
        for s in [
            &b""[..],
            b"0",
            b"-128",
            b"300",
            b"-70000",
            b"2147483648",
            b"01",
            &long,
        ] {
            let mut out = Vec::new();
            string(&mut out, s);
            assert_eq!(Reader::new(&out).string().as_deref(), Ok(s));
        }
    }
}
