//! [`TailPolicy`]: one rule a finished trace is kept by, and what each rule looks at.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use telemetry_types::{SpanAttributes, SpanRecord, SpanStatus, SpanType};

use super::trace_view::TraceView;

/// A rule evaluated on a finished trace (its spans as held, after processors). Leaves look at
/// the trace; [`Any`](TailPolicy::Any) and [`All`](TailPolicy::All) combine rules and nest.
///
/// Serialized with a `type` tag, e.g. `{"type":"slow_root","min_ms":2000}`, so a policy list
/// can come from JSON or TOML.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum TailPolicy {
    /// Some span has `status = error`.
    Error,
    /// The local root lasted at least `min_ms` (a trace decided before its root ended: the
    /// time since its first span started).
    SlowRoot {
        /// Threshold in milliseconds.
        min_ms: u64,
    },
    /// The root is among the slowest `fraction` of recent traces (a running estimate over the
    /// last ~10 000–20 000 roots; it holds for none of the first 100).
    SlowestFraction {
        /// Fraction in `[0, 1]`, e.g. `0.01` for the slowest 1 %.
        fraction: f64,
    },
    /// The spans' cost totals add up to at least `min` (in the spans' currency, USD by default).
    Cost {
        /// Threshold.
        min: f64,
    },
    /// The spans' token totals add up to at least `min`.
    Tokens {
        /// Threshold.
        min: u64,
    },
    /// Some eval span scored below `below` (only evals of `metric`, when given).
    EvalScoreBelow {
        /// Threshold.
        below: f64,
        /// The eval metric to look at; any when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        metric: Option<String>,
    },
    /// Some span is of this type.
    SpanType {
        /// The type.
        span_type: SpanType,
    },
    /// Some span has this name.
    SpanName {
        /// The name.
        name: String,
    },
    /// Some span has attribute `key` equal to `value` (see [`TailPolicy::attribute`]).
    AttributeEquals {
        /// Key: a metadata key, a dotted path into the typed attributes, or a request-context key.
        key: String,
        /// Expected value.
        value: Value,
    },
    /// Some span has a numeric attribute `key` of at least `min`.
    AttributeAtLeast {
        /// Key, as for [`AttributeEquals`](TailPolicy::AttributeEquals).
        key: String,
        /// Threshold.
        min: f64,
    },
    /// A fixed fraction of traces, decided from the trace id (so every process agrees) with a
    /// hash independent of the head sampler's ratio rule.
    Ratio {
        /// Fraction in `[0, 1]`.
        ratio: f64,
    },
    /// At most `per_second` traces a second (a token bucket holding one second's worth).
    /// Usually last in an [`All`](TailPolicy::All), so it limits what the rules before it keep.
    RateLimit {
        /// Traces per second.
        per_second: f64,
    },
    /// Some rule holds (evaluated in order; the first that holds decides).
    Any {
        /// The rules.
        policies: Vec<TailPolicy>,
    },
    /// Every rule holds (evaluated in order, stopping at the first that does not, so a rate
    /// limit placed last only spends its budget on traces the others kept).
    All {
        /// The rules.
        policies: Vec<TailPolicy>,
    },
}

impl TailPolicy {
    /// Where attribute keys are looked up, in order: the span's metadata, a dotted path into its
    /// typed attributes as serialized (`model`, `usage.input_tokens`, or a generic span's field),
    /// then the trace's request context.
    pub fn attribute(span: &SpanRecord, key: &str) -> Option<Value> {
        if let Some(value) = span.metadata.get(key) {
            return Some(value.clone());
        }
        if let Some(value) = typed_attribute(&span.attributes, key) {
            return Some(value);
        }
        span.trace.context.get(key).cloned()
    }

    /// The default name of this rule (the reason recorded when it keeps a trace).
    pub fn default_name(&self) -> &'static str {
        match self {
            TailPolicy::Error => "error",
            TailPolicy::SlowRoot { .. } => "slow_root",
            TailPolicy::SlowestFraction { .. } => "slowest",
            TailPolicy::Cost { .. } => "cost",
            TailPolicy::Tokens { .. } => "tokens",
            TailPolicy::EvalScoreBelow { .. } => "low_eval_score",
            TailPolicy::SpanType { .. } => "span_type",
            TailPolicy::SpanName { .. } => "span_name",
            TailPolicy::AttributeEquals { .. } | TailPolicy::AttributeAtLeast { .. } => "attribute",
            TailPolicy::Ratio { .. } => "ratio",
            TailPolicy::RateLimit { .. } => "rate_limit",
            TailPolicy::Any { .. } => "any",
            TailPolicy::All { .. } => "all",
        }
    }

    /// Whether a stateless leaf rule holds on `trace` (ratios, rate limits, slowest fractions
    /// and combinations are evaluated by the decider).
    pub(crate) fn leaf_holds(&self, trace: &TraceView<'_>) -> bool {
        let spans = trace.spans;
        match self {
            TailPolicy::Error => spans.iter().any(|s| s.status == SpanStatus::Error),
            TailPolicy::SlowRoot { min_ms } => trace.duration().as_millis() >= u128::from(*min_ms),
            TailPolicy::Cost { min } => total_cost(spans) >= *min,
            TailPolicy::Tokens { min } => total_tokens(spans) >= *min,
            TailPolicy::EvalScoreBelow { below, metric } => spans
                .iter()
                .any(|s| eval_below(s, *below, metric.as_deref())),
            TailPolicy::SpanType { span_type } => spans.iter().any(|s| s.span_type() == *span_type),
            TailPolicy::SpanName { name } => spans.iter().any(|s| s.name == name.as_str()),
            TailPolicy::AttributeEquals { key, value } => spans
                .iter()
                .any(|s| Self::attribute(s, key).as_ref() == Some(value)),
            TailPolicy::AttributeAtLeast { key, min } => spans.iter().any(|s| {
                Self::attribute(s, key)
                    .and_then(|v| v.as_f64())
                    .is_some_and(|v| v >= *min)
            }),
            TailPolicy::Ratio { .. }
            | TailPolicy::SlowestFraction { .. }
            | TailPolicy::RateLimit { .. }
            | TailPolicy::Any { .. }
            | TailPolicy::All { .. } => false,
        }
    }
}

fn total_cost(spans: &[std::sync::Arc<SpanRecord>]) -> f64 {
    spans
        .iter()
        .filter_map(|s| s.attributes.cost()?.resolved_total())
        .sum()
}

fn total_tokens(spans: &[std::sync::Arc<SpanRecord>]) -> u64 {
    spans
        .iter()
        .filter_map(|s| s.attributes.usage()?.total())
        .sum()
}

fn eval_below(span: &SpanRecord, below: f64, metric: Option<&str>) -> bool {
    let SpanAttributes::EvalExecution(eval) = &span.attributes else {
        return false;
    };
    let metric_matches = metric.is_none_or(|m| eval.metric.as_deref() == Some(m));
    metric_matches && eval.score.is_some_and(|score| score < below)
}

/// A dotted path into the serialized typed attributes; serializing costs an allocation, paid
/// only by attribute rules at decision time.
fn typed_attribute(attributes: &SpanAttributes, key: &str) -> Option<Value> {
    if let SpanAttributes::Generic(generic) = attributes
        && let Some(value) = generic.fields.get(key)
    {
        return Some(value.clone());
    }
    let serialized = serde_json::to_value(attributes).ok()?;
    let mut node = serialized.get("attributes")?;
    for part in key.split('.') {
        node = node.get(part)?;
    }
    Some(node.clone())
}
