//! The migration layer's errors. Each variant's text is the one line a user sees.

/// Why a migration step failed.
#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    #[error("invalid source URL '{url}': {reason}")]
    BadUrl { url: String, reason: String },
    #[error("cannot reach the source at {addr}: {reason}")]
    Unreachable { addr: String, reason: String },
    #[error("the source refused our credentials: {0}")]
    Auth(String),
    #[error("source error: {0}")]
    Source(String),
    #[error("destination error: {0}")]
    Destination(String),
    #[error("{0}")]
    Refused(String),
    #[error("run '{0}' was aborted")]
    Aborted(String),
    #[error("interrupted; progress is checkpointed, rerun the same command to resume")]
    Interrupted,
    #[error("verify found {0} mismatching keys")]
    Mismatches(u64),
    #[error("unknown stage '{name}' (known: {known})")]
    UnknownStage { name: String, known: String },
    #[error("stage '{0}' is registered twice")]
    DuplicateStage(&'static str),
}

impl From<rusqlite::Error> for MigrationError {
    fn from(e: rusqlite::Error) -> Self {
        MigrationError::Destination(e.to_string())
    }
}

impl From<resplite_core::engine::EngineError> for MigrationError {
    fn from(e: resplite_core::engine::EngineError) -> Self {
        MigrationError::Destination(e.to_string())
    }
}

impl From<redis::RedisError> for MigrationError {
    fn from(e: redis::RedisError) -> Self {
        let text = e.to_string();
        if e.kind() == redis::ErrorKind::AuthenticationFailed
            || text.contains("WRONGPASS")
            || text.contains("invalid password")
            || text.contains("NOAUTH")
            || text.contains("invalid username-password")
        {
            MigrationError::Auth(text)
        } else {
            MigrationError::Source(text)
        }
    }
}

pub type Result<T, E = MigrationError> = std::result::Result<T, E>;
