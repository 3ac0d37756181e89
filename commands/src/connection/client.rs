//! CLIENT and its subcommands: who is connected (ID, INFO, LIST), naming
//! (SETNAME, GETNAME, SETINFO), closing others (KILL) and the per-connection
//! switches clients send at connect time (NO-EVICT, NO-TOUCH, REPLY).
//!
//! CLIENT UNBLOCK arrives with blocking commands; PAUSE and TRACKING are not
//! supported and say so.

use std::time::Instant;

use resplite_core::command::ReplyMode;
use resplite_core::prelude::*;
use resplite_core::server::ClientInfo;
use resplite_core::tracking::{ClientTracking, TrackingOptions};

use crate::server::subcommand::{help, unknown, Sub};

const NAME_ERROR: &str = "ERR Client names cannot contain spaces, newlines or special characters.";

/// Which clients a KILL or LIST selects.
#[derive(Debug, Default)]
struct Filter {
    ids: Option<Vec<u64>>,
    addr: Option<String>,
    laddr: Option<String>,
    /// `TYPE normal|pubsub` (subscribed clients are `pubsub`); `master` and
    /// `replica` match nobody.
    kind: Option<Kind>,
    skip_me: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Normal,
    PubSub,
    /// master, replica, slave: none here.
    Replication,
}

impl Filter {
    fn matches(&self, ctx: &Ctx, c: &ClientInfo) -> bool {
        let kind_ok = || {
            self.kind.is_none_or(|kind| {
                let subscribed = ctx.server.pubsub.client_counts(c.id).total() > 0;
                match kind {
                    Kind::Normal => !subscribed,
                    Kind::PubSub => subscribed,
                    Kind::Replication => false,
                }
            })
        };
        self.ids.as_ref().is_none_or(|ids| ids.contains(&c.id))
            && self.addr.as_ref().is_none_or(|a| *a == c.addr)
            && self.laddr.as_ref().is_none_or(|a| *a == c.laddr)
            && kind_ok()
    }
}

enum Kill {
    /// `CLIENT KILL ip:port`: OK, or an error when nobody has that address.
    Legacy(String),
    /// `CLIENT KILL <filter> <value> ...`: how many were killed.
    Filtered(Filter),
}

enum Client {
    Id,
    GetName,
    SetName(Bytes),
    Info,
    List(Filter),
    Kill(Kill),
    NoEvict(bool),
    NoTouch(bool),
    Reply(ReplyMode),
    SetInfo {
        lib_name: bool,
        value: Bytes,
    },
    GetRedir,
    /// CLIENT TRACKING ON|OFF [options]: the ON|OFF word and the options,
    /// checked in order when applied (a redirect's client must exist).
    Tracking(Bytes, Vec<TrackingArg>),
    /// CLIENT CACHING YES|NO (checked after tracking's state, as in Redis).
    Caching(Bytes),
    TrackingInfo,
    /// CLIENT PAUSE ms [WRITE | ALL]: `true` for ALL.
    Pause(u64, bool),
    Unpause,
    /// CLIENT UNBLOCK id [TIMEOUT | ERROR]: `true` for ERROR.
    Unblock(u64, bool),
    Help,
}

/// CLIENT <subcommand> [args...]
pub struct ClientCmd(Client);

const HELP: &[&str] = &[
    "CACHING (YES|NO)",
    "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
    "GETREDIR",
    "    Return the client ID we are redirecting to when tracking is enabled.",
    "GETNAME",
    "    Return the name of the current connection.",
    "ID",
    "    Return the ID of the current connection.",
    "INFO",
    "    Return information about the current client connection.",
    "KILL <ip:port>",
    "    Kill connection made from <ip:port>.",
    "KILL <option> <value> [<option> <value> [...]]",
    "    Kill connections. Options are:",
    "    * ADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made from the specified address",
    "    * LADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made to specified local address",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Kill connections by type.",
    "    * USER <username>",
    "      Kill connections authenticated by <username>.",
    "    * SKIPME (YES|NO)",
    "      Skip killing current connection (default: yes).",
    "LIST [options ...]",
    "    Return information about client connections. Options:",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Return clients of specified type.",
    "UNPAUSE",
    "    Stop the current client pause, resuming traffic.",
    "PAUSE <timeout> [WRITE|ALL]",
    "    Suspend all, or just write, clients for <timeout> milliseconds.",
    "REPLY (ON|OFF|SKIP)",
    "    Control the replies sent to the current connection.",
    "SETNAME <name>",
    "    Assign the name <name> to the current connection.",
    "UNBLOCK <clientid> [TIMEOUT|ERROR]",
    "    Unblock the specified blocked client.",
    "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
    "         [OPTIN] [OPTOUT] [NOLOOP]",
    "    Control server assisted client side caching.",
    "TRACKINGINFO",
    "    Report tracking status for the current connection.",
    "NO-EVICT (ON|OFF)",
    "    Protect current client connection from eviction.",
    "SETINFO <option> <value>",
    "    Set client meta attr. Options are:",
    "    * LIB-NAME: the client lib name.",
    "    * LIB-VER: the client lib version.",
    "NO-TOUCH (ON|OFF)",
    "    Will not touch LRU/LFU stats when this mode is on.",
];

/// CLIENT's subcommands, as Redis 7.0 lists them.
const SUBCOMMANDS: &[SubSpec] = &[
    SubSpec::new("caching", 3),
    SubSpec::new("getname", 2),
    SubSpec::new("getredir", 2),
    SubSpec::new("help", 2),
    SubSpec::new("id", 2),
    SubSpec::new("info", 2),
    SubSpec::new("kill", -3),
    SubSpec::new("list", -2),
    SubSpec::new("no-evict", 3),
    SubSpec::new("no-touch", 3),
    SubSpec::new("pause", -3),
    SubSpec::new("reply", 3),
    SubSpec::new("setinfo", 4),
    SubSpec::new("setname", 3),
    SubSpec::new("tracking", -3),
    SubSpec::new("trackinginfo", 2),
    SubSpec::new("unblock", -3),
    SubSpec::new("unpause", 2),
];

impl Command for ClientCmd {
    const SPEC: CommandSpec =
        CommandSpec::new("client", -2, Flags::NOSCRIPT_SUBCOMMANDS, "connection")
            .subcommands(SUBCOMMANDS)
            .summary("A container for client connection commands.")
            .since("2.4.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let sub = Sub::read(args)?;
        let arity = |args: &Args, n: i32| sub.check("CLIENT", args, n);
        let cmd = match sub.name.as_str() {
            "id" => arity(args, 2).map(|_| Client::Id)?,
            "getname" => arity(args, 2).map(|_| Client::GetName)?,
            "info" => arity(args, 2).map(|_| Client::Info)?,
            "help" => arity(args, 2).map(|_| Client::Help)?,
            "getredir" => arity(args, 2).map(|_| Client::GetRedir)?,
            "trackinginfo" => arity(args, 2).map(|_| Client::TrackingInfo)?,
            "unpause" => arity(args, 2).map(|_| Client::Unpause)?,
            "pause" => {
                arity(args, -3)?;
                if args.remaining() > 2 {
                    return Err(crate::server::subcommand::syntax("CLIENT", &sub.raw));
                }
                // As Redis: the mode is checked before the timeout.
                let timeout = args.bytes()?;
                let all = match args.peek() {
                    None => true,
                    Some(_) => match args.keyword()?.as_str() {
                        "ALL" => true,
                        "WRITE" => false,
                        _ => {
                            return Err(CommandError::other(
                                "ERR CLIENT PAUSE mode must be WRITE or ALL",
                            ))
                        }
                    },
                };
                let ms = resplite_core::util::number::parse_i64(&timeout).ok_or_else(|| {
                    CommandError::other("ERR timeout is not an integer or out of range")
                })?;
                if ms < 0 {
                    return Err(CommandError::other("ERR timeout is negative"));
                }
                Client::Pause(ms as u64, all)
            }
            "tracking" => {
                arity(args, -3)?;
                let on = args.bytes()?;
                Client::Tracking(on, parse_tracking(args))
            }
            "caching" => {
                arity(args, 3)?;
                Client::Caching(args.bytes()?)
            }
            "unblock" => {
                arity(args, -3)?;
                let id = u64::try_from(args.i64()?).map_err(|_| CommandError::NotInteger)?;
                let error = match args.peek() {
                    None => false,
                    Some(_) => match args.keyword()?.as_str() {
                        "TIMEOUT" => false,
                        "ERROR" => true,
                        _ => {
                            return Err(CommandError::other(
                                "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR",
                            ))
                        }
                    },
                };
                Client::Unblock(id, error)
            }
            "setname" => {
                arity(args, 3)?;
                Client::SetName(args.bytes()?)
            }
            "list" => Client::List(parse_list(args)?),
            "kill" => {
                arity(args, -3)?;
                Client::Kill(parse_kill(args)?)
            }
            "no-evict" | "no-touch" => {
                arity(args, 3)?;
                let on = on_off(&args.bytes()?)?;
                if sub.name == "no-evict" {
                    Client::NoEvict(on)
                } else {
                    Client::NoTouch(on)
                }
            }
            "reply" => {
                arity(args, 3)?;
                let mode = args.keyword()?;
                match mode.as_str() {
                    "ON" => Client::Reply(ReplyMode::On),
                    "OFF" => Client::Reply(ReplyMode::Off),
                    "SKIP" => Client::Reply(ReplyMode::SkipNext),
                    _ => return Err(CommandError::Syntax),
                }
            }
            "setinfo" => {
                arity(args, 4)?;
                let attr = args.bytes()?;
                let value = args.bytes()?;
                let lib_name = if attr.eq_ignore_ascii_case(b"lib-name") {
                    true
                } else if attr.eq_ignore_ascii_case(b"lib-ver") {
                    false
                } else {
                    return Err(CommandError::other(format!(
                        "ERR Unrecognized option '{}'",
                        String::from_utf8_lossy(&attr)
                    )));
                };
                if !valid_name(&value) {
                    return Err(CommandError::other(format!(
                        "ERR {} cannot contain spaces, newlines or special characters.",
                        String::from_utf8_lossy(&attr)
                    )));
                }
                Client::SetInfo { lib_name, value }
            }
            _ => return Err(unknown("CLIENT", &sub.raw)),
        };
        Ok(ClientCmd(cmd))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let id = ctx.session.id;
        Ok(match self.0 {
            Client::Id => Reply::Int(id as i64),
            Client::GetName => Reply::opt_bulk(ctx.session.name.clone()),
            Client::SetName(name) => {
                validate_name(&name)?;
                set_name(ctx, &name);
                Reply::ok()
            }
            Client::Info => {
                let me = ctx
                    .server
                    .clients
                    .lock()
                    .expect("clients lock")
                    .get(&id)
                    .cloned()
                    .unwrap_or_else(|| detached(ctx));
                let mut line = client_line(ctx, &me, Instant::now(), "client|info");
                line.push('\n');
                Reply::bulk(line)
            }
            Client::List(filter) => {
                let now = Instant::now();
                let mut out = String::new();
                for c in ctx.server.client_list() {
                    if filter.matches(ctx, &c) {
                        out.push_str(&client_line(ctx, &c, now, "client|list"));
                        out.push('\n');
                    }
                }
                Reply::bulk(out)
            }
            Client::Kill(kill) => return kill_clients(ctx, kill),
            Client::NoEvict(on) => {
                ctx.server.update_client_meta(id, |m| m.no_evict = on);
                Reply::ok()
            }
            Client::NoTouch(on) => {
                ctx.server.update_client_meta(id, |m| m.no_touch = on);
                Reply::ok()
            }
            Client::Reply(mode) => {
                // OFF and SKIP send nothing; SKIP while OFF changes nothing.
                let off = ctx.session.reply_mode == ReplyMode::Off;
                match mode {
                    ReplyMode::On => {
                        ctx.session.reply_mode = ReplyMode::On;
                        return Ok(Reply::ok());
                    }
                    ReplyMode::SkipNext if off => {}
                    mode => ctx.session.reply_mode = mode,
                }
                Reply::Multi(Vec::new())
            }
            Client::SetInfo { lib_name, value } => {
                let value = String::from_utf8_lossy(&value).into_owned();
                // An empty value clears the attribute, as in Redis.
                let value = (!value.is_empty()).then_some(value);
                ctx.server.update_client_meta(id, |m| {
                    if lib_name {
                        m.lib_name = value;
                    } else {
                        m.lib_ver = value;
                    }
                });
                Reply::ok()
            }
            Client::GetRedir => Reply::Int(
                ctx.coord
                    .tracking
                    .client(id)
                    .map_or(-1, |c| c.redirect as i64),
            ),
            Client::Tracking(on, args) => {
                let mut opts = tracking_options(ctx, args)?;
                opts.resp3 = ctx.session.resp == 3;
                if on.eq_ignore_ascii_case(b"on") {
                    ctx.coord
                        .tracking
                        .enable(id, opts)
                        .map_err(CommandError::other)?;
                } else if on.eq_ignore_ascii_case(b"off") {
                    ctx.coord.tracking.disable(id);
                } else {
                    return Err(CommandError::Syntax);
                }
                Reply::ok()
            }
            Client::Caching(word) => {
                let yes = if word.eq_ignore_ascii_case(b"yes") {
                    Some(true)
                } else if word.eq_ignore_ascii_case(b"no") {
                    Some(false)
                } else {
                    None
                };
                ctx.coord
                    .tracking
                    .caching(id, yes)
                    .map_err(CommandError::other)?;
                Reply::ok()
            }
            Client::TrackingInfo => tracking_info(ctx.coord.tracking.client(id)),
            Client::Pause(ms, all) => {
                let until = Instant::now() + std::time::Duration::from_millis(ms);
                ctx.coord.pause(until, all);
                Reply::ok()
            }
            Client::Unpause => {
                ctx.coord.unpause();
                Reply::ok()
            }
            Client::Unblock(id, error) => Reply::from(ctx.coord.request_unblock(id, error)),
            Client::Help => help("CLIENT", HELP),
        })
    }
}

fn on_off(arg: &[u8]) -> Result<bool, CommandError> {
    if arg.eq_ignore_ascii_case(b"on") {
        Ok(true)
    } else if arg.eq_ignore_ascii_case(b"off") {
        Ok(false)
    } else {
        Err(CommandError::Syntax)
    }
}

/// `TYPE normal|master|replica|slave|pubsub`.
fn client_type(arg: &[u8]) -> Result<Kind, CommandError> {
    let name = String::from_utf8_lossy(arg).to_ascii_lowercase();
    match name.as_str() {
        "normal" => Ok(Kind::Normal),
        "pubsub" => Ok(Kind::PubSub),
        "master" | "replica" | "slave" => Ok(Kind::Replication),
        _ => Err(CommandError::other(format!(
            "ERR Unknown client type '{}'",
            String::from_utf8_lossy(arg)
        ))),
    }
}

/// CLIENT LIST [TYPE type] [ID id [id ...]]
fn parse_list(args: &mut Args) -> Result<Filter, CommandError> {
    let mut filter = Filter::default();
    while !args.is_empty() {
        let opt = args.keyword()?;
        match opt.as_str() {
            "TYPE" if args.remaining() == 1 => {
                filter.kind = Some(client_type(&args.bytes()?)?);
            }
            "ID" if !args.is_empty() => {
                let mut ids = Vec::new();
                for raw in args.rest() {
                    match resplite_core::util::number::parse_i64(&raw) {
                        Some(n) if n > 0 => ids.push(n as u64),
                        _ => return Err(CommandError::other("ERR Invalid client ID")),
                    }
                }
                filter.ids = Some(ids);
            }
            _ => return Err(CommandError::Syntax),
        }
    }
    Ok(filter)
}

/// CLIENT KILL ip:port | CLIENT KILL <option> <value> [...]
fn parse_kill(args: &mut Args) -> Result<Kill, CommandError> {
    if args.remaining() == 1 {
        let addr = args.bytes()?;
        return Ok(Kill::Legacy(String::from_utf8_lossy(&addr).into_owned()));
    }
    let mut filter = Filter {
        skip_me: true,
        ..Filter::default()
    };
    while !args.is_empty() {
        if args.remaining() < 2 {
            return Err(CommandError::Syntax);
        }
        let opt = args.keyword()?;
        let value = args.bytes()?;
        let text = || String::from_utf8_lossy(&value).into_owned();
        match opt.as_str() {
            "ID" => match resplite_core::util::number::parse_i64(&value) {
                Some(n) if n > 0 => filter.ids = Some(vec![n as u64]),
                _ => {
                    return Err(CommandError::other(
                        "ERR client-id should be greater than 0",
                    ))
                }
            },
            "TYPE" => filter.kind = Some(client_type(&value)?),
            "ADDR" => filter.addr = Some(text()),
            "LADDR" => filter.laddr = Some(text()),
            // Everyone is `default`: another user exists nowhere.
            "USER" if value.as_ref() == b"default" => {}
            "USER" => {
                return Err(CommandError::other(format!(
                    "ERR No such user '{}'",
                    text()
                )))
            }
            "SKIPME" => {
                filter.skip_me = match value.to_ascii_lowercase().as_slice() {
                    b"yes" => true,
                    b"no" => false,
                    _ => return Err(CommandError::Syntax),
                }
            }
            _ => return Err(CommandError::Syntax),
        }
    }
    Ok(Kill::Filtered(filter))
}

fn kill_clients(ctx: &mut Ctx, kill: Kill) -> Result<Reply, CommandError> {
    let me = ctx.session.id;
    let (filter, legacy) = match kill {
        Kill::Legacy(addr) => (
            Filter {
                addr: Some(addr),
                ..Filter::default()
            },
            true,
        ),
        Kill::Filtered(f) => (f, false),
    };
    let mut killed = 0;
    for c in ctx.server.client_list() {
        if !filter.matches(ctx, &c) || (filter.skip_me && c.id == me) {
            continue;
        }
        if c.id == me {
            // Killing yourself: the reply still goes out, then the close.
            ctx.session.close_after_reply = true;
        } else {
            // A stored permit if the connection is not waiting right now: it
            // closes as soon as it looks.
            c.kill.notify_one();
        }
        killed += 1;
    }
    if legacy {
        return if killed > 0 {
            Ok(Reply::ok())
        } else {
            Err(CommandError::other("ERR No such client"))
        };
    }
    Ok(Reply::Int(killed))
}

/// One CLIENT TRACKING option, as read.
enum TrackingArg {
    Redirect(Result<i64, CommandError>),
    Bcast,
    Optin,
    Optout,
    Noloop,
    Prefix(Bytes),
    /// An unknown word or a missing value: a syntax error when reached.
    Bad,
}

/// CLIENT TRACKING's options, up to the first bad one.
fn parse_tracking(args: &mut Args) -> Vec<TrackingArg> {
    let mut out = Vec::new();
    while let Ok(word) = args.keyword() {
        let more = !args.is_empty();
        out.push(match word.as_str() {
            "REDIRECT" if more => TrackingArg::Redirect(args.i64()),
            "BCAST" => TrackingArg::Bcast,
            "OPTIN" => TrackingArg::Optin,
            "OPTOUT" => TrackingArg::Optout,
            "NOLOOP" => TrackingArg::Noloop,
            "PREFIX" if more => match args.bytes() {
                Ok(p) => TrackingArg::Prefix(p),
                Err(_) => TrackingArg::Bad,
            },
            _ => TrackingArg::Bad,
        });
        if matches!(out.last(), Some(TrackingArg::Bad)) {
            break;
        }
    }
    out
}

/// The options in Redis' order of checks: each as it comes (a redirect's
/// client must exist now, even for OFF), before ON|OFF is looked at.
fn tracking_options(ctx: &Ctx, args: Vec<TrackingArg>) -> Result<TrackingOptions, CommandError> {
    let mut opts = TrackingOptions::default();
    for arg in args {
        match arg {
            TrackingArg::Redirect(id) => {
                if opts.redirect != 0 {
                    return Err(CommandError::other(
                        "ERR A client can only redirect to a single other client",
                    ));
                }
                let id = id?;
                // The client may leave later: the tracking client then hears
                // `tracking-redir-broken`.
                match u64::try_from(id) {
                    Ok(id) if id > 0 && ctx.server.pubsub.is_connected(id) => opts.redirect = id,
                    _ => {
                        return Err(CommandError::other(
                            "ERR The client ID you want redirect to does not exist",
                        ))
                    }
                }
            }
            TrackingArg::Bcast => opts.bcast = true,
            TrackingArg::Optin => opts.optin = true,
            TrackingArg::Optout => opts.optout = true,
            TrackingArg::Noloop => opts.noloop = true,
            TrackingArg::Prefix(p) => opts.prefixes.push(p),
            TrackingArg::Bad => return Err(CommandError::Syntax),
        }
    }
    Ok(opts)
}

/// CLIENT TRACKINGINFO: flags, redirect and prefixes, as Redis answers.
fn tracking_info(c: Option<&ClientTracking>) -> Reply {
    let mut flags = vec![Reply::bulk(if c.is_some() { "on" } else { "off" })];
    if let Some(c) = c {
        for (set, name) in [
            (c.bcast, "bcast"),
            (c.optin, "optin"),
            (c.optin && c.caching, "caching-yes"),
            (c.optout, "optout"),
            (c.optout && c.caching, "caching-no"),
            (c.noloop, "noloop"),
            (c.broken_redirect, "broken_redirect"),
        ] {
            if set {
                flags.push(Reply::bulk(name));
            }
        }
    }
    let prefixes = c.map_or_else(Vec::new, |c| {
        c.prefixes.iter().cloned().map(Reply::Bulk).collect()
    });
    Reply::Map(vec![
        (Reply::bulk("flags"), Reply::Set(flags)),
        (
            Reply::bulk("redirect"),
            Reply::Int(c.map_or(-1, |c| c.redirect as i64)),
        ),
        (Reply::bulk("prefixes"), Reply::Array(prefixes)),
    ])
}

/// Redis accepts names of printable ASCII without spaces (33..=126).
fn valid_name(name: &[u8]) -> bool {
    name.iter().all(|&b| (b'!'..=b'~').contains(&b))
}

pub(crate) fn validate_name(name: &[u8]) -> Result<(), CommandError> {
    if valid_name(name) {
        Ok(())
    } else {
        Err(CommandError::other(NAME_ERROR))
    }
}

/// Names the connection; an empty name clears it.
pub(crate) fn set_name(ctx: &mut Ctx, name: &Bytes) {
    ctx.session.name = (!name.is_empty()).then(|| name.clone());
}

/// This connection as CLIENT INFO shows it when it is not in the registry
/// (an embedded engine with no TCP client).
fn detached(ctx: &Ctx) -> ClientInfo {
    let now = Instant::now();
    ClientInfo {
        id: ctx.session.id,
        addr: ctx.session.peer.to_string(),
        laddr: String::new(),
        name: None,
        connected_at: now,
        last_command_at: now,
        last_command: "NULL",
        resp: ctx.session.resp,
        db: ctx.session.db,
        kill: Default::default(),
    }
}

/// One CLIENT LIST line with every field Redis 7.0 prints (plus 7.2's
/// lib-name/lib-ver). Buffers resplite does not track read 0; fd reads -1, as
/// the socket's descriptor is not recorded. The calling connection is shown
/// as it is now (name, protocol) running `current`.
fn client_line(ctx: &Ctx, c: &ClientInfo, now: Instant, current: &str) -> String {
    let me = c.id == ctx.session.id;
    let meta = ctx.server.client_meta(c.id);
    let name = if me {
        ctx.session.name.as_ref().map(|n| n.to_vec())
    } else {
        c.name.clone()
    };
    let resp = if me { ctx.session.resp } else { c.resp };
    let db = if me { ctx.session.db } else { c.db };
    let cmd = if me {
        current.to_string()
    } else {
        c.last_command.to_ascii_lowercase()
    };
    let age = now.saturating_duration_since(c.connected_at).as_secs();
    let idle = if me {
        0
    } else {
        now.saturating_duration_since(c.last_command_at).as_secs()
    };
    let subs = ctx.server.pubsub.client_counts(c.id);
    let (sub, psub, ssub, omem) = (subs.channels, subs.patterns, subs.shards, subs.pending);
    let mut flags = String::new();
    if ctx.server.pubsub.is_monitor(c.id) {
        flags.push('O');
    }
    if subs.total() > 0 {
        flags.push('P');
    }
    if ctx.coord.is_blocked(c.id) {
        flags.push('b');
    }
    let tracking = ctx.coord.tracking.client(c.id);
    if let Some(t) = tracking {
        flags.push('t');
        if t.broken_redirect {
            flags.push('R');
        }
        if t.bcast {
            flags.push('B');
        }
    }
    let redir = tracking.map_or(-1, |t| t.redirect as i64);
    if meta.no_evict {
        flags.push('e');
    }
    if meta.no_touch {
        flags.push('T');
    }
    if flags.is_empty() {
        flags.push('N');
    }
    format!(
        "id={} addr={} laddr={} fd=-1 name={} age={age} idle={idle} flags={flags} db={db} sub={sub} \
         psub={psub} ssub={ssub} multi=-1 qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=16384 rbp=0 \
         obl=0 oll=0 omem={omem} tot-mem=32768 events=r cmd={cmd} user={} redir={redir} resp={resp} \
         lib-name={} lib-ver={}",
        c.id,
        c.addr,
        c.laddr,
        String::from_utf8_lossy(name.as_deref().unwrap_or_default()),
        meta.user.as_deref().unwrap_or("default"),
        meta.lib_name.as_deref().unwrap_or_default(),
        meta.lib_ver.as_deref().unwrap_or_default(),
    )
}

register_command!(ClientCmd);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(valid_name(b"worker-1"));
        assert!(valid_name(b""));
        assert!(!valid_name(b"a b"));
        assert!(!valid_name(b"a\nb"));
        assert!(!valid_name("é".as_bytes()));
    }
}
