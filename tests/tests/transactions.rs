//! MULTI/EXEC/DISCARD/WATCH/UNWATCH: replies compared with a real redis-server,
//! WATCH invalidation by other clients, expiry and FLUSHALL, and atomicity under
//! concurrent clients.

use redis_protocol::resp2::types::BytesFrame;
use resplite_tests::diff::{Check, Pair};
use resplite_tests::{q, RedisServer, Resplite};

fn cmd(words: &str) -> Vec<Vec<u8>> {
    words.split(' ').map(|w| w.as_bytes().to_vec()).collect()
}

/// The same script on both servers, reply for reply (one connection each).
#[tokio::test]
async fn transaction_replies_match_redis() {
    let redis = RedisServer::start_with(&["--databases", "1"]);
    let ours = Resplite::start();
    let mut pair = Pair::connect(&redis, &ours).await;
    let script = [
        "EXEC",
        "DISCARD",
        "MULTI",
        "SET a 1",
        "INCR a",
        "LPUSH a x",
        "GET a",
        "EXEC",
        "MULTI",
        "MULTI",
        "WATCH a",
        "SET b 2",
        "EXEC",
        "MULTI",
        "SET c 3",
        "NOSUCHCMD x",
        "GET",
        "EXEC",
        "GET c",
        "MULTI",
        "SET d 4",
        "DISCARD",
        "GET d",
        "WATCH a b",
        "UNWATCH",
        "MULTI",
        "EXEC",
        "WATCH",
        "MULTI",
        "BLPOP nothing 0",
        "LPOP nothing",
        "EXEC",
        "WATCH missing",
        "MULTI",
        "SET missing 1",
        "EXEC",
        // Blocking commands on non-empty keys and wrong types answer at once.
        "RPUSH bl a b c",
        "BLPOP none bl 0",
        "BRPOP bl 1.5",
        "BLMOVE bl dst RIGHT LEFT 0",
        "BRPOPLPUSH dst bl 0",
        "BLMPOP 0 2 none bl LEFT COUNT 5",
        "ZADD bz 1 a 2 b 3 c",
        "BZPOPMIN none bz 0",
        "BZPOPMAX bz 0",
        "BZMPOP 0 1 bz MIN COUNT 3",
        "SET str x",
        "BLPOP str 0",
        "BZPOPMIN str 0",
        "BLMOVE str dst LEFT LEFT 0",
        "BLPOP bl -1",
        "BLPOP bl abc",
        "BLMPOP 0 0 bl LEFT",
        "BLMPOP 0 1 bl UP",
        "BLMPOP 0 1 bl LEFT COUNT 0",
        "BZMPOP 0 1 bz MIDDLE",
        "LMPOP 2 bl LEFT",
        "ZMPOP 1 bz MAX COUNT 1 COUNT 2",
        // SAVE is refused inside MULTI, and the transaction with it.
        "MULTI",
        "SET saved 1",
        "SAVE",
        "EXEC",
        "EXISTS saved",
    ];
    for line in script {
        pair.run(&[(cmd(line), Check::Exact)])
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
}

async fn raw_exec(
    server: &Resplite,
    watch: &str,
    after_watch: impl std::future::Future<Output = ()>,
) -> BytesFrame {
    let mut c = server.raw().await;
    assert_eq!(
        c.call(&["WATCH", watch]).await,
        BytesFrame::SimpleString("OK".into())
    );
    after_watch.await;
    c.call(&["MULTI"]).await;
    c.call(&["SET", watch, "mine"]).await;
    c.call(&["EXEC"]).await
}

#[tokio::test]
async fn watch_is_invalidated_by_writes_expiry_and_flush() {
    let server = Resplite::start();
    let mut other = server.client().await;
    let _: () = q(&mut other, &[b"SET", b"k", b"0"]).await.unwrap();

    // Untouched: EXEC runs.
    let r = raw_exec(&server, "k0", async {}).await;
    assert_eq!(
        r,
        BytesFrame::Array(vec![BytesFrame::SimpleString("OK".into())])
    );

    // Another client writes the key: EXEC fails with a nil array.
    let server_ref = &server;
    let r = raw_exec(server_ref, "k", async {
        let mut c = server_ref.client().await;
        let _: i64 = q(&mut c, &[b"INCR", b"k"]).await.unwrap();
    })
    .await;
    assert_eq!(r, BytesFrame::Null);
    assert_eq!(
        q::<String>(&mut other, &[b"GET", b"k"]).await.unwrap(),
        "1",
        "the failed EXEC wrote nothing"
    );

    // The key expires between WATCH and EXEC.
    let _: () = q(&mut other, &[b"SET", b"t", b"v", b"PX", b"30"])
        .await
        .unwrap();
    let r = raw_exec(server_ref, "t", async {
        let mut c = server_ref.client().await;
        for _ in 0..200 {
            if q::<i64>(&mut c, &[b"PTTL", b"t"]).await.unwrap() == -2 {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        panic!("key did not expire");
    })
    .await;
    assert_eq!(r, BytesFrame::Null);

    // FLUSHALL touches every watched key.
    let _: () = q(&mut other, &[b"SET", b"f", b"v"]).await.unwrap();
    let r = raw_exec(server_ref, "f", async {
        let mut c = server_ref.client().await;
        let _: () = q(&mut c, &[b"FLUSHALL"]).await.unwrap();
    })
    .await;
    assert_eq!(r, BytesFrame::Null);

    // A write by the watching client itself also counts (as in Redis).
    let mut c = server.raw().await;
    c.call(&["WATCH", "own"]).await;
    c.call(&["SET", "own", "1"]).await;
    c.call(&["MULTI"]).await;
    c.call(&["GET", "own"]).await;
    assert_eq!(c.call(&["EXEC"]).await, BytesFrame::Null);
}

/// Concurrent MULTI/EXEC blocks never interleave: x and y move together.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exec_is_atomic_under_concurrency() {
    let server = Resplite::start();
    let mut tasks = Vec::new();
    for i in 0..10 {
        let url = server.url();
        tasks.push(tokio::spawn(async move {
            let mut c = resplite_tests::connect(&url).await;
            for _ in 0..200 {
                if i % 2 == 0 {
                    let _: (i64, i64) = redis::pipe()
                        .atomic()
                        .cmd("INCR")
                        .arg("x")
                        .cmd("INCR")
                        .arg("y")
                        .query_async(&mut c)
                        .await
                        .unwrap();
                } else {
                    let (x, y): (Option<i64>, Option<i64>) = redis::pipe()
                        .atomic()
                        .cmd("GET")
                        .arg("x")
                        .cmd("GET")
                        .arg("y")
                        .query_async(&mut c)
                        .await
                        .unwrap();
                    assert_eq!(x, y, "a reader saw half a transaction");
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let mut c = server.client().await;
    assert_eq!(q::<i64>(&mut c, &[b"GET", b"x"]).await.unwrap(), 1000);
}
