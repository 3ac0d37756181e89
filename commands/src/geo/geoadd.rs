use resplite_core::engine::ZAddFlags;
use resplite_core::prelude::*;

use super::{hash, keyword, lon_lat};

/// GEOADD key [NX|XX] [CH] longitude latitude member [...]
pub struct GeoAdd {
    key: Bytes,
    flags: ZAddFlags,
    ch: bool,
    items: Vec<(f64, Bytes)>,
}

impl Command for GeoAdd {
    const SPEC: CommandSpec = CommandSpec::new(
        "geoadd",
        -5,
        Flags::WRITE.union(Flags::DENYOOM),
        "geo",
    )
    .keys(1, 1, 1)
    .summary(
        "Adds one or more members to a geospatial index. The key is created if it doesn't exist.",
    )
    .since("3.2.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let key = args.bytes()?;
        let (mut flags, mut ch) = (ZAddFlags::default(), false);
        while let Some(arg) = args.peek() {
            match keyword(arg).as_str() {
                "NX" => flags.nx = true,
                "XX" => flags.xx = true,
                "CH" => ch = true,
                _ => break,
            }
            args.bytes()?;
        }
        let rest = args.rest();
        if rest.is_empty() || !rest.len().is_multiple_of(3) || (flags.nx && flags.xx) {
            return Err(CommandError::Syntax);
        }
        // Every position is checked before anything is written.
        let items = rest
            .chunks_exact(3)
            .map(|t| {
                let (lon, lat) = lon_lat(&t[0], &t[1])?;
                let score = hash::encode(lon, lat).unwrap_or_default() as f64;
                Ok((score, t[2].clone()))
            })
            .collect::<Result<_, CommandError>>()?;
        Ok(GeoAdd {
            key,
            flags,
            ch,
            items,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let items: Vec<(f64, &[u8])> = self.items.iter().map(|(s, m)| (*s, &m[..])).collect();
        let counts = ctx.engine.zadd(&self.key, &items, self.flags)?;
        if counts.added + counts.updated > 0 {
            ctx.notify(Class::ZSET, "zadd", &self.key);
        }
        let n = counts.added + if self.ch { counts.updated } else { 0 };
        Ok(Reply::Int(n as i64))
    }
}

register_command!(GeoAdd);
