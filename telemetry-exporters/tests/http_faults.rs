//! HTTP exporter under faults: a server on 127.0.0.1 that answers 503 to 30% of requests,
//! 429 with `Retry-After`, answers too slowly, resets connections mid-request, refuses one
//! batch with 400 and one partial success. Every span arrives at least once and the counts
//! add up.
#![cfg(feature = "http")]

use std::collections::HashSet;
use std::io::Read;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTracePartialSuccess, ExportTraceServiceResponse,
};
use prost::Message;
use telemetry_core::attrs::ToolCall;
use telemetry_core::{
    ExportError, SpanId, SpanRecord, SpanStatus, TelemetryEvent, TelemetryExporter, Timestamp,
    TraceId,
};
use telemetry_exporters::http::{HttpExporter, HttpExporterConfig, RetryPolicy};
use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream};

const TIMEOUT: Duration = Duration::from_millis(300);

fn span_event(i: u64) -> TelemetryEvent {
    let start = Timestamp::from_unix_nanos(1_700_000_000_000_000_000 + i * 1000);
    TelemetryEvent::SpanEnded {
        span: Arc::new(SpanRecord {
            trace_id: TraceId::random(),
            span_id: SpanId::from_bytes((i + 1).to_be_bytes()).expect("non-zero"),
            parent_span_id: None,
            name: format!("tool {i}").into(),
            service_name: "http-faults".into(),
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

/// How the server answers request number `n` (0-based, retries included).
#[derive(Clone, Copy, PartialEq, Debug)]
enum Fault {
    Ok,
    Unavailable,
    TooMany,
    Slow,
    BadRequest,
    PartialSuccess,
}

fn plan(n: u64) -> Fault {
    match n {
        2 => Fault::TooMany,
        5 => Fault::Slow,
        8 => Fault::BadRequest,
        11 => Fault::PartialSuccess,
        _ if n % 10 == 1 || n % 10 == 4 || n % 10 == 7 => Fault::Unavailable,
        _ => Fault::Ok,
    }
}

#[derive(Default)]
struct Server {
    requests: AtomicU64,
    resets: AtomicU64,
    received: Mutex<Vec<u64>>,
    refused: Mutex<Vec<u64>>,
    faults: Mutex<Vec<Fault>>,
    partial_rejected: AtomicU64,
}

fn span_numbers(headers: &HeaderMap, body: &[u8]) -> Vec<u64> {
    let gzip = headers
        .get(header::CONTENT_ENCODING)
        .is_some_and(|v| v == "gzip");
    let mut raw = Vec::new();
    if gzip {
        flate2::read::GzDecoder::new(body)
            .read_to_end(&mut raw)
            .unwrap();
    } else {
        raw.extend_from_slice(body);
    }
    let request = telemetry_otlp::decode_protobuf(&raw).unwrap();
    request
        .resource_spans
        .iter()
        .flat_map(|r| &r.scope_spans)
        .flat_map(|s| &s.spans)
        .map(|s| u64::from_be_bytes(s.span_id[..].try_into().unwrap()) - 1)
        .collect()
}

async fn traces(State(server): State<Arc<Server>>, headers: HeaderMap, body: Bytes) -> Response {
    let n = server.requests.fetch_add(1, SeqCst);
    let fault = plan(n);
    server.faults.lock().unwrap().push(fault);
    let spans = span_numbers(&headers, &body);
    match fault {
        Fault::Unavailable => StatusCode::SERVICE_UNAVAILABLE.into_response(),
        Fault::TooMany => {
            (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, "1")]).into_response()
        }
        Fault::Slow => {
            tokio::time::sleep(TIMEOUT * 3).await;
            StatusCode::OK.into_response()
        }
        Fault::BadRequest => {
            server.refused.lock().unwrap().extend(spans);
            (StatusCode::BAD_REQUEST, "invalid batch").into_response()
        }
        Fault::PartialSuccess => {
            server.received.lock().unwrap().extend(spans);
            server.partial_rejected.store(2, SeqCst);
            let answer = ExportTraceServiceResponse {
                partial_success: Some(ExportTracePartialSuccess {
                    rejected_spans: 2,
                    error_message: "two spans too old".into(),
                }),
            };
            (StatusCode::OK, answer.encode_to_vec()).into_response()
        }
        Fault::Ok => {
            server.received.lock().unwrap().extend(spans);
            StatusCode::OK.into_response()
        }
    }
}

/// A listener that resets every third connection after reading part of the request.
struct ResettingListener {
    inner: TcpListener,
    accepted: u64,
    server: Arc<Server>,
}

impl axum::serve::Listener for ResettingListener {
    type Io = TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (TcpStream, SocketAddr) {
        loop {
            let Ok((mut stream, addr)) = self.inner.accept().await else {
                continue;
            };
            self.accepted += 1;
            if self.accepted % 3 != 2 {
                return (stream, addr);
            }
            self.server.resets.fetch_add(1, SeqCst);
            tokio::spawn(async move {
                let mut head = [0u8; 64];
                let _ = stream.read(&mut head).await;
                // Dropped with unread request bytes: the kernel answers with a reset.
            });
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

async fn start_server() -> (String, Arc<Server>) {
    let server = Arc::new(Server::default());
    let inner = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1/traces", inner.local_addr().unwrap());
    let listener = ResettingListener {
        inner,
        accepted: 0,
        server: server.clone(),
    };
    let app = axum::Router::new()
        .route("/v1/traces", post(traces))
        .with_state(server.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, server)
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        initial_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(100),
        max_retries: 30,
        max_elapsed: Duration::from_secs(5),
        max_retry_after: Duration::from_secs(2),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_span_arrives_despite_faults_and_the_counts_add_up() {
    let (url, server) = start_server().await;
    let exporter = HttpExporter::new(
        HttpExporterConfig::new(url)
            .timeout(TIMEOUT)
            .max_batch_events(250)
            .max_concurrent_requests(4)
            .buffer_capacity(50_000)
            .retry(fast_retries()),
    )
    .unwrap();
    const SPANS: u64 = 10_000;
    for start in (0..SPANS).step_by(500) {
        exporter
            .export_batch((start..start + 500).map(span_event).collect())
            .await
            .unwrap();
    }
    let started = Instant::now();
    let result = exporter.flush().await;
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "flush took {:?}",
        started.elapsed()
    );

    let stats = exporter.stats();
    let refused: HashSet<u64> = server.refused.lock().unwrap().iter().copied().collect();
    let received: HashSet<u64> = server.received.lock().unwrap().iter().copied().collect();
    let partial = server.partial_rejected.load(SeqCst);
    assert_eq!(stats.sent, SPANS);
    assert_eq!(stats.pending, 0, "{stats:?}");
    assert_eq!(
        stats.sent,
        stats.delivered + stats.rejected + stats.dropped,
        "{stats:?}"
    );
    assert_eq!(stats.dropped, 0, "{stats:?}");
    assert_eq!(stats.rejected, refused.len() as u64 + partial, "{stats:?}");
    let missing: Vec<u64> = (0..SPANS)
        .filter(|i| !received.contains(i) && !refused.contains(i))
        .collect();
    assert!(
        missing.is_empty(),
        "{} spans never arrived: {:?}",
        missing.len(),
        &missing[..5.min(missing.len())]
    );
    assert!(!refused.is_empty(), "the 400 batch was refused");
    assert!(
        received.is_disjoint(&refused),
        "a refused batch must not be retried"
    );

    let faults = server.faults.lock().unwrap().clone();
    for fault in [
        Fault::Unavailable,
        Fault::TooMany,
        Fault::Slow,
        Fault::BadRequest,
    ] {
        assert!(
            faults.contains(&fault),
            "the server never answered {fault:?}"
        );
    }
    assert!(server.resets.load(SeqCst) >= 1, "no connection was reset");
    assert!(stats.retries >= 3, "{stats:?}");
    match result {
        Err(ExportError::Lost { failed, .. }) => assert_eq!(failed, stats.rejected),
        other => panic!("flush must report the rejected spans, got {other:?}"),
    }
    // The loss was reported once; the next flush is clean.
    exporter.flush().await.unwrap();
}

/// A server that answers 429 with `Retry-After: 1` to its first request, then 200.
async fn throttling_server() -> (String, Arc<Mutex<Vec<Instant>>>) {
    let times = Arc::new(Mutex::new(Vec::new()));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/v1/traces", listener.local_addr().unwrap());
    let seen = times.clone();
    let app = axum::Router::new().route(
        "/v1/traces",
        post(move || {
            let seen = seen.clone();
            async move {
                let mut seen = seen.lock().unwrap();
                seen.push(Instant::now());
                if seen.len() == 1 {
                    (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, "1")]).into_response()
                } else {
                    StatusCode::OK.into_response()
                }
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, times)
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let (url, times) = throttling_server().await;
    let exporter = HttpExporter::new(HttpExporterConfig::new(url).retry(fast_retries())).unwrap();
    exporter
        .export_batch((0..10).map(span_event).collect())
        .await
        .unwrap();
    exporter.flush().await.unwrap();
    let times = times.lock().unwrap().clone();
    assert_eq!(times.len(), 2);
    let waited = times[1] - times[0];
    assert!(
        waited >= Duration::from_millis(950),
        "retried after {waited:?}, not after Retry-After"
    );
    assert_eq!(exporter.stats().delivered, 10);
    assert_eq!(exporter.stats().retries, 1);
}

#[tokio::test]
async fn a_server_that_is_down_loses_exactly_what_is_reported() {
    let port = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let exporter = HttpExporter::new(
        HttpExporterConfig::new(format!("http://127.0.0.1:{port}/v1/traces"))
            .buffer_capacity(1_000)
            .max_batch_events(100)
            .retry(RetryPolicy {
                max_elapsed: Duration::from_millis(200),
                ..fast_retries()
            }),
    )
    .unwrap();
    for start in (0..3_000).step_by(500) {
        exporter
            .export_batch((start..start + 500).map(span_event).collect())
            .await
            .unwrap();
    }
    let result = exporter.flush().await;
    let stats = exporter.stats();
    assert_eq!(stats.sent, 3_000);
    assert_eq!(stats.delivered, 0);
    // The buffer holds 1 000 and two batches of 100 are in retry: the rest overflows.
    assert!(stats.dropped_overflow >= 1_500, "{stats:?}");
    assert_eq!(
        stats.dropped_overflow + stats.dropped_undeliverable,
        3_000,
        "{stats:?}"
    );
    assert_eq!(stats.dropped, 3_000, "{stats:?}");
    assert!(stats.retries > 0);
    match result {
        Err(ExportError::Lost {
            failed, message, ..
        }) => {
            assert_eq!(failed, 3_000);
            assert!(message.contains("undeliverable"), "{message}");
        }
        other => panic!("expected a loss report, got {other:?}"),
    }
    exporter.shutdown().await.unwrap();
    assert!(exporter.export_batch(vec![span_event(1)]).await.is_err());
    assert_eq!(exporter.stats().dropped, 3_001);
}

#[tokio::test]
async fn shutdown_gives_up_on_time_and_reports_what_it_dropped() {
    let port = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let exporter = HttpExporter::new(
        HttpExporterConfig::new(format!("http://127.0.0.1:{port}/v1/traces"))
            .max_batch_events(100)
            .shutdown_timeout(Duration::from_millis(300))
            .retry(RetryPolicy {
                initial_delay: Duration::from_millis(50),
                max_delay: Duration::from_millis(50),
                max_retries: 10_000,
                max_elapsed: Duration::from_secs(600),
                ..RetryPolicy::default()
            }),
    )
    .unwrap();
    exporter
        .export_batch((0..1_000).map(span_event).collect())
        .await
        .unwrap();
    let started = Instant::now();
    let result = exporter.shutdown().await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "shutdown took {:?}",
        started.elapsed()
    );
    let stats = exporter.stats();
    assert_eq!(
        (stats.sent, stats.dropped, stats.pending),
        (1_000, 1_000, 0),
        "{stats:?}"
    );
    assert!(
        matches!(result, Err(ExportError::Lost { failed: 1_000, .. })),
        "{result:?}"
    );
}
