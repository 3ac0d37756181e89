use resplite_core::prelude::*;

/// EXISTS key [key ...]: counts a key once per time it is named.
pub struct Exists(Vec<Bytes>);

/// TYPE key
pub struct Type(Bytes);

/// TOUCH key [key ...]: how many exist. Redis updates their access time;
/// resplite keeps no access time (OBJECT IDLETIME counts from the last
/// write), so this only counts, as EXISTS does.
pub struct Touch(Exists);

impl Command for Exists {
    const SPEC: CommandSpec =
        CommandSpec::new("exists", -2, Flags::READONLY.union(Flags::FAST), "generic")
            .keys(1, -1, 1)
            .summary("Determines whether one or more keys exist.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(Exists(args.rest()))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let mut n = 0;
        for key in &self.0 {
            n += i64::from(ctx.engine.meta(key)?.is_some());
        }
        Ok(Reply::Int(n))
    }
}

impl Command for Touch {
    const SPEC: CommandSpec =
        CommandSpec::new("touch", -2, Flags::READONLY.union(Flags::FAST), "generic")
            .keys(1, -1, 1)
            .summary("Returns the number of existing keys out of those specified after updating the time they were last accessed.")
            .since("3.2.1");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Exists::parse(args).map(Touch)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        self.0.apply(ctx)
    }
}

impl Command for Type {
    const SPEC: CommandSpec =
        CommandSpec::new("type", 2, Flags::READONLY.union(Flags::FAST), "generic")
            .keys(1, 1, 1)
            .summary("Determines the type of value stored at a key.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(Type(args.bytes()?))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        Ok(Reply::simple(
            ctx.engine
                .meta(&self.0)?
                .map_or("none", |m| m.key_type.name()),
        ))
    }
}

register_command!(Exists, Type, Touch);
