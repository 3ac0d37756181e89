use resplite_core::prelude::*;

/// LOLWUT [VERSION v]: the version line. Redis draws computer art above it;
/// resplite keeps to the line (a toy either way, but its argument checks are
/// Redis').
pub struct Lolwut;

impl Command for Lolwut {
    const SPEC: CommandSpec =
        CommandSpec::new("lolwut", -1, Flags::READONLY.union(Flags::FAST), "server")
            .summary("Display some computer art and the Redis version")
            .since("5.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        // Redis reads VERSION's number and ignores whatever else it is given.
        if args.remaining() >= 2 && args.eat("VERSION") {
            args.i64()?;
        }
        args.rest();
        Ok(Lolwut)
    }

    fn apply(self, _ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let line = format!(
            "Redis ver. {}\n",
            resplite_core::server::ServerState::REDIS_VERSION
        );
        Ok(Reply::Verbatim(*b"txt", line.into()))
    }
}

register_command!(Lolwut);
