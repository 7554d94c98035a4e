//! Configuration of a telemetry instance.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::{SpanType, TraceId};

/// What a custom sampler sees when it decides about a new trace or span.
#[derive(Debug, Clone, Copy)]
pub struct SamplingContext<'a> {
    /// Trace the span belongs to.
    pub trace_id: TraceId,
    /// Span name.
    pub name: &'a str,
    /// Span type.
    pub span_type: SpanType,
    /// Whether the span is a trace root (in this process).
    pub is_root: bool,
}

/// A custom sampling function.
pub type SamplerFn = Arc<dyn Fn(&SamplingContext<'_>) -> bool + Send + Sync>;

/// How traces are sampled. Decided once per trace at its root and inherited by its spans.
///
/// Serialized with a `type` tag: `{"type":"ratio","probability":0.25}`. The `custom` variant
/// holds a closure and cannot be serialized.
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SamplingStrategy {
    /// Record every trace.
    #[default]
    AlwaysOn,
    /// Record nothing.
    AlwaysOff,
    /// Record this fraction of traces, decided from the trace id so every service agrees.
    Ratio {
        /// Probability in `[0, 1]`. The builder and `Telemetry::set_sampling` refuse other
        /// values; [`SamplingStrategy::should_sample`] on one built by hand treats it as clamped.
        probability: f64,
    },
    /// Decide with a closure.
    #[serde(skip)]
    Custom(SamplerFn),
}

impl SamplingStrategy {
    /// A ratio sampler.
    pub fn ratio(probability: f64) -> Self {
        SamplingStrategy::Ratio { probability }
    }

    /// A custom sampler.
    pub fn custom(f: impl Fn(&SamplingContext<'_>) -> bool + Send + Sync + 'static) -> Self {
        SamplingStrategy::Custom(Arc::new(f))
    }

    /// Decides for a trace root.
    ///
    /// The ratio decision uses the low 8 bytes of the trace id (the random part of W3C
    /// version-00 ids), compared with `probability × 2^64`, as OpenTelemetry's
    /// `TraceIdRatioBased` does, so every service agrees on the same trace.
    pub fn should_sample(&self, context: &SamplingContext<'_>) -> bool {
        match self {
            SamplingStrategy::AlwaysOn => true,
            SamplingStrategy::AlwaysOff => false,
            SamplingStrategy::Ratio { probability } => {
                ratio_sampled(context.trace_id, *probability)
            }
            SamplingStrategy::Custom(f) => f(context),
        }
    }
}

/// Whether a trace id falls inside a sampling ratio.
pub fn ratio_sampled(trace_id: TraceId, probability: f64) -> bool {
    if probability >= 1.0 {
        return true;
    }
    if probability.is_nan() || probability <= 0.0 {
        return false;
    }
    let low = trace_id.to_int() as u64;
    let bound = (probability * (u64::MAX as f64)) as u64;
    low < bound
}

impl fmt::Debug for SamplingStrategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SamplingStrategy::AlwaysOn => f.write_str("AlwaysOn"),
            SamplingStrategy::AlwaysOff => f.write_str("AlwaysOff"),
            SamplingStrategy::Ratio { probability } => write!(f, "Ratio({probability})"),
            SamplingStrategy::Custom(_) => f.write_str("Custom(..)"),
        }
    }
}

/// What is captured from a span's data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContextConfig {
    /// Record inputs and outputs (default `true`).
    pub include_io: bool,
    /// Largest serialized size, in bytes, of one input, output, metadata value or attribute
    /// string; larger values are truncated with a visible marker. `None` disables the limit.
    pub max_data_size: Option<usize>,
    /// Field names removed wherever they appear (inputs, outputs, metadata, attributes).
    pub exclude_fields: Vec<String>,
}

impl Default for ContextConfig {
    fn default() -> Self {
        ContextConfig {
            include_io: true,
            max_data_size: Some(64 * 1024),
            exclude_fields: Vec::new(),
        }
    }
}

/// Configuration of a telemetry instance.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct TelemetryConfig {
    /// Service name on every trace (default `"unknown_service"`, as OpenTelemetry).
    pub service_name: String,
    /// Master switch; when `false` every span takes the sampled-out fast path.
    pub enabled: bool,
    /// Sampling strategy.
    pub sampling: SamplingStrategy,
    /// What is captured from span data.
    pub context: ContextConfig,
}

impl Default for TelemetryConfig {
    fn default() -> Self {
        TelemetryConfig {
            service_name: "unknown_service".to_owned(),
            enabled: true,
            sampling: SamplingStrategy::AlwaysOn,
            context: ContextConfig::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(trace_id: TraceId) -> SamplingContext<'static> {
        SamplingContext {
            trace_id,
            name: "x",
            span_type: SpanType::Generic,
            is_root: true,
        }
    }

    #[test]
    fn ratio_is_deterministic_and_close_to_probability() {
        let strategy = SamplingStrategy::ratio(0.25);
        let ids: Vec<_> = (0..20_000).map(|_| TraceId::random()).collect();
        let sampled = ids
            .iter()
            .filter(|id| strategy.should_sample(&ctx(**id)))
            .count();
        assert!((4_000..6_000).contains(&sampled), "{sampled}");
        for id in &ids[..100] {
            assert_eq!(
                strategy.should_sample(&ctx(*id)),
                strategy.should_sample(&ctx(*id))
            );
        }
        assert!(!SamplingStrategy::ratio(0.0).should_sample(&ctx(ids[0])));
        assert!(SamplingStrategy::ratio(1.0).should_sample(&ctx(ids[0])));
    }

    #[test]
    fn config_deserializes_with_defaults() {
        let config: TelemetryConfig = serde_json::from_str(
            r#"{"service_name":"bot","sampling":{"type":"ratio","probability":0.5}}"#,
        )
        .unwrap();
        assert_eq!(config.service_name, "bot");
        assert!(config.enabled);
        assert!(config.context.include_io);
        assert!(
            matches!(config.sampling, SamplingStrategy::Ratio { probability } if probability == 0.5)
        );
        assert!(serde_json::to_string(&SamplingStrategy::custom(|_| true)).is_err());
    }
}
