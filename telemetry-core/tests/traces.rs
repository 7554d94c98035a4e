//! Trace-level fields, trace events, error correlation and bounded open-trace state.

use std::time::Duration;

use telemetry_core::propagation::Baggage;
use telemetry_core::testing::InMemoryExporter;
use telemetry_core::{Context, SpanError, SpanStatus, Telemetry, attrs::*};

#[tokio::test]
async fn trace_fields_set_at_the_root_reach_every_span() {
    let exporter = InMemoryExporter::new();
    let telemetry = Telemetry::builder("fields")
        .environment("staging")
        .release("1.4.2")
        .tags(["beta"])
        .request_context_keys(["tenant"])
        .exporter(exporter.clone())
        .build()
        .unwrap();
    let cx = Context::new().with_baggage(Baggage::new().with("tenant", "acme").with("other", "x"));
    let root = telemetry
        .trace("support", AgentRun::named("bot"))
        .parent_context(cx)
        .user_id("u-7")
        .session_id("s-42")
        .tag("vip")
        .context_value("request_id", "r-1")
        .start();
    root.in_scope(|| {
        let tool = telemetry.span("tool", ToolCall::named("search")).start();
        tool.in_scope(|| {
            telemetry
                .span("rag", RagQuery::new("docs", "refunds"))
                .start()
                .end()
        });
        tool.end();
    });
    root.end();
    telemetry.flush().await.unwrap();
    let spans = exporter.ended_spans();
    assert_eq!(spans.len(), 3);
    for span in &spans {
        let t = &span.trace;
        assert_eq!(t.user_id.as_deref(), Some("u-7"), "{}", span.name);
        assert_eq!(t.session_id.as_deref(), Some("s-42"));
        assert_eq!(t.environment.as_deref(), Some("staging"));
        assert_eq!(t.release.as_deref(), Some("1.4.2"));
        assert_eq!(t.tags, ["vip", "beta"]);
        assert_eq!(t.context["tenant"], "acme");
        assert_eq!(t.context["request_id"], "r-1");
        assert!(!t.context.contains_key("other"));
    }
    let traces = exporter.ended_traces();
    assert_eq!(traces.len(), 1);
    assert_eq!(traces[0].name, "support");
    assert_eq!(traces[0].attributes.user_id.as_deref(), Some("u-7"));
    assert!(traces[0].end_time.is_some());
}

#[tokio::test]
async fn errors_correlate_up_the_tree_without_failing_the_parent() {
    let exporter = InMemoryExporter::new();
    let telemetry = Telemetry::builder("errors")
        .exporter(exporter.clone())
        .build()
        .unwrap();
    let root = telemetry.trace("agent", AgentRun::named("a")).start();
    let failing_id = root.in_scope(|| {
        let step = telemetry.span("step", WorkflowStep::default()).start();
        let id = step.in_scope(|| {
            let tool = telemetry.span("tool", ToolCall::named("weather")).start();
            let id = tool.span_id().unwrap();
            tool.end_with_error(SpanError::new("Timeout", "weather API timed out").retryable(true));
            id
        });
        step.end_with_output("recovered with a fallback");
        id
    });
    root.end();
    telemetry.flush().await.unwrap();
    let tool = exporter.span("tool").unwrap();
    assert_eq!(tool.status, SpanStatus::Error);
    assert!(tool.error.as_ref().unwrap().retryable);
    let step = exporter.span("step").unwrap();
    assert_eq!(step.status, SpanStatus::Ok);
    assert_eq!(step.errored_descendants, [failing_id]);
    let agent = exporter.span("agent").unwrap();
    assert_eq!(agent.status, SpanStatus::Unset);
    assert_eq!(agent.errored_descendants, [failing_id]);
    assert!(exporter.ended_traces()[0].has_error);
}

#[tokio::test]
async fn a_root_that_never_ends_is_released_after_the_maximum_age() {
    let exporter = InMemoryExporter::new();
    let telemetry = Telemetry::builder("leaky")
        .max_trace_age(Duration::from_millis(10))
        .exporter(exporter.clone())
        .build()
        .unwrap();
    let leaked = telemetry.trace("leaked", Generic::default()).start();
    assert_eq!(telemetry.stats().open_traces, 1);
    std::mem::forget(leaked);
    std::thread::sleep(Duration::from_millis(20));
    telemetry.expire_traces();
    let stats = telemetry.stats();
    assert_eq!(stats.open_traces, 0);
    assert_eq!(stats.traces_expired, 1);
    telemetry.flush().await.unwrap();
    let traces = exporter.ended_traces();
    assert_eq!(traces.len(), 1);
    assert!(traces[0].incomplete);
}

#[tokio::test]
async fn open_trace_table_is_bounded() {
    let telemetry = Telemetry::builder("bounded")
        .max_open_traces(2)
        .exporter(InMemoryExporter::new())
        .build()
        .unwrap();
    let spans: Vec<_> = (0..5)
        .map(|i| telemetry.trace(format!("t{i}"), Generic::default()).start())
        .collect();
    let stats = telemetry.stats();
    assert_eq!(stats.open_traces, 2);
    assert_eq!(stats.traces_untracked, 3);
    drop(spans);
    assert_eq!(telemetry.stats().open_traces, 0);
}
