//! LZF decompression, for the compressed strings of RDB payloads.

/// LZF, as Redis compresses strings in RDB. Hand-written: the format is a
/// dozen lines, and the crates that offer it bind C or are unmaintained.
pub(super) fn decompress(input: &[u8], len: usize) -> Option<Vec<u8>> {
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
    fn back_references() {
        // "aaaaaaaaaa": literal 'a', then a 9-byte copy from 1 back.
        assert_eq!(
            decompress(&[0x00, b'a', 0xE0, 0x00, 0x00], 10).unwrap(),
            b"aaaaaaaaaa"
        );
        assert!(decompress(&[0xE0, 0x00, 0x05], 9).is_none());
        assert!(decompress(&[0x05, b'a'], 6).is_none());
    }
}
