//! A script that runs past `busy-reply-threshold`. The storage thread is
//! inside it, so other clients cannot wait for it: their connections read
//! this state and answer `BUSY` at once, and SCRIPT KILL, FUNCTION KILL and
//! SHUTDOWN NOSAVE act through it without going through the storage thread
//! (as Redis serves them from inside the script's interrupt hook).

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use bytes::Bytes;

use crate::protocol::Reply;

const IDLE: u8 = 0;
const EVAL: u8 = 1;
const FUNCTION: u8 = 2;

/// Redis' `slowevalerr` and `slowscripterr`.
pub const BUSY_EVAL: &str =
    "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
pub const BUSY_FUNCTION: &str =
    "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";

#[derive(Debug)]
pub struct ScriptBusy {
    /// IDLE, or what kind of script is past the threshold.
    state: AtomicU8,
    wrote: AtomicBool,
    kill: AtomicBool,
    /// SHUTDOWN NOSAVE: stop the script and undo what it wrote.
    abandon: AtomicBool,
    /// `busy-reply-threshold` (`lua-time-limit`), ms; 0 never turns busy.
    threshold_ms: AtomicU64,
    /// The busy function, for FUNCTION STATS: its name, command, start.
    running: Mutex<Option<(String, Vec<Bytes>, Instant)>>,
}

impl Default for ScriptBusy {
    fn default() -> Self {
        ScriptBusy {
            state: AtomicU8::new(IDLE),
            wrote: AtomicBool::new(false),
            kill: AtomicBool::new(false),
            abandon: AtomicBool::new(false),
            threshold_ms: AtomicU64::new(5000),
            running: Mutex::new(None),
        }
    }
}

/// What a running script's interrupt check decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interrupt {
    Continue,
    /// SCRIPT KILL / FUNCTION KILL.
    Kill,
    /// SHUTDOWN NOSAVE: fail so the script's writes are rolled back.
    Abandon,
}

impl ScriptBusy {
    pub fn threshold_ms(&self) -> u64 {
        self.threshold_ms.load(Ordering::Relaxed)
    }

    pub fn set_threshold_ms(&self, ms: u64) {
        self.threshold_ms.store(ms, Ordering::Relaxed);
    }

    /// A script starts (on the storage thread): forget the last one's kill.
    /// SHUTDOWN NOSAVE's stays: the server is stopping, and the executor
    /// replays the group of the script it stopped, which must not run again.
    pub fn start(&self) {
        self.wrote.store(false, Ordering::Relaxed);
        self.kill.store(false, Ordering::Relaxed);
    }

    /// The running script is past the threshold. A function says what it
    /// is (`name`, the FCALL command) and when it started.
    pub fn enter(&self, function: Option<(String, Vec<Bytes>, Instant)>) {
        let kind = if function.is_some() { FUNCTION } else { EVAL };
        *self.running.lock().unwrap_or_else(|e| e.into_inner()) = function;
        self.state.store(kind, Ordering::Release);
    }

    /// The script ended.
    pub fn leave(&self) {
        self.state.store(IDLE, Ordering::Release);
        *self.running.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    pub fn note_write(&self) {
        self.wrote.store(true, Ordering::Relaxed);
    }

    pub fn is_busy(&self) -> bool {
        self.state.load(Ordering::Acquire) != IDLE
    }

    /// The BUSY error other clients get, if a script is past the threshold.
    pub fn busy_error(&self) -> Option<&'static str> {
        match self.state.load(Ordering::Acquire) {
            EVAL => Some(BUSY_EVAL),
            FUNCTION => Some(BUSY_FUNCTION),
            _ => None,
        }
    }

    /// Polled by the running script.
    pub fn interrupt(&self) -> Interrupt {
        if self.abandon.load(Ordering::Relaxed) {
            Interrupt::Abandon
        } else if self.kill.load(Ordering::Relaxed) {
            Interrupt::Kill
        } else {
            Interrupt::Continue
        }
    }

    /// SCRIPT KILL (`function` false) or FUNCTION KILL, as Redis' scriptKill.
    pub fn kill(&self, function: bool) -> Reply {
        let state = self.state.load(Ordering::Acquire);
        if state == IDLE {
            return Reply::error("NOTBUSY No scripts in execution right now.");
        }
        if self.wrote.load(Ordering::Relaxed) {
            return Reply::error(
                "UNKILLABLE Sorry the script already executed write commands against the \
                 dataset. You can either wait the script termination or kill the server in a \
                 hard way using the SHUTDOWN NOSAVE command.",
            );
        }
        match (function, state) {
            (false, FUNCTION) => Reply::error(BUSY_FUNCTION),
            (true, EVAL) => Reply::error(BUSY_EVAL),
            _ => {
                self.kill.store(true, Ordering::Relaxed);
                Reply::ok()
            }
        }
    }

    /// SHUTDOWN NOSAVE while a script runs: it stops and its writes are undone.
    pub fn abandon(&self) {
        self.abandon.store(true, Ordering::Relaxed);
    }

    /// What command `name` (argv without the name's own case folded) gets
    /// while a script is past the threshold: an answer now (BUSY, or SCRIPT
    /// KILL's and FUNCTION KILL's), or `None` to wait for the script (Redis'
    /// ALLOW_BUSY commands, and SHUTDOWN, which stops a NOSAVE'd script first).
    pub fn answer(&self, stats: &ScriptStats, name: &str, argv: &[Bytes]) -> Option<Reply> {
        let line = self.busy_error()?;
        let sub = argv.get(1).map(|a| a.to_ascii_lowercase());
        match (name, sub.as_deref()) {
            ("script", Some(b"kill")) => Some(self.kill(false)),
            ("function", Some(b"kill")) => Some(self.kill(true)),
            ("function", Some(b"stats")) if argv.len() == 2 => Some(self.function_stats(stats)),
            ("shutdown", _) => {
                if argv[1..].iter().any(|a| a.eq_ignore_ascii_case(b"nosave")) {
                    self.abandon();
                }
                None
            }
            (
                "auth" | "hello" | "multi" | "discard" | "watch" | "unwatch" | "reset" | "quit",
                _,
            ) => None,
            _ => Some(Reply::error(line)),
        }
    }
}

impl ScriptBusy {
    /// FUNCTION STATS while a script is busy (Redis' functionStatsCommand).
    fn function_stats(&self, stats: &ScriptStats) -> Reply {
        let running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        let Some((name, command, started)) = running.as_ref() else {
            return Reply::error(BUSY_EVAL);
        };
        let script = Reply::Map(vec![
            (Reply::bulk("name"), Reply::bulk(name.clone())),
            (
                Reply::bulk("command"),
                Reply::Array(command.iter().cloned().map(Reply::Bulk).collect()),
            ),
            (
                Reply::bulk("duration_ms"),
                Reply::Int(started.elapsed().as_millis() as i64),
            ),
        ]);
        stats_reply(stats, script)
    }
}

/// FUNCTION STATS' reply, with `running_script` (nil when none runs).
pub fn stats_reply(stats: &ScriptStats, running_script: Reply) -> Reply {
    let count = |n: &AtomicU64| Reply::Int(n.load(Ordering::Relaxed) as i64);
    let lua = Reply::Map(vec![
        (Reply::bulk("libraries_count"), count(&stats.libraries)),
        (Reply::bulk("functions_count"), count(&stats.functions)),
    ]);
    Reply::Map(vec![
        (Reply::bulk("running_script"), running_script),
        (
            Reply::bulk("engines"),
            Reply::Map(vec![(Reply::bulk("LUA"), lua)]),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kill_follows_redis_rules() {
        let busy = ScriptBusy::default();
        assert!(busy.kill(false).is_error());
        busy.start();
        busy.enter(None);
        assert_eq!(busy.busy_error(), Some(BUSY_EVAL));
        assert_eq!(busy.kill(true), Reply::error(BUSY_EVAL));
        assert_eq!(busy.interrupt(), Interrupt::Continue);
        assert_eq!(busy.kill(false), Reply::ok());
        assert_eq!(busy.interrupt(), Interrupt::Kill);
        busy.leave();
        busy.start();
        busy.enter(Some(("f".into(), Vec::new(), Instant::now())));
        busy.note_write();
        assert!(matches!(busy.kill(true), Reply::Error(e) if e.starts_with("UNKILLABLE")));
        busy.abandon();
        assert_eq!(busy.interrupt(), Interrupt::Abandon);
    }
}

/// Scripting's figures for INFO (the interpreters live on the storage thread)
/// and its one start-up setting.
#[derive(Debug)]
pub struct ScriptStats {
    pub eval_memory: AtomicU64,
    pub cached_scripts: AtomicU64,
    pub functions_memory: AtomicU64,
    pub functions: AtomicU64,
    pub libraries: AtomicU64,
    /// Bytes each Lua interpreter may allocate (0: unlimited).
    pub memory_limit: AtomicU64,
}

impl Default for ScriptStats {
    fn default() -> Self {
        ScriptStats {
            eval_memory: AtomicU64::new(0),
            cached_scripts: AtomicU64::new(0),
            functions_memory: AtomicU64::new(0),
            functions: AtomicU64::new(0),
            libraries: AtomicU64::new(0),
            memory_limit: AtomicU64::new(DEFAULT_LUA_MEMORY_LIMIT),
        }
    }
}

/// 256 MB: far above what real scripts use, far below what a runaway
/// `string.rep` would take the server to.
pub const DEFAULT_LUA_MEMORY_LIMIT: u64 = 256 << 20;
