//! `kill -9` of the server mid-load (no shutdown, no last commit), restart on the same
//! database: every acknowledged span is there, and the restarted server takes writes.

use std::time::{Duration, Instant};

use crate::common::*;
use crate::load::{Load, assert_all_stored};

async fn kill9_mid_load(url: &str) {
    let secret = project_with_key(url, "crash");
    let client = reqwest::Client::new();
    let server = ServerProcess::spawn(url, &[]);
    server.ready(&client).await;
    let load = Load::start(server.addr, &secret, 6);
    let deadline = Instant::now() + Duration::from_secs(60);
    while load.acked_count().await < 20 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.kill9();
    // Requests in flight at the kill get no answer (not acknowledged); then restart.
    let restarted = ServerProcess::spawn(url, &[]);
    restarted.ready(&client).await;
    *load.target.lock().await = restarted.addr;
    let before = load.acked_count().await;
    let deadline = Instant::now() + Duration::from_secs(60);
    while load.acked_count().await < before + 10 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let acked = load.finish().await;
    assert!(
        acked.len() >= before + 10,
        "the restarted server takes writes"
    );
    restarted.stop();
    assert_all_stored(url, "crash", &acked).await;
    println!(
        "kill -9 after {before} acknowledged requests; {} acknowledged in all, all stored",
        acked.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill9_mid_load_keeps_every_acknowledged_span_on_sqlite() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("crash.db").display());
    kill9_mid_load(&url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill9_mid_load_keeps_every_acknowledged_span_on_postgres() {
    let Some(admin) = pg_admin("kill9_mid_load_keeps_every_acknowledged_span_on_postgres") else {
        return;
    };
    let db = PgDatabase::create(&admin).await;
    kill9_mid_load(&db.url).await;
}
