//! Typed attributes, one struct per span type.
//!
//! A span holds exactly one [`SpanAttributes`] variant and its [`SpanType`] is derived from
//! that variant, so a span's type and its attributes can never disagree.

mod agent;
mod eval;
mod llm;
mod retrieval;
mod tool;

pub use agent::{AgentRun, WorkflowRun, WorkflowStatus, WorkflowStep};
pub use eval::EvalExecution;
pub use llm::{
    Cost, EmbeddingGeneration, LlmGeneration, LlmOperation, LlmResultType, ModelParameters, Usage,
};
pub use retrieval::{
    MemoryLookup, MemoryOperation, MemoryResult, MemoryUpdate, RagQuery, RetrievedChunk,
};
pub use tool::{McpToolCall, ToolCall};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::SpanType;

/// Attributes of a generic span: free-form key/value pairs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Generic {
    /// The attributes.
    pub fields: Map<String, Value>,
}

/// The attributes of a span, one variant per [`SpanType`].
///
/// On the wire it is two sibling keys of the span object: `"type"` (the span type's snake_case
/// name) and `"attributes"` (the variant's fields).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", content = "attributes", rename_all = "snake_case")]
pub enum SpanAttributes {
    /// An agent run.
    AgentRun(AgentRun),
    /// A workflow run.
    WorkflowRun(WorkflowRun),
    /// A workflow step.
    WorkflowStep(WorkflowStep),
    /// An LLM generation.
    LlmGeneration(LlmGeneration),
    /// A tool call.
    ToolCall(ToolCall),
    /// An MCP tool call.
    McpToolCall(McpToolCall),
    /// A memory lookup.
    MemoryLookup(MemoryLookup),
    /// A memory update.
    MemoryUpdate(MemoryUpdate),
    /// A RAG query.
    RagQuery(RagQuery),
    /// An embedding generation.
    EmbeddingGeneration(EmbeddingGeneration),
    /// An eval execution.
    EvalExecution(EvalExecution),
    /// Anything else.
    Generic(Generic),
}

impl Default for SpanAttributes {
    fn default() -> Self {
        SpanAttributes::Generic(Generic::default())
    }
}

impl SpanAttributes {
    /// The span type this variant stands for.
    pub const fn span_type(&self) -> SpanType {
        match self {
            SpanAttributes::AgentRun(_) => SpanType::AgentRun,
            SpanAttributes::WorkflowRun(_) => SpanType::WorkflowRun,
            SpanAttributes::WorkflowStep(_) => SpanType::WorkflowStep,
            SpanAttributes::LlmGeneration(_) => SpanType::LlmGeneration,
            SpanAttributes::ToolCall(_) => SpanType::ToolCall,
            SpanAttributes::McpToolCall(_) => SpanType::McpToolCall,
            SpanAttributes::MemoryLookup(_) => SpanType::MemoryLookup,
            SpanAttributes::MemoryUpdate(_) => SpanType::MemoryUpdate,
            SpanAttributes::RagQuery(_) => SpanType::RagQuery,
            SpanAttributes::EmbeddingGeneration(_) => SpanType::EmbeddingGeneration,
            SpanAttributes::EvalExecution(_) => SpanType::EvalExecution,
            SpanAttributes::Generic(_) => SpanType::Generic,
        }
    }

    /// Empty attributes of the given type.
    pub fn empty(span_type: SpanType) -> Self {
        match span_type {
            SpanType::AgentRun => AgentRun::default().into(),
            SpanType::WorkflowRun => WorkflowRun::default().into(),
            SpanType::WorkflowStep => WorkflowStep::default().into(),
            SpanType::LlmGeneration => LlmGeneration::default().into(),
            SpanType::ToolCall => ToolCall::default().into(),
            SpanType::McpToolCall => McpToolCall::default().into(),
            SpanType::MemoryLookup => MemoryLookup::default().into(),
            SpanType::MemoryUpdate => MemoryUpdate::default().into(),
            SpanType::RagQuery => RagQuery::default().into(),
            SpanType::EmbeddingGeneration => EmbeddingGeneration::default().into(),
            SpanType::EvalExecution => EvalExecution::default().into(),
            SpanType::Generic => Generic::default().into(),
        }
    }

    /// The model of an LLM, embedding or agent span.
    pub fn model(&self) -> Option<&str> {
        match self {
            SpanAttributes::LlmGeneration(a) => a.model.as_deref(),
            SpanAttributes::EmbeddingGeneration(a) => a.model.as_deref(),
            SpanAttributes::AgentRun(a) => a.model.as_deref(),
            _ => None,
        }
    }

    /// The provider of an LLM, embedding or agent span.
    pub fn provider(&self) -> Option<&str> {
        match self {
            SpanAttributes::LlmGeneration(a) => a.provider.as_deref(),
            SpanAttributes::EmbeddingGeneration(a) => a.provider.as_deref(),
            SpanAttributes::AgentRun(a) => a.provider.as_deref(),
            _ => None,
        }
    }

    /// Token usage of an LLM or embedding span.
    pub fn usage(&self) -> Option<&Usage> {
        match self {
            SpanAttributes::LlmGeneration(a) => a.usage.as_ref(),
            SpanAttributes::EmbeddingGeneration(a) => a.usage.as_ref(),
            _ => None,
        }
    }

    /// Mutable token usage of an LLM or embedding span, created empty if absent;
    /// `None` for span types that have no usage.
    pub fn usage_mut(&mut self) -> Option<&mut Usage> {
        match self {
            SpanAttributes::LlmGeneration(a) => Some(a.usage.get_or_insert_with(Usage::default)),
            SpanAttributes::EmbeddingGeneration(a) => {
                Some(a.usage.get_or_insert_with(Usage::default))
            }
            _ => None,
        }
    }

    /// Cost of an LLM or embedding span.
    pub fn cost(&self) -> Option<&Cost> {
        match self {
            SpanAttributes::LlmGeneration(a) => a.cost.as_ref(),
            SpanAttributes::EmbeddingGeneration(a) => a.cost.as_ref(),
            _ => None,
        }
    }

    /// Sets the cost of an LLM or embedding span; returns `false` for other span types.
    pub fn set_cost(&mut self, cost: Cost) -> bool {
        match self {
            SpanAttributes::LlmGeneration(a) => a.cost = Some(cost),
            SpanAttributes::EmbeddingGeneration(a) => a.cost = Some(cost),
            _ => return false,
        }
        true
    }
}

macro_rules! impl_from {
    ($($variant:ident),*) => {$(
        impl From<$variant> for SpanAttributes {
            fn from(value: $variant) -> Self {
                SpanAttributes::$variant(value)
            }
        }
    )*};
}

impl_from!(
    AgentRun,
    WorkflowRun,
    WorkflowStep,
    LlmGeneration,
    ToolCall,
    McpToolCall,
    MemoryLookup,
    MemoryUpdate,
    RagQuery,
    EmbeddingGeneration,
    EvalExecution,
    Generic
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_type_follows_the_variant() {
        for t in SpanType::ALL {
            assert_eq!(SpanAttributes::empty(t).span_type(), t);
        }
        assert_eq!(
            SpanAttributes::from(LlmGeneration::new("m", "p")).model(),
            Some("m")
        );
    }

    #[test]
    fn usage_mut_creates_usage_only_where_it_exists() {
        let mut llm = SpanAttributes::from(LlmGeneration::default());
        llm.usage_mut().unwrap().input_tokens = Some(4);
        assert_eq!(llm.usage().unwrap().input_tokens, Some(4));
        assert!(
            SpanAttributes::from(ToolCall::default())
                .usage_mut()
                .is_none()
        );
    }
}
