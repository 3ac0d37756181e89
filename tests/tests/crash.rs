//! Crash safety: SIGKILL during a 50-client write load. After each restart every
//! acknowledged write is present and SQLite's integrity check passes.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;

use resplite_tests::{q, Resplite};

const CLIENTS: usize = 50;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_sigkill() {
    let mut server = Resplite::start();
    // acked[c]: the highest counter value client c saw acknowledged.
    let acked: Arc<Vec<AtomicI64>> = Arc::new((0..CLIENTS).map(|_| AtomicI64::new(0)).collect());
    for round in 0..3 {
        let stop = Arc::new(AtomicBool::new(false));
        let total = Arc::new(AtomicI64::new(0));
        let mut tasks = Vec::new();
        for client in 0..CLIENTS {
            let (url, acked, stop, total) =
                (server.url(), acked.clone(), stop.clone(), total.clone());
            tasks.push(tokio::spawn(async move {
                let mut c = resplite_tests::connect(&url).await;
                let key = format!("ctr:{client}");
                while !stop.load(Ordering::Relaxed) {
                    match q::<i64>(&mut c, &[b"INCR", key.as_bytes()]).await {
                        Ok(n) => {
                            acked[client].store(n, Ordering::SeqCst);
                            total.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(_) => return, // the server died: stop, keep what was acked
                    }
                }
            }));
        }
        // Kill once a few thousand writes were acknowledged this round.
        while total.load(Ordering::Relaxed) < 3000 + 1000 * round {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        server.kill();
        stop.store(true, Ordering::Relaxed);
        for t in tasks {
            let _ = t.await;
        }
        server.start_again();
        let mut c = server.client().await;
        for (client, acked) in acked.iter().enumerate() {
            let acked = acked.load(Ordering::SeqCst);
            let got: i64 = q(&mut c, &[b"GET", format!("ctr:{client}").as_bytes()])
                .await
                .unwrap_or(0);
            // The last INCR may have committed without its reply arriving: +1 at most.
            assert!(
                got == acked || got == acked + 1,
                "round {round} client {client}: acked {acked}, stored {got}"
            );
        }
        let conn = rusqlite::Connection::open(&server.db).unwrap();
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok");
    }
}
