//! `resplite run --config FILE`: every `run` flag from a TOML file.
//!
//! Keys are the flags' long names (`port = 6380`, `requirepass = "..."`,
//! `pragma-template = "safety"`; `_` may stand for `-`). Precedence is command
//! line > environment > file > default: a file value is used only for a flag
//! that neither the command line nor its environment variable set. It is
//! applied by re-parsing with the file's values appended as flags, so clap
//! validates them exactly as it validates the command line.
//!
//! Repeatable flags take arrays: `disable-command = ["flushall", "debug"]`,
//! `rename-command = [["config", "c0nf1g"], ["keys", ""]]` (or a table,
//! `rename-command = { config = "c0nf1g", keys = "" }`).
//!
//! A `[config]` table holds Redis parameters (`hash-max-listpack-entries =
//! 256`, `notify-keyspace-events = "Ex"`): applied at start as one CONFIG SET,
//! and rewritten by CONFIG REWRITE.

use std::ffi::OsString;
use std::path::Path;

use clap::parser::ValueSource;
use clap::ArgMatches;

/// The flags to append for the file's settings that the command line and the
/// environment left unset.
pub fn extra_args(
    path: &Path,
    run: &clap::Command,
    given: &ArgMatches,
) -> Result<Vec<OsString>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the config file {}: {e}", path.display()))?;
    let table: toml::Table = text
        .parse()
        .map_err(|e| format!("config file {}: {e}", path.display()))?;
    let mut out = Vec::new();
    for (key, value) in &table {
        if key == "config" {
            continue;
        }
        let name = key.replace('_', "-");
        let arg = run
            .get_arguments()
            .find(|a| a.get_long() == Some(name.as_str()) && name != "config")
            .ok_or_else(|| {
                format!(
                    "config file {}: unknown setting '{key}' (see `resplite run --help`)",
                    path.display()
                )
            })?;
        let id = arg.get_id().as_str();
        if matches!(
            given.value_source(id),
            Some(ValueSource::CommandLine | ValueSource::EnvVariable)
        ) {
            continue;
        }
        let flag = format!("--{name}");
        let bad = |what: &str| format!("config file {}: '{key}' {what}", path.display());
        let repeatable = matches!(arg.get_action(), clap::ArgAction::Append);
        match value {
            toml::Value::Array(items) if repeatable => {
                for item in items {
                    out.push(flag.clone().into());
                    match item {
                        toml::Value::Array(parts) => {
                            for part in parts {
                                out.push(scalar(part).ok_or_else(|| bad("has a bad item"))?.into());
                            }
                        }
                        other => {
                            out.push(scalar(other).ok_or_else(|| bad("has a bad item"))?.into())
                        }
                    }
                }
            }
            toml::Value::Table(pairs) if repeatable => {
                for (k, v) in pairs {
                    out.push(flag.clone().into());
                    out.push(k.into());
                    out.push(scalar(v).ok_or_else(|| bad("has a bad value"))?.into());
                }
            }
            other => {
                let v = scalar(other).ok_or_else(|| bad("must be a string, number or boolean"))?;
                // `--flag=value`: a value starting with '-' stays a value.
                out.push(format!("{flag}={v}").into());
            }
        }
    }
    Ok(out)
}

/// The `[config]` table's Redis parameters, as CONFIG SET pairs.
pub fn redis_params(path: &Path) -> Result<Vec<(String, String)>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the config file {}: {e}", path.display()))?;
    let table: toml::Table = text
        .parse()
        .map_err(|e| format!("config file {}: {e}", path.display()))?;
    let Some(params) = table.get("config") else {
        return Ok(Vec::new());
    };
    let params = params
        .as_table()
        .ok_or_else(|| format!("config file {}: 'config' must be a table", path.display()))?;
    params
        .iter()
        .map(|(k, v)| {
            let v = scalar(v).ok_or_else(|| {
                format!(
                    "config file {}: [config] '{k}' must be a string, number or boolean",
                    path.display()
                )
            })?;
            Ok((k.clone(), v))
        })
        .collect()
}

/// A TOML scalar as its flag text (booleans as Redis' yes/no).
fn scalar(v: &toml::Value) -> Option<String> {
    Some(match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => if *b { "yes" } else { "no" }.into(),
        _ => return None,
    })
}
