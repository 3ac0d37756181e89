//! Replies and their one encoder, for RESP2 and RESP3.
//!
//! Commands build a [`Reply`] tree in RESP3 terms (maps, sets, doubles, booleans);
//! the encoder lowers it to RESP2 shapes for clients that did not say `HELLO 3`,
//! exactly as Redis does (maps flatten to arrays, doubles become bulk strings, ...).

use std::borrow::Cow;

use bytes::{BufMut, Bytes, BytesMut};

#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// `+status`
    Simple(Cow<'static, str>),
    /// `-ERR message`: the full line, error code included.
    Error(Cow<'static, str>),
    Int(i64),
    Bulk(Bytes),
    /// A missing value: `$-1` in RESP2, `_` in RESP3.
    Nil,
    /// A missing aggregate: `*-1` in RESP2, `_` in RESP3.
    NilArray,
    Array(Vec<Reply>),
    /// RESP3 map; a flat array of key, value, ... in RESP2.
    Map(Vec<(Reply, Reply)>),
    /// RESP3 set; an array in RESP2.
    Set(Vec<Reply>),
    /// RESP3 double; a bulk string in RESP2.
    Double(f64),
    /// A RESP3 double whose digits the command wrote (Redis' "human" long
    /// double text, as GEOPOS sends); a bulk string in RESP2.
    DoubleText(Bytes),
    /// RESP3 boolean; the integer 1 or 0 in RESP2.
    Bool(bool),
    /// RESP3 big number (digits); a bulk string in RESP2.
    BigNumber(Bytes),
    /// RESP3 verbatim string with its 3-letter format; a bulk string in RESP2.
    Verbatim([u8; 3], Bytes),
    /// Out-of-band message (pub/sub, invalidation); an array in RESP2.
    Push(Vec<Reply>),
    /// Several replies in a row for one command (SUBSCRIBE answers once per
    /// channel); empty, no reply at all (CLIENT REPLY OFF).
    Multi(Vec<Reply>),
}

impl Reply {
    /// What a client whose replies are off (CLIENT REPLY OFF/SKIP) still
    /// gets: the pushes, nothing else.
    pub fn pushes_only(self) -> Reply {
        match self {
            Reply::Push(items) => Reply::Push(items),
            Reply::Multi(parts) => Reply::Multi(
                parts
                    .into_iter()
                    .filter(|r| matches!(r, Reply::Push(_)))
                    .collect(),
            ),
            _ => Reply::Multi(Vec::new()),
        }
    }

    pub const fn ok() -> Reply {
        Reply::Simple(Cow::Borrowed("OK"))
    }

    pub fn simple(s: &'static str) -> Reply {
        Reply::Simple(Cow::Borrowed(s))
    }

    pub fn error(s: impl Into<Cow<'static, str>>) -> Reply {
        Reply::Error(s.into())
    }

    pub fn bulk(b: impl Into<Bytes>) -> Reply {
        Reply::Bulk(b.into())
    }

    /// A bulk string or nil.
    pub fn opt_bulk(b: Option<impl Into<Bytes>>) -> Reply {
        b.map_or(Reply::Nil, Reply::bulk)
    }

    /// An array of bulk strings.
    pub fn bulks<I, B>(items: I) -> Reply
    where
        I: IntoIterator<Item = B>,
        B: Into<Bytes>,
    {
        Reply::Array(items.into_iter().map(Reply::bulk).collect())
    }

    pub fn is_error(&self) -> bool {
        matches!(self, Reply::Error(_))
    }

    /// Appends the wire form of this reply to `out`.
    pub fn encode(&self, out: &mut BytesMut, resp3: bool) {
        match self {
            Reply::Simple(s) => line(out, b'+', s.as_bytes()),
            Reply::Error(s) => line(out, b'-', s.as_bytes()),
            Reply::Int(n) => int_line(out, b':', *n),
            Reply::Bulk(b) => bulk(out, b),
            Reply::Nil if resp3 => out.put_slice(b"_\r\n"),
            Reply::Nil => out.put_slice(b"$-1\r\n"),
            Reply::NilArray if resp3 => out.put_slice(b"_\r\n"),
            Reply::NilArray => out.put_slice(b"*-1\r\n"),
            Reply::Array(items) => {
                int_line(out, b'*', items.len() as i64);
                items.iter().for_each(|r| r.encode(out, resp3));
            }
            Reply::Set(items) => {
                int_line(out, if resp3 { b'~' } else { b'*' }, items.len() as i64);
                items.iter().for_each(|r| r.encode(out, resp3));
            }
            Reply::Push(items) => {
                int_line(out, if resp3 { b'>' } else { b'*' }, items.len() as i64);
                items.iter().for_each(|r| r.encode(out, resp3));
            }
            Reply::Multi(replies) => replies.iter().for_each(|r| r.encode(out, resp3)),
            Reply::Map(pairs) => {
                if resp3 {
                    int_line(out, b'%', pairs.len() as i64);
                } else {
                    int_line(out, b'*', 2 * pairs.len() as i64);
                }
                for (k, v) in pairs {
                    k.encode(out, resp3);
                    v.encode(out, resp3);
                }
            }
            Reply::Double(d) => {
                let text = crate::util::number::format_double(*d);
                if resp3 {
                    line(out, b',', text.as_bytes());
                } else {
                    bulk(out, text.as_bytes());
                }
            }
            Reply::DoubleText(text) if resp3 => line(out, b',', text),
            Reply::Bool(b) if resp3 => out.put_slice(if *b { b"#t\r\n" } else { b"#f\r\n" }),
            Reply::Bool(b) => int_line(out, b':', i64::from(*b)),
            Reply::BigNumber(n) if resp3 => line(out, b'(', n),
            Reply::Verbatim(format, text) if resp3 => {
                int_line(out, b'=', text.len() as i64 + 4);
                out.reserve(text.len() + 6);
                out.put_slice(format);
                out.put_u8(b':');
                out.put_slice(text);
                out.put_slice(b"\r\n");
            }
            Reply::BigNumber(text) | Reply::Verbatim(_, text) | Reply::DoubleText(text) => {
                bulk(out, text)
            }
        }
    }
}

fn line(out: &mut BytesMut, prefix: u8, body: &[u8]) {
    out.reserve(body.len() + 3);
    out.put_u8(prefix);
    // A status or error line cannot carry CR/LF; Redis replaces them with spaces.
    if body.iter().any(|&b| b == b'\r' || b == b'\n') {
        out.extend(
            body.iter()
                .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b }),
        );
    } else {
        out.put_slice(body);
    }
    out.put_slice(b"\r\n");
}

fn int_line(out: &mut BytesMut, prefix: u8, n: i64) {
    let mut buf = itoa::Buffer::new();
    let digits = buf.format(n).as_bytes();
    out.reserve(digits.len() + 3);
    out.put_u8(prefix);
    out.put_slice(digits);
    out.put_slice(b"\r\n");
}

fn bulk(out: &mut BytesMut, data: &[u8]) {
    int_line(out, b'$', data.len() as i64);
    out.reserve(data.len() + 2);
    out.put_slice(data);
    out.put_slice(b"\r\n");
}

impl From<i64> for Reply {
    fn from(n: i64) -> Self {
        Reply::Int(n)
    }
}

impl From<bool> for Reply {
    /// Redis' many 1/0 integer replies (EXISTS-style flags).
    fn from(b: bool) -> Self {
        Reply::Int(i64::from(b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn enc(r: &Reply, resp3: bool) -> String {
        let mut out = BytesMut::new();
        r.encode(&mut out, resp3);
        String::from_utf8(out.to_vec()).unwrap()
    }

    #[test]
    fn resp2_lowering() {
        let map = Reply::Map(vec![(Reply::bulk("a"), Reply::Int(1))]);
        assert_eq!(enc(&map, false), "*2\r\n$1\r\na\r\n:1\r\n");
        assert_eq!(enc(&map, true), "%1\r\n$1\r\na\r\n:1\r\n");
        assert_eq!(enc(&Reply::Nil, false), "$-1\r\n");
        assert_eq!(enc(&Reply::Nil, true), "_\r\n");
        assert_eq!(enc(&Reply::Double(2.5), false), "$3\r\n2.5\r\n");
        assert_eq!(enc(&Reply::Double(2.5), true), ",2.5\r\n");
        assert_eq!(enc(&Reply::Bool(true), false), ":1\r\n");
        assert_eq!(enc(&Reply::BigNumber("12".into()), true), "(12\r\n");
        assert_eq!(
            enc(&Reply::Verbatim(*b"txt", "hi".into()), true),
            "=6\r\ntxt:hi\r\n"
        );
        assert_eq!(
            enc(&Reply::Verbatim(*b"txt", "hi".into()), false),
            "$2\r\nhi\r\n"
        );
        assert_eq!(enc(&Reply::error("ERR a\r\nb"), false), "-ERR a  b\r\n");
    }
}
