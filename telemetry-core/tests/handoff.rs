//! The batch hand-off to exporters: nothing accepted is lost (a thread that exits, a burst
//! larger than the queue at the default settings), the overflow policies, and order across
//! threads.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use parking_lot::Mutex;
use telemetry_core::testing::InMemoryExporter;
use telemetry_core::{
    EventKind, EventKinds, ExportError, ExporterCapabilities, OverflowPolicy, Telemetry,
    TelemetryEvent, TelemetryExporter, attrs::*,
};

#[tokio::test]
async fn spans_recorded_on_a_thread_that_exits_before_flush_are_delivered() {
    let exporter = InMemoryExporter::new();
    let telemetry = Telemetry::builder("threads")
        .exporter(exporter.clone())
        .build()
        .unwrap();
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let t = telemetry.clone();
            std::thread::spawn(move || {
                for _ in 0..1_000 {
                    t.span("on a thread", ToolCall::named("t")).start().end();
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().unwrap();
    }
    telemetry.flush().await.unwrap();
    assert_eq!(exporter.ended_spans().len(), 3_000);
    assert_eq!(telemetry.stats().dropped(), 0);
    telemetry.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_span_ended_by_a_thread_local_destructor_at_thread_exit_is_delivered() {
    // Thread-local destructors run in reverse order of first use: `GUARD` is used first, so
    // it is destroyed after the core's per-thread buffer list, and its span ends when that
    // list is already gone.
    struct EndsOnDrop(Option<telemetry_core::Span>);
    impl Drop for EndsOnDrop {
        fn drop(&mut self) {
            if let Some(span) = self.0.take() {
                span.end();
            }
        }
    }
    thread_local! {
        static GUARD: std::cell::RefCell<EndsOnDrop> = const { std::cell::RefCell::new(EndsOnDrop(None)) };
    }
    let exporter = InMemoryExporter::new();
    let telemetry = Telemetry::builder("threads")
        .exporter(exporter.clone())
        .build()
        .unwrap();
    let t = telemetry.clone();
    std::thread::spawn(move || {
        GUARD.with(|g| {
            let span = t.span("ended at exit", ToolCall::named("t")).start();
            g.borrow_mut().0 = Some(span);
        });
        t.span("ended in the body", ToolCall::named("t"))
            .start()
            .end();
    })
    .join()
    .unwrap();
    telemetry.flush().await.unwrap();
    let mut names: Vec<String> = exporter
        .ended_spans()
        .iter()
        .map(|s| s.name.to_string())
        .collect();
    names.sort();
    assert_eq!(names, ["ended at exit", "ended in the body"]);
    assert_eq!(telemetry.stats().dropped(), 0);
    telemetry.shutdown().await.unwrap();
}

/// Written like the `TelemetryExporter` doc example: default capabilities (all four event
/// kinds, the default queue), one line formatted per ended span.
struct LikeTheDocs {
    out: Mutex<Vec<u8>>,
    ended: AtomicU64,
}

#[async_trait]
impl TelemetryExporter for LikeTheDocs {
    fn name(&self) -> &str {
        "stdout"
    }
    async fn export_event(&self, event: TelemetryEvent) -> Result<(), ExportError> {
        if let TelemetryEvent::SpanEnded { span } = &event {
            use std::io::Write;
            let mut out = self.out.lock();
            out.clear();
            let _ = writeln!(out, "{} took {:?}", span.name, span.duration());
            self.ended.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_larger_than_the_queue_is_delivered_whole_at_the_defaults() {
    let exporter = Arc::new(LikeTheDocs {
        out: Mutex::new(Vec::new()),
        ended: AtomicU64::new(0),
    });
    let telemetry = Telemetry::builder("burst")
        .exporter_arc(exporter.clone())
        .build()
        .unwrap();
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let t = telemetry.clone();
            tokio::spawn(async move {
                for _ in 0..25_000 {
                    t.span("chat", LlmGeneration::new("gpt-4o", "openai"))
                        .start()
                        .end();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    telemetry.shutdown().await.unwrap();
    // 400 000 events (four per root span) through a 65 536-event queue.
    assert_eq!(exporter.ended.load(Ordering::Relaxed), 100_000);
    let stats = telemetry.stats();
    assert_eq!(stats.dropped(), 0);
    assert_eq!(stats.exporters[0].exported, 400_000);
}

/// Sleeps on every batch; a 100-event queue.
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
        tokio::time::sleep(Duration::from_millis(2)).await;
        self.seen.fetch_add(events.len() as u64, Ordering::Relaxed);
        Ok(())
    }
}

#[tokio::test]
async fn waiting_for_room_delivers_everything_to_a_slow_exporter() {
    let seen = Arc::new(AtomicU64::new(0));
    let telemetry = Telemetry::builder("wait")
        .overflow_policy(OverflowPolicy::Wait(Duration::from_secs(5)))
        .exporter(Slow { seen: seen.clone() })
        .build()
        .unwrap();
    for _ in 0..2_000 {
        telemetry.span("s", Generic::default()).start().end();
    }
    telemetry.flush().await.unwrap();
    assert_eq!(seen.load(Ordering::Relaxed), 2_000);
    assert_eq!(telemetry.stats().dropped(), 0);
    telemetry.shutdown().await.unwrap();
}

/// Never returns from an export.
struct Hung;

#[async_trait]
impl TelemetryExporter for Hung {
    fn name(&self) -> &str {
        "hung"
    }
    fn capabilities(&self) -> ExporterCapabilities {
        ExporterCapabilities {
            events: EventKinds::SPAN_ENDED,
            queue_capacity: 10,
            ..ExporterCapabilities::default()
        }
    }
    async fn export_event(&self, _: TelemetryEvent) -> Result<(), ExportError> {
        std::future::pending().await
    }
}

#[test]
fn a_hung_exporter_costs_one_wait_per_stall_not_one_per_span() {
    let telemetry = Telemetry::builder("hung")
        .overflow_policy(OverflowPolicy::Wait(Duration::from_millis(50)))
        .shutdown_timeout(Duration::from_millis(100))
        .exporter(Hung)
        .build()
        .unwrap();
    let started = Instant::now();
    for _ in 0..10_000 {
        telemetry.span("s", Generic::default()).start().end();
    }
    // 10 000 waits of 50 ms would be over 8 minutes; the stall is noticed once.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let stats = &telemetry.stats().exporters[0];
    assert!(stats.dropped > 9_000, "{stats:?}");
    assert_eq!(stats.accepted + stats.dropped, 10_000, "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_child_ended_on_another_thread_arrives_before_its_trace_ends() {
    let exporter = InMemoryExporter::new();
    let telemetry = Telemetry::builder("order")
        .exporter(exporter.clone())
        .build()
        .unwrap();
    for _ in 0..50 {
        let root = telemetry.trace("root", AgentRun::named("a")).start();
        let child = telemetry
            .span("child", ToolCall::named("t"))
            .parent(&root)
            .start();
        std::thread::spawn(move || child.end()).join().unwrap();
        root.end();
    }
    telemetry.flush().await.unwrap();
    let events = exporter.events();
    let mut open_children = 0;
    for event in &events {
        match event {
            TelemetryEvent::SpanEnded { span } if span.name == "child" => open_children -= 1,
            TelemetryEvent::SpanStarted { span } if span.name == "child" => open_children += 1,
            TelemetryEvent::TraceEnded { .. } => {
                assert_eq!(open_children, 0, "the child's end came first")
            }
            _ => {}
        }
    }
    let ended = events.iter().filter(|e| e.kind() == EventKind::SpanEnded);
    assert_eq!(ended.count(), 100);
}
