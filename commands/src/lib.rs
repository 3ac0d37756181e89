//! resplite's built-in commands. Each module declares its commands' static specs
//! and registers them with `register_command!`; nothing central lists them.

mod bitmaps;
pub mod common;
mod connection;
mod geo;
mod hashes;
mod hll;
mod keys;
mod lists;
mod pubsub;
mod search;
mod server;
mod sets;
mod streams;
mod strings;
mod transactions;
mod zsets;

/// Container commands' HELP replies and subcommand errors, for command
/// crates that add containers of their own (SCRIPT, FUNCTION).
pub use server::subcommand;

/// Forces the linker to keep this crate, and with it every registration in it.
/// Call it once before building a registry (the binary and test helpers do).
pub fn link() {}
