use resplite_core::engine::ValueOps;
use resplite_core::prelude::*;
use resplite_core::rdb;

/// DUMP key: the value in Redis' serialization (RDB version 10, CRC-64),
/// which RESTORE here and in Redis 7.0 and later turns back into the key.
pub struct Dump(Bytes);

impl Command for Dump {
    const SPEC: CommandSpec = CommandSpec::new("dump", 2, Flags::READONLY, "generic")
        .keys(1, 1, 1)
        .summary("Returns a serialized representation of the value stored at a key.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(Dump(args.bytes()?))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(match ctx.engine.read_value(&self.0)? {
            Some((value, _)) => Reply::bulk(rdb::dump(&value)),
            None => Reply::Nil,
        })
    }
}

register_command!(Dump);

/// RESTORE key ttl payload [REPLACE] [ABSTTL] [IDLETIME s] [FREQ f]:
/// a DUMP payload (from resplite, or from Redis 2.4 to 7.2 and Valkey up to
/// 8, any encoding) becomes the key, whole or not at all.
pub struct Restore {
    key: Bytes,
    ttl: Bytes,
    payload: Bytes,
    replace: bool,
    absttl: bool,
    idle_secs: Option<i64>,
}

impl Command for Restore {
    const SPEC: CommandSpec =
        CommandSpec::new("restore", -4, Flags::WRITE.union(Flags::DENYOOM), "generic")
            .keys(1, 1, 1)
            .summary("Creates a key from the serialized representation of a value.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let mut cmd = Restore {
            key: args.bytes()?,
            ttl: args.bytes()?,
            payload: args.bytes()?,
            replace: false,
            absttl: false,
            idle_secs: None,
        };
        // As Redis: IDLETIME and FREQ exclude each other (the second is a
        // syntax error); FREQ is checked and then has nothing to set, since
        // resplite tracks no access frequency.
        let mut freq = false;
        while !args.is_empty() {
            if args.eat("REPLACE") {
                cmd.replace = true;
            } else if args.eat("ABSTTL") {
                cmd.absttl = true;
            } else if args.remaining() >= 2 && !freq && args.eat("IDLETIME") {
                let idle = args.i64()?;
                if idle < 0 {
                    return Err(CommandError::other(
                        "ERR Invalid IDLETIME value, must be >= 0",
                    ));
                }
                cmd.idle_secs = Some(idle);
            } else if args.remaining() >= 2 && cmd.idle_secs.is_none() && args.eat("FREQ") {
                let f = args.i64()?;
                if !(0..=255).contains(&f) {
                    return Err(CommandError::other(
                        "ERR Invalid FREQ value, must be >= 0 and <= 255",
                    ));
                }
                freq = true;
            } else {
                return Err(CommandError::Syntax);
            }
        }
        Ok(cmd)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let exists = ctx.engine.meta(&self.key)?.is_some();
        if exists && !self.replace {
            return Err(CommandError::other(
                "BUSYKEY Target key name already exists.",
            ));
        }
        let ttl = Args::new(std::slice::from_ref(&self.ttl)).i64()?;
        if ttl < 0 {
            return Err(CommandError::other("ERR Invalid TTL value, must be >= 0"));
        }
        let value =
            rdb::restore(&self.payload).map_err(|e| CommandError::other(format!("ERR {e}")))?;
        let now = ctx.now_ms();
        let deadline = match ttl {
            0 => None,
            t if self.absttl => Some(t),
            t => Some(t.saturating_add(now)),
        };
        if deadline.is_some_and(|at| at <= now) {
            // Born expired: only the key it replaces goes.
            if exists && ctx.engine.delete(&self.key)? {
                ctx.notify(Class::GENERIC, "del", &self.key);
            }
            return Ok(Reply::ok());
        }
        ctx.engine.put_value(&self.key, &value, deadline)?;
        if let Some(idle) = self.idle_secs {
            let at = now.saturating_sub(idle.saturating_mul(1000));
            ctx.engine.set_updated_at(&self.key, at)?;
        }
        ctx.notify(Class::GENERIC, "restore", &self.key);
        Ok(Reply::ok())
    }
}

register_command!(Restore);
