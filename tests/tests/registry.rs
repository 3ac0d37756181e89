//! The command registry as a framework: inventory registration (none dropped by
//! the linker), a command defined in this separate crate dispatched by an
//! embedded server, and per-command atomicity when a command breaks half-way.

use std::collections::BTreeSet;

use redis_protocol::resp2::types::BytesFrame;
use resplite_core::prelude::*;
use resplite_core::{Registry, Server, ServerConfig};
use resplite_tests::{encode_command, q, q_err};

/// A downstream command: `EXT.DOUBLE key` doubles an integer string.
struct ExtDouble(Bytes);

impl Command for ExtDouble {
    const SPEC: CommandSpec = CommandSpec::new("ext.double", 2, Flags::WRITE, "string")
        .keys(1, 1, 1)
        .summary("Test extension: doubles an integer.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(ExtDouble(args.bytes()?))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let v = ctx
            .engine
            .get_string(&self.0)?
            .unwrap_or_else(|| b"0".to_vec());
        let n = resplite_core::util::number::parse_i64(&v).ok_or(CommandError::NotInteger)?;
        let doubled = n.checked_mul(2).ok_or(CommandError::Overflow)?;
        ctx.engine
            .set_string(&self.0, doubled.to_string().as_bytes(), None)?;
        Ok(Reply::Int(doubled))
    }
}

/// Writes, then panics: its write must not survive, its neighbours must.
struct ExtWriteThenPanic(Bytes);

impl Command for ExtWriteThenPanic {
    const SPEC: CommandSpec =
        CommandSpec::new("ext.writepanic", 2, Flags::WRITE, "string").keys(1, 1, 1);

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(ExtWriteThenPanic(args.bytes()?))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        ctx.engine.set_string(&self.0, b"partial", None)?;
        panic!("deliberate failure after a write");
    }
}

register_command!(ExtDouble, ExtWriteThenPanic);

/// Command types named in `register_command!(...)` across the command crates.
fn registered_in_source() -> BTreeSet<String> {
    let roots = ["/../commands/src", "/../scripting/src"];
    let mut names = BTreeSet::new();
    let mut stack: Vec<_> = roots
        .iter()
        .map(|r| std::path::PathBuf::from(format!("{}{r}", env!("CARGO_MANIFEST_DIR"))))
        .collect();
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for call in text.split("register_command!(").skip(1) {
                    let inner = call.split(')').next().unwrap();
                    for ty in inner.split(',').map(str::trim).filter(|t| !t.is_empty()) {
                        names.insert(format!("{}:{ty}", path.display()));
                    }
                }
            }
        }
    }
    names
}

#[test]
fn every_registered_command_survives_linking() {
    resplite_commands::link();
    resplite_scripting::link();
    let registry = Registry::from_inventory().expect("no duplicate names");
    let builtin = registry
        .iter()
        .filter(|e| !e.spec.name.starts_with("ext."))
        .count();
    let declared = registered_in_source().len();
    assert!(declared >= 47, "source scan found only {declared}");
    assert_eq!(
        builtin, declared,
        "registry size must equal the commands the crate registers"
    );
    for name in ["get", "SET", "Expire", "command"] {
        assert!(
            registry.get(name.as_bytes()).is_some(),
            "{name} dispatches case-insensitively"
        );
    }
}

#[tokio::test]
async fn embedded_server_dispatches_a_downstream_command_and_contains_panics() {
    resplite_commands::link();
    resplite_scripting::link();
    let dir = tempfile::tempdir().unwrap();
    let handle = Server::start(ServerConfig::new(dir.path().join("x.db")).port(0))
        .await
        .expect("server starts");
    let url = format!("redis://{}/", handle.local_addr());
    let mut c = resplite_tests::connect(&url).await;
    let _: () = q(&mut c, &[b"SET", b"n", b"21"]).await.unwrap();
    assert_eq!(q::<i64>(&mut c, &[b"EXT.DOUBLE", b"n"]).await.unwrap(), 42);
    let listed: Vec<String> = q(&mut c, &[b"COMMAND", b"LIST"]).await.unwrap();
    assert!(listed.contains(&"ext.double".to_string()));

    // One write, so all four run in one batch and one group commit: the
    // panicking command fails alone and leaves nothing behind.
    let mut raw = resplite_tests::RawClient::connect(handle.local_addr()).await;
    let mut pipeline = Vec::new();
    for cmd in [
        &["SET", "a", "1"][..],
        &["EXT.WRITEPANIC", "b"],
        &["GET", "a"],
        &["GET", "b"],
    ] {
        pipeline.extend(encode_command(cmd));
    }
    raw.send(&pipeline).await;
    let mut replies = Vec::new();
    for _ in 0..4 {
        replies.push(raw.read().await.expect("reply"));
    }
    assert_eq!(replies[0], BytesFrame::SimpleString("OK".into()));
    assert_eq!(replies[1], BytesFrame::Error("ERR internal error".into()));
    assert_eq!(replies[2], BytesFrame::BulkString("1".into()));
    assert_eq!(
        replies[3],
        BytesFrame::Null,
        "a command that panicked must leave no partial write"
    );
    assert_eq!(
        q_err(&mut c, &[b"EXT.WRITEPANIC", b"c"]).await,
        "ERR internal error"
    );
    assert_eq!(q::<i64>(&mut c, &[b"EXISTS", b"c"]).await.unwrap(), 0);
    assert_eq!(q::<String>(&mut c, &[b"PING"]).await.unwrap(), "PONG");
    drop(c);
    handle.shutdown().await;
}
