//! `#[with_span]` against the same span written by hand with the core API, in one run.
//!
//! Every pair records the same thing: an `llm_generation` span named `chat` with model and
//! provider, the arguments as input (`{"prompt": …, "max_tokens": …}`), the `Ok` value as
//! output (or the error), the body run with the span current; one exporter that takes ended
//! spans and discards them.
//!
//! - `macros/child/*`: a child of a current span (telemetry found through the context).
//! - `macros/root/*`: no current span (the macro finds the instance in the global registry;
//!   by hand, a `Telemetry` handle is at hand, the best case for hand-written code).
//! - `macros/child_no_dispatch/*`: the same with an exporter that wants no events, which
//!   isolates the span (and the macro) from the hand-off to exporters.
//! - `macros/async_child/*`: the same for an `async fn` (polled with `block_on`).
//! - `macros/no_telemetry/*`: nothing configured anywhere: the instrumented function against
//!   the plain one.
//!
//! Run: `cargo bench -p telemetry-core --bench macros`.

use std::hint::black_box;
use std::time::Duration;

use async_trait::async_trait;
use criterion::{Criterion, criterion_group, criterion_main};
use serde::Serialize;
use telemetry_core::{
    EventKinds, ExportError, ExporterCapabilities, FutureExt, Registry, Telemetry, TelemetryEvent,
    TelemetryExporter,
    attrs::{Generic, LlmGeneration},
    with_span,
};

/// Takes ended spans and drops them: what is measured is the core, not an exporter.
struct Discard;

/// Wants no events: isolates the cost of the span itself (and of the macro) from dispatch.
struct Nothing;

#[async_trait]
impl TelemetryExporter for Nothing {
    fn name(&self) -> &str {
        "nothing"
    }
    fn capabilities(&self) -> ExporterCapabilities {
        ExporterCapabilities {
            events: EventKinds::NONE,
            ..ExporterCapabilities::default()
        }
    }
    async fn export_event(&self, _event: TelemetryEvent) -> Result<(), ExportError> {
        Ok(())
    }
}

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

#[derive(Debug)]
struct BenchError;

impl std::fmt::Display for BenchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("bench error")
    }
}

impl std::error::Error for BenchError {}

#[inline(never)]
fn work(prompt: &str, max_tokens: u32) -> Result<u32, BenchError> {
    if prompt.is_empty() {
        return Err(BenchError);
    }
    Ok(black_box(prompt.len() as u32) + max_tokens)
}

// ---- instrumented ------------------------------------------------------------------------------

#[with_span(span_type = llm_generation, name = "chat", attributes(model = "gpt-4o", provider = "openai"))]
fn chat(prompt: &str, max_tokens: u32) -> Result<u32, BenchError> {
    work(prompt, max_tokens)
}

#[with_span(span_type = llm_generation, name = "chat", attributes(model = "gpt-4o", provider = "openai"))]
async fn chat_async(prompt: &str, max_tokens: u32) -> Result<u32, BenchError> {
    work(prompt, max_tokens)
}

// ---- by hand -----------------------------------------------------------------------------------

#[derive(Serialize)]
struct ChatInput<'a> {
    prompt: &'a str,
    max_tokens: u32,
}

#[inline(never)]
fn chat_by_hand(telemetry: &Telemetry, prompt: &str, max_tokens: u32) -> Result<u32, BenchError> {
    let span = telemetry
        .span("chat", LlmGeneration::new("gpt-4o", "openai"))
        .start();
    span.record_input(&ChatInput { prompt, max_tokens });
    let result = span.in_scope(|| work(prompt, max_tokens));
    span.end_with_result(&result);
    result
}

#[inline(never)]
async fn chat_async_by_hand(
    telemetry: &Telemetry,
    prompt: &str,
    max_tokens: u32,
) -> Result<u32, BenchError> {
    let span = telemetry
        .span("chat", LlmGeneration::new("gpt-4o", "openai"))
        .start();
    span.record_input(&ChatInput { prompt, max_tokens });
    let result = async { work(prompt, max_tokens) }.in_span(&span).await;
    span.end_with_result(&result);
    result
}

#[inline(never)]
fn plain(prompt: &str, max_tokens: u32) -> Result<u32, BenchError> {
    work(prompt, max_tokens)
}

// ---- the run -----------------------------------------------------------------------------------

const INSTANCE: &str = "macros-bench";

fn telemetry() -> Telemetry {
    Telemetry::builder("bench")
        .name(INSTANCE)
        .exporter(Discard)
        .build()
        .unwrap()
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("macros");
    group.measurement_time(Duration::from_secs(4));

    // Nothing configured: the global registry is empty and no span is current.
    assert!(Registry::global().names().is_empty());
    group.bench_function("no_telemetry/with_span", |b| {
        b.iter(|| chat(black_box("What is the refund policy?"), black_box(64)))
    });
    group.bench_function("no_telemetry/plain", |b| {
        b.iter(|| plain(black_box("What is the refund policy?"), black_box(64)))
    });

    let telemetry = telemetry();
    Registry::global().register(telemetry.clone());

    let parent = telemetry.trace("request", Generic::default()).start();
    parent.in_scope(|| {
        group.bench_function("child/with_span", |b| {
            b.iter(|| chat(black_box("What is the refund policy?"), black_box(64)))
        });
        group.bench_function("child/by_hand", |b| {
            b.iter(|| {
                chat_by_hand(
                    &telemetry,
                    black_box("What is the refund policy?"),
                    black_box(64),
                )
            })
        });
    });
    group.bench_function("async_child/with_span", |b| {
        b.iter(|| {
            futures::executor::block_on(
                chat_async(black_box("What is the refund policy?"), black_box(64)).in_span(&parent),
            )
        })
    });
    group.bench_function("async_child/by_hand", |b| {
        b.iter(|| {
            futures::executor::block_on(
                chat_async_by_hand(
                    &telemetry,
                    black_box("What is the refund policy?"),
                    black_box(64),
                )
                .in_span(&parent),
            )
        })
    });
    parent.end();

    // The same child spans with an instance whose exporter wants no events.
    let quiet = Telemetry::builder("bench-quiet")
        .exporter(Nothing)
        .build()
        .unwrap();
    let quiet_parent = quiet.trace("request", Generic::default()).start();
    quiet_parent.in_scope(|| {
        group.bench_function("child_no_dispatch/with_span", |b| {
            b.iter(|| chat(black_box("What is the refund policy?"), black_box(64)))
        });
        group.bench_function("child_no_dispatch/by_hand", |b| {
            b.iter(|| {
                chat_by_hand(
                    &quiet,
                    black_box("What is the refund policy?"),
                    black_box(64),
                )
            })
        });
    });
    quiet_parent.end();

    group.bench_function("root/with_span", |b| {
        b.iter(|| chat(black_box("What is the refund policy?"), black_box(64)))
    });
    group.bench_function("root/by_hand", |b| {
        b.iter(|| {
            chat_by_hand(
                &telemetry,
                black_box("What is the refund policy?"),
                black_box(64),
            )
        })
    });
    group.finish();
    telemetry.flush_blocking(Duration::from_secs(10)).unwrap();
}

criterion_group!(benches, bench);
criterion_main!(benches);
