//! Where FUNCTION LOAD's libraries live: in the database file, beside the
//! keys (Redis keeps them in its RDB and AOF), so they survive restarts.
//! FLUSHALL leaves them, as in Redis; FUNCTION FLUSH removes them.

use super::Result;

pub trait FunctionStore {
    /// Every stored library as (name, source code), by name.
    fn function_libraries(&mut self) -> Result<Vec<(String, Vec<u8>)>>;
    /// Adds or replaces a library.
    fn put_function_library(&mut self, name: &str, code: &[u8]) -> Result<()>;
    /// True if it existed.
    fn delete_function_library(&mut self, name: &str) -> Result<bool>;
    fn clear_function_libraries(&mut self) -> Result<()>;
}
