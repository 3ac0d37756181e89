//! Full-text search indexes (FT.*), as the Node.js RESPlite serves them: each
//! index a store of documents (added with FT.ADD, apart from the keyspace)
//! with an FTS5 table ranked by BM25, and a dictionary of suggestions.
//!
//! Errors a client caused come back as [`EngineError::Refused`] carrying
//! RESPlite's line (`Unknown index name`, `ERR document exists`, ...).
//!
//! [`EngineError::Refused`]: super::EngineError::Refused

use super::Result;

/// FT.INFO's facts about an index.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexInfo {
    pub name: String,
    /// Field names, in the schema's (sorted) order.
    pub fields: Vec<String>,
    pub num_docs: u64,
    pub fts_rows: u64,
    pub num_suggestions: u64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A document's fields, in the order FT.ADD gave them.
pub type Fields = Vec<(String, String)>;

/// One page of FT.SEARCH: the total of matches, then the page's documents.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchPage {
    pub total: u64,
    pub docs: Vec<(String, Fields)>,
}

/// A suggestion: term, score, payload.
pub type Suggestion = (String, f64, Option<String>);

/// Part of [`Engine`](super::Engine). Index names and field names are
/// checked by the commands (they become SQL identifiers); the engine trusts
/// them.
pub trait SearchOps {
    /// `ERR index already exists` if it does.
    fn ft_create(&mut self, index: &str, fields: &[String]) -> Result<()>;
    fn ft_info(&mut self, index: &str) -> Result<IndexInfo>;
    /// Every index, by name.
    fn ft_list(&mut self) -> Result<Vec<String>>;
    /// Drops an index with its documents and suggestions.
    fn ft_drop(&mut self, index: &str) -> Result<()>;
    /// Adds a document, or replaces it when `replace` (`ERR document exists`
    /// otherwise). `fields` must be the schema's; absent ones index as empty.
    fn ft_add(
        &mut self,
        index: &str,
        doc: &str,
        score: f64,
        replace: bool,
        fields: &[(String, String)],
    ) -> Result<()>;
    /// True if the document existed.
    fn ft_del(&mut self, index: &str, doc: &str) -> Result<bool>;
    /// A document's fields in schema order, `None` if it is not there.
    fn ft_get(&mut self, index: &str, doc: &str) -> Result<Option<Fields>>;
    /// Documents matching an FTS5 MATCH expression (built by the command),
    /// best first: BM25 times the document's score, ascending.
    fn ft_search(&mut self, index: &str, expr: &str, offset: u64, count: u64)
        -> Result<SearchPage>;
    /// True if the term is new; an existing one gets `score` (added to its
    /// own with `incr`) and `payload`.
    fn ft_sugadd(
        &mut self,
        index: &str,
        term: &str,
        score: f64,
        incr: bool,
        payload: Option<&str>,
    ) -> Result<bool>;
    /// Up to `max` terms starting with `prefix` (SQL LIKE, as RESPlite
    /// matches them), best score first.
    fn ft_sugget(&mut self, index: &str, prefix: &str, max: u64) -> Result<Vec<Suggestion>>;
    fn ft_sugdel(&mut self, index: &str, term: &str) -> Result<bool>;
}
