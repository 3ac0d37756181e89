//! Migration end to end: real `redis-server` sources, the real `resplite`
//! binary doing the migration, and an independent comparison of the result
//! through a resplite server on the migrated file.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use resplite_tests::diff::Rng;
use resplite_tests::migrate::*;
use resplite_tests::{RedisServer, Resplite};

fn source() -> RedisServer {
    RedisServer::start_with(&["--notify-keyspace-events", "KEA"])
}

/// A source filled with a mixed dataset and an empty destination.
struct Setup {
    _redis: RedisServer,
    url: String,
    src: redis::aio::MultiplexedConnection,
    _dir: tempfile::TempDir,
    db: String,
    dbp: std::path::PathBuf,
}

async fn setup(seed: u64, keys: usize) -> Setup {
    let redis = source();
    let url = redis.url();
    let mut src = connect(&url).await;
    fill_mixed(&mut src, seed, keys, 0, 0).await;
    let dir = tempfile::tempdir().unwrap();
    let db = db_path(&dir);
    let dbp = dir.path().join("dest.db");
    Setup {
        _redis: redis,
        url,
        src,
        _dir: dir,
        db,
        dbp,
    }
}

fn db_path(dir: &tempfile::TempDir) -> String {
    dir.path().join("dest.db").to_string_lossy().into_owned()
}

/// The whole flow on a mixed dataset with big keys gives an identical copy.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mixed_dataset_with_big_keys_migrates_exactly() {
    let redis = source();
    let mut src = connect(&redis.url()).await;
    fill_mixed(&mut src, 1, 5000, 4, 200_000).await;
    let dir = tempfile::tempdir().unwrap();
    let db = db_path(&dir);
    let out = ok(migrate(&[
        "--from",
        &redis.url(),
        "--to",
        &db,
        "--run-id",
        "r1",
    ]));
    assert!(out.contains("0 mismatches"), "{out}");
    assert_eq!(
        registry_i64(
            dir.path().join("dest.db").as_path(),
            "SELECT migrated_keys FROM migration_runs"
        ),
        5004
    );
    // No temporary key of the paged reads is left behind.
    let server = Resplite::on_db(dir.path().join("dest.db").as_path(), &[]);
    let mut ours = connect(&server.url()).await;
    let n: i64 = redis::cmd("DBSIZE").query_async(&mut ours).await.unwrap();
    assert_eq!(n, 5004);
    assert_same(&mut src, &mut ours).await;
    let status = ok(migrate(&["status", "--to", &db, "--run-id", "r1"]));
    assert!(status.contains("run r1: completed"), "{status}");
    assert!(status.contains("migrated 5004"), "{status}");

    // Verify looks both ways: a key only here and a key missing here both count.
    let _: () = redis::cmd("SET")
        .arg("only-here")
        .arg("x")
        .query_async(&mut ours)
        .await
        .unwrap();
    let _: i64 = redis::cmd("DEL")
        .arg("k:1:")
        .query_async(&mut ours)
        .await
        .unwrap();
    let out = migrate(&run_args(&redis.url(), &db, "r1", "verify", &[]));
    assert!(!out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("only-here: present in destination but not in source"),
        "{stdout}"
    );
    assert!(stdout.contains("k:1:: missing in destination"), "{stdout}");
    assert!(stdout.contains(" 2 mismatches"), "{stdout}");
}

/// Writes against the source while it is being migrated.
async fn live_writer(url: String, seed: u64, stop: Arc<AtomicBool>) -> u64 {
    let mut conn = connect(&url).await;
    let mut rng = Rng::new(seed);
    let mut ops = 0;
    while !stop.load(Ordering::Relaxed) {
        let key = format!("k:{}:", rng.below(3000));
        let other = format!("k:{}:", rng.below(3000));
        let cmd = match rng.below(12) {
            0 => redis::cmd("DEL").arg(&key).clone(),
            1 => redis::cmd("SET").arg(&key).arg(rng.next_u64()).clone(),
            2 => redis::cmd("PEXPIRE")
                .arg(&key)
                .arg(1 + rng.below(50))
                .clone(),
            3 => redis::cmd("RENAME").arg(&key).arg(&other).clone(),
            4 => redis::cmd("HSET")
                .arg(format!("h:{}", rng.below(300)))
                .arg(rng.below(20))
                .arg(rng.next_u64())
                .clone(),
            5 => redis::cmd("RPUSH")
                .arg(format!("l:{}", rng.below(300)))
                .arg(rng.next_u64())
                .clone(),
            6 => redis::cmd("LPOP")
                .arg(format!("l:{}", rng.below(300)))
                .clone(),
            7 => redis::cmd("SADD")
                .arg(format!("s:{}", rng.below(300)))
                .arg(rng.below(50))
                .clone(),
            8 => redis::cmd("ZADD")
                .arg(format!("z:{}", rng.below(300)))
                .arg(rng.below(100))
                .arg(rng.below(50))
                .clone(),
            9 => redis::cmd("EXPIRE").arg(&key).arg(7200).clone(),
            10 => redis::cmd("INCR")
                .arg(format!("n:{}", rng.below(300)))
                .clone(),
            _ => redis::cmd("SREM")
                .arg(format!("s:{}", rng.below(300)))
                .arg(rng.below(50))
                .clone(),
        };
        // RENAME of a missing key and the like fail; that is fine.
        let _: Result<redis::Value, _> = cmd.query_async(&mut conn).await;
        ops += 1;
    }
    ops
}

/// Starts `resplite migrate track` and waits until it has subscribed.
async fn start_tracker(url: &str, db: &str, run_id: &str) -> std::process::Child {
    let tracker = spawn_migrate(&["track", "--from", url, "--to", db, "--run-id", run_id]);
    let dbp = std::path::Path::new(db);
    wait_for(
        dbp,
        "SELECT COUNT(*) FROM migration_run_state WHERE tracker_state = 'running'",
        1,
    )
    .await;
    tracker
}

/// Serves the migrated file and compares it with the source, key by key,
/// independently of the migration's own verify.
async fn assert_copy_matches(src: &mut redis::aio::MultiplexedConnection, dbp: &std::path::Path) {
    let server = Resplite::on_db(dbp, &[]);
    let mut ours = connect(&server.url()).await;
    assert_same(src, &mut ours).await;
}

/// Waits until no key in the source is about to expire, so the final state
/// cannot change under verify.
async fn settle_expiries(conn: &mut redis::aio::MultiplexedConnection) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let snap = snapshot(conn).await;
        let soon = resplite_core::util::now_ms() + 10_000;
        if !snap
            .values()
            .any(|(_, deadline)| (0..soon).contains(deadline))
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "keys with short TTLs never expired"
        );
        tokio::task::yield_now().await;
    }
}

async fn wait_for(db: &std::path::Path, sql: &str, at_least: i64) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while registry_i64(db, sql) < at_least {
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {sql} >= {at_least}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The online flow with a long-lived tracker: bulk and a live delta while a
/// writer mutates, deletes, expires and renames keys; then the final delta
/// after writes stop, and a 100% verify.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_writes_during_bulk_and_delta_are_not_lost() {
    for seed in [11u64, 12, 13] {
        let redis = source();
        let url = redis.url();
        let mut src = connect(&url).await;
        fill_mixed(&mut src, seed, 6000, 0, 0).await;
        let dir = tempfile::tempdir().unwrap();
        let db = db_path(&dir);
        let dbp = dir.path().join("dest.db");
        let mut tracker =
            spawn_migrate(&["track", "--from", &url, "--to", &db, "--run-id", "live"]);
        wait_for(
            &dbp,
            "SELECT COUNT(*) FROM migration_run_state WHERE tracker_state = 'running'",
            1,
        )
        .await;

        let stop = Arc::new(AtomicBool::new(false));
        let writer = tokio::spawn(live_writer(url.clone(), seed, stop.clone()));
        // Slowed so the writer overlaps the whole bulk.
        ok(migrate(&run_args(
            &url,
            &db,
            "live",
            "bulk",
            &["--max-rps", "20000", "--scan-count", "200"],
        )));
        ok(migrate(&run_args(
            &url,
            &db,
            "live",
            "delta",
            &["--max-passes", "3"],
        )));
        stop.store(true, Ordering::Relaxed);
        let ops = writer.await.unwrap();
        assert!(ops > 100, "the writer ran only {ops} operations");
        settle_expiries(&mut src).await;

        let out = ok(migrate(&run_args(&url, &db, "live", "delta,verify", &[])));
        assert!(out.contains("no dirty keys left"), "{out}");
        assert!(out.contains(" 0 mismatches"), "seed {seed}: {out}");
        ok(migrate(&["stop-tracker", "--to", &db, "--run-id", "live"]));
        let status = tracker.wait().unwrap();
        assert!(status.success(), "tracker exit {status:?}");
        assert!(registry_i64(&dbp, "SELECT dirty_keys_seen FROM migration_runs") > 0);

        assert_copy_matches(&mut src, &dbp).await;
    }
}

/// A live delta whose writer keeps touching a few big keys stops once its
/// passes stop shrinking, not after `--max-passes` re-copies of the same big
/// keys; it and `status` name those keys; the final delta after the writer
/// stops leaves nothing behind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_delta_with_hot_big_keys_stops_when_passes_stop_shrinking() {
    let redis = source();
    let url = redis.url();
    let mut src = connect(&url).await;
    for k in 0..4 {
        for chunk in 0..20 {
            let items: Vec<String> = (0..1000).map(|i| format!("{chunk}:{i}")).collect();
            let _: i64 = redis::cmd("RPUSH")
                .arg(format!("hot:{k}"))
                .arg(&items)
                .query_async(&mut src)
                .await
                .unwrap();
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let db = db_path(&dir);
    let mut tracker = start_tracker(&url, &db, "hot").await;
    ok(migrate(&run_args(&url, &db, "hot", "bulk", &[])));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        let mut conn = connect(&url).await;
        tokio::spawn(async move {
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let _: i64 = redis::cmd("RPUSH")
                    .arg(format!("hot:{}", i % 4))
                    .arg(i)
                    .query_async(&mut conn)
                    .await
                    .unwrap();
                i += 1;
            }
            i
        })
    };
    // Every hot key written since bulk (delta's own sync then records them).
    for k in 0..4 {
        let key = format!("hot:{k}");
        loop {
            let n: i64 = redis::cmd("LLEN")
                .arg(&key)
                .query_async(&mut src)
                .await
                .unwrap();
            if n > 20_000 {
                break;
            }
            tokio::task::yield_now().await;
        }
    }
    let started = Instant::now();
    let out = ok(migrate(&run_args(&url, &db, "hot", "delta", &[])));
    let took = started.elapsed();
    assert!(out.contains("no longer shrinks"), "{out}");
    assert!(out.contains("the keys changing most: hot:"), "{out}");
    let passes: usize = out
        .split(" pass(es)")
        .next()
        .and_then(|head| head.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no pass count in {out}"));
    assert!(passes < 10, "{passes} passes: {out}");
    let status = ok(migrate(&["status", "--to", &db, "--run-id", "hot"]));
    assert!(status.contains("changing most: hot:"), "{status}");
    stop.store(true, Ordering::Relaxed);
    let pushed = writer.await.unwrap();
    assert!(pushed > 0);
    let out = ok(migrate(&run_args(&url, &db, "hot", "delta,verify", &[])));
    assert!(out.contains("no dirty keys left"), "{out}");
    assert!(out.contains(" 0 mismatches"), "{out}");
    ok(migrate(&["stop-tracker", "--to", &db, "--run-id", "hot"]));
    assert!(tracker.wait().unwrap().success());
    eprintln!("live delta: {passes} passes in {took:?} while {pushed} pushes ran");
}

/// Bulk killed with SIGKILL at random points resumes from its checkpoint
/// without re-reading more than a checkpoint interval.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_killed_and_rerun_resumes_from_checkpoint() {
    let redis = source();
    let url = redis.url();
    let mut src = connect(&url).await;
    let total = 20_000i64;
    fill_mixed(&mut src, 7, total as usize, 0, 0).await;
    let dir = tempfile::tempdir().unwrap();
    let db = db_path(&dir);
    let dbp = dir.path().join("dest.db");
    let interval = 200i64;
    let bulk = run_args(
        url.as_str(),
        db.as_str(),
        "crash",
        "bulk",
        &[
            "--scan-count",
            "200",
            "--batch-keys",
            "200",
            "--max-rps",
            "60000",
        ],
    );
    let mut rng = Rng::new(99);
    for round in 0..3 {
        let before = registry_i64(&dbp, "SELECT scanned_keys FROM migration_runs");
        let mut child = spawn_migrate(&bulk);
        let target = before + 1000 + rng.below(4000) as i64;
        wait_for(&dbp, "SELECT scanned_keys FROM migration_runs", target).await;
        child.kill().unwrap();
        child.wait().unwrap();
        let after = registry_i64(&dbp, "SELECT scanned_keys FROM migration_runs");
        assert!(
            after >= target && after < total,
            "round {round}: killed at {after}"
        );
    }
    let scanned = registry_i64(&dbp, "SELECT scanned_keys FROM migration_runs");
    let type_calls = |info: String| -> i64 {
        info.lines()
            .find_map(|l| l.strip_prefix("cmdstat_type:calls="))
            .and_then(|r| r.split(',').next())
            .map_or(0, |n| n.parse().unwrap())
    };
    let info: String = redis::cmd("INFO")
        .arg("commandstats")
        .query_async(&mut src)
        .await
        .unwrap();
    let types_before = type_calls(info);
    let out = ok(migrate(&bulk));
    assert!(out.contains("resuming"), "{out}");
    let info: String = redis::cmd("INFO")
        .arg("commandstats")
        .query_async(&mut src)
        .await
        .unwrap();
    let reread = type_calls(info) - types_before;
    // Keys read by the rerun: those not checkpointed, plus at most what was in
    // flight (one SCAN page, which COUNT only hints at).
    assert!(
        reread <= total - scanned + 2 * interval,
        "re-read {reread} keys, {} were left",
        total - scanned
    );
    assert_eq!(
        registry_i64(&dbp, "SELECT scanned_keys FROM migration_runs"),
        total
    );
    let out = ok(migrate(&run_args(&url, &db, "crash", "delta,verify", &[])));
    assert!(out.contains(" 0 mismatches"), "{out}");
    assert_copy_matches(&mut src, &dbp).await;
}

/// The source drops the tracker's connection during bulk: the gap is recorded,
/// the tracker comes back, and the final delta's sweep repairs what it missed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tracker_disconnect_is_a_gap_that_delta_sweeps() {
    let Setup {
        _redis,
        url,
        mut src,
        _dir,
        db,
        dbp,
    } = setup(5, 8000).await;
    let mut tracker = start_tracker(&url, &db, "gap").await;
    let mut bulk = spawn_migrate(&run_args(
        &url,
        &db,
        "gap",
        "bulk",
        &[
            "--batch-keys",
            "200",
            "--max-rps",
            "20000",
            "--scan-count",
            "200",
        ],
    ));
    wait_for(&dbp, "SELECT scanned_keys FROM migration_runs", 1000).await;
    let stop = Arc::new(AtomicBool::new(false));
    let writer = tokio::spawn(live_writer(url.clone(), 5, stop.clone()));
    let killed: i64 = redis::cmd("CLIENT")
        .arg("KILL")
        .arg("TYPE")
        .arg("pubsub")
        .query_async(&mut src)
        .await
        .unwrap();
    assert!(killed >= 1);
    wait_for(
        &dbp,
        "SELECT COUNT(*) FROM migration_errors WHERE stage = 'tracker'",
        1,
    )
    .await;
    let status = bulk.wait().unwrap();
    assert!(status.success(), "bulk: {status:?}");
    stop.store(true, Ordering::Relaxed);
    writer.await.unwrap();
    settle_expiries(&mut src).await;
    let out = ok(migrate(&run_args(&url, &db, "gap", "delta,verify", &[])));
    assert!(out.contains("safety sweep"), "{out}");
    assert!(out.contains(" 0 mismatches"), "{out}");
    assert_eq!(
        registry_i64(&dbp, "SELECT gaps_pending FROM migration_run_state"),
        0
    );
    let status = ok(migrate(&["status", "--to", &db, "--run-id", "gap"]));
    assert!(status.contains("lost its subscription"), "{status}");
    ok(migrate(&["stop-tracker", "--to", &db, "--run-id", "gap"]));
    assert!(tracker.wait().unwrap().success());
    assert_copy_matches(&mut src, &dbp).await;
}

/// FLUSHALL in the source emits no key events; it is detected and swept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flushall_in_the_source_is_reflected() {
    let Setup {
        _redis,
        url,
        mut src,
        _dir,
        db,
        dbp,
    } = setup(3, 500).await;
    let mut tracker = start_tracker(&url, &db, "f").await;
    ok(migrate(&run_args(&url, &db, "f", "bulk", &[])));
    let _: () = redis::cmd("FLUSHALL").query_async(&mut src).await.unwrap();
    let _: () = redis::cmd("SET")
        .arg("after")
        .arg("1")
        .query_async(&mut src)
        .await
        .unwrap();
    let out = ok(migrate(&run_args(&url, &db, "f", "delta,verify", &[])));
    assert!(out.contains(" 0 mismatches"), "{out}");
    ok(migrate(&["stop-tracker", "--to", &db, "--run-id", "f"]));
    tracker.wait().unwrap();
    assert_copy_matches(&mut src, &dbp).await;
}

/// Clear one-line refusals and errors, never a panic.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn preflight_refuses_and_bad_input_gets_one_clear_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_path(&dir);
    let quiet = RedisServer::start_with(&[]);
    let url = quiet.url();
    let check = |out: std::process::Output, needle: &str| {
        assert!(!out.status.success(), "{}", text(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        let line = err
            .lines()
            .find(|l| l.starts_with("error: "))
            .unwrap_or_else(|| panic!("{}", text(&out)));
        assert!(line.contains(needle), "{line}");
        assert!(!err.contains("panicked"), "{err}");
    };
    check(
        migrate(&run_args(&url, &db, "p", "preflight", &[])),
        "--enable-notifications",
    );
    let out = ok(migrate(&run_args(
        &url,
        &db,
        "p",
        "preflight",
        &["--enable-notifications"],
    )));
    assert!(out.contains("set to"), "{out}");
    let mut c = connect(&url).await;
    let flags: Vec<String> = redis::cmd("CONFIG")
        .arg("GET")
        .arg("notify-keyspace-events")
        .query_async(&mut c)
        .await
        .unwrap();
    assert!(
        flags[1].contains('E')
            && ["g", "$", "x", "e", "z"]
                .iter()
                .all(|c| flags[1].contains(c))
            || flags[1].contains('A'),
        "{flags:?}"
    );

    check(
        migrate(&["--from", "http://x", "--to", &db, "--run-id", "p"]),
        "invalid source URL",
    );
    let port = resplite_tests::free_port();
    check(
        migrate(&[
            "--from",
            &format!("redis://127.0.0.1:{port}"),
            "--to",
            &db,
            "--run-id",
            "p",
        ]),
        "cannot reach the source",
    );
    let locked = RedisServer::start_with(&["--requirepass", "secret"]);
    let wrong = format!("redis://:nope@{}/", locked.addr);
    check(
        migrate(&["--from", &wrong, "--to", &db, "--run-id", "p"]),
        "credentials",
    );
    check(
        migrate(&run_args(&url, &db, "p", "preflight,nope", &[])),
        "unknown stage 'nope'",
    );
    check(
        migrate(&["status", "--to", &db, "--run-id", "missing"]),
        "no run 'missing'",
    );

    // Streams are counted by preflight and copied by bulk like any type.
    let _: String = redis::cmd("XADD")
        .arg("events")
        .arg("*")
        .arg("f")
        .arg("v")
        .query_async(&mut c)
        .await
        .unwrap();
    let _: () = redis::cmd("SET")
        .arg("s")
        .arg("v")
        .query_async(&mut c)
        .await
        .unwrap();
    let out = ok(migrate(&["--from", &url, "--to", &db, "--run-id", "u"]));
    assert!(
        !out.contains("unsupported types") && out.contains("stream 1"),
        "{out}"
    );
    assert!(out.contains("0 mismatches"), "{out}");
    assert_eq!(
        registry_i64(
            dir.path().join("dest.db").as_path(),
            "SELECT skipped_keys FROM migration_runs WHERE run_id = 'u'"
        ),
        0
    );
}

/// Pause, resume, abort and settings act on a running bulk through the registry.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn controls_act_on_a_running_bulk() {
    let Setup {
        _redis,
        url,
        src: _,
        _dir,
        db,
        dbp,
    } = setup(4, 20_000).await;
    let bulk = spawn_migrate(&run_args(
        &url,
        &db,
        "c",
        "bulk",
        &[
            "--batch-keys",
            "200",
            "--max-rps",
            "30000",
            "--scan-count",
            "100",
            "--progress",
            "json",
        ],
    ));
    wait_for(&dbp, "SELECT scanned_keys FROM migration_runs", 500).await;
    ok(migrate(&["pause", "--to", &db, "--run-id", "c"]));
    ok(migrate(&[
        "set",
        "--to",
        &db,
        "--run-id",
        "c",
        "--max-rps",
        "0",
        "--scan-count",
        "1000",
    ]));
    // Paused: the checkpoint stops moving.
    let a = registry_i64(&dbp, "SELECT scanned_keys FROM migration_runs");
    wait_for(
        &dbp,
        "SELECT (SELECT status FROM migration_runs) = 'paused'",
        1,
    )
    .await;
    let status = ok(migrate(&["status", "--to", &db, "--run-id", "c"]));
    assert!(
        status.contains("run c: paused") && status.contains("max-rps 0"),
        "{status}"
    );
    let b = registry_i64(&dbp, "SELECT scanned_keys FROM migration_runs");
    assert!(b - a <= 2000, "kept copying while paused: {a} -> {b}");
    ok(migrate(&["resume", "--to", &db, "--run-id", "c"]));
    let out = bulk.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with("{\"stage\":\"bulk\"") && l.contains("\"keys_per_sec\"")),
        "{stdout}"
    );
    assert_eq!(
        registry_i64(&dbp, "SELECT migrated_keys FROM migration_runs"),
        20_000
    );

    let again = spawn_migrate(&run_args(
        &url,
        &db,
        "c2",
        "bulk",
        &[
            "--batch-keys",
            "200",
            "--max-rps",
            "20000",
            "--scan-count",
            "100",
        ],
    ));
    wait_for(
        &dbp,
        "SELECT scanned_keys FROM migration_runs WHERE run_id = 'c2'",
        200,
    )
    .await;
    ok(migrate(&["abort", "--to", &db, "--run-id", "c2"]));
    let out = again.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("run 'c2' was aborted"),
        "{}",
        text(&out)
    );
}

/// A non-zero database in the URL: keys and notifications of that database.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn source_database_other_than_zero() {
    let redis = source();
    let url = format!("{}3", redis.url());
    let mut src = connect(&url).await;
    fill_mixed(&mut src, 8, 300, 0, 0).await;
    let mut db0 = connect(&redis.url()).await;
    let _: () = redis::cmd("SET")
        .arg("only-in-db0")
        .arg("x")
        .query_async(&mut db0)
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = db_path(&dir);
    let out = ok(migrate(&["--from", &url, "--to", &db, "--run-id", "d3"]));
    assert!(
        out.contains("db 3") && out.contains(" 0 mismatches"),
        "{out}"
    );
    // Into database 3 of the destination, as the URL says.
    let server = Resplite::on_db(dir.path().join("dest.db").as_path(), &[]);
    let mut ours = connect(&format!("{}3", server.url())).await;
    assert_same(&mut src, &mut ours).await;
    let mut ours0 = connect(&server.url()).await;
    let n: i64 = redis::cmd("DBSIZE").query_async(&mut ours0).await.unwrap();
    assert_eq!(n, 0);
}

/// `--db-map` copies several databases, each with its own run and tracker:
/// writes to database 1 between bulk and delta reach database 5. Then
/// `--all-databases` copies every database that holds keys into its number.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_databases_by_map_and_all() {
    let redis = source();
    let url = |db: u32| format!("{}{db}", redis.url());
    let mut src0 = connect(&url(0)).await;
    let mut src1 = connect(&url(1)).await;
    let mut src4 = connect(&url(4)).await;
    fill_mixed(&mut src0, 21, 200, 0, 0).await;
    fill_mixed(&mut src1, 22, 200, 0, 0).await;
    fill_mixed(&mut src4, 23, 50, 0, 0).await;
    let dir = tempfile::tempdir().unwrap();
    let db = db_path(&dir);
    let dbp = dir.path().join("dest.db");
    let t0 = start_tracker(&url(0), &db, "m.db0").await;
    let t1 = spawn_migrate(&["track", "--from", &url(1), "--to", &db, "--run-id", "m.db1"]);
    wait_for(
        &dbp,
        "SELECT COUNT(*) FROM migration_run_state WHERE tracker_state = 'running'",
        2,
    )
    .await;
    let map = ["--db-map", "0:0,1:5"];
    ok(migrate(&run_args(
        &url(0),
        &db,
        "m",
        "preflight,bulk",
        &map,
    )));
    for cmd in [
        redis::cmd("SET").arg("late").arg("write").clone(),
        redis::cmd("DEL").arg("k:1").clone(),
        redis::cmd("RPUSH").arg("late:list").arg("a").clone(),
    ] {
        let _: () = cmd.query_async(&mut src1).await.unwrap();
    }
    // The tracker of database 1 records the writes before delta runs.
    wait_for(
        &dbp,
        "SELECT COUNT(*) FROM migration_dirty_keys WHERE run_id = 'm.db1'",
        2,
    )
    .await;
    let out = ok(migrate(&run_args(&url(0), &db, "m", "delta,verify", &map)));
    assert!(out.contains(" 0 mismatches"), "{out}");
    for mut t in [t0, t1] {
        let _ = t.kill();
        let _ = t.wait();
    }
    let server = Resplite::on_db(&dbp, &[]);
    assert_same(&mut src0, &mut connect(&format!("{}0", server.url())).await).await;
    assert_same(&mut src1, &mut connect(&format!("{}5", server.url())).await).await;
    let mut ours1 = connect(&format!("{}1", server.url())).await;
    let n: i64 = redis::cmd("DBSIZE").query_async(&mut ours1).await.unwrap();
    assert_eq!(n, 0, "database 1 of the source went to 5 only");
    drop(server);

    let all = db_path(&tempfile::tempdir_in(dir.path()).unwrap());
    let all_dir = std::path::Path::new(&all).parent().unwrap().to_path_buf();
    std::fs::create_dir_all(&all_dir).unwrap();
    let out = ok(migrate(&run_args(
        &url(0),
        &all,
        "a",
        "preflight,bulk,verify",
        &["--all-databases"],
    )));
    assert!(out.contains("run 'a.db4'"), "{out}");
    let server = Resplite::on_db(std::path::Path::new(&all), &[]);
    for (db, src) in [(0, &mut src0), (1, &mut src1), (4, &mut src4)] {
        assert_same(src, &mut connect(&format!("{}{db}", server.url())).await).await;
    }
}

/// A downstream crate's stage runs through the same command line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_downstream_stage_runs_through_the_same_cli() {
    let exe = resplite_tests::binary()
        .parent()
        .unwrap()
        .join("examples/custom_stage");
    assert!(
        exe.exists(),
        "build it with `cargo build --workspace --examples` (scripts/test.sh does)"
    );
    let redis = source();
    let mut src = connect(&redis.url()).await;
    fill_mixed(&mut src, 9, 100, 0, 0).await;
    let dir = tempfile::tempdir().unwrap();
    let db = db_path(&dir);
    let out = std::process::Command::new(exe)
        .args(run_args(
            &redis.url(),
            &db,
            "x",
            "bulk,count-keys",
            &["--progress", "none"],
        ))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        stdout.contains("count-keys: source 100, destination 100"),
        "{stdout}"
    );
}

/// SIGTERM during bulk checkpoints and exits; the same command resumes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_checkpoints_and_the_same_command_resumes() {
    let Setup {
        _redis,
        url,
        src: _,
        _dir,
        db,
        dbp,
    } = setup(21, 10_000).await;
    let bulk = run_args(
        url.as_str(),
        db.as_str(),
        "t",
        "bulk",
        &[
            "--scan-count",
            "100",
            "--max-rps",
            "20000",
            "--batch-keys",
            "100",
        ],
    );
    let child = spawn_migrate(&bulk);
    wait_for(&dbp, "SELECT scanned_keys FROM migration_runs", 500).await;
    // SAFETY: kill(2) on the pid of a child we own and have not reaped.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(130), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("rerun the same command to resume"),
        "{}",
        text(&out)
    );
    let at = registry_i64(&dbp, "SELECT scanned_keys FROM migration_runs");
    assert!((500..10_000).contains(&at), "{at}");
    assert_eq!(
        registry_i64(&dbp, "SELECT status = 'paused' FROM migration_runs"),
        1
    );
    let out = ok(migrate(&bulk));
    assert!(out.contains("resuming"), "{out}");
    assert_eq!(
        registry_i64(&dbp, "SELECT scanned_keys FROM migration_runs"),
        10_000
    );
}

/// A source with keyspace (not keyevent) notifications only is tracked
/// through its keyspace channels.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyspace_channels_are_tracked_too() {
    let redis = RedisServer::start_with(&["--notify-keyspace-events", "Kg$lshzxet"]);
    let url = redis.url();
    let mut src = connect(&url).await;
    fill_mixed(&mut src, 31, 2000, 0, 0).await;
    let dir = tempfile::tempdir().unwrap();
    let db = db_path(&dir);
    let dbp = dir.path().join("dest.db");
    let mut tracker = start_tracker(&url, &db, "ks").await;
    ok(migrate(&run_args(&url, &db, "ks", "preflight,bulk", &[])));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = tokio::spawn(live_writer(url.clone(), 31, stop.clone()));
    ok(migrate(&run_args(
        &url,
        &db,
        "ks",
        "delta",
        &["--max-passes", "2"],
    )));
    stop.store(true, Ordering::Relaxed);
    writer.await.unwrap();
    settle_expiries(&mut src).await;
    let out = ok(migrate(&run_args(&url, &db, "ks", "delta,verify", &[])));
    assert!(
        out.contains(" 0 mismatches") && !out.contains("sweep"),
        "{out}"
    );
    assert!(
        registry_i64(
            &dbp,
            "SELECT COUNT(*) FROM migration_dirty_keys WHERE last_event = 'set'"
        ) > 0
    );
    ok(migrate(&["stop-tracker", "--to", &db, "--run-id", "ks"]));
    assert!(tracker.wait().unwrap().success());
    assert_copy_matches(&mut src, &dbp).await;
}

/// CONFIG renamed on the source: preflight says how to proceed, and
/// `--config-command` reaches it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renamed_config_command_is_respected() {
    let redis = RedisServer::start_with(&["--rename-command", "CONFIG", "cfg-7f3a"]);
    let url = redis.url();
    let dir = tempfile::tempdir().unwrap();
    let db = db_path(&dir);
    let out = migrate(&run_args(
        &url,
        &db,
        "rc",
        "preflight",
        &["--enable-notifications"],
    ));
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--config-command"),
        "{}",
        text(&out)
    );
    let out = ok(migrate(&run_args(
        &url,
        &db,
        "rc",
        "preflight",
        &["--enable-notifications", "--config-command", "cfg-7f3a"],
    )));
    assert!(out.contains("set to"), "{out}");
    let mut c = connect(&url).await;
    let flags: Vec<String> = redis::cmd("cfg-7f3a")
        .arg("GET")
        .arg("notify-keyspace-events")
        .query_async(&mut c)
        .await
        .unwrap();
    assert!(flags[1].contains('E'), "{flags:?}");
}

/// resplite speaks enough of Redis (SCAN, TYPE, PTTL, the *SCAN family,
/// keyspace notifications, PUBLISH, INFO commandstats) to be a migration
/// source itself: the way out to another store.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resplite_server_can_be_the_source() {
    let (_from, url, mut src) = notifying_resplite().await;
    fill_mixed(&mut src, 41, 2000, 4, 6000).await;
    let dir = tempfile::tempdir().unwrap();
    let db = db_path(&dir);
    let out = ok(migrate(&["--from", &url, "--to", &db, "--run-id", "rr"]));
    assert!(out.contains(" 0 mismatches"), "{out}");
    assert_copy_matches(&mut src, &dir.path().join("dest.db")).await;
}

/// Hash-field deadlines travel from a source that has them (resplite here;
/// Redis 7.4+ likewise): small hashes whole, big ones in pages, and the
/// verify compares them too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hash_field_deadlines_migrate() {
    let (_from, url, mut src) = notifying_resplite().await;
    let far = 4_102_444_800_000i64;
    let mut pipe = redis::pipe();
    pipe.cmd("HSET")
        .arg("small")
        .arg("a")
        .arg(1)
        .arg("b")
        .arg(2)
        .ignore();
    pipe.cmd("HPEXPIREAT")
        .arg("small")
        .arg(far)
        .arg("FIELDS")
        .arg(1)
        .arg("a")
        .ignore();
    for i in 0..6000 {
        pipe.cmd("HSET")
            .arg("big")
            .arg(format!("f{i}"))
            .arg(i)
            .ignore();
    }
    for i in (0..6000).step_by(100) {
        pipe.cmd("HPEXPIREAT")
            .arg("big")
            .arg(far + i)
            .arg("FIELDS")
            .arg(1)
            .arg(format!("f{i}"))
            .ignore();
    }
    let _: () = pipe.query_async(&mut src).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = db_path(&dir);
    let out = ok(migrate(&["--from", &url, "--to", &db, "--run-id", "hfe"]));
    assert!(out.contains(" 0 mismatches"), "{out}");
    let dest = Resplite::on_db(&dir.path().join("dest.db"), &[]);
    let mut d = dest.client().await;
    let fields: Vec<String> = (0..6000).map(|i| format!("f{i}")).collect();
    for (key, fields) in [
        ("small", vec!["a".to_string(), "b".to_string()]),
        ("big", fields),
    ] {
        let times = |c: &mut redis::aio::MultiplexedConnection| {
            let mut cmd = redis::cmd("HPEXPIRETIME");
            cmd.arg(key).arg("FIELDS").arg(fields.len()).arg(&fields);
            let mut c = c.clone();
            async move { cmd.query_async::<Vec<i64>>(&mut c).await.unwrap() }
        };
        let theirs = times(&mut src).await;
        assert!(theirs.iter().any(|t| *t > 0));
        assert_eq!(times(&mut d).await, theirs, "{key}");
    }
}

/// A resplite server as a migration source: keyspace notifications on for
/// the tracker.
async fn notifying_resplite() -> (Resplite, String, redis::aio::MultiplexedConnection) {
    let from = Resplite::start();
    let url = format!("redis://{}/", from.addr);
    let mut src = connect(&url).await;
    let _: () = redis::cmd("CONFIG")
        .arg("SET")
        .arg("notify-keyspace-events")
        .arg("KEA")
        .query_async(&mut src)
        .await
        .unwrap();
    (from, url, src)
}

/// A resplite server filled with a mixed dataset, big keys and the
/// DUMP/RESTORE fixtures (streams with groups and pending entries), its
/// notifications on for the tracker.
async fn resplite_source(seed: u64) -> (Resplite, String, redis::aio::MultiplexedConnection) {
    let (from, url, mut src) = notifying_resplite().await;
    fill_mixed(&mut src, seed, 3000, 3, 6000).await;
    resplite_tests::values::run(&mut src, &resplite_tests::values::fixtures()).await;
    // A stream past one page (5,000 entries): it travels as typed pages.
    let mut pipe = redis::pipe();
    for i in 1..=6000 {
        pipe.cmd("XADD")
            .arg("big-stream")
            .arg(format!("{i}-1"))
            .arg("f")
            .arg(i)
            .ignore();
    }
    pipe.cmd("XDEL").arg("big-stream").arg("7-1").ignore();
    pipe.cmd("XGROUP")
        .arg("CREATE")
        .arg("big-stream")
        .arg("g")
        .arg("0")
        .ignore();
    pipe.cmd("XREADGROUP")
        .arg("GROUP")
        .arg("g")
        .arg("c1")
        .arg("COUNT")
        .arg(20)
        .arg("STREAMS")
        .arg("big-stream")
        .arg(">")
        .ignore();
    pipe.cmd("XGROUP")
        .arg("CREATECONSUMER")
        .arg("big-stream")
        .arg("g")
        .arg("idle")
        .ignore();
    let _: () = pipe.query_async(&mut src).await.unwrap();
    (from, url, src)
}

/// Leaving resplite, live, as the README's guide does it: tracker, bulk and a
/// delta while a writer writes to the resplite source, then (writes stopped)
/// the final delta and a 100% verify, which must find no mismatch. `into` is
/// the `--into` arguments.
async fn export_live(
    url: &str,
    src: &mut redis::aio::MultiplexedConnection,
    into: &[&str],
    seed: u64,
) {
    let dir = tempfile::tempdir().unwrap();
    let state = db_path(&dir);
    let mut tracker = start_tracker(url, &state, "out").await;
    let stop = Arc::new(AtomicBool::new(false));
    let writer = tokio::spawn(live_writer(url.to_string(), seed, stop.clone()));
    ok(migrate(&run_args(url, &state, "out", "bulk", into)));
    let mut delta = into.to_vec();
    delta.extend(["--max-passes", "3"]);
    ok(migrate(&run_args(url, &state, "out", "delta", &delta)));
    stop.store(true, Ordering::Relaxed);
    assert!(writer.await.unwrap() > 100);
    settle_expiries(src).await;
    let out = ok(migrate(&run_args(url, &state, "out", "delta,verify", into)));
    assert!(out.contains("no dirty keys left"), "{out}");
    assert!(out.contains(" 0 mismatches"), "{out}");
    ok(migrate(&[
        "stop-tracker",
        "--to",
        &state,
        "--run-id",
        "out",
    ]));
    assert!(tracker.wait().unwrap().success());
}

/// Leaving resplite for a redis-server (`--into`; `--to` keeps the run's
/// state): big keys in pages, streams with groups and pending entries; an
/// independent comparison agrees with verify, and the target holds data only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_into_redis_live() {
    let (_from, url, mut src) = resplite_source(51).await;
    let target = RedisServer::start_with(&[]);
    export_live(&url, &mut src, &["--into", &target.url()], 52).await;
    let mut dst = connect(&target.url()).await;
    assert_same(&mut src, &mut dst).await;
    let keys: i64 = redis::cmd("DBSIZE").query_async(&mut src).await.unwrap();
    let theirs: i64 = redis::cmd("DBSIZE").query_async(&mut dst).await.unwrap();
    assert_eq!(keys, theirs);
}

/// Leaving resplite for a Redis Cluster of three primaries that the test
/// creates (`--into` one node, `--cluster`): keys land in their slots'
/// primaries, big keys assembled in same-slot temporary keys.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_into_a_redis_cluster_live() {
    let (_from, url, mut src) = resplite_source(61).await;
    let cluster = resplite_tests::RedisCluster::start(3).await;
    let into = cluster.nodes[0].url();
    export_live(&url, &mut src, &["--into", &into, "--cluster"], 62).await;
    let keys: i64 = redis::cmd("DBSIZE").query_async(&mut src).await.unwrap();
    assert_eq!(cluster.dbsize().await, keys);
    // Spread over the three primaries, not piled on one.
    for node in &cluster.nodes {
        let mut c = connect(&node.url()).await;
        let n: i64 = redis::cmd("DBSIZE").query_async(&mut c).await.unwrap();
        assert!(n > keys / 6, "a node holds {n} of {keys} keys");
    }
}

/// A `rediss://` source: TLS with the CA given by `--tls-ca-cert`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_source_with_a_private_ca() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let openssl = |args: &[&str]| {
        let out = std::process::Command::new("openssl")
            .args(args)
            .current_dir(d)
            .output()
            .expect("openssl");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-days",
        "2",
        "-subj",
        "/CN=resplite-test-ca",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1",
    ]);
    std::fs::write(d.join("ext.cnf"), "subjectAltName=IP:127.0.0.1\n").unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.crt",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
    ]);
    let tls_port = resplite_tests::free_port().to_string();
    let path = |f: &str| d.join(f).to_string_lossy().into_owned();
    let redis = RedisServer::start_with(&[
        "--tls-port",
        &tls_port,
        "--tls-cert-file",
        &path("server.crt"),
        "--tls-key-file",
        &path("server.key"),
        "--tls-ca-cert-file",
        &path("ca.crt"),
        "--tls-auth-clients",
        "no",
        "--notify-keyspace-events",
        "KEA",
    ]);
    let mut plain = connect(&redis.url()).await;
    fill_mixed(&mut plain, 51, 500, 0, 0).await;
    let url = format!("rediss://127.0.0.1:{tls_port}/");
    let db = db_path(&dir);
    // Without the CA the server's certificate is not trusted: one clear line.
    let out = migrate(&run_args(&url, &db, "tls", "bulk", &[]));
    assert!(!out.status.success(), "{}", text(&out));
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("panicked"),
        "{}",
        text(&out)
    );
    let ca = path("ca.crt");
    let out = ok(migrate(&[
        "--from",
        &url,
        "--tls-ca-cert",
        &ca,
        "--to",
        &db,
        "--run-id",
        "tls",
    ]));
    assert!(out.contains(" 0 mismatches"), "{out}");
    assert_copy_matches(&mut plain, &dir.path().join("dest.db")).await;
}

/// Streams move whole: a 100k-entry stream (read in pages) with two groups
/// and pending entries across consumers, plus small streams, migrated live
/// while a writer adds entries, reads them through a group, acknowledges
/// and claims (none of which but XADD publishes an event); the final delta
/// and a 100% verify find no mismatch, PELs included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_migrate_live_with_groups_and_pending_entries() {
    let redis = source();
    let url = redis.url();
    let mut src = connect(&url).await;
    let mut pipe = redis::pipe();
    for i in 0..100_000u64 {
        pipe.cmd("XADD")
            .arg("events")
            .arg(format!("{}-{}", 1 + i / 7, i % 7))
            .arg("n")
            .arg(i)
            .arg("payload")
            .arg(&b"\x00\xffbin"[..])
            .ignore();
        if pipe.cmd_iter().count() >= 5000 {
            let _: () = pipe.query_async(&mut src).await.unwrap();
            pipe = redis::pipe();
        }
    }
    if pipe.cmd_iter().count() > 0 {
        let _: () = pipe.query_async(&mut src).await.unwrap();
    }
    let run = |args: &[&str]| {
        let mut c = redis::cmd(args[0]);
        for a in &args[1..] {
            c.arg(*a);
        }
        c
    };
    for args in [
        &["XGROUP", "CREATE", "events", "workers", "0"][..],
        &[
            "XGROUP",
            "CREATE",
            "events",
            "audit",
            "$",
            "ENTRIESREAD",
            "100000",
        ],
        &[
            "XREADGROUP",
            "GROUP",
            "workers",
            "w1",
            "COUNT",
            "6000",
            "STREAMS",
            "events",
            ">",
        ],
        &[
            "XREADGROUP",
            "GROUP",
            "workers",
            "w2",
            "COUNT",
            "900",
            "STREAMS",
            "events",
            ">",
        ],
        &["XACK", "events", "workers", "1-0", "1-1", "2-3"],
        &["XDEL", "events", "5-5"],
        &["XGROUP", "CREATECONSUMER", "events", "workers", "idle"],
        &["XADD", "small", "1-1", "a", "1"],
        &["XGROUP", "CREATE", "empty", "g", "$", "MKSTREAM"],
    ] {
        let _: redis::Value = run(args).query_async(&mut src).await.unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let db = db_path(&dir);
    let dbp = dir.path().join("dest.db");
    let mut tracker = start_tracker(&url, &db, "st").await;

    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (url, stop) = (url.clone(), stop.clone());
        tokio::spawn(async move {
            let mut conn = connect(&url).await;
            let mut rng = Rng::new(5);
            let mut ops = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let consumer = format!("w{}", 1 + rng.below(3));
                let id = format!("{}-{}", 1 + rng.below(14_000), rng.below(7));
                let cmd = match rng.below(6) {
                    0 | 1 => run(&["XADD", "events", "*", "live", "1"]),
                    2 => run(&[
                        "XREADGROUP",
                        "GROUP",
                        "workers",
                        &consumer,
                        "COUNT",
                        "3",
                        "STREAMS",
                        "events",
                        ">",
                    ]),
                    3 => run(&["XACK", "events", "workers", &id]),
                    4 => run(&["XCLAIM", "events", "workers", &consumer, "0", &id]),
                    _ => run(&["XADD", &format!("st:{}", rng.below(50)), "*", "k", "v"]),
                };
                let _: Result<redis::Value, _> = cmd.query_async(&mut conn).await;
                ops += 1;
            }
            ops
        })
    };
    ok(migrate(&run_args(
        &url,
        &db,
        "st",
        "bulk",
        &["--scan-count", "20"],
    )));
    ok(migrate(&run_args(
        &url,
        &db,
        "st",
        "delta",
        &["--max-passes", "2"],
    )));
    stop.store(true, Ordering::Relaxed);
    let ops = writer.await.unwrap();
    assert!(ops > 100, "the writer ran only {ops} operations");
    // Every XADD applied; then the consumers read and acknowledge, which
    // publishes nothing: only the stream re-copy of delta carries it.
    ok(migrate(&run_args(&url, &db, "st", "delta", &[])));
    for args in [
        &[
            "XREADGROUP",
            "GROUP",
            "workers",
            "w1",
            "COUNT",
            "50",
            "STREAMS",
            "events",
            ">",
        ][..],
        &["XACK", "events", "workers", "3-0", "3-1", "3-2"],
        &["XCLAIM", "events", "workers", "w2", "0", "4-0", "4-1"],
    ] {
        let _: redis::Value = run(args).query_async(&mut src).await.unwrap();
    }

    let out = ok(migrate(&run_args(&url, &db, "st", "delta,verify", &[])));
    assert!(out.contains("no dirty keys left"), "{out}");
    assert!(out.contains(" 0 mismatches"), "{out}");
    ok(migrate(&["stop-tracker", "--to", &db, "--run-id", "st"]));
    assert!(tracker.wait().unwrap().success());
    assert_copy_matches(&mut src, &dbp).await;
    // The pending entries really are there, and the big stream's counters.
    let server = Resplite::on_db(&dbp, &[]);
    let mut ours = connect(&server.url()).await;
    let summary: (i64, String, String, Vec<(String, String)>) = redis::cmd("XPENDING")
        .arg("events")
        .arg("workers")
        .query_async(&mut ours)
        .await
        .unwrap();
    assert!(summary.0 > 5000, "{summary:?}");
    assert!(summary.3.len() >= 2, "{summary:?}");
}
