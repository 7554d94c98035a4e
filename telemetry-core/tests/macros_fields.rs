//! The macro crate keeps its own list of each span type's attribute fields (to check
//! `attributes(...)` at compile time). These tests prove the lists match the real structs:
//!
//! 1. each struct below is built with an exhaustive literal (no `..Default::default()`), so it
//!    stops compiling when a field is added or removed; every field is set, so the serialized
//!    keys are exactly the struct's fields, and they must equal the macro's list;
//! 2. one `#[with_span]` function per span type sets every field through `attributes(...)`,
//!    which proves each listed field exists and converts, and records the same JSON.

#![cfg(feature = "macros")]

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::{Value, json};
use telemetry_core::__private::__span_fields;
use telemetry_core::attrs::*;
use telemetry_core::testing::InMemoryExporter;
use telemetry_core::{SpanAttributes, SpanId, SpanType, Telemetry, TraceId, with_span};

fn keys(value: &Value) -> BTreeSet<String> {
    value.as_object().unwrap().keys().cloned().collect()
}

fn list(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

fn usage() -> Usage {
    Usage::new(1, 2)
}

fn full(span_type: SpanType) -> SpanAttributes {
    match span_type {
        SpanType::AgentRun => AgentRun {
            agent_id: Some("id".into()),
            agent_name: Some("n".into()),
            description: Some("d".into()),
            instructions: Some("i".into()),
            available_tools: vec!["t".into()],
            max_steps: Some(3),
            steps: Some(2),
            model: Some("m".into()),
            provider: Some("p".into()),
        }
        .into(),
        SpanType::WorkflowRun => WorkflowRun {
            workflow_id: Some("w".into()),
            workflow_name: Some("n".into()),
            run_id: Some("r".into()),
            status: Some(WorkflowStatus::Running),
            attempt: Some(1),
            suspended: Some(false),
            resumed: Some(true),
            resumed_from_step: Some("s".into()),
        }
        .into(),
        SpanType::WorkflowStep => WorkflowStep {
            workflow_id: Some("w".into()),
            workflow_name: Some("n".into()),
            run_id: Some("r".into()),
            step_id: Some("s".into()),
            step_name: Some("sn".into()),
            status: Some(WorkflowStatus::Succeeded),
            attempt: Some(1),
            suspended: Some(false),
            resumed: Some(false),
        }
        .into(),
        SpanType::LlmGeneration => LlmGeneration {
            model: Some("m".into()),
            provider: Some("p".into()),
            operation: Some(LlmOperation::Chat),
            result_type: Some(LlmResultType::ResponseGeneration),
            usage: Some(usage()),
            parameters: Some(ModelParameters {
                temperature: Some(0.5),
                ..ModelParameters::default()
            }),
            streaming: Some(true),
            time_to_first_token_ms: Some(12.5),
            finish_reasons: vec!["stop".into()],
            response_model: Some("rm".into()),
            response_id: Some("ri".into()),
            cost: Some(Cost::total_usd(0.5)),
        }
        .into(),
        SpanType::ToolCall => ToolCall {
            tool_name: Some("t".into()),
            tool_id: Some("i".into()),
            call_id: Some("c".into()),
            description: Some("d".into()),
            tool_type: Some("function".into()),
            success: Some(true),
        }
        .into(),
        SpanType::McpToolCall => McpToolCall {
            tool_name: Some("t".into()),
            tool_id: Some("i".into()),
            call_id: Some("c".into()),
            description: Some("d".into()),
            success: Some(true),
            server_name: Some("s".into()),
            server_version: Some("v".into()),
            transport: Some("stdio".into()),
            session_id: Some("sid".into()),
            protocol_version: Some("pv".into()),
        }
        .into(),
        SpanType::MemoryLookup => MemoryLookup {
            memory_store: Some("ms".into()),
            operation: Some(MemoryOperation::Search),
            query: Some("q".into()),
            thread_id: Some("th".into()),
            resource_id: Some("r".into()),
            top_k: Some(5),
            results: vec![MemoryResult::default()],
        }
        .into(),
        SpanType::MemoryUpdate => MemoryUpdate {
            memory_store: Some("ms".into()),
            operation: Some(MemoryOperation::Add),
            thread_id: Some("th".into()),
            resource_id: Some("r".into()),
            record_ids: vec!["x".into()],
            record_count: Some(1),
        }
        .into(),
        SpanType::RagQuery => RagQuery {
            vector_store: Some("vs".into()),
            index: Some("ix".into()),
            query: Some("q".into()),
            top_k: Some(3),
            filter: Some(json!({"lang": "en"})),
            embedding_model: Some("em".into()),
            chunks: vec![RetrievedChunk::default()],
        }
        .into(),
        SpanType::EmbeddingGeneration => EmbeddingGeneration {
            model: Some("m".into()),
            provider: Some("p".into()),
            input_count: Some(2),
            dimensions: Some(768),
            encoding_format: Some("float".into()),
            response_model: Some("rm".into()),
            usage: Some(usage()),
            cost: Some(Cost::total_usd(0.5)),
        }
        .into(),
        SpanType::EvalExecution => EvalExecution {
            evaluator: Some("e".into()),
            metric: Some("m".into()),
            score: Some(0.9),
            label: Some("l".into()),
            reason: Some("r".into()),
            passed: Some(true),
            threshold: Some(0.5),
            evaluated_trace_id: Some(TraceId::from_bytes([1; 16]).unwrap()),
            evaluated_span_id: Some(SpanId::from_bytes([2; 8]).unwrap()),
        }
        .into(),
        SpanType::Generic => Generic::default().into(),
    }
}

fn macro_list(span_type: SpanType) -> &'static [&'static str] {
    match span_type {
        SpanType::AgentRun => __span_fields!(agent_run),
        SpanType::WorkflowRun => __span_fields!(workflow_run),
        SpanType::WorkflowStep => __span_fields!(workflow_step),
        SpanType::LlmGeneration => __span_fields!(llm_generation),
        SpanType::ToolCall => __span_fields!(tool_call),
        SpanType::McpToolCall => __span_fields!(mcp_tool_call),
        SpanType::MemoryLookup => __span_fields!(memory_lookup),
        SpanType::MemoryUpdate => __span_fields!(memory_update),
        SpanType::RagQuery => __span_fields!(rag_query),
        SpanType::EmbeddingGeneration => __span_fields!(embedding_generation),
        SpanType::EvalExecution => __span_fields!(eval_execution),
        SpanType::Generic => __span_fields!(generic),
    }
}

#[test]
fn macro_field_lists_match_the_attributes_structs() {
    for t in SpanType::ALL {
        let attributes = full(t);
        assert_eq!(attributes.span_type(), t);
        let json = serde_json::to_value(&attributes).unwrap();
        assert_eq!(json["type"], t.as_str());
        let struct_fields = keys(&json["attributes"]);
        assert_eq!(
            list(macro_list(t)),
            struct_fields,
            "the macro's field list for `{t}` differs from the struct"
        );
    }
}

// ---- every field through the macro ----------------------------------------------------------

#[with_span(span_type = agent_run, attributes(agent_id = "id", agent_name = "n", description = "d",
    instructions = String::from("i"), available_tools = ["t"], max_steps = 3, steps = 2,
    model = "m", provider = "p"))]
fn agent_run() {}

#[with_span(span_type = workflow_run, attributes(workflow_id = "w", workflow_name = "n",
    run_id = "r", status = WorkflowStatus::Running, attempt = 1, suspended = false,
    resumed = true, resumed_from_step = "s"))]
fn workflow_run() {}

#[with_span(span_type = workflow_step, attributes(workflow_id = "w", workflow_name = "n",
    run_id = "r", step_id = "s", step_name = "sn", status = WorkflowStatus::Succeeded,
    attempt = 1, suspended = false, resumed = false))]
fn workflow_step() {}

#[with_span(span_type = llm_generation, attributes(model = "m", provider = "p",
    operation = LlmOperation::Chat, result_type = LlmResultType::ResponseGeneration,
    usage = usage(), parameters = ModelParameters { temperature: Some(0.5), ..Default::default() },
    streaming = true, time_to_first_token_ms = 12.5, finish_reasons = vec!["stop"],
    response_model = "rm", response_id = "ri", cost = Cost::total_usd(0.5)))]
fn llm_generation() {}

#[with_span(span_type = tool_call, attributes(tool_name = "t", tool_id = "i", call_id = "c",
    description = "d", tool_type = "function", success = true))]
fn tool_call() {}

#[with_span(span_type = mcp_tool_call, attributes(tool_name = "t", tool_id = "i", call_id = "c",
    description = "d", success = true, server_name = "s", server_version = "v",
    transport = "stdio", session_id = "sid", protocol_version = "pv"))]
fn mcp_tool_call() {}

#[with_span(span_type = memory_lookup, attributes(memory_store = "ms",
    operation = MemoryOperation::Search, query = "q", thread_id = "th", resource_id = "r",
    top_k = 5, results = vec![MemoryResult::default()]))]
fn memory_lookup() {}

#[with_span(span_type = memory_update, attributes(memory_store = "ms",
    operation = MemoryOperation::Add, thread_id = "th", resource_id = "r",
    record_ids = ["x"], record_count = 1))]
fn memory_update() {}

#[with_span(span_type = rag_query, attributes(vector_store = "vs", index = "ix", query = "q",
    top_k = 3, filter = json!({"lang": "en"}), embedding_model = "em",
    chunks = vec![RetrievedChunk::default()]))]
fn rag_query() {}

#[with_span(span_type = embedding_generation, attributes(model = "m", provider = "p",
    input_count = 2, dimensions = 768, encoding_format = "float", response_model = "rm",
    usage = usage(), cost = Cost::total_usd(0.5)))]
fn embedding_generation() {}

#[with_span(span_type = eval_execution, attributes(evaluator = "e", metric = "m", score = 0.9,
    label = "l", reason = "r", passed = true, threshold = 0.5,
    evaluated_trace_id = TraceId::from_bytes([1; 16]).unwrap(),
    evaluated_span_id = SpanId::from_bytes([2; 8]).unwrap()))]
fn eval_execution() {}

#[with_span(span_type = generic)]
fn generic() {}

#[test]
fn every_field_can_be_set_through_the_macro() {
    let spans = InMemoryExporter::new();
    let telemetry = Telemetry::builder("fields")
        .exporter(spans.clone())
        .build()
        .unwrap();
    let root = telemetry.trace("root", Generic::default()).start();
    root.in_scope(|| {
        agent_run();
        workflow_run();
        workflow_step();
        llm_generation();
        tool_call();
        mcp_tool_call();
        memory_lookup();
        memory_update();
        rag_query();
        embedding_generation();
        eval_execution();
        generic();
    });
    root.end();
    telemetry.flush_blocking(Duration::from_secs(5)).unwrap();
    for t in SpanType::ALL {
        let span = spans.span(t.as_str()).unwrap();
        assert_eq!(
            span.attributes,
            full(t),
            "attributes of `{t}` set by the macro"
        );
    }
}
