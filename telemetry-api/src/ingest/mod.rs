//! Ingest routes: OTLP/HTTP traces and logs (protobuf and JSON, gzip), the Langfuse OTel route and
//! our native event batches, all feeding the write pipeline; and the Langfuse SDK's scores,
//! written straight to the store.
//!
//! Bodies may be gzip-compressed (`Content-Encoding: gzip`); they are inflated as they are
//! read and capped at [`Limits::max_body_bytes`] after inflation, so a gzip bomb is refused
//! with 413 after at most that many bytes of work.

pub mod body;
pub mod error;
mod langfuse_score;
pub mod langfuse_scores;
pub mod logs;
pub mod native;
pub mod otlp;

use axum::Router;
use axum::routing::post;
use telemetry_store::{IngestReport, ProjectId};
use telemetry_types::TelemetryEvent;
use tower_http::decompression::RequestDecompressionLayer;

use crate::config::Limits;
use crate::pipeline::Pipeline;
use error::IngestError;

/// What the ingest handlers share.
#[derive(Debug, Clone)]
pub struct IngestState {
    /// The write pipeline.
    pub pipeline: Pipeline,
    /// Limits.
    pub limits: Limits,
}

impl IngestState {
    /// Submits events to the pipeline; pipeline errors become HTTP errors.
    pub(crate) async fn submit(
        &self,
        project: ProjectId,
        events: Vec<TelemetryEvent>,
        spans: usize,
    ) -> Result<IngestReport, IngestError> {
        self.pipeline
            .submit(project, events, spans)
            .await
            .map_err(|err| IngestError::from_submit(err, self.limits.retry_after_secs))
    }
}

/// Path of OTLP/HTTP trace ingest.
pub const OTLP_TRACES_PATH: &str = "/v1/traces";
/// Path of OTLP/HTTP log ingest.
pub const OTLP_LOGS_PATH: &str = "/v1/logs";
/// Path of the Langfuse-compatible OTLP route.
pub const LANGFUSE_TRACES_PATH: &str = "/api/public/otel/v1/traces";
/// Path of the Langfuse-compatible scores route.
pub const LANGFUSE_SCORES_PATH: &str = "/api/public/scores";
/// Path of the Langfuse ingestion batch (read for its `score-create` events).
pub const LANGFUSE_INGESTION_PATH: &str = "/api/public/ingestion";
/// Path of native ingest.
pub const NATIVE_EVENTS_PATH: &str = "/api/v1/events";

/// The ingest routes (they expect a [`crate::state::Caller`] from the auth layer).
pub fn router<S: Clone + Send + Sync + 'static>(state: IngestState) -> Router<S> {
    Router::new()
        .route(OTLP_TRACES_PATH, post(otlp::otlp_traces))
        .route(OTLP_LOGS_PATH, post(logs::otlp_logs))
        .route(LANGFUSE_TRACES_PATH, post(otlp::langfuse_traces))
        .route(LANGFUSE_SCORES_PATH, post(langfuse_scores::scores))
        .route(LANGFUSE_INGESTION_PATH, post(langfuse_scores::ingestion))
        .route(NATIVE_EVENTS_PATH, post(native::native_events))
        .layer(RequestDecompressionLayer::new())
        .with_state(state)
}
