//! CONFIG GET / SET / RESETSTAT / REWRITE over every parameter Redis 7.0 has.
//!
//! The parameters, their types and defaults are Redis' own (`table.rs`,
//! generated from Redis' source). Those that mean something here act (the
//! `ACTING` table: timeouts, limits, keyspace events, slow log, stream nodes,
//! ...); the others are type-checked as Redis checks them, stored, and read
//! back, with no effect (OBJECT ENCODING reads the encoding thresholds).
//! docs/CONFIG.md lists which act. GET takes glob patterns (case-insensitive)
//! and answers a map; SET validates every pair before applying any, so a
//! failing CONFIG SET changes nothing. Settings fixed at start-up (port, bind,
//! limits, paths) refuse CONFIG SET with Redis' "can't set immutable config".

mod spec;
mod table;

use spec::memtoull;
use spec::Spec;
use table::REDIS_PARAMS;

use resplite_core::prelude::*;
use resplite_core::pubsub::{notify_flags_to_string, parse_notify_flags, OutputLimit};
use resplite_core::server::ServerState;
use resplite_core::util::glob::glob_match;
use resplite_core::util::number::parse_i64;

use super::subcommand::{help, unknown, Sub};

/// What a parameter resplite acts on accepts.
#[derive(Clone, Copy)]
enum Kind {
    /// Readable only.
    Immutable,
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

fn settings(
    s: &ServerState,
) -> std::sync::RwLockReadGuard<'_, resplite_core::server::LiveSettings> {
    s.settings.read().expect("settings lock")
}

/// The parameters resplite acts on (or, for paths and ports, reports truly).
static ACTING: &[Param] = &[
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
        |s| settings(s).timeout.to_string()
    ),
    param!("requirepass", Kind::Str, |s| config(s)
        .requirepass
        .clone()
        .unwrap_or_default()),
    param!("protected-mode", Kind::Bool, |s| yes_no(
        config(s).protected_mode
    )),
    param!("databases", Kind::Immutable, |s| config(s)
        .databases
        .to_string()),
    param!("notify-keyspace-events", Kind::Events, |s| settings(s)
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
    // Where SAVE writes its copy (`--dir`/`--dbfilename`), else the database.
    param!("dir", Kind::Immutable, |s| {
        let c = config(s);
        let path = c.save_copy.clone().unwrap_or_else(|| c.db_path.clone());
        let abs = std::path::absolute(&path).unwrap_or(path);
        abs.parent()
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    }),
    param!("dbfilename", Kind::Immutable, |s| {
        let c = config(s);
        c.save_copy
            .as_ref()
            .unwrap_or(&c.db_path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }),
    param!(
        "slowlog-log-slower-than",
        Kind::Int {
            min: -1,
            max: i64::MAX
        },
        |s| settings(s).slowlog_log_slower_than.to_string()
    ),
    param!(
        "slowlog-max-len",
        Kind::Int {
            min: 0,
            max: i64::MAX
        },
        |s| settings(s).slowlog_max_len.to_string()
    ),
    param!(
        "busy-reply-threshold",
        Kind::Int {
            min: 0,
            max: i64::MAX
        },
        |s| s.script_busy.threshold_ms().to_string()
    ),
    param!(
        "stream-node-max-entries",
        Kind::Int {
            min: 0,
            max: i64::MAX
        },
        |s| settings(s).stream_node_max_entries.to_string()
    ),
    param!(
        "stream-node-max-bytes",
        Kind::Int {
            min: 0,
            max: i64::MAX
        },
        |s| settings(s).stream_node_max_bytes.to_string()
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

/// A parameter by name or alias, case-insensitively.
fn spec(name: &[u8]) -> Option<&'static Spec> {
    REDIS_PARAMS.iter().find(|p| {
        p.name.as_bytes().eq_ignore_ascii_case(name)
            || p.alias
                .is_some_and(|a| a.as_bytes().eq_ignore_ascii_case(name))
    })
}

fn acting(name: &str) -> Option<&'static Param> {
    ACTING.iter().find(|p| p.name == name)
}

/// CONFIG REWRITE: the config file's `[config]` table becomes every
/// settable parameter whose value differs from Redis' default (applied again
/// at the next start); the rest of the file, comments included, stays as it
/// was. Written to a temporary file, then renamed over: never half-written.
fn rewrite(state: &ServerState) -> Result<(), String> {
    let Some(path) = config(state).config_file.clone() else {
        return Err("ERR The server is running without a config file".into());
    };
    let failed = |e: std::io::Error| format!("ERR Rewriting config file: {e}");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(failed(e)),
    };
    let mut out = without_table(&text, "config").trim_end().to_string();
    if !out.is_empty() {
        out.push_str("\n\n");
    }
    out.push_str(
        "# Written by CONFIG REWRITE: the Redis parameters that differ from their defaults.\n",
    );
    out.push_str("[config]\n");
    // What CONFIG SET takes (port, bind and the like are fixed here: flags).
    let settable = |p: &&Spec| {
        p.mutable
            && !p.protected
            && acting(p.name).is_none_or(|a| !matches!(a.kind, Kind::Immutable))
    };
    let mut params: Vec<&Spec> = REDIS_PARAMS.iter().filter(settable).collect();
    params.sort_by_key(|p| p.name);
    for p in params {
        let v = value(state, p.name);
        if v != p.default {
            out.push_str(&format!("{} = {}\n", p.name, toml_string(&v)));
        }
    }
    let tmp = path.with_extension("rewrite.tmp");
    std::fs::write(&tmp, out).map_err(failed)?;
    std::fs::rename(&tmp, &path).map_err(failed)
}

/// `text` without the TOML table `[name]` (its header and lines up to the
/// next header).
fn without_table(text: &str, name: &str) -> String {
    let header = format!("[{name}]");
    let mut out = String::with_capacity(text.len());
    let mut skipping = false;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            skipping = t == header;
        }
        if !skipping {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A parameter's current value, as CONFIG GET prints it.
pub fn value(state: &ServerState, name: &str) -> String {
    if let Some(p) = acting(name) {
        return (p.get)(state);
    }
    match settings(state).params.get(name) {
        Some(v) => v.clone(),
        None => REDIS_PARAMS
            .iter()
            .find(|p| p.name == name)
            .map_or_else(String::new, |p| p.default.to_string()),
    }
}

/// An integer parameter's value (encoding thresholds), `default` if unset
/// or not a number.
pub fn number(state: &ServerState, name: &str, default: i64) -> i64 {
    value(state, name).parse().unwrap_or(default)
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
    /// A parameter stored as CONFIG GET will print it.
    Store(&'static str, String),
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

/// CONFIG's subcommands, as Redis 7.0 lists them.
const SUBCOMMANDS: &[SubSpec] = &[
    SubSpec::new("get", -3),
    SubSpec::new("help", 2),
    SubSpec::new("resetstat", 2),
    SubSpec::new("rewrite", 2),
    SubSpec::new("set", -4),
];

impl Command for ConfigCmd {
    const SPEC: CommandSpec = CommandSpec::new("config", -2, Flags::NOSCRIPT_SUBCOMMANDS, "server")
        .subcommands(SUBCOMMANDS)
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
                // Names first, as Redis does: an unknown or fixed name is
                // reported before any value is looked at.
                let mut found: Vec<(&'static Spec, &'static str)> = Vec::new();
                for (name, _) in &pairs {
                    let typed = String::from_utf8_lossy(name);
                    let fail = |reason: &str| set_failed(&typed, reason);
                    let (p, spelling) = match spec(name) {
                        Some(p) if p.name.as_bytes().eq_ignore_ascii_case(name) => (p, p.name),
                        Some(p) => (p, p.alias.expect("matched the alias")),
                        // resplite's own parameters, all fixed at start-up.
                        None if ACTING
                            .iter()
                            .any(|p| p.name.as_bytes().eq_ignore_ascii_case(name)) =>
                        {
                            return Err(fail("can't set immutable config"))
                        }
                        None => {
                            return Err(CommandError::other(format!(
                            "ERR Unknown option or number of arguments for CONFIG SET - '{typed}'"
                        )))
                        }
                    };
                    if !p.mutable {
                        return Err(fail("can't set immutable config"));
                    }
                    if p.protected {
                        return Err(fail("can't set protected config"));
                    }
                    // Redis 7.0 tells a name from its alias here: both may
                    // be set at once, the later one winning.
                    if found.iter().any(|(_, s)| *s == spelling) {
                        return Err(fail("duplicate parameter"));
                    }
                    found.push((p, spelling));
                }
                let mut changes = Vec::with_capacity(pairs.len());
                for ((name, value), (p, _)) in pairs.iter().zip(found) {
                    let fail = |reason: &str| set_failed(&String::from_utf8_lossy(name), reason);
                    changes.push(match acting(p.name) {
                        Some(param) => validate(param, value).map_err(|e| fail(&e))?,
                        None => Change::Store(
                            p.name,
                            special(p, &String::from_utf8_lossy(value)).map_err(|e| fail(&e))?,
                        ),
                    });
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
            Config::Rewrite => rewrite(state)
                .map(|_| Reply::ok())
                .map_err(CommandError::other),
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

/// Every parameter matching a pattern, once, in table order. A pattern
/// without glob characters is a name (hidden parameters included) and
/// answers under the name as typed, as Redis does.
fn get(state: &ServerState, patterns: &[Bytes]) -> Reply {
    let mut pairs: Vec<(String, &'static str)> = Vec::new();
    let mut add = |key: String, name: &'static str| {
        if !pairs.iter().any(|(k, _)| k.eq_ignore_ascii_case(&key)) {
            pairs.push((key, name));
        }
    };
    for pat in patterns {
        if !pat.iter().any(|b| matches!(b, b'*' | b'?' | b'[')) {
            if let Some(p) = spec(pat) {
                add(String::from_utf8_lossy(pat).into_owned(), p.name);
            } else if let Some(p) = ACTING
                .iter()
                .find(|p| p.name.as_bytes().eq_ignore_ascii_case(pat))
            {
                add(p.name.to_string(), p.name);
            }
            continue;
        }
        for p in REDIS_PARAMS.iter().filter(|p| !p.hidden) {
            for key in std::iter::once(p.name).chain(p.alias) {
                if glob_match(pat, key.as_bytes(), true) {
                    add(key.to_string(), p.name);
                }
            }
        }
        // resplite's own parameters.
        for p in ACTING.iter().filter(|p| spec(p.name.as_bytes()).is_none()) {
            if glob_match(pat, p.name.as_bytes(), true) {
                add(p.name.to_string(), p.name);
            }
        }
    }
    Reply::Map(
        pairs
            .into_iter()
            .map(|(key, name)| (Reply::bulk(key), Reply::bulk(value(state, name))))
            .collect(),
    )
}

fn set_failed(name: &str, reason: &str) -> CommandError {
    CommandError::other(format!(
        "ERR CONFIG SET failed (possibly related to argument '{name}') - {reason}"
    ))
}

/// A stored parameter's value checked as Redis checks it; the form CONFIG
/// GET prints.
fn special(p: &Spec, text: &str) -> Result<String, String> {
    if !matches!(p.kind, spec::Kind::Special) {
        return spec::parse(p.kind, text);
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    match p.name {
        // Pairs of `<seconds ≥ 1> <changes ≥ 0>`, or "".
        "save" => {
            let ok = words.len().is_multiple_of(2)
                && words.iter().enumerate().all(|(i, w)| {
                    w.parse::<i64>()
                        .is_ok_and(|n| n >= if i % 2 == 0 { 1 } else { 0 })
                });
            if !ok {
                return Err("Invalid save parameters".into());
            }
            Ok(words.join(" "))
        }
        "oom-score-adj-values" => {
            if words.len() != 3 {
                return Err("wrong number of arguments".into());
            }
            if !words
                .iter()
                .all(|w| w.parse::<i64>().is_ok_and(|n| (-2000..=2000).contains(&n)))
            {
                return Err(
                    "Invalid oom-score-adj-values, elements must be between -2000 and 2000.".into(),
                );
            }
            Ok(words.join(" "))
        }
        "latency-tracking-info-percentiles" => {
            for w in &words {
                match w.parse::<f64>() {
                    Ok(x) if (0.0..=100.0).contains(&x) => {}
                    Ok(_) => {
                        return Err("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]".into())
                    }
                    Err(_) => {
                        return Err("Invalid latency-tracking-info-percentiles parameters".into())
                    }
                }
            }
            Ok(words.join(" "))
        }
        _ => Ok(text.to_string()),
    }
}

fn validate(param: &Param, value: &[u8]) -> Result<Change, String> {
    let fail = |reason: &str| reason.to_string();
    let text = String::from_utf8_lossy(value).into_owned();
    match param.kind {
        Kind::Immutable => Err(fail("can't set immutable config")),
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
                "busy-reply-threshold" => Change::BusyThreshold(n as u64),
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
        Change::Store(name, value) => {
            settings().params.insert(name, value);
        }
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
        let hard = memtoull(group[1]).ok_or(bad)?;
        let soft = memtoull(group[2]).ok_or(bad)?;
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
        for (i, p) in ACTING.iter().enumerate() {
            assert_eq!(p.name, p.name.to_ascii_lowercase());
            assert!(ACTING[..i].iter().all(|q| q.name != p.name), "{}", p.name);
        }
        for (i, p) in REDIS_PARAMS.iter().enumerate() {
            assert!(
                REDIS_PARAMS[..i].iter().all(|q| q.name != p.name),
                "{}",
                p.name
            );
        }
    }
}
