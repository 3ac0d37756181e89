//! `resplite import` and `resplite export`: RDB files in and out of a
//! database file, through the engine's whole-value operations (the same
//! writes the commands make).

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use resplite_core::engine::{
    Engine, FunctionStore, PragmaTemplate, ScanFilter, SqliteEngine, ValueOps,
};
use resplite_core::rdb::{FileReader, FileWriter, Item};

#[derive(clap::Args)]
pub struct ImportArgs {
    /// The RDB file (as redis-server's SAVE/BGSAVE writes it).
    rdb: PathBuf,
    /// The database file to fill (created if missing; keys already in it
    /// with a name the RDB also has are replaced).
    #[arg(long)]
    to: PathBuf,
}

#[derive(clap::Args)]
pub struct ExportArgs {
    /// Where the RDB file goes (must not exist).
    #[arg(long)]
    rdb: PathBuf,
    /// The database file to read (a server may be serving it).
    #[arg(long)]
    from: PathBuf,
}

/// A transaction's size when importing, whichever limit comes first: big
/// enough that commits cost little (1M small keys: 135k keys/s in batches of
/// 2,000, 230k of 20,000, 300k of 100,000), short enough that a server on
/// the same file waits at most this long for its lock.
const BATCH_KEYS: usize = 100_000;
const BATCH_BYTES: u64 = 64 << 20;
const BATCH_TIME: Duration = Duration::from_millis(250);

fn progress_due(last: &mut Instant) -> bool {
    if last.elapsed() >= Duration::from_secs(2) {
        *last = Instant::now();
        return true;
    }
    false
}

pub fn import(args: &ImportArgs) -> Result<String, String> {
    let started = Instant::now();
    let file = File::open(&args.rdb).map_err(|e| format!("{}: {e}", args.rdb.display()))?;
    let total = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut reader = FileReader::new(BufReader::new(file)).map_err(|e| e.to_string())?;
    let mut engine = open(&args.to, PragmaTemplate::Default)?;
    engine
        .tune_for_bulk_load()
        .map_err(|e| format!("{}: {e}", args.to.display()))?;
    let now = resplite_core::util::now_ms();
    engine.set_clock(now);
    let (mut keys, mut expired, mut functions) = (0u64, 0u64, 0u64);
    let (mut batch, mut batch_bytes, mut batch_start) = (0usize, 0u64, Instant::now());
    let mut last = Instant::now();
    let sqlite = |e: resplite_core::EngineError| format!("writing {}: {e}", args.to.display());
    engine.begin().map_err(sqlite)?;
    loop {
        let item = reader.next_item().map_err(|e| e.to_string())?;
        match item {
            Item::Eof => break,
            Item::SelectDb(db) => {
                let db = u32::try_from(db).map_err(|_| format!("database {db} is out of range"))?;
                engine.select(db);
            }
            Item::Key {
                key,
                value,
                expires_at,
            } => {
                // Redis drops keys that expired while the file sat on disk, too.
                if expires_at.is_some_and(|at| at <= now) {
                    expired += 1;
                    continue;
                }
                engine.put_value(&key, &value, expires_at).map_err(sqlite)?;
                keys += 1;
                batch += 1;
                batch_bytes += value.bytes() + key.len() as u64;
            }
            Item::Function(code) => {
                let name = resplite_scripting::functions::library_name(&code)
                    .map_err(|e| format!("a function library in the file: {e}"))?;
                engine.put_function_library(&name, &code).map_err(sqlite)?;
                functions += 1;
            }
            Item::Aux(..) | Item::Hint => {}
        }
        let full = batch >= BATCH_KEYS || batch_bytes >= BATCH_BYTES;
        if full || (batch % 1000 == 999 && batch_start.elapsed() >= BATCH_TIME) {
            engine.commit().map_err(sqlite)?;
            engine.begin().map_err(sqlite)?;
            (batch, batch_bytes, batch_start) = (0, 0, Instant::now());
            if progress_due(&mut last) {
                let pos = reader.position();
                eprintln!(
                    "import: {keys} keys, {} of {} MB ({:.0}%), {:.0} keys/s",
                    pos >> 20,
                    total >> 20,
                    100.0 * pos as f64 / total.max(1) as f64,
                    keys as f64 / started.elapsed().as_secs_f64()
                );
            }
        }
    }
    engine.commit().map_err(sqlite)?;
    reader.finish().map_err(|e| e.to_string())?;
    let secs = started.elapsed().as_secs_f64();
    Ok(format!(
        "imported {keys} keys ({expired} already expired, skipped) and {functions} function libraries from {} into {} in {secs:.1} s ({:.0} keys/s)",
        args.rdb.display(),
        args.to.display(),
        keys as f64 / secs.max(1e-9)
    ))
}

pub fn export(args: &ExportArgs) -> Result<String, String> {
    let started = Instant::now();
    if !args.from.is_file() {
        return Err(format!("{} is not a database file", args.from.display()));
    }
    if args.rdb.exists() {
        return Err(format!(
            "{} exists; an export never overwrites",
            args.rdb.display()
        ));
    }
    // Reading only: no checkpoints of our own (the file may be a running
    // server's, or Litestream's to checkpoint), a busy timeout.
    let mut engine = open(&args.from, PragmaTemplate::Litestream)?;
    let sqlite = |e: resplite_core::EngineError| format!("reading {}: {e}", args.from.display());
    // One read transaction: a snapshot, while a server keeps writing. With
    // the engine's clock at 0 no key counts as expired, so reading never
    // deletes (a write would need the server's lock); expired keys are left
    // out below instead.
    engine
        .connection()
        .execute_batch("BEGIN DEFERRED")
        .map_err(|e| format!("reading {}: {e}", args.from.display()))?;
    engine.set_clock(0);
    let now = resplite_core::util::now_ms();
    let tmp = args.rdb.with_extension("rdb.partial");
    let out = File::create(&tmp).map_err(|e| format!("{}: {e}", tmp.display()))?;
    let io = |e: std::io::Error| format!("writing {}: {e}", tmp.display());
    let mut w = FileWriter::new(BufWriter::with_capacity(1 << 20, out)).map_err(io)?;
    w.aux(b"resplite-ver", env!("CARGO_PKG_VERSION").as_bytes())
        .map_err(io)?;
    let mut functions = 0;
    for (_, code) in engine.function_libraries().map_err(sqlite)? {
        w.function(&code).map_err(io)?;
        functions += 1;
    }
    let mut keys = 0u64;
    let mut last = Instant::now();
    for db in engine.nonempty_dbs().map_err(sqlite)? {
        engine.select(db);
        let size = engine.dbsize_of(db).map_err(sqlite)?;
        let expires = engine.expires_count(db).map_err(sqlite)?;
        w.select_db(db, size, expires).map_err(io)?;
        let mut cursor = 0;
        loop {
            let page = engine
                .scan(cursor, 1000, &ScanFilter::default())
                .map_err(sqlite)?;
            for key in page.keys {
                let Some((value, expires_at)) = engine.read_value(&key).map_err(sqlite)? else {
                    continue;
                };
                if expires_at.is_some_and(|at| at <= now) {
                    continue;
                }
                w.key(&key, &value, expires_at).map_err(io)?;
                keys += 1;
            }
            if progress_due(&mut last) {
                eprintln!("export: {keys} keys");
            }
            if page.cursor == 0 {
                break;
            }
            cursor = page.cursor;
        }
    }
    let out = w.finish().map_err(io)?;
    out.into_inner()
        .map_err(|e| io(e.into_error()))?
        .sync_all()
        .map_err(io)?;
    let _ = engine.connection().execute_batch("COMMIT");
    std::fs::rename(&tmp, &args.rdb).map_err(io)?;
    Ok(format!(
        "exported {keys} keys and {functions} function libraries from {} to {} in {:.1} s",
        args.from.display(),
        args.rdb.display(),
        started.elapsed().as_secs_f64()
    ))
}

fn open(path: &Path, pragma: PragmaTemplate) -> Result<SqliteEngine, String> {
    SqliteEngine::open(path, pragma).map_err(|e| format!("{}: {e}", path.display()))
}
