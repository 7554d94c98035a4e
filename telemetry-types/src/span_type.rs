//! The kinds of AI operation a span can describe.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The type of a span. It is derived from the span's attributes
/// ([`SpanAttributes::span_type`](crate::SpanAttributes::span_type)), so the two never disagree.
///
/// The wire name of each type is its stable snake_case form (`"llm_generation"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpanType {
    /// An agent's run: tools, memory and decisions.
    AgentRun,
    /// A workflow's execution, with its steps and suspend/resume.
    WorkflowRun,
    /// One step of a workflow.
    WorkflowStep,
    /// A model call: prompts, completions, token usage, streaming.
    LlmGeneration,
    /// A function or tool execution.
    ToolCall,
    /// A Model Context Protocol tool execution.
    McpToolCall,
    /// A memory retrieval.
    MemoryLookup,
    /// A memory write.
    MemoryUpdate,
    /// A vector search for retrieval-augmented generation.
    RagQuery,
    /// Embedding of documents or queries.
    EmbeddingGeneration,
    /// An evaluation of a trace or span.
    EvalExecution,
    /// Anything else.
    Generic,
}

impl SpanType {
    /// Every span type, in declaration order.
    pub const ALL: [SpanType; 12] = [
        SpanType::AgentRun,
        SpanType::WorkflowRun,
        SpanType::WorkflowStep,
        SpanType::LlmGeneration,
        SpanType::ToolCall,
        SpanType::McpToolCall,
        SpanType::MemoryLookup,
        SpanType::MemoryUpdate,
        SpanType::RagQuery,
        SpanType::EmbeddingGeneration,
        SpanType::EvalExecution,
        SpanType::Generic,
    ];

    /// The stable wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            SpanType::AgentRun => "agent_run",
            SpanType::WorkflowRun => "workflow_run",
            SpanType::WorkflowStep => "workflow_step",
            SpanType::LlmGeneration => "llm_generation",
            SpanType::ToolCall => "tool_call",
            SpanType::McpToolCall => "mcp_tool_call",
            SpanType::MemoryLookup => "memory_lookup",
            SpanType::MemoryUpdate => "memory_update",
            SpanType::RagQuery => "rag_query",
            SpanType::EmbeddingGeneration => "embedding_generation",
            SpanType::EvalExecution => "eval_execution",
            SpanType::Generic => "generic",
        }
    }

    /// A dense index in `0..12`, for per-type tables.
    pub const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for SpanType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The string is not the wire name of a span type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown span type {0:?}; expected one of agent_run, workflow_run, workflow_step, llm_generation, tool_call, mcp_tool_call, memory_lookup, memory_update, rag_query, embedding_generation, eval_execution, generic"
)]
pub struct UnknownSpanType(pub String);

impl FromStr for SpanType {
    type Err = UnknownSpanType;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SpanType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| UnknownSpanType(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for (i, t) in SpanType::ALL.into_iter().enumerate() {
            assert_eq!(t.index(), i);
            assert_eq!(t.as_str().parse::<SpanType>().unwrap(), t);
            assert_eq!(serde_json::to_value(t).unwrap(), t.as_str());
        }
        assert!("LLM".parse::<SpanType>().is_err());
    }
}
