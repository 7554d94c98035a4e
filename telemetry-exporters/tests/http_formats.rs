//! HTTP exporter wire formats and settings: OTLP/JSON and native batches decode to the spans
//! sent, headers arrive, gzip is declared, a 400 is not retried, and the exporter works
//! behind the core runtime.
#![cfg(feature = "http")]

use std::io::Read;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::post;
use telemetry_core::attrs::{AgentRun, LlmGeneration, ToolCall, Usage};
use telemetry_core::{
    ExportError, SpanId, SpanRecord, SpanStatus, Telemetry, TelemetryEvent, TelemetryExporter,
    Timestamp, TraceId,
};
use telemetry_exporters::http::{
    HttpCompression, HttpExporter, HttpExporterConfig, RetryPolicy, WireFormat,
};
use telemetry_otlp::NativeBatch;
use tokio::net::TcpListener;

#[derive(Clone, Debug)]
struct Request {
    headers: HeaderMap,
    body: Vec<u8>,
}

/// A server that records every request and answers `status`.
async fn recording_server(status: StatusCode) -> (String, Arc<Mutex<Vec<Request>>>) {
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = requests.clone();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/ingest", listener.local_addr().unwrap());
    let app = axum::Router::new().route(
        "/ingest",
        post(move |headers: HeaderMap, body: Bytes| {
            let seen = seen.clone();
            async move {
                let gzip = headers
                    .get(header::CONTENT_ENCODING)
                    .is_some_and(|v| v == "gzip");
                let mut raw = Vec::new();
                if gzip {
                    flate2::read::GzDecoder::new(&body[..])
                        .read_to_end(&mut raw)
                        .unwrap();
                } else {
                    raw.extend_from_slice(&body);
                }
                seen.lock().unwrap().push(Request { headers, body: raw });
                status.into_response()
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, requests)
}

fn span_event(i: u64) -> TelemetryEvent {
    let start = Timestamp::from_unix_nanos(1_700_000_000_000_000_000 + i);
    TelemetryEvent::SpanEnded {
        span: Arc::new(SpanRecord {
            trace_id: TraceId::random(),
            span_id: SpanId::from_bytes((i + 1).to_be_bytes()).expect("non-zero"),
            parent_span_id: None,
            name: format!("tool {i}").into(),
            service_name: "formats".into(),
            attributes: ToolCall::named("search").into(),
            input: None,
            output: None,
            metadata: Default::default(),
            start_time: start,
            end_time: Some(start.saturating_add(Duration::from_millis(1))),
            status: SpanStatus::Ok,
            error: None,
            errored_descendants: Vec::new(),
            events: Vec::new(),
            ended_by_drop: false,
            trace: Default::default(),
        }),
    }
}

#[tokio::test]
async fn otlp_json_carries_every_span_and_the_headers() {
    let (url, requests) = recording_server(StatusCode::OK).await;
    let exporter = HttpExporter::new(
        HttpExporterConfig::new(url)
            .format(WireFormat::OtlpJson)
            .compression(HttpCompression::None)
            .header("authorization", "Bearer token-1")
            .max_batch_events(40),
    )
    .unwrap();
    exporter
        .export_batch((0..100).map(span_event).collect())
        .await
        .unwrap();
    exporter.flush().await.unwrap();

    let requests = requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 3, "100 spans in batches of at most 40");
    let mut names = Vec::new();
    for request in &requests {
        assert_eq!(request.headers[header::CONTENT_TYPE], "application/json");
        assert_eq!(request.headers[header::AUTHORIZATION], "Bearer token-1");
        assert!(request.headers.get(header::CONTENT_ENCODING).is_none());
        let decoded = telemetry_otlp::decode_json(&request.body).unwrap();
        let spans = telemetry_otlp::spans_from_request(decoded);
        names.extend(spans.spans.iter().map(|s| s.name.to_string()));
    }
    let expected: Vec<String> = (0..100).map(|i| format!("tool {i}")).collect();
    names.sort_by_key(|n| n[5..].parse::<u64>().unwrap());
    assert_eq!(names, expected);
    assert_eq!(exporter.stats().delivered, 100);
}

#[tokio::test]
async fn native_batches_round_trip_events_of_every_kind() {
    let (url, requests) = recording_server(StatusCode::ACCEPTED).await;
    let exporter = HttpExporter::new(
        HttpExporterConfig::new(url)
            .format(WireFormat::Native)
            .events(telemetry_core::EventKinds::ALL)
            .max_batch_bytes(8 << 10),
    )
    .unwrap();
    let events: Vec<TelemetryEvent> = (0..200).map(span_event).collect();
    exporter.export_batch(events.clone()).await.unwrap();
    exporter.flush().await.unwrap();

    let requests = requests.lock().unwrap().clone();
    assert!(requests.len() > 1, "8 KiB bodies split the batch");
    let mut received = Vec::new();
    for request in &requests {
        assert!(
            request.body.len() <= 8 << 10,
            "a body is over the byte limit"
        );
        assert_eq!(request.headers[header::CONTENT_ENCODING], "gzip");
        let batch: NativeBatch = serde_json::from_slice(&request.body).unwrap();
        assert!(batch.is_supported());
        received.extend(batch.events);
    }
    assert_eq!(
        received, events,
        "native batches keep every field and the order"
    );
}

#[tokio::test]
async fn a_bad_request_is_rejected_once_and_never_retried() {
    let (url, requests) = recording_server(StatusCode::BAD_REQUEST).await;
    let exporter = HttpExporter::new(HttpExporterConfig::new(url).retry(RetryPolicy {
        initial_delay: Duration::from_millis(1),
        ..RetryPolicy::default()
    }))
    .unwrap();
    exporter
        .export_batch((0..10).map(span_event).collect())
        .await
        .unwrap();
    let result = exporter.flush().await;
    assert_eq!(requests.lock().unwrap().len(), 1);
    let stats = exporter.stats();
    assert_eq!((stats.rejected, stats.retries, stats.delivered), (10, 0, 0));
    assert!(
        matches!(result, Err(ExportError::Lost { failed: 10, .. })),
        "{result:?}"
    );
}

#[tokio::test]
async fn batches_leave_on_time_without_a_flush() {
    let (url, requests) = recording_server(StatusCode::OK).await;
    let exporter =
        HttpExporter::new(HttpExporterConfig::new(url).max_batch_delay(Duration::from_millis(50)))
            .unwrap();
    exporter.export_batch(vec![span_event(1)]).await.unwrap();
    for _ in 0..100 {
        if !requests.lock().unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        requests.lock().unwrap().len(),
        1,
        "the delay did not send the batch"
    );
}

#[tokio::test]
async fn an_invalid_endpoint_is_a_construction_error() {
    assert!(HttpExporter::otlp("not a url").is_err());
    assert!(HttpExporter::otlp("unix:///tmp/socket").is_err());
    let bad_header = HttpExporterConfig::new("http://127.0.0.1:4318/v1/traces").header("a b", "c");
    assert!(HttpExporter::new(bad_header).is_err());
}

#[tokio::test]
async fn behind_the_core_every_span_of_an_agent_run_is_delivered() {
    let (url, requests) = recording_server(StatusCode::OK).await;
    let exporter = HttpExporter::otlp(url).unwrap();
    let telemetry = Telemetry::builder("agent")
        .exporter(exporter.clone())
        .build()
        .unwrap();
    let run = telemetry
        .trace("support", AgentRun::named("support-agent"))
        .start();
    run.in_scope(|| {
        for _ in 0..499 {
            let llm = telemetry
                .span("chat gpt-4o", LlmGeneration::new("gpt-4o", "openai"))
                .start();
            llm.record_usage(Usage::new(10, 2));
            llm.end();
        }
    });
    run.end();
    telemetry.shutdown().await.unwrap();

    let stats = exporter.stats();
    assert_eq!((stats.sent, stats.delivered, stats.dropped), (500, 500, 0));
    let spans: usize = requests
        .lock()
        .unwrap()
        .iter()
        .map(|r| {
            let request = telemetry_otlp::decode_protobuf(&r.body).unwrap();
            telemetry_otlp::spans_from_request(request).spans.len()
        })
        .sum();
    assert_eq!(spans, 500);
}
