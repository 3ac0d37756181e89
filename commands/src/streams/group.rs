//! XGROUP CREATE|SETID|DESTROY|CREATECONSUMER|DELCONSUMER|HELP

use resplite_core::engine::stream::StreamId;
use resplite_core::engine::DbKey;
use resplite_core::prelude::*;

use super::{no_such_group, parse_id_with, parse_strict_id};
use crate::server::subcommand::{help, syntax, unknown, Sub};

enum Op {
    Create { id: Bytes },
    SetId { id: Bytes },
    Destroy,
    CreateConsumer(Bytes),
    DelConsumer(Bytes),
}

pub struct XGroup {
    /// `None` for HELP.
    target: Option<(Bytes, Bytes, Op)>,
    mkstream: bool,
    /// ENTRIESREAD; `None` is Redis' -1 (unknown).
    entries_read: Option<u64>,
}

const HELP: &[&str] = &[
    "CREATE <key> <groupname> <id|$> [option]",
    "    Create a new consumer group. Options are:",
    "    * MKSTREAM",
    "      Create the empty stream if it does not exist.",
    "    * ENTRIESREAD entries_read",
    "      Set the group's entries_read counter (internal use).",
    "CREATECONSUMER <key> <groupname> <consumer>",
    "    Create a new consumer in the specified group.",
    "DELCONSUMER <key> <groupname> <consumer>",
    "    Remove the specified consumer.",
    "DESTROY <key> <groupname>",
    "    Remove the specified group.",
    "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
    "    Set the current group ID and entries_read counter.",
];

/// XGROUP's subcommands, as Redis 7.0 lists them.
const SUBCOMMANDS: &[SubSpec] = &[
    SubSpec::new("create", -5).keys(2, 2, 1),
    SubSpec::new("createconsumer", 5).keys(2, 2, 1),
    SubSpec::new("delconsumer", 5).keys(2, 2, 1),
    SubSpec::new("destroy", 4).keys(2, 2, 1),
    SubSpec::new("help", 2),
    SubSpec::new("setid", -5).keys(2, 2, 1),
];

impl Command for XGroup {
    const SPEC: CommandSpec = CommandSpec::new("xgroup", -2, Flags::NONE, "stream")
        .subcommands(SUBCOMMANDS)
        .summary("A container for consumer groups commands.")
        .since("5.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let sub = Sub::read(args)?;
        let arity = match sub.name.as_str() {
            "help" => 2,
            "create" | "setid" => -5,
            "destroy" => 4,
            "createconsumer" | "delconsumer" => 5,
            _ => return Err(unknown("XGROUP", &sub.raw)),
        };
        sub.check("XGROUP", args, arity)?;
        if sub.name == "help" {
            return Ok(XGroup {
                target: None,
                mkstream: false,
                entries_read: None,
            });
        }
        let key = args.bytes()?;
        let group = args.bytes()?;
        let third = if args.is_empty() {
            Bytes::new()
        } else {
            args.bytes()?
        };
        // Options, as Redis reads them for every subcommand with a fourth
        // argument: MKSTREAM (CREATE), ENTRIESREAD (CREATE, SETID).
        let (create, setid) = (sub.name == "create", sub.name == "setid");
        let mut mkstream = false;
        let mut entries_read = None;
        while !args.is_empty() {
            let opt = args.bytes()?;
            if create && opt.eq_ignore_ascii_case(b"MKSTREAM") {
                mkstream = true;
            } else if (create || setid)
                && opt.eq_ignore_ascii_case(b"ENTRIESREAD")
                && !args.is_empty()
            {
                let n = args.i64()?;
                if n < 0 && n != -1 {
                    return Err(CommandError::other(
                        "ERR value for ENTRIESREAD must be positive or -1",
                    ));
                }
                entries_read = (n >= 0).then_some(n as u64);
            } else {
                return Err(syntax("XGROUP", &sub.raw));
            }
        }
        let op = match sub.name.as_str() {
            "create" => Op::Create { id: third },
            "setid" => Op::SetId { id: third },
            "destroy" => Op::Destroy,
            "createconsumer" => Op::CreateConsumer(third),
            _ => Op::DelConsumer(third),
        };
        Ok(XGroup {
            target: Some((key, group, op)),
            mkstream,
            entries_read,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let Some((key, group, op)) = self.target else {
            return Ok(help("XGROUP", HELP));
        };
        let meta = ctx.engine.xmeta(&key)?;
        if !self.mkstream {
            let Some(_) = meta else {
                return Err(CommandError::other(
                    "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE \
                     you may want to use the MKSTREAM option to create an empty stream automatically.",
                ));
            };
            let needs_group = matches!(
                op,
                Op::SetId { .. } | Op::CreateConsumer(_) | Op::DelConsumer(_)
            );
            if needs_group && ctx.engine.xgroup(&key, &group)?.is_none() {
                return Err(no_such_group(&key, &group));
            }
        }
        match op {
            Op::Create { id } => {
                let id = if &id[..] == b"$" {
                    meta.map_or(StreamId::MIN, |m| m.last_id)
                } else {
                    parse_strict_id(&id)?
                };
                if meta.is_none() {
                    ctx.engine.xcreate(&key)?;
                }
                if !ctx
                    .engine
                    .xgroup_create(&key, &group, id, self.entries_read)?
                {
                    return Err(CommandError::other(
                        "BUSYGROUP Consumer Group name already exists",
                    ));
                }
                ctx.notify(Class::STREAM, "xgroup-create", &key);
                Ok(Reply::ok())
            }
            Op::SetId { id } => {
                let id = if &id[..] == b"$" {
                    meta.map_or(StreamId::MIN, |m| m.last_id)
                } else {
                    parse_id_with(&id, 0, false, false)?.0
                };
                ctx.engine.xgroup_set(&key, &group, id, self.entries_read)?;
                ctx.notify(Class::STREAM, "xgroup-setid", &key);
                Ok(Reply::ok())
            }
            Op::Destroy => {
                if !ctx.engine.xgroup_destroy(&key, &group)? {
                    return Ok(Reply::Int(0));
                }
                ctx.notify(Class::STREAM, "xgroup-destroy", &key);
                // Its blocked readers get NOGROUP.
                ctx.coord
                    .offer_key(DbKey::new(ctx.session.db, key.to_vec()));
                Ok(Reply::Int(1))
            }
            Op::CreateConsumer(name) => {
                let created = ctx.engine.xconsumer_touch(&key, &group, &name, false)?;
                if created {
                    ctx.notify(Class::STREAM, "xgroup-createconsumer", &key);
                }
                Ok(Reply::Int(i64::from(created)))
            }
            Op::DelConsumer(name) => {
                let pending = ctx.engine.xconsumer_delete(&key, &group, &name)?;
                if pending.is_some() {
                    ctx.notify(Class::STREAM, "xgroup-delconsumer", &key);
                }
                Ok(Reply::Int(pending.unwrap_or(0) as i64))
            }
        }
    }
}

register_command!(XGroup);
