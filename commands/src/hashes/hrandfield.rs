use resplite_core::prelude::*;
use resplite_core::util::number::parse_i64;

/// The count of HRANDFIELD/SRANDMEMBER: an integer in ±i64::MAX.
pub(crate) fn random_count(arg: &[u8]) -> Result<i64, CommandError> {
    match parse_i64(arg).ok_or(CommandError::NotInteger)? {
        i64::MIN => Err(CommandError::other(
            "ERR value is out of range, value must between -9223372036854775807 and \
             9223372036854775807",
        )),
        n => Ok(n),
    }
}

/// HRANDFIELD key [count [WITHVALUES]]
pub struct HRandField {
    key: Bytes,
    /// `None`: one field, as a bulk string (nil if the key is missing).
    count: Option<i64>,
    with_values: bool,
}

impl Command for HRandField {
    const SPEC: CommandSpec = CommandSpec::new("hrandfield", -2, Flags::READONLY, "hash")
        .keys(1, 1, 1)
        .summary("Returns one or more random fields from a hash.")
        .since("6.2.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let key = args.bytes()?;
        if args.is_empty() {
            return Ok(HRandField {
                key,
                count: None,
                with_values: false,
            });
        }
        // Redis reads the count before looking at what follows it.
        let count = random_count(&args.bytes()?)?;
        let with_values = match args.remaining() {
            0 => false,
            1 if args.eat("WITHVALUES") => true,
            _ => return Err(CommandError::Syntax),
        };
        // Each pick is two replies: half the range keeps the length in bounds.
        if with_values && !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&count) {
            return Err(CommandError::other("ERR value is out of range"));
        }
        Ok(HRandField {
            key,
            count: Some(count),
            with_values,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let Some(count) = self.count else {
            let picked = ctx.engine.hrandom(&self.key, 1, true)?;
            return Ok(Reply::opt_bulk(picked.into_iter().next().map(|(f, _)| f)));
        };
        let picked = ctx
            .engine
            .hrandom(&self.key, count.unsigned_abs(), count >= 0)?;
        if !self.with_values {
            return Ok(Reply::bulks(picked.into_iter().map(|(f, _)| f)));
        }
        // RESP3 nests each pair; RESP2 flattens them.
        let items = if ctx.session.resp == 3 {
            picked
                .into_iter()
                .map(|(f, v)| Reply::Array(vec![Reply::bulk(f), Reply::bulk(v)]))
                .collect()
        } else {
            picked
                .into_iter()
                .flat_map(|(f, v)| [Reply::bulk(f), Reply::bulk(v)])
                .collect()
        };
        Ok(Reply::Array(items))
    }
}

register_command!(HRandField);
