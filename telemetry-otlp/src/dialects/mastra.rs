//! Mastra (`@mastra/otel-exporter`): `mastra.span.type`, `mastra.metadata.*` (user, session or
//! thread, resource), `mastra.tags` and `mastra.<span type>.input` / `output`.
//!
//! Tokens: Mastra 1.x writes each model call as a `model_inference` span (model, usage, output
//! messages) under a `model_generation` span that wraps the agent's whole model loop (its
//! `model_step`s), and some versions repeat the usage on the generation. Only the inference
//! is an LLM generation here (one per call, as Mastra 0.x's `llm_generation` was); the
//! generation, steps and chunks are workflow steps, so usage they carry stays in their
//! metadata and one call's tokens are counted once.

use opentelemetry_proto::tonic::common::v1::any_value::Value as Av;
use serde_json::{Map, Value};
use telemetry_types::{SpanType, TraceAttributes};

use crate::bag::Bag;
use crate::read::fill_str;
use crate::semconv::mastra as ms;
use crate::value;

/// `mastra.span.type` → span type. The marker stays in the bag (kept in metadata) since
/// several Mastra types share one of ours, and the input/output keys are named after it.
pub(crate) fn span_type(bag: &Bag) -> Option<SpanType> {
    Some(match bag.peek_str(ms::SPAN_TYPE)? {
        "agent_run" => SpanType::AgentRun,
        "model_inference" | "llm_generation" => SpanType::LlmGeneration,
        "tool_call" | "provider_tool_call" => SpanType::ToolCall,
        "mcp_tool_call" => SpanType::McpToolCall,
        "workflow_run" => SpanType::WorkflowRun,
        "rag_embedding" => SpanType::EmbeddingGeneration,
        "generic" => SpanType::Generic,
        // The model loop and its steps and chunks, a workflow's steps and control flow.
        t if t.starts_with("model_") || t.starts_with("workflow_") || t.starts_with("llm_") => {
            SpanType::WorkflowStep
        }
        "processor_run" => SpanType::WorkflowStep,
        _ => return None,
    })
}

/// `mastra.<span type>.input` / `output` (or `mastra.input` / `output`), JSON or text.
pub(crate) fn io(bag: &mut Bag, output: bool) -> Option<Value> {
    let field = if output { "output" } else { "input" };
    let own = bag
        .peek_str(ms::SPAN_TYPE)
        .map(|t| format!("mastra.{t}.{field}"));
    let plain = if output { ms::OUTPUT } else { ms::INPUT };
    own.iter()
        .map(String::as_str)
        .chain([plain])
        .find_map(|key| bag.take(key))
        .map(|v| match v {
            Av::StringValue(s) => value::parse_json_text(s),
            other => value::to_json(value::wrap(other)),
        })
}

/// User, session (or thread), tags and resource into the trace fields still empty.
pub(crate) fn trace(bag: &mut Bag, t: &mut TraceAttributes) {
    fill_str(bag, &mut t.user_id, ms::USER_ID);
    for key in [ms::SESSION_ID, ms::THREAD_ID] {
        fill_str(bag, &mut t.session_id, key);
    }
    if let Some(resource) = bag.take_string(ms::RESOURCE_ID) {
        t.context
            .insert("resourceId".to_owned(), Value::String(resource));
    }
}

/// `mastra.tags`.
pub(crate) fn tags(bag: &mut Bag) -> Option<Vec<String>> {
    bag.take_as(ms::TAGS, value::as_string_list)
}

/// The other `mastra.metadata.*` → span metadata, under their own names.
pub(crate) fn metadata(bag: &mut Bag, into: &mut Map<String, Value>) {
    if bag.has_prefix(ms::METADATA_PREFIX) {
        for (k, v) in bag.take_prefix(ms::METADATA_PREFIX) {
            let v = v.map_or(Value::Null, |v| value::as_json_lenient(value::wrap(v)));
            into.insert(k, v);
        }
    }
}
