//! ZSCAN key cursor [MATCH pattern] [COUNT count]

use resplite_core::prelude::*;
use resplite_core::util::glob::glob_match;
use resplite_core::util::number::format_double;

/// Redis 7.0's `d2string`, which ZSCAN uses (unlike score replies): integral
/// values within ±2^62 print as integers, the rest as `%.17g`.
fn d2string(v: f64) -> String {
    const LIMIT: f64 = (i64::MAX / 2) as f64;
    if (-LIMIT..=LIMIT).contains(&v) && v == (v as i64) as f64 {
        return (v as i64).to_string();
    }
    format_double(v)
}

pub struct ZScan {
    key: Bytes,
    cursor: u64,
    /// MATCH and COUNT, or the error they make: Redis reads them only once the
    /// key has proved to be a sorted set (a missing key answers before).
    options: Result<(Option<Bytes>, usize), CommandError>,
}

fn parse_options(args: &mut Args) -> Result<(Option<Bytes>, usize), CommandError> {
    let (mut pattern, mut count) = (None, 10usize);
    args.options(|kw, args| {
        match kw {
            "MATCH" => pattern = Some(args.bytes()?),
            "COUNT" => {
                let n = args.i64()?;
                if n < 1 {
                    return Err(CommandError::Syntax);
                }
                count = n as usize;
            }
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok((pattern, count))
}

impl Command for ZScan {
    const SPEC: CommandSpec = CommandSpec::new("zscan", -3, Flags::READONLY, "sorted-set")
        .keys(1, 1, 1)
        .summary("Iterates over members and scores of a sorted set.")
        .since("2.8.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let key = args.bytes()?;
        let cursor = std::str::from_utf8(&args.bytes()?)
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
            .ok_or_else(|| CommandError::other("ERR invalid cursor"))?;
        let options = parse_options(args);
        // Whatever the options left unread belongs to the deferred error.
        args.rest();
        Ok(ZScan {
            key,
            cursor,
            options,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        // Type check (and the missing-key answer) before the options.
        if ctx.engine.zcard(&self.key)? == 0 {
            return Ok(Reply::Array(vec![
                Reply::bulk("0"),
                Reply::Array(Vec::new()),
            ]));
        }
        let (pattern, count) = self.options?;
        let (next, rows) = ctx.engine.zscan(&self.key, self.cursor, count)?;
        let mut items = Vec::with_capacity(rows.len() * 2);
        for (member, score) in rows {
            if pattern
                .as_ref()
                .is_some_and(|p| !glob_match(p, &member, false))
            {
                continue;
            }
            items.push(Reply::bulk(member));
            // Plain bulk strings, even in RESP3, as Redis sends them.
            items.push(Reply::bulk(d2string(score)));
        }
        Ok(Reply::Array(vec![
            Reply::bulk(next.to_string()),
            Reply::Array(items),
        ]))
    }
}

register_command!(ZScan);
