//! FUNCTION libraries on SQLite: one `resplite_functions` row per library,
//! its source as loaded (the code is compiled again at start).

use rusqlite::params;

use super::SqliteEngine;
use crate::engine::{FunctionStore, Result};

impl FunctionStore for SqliteEngine {
    fn function_libraries(&mut self) -> Result<Vec<(String, Vec<u8>)>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT name, code FROM resplite_functions ORDER BY name")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn put_function_library(&mut self, name: &str, code: &[u8]) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT OR REPLACE INTO resplite_functions (name, code) VALUES (?1, ?2)",
            )?
            .execute(params![name, code])?;
        Ok(())
    }

    fn delete_function_library(&mut self, name: &str) -> Result<bool> {
        let n = self
            .conn
            .prepare_cached("DELETE FROM resplite_functions WHERE name = ?1")?
            .execute(params![name])?;
        Ok(n > 0)
    }

    fn clear_function_libraries(&mut self) -> Result<()> {
        self.conn
            .prepare_cached("DELETE FROM resplite_functions")?
            .execute([])?;
        Ok(())
    }
}
