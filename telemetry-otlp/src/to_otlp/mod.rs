//! Outbound: our typed spans → OTLP spans and export requests.

mod content;
mod encode;
mod proto;
mod typed;
mod writer;

use std::sync::Arc;

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::InstrumentationScope;
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span, Status, status};
use telemetry_types::{SpanAttributes, SpanRecord, SpanStatus};

use crate::names;
use crate::semconv::{self as sc, ours};
use crate::value;
use writer::{AttrSink, AttrWriter};

pub use encode::{encode_export_request, encode_export_request_into};

pub(crate) use typed::evaluation_result;

/// Name of the instrumentation scope of the spans we export.
pub const SCOPE_NAME: &str = ours::SCOPE_NAME;
/// Version of the instrumentation scope (this crate's version).
pub const SCOPE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Converts one span to an OTLP span: conventional name and kind, `gen_ai.*` attributes where
/// the conventions have them and `ai_telemetry.*` otherwise, status, error (`error.type` and an
/// `exception` event), events and the trace-level fields.
///
/// The service name is not part of the span: it goes on the resource (see
/// [`export_request`]).
pub fn span_to_otlp(span: &SpanRecord) -> Span {
    let mut w = AttrWriter::with_capacity(24 + span.metadata.len());
    let name = names::conventional_span_name(span).into_owned();
    write_attributes(span, name != *span.name, &mut w);
    Span {
        trace_id: span.trace_id.to_bytes().to_vec(),
        span_id: span.span_id.to_bytes().to_vec(),
        parent_span_id: span
            .parent_span_id
            .map_or_else(Vec::new, |p| p.to_bytes().to_vec()),
        name,
        kind: names::span_kind(span.span_type()) as i32,
        start_time_unix_nano: span.start_time.as_unix_nanos(),
        end_time_unix_nano: span.end_time.map_or(0, |t| t.as_unix_nanos()),
        attributes: w.out,
        events: content::events(span),
        status: status_of(span),
        ..Default::default()
    }
}

/// Writes every attribute of the span, in the order both outputs ([`span_to_otlp`] and
/// [`encode_export_request`]) carry them; `renamed` says the conventional span name differs
/// from the span's own (which then goes into `ai_telemetry.span.name`).
fn write_attributes(span: &SpanRecord, renamed: bool, w: &mut impl AttrSink) {
    let span_type = span.span_type();
    w.str(ours::SPAN_TYPE, Some(span_type.as_str()));
    w.str(
        sc::GEN_AI_OPERATION_NAME,
        names::operation_name(&span.attributes),
    );
    if renamed {
        w.str(ours::SPAN_NAME, Some(&span.name));
    }
    typed::write(&span.attributes, w);
    content::write_io(span, w);
    content::write_span_fields(span, w);
    content::write_trace(&span.trace, w);
    if matches!(
        span.attributes,
        SpanAttributes::LlmGeneration(_) | SpanAttributes::AgentRun(_)
    ) {
        // The conventions group inference and agent spans by conversation.
        w.str(sc::GEN_AI_CONVERSATION_ID, span.trace.session_id.as_deref());
    }
}

fn status_of(span: &SpanRecord) -> Option<Status> {
    let (code, message) = match span.status {
        SpanStatus::Unset => return None,
        SpanStatus::Ok => (status::StatusCode::Ok, String::new()),
        SpanStatus::Error => (
            status::StatusCode::Error,
            span.error
                .as_ref()
                .map(|e| e.message.clone())
                .unwrap_or_default(),
        ),
    };
    Some(Status {
        message,
        code: code as i32,
    })
}

/// The OTLP resource of a service: `service.name`.
pub fn resource_for_service(service_name: &str) -> Resource {
    Resource {
        attributes: vec![value::kv(sc::SERVICE_NAME, value::string(service_name))],
        ..Default::default()
    }
}

/// The instrumentation scope of the spans we export.
pub fn export_scope() -> InstrumentationScope {
    InstrumentationScope {
        name: SCOPE_NAME.to_owned(),
        version: SCOPE_VERSION.to_owned(),
        ..Default::default()
    }
}

/// Builds one OTLP export request from spans: one `ResourceSpans` per service (in order of
/// first appearance, with `service.name`), each with one scope ([`SCOPE_NAME`],
/// [`SCOPE_VERSION`], the schema URL of the conventions followed).
pub fn export_request(spans: &[Arc<SpanRecord>]) -> ExportTraceServiceRequest {
    ExportTraceServiceRequest {
        resource_spans: encode::by_service(spans)
            .into_iter()
            .map(|(service, group)| ResourceSpans {
                resource: Some(resource_for_service(service)),
                scope_spans: vec![ScopeSpans {
                    scope: Some(export_scope()),
                    spans: group.into_iter().map(span_to_otlp).collect(),
                    schema_url: sc::SCHEMA_URL.to_owned(),
                }],
                schema_url: sc::SCHEMA_URL.to_owned(),
            })
            .collect(),
    }
}
