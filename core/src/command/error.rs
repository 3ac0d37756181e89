use std::borrow::Cow;

use crate::engine::EngineError;
use crate::protocol::Reply;

/// Everything a command can fail with. [`CommandError::to_reply`] is the one place
/// where failures become the error strings clients see (and pattern-match on).
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    #[error("WRONGTYPE Operation against a key holding the wrong kind of value")]
    WrongType,
    #[error("ERR value is not an integer or out of range")]
    NotInteger,
    #[error("ERR value is not a valid float")]
    NotFloat,
    #[error("ERR syntax error")]
    Syntax,
    #[error("ERR wrong number of arguments for '{0}' command")]
    WrongArity(String),
    #[error("ERR no such key")]
    NoSuchKey,
    #[error("ERR increment or decrement would overflow")]
    Overflow,
    #[error("ERR invalid expire time in '{0}' command")]
    InvalidExpire(&'static str),
    #[error("ERR string exceeds maximum allowed size (proto-max-bulk-len)")]
    StringTooLong,
    /// Any other Redis error line, error code included (`ERR ...`, `NOPERM ...`).
    #[error("{0}")]
    Other(Cow<'static, str>),
    /// A storage failure: logged, and reported without internals leaking.
    #[error("ERR internal storage error")]
    Internal(#[source] EngineError),
}

impl CommandError {
    pub fn other(msg: impl Into<Cow<'static, str>>) -> Self {
        CommandError::Other(msg.into())
    }

    pub fn to_reply(&self) -> Reply {
        if let CommandError::Internal(e) = self {
            tracing::error!(error = %e, "storage error while running a command");
        }
        Reply::Error(self.to_string().into())
    }
}

impl From<EngineError> for CommandError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::WrongType => CommandError::WrongType,
            EngineError::Refused(line) => CommandError::other(line),
            other => CommandError::Internal(other),
        }
    }
}
