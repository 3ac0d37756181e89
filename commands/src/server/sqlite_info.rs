//! SQLITE.INFO and CACHE.INFO, resplite's own introspection commands (after
//! the original RESPlite's): the database file, its WAL, the pragma template,
//! and the page cache that serves reads.
//!
//! Everything comes from the server's configuration and the file system; the
//! page size from the database header (as of the last checkpoint).

use std::io::Read;
use std::path::PathBuf;

use resplite_core::prelude::*;
use resplite_core::server::ServerState;

/// What can be known about the database without asking SQLite.
pub(crate) struct FileInfo {
    pub path: PathBuf,
    pub template: &'static str,
    pub pragmas: &'static str,
    pub db_bytes: u64,
    pub wal_bytes: u64,
    pub shm_bytes: u64,
    pub page_size: u64,
    /// SQLite's page cache limit, KiB (`cache_size`; SQLite's default 2000).
    pub cache_kib: u64,
    pub mmap_bytes: u64,
}

impl FileInfo {
    pub fn read(state: &ServerState) -> FileInfo {
        let (path, pragma) = {
            let config = state.config.read().expect("config lock");
            (config.db_path.clone(), config.pragma)
        };
        let size = |suffix: &str| {
            let mut p = path.clone().into_os_string();
            p.push(suffix);
            std::fs::metadata(p).map_or(0, |m| m.len())
        };
        let sql = pragma.sql();
        FileInfo {
            db_bytes: size(""),
            wal_bytes: size("-wal"),
            shm_bytes: size("-shm"),
            page_size: page_size(&path),
            cache_kib: pragma_value(sql, "cache_size").map_or(2000, |v| {
                // Negative: KiB; positive: pages.
                if v < 0 {
                    v.unsigned_abs()
                } else {
                    v as u64 * page_size(&path) / 1024
                }
            }),
            mmap_bytes: pragma_value(sql, "mmap_size").map_or(0, |v| v.max(0) as u64),
            template: pragma.name(),
            pragmas: sql,
            path,
        }
    }
}

/// Bytes 16-17 of the header, big-endian; 1 means 65536.
fn page_size(path: &std::path::Path) -> u64 {
    let mut header = [0u8; 18];
    let read = std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut header));
    match read.map(|_| u16::from_be_bytes([header[16], header[17]])) {
        Ok(1) => 65_536,
        Ok(n) => u64::from(n),
        Err(_) => 0,
    }
}

/// The value of `PRAGMA name=value` in a template's SQL.
fn pragma_value(sql: &str, name: &str) -> Option<i64> {
    let start = sql.find(&format!("{name}="))? + name.len() + 1;
    let rest = &sql[start..];
    let end = rest
        .find(|c: char| c != '-' && !c.is_ascii_digit())
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

fn pair(k: &'static str, v: Reply) -> (Reply, Reply) {
    (Reply::bulk(k), v)
}

/// SQLITE.INFO
pub struct SqliteInfo;

impl Command for SqliteInfo {
    const SPEC: CommandSpec = CommandSpec::new(
        "sqlite.info",
        1,
        Flags::LOADING.union(Flags::STALE),
        "server",
    )
    .summary("Returns the SQLite database's file, sizes and settings (resplite).");

    fn parse(_args: &mut Args) -> Result<Self, CommandError> {
        Ok(SqliteInfo)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let f = FileInfo::read(ctx.server);
        let keys = ctx.engine.dbsize()?;
        let expires = ctx.engine.expires_count(ctx.session.db)?;
        let int = |n: u64| Reply::Int(n as i64);
        Ok(Reply::Map(vec![
            pair("sqlite_version", Reply::bulk(ServerState::sqlite_version())),
            pair("db_path", Reply::bulk(f.path.display().to_string())),
            pair("pragma_template", Reply::bulk(f.template)),
            pair("pragmas", Reply::bulk(normalize_ws(f.pragmas))),
            pair("journal_mode", Reply::bulk(journal_mode(f.pragmas))),
            pair("db_size_bytes", int(f.db_bytes)),
            pair("wal_size_bytes", int(f.wal_bytes)),
            pair("shm_size_bytes", int(f.shm_bytes)),
            pair("page_size", int(f.page_size)),
            pair("keys", int(keys)),
            pair("expires", int(expires)),
        ]))
    }
}

/// CACHE.INFO: resplite keeps no cache of its own; reads are served by
/// SQLite's page cache and, with the `performance` template, memory-mapped I/O.
pub struct CacheInfo;

impl Command for CacheInfo {
    const SPEC: CommandSpec = CommandSpec::new(
        "cache.info",
        1,
        Flags::LOADING.union(Flags::STALE),
        "server",
    )
    .summary("Returns the read cache's settings (resplite: SQLite's page cache).");

    fn parse(_args: &mut Args) -> Result<Self, CommandError> {
        Ok(CacheInfo)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let f = FileInfo::read(ctx.server);
        let (rss, _) = super::process::memory();
        let int = |n: u64| Reply::Int(n as i64);
        Ok(Reply::Map(vec![
            pair("cache", Reply::bulk("sqlite-page-cache")),
            pair("pragma_template", Reply::bulk(f.template)),
            pair("cache_size_kib", int(f.cache_kib)),
            pair("cache_size_bytes", int(f.cache_kib * 1024)),
            pair("mmap_size_bytes", int(f.mmap_bytes)),
            pair("page_size", int(f.page_size)),
            pair("process_rss_bytes", int(rss)),
        ]))
    }
}

/// `PRAGMA a; \n   PRAGMA b;` on one line.
fn normalize_ws(sql: &str) -> String {
    sql.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn journal_mode(sql: &str) -> &'static str {
    if sql.contains("journal_mode=WAL") {
        "wal"
    } else {
        "unchanged"
    }
}

/// MEMORY.INFO, the Node.js RESPlite's process memory report, in its shape:
/// a flat array of names and decimal strings. resplite has no JavaScript
/// heap: `heapUsed`/`heapTotal` are the resident set now and at its peak
/// (SQLite's own counters are compiled out), `external` the script engines'
/// memory.
pub struct MemoryInfo;

impl Command for MemoryInfo {
    const SPEC: CommandSpec = CommandSpec::new(
        "memory.info",
        1,
        Flags::LOADING.union(Flags::STALE),
        "server",
    )
    .summary("Returns the process' memory use (RESPlite's shape).");

    fn parse(_args: &mut Args) -> Result<Self, CommandError> {
        Ok(MemoryInfo)
    }

    fn apply(self, ctx: &mut Ctx) -> Result<Reply, CommandError> {
        let (rss, peak) = super::process::memory();
        let scripts = &ctx.server.script_stats;
        let load = |n: &std::sync::atomic::AtomicU64| n.load(std::sync::atomic::Ordering::Relaxed);
        let external = load(&scripts.eval_memory) + load(&scripts.functions_memory);
        let mut out = Vec::new();
        for (name, n) in [
            ("heapUsed", rss),
            ("heapTotal", peak),
            ("rss", rss),
            ("external", external),
        ] {
            out.push(Reply::bulk(name));
            out.push(Reply::bulk(n.to_string()));
        }
        Ok(Reply::Array(out))
    }
}

register_command!(SqliteInfo, CacheInfo, MemoryInfo);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pragma_values() {
        let sql =
            "PRAGMA journal_mode=WAL; PRAGMA cache_size=-65536;\n PRAGMA mmap_size=1073741824;";
        assert_eq!(pragma_value(sql, "cache_size"), Some(-65536));
        assert_eq!(pragma_value(sql, "mmap_size"), Some(1_073_741_824));
        assert_eq!(pragma_value(sql, "busy_timeout"), None);
        assert_eq!(pragma_value("", "cache_size"), None);
    }
}
