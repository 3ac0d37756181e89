//! Pieces of Redis' RDB serialization that DUMP-style payloads use: length
//! and string encodings (with LZF-compressed strings on the reading side), and
//! the payload footer (RDB version, CRC-64). Redis 7.0 writes RDB version 10.

/// The RDB version resplite's payloads carry (Redis 7.0's).
pub const RDB_VERSION: u16 = 10;

const CRC64: crc::Crc<u64> = crc::Crc::<u64>::new(&crc::CRC_64_REDIS);

/// Appends an RDB length (6-, 14-, 32- or 64-bit forms).
pub fn put_len(out: &mut Vec<u8>, len: u64) {
    if len < 1 << 6 {
        out.push(len as u8);
    } else if len < 1 << 14 {
        out.push(0x40 | (len >> 8) as u8);
        out.push(len as u8);
    } else if len <= u64::from(u32::MAX) {
        out.push(0x80);
        out.extend_from_slice(&(len as u32).to_be_bytes());
    } else {
        out.push(0x81);
        out.extend_from_slice(&len.to_be_bytes());
    }
}

/// Appends a string, uncompressed (every Redis reads it).
pub fn put_string(out: &mut Vec<u8>, s: &[u8]) {
    put_len(out, s.len() as u64);
    out.extend_from_slice(s);
}

/// Appends the footer: RDB version and CRC-64 of everything before it.
pub fn seal(mut payload: Vec<u8>) -> Vec<u8> {
    payload.extend_from_slice(&RDB_VERSION.to_le_bytes());
    let crc = CRC64.checksum(&payload);
    payload.extend_from_slice(&crc.to_le_bytes());
    payload
}

/// Checks the footer (a version this reader knows, the CRC) and returns
/// the body; `None` is Redis' "DUMP payload version or checksum are wrong".
pub fn unseal(payload: &[u8]) -> Option<&[u8]> {
    if payload.len() < 10 {
        return None;
    }
    let (rest, crc) = payload.split_at(payload.len() - 8);
    let version = u16::from_le_bytes([rest[rest.len() - 2], rest[rest.len() - 1]]);
    if version > 11 || CRC64.checksum(rest).to_le_bytes() != crc {
        return None;
    }
    Some(&rest[..rest.len() - 2])
}

/// Reads RDB values front to back; every read fails cleanly on bad input.
pub struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(data: &'a [u8]) -> Self {
        Reader { data }
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    pub fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.data.split_first()?;
        self.data = rest;
        Some(b)
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.data.len() {
            return None;
        }
        let (head, rest) = self.data.split_at(n);
        self.data = rest;
        Some(head)
    }

    /// A length, or `Err(encoding)` for the special string encodings.
    fn len_or_encoding(&mut self) -> Option<Result<u64, u8>> {
        let b = self.byte()?;
        Some(match b >> 6 {
            0 => Ok(u64::from(b & 0x3F)),
            1 => Ok(u64::from(b & 0x3F) << 8 | u64::from(self.byte()?)),
            2 if b == 0x80 => Ok(u64::from(u32::from_be_bytes(
                self.take(4)?.try_into().ok()?,
            ))),
            2 if b == 0x81 => Ok(u64::from_be_bytes(self.take(8)?.try_into().ok()?)),
            2 => return None,
            _ => Err(b & 0x3F),
        })
    }

    pub fn len(&mut self) -> Option<u64> {
        self.len_or_encoding()?.ok()
    }

    /// A string in any of its encodings (plain, integer, LZF).
    pub fn string(&mut self) -> Option<Vec<u8>> {
        match self.len_or_encoding()? {
            Ok(len) => Some(self.take(usize::try_from(len).ok()?)?.to_vec()),
            Err(0) => Some((self.byte()? as i8).to_string().into_bytes()),
            Err(1) => Some(
                i16::from_le_bytes(self.take(2)?.try_into().ok()?)
                    .to_string()
                    .into_bytes(),
            ),
            Err(2) => Some(
                i32::from_le_bytes(self.take(4)?.try_into().ok()?)
                    .to_string()
                    .into_bytes(),
            ),
            Err(3) => {
                let clen = usize::try_from(self.len()?).ok()?;
                let len = usize::try_from(self.len()?).ok()?;
                lzf_decompress(self.take(clen)?, len)
            }
            Err(_) => None,
        }
    }
}

/// LZF, as Redis compresses strings in RDB. Hand-written: the format is a
/// dozen lines, and the crates that offer it bind C or are unmaintained.
pub fn lzf_decompress(input: &[u8], len: usize) -> Option<Vec<u8>> {
    // `len` comes from the payload: never trust it for the allocation.
    let mut out = Vec::with_capacity(len.min(input.len().saturating_mul(16)));
    let mut i = 0;
    while i < input.len() {
        let ctrl = usize::from(input[i]);
        i += 1;
        if ctrl < 32 {
            let run = ctrl + 1;
            out.extend_from_slice(input.get(i..i + run)?);
            i += run;
        } else {
            let mut run = ctrl >> 5;
            if run == 7 {
                run += usize::from(*input.get(i)?);
                i += 1;
            }
            let back = ((ctrl & 0x1F) << 8) + usize::from(*input.get(i)?) + 1;
            i += 1;
            let start = out.len().checked_sub(back)?;
            for k in 0..run + 2 {
                let b = out[start + k];
                out.push(b);
            }
        }
        if out.len() > len {
            return None;
        }
    }
    (out.len() == len).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_is_redis_crc64() {
        assert_eq!(CRC64.checksum(b"123456789"), 0xe9c6d914c4b8d9ca);
    }

    #[test]
    fn strings_and_footer_round_trip() {
        let mut body = Vec::new();
        put_string(&mut body, b"abc");
        put_string(&mut body, &vec![7u8; 300]);
        let sealed = seal(body.clone());
        assert_eq!(unseal(&sealed), Some(&body[..]));
        let mut bad = sealed.clone();
        bad[0] ^= 1;
        assert_eq!(unseal(&bad), None);
        let mut r = Reader::new(&body);
        assert_eq!(r.string().unwrap(), b"abc");
        assert_eq!(r.string().unwrap().len(), 300);
        assert!(r.is_empty());
    }

    #[test]
    fn lzf_back_references() {
        // "aaaaaaaaaa": literal 'a', then a 9-byte copy from 1 back.
        assert_eq!(
            lzf_decompress(&[0x00, b'a', 0xE0, 0x00, 0x00], 10).unwrap(),
            b"aaaaaaaaaa"
        );
        assert!(lzf_decompress(&[0xE0, 0x00, 0x05], 9).is_none());
        assert!(lzf_decompress(&[0x05, b'a'], 6).is_none());
    }
}
