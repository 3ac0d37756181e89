use resplite_core::prelude::*;

/// BITOP AND|OR|XOR|NOT destkey key [key ...]: the result's length.
pub struct BitOp {
    op: Op,
    dst: Bytes,
    keys: Vec<Bytes>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Op {
    And,
    Or,
    Xor,
    Not,
}

impl Command for BitOp {
    const SPEC: CommandSpec =
        CommandSpec::new("bitop", -4, Flags::WRITE.union(Flags::DENYOOM), "bitmap")
            .keys(2, -1, 1)
            .summary("Performs bitwise operations on multiple strings, and stores the result.")
            .since("2.6.0");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        let op = match args.keyword()?.as_str() {
            "AND" => Op::And,
            "OR" => Op::Or,
            "XOR" => Op::Xor,
            "NOT" => Op::Not,
            _ => return Err(CommandError::Syntax),
        };
        let dst = args.bytes()?;
        let keys = args.rest();
        if op == Op::Not && keys.len() != 1 {
            return Err(CommandError::other(
                "ERR BITOP NOT must be called with a single source key.",
            ));
        }
        Ok(BitOp { op, dst, keys })
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        // Every source is read (and type-checked) before anything is written;
        // a missing key is an empty string.
        let mut sources = Vec::with_capacity(self.keys.len());
        for key in &self.keys {
            sources.push(ctx.engine.get_string(key)?.unwrap_or_default());
        }
        let len = sources.iter().map(Vec::len).max().unwrap_or(0);
        if len == 0 {
            if ctx.engine.delete(&self.dst)? {
                ctx.notify(Class::GENERIC, "del", &self.dst);
            }
            return Ok(Reply::Int(0));
        }
        let byte = |src: &Vec<u8>, i: usize| src.get(i).copied().unwrap_or(0);
        let mut out = vec![0u8; len];
        for (i, slot) in out.iter_mut().enumerate() {
            let first = byte(&sources[0], i);
            *slot = match self.op {
                Op::Not => !first,
                Op::And => sources[1..].iter().fold(first, |acc, s| acc & byte(s, i)),
                Op::Or => sources[1..].iter().fold(first, |acc, s| acc | byte(s, i)),
                Op::Xor => sources[1..].iter().fold(first, |acc, s| acc ^ byte(s, i)),
            };
        }
        ctx.engine.set_string(&self.dst, &out, None)?;
        ctx.notify(Class::STRING, "set", &self.dst);
        Ok(Reply::Int(len as i64))
    }
}

register_command!(BitOp);
