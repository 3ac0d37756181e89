use resplite_core::prelude::*;
use resplite_core::util::number::parse_i64;

/// A *SCAN cursor as Redis reads it (`strtoul`): an optional sign, digits, no
/// blanks; a negative value wraps; the empty string is 0.
pub(crate) fn parse_cursor(arg: &[u8]) -> Result<u64, CommandError> {
    let invalid = || CommandError::other("ERR invalid cursor");
    if arg.is_empty() {
        return Ok(0);
    }
    let (neg, digits) = match arg[0] {
        b'-' => (true, &arg[1..]),
        b'+' => (false, &arg[1..]),
        _ => (false, arg),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(invalid());
    }
    let mut n: u64 = 0;
    for d in digits {
        n = n
            .checked_mul(10)
            .and_then(|n| n.checked_add(u64::from(d - b'0')))
            .ok_or_else(invalid)?;
    }
    Ok(if neg { n.wrapping_neg() } else { n })
}

/// The `[MATCH pattern] [COUNT count]` tail of HSCAN/SSCAN. Redis reads it only
/// after finding the key, so a bad option on a missing key is still an empty
/// scan: the outcome is kept and reported by the command.
/// A scan's cursor, COUNT and MATCH pattern once they are valid.
pub(crate) type Resolved = (u64, usize, Option<Bytes>);

pub(crate) struct ScanOptions {
    pub cursor: u64,
    pub options: Result<(usize, Option<Bytes>), CommandError>,
}

impl ScanOptions {
    pub(crate) fn parse(args: &mut Args) -> Result<ScanOptions, CommandError> {
        let cursor = parse_cursor(&args.bytes()?)?;
        let items = args.rest();
        let mut opts = Args::new(&items);
        let mut count = 10usize;
        let mut pattern = None;
        let options = opts
            .options(|kw, a| {
                match kw {
                    "MATCH" => pattern = Some(a.bytes()?),
                    "COUNT" => {
                        let n = parse_i64(&a.bytes()?).ok_or(CommandError::NotInteger)?;
                        if n < 1 {
                            return Err(CommandError::Syntax);
                        }
                        count = usize::try_from(n).unwrap_or(usize::MAX);
                    }
                    _ => return Ok(false),
                }
                Ok(true)
            })
            .map(|()| (count, pattern));
        Ok(ScanOptions { cursor, options })
    }

    /// The options, or the reply when they are invalid: an empty scan if the
    /// key is missing (`len` is 0), the option's error otherwise. `len` runs
    /// only then, and its own error (WRONGTYPE) comes first.
    pub(crate) fn resolve(
        self,
        len: impl FnOnce() -> Result<u64, CommandError>,
    ) -> Result<Result<Resolved, Reply>, CommandError> {
        match self.options {
            Ok((count, pattern)) => Ok(Ok((self.cursor, count, pattern))),
            Err(e) => match len()? {
                0 => Ok(Err(Self::reply(0, Vec::new()))),
                _ => Err(e),
            },
        }
    }

    /// The scan reply: the next cursor and the items.
    pub(crate) fn reply(cursor: u64, items: Vec<Reply>) -> Reply {
        Reply::Array(vec![Reply::bulk(cursor.to_string()), Reply::Array(items)])
    }
}

/// HSCAN key cursor [MATCH pattern] [COUNT count]
pub struct HScan {
    key: Bytes,
    scan: ScanOptions,
}

impl Command for HScan {
    const SPEC: CommandSpec = CommandSpec::new("hscan", -3, Flags::READONLY, "hash")
        .keys(1, 1, 1)
        .summary("Iterates over fields and values of a hash.")
        .since("2.8.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(HScan {
            key: args.bytes()?,
            scan: ScanOptions::parse(args)?,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let key = self.key;
        let (cursor, count, pattern) = match self.scan.resolve(|| Ok(ctx.engine.hlen(&key)?))? {
            Ok(o) => o,
            Err(empty) => return Ok(empty),
        };
        let (next, pairs) = ctx.engine.hscan(&key, cursor, count, pattern.as_deref())?;
        let items = pairs
            .into_iter()
            .flat_map(|(f, v)| [Reply::bulk(f), Reply::bulk(v)])
            .collect();
        Ok(ScanOptions::reply(next, items))
    }
}

register_command!(HScan);
