//! A disk that fills under SQLite, simulated by a file-size limit on the server process
//! (`RLIMIT_FSIZE`, with `SIGXFSZ` ignored so a write past it fails instead of killing the
//! process): writes are answered 503 with `Retry-After` and a clear log line says why; once
//! the limit is lifted (space freed) the server takes writes again by itself; the database
//! passes `PRAGMA integrity_check` and every acknowledged span is stored.

use std::process::Command;
use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, Statement};
use telemetry_store::Store;

use crate::common::*;
use crate::load::{Load, assert_all_stored};

/// Bytes the database files may grow to.
const LIMIT: u64 = 4 * 1024 * 1024;

/// `serve` under a file-size limit: `bash` ignores SIGXFSZ (kept across `exec`), `prlimit`
/// sets the soft limit and leaves the hard one open, so it can be raised later.
fn limited_server(url: &str) -> ServerProcess {
    let mut command = Command::new("bash");
    command.args([
        "-c",
        "trap '' XFSZ; exec prlimit --fsize=\"$1\":unlimited -- \"$2\" \"${@:3}\"",
        "limited",
        &LIMIT.to_string(),
        BIN,
    ]);
    ServerProcess::spawn_with(command, url, free_port(), &[])
}

fn prlimit_available() -> bool {
    std::path::Path::new("/bin/bash").exists()
        && Command::new("prlimit")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_answers_503_and_recovers_without_corruption() {
    if !prlimit_available() {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "skipped: the disk-full test needs bash and util-linux prlimit"
        );
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("full.db").display());
    let secret = project_with_key(&url, "full");
    let client = reqwest::Client::new();
    let server = limited_server(&url);
    server.ready(&client).await;
    let load = Load::start(server.addr, &secret, 4);

    // Fill up: requests are acknowledged until the files reach the limit, then refused.
    let deadline = Instant::now() + Duration::from_secs(120);
    while load.unavailable.load(std::sync::atomic::Ordering::Relaxed) < 5 {
        assert!(Instant::now() < deadline, "the disk never filled");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let acked_full = load.acked_count().await;
    assert!(
        acked_full > 0,
        "writes were acknowledged before the disk filled"
    );
    let log = server.log();
    assert!(
        log.contains("cannot write its files"),
        "a clear log line names the full disk:\n{log}"
    );
    assert_eq!(
        load.failed.load(std::sync::atomic::Ordering::Relaxed),
        0,
        "a full disk is a 503 with Retry-After, never another answer"
    );

    // Free the space: the same process takes writes again.
    let raised = Command::new("prlimit")
        .args([
            "--pid",
            &server.pid().to_string(),
            "--fsize=unlimited:unlimited",
        ])
        .status()
        .expect("prlimit runs");
    assert!(raised.success());
    let before = load.acked_count().await;
    let deadline = Instant::now() + Duration::from_secs(60);
    while load.acked_count().await < before + 10 {
        assert!(
            Instant::now() < deadline,
            "no recovery after space was freed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let acked = load.finish().await;
    server.stop();

    let store = Store::connect(&url).await.expect("store");
    let check = store
        .connection()
        .query_one_raw(Statement::from_string(
            store.connection().get_database_backend(),
            "PRAGMA integrity_check",
        ))
        .await
        .expect("integrity check")
        .expect("a row");
    let verdict: String = check.try_get_by_index(0).expect("verdict");
    assert_eq!(verdict, "ok", "no corruption");
    store.close().await.expect("close");
    assert_all_stored(&url, "full", &acked).await;
    println!(
        "disk full after {acked_full} acknowledged requests; {} in all, all stored, integrity ok",
        acked.len()
    );
}
