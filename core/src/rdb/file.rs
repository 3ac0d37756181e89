//! Whole RDB files: a header (`REDIS0010`), then opcodes (auxiliary fields,
//! database selectors, size hints, expiry times, function libraries) and
//! keys (type, name, value), then EOF and a CRC-64 of all that precedes it.
//!
//! The reader holds a window of the file, not the file: it parses an item
//! from the window and, when the item runs past the window's end, reads more
//! and parses it again. Memory is bounded by the largest key.

use std::io::{Read, Write};

use super::read::{self, Reader};
use super::{write, RdbError, CRC64};
use crate::engine::value::Value;

/// The file's version this writer writes (Redis 7.0's).
const VERSION: u16 = super::RDB_VERSION;
/// Newest version read: Redis 7.4 (12) files load unless they hold its
/// hash-field-TTL types, which are refused by type.
const VERSION_MAX: u16 = 12;
const WINDOW: usize = 1 << 20;

mod op {
    pub const SLOT_INFO: u8 = 244;
    pub const FUNCTION2: u8 = 245;
    pub const FUNCTION: u8 = 246;
    pub const MODULE_AUX: u8 = 247;
    pub const IDLE: u8 = 248;
    pub const FREQ: u8 = 249;
    pub const AUX: u8 = 250;
    pub const RESIZEDB: u8 = 251;
    pub const EXPIRETIME_MS: u8 = 252;
    pub const EXPIRETIME: u8 = 253;
    pub const SELECTDB: u8 = 254;
    pub const EOF: u8 = 255;
}

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("not an RDB file (no REDIS header)")]
    NotRdb,
    #[error("RDB version {0} is newer than this reader ({VERSION_MAX})")]
    Version(u16),
    #[error("bad data at byte {0}: {1}")]
    Bad(u64, String),
    #[error("the file ends before its EOF marker")]
    Truncated,
    #[error("the file's CRC-64 does not match its content")]
    Checksum,
}

/// One thing an RDB file says.
#[derive(Debug, PartialEq)]
pub enum Item {
    Aux(Vec<u8>, Vec<u8>),
    SelectDb(u64),
    Key {
        key: Vec<u8>,
        value: Value,
        /// ms since epoch.
        expires_at: Option<i64>,
    },
    /// A function library's code (`FUNCTION LOAD`'s argument).
    Function(Vec<u8>),
    /// Size hints, slot information: nothing to do.
    Hint,
    /// The end; [`FileReader::finish`] checks the CRC after it.
    Eof,
}

pub struct FileReader<R> {
    src: R,
    buf: Vec<u8>,
    start: usize,
    at_end: bool,
    consumed: u64,
    crc: crc::Digest<'static, u64>,
    pub version: u16,
}

impl<R: Read> FileReader<R> {
    pub fn new(src: R) -> Result<FileReader<R>, FileError> {
        let mut reader = FileReader {
            src,
            buf: Vec::new(),
            start: 0,
            at_end: false,
            consumed: 0,
            crc: CRC64.digest(),
            version: 0,
        };
        while reader.buf.len() < 9 && !reader.at_end {
            reader.fill(9)?;
        }
        let header = reader.buf.get(..9).ok_or(FileError::NotRdb)?;
        if &header[..5] != b"REDIS" {
            return Err(FileError::NotRdb);
        }
        let version = std::str::from_utf8(&header[5..9])
            .ok()
            .and_then(|v| v.parse::<u16>().ok())
            .ok_or(FileError::NotRdb)?;
        if version > VERSION_MAX {
            return Err(FileError::Version(version));
        }
        reader.version = version;
        reader.advance(9);
        Ok(reader)
    }

    /// Bytes of the file read and parsed so far.
    pub fn position(&self) -> u64 {
        self.consumed
    }

    fn fill(&mut self, at_least: usize) -> Result<(), FileError> {
        if self.start > 0 && self.start >= self.buf.len() / 2 {
            self.buf.drain(..self.start);
            self.start = 0;
        }
        let want = at_least.max(WINDOW).max(self.buf.len() - self.start);
        let old = self.buf.len();
        self.buf.resize(old + want, 0);
        let mut got = 0;
        while got < want {
            match self.src.read(&mut self.buf[old + got..]) {
                Ok(0) => {
                    self.at_end = true;
                    break;
                }
                Ok(n) => got += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.buf.truncate(old + got);
                    return Err(e.into());
                }
            }
        }
        self.buf.truncate(old + got);
        Ok(())
    }

    fn advance(&mut self, n: usize) {
        self.crc.update(&self.buf[self.start..self.start + n]);
        self.start += n;
        self.consumed += n as u64;
    }

    /// The next item. After [`Item::Eof`], call [`finish`](Self::finish).
    pub fn next_item(&mut self) -> Result<Item, FileError> {
        loop {
            let mut r = Reader::new(&self.buf[self.start..]);
            match parse_item(&mut r) {
                Ok(item) => {
                    let n = r.position();
                    self.advance(n);
                    return Ok(item);
                }
                Err(RdbError::Truncated) if !self.at_end => {
                    // Parse the item again over a window twice as big.
                    let more = self.buf.len() - self.start;
                    self.fill(more)?;
                }
                Err(RdbError::Truncated) => return Err(FileError::Truncated),
                Err(e) => return Err(FileError::Bad(self.consumed, e.to_string())),
            }
        }
    }

    /// Checks the CRC-64 that follows EOF (0 means the writer did not
    /// compute one, as Redis with `rdbchecksum no`; files before version 5
    /// have none).
    pub fn finish(mut self) -> Result<(), FileError> {
        if self.version < 5 {
            return Ok(());
        }
        while self.buf.len() - self.start < 8 && !self.at_end {
            self.fill(8)?;
        }
        let stored = self
            .buf
            .get(self.start..self.start + 8)
            .ok_or(FileError::Truncated)?;
        let stored = u64::from_le_bytes(stored.try_into().expect("8 bytes"));
        if stored != 0 && stored != self.crc.finalize() {
            return Err(FileError::Checksum);
        }
        Ok(())
    }
}

fn parse_item(r: &mut Reader<'_>) -> super::Result<Item> {
    let mut expires_at = None;
    loop {
        let kind = r.byte()?;
        match kind {
            op::AUX => return Ok(Item::Aux(r.string()?, r.string()?)),
            op::SELECTDB => return Ok(Item::SelectDb(r.len()?)),
            op::RESIZEDB => {
                r.len()?;
                r.len()?;
                return Ok(Item::Hint);
            }
            op::SLOT_INFO => {
                r.len()?;
                r.len()?;
                r.len()?;
                return Ok(Item::Hint);
            }
            op::EXPIRETIME_MS => expires_at = Some(r.millis()?),
            op::EXPIRETIME => {
                let secs = r.bytes(4)?;
                let secs = i32::from_le_bytes(secs.try_into().expect("4 bytes"));
                expires_at = Some(i64::from(secs) * 1000);
            }
            // LRU idle time and LFU frequency: nothing to keep them in.
            op::IDLE => {
                r.len()?;
            }
            op::FREQ => {
                r.byte()?;
            }
            op::FUNCTION2 => return Ok(Item::Function(r.string()?)),
            // Module data, and Redis 7.0's release candidates' functions.
            op::MODULE_AUX | op::FUNCTION => return Err(RdbError::BadFormat),
            op::EOF => return Ok(Item::Eof),
            kind => {
                let key = r.string()?;
                let value = read::value(r, kind)?;
                return Ok(Item::Key {
                    key,
                    value,
                    expires_at,
                });
            }
        }
    }
}

/// Writes an RDB file Redis 7.0 and later load.
pub struct FileWriter<W: Write> {
    out: W,
    crc: crc::Digest<'static, u64>,
    scratch: Vec<u8>,
}

impl<W: Write> FileWriter<W> {
    pub fn new(out: W) -> std::io::Result<FileWriter<W>> {
        let mut w = FileWriter {
            out,
            crc: CRC64.digest(),
            scratch: Vec::new(),
        };
        w.scratch
            .extend_from_slice(format!("REDIS{VERSION:04}").as_bytes());
        w.emit()?;
        Ok(w)
    }

    fn emit(&mut self) -> std::io::Result<()> {
        self.crc.update(&self.scratch);
        self.out.write_all(&self.scratch)?;
        self.scratch.clear();
        Ok(())
    }

    pub fn aux(&mut self, key: &[u8], value: &[u8]) -> std::io::Result<()> {
        self.scratch.push(op::AUX);
        write::string(&mut self.scratch, key);
        write::string(&mut self.scratch, value);
        self.emit()
    }

    /// A database's keys follow; `keys` and `expires` size Redis' tables.
    pub fn select_db(&mut self, db: u32, keys: u64, expires: u64) -> std::io::Result<()> {
        self.scratch.push(op::SELECTDB);
        write::len(&mut self.scratch, u64::from(db));
        self.scratch.push(op::RESIZEDB);
        write::len(&mut self.scratch, keys);
        write::len(&mut self.scratch, expires);
        self.emit()
    }

    pub fn function(&mut self, code: &[u8]) -> std::io::Result<()> {
        self.scratch.push(op::FUNCTION2);
        write::string(&mut self.scratch, code);
        self.emit()
    }

    pub fn key(
        &mut self,
        key: &[u8],
        value: &Value,
        expires_at: Option<i64>,
    ) -> std::io::Result<()> {
        if let Some(at) = expires_at {
            self.scratch.push(op::EXPIRETIME_MS);
            write::millis(&mut self.scratch, at);
        }
        self.scratch.push(write::kind(value));
        write::string(&mut self.scratch, key);
        write::value(&mut self.scratch, value);
        self.emit()
    }

    /// EOF and the CRC-64; the output, flushed.
    pub fn finish(mut self) -> std::io::Result<W> {
        self.scratch.push(op::EOF);
        self.emit()?;
        let crc = self.crc.finalize();
        self.out.write_all(&crc.to_le_bytes())?;
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out a few bytes at a time, so items straddle
    /// every window edge.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn write_then_read_in_small_pieces() {
        let mut w = FileWriter::new(Vec::new()).unwrap();
        w.aux(b"resplite-ver", b"test").unwrap();
        w.function(b"#!lua name=lib\nredis.register_function('f', function() return 1 end)")
            .unwrap();
        w.select_db(3, 2, 1).unwrap();
        let big = Value::List((0..5000).map(|i| format!("item{i}").into_bytes()).collect());
        w.key(b"big", &big, None).unwrap();
        w.key(b"s", &Value::String(b"v".to_vec()), Some(1_900_000_000_000))
            .unwrap();
        let file = w.finish().unwrap();
        for piece in [1, 7, 4096] {
            let mut r = FileReader::new(Trickle(&file, piece)).unwrap();
            let mut items = Vec::new();
            loop {
                let item = r.next_item().unwrap();
                if item == Item::Eof {
                    break;
                }
                items.push(item);
            }
            r.finish().unwrap();
            assert_eq!(items.len(), 6);
            assert_eq!(items[2], Item::SelectDb(3));
            assert_eq!(
                items[4],
                Item::Key {
                    key: b"big".to_vec(),
                    value: big.clone(),
                    expires_at: None
                }
            );
        }
        let mut bad = file.clone();
        let at = bad.len() - 12;
        bad[at] ^= 1;
        let mut r = FileReader::new(&bad[..]).unwrap();
        while r.next_item().unwrap() != Item::Eof {}
        assert!(matches!(r.finish(), Err(FileError::Checksum)));
        let mut r = FileReader::new(&file[..file.len() - 20]).unwrap();
        let err = loop {
            match r.next_item() {
                Ok(_) => {}
                Err(e) => break e,
            }
        };
        assert!(matches!(err, FileError::Truncated));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

        /// Damaged files (bytes changed, inserted, cut anywhere) are read
        /// to an error or to the end, never a panic or a hang.
        #[test]
        fn damaged_files_never_panic(
            edits in proptest::collection::vec((0usize..100_000, 0u8..=255, 0u8..3), 1..8),
            piece in 1usize..5000,
        ) {
            let mut w = FileWriter::new(Vec::new()).unwrap();
            w.aux(b"k", b"v").unwrap();
            w.select_db(1, 3, 1).unwrap();
            let list = Value::List((0..300).map(|i| format!("{i}").into_bytes()).collect());
            w.key(b"l", &list, Some(1_900_000_000_000)).unwrap();
            w.key(b"h", &Value::Hash(vec![(b"f".to_vec(), b"v".to_vec())], Vec::new()), None).unwrap();
            w.key(b"z", &Value::ZSet(vec![(b"m".to_vec(), 2.5)]), None).unwrap();
            let mut file = w.finish().unwrap();
            for (at, byte, kind) in edits {
                let at = at % file.len();
                match kind {
                    0 => file[at] = byte,
                    1 => file.insert(at, byte),
                    _ => file.truncate(at.max(1)),
                }
            }
            if let Ok(mut r) = FileReader::new(Trickle(&file, piece)) {
                for _ in 0..10_000 {
                    match r.next_item() {
                        Ok(Item::Eof) => {
                            let _ = r.finish();
                            break;
                        }
                        Ok(_) => {}
                        Err(_) => break,
                    }
                }
            }
        }
    }
}
