//! COMMAND and its subcommands, generated from the registry's static specs.

use resplite_core::command::CommandEntry;
use resplite_core::prelude::*;

pub enum CommandCmd {
    All,
    Count,
    Info(Vec<Bytes>),
    Docs(Vec<Bytes>),
    List(Option<ListFilter>),
    GetKeys(Vec<Bytes>),
    Help,
}

/// COMMAND LIST FILTERBY's filter.
pub enum ListFilter {
    /// resplite loads no modules: nothing matches.
    Module,
    AclCat(String),
    Pattern(Bytes),
}

/// COMMAND's subcommands, as Redis 7.0 lists them.
const SUBCOMMANDS: &[SubSpec] = &[
    SubSpec::new("count", 2),
    SubSpec::new("docs", -2),
    SubSpec::new("getkeys", -4),
    SubSpec::new("help", 2),
    SubSpec::new("info", -2),
    SubSpec::new("list", -2),
];

impl Command for CommandCmd {
    const SPEC: CommandSpec =
        CommandSpec::new("command", -1, Flags::LOADING.union(Flags::STALE), "server")
            .subcommands(SUBCOMMANDS)
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
            "LIST" if args.is_empty() => CommandCmd::List(None),
            "LIST" if args.remaining() == 3 && args.eat("FILTERBY") => {
                let filter = match args.keyword()?.as_str() {
                    "MODULE" => {
                        args.bytes()?;
                        ListFilter::Module
                    }
                    "ACLCAT" => ListFilter::AclCat(
                        String::from_utf8_lossy(&args.bytes()?).to_ascii_lowercase(),
                    ),
                    "PATTERN" => ListFilter::Pattern(args.bytes()?),
                    _ => return Err(CommandError::Syntax),
                };
                CommandCmd::List(Some(filter))
            }
            "LIST" => return Err(CommandError::Syntax),
            "HELP" if args.is_empty() => CommandCmd::Help,
            "HELP" => return Err(arity("help")),
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
            CommandCmd::List(filter) => Reply::bulks(list(registry, filter.as_ref())),
            CommandCmd::GetKeys(argv) => get_keys(registry, &argv)?,
            CommandCmd::Help => crate::server::subcommand::help(
                "COMMAND",
                &[
                    "(no subcommand)",
                    "    Return details about all Redis commands.",
                    "COUNT",
                    "    Return the total number of commands in this Redis server.",
                    "LIST",
                    "    Return a list of all commands in this Redis server.",
                    "INFO [<command-name> ...]",
                    "    Return details about multiple Redis commands.",
                    "    If no command names are given, documentation details for all",
                    "    commands are returned.",
                    "DOCS [<command-name> ...]",
                    "    Return documentation details about multiple Redis commands.",
                    "    If no command names are given, documentation details for all",
                    "    commands are returned.",
                    "GETKEYS <full-command>",
                    "    Return the keys from a full Redis command.",
                    "GETKEYSANDFLAGS <full-command>",
                    "    Return the keys and the access flags from a full Redis command.",
                ],
            ),
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
    let categories = categories(spec).into_iter().map(Reply::simple).collect();
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

/// COMMAND LIST: every command and, after each container, its
/// `container|sub` names; with FILTERBY, those that match (a subcommand by
/// its own full name, in its container's ACL categories).
pub(crate) fn list(
    registry: &resplite_core::command::Registry,
    filter: Option<&ListFilter>,
) -> Vec<String> {
    let matches = |name: &str, cats: &[&str]| match filter {
        None => true,
        Some(ListFilter::Module) => false,
        Some(ListFilter::AclCat(cat)) => cats
            .iter()
            .any(|c| c.strip_prefix('@') == Some(cat.as_str())),
        Some(ListFilter::Pattern(p)) => {
            resplite_core::util::glob::glob_match(p, name.as_bytes(), true)
        }
    };
    let mut out = Vec::new();
    for (name, entry) in registry.named() {
        if matches(name, &categories(entry.spec)) {
            out.push(name.to_owned());
        }
        let sub_categories = command_categories(entry.spec);
        for sub in entry.spec.subcommands {
            let full = format!("{name}|{}", sub.name);
            if matches(&full, &sub_categories) {
                out.push(full);
            }
        }
    }
    out
}

/// A command's ACL categories, as COMMAND INFO shows them. A container has
/// only `@slow` (its subcommands carry the rest, as in Redis).
fn categories(spec: &CommandSpec) -> Vec<&'static str> {
    if spec.subcommands.is_empty() {
        command_categories(spec)
    } else {
        vec!["@slow"]
    }
}

/// Its group's category, then what its flags imply.
fn command_categories(spec: &CommandSpec) -> Vec<&'static str> {
    let mut out = vec![category(spec.group)];
    if spec.is_write() {
        out.push("@write");
    } else if spec.flags.contains(Flags::READONLY) {
        out.push("@read");
    }
    out.push(if spec.flags.contains(Flags::FAST) {
        "@fast"
    } else {
        "@slow"
    });
    if spec.flags.contains(Flags::BLOCKING) {
        out.push("@blocking");
    }
    if spec.flags.contains(Flags::ADMIN) && !out.contains(&"@admin") {
        out.push("@admin");
    }
    if spec.flags.contains(Flags::ADMIN) {
        out.push("@dangerous");
    }
    out
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
        "bitmap" => "@bitmap",
        "hyperloglog" => "@hyperloglog",
        "geo" => "@geo",
        "stream" => "@stream",
        "pubsub" => "@pubsub",
        "scripting" => "@scripting",
        "transactions" => "@transaction",
        "search" => "@search",
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
    // A container's keys are its subcommand's (MEMORY USAGE key).
    let arity_ok = if spec.subcommands.is_empty() {
        spec.arity_ok(argv.len())
    } else {
        let sub = argv.get(1).and_then(|name| {
            spec.subcommands
                .iter()
                .find(|s| s.name.as_bytes().eq_ignore_ascii_case(name))
        });
        let Some(sub) = sub else {
            return Err(CommandError::other("ERR Invalid command specified"));
        };
        sub.arity_ok(argv.len())
    };
    if !arity_ok {
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
