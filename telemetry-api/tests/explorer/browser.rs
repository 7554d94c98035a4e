//! The explorer in a real headless Chromium: a `--dev` server with the demo data, two OTLP
//! fixtures, a 5 000-span trace and 40 small traces; a server with keys for two projects.
//! `explorer/tests/browser.mjs` (playwright-core) drives the page against both.
//!
//! Needs `/usr/bin/chromium` (or `$CHROMIUM`), `node`, and `npm ci` run in
//! `telemetry-api/explorer`; `.ci/run` provides them. Without them the test is skipped, loudly.
//! Screenshots land in `<target>/explorer-screenshots/`; `TELEMETRY_UPDATE_SCREENSHOT=1` also
//! copies the trace view to `docs/explorer-trace.png` (the README's picture).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{Running, big_trace, fixture, small_trace};

const BIG_TRACE_SPANS: u64 = 5_000;
const SMALL_TRACES: u128 = 40;

fn explorer_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("explorer")
}

/// What the test needs that is missing, if anything.
fn missing_tools() -> Option<String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    if !Path::new(&chromium).exists() {
        return Some(format!("{chromium} (apt-get install chromium)"));
    }
    if Command::new("node").arg("--version").output().is_err() {
        return Some("node".to_owned());
    }
    if !explorer_dir().join("node_modules/playwright-core").exists() {
        return Some("playwright-core (npm ci in telemetry-api/explorer)".to_owned());
    }
    None
}

fn screenshots_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    target.join("explorer-screenshots")
}

/// The `--dev` server with everything the checks look at; returns the big trace's id.
async fn dev_server() -> (Running, String) {
    let server = Running::start(true).await;
    server.seed_demo().await;
    for name in ["otel-genai-content.pb", "openinference.pb"] {
        server.post_otlp(None, fixture(name)).await;
    }
    let (big_id, body) = big_trace(BIG_TRACE_SPANS);
    server.post_otlp(None, body).await;
    let mut last = String::new();
    for i in 0..SMALL_TRACES {
        let model = if i % 2 == 0 {
            "gpt-4o-mini"
        } else {
            "claude-sonnet-4"
        };
        let (id, body) = small_trace(0x7000 + i, &format!("small-agent-{i}"), model);
        server.post_otlp(None, body).await;
        last = id;
    }
    server.wait_for_trace(None, &big_id, BIG_TRACE_SPANS).await;
    server.wait_for_trace(None, &last, 2).await;
    (server, big_id)
}

/// A server without `--dev`, with two projects holding one trace each; returns their keys.
async fn auth_server() -> (Running, String, String) {
    let server = Running::start(false).await;
    let mut keys = Vec::new();
    for (i, slug) in ["project-a", "project-b"].into_iter().enumerate() {
        let project = server
            .store
            .create_project(slug, slug)
            .await
            .expect("project")
            .id;
        let key = server
            .store
            .create_api_key(project, "browser")
            .await
            .expect("key")
            .secret;
        let (id, body) = small_trace(0x9000 + i as u128, &format!("{slug}-agent"), "gpt-4o");
        server.post_otlp(Some(&key), body).await;
        server.wait_for_trace(Some(&key), &id, 2).await;
        keys.push(key);
    }
    let b = keys.pop().expect("key b");
    let a = keys.pop().expect("key a");
    (server, a, b)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_explorer_in_a_real_browser() {
    if let Some(missing) = missing_tools() {
        println!("!! =================================================================");
        println!("!! SKIPPED: the explorer browser test needs {missing}");
        println!("!! =================================================================");
        return;
    }
    let (dev, big_id) = dev_server().await;
    let (auth, key_a, key_b) = auth_server().await;
    let shots = screenshots_dir();
    let mut node = Command::new("node");
    node.arg(explorer_dir().join("tests/browser.mjs"))
        .current_dir(explorer_dir())
        .env("EXPLORER_DEV_URL", dev.url(""))
        .env("EXPLORER_AUTH_URL", auth.url(""))
        .env("EXPLORER_KEY_A", &key_a)
        .env("EXPLORER_KEY_B", &key_b)
        .env("EXPLORER_BIG_TRACE", &big_id)
        .env("EXPLORER_SCREENSHOTS", &shots);
    // The servers keep running on the runtime while node waits on a blocking thread.
    let output = tokio::task::spawn_blocking(move || node.output())
        .await
        .expect("node task")
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    println!("{stdout}");
    eprintln!("{}", String::from_utf8_lossy(&output.stderr));
    assert!(
        output.status.success(),
        "browser checks failed (screenshots in {})",
        shots.display()
    );
    assert!(stdout.contains("ok without --dev"), "every check ran");
    if std::env::var_os("TELEMETRY_UPDATE_SCREENSHOT").is_some() {
        let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/explorer-trace.png");
        std::fs::copy(shots.join("trace-llm.png"), docs).expect("copy the README screenshot");
    }
}
