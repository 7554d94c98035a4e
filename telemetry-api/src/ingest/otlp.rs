//! OTLP/HTTP trace ingest (`POST /v1/traces`, and the Langfuse route): protobuf or JSON,
//! spans read by the two-way OpenTelemetry mapping, partial success for invalid spans.

use std::sync::Arc;

use axum::Extension;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTracePartialSuccess, ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use prost::Message;
use telemetry_otlp::{self as otel, DecodedSpans};
use telemetry_types::{SpanRecord, TelemetryEvent};

use super::IngestState;
use super::body::{OtlpFormat, read_limited};
use super::error::IngestError;
use crate::prometheus as m;
use crate::state::Caller;

/// Metrics label of `POST /v1/traces`.
pub const ROUTE_OTLP: &str = "otlp";
/// Metrics label of `POST /api/public/otel/v1/traces`.
pub const ROUTE_LANGFUSE: &str = "langfuse";

/// `POST /v1/traces`.
pub async fn otlp_traces(
    State(state): State<IngestState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    ingest_otlp(&state, caller, &headers, body, ROUTE_OTLP).await
}

/// `POST /api/public/otel/v1/traces`: the same, where the Langfuse SDK sends.
pub async fn langfuse_traces(
    State(state): State<IngestState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    ingest_otlp(&state, caller, &headers, body, ROUTE_LANGFUSE).await
}

async fn ingest_otlp(
    state: &IngestState,
    caller: Caller,
    headers: &HeaderMap,
    body: Body,
    route: &'static str,
) -> Response {
    store_request(state, caller, headers, body, route)
        .await
        .unwrap_or_else(|err| err.refused(route))
}

async fn store_request(
    state: &IngestState,
    caller: Caller,
    headers: &HeaderMap,
    body: Body,
    route: &'static str,
) -> Result<Response, IngestError> {
    let format = OtlpFormat::from_headers(headers)?;
    let bytes = read_limited(body, state.limits.max_body_bytes).await?;
    let request = decode(format, &bytes)?;
    let partial = store_spans(state, caller, request, route).await?;
    Ok(answer(format, partial))
}

/// Stores the valid spans of a decoded request (answering once they are committed) and
/// returns the partial success for the invalid ones: what OTLP/HTTP and OTLP/gRPC share.
pub(crate) async fn store_spans(
    state: &IngestState,
    caller: Caller,
    request: ExportTraceServiceRequest,
    route: &'static str,
) -> Result<Option<ExportTracePartialSuccess>, IngestError> {
    let DecodedSpans { spans, rejected } = otel::spans_from_request(request);
    let accepted = spans.len();
    m::spans_rejected(route, "invalid_span", rejected.len());
    if accepted > 0 {
        let events = spans.into_iter().map(event_of).collect();
        if let Err(err) = state.submit(caller.project, events, accepted).await {
            m::spans_rejected(route, err.reason(), accepted);
            return Err(err);
        }
        m::spans_accepted(route, accepted);
    }
    Ok(partial_success(&rejected))
}

/// Decodes a body in `format`.
pub fn decode(format: OtlpFormat, bytes: &[u8]) -> Result<ExportTraceServiceRequest, IngestError> {
    let decoded = match format {
        OtlpFormat::Protobuf => otel::decode_protobuf(bytes),
        OtlpFormat::Json => otel::decode_json(bytes),
    };
    decoded.map_err(|err| IngestError::Malformed(err.to_string()))
}

/// An OTLP span becomes a span-ended event (a span-started one when it has no end time).
fn event_of(span: SpanRecord) -> TelemetryEvent {
    let ended = span.end_time.is_some();
    let span = Arc::new(span);
    if ended {
        TelemetryEvent::SpanEnded { span }
    } else {
        TelemetryEvent::SpanStarted { span }
    }
}

/// The partial success of a request with `rejected` spans (none when every span was kept).
fn partial_success(rejected: &[otel::FromOtlpError]) -> Option<ExportTracePartialSuccess> {
    (!rejected.is_empty()).then(|| ExportTracePartialSuccess {
        rejected_spans: i64::try_from(rejected.len()).unwrap_or(i64::MAX),
        error_message: rejection_message(rejected),
    })
}

/// The partial-success message: the first few reasons.
pub(crate) fn rejection_message<E: ToString>(rejected: &[E]) -> String {
    let mut reasons: Vec<String> = rejected.iter().take(3).map(ToString::to_string).collect();
    if rejected.len() > 3 {
        reasons.push(format!("and {} more", rejected.len() - 3));
    }
    reasons.join("; ")
}

/// The OTLP answer, with `partial_success` when spans were rejected, in the request's format.
fn answer(format: OtlpFormat, partial: Option<ExportTracePartialSuccess>) -> Response {
    let json = json_answer(partial.as_ref());
    let protobuf = ExportTraceServiceResponse {
        partial_success: partial,
    };
    answer_in(format, &protobuf, json)
}

/// A 200 answer in the request's format: `protobuf` encoded, or `json`.
pub(crate) fn answer_in(
    format: OtlpFormat,
    protobuf: &impl Message,
    json: serde_json::Value,
) -> Response {
    let body = match format {
        OtlpFormat::Protobuf => protobuf.encode_to_vec(),
        OtlpFormat::Json => json.to_string().into_bytes(),
    };
    let mut response = (StatusCode::OK, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    response
}

/// OTLP/JSON answer (64-bit integers as strings, as the protobuf JSON mapping writes them).
fn json_answer(partial: Option<&ExportTracePartialSuccess>) -> serde_json::Value {
    match partial {
        Some(p) => serde_json::json!({
            "partialSuccess": {
                "rejectedSpans": p.rejected_spans.to_string(),
                "errorMessage": p.error_message,
            }
        }),
        None => serde_json::json!({}),
    }
}
