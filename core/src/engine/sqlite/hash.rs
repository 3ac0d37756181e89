//! hashes on SQLite.

use super::SqliteEngine;
use crate::engine::HashOps;

impl HashOps for SqliteEngine {}
