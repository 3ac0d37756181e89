use resplite_core::engine::ScanFilter;
use resplite_core::prelude::*;

/// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
pub struct Scan {
    cursor: u64,
    count: usize,
    filter: ScanFilter,
    /// `TYPE` named something that is no type: nothing can match.
    impossible: bool,
}

impl Command for Scan {
    const SPEC: CommandSpec = CommandSpec::new("scan", -2, Flags::READONLY, "generic")
        .summary("Iterates over the key names in the database.")
        .since("2.8.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let cursor = std::str::from_utf8(&args.bytes()?)
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
            .ok_or_else(|| CommandError::other("ERR invalid cursor"))?;
        let mut scan = Scan {
            cursor,
            count: 10,
            filter: ScanFilter::default(),
            impossible: false,
        };
        args.options(|kw, args| {
            match kw {
                "MATCH" => scan.filter.pattern = Some(args.bytes()?.to_vec()),
                "COUNT" => {
                    let n = args.i64()?;
                    if n < 1 {
                        return Err(CommandError::Syntax);
                    }
                    scan.count = n as usize;
                }
                "TYPE" => {
                    let name = args.bytes()?;
                    scan.filter.key_type = KeyType::from_name(&name);
                    scan.impossible = scan.filter.key_type.is_none();
                }
                _ => return Ok(false),
            }
            Ok(true)
        })?;
        Ok(scan)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let page = ctx.engine.scan(self.cursor, self.count, &self.filter)?;
        let keys = if self.impossible {
            Vec::new()
        } else {
            page.keys
        };
        Ok(Reply::Array(vec![
            Reply::bulk(page.cursor.to_string()),
            Reply::bulks(keys),
        ]))
    }
}

register_command!(Scan);
