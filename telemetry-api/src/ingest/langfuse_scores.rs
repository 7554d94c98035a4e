//! The Langfuse SDK's scores: `POST /api/public/scores` (one score, or a JSON array of them)
//! and `POST /api/public/ingestion` (the batch its Python SDK v3 sends `span.score(...)` and
//! `score_current_trace(...)` through; `score-create` events are read, other event types are
//! refused per event, since traces come over OpenTelemetry).
//!
//! Answers as Langfuse does: 200 `{"id"}` for one score; for an array (what the Python SDK v4+
//! sends), 202 `{"message": "Accepted"}` when every score was stored, else 207
//! `{"accepted", "rejected", "errors": [{"message", "index", "id", "status"}]}`; for an
//! ingestion batch (older SDKs), 207
//! `{"successes": [{"id", "status"}], "errors": [{"id", "status", "message", "error"}]}`. Scores are written straight to the store (like GraphQL's
//! `createScore`), not through the span pipeline; one with an `id` replaces the score sent
//! before with that id.

use axum::Extension;
use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::IngestState;
use super::body::read_limited;
use super::error::IngestError;
use super::langfuse_score::LangfuseScore;
use crate::pipeline::CommitError;
use crate::state::Caller;

/// An item that was not stored: its HTTP status and why.
struct Refusal {
    status: StatusCode,
    message: String,
}

impl Refusal {
    fn invalid(message: impl Into<String>) -> Self {
        Refusal {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    fn json(&self, id: &str) -> Value {
        json!({
            "id": id,
            "status": self.status.as_u16(),
            "message": self.message,
            "error": self.status.canonical_reason().unwrap_or("error"),
        })
    }
}

/// `POST /api/public/scores`.
pub async fn scores(
    State(state): State<IngestState>,
    Extension(caller): Extension<Caller>,
    body: Body,
) -> Response {
    let body = match read_json(&state, body).await {
        Ok(body) => body,
        Err(err) => return err.into_response(),
    };
    match body {
        Value::Array(items) => {
            let mut answer = ScoreBatch::default();
            for (index, item) in items.into_iter().enumerate() {
                let id = given_id(&item);
                let stored = store(&state, caller, item).await;
                answer.push(index, id, stored);
            }
            answer.into_response()
        }
        item => match store(&state, caller, item).await {
            Ok(id) => (StatusCode::OK, Json(json!({ "id": id }))).into_response(),
            Err(refusal) => (
                refusal.status,
                Json(json!({"message": refusal.message, "error":
                    refusal.status.canonical_reason()})),
            )
                .into_response(),
        },
    }
}

/// The ingestion batch's envelope.
#[derive(Debug, Deserialize)]
struct Batch {
    batch: Vec<Event>,
}

/// One ingestion event.
#[derive(Debug, Deserialize)]
struct Event {
    id: Option<String>,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    body: Value,
}

/// The event type of a score.
const SCORE_CREATE: &str = "score-create";

/// `POST /api/public/ingestion`.
pub async fn ingestion(
    State(state): State<IngestState>,
    Extension(caller): Extension<Caller>,
    body: Body,
) -> Response {
    let batch = match read_json(&state, body).await.and_then(|v| {
        serde_json::from_value::<Batch>(v).map_err(|e| IngestError::Malformed(e.to_string()))
    }) {
        Ok(batch) => batch,
        Err(err) => return err.into_response(),
    };
    let mut answer = MultiStatus::default();
    for event in batch.batch {
        let id = event.id.unwrap_or_default();
        let stored = if event.kind == SCORE_CREATE {
            store(&state, caller, event.body).await
        } else {
            Err(Refusal::invalid(format!(
                "event type {:?} is not read here: send traces and observations over \
                 OpenTelemetry (/api/public/otel/v1/traces)",
                event.kind
            )))
        };
        answer.push(id, stored);
    }
    answer.into_response()
}

/// The answer to an array of scores.
#[derive(Default)]
struct ScoreBatch {
    accepted: usize,
    errors: Vec<Value>,
}

impl ScoreBatch {
    fn push(&mut self, index: usize, id: String, stored: Result<String, Refusal>) {
        match stored {
            Ok(_) => self.accepted += 1,
            Err(refusal) => {
                let mut error = refusal.json(&id);
                error["index"] = Value::from(index);
                self.errors.push(error);
            }
        }
    }
}

impl IntoResponse for ScoreBatch {
    fn into_response(self) -> Response {
        if self.errors.is_empty() {
            return (StatusCode::ACCEPTED, Json(json!({"message": "Accepted"}))).into_response();
        }
        let body = json!({
            "accepted": self.accepted,
            "rejected": self.errors.len(),
            "errors": self.errors,
        });
        (StatusCode::MULTI_STATUS, Json(body)).into_response()
    }
}

/// The 207 answer of an ingestion batch.
#[derive(Default)]
struct MultiStatus {
    successes: Vec<Value>,
    errors: Vec<Value>,
}

impl MultiStatus {
    fn push(&mut self, id: String, stored: Result<String, Refusal>) {
        match stored {
            Ok(_) => self.successes.push(json!({ "id": id, "status": 201 })),
            Err(refusal) => self.errors.push(refusal.json(&id)),
        }
    }
}

impl IntoResponse for MultiStatus {
    fn into_response(self) -> Response {
        let body = json!({ "successes": self.successes, "errors": self.errors });
        (StatusCode::MULTI_STATUS, Json(body)).into_response()
    }
}

async fn read_json(state: &IngestState, body: Body) -> Result<Value, IngestError> {
    let bytes = read_limited(body, state.limits.max_body_bytes).await?;
    serde_json::from_slice(&bytes).map_err(|e| IngestError::Malformed(e.to_string()))
}

/// The `id` an item gives, for the 207 answer (even when the item is refused).
fn given_id(item: &Value) -> String {
    item.get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Stores one score; its id (the client's, or a new one) or why not.
async fn store(state: &IngestState, caller: Caller, item: Value) -> Result<String, Refusal> {
    let score: LangfuseScore =
        serde_json::from_value(item).map_err(|e| Refusal::invalid(e.to_string()))?;
    let key = score.id().map_or_else(new_id, str::to_owned);
    let new = score.into_new_score().map_err(Refusal::invalid)?;
    let store = state.pipeline.store();
    match store.put_score(caller.project, &key, new).await {
        Ok(_) => Ok(key),
        Err(telemetry_store::Error::InvalidArgument(message)) => Err(Refusal::invalid(message)),
        Err(err) => Err(store_refusal(&err)),
    }
}

fn store_refusal(err: &telemetry_store::Error) -> Refusal {
    tracing::warn!(error = %err, "a Langfuse score was not stored");
    let status = match CommitError::from_store(err) {
        CommitError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        CommitError::Refused(_) => StatusCode::INTERNAL_SERVER_ERROR,
    };
    Refusal {
        status,
        message: status.canonical_reason().unwrap_or("error").to_owned(),
    }
}

/// A random UUID-shaped id for a score sent without one.
fn new_id() -> String {
    let hex = telemetry_types::TraceId::random().to_string();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}
