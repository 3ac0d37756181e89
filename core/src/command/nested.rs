//! Commands called by a running command (a script's `redis.call`): the same
//! registry, `Ctx` and specs as a client's commands, so a script is one more
//! caller on the storage thread and not a second dispatcher. Refusals carry
//! Redis' script-call texts; accounting (INFO commandstats, errorstats) and
//! MONITOR lines happen here as Redis' `call()` does them for a script.

use std::borrow::Cow;
use std::time::Instant;

use bytes::Bytes;

use super::{Args, CommandError, Ctx, Flags};
use crate::protocol::Reply;

/// How the caller runs nested commands.
#[derive(Debug, Clone, Copy)]
pub struct NestedOptions {
    /// EVAL_RO, FCALL_RO, `no-writes` scripts: write commands are refused.
    pub read_only: bool,
    /// The protocol the nested commands reply in (`redis.setresp`).
    pub resp: u8,
}

/// A nested command that ran (its reply may be an error reply).
pub struct Nested {
    pub reply: Reply,
    /// It was a write command (a script that wrote cannot be killed).
    pub write: bool,
}

#[derive(Debug)]
pub enum NestedError {
    /// Refused before running, with Redis' text (no error code).
    Refused(Cow<'static, str>),
    /// Storage broke: the caller must fail as a whole so the executor can
    /// undo it.
    Broken(CommandError),
}

/// A container flagged NOSCRIPT_SUBCOMMANDS refuses all but HELP: a script
/// may not reconfigure the server, manage clients, or load and flush scripts.
fn noscript_subcommand(spec: &crate::command::CommandSpec, argv: &[Bytes]) -> bool {
    spec.flags.contains(Flags::NOSCRIPT_SUBCOMMANDS)
        && !argv
            .get(1)
            .is_some_and(|sub| sub.eq_ignore_ascii_case(b"help"))
}

impl Ctx<'_> {
    /// Runs `argv` (name first) as a nested command. Blocking commands never
    /// block here: they answer as if their timeout had passed.
    pub fn call_nested(
        &mut self,
        argv: &[Bytes],
        opts: NestedOptions,
    ) -> Result<Nested, NestedError> {
        let entry = argv.first().and_then(|name| self.registry.get(name));
        let entry = match entry {
            Some(e) if e.spec.arity_ok(argv.len()) => e,
            Some(_) => {
                return Err(self.refuse(
                    argv,
                    "Wrong number of args calling Redis command from script",
                ))
            }
            None => return Err(self.refuse(argv, "Unknown Redis command called from script")),
        };
        if entry.spec.flags.contains(Flags::NOSCRIPT) || noscript_subcommand(entry.spec, argv) {
            return Err(self.refuse(argv, "This Redis command is not allowed from script"));
        }
        let write = entry.spec.is_write();
        if opts.read_only && entry.spec.may_replicate() {
            return Err(self.refuse(
                argv,
                "Write commands are not allowed from read-only scripts.",
            ));
        }
        let started = Instant::now();
        let may_block = std::mem::replace(&mut self.coord.may_block, false);
        let in_script = std::mem::replace(&mut self.coord.in_script, true);
        let resp = std::mem::replace(&mut self.session.resp, opts.resp);
        let events_before = self.coord.events.len();
        // A script that reads has its declared keys tracked (Redis' rule).
        self.coord.script_read |= entry.spec.flags.contains(Flags::READONLY);
        let changes_base = std::mem::replace(&mut self.coord.changes_base, self.engine.changes());
        let result = (entry.run)(&mut Args::command(argv), self);
        self.coord.changes_base = changes_base;
        self.session.resp = resp;
        self.coord.may_block = may_block;
        self.coord.in_script = in_script;
        self.coord.block = None;
        let reply = match result {
            Ok(reply) => reply,
            Err(CommandError::Internal(e)) => {
                return Err(NestedError::Broken(CommandError::Internal(e)))
            }
            Err(e) => {
                // A failed command publishes nothing (as in the executor).
                self.coord.events.truncate(events_before);
                e.to_reply()
            }
        };
        crate::command::push_engine_events(self.engine, self.server, self.coord, None);
        let usec = started.elapsed().as_micros() as u64;
        crate::server::Stats::add(&self.server.stats.total_commands_processed, 1);
        // As Redis: a script's slow commands are logged too, from no client.
        crate::executor::account(self.server, entry, argv, usec, &reply, "?:0", b"");
        self.feed_monitors_nested(entry.spec.name, argv);
        Ok(Nested { reply, write })
    }

    fn refuse(&mut self, argv: &[Bytes], why: &'static str) -> NestedError {
        if let Some(entry) = argv.first().and_then(|name| self.registry.get(name)) {
            self.server.stats.record_rejected(entry.spec.name);
        }
        self.server.stats.record_error(&format!("ERR {why}"));
        NestedError::Refused(why.into())
    }

    /// MONITOR shows a script's commands as `[<db> lua] "set" ...`.
    fn feed_monitors_nested(&mut self, name: &str, argv: &[Bytes]) {
        if !self.server.pubsub.has_monitors() {
            return;
        }
        let mark = self.server.pubsub.seq();
        let db = self.session.db;
        crate::monitor::feed(self.server, self.coord, db, "lua", name, argv, mark);
    }
}
