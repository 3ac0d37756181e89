use resplite_core::prelude::*;

use crate::common::Expiry;

enum Change {
    None,
    Persist,
    At(Expiry),
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
        args.options(|kw, args| {
            if !matches!(change, Change::None) {
                return Err(CommandError::Syntax);
            }
            change = match kw {
                "PERSIST" => Change::Persist,
                _ => match Expiry::option(kw, args, "getex")? {
                    Some(e) => Change::At(e),
                    None => return Ok(false),
                },
            };
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
                    ctx.engine.set_expiry(&self.key, None)?;
                }
                Change::At(e) => {
                    let at = e.deadline(ctx.now_ms())?;
                    if at <= ctx.now_ms() {
                        ctx.engine.delete(&self.key)?;
                    } else {
                        ctx.engine.set_expiry(&self.key, Some(at))?;
                    }
                }
            }
        }
        Ok(Reply::opt_bulk(value))
    }
}

register_command!(GetEx);
