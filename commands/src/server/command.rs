//! COMMAND and its subcommands, generated from the registry's static specs.

use resplite_core::command::CommandEntry;
use resplite_core::prelude::*;

pub enum CommandCmd {
    All,
    Count,
    Info(Vec<Bytes>),
    Docs(Vec<Bytes>),
    List,
    GetKeys(Vec<Bytes>),
}

impl Command for CommandCmd {
    const SPEC: CommandSpec =
        CommandSpec::new("command", -1, Flags::LOADING.union(Flags::STALE), "server")
            .summary("Returns detailed information about all commands.")
            .since("2.8.13");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        if args.is_empty() {
            return Ok(CommandCmd::All);
        }
        let sub = args.bytes()?;
        let upper = String::from_utf8_lossy(&sub).to_ascii_uppercase();
        let arity = |name: &str| CommandError::WrongArity(format!("command|{name}"));
        Ok(match upper.as_str() {
            "COUNT" if args.is_empty() => CommandCmd::Count,
            "COUNT" => return Err(arity("count")),
            "INFO" => CommandCmd::Info(args.rest()),
            "DOCS" => CommandCmd::Docs(args.rest()),
            "GETKEYS" if args.remaining() >= 2 => CommandCmd::GetKeys(args.rest()),
            "GETKEYS" => return Err(arity("getkeys")),
            // FILTERBY is accepted and ignored: every command is listed.
            "LIST" => {
                args.rest();
                CommandCmd::List
            }
            _ => {
                return Err(CommandError::other(format!(
                    "ERR unknown subcommand '{}'. Try COMMAND HELP.",
                    String::from_utf8_lossy(&sub)
                )))
            }
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let registry = ctx.registry;
        // Renamed commands show under their new name (Redis lists them under
        // the old one, which then answers "unknown command").
        let lookup = |names: Vec<Bytes>| -> Vec<Option<(&str, &'static CommandEntry)>> {
            names
                .iter()
                .map(|n| registry.get(n).map(|e| (registry.public_name(e), e)))
                .collect()
        };
        let all = || registry.named().map(|(n, e)| info(n, e)).collect();
        Ok(match self {
            CommandCmd::All => Reply::Array(all()),
            CommandCmd::Count => Reply::Int(registry.len() as i64),
            CommandCmd::Info(names) if names.is_empty() => Reply::Array(all()),
            CommandCmd::Info(names) => Reply::Array(
                lookup(names)
                    .into_iter()
                    .map(|e| e.map_or(Reply::NilArray, |(n, e)| info(n, e)))
                    .collect(),
            ),
            CommandCmd::Docs(names) => {
                let entries: Vec<_> = if names.is_empty() {
                    registry.named().collect()
                } else {
                    lookup(names).into_iter().flatten().collect()
                };
                Reply::Map(
                    entries
                        .into_iter()
                        .map(|(n, e)| (Reply::bulk(n.to_owned()), docs(e)))
                        .collect(),
                )
            }
            CommandCmd::List => Reply::bulks(registry.named().map(|(n, _)| n.to_owned())),
            CommandCmd::GetKeys(argv) => get_keys(registry, &argv)?,
        })
    }
}

/// One COMMAND INFO entry, in Redis 7's ten-field shape.
fn info(name: &str, entry: &'static CommandEntry) -> Reply {
    let spec = entry.spec;
    let mut flags: Vec<Reply> = spec.flags.names().map(Reply::simple).collect();
    if spec.key_finder.is_some() {
        flags.push(Reply::simple("movablekeys"));
    }
    let mut categories = vec![Reply::simple(category(spec.group))];
    if spec.is_write() {
        categories.push(Reply::simple("@write"));
    } else if spec.flags.contains(Flags::READONLY) {
        categories.push(Reply::simple("@read"));
    }
    if spec.flags.contains(Flags::FAST) {
        categories.push(Reply::simple("@fast"));
    }
    Reply::Array(vec![
        Reply::bulk(name.to_owned()),
        Reply::Int(spec.arity.into()),
        Reply::Set(flags),
        Reply::Int(spec.first_key.into()),
        Reply::Int(spec.last_key.into()),
        Reply::Int(spec.step.into()),
        Reply::Set(categories),
        Reply::Set(vec![]),
        Reply::Array(vec![]),
        Reply::Array(vec![]),
    ])
}

fn category(group: &str) -> &'static str {
    match group {
        "string" => "@string",
        "generic" => "@keyspace",
        "connection" => "@connection",
        "hash" => "@hash",
        "list" => "@list",
        "set" => "@set",
        "sorted-set" => "@sortedset",
        _ => "@admin",
    }
}

/// One COMMAND DOCS entry.
fn docs(entry: &'static CommandEntry) -> Reply {
    let spec = entry.spec;
    Reply::Map(vec![
        (Reply::bulk("summary"), Reply::bulk(spec.summary)),
        (Reply::bulk("since"), Reply::bulk(spec.since)),
        (Reply::bulk("group"), Reply::bulk(spec.group)),
    ])
}

register_command!(CommandCmd);

/// COMMAND GETKEYS: the keys a command line would touch, with Redis' errors.
fn get_keys(
    registry: &resplite_core::command::Registry,
    argv: &[Bytes],
) -> Result<Reply, CommandError> {
    let Some(entry) = registry.get(&argv[0]) else {
        return Err(CommandError::other("ERR Invalid command specified"));
    };
    let spec = &entry.spec;
    if !spec.arity_ok(argv.len()) {
        return Err(CommandError::other(
            "ERR Invalid number of arguments specified for command",
        ));
    }
    match spec.key_positions(argv) {
        Some(positions)
            if positions.is_empty() && !spec.flags.contains(Flags::NO_MANDATORY_KEYS) =>
        {
            Err(CommandError::other("ERR The command has no key arguments"))
        }
        None => Err(CommandError::other("ERR The command has no key arguments")),
        Some(positions) => Ok(Reply::bulks(
            positions.into_iter().filter_map(|i| argv.get(i).cloned()),
        )),
    }
}
