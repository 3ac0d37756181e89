//! `resplite import` and `resplite export` with a real redis-server: an RDB
//! that redis-server SAVEs (every type and encoding, several databases, 100k
//! keys, big keys, TTLs, a function library) imports with no difference; a
//! file resplite exports, while a writer keeps writing, loads in
//! redis-server as one snapshot.

use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use resplite_tests::values::{
    call, fixtures, paired_steps, pttl, read, run, spawn_paired_writer, wait_paired, Conn, KEYS,
};
use resplite_tests::{assert_integrity, binary, connect, q, RedisServer, Resplite};

const POPULATED: usize = 100_000;
const LIBRARY: &[u8] =
    b"#!lua name=imported\nredis.register_function('seven', function() return 7 end)";

fn resplite(args: &[&std::ffi::OsStr]) -> String {
    let out = Command::new(binary()).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "resplite {:?}: {}",
        args,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every key of database `db` reads the same on both servers.
async fn same_database(a: &mut Conn, b: &mut Conn, db: u32) {
    let sel = db.to_string();
    let _: () = q(a, &[b"SELECT", sel.as_bytes()]).await.unwrap();
    let _: () = q(b, &[b"SELECT", sel.as_bytes()]).await.unwrap();
    let size: i64 = q(a, &[b"DBSIZE"]).await.unwrap();
    assert_eq!(
        size,
        q::<i64>(b, &[b"DBSIZE"]).await.unwrap(),
        "DBSIZE of db {db}"
    );
    let mut cursor = 0u64;
    let mut seen = 0;
    loop {
        let c = cursor.to_string();
        let (next, keys): (u64, Vec<Vec<u8>>) = q(a, &[b"SCAN", c.as_bytes(), b"COUNT", b"1000"])
            .await
            .unwrap();
        // Strings in bulk (MGET); everything else key by key.
        let mut strings = Vec::new();
        for key in keys {
            seen += 1;
            if key.starts_with(b"key:") {
                strings.push(key);
            } else {
                assert_eq!(
                    read(a, &key).await,
                    read(b, &key).await,
                    "{}",
                    key.escape_ascii()
                );
                let (x, y) = (pttl(a, &key).await, pttl(b, &key).await);
                assert!((x < 0) == (y < 0) && (x - y).abs() < 5000, "TTL {x} vs {y}");
            }
        }
        if !strings.is_empty() {
            let mut args: Vec<&[u8]> = vec![b"MGET"];
            args.extend(strings.iter().map(|k| &k[..]));
            assert_eq!(call(a, &args).await, call(b, &args).await);
        }
        if next == 0 {
            break;
        }
        cursor = next;
    }
    assert!(seen as i64 >= size);
}

#[tokio::test]
async fn redis_save_imports_with_no_difference() {
    let dir = tempfile::tempdir().unwrap();
    let redis = RedisServer::start_with(&[
        "--dir",
        dir.path().to_str().unwrap(),
        "--enable-debug-command",
        "yes",
    ]);
    let mut r = connect(&redis.url()).await;
    run(&mut r, &fixtures()).await;
    let n = POPULATED.to_string();
    run(
        &mut r,
        &[vec![
            b"DEBUG".to_vec(),
            b"POPULATE".to_vec(),
            n.into_bytes(),
        ]],
    )
    .await;
    for db in ["1", "7"] {
        let _: () = q(&mut r, &[b"SELECT", db.as_bytes()]).await.unwrap();
        run(&mut r, &fixtures()).await;
        let _: () = q(
            &mut r,
            &[b"SET", b"only-here", db.as_bytes(), b"EX", b"9000"],
        )
        .await
        .unwrap();
    }
    let _: () = q(&mut r, &[b"SELECT", b"0"]).await.unwrap();
    let _: String = q(&mut r, &[b"FUNCTION", b"LOAD", LIBRARY]).await.unwrap();
    let _: () = q(&mut r, &[b"SAVE"]).await.unwrap();

    let rdb = dir.path().join("dump.rdb");
    let db = dir.path().join("imported.db");
    let said = resplite(&[
        "import".as_ref(),
        rdb.as_os_str(),
        "--to".as_ref(),
        db.as_os_str(),
    ]);
    assert!(
        said.contains(&format!("imported {} keys", POPULATED + 3 * KEYS.len() + 2)),
        "{said}"
    );
    assert!(said.contains("1 function libraries"), "{said}");

    let server = Resplite::on_db(&db, &[]);
    let mut s = server.client().await;
    for db in [0, 1, 7] {
        same_database(&mut r, &mut s, db).await;
    }
    let _: () = q(&mut s, &[b"SELECT", b"0"]).await.unwrap();
    assert_eq!(
        q::<i64>(&mut s, &[b"FCALL", b"seven", b"0"]).await.unwrap(),
        7
    );
    assert_integrity(&db);

    // A damaged file is refused with where it broke, not imported in part silently.
    let mut bytes = std::fs::read(&rdb).unwrap();
    let len = bytes.len();
    bytes.truncate(len / 2);
    let cut = dir.path().join("cut.rdb");
    std::fs::write(&cut, &bytes).unwrap();
    let out = Command::new(binary())
        .args([
            "import".as_ref(),
            cut.as_os_str(),
            "--to".as_ref(),
            dir.path().join("x.db").as_os_str(),
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("ends before"));
}

#[tokio::test]
async fn export_of_a_live_file_loads_in_redis() {
    let server = Resplite::start();
    let mut s = server.client().await;
    run(&mut s, &fixtures()).await;
    let _: () = q(&mut s, &[b"SELECT", b"3"]).await.unwrap();
    run(&mut s, &fixtures()).await;
    let _: () = q(&mut s, &[b"SELECT", b"0"]).await.unwrap();
    let _: String = q(&mut s, &[b"FUNCTION", b"LOAD", LIBRARY]).await.unwrap();
    // A writer in database 5 that never stops: INCR and RPUSH together.
    let stop = Arc::new(AtomicBool::new(false));
    let (mut w, mut wc) = (server.client().await, server.client().await);
    for c in [&mut w, &mut wc] {
        let _: () = q(c, &[b"SELECT", b"5"]).await.unwrap();
    }
    let writer = spawn_paired_writer(wc, stop.clone());
    wait_paired(&mut w, 300).await;
    let dir = tempfile::tempdir().unwrap();
    let rdb = dir.path().join("out.rdb");
    let said = resplite(&[
        "export".as_ref(),
        "--rdb".as_ref(),
        rdb.as_os_str(),
        "--from".as_ref(),
        server.db.as_os_str(),
    ]);
    assert!(said.contains("exported"), "{said}");
    stop.store(true, Ordering::Relaxed);
    writer.await.unwrap();
    // Refuses to overwrite.
    let again = Command::new(binary())
        .args([
            "export".as_ref(),
            "--rdb".as_ref(),
            rdb.as_os_str(),
            "--from".as_ref(),
            server.db.as_os_str(),
        ])
        .output()
        .unwrap();
    assert!(!again.status.success());

    let redis = RedisServer::start_with(&[
        "--dir",
        dir.path().to_str().unwrap(),
        "--dbfilename",
        "out.rdb",
    ]);
    let mut r = connect(&redis.url()).await;
    for db in [0, 3] {
        same_database(&mut s, &mut r, db).await;
    }
    let _: () = q(&mut r, &[b"SELECT", b"0"]).await.unwrap();
    assert_eq!(
        q::<i64>(&mut r, &[b"FCALL", b"seven", b"0"]).await.unwrap(),
        7
    );
    // Database 5 as one instant: as many INCRs as pushes.
    let _: () = q(&mut r, &[b"SELECT", b"5"]).await.unwrap();
    assert!(paired_steps(&mut r).await >= 300);
}

/// `import` into the file of a running server: the server sees the new keys
/// (its key count included) as soon as the import commits.
#[tokio::test]
async fn import_into_a_running_servers_file() {
    let server = Resplite::start();
    let mut s = server.client().await;
    let _: () = q(&mut s, &[b"SET", b"mine", b"1"]).await.unwrap();
    assert_eq!(q::<i64>(&mut s, &[b"DBSIZE"]).await.unwrap(), 1);
    let dir = tempfile::tempdir().unwrap();
    let rdb = dir.path().join("in.rdb");
    let mut w = resplite_core::rdb::FileWriter::new(std::fs::File::create(&rdb).unwrap()).unwrap();
    w.select_db(0, 100, 0).unwrap();
    for i in 0..100 {
        let value = resplite_core::engine::value::Value::String(format!("v{i}").into_bytes());
        w.key(format!("k{i}").as_bytes(), &value, None).unwrap();
    }
    w.finish().unwrap();
    resplite(&[
        "import".as_ref(),
        rdb.as_os_str(),
        "--to".as_ref(),
        server.db.as_os_str(),
    ]);
    assert_eq!(q::<i64>(&mut s, &[b"DBSIZE"]).await.unwrap(), 101);
    assert_eq!(q::<String>(&mut s, &[b"GET", b"k42"]).await.unwrap(), "v42");
    let _: () = q(&mut s, &[b"SET", b"k42", b"mine"]).await.unwrap();
    assert_eq!(q::<i64>(&mut s, &[b"DBSIZE"]).await.unwrap(), 101);
}
