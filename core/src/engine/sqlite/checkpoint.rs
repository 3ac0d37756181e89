//! Background WAL checkpoints.
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses its
//! threshold: the storage thread copies pages into the database file and waits
//! for two fsyncs while every client of that group waits too. Here a thread of
//! its own runs PASSIVE checkpoints (which never block the writer) on a second
//! connection, and the writer's automatic checkpoint stays on only as a backstop
//! at a higher threshold: under a write load that never pauses, a checkpoint
//! running beside the writer never catches up with it, and only a checkpoint
//! between two commits lets the WAL start over from its beginning.

use std::path::Path;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::Connection;

/// How often the thread checkpoints what the WAL has gained.
const INTERVAL: Duration = Duration::from_millis(100);

/// The writer's own automatic checkpoint, in pages (64 MB of 4 KB pages).
pub const BACKSTOP_PAGES: u32 = 16_000;

pub struct Checkpointer {
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Checkpointer {
    /// Starts checkpointing the WAL of the database at `path`.
    pub fn spawn(path: &Path) -> std::io::Result<Checkpointer> {
        let conn = Connection::open(path).map_err(std::io::Error::other)?;
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("resplite-ckpt".into())
            .spawn(move || loop {
                match stopped.recv_timeout(INTERVAL) {
                    Err(RecvTimeoutError::Timeout) => {}
                    // Stopped (or the engine is gone).
                    Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
                }
                // PASSIVE takes no lock that the writer waits on; when it cannot
                // proceed it returns, and the next round tries again.
                if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                    tracing::debug!(error = %e, "background checkpoint skipped");
                }
            })?;
        Ok(Checkpointer {
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for Checkpointer {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
