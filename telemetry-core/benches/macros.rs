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
//! Each pair is measured interleaved (both sides alternate in chunks of 32 calls within every
//! sample), so the ratio holds on a busy machine; each side's time is its own.
//!
//! Run: `cargo bench -p telemetry-core --bench macros`.

use std::cell::Cell;
use std::hint::black_box;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use criterion::{Criterion, criterion_group};
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

/// Runs `ours` and `theirs` alternately in small chunks (alternating which goes first) and
/// returns the time of one of them: both sides of a pair are measured under the same machine
/// load, so their ratio holds even on a busy machine.
fn interleaved(
    iters: u64,
    ours: &dyn Fn(),
    theirs: &dyn Fn(),
    report_ours: bool,
    totals: &Cell<(Duration, Duration, u64)>,
) -> Duration {
    const CHUNK: u64 = 32;
    let (mut t_ours, mut t_theirs) = (Duration::ZERO, Duration::ZERO);
    let mut done = 0;
    let mut ours_first = true;
    while done < iters {
        let n = CHUNK.min(iters - done);
        let run = |f: &dyn Fn(), total: &mut Duration| {
            let start = Instant::now();
            for _ in 0..n {
                f();
            }
            *total += start.elapsed();
        };
        if ours_first {
            run(ours, &mut t_ours);
            run(theirs, &mut t_theirs);
        } else {
            run(theirs, &mut t_theirs);
            run(ours, &mut t_ours);
        }
        ours_first = !ours_first;
        done += n;
    }
    let (a, b, n) = totals.get();
    totals.set((a + t_ours, b + t_theirs, n + iters));
    if report_ours { t_ours } else { t_theirs }
}

/// Benchmarks `<name>/with_span` and `<name>/<other>`, each measured interleaved with the other,
/// and prints the ratio of their total times over both benchmarks (same time windows).
fn pair(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    other: &str,
    ours: &dyn Fn(),
    theirs: &dyn Fn(),
) {
    let totals = Cell::new((Duration::ZERO, Duration::ZERO, 0));
    group.bench_function(format!("{name}/with_span"), |b| {
        b.iter_custom(|iters| interleaved(iters, ours, theirs, true, &totals))
    });
    group.bench_function(format!("{name}/{other}"), |b| {
        b.iter_custom(|iters| interleaved(iters, ours, theirs, false, &totals))
    });
    let (t_ours, t_theirs, n) = totals.get();
    let n = n.max(1) as f64;
    println!(
        "macros/{name}: interleaved means with_span {:.1} ns, {other} {:.1} ns, ratio {:.3}",
        t_ours.as_nanos() as f64 / n,
        t_theirs.as_nanos() as f64 / n,
        t_ours.as_secs_f64() / t_theirs.as_secs_f64().max(f64::MIN_POSITIVE),
    );
}

const PROMPT: &str = "What is the refund policy?";

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("macros");
    group.measurement_time(Duration::from_secs(4));

    // Nothing configured: the global registry is empty and no span is current.
    assert!(Registry::global().names().is_empty());
    pair(
        &mut group,
        "no_telemetry",
        "plain",
        &|| {
            let _ = black_box(chat(black_box(PROMPT), black_box(64)));
        },
        &|| {
            let _ = black_box(plain(black_box(PROMPT), black_box(64)));
        },
    );

    let telemetry = telemetry();
    Registry::global().register(telemetry.clone());

    let parent = telemetry.trace("request", Generic::default()).start();
    parent.in_scope(|| {
        pair(
            &mut group,
            "child",
            "by_hand",
            &|| {
                let _ = black_box(chat(black_box(PROMPT), black_box(64)));
            },
            &|| {
                let _ = black_box(chat_by_hand(&telemetry, black_box(PROMPT), black_box(64)));
            },
        );
    });
    pair(
        &mut group,
        "async_child",
        "by_hand",
        &|| {
            let _ = black_box(futures::executor::block_on(
                chat_async(black_box(PROMPT), black_box(64)).in_span(&parent),
            ));
        },
        &|| {
            let _ = black_box(futures::executor::block_on(
                chat_async_by_hand(&telemetry, black_box(PROMPT), black_box(64)).in_span(&parent),
            ));
        },
    );
    parent.end();

    // The same child spans with an instance whose exporter wants no events.
    let quiet = Telemetry::builder("bench-quiet")
        .exporter(Nothing)
        .build()
        .unwrap();
    let quiet_parent = quiet.trace("request", Generic::default()).start();
    quiet_parent.in_scope(|| {
        pair(
            &mut group,
            "child_no_dispatch",
            "by_hand",
            &|| {
                let _ = black_box(chat(black_box(PROMPT), black_box(64)));
            },
            &|| {
                let _ = black_box(chat_by_hand(&quiet, black_box(PROMPT), black_box(64)));
            },
        );
    });
    quiet_parent.end();

    pair(
        &mut group,
        "root",
        "by_hand",
        &|| {
            let _ = black_box(chat(black_box(PROMPT), black_box(64)));
        },
        &|| {
            let _ = black_box(chat_by_hand(&telemetry, black_box(PROMPT), black_box(64)));
        },
    );
    group.finish();
    telemetry.flush_blocking(Duration::from_secs(10)).unwrap();
}

/// `MACROS_BENCH_COUNT=<case>:<n>` runs one side of a pair `n` times and exits, for counting
/// instructions with `valgrind --tool=callgrind` (deterministic whatever the machine's load).
/// Cases: `no_telemetry/with_span`, `no_telemetry/plain`, `child/with_span`, `child/by_hand`,
/// `async_child/with_span`, `async_child/by_hand`.
fn count(spec: &str) {
    let (case, n) = spec.split_once(':').expect("<case>:<n>");
    let n: u64 = n.parse().expect("a count");
    let telemetry = telemetry();
    if !case.starts_with("no_telemetry") {
        Registry::global().register(telemetry.clone());
    }
    let parent = telemetry.trace("request", Generic::default()).start();
    let run = |f: &dyn Fn()| {
        for _ in 0..n {
            f();
        }
    };
    match case {
        "no_telemetry/with_span" => run(&|| {
            let _ = black_box(chat(black_box(PROMPT), black_box(64)));
        }),
        "no_telemetry/plain" => run(&|| {
            let _ = black_box(plain(black_box(PROMPT), black_box(64)));
        }),
        "child/with_span" => parent.in_scope(|| {
            run(&|| {
                let _ = black_box(chat(black_box(PROMPT), black_box(64)));
            })
        }),
        "child/by_hand" => parent.in_scope(|| {
            run(&|| {
                let _ = black_box(chat_by_hand(&telemetry, black_box(PROMPT), black_box(64)));
            })
        }),
        "async_child/with_span" => run(&|| {
            let _ = black_box(futures::executor::block_on(
                chat_async(black_box(PROMPT), black_box(64)).in_span(&parent),
            ));
        }),
        "async_child/by_hand" => run(&|| {
            let _ = black_box(futures::executor::block_on(
                chat_async_by_hand(&telemetry, black_box(PROMPT), black_box(64)).in_span(&parent),
            ));
        }),
        other => panic!("unknown case {other}"),
    }
    parent.end();
    telemetry.flush_blocking(Duration::from_secs(30)).unwrap();
}

criterion_group!(benches, bench);

fn main() {
    if let Ok(spec) = std::env::var("MACROS_BENCH_COUNT") {
        count(&spec);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
