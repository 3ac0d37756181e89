//! `resplite backup`: consistent copies of a file a server is writing.

use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use resplite_tests::{binary, q, Resplite};

/// A writer keeps INCR n and RPUSH l in one transaction while backups are
/// taken: every copy passes `integrity_check`, opens in a server, and has
/// n equal to LLEN l (a snapshot, never half a transaction).
#[tokio::test]
async fn backups_while_writing_are_consistent_snapshots() {
    let server = Resplite::start();
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let mut c = server.client().await;
        let stop = stop.clone();
        tokio::spawn(async move {
            let mut steps = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let _: () = redis::pipe()
                    .atomic()
                    .cmd("INCR")
                    .arg("n")
                    .ignore()
                    .cmd("RPUSH")
                    .arg("l")
                    .arg(steps)
                    .ignore()
                    .query_async(&mut c)
                    .await
                    .unwrap();
                steps += 1;
            }
            steps
        })
    };
    let dir = tempfile::tempdir().unwrap();
    let mut seen = Vec::new();
    for i in 0..3 {
        // Let the writer get going (and keep going) between copies.
        let mut c = server.client().await;
        let target = (i + 1) * 200;
        while q::<i64>(&mut c, &[b"LLEN", b"l"]).await.unwrap() < target {
            tokio::task::yield_now().await;
        }
        let dest = dir.path().join(format!("copy{i}.db"));
        let out = Command::new(binary())
            .arg("backup")
            .arg(&dest)
            .arg("--db")
            .arg(&server.db)
            .output()
            .unwrap();
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
        let mut cc = copy.client().await;
        let n: i64 = q(&mut cc, &[b"GET", b"n"]).await.unwrap();
        let len: i64 = q(&mut cc, &[b"LLEN", b"l"]).await.unwrap();
        assert_eq!(n, len);
        assert!(n >= target);
        seen.push(n);
        // A backup never overwrites.
        let again = Command::new(binary())
            .arg("backup")
            .arg(&dest)
            .arg("--db")
            .arg(&server.db)
            .output()
            .unwrap();
        assert!(!again.status.success());
    }
    stop.store(true, Ordering::Relaxed);
    let steps = writer.await.unwrap();
    assert!(seen.windows(2).all(|w| w[0] <= w[1]));
    assert!(steps as i64 >= *seen.last().unwrap());
}
