//! The real Mastra exporter: `tests/clients/mastra/run.mjs` (an agent with one tool and the
//! `ai` package's mock model, `@mastra/otel-exporter` over OTLP/HTTP protobuf) against a
//! server started here; user, session, tags, inputs/outputs, types and tokens (once) read
//! back through GraphQL. `.ci/run` installs the Node project (`npm ci`) and sets
//! `TELEMETRY_TEST_MASTRA` to `node`; without it the test is skipped, loudly.

use std::path::PathBuf;
use std::process::Command;

use serde_json::{Value, json};

use crate::common::TestServer;

const NODE_ENV: &str = "TELEMETRY_TEST_MASTRA";

const QUERY: &str = r#"query($id: String!) { trace(id: $id) {
    userId sessionId tags inputTokens outputTokens
    spans { name type input output usage { inputTokens outputTokens } }
} }"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mastra_otel_exporter_is_ingested() {
    let Some(node) = std::env::var(NODE_ENV).ok().filter(|p| !p.is_empty()) else {
        eprintln!("!! =============================================================");
        eprintln!("!! SKIPPED: Mastra client test ({NODE_ENV} is not set;");
        eprintln!("!! .ci/run installs tests/clients/mastra and sets it)");
        eprintln!("!! =============================================================");
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("mastra.db").display());
    let server = TestServer::start(&url).await;
    let (endpoint, secret) = (server.url("/v1/traces"), server.secret.clone());
    let project = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/clients/mastra");
    let output = tokio::task::spawn_blocking(move || {
        Command::new(node)
            .arg("run.mjs")
            .current_dir(project)
            .env("ENDPOINT", endpoint)
            .env("SECRET", secret)
            .output()
            .expect("node runs")
    })
    .await
    .expect("join");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "node failed: {stderr}");
    // The script prints the trace id first; Mastra logs to stdout after it.
    let stdout = String::from_utf8_lossy(&output.stdout);
    let trace_id = stdout.lines().next().unwrap_or_default().trim().to_owned();
    let body = json!({ "query": QUERY, "variables": { "id": trace_id } });
    let answer: Value = server
        .client
        .post(server.url("/graphql"))
        .bearer_auth(&server.secret)
        .json(&body)
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    let trace = &answer["data"]["trace"];
    assert!(trace.is_object(), "no trace {trace_id}: {answer}\n{stderr}");
    assert_eq!(trace["userId"], "u-1", "{answer}");
    assert_eq!(trace["sessionId"], "s-1");
    assert_eq!(trace["tags"], json!(["beta", "eu"]));
    // Two mock model calls of 10 + 5 tokens: counted once each.
    assert_eq!(
        (&trace["inputTokens"], &trace["outputTokens"]),
        (&json!(20), &json!(10))
    );
    let spans = trace["spans"].as_array().expect("spans");
    let of_type = |t: &str| spans.iter().filter(|s| s["type"] == t).collect::<Vec<_>>();
    let agent = of_type("AGENT_RUN");
    assert_eq!(agent.len(), 1, "{answer}");
    assert_eq!(agent[0]["input"], "Weather in Paris?");
    assert_eq!(agent[0]["output"]["text"], "It is sunny.");
    let tool = of_type("TOOL_CALL");
    assert_eq!(tool.len(), 1);
    assert_eq!(tool[0]["input"], json!({"city": "Paris"}));
    assert_eq!(tool[0]["output"], json!({"forecast": "sunny"}));
    assert_eq!(of_type("LLM_GENERATION").len(), 2);
    server.stop().await;
}
