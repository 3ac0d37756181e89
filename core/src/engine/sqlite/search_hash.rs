//! RediSearch's hash indexes on SQLite. An index `idx` over hashes of
//! database 0 keeps:
//!
//! - `search_hdocs__idx(id, key, v0, v1, ...)`: one row per indexed hash,
//!   under the hash's own key id, with each schema field's value (a REAL for
//!   NUMERIC fields, indexed for ranges);
//! - `search_hfts__idx`: FTS5 over the TEXT fields (`t0`, `t1`, ... by
//!   schema position), its rowid the key id, ranked by BM25 with the fields'
//!   weights;
//! - `search_htags__idx(f, tag, id)`: one row per tag of a TAG field.
//!
//! Writes do not index as they go: every key a command changes is noted
//! (`changed`), and before the transaction commits the noted keys go into
//! `search_hqueue`, so a write and its place in the queue commit together.
//! The queue is indexed, in key id order, before anything reads an index
//! (FT.SEARCH, FT.AGGREGATE, FT.INFO, FT.DROPINDEX), by the sweeper, and by
//! the commit that brings it to `INDEX_BATCH` keys. A search therefore sees
//! every write before it, a crash loses no index update, and a busy writer
//! pays for indexing in batches: FTS5 flushes a segment whenever a rowid
//! goes backwards, so one document at a time in random key order cost a
//! segment each, and a batch in order costs one (2.5x an unindexed HSET
//! became 1.6-2x; docs/BENCHMARKS.md). Existing hashes are indexed by the
//! sweeper in slices (`search_hstate.next_id` is its cursor).

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rusqlite::{params, OptionalExtension};

use super::search::unknown_index;
use super::SqliteEngine;
use crate::engine::search::{
    FieldDef, FieldKind, HashIndex, HashIndexInfo, HashSearchOps, Hit, IndexKind, Query,
    QueryOptions, RangeBound, TextQuery,
};
use crate::engine::{EngineError, KeyType, Result};

/// Queued keys are indexed once this many wait: one batch writes each
/// index's pages once for many writes (see the module doc).
const INDEX_BATCH: u64 = 4096;

/// How long one sweep may spend indexing existing hashes.
const BACKFILL_BUDGET: Duration = Duration::from_millis(20);

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

fn field_json(f: &FieldDef) -> serde_json::Value {
    let mut v = serde_json::json!({"name": f.field, "as": f.alias, "sortable": f.sortable});
    match &f.kind {
        FieldKind::Text { weight } => {
            v["type"] = "TEXT".into();
            v["weight"] = (*weight).into();
        }
        FieldKind::Tag {
            separator,
            case_sensitive,
        } => {
            v["type"] = "TAG".into();
            v["separator"] = separator.to_string().into();
            v["casesensitive"] = (*case_sensitive).into();
        }
        FieldKind::Numeric => v["type"] = "NUMERIC".into(),
    }
    v
}

fn schema_json(def: &HashIndex) -> String {
    serde_json::json!({
        "version": 1,
        "source": "hash",
        "prefixes_hex": def.prefixes.iter().map(|p| hex(p)).collect::<Vec<_>>(),
        "fields": def.fields.iter().map(field_json).collect::<Vec<_>>(),
    })
    .to_string()
}

/// The hash index a registry row describes; `None` for RESPlite's kind.
fn parse_schema(name: &str, json: &str) -> Result<Option<HashIndex>> {
    let corrupt = || EngineError::Corrupt(format!("search index {name}: bad schema"));
    let v: serde_json::Value = serde_json::from_str(json).map_err(|_| corrupt())?;
    if v["source"] != "hash" {
        return Ok(None);
    }
    let prefixes = v["prefixes_hex"]
        .as_array()
        .ok_or_else(corrupt)?
        .iter()
        .map(|p| p.as_str().and_then(unhex).ok_or_else(corrupt))
        .collect::<Result<_>>()?;
    let mut fields = Vec::new();
    for f in v["fields"].as_array().ok_or_else(corrupt)? {
        let text = |k: &str| f[k].as_str().map(str::to_string).ok_or_else(corrupt);
        let kind = match f["type"].as_str() {
            Some("TEXT") => FieldKind::Text {
                weight: f["weight"].as_f64().unwrap_or(1.0),
            },
            Some("TAG") => FieldKind::Tag {
                separator: text("separator")?.chars().next().unwrap_or(','),
                case_sensitive: f["casesensitive"].as_bool().unwrap_or(false),
            },
            Some("NUMERIC") => FieldKind::Numeric,
            _ => return Err(corrupt()),
        };
        fields.push(FieldDef {
            field: text("name")?,
            alias: text("as")?,
            kind,
            sortable: f["sortable"].as_bool().unwrap_or(false),
        });
    }
    Ok(Some(HashIndex {
        name: name.to_string(),
        prefixes,
        fields,
    }))
}

/// A SQL string literal.
fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

/// A word as an FTS5 string (quoted: no operator or syntax inside).
fn fts_word(w: &str) -> String {
    format!("\"{}\"", w.replace('"', "\"\""))
}

/// The tags of a TAG field's value: split, trimmed, lowercased unless
/// case-sensitive.
pub fn split_tags(value: &str, separator: char, case_sensitive: bool) -> Vec<String> {
    value
        .split(separator)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            if case_sensitive {
                t.to_string()
            } else {
                t.to_lowercase()
            }
        })
        .collect()
}

/// A numeric field's value as RediSearch reads it; `None` fails the document.
fn number(value: &str) -> Option<f64> {
    let v = value.trim();
    match v.to_ascii_lowercase().as_str() {
        "inf" | "+inf" | "infinity" => Some(f64::INFINITY),
        "-inf" | "-infinity" => Some(f64::NEG_INFINITY),
        _ => v.parse::<f64>().ok().filter(|n| !n.is_nan()),
    }
}

/// Whether a field's indexed value (as the docs table holds it) is its
/// current one.
fn same_value(f: &FieldDef, old: &rusqlite::types::Value, new: &Option<String>) -> bool {
    use rusqlite::types::Value as V;
    match (old, new) {
        (V::Null, None) => true,
        (V::Real(x), Some(n)) if f.kind == FieldKind::Numeric => number(n) == Some(*x),
        (V::Text(t), Some(n)) => t == n,
        _ => false,
    }
}

/// The docs table's values for a hash's fields; `None` if a NUMERIC field
/// holds no number.
fn doc_columns(
    def: &HashIndex,
    values: &[Option<String>],
) -> Option<Vec<Box<dyn rusqlite::ToSql>>> {
    def.fields
        .iter()
        .zip(values)
        .map(|(f, v)| match (&f.kind, v) {
            (FieldKind::Numeric, Some(v)) => {
                number(v).map(|n| Box::new(n) as Box<dyn rusqlite::ToSql>)
            }
            (_, v) => Some(Box::new(v.clone()) as Box<dyn rusqlite::ToSql>),
        })
        .collect()
}

/// The text fields' positions and their FTS columns.
fn text_fields(def: &HashIndex) -> Vec<usize> {
    (0..def.fields.len())
        .filter(|i| matches!(def.fields[*i].kind, FieldKind::Text { .. }))
        .collect()
}

impl SqliteEngine {
    /// The hash indexes, read from the registry once and kept (shared: a
    /// flush holds them while it writes).
    fn hash_indexes(&mut self) -> Result<Arc<[HashIndex]>> {
        if let Some(defs) = &self.hash_indexes {
            return Ok(defs.clone());
        }
        let rows: Vec<(String, String)> = self
            .conn
            .prepare_cached("SELECT name, schema_json FROM search_indices")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut defs = Vec::new();
        for (name, json) in rows {
            if let Some(def) = parse_schema(&name, &json)? {
                defs.push(def);
            }
        }
        let defs: Arc<[HashIndex]> = defs.into();
        self.hash_indexes = Some(defs.clone());
        Ok(defs)
    }

    pub(super) fn load_hash_indexes(&mut self) -> Result<()> {
        self.hash_indexes().map(|_| ())
    }

    /// Notes a changed key for indexing (see the module doc). Free while no
    /// hash index exists.
    pub(super) fn note_search(&mut self, phys: i64, key: &[u8]) {
        if self.hash_indexes.as_ref().is_none_or(|d| !d.is_empty()) {
            self.search_dirty.push((phys, key.to_vec()));
        }
    }

    fn hash_index(&mut self, index: &str) -> Result<HashIndex> {
        self.hash_indexes()?
            .iter()
            .find(|d| d.name == index)
            .cloned()
            .ok_or_else(unknown_index)
    }

    /// Queues the noted keys (at commit): the queue commits with the writes,
    /// and once it holds [`INDEX_BATCH`] keys they are indexed, in the same
    /// transaction.
    pub(super) fn flush_search(&mut self) -> Result<()> {
        if self.search_dirty.is_empty() {
            return Ok(());
        }
        let defs = self.hash_indexes()?;
        let dirty = std::mem::take(&mut self.search_dirty);
        if defs.is_empty() {
            return Ok(());
        }
        let db0 = self.physical(0);
        let mut seen = HashSet::new();
        let mut queued = self.search_queued()?;
        let mut stmt = self
            .conn
            .prepare_cached("INSERT INTO search_hqueue(key) VALUES (?1)")?;
        for (phys, key) in dirty {
            if phys == db0 && seen.insert(key.clone()) {
                stmt.execute([key])?;
                queued += 1;
            }
        }
        drop(stmt);
        self.search_queued = Some(queued);
        if queued >= INDEX_BATCH {
            self.index_queued()?;
        }
        Ok(())
    }

    /// Brings the hash indexes up to date with every write so far: before
    /// anything reads them.
    pub(super) fn sync_search(&mut self) -> Result<()> {
        self.flush_search()?;
        if self.search_queued()? > 0 {
            self.index_queued()?;
        }
        Ok(())
    }

    fn search_queued(&mut self) -> Result<u64> {
        if let Some(n) = self.search_queued {
            return Ok(n);
        }
        let n: i64 = self
            .conn
            .prepare_cached("SELECT count(*) FROM search_hqueue")?
            .query_row([], |r| r.get(0))?;
        self.search_queued = Some(n as u64);
        Ok(n as u64)
    }

    /// Drops the cached queue length (after a rollback, or another
    /// process's write).
    pub(super) fn forget_search(&mut self) {
        self.hash_indexes = None;
        self.search_queued = None;
    }

    /// Indexes `keys` again, in key id order: FTS5 writes a segment
    /// whenever a document's rowid is below the last one written, so random
    /// order would cost a segment per document.
    fn index_keys(
        &mut self,
        defs: &[HashIndex],
        keys: impl Iterator<Item = Vec<u8>>,
    ) -> Result<()> {
        let db0 = self.physical(0);
        let mut seen = HashSet::new();
        let mut rows = Vec::new();
        for key in keys {
            if !seen.insert(key.clone()) {
                continue;
            }
            let row: Option<(i64, i64)> = self
                .conn
                .prepare_cached("SELECT id, type FROM redis_keys WHERE db = ?1 AND key = ?2")?
                .query_row(params![db0, &key], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            rows.push((row, key));
        }
        // Removals first, then by id.
        rows.sort_unstable_by_key(|(row, _)| row.map(|r| r.0));
        for (row, key) in rows {
            for def in defs {
                self.index_key(def, &key, row)?;
            }
        }
        Ok(())
    }

    /// Indexes the queued keys and empties the queue.
    fn index_queued(&mut self) -> Result<()> {
        let defs = self.hash_indexes()?;
        let mut after = 0i64;
        loop {
            let batch: Vec<(i64, Vec<u8>)> = self
                .conn
                .prepare_cached(
                    "SELECT seq, key FROM search_hqueue WHERE seq > ?1 ORDER BY seq LIMIT 1000",
                )?
                .query_map([after], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let Some(last) = batch.last().map(|(seq, _)| *seq) else {
                break;
            };
            self.index_keys(&defs, batch.into_iter().map(|(_, key)| key))?;
            after = last;
        }
        self.conn
            .prepare_cached("DELETE FROM search_hqueue WHERE seq <= ?1")?
            .execute([after])?;
        self.search_queued = Some(0);
        Ok(())
    }

    /// Brings `key`'s entry in `def` up to date: indexed if it is a hash
    /// under one of the prefixes, else removed.
    fn index_key(&mut self, def: &HashIndex, key: &[u8], row: Option<(i64, i64)>) -> Result<()> {
        let matches = |id_type: &(i64, i64)| {
            id_type.1 == KeyType::Hash as i64
                && (def.prefixes.is_empty() || def.prefixes.iter().any(|p| key.starts_with(p)))
        };
        // What is indexed under this name now: its id and field values. A
        // hash's row is under its own key id (the key index is the way only
        // after a delete or RENAME).
        let cols: String = (0..def.fields.len()).map(|i| format!(", v{i}")).collect();
        let read = |r: &rusqlite::Row| {
            let values = (2..=def.fields.len() + 1)
                .map(|i| r.get(i))
                .collect::<rusqlite::Result<Vec<rusqlite::types::Value>>>()?;
            Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?, values))
        };
        let find = |column: &str, arg: &dyn rusqlite::ToSql| {
            self.conn
                .prepare_dynamic(&format!(
                    "SELECT id, key{cols} FROM search_hdocs__{} WHERE {column} = ?1",
                    def.name
                ))?
                .query_row([arg], read)
                .optional()
        };
        let by_id = match row {
            Some((id, _)) => find("id", &id)?.filter(|(_, k, _)| k == key),
            None => None,
        };
        let indexed: Option<(i64, Vec<rusqlite::types::Value>)> = match by_id {
            Some(found) => Some(found),
            None => find("key", &key)?,
        }
        .map(|(id, _, values)| (id, values));
        match row {
            Some(r) if matches(&r) => {
                let values = self.hash_values(def, r.0)?;
                let Some(columns) = doc_columns(def, &values) else {
                    // A NUMERIC field that holds no number fails the hash
                    // (as RediSearch): counted, not indexed.
                    self.conn
                        .prepare_cached(
                            "UPDATE search_hstate SET failures = failures + 1 WHERE name = ?1",
                        )?
                        .execute([&def.name])?;
                    return match indexed {
                        Some((id, _)) => self.unindex(def, id),
                        None => Ok(()),
                    };
                };
                match &indexed {
                    // The same hash, indexed before: only what changed is
                    // written again (nothing, when the indexed fields did not).
                    Some((id, old)) if *id == r.0 => {
                        let changed = |text: bool| {
                            def.fields.iter().enumerate().any(|(i, f)| {
                                matches!(f.kind, FieldKind::Text { .. }) == text
                                    && matches!(
                                        f.kind,
                                        FieldKind::Text { .. } | FieldKind::Tag { .. }
                                    )
                                    && !same_value(f, &old[i], &values[i])
                            })
                        };
                        let (texts, tags) = (changed(true), changed(false));
                        if def
                            .fields
                            .iter()
                            .enumerate()
                            .all(|(i, f)| same_value(f, &old[i], &values[i]))
                        {
                            return Ok(());
                        }
                        self.write_doc(def, r.0, key, &columns, false)?;
                        if texts {
                            self.write_text(def, r.0, &values, true)?;
                        }
                        if tags {
                            self.write_tags(def, r.0, &values, true)?;
                        }
                        Ok(())
                    }
                    other => {
                        if let Some((id, _)) = other {
                            self.unindex(def, *id)?;
                        }
                        // Its id may be indexed under its old name (RENAME).
                        self.unindex(def, r.0)?;
                        self.write_doc(def, r.0, key, &columns, true)?;
                        self.write_text(def, r.0, &values, false)?;
                        self.write_tags(def, r.0, &values, false)
                    }
                }
            }
            _ => match indexed {
                Some((id, _)) => self.unindex(def, id),
                None => Ok(()),
            },
        }
    }

    /// The schema fields' current values in hash `id`.
    fn hash_values(&self, def: &HashIndex, id: i64) -> Result<Vec<Option<String>>> {
        def.fields
            .iter()
            .map(|f| {
                let v = self.hash_field(id, f.field.as_bytes())?;
                Ok(v.map(|v| String::from_utf8_lossy(&v).into_owned()))
            })
            .collect()
    }

    fn unindex(&mut self, def: &HashIndex, id: i64) -> Result<()> {
        self.delete_part(def, "hdocs", id)?;
        self.delete_part(def, "htags", id)?;
        self.delete_part(def, "hfts", id)
    }

    /// Deletes hash `id`'s rows from one of the index's tables.
    fn delete_part(&self, def: &HashIndex, part: &str, id: i64) -> Result<()> {
        let column = match part {
            "hfts" if text_fields(def).is_empty() => return Ok(()),
            "hfts" => "rowid",
            _ => "id",
        };
        self.conn
            .prepare_dynamic(&format!(
                "DELETE FROM search_{part}__{} WHERE {column} = ?1",
                def.name
            ))?
            .execute([id])?;
        Ok(())
    }

    /// The docs table's row for a hash: inserted, or updated in place.
    fn write_doc(
        &mut self,
        def: &HashIndex,
        id: i64,
        key: &[u8],
        columns: &[Box<dyn rusqlite::ToSql>],
        insert: bool,
    ) -> Result<()> {
        let name = &def.name;
        let n = def.fields.len();
        let sql = if insert {
            let cols: String = (0..n).map(|i| format!(", v{i}")).collect();
            let marks: String = (0..n).map(|i| format!(", ?{}", i + 3)).collect();
            format!("INSERT INTO search_hdocs__{name}(id, key{cols}) VALUES (?1, ?2{marks})")
        } else {
            // The key is the one the row was found by: left alone, so its
            // index is not rewritten.
            let sets: Vec<String> = (0..n).map(|i| format!("v{i} = ?{}", i + 3)).collect();
            format!(
                "UPDATE search_hdocs__{name} SET {} WHERE id = ?1 AND key = ?2",
                sets.join(", ")
            )
        };
        let mut args: Vec<&dyn rusqlite::ToSql> = vec![&id, &key];
        args.extend(columns.iter().map(|c| c.as_ref()));
        self.conn.prepare_dynamic(&sql)?.execute(args.as_slice())?;
        Ok(())
    }

    /// The hash's FTS row (`replace`: the old one goes first).
    fn write_text(
        &mut self,
        def: &HashIndex,
        id: i64,
        values: &[Option<String>],
        replace: bool,
    ) -> Result<()> {
        let texts = text_fields(def);
        if texts.is_empty() {
            return Ok(());
        }
        let name = &def.name;
        if replace {
            self.delete_part(def, "hfts", id)?;
        }
        let cols: String = texts.iter().map(|i| format!(", t{i}")).collect();
        let marks: String = (0..texts.len()).map(|i| format!(", ?{}", i + 2)).collect();
        let text_values: Vec<&str> = texts
            .iter()
            .map(|i| values[*i].as_deref().unwrap_or(""))
            .collect();
        let mut args: Vec<&dyn rusqlite::ToSql> = vec![&id];
        args.extend(text_values.iter().map(|v| v as &dyn rusqlite::ToSql));
        self.conn
            .prepare_dynamic(&format!(
                "INSERT INTO search_hfts__{name}(rowid{cols}) VALUES (?1{marks})"
            ))?
            .execute(args.as_slice())?;
        Ok(())
    }

    /// The hash's tag rows (`replace`: the old ones go first).
    fn write_tags(
        &mut self,
        def: &HashIndex,
        id: i64,
        values: &[Option<String>],
        replace: bool,
    ) -> Result<()> {
        let name = &def.name;
        if replace {
            self.delete_part(def, "htags", id)?;
        }
        for (i, (f, v)) in def.fields.iter().zip(values).enumerate() {
            if let (
                FieldKind::Tag {
                    separator,
                    case_sensitive,
                },
                Some(v),
            ) = (&f.kind, v)
            {
                let mut stmt = self.conn.prepare_dynamic(&format!(
                    "INSERT OR IGNORE INTO search_htags__{name}(f, tag, id) VALUES (?1, ?2, ?3)"
                ))?;
                for tag in split_tags(v, *separator, *case_sensitive) {
                    stmt.execute(params![i as i64, tag, id])?;
                }
            }
        }
        Ok(())
    }

    fn create_hash_tables(&mut self, def: &HashIndex) -> Result<()> {
        let name = &def.name;
        let cols: String = def
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| match f.kind {
                FieldKind::Numeric => format!(", v{i} REAL"),
                _ => format!(", v{i}"),
            })
            .collect();
        let mut sql = format!(
            "CREATE TABLE IF NOT EXISTS search_hdocs__{name} (id INTEGER PRIMARY KEY, key BLOB NOT NULL{cols});
             CREATE INDEX IF NOT EXISTS search_hdocs__{name}_key ON search_hdocs__{name}(key);
             CREATE TABLE IF NOT EXISTS search_htags__{name} (f INTEGER NOT NULL, tag TEXT NOT NULL,
                 id INTEGER NOT NULL, PRIMARY KEY (f, tag, id)) WITHOUT ROWID;
             CREATE INDEX IF NOT EXISTS search_htags__{name}_id ON search_htags__{name}(id);"
        );
        for (i, f) in def.fields.iter().enumerate() {
            if matches!(f.kind, FieldKind::Numeric) || f.sortable {
                sql.push_str(&format!(
                    "CREATE INDEX IF NOT EXISTS search_hdocs__{name}_v{i} ON search_hdocs__{name}(v{i});"
                ));
            }
        }
        let texts = text_fields(def);
        if !texts.is_empty() {
            let cols: Vec<String> = texts.iter().map(|i| format!("t{i}")).collect();
            sql.push_str(&format!(
                // Contentless (the hash holds the text), deletable by rowid.
                "CREATE VIRTUAL TABLE search_hfts__{name} USING fts5({}, tokenize='unicode61', \
                 content='', contentless_delete=1);",
                cols.join(", ")
            ));
        }
        self.conn.execute_batch(&sql)?;
        Ok(())
    }

    fn drop_hash_tables(&mut self, name: &str) -> Result<()> {
        self.conn.execute_batch(&format!(
            "DROP TABLE IF EXISTS search_hdocs__{name};
             DROP TABLE IF EXISTS search_htags__{name};
             DROP TABLE IF EXISTS search_hfts__{name};"
        ))?;
        Ok(())
    }

    /// Starts indexing every existing hash of an index again.
    fn restart_backfill(&mut self, name: &str) -> Result<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO search_hstate(name, next_id, failures) VALUES (?1, 0, 0) \
                 ON CONFLICT(name) DO UPDATE SET next_id = 0",
            )?
            .execute([name])?;
        Ok(())
    }

    /// The sweeper's part: indexes existing hashes for a while.
    pub(super) fn backfill_search(&mut self) -> Result<()> {
        if self.hash_indexes()?.is_empty() {
            return Ok(());
        }
        self.sync_search()?;
        let started = Instant::now();
        let pending: Vec<(String, i64)> = self
            .conn
            .prepare_cached("SELECT name, next_id FROM search_hstate WHERE next_id IS NOT NULL")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let db0 = self.physical(0);
        for (name, mut next) in pending {
            let Ok(def) = self.hash_index(&name) else {
                continue;
            };
            loop {
                let batch: Vec<(i64, Vec<u8>)> = self
                    .conn
                    .prepare_cached(
                        // `+` keeps the planner on the rowid range: by the
                        // (db, key) index, each slice would scan the database.
                        "SELECT id, key FROM redis_keys WHERE id > ?1 AND +db = ?2 AND +type = 2 \
                         ORDER BY id LIMIT 200",
                    )?
                    .query_map(params![next, db0], |r| Ok((r.get(0)?, r.get(1)?)))?
                    .collect::<rusqlite::Result<_>>()?;
                let Some(last) = batch.last().map(|(id, _)| *id) else {
                    self.conn
                        .prepare_cached("UPDATE search_hstate SET next_id = NULL WHERE name = ?1")?
                        .execute([&name])?;
                    break;
                };
                for (id, key) in batch {
                    self.index_key(&def, &key, Some((id, KeyType::Hash as i64)))?;
                }
                next = last;
                self.conn
                    .prepare_cached("UPDATE search_hstate SET next_id = ?2 WHERE name = ?1")?
                    .execute(params![name, next])?;
                if started.elapsed() >= BACKFILL_BUDGET {
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// Empties every hash index and indexes database 0 again (after SWAPDB
    /// or FLUSH of database 0).
    pub(super) fn reset_hash_indexes(&mut self) -> Result<()> {
        for def in self.hash_indexes()?.iter() {
            self.conn.execute_batch(&format!(
                "DELETE FROM search_hdocs__{0}; DELETE FROM search_htags__{0};",
                def.name
            ))?;
            if !text_fields(def).is_empty() {
                self.conn
                    .execute_batch(&format!("DELETE FROM search_hfts__{};", def.name))?;
            }
            self.restart_backfill(&def.name)?;
        }
        self.search_dirty.clear();
        self.conn.execute_batch("DELETE FROM search_hqueue")?;
        self.search_queued = Some(0);
        Ok(())
    }

    /// A query as a SQL condition on `d` (the docs table), and the FTS5
    /// MATCH text of its positive words (for ranking).
    fn query_sql(
        &self,
        def: &HashIndex,
        q: &Query,
        positive: bool,
        rank: &mut Vec<String>,
    ) -> String {
        let name = &def.name;
        match q {
            Query::All => "1".into(),
            Query::Text { fields, text } => {
                let texts = text_fields(def);
                let cols: Vec<String> = match fields {
                    Some(f) => f
                        .iter()
                        .filter(|i| texts.contains(i))
                        .map(|i| format!("t{i}"))
                        .collect(),
                    None => texts.iter().map(|i| format!("t{i}")).collect(),
                };
                if cols.is_empty() {
                    return "0".into();
                }
                let expr = match text {
                    TextQuery::Word(w) => fts_word(w),
                    TextQuery::Prefix(w) => format!("{} *", fts_word(w)),
                    TextQuery::Phrase(words) => fts_word(&words.join(" ")),
                };
                let scoped = format!("{{{}}} : {expr}", cols.join(" "));
                if positive {
                    rank.push(scoped.clone());
                }
                format!(
                    "d.id IN (SELECT rowid FROM search_hfts__{name} WHERE search_hfts__{name} MATCH {})",
                    literal(&scoped)
                )
            }
            Query::Tag { field, tags } => {
                format!(
                "d.id IN (SELECT id FROM search_htags__{name} WHERE f = {field} AND tag IN ({}))",
                tags.iter().map(|t| literal(t)).collect::<Vec<_>>().join(", ")
            )
            }
            Query::Range { field, min, max } => {
                let bound = |b: &RangeBound, op: &str, strict: &str| {
                    if b.value.is_infinite() {
                        "1".to_string()
                    } else {
                        format!(
                            "d.v{field} {} {:?}",
                            if b.exclusive { strict } else { op },
                            b.value
                        )
                    }
                };
                format!(
                    "(d.v{field} IS NOT NULL AND {} AND {})",
                    bound(min, ">=", ">"),
                    bound(max, "<=", "<")
                )
            }
            Query::And(parts) | Query::Or(parts) => {
                let op = if matches!(q, Query::And(_)) {
                    " AND "
                } else {
                    " OR "
                };
                let parts: Vec<String> = parts
                    .iter()
                    .map(|p| self.query_sql(def, p, positive, rank))
                    .collect();
                format!("({})", parts.join(op))
            }
            Query::Not(inner) => format!("(NOT {})", self.query_sql(def, inner, !positive, rank)),
        }
    }
}

impl HashSearchOps for SqliteEngine {
    fn ft_kind(&mut self, index: &str) -> Result<Option<IndexKind>> {
        let json: Option<String> = self
            .conn
            .prepare_cached("SELECT schema_json FROM search_indices WHERE name = ?1")?
            .query_row([index], |r| r.get(0))
            .optional()?;
        let Some(json) = json else {
            return Ok(None);
        };
        Ok(Some(match parse_schema(index, &json)? {
            Some(def) => IndexKind::Hashes(def),
            None => IndexKind::Documents,
        }))
    }

    fn ft_create_hashes(&mut self, def: &HashIndex, scan: bool) -> Result<()> {
        if self.ft_kind(&def.name)?.is_some() {
            return Err(EngineError::Refused("Index already exists".into()));
        }
        let now = crate::util::now_ms();
        self.conn
            .prepare_cached(
                "INSERT INTO search_indices(name, schema_json, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?3)",
            )?
            .execute(params![def.name, schema_json(def), now])?;
        self.create_hash_tables(def)?;
        if scan {
            self.restart_backfill(&def.name)?;
        } else {
            self.conn
                .prepare_cached(
                    "INSERT INTO search_hstate(name, next_id, failures) VALUES (?1, NULL, 0)",
                )?
                .execute([&def.name])?;
        }
        self.hash_indexes = None;
        self.hash_indexes()?;
        Ok(())
    }

    fn ft_alter_add(&mut self, index: &str, fields: &[FieldDef]) -> Result<()> {
        let mut def = self.hash_index(index)?;
        let start = def.fields.len();
        def.fields.extend_from_slice(fields);
        for (i, f) in def.fields.iter().enumerate().skip(start) {
            let ty = if matches!(f.kind, FieldKind::Numeric) {
                " REAL"
            } else {
                ""
            };
            self.conn.execute_batch(&format!(
                "ALTER TABLE search_hdocs__{index} ADD COLUMN v{i}{ty};"
            ))?;
        }
        // FTS5 tables take no new columns: the text index is built again.
        self.conn
            .execute_batch(&format!("DROP TABLE IF EXISTS search_hfts__{index};"))?;
        self.create_hash_tables(&def)?;
        self.conn
            .prepare_cached(
                "UPDATE search_indices SET schema_json = ?2, updated_at = ?3 WHERE name = ?1",
            )?
            .execute(params![index, schema_json(&def), crate::util::now_ms()])?;
        self.hash_indexes = None;
        self.reset_one(&def)
    }

    fn ft_query(
        &mut self,
        index: &str,
        query: &Query,
        options: &QueryOptions,
    ) -> Result<(u64, Vec<Hit>)> {
        self.sync_search()?;
        let def = self.hash_index(index)?;
        let mut rank = Vec::new();
        let mut cond = self.query_sql(&def, query, true, &mut rank);
        if let Some(keys) = &options.in_keys {
            let keys: Vec<String> = keys.iter().map(|k| format!("x'{}'", hex(k))).collect();
            cond = format!("({cond}) AND d.key IN ({})", keys.join(", "));
        }
        let name = &def.name;
        let texts = text_fields(&def);
        let weights: Vec<String> = texts
            .iter()
            .map(|i| match def.fields[*i].kind {
                FieldKind::Text { weight } => format!("{weight:?}"),
                _ => "1.0".into(),
            })
            .collect();
        let fts = format!("search_hfts__{name}");
        let bm25 = format!("-bm25({fts}, {})", weights.join(", "));
        let rank_match = literal(&rank.join(" OR "));
        // Where every match holds one of the query's words, the words'
        // matches drive the query (a few rows, ranked as they come); else
        // the docs table does, and the words rank the rows that have them.
        let (from, score) = if rank.is_empty() || texts.is_empty() {
            (format!("search_hdocs__{name} d"), "1.0".to_string())
        } else if needs_text(query) {
            // Materialized: bm25() only works while FTS5's cursor is on the row.
            (
                format!(
                    "(SELECT rowid AS id, {bm25} AS s FROM {fts} WHERE {fts} MATCH {rank_match} \
                     LIMIT -1) r JOIN search_hdocs__{name} d ON d.id = r.id"
                ),
                "r.s".to_string(),
            )
        } else {
            (
                format!(
                    "search_hdocs__{name} d LEFT JOIN (SELECT rowid AS id, {bm25} AS s \
                     FROM {fts} WHERE {fts} MATCH {rank_match}) r ON r.id = d.id"
                ),
                "coalesce(r.s, 0.0)".to_string(),
            )
        };

        let order = match options.sort_by {
            Some((f, asc)) => format!(
                "d.v{f} IS NULL, d.v{f} {}, d.id",
                if asc { "ASC" } else { "DESC" }
            ),
            None => "score DESC, d.id".into(),
        };
        // One pass: the page and, alongside, the number of matches.
        let rows: Vec<(Vec<u8>, f64, i64)> = self
            .conn
            .prepare_dynamic(&format!(
                "SELECT d.key, {score} AS score, count(*) OVER () FROM {from} \
                 WHERE {cond} ORDER BY {order} LIMIT ?1 OFFSET ?2"
            ))?
            .query_map(
                params![
                    options.count.min(i64::MAX as u64) as i64,
                    options.offset as i64
                ],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(query_error)?
            .collect::<rusqlite::Result<_>>()
            .map_err(query_error)?;
        let total = match rows.first() {
            Some((_, _, n)) => *n,
            // An empty page (LIMIT 0, or past the end) still says how many.
            None => self
                .conn
                .prepare_dynamic(&format!("SELECT count(*) FROM {from} WHERE {cond}"))?
                .query_row([], |r| r.get(0))
                .map_err(query_error)?,
        };
        Ok((
            total as u64,
            rows.into_iter().map(|(k, s, _)| (k, s)).collect(),
        ))
    }

    fn ft_hash_info(&mut self, index: &str) -> Result<HashIndexInfo> {
        self.sync_search()?;
        let def = self.hash_index(index)?;
        let name = &def.name;
        let (num_docs, max_doc_id): (i64, i64) = self
            .conn
            .prepare_dynamic(&format!(
                "SELECT count(*), coalesce(max(id), 0) FROM search_hdocs__{name}"
            ))?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let (next, failures): (Option<i64>, i64) = self
            .conn
            .prepare_cached("SELECT next_id, failures FROM search_hstate WHERE name = ?1")?
            .query_row([name], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .unwrap_or((None, 0));
        let percent_indexed = match next {
            None => 1.0,
            Some(next) => {
                let db0 = self.physical(0);
                let (done, all): (i64, i64) = self
                    .conn
                    .prepare_cached(
                        "SELECT count(*) FILTER (WHERE id <= ?2), count(*) FROM redis_keys \
                         WHERE db = ?1 AND type = 2",
                    )?
                    .query_row(params![db0, next], |r| Ok((r.get(0)?, r.get(1)?)))?;
                if all == 0 {
                    1.0
                } else {
                    done as f64 / all as f64
                }
            }
        };
        Ok(HashIndexInfo {
            num_docs: num_docs as u64,
            max_doc_id: max_doc_id as u64,
            indexing_failures: failures as u64,
            percent_indexed,
        })
    }

    fn ft_drop_hashes(&mut self, index: &str, delete_keys: bool) -> Result<()> {
        self.sync_search()?;
        self.hash_index(index)?;
        if delete_keys {
            let keys: Vec<Vec<u8>> = self
                .conn
                .prepare_dynamic(&format!("SELECT key FROM search_hdocs__{index}"))?
                .query_map([], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let db0 = self.physical(0);
            for key in keys {
                let id: Option<i64> = self
                    .conn
                    .prepare_cached("SELECT id FROM redis_keys WHERE db = ?1 AND key = ?2")?
                    .query_row(params![db0, key], |r| r.get(0))
                    .optional()?;
                if let Some(id) = id {
                    self.remove(db0, &key, id, KeyType::Hash)?;
                }
            }
            self.search_dirty.clear();
        }
        self.drop_hash_tables(index)?;
        self.conn
            .prepare_cached("DELETE FROM search_indices WHERE name = ?1")?
            .execute([index])?;
        self.conn
            .prepare_cached("DELETE FROM search_hstate WHERE name = ?1")?
            .execute([index])?;
        self.hash_indexes = None;
        self.hash_indexes()?;
        Ok(())
    }
}

impl SqliteEngine {
    fn reset_one(&mut self, def: &HashIndex) -> Result<()> {
        self.conn.execute_batch(&format!(
            "DELETE FROM search_hdocs__{0}; DELETE FROM search_htags__{0};",
            def.name
        ))?;
        self.restart_backfill(&def.name)?;
        self.hash_indexes()?;
        Ok(())
    }
}

/// Whether every document matching `q` must hold one of its (positive) words.
fn needs_text(q: &Query) -> bool {
    match q {
        Query::Text { .. } => true,
        Query::And(parts) => parts.iter().any(needs_text),
        Query::Or(parts) => parts.iter().all(needs_text),
        Query::All | Query::Tag { .. } | Query::Range { .. } | Query::Not(_) => false,
    }
}

/// An FTS5 complaint about a query is the client's error.
fn query_error(e: rusqlite::Error) -> EngineError {
    match e {
        rusqlite::Error::SqliteFailure(_, Some(msg)) if msg.contains("fts5") => {
            EngineError::Refused(format!("Syntax error: {msg}"))
        }
        other => EngineError::Sqlite(other),
    }
}
