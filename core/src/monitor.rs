//! MONITOR: a line per command run, for every client that asked.
//!
//! What Redis 7.0 shows, and so what this shows (checked against redis-server
//! 7.0.15 by tests/tests/monitor.rs):
//! - every command that ran, failed or not, with its arguments as the client
//!   sent them (`"SET"` stays upper case), once, after it ran: a blocking
//!   command when it blocks (not again when it is served), commands inside
//!   MULTI when EXEC runs them, then `exec`;
//! - not: unknown commands, wrong arity, NOAUTH and other refusals before a
//!   command runs (an unknown subcommand or a subcommand's wrong arity too),
//!   and admin commands (`admin` flag: CONFIG, DEBUG, SAVE, SLOWLOG, LATENCY,
//!   MONITOR, CLIENT LIST/KILL/...);
//! - except EXEC: refused, it still shows (Redis' `execCommandAbort`);
//! - AUTH's arguments and HELLO's `AUTH user pass` read `"(redacted)"`.
//!
//! The line is `+<unix secs>.<micros> [<db> <ip:port>] "arg" "arg" ...` with
//! each argument quoted as Redis' `sdscatrepr` quotes it.
//!
//! Lines travel like pub/sub messages: the storage thread routes them to the
//! monitors' mailboxes when the command ran, they leave after the group's
//! commit, and a monitor that stops reading is disconnected at the pubsub
//! class's output limit. With nobody monitoring, a command pays one atomic
//! load ([`PubSub::has_monitors`](crate::pubsub::PubSub::has_monitors)).

use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;

use crate::blocking::Coordination;
use crate::command::{CommandSpec, Flags};
use crate::protocol::Reply;
use crate::server::ServerState;

/// The reply to a command a monitor may not run (a monitor is a replica to
/// Redis, and replicas do not touch the keyspace).
pub const REPLICA_REFUSED: &str = "ERR Replica can't interact with the keyspace";

/// Commands with subcommands: how Redis 7.0 flags each subcommand resplite
/// has. `admin`: hidden from monitors; `keyspace`: read, write or
/// may-replicate, refused to a monitor.
const SUBCOMMANDS: [(&str, &[&str], &[&str]); 7] = [
    (
        "client",
        &["kill", "list", "no-evict", "pause", "unblock", "unpause"],
        &[],
    ),
    ("config", &["get", "resetstat", "rewrite", "set"], &[]),
    (
        "latency",
        &["doctor", "graph", "histogram", "history", "latest", "reset"],
        &[],
    ),
    ("slowlog", &["get", "len", "reset"], &[]),
    ("memory", &[], &["usage"]),
    ("object", &[], &["encoding", "freq", "idletime", "refcount"]),
    ("function", &[], &["delete", "flush", "load", "restore"]),
];

fn subcommand(
    spec: &CommandSpec,
    argv: &[Bytes],
) -> Option<(&'static [&'static str], &'static [&'static str], String)> {
    let (_, admin, keyspace) = SUBCOMMANDS.iter().find(|(name, _, _)| *name == spec.name)?;
    let sub = argv.get(1)?;
    Some((
        admin,
        keyspace,
        String::from_utf8_lossy(sub).to_ascii_lowercase(),
    ))
}

/// Is `spec` a command Redis refuses to a monitor ("Replica can't interact
/// with the keyspace"): one that reads or writes keys, or may replicate
/// (PUBLISH)?
pub fn refused_to_monitor(spec: &CommandSpec, argv: &[Bytes]) -> bool {
    if let Some((_, keyspace, sub)) = subcommand(spec, argv) {
        return keyspace.contains(&sub.as_str());
    }
    spec.flags.contains(Flags::WRITE)
        || spec.flags.contains(Flags::READONLY)
        || spec.name == "publish"
}

/// Does Redis keep this command from monitors? Admin commands (per
/// subcommand for containers), and a container's unknown subcommand or
/// wrong subcommand arity (Redis refuses those before the command runs).
pub fn hidden(spec: &CommandSpec, argv: &[Bytes], reply: &Reply) -> bool {
    if spec.flags.contains(Flags::ADMIN) {
        return true;
    }
    if !crate::executor::CONTAINERS.contains(&spec.name) {
        return false;
    }
    if let Some((admin, _, sub)) = subcommand(spec, argv) {
        if admin.contains(&sub.as_str()) {
            return true;
        }
    }
    match reply {
        Reply::Error(line) => {
            line.starts_with("ERR unknown subcommand '")
                || line
                    .strip_prefix("ERR wrong number of arguments for '")
                    .is_some_and(|rest| {
                        rest.starts_with(spec.name) && rest[spec.name.len()..].starts_with('|')
                    })
        }
        _ => false,
    }
}

/// Argument positions Redis shows as `"(redacted)"`: AUTH's (in its 2 and 3
/// argument forms) and the user and password of HELLO's AUTH option, as
/// far as HELLO parsed them (a bad protocol version stops it first).
fn redacted(name: &str, argv: &[Bytes]) -> Vec<usize> {
    match name {
        "auth" if (2..=3).contains(&argv.len()) => (1..argv.len()).collect(),
        "hello" if argv.len() > 2 && matches!(&argv[1][..], b"2" | b"3") => {
            let mut out = Vec::new();
            let mut j = 2;
            while j < argv.len() {
                let more = argv.len() - 1 - j;
                if argv[j].eq_ignore_ascii_case(b"auth") && more >= 2 {
                    out.extend([j + 1, j + 2]);
                    j += 3;
                } else if argv[j].eq_ignore_ascii_case(b"setname") && more >= 1 {
                    j += 2;
                } else {
                    break;
                }
            }
            out
        }
        _ => Vec::new(),
    }
}

/// Appends `arg` quoted as Redis' `sdscatrepr`: `"`, `\` escaped, `\n \r \t
/// \a \b` by name, other bytes outside printable ASCII as `\xhh`.
fn quote(out: &mut Vec<u8>, arg: &[u8]) {
    out.push(b'"');
    for &b in arg {
        match b {
            b'\\' | b'"' => out.extend_from_slice(&[b'\\', b]),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x07 => out.extend_from_slice(b"\\a"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x20..=0x7e => out.push(b),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(&[
                    b'\\',
                    b'x',
                    HEX[usize::from(b >> 4)],
                    HEX[usize::from(b & 15)],
                ]);
            }
        }
    }
    out.push(b'"');
}

/// The wire form of one MONITOR line: `+1700000000.123456 [<db> 127.0.0.1:5000]
/// "set" "k" "v"\r\n`. `name` is the command's built-in name (for redaction).
pub fn format_line(at: SystemTime, db: u32, peer: &str, name: &str, argv: &[Bytes]) -> Bytes {
    let since = at.duration_since(UNIX_EPOCH).unwrap_or_default();
    let redact = redacted(name, argv);
    let size: usize = argv.iter().map(|a| a.len() + 3).sum();
    let mut out = Vec::with_capacity(size + peer.len() + 32);
    out.extend_from_slice(
        format!(
            "+{}.{:06} [{db} {peer}] ",
            since.as_secs(),
            since.subsec_micros()
        )
        .as_bytes(),
    );
    for (i, arg) in argv.iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        if redact.contains(&i) {
            out.extend_from_slice(b"\"(redacted)\"");
        } else {
            quote(&mut out, arg);
        }
    }
    out.extend_from_slice(b"\r\n");
    Bytes::from(out)
}

/// Queues the line of a command that ran, for delivery after the group
/// commits. `mark` is its reply's mark: the line is tagged to follow the
/// reply, so a monitor sees its own command's reply first, as in Redis.
pub(crate) fn feed(
    server: &ServerState,
    coord: &mut Coordination,
    db: u32,
    peer: &str,
    name: &str,
    argv: &[Bytes],
    mark: u64,
) {
    let line = format_line(SystemTime::now(), db, peer, name, argv);
    let routed = server.pubsub.route_line(line, mark + 1);
    if routed.receivers() > 0 {
        coord.events.push(routed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn line(name: &str, argv: &[&[u8]]) -> String {
        let argv: Vec<Bytes> = argv.iter().map(|a| Bytes::copy_from_slice(a)).collect();
        let at = UNIX_EPOCH + Duration::new(1_700_000_000, 42_000);
        String::from_utf8(format_line(at, 0, "127.0.0.1:5000", name, &argv).to_vec()).unwrap()
    }

    #[test]
    fn quotes_as_sdscatrepr() {
        assert_eq!(
            line(
                "set",
                &[b"SET", b"a b", b"q\"u\\o\n\r\t\x07\x08\x00\x7f\xff\x1b"]
            ),
            "+1700000000.000042 [0 127.0.0.1:5000] \"SET\" \"a b\" \
             \"q\\\"u\\\\o\\n\\r\\t\\a\\b\\x00\\x7f\\xff\\x1b\"\r\n"
        );
        assert_eq!(
            line("echo", &[b"echo", b""]),
            "+1700000000.000042 [0 127.0.0.1:5000] \"echo\" \"\"\r\n"
        );
    }

    #[test]
    fn redacts_as_redis() {
        let tail = |s: String| s.split_once("] ").unwrap().1.trim_end().to_string();
        assert_eq!(
            tail(line("auth", &[b"auth", b"pw"])),
            r#""auth" "(redacted)""#
        );
        assert_eq!(
            tail(line("auth", &[b"AUTH", b"u", b"pw"])),
            r#""AUTH" "(redacted)" "(redacted)""#
        );
        assert_eq!(
            tail(line("auth", &[b"auth", b"a", b"b", b"c"])),
            r#""auth" "a" "b" "c""#
        );
        assert_eq!(
            tail(line(
                "hello",
                &[b"hello", b"3", b"SETNAME", b"n", b"auth", b"u", b"p", b"bad"]
            )),
            r#""hello" "3" "SETNAME" "n" "auth" "(redacted)" "(redacted)" "bad""#
        );
        assert_eq!(
            tail(line("hello", &[b"hello", b"4", b"auth", b"u", b"p"])),
            r#""hello" "4" "auth" "u" "p""#
        );
        assert_eq!(
            tail(line("hello", &[b"hello", b"3", b"auth", b"u"])),
            r#""hello" "3" "auth" "u""#
        );
    }
}
