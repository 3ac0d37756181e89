//! The semantic storage interface. Commands see only [`Engine`]; the SQLite
//! implementation lives in [`sqlite`].

mod functions;
mod hash;
pub mod hash_ttl;
mod list;
pub mod search;
mod set;
pub mod sqlite;
pub mod stream;
mod string;
pub mod value;
mod zset;

pub use functions::FunctionStore;
pub use hash::HashOps;
pub use hash_ttl::HashTtlOps;
pub use list::ListOps;
pub use search::{HashSearchOps, SearchOps};
pub use set::SetOps;
pub use sqlite::{Modified, PragmaTemplate, SqliteEngine};
pub use stream::StreamOps;
pub use string::StringOps;
pub use value::ValueOps;
pub use zset::{
    Aggregate, LexBound, LexRange, ScoreBound, ScoreRange, Scored, SetOp, ZAddCounts, ZAddFlags,
    ZIncr, ZRange, ZRangeBy, ZSetOps, ZSource,
};

/// Failures of the storage layer. `WrongType` is semantic (a command asked a key
/// for the wrong kind of value); the rest are real faults.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("key holds another type")]
    WrongType,
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("corrupt database: {0}")]
    Corrupt(String),
    /// A request the data refuses, with the error line to answer
    /// (`Unknown index name`, `ERR document exists`).
    #[error("{0}")]
    Refused(String),
}

pub type Result<T, E = EngineError> = std::result::Result<T, E>;

/// The Redis type of a key; the numbers are the `redis_keys.type` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum KeyType {
    String = 1,
    Hash = 2,
    Set = 3,
    List = 4,
    ZSet = 5,
    Stream = 6,
}

impl KeyType {
    /// As TYPE names it.
    pub fn name(self) -> &'static str {
        match self {
            KeyType::String => "string",
            KeyType::Hash => "hash",
            KeyType::Set => "set",
            KeyType::List => "list",
            KeyType::ZSet => "zset",
            KeyType::Stream => "stream",
        }
    }

    pub fn from_code(code: i64) -> Option<KeyType> {
        Some(match code {
            1 => KeyType::String,
            2 => KeyType::Hash,
            3 => KeyType::Set,
            4 => KeyType::List,
            5 => KeyType::ZSet,
            6 => KeyType::Stream,
            _ => return None,
        })
    }

    /// Parses a TYPE name (`SCAN ... TYPE hash`), case-insensitively.
    pub fn from_name(name: &[u8]) -> Option<KeyType> {
        [
            KeyType::String,
            KeyType::Hash,
            KeyType::Set,
            KeyType::List,
            KeyType::ZSet,
            KeyType::Stream,
        ]
        .into_iter()
        .find(|t| name.eq_ignore_ascii_case(t.name().as_bytes()))
    }
}

/// What the keyspace knows about a live key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyMeta {
    pub key_type: KeyType,
    /// Absolute deadline in ms since epoch; `None` = persistent.
    pub expires_at: Option<i64>,
    /// Last write, ms since epoch.
    pub updated_at: i64,
}

/// Filters for [`Engine::scan`].
#[derive(Debug, Default, Clone)]
pub struct ScanFilter {
    pub pattern: Option<Vec<u8>>,
    pub key_type: Option<KeyType>,
}

/// One SCAN step: the next cursor (0 when done) and the keys found.
#[derive(Debug, Default)]
pub struct ScanPage {
    pub cursor: u64,
    pub keys: Vec<Vec<u8>>,
}

/// A key with its database number: the identity WATCH, blocked clients and
/// keyspace events work with.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DbKey {
    pub db: u32,
    pub key: Vec<u8>,
}

impl DbKey {
    pub fn new(db: u32, key: Vec<u8>) -> DbKey {
        DbKey { db, key }
    }
}

/// Semantic storage operations. Every call sees the clock set by
/// [`Engine::set_clock`]: keys whose deadline has passed are gone (lazily deleted
/// on access), whichever method looks at them.
///
/// Object-safe so commands, migration and downstream crates share `&mut dyn Engine`.
/// Each data type's operations live in their own trait (`HashOps`, `SetOps`,
/// `ListOps`, `ZSetOps`, `StreamOps`), all part of `Engine`.
pub trait Engine:
    HashOps
    + HashTtlOps
    + SearchOps
    + HashSearchOps
    + SetOps
    + ListOps
    + ZSetOps
    + StreamOps
    + StringOps
    + FunctionStore
{
    /// Fixes "now" for the command about to run (Redis caches time per command).
    fn set_clock(&mut self, now_ms: i64);
    fn now_ms(&self) -> i64;

    /// Selects the database the key operations below work in (SELECT).
    fn select(&mut self, db: u32);
    fn selected(&self) -> u32;

    /// Type and deadline of a live key.
    fn meta(&mut self, key: &[u8]) -> Result<Option<KeyMeta>>;
    /// A string's value; `WrongType` for other types.
    fn get_string(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>>;
    /// Stores a string, replacing whatever the key held (of any type).
    fn set_string(&mut self, key: &[u8], value: &[u8], expires_at: Option<i64>) -> Result<()>;
    /// Replaces the value of an existing string key, keeping its deadline
    /// (APPEND, INCR, SETRANGE). The caller has checked that it is a string.
    fn update_string(&mut self, key: &[u8], value: &[u8]) -> Result<()>;
    /// Deletes a key of any type. True if it existed.
    fn delete(&mut self, key: &[u8]) -> Result<bool>;
    /// Sets or clears the deadline of a live key. True if the key exists.
    fn set_expiry(&mut self, key: &[u8], expires_at: Option<i64>) -> Result<bool>;
    /// Backdates a key's last write (OBJECT IDLETIME; RESTORE ... IDLETIME).
    fn set_updated_at(&mut self, key: &[u8], at_ms: i64) -> Result<bool>;
    /// Moves `from` (with its deadline) to `to`, replacing `to`. False if `from`
    /// does not exist.
    fn rename(&mut self, from: &[u8], to: &[u8]) -> Result<bool>;
    /// MOVE: moves `key` to database `db`. False if it does not exist here
    /// or already exists there.
    fn move_key(&mut self, key: &[u8], db: u32) -> Result<bool>;
    /// COPY: copies `src` (contents and deadline) to `dst` in database `db`.
    /// False if `src` is missing, or `dst` exists and not `replace`.
    fn copy_key(&mut self, src: &[u8], db: u32, dst: &[u8], replace: bool) -> Result<bool>;
    /// SWAPDB: the two databases exchange their keys. O(1).
    fn swap_db(&mut self, a: u32, b: u32) -> Result<()>;
    /// Keys in the selected database, counting ones that expired but were not
    /// yet collected (as Redis' DBSIZE does).
    fn dbsize(&mut self) -> Result<u64>;
    /// Keys in database `db`.
    fn dbsize_of(&mut self, db: u32) -> Result<u64>;
    /// The databases holding at least one key, in order (INFO keyspace).
    fn nonempty_dbs(&mut self) -> Result<Vec<u32>>;
    /// Deletes every key of the selected database (FLUSHDB).
    fn flush_db(&mut self) -> Result<()>;
    /// Deletes every key of every database (FLUSHALL).
    fn flush_all(&mut self) -> Result<()>;
    /// One step of a cursor iteration over live keys.
    fn scan(&mut self, cursor: u64, count: usize, filter: &ScanFilter) -> Result<ScanPage>;
    /// Every live key matching a glob pattern.
    fn keys(&mut self, pattern: &[u8]) -> Result<Vec<Vec<u8>>>;
    fn random_key(&mut self) -> Result<Option<Vec<u8>>>;
    /// Deletes up to `limit` expired keys of any database; returns how many.
    fn sweep_expired(&mut self, limit: usize) -> Result<usize>;
    /// Keys with a deadline in database `db` (INFO keyspace `expires=`).
    fn expires_count(&mut self, db: u32) -> Result<u64>;
    /// Keys removed because their deadline passed, since start.
    fn expired_keys(&self) -> u64;
    /// The keys expired (lazily or by the sweeper) since the last call, while
    /// the executor asks for them (keyspace `expired` events); else empty.
    fn take_expired(&mut self) -> Vec<DbKey> {
        Vec::new()
    }
    /// Writes counted so far for `rdb_changes_since_last_save` (Redis'
    /// dirty counter; the executor takes them after each command).
    fn changes(&self) -> u64 {
        0
    }
    /// Replaces that count (a command that counts as Redis does).
    fn set_changes(&mut self, _n: u64) {}
    /// The keys created since the last call (keyspace `new` events), while
    /// the executor asks for them; else empty.
    fn take_created(&mut self) -> Vec<DbKey> {
        Vec::new()
    }
}
