//! A burst larger than the HTTP exporter's buffer: delivered whole while the server answers
//! (the full buffer is waited on, bounded by `overflow_wait`), dropped and counted at once
//! when waiting is off or the server is down.

use std::collections::HashSet;
use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::post;
use telemetry_core::attrs::ToolCall;
use telemetry_core::{
    SpanId, SpanRecord, SpanStatus, TelemetryEvent, TelemetryExporter, Timestamp, TraceId,
};
use telemetry_exporters::http::{HttpExporter, HttpExporterConfig, RetryPolicy};
use tokio::net::TcpListener;

fn span_event(i: u64) -> TelemetryEvent {
    let start = Timestamp::from_unix_nanos(1_700_000_000_000_000_000 + i * 1000);
    TelemetryEvent::SpanEnded {
        span: Arc::new(SpanRecord {
            trace_id: TraceId::random(),
            span_id: SpanId::from_bytes((i + 1).to_be_bytes()).expect("non-zero"),
            parent_span_id: None,
            name: format!("tool {i}").into(),
            service_name: "http-burst".into(),
            attributes: ToolCall::named("search").into(),
            input: None,
            output: None,
            metadata: Default::default(),
            start_time: start,
            end_time: Some(start.saturating_add(Duration::from_millis(2))),
            status: SpanStatus::Ok,
            error: None,
            errored_descendants: Vec::new(),
            events: Vec::new(),
            ended_by_drop: false,
            trace: Default::default(),
        }),
    }
}

type Received = Arc<Mutex<Vec<u64>>>;

/// Decodes each request, records its span numbers and answers 200 after `delay` (a server
/// slower than the producer).
async fn traces(
    State((received, delay)): State<(Received, Duration)>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let mut raw = Vec::new();
    if headers
        .get(header::CONTENT_ENCODING)
        .is_some_and(|v| v == "gzip")
    {
        flate2::read::GzDecoder::new(&body[..])
            .read_to_end(&mut raw)
            .unwrap();
    } else {
        raw.extend_from_slice(&body);
    }
    let request = telemetry_otlp::decode_protobuf(&raw).unwrap();
    let numbers = request
        .resource_spans
        .iter()
        .flat_map(|r| &r.scope_spans)
        .flat_map(|s| &s.spans)
        .map(|s| u64::from_be_bytes(s.span_id[..].try_into().unwrap()) - 1);
    received.lock().unwrap().extend(numbers);
    tokio::time::sleep(delay).await;
    StatusCode::OK
}

async fn slow_server(delay: Duration) -> (String, Received) {
    let received = Received::default();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1/traces", listener.local_addr().unwrap());
    let app = axum::Router::new()
        .route("/v1/traces", post(traces))
        .with_state((received.clone(), delay));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, received)
}

fn small_buffer(url: String) -> HttpExporterConfig {
    HttpExporterConfig::new(url)
        .buffer_capacity(1_000)
        .max_batch_events(100)
        .max_batch_delay(Duration::from_millis(10))
}

async fn offer(exporter: &HttpExporter, spans: u64) {
    for start in (0..spans).step_by(500) {
        exporter
            .export_batch((start..start + 500).map(span_event).collect())
            .await
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_ten_times_the_buffer_is_delivered_whole() {
    let (url, received) = slow_server(Duration::from_millis(2)).await;
    let exporter = HttpExporter::new(small_buffer(url)).unwrap();
    offer(&exporter, 10_000).await;
    exporter.flush().await.unwrap();
    let stats = exporter.stats();
    assert_eq!(stats.sent, 10_000);
    assert_eq!(stats.delivered, 10_000, "{stats:?}");
    assert_eq!(stats.dropped, 0, "{stats:?}");
    let received: HashSet<u64> = received.lock().unwrap().iter().copied().collect();
    assert_eq!(received, (0..10_000).collect());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_waiting_the_overflow_is_dropped_and_counted() {
    let (url, received) = slow_server(Duration::from_millis(50)).await;
    let exporter = HttpExporter::new(small_buffer(url).overflow_wait(Duration::ZERO)).unwrap();
    offer(&exporter, 10_000).await;
    let result = exporter.flush().await;
    let stats = exporter.stats();
    assert!(stats.dropped_overflow > 0, "{stats:?}");
    assert_eq!(
        stats.delivered + stats.dropped_overflow,
        10_000,
        "{stats:?}"
    );
    assert_eq!(received.lock().unwrap().len() as u64, stats.delivered);
    assert!(result.is_err(), "flush reports the overflow");
}

#[tokio::test]
async fn a_server_that_is_down_is_not_waited_on() {
    let port = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let exporter = HttpExporter::new(
        small_buffer(format!("http://127.0.0.1:{port}/v1/traces"))
            .overflow_wait(Duration::from_secs(60))
            .retry(RetryPolicy {
                initial_delay: Duration::from_millis(10),
                max_delay: Duration::from_millis(50),
                max_retries: 100,
                max_elapsed: Duration::from_secs(30),
                max_retry_after: Duration::from_secs(1),
            })
            .shutdown_timeout(Duration::from_millis(200)),
    )
    .unwrap();
    let started = Instant::now();
    offer(&exporter, 5_000).await;
    // Far less than the 60 s overflow wait: the failing server stopped the waiting.
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
    let stats = exporter.stats();
    assert_eq!(stats.delivered, 0);
    assert!(stats.dropped_overflow >= 3_000, "{stats:?}");
    let _ = exporter.shutdown().await;
    let stats = exporter.stats();
    assert_eq!(stats.dropped, 5_000, "{stats:?}");
}
