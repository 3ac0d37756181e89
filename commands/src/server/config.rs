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
    param!("save", Kind::Fixed(ON_DISK), |_s| String::new()),
    param!("appendonly", Kind::Fixed(ON_DISK), |_s| "no".into()),
    param!("appendfsync", Kind::Fixed(ON_DISK), |_s| "everysec".into()),
    param!("databases", Kind::Immutable, |_s| "1".into()),
    param!("notify-keyspace-events", Kind::Events, |s| s
        .settings
        .read()
        .expect("settings lock")
        .notify_keyspace_events
        .clone()),
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
        "latency-monitor-threshold",
        Kind::Fixed("resplite has no latency monitor"),
        |_s| "0".into()
    ),
    param!("cluster-enabled", Kind::Immutable, |_s| "no".into()),
    param!("pragma-template", Kind::Immutable, |s| config(s)
        .pragma
        .name()
        .to_string()),
];

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
    Events(String),
    SlowlogSlowerThan(i64),
    SlowlogMaxLen(u64),
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
    const SPEC: CommandSpec = CommandSpec::new("config", -2, Flags::NONE, "server")
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
                other => unreachable!("integer parameter {other} has no setter"),
            })
        }
        Kind::Str => Ok(Change::RequirePass((!text.is_empty()).then_some(text))),
        Kind::Events => keyspace_events(&text)
            .map(Change::Events)
            .ok_or_else(|| fail("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.")),
    }
}

fn apply(state: &ServerState, change: Change) {
    let settings = || state.settings.write().expect("settings lock");
    match change {
        Change::MaxClients(n) => state.config.write().expect("config lock").max_clients = n,
        Change::RequirePass(p) => state.config.write().expect("config lock").requirepass = p,
        Change::Timeout(t) => settings().timeout = t,
        Change::Events(e) => settings().notify_keyspace_events = e,
        Change::SlowlogSlowerThan(n) => settings().slowlog_log_slower_than = n,
        Change::SlowlogMaxLen(n) => {
            settings().slowlog_max_len = n;
            state.slowlog_trim(n);
        }
        Change::Nothing => {}
    }
}

/// Keyspace event classes, as Redis' `keyspaceEventsStringToFlags` reads them
/// and `keyspaceEventsFlagsToString` prints them back (`KEA` -> `AKE`).
/// `None` for an unknown class character.
fn keyspace_events(input: &str) -> Option<String> {
    // Type classes in print order; `A` stands for all of them but `n`.
    const CLASSES: &[char] = &['g', '$', 'l', 's', 'h', 'z', 'x', 'e', 't', 'd', 'n'];
    const ALL: &[char] = &['g', '$', 'l', 's', 'h', 'z', 'x', 'e', 't', 'd'];
    let mut set = std::collections::BTreeSet::new();
    for c in input.chars() {
        match c {
            'A' => set.extend(ALL.iter().copied()),
            'K' | 'E' | 'm' => {
                set.insert(c);
            }
            c if CLASSES.contains(&c) => {
                set.insert(c);
            }
            _ => return None,
        }
    }
    let mut out = String::new();
    if ALL.iter().all(|c| set.contains(c)) {
        out.push('A');
    } else {
        out.extend(CLASSES.iter().filter(|c| set.contains(c)));
    }
    out.extend(['K', 'E', 'm'].iter().filter(|c| set.contains(c)));
    Some(out)
}

register_command!(ConfigCmd);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyspace_event_strings_as_redis() {
        assert_eq!(keyspace_events("KEA").as_deref(), Some("AKE"));
        assert_eq!(keyspace_events("Kx").as_deref(), Some("xK"));
        assert_eq!(keyspace_events("").as_deref(), Some(""));
        assert_eq!(keyspace_events("Q"), None);
        assert_eq!(keyspace_events("Elg").as_deref(), Some("glE"));
        assert_eq!(keyspace_events("Anm").as_deref(), Some("Am"));
        assert_eq!(keyspace_events("mK").as_deref(), Some("Km"));
        assert_eq!(keyspace_events("ntd").as_deref(), Some("tdn"));
        assert_eq!(keyspace_events("x").as_deref(), Some("x"));
    }

    #[test]
    fn parameter_names_are_unique_and_lower_case() {
        for (i, p) in PARAMS.iter().enumerate() {
            assert_eq!(p.name, p.name.to_ascii_lowercase());
            assert!(PARAMS[..i].iter().all(|q| q.name != p.name), "{}", p.name);
        }
    }
}
