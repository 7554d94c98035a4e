//! Golden wire-format fixtures: every event variant and every span type's attributes, tested
//! both ways (serializing the value gives the fixture; the fixture deserializes to the value).
//! Any change to the wire format fails here. Run with `BLESS=1` to rewrite the fixtures of the
//! current version after a deliberate change (and document it).

use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;
use telemetry_types::attrs::*;
use telemetry_types::*;

/// Version folder of the current wire format.
const VERSION: &str = "v1";

fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(VERSION)
        .join(format!("{name}.json"))
}

fn check<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(name: &str, value: &T) {
    let path = fixture_path(name);
    let rendered = serde_json::to_string_pretty(value).unwrap() + "\n";
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, &rendered).unwrap();
    }
    let committed = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run with BLESS=1 to create it", path.display()));
    // Compared as JSON values: object key order follows serde_json's `preserve_order` feature,
    // which other crates of the workspace switch on; the wire format does not depend on it.
    let expected: serde_json::Value = serde_json::from_str(&committed).unwrap();
    assert_eq!(
        serde_json::to_value(value).unwrap(),
        expected,
        "serializing {name} no longer gives the committed fixture"
    );
    let parsed: T = serde_json::from_str(&committed).unwrap();
    assert_eq!(
        &parsed, value,
        "the committed {name} fixture no longer deserializes to the same value"
    );
}

fn trace_id() -> TraceId {
    TraceId::parse("4bf92f3577b34da6a3ce929d0e0e4736").unwrap()
}

fn span_id(n: u8) -> SpanId {
    SpanId::from_bytes([0, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, n]).unwrap()
}

fn ts(offset_ms: u64) -> Timestamp {
    Timestamp::from_unix_nanos(1_764_541_865_000_000_000 + offset_ms * 1_000_000)
}

fn trace_attributes() -> TraceAttributes {
    TraceAttributes {
        user_id: Some("u-7".into()),
        session_id: Some("s-42".into()),
        tags: vec!["beta".into()],
        environment: Some("production".into()),
        release: Some("1.4.2".into()),
        context: json!({"tenant": "acme"}).as_object().unwrap().clone(),
        ..TraceAttributes::default()
    }
}

fn all_attributes() -> Vec<(&'static str, SpanAttributes)> {
    vec![
        (
            "agent_run",
            AgentRun {
                agent_id: Some("agent-1".into()),
                agent_name: Some("support-agent".into()),
                description: Some("Answers support questions".into()),
                instructions: Some("Be concise.".into()),
                available_tools: vec!["search_docs".into(), "get_weather".into()],
                max_steps: Some(8),
                steps: Some(3),
                model: Some("gpt-4o".into()),
                provider: Some("openai".into()),
            }
            .into(),
        ),
        (
            "workflow_run",
            WorkflowRun {
                workflow_id: Some("wf-refund".into()),
                workflow_name: Some("refund".into()),
                run_id: Some("run-9".into()),
                status: Some(WorkflowStatus::Suspended),
                attempt: Some(1),
                suspended: Some(true),
                resumed: Some(false),
                resumed_from_step: None,
            }
            .into(),
        ),
        (
            "workflow_step",
            WorkflowStep {
                workflow_id: Some("wf-refund".into()),
                workflow_name: Some("refund".into()),
                run_id: Some("run-9".into()),
                step_id: Some("approve".into()),
                step_name: Some("Approve refund".into()),
                status: Some(WorkflowStatus::Succeeded),
                attempt: Some(2),
                suspended: Some(false),
                resumed: Some(true),
            }
            .into(),
        ),
        (
            "llm_generation",
            LlmGeneration {
                model: Some("gpt-4o-mini".into()),
                provider: Some("openai".into()),
                operation: Some(LlmOperation::Chat),
                result_type: Some(LlmResultType::ToolSelection),
                usage: Some(Usage {
                    input_tokens: Some(1048),
                    output_tokens: Some(39),
                    total_tokens: Some(1087),
                    cache_read_tokens: Some(1024),
                    cache_write_tokens: Some(0),
                    reasoning_tokens: Some(32),
                }),
                parameters: Some(ModelParameters {
                    temperature: Some(0.2),
                    max_tokens: Some(64),
                    top_p: Some(0.9),
                    top_k: Some(40),
                    stop: vec!["\n\n".into()],
                    seed: Some(7),
                    frequency_penalty: Some(0.1),
                    presence_penalty: Some(0.0),
                    choice_count: Some(1),
                }),
                streaming: Some(true),
                time_to_first_token_ms: Some(182.5),
                finish_reasons: vec!["tool_calls".into()],
                response_model: Some("gpt-4o-mini-2024-07-18".into()),
                response_id: Some("chatcmpl-123".into()),
                cost: Some(Cost {
                    input: Some(0.0000036),
                    output: Some(0.0000234),
                    cache_read: Some(0.0000768),
                    cache_write: None,
                    reasoning: None,
                    total: Some(0.0001038),
                    currency: Some("USD".into()),
                }),
            }
            .into(),
        ),
        (
            "tool_call",
            ToolCall {
                tool_name: Some("get_weather".into()),
                tool_id: Some("tool-weather".into()),
                call_id: Some("call_abc".into()),
                description: Some("Current weather for a city".into()),
                tool_type: Some("function".into()),
                success: Some(false),
            }
            .into(),
        ),
        (
            "mcp_tool_call",
            McpToolCall {
                tool_name: Some("read_file".into()),
                tool_id: Some("fs.read_file".into()),
                call_id: Some("42".into()),
                description: Some("Reads a file".into()),
                success: Some(true),
                server_name: Some("filesystem".into()),
                server_version: Some("0.6.2".into()),
                transport: Some("stdio".into()),
                session_id: Some("sess-1".into()),
                protocol_version: Some("2025-06-18".into()),
            }
            .into(),
        ),
        (
            "memory_lookup",
            MemoryLookup {
                memory_store: Some("pgvector".into()),
                operation: Some(MemoryOperation::Search),
                query: Some("refund policy".into()),
                thread_id: Some("thread-1".into()),
                resource_id: Some("user-7".into()),
                top_k: Some(3),
                results: vec![MemoryResult {
                    id: Some("m1".into()),
                    content: Some("Refunds within 30 days".into()),
                    score: Some(0.91),
                }],
            }
            .into(),
        ),
        (
            "memory_update",
            MemoryUpdate {
                memory_store: Some("pgvector".into()),
                operation: Some(MemoryOperation::Upsert),
                thread_id: Some("thread-1".into()),
                resource_id: Some("user-7".into()),
                record_ids: vec!["m2".into()],
                record_count: Some(1),
            }
            .into(),
        ),
        (
            "rag_query",
            RagQuery {
                vector_store: Some("qdrant".into()),
                index: Some("docs".into()),
                query: Some("How long do refunds take?".into()),
                top_k: Some(2),
                filter: Some(json!({"lang": "en"})),
                embedding_model: Some("text-embedding-3-small".into()),
                chunks: vec![RetrievedChunk {
                    id: Some("c1".into()),
                    document_id: Some("refunds.md".into()),
                    content: Some("Refunds take 5 days.".into()),
                    score: Some(0.87),
                    metadata: Some(json!({"page": 2})),
                }],
            }
            .into(),
        ),
        (
            "embedding_generation",
            EmbeddingGeneration {
                model: Some("text-embedding-3-small".into()),
                provider: Some("openai".into()),
                input_count: Some(2),
                dimensions: Some(8),
                encoding_format: Some("base64".into()),
                response_model: Some("text-embedding-3-small".into()),
                usage: Some(Usage {
                    input_tokens: Some(9),
                    total_tokens: Some(9),
                    ..Usage::default()
                }),
                cost: Some(Cost::total_usd(0.00000018)),
            }
            .into(),
        ),
        (
            "eval_execution",
            EvalExecution {
                evaluator: Some("llm_judge".into()),
                metric: Some("faithfulness".into()),
                score: Some(0.8),
                label: Some("mostly_faithful".into()),
                reason: Some("One claim is unsupported.".into()),
                passed: Some(true),
                threshold: Some(0.7),
                evaluated_trace_id: Some(trace_id()),
                evaluated_span_id: Some(span_id(2)),
            }
            .into(),
        ),
        (
            "generic",
            Generic {
                fields: json!({"http.route": "/chat", "retries": 2})
                    .as_object()
                    .unwrap()
                    .clone(),
            }
            .into(),
        ),
    ]
}

#[test]
fn every_span_type_has_a_fixture() {
    let names: Vec<_> = all_attributes()
        .iter()
        .map(|(n, a)| {
            assert_eq!(a.span_type().as_str(), *n);
            *n
        })
        .collect();
    assert_eq!(names, SpanType::ALL.map(SpanType::as_str));
}

#[test]
fn attributes_of_every_span_type() {
    for (name, attributes) in all_attributes() {
        check(&format!("attributes_{name}"), &attributes);
    }
}

fn span_record(attributes: SpanAttributes, ended: bool) -> SpanRecord {
    SpanRecord {
        trace_id: trace_id(),
        span_id: span_id(2),
        parent_span_id: Some(span_id(1)),
        name: "chat gpt-4o-mini".into(),
        service_name: "support-bot".into(),
        attributes,
        input: Some(json!([{"role": "user", "content": "What is the refund policy?"}])),
        output: ended.then(|| json!({"role": "assistant", "content": "Refunds take 5 days."})),
        metadata: json!({"prompt_version": "v3"}).as_object().unwrap().clone(),
        start_time: ts(0),
        end_time: ended.then(|| ts(640)),
        status: if ended {
            SpanStatus::Error
        } else {
            SpanStatus::Unset
        },
        error: ended
            .then(|| {
                SpanError::new("my_app::LlmError", "rate limited")
                    .retryable(true)
                    .category(ErrorCategory::ThirdParty)
            })
            .map(|mut e| {
                e.source_chain.push("HTTP 429".into());
                e
            }),
        errored_descendants: if ended { vec![span_id(3)] } else { vec![] },
        events: if ended {
            vec![SpanEvent {
                name: "first_token".into(),
                time: ts(182),
                attributes: Default::default(),
            }]
        } else {
            vec![]
        },
        ended_by_drop: false,
        trace: Arc::new(trace_attributes()),
    }
}

fn trace_record(ended: bool) -> TraceRecord {
    TraceRecord {
        trace_id: trace_id(),
        name: "support".into(),
        service_name: "support-bot".into(),
        root_span_id: span_id(1),
        start_time: ts(0),
        end_time: ended.then(|| ts(1200)),
        has_error: ended,
        incomplete: false,
        attributes: trace_attributes(),
    }
}

#[test]
fn every_event_variant() {
    let llm = all_attributes().remove(3).1;
    check(
        "event_trace_started",
        &TelemetryEvent::TraceStarted {
            trace: Arc::new(trace_record(false)),
        },
    );
    check(
        "event_trace_ended",
        &TelemetryEvent::TraceEnded {
            trace: Arc::new(trace_record(true)),
        },
    );
    check(
        "event_span_started",
        &TelemetryEvent::SpanStarted {
            span: Arc::new(span_record(llm.clone(), false)),
        },
    );
    check(
        "event_span_ended",
        &TelemetryEvent::SpanEnded {
            span: Arc::new(span_record(llm, true)),
        },
    );
}

#[test]
fn event_tag_is_the_seeds() {
    let event = TelemetryEvent::TraceEnded {
        trace: Arc::new(trace_record(true)),
    };
    assert_eq!(serde_json::to_value(&event).unwrap()["type"], "trace_ended");
}

#[test]
fn config() {
    let config = TelemetryConfig {
        service_name: "support-bot".into(),
        enabled: true,
        sampling: SamplingStrategy::ratio(0.25),
        context: ContextConfig {
            include_io: false,
            max_data_size: Some(4096),
            exclude_fields: vec!["internal".into()],
        },
    };
    let path = fixture_path("config");
    let rendered = serde_json::to_string_pretty(&config).unwrap() + "\n";
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, &rendered).unwrap();
    }
    let committed: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(serde_json::to_value(&config).unwrap(), committed);
    let parsed: TelemetryConfig = serde_json::from_str(&rendered).unwrap();
    assert!(
        matches!(parsed.sampling, SamplingStrategy::Ratio { probability } if probability == 0.25)
    );
    assert_eq!(parsed.context, config.context);
}
