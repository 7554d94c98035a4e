//! OTLP attributes → our typed attributes, one function per span type, each reading the
//! current `gen_ai.*` names and then the foreign dialects.

use opentelemetry_proto::tonic::common::v1::any_value::Value as Av;
use serde_json::{Map, Value};
use telemetry_types::attrs::{
    AgentRun, EmbeddingGeneration, EvalExecution, Generic, LlmGeneration, McpToolCall,
    MemoryLookup, MemoryUpdate, RagQuery, ToolCall, WorkflowRun, WorkflowStep,
};
use telemetry_types::{SpanAttributes, SpanId, SpanType, Str, TraceId};

use super::usage::{read_cost, read_parameters, read_usage};
use crate::bag::Bag;
use crate::dialects::{deprecated, langfuse, openinference, openllmetry};
use crate::names::parse_enum;
use crate::read::fill_str;
use crate::semconv::{self as sc, op, openinference as oi, ours};
use crate::value;

/// What a typed reader may need besides the attributes.
pub(crate) struct Ctx<'a> {
    /// The span's name as received.
    pub(crate) span_name: &'a str,
    /// The span was not written by us (no `ai_telemetry.span.type`).
    pub(crate) foreign: bool,
}

impl Ctx<'_> {
    /// The span name, for foreign spans whose type attribute names nothing.
    fn fallback_name(&self) -> Option<Str> {
        self.foreign.then(|| Str::from(self.span_name.to_owned()))
    }
}

/// Reads the attributes of `span_type`. Generic spans get nothing here: what is left in the
/// bag becomes their fields.
pub(crate) fn read(
    span_type: SpanType,
    bag: &mut Bag,
    ctx: &Ctx<'_>,
    metadata: &mut Map<String, Value>,
) -> SpanAttributes {
    match span_type {
        SpanType::AgentRun => agent(bag, ctx).into(),
        SpanType::WorkflowRun => workflow_run(bag, ctx).into(),
        SpanType::WorkflowStep => workflow_step(bag, ctx).into(),
        SpanType::LlmGeneration => llm(bag).into(),
        SpanType::ToolCall => tool(bag, ctx).into(),
        SpanType::McpToolCall => mcp(bag).into(),
        SpanType::MemoryLookup => memory_lookup(bag).into(),
        SpanType::MemoryUpdate => memory_update(bag).into(),
        SpanType::RagQuery => rag(bag).into(),
        SpanType::EmbeddingGeneration => embedding(bag, metadata).into(),
        SpanType::EvalExecution => eval(bag).into(),
        SpanType::Generic => Generic::default().into(),
    }
}

pub(crate) fn str_of(bag: &mut Bag, key: &str) -> Option<Str> {
    bag.take_string(key).map(Str::from)
}

fn strs_of(bag: &mut Bag, key: &str) -> Vec<Str> {
    bag.take_as(key, value::as_string_list)
        .unwrap_or_default()
        .into_iter()
        .map(Str::from)
        .collect()
}

fn u32_of(bag: &mut Bag, key: &str) -> Option<u32> {
    bag.take_as(key, |v| {
        value::as_u64(v).and_then(|n| u32::try_from(n).ok())
    })
}

/// Takes `gen_ai.operation.name` when it is one of `expected`.
fn take_operation(bag: &mut Bag, expected: &[&str]) -> Option<String> {
    bag.take_as(sc::GEN_AI_OPERATION_NAME, |v| {
        value::as_string(v).filter(|s| expected.contains(&s.as_str()))
    })
}

fn enum_of<T: serde::de::DeserializeOwned>(bag: &mut Bag, key: &str) -> Option<T> {
    bag.take_as(key, |v| value::as_string(v).and_then(|s| parse_enum(&s)))
}

fn provider(bag: &mut Bag, slot: &mut Option<Str>) {
    fill_str(bag, slot, sc::GEN_AI_PROVIDER_NAME);
    deprecated::provider(bag, slot);
    openinference::provider(bag, slot);
}

fn agent(bag: &mut Bag, ctx: &Ctx<'_>) -> AgentRun {
    take_operation(bag, &[op::INVOKE_AGENT]);
    let mut a = AgentRun {
        agent_id: str_of(bag, sc::GEN_AI_AGENT_ID),
        agent_name: str_of(bag, sc::GEN_AI_AGENT_NAME),
        description: str_of(bag, sc::GEN_AI_AGENT_DESCRIPTION),
        instructions: bag.take_as(sc::GEN_AI_SYSTEM_INSTRUCTIONS, instructions_text),
        available_tools: strs_of(bag, ours::AGENT_AVAILABLE_TOOLS),
        max_steps: u32_of(bag, ours::AGENT_MAX_STEPS),
        steps: u32_of(bag, ours::AGENT_STEPS),
        model: str_of(bag, sc::GEN_AI_REQUEST_MODEL),
        provider: None,
    };
    provider(bag, &mut a.provider);
    openinference::agent_name(bag, &mut a.agent_name);
    openllmetry::entity_name(bag, &mut a.agent_name);
    if a.agent_name.is_none() {
        a.agent_name = ctx.fallback_name();
    }
    a
}

/// The text of `gen_ai.system_instructions`: text parts joined by newlines, or the raw value.
fn instructions_text(v: &opentelemetry_proto::tonic::common::v1::any_value::Value) -> Option<Str> {
    let raw = value::as_string(v)?;
    let parsed = value::parse_json_text(raw.clone());
    let texts: Option<Vec<&str>> = parsed.as_array().map(|parts| {
        parts
            .iter()
            .filter_map(|p| p.get("content").and_then(|c| c.as_str()))
            .collect()
    });
    Some(match texts {
        Some(t) if !t.is_empty() => t.join("\n").into(),
        _ => raw.into(),
    })
}

fn workflow_run(bag: &mut Bag, ctx: &Ctx<'_>) -> WorkflowRun {
    take_operation(bag, &[op::INVOKE_WORKFLOW]);
    let mut a = WorkflowRun {
        workflow_id: str_of(bag, ours::WORKFLOW_ID),
        workflow_name: str_of(bag, sc::GEN_AI_WORKFLOW_NAME),
        run_id: str_of(bag, ours::WORKFLOW_RUN_ID),
        status: enum_of(bag, ours::WORKFLOW_STATUS),
        attempt: u32_of(bag, ours::WORKFLOW_ATTEMPT),
        suspended: bag.take_as(ours::WORKFLOW_SUSPENDED, value::as_bool),
        resumed: bag.take_as(ours::WORKFLOW_RESUMED, value::as_bool),
        resumed_from_step: str_of(bag, ours::WORKFLOW_RESUMED_FROM_STEP),
    };
    openllmetry::workflow_name(bag, &mut a.workflow_name);
    openllmetry::entity_name(bag, &mut a.workflow_name);
    if a.workflow_name.is_none() {
        a.workflow_name = ctx.fallback_name();
    }
    a
}

fn workflow_step(bag: &mut Bag, ctx: &Ctx<'_>) -> WorkflowStep {
    let mut a = WorkflowStep {
        workflow_id: str_of(bag, ours::WORKFLOW_ID),
        workflow_name: str_of(bag, sc::GEN_AI_WORKFLOW_NAME),
        run_id: str_of(bag, ours::WORKFLOW_RUN_ID),
        step_id: str_of(bag, ours::WORKFLOW_STEP_ID),
        step_name: str_of(bag, ours::WORKFLOW_STEP_NAME),
        status: enum_of(bag, ours::WORKFLOW_STATUS),
        attempt: u32_of(bag, ours::WORKFLOW_ATTEMPT),
        suspended: bag.take_as(ours::WORKFLOW_SUSPENDED, value::as_bool),
        resumed: bag.take_as(ours::WORKFLOW_RESUMED, value::as_bool),
    };
    openllmetry::workflow_name(bag, &mut a.workflow_name);
    openllmetry::entity_name(bag, &mut a.step_name);
    if a.step_name.is_none() {
        a.step_name = ctx.fallback_name();
    }
    a
}

fn llm(bag: &mut Bag) -> LlmGeneration {
    let mut a = LlmGeneration::default();
    openinference::llm(bag, &mut a);
    fill_str(bag, &mut a.model, sc::GEN_AI_REQUEST_MODEL);
    provider(bag, &mut a.provider);
    a.operation = bag.take_as(sc::GEN_AI_OPERATION_NAME, |v| match v {
        Av::StringValue(s) => crate::names::parse_llm_operation(s),
        _ => None,
    });
    a.result_type = enum_of(bag, ours::LLM_RESULT_TYPE);
    a.parameters = read_parameters(bag);
    bag.fill(&mut a.streaming, sc::GEN_AI_REQUEST_STREAM, value::as_bool);
    a.time_to_first_token_ms = bag
        .take_as(sc::GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, value::as_f64)
        .map(|s| s * 1000.0);
    if a.finish_reasons.is_empty() {
        a.finish_reasons = strs_of(bag, sc::GEN_AI_RESPONSE_FINISH_REASONS);
    }
    fill_str(bag, &mut a.response_model, sc::GEN_AI_RESPONSE_MODEL);
    fill_str(bag, &mut a.response_id, sc::GEN_AI_RESPONSE_ID);
    openllmetry::llm(bag, &mut a);
    langfuse::model(bag, &mut a.model);
    a.usage = read_usage(bag);
    a.cost = read_cost(bag);
    a
}

fn tool(bag: &mut Bag, ctx: &Ctx<'_>) -> ToolCall {
    take_operation(bag, &[op::EXECUTE_TOOL]);
    let mut a = ToolCall {
        tool_name: str_of(bag, sc::GEN_AI_TOOL_NAME),
        tool_id: str_of(bag, ours::TOOL_ID),
        call_id: str_of(bag, sc::GEN_AI_TOOL_CALL_ID),
        description: str_of(bag, sc::GEN_AI_TOOL_DESCRIPTION),
        tool_type: str_of(bag, sc::GEN_AI_TOOL_TYPE),
        success: bag.take_as(ours::TOOL_SUCCESS, value::as_bool),
    };
    openinference::tool(bag, &mut a);
    openllmetry::entity_name(bag, &mut a.tool_name);
    if a.tool_name.is_none() {
        a.tool_name = ctx.fallback_name();
    }
    a
}

fn mcp(bag: &mut Bag) -> McpToolCall {
    take_operation(bag, &[op::EXECUTE_TOOL]);
    bag.take_as(sc::MCP_METHOD_NAME, |v| {
        value::as_string(v).filter(|m| m == sc::MCP_METHOD_TOOLS_CALL)
    });
    let mut a = McpToolCall {
        tool_name: str_of(bag, sc::GEN_AI_TOOL_NAME),
        tool_id: str_of(bag, ours::TOOL_ID),
        call_id: str_of(bag, sc::JSONRPC_REQUEST_ID),
        description: str_of(bag, sc::GEN_AI_TOOL_DESCRIPTION),
        success: bag.take_as(ours::TOOL_SUCCESS, value::as_bool),
        server_name: str_of(bag, ours::MCP_SERVER_NAME),
        server_version: str_of(bag, ours::MCP_SERVER_VERSION),
        transport: str_of(bag, ours::MCP_TRANSPORT),
        session_id: str_of(bag, sc::MCP_SESSION_ID),
        protocol_version: str_of(bag, sc::MCP_PROTOCOL_VERSION),
    };
    fill_str(bag, &mut a.call_id, sc::GEN_AI_TOOL_CALL_ID);
    if let Some(t) = a.transport.as_deref().map(crate::names::network_transport) {
        bag.take_as(sc::NETWORK_TRANSPORT, |v| {
            value::as_string(v).filter(|n| n == t)
        });
    }
    a
}

fn memory_lookup(bag: &mut Bag) -> MemoryLookup {
    take_operation(bag, &[op::SEARCH_MEMORY]);
    let mut a = MemoryLookup {
        memory_store: str_of(bag, ours::MEMORY_STORE),
        operation: enum_of(bag, ours::MEMORY_OPERATION),
        query: bag.take_string(ours::MEMORY_QUERY),
        thread_id: str_of(bag, sc::GEN_AI_CONVERSATION_ID),
        resource_id: str_of(bag, ours::MEMORY_RESOURCE_ID),
        top_k: bag.take_as(sc::GEN_AI_REQUEST_TOP_K, value::as_u64),
        results: bag
            .take_as(ours::MEMORY_RESULTS, |v| {
                value::as_string(v).and_then(|s| serde_json::from_str(&s).ok())
            })
            .unwrap_or_default(),
    };
    fill_str(bag, &mut a.memory_store, sc::GEN_AI_DATA_SOURCE_ID);
    bag.fill(
        &mut a.query,
        sc::GEN_AI_RETRIEVAL_QUERY_TEXT,
        value::as_string,
    );
    a
}

fn memory_update(bag: &mut Bag) -> MemoryUpdate {
    take_operation(bag, &[op::UPDATE_MEMORY, op::DELETE_MEMORY]);
    let mut a = MemoryUpdate {
        memory_store: str_of(bag, ours::MEMORY_STORE),
        operation: enum_of(bag, ours::MEMORY_OPERATION),
        thread_id: str_of(bag, sc::GEN_AI_CONVERSATION_ID),
        resource_id: str_of(bag, ours::MEMORY_RESOURCE_ID),
        record_ids: strs_of(bag, ours::MEMORY_RECORD_IDS),
        record_count: bag.take_as(ours::MEMORY_RECORD_COUNT, value::as_u64),
    };
    fill_str(bag, &mut a.memory_store, sc::GEN_AI_DATA_SOURCE_ID);
    a
}

fn rag(bag: &mut Bag) -> RagQuery {
    take_operation(bag, &[op::RETRIEVAL]);
    let mut a = RagQuery {
        vector_store: str_of(bag, ours::RAG_VECTOR_STORE),
        index: str_of(bag, sc::GEN_AI_DATA_SOURCE_ID),
        query: bag.take_string(sc::GEN_AI_RETRIEVAL_QUERY_TEXT),
        top_k: bag.take_as(sc::GEN_AI_REQUEST_TOP_K, value::as_u64),
        filter: bag.take_as(ours::RAG_FILTER, |v| {
            value::as_string(v).and_then(|s| serde_json::from_str(&s).ok())
        }),
        embedding_model: str_of(bag, ours::RAG_EMBEDDING_MODEL),
        chunks: bag
            .take_as(sc::GEN_AI_RETRIEVAL_DOCUMENTS, |v| {
                value::as_string(v).and_then(|s| serde_json::from_str(&s).ok())
            })
            .unwrap_or_default(),
    };
    if a.chunks.is_empty() {
        a.chunks = openinference::retrieval_documents(bag);
    }
    a
}

fn embedding(bag: &mut Bag, metadata: &mut Map<String, Value>) -> EmbeddingGeneration {
    take_operation(bag, &[op::EMBEDDINGS]);
    let mut a = EmbeddingGeneration::default();
    openinference::embedding(bag, &mut a);
    if let Some(list) = openinference::embeddings_list(bag, &mut a) {
        metadata.insert(oi::EMBEDDING_EMBEDDINGS.to_owned(), list);
    }
    fill_str(bag, &mut a.model, sc::GEN_AI_REQUEST_MODEL);
    provider(bag, &mut a.provider);
    bag.fill(
        &mut a.input_count,
        ours::EMBEDDINGS_INPUT_COUNT,
        value::as_u64,
    );
    bag.fill(
        &mut a.dimensions,
        sc::GEN_AI_EMBEDDINGS_DIMENSION_COUNT,
        value::as_u64,
    );
    bag.fill(
        &mut a.encoding_format,
        sc::GEN_AI_REQUEST_ENCODING_FORMATS,
        |v| {
            value::as_string_list(v)
                .filter(|l| l.len() == 1)
                .and_then(|l| l.into_iter().next())
                .map(Str::from)
        },
    );
    fill_str(bag, &mut a.response_model, sc::GEN_AI_RESPONSE_MODEL);
    openllmetry::embedding(bag);
    langfuse::model(bag, &mut a.model);
    a.usage = read_usage(bag);
    a.cost = read_cost(bag);
    a
}

/// Reads the `gen_ai.evaluation.*` attributes into `a` (from the span or from a
/// `gen_ai.evaluation.result` event).
pub(crate) fn evaluation_result(bag: &mut Bag, a: &mut EvalExecution) {
    fill_str(bag, &mut a.metric, sc::GEN_AI_EVALUATION_NAME);
    bag.fill(
        &mut a.score,
        sc::GEN_AI_EVALUATION_SCORE_VALUE,
        value::as_f64,
    );
    fill_str(bag, &mut a.label, sc::GEN_AI_EVALUATION_SCORE_LABEL);
    bag.fill(
        &mut a.reason,
        sc::GEN_AI_EVALUATION_EXPLANATION,
        value::as_string,
    );
}

fn eval(bag: &mut Bag) -> EvalExecution {
    let mut a = EvalExecution {
        evaluator: str_of(bag, ours::EVAL_EVALUATOR),
        passed: bag.take_as(ours::EVAL_PASSED, value::as_bool),
        threshold: bag.take_as(ours::EVAL_THRESHOLD, value::as_f64),
        evaluated_trace_id: bag.take_as(ours::EVAL_TRACE_ID, |v| {
            value::as_string(v).and_then(|s| TraceId::parse(&s).ok())
        }),
        evaluated_span_id: bag.take_as(ours::EVAL_SPAN_ID, |v| {
            value::as_string(v).and_then(|s| SpanId::parse(&s).ok())
        }),
        ..EvalExecution::default()
    };
    evaluation_result(bag, &mut a);
    a
}
