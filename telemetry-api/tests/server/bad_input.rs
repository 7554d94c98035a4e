//! Bad input: wrong content type (415), malformed protobuf and JSON (400), truncated gzip
//! (400), a gzip bomb and an oversized body (413, without inflating the bomb), invalid spans
//! (partial success), a full pipeline (503 with Retry-After). Nothing bad is stored.

use std::io::Write;
use std::time::Instant;

use flate2::Compression;
use flate2::write::GzEncoder;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceResponse;
use prost::Message;
use telemetry_api::config::Limits;

use crate::common::{TestServer, chat_body, chat_span, each_db, request, stored_spans};

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
    encoder.write_all(bytes).expect("gzip");
    encoder.finish().expect("gzip")
}

async fn post(
    server: &TestServer,
    content_type: &str,
    gzip: bool,
    body: Vec<u8>,
) -> reqwest::Response {
    let mut request = server
        .client
        .post(server.url("/v1/traces"))
        .bearer_auth(&server.secret)
        .header("content-type", content_type)
        .body(body);
    if gzip {
        request = request.header("content-encoding", "gzip");
    }
    request.send().await.expect("sent")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_bodies_and_wrong_types_are_refused() {
    each_db("bad bodies", |url| async move {
        let server = TestServer::start(&url).await;
        let pb = "application/x-protobuf";
        let cases: Vec<(&str, bool, Vec<u8>, u16)> = vec![
            ("text/plain", false, chat_body(1, 1), 415),
            ("", false, chat_body(1, 1), 415),
            (pb, false, b"\xff\xff\xff\xff\x0f garbage".to_vec(), 400),
            (
                "application/json",
                false,
                b"{\"resourceSpans\": 3".to_vec(),
                400,
            ),
            ("application/json", false, b"[1,2,3]".to_vec(), 400),
            (pb, true, gzip(&chat_body(1, 50))[..40].to_vec(), 400),
            (pb, true, b"definitely not gzip".to_vec(), 400),
        ];
        for (content_type, gz, body, status) in cases {
            let response = post(&server, content_type, gz, body).await;
            assert_eq!(response.status(), status, "{content_type} gzip={gz}");
        }
        let response = server
            .client
            .post(server.url("/v1/traces"))
            .bearer_auth(&server.secret)
            .header("content-type", pb)
            .header("content-encoding", "br")
            .body(chat_body(1, 1))
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 415, "unknown content encoding");
        assert_eq!(stored_spans(&server.store, server.project, 1).await, 0);
        server.stop().await;
    })
    .await;
}

/// A 413 answer; or, when the server answered 413 and closed before the client had written
/// the whole body (the client then sees the reset), a `too_large` rejection in the metrics.
async fn assert_too_large(server: &TestServer, sent: reqwest::Result<reqwest::Response>) {
    match sent {
        Ok(response) => assert_eq!(response.status(), 413),
        Err(err) => {
            let metrics = server.client.get(server.url("/metrics")).send().await;
            let text = metrics.expect("metrics").text().await.expect("text");
            assert!(
                text.contains("reason=\"too_large\""),
                "{err}: no 413 counted"
            );
        }
    }
}

/// POSTs `body` without unwrapping the result.
async fn try_post(
    server: &TestServer,
    content_type: &str,
    gzip: bool,
    body: Vec<u8>,
) -> reqwest::Result<reqwest::Response> {
    let mut request = server
        .client
        .post(server.url("/v1/traces"))
        .bearer_auth(&server.secret)
        .header("content-type", content_type)
        .body(body);
    if gzip {
        request = request.header("content-encoding", "gzip");
    }
    request.send().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gzip_bomb_and_oversized_bodies_get_413() {
    each_db("size limits", |url| async move {
        let limits = Limits {
            max_body_bytes: 1024 * 1024,
            ..Limits::default()
        };
        let server = TestServer::start_with(&url, limits).await;
        // 256 MiB of zeros inflate from about 256 KiB of gzip; the server must stop at 1 MiB.
        let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
        let zeros = vec![0u8; 1024 * 1024];
        for _ in 0..256 {
            encoder.write_all(&zeros).expect("gzip");
        }
        let bomb = encoder.finish().expect("gzip");
        assert!(bomb.len() < 2 * 1024 * 1024, "bomb is {} bytes", bomb.len());
        let started = Instant::now();
        let sent = try_post(&server, "application/x-protobuf", true, bomb).await;
        assert_too_large(&server, sent).await;
        assert!(
            started.elapsed().as_secs() < 20,
            "the bomb was inflated: {:?}",
            started.elapsed()
        );
        let oversized = vec![b' '; 2 * 1024 * 1024];
        let sent = try_post(&server, "application/json", false, oversized).await;
        assert_too_large(&server, sent).await;
        server.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_spans_are_a_partial_success() {
    each_db("partial success", |url| async move {
        let server = TestServer::start(&url).await;
        let mut bad_trace = chat_span(5, 0);
        bad_trace.trace_id = vec![0; 16];
        let mut bad_span = chat_span(5, 1);
        bad_span.span_id = vec![1, 2, 3];
        let spans = vec![bad_trace, bad_span, chat_span(5, 2), chat_span(5, 3)];
        let response = post(
            &server,
            "application/x-protobuf",
            false,
            request(spans).encode_to_vec(),
        )
        .await;
        assert_eq!(response.status(), 200);
        let answer = ExportTraceServiceResponse::decode(response.bytes().await.expect("body"))
            .expect("protobuf answer");
        let partial = answer.partial_success.expect("partial success");
        assert_eq!(partial.rejected_spans, 2);
        assert!(
            partial.error_message.contains("invalid"),
            "{}",
            partial.error_message
        );
        assert_eq!(stored_spans(&server.store, server.project, 5).await, 2);
        server.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_over_the_pipeline_capacity_waits_its_turn_or_gets_503() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("full.db").display());
    let limits = Limits {
        pipeline_capacity_spans: 10,
        ..Limits::default()
    };
    let server = TestServer::start_with(&url, limits).await;
    let mut tasks = Vec::new();
    for trace in 0..16u64 {
        let client = server.client.clone();
        let url = server.url("/v1/traces");
        let secret = server.secret.clone();
        tasks.push(tokio::spawn(async move {
            let response = client
                .post(url)
                .bearer_auth(secret)
                .header("content-type", "application/x-protobuf")
                .body(chat_body(100 + trace, 10))
                .send()
                .await
                .expect("sent");
            let retry_after = response.headers().get("retry-after").cloned();
            (trace, response.status().as_u16(), retry_after)
        }));
    }
    let mut busy = 0;
    for task in tasks {
        let (trace, status, retry_after) = task.await.expect("task");
        match status {
            200 => assert_eq!(
                stored_spans(&server.store, server.project, 100 + trace).await,
                10
            ),
            503 => {
                busy += 1;
                assert!(retry_after.is_some(), "503 without Retry-After");
                assert_eq!(
                    stored_spans(&server.store, server.project, 100 + trace).await,
                    0
                );
            }
            other => panic!("unexpected status {other}"),
        }
    }
    println!("{busy} of 16 requests were told to retry");
    server.stop().await;
}
