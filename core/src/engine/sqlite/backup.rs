//! Online backups: a consistent copy of a database file while a server keeps
//! serving it.

use std::path::Path;

use rusqlite::Connection;

/// Writes a compact, consistent copy of `src` to `dest` with `VACUUM INTO`:
/// one read transaction, so it never blocks the server's writes and, unlike
/// SQLite's page-copying backup API, never restarts when they happen.
/// Refuses to overwrite `dest`. Returns the copy's size in bytes, or what
/// went wrong, for the user.
pub fn backup(src: &Path, dest: &Path) -> Result<u64, String> {
    if !src.is_file() {
        return Err(format!("{} is not a database file", src.display()));
    }
    if dest.exists() {
        return Err(format!(
            "{} exists; a backup never overwrites",
            dest.display()
        ));
    }
    let dest_str = dest.to_str().ok_or("the destination path is not UTF-8")?;
    let sqlite = |e: rusqlite::Error| format!("sqlite: {e}");
    let conn = Connection::open(src).map_err(sqlite)?;
    conn.busy_timeout(std::time::Duration::from_secs(30))
        .map_err(sqlite)?;
    conn.execute("VACUUM INTO ?1", [dest_str]).map_err(sqlite)?;
    Ok(std::fs::metadata(dest).map_or(0, |m| m.len()))
}
