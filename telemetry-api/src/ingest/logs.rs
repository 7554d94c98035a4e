//! OTLP/HTTP log ingest (`POST /v1/logs`, protobuf or JSON): every readable record is
//! stored (records in a span show as that span's events at read time), unreadable ones are
//! counted in the partial success. The answer comes after the records are committed.

use axum::Extension;
use axum::body::Body;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use opentelemetry_proto::tonic::collector::logs::v1::{
    ExportLogsPartialSuccess, ExportLogsServiceRequest, ExportLogsServiceResponse,
};
use telemetry_otlp::{self as otel, DecodedLogs};

use super::IngestState;
use super::body::{OtlpFormat, read_limited};
use super::error::IngestError;
use super::otlp::{answer_in, rejection_message};
use crate::pipeline::CommitError;
use crate::state::Caller;

/// Metrics label of `POST /v1/logs`.
pub const ROUTE_OTLP_LOGS: &str = "otlp_logs";

/// `POST /v1/logs`.
pub async fn otlp_logs(
    State(state): State<IngestState>,
    Extension(caller): Extension<Caller>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    store_request(&state, caller, &headers, body)
        .await
        .unwrap_or_else(|err| err.refused(ROUTE_OTLP_LOGS))
}

async fn store_request(
    state: &IngestState,
    caller: Caller,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response, IngestError> {
    let format = OtlpFormat::from_headers(headers)?;
    let bytes = read_limited(body, state.limits.max_body_bytes).await?;
    let decoded = match format {
        OtlpFormat::Protobuf => otel::decode_logs_protobuf(&bytes),
        OtlpFormat::Json => otel::decode_logs_json(&bytes),
    };
    let request = decoded.map_err(|err| IngestError::Malformed(err.to_string()))?;
    let partial = store_logs(state, caller, request).await?;
    let json = json_answer(partial.as_ref());
    let protobuf = ExportLogsServiceResponse {
        partial_success: partial,
    };
    Ok(answer_in(format, &protobuf, json))
}

/// Stores the readable records of a decoded request and returns the partial success for
/// the others: what OTLP/HTTP and OTLP/gRPC share.
pub(crate) async fn store_logs(
    state: &IngestState,
    caller: Caller,
    request: ExportLogsServiceRequest,
) -> Result<Option<ExportLogsPartialSuccess>, IngestError> {
    let DecodedLogs { records, rejected } = otel::logs_from_request(request);
    if !records.is_empty() {
        let store = state.pipeline.store();
        if let Err(err) = store.insert_logs(caller.project, &records).await {
            tracing::warn!(error = %err, "log records not stored");
            let retry_after = state.limits.retry_after_secs;
            return Err(match CommitError::from_store(&err) {
                CommitError::Unavailable(_) => IngestError::Unavailable { retry_after },
                CommitError::Refused(_) => IngestError::Internal,
            });
        }
    }
    Ok((!rejected.is_empty()).then(|| ExportLogsPartialSuccess {
        rejected_log_records: i64::try_from(rejected.len()).unwrap_or(i64::MAX),
        error_message: rejection_message(&rejected),
    }))
}

/// OTLP/JSON answer.
fn json_answer(partial: Option<&ExportLogsPartialSuccess>) -> serde_json::Value {
    match partial {
        Some(p) => serde_json::json!({
            "partialSuccess": {
                "rejectedLogRecords": p.rejected_log_records.to_string(),
                "errorMessage": p.error_message,
            }
        }),
        None => serde_json::json!({}),
    }
}
