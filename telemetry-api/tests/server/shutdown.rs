//! The binary: `projects create`, `keys create` (secret on the last line), `keys list`
//! (never a secret), `keys revoke`; refusal of a schema newer than the code; and graceful
//! shutdown: SIGTERM mid-load, restart on the same database, every acknowledged span is there.

use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use sea_orm::ConnectionTrait;
use telemetry_store::Store;

use crate::common::{chat_body, stored_spans};

const BIN: &str = env!("CARGO_BIN_EXE_telemetry-api");

fn cli(url: &str, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("TELEMETRY_DATABASE_URL", url)
        .env_remove("TELEMETRY_CONFIG")
        .output()
        .expect("binary runs")
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn free_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr")
}

fn spawn_server(url: &str, addr: SocketAddr) -> Child {
    Command::new(BIN)
        .args(["serve", "--listen", &addr.to_string()])
        .env("TELEMETRY_DATABASE_URL", url)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .expect("server spawns")
}

async fn wait_ready(client: &reqwest::Client, addr: SocketAddr) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        let ready = client.get(format!("http://{addr}/readyz")).send().await;
        if ready.is_ok_and(|r| r.status() == 200) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("server on {addr} not ready");
}

fn sigterm(child: &Child) {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
}

fn url_in(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("cli.db").display())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_manages_projects_and_keys() {
    let dir = tempfile::tempdir().expect("dir");
    let url = url_in(dir.path());
    stdout(&cli(&url, &["projects", "create", "shop"]));
    assert!(
        !cli(&url, &["projects", "create", "shop"]).status.success(),
        "duplicate project"
    );
    let created = stdout(&cli(&url, &["keys", "create", "--project", "shop"]));
    let secret = created
        .lines()
        .last()
        .expect("a last line")
        .trim()
        .to_owned();
    assert!(secret.starts_with("tsk_") && secret.len() > 40, "{created}");
    let listed = stdout(&cli(&url, &["keys", "list"]));
    assert!(
        listed.contains("shop") && listed.contains("live"),
        "{listed}"
    );
    assert!(
        !listed.contains(&secret),
        "keys list must not print secrets"
    );
    assert!(
        !cli(&url, &["keys", "create", "--project", "nope"])
            .status
            .success()
    );

    let store = Store::connect(&url).await.expect("store");
    let key = store
        .verify_api_key(&secret)
        .await
        .expect("q")
        .expect("key works");
    stdout(&cli(
        &url,
        &["keys", "revoke", "--project", "shop", &key.id.to_string()],
    ));
    assert!(
        store.verify_api_key(&secret).await.expect("q").is_none(),
        "revoked"
    );
    assert!(stdout(&cli(&url, &["keys", "list"])).contains("revoked"));

    store
        .connection()
        .execute_unprepared(
            "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m29990101_000001_from_the_future', 0)",
        )
        .await
        .expect("fake a newer migration");
    store.close().await.expect("close");
    let refused = cli(&url, &["keys", "list"]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("newer than this code"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_mid_load_keeps_every_acknowledged_span() {
    let dir = tempfile::tempdir().expect("dir");
    let url = url_in(dir.path());
    stdout(&cli(&url, &["projects", "create", "load"]));
    let created = stdout(&cli(&url, &["keys", "create", "--project", "load"]));
    let secret = created.lines().last().expect("secret").trim().to_owned();
    let addr = free_port();
    let child = spawn_server(&url, addr);
    let client = reqwest::Client::new();
    wait_ready(&client, addr).await;

    let stop = Arc::new(AtomicBool::new(false));
    let mut senders = Vec::new();
    for sender in 0..8u64 {
        let (client, secret, stop) = (client.clone(), secret.clone(), stop.clone());
        senders.push(tokio::spawn(async move {
            let mut acked = Vec::new();
            for n in 0..10_000u64 {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let trace = sender * 100_000 + n;
                let sent = client
                    .post(format!("http://{addr}/v1/traces"))
                    .bearer_auth(&secret)
                    .header("content-type", "application/x-protobuf")
                    .body(chat_body(trace, 50))
                    .send()
                    .await;
                match sent {
                    Ok(r) if r.status() == 200 => acked.push(trace),
                    Ok(_) => {}
                    Err(_) => break,
                }
            }
            acked
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    sigterm(&child);
    let exit = tokio::task::spawn_blocking(move || {
        let mut child = child;
        child.wait()
    });
    let status = tokio::time::timeout(Duration::from_secs(40), exit)
        .await
        .expect("server exits after SIGTERM")
        .expect("join")
        .expect("wait");
    stop.store(true, Ordering::Relaxed);
    assert!(status.success(), "server exit status {status:?}");
    let mut acked = Vec::new();
    for sender in senders {
        acked.extend(sender.await.expect("sender"));
    }
    assert!(!acked.is_empty(), "nothing was acknowledged before SIGTERM");

    let restarted = spawn_server(&url, addr);
    wait_ready(&client, addr).await;
    sigterm(&restarted);
    let store = Store::connect(&url).await.expect("store");
    let project = store
        .project_by_slug("load")
        .await
        .expect("q")
        .expect("project")
        .id;
    for trace in &acked {
        assert_eq!(
            stored_spans(&store, project, *trace).await,
            50,
            "acknowledged trace {trace} lost"
        );
    }
    println!(
        "{} acknowledged requests ({} spans) all found after SIGTERM",
        acked.len(),
        acked.len() * 50
    );
    let _ = tokio::task::spawn_blocking(move || {
        let mut restarted = restarted;
        restarted.wait()
    })
    .await;
}
