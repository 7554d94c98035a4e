//! OpenTelemetry for AI telemetry, as pure data transformations: our typed spans to OTLP and
//! any OpenTelemetry client's OTLP back to typed spans, the native JSON batch, and the
//! `OTEL_EXPORTER_OTLP_*` variables. No runtime, no I/O: the SDK's exporters encode with it,
//! the server decodes with it, the bridges map foreign spans with it.
//!
//! - **Outbound** ([`span_to_otlp`], [`export_request`]): every span type and attribute maps
//!   to the GenAI semantic conventions (v1.41, see [`semconv`]) where they have a name, and to
//!   our own `ai_telemetry.*` namespace where they do not. The HTTP exporter encodes the
//!   request with `prost` (protobuf) or `serde_json` (OTLP/JSON).
//! - **Inbound** ([`decode_protobuf`], [`decode_json`], [`span_from_otlp`],
//!   [`spans_from_request`]): any OpenTelemetry client's spans back to our typed spans, reading
//!   current and deprecated `gen_ai.*`, OpenInference, OpenLLMetry and Langfuse attributes.
//!   Invalid ids are a typed [`FromOtlpError`]; nothing panics, and attributes nothing maps
//!   are kept in metadata.
//! - **Native format** ([`NativeBatch`], [`NativeResponse`], [`write_native_batch`]): our own
//!   JSON batch of `TelemetryEvent`s (`docs/NATIVE_FORMAT.md`).
//! - **Environment** ([`OtlpEnv`]): the one reader of `OTEL_EXPORTER_OTLP_*`.
//! - **Documentation** ([`mapping_table`]): the full mapping rendered as markdown; it is what
//!   `docs/OTEL_MAPPING.md` shows.
//!
//! A span to OTLP protobuf bytes and back into a typed span:
//!
//! ```
//! use std::sync::Arc;
//! use prost::Message;
//! use telemetry_otlp as otel;
//! use telemetry_types::{attrs::LlmGeneration, SpanRecord, SpanId, TraceId, Timestamp};
//!
//! let span = SpanRecord {
//!     trace_id: TraceId::random(),
//!     span_id: SpanId::random(),
//!     parent_span_id: None,
//!     name: "answer".into(),
//!     service_name: Arc::from("support-bot"),
//!     attributes: LlmGeneration::new("gpt-4o", "openai").into(),
//!     input: None,
//!     output: None,
//!     metadata: Default::default(),
//!     start_time: Timestamp::from_unix_nanos(1),
//!     end_time: Some(Timestamp::from_unix_nanos(2)),
//!     status: Default::default(),
//!     error: None,
//!     errored_descendants: Vec::new(),
//!     events: Vec::new(),
//!     ended_by_drop: false,
//!     trace: Default::default(),
//! };
//! let request = otel::export_request(&[Arc::new(span.clone())]);
//! assert_eq!(request.resource_spans[0].scope_spans[0].spans[0].name, "chat gpt-4o");
//!
//! let bytes = request.encode_to_vec();
//! let back = otel::spans_from_request(otel::decode_protobuf(&bytes)?);
//! assert!(back.rejected.is_empty());
//! assert_eq!(back.spans[0].attributes.model(), Some("gpt-4o"));
//! assert_eq!(back.spans[0].span_id, span.span_id);
//! # Ok::<(), otel::DecodeError>(())
//! ```

mod bag;
mod decode;
mod dialects;
mod env;
mod from_attributes;
mod from_otlp;
mod log_content;
mod logs;
mod names;
mod native;
mod read;
pub mod rewrite;
pub mod semconv;
mod table;
mod to_otlp;
mod value;

pub use decode::{DecodeError, decode_json, decode_protobuf, normalise_json};
pub use env::{
    InvalidKeyValue, InvalidValue, OtlpCompression, OtlpEnv, OtlpProtocol, key_values, traces_url,
};
pub use from_attributes::{span_from_attributes, span_type_from_attributes};
pub use from_otlp::{
    DecodedSpans, FromOtlpError, ResourceInfo, UNKNOWN_SERVICE, span_from_otlp, spans_from_request,
};
pub use log_content::content_of_logs;
pub use logs::{
    DecodedLogs, LogRecordError, decode_logs_json, decode_logs_protobuf, logs_from_request,
};
pub use names::{conventional_span_name, operation_name, span_kind};
pub use native::{NATIVE_FORMAT, NATIVE_VERSION, NativeBatch, NativeResponse, write_native_batch};
pub use table::{mapped_keys, mapping_table};
pub use to_otlp::{
    SCOPE_NAME, SCOPE_VERSION, encode_export_request, encode_export_request_into, export_request,
    export_scope, resource_for_service, span_to_otlp,
};
