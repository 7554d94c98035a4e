//! The PostgreSQL database goes away mid-load (every connection terminated, new ones refused
//! for a while): the server answers 503 with `Retry-After`, `/readyz` says 503, and once the
//! database takes connections again the server recovers by itself; every acknowledged span
//! is stored.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crate::common::*;
use crate::load::{Load, assert_all_stored};

/// Waits until `/readyz` answers `status` (at most `within`); whether it did.
async fn readyz_becomes(server: &ServerProcess, status: u16, within: Duration) -> bool {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        let answer = client
            .get(server.url("/readyz"))
            .timeout(Duration::from_secs(15))
            .send()
            .await;
        if answer.is_ok_and(|r| r.status().as_u16() == status) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_outage_answers_503_and_recovers() {
    let Some(admin) = pg_admin("database_outage_answers_503_and_recovers") else {
        return;
    };
    let db = PgDatabase::create(&admin).await;
    let secret = project_with_key(&db.url, "outage");
    let client = reqwest::Client::new();
    // Short pool timeouts are not needed: the defaults must already answer in time.
    let server = ServerProcess::spawn(&db.url, &[]);
    server.ready(&client).await;
    let load = Load::start(server.addr, &secret, 4);
    while load.acked_count().await < 10 {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    db.admin_sql(&format!(
        "ALTER DATABASE {} WITH ALLOW_CONNECTIONS false",
        db.name
    ))
    .await;
    db.terminate_backends().await;
    assert!(
        readyz_becomes(&server, 503, Duration::from_secs(30)).await,
        "/readyz reports the database away"
    );
    let failed_before = load.failed.load(Ordering::Relaxed);
    let unavailable_before = load.unavailable.load(Ordering::Relaxed);
    tokio::time::sleep(Duration::from_secs(3)).await;
    let unavailable = load.unavailable.load(Ordering::Relaxed) - unavailable_before;
    let failed = load.failed.load(Ordering::Relaxed) - failed_before;
    assert!(
        unavailable > 0,
        "requests during the outage get 503 with Retry-After"
    );
    assert_eq!(
        failed, 0,
        "every refusal during the outage is a 503 with Retry-After"
    );

    db.admin_sql(&format!(
        "ALTER DATABASE {} WITH ALLOW_CONNECTIONS true",
        db.name
    ))
    .await;
    assert!(
        readyz_becomes(&server, 200, Duration::from_secs(30)).await,
        "/readyz recovers by itself"
    );
    let before = load.acked_count().await;
    let deadline = Instant::now() + Duration::from_secs(30);
    while load.acked_count().await < before + 10 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let total_failed = load.failed.load(Ordering::Relaxed);
    let acked = load.finish().await;
    assert!(acked.len() >= before + 10, "writes are acknowledged again");
    server.stop();
    assert_all_stored(&db.url, "outage", &acked).await;
    println!(
        "outage: {unavailable} answers 503 in 3 s, {total_failed} other failures in the whole run, \
         {} acknowledged requests all stored",
        acked.len()
    );
}
