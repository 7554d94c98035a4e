//! Native ingest (`POST /api/v1/events`): the JSON batch of `TelemetryEvent`s that our HTTP
//! exporter sends. Events that cannot be read are counted as rejected; the others are stored.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;
use serde_json::value::RawValue;
use telemetry_otlp::{NATIVE_FORMAT, NATIVE_VERSION, NativeResponse};
use telemetry_types::TelemetryEvent;

use super::IngestState;
use super::body::read_limited;
use super::error::IngestError;
use crate::prometheus as m;
use crate::state::Caller;

/// Metrics label of `POST /api/v1/events`.
pub const ROUTE_NATIVE: &str = "native";

/// A native batch with its events left unparsed, so one bad event does not sink the rest.
#[derive(Deserialize)]
struct RawBatch<'a> {
    format: String,
    version: u32,
    #[serde(borrow)]
    events: Vec<&'a RawValue>,
}

/// `POST /api/v1/events`.
pub async fn native_events(
    State(state): State<IngestState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    match store_batch(&state, caller, &headers, body).await {
        Ok(answer) => (StatusCode::OK, Json(answer)).into_response(),
        Err(err) => err.refused(ROUTE_NATIVE),
    }
}

async fn store_batch(
    state: &IngestState,
    caller: Caller,
    headers: &HeaderMap,
    body: Body,
) -> Result<NativeResponse, IngestError> {
    require_json(headers)?;
    let bytes = read_limited(body, state.limits.max_body_bytes).await?;
    let (events, rejected, first_error) = parse_batch(&bytes)?;
    m::spans_rejected(ROUTE_NATIVE, "invalid_event", rejected);
    let spans = events.iter().filter(|e| e.span().is_some()).count();
    let accepted = events.len();
    if accepted > 0 {
        if let Err(err) = state.submit(caller.project, events, spans).await {
            m::spans_rejected(ROUTE_NATIVE, err.reason(), spans);
            return Err(err);
        }
        m::spans_accepted(ROUTE_NATIVE, spans);
    }
    Ok(NativeResponse {
        accepted: accepted as u64,
        rejected: rejected as u64,
        error_message: first_error,
    })
}

/// `application/json`, or no `Content-Type` at all.
fn require_json(headers: &HeaderMap) -> Result<(), IngestError> {
    let Some(raw) = headers.get(header::CONTENT_TYPE) else {
        return Ok(());
    };
    let text = raw.to_str().unwrap_or("");
    let essence = text.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case("application/json") {
        Ok(())
    } else {
        Err(IngestError::UnsupportedMediaType(text.to_owned()))
    }
}

/// The events that could be read, how many could not, and the first reason.
pub fn parse_batch(
    bytes: &[u8],
) -> Result<(Vec<TelemetryEvent>, usize, Option<String>), IngestError> {
    let batch: RawBatch<'_> =
        serde_json::from_slice(bytes).map_err(|e| IngestError::Malformed(e.to_string()))?;
    if batch.format != NATIVE_FORMAT || batch.version != NATIVE_VERSION {
        return Err(IngestError::Malformed(format!(
            "unsupported batch format {:?} version {} (this server reads {NATIVE_FORMAT:?} version {NATIVE_VERSION})",
            batch.format, batch.version
        )));
    }
    let mut events = Vec::with_capacity(batch.events.len());
    let mut rejected = 0;
    let mut first_error = None;
    for raw in batch.events {
        match serde_json::from_str::<TelemetryEvent>(raw.get()) {
            Ok(event) => events.push(event),
            Err(err) => {
                rejected += 1;
                first_error.get_or_insert_with(|| format!("invalid event: {err}"));
            }
        }
    }
    Ok((events, rejected, first_error))
}
