//! Metrics: the Prometheus recorder, the names of the server's metrics, and the middleware
//! that logs each request and times it.
//!
//! | metric | kind | labels |
//! |---|---|---|
//! | `telemetry_spans_accepted_total` | counter | `route` |
//! | `telemetry_spans_rejected_total` | counter | `route`, `reason` |
//! | `telemetry_ingest_requests_rejected_total` | counter | `route`, `reason` |
//! | `telemetry_http_request_duration_seconds` | histogram | `route`, `method`, `status` |
//! | `telemetry_pipeline_depth_spans` | gauge | |
//! | `telemetry_commit_batch_spans` | histogram | |
//! | `telemetry_commit_batch_requests` | histogram | |
//! | `telemetry_commit_duration_seconds` | histogram | `outcome` |
//! | `telemetry_db_pool_connections` | gauge | `state` (`open`, `idle`) |
//! | `telemetry_retention_deleted_traces_total` | counter | |
//! | `telemetry_live_notices_dropped_total` | counter | `side` (`announce`, `listen`) |

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use telemetry_store::{Backend, Store};

const LATENCY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
const BATCH_BUCKETS: &[f64] = &[
    1.0, 10.0, 50.0, 100.0, 500.0, 1000.0, 2000.0, 5000.0, 10000.0, 20000.0, 50000.0,
];

/// The process-wide Prometheus recorder, installed on first use (servers started in the same
/// process, as in tests, share it).
pub(crate) fn handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(install).clone()
}

fn install() -> PrometheusHandle {
    let builder = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), LATENCY_BUCKETS)
        .and_then(|b| {
            b.set_buckets_for_metric(
                Matcher::Prefix("telemetry_commit_batch".into()),
                BATCH_BUCKETS,
            )
        });
    let recorder = match builder {
        Ok(builder) => builder.build_recorder(),
        Err(err) => {
            tracing::warn!(error = %err, "metrics buckets rejected; using summaries");
            PrometheusBuilder::new().build_recorder()
        }
    };
    let handle = recorder.handle();
    if let Err(err) = metrics::set_global_recorder(recorder) {
        tracing::warn!(error = %err, "another metrics recorder is installed; /metrics stays empty");
    }
    handle
}

/// Renders the metrics, after refreshing the pool gauges.
pub(crate) fn render(handle: &PrometheusHandle, store: &Store) -> String {
    let (open, idle) = pool_use(store);
    gauge!("telemetry_db_pool_connections", "state" => "open").set(open as f64);
    gauge!("telemetry_db_pool_connections", "state" => "idle").set(idle as f64);
    handle.run_upkeep();
    handle.render()
}

/// Open and idle connections of the store's pool.
fn pool_use(store: &Store) -> (u32, usize) {
    let db = store.connection();
    match store.backend() {
        Backend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
        Backend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
    }
}

/// Spans stored through `route`.
pub(crate) fn spans_accepted(route: &'static str, spans: usize) {
    counter!("telemetry_spans_accepted_total", "route" => route).increment(spans as u64);
}

/// Spans refused on `route` for `reason`.
pub(crate) fn spans_rejected(route: &'static str, reason: &'static str, spans: usize) {
    if spans > 0 {
        counter!("telemetry_spans_rejected_total", "route" => route, "reason" => reason)
            .increment(spans as u64);
    }
}

/// A request on `route` refused for `reason`.
pub(crate) fn request_rejected(route: &'static str, reason: &'static str) {
    counter!("telemetry_ingest_requests_rejected_total", "route" => route, "reason" => reason)
        .increment(1);
}

/// One commit of `requests` requests holding `spans` spans.
pub(crate) fn record_commit(requests: usize, spans: usize, took: Duration, ok: bool) {
    histogram!("telemetry_commit_batch_spans").record(spans as f64);
    histogram!("telemetry_commit_batch_requests").record(requests as f64);
    let outcome = if ok { "committed" } else { "failed" };
    histogram!("telemetry_commit_duration_seconds", "outcome" => outcome)
        .record(took.as_secs_f64());
}

/// Spans waiting in the write pipeline.
pub(crate) fn set_pipeline_depth(spans: usize) {
    gauge!("telemetry_pipeline_depth_spans").set(spans as f64);
}

/// Traces deleted by retention.
pub(crate) fn retention_deleted(traces: u64) {
    counter!("telemetry_retention_deleted_traces_total").increment(traces);
}

/// Middleware: one structured log line and one latency sample per request.
pub(crate) async fn track_requests(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".to_owned());
    let response = next.run(request).await;
    let took = started.elapsed();
    let status = response.status().as_u16();
    histogram!(
        "telemetry_http_request_duration_seconds",
        "route" => route,
        "method" => method.to_string(),
        "status" => status.to_string()
    )
    .record(took.as_secs_f64());
    tracing::info!(
        target: "telemetry_api::request",
        %method,
        path,
        status,
        latency_ms = took.as_secs_f64() * 1000.0,
        "request"
    );
    response
}
