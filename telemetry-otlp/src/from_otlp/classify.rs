//! Which of our span types an incoming span is, from whichever dialect marks it.

use opentelemetry_proto::tonic::common::v1::any_value::Value as Av;
use telemetry_types::SpanType;

use crate::bag::Bag;
use crate::dialects::mastra;
use crate::semconv::{
    self as sc, deprecated, langfuse, op, openinference as oi, openllmetry as ol, ours,
};

/// Maps a dialect's span-kind value to our span type.
type Marker = fn(&str) -> Option<SpanType>;

/// Decides the span type. A marker that maps one to one (our own `ai_telemetry.span.type`,
/// `openinference.span.kind` `LLM`, …) is taken; one that does not (`GUARDRAIL`, Langfuse
/// `span`) is left in the bag so it is kept in metadata.
pub(crate) fn classify(bag: &mut Bag) -> SpanType {
    if let Some(t) = bag.take_as(ours::SPAN_TYPE, |v| match v {
        Av::StringValue(s) => s.parse::<SpanType>().ok(),
        _ => None,
    }) {
        return t;
    }
    if let Some(t) = mastra::span_type(bag) {
        return refine(bag, t);
    }
    let markers: [(&str, Marker); 3] = [
        (langfuse::OBSERVATION_TYPE, langfuse_type),
        (oi::SPAN_KIND, openinference_kind),
        (ol::SPAN_KIND, traceloop_kind),
    ];
    for (key, map) in markers {
        if let Some(t) = bag.peek_str(key).and_then(map) {
            bag.remove(key);
            return refine(bag, t);
        }
    }
    if bag.peek_str(oi::SPAN_KIND) == Some("RERANKER") {
        // Reranking scores retrieved documents: the nearest type; the kind stays in metadata.
        return SpanType::RagQuery;
    }
    from_operation(bag).unwrap_or_else(|| from_heuristics(bag))
}

/// A tool span that carries MCP attributes is an MCP tool call.
fn refine(bag: &Bag, t: SpanType) -> SpanType {
    if t == SpanType::ToolCall && bag.has(sc::MCP_METHOD_NAME) {
        SpanType::McpToolCall
    } else {
        t
    }
}

fn from_operation(bag: &Bag) -> Option<SpanType> {
    let operation = bag.peek_str(sc::GEN_AI_OPERATION_NAME);
    let request_type = bag.peek_str(ol::LLM_REQUEST_TYPE);
    let t = match operation.or(request_type)? {
        op::CHAT | op::TEXT_COMPLETION | op::GENERATE_CONTENT | "completion" => {
            SpanType::LlmGeneration
        }
        op::EMBEDDINGS | "embedding" => SpanType::EmbeddingGeneration,
        op::EXECUTE_TOOL => SpanType::ToolCall,
        op::INVOKE_AGENT | op::CREATE_AGENT => SpanType::AgentRun,
        op::INVOKE_WORKFLOW => SpanType::WorkflowRun,
        op::RETRIEVAL => SpanType::RagQuery,
        op::SEARCH_MEMORY => SpanType::MemoryLookup,
        op::UPDATE_MEMORY | op::DELETE_MEMORY => SpanType::MemoryUpdate,
        _ => return None,
    };
    Some(refine(bag, t))
}

fn from_heuristics(bag: &Bag) -> SpanType {
    if bag.has(sc::MCP_METHOD_NAME) {
        SpanType::McpToolCall
    } else if bag.has(sc::GEN_AI_EVALUATION_NAME) {
        SpanType::EvalExecution
    } else if bag.has(sc::GEN_AI_TOOL_NAME) || bag.has(oi::TOOL_NAME) {
        SpanType::ToolCall
    } else if [
        sc::GEN_AI_REQUEST_MODEL,
        sc::GEN_AI_PROVIDER_NAME,
        deprecated::GEN_AI_SYSTEM,
        oi::LLM_MODEL_NAME,
        langfuse::MODEL_NAME,
    ]
    .iter()
    .any(|k| bag.has(k))
    {
        SpanType::LlmGeneration
    } else if bag.has(oi::EMBEDDING_MODEL_NAME) {
        SpanType::EmbeddingGeneration
    } else {
        SpanType::Generic
    }
}

/// `langfuse.observation.type` → span type, for the types that map one to one.
pub(crate) fn langfuse_type(s: &str) -> Option<SpanType> {
    Some(match s {
        "generation" => SpanType::LlmGeneration,
        "embedding" => SpanType::EmbeddingGeneration,
        "agent" => SpanType::AgentRun,
        "tool" => SpanType::ToolCall,
        "retriever" => SpanType::RagQuery,
        "evaluator" => SpanType::EvalExecution,
        "chain" => SpanType::WorkflowRun,
        _ => return None,
    })
}

/// `openinference.span.kind` → span type, for the kinds that map one to one.
pub(crate) fn openinference_kind(s: &str) -> Option<SpanType> {
    Some(match s {
        "LLM" => SpanType::LlmGeneration,
        "EMBEDDING" => SpanType::EmbeddingGeneration,
        "TOOL" => SpanType::ToolCall,
        "AGENT" => SpanType::AgentRun,
        "CHAIN" => SpanType::WorkflowRun,
        "RETRIEVER" => SpanType::RagQuery,
        "EVALUATOR" => SpanType::EvalExecution,
        _ => return None,
    })
}

/// `traceloop.span.kind` → span type.
pub(crate) fn traceloop_kind(s: &str) -> Option<SpanType> {
    Some(match s {
        "workflow" => SpanType::WorkflowRun,
        "task" => SpanType::WorkflowStep,
        "agent" => SpanType::AgentRun,
        "tool" => SpanType::ToolCall,
        _ => return None,
    })
}
