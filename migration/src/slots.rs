//! Redis Cluster's key slots: CRC16 (XMODEM) of the key, or of its hash tag
//! (the part between the first `{` and the next `}`, when not empty), modulo
//! 16384. Used to name temporary keys that land in their real key's slot, so
//! a cluster target can RENAME one over the other.

use std::sync::OnceLock;

pub const SLOTS: u16 = 16384;

const CRC16: crc::Crc<u16> = crc::Crc::<u16>::new(&crc::CRC_16_XMODEM);

pub fn key_slot(key: &[u8]) -> u16 {
    let hashed = key
        .iter()
        .position(|&b| b == b'{')
        .and_then(|open| {
            let rest = &key[open + 1..];
            let close = rest.iter().position(|&b| b == b'}')?;
            (close > 0).then(|| &rest[..close])
        })
        .unwrap_or(key);
    CRC16.checksum(hashed) % SLOTS
}

/// A short hash tag whose slot is `slot` (the first decimal number that
/// hashes there).
pub fn slot_tag(slot: u16) -> &'static str {
    static TAGS: OnceLock<Vec<String>> = OnceLock::new();
    let tags = TAGS.get_or_init(|| {
        let mut tags = vec![String::new(); usize::from(SLOTS)];
        let mut left = usize::from(SLOTS);
        let mut n = 0u64;
        while left > 0 {
            let tag = n.to_string();
            let s = usize::from(CRC16.checksum(tag.as_bytes()) % SLOTS);
            if tags[s].is_empty() {
                tags[s] = tag;
                left -= 1;
            }
            n += 1;
        }
        tags
    });
    &tags[usize::from(slot % SLOTS)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_as_redis_computes_them() {
        // CLUSTER KEYSLOT on redis-server 7.0.
        assert_eq!(key_slot(b"foo"), 12182);
        assert_eq!(key_slot(b"{user1000}.following"), key_slot(b"user1000"));
        assert_eq!(key_slot(b"foo{}{bar}"), key_slot(b"foo{}{bar}"));
        assert_ne!(key_slot(b"foo{}{bar}"), key_slot(b"bar"));
        assert_eq!(key_slot(b"foo{{bar}}zap"), key_slot(b"{bar"));
        for slot in [0, 1, 5000, 16383] {
            assert_eq!(
                key_slot(format!("{{{}}}x", slot_tag(slot)).as_bytes()),
                slot
            );
        }
    }
}
