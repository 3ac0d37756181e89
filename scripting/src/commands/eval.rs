//! EVAL, EVALSHA, EVAL_RO, EVALSHA_RO.

use resplite_core::prelude::*;

use crate::host::{err, with_host};

/// `SHA`: the first argument is a SHA1, not a body; `RO`: the _RO form.
pub struct Eval<const SHA: bool, const RO: bool> {
    script: Bytes,
    keys: Vec<Bytes>,
    args: Vec<Bytes>,
}

/// EVAL and FCALL's `numkeys key... arg...`, with Redis' errors.
pub fn keys_and_args(
    args: &mut Args,
    bad_count: &'static str,
) -> Result<(Vec<Bytes>, Vec<Bytes>), CommandError> {
    let numkeys = args.i64().map_err(|e| match bad_count {
        "" => e,
        msg => CommandError::other(msg),
    })?;
    let rest = args.rest();
    if numkeys > rest.len() as i64 {
        return Err(err("Number of keys can't be greater than number of args"));
    }
    if numkeys < 0 {
        return Err(err("Number of keys can't be negative"));
    }
    let mut keys = rest;
    let args = keys.split_off(numkeys as usize);
    Ok((keys, args))
}

const fn spec(name: &'static str, ro: bool, summary: &'static str) -> CommandSpec {
    let flags = Flags::NOSCRIPT
        .union(Flags::RUNS_SCRIPT)
        .union(Flags::STALE)
        .union(Flags::SKIP_MONITOR)
        .union(Flags::NO_MANDATORY_KEYS);
    let flags = if ro {
        flags.union(Flags::READONLY)
    } else {
        flags.union(Flags::MAY_WRITE)
    };
    CommandSpec::new(name, -3, flags, "scripting")
        .key_finder(resplite_core::command::finders::numkeys_second)
        .may_write(crate::host::script_may_write)
        .summary(summary)
        .since(if ro { "7.0.0" } else { "2.6.0" })
}

impl<const SHA: bool, const RO: bool> Command for Eval<SHA, RO> {
    const SPEC: CommandSpec = match (SHA, RO) {
        (false, false) => spec("eval", false, "Executes a server-side Lua script."),
        (true, false) => spec(
            "evalsha",
            false,
            "Executes a server-side Lua script by SHA1 digest.",
        ),
        (false, true) => spec(
            "eval_ro",
            true,
            "Executes a read-only server-side Lua script.",
        ),
        (true, true) => spec(
            "evalsha_ro",
            true,
            "Executes a read-only server-side Lua script by SHA1 digest.",
        ),
    };

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let script = args.bytes()?;
        let (keys, args) = keys_and_args(args, "")?;
        Ok(Eval { script, keys, args })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        with_host(ctx, |host, ctx| {
            let sha = if SHA {
                if self.script.len() != 40 {
                    return Err(CommandError::other(
                        "NOSCRIPT No matching script. Please use EVAL.",
                    ));
                }
                String::from_utf8_lossy(&self.script).to_ascii_lowercase()
            } else {
                host.load_script(ctx, &self.script)?
            };
            host.eval(ctx, &sha, &self.keys, &self.args, RO)
        })
    }
}

type EvalBody = Eval<false, false>;
type EvalSha = Eval<true, false>;
type EvalBodyRo = Eval<false, true>;
type EvalShaRo = Eval<true, true>;

register_command!(EvalBody, EvalSha, EvalBodyRo, EvalShaRo);
