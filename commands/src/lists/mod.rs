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
