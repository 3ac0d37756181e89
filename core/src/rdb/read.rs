//! Reading RDB objects. Every length is checked against the bytes left
//! before anything is allocated, so a hostile payload costs at most its own
//! size (and LZF's bounded expansion).

use std::collections::HashSet;

use super::packed::{self, Packed};
use super::{lzf, stream, types, RdbError, Result};
use crate::engine::value::Value;

/// Reads RDB values front to back; every read fails cleanly on bad input.
pub struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Reader<'a> {
        Reader { buf, pos: 0 }
    }

    pub fn byte(&mut self) -> Result<u8> {
        Ok(self.bytes(1)?[0])
    }

    pub(super) fn bytes(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).ok_or(RdbError::BadFormat)?;
        let s = self.buf.get(self.pos..end).ok_or(RdbError::Truncated)?;
        self.pos = end;
        Ok(s)
    }

    /// Bytes read so far.
    pub(super) fn position(&self) -> usize {
        self.pos
    }

    fn left(&self) -> usize {
        self.buf.len() - self.pos
    }

    pub fn is_empty(&self) -> bool {
        self.left() == 0
    }

    /// A length, or (second field true) the kind of a specially encoded string.
    fn length_or_encoding(&mut self) -> Result<(u64, bool)> {
        let b = self.byte()?;
        Ok(match b >> 6 {
            0 => (u64::from(b & 0x3F), false),
            1 => (u64::from(b & 0x3F) << 8 | u64::from(self.byte()?), false),
            3 => (u64::from(b & 0x3F), true),
            _ if b == 0x80 => {
                let v = self.bytes(4)?;
                (
                    u64::from(u32::from_be_bytes([v[0], v[1], v[2], v[3]])),
                    false,
                )
            }
            _ if b == 0x81 => {
                let mut v = [0u8; 8];
                v.copy_from_slice(self.bytes(8)?);
                (u64::from_be_bytes(v), false)
            }
            _ => return Err(RdbError::BadFormat),
        })
    }

    pub fn len(&mut self) -> Result<u64> {
        match self.length_or_encoding()? {
            (n, false) => Ok(n),
            _ => Err(RdbError::BadFormat),
        }
    }

    /// A count of things that take at least one byte each.
    pub(super) fn count(&mut self) -> Result<usize> {
        let n = self.len()?;
        if n > self.left() as u64 {
            return Err(RdbError::Truncated);
        }
        Ok(n as usize)
    }

    /// A string in any of its encodings (plain, integer, LZF).
    pub fn string(&mut self) -> Result<Vec<u8>> {
        let (n, encoded) = self.length_or_encoding()?;
        if !encoded {
            return Ok(self
                .bytes(usize::try_from(n).map_err(|_| RdbError::BadFormat)?)?
                .to_vec());
        }
        let int = |bytes: &[u8]| {
            let mut v = [0u8; 8];
            v[..bytes.len()].copy_from_slice(bytes);
            let shift = 64 - 8 * bytes.len() as u32;
            ((i64::from_le_bytes(v) << shift) >> shift)
                .to_string()
                .into_bytes()
        };
        match n {
            0 => Ok(int(self.bytes(1)?)),
            1 => Ok(int(self.bytes(2)?)),
            2 => Ok(int(self.bytes(4)?)),
            3 => {
                let clen = usize::try_from(self.len()?).map_err(|_| RdbError::BadFormat)?;
                let ulen = usize::try_from(self.len()?).map_err(|_| RdbError::BadFormat)?;
                let data = self.bytes(clen)?;
                lzf::decompress(data, ulen).ok_or(RdbError::BadFormat)
            }
            _ => Err(RdbError::BadFormat),
        }
    }

    /// A score of the old zset encoding: a length byte and ASCII.
    fn text_double(&mut self) -> Result<f64> {
        match self.byte()? {
            253 => Ok(f64::NAN),
            254 => Ok(f64::INFINITY),
            255 => Ok(f64::NEG_INFINITY),
            n => parse_double(self.bytes(usize::from(n))?),
        }
    }

    fn binary_double(&mut self) -> Result<f64> {
        let mut v = [0u8; 8];
        v.copy_from_slice(self.bytes(8)?);
        Ok(f64::from_le_bytes(v))
    }

    /// A time in milliseconds, 8 bytes little-endian.
    pub(super) fn millis(&mut self) -> Result<i64> {
        let mut v = [0u8; 8];
        v.copy_from_slice(self.bytes(8)?);
        Ok(i64::from_le_bytes(v))
    }
}

fn parse_double(text: &[u8]) -> Result<f64> {
    std::str::from_utf8(text)
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .ok_or(RdbError::BadFormat)
}

/// One object: its type byte, then the value.
pub(super) fn object(body: &[u8]) -> Result<Value> {
    let mut r = Reader::new(body);
    let kind = r.byte()?;
    value(&mut r, kind)
}

/// The value of an object of type `kind`.
pub(super) fn value(r: &mut Reader<'_>, kind: u8) -> Result<Value> {
    let value = match kind {
        types::STRING => return Ok(Value::String(r.string()?)),
        types::LIST => {
            let n = r.count()?;
            Value::List((0..n).map(|_| r.string()).collect::<Result<_>>()?)
        }
        types::SET => {
            let n = r.count()?;
            Value::Set((0..n).map(|_| r.string()).collect::<Result<_>>()?)
        }
        types::ZSET | types::ZSET_2 => {
            let n = r.count()?;
            let mut members = Vec::with_capacity(n);
            for _ in 0..n {
                let member = r.string()?;
                let score = if kind == types::ZSET_2 {
                    r.binary_double()?
                } else {
                    r.text_double()?
                };
                members.push((member, score));
            }
            Value::ZSet(members)
        }
        types::HASH => {
            let n = r.count()?;
            let mut pairs = Vec::with_capacity(n);
            for _ in 0..n {
                pairs.push((r.string()?, r.string()?));
            }
            Value::Hash(pairs, Vec::new())
        }
        types::HASH_METADATA | types::HASH_METADATA_PRE_GA => {
            // Deadlines relative to a minimum (7.4), or absolute (its RCs).
            let min = if kind == types::HASH_METADATA {
                r.millis()?
            } else {
                0
            };
            let n = r.count()?;
            let (mut pairs, mut deadlines) = (Vec::with_capacity(n), Vec::new());
            for _ in 0..n {
                let ttl = r.len()?;
                let field = r.string()?;
                if ttl != 0 {
                    let at = if kind == types::HASH_METADATA {
                        (ttl as i64)
                            .checked_add(min)
                            .and_then(|at| at.checked_sub(1))
                    } else {
                        i64::try_from(ttl).ok()
                    };
                    deadlines.push((field.clone(), deadline(at)?));
                }
                pairs.push((field, r.string()?));
            }
            Value::Hash(pairs, deadlines)
        }
        types::HASH_LISTPACK_EX | types::HASH_LISTPACK_EX_PRE_GA => {
            if kind == types::HASH_LISTPACK_EX {
                r.millis()?;
            }
            let blob = r.string()?;
            let items = packed::listpack(&blob)?;
            if !items.len().is_multiple_of(3) {
                return Err(RdbError::BadFormat);
            }
            let (mut pairs, mut deadlines) = (Vec::new(), Vec::new());
            let mut it = items.into_iter();
            while let (Some(f), Some(v), Some(t)) = (it.next(), it.next(), it.next()) {
                let (f, at) = (f.into_vec(), t.as_int()?);
                if at != 0 {
                    deadlines.push((f.clone(), deadline(Some(at))?));
                }
                pairs.push((f, v.into_vec()));
            }
            Value::Hash(pairs, deadlines)
        }
        types::HASH_ZIPMAP => Value::Hash(packed::zipmap(&r.string()?)?, Vec::new()),
        types::LIST_ZIPLIST => Value::List(strings(packed::ziplist(&r.string()?)?)),
        types::SET_INTSET => Value::Set(
            packed::intset(&r.string()?)?
                .into_iter()
                .map(|i| i.to_string().into_bytes())
                .collect(),
        ),
        types::SET_LISTPACK => Value::Set(strings(packed::listpack(&r.string()?)?)),
        types::ZSET_ZIPLIST | types::ZSET_LISTPACK => {
            let blob = r.string()?;
            Value::ZSet(zset_pairs(packed_items(
                &blob,
                kind == types::ZSET_ZIPLIST,
            )?)?)
        }
        types::HASH_ZIPLIST | types::HASH_LISTPACK => {
            let blob = r.string()?;
            Value::Hash(
                pairs(packed_items(&blob, kind == types::HASH_ZIPLIST)?)?,
                Vec::new(),
            )
        }
        types::LIST_QUICKLIST | types::LIST_QUICKLIST_2 => {
            let nodes = r.count()?;
            let mut items = Vec::new();
            for _ in 0..nodes {
                // Quicklist 2 says per node whether it is one plain element.
                let container = if kind == types::LIST_QUICKLIST_2 {
                    r.len()?
                } else {
                    2
                };
                let blob = r.string()?;
                match container {
                    1 => items.push(blob),
                    2 => items.extend(strings(packed_items(&blob, kind == types::LIST_QUICKLIST)?)),
                    _ => return Err(RdbError::BadFormat),
                }
            }
            Value::List(items)
        }
        types::STREAM_LISTPACKS | types::STREAM_LISTPACKS_2 | types::STREAM_LISTPACKS_3 => {
            // An empty stream is a valid key.
            return Ok(Value::Stream(stream::read(r, kind)?));
        }
        // Modules, and types newer than the versions read.
        _ => return Err(RdbError::BadFormat),
    };
    check(value)
}

/// A field deadline as Redis bounds it (`EB_EXPIRE_TIME_MAX`).
fn deadline(at: Option<i64>) -> Result<i64> {
    at.filter(|at| (0..1 << 48).contains(at))
        .ok_or(RdbError::BadFormat)
}

/// A ziplist (Redis before 7.0) or a listpack (since).
fn packed_items(blob: &[u8], ziplist: bool) -> Result<Vec<Packed<'_>>> {
    if ziplist {
        packed::ziplist(blob)
    } else {
        packed::listpack(blob)
    }
}

fn strings(items: Vec<Packed<'_>>) -> Vec<Vec<u8>> {
    items.into_iter().map(Packed::into_vec).collect()
}

fn pairs(items: Vec<Packed<'_>>) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
    if !items.len().is_multiple_of(2) {
        return Err(RdbError::BadFormat);
    }
    let mut it = items.into_iter();
    let mut out = Vec::with_capacity(it.len() / 2);
    while let (Some(f), Some(v)) = (it.next(), it.next()) {
        out.push((f.into_vec(), v.into_vec()));
    }
    Ok(out)
}

fn zset_pairs(items: Vec<Packed<'_>>) -> Result<Vec<(Vec<u8>, f64)>> {
    pairs(items)?
        .into_iter()
        .map(|(m, s)| Ok((m, parse_double(&s)?)))
        .collect()
}

/// What Redis refuses to load: empty collections, repeated members or
/// fields, NaN scores.
fn check(value: Value) -> Result<Value> {
    fn unique<'a>(mut items: impl Iterator<Item = &'a [u8]>) -> bool {
        let mut seen = HashSet::new();
        items.all(|i| seen.insert(i))
    }
    let ok = match &value {
        Value::String(_) | Value::Stream(_) => true,
        Value::List(items) => !items.is_empty(),
        Value::Set(items) => !items.is_empty() && unique(items.iter().map(|m| &m[..])),
        Value::Hash(pairs, _) => !pairs.is_empty() && unique(pairs.iter().map(|(f, _)| &f[..])),
        Value::ZSet(members) => {
            !members.is_empty()
                && members.iter().all(|(_, s)| !s.is_nan())
                && unique(members.iter().map(|(m, _)| &m[..]))
        }
    };
    if ok {
        Ok(value)
    } else {
        Err(RdbError::BadFormat)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{seal, types};
    use super::*;

    /// A ziplist of short strings, as Redis before 7.0 wrote small values.
    fn ziplist(items: &[&[u8]]) -> Vec<u8> {
        let mut body = Vec::new();
        let mut prev = 0usize;
        let mut tail = 10;
        for item in items {
            tail = 10 + body.len();
            let start = body.len();
            body.push(prev as u8);
            body.push(item.len() as u8);
            body.extend_from_slice(item);
            prev = body.len() - start;
        }
        let total = 10 + body.len() + 1;
        let mut zl = (total as u32).to_le_bytes().to_vec();
        zl.extend_from_slice(&(tail as u32).to_le_bytes());
        zl.extend_from_slice(&(items.len() as u16).to_le_bytes());
        zl.extend_from_slice(&body);
        zl.push(0xFF);
        zl
    }

    fn payload(kind: u8, blob: &[u8]) -> Vec<u8> {
        let mut body = vec![kind];
        super::super::write::string(&mut body, blob);
        seal(body)
    }

    fn v(items: &[&[u8]]) -> Vec<Vec<u8>> {
        items.iter().map(|i| i.to_vec()).collect()
    }

    #[test]
    fn encodings_of_redis_before_7() {
        let zl = ziplist(&[b"a", b"bb", b"ccc"]);
        let list = Value::List(v(&[b"a", b"bb", b"ccc"]));
        assert_eq!(
            super::super::restore(&payload(types::LIST_ZIPLIST, &zl)),
            Ok(list.clone())
        );
        // A quicklist of one ziplist node (Redis 3.2 to 6.2).
        let mut body = vec![types::LIST_QUICKLIST, 1];
        super::super::write::string(&mut body, &zl);
        assert_eq!(super::super::restore(&seal(body)), Ok(list));
        let hash = ziplist(&[b"f", b"v", b"n", b"12"]);
        assert_eq!(
            super::super::restore(&payload(types::HASH_ZIPLIST, &hash)),
            Ok(Value::Hash(
                vec![
                    (b"f".to_vec(), b"v".to_vec()),
                    (b"n".to_vec(), b"12".to_vec())
                ],
                Vec::new()
            ))
        );
        let zset = ziplist(&[b"m", b"1.5", b"n", b"-2"]);
        assert_eq!(
            super::super::restore(&payload(types::ZSET_ZIPLIST, &zset)),
            Ok(Value::ZSet(vec![
                (b"m".to_vec(), 1.5),
                (b"n".to_vec(), -2.0)
            ]))
        );
        // A zipmap (Redis 2.4): f -> v with one free byte, then g -> "".
        let zm = [2, 1, b'f', 1, 1, b'v', 0, 1, b'g', 0, 0, 0xFF];
        assert_eq!(
            super::super::restore(&payload(types::HASH_ZIPMAP, &zm)),
            Ok(Value::Hash(
                vec![(b"f".to_vec(), b"v".to_vec()), (b"g".to_vec(), Vec::new())],
                Vec::new()
            ))
        );
        // Repeated fields are refused, never merged.
        let dup = ziplist(&[b"f", b"1", b"f", b"2"]);
        assert_eq!(
            super::super::restore(&payload(types::HASH_ZIPLIST, &dup)),
            Err(RdbError::BadFormat)
        );
    }

    /// Redis 7.2 and Valkey 8 add a consumer's active time (type 21).
    #[test]
    fn streams_of_redis_7_2() {
        let mut b = vec![types::STREAM_LISTPACKS_3, 0, 0, 5, 0, 0, 0, 0, 0, 1, 1];
        super::super::write::string(&mut b, b"g");
        b.extend_from_slice(&[5, 0, 1, 0, 1]);
        super::super::write::string(&mut b, b"c");
        b.extend_from_slice(&1_700_000_000_000i64.to_le_bytes());
        b.extend_from_slice(&1_700_000_000_500i64.to_le_bytes());
        b.push(0);
        let Ok(Value::Stream(s)) = super::super::restore(&seal(b)) else {
            panic!("not a stream")
        };
        let head = s.head.unwrap();
        assert_eq!((head.last_id.ms, head.entries_added), (5, 1));
        assert_eq!(head.groups[0].entries_read, Some(1));
        assert_eq!(
            head.groups[0].consumers,
            vec![(b"c".to_vec(), 1_700_000_000_000)]
        );
    }

    /// Redis 7.4's hashes with field deadlines: type 24 (deadlines relative
    /// to the minimum, plus one), 25 (a listpack of field, value, absolute
    /// deadline or 0) and the release candidates' 22 and 23 (absolute).
    #[test]
    fn hashes_with_field_deadlines() {
        let expected = Value::Hash(
            vec![
                (b"a".to_vec(), b"1".to_vec()),
                (b"b".to_vec(), b"x".to_vec()),
            ],
            vec![(b"a".to_vec(), 1_800_000_000_123)],
        );
        let mut lp = packed::ListpackWriter::default();
        for item in [&b"a"[..], b"1", b"1800000000123", b"b", b"x", b"0"] {
            lp.push(item);
        }
        let lp = lp.finish();
        let mut t25 = vec![types::HASH_LISTPACK_EX];
        t25.extend_from_slice(&1_800_000_000_123i64.to_le_bytes());
        super::super::write::string(&mut t25, &lp);
        let mut t23 = vec![types::HASH_LISTPACK_EX_PRE_GA];
        super::super::write::string(&mut t23, &lp);
        let mut t22 = vec![types::HASH_METADATA_PRE_GA, 2];
        for (ttl, f, v) in [(1_800_000_000_123u64, "a", "1"), (0, "b", "x")] {
            super::super::write::len(&mut t22, ttl);
            super::super::write::string(&mut t22, f.as_bytes());
            super::super::write::string(&mut t22, v.as_bytes());
        }
        let t24 = super::super::write::object(&expected);
        assert_eq!(t24[0], types::HASH_METADATA);
        for body in [t22, t23, t24, t25] {
            assert_eq!(object(&body).unwrap(), expected, "type {}", body[0]);
        }
        // A deadline past Redis' bound is refused.
        let mut bad = vec![types::HASH_METADATA_PRE_GA, 1];
        super::super::write::len(&mut bad, 1 << 50);
        super::super::write::string(&mut bad, b"f");
        super::super::write::string(&mut bad, b"v");
        assert_eq!(object(&bad), Err(RdbError::BadFormat));
    }
}
