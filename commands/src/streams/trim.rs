//! XTRIM key MAXLEN|MINID [=|~] threshold [LIMIT count]

use resplite_core::prelude::*;

use super::{parse_trim_args, run_trim, TrimArgs};

pub struct XTrim {
    key: Bytes,
    opts: TrimArgs,
}

impl Command for XTrim {
    const SPEC: CommandSpec = CommandSpec::new("xtrim", -4, Flags::WRITE, "stream")
        .keys(1, 1, 1)
        .summary("Deletes messages from the beginning of a stream.")
        .since("5.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let key = args.bytes()?;
        let opts = parse_trim_args(args, false)?;
        Ok(XTrim { key, opts })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        if ctx.engine.xmeta(&self.key)?.is_none() {
            return Ok(Reply::Int(0));
        }
        let trim = self.opts.trim(ctx).expect("XTRIM parsed a strategy");
        Ok(Reply::Int(run_trim(ctx, &self.key, trim)? as i64))
    }
}

register_command!(XTrim);
