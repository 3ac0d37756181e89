//! A key's snapshot as copied between source and destination, and how two
//! copies are compared.

pub use resplite_core::engine::value::{GroupHead, StreamHead, StreamValue, Value};

/// A key with its value and absolute deadline (ms since epoch; `None` = no TTL).
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub key: Vec<u8>,
    pub value: Value,
    pub expires_at: Option<i64>,
}

/// How a key's two copies differ, for verify and the safety sweep.
pub fn compare(
    source: Option<&Snapshot>,
    dest: Option<&Snapshot>,
    ttl_tolerance_ms: i64,
) -> Option<String> {
    match (source, dest) {
        (None, None) => None,
        (Some(_), None) => Some("missing in destination".into()),
        (None, Some(_)) => Some("present in destination but not in source".into()),
        (Some(s), Some(d)) => {
            if s.value.type_name() != d.value.type_name() {
                return Some(format!(
                    "type differs: source {}, destination {}",
                    s.value.type_name(),
                    d.value.type_name()
                ));
            }
            if s.value.clone().normalized() != d.value.clone().normalized() {
                return Some(format!(
                    "value differs ({} elements in source, {} in destination)",
                    s.value.len(),
                    d.value.len()
                ));
            }
            match (s.expires_at, d.expires_at) {
                (None, None) => None,
                (Some(a), Some(b)) if (a - b).abs() <= ttl_tolerance_ms => None,
                (a, b) => Some(format!(
                    "TTL differs: source {}, destination {}",
                    describe_deadline(a),
                    describe_deadline(b)
                )),
            }
        }
    }
}

fn describe_deadline(at: Option<i64>) -> String {
    match at {
        None => "none".into(),
        Some(at) => format!("{} ms", at - resplite_core::util::now_ms()),
    }
}

/// Keys printed in messages: UTF-8 as is, other bytes escaped.
pub fn display_key(key: &[u8]) -> String {
    key.escape_ascii().to_string()
}
