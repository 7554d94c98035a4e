//! `hot_path`: what a span costs the application's thread, measured over the public API the
//! way `telemetry-core/benches/span.rs` does (that bench holds the same-run references:
//! `opentelemetry_sdk`, `tracing`, `fastrace`). Figures are nanoseconds per span, lower is
//! better, so `--compare` flags a slower hot path:
//!
//! - `root_ns`: a sampled root LLM span, four attributes, ended, one discarding exporter;
//! - `child_ns`: the same span as a child found through the task-local context;
//! - `sampled_out_lazy_ns`: an always-off root through `Telemetry::span_with`;
//! - `process_cpu_ns_per_span`: CPU of the whole process (the exporter's worker included,
//!   flushed) per sampled root span;
//! - `dropped`: events dropped while one producer records flat out (target 0).

use std::hint::black_box;
use std::time::{Duration, Instant};

use anyhow::Result;
use async_trait::async_trait;
use telemetry_core::attrs::{LlmGeneration, Usage};
use telemetry_core::{
    EventKinds, ExportError, ExporterCapabilities, SamplingStrategy, Telemetry, TelemetryEvent,
    TelemetryExporter,
};

use super::report::Figure;

/// Takes ended spans and drops them: what is measured is the core.
struct Discard;

#[async_trait]
impl TelemetryExporter for Discard {
    fn name(&self) -> &str {
        "discard"
    }
    fn capabilities(&self) -> ExporterCapabilities {
        ExporterCapabilities {
            events: EventKinds::SPAN_ENDED,
            ..ExporterCapabilities::default()
        }
    }
    async fn export_event(&self, event: TelemetryEvent) -> Result<(), ExportError> {
        drop(event);
        Ok(())
    }
}

fn telemetry(sampling: SamplingStrategy) -> Result<Telemetry> {
    Ok(Telemetry::builder("bench")
        .sampling(sampling)
        .exporter(Discard)
        .build()?)
}

#[inline(never)]
fn span(telemetry: &Telemetry) {
    let span = telemetry
        .span_with("chat gpt-4o", || LlmGeneration::new("gpt-4o", "openai"))
        .start();
    span.record_usage(Usage {
        input_tokens: Some(black_box(1200)),
        output_tokens: Some(black_box(80)),
        ..Usage::default()
    });
    span.end();
}

/// Nanoseconds per call of `f`, the best of five rounds of `n` (the least disturbed by the
/// other work on the machine).
fn per_call(n: usize, mut f: impl FnMut()) -> f64 {
    (0..5)
        .map(|_| {
            let started = Instant::now();
            for _ in 0..n {
                f();
            }
            started.elapsed().as_nanos() as f64 / n as f64
        })
        .fold(f64::INFINITY, f64::min)
}

/// CPU time of every thread of this process so far (Linux `schedstat`; zero elsewhere).
fn process_cpu() -> Duration {
    let tasks = std::fs::read_dir("/proc/self/task").into_iter().flatten();
    let nanos: u64 = tasks
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("schedstat")).ok())
        .filter_map(|stat| stat.split_whitespace().next()?.parse::<u64>().ok())
        .sum();
    Duration::from_nanos(nanos)
}

/// Runs the scenario with `spans` spans per round (at least 100 000).
pub fn hot_path(spans: usize) -> Result<Vec<Figure>> {
    let n = spans.max(100_000);
    let on = telemetry(SamplingStrategy::AlwaysOn)?;
    let root = per_call(n, || span(&on));
    let parent = on.trace("root", LlmGeneration::default()).start();
    let child = parent.in_scope(|| per_call(n, || span(&on)));
    parent.end();
    on.flush_blocking(Duration::from_secs(60))?;
    let dropped = on.stats().dropped();

    let cpu_before = process_cpu();
    for _ in 0..n {
        span(&on);
    }
    on.flush_blocking(Duration::from_secs(60))?;
    let cpu = (process_cpu() - cpu_before).as_nanos() as f64 / n as f64;

    let off = telemetry(SamplingStrategy::AlwaysOff)?;
    let sampled_out = per_call(n * 10, || span(&off));
    Ok(vec![
        Figure::lower(
            "hot_path",
            "root_ns",
            root,
            "ns",
            "≤ 0.5× opentelemetry_sdk",
        ),
        Figure::lower("hot_path", "child_ns", child, "ns", "≤ root_ns"),
        Figure::lower(
            "hot_path",
            "sampled_out_lazy_ns",
            sampled_out,
            "ns",
            "≤ 10 ns",
        ),
        Figure::lower(
            "hot_path",
            "process_cpu_ns_per_span",
            cpu,
            "ns",
            "producer + worker",
        ),
        Figure::lower("hot_path", "dropped", dropped as f64, "events", "0"),
    ])
}
