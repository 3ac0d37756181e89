//! sorted sets on SQLite.

use super::SqliteEngine;
use crate::engine::ZSetOps;

impl ZSetOps for SqliteEngine {}
