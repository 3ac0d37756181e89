//! MODULE: resplite loads no Redis modules (its extensions are Rust plug-ins
//! compiled in). LIST is empty; LOAD, LOADEX and UNLOAD answer as Redis does
//! with its default `enable-module-command no`.

use resplite_core::prelude::*;

use crate::server::subcommand::{help, unknown, Sub};

enum ModuleSub {
    List,
    Refused,
    Help,
}

/// MODULE LIST | LOAD path [arg ...] | LOADEX path ... | UNLOAD name | HELP
pub struct ModuleCmd(ModuleSub);

/// MODULE's subcommands, as Redis 7.0 lists them.
const SUBCOMMANDS: &[SubSpec] = &[
    SubSpec::new("help", 2),
    SubSpec::new("list", 2),
    SubSpec::new("load", -3),
    SubSpec::new("loadex", -3),
    SubSpec::new("unload", 3),
];

impl Command for ModuleCmd {
    const SPEC: CommandSpec = CommandSpec::new("module", -2, Flags::NONE, "server")
        .subcommands(SUBCOMMANDS)
        .summary("A container for module commands")
        .since("4.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let sub = Sub::read(args)?;
        let cmd = match sub.name.as_str() {
            "list" => sub.check("MODULE", args, 2).map(|_| ModuleSub::List)?,
            "help" => sub.check("MODULE", args, 2).map(|_| ModuleSub::Help)?,
            "load" | "loadex" => sub.check("MODULE", args, -3).map(|_| ModuleSub::Refused)?,
            "unload" => sub.check("MODULE", args, 3).map(|_| ModuleSub::Refused)?,
            _ => return Err(unknown("MODULE", &sub.raw)),
        };
        args.rest();
        Ok(ModuleCmd(cmd))
    }

    fn apply(self, _ctx: &mut Ctx) -> Result<Reply, CommandError> {
        match self.0 {
            ModuleSub::List => Ok(Reply::Array(Vec::new())),
            ModuleSub::Refused => Err(CommandError::other(
                "ERR MODULE command not allowed. If the enable-module-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.",
            )),
            ModuleSub::Help => Ok(help(
                "MODULE",
                &[
                    "LIST",
                    "    Return a list of loaded modules.",
                    "LOAD <path> [<arg> ...]",
                    "    Load a module library from <path>, passing to it any optional arguments.",
                    "LOADEX <path> [[CONFIG NAME VALUE] [CONFIG NAME VALUE]] [ARGS ...]",
                    "    Load a module library from <path>, while passing it module configurations and optional arguments.",
                    "UNLOAD <name>",
                    "    Unload a module.",
                ],
            )),
        }
    }
}

register_command!(ModuleCmd);
