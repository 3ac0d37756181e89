use resplite_core::prelude::*;

use crate::common::ExpiryOption;

enum Change {
    None,
    Persist,
    /// Read only if the key exists, as Redis does.
    At(ExpiryOption),
}

/// GETEX key [EX s | PX ms | EXAT ts | PXAT ms | PERSIST]
pub struct GetEx {
    key: Bytes,
    change: Change,
}

impl Command for GetEx {
    const SPEC: CommandSpec =
        CommandSpec::new("getex", -2, Flags::WRITE.union(Flags::FAST), "string")
            .keys(1, 1, 1)
            .summary("Returns the string value of a key after setting its expiration time.")
            .since("6.2.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let key = args.bytes()?;
        let mut change = Change::None;
        // As in Redis, repeating an option is allowed; contradicting one is not.
        args.options(|kw, args| {
            match kw {
                "PERSIST" if !matches!(change, Change::At(_)) => change = Change::Persist,
                _ if matches!(change, Change::Persist) => return Ok(false),
                _ => match ExpiryOption::parse(kw, args, "getex")? {
                    Some(e) if matches!(&change, Change::At(old) if !old.same_kind(&e)) => {
                        return Ok(false)
                    }
                    Some(e) => change = Change::At(e),
                    None => return Ok(false),
                },
            }
            Ok(true)
        })?;
        Ok(GetEx { key, change })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let value = ctx.engine.get_string(&self.key)?;
        if value.is_some() {
            match self.change {
                Change::None => {}
                Change::Persist => {
                    // `persist` only when a deadline was removed.
                    let had = ctx.engine.meta(&self.key)?.and_then(|m| m.expires_at);
                    ctx.engine.set_expiry(&self.key, None)?;
                    if had.is_some() {
                        ctx.notify(Class::GENERIC, "persist", &self.key);
                    }
                }
                Change::At(option) => {
                    let at = option.expiry()?.deadline(ctx.now_ms())?;
                    if at <= ctx.now_ms() {
                        ctx.engine.delete(&self.key)?;
                        ctx.notify(Class::GENERIC, "del", &self.key);
                    } else {
                        ctx.engine.set_expiry(&self.key, Some(at))?;
                        ctx.notify(Class::GENERIC, "expire", &self.key);
                    }
                }
            }
        }
        Ok(Reply::opt_bulk(value))
    }
}

register_command!(GetEx);
