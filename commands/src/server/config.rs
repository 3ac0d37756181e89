//! CONFIG GET / SET / RESETSTAT / REWRITE over the settings resplite has.
//!
//! GET takes glob patterns (case-insensitive) and answers a map; a pattern
//! that matches nothing adds nothing (as Kvrocks and Redis do). SET validates
//! every pair before applying any, so a failing CONFIG SET changes nothing.
//! Persistence is reported as it is: every write goes to SQLite's WAL, so
//! `save` is `""` and `appendonly` is `no`, and only those values are
//! accepted. Settings fixed at start-up (port, bind, limits, paths) are
//! readable but refuse CONFIG SET with Redis' "can't set immutable config".

use resplite_core::prelude::*;
use resplite_core::pubsub::{notify_flags_to_string, parse_notify_flags, OutputLimit};
use resplite_core::server::ServerState;
use resplite_core::util::glob::glob_match;
use resplite_core::util::number::parse_i64;

use super::subcommand::{help, unknown, Sub};

/// What a parameter accepts.
#[derive(Clone, Copy)]
enum Kind {
    /// Readable only.
    Immutable,
    /// Settable to the value it already has, and nothing else (`reason`
    /// explains why).
    Fixed(&'static str),
    /// An integer in a range.
    Int { min: i64, max: i64 },
    /// Any string.
    Str,
    /// A `notify-keyspace-events` class string.
    Events,
    /// `client-output-buffer-limit`: `<class> <hard> <soft> <seconds>` ...
    OutputLimit,
    /// `yes` or `no`.
    Bool,
}

struct Param {
    name: &'static str,
    kind: Kind,
    get: fn(&ServerState) -> String,
}

macro_rules! param {
    ($name:literal, $kind:expr, |$s:ident| $get:expr) => {
        Param {
            name: $name,
            kind: $kind,
            get: |$s: &ServerState| $get,
        }
    };
}

fn config(s: &ServerState) -> std::sync::RwLockReadGuard<'_, resplite_core::ServerConfig> {
    s.config.read().expect("config lock")
}

const ON_DISK: &str = "resplite writes every change to SQLite's WAL; snapshots and the AOF \
                       do not exist, only the reported value is accepted";

static PARAMS: &[Param] = &[
    param!("bind", Kind::Immutable, |s| config(s).bind.clone()),
    param!("port", Kind::Immutable, |s| config(s).port.to_string()),
    param!(
        "maxclients",
        Kind::Int {
            min: 1,
            max: u32::MAX as i64
        },
        |s| config(s).max_clients.to_string()
    ),
    param!(
        "timeout",
        Kind::Int {
            min: 0,
            max: i32::MAX as i64
        },
        |s| s
            .settings
            .read()
            .expect("settings lock")
            .timeout
            .to_string()
    ),
    param!("requirepass", Kind::Str, |s| config(s)
        .requirepass
        .clone()
        .unwrap_or_default()),
    param!("protected-mode", Kind::Bool, |s| yes_no(
        config(s).protected_mode
    )),
    param!("save", Kind::Fixed(ON_DISK), |_s| String::new()),
    param!("appendonly", Kind::Fixed(ON_DISK), |_s| "no".into()),
    param!("appendfsync", Kind::Fixed(ON_DISK), |_s| "everysec".into()),
    param!("databases", Kind::Immutable, |s| config(s)
        .databases
        .to_string()),
    param!("notify-keyspace-events", Kind::Events, |s| s
        .settings
        .read()
        .expect("settings lock")
        .notify_keyspace_events
        .clone()),
    param!("client-output-buffer-limit", Kind::OutputLimit, |s| {
        let l = s.pubsub.output_limit();
        format!(
            "normal 0 0 0 slave 268435456 67108864 60 pubsub {} {} {}",
            l.hard, l.soft, l.soft_seconds
        )
    }),
    param!("proto-max-bulk-len", Kind::Immutable, |s| config(s)
        .limits
        .max_bulk_len
        .to_string()),
    param!("client-query-buffer-limit", Kind::Immutable, |s| config(s)
        .max_query_buffer
        .to_string()),
    param!(
        "maxmemory",
        Kind::Fixed("resplite keeps its data on disk: no memory limit applies"),
        |_s| "0".into()
    ),
    param!(
        "maxmemory-policy",
        Kind::Fixed("resplite never evicts keys"),
        |_s| "noeviction".into()
    ),
    param!("dir", Kind::Immutable, |s| {
        let path = config(s).db_path.clone();
        let abs = std::path::absolute(&path).unwrap_or(path);
        abs.parent()
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    }),
    param!("dbfilename", Kind::Immutable, |s| config(s)
        .db_path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()),
    param!(
        "slowlog-log-slower-than",
        Kind::Int {
            min: -1,
            max: i64::MAX
        },
        |s| s
            .settings
            .read()
            .expect("settings lock")
            .slowlog_log_slower_than
            .to_string()
    ),
    param!(
        "slowlog-max-len",
        Kind::Int {
            min: 0,
            max: i64::MAX
        },
        |s| s
            .settings
            .read()
            .expect("settings lock")
            .slowlog_max_len
            .to_string()
    ),
    param!(
        "busy-reply-threshold",
        Kind::Int {
            min: 0,
            max: i64::MAX
        },
        |s| s.script_busy.threshold_ms().to_string()
    ),
    // Redis' older name for busy-reply-threshold.
    param!(
        "lua-time-limit",
        Kind::Int {
            min: 0,
            max: i64::MAX
        },
        |s| s.script_busy.threshold_ms().to_string()
    ),
    param!(
        "latency-monitor-threshold",
        Kind::Fixed("resplite has no latency monitor"),
        |_s| "0".into()
    ),
    param!(
        "stream-node-max-entries",
        Kind::Int {
            min: 0,
            max: i64::MAX
        },
        |s| s
            .settings
            .read()
            .expect("settings lock")
            .stream_node_max_entries
            .to_string()
    ),
    param!(
        "stream-node-max-bytes",
        Kind::Int {
            min: 0,
            max: i64::MAX
        },
        |s| s
            .settings
            .read()
            .expect("settings lock")
            .stream_node_max_bytes
            .to_string()
    ),
    param!("cluster-enabled", Kind::Immutable, |_s| "no".into()),
    param!("pragma-template", Kind::Immutable, |s| config(s)
        .pragma
        .name()
        .to_string()),
];

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.into()
}

fn find(name: &[u8]) -> Option<&'static Param> {
    PARAMS
        .iter()
        .find(|p| p.name.as_bytes().eq_ignore_ascii_case(name))
}

/// A validated CONFIG SET value, ready to apply.
enum Change {
    MaxClients(usize),
    Timeout(u64),
    RequirePass(Option<String>),
    ProtectedMode(bool),
    Events(u32),
    OutputLimit(Option<OutputLimit>),
    SlowlogSlowerThan(i64),
    SlowlogMaxLen(u64),
    BusyThreshold(u64),
    StreamNodeEntries(u64),
    StreamNodeBytes(u64),
    Nothing,
}

enum Config {
    Get(Vec<Bytes>),
    Set(Vec<(Bytes, Bytes)>),
    ResetStat,
    Rewrite,
    Help,
}

/// CONFIG GET|SET|RESETSTAT|REWRITE|HELP
pub struct ConfigCmd(Config);

impl Command for ConfigCmd {
    const SPEC: CommandSpec = CommandSpec::new("config", -2, Flags::NOSCRIPT_SUBCOMMANDS, "server")
        .summary("A container for server configuration commands.")
        .since("2.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let sub = Sub::read(args)?;
        let cmd = match sub.name.as_str() {
            "get" => {
                sub.check("CONFIG", args, -3)?;
                Config::Get(args.rest())
            }
            "set" => {
                sub.check("CONFIG", args, -4)?;
                // An odd count (a name without value) is Redis' syntax error.
                if !args.remaining().is_multiple_of(2) {
                    return Err(CommandError::Syntax);
                }
                Config::Set(args.pairs("config|set")?)
            }
            "resetstat" => {
                sub.check("CONFIG", args, 2)?;
                Config::ResetStat
            }
            "rewrite" => {
                sub.check("CONFIG", args, 2)?;
                Config::Rewrite
            }
            "help" => {
                sub.check("CONFIG", args, 2)?;
                Config::Help
            }
            _ => return Err(unknown("CONFIG", &sub.raw)),
        };
        Ok(ConfigCmd(cmd))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let state = ctx.server;
        match self.0 {
            Config::Get(patterns) => Ok(get(state, &patterns)),
            Config::Set(pairs) => {
                let mut changes = Vec::with_capacity(pairs.len());
                for (i, (name, value)) in pairs.iter().enumerate() {
                    let Some(param) = find(name) else {
                        return Err(CommandError::other(format!(
                            "ERR Unknown option or number of arguments for CONFIG SET - '{}'",
                            String::from_utf8_lossy(name)
                        )));
                    };
                    if pairs[..i].iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
                        return Err(set_failed(param.name, "duplicate parameter"));
                    }
                    changes.push(validate(state, param, value)?);
                }
                for change in changes {
                    apply(state, change);
                }
                Ok(Reply::ok())
            }
            Config::ResetStat => {
                state.stats.reset(ctx.engine.expired_keys());
                state.slowlog_reset();
                Ok(Reply::ok())
            }
            Config::Rewrite => Err(CommandError::other(
                "ERR The server is running without a config file",
            )),
            Config::Help => Ok(help(
                "CONFIG",
                &[
                    "GET <pattern>",
                    "    Return parameters matching the glob-like <pattern> and their values.",
                    "SET <directive> <value>",
                    "    Set the configuration <directive> to <value>.",
                    "RESETSTAT",
                    "    Reset statistics reported by the INFO command.",
                    "REWRITE",
                    "    Rewrite the configuration file.",
                ],
            )),
        }
    }
}

/// Every parameter matching any pattern, once, in table order.
fn get(state: &ServerState, patterns: &[Bytes]) -> Reply {
    let pairs = PARAMS
        .iter()
        .filter(|p| {
            patterns
                .iter()
                .any(|pat| glob_match(pat, p.name.as_bytes(), true))
        })
        .map(|p| (Reply::bulk(p.name), Reply::bulk((p.get)(state))))
        .collect();
    Reply::Map(pairs)
}

fn set_failed(name: &str, reason: &str) -> CommandError {
    CommandError::other(format!(
        "ERR CONFIG SET failed (possibly related to argument '{name}') - {reason}"
    ))
}

fn validate(state: &ServerState, param: &Param, value: &[u8]) -> Result<Change, CommandError> {
    let fail = |reason: &str| set_failed(param.name, reason);
    let text = String::from_utf8_lossy(value).into_owned();
    match param.kind {
        Kind::Immutable => Err(fail("can't set immutable config")),
        Kind::Fixed(reason) => {
            if text.eq_ignore_ascii_case(&(param.get)(state)) {
                Ok(Change::Nothing)
            } else {
                Err(fail(reason))
            }
        }
        Kind::Int { min, max } => {
            let n = parse_i64(value)
                .ok_or_else(|| fail("argument couldn't be parsed into an integer"))?;
            if n < min || n > max {
                return Err(fail(&format!(
                    "argument must be between {min} and {max} inclusive"
                )));
            }
            Ok(match param.name {
                "maxclients" => Change::MaxClients(n as usize),
                "timeout" => Change::Timeout(n as u64),
                "slowlog-log-slower-than" => Change::SlowlogSlowerThan(n),
                "slowlog-max-len" => Change::SlowlogMaxLen(n as u64),
                "busy-reply-threshold" | "lua-time-limit" => Change::BusyThreshold(n as u64),
                "stream-node-max-entries" => Change::StreamNodeEntries(n as u64),
                "stream-node-max-bytes" => Change::StreamNodeBytes(n as u64),
                other => unreachable!("integer parameter {other} has no setter"),
            })
        }
        Kind::Str => Ok(Change::RequirePass((!text.is_empty()).then_some(text))),
        Kind::Bool => match text.to_ascii_lowercase().as_str() {
            "yes" => Ok(Change::ProtectedMode(true)),
            "no" => Ok(Change::ProtectedMode(false)),
            _ => Err(fail("argument must be 'yes' or 'no'")),
        },
        Kind::Events => parse_notify_flags(&text)
            .map(Change::Events)
            .ok_or_else(|| fail("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")),
        Kind::OutputLimit => output_limit(&text).map(Change::OutputLimit).map_err(fail),
    }
}

fn apply(state: &ServerState, change: Change) {
    let settings = || state.settings.write().expect("settings lock");
    match change {
        Change::MaxClients(n) => state.config.write().expect("config lock").max_clients = n,
        Change::RequirePass(p) => state.config.write().expect("config lock").requirepass = p,
        Change::ProtectedMode(on) => {
            state.config.write().expect("config lock").protected_mode = on;
        }
        Change::Timeout(t) => settings().timeout = t,
        Change::Events(flags) => {
            settings().notify_keyspace_events = notify_flags_to_string(flags);
            state.pubsub.set_notify_flags(flags);
        }
        Change::OutputLimit(limit) => {
            if let Some(limit) = limit {
                state.pubsub.set_output_limit(limit);
            }
        }
        Change::SlowlogSlowerThan(n) => settings().slowlog_log_slower_than = n,
        Change::SlowlogMaxLen(n) => {
            settings().slowlog_max_len = n;
            state.slowlog_trim(n);
        }
        Change::BusyThreshold(ms) => state.script_busy.set_threshold_ms(ms),
        Change::StreamNodeEntries(n) => settings().stream_node_max_entries = n,
        Change::StreamNodeBytes(n) => settings().stream_node_max_bytes = n,
        Change::Nothing => {}
    }
}

/// `client-output-buffer-limit` as Redis reads it: `<class> <hard> <soft>
/// <seconds>` groups, sizes with `k`/`kb`/`m`/`mb`/`g`/`gb` units. Only the
/// `pubsub` class applies to resplite (its replies are written as they come);
/// `normal` and `replica` are accepted and have no effect. `None`: no pubsub
/// group given.
fn output_limit(text: &str) -> Result<Option<OutputLimit>, &'static str> {
    let words: Vec<&str> = text.split_whitespace().collect();
    if !words.len().is_multiple_of(4) {
        return Err("Wrong number of arguments in buffer limit configuration.");
    }
    let mut pubsub = None;
    for group in words.chunks(4) {
        let class = group[0].to_ascii_lowercase();
        if !matches!(class.as_str(), "normal" | "slave" | "replica" | "pubsub") {
            return Err("Invalid client class specified in buffer limit configuration.");
        }
        let bad = "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
        let hard = memory_size(group[1]).ok_or(bad)?;
        let soft = memory_size(group[2]).ok_or(bad)?;
        let soft_seconds = group[3].parse::<u64>().map_err(|_| bad)?;
        if class == "pubsub" {
            pubsub = Some(OutputLimit {
                hard,
                soft,
                soft_seconds,
            });
        }
    }
    Ok(pubsub)
}

/// Redis' `memtoull`: `1k` is 1000, `1kb` 1024, and so on; no sign.
fn memory_size(word: &str) -> Option<u64> {
    let lower = word.to_ascii_lowercase();
    let digits = lower.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = &lower[digits.len()..];
    let mul: u64 = match unit {
        "" | "b" => 1,
        "k" => 1000,
        "kb" => 1024,
        "m" => 1000 * 1000,
        "mb" => 1024 * 1024,
        "g" => 1000 * 1000 * 1000,
        "gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u64>().ok()?.checked_mul(mul)
}

register_command!(ConfigCmd);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_limits_as_redis_reads_them() {
        let pubsub = |s: &str| output_limit(s).map(|l| l.map(|l| (l.hard, l.soft, l.soft_seconds)));
        assert_eq!(pubsub("pubsub 1mb 0 0"), Ok(Some((1 << 20, 0, 0))));
        assert_eq!(pubsub("pubsub 1kb 2k 3"), Ok(Some((1024, 2000, 3))));
        assert_eq!(pubsub("normal 0 0 0"), Ok(None));
        assert_eq!(pubsub(""), Ok(None));
        assert!(pubsub("pubsub 1mb 0").is_err());
        assert!(pubsub("foo 1 0 0").is_err());
        assert!(pubsub("pubsub -1 0 0").is_err());
        assert!(pubsub("pubsub x 0 0").is_err());
    }

    #[test]
    fn parameter_names_are_unique_and_lower_case() {
        for (i, p) in PARAMS.iter().enumerate() {
            assert_eq!(p.name, p.name.to_ascii_lowercase());
            assert!(PARAMS[..i].iter().all(|q| q.name != p.name), "{}", p.name);
        }
    }
}
