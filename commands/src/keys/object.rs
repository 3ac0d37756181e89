use resplite_core::prelude::*;

enum Sub {
    IdleTime(Bytes),
    Encoding(Bytes),
    RefCount(Bytes),
    Freq(Bytes),
    Help,
}

/// OBJECT IDLETIME | ENCODING | REFCOUNT | FREQ key, OBJECT HELP
pub struct Object(Sub);

/// OBJECT's subcommands, as Redis 7.0 lists them.
const SUBCOMMANDS: &[SubSpec] = &[
    SubSpec::new("encoding", 3).keys(2, 2, 1),
    SubSpec::new("freq", 3).keys(2, 2, 1),
    SubSpec::new("help", 2),
    SubSpec::new("idletime", 3).keys(2, 2, 1),
    SubSpec::new("refcount", 3).keys(2, 2, 1),
];

impl Command for Object {
    const SPEC: CommandSpec = CommandSpec::new("object", -2, Flags::READONLY, "generic")
        .keys(2, 2, 1)
        .subcommands(SUBCOMMANDS)
        .summary("A container for object introspection commands.")
        .since("2.2.3");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let sub = args.bytes()?;
        let name = String::from_utf8_lossy(&sub).to_ascii_lowercase();
        if name == "help" {
            return Ok(Object(Sub::Help));
        }
        let make: fn(Bytes) -> Sub = match name.as_str() {
            "idletime" => Sub::IdleTime,
            "encoding" => Sub::Encoding,
            "refcount" => Sub::RefCount,
            "freq" => Sub::Freq,
            _ => {
                return Err(CommandError::other(format!(
                    "ERR unknown subcommand '{}'. Try OBJECT HELP.",
                    String::from_utf8_lossy(&sub)
                )))
            }
        };
        if args.remaining() != 1 {
            return Err(CommandError::WrongArity(format!("object|{name}")));
        }
        Ok(Object(make(args.bytes()?)))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let key = match &self.0 {
            Sub::Help => {
                return Ok(Reply::Array(
                    [
                        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
                        "ENCODING <key>",
                        "    Return the kind of internal representation used in order to store the value",
                        "    associated with a <key>.",
                        "FREQ <key>",
                        "    Return the access frequency index of the <key>.",
                        "IDLETIME <key>",
                        "    Return the idle time of the <key>, that is the approximated number of",
                        "    seconds elapsed since the last write to the value stored at <key>.",
                        "REFCOUNT <key>",
                        "    Return the number of references of the value associated with the specified",
                        "    <key>.",
                        "HELP",
                        "    Print this help.",
                    ]
                    .into_iter()
                    .map(Reply::simple)
                    .collect(),
                ))
            }
            Sub::IdleTime(k) | Sub::Encoding(k) | Sub::RefCount(k) | Sub::Freq(k) => k.clone(),
        };
        let Some(meta) = ctx.engine.meta(&key)? else {
            return Ok(Reply::Nil);
        };
        Ok(match self.0 {
            // resplite records the time of the last write, not of the last read.
            Sub::IdleTime(_) => Reply::Int(((ctx.now_ms() - meta.updated_at) / 1000).max(0)),
            Sub::RefCount(_) => Reply::Int(1),
            Sub::Freq(_) => {
                return Err(CommandError::other(
                    "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.",
                ))
            }
            Sub::Encoding(_) => Reply::bulk(super::encoding::encoding(ctx, &key, meta.key_type)?),
            Sub::Help => unreachable!("handled above"),
        })
    }
}

register_command!(Object);
