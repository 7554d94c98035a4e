//! The harness (one SQLite file and one PostgreSQL database per test) and span builders.

use std::future::Future;
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use sea_orm::{ConnectionTrait, Database};
use telemetry_store::{ProjectId, Store};
use telemetry_types::attrs::{EvalExecution, LlmGeneration, Usage};
use telemetry_types::{
    SpanAttributes, SpanError, SpanId, SpanRecord, SpanStatus, TelemetryEvent, Timestamp,
    TraceAttributes, TraceId,
};

/// The variable naming a PostgreSQL server for the tests.
pub(crate) const PG_ENV: &str = "TELEMETRY_TEST_POSTGRES_URL";

/// Runs `test` against SQLite, then against PostgreSQL when configured.
pub(crate) async fn each_db<F, Fut>(name: &str, test: F)
where
    F: Fn(Store) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("store.db").display());
    let store = Store::connect(&url).await.expect("sqlite connects");
    store.migrate().await.expect("sqlite migrates");
    run(test(store.clone())).await;
    store.close().await.expect("close");
    postgres(name, true, test).await;
}

/// Runs `test` on a fresh PostgreSQL database that is not migrated yet (for tests of the
/// migrations themselves), when configured; otherwise says it was skipped.
pub(crate) async fn postgres_only<F, Fut>(name: &str, test: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    postgres(name, false, test).await;
}

async fn postgres<F, Fut>(name: &str, migrate: bool, test: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    match std::env::var(PG_ENV) {
        Ok(admin) if !admin.is_empty() => on_postgres(&admin, name, migrate, test).await,
        // Written to the real stderr, which the test harness does not capture, so the skip
        // shows in every `cargo test` output.
        _ => {
            let _ = writeln!(
                std::io::stderr(),
                "skipped: PostgreSQL run of {name} ({PG_ENV} is not set)"
            );
        }
    }
}

async fn on_postgres<F, Fut>(admin_url: &str, name: &str, migrate: bool, test: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let (db_name, url) = fresh_pg_database(admin_url).await;
    let store = Store::connect(&url).await.expect("postgres connects");
    if migrate {
        store.migrate().await.expect("postgres migrates");
    }
    let outcome = tokio::spawn(test(store.clone())).await;
    store.close().await.expect("close");
    drop_pg_database(admin_url, &db_name).await;
    if let Err(err) = outcome {
        eprintln!("PostgreSQL run of {name} failed");
        std::panic::resume_unwind(err.into_panic());
    }
}

async fn run<Fut: Future<Output = ()> + Send + 'static>(fut: Fut) {
    if let Err(err) = tokio::spawn(fut).await {
        std::panic::resume_unwind(err.into_panic());
    }
}

/// Creates a uniquely named database; returns its name and URL.
pub(crate) async fn fresh_pg_database(admin_url: &str) -> (String, String) {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "tstore_{}_{}_{}",
        std::process::id(),
        Timestamp::now().as_unix_nanos() % 1_000_000_000,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let admin = Database::connect(admin_url).await.expect("admin connects");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create database");
    admin.close().await.expect("close admin");
    let base = admin_url.split('?').next().unwrap_or(admin_url);
    let (server, _) = base.rsplit_once('/').expect("URL with a database path");
    (name.clone(), format!("{server}/{name}"))
}

/// Drops a test database.
pub(crate) async fn drop_pg_database(admin_url: &str, name: &str) {
    let admin = Database::connect(admin_url).await.expect("admin connects");
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
        .expect("drop database");
    admin.close().await.expect("close admin");
}

/// A trace id from a small number.
pub(crate) fn tid(n: u128) -> TraceId {
    TraceId::from_bytes((n + 1).to_be_bytes()).expect("non-zero")
}

/// A span id from a small number.
pub(crate) fn sid(n: u64) -> SpanId {
    SpanId::from_bytes((n + 1).to_be_bytes()).expect("non-zero")
}

/// Base time of the tests: 2026-01-01T00:00:00Z.
pub(crate) const BASE_MS: u64 = 1_767_225_600_000;

/// `BASE + ms`.
pub(crate) fn at(ms: u64) -> Timestamp {
    Timestamp::from_unix_nanos((BASE_MS + ms) * 1_000_000)
}

/// A generic span from `start_ms` to `end_ms` (ended when `Some`).
pub(crate) fn span(
    trace: u128,
    id: u64,
    parent: Option<u64>,
    name: &str,
    start_ms: u64,
    end_ms: Option<u64>,
) -> SpanRecord {
    SpanRecord {
        trace_id: tid(trace),
        span_id: sid(id),
        parent_span_id: parent.map(sid),
        name: name.to_owned().into(),
        service_name: Arc::from("svc"),
        attributes: SpanAttributes::default(),
        input: None,
        output: None,
        metadata: Default::default(),
        start_time: at(start_ms),
        end_time: end_ms.map(at),
        status: if end_ms.is_some() {
            SpanStatus::Ok
        } else {
            SpanStatus::Unset
        },
        error: None,
        errored_descendants: Vec::new(),
        events: Vec::new(),
        ended_by_drop: false,
        trace: Arc::new(TraceAttributes::default()),
    }
}

/// An LLM span with usage (and no cost).
#[expect(
    clippy::too_many_arguments,
    reason = "a compact fixture for many call sites"
)]
pub(crate) fn llm(
    trace: u128,
    id: u64,
    parent: Option<u64>,
    model: &str,
    provider: &str,
    start_ms: u64,
    end_ms: u64,
    input: u64,
    output: u64,
) -> SpanRecord {
    let mut attrs = LlmGeneration::new(model.to_owned(), provider.to_owned());
    attrs.usage = Some(Usage::new(input, output));
    SpanRecord {
        attributes: attrs.into(),
        ..span(trace, id, parent, "chat", start_ms, Some(end_ms))
    }
}

/// An eval span scoring `trace` with a numeric score.
pub(crate) fn eval(trace: u128, id: u64, metric: &str, score: f64, end_ms: u64) -> SpanRecord {
    let mut attrs = EvalExecution::new("judge", metric.to_owned());
    attrs.score = Some(score);
    attrs.evaluated_trace_id = Some(tid(trace));
    SpanRecord {
        attributes: attrs.into(),
        ..span(
            trace + 1_000_000,
            id,
            None,
            "eval",
            end_ms.saturating_sub(5),
            Some(end_ms),
        )
    }
}

/// Marks a span failed.
pub(crate) fn failed(mut record: SpanRecord) -> SpanRecord {
    record.status = SpanStatus::Error;
    record.error = Some(SpanError::new("boom", "it failed"));
    record
}

/// Sets the trace-level attributes.
pub(crate) fn with_trace(mut record: SpanRecord, attrs: TraceAttributes) -> SpanRecord {
    record.trace = Arc::new(attrs);
    record
}

/// `span_ended`.
pub(crate) fn ended(record: SpanRecord) -> TelemetryEvent {
    TelemetryEvent::SpanEnded {
        span: Arc::new(record),
    }
}

/// `span_started` (the end time is removed).
pub(crate) fn started(mut record: SpanRecord) -> TelemetryEvent {
    record.end_time = None;
    record.status = SpanStatus::Unset;
    TelemetryEvent::SpanStarted {
        span: Arc::new(record),
    }
}

/// A fresh project.
pub(crate) async fn project(store: &Store, slug: &str) -> ProjectId {
    store.create_project(slug, slug).await.expect("project").id
}

/// Float comparison with a relative tolerance.
pub(crate) fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}
