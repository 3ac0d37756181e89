//! A raw RESP3 client for tests that read pushes (pub/sub, client-side
//! caching invalidations) frame by frame, and a flat text form of frames to
//! compare resplite's with redis-server's.

use std::net::SocketAddr;
use std::time::Duration;

use bytes::BytesMut;
use redis_protocol::resp2::types::BytesFrame as Frame2;
use redis_protocol::resp3::types::BytesFrame as Frame;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::encode_command;

/// A raw client decoding RESP3 (RESP2 frames are a subset).
pub struct Resp3Client {
    /// The socket, for tests that write pipelines of their own.
    pub stream: TcpStream,
    buf: BytesMut,
}

impl Resp3Client {
    /// The socket, for a reader of its own; nothing may be left unread.
    pub fn into_stream(self) -> TcpStream {
        assert!(self.buf.is_empty(), "unread bytes");
        self.stream
    }

    pub async fn connect(addr: SocketAddr) -> Resp3Client {
        Resp3Client {
            stream: TcpStream::connect(addr).await.expect("connect"),
            buf: BytesMut::new(),
        }
    }

    pub async fn send(&mut self, args: &[&str]) {
        self.stream
            .write_all(&encode_command(args))
            .await
            .expect("write");
    }

    /// The next frame; `None` once the server closed the connection.
    pub async fn read(&mut self) -> Option<Frame> {
        loop {
            if let Some(frame) = decode(&mut self.buf) {
                return Some(frame);
            }
            let n =
                tokio::time::timeout(Duration::from_secs(30), self.stream.read_buf(&mut self.buf))
                    .await
                    .expect("a frame within 30s")
                    .ok()?;
            if n == 0 {
                return None;
            }
        }
    }

    pub async fn frames(&mut self, n: usize) -> Vec<Frame> {
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            out.push(self.read().await.expect("frame"));
        }
        out
    }

    pub async fn call(&mut self, args: &[&str]) -> Frame {
        self.send(args).await;
        self.read().await.expect("reply")
    }
}

/// One frame off the buffer: RESP3, or RESP2 (whose `$-1`/`*-1` nulls RESP3
/// lacks) read as its RESP3 equivalent.
fn decode(buf: &mut BytesMut) -> Option<Frame> {
    if let Ok(found) = redis_protocol::resp3::decode::complete::decode_bytes_mut(buf) {
        return found.map(|(frame, _, _)| frame);
    }
    let (frame, _, _) =
        redis_protocol::resp2::decode::decode_bytes_mut(buf).expect("valid RESP")?;
    Some(from_resp2(frame))
}

fn from_resp2(f: Frame2) -> Frame {
    match f {
        Frame2::SimpleString(data) => Frame::SimpleString {
            data,
            attributes: None,
        },
        Frame2::Error(data) => Frame::SimpleError {
            data,
            attributes: None,
        },
        Frame2::Integer(data) => Frame::Number {
            data,
            attributes: None,
        },
        Frame2::BulkString(data) => Frame::BlobString {
            data,
            attributes: None,
        },
        Frame2::Array(items) => Frame::Array {
            data: items.into_iter().map(from_resp2).collect(),
            attributes: None,
        },
        Frame2::Null => Frame::Null,
    }
}

/// Text of a frame, flattened: `[subscribe, a, 1]`, `ERR ...`, `nil`.
pub fn show(f: &Frame) -> String {
    match f {
        Frame::BlobString { data, .. } | Frame::SimpleString { data, .. } => {
            String::from_utf8_lossy(data).into_owned()
        }
        Frame::SimpleError { data, .. } => data.to_string(),
        Frame::BlobError { data, .. } => String::from_utf8_lossy(data).into_owned(),
        Frame::Number { data, .. } => data.to_string(),
        Frame::Null => "nil".into(),
        Frame::Array { data, .. } => format!("[{}]", list(data)),
        Frame::Push { data, .. } => format!(">[{}]", list(data)),
        // The decoder keeps maps and sets in hash order: shown sorted.
        Frame::Map { data, .. } => {
            let mut pairs: Vec<String> = data
                .iter()
                .map(|(k, v)| format!("{}: {}", show(k), show(v)))
                .collect();
            pairs.sort();
            format!("{{{}}}", pairs.join(", "))
        }
        Frame::Set { data, .. } => {
            let mut items: Vec<String> = data.iter().map(show).collect();
            items.sort();
            format!("~[{}]", items.join(", "))
        }
        other => format!("{other:?}"),
    }
}

pub fn list(items: &[Frame]) -> String {
    items.iter().map(show).collect::<Vec<_>>().join(", ")
}
