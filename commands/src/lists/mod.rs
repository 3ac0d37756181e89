//! Commands on lists: one module per command or small family.

mod index;
mod lmove;
mod lpos;
mod modify;
mod pop;
mod push;

use resplite_core::prelude::*;

/// `LEFT` or `RIGHT` (LMOVE): true for the head.
pub(crate) fn parse_end(args: &mut Args) -> Result<bool, CommandError> {
    match args.keyword()?.as_str() {
        "LEFT" => Ok(true),
        "RIGHT" => Ok(false),
        _ => Err(CommandError::Syntax),
    }
}

/// Values as the engine takes them.
pub(crate) fn slices(values: &[Bytes]) -> Vec<&[u8]> {
    values.iter().map(|v| v.as_ref()).collect()
}
mod blocking;

/// Keyspace events of a pop: `lpop`/`rpop`, then `del` if the list is gone.
pub(crate) fn notify_pop(ctx: &mut Ctx, key: &[u8], left: bool) {
    ctx.notify(Class::LIST, if left { "lpop" } else { "rpop" }, key);
    ctx.notify_if_deleted(key);
}

/// Keyspace events of LMOVE, in Redis' order: the push on the destination,
/// the pop on the source, then `del` if the source is gone.
pub(crate) fn notify_move(ctx: &mut Ctx, src: &[u8], dst: &[u8], from_left: bool, to_left: bool) {
    ctx.notify(Class::LIST, if to_left { "lpush" } else { "rpush" }, dst);
    notify_pop(ctx, src, from_left);
}
