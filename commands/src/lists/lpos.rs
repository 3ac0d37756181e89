use resplite_core::prelude::*;
use resplite_core::util::number::parse_i64;

/// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
pub struct LPos {
    key: Bytes,
    value: Bytes,
    rank: i64,
    /// `None` without COUNT: the reply is one index or nil, not an array.
    count: Option<u64>,
    max_len: u64,
}

/// A non-negative option value; anything else (even a non-number) is Redis'
/// "<OPTION> can't be negative".
fn non_negative(args: &mut Args, option: &'static str) -> Result<u64, CommandError> {
    parse_i64(&args.bytes()?)
        .and_then(|n| u64::try_from(n).ok())
        .ok_or_else(|| CommandError::other(format!("ERR {option} can't be negative")))
}

impl Command for LPos {
    const SPEC: CommandSpec = CommandSpec::new("lpos", -3, Flags::READONLY, "list")
        .keys(1, 1, 1)
        .summary("Returns the index of matching elements in a list.")
        .since("6.0.6");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let mut cmd = LPos {
            key: args.bytes()?,
            value: args.bytes()?,
            rank: 1,
            count: None,
            max_len: 0,
        };
        args.options(|kw, args| {
            match kw {
                "RANK" => {
                    cmd.rank = args.i64()?;
                    if cmd.rank == 0 {
                        return Err(CommandError::other(
                            "ERR RANK can't be zero: use 1 to start from the first match, \
                             2 from the second ... or use negative to start from the end of the list",
                        ));
                    }
                }
                "COUNT" => cmd.count = Some(non_negative(args, "COUNT")?),
                "MAXLEN" => cmd.max_len = non_negative(args, "MAXLEN")?,
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(cmd)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let found = ctx.engine.list_positions(
            &self.key,
            &self.value,
            self.rank,
            self.count.unwrap_or(1),
            self.max_len,
        )?;
        let found = found.unwrap_or_default();
        Ok(match self.count {
            Some(_) => Reply::Array(found.into_iter().map(|i| Reply::Int(i as i64)).collect()),
            None => found.first().map_or(Reply::Nil, |&i| Reply::Int(i as i64)),
        })
    }
}

register_command!(LPos);
