//! The payload `@mastra/otel-exporter` 1.4 really sent (`tests/fixtures/otlp/mastra.pb`, see
//! its README): types, user, session, tags, inputs and outputs, and each model call's tokens
//! counted once.

use std::path::PathBuf;

use serde_json::json;
use telemetry_otlp as otel;
use telemetry_types::{SpanAttributes, SpanRecord, SpanType};

fn spans() -> Vec<SpanRecord> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/otlp/mastra.pb");
    let bytes = std::fs::read(path).expect("fixture");
    let decoded = otel::spans_from_request(otel::decode_protobuf(&bytes).expect("protobuf"));
    assert!(decoded.rejected.is_empty());
    decoded.spans
}

fn of_type(spans: &[SpanRecord], t: SpanType) -> Vec<&SpanRecord> {
    spans.iter().filter(|s| s.span_type() == t).collect()
}

#[test]
fn mastra_agent_run_with_a_tool() {
    let spans = spans();
    assert_eq!(spans.len(), 10);
    for span in &spans {
        assert_eq!(span.trace.user_id.as_deref(), Some("u-1"), "{}", span.name);
        assert_eq!(
            span.trace.session_id.as_deref(),
            Some("s-1"),
            "{}",
            span.name
        );
        assert_eq!(&*span.service_name, "mastra-weather");
    }
    let agent = of_type(&spans, SpanType::AgentRun);
    assert_eq!(agent.len(), 1);
    let agent = agent[0];
    assert!(agent.parent_span_id.is_none());
    assert_eq!(agent.trace.tags, vec!["beta", "eu"]);
    assert_eq!(agent.input, Some(json!("Weather in Paris?")));
    assert_eq!(agent.output.as_ref().unwrap()["text"], "It is sunny.");

    let tool = of_type(&spans, SpanType::ToolCall);
    assert_eq!(tool.len(), 1);
    assert_eq!(tool[0].input, Some(json!({"city": "Paris"})));
    assert_eq!(tool[0].output, Some(json!({"forecast": "sunny"})));

    // Two model calls, 10 + 5 tokens each, counted on the inference spans only.
    let calls = of_type(&spans, SpanType::LlmGeneration);
    assert_eq!(calls.len(), 2);
    let mut tokens = (0, 0);
    for span in &spans {
        if let SpanAttributes::LlmGeneration(a) = &span.attributes {
            let usage = a.usage.expect("usage on the model call");
            tokens.0 += usage.input_tokens.unwrap_or(0);
            tokens.1 += usage.output_tokens.unwrap_or(0);
            assert_eq!(a.model.as_deref(), Some("mock-model-id"));
        }
    }
    assert_eq!(tokens, (20, 10));

    // The model loop, its steps and chunks are workflow steps, with their input/output.
    let steps = of_type(&spans, SpanType::WorkflowStep);
    assert_eq!(steps.len(), 6);
    let generation = steps
        .iter()
        .find(|s| s.metadata["mastra.span.type"] == "model_generation")
        .expect("the model_generation span");
    assert!(generation.input.is_some() && generation.output.is_some());
}
