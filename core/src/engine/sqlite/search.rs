//! FT.* indexes on SQLite, in the Node.js RESPlite's layout, so that a file
//! it wrote searches here unchanged and an index made here opens there:
//!
//! - `search_indices(name, schema_json, created_at, updated_at)`: the
//!   registry; `schema_json` is `{"version":1,"fields":[{"name":..,"type":"TEXT"}..],
//!   "tokenizer":"unicode61"}` with fields sorted by name.
//! - per index `idx`: `search_docs__idx(doc_id, score, fields_json, ...)`,
//!   `search_docmap__idx(doc_id, fts_rowid)`, the contentless FTS5 table
//!   `search_fts__idx` (one column per field, sorted) and
//!   `search_sugs__idx(term, score, payload, updated_at)`.
//! - `search_rowid_allocator`: FTS rowids are never reused (a contentless
//!   table cannot tell a stale row's tokens from a new one's).
//!
//! A contentless FTS5 row is deleted by replaying its exact values, which
//! `fields_json` keeps.

use rusqlite::{params, OptionalExtension};

use super::SqliteEngine;
use crate::engine::search::{Fields, IndexInfo, SearchOps, SearchPage, Suggestion};
use crate::engine::{EngineError, Result};

pub(super) fn unknown_index() -> EngineError {
    EngineError::Refused("Unknown index name".into())
}

/// Reads a JSON object of strings keeping its order (serde_json's own map
/// sorts keys, and FT.SEARCH answers fields in the order FT.ADD gave them).
struct OrderedFields(Fields);

impl<'de> serde::Deserialize<'de> for OrderedFields {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = OrderedFields;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of strings")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<OrderedFields, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, String>()? {
                    out.push((k, v));
                }
                Ok(OrderedFields(out))
            }
        }
        d.deserialize_map(Visitor)
    }
}

fn fields_from_json(json: &str) -> Result<Fields> {
    serde_json::from_str::<OrderedFields>(json)
        .map(|f| f.0)
        .map_err(|e| EngineError::Corrupt(format!("search document fields: {e}")))
}

fn fields_to_json(fields: &[(String, String)]) -> String {
    let mut out = String::from("{");
    for (i, (k, v)) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::Value::from(k.as_str()).to_string());
        out.push(':');
        out.push_str(&serde_json::Value::from(v.as_str()).to_string());
    }
    out.push('}');
    out
}

/// The schema's field names, from `schema_json`; refused for a hash index
/// (RediSearch's kind, see `search_hash`), which has no FT.ADD documents.
fn schema_fields(json: &str) -> Result<Vec<String>> {
    let v: serde_json::Value = serde_json::from_str(json)
        .map_err(|e| EngineError::Corrupt(format!("search index schema: {e}")))?;
    if v["source"] == "hash" {
        return Err(EngineError::Refused(
            "ERR this index holds hashes (FT.CREATE ... ON HASH): write them with HSET".into(),
        ));
    }
    Ok(v["fields"]
        .as_array()
        .map(|fields| {
            fields
                .iter()
                .filter_map(|f| f["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default())
}

/// A field's value as the FTS row holds it (absent: empty).
fn column_values<'a>(names: &[String], fields: &'a [(String, String)]) -> Vec<&'a str> {
    names
        .iter()
        .map(|n| {
            fields
                .iter()
                .find(|(k, _)| k == n)
                .map_or("", |(_, v)| v.as_str())
        })
        .collect()
}

impl SqliteEngine {
    /// The index's fields in FTS column order (sorted), and its timestamps.
    fn index_meta(&self, index: &str) -> Result<(Vec<String>, i64, i64)> {
        let row: Option<(String, i64, i64)> = self
            .conn
            .prepare_cached(
                "SELECT schema_json, created_at, updated_at FROM search_indices WHERE name = ?1",
            )?
            .query_row([index], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let (json, created, updated) = row.ok_or_else(unknown_index)?;
        let mut fields = schema_fields(&json)?;
        fields.sort();
        Ok((fields, created, updated))
    }

    fn count_rows(&self, table: &str) -> Result<u64> {
        let n: i64 = self
            .conn
            .prepare_dynamic(&format!("SELECT count(*) FROM {table}"))?
            .query_row([], |r| r.get(0))?;
        Ok(n as u64)
    }

    /// Adds FTS row `rowid` with `values`, or removes it (`delete`: a
    /// contentless table is told the exact values the row was added with).
    fn fts_write(
        &self,
        index: &str,
        names: &[String],
        rowid: i64,
        values: &[&str],
        delete: bool,
    ) -> Result<()> {
        let fts = format!("search_fts__{index}");
        let (command_col, command_val) = if delete {
            (format!("{fts}, "), "'delete', ")
        } else {
            (String::new(), "")
        };
        let sql = format!(
            "INSERT INTO {fts}({command_col}rowid, {}) VALUES ({command_val}?1{})",
            names.join(", "),
            (0..names.len())
                .map(|i| format!(", ?{}", i + 2))
                .collect::<String>()
        );
        let mut args: Vec<&dyn rusqlite::ToSql> = vec![&rowid];
        args.extend(values.iter().map(|v| v as &dyn rusqlite::ToSql));
        self.conn.prepare_dynamic(&sql)?.execute(args.as_slice())?;
        Ok(())
    }

    /// A document's FTS rowid.
    fn doc_rowid(&self, index: &str, doc: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_dynamic(&format!(
                "SELECT fts_rowid FROM search_docmap__{index} WHERE doc_id = ?1"
            ))?
            .query_row([doc], |r| r.get(0))
            .optional()?)
    }

    /// A document's fields as FT.ADD gave them.
    fn doc_fields(&self, index: &str, doc: &str) -> Result<Option<Fields>> {
        let json: Option<String> = self
            .conn
            .prepare_dynamic(&format!(
                "SELECT fields_json FROM search_docs__{index} WHERE doc_id = ?1"
            ))?
            .query_row([doc], |r| r.get(0))
            .optional()?;
        json.map(|j| fields_from_json(&j)).transpose()
    }

    /// A new FTS rowid, never handed out before (RESPlite's allocator).
    fn allocate_fts_rowid(&self, index: &str) -> Result<i64> {
        let in_map: i64 = self
            .conn
            .prepare_dynamic(&format!(
                "SELECT coalesce(max(fts_rowid), 0) FROM search_docmap__{index}"
            ))?
            .query_row([], |r| r.get(0))?;
        let allocated: i64 = self
            .conn
            .prepare_cached("SELECT coalesce(max(id), 0) FROM search_rowid_allocator")?
            .query_row([], |r| r.get(0))?;
        let next = in_map.max(allocated) + 1;
        self.conn
            .prepare_cached("INSERT INTO search_rowid_allocator(id) VALUES (?1)")?
            .execute([next])?;
        Ok(next)
    }
}

impl SearchOps for SqliteEngine {
    fn ft_create(&mut self, index: &str, fields: &[String]) -> Result<()> {
        let exists: bool = self
            .conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM search_indices WHERE name = ?1)")?
            .query_row([index], |r| r.get(0))?;
        if exists {
            return Err(EngineError::Refused("ERR index already exists".into()));
        }
        let mut sorted = fields.to_vec();
        sorted.sort();
        // Byte for byte what RESPlite's JSON.stringify writes (names are
        // [A-Za-z0-9_], nothing to escape).
        let schema = format!(
            r#"{{"version":1,"fields":[{}],"tokenizer":"unicode61"}}"#,
            sorted
                .iter()
                .map(|f| format!(r#"{{"name":"{f}","type":"TEXT"}}"#))
                .collect::<Vec<_>>()
                .join(",")
        );
        self.conn
            .prepare_cached(
                "INSERT INTO search_indices(name, schema_json, created_at, updated_at) \
                 VALUES (?1, ?2, ?3, ?3)",
            )?
            .execute(params![index, schema, crate::util::now_ms()])?;
        self.conn.execute_batch(&format!(
            "CREATE TABLE search_docs__{index} (
                doc_id TEXT PRIMARY KEY,
                score REAL NOT NULL DEFAULT 1.0,
                fields_json TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL
             );
             CREATE TABLE search_docmap__{index} (
                doc_id TEXT PRIMARY KEY,
                fts_rowid INTEGER NOT NULL UNIQUE
             );
             CREATE VIRTUAL TABLE search_fts__{index} USING fts5(
                {}, tokenize='unicode61', content=''
             );
             CREATE TABLE search_sugs__{index} (
                term TEXT PRIMARY KEY,
                score REAL NOT NULL,
                payload TEXT,
                updated_at INTEGER NOT NULL
             );
             CREATE INDEX search_sugs__{index}_score_idx ON search_sugs__{index}(score DESC);",
            sorted.join(", ")
        ))?;
        Ok(())
    }

    fn ft_info(&mut self, index: &str) -> Result<IndexInfo> {
        let (fields, created_at, updated_at) = self.index_meta(index)?;
        Ok(IndexInfo {
            name: index.to_string(),
            fields,
            num_docs: self.count_rows(&format!("search_docs__{index}"))?,
            fts_rows: self.count_rows(&format!("search_fts__{index}"))?,
            num_suggestions: self.count_rows(&format!("search_sugs__{index}"))?,
            created_at,
            updated_at,
        })
    }

    fn ft_list(&mut self) -> Result<Vec<String>> {
        Ok(self
            .conn
            .prepare_cached("SELECT name FROM search_indices ORDER BY name")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }

    fn ft_drop(&mut self, index: &str) -> Result<()> {
        self.index_meta(index)?;
        self.conn.execute_batch(&format!(
            "DROP TABLE search_docs__{index};
             DROP TABLE search_docmap__{index};
             DROP TABLE search_fts__{index};
             DROP TABLE search_sugs__{index};"
        ))?;
        self.conn
            .prepare_cached("DELETE FROM search_indices WHERE name = ?1")?
            .execute([index])?;
        Ok(())
    }

    fn ft_add(
        &mut self,
        index: &str,
        doc: &str,
        score: f64,
        replace: bool,
        fields: &[(String, String)],
    ) -> Result<()> {
        let (names, ..) = self.index_meta(index)?;
        if fields.iter().any(|(k, _)| !names.contains(k)) {
            return Err(EngineError::Refused("ERR unknown field".into()));
        }
        let now = crate::util::now_ms();
        let previous = self.doc_rowid(index, doc)?;
        if previous.is_some() && !replace {
            return Err(EngineError::Refused("ERR document exists".into()));
        }
        let rowid = self.allocate_fts_rowid(index)?;
        match previous {
            Some(old_rowid) => {
                self.conn
                    .prepare_dynamic(&format!(
                        "UPDATE search_docmap__{index} SET fts_rowid = ?1 WHERE doc_id = ?2"
                    ))?
                    .execute(params![rowid, doc])?;
                if let Some(old) = self.doc_fields(index, doc)? {
                    self.fts_write(index, &names, old_rowid, &column_values(&names, &old), true)?;
                }
            }
            None => {
                self.conn
                    .prepare_dynamic(&format!(
                        "INSERT INTO search_docmap__{index}(doc_id, fts_rowid) VALUES (?1, ?2)"
                    ))?
                    .execute(params![doc, rowid])?;
            }
        }
        let json = fields_to_json(fields);
        let updated = self
            .conn
            .prepare_dynamic(&format!(
                "UPDATE search_docs__{index} SET score = ?1, fields_json = ?2, updated_at = ?3 \
                 WHERE doc_id = ?4"
            ))?
            .execute(params![score, json, now, doc])?;
        if updated == 0 {
            self.conn
                .prepare_dynamic(&format!(
                    "INSERT INTO search_docs__{index}(doc_id, score, fields_json, created_at, \
                     updated_at) VALUES (?1, ?2, ?3, ?4, ?4)"
                ))?
                .execute(params![doc, score, json, now])?;
        }
        self.fts_write(index, &names, rowid, &column_values(&names, fields), false)
    }

    fn ft_del(&mut self, index: &str, doc: &str) -> Result<bool> {
        let (names, ..) = self.index_meta(index)?;
        let Some(rowid) = self.doc_rowid(index, doc)? else {
            return Ok(false);
        };
        if let Some(fields) = self.doc_fields(index, doc)? {
            self.fts_write(index, &names, rowid, &column_values(&names, &fields), true)?;
        }
        for table in ["docs", "docmap"] {
            self.conn
                .prepare_dynamic(&format!(
                    "DELETE FROM search_{table}__{index} WHERE doc_id = ?1"
                ))?
                .execute([doc])?;
        }
        Ok(true)
    }

    fn ft_get(&mut self, index: &str, doc: &str) -> Result<Option<Fields>> {
        let (names, ..) = self.index_meta(index)?;
        let Some(fields) = self.doc_fields(index, doc)? else {
            return Ok(None);
        };
        Ok(Some(
            names
                .iter()
                .filter_map(|n| fields.iter().find(|(k, _)| k == n).cloned())
                .collect(),
        ))
    }

    fn ft_search(
        &mut self,
        index: &str,
        expr: &str,
        offset: u64,
        count: u64,
    ) -> Result<SearchPage> {
        self.index_meta(index)?;
        let fts = format!("search_fts__{index}");
        let map = format!("search_docmap__{index}");
        // A query FTS5 cannot parse is the client's error, not a fault.
        let invalid = |e: rusqlite::Error| match e {
            rusqlite::Error::SqliteFailure(_, Some(msg)) if msg.contains("fts5") => {
                EngineError::Refused("ERR invalid query".into())
            }
            other => EngineError::Sqlite(other),
        };
        let total: i64 = self
            .conn
            .prepare_dynamic(&format!(
                "SELECT count(*) FROM {fts} f JOIN {map} m ON f.rowid = m.fts_rowid \
                 WHERE {fts} MATCH ?1"
            ))?
            .query_row([expr], |r| r.get(0))
            .map_err(invalid)?;
        // bm25() is negative, more so for better matches: ascending is best
        // first, and a higher document score pushes a match further up.
        let rows: Vec<(String, String)> = self
            .conn
            .prepare_dynamic(&format!(
                "SELECT m.doc_id, d.fields_json FROM {fts} f \
                 JOIN {map} m ON f.rowid = m.fts_rowid \
                 JOIN search_docs__{index} d ON d.doc_id = m.doc_id \
                 WHERE {fts} MATCH ?1 ORDER BY bm25({fts}) * d.score ASC LIMIT ?2 OFFSET ?3"
            ))?
            .query_map(params![expr, count as i64, offset as i64], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(invalid)?
            .collect::<rusqlite::Result<_>>()
            .map_err(invalid)?;
        let docs = rows
            .into_iter()
            .map(|(id, json)| Ok((id, fields_from_json(&json)?)))
            .collect::<Result<_>>()?;
        Ok(SearchPage {
            total: total as u64,
            docs,
        })
    }

    fn ft_sugadd(
        &mut self,
        index: &str,
        term: &str,
        score: f64,
        incr: bool,
        payload: Option<&str>,
    ) -> Result<bool> {
        self.index_meta(index)?;
        let now = crate::util::now_ms();
        let existing: Option<f64> = self
            .conn
            .prepare_dynamic(&format!(
                "SELECT score FROM search_sugs__{index} WHERE term = ?1"
            ))?
            .query_row([term], |r| r.get(0))
            .optional()?;
        if let Some(old) = existing {
            let score = if incr { old + score } else { score };
            self.conn
                .prepare_dynamic(&format!(
                    "UPDATE search_sugs__{index} SET score = ?1, payload = ?2, updated_at = ?3 \
                     WHERE term = ?4"
                ))?
                .execute(params![score, payload, now, term])?;
            return Ok(false);
        }
        self.conn
            .prepare_dynamic(&format!(
                "INSERT INTO search_sugs__{index}(term, score, payload, updated_at) \
                 VALUES (?1, ?2, ?3, ?4)"
            ))?
            .execute(params![term, score, payload, now])?;
        Ok(true)
    }

    fn ft_sugget(&mut self, index: &str, prefix: &str, max: u64) -> Result<Vec<Suggestion>> {
        self.index_meta(index)?;
        // LIKE, as RESPlite matches: ASCII case-insensitive, `%` and `_` in
        // the prefix are wildcards.
        Ok(self
            .conn
            .prepare_dynamic(&format!(
                "SELECT term, score, payload FROM search_sugs__{index} WHERE term LIKE ?1 \
                 ORDER BY score DESC, term ASC LIMIT ?2"
            ))?
            .query_map(params![format!("{prefix}%"), max as i64], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    fn ft_sugdel(&mut self, index: &str, term: &str) -> Result<bool> {
        self.index_meta(index)?;
        let n = self
            .conn
            .prepare_dynamic(&format!("DELETE FROM search_sugs__{index} WHERE term = ?1"))?
            .execute([term])?;
        Ok(n > 0)
    }
}
