use resplite_core::prelude::*;
use resplite_core::server::ServerState;

use super::auth::authenticate;
use super::client::{set_name, validate_name};

/// HELLO [protover [AUTH username password] [SETNAME clientname]]
pub struct Hello {
    protover: Option<u8>,
    auth: Option<(Bytes, Bytes)>,
    name: Option<Bytes>,
}

impl Command for Hello {
    const SPEC: CommandSpec = CommandSpec::new(
        "hello",
        -1,
        Flags::NOSCRIPT
            .union(Flags::LOADING)
            .union(Flags::STALE)
            .union(Flags::FAST)
            .union(Flags::NO_AUTH),
        "connection",
    )
    .summary("Handshakes with the Redis server.")
    .since("6.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let mut hello = Hello {
            protover: None,
            auth: None,
            name: None,
        };
        if args.is_empty() {
            return Ok(hello);
        }
        let ver = args.i64().map_err(|_| {
            CommandError::other("ERR Protocol version is not an integer or out of range")
        })?;
        if !(2..=3).contains(&ver) {
            return Err(CommandError::other("NOPROTO unsupported protocol version"));
        }
        hello.protover = Some(ver as u8);
        while let Some(opt) = args.peek() {
            let more = args.remaining() - 1;
            if opt.eq_ignore_ascii_case(b"AUTH") && more >= 2 {
                args.bytes()?;
                hello.auth = Some((args.bytes()?, args.bytes()?));
            } else if opt.eq_ignore_ascii_case(b"SETNAME") && more >= 1 {
                args.bytes()?;
                hello.name = Some(args.bytes()?);
            } else {
                return Err(CommandError::other(format!(
                    "ERR Syntax error in HELLO option '{}'",
                    String::from_utf8_lossy(opt)
                )));
            }
        }
        Ok(hello)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        // As Redis 7.0: authenticate, check the name, refuse a client still
        // not authenticated, then name and switch protocol; a failure at any
        // step changes nothing after it.
        if let Some((user, password)) = &self.auth {
            authenticate(ctx, Some(user), password)?;
        }
        if let Some(name) = &self.name {
            validate_name(name)?;
        }
        if !ctx.server.is_authenticated(ctx.session.id) {
            return Err(CommandError::other(NOAUTH));
        }
        if let Some(name) = &self.name {
            set_name(ctx, name);
        }
        if let Some(ver) = self.protover {
            ctx.session.resp = ver;
        }
        Ok(server_map(ctx))
    }
}

/// Redis 7.0's words, when HELLO comes from a client not yet authenticated.
const NOAUTH: &str = "NOAUTH HELLO must be called with the client already authenticated, \
     otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client \
     and select the RESP protocol version at the same time";

/// HELLO's reply: who the server is and what this connection negotiated.
fn server_map(ctx: &Ctx) -> Reply {
    let pair = |k: &'static str, v: Reply| (Reply::bulk(k), v);
    Reply::Map(vec![
        pair("server", Reply::bulk("redis")),
        pair("version", Reply::bulk(ServerState::REDIS_VERSION)),
        pair("proto", Reply::Int(i64::from(ctx.session.resp))),
        pair("id", Reply::Int(ctx.session.id as i64)),
        pair("mode", Reply::bulk("standalone")),
        pair("role", Reply::bulk("master")),
        pair("modules", Reply::Array(vec![])),
    ])
}

register_command!(Hello);
