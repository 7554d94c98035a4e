//! Typed attributes → OTLP attributes, one function per span type.

use telemetry_types::SpanAttributes;
use telemetry_types::attrs::{
    AgentRun, Cost, EmbeddingGeneration, EvalExecution, LlmGeneration, McpToolCall, MemoryLookup,
    MemoryUpdate, ModelParameters, RagQuery, ToolCall, Usage, WorkflowRun, WorkflowStep,
};

use super::writer::AttrSink;
use crate::names;
use crate::semconv::{self as sc, ours};

/// Writes the attributes of the span's type.
pub(crate) fn write(attributes: &SpanAttributes, w: &mut impl AttrSink) {
    match attributes {
        SpanAttributes::AgentRun(a) => agent(a, w),
        SpanAttributes::WorkflowRun(a) => workflow_run(a, w),
        SpanAttributes::WorkflowStep(a) => workflow_step(a, w),
        SpanAttributes::LlmGeneration(a) => llm(a, w),
        SpanAttributes::ToolCall(a) => tool(a, w),
        SpanAttributes::McpToolCall(a) => mcp(a, w),
        SpanAttributes::MemoryLookup(a) => memory_lookup(a, w),
        SpanAttributes::MemoryUpdate(a) => memory_update(a, w),
        SpanAttributes::RagQuery(a) => rag(a, w),
        SpanAttributes::EmbeddingGeneration(a) => embedding(a, w),
        SpanAttributes::EvalExecution(a) => eval(a, w),
        SpanAttributes::Generic(g) => {
            for (k, v) in &g.fields {
                w.native("", k, v);
            }
        }
    }
}

fn agent(a: &AgentRun, w: &mut impl AttrSink) {
    w.str(sc::GEN_AI_AGENT_ID, a.agent_id.as_deref());
    w.str(sc::GEN_AI_AGENT_NAME, a.agent_name.as_deref());
    w.str(sc::GEN_AI_AGENT_DESCRIPTION, a.description.as_deref());
    if let Some(instructions) = a.instructions.as_deref() {
        let parts = [names::text_part(instructions)];
        w.json(sc::GEN_AI_SYSTEM_INSTRUCTIONS, Some(&parts));
    }
    w.strs(ours::AGENT_AVAILABLE_TOOLS, &a.available_tools);
    w.u32(ours::AGENT_MAX_STEPS, a.max_steps);
    w.u32(ours::AGENT_STEPS, a.steps);
    w.str(sc::GEN_AI_REQUEST_MODEL, a.model.as_deref());
    w.str(sc::GEN_AI_PROVIDER_NAME, a.provider.as_deref());
}

fn workflow_run(a: &WorkflowRun, w: &mut impl AttrSink) {
    w.str(sc::GEN_AI_WORKFLOW_NAME, a.workflow_name.as_deref());
    w.str(ours::WORKFLOW_ID, a.workflow_id.as_deref());
    w.str(ours::WORKFLOW_RUN_ID, a.run_id.as_deref());
    w.str(ours::WORKFLOW_STATUS, a.status.map(names::workflow_status));
    w.u32(ours::WORKFLOW_ATTEMPT, a.attempt);
    w.bool(ours::WORKFLOW_SUSPENDED, a.suspended);
    w.bool(ours::WORKFLOW_RESUMED, a.resumed);
    w.str(
        ours::WORKFLOW_RESUMED_FROM_STEP,
        a.resumed_from_step.as_deref(),
    );
}

fn workflow_step(a: &WorkflowStep, w: &mut impl AttrSink) {
    w.str(sc::GEN_AI_WORKFLOW_NAME, a.workflow_name.as_deref());
    w.str(ours::WORKFLOW_ID, a.workflow_id.as_deref());
    w.str(ours::WORKFLOW_RUN_ID, a.run_id.as_deref());
    w.str(ours::WORKFLOW_STEP_ID, a.step_id.as_deref());
    w.str(ours::WORKFLOW_STEP_NAME, a.step_name.as_deref());
    w.str(ours::WORKFLOW_STATUS, a.status.map(names::workflow_status));
    w.u32(ours::WORKFLOW_ATTEMPT, a.attempt);
    w.bool(ours::WORKFLOW_SUSPENDED, a.suspended);
    w.bool(ours::WORKFLOW_RESUMED, a.resumed);
}

fn llm(a: &LlmGeneration, w: &mut impl AttrSink) {
    w.str(sc::GEN_AI_REQUEST_MODEL, a.model.as_deref());
    w.str(sc::GEN_AI_PROVIDER_NAME, a.provider.as_deref());
    w.str(ours::LLM_RESULT_TYPE, a.result_type.map(names::result_type));
    if let Some(p) = &a.parameters {
        parameters(p, w);
    }
    w.bool(sc::GEN_AI_REQUEST_STREAM, a.streaming);
    w.f64(
        sc::GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
        a.time_to_first_token_ms.map(|ms| ms / 1000.0),
    );
    w.strs(sc::GEN_AI_RESPONSE_FINISH_REASONS, &a.finish_reasons);
    w.str(sc::GEN_AI_RESPONSE_MODEL, a.response_model.as_deref());
    w.str(sc::GEN_AI_RESPONSE_ID, a.response_id.as_deref());
    if let Some(u) = &a.usage {
        usage(u, w);
    }
    if let Some(c) = &a.cost {
        cost(c, w);
    }
}

fn parameters(p: &ModelParameters, w: &mut impl AttrSink) {
    w.f64(sc::GEN_AI_REQUEST_TEMPERATURE, p.temperature);
    w.u64(sc::GEN_AI_REQUEST_MAX_TOKENS, p.max_tokens);
    w.f64(sc::GEN_AI_REQUEST_TOP_P, p.top_p);
    w.f64(sc::GEN_AI_REQUEST_TOP_K, p.top_k.map(|k| k as f64));
    w.strs(sc::GEN_AI_REQUEST_STOP_SEQUENCES, &p.stop);
    w.i64(sc::GEN_AI_REQUEST_SEED, p.seed);
    w.f64(sc::GEN_AI_REQUEST_FREQUENCY_PENALTY, p.frequency_penalty);
    w.f64(sc::GEN_AI_REQUEST_PRESENCE_PENALTY, p.presence_penalty);
    w.u64(sc::GEN_AI_REQUEST_CHOICE_COUNT, p.choice_count);
}

fn usage(u: &Usage, w: &mut impl AttrSink) {
    w.u64(sc::GEN_AI_USAGE_INPUT_TOKENS, u.input_tokens);
    w.u64(sc::GEN_AI_USAGE_OUTPUT_TOKENS, u.output_tokens);
    w.u64(ours::USAGE_TOTAL_TOKENS, u.total_tokens);
    w.u64(
        sc::GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
        u.cache_read_tokens,
    );
    w.u64(
        sc::GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
        u.cache_write_tokens,
    );
    w.u64(sc::GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, u.reasoning_tokens);
}

fn cost(c: &Cost, w: &mut impl AttrSink) {
    w.f64(ours::COST_INPUT, c.input);
    w.f64(ours::COST_OUTPUT, c.output);
    w.f64(ours::COST_CACHE_READ, c.cache_read);
    w.f64(ours::COST_CACHE_WRITE, c.cache_write);
    w.f64(ours::COST_REASONING, c.reasoning);
    w.f64(ours::COST_TOTAL, c.total);
    w.str(ours::COST_CURRENCY, c.currency.as_deref());
}

fn tool(a: &ToolCall, w: &mut impl AttrSink) {
    w.str(sc::GEN_AI_TOOL_NAME, a.tool_name.as_deref());
    w.str(ours::TOOL_ID, a.tool_id.as_deref());
    w.str(sc::GEN_AI_TOOL_CALL_ID, a.call_id.as_deref());
    w.str(sc::GEN_AI_TOOL_DESCRIPTION, a.description.as_deref());
    w.str(sc::GEN_AI_TOOL_TYPE, a.tool_type.as_deref());
    w.bool(ours::TOOL_SUCCESS, a.success);
}

fn mcp(a: &McpToolCall, w: &mut impl AttrSink) {
    w.str(sc::MCP_METHOD_NAME, Some(sc::MCP_METHOD_TOOLS_CALL));
    w.str(sc::GEN_AI_TOOL_NAME, a.tool_name.as_deref());
    w.str(ours::TOOL_ID, a.tool_id.as_deref());
    w.str(sc::JSONRPC_REQUEST_ID, a.call_id.as_deref());
    w.str(sc::GEN_AI_TOOL_DESCRIPTION, a.description.as_deref());
    w.bool(ours::TOOL_SUCCESS, a.success);
    w.str(ours::MCP_SERVER_NAME, a.server_name.as_deref());
    w.str(ours::MCP_SERVER_VERSION, a.server_version.as_deref());
    w.str(ours::MCP_TRANSPORT, a.transport.as_deref());
    w.str(
        sc::NETWORK_TRANSPORT,
        a.transport.as_deref().map(names::network_transport),
    );
    w.str(sc::MCP_SESSION_ID, a.session_id.as_deref());
    w.str(sc::MCP_PROTOCOL_VERSION, a.protocol_version.as_deref());
}

fn memory_lookup(a: &MemoryLookup, w: &mut impl AttrSink) {
    w.str(ours::MEMORY_STORE, a.memory_store.as_deref());
    w.str(
        ours::MEMORY_OPERATION,
        a.operation.map(names::memory_operation),
    );
    w.str(ours::MEMORY_QUERY, a.query.as_deref());
    w.str(sc::GEN_AI_CONVERSATION_ID, a.thread_id.as_deref());
    w.str(ours::MEMORY_RESOURCE_ID, a.resource_id.as_deref());
    w.f64(sc::GEN_AI_REQUEST_TOP_K, a.top_k.map(|k| k as f64));
    if !a.results.is_empty() {
        w.json(ours::MEMORY_RESULTS, Some(&a.results));
    }
}

fn memory_update(a: &MemoryUpdate, w: &mut impl AttrSink) {
    w.str(ours::MEMORY_STORE, a.memory_store.as_deref());
    w.str(
        ours::MEMORY_OPERATION,
        a.operation.map(names::memory_operation),
    );
    w.str(sc::GEN_AI_CONVERSATION_ID, a.thread_id.as_deref());
    w.str(ours::MEMORY_RESOURCE_ID, a.resource_id.as_deref());
    w.strs(ours::MEMORY_RECORD_IDS, &a.record_ids);
    w.u64(ours::MEMORY_RECORD_COUNT, a.record_count);
}

fn rag(a: &RagQuery, w: &mut impl AttrSink) {
    w.str(ours::RAG_VECTOR_STORE, a.vector_store.as_deref());
    w.str(sc::GEN_AI_DATA_SOURCE_ID, a.index.as_deref());
    w.str(sc::GEN_AI_RETRIEVAL_QUERY_TEXT, a.query.as_deref());
    w.f64(sc::GEN_AI_REQUEST_TOP_K, a.top_k.map(|k| k as f64));
    w.json(ours::RAG_FILTER, a.filter.as_ref());
    w.str(ours::RAG_EMBEDDING_MODEL, a.embedding_model.as_deref());
    if !a.chunks.is_empty() {
        w.json(sc::GEN_AI_RETRIEVAL_DOCUMENTS, Some(&a.chunks));
    }
}

fn embedding(a: &EmbeddingGeneration, w: &mut impl AttrSink) {
    w.str(sc::GEN_AI_REQUEST_MODEL, a.model.as_deref());
    w.str(sc::GEN_AI_PROVIDER_NAME, a.provider.as_deref());
    w.u64(ours::EMBEDDINGS_INPUT_COUNT, a.input_count);
    w.u64(sc::GEN_AI_EMBEDDINGS_DIMENSION_COUNT, a.dimensions);
    if let Some(format) = a.encoding_format.as_deref() {
        w.strs(sc::GEN_AI_REQUEST_ENCODING_FORMATS, &[format]);
    }
    w.str(sc::GEN_AI_RESPONSE_MODEL, a.response_model.as_deref());
    if let Some(u) = &a.usage {
        usage(u, w);
    }
    if let Some(c) = &a.cost {
        cost(c, w);
    }
}

/// The `gen_ai.evaluation.*` attributes, shared by the span and its `gen_ai.evaluation.result`
/// event.
pub(crate) fn evaluation_result(a: &EvalExecution, w: &mut impl AttrSink) {
    w.str(sc::GEN_AI_EVALUATION_NAME, a.metric.as_deref());
    w.f64(sc::GEN_AI_EVALUATION_SCORE_VALUE, a.score);
    w.str(sc::GEN_AI_EVALUATION_SCORE_LABEL, a.label.as_deref());
    w.str(sc::GEN_AI_EVALUATION_EXPLANATION, a.reason.as_deref());
}

fn eval(a: &EvalExecution, w: &mut impl AttrSink) {
    evaluation_result(a, w);
    w.str(ours::EVAL_EVALUATOR, a.evaluator.as_deref());
    w.bool(ours::EVAL_PASSED, a.passed);
    w.f64(ours::EVAL_THRESHOLD, a.threshold);
    if let Some(id) = a.evaluated_trace_id {
        w.str(ours::EVAL_TRACE_ID, Some(&id.to_string()));
    }
    if let Some(id) = a.evaluated_span_id {
        w.str(ours::EVAL_SPAN_ID, Some(&id.to_string()));
    }
}
