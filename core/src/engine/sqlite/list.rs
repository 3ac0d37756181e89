//! lists on SQLite.

use super::SqliteEngine;
use crate::engine::ListOps;

impl ListOps for SqliteEngine {}
