//! ACL, for the one user resplite has: `default`, with every permission and
//! the password `requirepass` sets (none by default). What reads users
//! answers as Redis does for that user (WHOAMI, USERS, LIST, GETUSER, CAT,
//! DRYRUN, LOG, GENPASS); creating users is refused: resplite has no
//! per-user permissions to enforce.

use std::io::Read;

use resplite_core::prelude::*;
use resplite_core::server::ServerState;
use sha2::{Digest, Sha256};

use crate::server::subcommand::{help, unknown, Sub};

/// Redis' ACL categories, in its order.
const CATEGORIES: [&str; 21] = [
    "keyspace",
    "read",
    "write",
    "set",
    "sortedset",
    "list",
    "hash",
    "string",
    "bitmap",
    "hyperloglog",
    "geo",
    "stream",
    "pubsub",
    "admin",
    "fast",
    "slow",
    "blocking",
    "dangerous",
    "connection",
    "transaction",
    "scripting",
];

const NO_ACL_FILE: &str = "ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.";

enum Acl {
    WhoAmI,
    Users,
    List,
    GetUser(Bytes),
    Cat(Option<Bytes>),
    DryRun(Bytes, Vec<Bytes>),
    /// ACL LOG [count]: the count is checked (an integer), the log is empty.
    Log,
    LogReset,
    GenPass(i64),
    SetUser,
    DelUser(Vec<Bytes>),
    NoFile,
    Help,
}

/// ACL subcommand ...
pub struct AclCmd(Acl);

/// ACL's subcommands, as Redis 7.0 lists them.
const SUBCOMMANDS: &[SubSpec] = &[
    SubSpec::new("cat", -2),
    SubSpec::new("deluser", -3),
    SubSpec::new("dryrun", -4),
    SubSpec::new("genpass", -2),
    SubSpec::new("getuser", 3),
    SubSpec::new("help", 2),
    SubSpec::new("list", 2),
    SubSpec::new("load", 2),
    SubSpec::new("log", -2),
    SubSpec::new("save", 2),
    SubSpec::new("setuser", -3),
    SubSpec::new("users", 2),
    SubSpec::new("whoami", 2),
];

impl Command for AclCmd {
    // As Redis: scripts may not run its subcommands (but HELP).
    const SPEC: CommandSpec = CommandSpec::new("acl", -2, Flags::NOSCRIPT_SUBCOMMANDS, "server")
        .subcommands(SUBCOMMANDS)
        .summary("A container for Access List Control commands")
        .since("6.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let sub = Sub::read(args)?;
        let arity = |args: &Args, n: i32| sub.check("ACL", args, n);
        let cmd = match sub.name.as_str() {
            "whoami" => arity(args, 2).map(|_| Acl::WhoAmI)?,
            "users" => arity(args, 2).map(|_| Acl::Users)?,
            "list" => arity(args, 2).map(|_| Acl::List)?,
            "help" => arity(args, 2).map(|_| Acl::Help)?,
            "save" | "load" => arity(args, 2).map(|_| Acl::NoFile)?,
            "getuser" => {
                arity(args, 3)?;
                Acl::GetUser(args.bytes()?)
            }
            "cat" => {
                if args.remaining() > 1 {
                    return Err(crate::server::subcommand::syntax("ACL", &sub.raw));
                }
                Acl::Cat((!args.is_empty()).then(|| args.bytes()).transpose()?)
            }
            "dryrun" => {
                arity(args, -4)?;
                Acl::DryRun(args.bytes()?, args.rest())
            }
            "log" => match args.remaining() {
                0 => Acl::Log,
                1 if args.eat("RESET") => Acl::LogReset,
                1 => args.i64().map(|_| Acl::Log)?,
                _ => return Err(crate::server::subcommand::syntax("ACL", &sub.raw)),
            },
            "genpass" => match args.remaining() {
                0 => Acl::GenPass(256),
                1 => Acl::GenPass(args.i64()?),
                _ => return Err(crate::server::subcommand::syntax("ACL", &sub.raw)),
            },
            "setuser" => {
                arity(args, -3)?;
                args.rest();
                Acl::SetUser
            }
            "deluser" => {
                arity(args, -3)?;
                Acl::DelUser(args.rest())
            }
            _ => return Err(unknown("ACL", &sub.raw)),
        };
        Ok(AclCmd(cmd))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(match self.0 {
            Acl::WhoAmI => Reply::bulk("default"),
            Acl::Users => Reply::Array(vec![Reply::bulk("default")]),
            Acl::List => {
                let pass = password_rule(ctx.server);
                Reply::Array(vec![Reply::bulk(format!(
                    "user default on {pass} ~* &* +@all"
                ))])
            }
            Acl::GetUser(name) if name.as_ref() == b"default" => {
                let hash = password_hash(ctx.server);
                let mut flags = vec![Reply::bulk("on")];
                if hash.is_none() {
                    flags.push(Reply::bulk("nopass"));
                }
                Reply::Map(vec![
                    (Reply::bulk("flags"), Reply::Array(flags)),
                    (
                        Reply::bulk("passwords"),
                        Reply::Array(hash.into_iter().map(Reply::bulk).collect()),
                    ),
                    (Reply::bulk("commands"), Reply::bulk("+@all")),
                    (Reply::bulk("keys"), Reply::bulk("~*")),
                    (Reply::bulk("channels"), Reply::bulk("&*")),
                    (Reply::bulk("selectors"), Reply::Array(Vec::new())),
                ])
            }
            Acl::GetUser(_) => Reply::Nil,
            Acl::Cat(None) => Reply::bulks(CATEGORIES.iter().map(|c| c.to_string())),
            Acl::Cat(Some(cat)) => {
                let cat = String::from_utf8_lossy(&cat).to_ascii_lowercase();
                if !CATEGORIES.contains(&cat.as_str()) {
                    return Err(CommandError::other(format!("ERR Unknown category '{cat}'")));
                }
                let filter = super::command::ListFilter::AclCat(cat);
                Reply::bulks(super::command::list(ctx.registry, Some(&filter)))
            }
            Acl::DryRun(user, argv) => {
                if user.as_ref() != b"default" {
                    return Err(CommandError::other(format!(
                        "ERR User '{}' not found",
                        String::from_utf8_lossy(&user)
                    )));
                }
                if ctx.registry.get(&argv[0]).is_none() {
                    return Err(CommandError::other(format!(
                        "ERR Command '{}' not found",
                        String::from_utf8_lossy(&argv[0])
                    )));
                }
                Reply::ok()
            }
            // Nothing is ever denied: the log stays empty.
            Acl::Log => Reply::Array(Vec::new()),
            Acl::LogReset => Reply::ok(),
            Acl::GenPass(bits) => {
                if !(1..=4096).contains(&bits) {
                    return Err(CommandError::other(
                        "ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096",
                    ));
                }
                Reply::bulk(random_hex(bits as usize).map_err(|e| {
                    CommandError::other(format!("ERR cannot read random bytes: {e}"))
                })?)
            }
            Acl::SetUser => {
                return Err(CommandError::other(
                    "ERR resplite has one user, 'default' (its password is requirepass): ACL SETUSER is not supported",
                ))
            }
            Acl::DelUser(names) => {
                if names.iter().any(|n| n.as_ref() == b"default") {
                    return Err(CommandError::other(
                        "ERR The 'default' user cannot be removed",
                    ));
                }
                Reply::Int(0)
            }
            Acl::NoFile => return Err(CommandError::other(NO_ACL_FILE)),
            Acl::Help => help(
                "ACL",
                &[
                    "CAT [<category>]",
                    "    List all commands that belong to <category>, or all command categories",
                    "    when no category is specified.",
                    "DELUSER <username> [<username> ...]",
                    "    Delete a list of users.",
                    "DRYRUN <username> <command> [<arg> ...]",
                    "    Returns whether the user can execute the given command without executing the command.",
                    "GETUSER <username>",
                    "    Get the user's details.",
                    "GENPASS [<bits>]",
                    "    Generate a secure 256-bit user password. The optional `bits` argument can",
                    "    be used to specify a different size.",
                    "LIST",
                    "    Show users details in config file format.",
                    "LOAD",
                    "    Reload users from the ACL file.",
                    "LOG [<count> | RESET]",
                    "    Show the ACL log entries.",
                    "SAVE",
                    "    Save the current config to the ACL file.",
                    "SETUSER <username> <attribute> [<attribute> ...]",
                    "    Create or modify a user with the specified attributes.",
                    "USERS",
                    "    List all the registered usernames.",
                    "WHOAMI",
                    "    Return the current connection username.",
                ],
            ),
        })
    }
}

/// The default user's password as Redis stores it: SHA-256, in hex.
fn password_hash(state: &ServerState) -> Option<String> {
    let config = state.config.read().expect("config lock");
    let pass = config.requirepass.as_ref()?;
    let digest = Sha256::digest(pass.as_bytes());
    Some(digest.iter().map(|b| format!("{b:02x}")).collect())
}

/// `nopass`, or `#<hash>`, as ACL LIST prints it.
fn password_rule(state: &ServerState) -> String {
    password_hash(state).map_or_else(|| "nopass".to_string(), |h| format!("#{h}"))
}

/// `bits` random bits as hex (rounded up to whole digits), from the
/// system's random source, as Redis' ACL GENPASS.
fn random_hex(bits: usize) -> std::io::Result<String> {
    let digits = bits.div_ceil(4);
    let mut bytes = vec![0u8; digits.div_ceil(2)];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut bytes)?;
    let mut hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    hex.truncate(digits);
    Ok(hex)
}

register_command!(AclCmd);
