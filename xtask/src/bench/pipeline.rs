//! SDK-side scenarios: the core handing spans to the file exporter and to the HTTP exporter.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use anyhow::Result;
use axum::body::Bytes;
use axum::extract::State;
use axum::routing::post;
use telemetry_core::Telemetry;
use telemetry_core::attrs::{LlmGeneration, Usage};
use telemetry_exporters::file::{Compression, FileExporter, FileExporterConfig};
use telemetry_exporters::http::{HttpCompression, HttpExporter, HttpExporterConfig, WireFormat};
use telemetry_otlp::NativeBatch;

use super::report::Figure;
use crate::progress;

/// Spans produced between two flushes (keeps the core's bounded queues from dropping).
pub const CHUNK: usize = 1000;

/// Produces `spans` LLM spans through `telemetry`, flushing every [`CHUNK`]; returns the
/// seconds taken, shutdown included.
pub async fn produce(telemetry: &Telemetry, spans: usize, what: &str) -> Result<f64> {
    let bar = progress::bar(spans as u64, what);
    let started = Instant::now();
    for done in (0..spans).step_by(CHUNK) {
        for _ in done..(done + CHUNK).min(spans) {
            let mut attrs = LlmGeneration::new("gpt-4o", "openai");
            attrs.usage = Some(Usage::new(1200, 80));
            telemetry.span("chat gpt-4o", attrs).start().end();
        }
        telemetry.flush().await?;
        bar.inc(CHUNK.min(spans - done) as u64);
    }
    telemetry.shutdown().await?;
    bar.finish_and_clear();
    Ok(started.elapsed().as_secs_f64())
}

/// Core → file exporter (zstd level 1, the exporter's fast default).
pub async fn core_file(spans: usize) -> Result<Vec<Figure>> {
    let dir = tempfile::tempdir()?;
    let files =
        FileExporter::new(FileExporterConfig::new(dir.path()).compression(Compression::zstd()))?;
    let telemetry = Telemetry::builder("bench")
        .exporter(files.clone())
        .build()?;
    let secs = produce(&telemetry, spans, "core_file").await?;
    let dropped = telemetry.stats().dropped();
    let bytes: u64 = std::fs::read_dir(dir.path())?
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    Ok(vec![
        Figure::higher(
            "core_file",
            "spans_per_sec",
            spans as f64 / secs,
            "spans/s",
            "≥ 100000 (no drop at this pace)",
        ),
        Figure::lower(
            "core_file",
            "bytes_per_span",
            bytes as f64 / spans.max(1) as f64,
            "B",
            "≤ 100 (zstd ~8× smaller)",
        ),
        Figure::lower("core_file", "dropped", dropped as f64, "events", "0"),
    ])
}

/// A loopback server that counts the events of native batches; returns its URL.
async fn counting_server(count: Arc<AtomicU64>) -> Result<String> {
    async fn receive(State(count): State<Arc<AtomicU64>>, body: Bytes) -> &'static str {
        if let Ok(batch) = serde_json::from_slice::<NativeBatch>(&body) {
            count.fetch_add(batch.events.len() as u64, Ordering::Relaxed);
        }
        ""
    }
    let app = axum::Router::new()
        .route("/v1/events", post(receive))
        .with_state(count);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/v1/events", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(url)
}

/// Core → HTTP exporter (native JSON, uncompressed) → loopback counting server.
pub async fn core_http(spans: usize) -> Result<Vec<Figure>> {
    let received = Arc::new(AtomicU64::new(0));
    let url = counting_server(received.clone()).await?;
    let config = HttpExporterConfig::new(url)
        .format(WireFormat::Native)
        .compression(HttpCompression::None);
    let telemetry = Telemetry::builder("bench")
        .exporter(HttpExporter::new(config)?)
        .build()?;
    let secs = produce(&telemetry, spans, "core_http").await?;
    let got = received.load(Ordering::Relaxed);
    anyhow::ensure!(
        got >= spans as u64,
        "the loopback server received {got} of {spans} spans"
    );
    Ok(vec![
        Figure::higher(
            "core_http",
            "spans_per_sec",
            spans as f64 / secs,
            "spans/s",
            "≥ 50000 (one loopback, JSON)",
        ),
        Figure::lower(
            "core_http",
            "dropped",
            telemetry.stats().dropped() as f64,
            "events",
            "0",
        ),
    ])
}
