//! Redis' RDB serialization of single values: DUMP's payloads and RESTORE's
//! input (and, later, whole RDB files, which are these objects with
//! opcodes between them).
//!
//! Written here rather than taken from a crate: the Rust RDB parsers
//! (`rdb`, `newbee`) read files into their own callbacks, stop at older
//! encodings (no streams, no quicklist 2), and none writes; the decoder has
//! to be hardened against hostile payloads anyway. CRC-64 is `crc`'s Redis
//! parameters; LZF is only read (see `lzf.rs`), since Redis loads
//! uncompressed strings.
//!
//! What resplite writes is the simplest encoding each Redis since 7.0 loads
//! (RDB version 10): plain strings, lists as one quicklist of listpacks,
//! sets, hashes and sorted sets as plain sequences, streams as listpacks of
//! up to 100 entries. What it reads is every encoding Redis 2.4 to 7.2 and
//! Valkey 7.2 to 8 write (RDB versions up to 11).

mod file;
mod lzf;
mod packed;
mod read;
mod stream;
mod write;

pub use file::{FileError, FileReader, FileWriter, Item};
pub use read::Reader;
pub use write::{len as put_len, string as put_string};

use crate::engine::value::Value;

/// The RDB version written in DUMP payloads: Redis 7.0's, so 7.0 and later
/// RESTORE them.
pub const RDB_VERSION: u16 = 10;
/// Redis 7.4's, written only for hashes with field deadlines.
pub const RDB_VERSION_HFE: u16 = 12;
/// The newest version read (Redis 7.4, Valkey 7.2 to 8).
pub const RDB_VERSION_MAX: u16 = 12;

static CRC64: crc::Crc<u64> = crc::Crc::<u64>::new(&crc::CRC_64_REDIS);

/// Why a payload was refused; the texts are Redis'.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RdbError {
    #[error("DUMP payload version or checksum are wrong")]
    Checksum,
    #[error("Bad data format")]
    BadFormat,
    /// The input ended inside an object: Bad data format for a payload; a
    /// file reader reads on and tries again.
    #[error("Bad data format")]
    Truncated,
}

pub type Result<T> = std::result::Result<T, RdbError>;

/// Object types (the byte before a value).
mod types {
    pub const STRING: u8 = 0;
    pub const LIST: u8 = 1;
    pub const SET: u8 = 2;
    pub const ZSET: u8 = 3;
    pub const HASH: u8 = 4;
    pub const ZSET_2: u8 = 5;
    pub const HASH_ZIPMAP: u8 = 9;
    pub const LIST_ZIPLIST: u8 = 10;
    pub const SET_INTSET: u8 = 11;
    pub const ZSET_ZIPLIST: u8 = 12;
    pub const HASH_ZIPLIST: u8 = 13;
    pub const LIST_QUICKLIST: u8 = 14;
    pub const STREAM_LISTPACKS: u8 = 15;
    pub const HASH_LISTPACK: u8 = 16;
    pub const ZSET_LISTPACK: u8 = 17;
    pub const LIST_QUICKLIST_2: u8 = 18;
    pub const STREAM_LISTPACKS_2: u8 = 19;
    pub const SET_LISTPACK: u8 = 20;
    pub const STREAM_LISTPACKS_3: u8 = 21;
    /// Redis 7.4's hashes with field deadlines (the release candidates'
    /// forms wrote absolute deadlines and no minimum).
    pub const HASH_METADATA_PRE_GA: u8 = 22;
    pub const HASH_LISTPACK_EX_PRE_GA: u8 = 23;
    pub const HASH_METADATA: u8 = 24;
    pub const HASH_LISTPACK_EX: u8 = 25;
}

/// DUMP's payload for a value: type, object, RDB version, CRC-64. A hash
/// with field deadlines needs Redis 7.4's version 12 (Redis 7.4 writes it
/// for every DUMP; older servers refuse it, as they refuse Redis 7.4's).
pub fn dump(value: &Value) -> Vec<u8> {
    let version = match value {
        Value::Hash(_, deadlines) if !deadlines.is_empty() => RDB_VERSION_HFE,
        _ => RDB_VERSION,
    };
    seal_as(write::object(value), version)
}

/// The value in a DUMP payload, after checking its footer as Redis does.
/// As in Redis, the object is read from the whole payload: a body cut short
/// reads on into the footer, and what follows the object is ignored.
pub fn restore(payload: &[u8]) -> Result<Value> {
    unseal(payload)?;
    read::object(payload).map_err(|_| RdbError::BadFormat)
}

/// Appends the footer: RDB version and CRC-64 of everything before it.
pub fn seal(body: Vec<u8>) -> Vec<u8> {
    seal_as(body, RDB_VERSION)
}

fn seal_as(mut body: Vec<u8>, version: u16) -> Vec<u8> {
    body.extend_from_slice(&version.to_le_bytes());
    let crc = CRC64.checksum(&body);
    body.extend_from_slice(&crc.to_le_bytes());
    body
}

/// Checks the footer (a version this reader knows, the CRC) and returns
/// the body.
pub fn unseal(payload: &[u8]) -> Result<&[u8]> {
    if payload.len() < 10 {
        return Err(RdbError::Checksum);
    }
    let (rest, crc) = payload.split_at(payload.len() - 8);
    let (body, version) = rest.split_at(rest.len() - 2);
    if u16::from_le_bytes([version[0], version[1]]) > RDB_VERSION_MAX
        || CRC64.checksum(rest).to_le_bytes() != crc
    {
        return Err(RdbError::Checksum);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_is_redis_crc64() {
        // Redis' own self-test value (crc64.c).
        assert_eq!(CRC64.checksum(b"123456789"), 0xe9c6d914c4b8d9ca);
    }

    #[test]
    fn a_redis_payload_restores() {
        // `DUMP k` after `SET k hello` on redis-server 7.0.15.
        let p = b"\x00\x05hello\x0a\x00\x63\x72\xdf\x76\x65\x34\x20\x0a";
        assert_eq!(restore(p), Ok(Value::String(b"hello".to_vec())));
        let mut bad = p.to_vec();
        bad[3] ^= 1;
        assert_eq!(restore(&bad), Err(RdbError::Checksum));
    }

    /// One value of each type, streams with groups and pending entries.
    fn samples() -> Vec<Value> {
        use crate::engine::stream::{PendingEntry, StreamEntry, StreamId};
        use crate::engine::value::{GroupHead, StreamHead, StreamValue};
        let entries = (0..150u64)
            .map(|i| StreamEntry {
                id: StreamId::new(i / 3, i % 3),
                fields: if i % 5 == 0 {
                    vec![(b"x".to_vec(), i.to_string().into_bytes())]
                } else {
                    vec![(b"f".to_vec(), b"v".repeat(i as usize % 7))]
                },
            })
            .collect();
        vec![
            Value::String(b"hello".to_vec()),
            Value::String(b"-1234567".to_vec()),
            Value::List(vec![b"a".to_vec(), b"17".to_vec(), vec![0xFF; 70]]),
            Value::Set(vec![b"1".to_vec(), b"x".to_vec()]),
            Value::Hash(vec![(b"f".to_vec(), b"v".to_vec())], Vec::new()),
            Value::ZSet(vec![(b"m".to_vec(), 1.5), (b"n".to_vec(), f64::INFINITY)]),
            Value::Stream(StreamValue {
                entries,
                head: Some(StreamHead {
                    last_id: StreamId::new(49, 2),
                    entries_added: 160,
                    max_deleted_id: StreamId::new(0, 0),
                    groups: vec![GroupHead {
                        name: b"g".to_vec(),
                        last_id: StreamId::new(1, 1),
                        entries_read: Some(5),
                        consumers: vec![(b"alice".to_vec(), 1_700_000_000_000)],
                    }],
                }),
                pel: vec![(
                    b"g".to_vec(),
                    PendingEntry {
                        id: StreamId::new(1, 1),
                        consumer: b"alice".to_vec(),
                        delivered_at: 1_700_000_000_000,
                        deliveries: 2,
                    },
                )],
            }),
        ]
    }

    /// DUMPs from redis-server 7.0.15 in its own encodings: a hashtable hash
    /// with an LZF string, an intset, a quicklist of an LZF listpack, a
    /// listpack zset, a stream with a deleted entry, a group and a PEL.
    const REDIS_PAYLOADS: [&str; 5] = [
        "040303626967c3094046017878e03900017878016ec07b016601760a0027a1b1552b8f5662",
        "0b140400000003000000d4feffff01000000701101000a003fcd05d535f65fed",
        "120102c31a407812780000000400816102dffb02f1001003e06478e05a000166ff0a0024ede9972bed79c0",
        "1115150000000400816202dffd0281610283312e3504ff0a005007ba517f3890cd",
        "13011000000000000000010000000000000000c3405b406912690000002b000501010102018166028167020020090000600105817a02050103201a00002003018179200c00022001401f60190002201b00002003a0190004200c000480190200010820030d0101856f746865720601010601ff0509000100020006010167030081ffffffffffffffff02000000000000000100000000000000008410aa3ca201000001000000000000000300000000000000008410aa3ca2010000010102616c8410aa3ca20100000200000000000000010000000000000000000000000000000300000000000000000a00a78bf4c7cc26e1d0",
    ];

    fn unhex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn redis_encodings_restore() {
        let v: Vec<Value> = REDIS_PAYLOADS
            .iter()
            .map(|p| restore(&unhex(p)).unwrap())
            .collect();
        let Value::Hash(h, _) = &v[0] else { panic!() };
        assert!(h.contains(&(b"big".to_vec(), b"x".repeat(70))));
        assert!(h.contains(&(b"n".to_vec(), b"123".to_vec())));
        assert_eq!(
            v[1],
            Value::Set(vec![b"-300".to_vec(), b"1".to_vec(), b"70000".to_vec()])
        );
        let list = [&b"a"[..], b"-5", b"4096", &b"x".repeat(100)].map(|s| s.to_vec());
        assert_eq!(v[2], Value::List(list.to_vec()));
        assert_eq!(
            v[3],
            Value::ZSet(vec![(b"b".to_vec(), -3.0), (b"a".to_vec(), 1.5)])
        );
        let Value::Stream(s) = &v[4] else { panic!() };
        let ids: Vec<u64> = s.entries.iter().map(|e| e.id.ms).collect();
        assert_eq!(ids, vec![1, 3, 4, 5, 9]);
        assert_eq!(
            s.entries[4].fields,
            vec![(b"other".to_vec(), b"1".to_vec())]
        );
        let head = s.head.as_ref().unwrap();
        assert_eq!((head.entries_added, head.max_deleted_id.ms), (6, 2));
        assert_eq!(s.pel.len(), 2);
        assert_eq!(head.groups[0].consumers[0].0, b"al");
    }

    /// Redis 7.2 and Valkey 8 save small sets as listpacks (type 20).
    #[test]
    fn set_listpacks_restore() {
        let mut lp = packed::ListpackWriter::default();
        for m in [&b"a"[..], b"7", b"-300"] {
            lp.push(m);
        }
        let mut body = vec![types::SET_LISTPACK];
        write::string(&mut body, &lp.finish());
        let mut payload = body.clone();
        payload.extend_from_slice(&11u16.to_le_bytes());
        let crc = CRC64.checksum(&payload);
        payload.extend_from_slice(&crc.to_le_bytes());
        assert_eq!(
            restore(&payload),
            Ok(Value::Set(vec![
                b"a".to_vec(),
                b"7".to_vec(),
                b"-300".to_vec()
            ]))
        );
    }

    #[test]
    fn every_type_round_trips() {
        for value in samples() {
            assert_eq!(restore(&dump(&value)), Ok(value));
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// The bounded fuzz run in CI: payloads damaged anywhere (with a
        /// footer that still checks out) are refused or read, never a panic,
        /// never more memory than the payload accounts for.
        #[test]
        fn damaged_payloads_never_panic(
            which in 0usize..12,
            edits in proptest::collection::vec((0usize..4096, 0u8..=255, 0u8..3), 1..6),
            cut in 0usize..4096,
        ) {
            let payload = match which.checked_sub(7) {
                Some(i) => unhex(REDIS_PAYLOADS[i]),
                None => dump(&samples()[which]),
            };
            let mut body = payload[..payload.len() - 10].to_vec();
            for (at, byte, kind) in edits {
                let at = at % (body.len() + 1);
                match kind {
                    0 if at < body.len() => body[at] = byte,
                    1 => body.insert(at, byte),
                    _ if at < body.len() => { body.remove(at); }
                    _ => {}
                }
            }
            body.truncate(body.len().min(cut.max(1)));
            let _ = restore(&seal(body));
        }
    }
}
