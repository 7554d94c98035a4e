//! Sustained throughput of the delivery exporters behind the core runtime:
//!
//! - `core_to_file_zstd`: spans → core → [`FileExporter`] (zstd level 1, 64 MiB rotation);
//! - `core_to_http_otlp_gzip`: spans → core → [`HttpExporter`] (OTLP protobuf, gzip) → a
//!   server on 127.0.0.1 that reads and discards each request.
//!
//! Each iteration records `SPANS` LLM-generation spans (model, provider, usage: four
//! attributes) as children of one agent run, then waits until the exporter has delivered
//! them (`flush`), so the time measured is end to end, not just the hand-off. After the
//! group, the core's and the exporter's drop counters are printed; both must be zero.
//!
//! Run: `CARGO_TARGET_DIR=/work/target-exporters cargo bench -p telemetry-exporters --bench exporters`
//!
//! On a shared machine, run the built binary at real-time priority so other work does not
//! decide the result (`docs/BENCHMARKS.md` does): `chrt -r 1 <target>/release/deps/exporters-*
//! --bench 'exporters/'`; `EXPORTERS_BENCH_UNPACED=1` lets the producer run flat out.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::io::Write;
use telemetry_core::attrs::{AgentRun, LlmGeneration, Usage};

use prost::Message;
use telemetry_core::testing::InMemoryExporter;
use telemetry_core::{EventKinds, ExporterCapabilities, Telemetry, TelemetryEvent};
use telemetry_exporters::file::{Compression, FileExporter, FileExporterConfig};
use telemetry_exporters::http::{HttpExporter, HttpExporterConfig};

/// Spans per measured iteration.
const SPANS: u64 = 100_000;
const FLUSH_TIMEOUT: Duration = Duration::from_secs(60);

/// Core queue length above which the producer pauses (half the default capacity of 65 536).
const HIGH_WATER: u64 = 32_768;
/// Length the producer waits for before going on.
const LOW_WATER: u64 = 8_192;

/// Records `count` spans under one agent run, as an application would, 1 000 at a time. With
/// a `backlog` (core queue plus what the exporter holds), the producer waits while it is above
/// [`HIGH_WATER`]: the rate measured is then the most the exporter sustains without dropping,
/// not the rate at which spans can be created (and dropped).
fn record_spans(telemetry: &Telemetry, count: u64, backlog: Option<&dyn Fn() -> u64>) {
    let run = telemetry
        .trace("bench", AgentRun::named("bench-agent"))
        .start();
    for chunk in 0..count / 1_000 {
        run.in_scope(|| {
            for i in 0..1_000 {
                let span = telemetry
                    .span("chat gpt-4o", LlmGeneration::new("gpt-4o", "openai"))
                    .start();
                span.record_usage(Usage::new(1_000 + chunk + i, 80));
                span.end();
            }
        });
        if let Some(backlog) = backlog
            && backlog() > HIGH_WATER
        {
            while backlog() > LOW_WATER {
                std::thread::sleep(Duration::from_micros(200));
            }
        }
    }
    run.end();
}

fn queued(telemetry: &Telemetry) -> u64 {
    telemetry
        .stats()
        .exporters
        .iter()
        .map(|e| e.queued)
        .max()
        .unwrap_or(0)
}

/// Measures `iters` iterations of `SPANS` spans each, flushed (losses are reported after the
/// group, not here).
/// With `EXPORTERS_BENCH_UNPACED=1` the producer never waits: the rate is then the producer's
/// and the drop counters show what the exporter could not keep up with.
fn measure(telemetry: &Telemetry, iters: u64, backlog: &dyn Fn() -> u64) -> Duration {
    let paced = std::env::var_os("EXPORTERS_BENCH_UNPACED").is_none();
    let start = Instant::now();
    for _ in 0..iters {
        record_spans(telemetry, SPANS, paced.then_some(backlog));
        let _ = black_box(telemetry.flush_blocking(FLUSH_TIMEOUT));
    }
    start.elapsed()
}

fn report_drops(label: &str, telemetry: &Telemetry, exporter_line: String) {
    let stats = telemetry.stats();
    println!(
        "{label}: core queue drops = {}; {exporter_line}",
        stats.dropped()
    );
}

/// CPU time (clock ticks) of this process's threads, summed by thread name, plus `total` for
/// the whole process (exited threads included). Linux only; empty elsewhere.
fn cpu_ticks() -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    if let Ok(tasks) = std::fs::read_dir("/proc/self/task") {
        for task in tasks.flatten() {
            let stat = std::fs::read_to_string(task.path().join("stat")).unwrap_or_default();
            if let Some((name, t)) = stat_ticks(&stat) {
                *out.entry(name).or_default() += t;
            }
        }
    }
    let process = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    if let Some((_, t)) = stat_ticks(&process) {
        out.insert("total".to_owned(), t);
    }
    out
}

/// Thread name and user + system ticks of a `/proc/.../stat` line.
fn stat_ticks(stat: &str) -> Option<(String, u64)> {
    let (name, rest) = stat.split_once(" (")?.1.rsplit_once(") ")?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let user: u64 = fields.get(11)?.parse().ok()?;
    let system: u64 = fields.get(12)?.parse().ok()?;
    Some((name.to_owned(), user + system))
}

/// Prints the CPU time per span spent by each thread between `before` and now.
fn report_cpu(label: &str, before: &BTreeMap<String, u64>, spans: u64) {
    let after = cpu_ticks();
    let per_span_us = |ticks: u64| ticks as f64 * 10_000.0 / spans.max(1) as f64;
    let mut parts = Vec::new();
    for (name, t) in &after {
        let used = t.saturating_sub(before.get(name).copied().unwrap_or(0));
        if used > 0 {
            parts.push(format!("{name} {:.2}", per_span_us(used)));
        }
    }
    println!(
        "{label}: CPU µs per span by thread (10 ms ticks): {}",
        parts.join(", ")
    );
}

fn file_zstd(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let exporter = FileExporter::new(
        FileExporterConfig::new(dir.path())
            .compression(Compression::zstd())
            .max_file_bytes(64 << 20)
            .keep_rotated(2),
    )
    .expect("file exporter");
    let telemetry = Telemetry::builder("bench")
        .exporter(exporter.clone())
        .build()
        .expect("telemetry");
    let mut group = c.benchmark_group("exporters");
    group.throughput(Throughput::Elements(SPANS));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(15));
    let cpu = cpu_ticks();
    group.bench_function("core_to_file_zstd", |b| {
        b.iter_custom(|iters| measure(&telemetry, iters, &|| queued(&telemetry)))
    });
    group.finish();
    let s = exporter.stats();
    let line = format!(
        "file exporter: sent {} written {} failed {} dropped {} ({} bytes on disk)",
        s.sent, s.written, s.failed, s.dropped, s.bytes
    );
    report_drops("core_to_file_zstd", &telemetry, line);
    report_cpu("core_to_file_zstd", &cpu, s.sent);
}

/// A server on 127.0.0.1 that reads each request body and answers 200 with nothing.
fn discard_server() -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    let server = std::thread::Builder::new().name("discard-server".to_owned());
    let _ = server.spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            tx.send(listener.local_addr().expect("address"))
                .expect("send address");
            let app = axum::Router::new().route(
                "/v1/traces",
                axum::routing::post(|body: axum::body::Bytes| async move {
                    black_box(body.len());
                }),
            );
            axum::serve(listener, app).await.expect("serve");
        });
    });
    let address = rx.recv().expect("server address");
    format!("http://{address}/v1/traces")
}

fn http_otlp_gzip(c: &mut Criterion) {
    let exporter =
        HttpExporter::new(HttpExporterConfig::new(discard_server())).expect("http exporter");
    let telemetry = Telemetry::builder("bench")
        .exporter(exporter.clone())
        .build()
        .expect("telemetry");
    let mut group = c.benchmark_group("exporters");
    group.throughput(Throughput::Elements(SPANS));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(15));
    let cpu = cpu_ticks();
    group.bench_function("core_to_http_otlp_gzip", |b| {
        b.iter_custom(|iters| {
            measure(&telemetry, iters, &|| {
                queued(&telemetry) + exporter.stats().pending
            })
        })
    });
    group.finish();
    let s = exporter.stats();
    let line = format!(
        "http exporter: sent {} delivered {} rejected {} dropped {} requests {} retries {} bytes {}",
        s.sent, s.delivered, s.rejected, s.dropped, s.requests, s.retries, s.bytes
    );
    report_drops("core_to_http_otlp_gzip", &telemetry, line);
    report_cpu("core_to_http_otlp_gzip", &cpu, s.sent);
}

/// Where the time goes: each stage alone on one thread, per 10 000 spans.
fn stages(c: &mut Criterion) {
    let spans: Vec<TelemetryEvent> = capture_spans(10_000);
    let mut group = c.benchmark_group("stages");
    group.throughput(Throughput::Elements(spans.len() as u64));
    group.sample_size(10);
    group.bench_function("record_spans_core_only", |b| {
        let telemetry = Telemetry::builder("bench").build().expect("telemetry");
        b.iter(|| record_spans(&telemetry, 10_000, None));
    });
    let jsonl = to_jsonl(&spans);
    group.bench_function("serialize_jsonl", |b| {
        b.iter(|| black_box(to_jsonl(&spans)))
    });
    group.bench_function("zstd1_compress_jsonl", |b| {
        b.iter(|| black_box(zstd::bulk::compress(&jsonl, 1).expect("zstd")))
    });
    let records: Vec<_> = spans.iter().filter_map(|e| e.span().cloned()).collect();
    group.bench_function("otlp_map_and_encode", |b| {
        b.iter(|| black_box(telemetry_otlp::export_request(&records).encode_to_vec()))
    });
    group.bench_function("otlp_encode_direct", |b| {
        b.iter(|| black_box(telemetry_otlp::encode_export_request(&records)))
    });
    let protobuf = telemetry_otlp::encode_export_request(&records);
    group.bench_function("gzip1_compress_protobuf", |b| {
        b.iter(|| {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(1));
            encoder.write_all(&protobuf).expect("gzip");
            black_box(encoder.finish().expect("gzip"))
        })
    });
    group.finish();
    println!(
        "stages: {} spans = {} bytes JSONL, {} bytes OTLP protobuf",
        spans.len(),
        jsonl.len(),
        protobuf.len()
    );
}

fn capture_spans(count: u64) -> Vec<TelemetryEvent> {
    let memory = InMemoryExporter::new().with_capabilities(ExporterCapabilities {
        events: EventKinds::SPAN_ENDED,
        ..ExporterCapabilities::default()
    });
    let telemetry = Telemetry::builder("bench")
        .exporter(memory.clone())
        .build()
        .expect("telemetry");
    record_spans(&telemetry, count, None);
    telemetry.flush_blocking(FLUSH_TIMEOUT).expect("flush");
    memory.events()
}

fn to_jsonl(events: &[TelemetryEvent]) -> Vec<u8> {
    let mut out = Vec::with_capacity(events.len() * 400);
    for event in events {
        serde_json::to_writer(&mut out, event).expect("json");
        out.push(b'\n');
    }
    out
}

criterion_group!(benches, stages, file_zstd, http_otlp_gzip);
criterion_main!(benches);
