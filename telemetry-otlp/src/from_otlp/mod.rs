//! Inbound: OTLP spans from any OpenTelemetry client → our typed spans.

pub(crate) mod classify;
mod content;
mod events;
mod trace;
pub(crate) mod typed;
pub(crate) mod usage;

use std::sync::Arc;

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::InstrumentationScope;
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::Span;
use opentelemetry_proto::tonic::trace::v1::span::{Link, SpanKind};
use serde_json::{Map, Value, json};
use telemetry_types::{
    IdParseError, SpanAttributes, SpanId, SpanRecord, SpanType, Str, Timestamp, TraceId,
};

use crate::bag::Bag;
use crate::dialects::{deprecated, langfuse, mastra, openinference};
use crate::names;
use crate::semconv::{self as sc, ours};
use crate::value;

/// Why an OTLP span could not be turned into one of ours. The server counts such a span as
/// rejected (OTLP partial success) and keeps the others.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FromOtlpError {
    /// `trace_id` is not 16 bytes or is all zeros.
    #[error("invalid trace id: {0}")]
    TraceId(IdParseError),
    /// `span_id` is not 8 bytes or is all zeros.
    #[error("invalid span id: {0}")]
    SpanId(IdParseError),
    /// `parent_span_id` is neither empty nor 8 bytes.
    #[error("invalid parent span id: {0}")]
    ParentSpanId(IdParseError),
}

/// What a span takes from its resource: the service name (shared by all its spans) and the
/// fallbacks for environment and release.
#[derive(Debug, Clone)]
pub struct ResourceInfo {
    /// `service.name`, or `unknown_service` as the OpenTelemetry SDKs default.
    pub service_name: Arc<str>,
    /// `deployment.environment.name`.
    pub environment: Option<Str>,
    /// `service.version`.
    pub release: Option<Str>,
}

/// Service name used when a resource has none (the OpenTelemetry SDK default).
pub const UNKNOWN_SERVICE: &str = "unknown_service";

impl ResourceInfo {
    /// Reads a resource's attributes.
    pub fn from_resource(resource: Option<&Resource>) -> Self {
        let find = |key: &str| {
            resource?
                .attributes
                .iter()
                .find(|kv| kv.key == key)
                .and_then(|kv| kv.value.as_ref()?.value.as_ref())
                .and_then(value::as_string)
        };
        ResourceInfo {
            service_name: find(sc::SERVICE_NAME)
                .unwrap_or_else(|| UNKNOWN_SERVICE.to_owned())
                .into(),
            environment: find(sc::DEPLOYMENT_ENVIRONMENT_NAME).map(Str::from),
            release: find(sc::SERVICE_VERSION).map(Str::from),
        }
    }
}

/// The spans of a request that could be read, and the errors of those that could not.
#[derive(Debug, Default)]
pub struct DecodedSpans {
    /// Spans read, in request order.
    pub spans: Vec<SpanRecord>,
    /// One error per rejected span.
    pub rejected: Vec<FromOtlpError>,
}

/// Reads every span of an export request; invalid spans are listed in `rejected` (for the
/// OTLP partial-success answer) and do not stop the others.
pub fn spans_from_request(request: ExportTraceServiceRequest) -> DecodedSpans {
    let mut out = DecodedSpans::default();
    for resource_spans in request.resource_spans {
        let resource = ResourceInfo::from_resource(resource_spans.resource.as_ref());
        for scope_spans in resource_spans.scope_spans {
            let scope = scope_spans.scope;
            for span in scope_spans.spans {
                match span_from_otlp(span, &resource, scope.as_ref()) {
                    Ok(s) => out.spans.push(s),
                    Err(e) => out.rejected.push(e),
                }
            }
        }
    }
    out
}

fn span_id(bytes: &[u8]) -> Result<SpanId, IdParseError> {
    SpanId::try_from(bytes)
}

fn parent_id(bytes: &[u8]) -> Result<Option<SpanId>, FromOtlpError> {
    if bytes.is_empty() || (bytes.len() == 8 && bytes.iter().all(|b| *b == 0)) {
        return Ok(None);
    }
    span_id(bytes)
        .map(Some)
        .map_err(FromOtlpError::ParentSpanId)
}

/// Reads one OTLP span into ours: the span type from whichever dialect marks it
/// (ours, Langfuse, OpenInference, OpenLLMetry, `gen_ai.operation.name`, then the
/// attributes present), typed attributes from current and deprecated `gen_ai.*` and the
/// foreign dialects, input/output, trace-level fields, status, error and events. Attributes
/// nothing maps are kept in metadata (in a generic span's fields), under their own key.
///
/// `scope` is the span's instrumentation scope; a foreign scope's name is kept in metadata
/// under `otel.scope.name`.
pub fn span_from_otlp(
    span: Span,
    resource: &ResourceInfo,
    scope: Option<&InstrumentationScope>,
) -> Result<SpanRecord, FromOtlpError> {
    let (trace_id, span_id, parent_span_id) = ids(&span)?;
    let start_time = Timestamp::from_unix_nanos(span.start_time_unix_nano);
    let end_time =
        (span.end_time_unix_nano != 0).then(|| Timestamp::from_unix_nanos(span.end_time_unix_nano));

    let mut bag = Bag::new(span.attributes);
    let foreign = !bag.has(ours::SPAN_TYPE);
    let span_type = classify::classify(&mut bag);
    let mut metadata = Map::new();
    let ctx = typed::Ctx {
        span_name: &span.name,
        foreign,
    };
    let mut attributes = typed::read(span_type, &mut bag, &ctx, &mut metadata);
    let name = bag.take_string(ours::SPAN_NAME).unwrap_or(span.name);
    let input = content::read_io(&mut bag, span_type, false);
    let output = content::read_io(&mut bag, span_type, true);
    let (events, exception) = events::read_events(span.events, &mut attributes);
    fill_llm_extras(
        &mut attributes,
        &mut bag,
        output.as_ref(),
        &events,
        start_time,
    );
    let (status, error) = events::read_status(span.status, exception, &mut bag);
    let trace = trace::read_trace(&mut bag, resource);
    let (errored_descendants, ended_by_drop) = read_own_fields(&mut bag);
    read_metadata(&mut bag, &mut metadata);
    keep_scope_and_links(&mut metadata, scope, &span.links);
    keep_kind_and_state(&mut metadata, span_type, span.kind, span.trace_state);
    let attributes = finish_attributes(attributes, bag, &mut metadata);
    Ok(SpanRecord {
        trace_id,
        span_id,
        parent_span_id,
        name: name.into(),
        service_name: resource.service_name.clone(),
        attributes,
        input,
        output,
        metadata,
        start_time,
        end_time,
        status,
        error,
        errored_descendants,
        events,
        ended_by_drop,
        trace: Arc::new(trace),
    })
}

fn ids(span: &Span) -> Result<(TraceId, SpanId, Option<SpanId>), FromOtlpError> {
    Ok((
        TraceId::try_from(&span.trace_id[..]).map_err(FromOtlpError::TraceId)?,
        span_id(&span.span_id).map_err(FromOtlpError::SpanId)?,
        parent_id(&span.parent_span_id)?,
    ))
}

/// Our own span fields the conventions have no name for: errored descendants and
/// `ended_by_drop`.
fn read_own_fields(bag: &mut Bag) -> (Vec<SpanId>, bool) {
    let errored_descendants = bag
        .take_as(ours::ERRORED_DESCENDANTS, value::as_string_list)
        .map(|ids| ids.iter().filter_map(|s| SpanId::parse(s).ok()).collect())
        .unwrap_or_default();
    let ended_by_drop = bag
        .take_as(ours::ENDED_BY_DROP, value::as_bool)
        .unwrap_or(false);
    (errored_descendants, ended_by_drop)
}

/// LLM fields only known once output and events are read: finish reasons inside output
/// messages, time to first token from OpenInference's first-token event or Langfuse's
/// completion start time.
fn fill_llm_extras(
    attributes: &mut SpanAttributes,
    bag: &mut Bag,
    output: Option<&Value>,
    events: &[telemetry_types::SpanEvent],
    start: Timestamp,
) {
    let SpanAttributes::LlmGeneration(a) = attributes else {
        return;
    };
    if a.finish_reasons.is_empty() {
        a.finish_reasons = output.map(deprecated::finish_reasons).unwrap_or_default();
    }
    if a.time_to_first_token_ms.is_none() {
        a.time_to_first_token_ms = langfuse::time_to_first_token_ms(bag, start)
            .or_else(|| openinference::time_to_first_token_ms(events, start));
    }
}

fn read_metadata(bag: &mut Bag, metadata: &mut Map<String, Value>) {
    if bag.has_prefix(ours::METADATA_PREFIX) {
        for (k, v) in bag.take_prefix(ours::METADATA_PREFIX) {
            metadata.insert(k, v.map_or(Value::Null, |v| value::to_json(value::wrap(v))));
        }
    }
    langfuse::observation_metadata(bag, metadata);
    langfuse::prompt(bag, metadata);
    mastra::metadata(bag, metadata);
    openinference::metadata(bag, metadata);
}

fn keep_scope_and_links(
    metadata: &mut Map<String, Value>,
    scope: Option<&InstrumentationScope>,
    links: &[Link],
) {
    if let Some(scope) = scope.filter(|s| s.name != ours::SCOPE_NAME && !s.name.is_empty()) {
        metadata.insert(
            sc::OTEL_SCOPE_NAME.to_owned(),
            Value::String(scope.name.clone()),
        );
    }
    if !links.is_empty() {
        let links: Vec<Value> = links
            .iter()
            .map(|l| {
                json!({
                    "trace_id": TraceId::try_from(&l.trace_id[..]).ok().map(|t| t.to_string()),
                    "span_id": SpanId::try_from(&l.span_id[..]).ok().map(|s| s.to_string()),
                    "attributes": value::kvs_to_map(l.attributes.clone()),
                })
            })
            .collect();
        metadata.insert(ours::LINKS.to_owned(), Value::Array(links));
    }
}

/// Keeps what our span has no field for: a span kind other than the span type's, and the
/// W3C trace state.
fn keep_kind_and_state(
    metadata: &mut Map<String, Value>,
    span_type: SpanType,
    kind: i32,
    trace_state: String,
) {
    let kind = SpanKind::try_from(kind).unwrap_or(SpanKind::Unspecified);
    if kind != SpanKind::Unspecified && kind != names::span_kind(span_type) {
        let name = kind.as_str_name().trim_start_matches("SPAN_KIND_");
        metadata.insert(ours::OTEL_SPAN_KIND.to_owned(), Value::from(name));
    }
    if !trace_state.is_empty() {
        metadata.insert(
            ours::OTEL_TRACE_STATE.to_owned(),
            Value::String(trace_state),
        );
    }
}

/// A generic span keeps what is left as its fields; other types keep it in metadata.
fn finish_attributes(
    attributes: SpanAttributes,
    bag: Bag,
    metadata: &mut Map<String, Value>,
) -> SpanAttributes {
    match attributes {
        SpanAttributes::Generic(mut g) => {
            bag.drain_into(&mut g.fields);
            SpanAttributes::Generic(g)
        }
        other => {
            bag.drain_into(metadata);
            debug_assert_ne!(other.span_type(), SpanType::Generic);
            other
        }
    }
}
