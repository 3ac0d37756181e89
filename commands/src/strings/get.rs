use resplite_core::prelude::*;

/// GET key
pub struct Get(Bytes);

/// GETDEL key
pub struct GetDel(Bytes);

/// GETSET key value: SET key value GET, kept for old clients.
pub struct GetSet(Bytes, Bytes);

impl Command for Get {
    const SPEC: CommandSpec =
        CommandSpec::new("get", 2, Flags::READONLY.union(Flags::FAST), "string")
            .keys(1, 1, 1)
            .summary("Returns the string value of a key.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(Get(args.bytes()?))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let value = ctx.engine.get_string(&self.0);
        ctx.count_lookup(&self.0, !matches!(value, Ok(None)));
        Ok(Reply::opt_bulk(value?))
    }
}

impl Command for GetDel {
    const SPEC: CommandSpec =
        CommandSpec::new("getdel", 2, Flags::WRITE.union(Flags::FAST), "string")
            .keys(1, 1, 1)
            .summary("Returns the string value of a key after deleting the key.")
            .since("6.2.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(GetDel(args.bytes()?))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let value = ctx.engine.get_string(&self.0)?;
        if value.is_some() {
            ctx.engine.delete(&self.0)?;
            ctx.notify(Class::GENERIC, "del", &self.0);
        }
        Ok(Reply::opt_bulk(value))
    }
}

impl Command for GetSet {
    const SPEC: CommandSpec =
        CommandSpec::new("getset", 3, Flags::WRITE.union(Flags::DENYOOM), "string")
            .keys(1, 1, 1)
            .summary("Returns the previous string value of a key after setting it to a new value.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(GetSet(args.bytes()?, args.bytes()?))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let old = ctx.engine.get_string(&self.0)?;
        ctx.engine.set_string(&self.0, &self.1, None)?;
        ctx.notify(Class::STRING, "set", &self.0);
        Ok(Reply::opt_bulk(old))
    }
}

register_command!(Get, GetDel, GetSet);
