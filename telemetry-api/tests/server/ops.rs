//! `/healthz`, `/readyz` and `/metrics` answer without credentials, and the metrics count
//! what ingest accepted and rejected.

use crate::common::{TestServer, chat_body};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_readiness_and_metrics() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("ops.db").display());
    let server = TestServer::start(&url).await;
    for path in ["/healthz", "/readyz"] {
        let response = server
            .client
            .get(server.url(path))
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 200, "{path}");
    }
    assert_eq!(server.post_otlp(chat_body(1, 3)).await.status(), 200);
    let unauthorized = server
        .client
        .post(server.url("/v1/traces"))
        .header("content-type", "text/plain")
        .send()
        .await
        .expect("sent");
    assert_eq!(unauthorized.status(), 401);
    let wrong_type = server
        .client
        .post(server.url("/v1/traces"))
        .bearer_auth(&server.secret)
        .header("content-type", "text/plain")
        .send()
        .await
        .expect("sent");
    assert_eq!(wrong_type.status(), 415);
    let text = server
        .client
        .get(server.url("/metrics"))
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("text");
    for needle in [
        "telemetry_spans_accepted_total{route=\"otlp\"}",
        "telemetry_ingest_requests_rejected_total{route=\"otlp\",reason=\"unsupported_media_type\"}",
        "telemetry_http_request_duration_seconds_bucket",
        "telemetry_commit_batch_spans",
        "telemetry_pipeline_depth_spans",
        "telemetry_db_pool_connections{state=\"open\"}",
    ] {
        assert!(text.contains(needle), "missing {needle} in\n{text}");
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_runs_periodically_and_deletes_old_traces() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("retention.db").display());
    let mut config = telemetry_api::config::ServerConfig::new(&url);
    config.listen = "127.0.0.1:0".parse().expect("addr");
    config.retention_days = Some(30);
    config.retention_interval = std::time::Duration::from_secs(1);
    let server = TestServer::start_config(config).await;
    // chat_body's spans start on 2026-01-01: older than 30 days by the time this runs.
    assert_eq!(server.post_otlp(chat_body(9, 4)).await.status(), 200);
    let mut left = usize::MAX;
    for _ in 0..50 {
        left = crate::common::stored_spans(&server.store, server.project, 9).await;
        if left == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(left, 0, "retention did not delete the old trace");
    server.stop().await;
}
