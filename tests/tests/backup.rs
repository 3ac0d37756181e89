//! `resplite backup`: consistent copies of a file a server is writing; the
//! `litestream` template, which leaves checkpoints to the replicating tool.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use resplite_tests::values::{paired_steps, spawn_paired_writer, wait_paired};
use resplite_tests::{binary, q, Resplite};

fn backup(dest: &Path, db: &Path) -> Output {
    Command::new(binary())
        .arg("backup")
        .arg(dest)
        .arg("--db")
        .arg(db)
        .output()
        .unwrap()
}

/// A writer keeps INCR n and RPUSH l in one transaction while backups are
/// taken: every copy passes `integrity_check`, opens in a server, and has
/// n equal to LLEN l (a snapshot, never half a transaction).
#[tokio::test]
async fn backups_while_writing_are_consistent_snapshots() {
    let server = Resplite::start();
    let stop = Arc::new(AtomicBool::new(false));
    let writer = spawn_paired_writer(server.client().await, stop.clone());
    let dir = tempfile::tempdir().unwrap();
    let mut c = server.client().await;
    let mut seen = Vec::new();
    for i in 0..3 {
        // Let the writer get going (and keep going) between copies.
        let target = (i + 1) * 200;
        wait_paired(&mut c, target).await;
        let dest = dir.path().join(format!("copy{i}.db"));
        let out = backup(&dest, &server.db);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let check: String = rusqlite::Connection::open(&dest)
            .unwrap()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
        let copy = Resplite::on_db(&dest, &[]);
        let n = paired_steps(&mut copy.client().await).await;
        assert!(n >= target);
        seen.push(n);
        // A backup never overwrites.
        assert!(!backup(&dest, &server.db).status.success());
    }
    stop.store(true, Ordering::Relaxed);
    let steps = writer.await.unwrap();
    assert!(seen.windows(2).all(|w| w[0] <= w[1]));
    assert!(steps as i64 >= *seen.last().unwrap());
}

fn wal_len(db: &std::path::Path) -> u64 {
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(wal).map_or(0, |m| m.len())
}

/// What Litestream relies on: resplite never checkpoints (SAVE, shutdown,
/// background), so the WAL keeps every frame until the tool has copied it;
/// the tool's own checkpoint, from another process while serving, works.
/// For contrast, `minimal` (SAVE's checkpoint and nothing else: no background
/// checkpoint to race with) empties the WAL on SAVE.
#[tokio::test]
async fn litestream_template_leaves_checkpoints_to_the_tool() {
    for (template, owns) in [("minimal", true), ("litestream", false)] {
        let mut server = Resplite::start_with(&["--pragma-template", template]);
        // Like Litestream, hold a connection of our own on the file.
        let tool = rusqlite::Connection::open(&server.db).unwrap();
        tool.busy_timeout(std::time::Duration::from_secs(5))
            .unwrap();
        let mut c = server.client().await;
        for i in 0..500 {
            let k = format!("k{i}");
            let _: () = q(&mut c, &[b"SET", k.as_bytes(), &[b'v'; 200]])
                .await
                .unwrap();
        }
        let _: () = q(&mut c, &[b"SAVE"]).await.unwrap();
        // The storage thread checkpoints for SAVE before it runs the next job.
        let _: Option<Vec<u8>> = q(&mut c, &[b"GET", b"k0"]).await.unwrap();
        assert_eq!(wal_len(&server.db) == 0, owns, "{template}: WAL after SAVE");
        if owns {
            continue;
        }
        // The tool checkpoints while the server serves.
        let (busy, _, _): (i64, i64, i64) = tool
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap();
        assert_eq!(busy, 0);
        assert_eq!(wal_len(&server.db), 0);
        let _: () = q(&mut c, &[b"SET", b"after", b"1"]).await.unwrap();
        assert_eq!(q::<i64>(&mut c, &[b"DBSIZE"]).await.unwrap(), 501);
        // Shutdown leaves the WAL to the tool too.
        let _ = server.stop();
        assert!(wal_len(&server.db) > 0, "the shutdown checkpointed");
        let n: i64 = tool
            .query_row("SELECT count(*) FROM redis_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 501);
    }
}
