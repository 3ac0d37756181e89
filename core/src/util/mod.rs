//! Small pure helpers shared by the engine and commands.

pub mod glob;
pub mod long_double;
pub mod number;
pub mod rng;

/// Milliseconds since the Unix epoch: the unit of every deadline in the store.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}
