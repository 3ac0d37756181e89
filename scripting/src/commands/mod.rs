//! The scripting commands, one file per family.

pub mod eval;
mod function;
pub mod script;
