//! Pure data for AI telemetry: W3C ids, the twelve span types with one typed attributes struct
//! each, span and trace records, the [`TelemetryEvent`] union exporters receive, and
//! configuration. Serde only: no async, no I/O.
//!
//! ```
//! use telemetry_types::{attrs::{LlmGeneration, Usage}, SpanAttributes, SpanType};
//!
//! let mut attributes = SpanAttributes::from(LlmGeneration::new("gpt-4o", "openai"));
//! attributes.usage_mut().unwrap().input_tokens = Some(1200);
//! assert_eq!(attributes.span_type(), SpanType::LlmGeneration);
//!
//! let json = serde_json::to_value(&attributes).unwrap();
//! assert_eq!(json["type"], "llm_generation");
//! assert_eq!(json["attributes"]["usage"]["input_tokens"], 1200);
//! ```

mod attributes;
mod config;
mod error;
mod event;
mod ids;
mod log;
mod span;
mod span_type;
mod time;
mod trace;

/// The attributes structs, one per span type, and their parts.
pub mod attrs {
    pub use crate::attributes::*;
}

pub use attributes::SpanAttributes;
pub use config::{
    ContextConfig, SamplerFn, SamplingContext, SamplingStrategy, TelemetryConfig, ratio_sampled,
};
pub use error::{ErrorCategory, SpanError};
pub use event::{EventKind, EventKinds, TelemetryEvent};
pub use ids::{IdParseError, SpanId, TraceId};
pub use log::{LOG_EVENT_NAME, LogRecord};
pub use span::{SpanEvent, SpanRecord, SpanStatus};
pub use span_type::{SpanType, UnknownSpanType};
pub use time::Timestamp;
pub use trace::{TraceAttributes, TraceRecord};

/// A string that is free for `&'static str` literals and owned otherwise.
pub type Str = std::borrow::Cow<'static, str>;
