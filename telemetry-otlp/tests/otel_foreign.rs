//! Hand-written spans of the kinds the captured fixtures do not cover: OpenInference tool,
//! agent, chain, retriever, reranker and guardrail spans, OpenLLMetry decorator spans,
//! `gen_ai.*` agent/tool/retrieval/memory spans and MCP spans from other SDKs, and errors
//! recorded the OpenTelemetry way.

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value::Value as Av};
use opentelemetry_proto::tonic::trace::v1::{Span, Status, span::Event};
use serde_json::json;
use telemetry_otlp::{self as otel, ResourceInfo};
use telemetry_types::{SpanAttributes, SpanRecord, SpanStatus, SpanType};

fn kv(key: &str, value: Av) -> KeyValue {
    KeyValue {
        key: key.to_owned(),
        value: Some(AnyValue { value: Some(value) }),
        ..Default::default()
    }
}

fn s(v: &str) -> Av {
    Av::StringValue(v.to_owned())
}

fn span(name: &str, attributes: Vec<KeyValue>) -> Span {
    Span {
        trace_id: vec![1; 16],
        span_id: vec![2; 8],
        name: name.to_owned(),
        start_time_unix_nano: 10,
        end_time_unix_nano: 20,
        attributes,
        ..Default::default()
    }
}

fn read(span: Span) -> SpanRecord {
    otel::span_from_otlp(span, &ResourceInfo::from_resource(None), None).unwrap()
}

#[test]
fn openinference_span_kinds() {
    let cases = [
        ("TOOL", SpanType::ToolCall),
        ("AGENT", SpanType::AgentRun),
        ("CHAIN", SpanType::WorkflowRun),
        ("RETRIEVER", SpanType::RagQuery),
        ("RERANKER", SpanType::RagQuery),
        ("EVALUATOR", SpanType::EvalExecution),
        ("EMBEDDING", SpanType::EmbeddingGeneration),
        ("LLM", SpanType::LlmGeneration),
        ("GUARDRAIL", SpanType::Generic),
    ];
    for (kind, expected) in cases {
        let record = read(span("x", vec![kv("openinference.span.kind", s(kind))]));
        assert_eq!(record.span_type(), expected, "{kind}");
    }
    let reranker = read(span(
        "x",
        vec![kv("openinference.span.kind", s("RERANKER"))],
    ));
    assert_eq!(reranker.metadata["openinference.span.kind"], "RERANKER");
}

#[test]
fn openinference_tool_and_retriever_details() {
    let tool = read(span(
        "get_weather",
        vec![
            kv("openinference.span.kind", s("TOOL")),
            kv("tool.name", s("get_weather")),
            kv("tool.description", s("Weather by city")),
            kv("input.value", s(r#"{"city": "Paris"}"#)),
            kv("input.mime_type", s("application/json")),
            kv("output.value", s("sunny")),
            kv("session.id", s("s-9")),
            kv("user.id", s("u-9")),
            kv("metadata", s(r#"{"team": "search"}"#)),
        ],
    ));
    let SpanAttributes::ToolCall(t) = &tool.attributes else {
        panic!()
    };
    assert_eq!(t.tool_name.as_deref(), Some("get_weather"));
    assert_eq!(t.description.as_deref(), Some("Weather by city"));
    assert_eq!(tool.input, Some(json!({"city": "Paris"})));
    assert_eq!(tool.output, Some(json!("sunny")));
    assert_eq!(tool.trace.session_id.as_deref(), Some("s-9"));
    assert_eq!(tool.trace.user_id.as_deref(), Some("u-9"));
    assert_eq!(tool.metadata["team"], "search");

    let retriever = read(span(
        "retrieve",
        vec![
            kv("openinference.span.kind", s("RETRIEVER")),
            kv("retrieval.documents.0.document.id", s("d1")),
            kv(
                "retrieval.documents.0.document.content",
                s("Refunds within 30 days."),
            ),
            kv("retrieval.documents.0.document.score", Av::DoubleValue(0.9)),
            kv("retrieval.documents.1.document.id", s("d2")),
        ],
    ));
    let SpanAttributes::RagQuery(r) = &retriever.attributes else {
        panic!()
    };
    assert_eq!(r.chunks.len(), 2);
    assert_eq!(r.chunks[0].id.as_deref(), Some("d1"));
    assert_eq!(r.chunks[0].score, Some(0.9));
    assert_eq!(r.chunks[1].content, None);
}

#[test]
fn openllmetry_decorator_spans() {
    let cases = [
        ("workflow", SpanType::WorkflowRun),
        ("task", SpanType::WorkflowStep),
        ("agent", SpanType::AgentRun),
        ("tool", SpanType::ToolCall),
    ];
    for (kind, expected) in cases {
        let record = read(span(
            &format!("joke.{kind}"),
            vec![
                kv("traceloop.span.kind", s(kind)),
                kv("traceloop.entity.name", s("pirate_joke")),
                kv("traceloop.workflow.name", s("joke_flow")),
                kv(
                    "traceloop.entity.input",
                    s(r#"{"args": [], "kwargs": {"topic": "sea"}}"#),
                ),
                kv("traceloop.entity.output", s(r#""Arr!""#)),
            ],
        ));
        assert_eq!(record.span_type(), expected, "{kind}");
        assert_eq!(record.input.as_ref().unwrap()["kwargs"]["topic"], "sea");
        match &record.attributes {
            SpanAttributes::WorkflowRun(w) => {
                assert_eq!(w.workflow_name.as_deref(), Some("joke_flow"))
            }
            SpanAttributes::WorkflowStep(w) => {
                assert_eq!(w.step_name.as_deref(), Some("pirate_joke"));
                assert_eq!(w.workflow_name.as_deref(), Some("joke_flow"));
            }
            SpanAttributes::AgentRun(a) => assert_eq!(a.agent_name.as_deref(), Some("pirate_joke")),
            SpanAttributes::ToolCall(t) => assert_eq!(t.tool_name.as_deref(), Some("pirate_joke")),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn genai_agent_tool_retrieval_memory_and_mcp_from_other_sdks() {
    let agent = read(span(
        "invoke_agent Math Tutor",
        vec![
            kv("gen_ai.operation.name", s("invoke_agent")),
            kv("gen_ai.agent.name", s("Math Tutor")),
            kv("gen_ai.agent.id", s("asst_1")),
            kv("gen_ai.provider.name", s("openai")),
            kv("gen_ai.conversation.id", s("conv_1")),
            kv(
                "gen_ai.system_instructions",
                s(
                    r#"[{"type":"text","content":"Be precise."},{"type":"text","content":"Show steps."}]"#,
                ),
            ),
        ],
    ));
    let SpanAttributes::AgentRun(a) = &agent.attributes else {
        panic!()
    };
    assert_eq!(a.agent_name.as_deref(), Some("Math Tutor"));
    assert_eq!(a.instructions.as_deref(), Some("Be precise.\nShow steps."));
    assert_eq!(agent.trace.session_id.as_deref(), Some("conv_1"));

    let tool = read(span(
        "execute_tool Flights",
        vec![
            kv("gen_ai.operation.name", s("execute_tool")),
            kv("gen_ai.tool.name", s("Flights")),
            kv("gen_ai.tool.call.id", s("call_1")),
            kv("gen_ai.tool.type", s("function")),
            kv("gen_ai.tool.call.arguments", s(r#"{"from": "CDG"}"#)),
        ],
    ));
    let SpanAttributes::ToolCall(t) = &tool.attributes else {
        panic!()
    };
    assert_eq!(
        (t.tool_name.as_deref(), t.call_id.as_deref()),
        (Some("Flights"), Some("call_1"))
    );
    assert_eq!(tool.input, Some(json!({"from": "CDG"})));

    let rag = read(span(
        "retrieval docs",
        vec![
            kv("gen_ai.operation.name", s("retrieval")),
            kv("gen_ai.data_source.id", s("docs")),
            kv("gen_ai.retrieval.query.text", s("refunds")),
            kv(
                "gen_ai.retrieval.documents",
                s(r#"[{"id": "doc_1", "score": 0.95}]"#),
            ),
        ],
    ));
    let SpanAttributes::RagQuery(r) = &rag.attributes else {
        panic!()
    };
    assert_eq!(r.index.as_deref(), Some("docs"));
    assert_eq!(r.query.as_deref(), Some("refunds"));
    assert_eq!(r.chunks[0].score, Some(0.95));

    let memory = read(span(
        "search_memory prefs",
        vec![kv("gen_ai.operation.name", s("search_memory"))],
    ));
    assert_eq!(memory.span_type(), SpanType::MemoryLookup);
    let delete = read(span(
        "delete_memory prefs",
        vec![kv("gen_ai.operation.name", s("delete_memory"))],
    ));
    assert_eq!(delete.span_type(), SpanType::MemoryUpdate);

    let mcp = read(span(
        "tools/call read_file",
        vec![
            kv("mcp.method.name", s("tools/call")),
            kv("gen_ai.tool.name", s("read_file")),
            kv("jsonrpc.request.id", s("42")),
            kv("mcp.session.id", s("sess")),
            kv("mcp.protocol.version", s("2025-06-18")),
            kv("network.transport", s("pipe")),
        ],
    ));
    let SpanAttributes::McpToolCall(m) = &mcp.attributes else {
        panic!("{:?}", mcp.span_type())
    };
    assert_eq!(m.tool_name.as_deref(), Some("read_file"));
    assert_eq!(m.call_id.as_deref(), Some("42"));
    assert_eq!(m.session_id.as_deref(), Some("sess"));
    assert_eq!(mcp.metadata["network.transport"], "pipe");
}

#[test]
fn errors_from_status_error_type_and_exception_events() {
    let mut failed = span(
        "chat gpt-4o",
        vec![
            kv("gen_ai.operation.name", s("chat")),
            kv("error.type", s("timeout")),
        ],
    );
    failed.status = Some(Status {
        message: "deadline exceeded".into(),
        code: 2,
    });
    let record = read(failed.clone());
    assert_eq!(record.status, SpanStatus::Error);
    let e = record.error.unwrap();
    assert_eq!(
        (&*e.kind, e.message.as_str()),
        ("timeout", "deadline exceeded")
    );
    assert!(!record.metadata.contains_key("error.type"));

    failed.events = vec![Event {
        time_unix_nano: 15,
        name: "exception".into(),
        attributes: vec![
            kv("exception.type", s("openai.APITimeoutError")),
            kv("exception.message", s("Request timed out.")),
            kv("exception.stacktrace", s("Traceback ...")),
        ],
        dropped_attributes_count: 0,
    }];
    let record = read(failed);
    let e = record.error.unwrap();
    assert_eq!(
        (&*e.kind, e.message.as_str()),
        ("openai.APITimeoutError", "Request timed out.")
    );
    // The stack trace has no field of ours: the event is kept as well.
    assert_eq!(record.events.len(), 1);
    assert_eq!(
        record.events[0].attributes["exception.stacktrace"],
        "Traceback ..."
    );
    // error.type disagrees with the exception's type: kept.
    assert_eq!(record.metadata["error.type"], "timeout");
}

#[test]
fn flattened_messages_are_rebuilt_when_nothing_else_carries_them() {
    let record = read(span(
        "ChatCompletion",
        vec![
            kv("openinference.span.kind", s("LLM")),
            kv("llm.model_name", s("gpt-4o")),
            kv("llm.input_messages.0.message.role", s("user")),
            kv("llm.input_messages.0.message.content", s("hi")),
            kv("llm.output_messages.0.message.role", s("assistant")),
            kv("llm.output_messages.0.message.content", s("hello")),
        ],
    ));
    assert_eq!(
        record.input,
        Some(json!([{"role": "user", "content": "hi"}]))
    );
    assert_eq!(
        record.output,
        Some(json!([{"role": "assistant", "content": "hello"}]))
    );
    let SpanAttributes::LlmGeneration(a) = &record.attributes else {
        panic!()
    };
    assert_eq!(a.model.as_deref(), Some("gpt-4o"));
    assert_eq!(a.response_model.as_deref(), Some("gpt-4o"));
}

#[test]
fn metadata_given_as_one_json_object_is_merged() {
    let record = read(span(
        "g",
        vec![
            kv("langfuse.observation.type", s("generation")),
            kv(
                "langfuse.observation.metadata",
                s(r#"{"a": 1, "b": {"c": true}}"#),
            ),
            kv("langfuse.trace.metadata", s(r#"{"tenant": "acme"}"#)),
        ],
    ));
    assert_eq!(record.metadata["a"], 1);
    assert_eq!(record.metadata["b"]["c"], true);
    assert_eq!(record.trace.context["tenant"], "acme");
}
