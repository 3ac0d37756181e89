use resplite_core::prelude::*;

use crate::common::{databases, touch_watched_in};

/// SWAPDB index1 index2: every client sees the other database's keys from
/// now on. O(1): the file maps database numbers to the keys' stored ones.
pub struct SwapDb(i64, i64);

/// Redis' `getIntFromObjectOrReply` with a message of its own.
fn index(args: &mut Args, message: &'static str) -> Result<i64, CommandError> {
    match args.i64() {
        Ok(n) if i32::try_from(n).is_ok() => Ok(n),
        _ => Err(CommandError::other(message)),
    }
}

impl Command for SwapDb {
    const SPEC: CommandSpec =
        CommandSpec::new("swapdb", 3, Flags::WRITE.union(Flags::FAST), "server")
            .summary("Swaps two Redis databases.");

    fn parse(args: &mut Args) -> Result<Self, CommandError> {
        Ok(SwapDb(
            index(args, "ERR invalid first DB index")?,
            index(args, "ERR invalid second DB index")?,
        ))
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let n = i64::from(databases(ctx));
        if !(0..n).contains(&self.0) || !(0..n).contains(&self.1) {
            return Err(CommandError::other("ERR DB index is out of range"));
        }
        let (a, b) = (self.0 as u32, self.1 as u32);
        if a == b {
            return Ok(Reply::ok());
        }
        touch_watched_in(ctx, a, Some(b))?;
        touch_watched_in(ctx, b, Some(a))?;
        ctx.engine.swap_db(a, b)?;
        // Clients blocked in either database may find their keys now.
        ctx.coord.offer_waiters_in(a);
        ctx.coord.offer_waiters_in(b);
        Ok(Reply::ok())
    }
}

register_command!(SwapDb);
