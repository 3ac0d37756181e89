//! The compact encodings Redis nests inside RDB strings: listpack, ziplist,
//! intset and zipmap. Readers check every length against the bytes present
//! (a payload is untrusted input); only the listpack has a writer, since
//! resplite emits the simplest encodings Redis loads.

use super::{RdbError, Result};
use crate::util::number::parse_i64;

/// An element of a listpack or ziplist: bytes or an integer.
pub(super) enum Packed<'a> {
    Bytes(&'a [u8]),
    Int(i64),
}

impl Packed<'_> {
    pub(super) fn into_vec(self) -> Vec<u8> {
        match self {
            Packed::Bytes(b) => b.to_vec(),
            Packed::Int(i) => i.to_string().into_bytes(),
        }
    }

    pub(super) fn as_int(&self) -> Result<i64> {
        match self {
            Packed::Int(i) => Ok(*i),
            Packed::Bytes(b) => parse_i64(b).ok_or(RdbError::BadFormat),
        }
    }
}

fn take<'a>(buf: &'a [u8], pos: &mut usize, n: usize) -> Result<&'a [u8]> {
    let end = pos.checked_add(n).ok_or(RdbError::BadFormat)?;
    let s = buf.get(*pos..end).ok_or(RdbError::BadFormat)?;
    *pos = end;
    Ok(s)
}

fn le(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .rev()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
}

/// Sign-extends the low `bits` of `v`.
fn signed(v: u64, bits: u32) -> i64 {
    let shift = 64 - bits;
    ((v << shift) as i64) >> shift
}

/// A listpack's or ziplist's frame: total bytes (u32) first, the element
/// count (u16) at `count_at`, entries from `entries_at`, 0xFF last. The
/// body before the 0xFF, and the declared count.
fn header(buf: &[u8], entries_at: usize, count_at: usize) -> Result<(&[u8], usize)> {
    if buf.len() <= entries_at || le(&buf[..4]) != buf.len() as u64 || buf[buf.len() - 1] != 0xFF {
        return Err(RdbError::BadFormat);
    }
    Ok((
        &buf[..buf.len() - 1],
        le(&buf[count_at..count_at + 2]) as usize,
    ))
}

/// The elements, if as many as declared (65535 means "count them").
fn counted<T>(declared: usize, items: Vec<T>) -> Result<Vec<T>> {
    if declared != 65535 && declared != items.len() {
        return Err(RdbError::BadFormat);
    }
    Ok(items)
}

/// The elements of a listpack, in order.
pub(super) fn listpack(buf: &[u8]) -> Result<Vec<Packed<'_>>> {
    let (body, declared) = header(buf, 6, 4)?;
    let mut pos = 6;
    let mut out = Vec::with_capacity(declared.min(body.len()));
    while pos < body.len() {
        let start = pos;
        let b = body[pos];
        pos += 1;
        let item = match b {
            0x00..=0x7F => Packed::Int(i64::from(b)),
            0x80..=0xBF => Packed::Bytes(take(body, &mut pos, usize::from(b & 0x3F))?),
            0xC0..=0xDF => {
                let lo = take(body, &mut pos, 1)?[0];
                Packed::Int(signed((u64::from(b & 0x1F) << 8) | u64::from(lo), 13))
            }
            0xE0..=0xEF => {
                let lo = take(body, &mut pos, 1)?[0];
                let len = (usize::from(b & 0x0F) << 8) | usize::from(lo);
                Packed::Bytes(take(body, &mut pos, len)?)
            }
            0xF0 => {
                let len = le(take(body, &mut pos, 4)?) as usize;
                Packed::Bytes(take(body, &mut pos, len)?)
            }
            0xF1 => Packed::Int(signed(le(take(body, &mut pos, 2)?), 16)),
            0xF2 => Packed::Int(signed(le(take(body, &mut pos, 3)?), 24)),
            0xF3 => Packed::Int(signed(le(take(body, &mut pos, 4)?), 32)),
            0xF4 => Packed::Int(le(take(body, &mut pos, 8)?) as i64),
            _ => return Err(RdbError::BadFormat),
        };
        let backlen = backlen_size(pos - start);
        take(body, &mut pos, backlen)?;
        out.push(item);
    }
    counted(declared, out)
}

/// How many bytes the backlen of an entry of `l` bytes takes.
fn backlen_size(l: usize) -> usize {
    match l {
        0..=127 => 1,
        128..=16382 => 2,
        16383..=2097150 => 3,
        2097151..=268435454 => 4,
        _ => 5,
    }
}

/// Builds a listpack, the way Redis' `lpAppend` encodes (integers that
/// round-trip as integers).
#[derive(Default)]
pub(super) struct ListpackWriter {
    body: Vec<u8>,
    count: usize,
}

impl ListpackWriter {
    pub(super) fn push(&mut self, value: &[u8]) {
        // Integers that round-trip as integers, as Redis' `lpStringToInt64`.
        match parse_i64(value) {
            Some(i) => self.push_int(i),
            None => self.push_bytes(value),
        }
    }

    pub(super) fn push_int(&mut self, v: i64) {
        let start = self.body.len();
        let b = &mut self.body;
        if (0..=127).contains(&v) {
            b.push(v as u8);
        } else if (-4096..=4095).contains(&v) {
            let u = (v as u64) & 0x1FFF;
            b.extend_from_slice(&[0xC0 | (u >> 8) as u8, u as u8]);
        } else if i16::try_from(v).is_ok() {
            b.push(0xF1);
            b.extend_from_slice(&(v as i16).to_le_bytes());
        } else if (-(1 << 23)..(1 << 23)).contains(&v) {
            b.push(0xF2);
            b.extend_from_slice(&(v as i32).to_le_bytes()[..3]);
        } else if i32::try_from(v).is_ok() {
            b.push(0xF3);
            b.extend_from_slice(&(v as i32).to_le_bytes());
        } else {
            b.push(0xF4);
            b.extend_from_slice(&v.to_le_bytes());
        }
        self.finish_entry(start);
    }

    fn push_bytes(&mut self, v: &[u8]) {
        let start = self.body.len();
        let b = &mut self.body;
        if v.len() < 64 {
            b.push(0x80 | v.len() as u8);
        } else if v.len() < 4096 {
            b.extend_from_slice(&[0xE0 | (v.len() >> 8) as u8, v.len() as u8]);
        } else {
            b.push(0xF0);
            b.extend_from_slice(&(v.len() as u32).to_le_bytes());
        }
        b.extend_from_slice(v);
        self.finish_entry(start);
    }

    fn finish_entry(&mut self, start: usize) {
        let l = (self.body.len() - start) as u64;
        let mut buf = [0u8; 5];
        let n = backlen_size(l as usize);
        for (i, slot) in buf[..n].iter_mut().enumerate() {
            let shift = 7 * (n - 1 - i);
            *slot = ((l >> shift) & 127) as u8 | if i == 0 { 0 } else { 128 };
        }
        self.body.extend_from_slice(&buf[..n]);
        self.count += 1;
    }

    pub(super) fn finish(self) -> Vec<u8> {
        let total = 6 + self.body.len() + 1;
        let mut out = Vec::with_capacity(total);
        out.extend_from_slice(&(total as u32).to_le_bytes());
        out.extend_from_slice(&(self.count.min(65535) as u16).to_le_bytes());
        out.extend_from_slice(&self.body);
        out.push(0xFF);
        out
    }
}

/// The elements of a ziplist (Redis before 7.0), in order.
pub(super) fn ziplist(buf: &[u8]) -> Result<Vec<Packed<'_>>> {
    let (body, declared) = header(buf, 10, 8)?;
    let mut pos = 10;
    let mut out = Vec::with_capacity(declared.min(body.len()));
    while pos < body.len() {
        // The previous entry's length: one byte, or 0xFE and four.
        if take(body, &mut pos, 1)?[0] == 0xFE {
            take(body, &mut pos, 4)?;
        }
        let b = take(body, &mut pos, 1)?[0];
        let item = match b >> 6 {
            0 => Packed::Bytes(take(body, &mut pos, usize::from(b & 0x3F))?),
            1 => {
                let lo = take(body, &mut pos, 1)?[0];
                let len = (usize::from(b & 0x3F) << 8) | usize::from(lo);
                Packed::Bytes(take(body, &mut pos, len)?)
            }
            2 if b == 0x80 => {
                let len = take(body, &mut pos, 4)?;
                let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
                Packed::Bytes(take(body, &mut pos, len)?)
            }
            2 => return Err(RdbError::BadFormat),
            _ => match b {
                0xC0 => Packed::Int(signed(le(take(body, &mut pos, 2)?), 16)),
                0xD0 => Packed::Int(signed(le(take(body, &mut pos, 4)?), 32)),
                0xE0 => Packed::Int(le(take(body, &mut pos, 8)?) as i64),
                0xF0 => Packed::Int(signed(le(take(body, &mut pos, 3)?), 24)),
                0xFE => Packed::Int(signed(le(take(body, &mut pos, 1)?), 8)),
                0xF1..=0xFD => Packed::Int(i64::from(b & 0x0F) - 1),
                _ => return Err(RdbError::BadFormat),
            },
        };
        out.push(item);
    }
    counted(declared, out)
}

/// The members of an intset.
pub(super) fn intset(buf: &[u8]) -> Result<Vec<i64>> {
    if buf.len() < 8 {
        return Err(RdbError::BadFormat);
    }
    let width = le(&buf[..4]) as usize;
    let len = le(&buf[4..8]) as usize;
    if !matches!(width, 2 | 4 | 8) || Some(buf.len() - 8) != len.checked_mul(width) {
        return Err(RdbError::BadFormat);
    }
    let bits = 8 * width as u32;
    Ok(buf[8..]
        .chunks_exact(width)
        .map(|c| signed(le(c), bits))
        .collect())
}

/// The field-value pairs of a zipmap (hashes saved by Redis 2.4 and older).
pub(super) fn zipmap(buf: &[u8]) -> Result<Vec<(Vec<u8>, Vec<u8>)>> {
    let mut pos = 1;
    let mut out = Vec::new();
    let len = |pos: &mut usize| -> Result<Option<usize>> {
        match take(buf, pos, 1)?[0] {
            0xFF => Ok(None),
            0xFE => Ok(Some(le(take(buf, pos, 4)?) as usize)),
            n => Ok(Some(usize::from(n))),
        }
    };
    if buf.is_empty() {
        return Err(RdbError::BadFormat);
    }
    while let Some(klen) = len(&mut pos)? {
        let field = take(buf, &mut pos, klen)?.to_vec();
        let vlen = len(&mut pos)?.ok_or(RdbError::BadFormat)?;
        let free = usize::from(take(buf, &mut pos, 1)?[0]);
        let value = take(buf, &mut pos, vlen)?.to_vec();
        take(buf, &mut pos, free)?;
        out.push((field, value));
    }
    if pos != buf.len() {
        return Err(RdbError::BadFormat);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listpack_round_trips_every_encoding() {
        let values: Vec<Vec<u8>> = [
            "0",
            "127",
            "128",
            "-1",
            "-4096",
            "4095",
            "4096",
            "-32768",
            "32767",
            "40000",
            "-8388608",
            "8388607",
            "8388608",
            "2147483647",
            "-2147483649",
            "9223372036854775807",
            "-9223372036854775808",
            "007",
            "-0",
            "",
            "abc",
        ]
        .iter()
        .map(|s| s.as_bytes().to_vec())
        .chain([
            vec![b'x'; 63],
            vec![b'y'; 64],
            vec![b'z'; 4095],
            vec![b'w'; 70000],
        ])
        .collect();
        let mut w = ListpackWriter::default();
        for v in &values {
            w.push(v);
        }
        let lp = w.finish();
        let back: Vec<Vec<u8>> = listpack(&lp)
            .unwrap()
            .into_iter()
            .map(Packed::into_vec)
            .collect();
        assert_eq!(back, values);
    }

    #[test]
    fn truncated_listpacks_are_refused() {
        let mut w = ListpackWriter::default();
        w.push(b"hello");
        w.push(b"12345");
        let lp = w.finish();
        for cut in 0..lp.len() {
            assert!(listpack(&lp[..cut]).is_err());
        }
    }

    #[test]
    fn ziplist_entries() {
        // "a", 5 (immediate), 300 (int16), "hello", as Redis 6 writes them.
        let mut zl = vec![27, 0, 0, 0, 19, 0, 0, 0, 4, 0];
        zl.extend_from_slice(&[0x00, 0x01, b'a', 0x03, 0xF6, 0x02, 0xC0, 0x2C, 0x01]);
        zl.extend_from_slice(&[0x04, 0x05, b'h', b'e', b'l', b'l', b'o', 0xFF]);
        let items: Vec<Vec<u8>> = ziplist(&zl)
            .unwrap()
            .into_iter()
            .map(Packed::into_vec)
            .collect();
        assert_eq!(
            items,
            [&b"a"[..], b"5", b"300", b"hello"].map(|s| s.to_vec())
        );
        zl[8] = 5; // a count that disagrees
        assert!(ziplist(&zl).is_err());
    }

    #[test]
    fn intset_widths() {
        let mut buf = vec![2, 0, 0, 0, 2, 0, 0, 0];
        buf.extend_from_slice(&(-5i16).to_le_bytes());
        buf.extend_from_slice(&7i16.to_le_bytes());
        assert_eq!(intset(&buf).unwrap(), vec![-5, 7]);
        buf.pop();
        assert!(intset(&buf).is_err());
    }
}
