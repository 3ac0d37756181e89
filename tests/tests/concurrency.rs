//! Many clients at once: serialization, read-your-writes, expiry under traffic.

use resplite_tests::{q, Resplite};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_clients_incr_one_key_exactly() {
    let server = Resplite::start();
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let url = server.url();
        tasks.push(tokio::spawn(async move {
            let mut c = resplite_tests::connect(&url).await;
            for _ in 0..2000 {
                let _: i64 = q(&mut c, &[b"INCR", b"counter"]).await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let mut c = server.client().await;
    assert_eq!(
        q::<i64>(&mut c, &[b"GET", b"counter"]).await.unwrap(),
        100_000
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interleaved_reads_writes_and_expiry_under_traffic() {
    let server = Resplite::start();
    let mut tasks = Vec::new();
    for client in 0..20 {
        let url = server.url();
        tasks.push(tokio::spawn(async move {
            let mut c = resplite_tests::connect(&url).await;
            for i in 0..300 {
                let key = format!("c{client}:{}", i % 10);
                let value = format!("{client}-{i}");
                // Short-lived keys keep the sweeper busy while traffic runs.
                let _: () = q(
                    &mut c,
                    &[b"SET", key.as_bytes(), value.as_bytes(), b"PX", b"5000"],
                )
                .await
                .unwrap();
                let _: () = q(
                    &mut c,
                    &[
                        b"SET",
                        format!("tmp{client}:{i}").as_bytes(),
                        b"x",
                        b"PX",
                        b"1",
                    ],
                )
                .await
                .unwrap();
                // Read-your-writes across the group commit.
                let got: String = q(&mut c, &[b"GET", key.as_bytes()]).await.unwrap();
                assert_eq!(got, value);
                let shared: Option<String> = q(&mut c, &[b"GET", b"shared"]).await.unwrap();
                if let Some(v) = shared {
                    assert!(v.starts_with('w'), "torn or foreign value {v}");
                }
                let _: () = q(
                    &mut c,
                    &[b"SET", b"shared", format!("w{client}").as_bytes()],
                )
                .await
                .unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let mut c = server.client().await;
    // Every short-lived key has expired: none is visible to any command.
    let tmp: Vec<Vec<u8>> = q(&mut c, &[b"KEYS", b"tmp*"]).await.unwrap();
    assert!(tmp.is_empty(), "{} expired keys visible", tmp.len());
    assert_eq!(
        q::<Vec<Vec<u8>>>(&mut c, &[b"KEYS", b"c*"])
            .await
            .unwrap()
            .len(),
        200
    );
}
