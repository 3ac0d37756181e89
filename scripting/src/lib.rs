//! Lua scripting as Redis 7.0 has it: EVAL and the script cache, FUNCTION
//! libraries and FCALL. Scripts run on the storage thread inside the group's
//! transaction, calling commands through the same registry and `Ctx` as
//! clients (see `resplite_core::command::nested`), so a script is atomic and
//! its writes commit with the group.
//!
//! - [`vm`]: one sandboxed Lua 5.1 interpreter (Redis' libraries and `redis`
//!   API, read-only globals, memory cap, BUSY/KILL hook).
//! - [`convert`]: replies to Lua values and back, as Redis converts them.
//! - [`host`]: the interpreters and caches kept between commands.
//! - [`functions`]: FUNCTION libraries, stored in the database file.
//! - `commands/`: EVAL*, SCRIPT, FUNCTION, FCALL*.

mod commands;
pub mod convert;
mod dump;
pub mod flags;
pub mod functions;
pub mod host;
pub mod libs;
mod random;
pub mod vm;

/// Forces the linker to keep this crate's command registrations.
pub fn link() {}

/// Lower-case hex SHA1, as Redis names scripts.
pub fn sha1_hex(data: &[u8]) -> String {
    sha1_smol::Sha1::from(data).digest().to_string()
}
