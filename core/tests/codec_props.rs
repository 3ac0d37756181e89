//! Property tests of the wire codec: the request parser against arbitrary and
//! arbitrarily chunked input, and the reply encoder against an independent RESP2
//! decoder (the redis-protocol crate).

use bytes::{Bytes, BytesMut};
use proptest::prelude::*;
use redis_protocol::resp2::decode::decode;
use redis_protocol::resp2::types::OwnedFrame;
use resplite_core::protocol::{Limits, ProtocolError, Reply, RequestParser};
use resplite_core::util::number::format_double;

/// What feeding a stream to a parser produced: the requests, then the error
/// that stopped it, if any.
#[derive(Debug, PartialEq)]
struct Parsed {
    requests: Vec<Vec<Bytes>>,
    error: Option<ProtocolError>,
}

/// Feeds `input` to a fresh parser in chunks ending at `cuts` (sorted offsets),
/// draining every complete request after each chunk, as a connection does.
fn feed(limits: Limits, input: &[u8], cuts: &[usize]) -> Parsed {
    let mut parser = RequestParser::new(limits);
    let mut buf = BytesMut::new();
    let mut requests = Vec::new();
    let mut start = 0;
    for end in cuts.iter().copied().chain([input.len()]) {
        let end = end.clamp(start, input.len());
        buf.extend_from_slice(&input[start..end]);
        start = end;
        loop {
            match parser.next(&mut buf) {
                Ok(Some(args)) => {
                    assert!(!args.is_empty(), "empty requests are skipped");
                    requests.push(args);
                }
                Ok(None) => break,
                Err(e) => {
                    return Parsed {
                        requests,
                        error: Some(e),
                    }
                }
            }
        }
    }
    Parsed {
        requests,
        error: None,
    }
}

fn encode_multibulk(args: &[Vec<u8>]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

fn small_limits() -> Limits {
    Limits {
        max_bulk_len: 64,
        max_multibulk_len: 16,
        max_inline_len: 128,
    }
}

/// Byte soup biased towards the protocol's own tokens, so the parser's states
/// and limit checks are reached, not only "not a `*`".
fn protocolish() -> impl Strategy<Value = Vec<u8>> {
    let token = prop_oneof![
        Just(b"*".to_vec()),
        Just(b"$".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\n".to_vec()),
        Just(b"-".to_vec()),
        Just(b"\"".to_vec()),
        Just(b"'".to_vec()),
        Just(b"\\x4".to_vec()),
        Just(b" ".to_vec()),
        "[0-9]{1,21}".prop_map(String::into_bytes),
        proptest::collection::vec(any::<u8>(), 1..8),
    ];
    proptest::collection::vec(token, 0..64).prop_map(|t| t.concat())
}

fn cut_points(max_len: usize) -> impl Strategy<Value = Vec<usize>> {
    proptest::collection::vec(0..=max_len, 0..12).prop_map(|mut v| {
        v.sort_unstable();
        v
    })
}

/// A request as the client wrote it, and the arguments it must parse to.
#[derive(Debug, Clone)]
struct Written {
    wire: Vec<u8>,
    args: Vec<Vec<u8>>,
}

fn multibulk_request() -> impl Strategy<Value = Written> {
    proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..48), 1..8).prop_map(
        |args| Written {
            wire: encode_multibulk(&args),
            args,
        },
    )
}

/// Inline commands: plain words, one line, `\n` or `\r\n` ended.
fn inline_request() -> impl Strategy<Value = Written> {
    (
        proptest::collection::vec("[a-zA-Z0-9:_.{}-]{1,12}", 1..6),
        any::<bool>(),
    )
        .prop_map(|(words, crlf)| {
            let mut wire = words.join(" ").into_bytes();
            wire.extend_from_slice(if crlf { b"\r\n" } else { b"\n" });
            Written {
                wire,
                args: words.into_iter().map(String::into_bytes).collect(),
            }
        })
}

fn stream() -> impl Strategy<Value = Vec<Written>> {
    proptest::collection::vec(
        prop_oneof![3 => multibulk_request(), 1 => inline_request()],
        1..12,
    )
}

fn reply() -> impl Strategy<Value = Reply> {
    let leaf = prop_oneof![
        "[ -~]{0,20}".prop_map(|s| Reply::Simple(s.into())),
        "[ -~]{0,20}".prop_map(|s| Reply::Error(format!("ERR {s}").into())),
        any::<i64>().prop_map(Reply::Int),
        proptest::collection::vec(any::<u8>(), 0..40).prop_map(|b| Reply::Bulk(b.into())),
        Just(Reply::Nil),
        Just(Reply::NilArray),
        any::<f64>()
            .prop_filter("NaN has no RESP form", |d| !d.is_nan())
            .prop_map(Reply::Double),
        any::<bool>().prop_map(Reply::Bool),
        "[0-9]{1,30}".prop_map(|n| Reply::BigNumber(n.into_bytes().into())),
        proptest::collection::vec(any::<u8>(), 0..20)
            .prop_map(|b| Reply::Verbatim(*b"txt", b.into())),
    ];
    leaf.prop_recursive(4, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Reply::Array),
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Reply::Set),
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Reply::Push),
            proptest::collection::vec((inner.clone(), inner), 0..4).prop_map(Reply::Map),
        ]
    })
}

/// The RESP2 frame a reply must lower to, built independently of the encoder.
fn expected_frame(reply: &Reply) -> OwnedFrame {
    let all = |items: &[Reply]| OwnedFrame::Array(items.iter().map(expected_frame).collect());
    match reply {
        Reply::Simple(s) => OwnedFrame::SimpleString(s.as_bytes().to_vec()),
        Reply::Error(s) => OwnedFrame::Error(s.to_string()),
        Reply::Int(n) => OwnedFrame::Integer(*n),
        Reply::Bulk(b) => OwnedFrame::BulkString(b.to_vec()),
        Reply::Nil | Reply::NilArray => OwnedFrame::Null,
        Reply::Array(items) | Reply::Set(items) | Reply::Push(items) => all(items),
        Reply::Multi(_) => unreachable!("not generated: several frames, not one"),
        Reply::Map(pairs) => OwnedFrame::Array(
            pairs
                .iter()
                .flat_map(|(k, v)| [expected_frame(k), expected_frame(v)])
                .collect(),
        ),
        Reply::Double(d) => OwnedFrame::BulkString(format_double(*d).into_bytes()),
        Reply::Bool(b) => OwnedFrame::Integer(i64::from(*b)),
        Reply::BigNumber(b) | Reply::Verbatim(_, b) | Reply::DoubleText(b) => {
            OwnedFrame::BulkString(b.to_vec())
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Arbitrary bytes, in arbitrary chunks, never panic the parser, under tight
    /// limits and under the defaults.
    #[test]
    fn arbitrary_bytes_never_panic(
        input in prop_oneof![proptest::collection::vec(any::<u8>(), 0..512), protocolish()],
        cuts in cut_points(512),
    ) {
        feed(small_limits(), &input, &cuts);
        feed(Limits::default(), &input, &cuts);
    }

    /// Garbage chunked anywhere reaches the same verdict as garbage sent whole.
    /// (Default limits: a line longer than the inline limit is refused or not
    /// depending on how much of it has arrived, in Redis as here.)
    #[test]
    fn chunking_never_changes_the_verdict_on_garbage(
        input in protocolish(),
        cuts in cut_points(512),
    ) {
        prop_assert_eq!(
            feed(Limits::default(), &input, &cuts),
            feed(Limits::default(), &input, &[])
        );
    }

    /// Every valid multibulk request parses back to exactly its arguments.
    #[test]
    fn multibulk_round_trips(requests in proptest::collection::vec(multibulk_request(), 1..8)) {
        let wire: Vec<u8> = requests.iter().flat_map(|r| r.wire.clone()).collect();
        let parsed = feed(Limits::default(), &wire, &[]);
        prop_assert_eq!(parsed.error, None);
        let want: Vec<Vec<Bytes>> = requests
            .iter()
            .map(|r| r.args.iter().cloned().map(Bytes::from).collect())
            .collect();
        prop_assert_eq!(parsed.requests, want);
    }

    /// Splitting a valid stream (multibulk and inline) at any points changes
    /// nothing, and nothing is left pending at the end.
    #[test]
    fn splitting_never_changes_the_result(requests in stream(), cuts in cut_points(2048)) {
        let wire: Vec<u8> = requests.iter().flat_map(|r| r.wire.clone()).collect();
        let want: Vec<Vec<Bytes>> = requests
            .iter()
            .map(|r| r.args.iter().cloned().map(Bytes::from).collect())
            .collect();
        let whole = feed(Limits::default(), &wire, &[]);
        prop_assert_eq!(&whole.requests, &want);
        prop_assert_eq!(&whole.error, &None);
        let split = feed(Limits::default(), &wire, &cuts);
        prop_assert_eq!(split, whole);
    }

    /// Byte by byte, the hardest chunking, on a short stream.
    #[test]
    fn byte_by_byte_parses_the_same(requests in proptest::collection::vec(
        prop_oneof![multibulk_request(), inline_request()], 1..4,
    )) {
        let wire: Vec<u8> = requests.iter().flat_map(|r| r.wire.clone()).collect();
        let every: Vec<usize> = (1..wire.len()).collect();
        prop_assert_eq!(
            feed(Limits::default(), &wire, &every),
            feed(Limits::default(), &wire, &[])
        );
    }

    /// RESP2 encoding of any reply tree decodes, with an independent decoder, to
    /// the frame Redis would send, using exactly the bytes written.
    #[test]
    fn replies_decode_to_the_same_structure(reply in reply()) {
        let mut out = BytesMut::new();
        reply.encode(&mut out, false);
        let (frame, used) = decode(&out)
            .expect("valid RESP2")
            .expect("a complete frame");
        prop_assert_eq!(used, out.len());
        prop_assert_eq!(frame, expected_frame(&reply));
    }

    /// Several replies back to back decode one after another.
    #[test]
    fn reply_streams_decode_in_order(replies in proptest::collection::vec(reply(), 1..6)) {
        let mut out = BytesMut::new();
        for r in &replies {
            r.encode(&mut out, false);
        }
        let mut at = 0;
        for r in &replies {
            let (frame, used) = decode(&out[at..])
                .expect("valid RESP2")
                .expect("a complete frame");
            prop_assert_eq!(frame, expected_frame(r));
            at += used;
        }
        prop_assert_eq!(at, out.len());
    }
}

/// Status and error lines cannot carry CR or LF: they become spaces.
#[test]
fn line_breaks_in_status_lines_become_spaces() {
    for reply in [
        Reply::Simple("a\r\nb".into()),
        Reply::Error("ERR a\nb\rc".into()),
    ] {
        let mut out = BytesMut::new();
        reply.encode(&mut out, false);
        let (frame, used) = decode(&out).unwrap().unwrap();
        assert_eq!(used, out.len());
        match frame {
            OwnedFrame::SimpleString(s) => assert_eq!(s, b"a  b"),
            OwnedFrame::Error(e) => assert_eq!(e, "ERR a b c"),
            other => panic!("{other:?}"),
        }
    }
}
