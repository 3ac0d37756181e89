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

/// A RediSearch index over hashes (`FT.CREATE idx ON HASH PREFIX ...`):
/// hashes whose names start with a prefix are indexed as they are written.
#[derive(Debug, Clone, PartialEq)]
pub struct HashIndex {
    pub name: String,
    /// Key prefixes (empty: every hash).
    pub prefixes: Vec<Vec<u8>>,
    pub fields: Vec<FieldDef>,
}

/// One schema field: the hash field it reads and the name queries use.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldDef {
    pub field: String,
    pub alias: String,
    pub kind: FieldKind,
    pub sortable: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FieldKind {
    Text {
        weight: f64,
    },
    Tag {
        separator: char,
        case_sensitive: bool,
    },
    Numeric,
}

impl HashIndex {
    /// The position of the field a query names (by alias).
    pub fn field(&self, alias: &str) -> Option<usize> {
        self.fields.iter().position(|f| f.alias == alias)
    }
}

/// What an index is: RESPlite's store of FT.ADD documents, or hashes.
#[derive(Debug, Clone, PartialEq)]
pub enum IndexKind {
    Documents,
    Hashes(HashIndex),
}

/// A parsed RediSearch query; fields are positions in the index's schema.
#[derive(Debug, Clone, PartialEq)]
pub enum Query {
    /// `*`
    All,
    /// Words in the given text fields (all text fields when `None`).
    Text {
        fields: Option<Vec<usize>>,
        text: TextQuery,
    },
    /// `@tag:{a | b}`: any of the tags.
    Tag {
        field: usize,
        tags: Vec<String>,
    },
    /// `@num:[min max]`.
    Range {
        field: usize,
        min: RangeBound,
        max: RangeBound,
    },
    And(Vec<Query>),
    Or(Vec<Query>),
    Not(Box<Query>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum TextQuery {
    Word(String),
    Prefix(String),
    /// Words in this order, adjacent.
    Phrase(Vec<String>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RangeBound {
    pub value: f64,
    pub exclusive: bool,
}

/// How FT.SEARCH orders and pages.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryOptions {
    /// Field position and ascending; `None`: best score first.
    pub sort_by: Option<(usize, bool)>,
    pub offset: u64,
    pub count: u64,
    /// Only these keys (INKEYS).
    pub in_keys: Option<Vec<Vec<u8>>>,
}

/// A match: the hash's key and its relevance (higher is better).
pub type Hit = (Vec<u8>, f64);

/// Indexing state for FT.INFO.
#[derive(Debug, Clone, PartialEq)]
pub struct HashIndexInfo {
    pub num_docs: u64,
    pub max_doc_id: u64,
    pub indexing_failures: u64,
    /// Existing hashes indexed so far, 0 to 1 (new writes are indexed at once).
    pub percent_indexed: f64,
}

/// Part of [`Engine`](super::Engine): RediSearch's hash indexes.
pub trait HashSearchOps {
    fn ft_kind(&mut self, index: &str) -> Result<Option<IndexKind>>;
    /// Creates the index; existing hashes are indexed in the background
    /// (unless `scan` is false: SKIPINITIALSCAN).
    fn ft_create_hashes(&mut self, def: &HashIndex, scan: bool) -> Result<()>;
    /// Adds fields to the schema (FT.ALTER); existing hashes are indexed again.
    fn ft_alter_add(&mut self, index: &str, fields: &[FieldDef]) -> Result<()>;
    fn ft_query(
        &mut self,
        index: &str,
        query: &Query,
        options: &QueryOptions,
    ) -> Result<(u64, Vec<Hit>)>;
    fn ft_hash_info(&mut self, index: &str) -> Result<HashIndexInfo>;
    /// Drops a hash index; with `delete_keys` (DD) its hashes too.
    fn ft_drop_hashes(&mut self, index: &str, delete_keys: bool) -> Result<()>;
}
