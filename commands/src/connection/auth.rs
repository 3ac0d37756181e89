//! AUTH, and the password check HELLO ... AUTH shares with it.
//!
//! resplite has one user, `default`, whose password is `requirepass` (none by
//! default: then, as in Redis, `default` is a "nopass" user and any password
//! works for it, while the one-argument form is an error). The NOAUTH gate in
//! front of other commands reads the flag set here
//! ([`ServerState::is_authenticated`](resplite_core::server::ServerState::is_authenticated)).

use resplite_core::prelude::*;

const WRONGPASS: &str = "WRONGPASS invalid username-password pair or user is disabled.";
const NO_PASSWORD: &str = "ERR AUTH <password> called without any password configured for \
                           the default user. Are you sure your configuration is correct?";

/// AUTH [username] password
pub struct Auth {
    user: Option<Bytes>,
    password: Bytes,
}

impl Command for Auth {
    const SPEC: CommandSpec = CommandSpec::new(
        "auth",
        -2,
        Flags::NOSCRIPT
            .union(Flags::LOADING)
            .union(Flags::STALE)
            .union(Flags::FAST)
            .union(Flags::NO_AUTH),
        "connection",
    )
    .summary("Authenticates the connection.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        match args.remaining() {
            1 => Ok(Auth {
                user: None,
                password: args.bytes()?,
            }),
            2 => Ok(Auth {
                user: Some(args.bytes()?),
                password: args.bytes()?,
            }),
            _ => Err(CommandError::Syntax),
        }
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        authenticate(ctx, self.user.as_deref(), &self.password)?;
        Ok(Reply::ok())
    }
}

/// Checks a username (None: the one-argument AUTH form) and password; on
/// success marks the connection authenticated as that user.
pub(crate) fn authenticate(
    ctx: &mut Ctx,
    user: Option<&[u8]>,
    password: &[u8],
) -> Result<(), CommandError> {
    let required = ctx
        .server
        .config
        .read()
        .expect("config lock")
        .requirepass
        .clone();
    let ok = match (user, &required) {
        (None, None) => return Err(CommandError::other(NO_PASSWORD)),
        (Some(u), _) if u != b"default" => false,
        (_, None) => true,
        (_, Some(expected)) => constant_time_eq(expected.as_bytes(), password),
    };
    if !ok {
        ctx.server.note_auth_failure(
            ctx.session.id,
            &ctx.session.peer,
            &String::from_utf8_lossy(user.unwrap_or(b"default")),
        );
        return Err(CommandError::other(WRONGPASS));
    }
    if required.is_some() {
        ctx.server.note_auth_success(&ctx.session.peer);
    }
    ctx.server
        .update_client_meta(ctx.session.id, |m| m.user = Some("default".into()));
    Ok(())
}

/// Compares without an early exit, so timing does not reveal how much of a
/// guess was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

register_command!(Auth);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_exactly() {
        assert!(constant_time_eq(b"secret", b"secret"));
        assert!(!constant_time_eq(b"secret", b"secreT"));
        assert!(!constant_time_eq(b"secret", b"secrets"));
        assert!(constant_time_eq(b"", b""));
    }
}
