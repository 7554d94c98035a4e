//! The `tracing` layer: typed GenAI spans, generic spans and the filter, parent links in both
//! nesting orders (across `.await` and `telemetry_core::spawn`), events and errors, switches.
#![cfg(feature = "tracing-bridge")]

use std::sync::Arc;
use std::time::Duration;

use telemetry_bridges::TelemetryLayer;
use telemetry_core::attrs::{AgentRun, Generic};
use telemetry_core::testing::InMemoryExporter;
use telemetry_core::{FutureExt, SpanAttributes, SpanRecord, SpanStatus, SpanType, Telemetry};
use tracing::Instrument;
use tracing::field::Empty;
use tracing::subscriber::DefaultGuard;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;

struct Setup {
    telemetry: Telemetry,
    spans: InMemoryExporter,
    _guard: DefaultGuard,
}

fn setup(
    configure: impl FnOnce(telemetry_bridges::TelemetryLayerBuilder) -> TelemetryLayer,
) -> Setup {
    let spans = InMemoryExporter::new();
    let telemetry = Telemetry::builder("test")
        .exporter(spans.clone())
        .build()
        .expect("build");
    let layer = configure(TelemetryLayer::builder(telemetry.clone()));
    let guard = tracing::subscriber::set_default(tracing_subscriber::registry().with(layer));
    Setup {
        telemetry,
        spans,
        _guard: guard,
    }
}

impl Setup {
    fn ended(&self) -> Vec<Arc<SpanRecord>> {
        self.telemetry
            .flush_blocking(Duration::from_secs(5))
            .expect("flush");
        self.spans.ended_spans()
    }

    fn get(&self, name: &str) -> Arc<SpanRecord> {
        self.ended()
            .into_iter()
            .find(|s| &*s.name == name)
            .unwrap_or_else(|| panic!("no span {name}"))
    }
}

#[test]
fn genai_fields_recorded_after_creation_make_a_typed_llm_span() {
    let t = setup(|b| b.build());
    {
        let chat = tracing::info_span!(
            "chat",
            gen_ai.operation.name = "chat",
            gen_ai.provider.name = "openai",
            gen_ai.request.model = "gpt-4o",
            gen_ai.response.model = Empty,
            gen_ai.usage.input_tokens = Empty,
            gen_ai.usage.output_tokens = Empty,
            gen_ai.usage.cache_read.input_tokens = Empty,
            gen_ai.usage.reasoning_tokens = Empty,
        );
        chat.record("gen_ai.response.model", "gpt-4o-2024-08-06");
        chat.record("gen_ai.usage.input_tokens", 120);
        chat.record("gen_ai.usage.output_tokens", 30);
        chat.record("gen_ai.usage.cache_read.input_tokens", 100);
        chat.record("gen_ai.usage.reasoning_tokens", 7);
    }
    let chat = t.get("chat");
    assert_eq!(chat.attributes.span_type(), SpanType::LlmGeneration);
    assert_eq!(chat.attributes.model(), Some("gpt-4o"));
    let usage = chat.attributes.usage().expect("usage");
    assert_eq!(usage.input_tokens, Some(120));
    assert_eq!(usage.output_tokens, Some(30));
    assert_eq!(usage.cache_read_tokens, Some(100));
    assert_eq!(usage.reasoning_tokens, Some(7));
}

#[test]
fn agent_and_tool_spans_are_typed_and_nested() {
    let t = setup(|b| b.build());
    {
        let agent = tracing::info_span!(
            "invoke_agent",
            gen_ai.operation.name = "invoke_agent",
            gen_ai.agent.name = "support",
        );
        let _a = agent.enter();
        let tool = tracing::info_span!(
            "execute_tool",
            gen_ai.operation.name = "execute_tool",
            gen_ai.tool.name = Empty,
            gen_ai.tool.call.id = Empty,
        );
        tool.record("gen_ai.tool.name", "lookup_order");
        tool.record("gen_ai.tool.call.id", "call_1");
    }
    let agent = t.get("invoke_agent");
    let tool = t.get("execute_tool");
    assert_eq!(agent.attributes.span_type(), SpanType::AgentRun);
    let SpanAttributes::AgentRun(AgentRun { agent_name, .. }) = &agent.attributes else {
        panic!("agent run");
    };
    assert_eq!(agent_name.as_deref(), Some("support"));
    let SpanAttributes::ToolCall(call) = &tool.attributes else {
        panic!("tool call")
    };
    assert_eq!(call.tool_name.as_deref(), Some("lookup_order"));
    assert_eq!(call.call_id.as_deref(), Some("call_1"));
    assert_eq!(tool.parent_span_id, Some(agent.span_id));
    assert_eq!(tool.trace_id, agent.trace_id);
}

#[test]
fn other_spans_are_generic_or_skipped_by_the_filter_and_the_tree_stays_connected() {
    let t = setup(|b| {
        b.generic_spans(Targets::new().with_target("kept", tracing::Level::INFO))
            .build()
    });
    {
        let outer = tracing::info_span!(target: "kept", "request", route = "/chat");
        let _o = outer.enter();
        let skipped = tracing::debug_span!(target: "kept", "too_verbose");
        let _s = skipped.enter();
        let other = tracing::info_span!(target: "elsewhere", "not_kept");
        let _n = other.enter();
        let _chat = tracing::info_span!(
            "chat",
            gen_ai.operation.name = "chat",
            gen_ai.request.model = "m"
        );
    }
    let spans = t.ended();
    let names: Vec<_> = spans.iter().map(|s| s.name.to_string()).collect();
    assert!(!names.contains(&"too_verbose".to_owned()), "{names:?}");
    assert!(!names.contains(&"not_kept".to_owned()), "{names:?}");
    let request = t.get("request");
    let chat = t.get("chat");
    assert_eq!(request.attributes.span_type(), SpanType::Generic);
    let SpanAttributes::Generic(Generic { fields }) = &request.attributes else {
        panic!()
    };
    assert_eq!(fields.get("route").and_then(|v| v.as_str()), Some("/chat"));
    assert_eq!(
        chat.parent_span_id,
        Some(request.span_id),
        "attached to the nearest bridged ancestor"
    );
}

#[tokio::test]
async fn tracing_inside_ours_and_ours_inside_tracing_across_await_and_spawn() {
    let t = setup(|b| b.build());
    let telemetry = t.telemetry.clone();
    let root = telemetry.trace("ours_root", AgentRun::named("a")).start();
    let inner_telemetry = telemetry.clone();
    async move {
        // tracing span inside our span
        let outer = tracing::info_span!("tracing_outer");
        async move {
            tokio::task::yield_now().await;
            // our span inside a tracing span, across .await
            let ours = inner_telemetry
                .span("ours_inner", Generic::default())
                .start();
            let deeper_telemetry = inner_telemetry.clone();
            async move {
                tokio::task::yield_now().await;
                let _t = tracing::info_span!("tracing_leaf").entered();
                // the spawn helper carries the context into a new task
                telemetry_core::spawn(async move {
                    tracing::info_span!("tracing_in_task").in_scope(|| {
                        deeper_telemetry
                            .span("ours_in_task", Generic::default())
                            .start()
                            .end();
                    });
                })
                .await
                .expect("task");
            }
            .in_span(&ours)
            .await;
            ours.end();
        }
        .instrument(outer)
        .await;
    }
    .in_span(&root)
    .await;
    root.end();

    let id = |name: &str| t.get(name).span_id;
    let parent = |name: &str| t.get(name).parent_span_id;
    assert_eq!(parent("tracing_outer"), Some(id("ours_root")));
    assert_eq!(parent("ours_inner"), Some(id("tracing_outer")));
    assert_eq!(parent("tracing_leaf"), Some(id("ours_inner")));
    assert_eq!(parent("tracing_in_task"), Some(id("tracing_leaf")));
    assert_eq!(parent("ours_in_task"), Some(id("tracing_in_task")));
    let trace = t.get("ours_root").trace_id;
    assert!(t.ended().iter().all(|s| s.trace_id == trace));
}

#[derive(Debug, thiserror::Error)]
#[error("quota exceeded")]
struct QuotaError;

#[tracing::instrument(err)]
fn failing_call() -> Result<(), QuotaError> {
    tracing::info!(attempt = 1, "calling the model");
    Err(QuotaError)
}

#[test]
fn events_become_span_events_and_errors_become_structured_errors() {
    let t = setup(|b| b.build());
    let _ = failing_call();
    {
        let span = tracing::info_span!("with_error_field", error = Empty);
        span.record("error", tracing::field::display("connection reset"));
    }
    let call = t.get("failing_call");
    assert_eq!(call.status, SpanStatus::Error);
    assert_eq!(
        call.error.as_ref().map(|e| e.message.as_str()),
        Some("quota exceeded")
    );
    let event = call
        .events
        .iter()
        .find(|e| &*e.name == "calling the model")
        .expect("event");
    assert_eq!(
        event.attributes.get("attempt").and_then(|v| v.as_i64()),
        Some(1)
    );
    let field = t.get("with_error_field");
    assert_eq!(field.status, SpanStatus::Error);
    assert_eq!(
        field.error.as_ref().map(|e| e.message.as_str()),
        Some("connection reset")
    );
}

#[test]
fn span_type_exporter_and_master_switches_apply_to_bridged_spans() {
    let t = setup(|b| b.build());
    let spans_named = |t: &Setup, name: &str| t.ended().iter().filter(|s| &*s.name == name).count();
    tracing::info_span!("first").in_scope(|| {});
    t.telemetry
        .set_span_type_enabled(SpanType::LlmGeneration, false);
    tracing::info_span!("chat_off", gen_ai.operation.name = "chat").in_scope(|| {});
    t.telemetry
        .set_span_type_enabled(SpanType::LlmGeneration, true);
    t.telemetry.set_enabled(false);
    tracing::info_span!("while_disabled").in_scope(|| {});
    t.telemetry.set_enabled(true);
    assert!(t.telemetry.set_exporter_enabled("in-memory", false));
    tracing::info_span!("exporter_off").in_scope(|| {});
    assert!(t.telemetry.set_exporter_enabled("in-memory", true));
    tracing::info_span!("chat_on", gen_ai.operation.name = "chat").in_scope(|| {});
    assert_eq!(spans_named(&t, "first"), 1);
    assert_eq!(spans_named(&t, "chat_off"), 0);
    assert_eq!(spans_named(&t, "while_disabled"), 0);
    assert_eq!(spans_named(&t, "exporter_off"), 0);
    assert_eq!(spans_named(&t, "chat_on"), 1);
}

#[test]
fn the_layer_switch_skips_spans_while_off() {
    let switch = telemetry_bridges::BridgeSwitch::new(true);
    let shared = switch.clone();
    let t = setup(move |b| b.switch(shared).build());
    switch.set(false);
    tracing::info_span!("off").in_scope(|| {});
    switch.set(true);
    tracing::info_span!("on").in_scope(|| {});
    let names: Vec<_> = t.ended().iter().map(|s| s.name.to_string()).collect();
    assert_eq!(names, ["on"]);
}
