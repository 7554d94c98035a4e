//! Spans of every type with every field set, shared by the `otel_*` tests.

#![allow(dead_code)]

use std::sync::Arc;

use serde_json::{Map, Value, json};
use telemetry_types::attrs::*;
use telemetry_types::{
    ErrorCategory, SpanAttributes, SpanError, SpanEvent, SpanId, SpanRecord, SpanStatus, SpanType,
    Timestamp, TraceAttributes, TraceId,
};

pub(crate) fn trace_attributes() -> TraceAttributes {
    let mut context = Map::new();
    context.insert("tenant".into(), json!("acme"));
    context.insert("flags".into(), json!({"beta": true, "ratio": 0.5}));
    TraceAttributes {
        user_id: Some("u-7".into()),
        session_id: Some("s-42".into()),
        tags: vec!["prod".into(), "vip".into()],
        environment: Some("production".into()),
        release: Some("1.2.3".into()),
        context,
        ..TraceAttributes::default()
    }
}

pub(crate) fn attributes(span_type: SpanType) -> SpanAttributes {
    let usage = Usage {
        input_tokens: Some(1048),
        output_tokens: Some(39),
        total_tokens: Some(1087),
        cache_read_tokens: Some(1024),
        cache_write_tokens: Some(12),
        reasoning_tokens: Some(32),
    };
    let cost = Cost {
        input: Some(0.5),
        output: Some(0.25),
        cache_read: Some(0.125),
        cache_write: Some(0.0625),
        reasoning: Some(0.03125),
        total: Some(0.96875),
        currency: Some("EUR".into()),
    };
    match span_type {
        SpanType::AgentRun => AgentRun {
            agent_id: Some("agent-1".into()),
            agent_name: Some("support-agent".into()),
            description: Some("Answers support questions".into()),
            instructions: Some("Be kind.".into()),
            available_tools: vec!["search".into(), "refund".into()],
            max_steps: Some(10),
            steps: Some(3),
            model: Some("gpt-4o".into()),
            provider: Some("openai".into()),
        }
        .into(),
        SpanType::WorkflowRun => WorkflowRun {
            workflow_id: Some("wf-1".into()),
            workflow_name: Some("onboarding".into()),
            run_id: Some("run-9".into()),
            status: Some(WorkflowStatus::Suspended),
            attempt: Some(2),
            suspended: Some(true),
            resumed: Some(false),
            resumed_from_step: Some("step-2".into()),
        }
        .into(),
        SpanType::WorkflowStep => WorkflowStep {
            workflow_id: Some("wf-1".into()),
            workflow_name: Some("onboarding".into()),
            run_id: Some("run-9".into()),
            step_id: Some("step-3".into()),
            step_name: Some("send email".into()),
            status: Some(WorkflowStatus::Succeeded),
            attempt: Some(1),
            suspended: Some(false),
            resumed: Some(true),
        }
        .into(),
        SpanType::LlmGeneration => LlmGeneration {
            model: Some("gpt-4o-mini".into()),
            provider: Some("openai".into()),
            operation: Some(LlmOperation::TextCompletion),
            result_type: Some(LlmResultType::ToolSelection),
            usage: Some(usage),
            parameters: Some(ModelParameters {
                temperature: Some(0.2),
                max_tokens: Some(64),
                top_p: Some(0.9),
                top_k: Some(40),
                stop: vec!["\n\n".into(), "END".into()],
                seed: Some(-7),
                frequency_penalty: Some(0.1),
                presence_penalty: Some(-0.1),
                choice_count: Some(2),
            }),
            streaming: Some(true),
            time_to_first_token_ms: Some(250.0),
            finish_reasons: vec!["stop".into(), "length".into()],
            response_model: Some("gpt-4o-mini-2024-07-18".into()),
            response_id: Some("chatcmpl-1".into()),
            cost: Some(cost),
        }
        .into(),
        SpanType::ToolCall => ToolCall {
            tool_name: Some("get_weather".into()),
            tool_id: Some("tool-1".into()),
            call_id: Some("call_1".into()),
            description: Some("Weather by city".into()),
            tool_type: Some("function".into()),
            success: Some(true),
        }
        .into(),
        SpanType::McpToolCall => McpToolCall {
            tool_name: Some("read_file".into()),
            tool_id: Some("fs.read".into()),
            call_id: Some("17".into()),
            description: Some("Reads a file".into()),
            success: Some(false),
            server_name: Some("filesystem".into()),
            server_version: Some("0.6.2".into()),
            transport: Some("stdio".into()),
            session_id: Some("mcp-s-1".into()),
            protocol_version: Some("2025-06-18".into()),
        }
        .into(),
        SpanType::MemoryLookup => MemoryLookup {
            memory_store: Some("user-prefs".into()),
            operation: Some(MemoryOperation::Get),
            query: Some("favourite colour".into()),
            thread_id: Some("thread-1".into()),
            resource_id: Some("user-7".into()),
            top_k: Some(5),
            results: vec![MemoryResult {
                id: Some("m1".into()),
                content: Some("blue".into()),
                score: Some(0.75),
            }],
        }
        .into(),
        SpanType::MemoryUpdate => MemoryUpdate {
            memory_store: Some("user-prefs".into()),
            operation: Some(MemoryOperation::Upsert),
            thread_id: Some("thread-1".into()),
            resource_id: Some("user-7".into()),
            record_ids: vec!["m1".into(), "m2".into()],
            record_count: Some(2),
        }
        .into(),
        SpanType::RagQuery => RagQuery {
            vector_store: Some("qdrant".into()),
            index: Some("docs".into()),
            query: Some("refund policy".into()),
            top_k: Some(3),
            filter: Some(json!({"lang": "en"})),
            embedding_model: Some("text-embedding-3-small".into()),
            chunks: vec![RetrievedChunk {
                id: Some("c1".into()),
                document_id: Some("d1".into()),
                content: Some("Refunds within 30 days.".into()),
                score: Some(0.875),
                metadata: Some(json!({"page": 2})),
            }],
        }
        .into(),
        SpanType::EmbeddingGeneration => EmbeddingGeneration {
            model: Some("text-embedding-3-small".into()),
            provider: Some("openai".into()),
            input_count: Some(2),
            dimensions: Some(8),
            encoding_format: Some("base64".into()),
            response_model: Some("text-embedding-3-small".into()),
            usage: Some(usage),
            cost: Some(cost),
        }
        .into(),
        SpanType::EvalExecution => EvalExecution {
            evaluator: Some("llm_judge".into()),
            metric: Some("faithfulness".into()),
            score: Some(0.8),
            label: Some("faithful".into()),
            reason: Some("Grounded in the retrieved chunks.".into()),
            passed: Some(true),
            threshold: Some(0.7),
            evaluated_trace_id: Some(TraceId::parse("4bf92f3577b34da6a3ce929d0e0e4736").unwrap()),
            evaluated_span_id: Some(SpanId::parse("00f067aa0ba902b7").unwrap()),
        }
        .into(),
        SpanType::Generic => {
            let mut fields = Map::new();
            fields.insert("app.step".into(), json!("parse"));
            fields.insert("app.count".into(), json!(3));
            fields.insert("app.tags".into(), json!(["a", "b"]));
            Generic { fields }.into()
        }
    }
}

fn io_for(span_type: SpanType) -> (Value, Value) {
    match span_type {
        SpanType::LlmGeneration => (
            json!([{"role": "system", "parts": [{"type": "text", "content": "Be brief."}]},
                   {"role": "user", "parts": [{"type": "text", "content": "Capital of France?"}]}]),
            json!([{"role": "assistant", "parts": [{"type": "text", "content": "Paris."}],
                    "finish_reason": "stop"}]),
        ),
        SpanType::ToolCall | SpanType::McpToolCall => {
            (json!({"city": "Paris"}), json!("sunny, 21°C"))
        }
        SpanType::AgentRun => (
            json!("What is the refund policy?"),
            json!({"answer": "30 days"}),
        ),
        _ => (json!({"query": "x", "n": [1, 2.5]}), json!("done")),
    }
}

pub(crate) fn full_span(span_type: SpanType, failed: bool) -> SpanRecord {
    let mut metadata = Map::new();
    metadata.insert("k".into(), json!("v"));
    metadata.insert("nested".into(), json!({"a": [1, 2], "b": null}));
    let start = Timestamp::from_unix_nanos(1_764_541_865_123_456_789);
    let (input, output) = io_for(span_type);
    let mut event_attributes = Map::new();
    event_attributes.insert("attempt".into(), json!(2));
    SpanRecord {
        trace_id: TraceId::parse("0af7651916cd43dd8448eb211c80319c").unwrap(),
        span_id: SpanId::parse("b7ad6b7169203331").unwrap(),
        parent_span_id: Some(SpanId::parse("00f067aa0ba902b7").unwrap()),
        name: format!("my {span_type}").into(),
        service_name: Arc::from("support-bot"),
        attributes: attributes(span_type),
        input: Some(input),
        output: Some(output),
        metadata,
        start_time: start,
        end_time: Some(Timestamp::from_unix_nanos(1_764_541_866_000_000_000)),
        status: if failed {
            SpanStatus::Error
        } else {
            SpanStatus::Ok
        },
        error: failed.then(|| SpanError {
            kind: "reqwest::Error".into(),
            message: "connection refused".into(),
            source_chain: vec!["tcp connect".into(), "os error 111".into()],
            retryable: true,
            category: Some(ErrorCategory::ThirdParty),
        }),
        errored_descendants: vec![SpanId::parse("1111111111111111").unwrap()],
        events: vec![SpanEvent {
            name: "retry".into(),
            time: Timestamp::from_unix_nanos(1_764_541_865_500_000_000),
            attributes: event_attributes,
        }],
        ended_by_drop: failed,
        trace: Arc::new(trace_attributes()),
    }
}
