//! Eval execution attributes.

use serde::{Deserialize, Serialize};

use crate::{SpanId, Str, TraceId};

/// Attributes of an eval execution span. When such a span ends, the store records its score.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EvalExecution {
    /// Evaluator that produced the score (`llm_judge`, `exact_match`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluator: Option<Str>,
    /// What is measured (`faithfulness`, `relevance`, …); the score's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric: Option<Str>,
    /// Numeric score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Categorical result (`correct`, `hallucinated`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<Str>,
    /// Why the evaluator gave this score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Pass/fail verdict.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passed: Option<bool>,
    /// Threshold the score was compared with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// Trace evaluated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluated_trace_id: Option<TraceId>,
    /// Span evaluated, when the eval judges one span.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evaluated_span_id: Option<SpanId>,
}

impl EvalExecution {
    /// Attributes of `evaluator` measuring `metric`.
    pub fn new(evaluator: impl Into<Str>, metric: impl Into<Str>) -> Self {
        EvalExecution {
            evaluator: Some(evaluator.into()),
            metric: Some(metric.into()),
            ..EvalExecution::default()
        }
    }
}
