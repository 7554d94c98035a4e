//! Our enums ↔ their wire strings, the GenAI operation name, span kind and span name of each
//! span type.

use std::borrow::Cow;

use opentelemetry_proto::tonic::trace::v1::span::SpanKind;
use serde_json::{Value, json};
use telemetry_types::attrs::{LlmOperation, LlmResultType, MemoryOperation, WorkflowStatus};
use telemetry_types::{ErrorCategory, SpanAttributes, SpanRecord, SpanType};

use crate::semconv::{self as sc, op};

/// Wire name of a workflow status.
pub(crate) fn workflow_status(s: WorkflowStatus) -> &'static str {
    match s {
        WorkflowStatus::Pending => "pending",
        WorkflowStatus::Running => "running",
        WorkflowStatus::Suspended => "suspended",
        WorkflowStatus::Succeeded => "succeeded",
        WorkflowStatus::Failed => "failed",
        WorkflowStatus::Cancelled => "cancelled",
    }
}

/// Wire name of an LLM result type.
pub(crate) fn result_type(r: LlmResultType) -> &'static str {
    match r {
        LlmResultType::ToolSelection => "tool_selection",
        LlmResultType::ResponseGeneration => "response_generation",
        LlmResultType::Reasoning => "reasoning",
    }
}

/// Wire name of a memory operation.
pub(crate) fn memory_operation(o: MemoryOperation) -> &'static str {
    match o {
        MemoryOperation::Search => "search",
        MemoryOperation::Get => "get",
        MemoryOperation::Add => "add",
        MemoryOperation::Update => "update",
        MemoryOperation::Upsert => "upsert",
        MemoryOperation::Delete => "delete",
    }
}

/// Wire name of an error category.
pub(crate) fn error_category(c: ErrorCategory) -> &'static str {
    match c {
        ErrorCategory::User => "user",
        ErrorCategory::System => "system",
        ErrorCategory::ThirdParty => "third_party",
    }
}

/// Parses a `gen_ai.operation.name` of an LLM call.
pub(crate) fn parse_llm_operation(s: &str) -> Option<LlmOperation> {
    match s {
        op::CHAT => Some(LlmOperation::Chat),
        op::TEXT_COMPLETION => Some(LlmOperation::TextCompletion),
        op::GENERATE_CONTENT => Some(LlmOperation::GenerateContent),
        _ => None,
    }
}

/// Parses one of our snake_case enums from its wire name.
pub(crate) fn parse_enum<T: serde::de::DeserializeOwned>(s: &str) -> Option<T> {
    serde_json::from_value(Value::String(s.to_owned())).ok()
}

/// `network.transport` of an MCP transport: `pipe` for stdio, `tcp` otherwise.
pub(crate) fn network_transport(transport: &str) -> &'static str {
    if transport == "stdio" { "pipe" } else { "tcp" }
}

/// One text part, as in `gen_ai.system_instructions`.
pub(crate) fn text_part(text: &str) -> Value {
    json!({"type": "text", "content": text})
}

/// The `gen_ai.operation.name` of an LLM operation.
pub(crate) fn llm_operation(o: LlmOperation) -> &'static str {
    match o {
        LlmOperation::Chat => op::CHAT,
        LlmOperation::TextCompletion => op::TEXT_COMPLETION,
        LlmOperation::GenerateContent => op::GENERATE_CONTENT,
    }
}

/// The `gen_ai.operation.name` we write for these attributes (none for workflow steps, evals
/// and generic spans, which the conventions do not name).
pub fn operation_name(attributes: &SpanAttributes) -> Option<&'static str> {
    Some(match attributes {
        SpanAttributes::AgentRun(_) => op::INVOKE_AGENT,
        SpanAttributes::WorkflowRun(_) => op::INVOKE_WORKFLOW,
        SpanAttributes::LlmGeneration(a) => {
            llm_operation(a.operation.unwrap_or(LlmOperation::Chat))
        }
        SpanAttributes::ToolCall(_) | SpanAttributes::McpToolCall(_) => op::EXECUTE_TOOL,
        SpanAttributes::MemoryLookup(_) => op::SEARCH_MEMORY,
        SpanAttributes::MemoryUpdate(a) => match a.operation {
            Some(MemoryOperation::Delete) => op::DELETE_MEMORY,
            _ => op::UPDATE_MEMORY,
        },
        SpanAttributes::RagQuery(_) => op::RETRIEVAL,
        SpanAttributes::EmbeddingGeneration(_) => op::EMBEDDINGS,
        SpanAttributes::WorkflowStep(_)
        | SpanAttributes::EvalExecution(_)
        | SpanAttributes::Generic(_) => return None,
    })
}

/// The `gen_ai.operation.name` a span type is exported with, for the documentation (an LLM
/// generation is `chat` unless its operation says otherwise, a memory update
/// `update_memory` unless it deletes).
pub(crate) fn operation_name_of(span_type: SpanType) -> Option<&'static str> {
    operation_name(&SpanAttributes::empty(span_type))
}

/// How the span name is made, for the documentation.
pub(crate) fn span_name_rule(span_type: SpanType) -> &'static str {
    match span_type {
        SpanType::LlmGeneration => "`{operation} {model}`",
        SpanType::EmbeddingGeneration => "`embeddings {model}`",
        SpanType::ToolCall => "`execute_tool {tool_name}`",
        SpanType::McpToolCall => "`tools/call {tool_name}`",
        SpanType::AgentRun => "`invoke_agent {agent_name}`",
        SpanType::WorkflowRun => "`invoke_workflow {workflow_name}`",
        SpanType::RagQuery => "`retrieval {index}`",
        SpanType::MemoryLookup => "`search_memory {memory_store}`",
        SpanType::MemoryUpdate => "`update_memory {memory_store}` / `delete_memory {memory_store}`",
        SpanType::WorkflowStep | SpanType::EvalExecution | SpanType::Generic => {
            "the span's own name"
        }
    }
}

/// The OpenTelemetry span kind of a span type: `CLIENT` for calls to a model, tool server or
/// store, `INTERNAL` for in-process work.
pub fn span_kind(span_type: SpanType) -> SpanKind {
    match span_type {
        SpanType::LlmGeneration
        | SpanType::EmbeddingGeneration
        | SpanType::McpToolCall
        | SpanType::RagQuery
        | SpanType::MemoryLookup
        | SpanType::MemoryUpdate => SpanKind::Client,
        SpanType::AgentRun
        | SpanType::WorkflowRun
        | SpanType::WorkflowStep
        | SpanType::ToolCall
        | SpanType::EvalExecution
        | SpanType::Generic => SpanKind::Internal,
    }
}

/// The span name the conventions give the span (`"chat gpt-4o"`, `"execute_tool search"`,
/// `"tools/call search"`, …); the span's own name where they give none.
pub fn conventional_span_name(span: &SpanRecord) -> Cow<'_, str> {
    match conventional_name_parts(span) {
        (prefix, Some(t)) => Cow::Owned(format!("{prefix} {t}")),
        (name, None) => Cow::Borrowed(name),
    }
}

/// [`conventional_span_name`] in its parts: the name is `prefix` alone, or `prefix target`
/// (joined by a space) when there is a target. Lets an encoder write the name without
/// building it.
pub(crate) fn conventional_name_parts(span: &SpanRecord) -> (&str, Option<&str>) {
    match &span.attributes {
        SpanAttributes::McpToolCall(a) => (sc::MCP_METHOD_TOOLS_CALL, a.tool_name.as_deref()),
        SpanAttributes::ToolCall(a) => (op::EXECUTE_TOOL, a.tool_name.as_deref()),
        SpanAttributes::AgentRun(a) => (op::INVOKE_AGENT, a.agent_name.as_deref()),
        SpanAttributes::WorkflowRun(a) => (op::INVOKE_WORKFLOW, a.workflow_name.as_deref()),
        SpanAttributes::RagQuery(a) => (op::RETRIEVAL, a.index.as_deref()),
        SpanAttributes::MemoryLookup(a) => (op::SEARCH_MEMORY, a.memory_store.as_deref()),
        SpanAttributes::LlmGeneration(_) | SpanAttributes::EmbeddingGeneration(_) => (
            operation_name(&span.attributes).unwrap_or(op::CHAT),
            span.attributes.model(),
        ),
        SpanAttributes::MemoryUpdate(a) => (
            operation_name(&span.attributes).unwrap_or(op::UPDATE_MEMORY),
            a.memory_store.as_deref(),
        ),
        _ => (&span.name, None),
    }
}
