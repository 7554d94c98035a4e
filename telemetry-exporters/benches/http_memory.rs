//! Memory of the HTTP exporter while its server is down for the whole run.
//!
//! Spans are recorded through the core as fast as one thread can for `SECONDS` seconds into
//! an [`HttpExporter`] (OTLP protobuf, gzip, default buffer of 65 536 spans and default
//! retries) whose endpoint refuses every connection. The resident set size is sampled every
//! 100 ms; the run prints the peak (`VmHWM`), the RSS at each quarter of the run, and the
//! counts of spans sent and dropped. Memory must stay flat once the buffers are full: the
//! buffer drops new spans (counted) instead of growing.
//!
//! Run: `CARGO_TARGET_DIR=/work/target-exporters cargo bench -p telemetry-exporters --bench http_memory`

use std::time::{Duration, Instant};

use telemetry_core::Telemetry;
use telemetry_core::attrs::{AgentRun, LlmGeneration, Usage};
use telemetry_exporters::http::{HttpExporter, HttpExporterConfig};

const SECONDS: u64 = 20;

/// `VmRSS` and `VmHWM` of this process in KiB (0 where `/proc` is unavailable).
fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// A local port with nothing listening on it.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("address").port()
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list` and test harness probing
    }
    let endpoint = format!("http://127.0.0.1:{}/v1/traces", closed_port());
    let exporter = HttpExporter::new(HttpExporterConfig::new(endpoint)).expect("exporter");
    let telemetry = Telemetry::builder("memory")
        .exporter(exporter.clone())
        .build()
        .expect("telemetry");
    let (rss_start, _) = memory_kib();
    let started = Instant::now();
    let mut samples = Vec::new();
    let mut last_sample = Instant::now();
    let mut spans = 0u64;
    while started.elapsed() < Duration::from_secs(SECONDS) {
        let run = telemetry.trace("memory", AgentRun::named("agent")).start();
        run.in_scope(|| {
            for i in 0..1_000 {
                let span = telemetry
                    .span("chat gpt-4o", LlmGeneration::new("gpt-4o", "openai"))
                    .start();
                span.record_usage(Usage::new(1_000 + i, 80));
                span.end();
            }
        });
        run.end();
        spans += 1_000;
        if last_sample.elapsed() >= Duration::from_millis(100) {
            samples.push(memory_kib().0);
            last_sample = Instant::now();
        }
    }
    let (_, peak) = memory_kib();
    let quarter = |q: usize| {
        samples
            .get((samples.len() * q / 4).min(samples.len().saturating_sub(1)))
            .copied()
            .unwrap_or(0)
    };
    let core_dropped = telemetry.stats().dropped();
    let stats = exporter.stats();
    println!("http_memory: server down for {SECONDS} s, {spans} spans recorded");
    println!(
        "  RSS KiB: start {rss_start}, 25% {}, 50% {}, 75% {}, end {}; peak (VmHWM) {peak}",
        quarter(1),
        quarter(2),
        quarter(3),
        quarter(4)
    );
    println!(
        "  exporter: sent {} dropped {} (buffer full {}, undeliverable {}) pending {} retries {}; core queue drops {core_dropped}",
        stats.sent,
        stats.dropped,
        stats.dropped_overflow,
        stats.dropped_undeliverable,
        stats.pending,
        stats.retries
    );
    // Do not wait for the retries of what is still buffered: the point was the memory.
    std::process::exit(0);
}
