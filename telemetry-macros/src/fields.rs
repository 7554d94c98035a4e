//! The twelve span types and the fields of their attributes structs, checked at compile time.
//!
//! These tables mirror `telemetry_types::attrs::*`; a test in `telemetry-core`
//! (`tests/macros_fields.rs`) proves they match the real structs field for field.

/// How a value given in `attributes(field = value)` becomes the field's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `Option<Str>`: a literal is borrowed, anything `AsRef<str>` is copied (never moved).
    Str,
    /// `Option<String>`: anything `AsRef<str>` is copied.
    String,
    /// `Vec<Str>`: any list of strings.
    StrList,
    /// `Option<T>` of a `Copy`-like value (numbers, bools, enums, ids, `Usage`): `Some(value)`.
    Value,
    /// `Option<T>` of another struct (`Cost`, `ModelParameters`): `Some(Into::into(value))`.
    Into,
    /// `Vec<T>` of structs: `Into::into(value)`.
    List,
    /// `Option<serde_json::Value>`: any serializable value.
    Json,
}

/// One span type: its name in `span_type = …`, its attributes struct, and the struct's fields.
pub(crate) struct SpanTypeDef {
    pub(crate) name: &'static str,
    pub(crate) struct_name: &'static str,
    /// `None` for `generic`, whose attributes are free-form key/value pairs.
    pub(crate) fields: Option<&'static [(&'static str, Kind)]>,
}

use Kind::{Into, Json, List, Str, StrList, Value};

/// Every span type, in the order of `telemetry_types::SpanType::ALL`.
pub(crate) const SPAN_TYPES: &[SpanTypeDef] = &[
    SpanTypeDef {
        name: "agent_run",
        struct_name: "AgentRun",
        fields: Some(&[
            ("agent_id", Str),
            ("agent_name", Str),
            ("description", Str),
            ("instructions", Str),
            ("available_tools", StrList),
            ("max_steps", Value),
            ("steps", Value),
            ("model", Str),
            ("provider", Str),
        ]),
    },
    SpanTypeDef {
        name: "workflow_run",
        struct_name: "WorkflowRun",
        fields: Some(&[
            ("workflow_id", Str),
            ("workflow_name", Str),
            ("run_id", Str),
            ("status", Value),
            ("attempt", Value),
            ("suspended", Value),
            ("resumed", Value),
            ("resumed_from_step", Str),
        ]),
    },
    SpanTypeDef {
        name: "workflow_step",
        struct_name: "WorkflowStep",
        fields: Some(&[
            ("workflow_id", Str),
            ("workflow_name", Str),
            ("run_id", Str),
            ("step_id", Str),
            ("step_name", Str),
            ("status", Value),
            ("attempt", Value),
            ("suspended", Value),
            ("resumed", Value),
        ]),
    },
    SpanTypeDef {
        name: "llm_generation",
        struct_name: "LlmGeneration",
        fields: Some(&[
            ("model", Str),
            ("provider", Str),
            ("operation", Value),
            ("result_type", Value),
            ("usage", Value),
            ("parameters", Into),
            ("streaming", Value),
            ("time_to_first_token_ms", Value),
            ("finish_reasons", StrList),
            ("response_model", Str),
            ("response_id", Str),
            ("cost", Into),
        ]),
    },
    SpanTypeDef {
        name: "tool_call",
        struct_name: "ToolCall",
        fields: Some(&[
            ("tool_name", Str),
            ("tool_id", Str),
            ("call_id", Str),
            ("description", Str),
            ("tool_type", Str),
            ("success", Value),
        ]),
    },
    SpanTypeDef {
        name: "mcp_tool_call",
        struct_name: "McpToolCall",
        fields: Some(&[
            ("tool_name", Str),
            ("tool_id", Str),
            ("call_id", Str),
            ("description", Str),
            ("success", Value),
            ("server_name", Str),
            ("server_version", Str),
            ("transport", Str),
            ("session_id", Str),
            ("protocol_version", Str),
        ]),
    },
    SpanTypeDef {
        name: "memory_lookup",
        struct_name: "MemoryLookup",
        fields: Some(&[
            ("memory_store", Str),
            ("operation", Value),
            ("query", Kind::String),
            ("thread_id", Str),
            ("resource_id", Str),
            ("top_k", Value),
            ("results", List),
        ]),
    },
    SpanTypeDef {
        name: "memory_update",
        struct_name: "MemoryUpdate",
        fields: Some(&[
            ("memory_store", Str),
            ("operation", Value),
            ("thread_id", Str),
            ("resource_id", Str),
            ("record_ids", StrList),
            ("record_count", Value),
        ]),
    },
    SpanTypeDef {
        name: "rag_query",
        struct_name: "RagQuery",
        fields: Some(&[
            ("vector_store", Str),
            ("index", Str),
            ("query", Kind::String),
            ("top_k", Value),
            ("filter", Json),
            ("embedding_model", Str),
            ("chunks", List),
        ]),
    },
    SpanTypeDef {
        name: "embedding_generation",
        struct_name: "EmbeddingGeneration",
        fields: Some(&[
            ("model", Str),
            ("provider", Str),
            ("input_count", Value),
            ("dimensions", Value),
            ("encoding_format", Str),
            ("response_model", Str),
            ("usage", Value),
            ("cost", Into),
        ]),
    },
    SpanTypeDef {
        name: "eval_execution",
        struct_name: "EvalExecution",
        fields: Some(&[
            ("evaluator", Str),
            ("metric", Str),
            ("score", Value),
            ("label", Str),
            ("reason", Kind::String),
            ("passed", Value),
            ("threshold", Value),
            ("evaluated_trace_id", Value),
            ("evaluated_span_id", Value),
        ]),
    },
    SpanTypeDef {
        name: "generic",
        struct_name: "Generic",
        fields: None,
    },
];

/// The span type called `name`.
pub(crate) fn span_type(name: &str) -> Option<&'static SpanTypeDef> {
    SPAN_TYPES.iter().find(|t| t.name == name)
}

/// `agent_run, workflow_run, …` for error messages.
pub(crate) fn span_type_names() -> String {
    SPAN_TYPES
        .iter()
        .map(|t| t.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The closest of `candidates` to `name`, if close enough to be a likely typo.
pub(crate) fn suggest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (distance(name, c), c))
        .filter(|(d, c)| *d <= (c.len().max(name.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Edit distance counting a swap of two neighbours as one edit (optimal string alignment).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twelve_types_and_suggestions() {
        assert_eq!(SPAN_TYPES.len(), 12);
        assert_eq!(suggest("modle", ["model", "provider"]), Some("model"));
        assert_eq!(suggest("xyz", ["model", "provider"]), None);
        assert_eq!(
            span_type("llm_generation").unwrap().struct_name,
            "LlmGeneration"
        );
    }
}
