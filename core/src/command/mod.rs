//! Commands as plug-ins: a static [`CommandSpec`] plus a type implementing
//! [`Command`], registered with [`register_command!`]. Dispatch, arity checks and
//! `COMMAND` introspection are all driven by the specs.

mod args;
mod error;
mod registry;
mod spec;

pub use args::Args;
pub use error::CommandError;
pub use registry::{Registry, RegistryError};
pub use spec::{CommandEntry, CommandSpec, Flags};

use crate::engine::Engine;
use crate::protocol::Reply;

/// A command: parsing (pure, from arguments) kept apart from applying (against
/// the engine), as in mini-redis, so that parse errors never touch storage.
pub trait Command: Sized {
    const SPEC: CommandSpec;

    /// Reads the arguments after the command name.
    fn parse(args: &mut Args) -> Result<Self, CommandError>;

    /// Runs the command on the storage thread, inside the batch's transaction.
    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError>;
}

/// Per-connection state that commands may read or change (SELECT, HELLO, QUIT...).
/// It travels with each batch to the storage thread and back, so no lock guards it.
#[derive(Debug, Clone, Default)]
pub struct Session {
    pub id: u64,
    /// 2 or 3, as negotiated by HELLO.
    pub resp: u8,
    pub name: Option<bytes::Bytes>,
    /// Shared, so cloning a session per batch allocates nothing.
    pub peer: std::sync::Arc<str>,
    /// Set by QUIT: the connection closes once this batch's replies are written.
    pub close_after_reply: bool,
}

/// What a command sees while it runs.
pub struct Ctx<'a> {
    pub engine: &'a mut dyn Engine,
    pub session: &'a mut Session,
    pub registry: &'a Registry,
    /// Server-wide state: counters, live configuration, connected clients.
    pub server: &'a crate::server::ServerState,
    /// WATCH and blocking: what this command asks of the storage thread.
    pub coord: &'a mut crate::blocking::Coordination,
}

impl Ctx<'_> {
    /// The command's clock (ms since epoch), fixed when it started, as in Redis.
    pub fn now_ms(&self) -> i64 {
        self.engine.now_ms()
    }
}

/// Registers command types with the global registry:
/// `resplite_core::register_command!(Get, Set);`
#[macro_export]
macro_rules! register_command {
    ($($cmd:ty),+ $(,)?) => {
        $(
            $crate::inventory::submit! {
                $crate::command::CommandEntry {
                    spec: &<$cmd as $crate::command::Command>::SPEC,
                    run: $crate::command::run_command::<$cmd>,
                }
            }
        )+
    };
}

/// Parse-then-apply, the function every registered entry points at.
#[doc(hidden)]
pub fn run_command<C: Command>(args: &mut Args, ctx: &mut Ctx) -> Result<Reply, CommandError> {
    let cmd = C::parse(args)?;
    args.expect_end()?;
    cmd.apply(ctx)
}
