//! `resplite backup`: consistent copies of a file a server is writing; the
//! `litestream` template, which leaves checkpoints to the replicating tool.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use resplite_tests::values::{paired_steps, spawn_paired_writer, wait_paired};
use resplite_tests::{assert_integrity, binary, q, Resplite};

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
        assert_integrity(&dest);
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

/// Issue 17's acceptance: a backup during a 50-client write load opens with
/// `integrity_check` ok and holds every write acknowledged before the backup
/// started. Each client INCRs its own counter and publishes the value it
/// got back; what the counters had reached when the backup began is the
/// floor the copy must hold.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_under_fifty_writers_holds_every_acknowledged_write() {
    const CLIENTS: usize = 50;
    let server = Resplite::start();
    let stop = Arc::new(AtomicBool::new(false));
    let acked: Arc<Vec<std::sync::atomic::AtomicI64>> = Arc::new(
        (0..CLIENTS)
            .map(|_| std::sync::atomic::AtomicI64::new(0))
            .collect(),
    );
    let mut writers = Vec::new();
    for i in 0..CLIENTS {
        let mut c = server.client().await;
        let (stop, acked) = (stop.clone(), acked.clone());
        writers.push(tokio::spawn(async move {
            let key = format!("c:{i}");
            while !stop.load(Ordering::Relaxed) {
                let n: i64 = q(&mut c, &[b"INCR", key.as_bytes()]).await.unwrap();
                acked[i].store(n, Ordering::Release);
            }
        }));
    }
    let mut c = server.client().await;
    while acked.iter().any(|a| a.load(Ordering::Acquire) < 20) {
        tokio::task::yield_now().await;
    }
    let floor: Vec<i64> = acked.iter().map(|a| a.load(Ordering::Acquire)).collect();
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("copy.db");
    let out = tokio::task::spawn_blocking({
        let (dest, db) = (dest.clone(), server.db.clone());
        move || backup(&dest, &db)
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The load went on during the copy.
    let during: i64 = q(&mut c, &[b"GET", b"c:0"]).await.unwrap();
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }
    assert_integrity(&dest);
    let copy = Resplite::on_db(&dest, &[]);
    let mut cc = copy.client().await;
    for (i, floor) in floor.iter().enumerate() {
        let key = format!("c:{i}");
        let n: i64 = q(&mut cc, &[b"GET", key.as_bytes()]).await.unwrap();
        assert!(
            n >= *floor,
            "{key}: {n} in the copy, {floor} acknowledged before"
        );
    }
    assert!(during >= floor[0]);
}

async fn info_field(c: &mut redis::aio::MultiplexedConnection, field: &str) -> String {
    let info: String = q(c, &[b"INFO", b"persistence"]).await.unwrap();
    info.lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .unwrap_or_else(|| panic!("{field} in {info}"))
        .to_string()
}

/// `--dir`/`--dbfilename`: SAVE writes a consistent copy there before it
/// answers, BGSAVE in the background (INFO shows it, then `rdb_saves`
/// moves), and CONFIG GET names it. Naming the database itself is refused.
#[tokio::test]
async fn save_and_bgsave_write_copies_where_configured() {
    let dir = tempfile::tempdir().unwrap();
    let dir_s = dir.path().to_str().unwrap();
    let server = Resplite::start_with(&["--dir", dir_s, "--dbfilename", "snap.db"]);
    let mut c = server.client().await;
    let got: Vec<String> = q(&mut c, &[b"CONFIG", b"GET", b"dbfilename"])
        .await
        .unwrap();
    assert_eq!(got, ["dbfilename", "snap.db"]);
    let got: Vec<String> = q(&mut c, &[b"CONFIG", b"GET", b"dir"]).await.unwrap();
    assert_eq!(
        got[1],
        std::path::absolute(dir.path()).unwrap().to_str().unwrap()
    );
    let snap = dir.path().join("snap.db");
    let _: () = q(&mut c, &[b"SET", b"a", b"1"]).await.unwrap();
    let _: () = q(&mut c, &[b"SAVE"]).await.unwrap();
    let keys = |path: &Path| -> Vec<Vec<u8>> {
        let conn = rusqlite::Connection::open(path).unwrap();
        let mut stmt = conn
            .prepare("SELECT key FROM redis_keys ORDER BY key")
            .unwrap();
        let rows = stmt.query_map([], |r| r.get(0)).unwrap();
        rows.map(Result::unwrap).collect()
    };
    assert_eq!(keys(&snap), vec![b"a".to_vec()]);

    let _: () = q(&mut c, &[b"SET", b"b", b"2"]).await.unwrap();
    let saves: i64 = info_field(&mut c, "rdb_saves").await.parse().unwrap();
    let started: String = q(&mut c, &[b"BGSAVE"]).await.unwrap();
    assert_eq!(started, "Background saving started");
    // The copy has no event to wait on: poll INFO until the count moves.
    loop {
        let now: i64 = info_field(&mut c, "rdb_saves").await.parse().unwrap();
        if now > saves && info_field(&mut c, "rdb_bgsave_in_progress").await == "0" {
            break;
        }
        tokio::task::yield_now().await;
    }
    assert_eq!(info_field(&mut c, "rdb_last_bgsave_status").await, "ok");
    assert_eq!(keys(&snap), vec![b"a".to_vec(), b"b".to_vec()]);
    assert_integrity(&snap);

    // Without --dbfilename, SAVE writes no file; the database itself is refused.
    let out = Command::new(binary())
        .args(["run", "--port", "0", "--db"])
        .arg(dir.path().join("x.db"))
        .args(["--dir", dir_s, "--dbfilename", "x.db"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("names the database itself"));
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
