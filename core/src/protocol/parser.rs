//! Incremental request parser: RESP multibulk arrays and inline commands.
//!
//! Why not re-run a frame decoder over the whole buffer each time bytes arrive? A
//! 512 MB argument delivered in 4 KB reads would be re-scanned from byte 0 on every
//! read (quadratic). This parser keeps its position: completed arguments are split
//! off the buffer as soon as they are whole, and a partial header line is never
//! scanned twice. Every length it is told is checked against [`Limits`] before any
//! memory is reserved for it.

use bytes::{Buf, Bytes, BytesMut};

/// Caps applied to untrusted input before it can cost memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest single argument (`proto-max-bulk-len`, 512 MB in Redis).
    pub max_bulk_len: usize,
    /// Most arguments in one request.
    pub max_multibulk_len: usize,
    /// Longest inline command or `*`/`$` header line (64 KB in Redis).
    pub max_inline_len: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bulk_len: 512 * 1024 * 1024,
            max_multibulk_len: 1024 * 1024,
            max_inline_len: 64 * 1024,
        }
    }
}

/// A request the server cannot parse. The connection is answered with
/// [`ProtocolError::message`] and then closed, as Redis does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProtocolError {
    #[error("invalid multibulk length")]
    InvalidMultibulkLength,
    #[error("invalid bulk length")]
    InvalidBulkLength,
    #[error("expected '$', got '{}'", char::from(*.0))]
    ExpectedDollar(u8),
    #[error("unbalanced quotes in request")]
    UnbalancedQuotes,
    #[error("too big inline request")]
    TooBigInline,
    #[error("too big mbulk count string")]
    TooBigMultibulkCount,
    #[error("too big bulk count string")]
    TooBigBulkCount,
}

impl ProtocolError {
    /// The error line Redis sends before closing the connection.
    pub fn message(&self) -> String {
        format!("ERR Protocol error: {self}")
    }
}

#[derive(Debug, Default)]
enum State {
    #[default]
    Start,
    /// Inside `*N`: `remaining` arguments still to read; `bulk` is the length of
    /// the argument whose `$len` header has been consumed but whose data has not.
    Array {
        remaining: usize,
        args: Vec<Bytes>,
        bulk: Option<usize>,
    },
}

/// Parses requests out of a connection's read buffer, one at a time.
#[derive(Debug, Default)]
pub struct RequestParser {
    limits: Limits,
    state: State,
    /// Bytes of the current (incomplete) header line already searched for its end.
    scanned: usize,
}

/// Initial capacity cap for an argument vector: the declared count is untrusted.
const MAX_PREALLOC_ARGS: usize = 1024;

impl RequestParser {
    pub fn new(limits: Limits) -> Self {
        RequestParser {
            limits,
            state: State::Start,
            scanned: 0,
        }
    }

    /// True when no partial request is pending (used to decide whether a closed
    /// socket cut a request in half).
    pub fn is_idle(&self) -> bool {
        matches!(self.state, State::Start) && self.scanned == 0
    }

    /// Returns the next complete request, `Ok(None)` when more bytes are needed.
    /// Consumed bytes are removed from `buf`. Empty requests (`*0`, blank inline
    /// lines) are skipped, as Redis skips them.
    pub fn next(&mut self, buf: &mut BytesMut) -> Result<Option<Vec<Bytes>>, ProtocolError> {
        loop {
            match &mut self.state {
                State::Start => {
                    if buf.is_empty() {
                        return Ok(None);
                    }
                    if buf[0] != b'*' {
                        match self.inline(buf)? {
                            Some(args) if args.is_empty() => continue,
                            other => return Ok(other),
                        }
                    }
                    let Some(end) = self.find_crlf(buf, ProtocolError::TooBigMultibulkCount)?
                    else {
                        return Ok(None);
                    };
                    let count = parse_len(&buf[1..end]);
                    buf.advance(end + 2);
                    let count = match count {
                        Some(n) if n > self.limits.max_multibulk_len as i64 => {
                            return Err(ProtocolError::InvalidMultibulkLength)
                        }
                        Some(n) if n <= 0 => continue,
                        Some(n) => n as usize,
                        None => return Err(ProtocolError::InvalidMultibulkLength),
                    };
                    self.state = State::Array {
                        remaining: count,
                        args: Vec::with_capacity(count.min(MAX_PREALLOC_ARGS)),
                        bulk: None,
                    };
                }
                State::Array { .. } => return self.array_items(buf),
            }
        }
    }

    fn array_items(&mut self, buf: &mut BytesMut) -> Result<Option<Vec<Bytes>>, ProtocolError> {
        loop {
            let State::Array {
                remaining, bulk, ..
            } = &self.state
            else {
                unreachable!("array_items called outside an array");
            };
            if *remaining == 0 {
                let State::Array { args, .. } = std::mem::take(&mut self.state) else {
                    unreachable!()
                };
                return Ok(Some(args));
            }
            let len = match *bulk {
                Some(len) => len,
                None => {
                    let Some(&first) = buf.first() else {
                        return Ok(None);
                    };
                    if first != b'$' {
                        return Err(ProtocolError::ExpectedDollar(first));
                    }
                    let Some(end) = self.find_crlf(buf, ProtocolError::TooBigBulkCount)? else {
                        return Ok(None);
                    };
                    let len = match parse_len(&buf[1..end]) {
                        Some(n) if n >= 0 && n as u64 <= self.limits.max_bulk_len as u64 => {
                            n as usize
                        }
                        _ => return Err(ProtocolError::InvalidBulkLength),
                    };
                    buf.advance(end + 2);
                    // Reserve for the argument, but never trust a huge length up front:
                    // the buffer grows with the bytes that really arrive.
                    buf.reserve((len + 2).min(1 << 20));
                    if let State::Array { bulk, .. } = &mut self.state {
                        *bulk = Some(len);
                    }
                    len
                }
            };
            if buf.len() < len + 2 {
                return Ok(None);
            }
            let data = buf.split_to(len).freeze();
            buf.advance(2);
            if let State::Array {
                remaining,
                args,
                bulk,
            } = &mut self.state
            {
                args.push(data);
                *remaining -= 1;
                *bulk = None;
            }
        }
    }

    /// Finds the `\r\n` ending the header line at the start of `buf`, resuming
    /// where the previous call stopped.
    fn find_crlf(
        &mut self,
        buf: &BytesMut,
        too_long: ProtocolError,
    ) -> Result<Option<usize>, ProtocolError> {
        let from = self.scanned.saturating_sub(1);
        if let Some(pos) = buf[from..].windows(2).position(|w| w == b"\r\n") {
            self.scanned = 0;
            return Ok(Some(from + pos));
        }
        if buf.len() > self.limits.max_inline_len {
            return Err(too_long);
        }
        self.scanned = buf.len();
        Ok(None)
    }

    /// An inline command: one line of space-separated words, ended by `\n`.
    fn inline(&mut self, buf: &mut BytesMut) -> Result<Option<Vec<Bytes>>, ProtocolError> {
        let from = self.scanned;
        let Some(pos) = buf[from..].iter().position(|&b| b == b'\n') else {
            if buf.len() > self.limits.max_inline_len {
                return Err(ProtocolError::TooBigInline);
            }
            self.scanned = buf.len();
            return Ok(None);
        };
        self.scanned = 0;
        let line = buf.split_to(from + pos + 1);
        let mut line = &line[..line.len() - 1];
        if line.last() == Some(&b'\r') {
            line = &line[..line.len() - 1];
        }
        split_args(line).map(Some)
    }
}

/// Parses a `*`/`$` header number. Only digits with an optional leading `-`.
fn parse_len(digits: &[u8]) -> Option<i64> {
    if digits.is_empty() || digits.len() > 20 {
        return None;
    }
    let (neg, digits) = match digits.split_first() {
        Some((b'-', rest)) if !rest.is_empty() => (true, rest),
        _ => (false, digits),
    };
    let mut n: i64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(i64::from(d - b'0'))?;
    }
    Some(if neg { -n } else { n })
}

/// Splits an inline command the way redis-cli quotes it (Redis' `sdssplitargs`):
/// words separated by blanks, `"..."` with C escapes (`\n`, `\xHH`, ...) and `'...'`.
pub fn split_args(line: &[u8]) -> Result<Vec<Bytes>, ProtocolError> {
    let mut args = Vec::new();
    let mut i = 0;
    loop {
        while i < line.len() && line[i].is_ascii_whitespace() {
            i += 1;
        }
        if i >= line.len() {
            return Ok(args);
        }
        let mut word = Vec::new();
        let mut in_double = false;
        let mut in_single = false;
        loop {
            if in_double {
                match line.get(i) {
                    None => return Err(ProtocolError::UnbalancedQuotes),
                    Some(b'\\') if line.get(i + 1) == Some(&b'x') => {
                        let hex = line.get(i + 2..i + 4).and_then(|h| {
                            std::str::from_utf8(h)
                                .ok()
                                .and_then(|h| u8::from_str_radix(h, 16).ok())
                        });
                        match hex {
                            Some(b) => {
                                word.push(b);
                                i += 3;
                            }
                            None => word.push(b'\\'),
                        }
                    }
                    Some(b'\\') if i + 1 < line.len() => {
                        i += 1;
                        word.push(match line[i] {
                            b'n' => b'\n',
                            b'r' => b'\r',
                            b't' => b'\t',
                            b'b' => 8,
                            b'a' => 7,
                            other => other,
                        });
                    }
                    Some(b'"') => {
                        // A closing quote must be followed by a blank or the end.
                        if line.get(i + 1).is_some_and(|c| !c.is_ascii_whitespace()) {
                            return Err(ProtocolError::UnbalancedQuotes);
                        }
                        i += 1;
                        break;
                    }
                    Some(&c) => word.push(c),
                }
            } else if in_single {
                match line.get(i) {
                    None => return Err(ProtocolError::UnbalancedQuotes),
                    Some(b'\\') if line.get(i + 1) == Some(&b'\'') => {
                        i += 1;
                        word.push(b'\'');
                    }
                    Some(b'\'') => {
                        if line.get(i + 1).is_some_and(|c| !c.is_ascii_whitespace()) {
                            return Err(ProtocolError::UnbalancedQuotes);
                        }
                        i += 1;
                        break;
                    }
                    Some(&c) => word.push(c),
                }
            } else {
                match line.get(i) {
                    None => break,
                    Some(c) if c.is_ascii_whitespace() => break,
                    Some(b'"') => in_double = true,
                    Some(b'\'') => in_single = true,
                    Some(&c) => word.push(c),
                }
            }
            i += 1;
        }
        args.push(Bytes::from(word));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_all(input: &[u8]) -> Result<Vec<Vec<Bytes>>, ProtocolError> {
        let mut p = RequestParser::default();
        let mut buf = BytesMut::from(input);
        let mut out = Vec::new();
        while let Some(args) = p.next(&mut buf)? {
            out.push(args);
        }
        Ok(out)
    }

    #[test]
    fn multibulk_and_inline() {
        let got =
            parse_all(b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\nPING\r\n  \r\nSET a \"b c\\x41\"\n").unwrap();
        assert_eq!(got.len(), 3);
        assert_eq!(got[0], vec![Bytes::from("GET"), Bytes::from("k")]);
        assert_eq!(got[1], vec![Bytes::from("PING")]);
        assert_eq!(got[2][2], Bytes::from("b cA"));
    }

    #[test]
    fn errors_match_redis_wording() {
        assert_eq!(
            parse_all(b"*x\r\n").unwrap_err().message(),
            "ERR Protocol error: invalid multibulk length"
        );
        assert_eq!(
            parse_all(b"*1\r\n$-5\r\n").unwrap_err(),
            ProtocolError::InvalidBulkLength
        );
        assert_eq!(
            parse_all(b"*1\r\n+x\r\n").unwrap_err().message(),
            "ERR Protocol error: expected '$', got '+'"
        );
        assert_eq!(
            parse_all(b"SET \"a\n").unwrap_err(),
            ProtocolError::UnbalancedQuotes
        );
    }

    #[test]
    fn oversized_lengths_are_refused_before_allocation() {
        let mut p = RequestParser::new(Limits {
            max_bulk_len: 10,
            max_multibulk_len: 3,
            max_inline_len: 16,
        });
        let mut buf = BytesMut::from(&b"*1\r\n$11\r\n"[..]);
        assert_eq!(p.next(&mut buf), Err(ProtocolError::InvalidBulkLength));
        let mut p = RequestParser::new(Limits {
            max_multibulk_len: 3,
            ..Limits::default()
        });
        let mut buf = BytesMut::from(&b"*4\r\n"[..]);
        assert_eq!(p.next(&mut buf), Err(ProtocolError::InvalidMultibulkLength));
        let mut p = RequestParser::new(Limits {
            max_inline_len: 16,
            ..Limits::default()
        });
        let mut buf = BytesMut::from(&[b'A'; 17][..]);
        assert_eq!(p.next(&mut buf), Err(ProtocolError::TooBigInline));
    }
}
