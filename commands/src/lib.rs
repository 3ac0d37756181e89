//! resplite's built-in commands. Each module declares its commands' static specs
//! and registers them with `register_command!`; nothing central lists them.

pub mod common;
mod connection;
mod keys;
mod server;
mod strings;

/// Forces the linker to keep this crate, and with it every registration in it.
/// Call it once before building a registry (the binary and test helpers do).
pub fn link() {}
