//! sets on SQLite.

use super::SqliteEngine;
use crate::engine::SetOps;

impl SetOps for SqliteEngine {}
