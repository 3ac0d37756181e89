//! resplite core: everything a command or an embedding program needs.
//!
//! - [`protocol`]: the request parser (with our own limits) and the reply encoder.
//! - [`command`]: the `Command` trait, static specs, the inventory-built registry and
//!   the shared argument parser.
//! - [`engine`]: the semantic storage interface and its SQLite implementation.
//! - [`executor`]: the storage thread (group commit, per-command atomicity).
//! - [`server`]: the TCP server, its builder and graceful shutdown.

pub mod blocking;
pub mod command;
pub mod engine;
pub mod executor;
pub mod monitor;
pub mod protocol;
pub mod pubsub;
pub mod rdb;
pub mod server;
pub mod tracking;
pub mod util;

pub use command::{Args, Command, CommandEntry, CommandError, CommandSpec, Ctx, Flags, Registry};
pub use engine::{Engine, EngineError, KeyType};
pub use protocol::Reply;
pub use server::{Server, ServerConfig, ServerHandle};

#[doc(hidden)]
pub use inventory;

/// Everything a command module needs, in one import.
pub mod prelude {
    pub use crate::blocking::BlockRequest;
    pub use crate::command::{
        Args, Class, Command, CommandError, CommandSpec, Ctx, Flags, SubSpec,
    };
    pub use crate::engine::{
        Engine, HashOps, HashSearchOps, HashTtlOps, KeyMeta, KeyType, ListOps, SearchOps, SetOps,
        StringOps, ZSetOps,
    };
    pub use crate::protocol::Reply;
    pub use crate::register_command;
    pub use bytes::Bytes;
}
