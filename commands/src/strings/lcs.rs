use resplite_core::prelude::*;

use crate::common::MAX_STRING;

/// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]: the longest
/// common subsequence of two strings, by Redis' dynamic programming (the
/// same table, so ties between equally long answers resolve the same way).
pub struct Lcs {
    a: Bytes,
    b: Bytes,
    options: Vec<Bytes>,
}

impl Command for Lcs {
    const SPEC: CommandSpec = CommandSpec::new("lcs", -3, Flags::READONLY, "string")
        .keys(1, 2, 1)
        .summary("Finds the longest common substring.")
        .since("7.0.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        // Options are read after the keys' types are checked, as in Redis.
        Ok(Lcs {
            a: args.bytes()?,
            b: args.bytes()?,
            options: args.rest(),
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let not_strings =
            || CommandError::other("ERR The specified keys must contain string values");
        let a = ctx.engine.get_string(&self.a);
        let b = ctx.engine.get_string(&self.b);
        let (a, b) = match (a, b) {
            (Ok(a), Ok(b)) => (a.unwrap_or_default(), b.unwrap_or_default()),
            (Err(e), _) | (_, Err(e)) => {
                return Err(match CommandError::from(e) {
                    CommandError::WrongType => not_strings(),
                    other => other,
                })
            }
        };
        let (mut len, mut idx, mut with_len, mut min_len) = (false, false, false, 0u64);
        let mut args = Args::new(&self.options);
        args.options(|kw, args| {
            match kw {
                "IDX" => idx = true,
                "LEN" => len = true,
                "WITHMATCHLEN" => with_len = true,
                "MINMATCHLEN" if !args.is_empty() => min_len = args.i64()?.max(0) as u64,
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        if len && idx {
            return Err(CommandError::other(
                "ERR If you want both the length and indexes, please just use IDX.",
            ));
        }
        let cells = (a.len() as u64 + 1) * (b.len() as u64 + 1);
        if cells * 4 > MAX_STRING as u64 {
            return Err(CommandError::other(
                "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
            ));
        }
        let width = b.len() + 1;
        let mut table = vec![0u32; cells as usize];
        for i in 1..=a.len() {
            for j in 1..=b.len() {
                table[i * width + j] = if a[i - 1] == b[j - 1] {
                    table[(i - 1) * width + j - 1] + 1
                } else {
                    table[(i - 1) * width + j].max(table[i * width + j - 1])
                };
            }
        }
        let total = table[a.len() * width + b.len()];
        if len {
            return Ok(Reply::Int(i64::from(total)));
        }
        // Walk back from the end, collecting the subsequence and the
        // matching ranges (last first, as Redis emits them).
        let mut result = vec![0u8; total as usize];
        let mut k = total as usize;
        let mut matches = Vec::new();
        let (mut i, mut j) = (a.len(), b.len());
        let mut range: Option<(usize, usize, usize)> = None; // a start, a end, b start
        let mut b_end = 0;
        while i > 0 && j > 0 {
            let mut emit = false;
            if a[i - 1] == b[j - 1] {
                result[k - 1] = a[i - 1];
                match range {
                    None => {
                        range = Some((i - 1, i - 1, j - 1));
                        b_end = j - 1;
                    }
                    Some((start, end, b_start)) if start == i && b_start == j => {
                        range = Some((start - 1, end, b_start - 1));
                    }
                    Some(_) => emit = true,
                }
                if let Some((start, _, b_start)) = range {
                    emit |= start == 0 || b_start == 0;
                }
                k -= 1;
                i -= 1;
                j -= 1;
            } else {
                if table[(i - 1) * width + j] > table[i * width + j - 1] {
                    i -= 1;
                } else {
                    j -= 1;
                }
                emit |= range.is_some();
            }
            if let (true, Some((start, end, b_start))) = (emit, range) {
                let match_len = (end - start + 1) as u64;
                if min_len == 0 || match_len >= min_len {
                    let mut item = vec![
                        Reply::Array(vec![Reply::Int(start as i64), Reply::Int(end as i64)]),
                        Reply::Array(vec![Reply::Int(b_start as i64), Reply::Int(b_end as i64)]),
                    ];
                    if with_len {
                        item.push(Reply::Int(match_len as i64));
                    }
                    matches.push(Reply::Array(item));
                }
                range = None;
            }
        }
        if !idx {
            return Ok(Reply::bulk(result));
        }
        Ok(Reply::Map(vec![
            (Reply::bulk("matches"), Reply::Array(matches)),
            (Reply::bulk("len"), Reply::Int(i64::from(total))),
        ]))
    }
}

register_command!(Lcs);
