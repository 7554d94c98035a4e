//! Parent/child links through the task-local context.

use std::sync::Arc;

use telemetry_core::testing::InMemoryExporter;
use telemetry_core::{Context, FutureExt, SpanRecord, Telemetry, attrs::*, current_span, spawn};

fn setup() -> (Telemetry, InMemoryExporter) {
    let exporter = InMemoryExporter::new();
    let telemetry = Telemetry::builder("context-test")
        .exporter(exporter.clone())
        .build()
        .unwrap();
    (telemetry, exporter)
}

fn by_name(spans: &[Arc<SpanRecord>], name: &str) -> Arc<SpanRecord> {
    spans
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no span {name}"))
        .clone()
}

#[tokio::test]
async fn parent_is_kept_across_awaits() {
    let (telemetry, exporter) = setup();
    let root = telemetry.trace("root", AgentRun::named("a")).start();
    let t = telemetry.clone();
    async move {
        tokio::task::yield_now().await;
        let child = t.span("child", ToolCall::named("x")).start();
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        async { t.span("grandchild", Generic::default()).start().end() }
            .in_span(&child)
            .await;
        child.end();
    }
    .in_span(&root)
    .await;
    let root_id = root.span_id().unwrap();
    root.end();
    telemetry.flush().await.unwrap();
    let spans = exporter.ended_spans();
    let child = by_name(&spans, "child");
    assert_eq!(child.parent_span_id, Some(root_id));
    assert_eq!(
        by_name(&spans, "grandchild").parent_span_id,
        Some(child.span_id)
    );
    assert!(spans.iter().all(|s| s.trace_id == child.trace_id));
}

#[tokio::test]
async fn sibling_futures_in_join_and_select_do_not_mix() {
    let (telemetry, exporter) = setup();
    let root = telemetry.trace("root", Generic::default()).start();
    let a = telemetry
        .span("a", Generic::default())
        .parent(&root)
        .start();
    let b = telemetry
        .span("b", Generic::default())
        .parent(&root)
        .start();
    let work = |t: Telemetry, name: &'static str| async move {
        for i in 0..5 {
            tokio::task::yield_now().await;
            t.span(format!("{name}-{i}"), Generic::default())
                .start()
                .end();
        }
    };
    tokio::join!(
        work(telemetry.clone(), "a").in_span(&a),
        work(telemetry.clone(), "b").in_span(&b)
    );
    tokio::select! {
        () = work(telemetry.clone(), "sa").in_span(&a) => {}
        () = std::future::pending::<()>().in_span(&b) => {}
    }
    let (a_id, b_id) = (a.span_id(), b.span_id());
    a.end();
    b.end();
    root.end();
    telemetry.flush().await.unwrap();
    let spans = exporter.ended_spans();
    for i in 0..5 {
        assert_eq!(by_name(&spans, &format!("a-{i}")).parent_span_id, a_id);
        assert_eq!(by_name(&spans, &format!("b-{i}")).parent_span_id, b_id);
        assert_eq!(by_name(&spans, &format!("sa-{i}")).parent_span_id, a_id);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spawn_helper_carries_the_context() {
    let (telemetry, exporter) = setup();
    let root = telemetry.trace("root", Generic::default()).start();
    let t = telemetry.clone();
    let handle =
        root.in_scope(|| spawn(async move { t.span("spawned", Generic::default()).start().end() }));
    handle.await.unwrap();
    // A plain tokio::spawn does not carry it: that span is a root of its own trace.
    let t = telemetry.clone();
    root.in_scope(|| {
        tokio::spawn(async move { t.span("plain", Generic::default()).start().end() })
    })
    .await
    .unwrap();
    let root_id = root.span_id();
    root.end();
    telemetry.flush().await.unwrap();
    let spans = exporter.ended_spans();
    assert_eq!(by_name(&spans, "spawned").parent_span_id, root_id);
    assert_eq!(by_name(&spans, "plain").parent_span_id, None);
}

#[tokio::test]
async fn fifty_levels_deep() {
    let (telemetry, exporter) = setup();
    fn nest(
        t: Telemetry,
        depth: usize,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()>>> {
        Box::pin(async move {
            if depth == 0 {
                return;
            }
            let span = t.span(format!("level-{depth}"), Generic::default()).start();
            nest(t.clone(), depth - 1).in_span(&span).await;
            span.end();
        })
    }
    nest(telemetry.clone(), 50).await;
    telemetry.flush().await.unwrap();
    let spans = exporter.ended_spans();
    assert_eq!(spans.len(), 50);
    for depth in 1..50 {
        let child = by_name(&spans, &format!("level-{depth}"));
        let parent = by_name(&spans, &format!("level-{}", depth + 1));
        assert_eq!(child.parent_span_id, Some(parent.span_id));
    }
    assert_eq!(by_name(&spans, "level-50").parent_span_id, None);
}

#[test]
fn sync_code_across_a_thread() {
    let (telemetry, exporter) = setup();
    let root = telemetry.trace("root", Generic::default()).start();
    let cx = root.context();
    let t = telemetry.clone();
    std::thread::spawn(move || {
        cx.in_scope(|| {
            let child = t.span("on-thread", Generic::default()).start();
            child.in_scope(|| t.span("nested", Generic::default()).start().end());
            child.end();
        })
    })
    .join()
    .unwrap();
    let root_id = root.span_id();
    root.end();
    telemetry
        .flush_blocking(std::time::Duration::from_secs(5))
        .unwrap();
    let spans = exporter.ended_spans();
    let on_thread = by_name(&spans, "on-thread");
    assert_eq!(on_thread.parent_span_id, root_id);
    assert_eq!(
        by_name(&spans, "nested").parent_span_id,
        Some(on_thread.span_id)
    );
}

#[tokio::test]
async fn current_span_records_into_the_enclosing_span() {
    let (telemetry, exporter) = setup();
    let llm = telemetry
        .span("chat", LlmGeneration::new("gpt-4o", "openai"))
        .start();
    async {
        current_span().record_usage(Usage {
            input_tokens: Some(10),
            ..Usage::default()
        });
        current_span().record_usage(Usage {
            output_tokens: Some(4),
            ..Usage::default()
        });
        current_span().record_first_token();
    }
    .in_span(&llm)
    .await;
    llm.end();
    assert!(!current_span().is_recording());
    assert!(Context::current().span_ids().is_none());
    telemetry.flush().await.unwrap();
    let chat = exporter.span("chat").unwrap();
    let SpanAttributes::LlmGeneration(attrs) = &chat.attributes else {
        panic!()
    };
    let usage = attrs.usage.unwrap();
    assert_eq!(
        (usage.input_tokens, usage.output_tokens),
        (Some(10), Some(4))
    );
    assert!(attrs.time_to_first_token_ms.is_some());
    assert_eq!(chat.events[0].name, "first_token");
}

#[tokio::test]
async fn dropped_span_ends_and_says_so() {
    let (telemetry, exporter) = setup();
    fn early_return(t: &Telemetry) -> Result<(), &'static str> {
        let _span = t.span("early", Generic::default()).start();
        Err("bail")?;
        Ok(())
    }
    let _ = early_return(&telemetry);
    telemetry.span("explicit", Generic::default()).start().end();
    telemetry.flush().await.unwrap();
    assert!(exporter.span("early").unwrap().ended_by_drop);
    assert!(exporter.span("early").unwrap().end_time.is_some());
    assert!(!exporter.span("explicit").unwrap().ended_by_drop);
}
