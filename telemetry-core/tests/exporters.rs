//! Exporter dispatch: no loss across flush and shutdown, isolation of slow, failing and
//! panicking exporters, counted drops, capabilities.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use telemetry_core::testing::InMemoryExporter;
use telemetry_core::{
    EventKind, EventKinds, ExportError, ExporterCapabilities, OverflowPolicy, Telemetry,
    TelemetryEvent, TelemetryExporter, attrs::*,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_event_is_lost_across_flush_and_shutdown_with_100k_spans() {
    let exporter = InMemoryExporter::new();
    let telemetry = Telemetry::builder("load")
        .exporter(exporter.clone())
        .build()
        .unwrap();
    let tasks: Vec<_> = (0..8)
        .map(|task| {
            let t = telemetry.clone();
            tokio::spawn(async move {
                for i in 0..12_500 {
                    t.span("work", ToolCall::named("t"))
                        .metadata("n", &(task * 100_000 + i))
                        .start()
                        .end();
                    if i % 1000 == 0 {
                        tokio::task::yield_now().await;
                    }
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    telemetry.flush().await.unwrap();
    assert_eq!(exporter.ended_spans().len(), 100_000, "after flush");
    telemetry.span("last", Generic::default()).start().end();
    telemetry.shutdown().await.unwrap();
    let spans = exporter.ended_spans();
    assert_eq!(spans.len(), 100_001, "after shutdown");
    let ids: HashSet<_> = spans.iter().map(|s| s.span_id).collect();
    assert_eq!(ids.len(), 100_001);
    let stats = telemetry.stats();
    assert_eq!(stats.dropped(), 0);
    // Each span is a root here: trace_started, span_started, span_ended, trace_ended.
    assert_eq!(stats.exporters[0].exported, 4 * 100_001);
}

/// Sleeps on every batch and counts what it saw.
struct Slow {
    seen: Arc<AtomicU64>,
}

#[async_trait]
impl TelemetryExporter for Slow {
    fn name(&self) -> &str {
        "slow"
    }
    fn capabilities(&self) -> ExporterCapabilities {
        ExporterCapabilities {
            events: EventKinds::SPAN_ENDED,
            queue_capacity: 100,
            ..ExporterCapabilities::default()
        }
    }
    async fn export_event(&self, _: TelemetryEvent) -> Result<(), ExportError> {
        Ok(())
    }
    async fn export_batch(&self, events: Vec<TelemetryEvent>) -> Result<(), ExportError> {
        tokio::time::sleep(Duration::from_millis(20)).await;
        self.seen.fetch_add(events.len() as u64, Ordering::Relaxed);
        Ok(())
    }
}

struct Panicky;

#[async_trait]
impl TelemetryExporter for Panicky {
    fn name(&self) -> &str {
        "panicky"
    }
    async fn export_event(&self, _: TelemetryEvent) -> Result<(), ExportError> {
        panic!("exporter bug")
    }
}

struct Failing;

#[async_trait]
impl TelemetryExporter for Failing {
    fn name(&self) -> &str {
        "failing"
    }
    async fn export_event(&self, _: TelemetryEvent) -> Result<(), ExportError> {
        Err(ExportError::Delivery {
            exporter: "failing".into(),
            message: "down".into(),
        })
    }
}

#[tokio::test]
async fn slow_failing_and_panicking_exporters_do_not_affect_the_app_or_each_other() {
    let good = InMemoryExporter::new();
    let seen = Arc::new(AtomicU64::new(0));
    // Drop-newest: the application never waits for the slow exporter (the default policy
    // would make it wait up to 100 ms for room instead; see `tests/handoff.rs`).
    let telemetry = Telemetry::builder("isolation")
        .overflow_policy(OverflowPolicy::DropNewest)
        .exporter(Slow { seen: seen.clone() })
        .exporter(Panicky)
        .exporter(Failing)
        .exporter(good.clone())
        .build()
        .unwrap();
    for _ in 0..5_000 {
        telemetry.span("s", Generic::default()).start().end();
    }
    telemetry
        .flush()
        .await
        .unwrap_or_else(|e| panic!("flush: {e}"));
    let stats = telemetry.stats();
    let by_name = |n: &str| {
        stats
            .exporters
            .iter()
            .find(|e| e.name == n)
            .unwrap()
            .clone()
    };
    assert_eq!(good.ended_spans().len(), 5_000);
    let slow = by_name("slow");
    assert!(
        slow.dropped > 0,
        "a 100-slot queue behind a slow exporter drops"
    );
    assert_eq!(
        slow.accepted + slow.dropped,
        5_000,
        "every event is accepted or counted as dropped"
    );
    assert_eq!(
        seen.load(Ordering::Relaxed),
        slow.accepted,
        "everything accepted was delivered"
    );
    let panicky = by_name("panicky");
    assert!(panicky.panics >= 1);
    // These two want all four event kinds of each (root) span.
    assert_eq!(panicky.failed, 20_000);
    assert_eq!(by_name("failing").failed, 20_000);
    telemetry.shutdown().await.unwrap();
}

#[tokio::test]
async fn exporters_get_only_the_events_and_data_they_ask_for() {
    let everything = InMemoryExporter::named("all");
    let ended_no_io = InMemoryExporter::named("ended").with_capabilities(ExporterCapabilities {
        events: EventKinds::SPAN_ENDED,
        include_io: false,
        ..ExporterCapabilities::default()
    });
    let telemetry = Telemetry::builder("caps")
        .exporter(everything.clone())
        .exporter(ended_no_io.clone())
        .build()
        .unwrap();
    let root = telemetry
        .trace("root", AgentRun::named("a"))
        .input("question")
        .start();
    root.end_with_output("answer");
    telemetry.flush().await.unwrap();
    let kinds: Vec<_> = everything
        .events()
        .iter()
        .map(TelemetryEvent::kind)
        .collect();
    assert_eq!(
        kinds,
        [
            EventKind::TraceStarted,
            EventKind::SpanStarted,
            EventKind::SpanEnded,
            EventKind::TraceEnded
        ]
    );
    let all = everything.span("root").unwrap();
    assert_eq!(all.output.as_ref().unwrap(), "answer");
    assert_eq!(all.input.as_ref().unwrap(), "question");
    let events = ended_no_io.events();
    assert_eq!(events.len(), 1);
    let span = events[0].span().unwrap();
    assert!(span.input.is_none() && span.output.is_none());
}

#[tokio::test]
async fn spans_after_shutdown_are_counted_as_dropped() {
    let exporter = InMemoryExporter::new();
    let telemetry = Telemetry::builder("late")
        .exporter(exporter.clone())
        .build()
        .unwrap();
    telemetry.span("before", Generic::default()).start().end();
    telemetry.shutdown().await.unwrap();
    telemetry.span("after", Generic::default()).start().end();
    assert_eq!(exporter.ended_spans().len(), 1);
    // The exporter is shut down: the events cannot be delivered, and that is counted.
    assert_eq!(
        telemetry.stats().dropped(),
        4,
        "the four events of the late root span"
    );
}

#[test]
fn build_errors_are_values() {
    assert!(Telemetry::builder("").build().is_err());
    assert!(
        Telemetry::builder("x")
            .sampling(telemetry_core::SamplingStrategy::ratio(1.5))
            .build()
            .is_err()
    );
    let err = Telemetry::builder("x")
        .exporter(InMemoryExporter::new())
        .exporter(InMemoryExporter::new())
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("in-memory"), "{err}");
}

/// Never finishes shutting down.
struct Stuck;

#[async_trait]
impl TelemetryExporter for Stuck {
    fn name(&self) -> &str {
        "stuck"
    }
    async fn export_event(&self, _: TelemetryEvent) -> Result<(), ExportError> {
        Ok(())
    }
    async fn shutdown(&self) -> Result<(), ExportError> {
        tokio::time::sleep(Duration::from_secs(3600)).await;
        Ok(())
    }
}

#[tokio::test]
async fn shutdown_returns_within_its_timeout() {
    let telemetry = Telemetry::builder("stuck")
        .shutdown_timeout(Duration::from_millis(200))
        .exporter(Stuck)
        .build()
        .unwrap();
    let started = Instant::now();
    let result = telemetry.shutdown().await;
    assert!(matches!(result, Err(ExportError::Timeout(_))), "{result:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("\"stuck\""),
        "the error names the exporter: {message}"
    );
}

/// Never finishes flushing.
struct StuckFlush;

#[async_trait]
impl TelemetryExporter for StuckFlush {
    fn name(&self) -> &str {
        "stuck-flush"
    }
    async fn export_event(&self, _: TelemetryEvent) -> Result<(), ExportError> {
        Ok(())
    }
    async fn flush(&self) -> Result<(), ExportError> {
        tokio::time::sleep(Duration::from_secs(3600)).await;
        Ok(())
    }
}

#[tokio::test]
async fn async_flush_is_bounded_and_names_the_slow_exporter() {
    let fast = InMemoryExporter::new();
    let telemetry = Telemetry::builder("flush")
        .flush_timeout(Duration::from_millis(200))
        .exporter(fast.clone())
        .exporter(StuckFlush)
        .build()
        .unwrap();
    telemetry.trace("t", Generic::default()).start().end();
    let started = Instant::now();
    let result = telemetry.flush().await;
    assert!(started.elapsed() < Duration::from_secs(5), "bounded");
    let message = result.unwrap_err().to_string();
    assert!(message.contains("\"stuck-flush\""), "{message}");
    assert_eq!(fast.ended_spans().len(), 1, "the other exporter flushed");
}
