use resplite_core::prelude::*;

use super::{sketch, sparse_max_bytes, store};

/// PFDEBUG GETREG|DECODE|ENCODING|TODENSE key: Redis' internal view of an
/// HLL, which its test suite and HLL tools use.
pub struct PfDebug {
    sub: Bytes,
    key: Bytes,
}

/// PFSELFTEST: Redis' self-check of the HLL implementation.
pub struct PfSelfTest;

impl Command for PfDebug {
    const SPEC: CommandSpec = CommandSpec::new(
        "pfdebug",
        3,
        Flags::WRITE.union(Flags::DENYOOM).union(Flags::ADMIN),
        "hyperloglog",
    )
    .keys(2, 2, 1)
    .summary("Internal commands for debugging HyperLogLog values.")
    .since("2.8.9");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(PfDebug {
            sub: args.bytes()?,
            key: args.bytes()?,
        })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        // The key is checked before the subcommand's name, as in Redis.
        let Some(mut value) = ctx.engine.get_string(&self.key)? else {
            return Err(CommandError::other("ERR The specified key does not exist"));
        };
        sketch::validate(&value)?;
        let sub = String::from_utf8_lossy(&self.sub).to_ascii_lowercase();
        match sub.as_str() {
            "getreg" => {
                let (registers, converted) = sketch::getreg(&mut value)?;
                if converted {
                    store(ctx, &self.key, true, &value)?;
                }
                Ok(Reply::Array(
                    registers
                        .into_iter()
                        .map(|r| Reply::Int(i64::from(r)))
                        .collect(),
                ))
            }
            "decode" => Ok(Reply::bulk(sketch::decode_sparse(&value)?)),
            "encoding" => Ok(Reply::Simple(sketch::encoding(&value)?.into())),
            "todense" => {
                let converted = sketch::to_dense(&mut value)?;
                if converted {
                    store(ctx, &self.key, true, &value)?;
                }
                Ok(Reply::Int(i64::from(converted)))
            }
            _ => Err(CommandError::other(format!(
                "ERR Unknown PFDEBUG subcommand '{}'",
                String::from_utf8_lossy(&self.sub)
            ))),
        }
    }
}

impl Command for PfSelfTest {
    const SPEC: CommandSpec = CommandSpec::new("pfselftest", 1, Flags::ADMIN, "hyperloglog")
        .summary("An internal command for testing HyperLogLog values.")
        .since("2.8.9");

    fn parse(_args: &mut Args) -> Result<Self, CommandError> {
        Ok(PfSelfTest)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let seed = ctx.now_ms() as u64;
        sketch::selftest(sparse_max_bytes(ctx), seed)
            .map_err(|failure| CommandError::other(format!("ERR {failure}")))?;
        Ok(Reply::ok())
    }
}

register_command!(PfDebug, PfSelfTest);
