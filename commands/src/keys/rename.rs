use resplite_core::prelude::*;

/// RENAME key newkey: the value and its TTL move; newkey is overwritten.
pub struct Rename(Bytes, Bytes);

/// RENAMENX key newkey: only if newkey does not exist.
pub struct RenameNx(Bytes, Bytes);

impl Command for Rename {
    const SPEC: CommandSpec = CommandSpec::new("rename", 3, Flags::WRITE, "generic")
        .keys(1, 2, 1)
        .summary("Renames a key and overwrites the destination.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(Rename(args.bytes()?, args.bytes()?))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        if !ctx.engine.rename(&self.0, &self.1)? {
            return Err(CommandError::NoSuchKey);
        }
        notify_rename(ctx, &self.0, &self.1);
        Ok(Reply::ok())
    }
}

impl Command for RenameNx {
    const SPEC: CommandSpec =
        CommandSpec::new("renamenx", 3, Flags::WRITE.union(Flags::FAST), "generic")
            .keys(1, 2, 1)
            .summary("Renames a key only when the target key name doesn't exist.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(RenameNx(args.bytes()?, args.bytes()?))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        if ctx.engine.meta(&self.0)?.is_none() {
            return Err(CommandError::NoSuchKey);
        }
        if ctx.engine.meta(&self.1)?.is_some() {
            return Ok(Reply::Int(0));
        }
        ctx.engine.rename(&self.0, &self.1)?;
        notify_rename(ctx, &self.0, &self.1);
        Ok(Reply::Int(1))
    }
}

/// `rename_from` on the source, `rename_to` on the destination (nothing when
/// a key is renamed to itself, as in Redis).
fn notify_rename(ctx: &mut Ctx, from: &[u8], to: &[u8]) {
    if from != to {
        ctx.notify_created();
        ctx.notify(Class::GENERIC, "rename_from", from);
        ctx.notify(Class::GENERIC, "rename_to", to);
    }
}

register_command!(Rename, RenameNx);
