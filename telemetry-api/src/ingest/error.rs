//! Why an ingest request failed, and the HTTP answer for each reason.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::pipeline::{CommitError, SubmitError};

/// An ingest request that stored nothing.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// `Content-Type` is not one the route reads (415).
    #[error("unsupported content type {0:?}; send application/x-protobuf or application/json")]
    UnsupportedMediaType(String),
    /// The (decompressed) body is over the limit (413).
    #[error("request body over the limit of {0} bytes")]
    TooLarge(usize),
    /// The body could not be read: a truncated or corrupt gzip stream, a broken connection (400).
    #[error("unreadable request body: {0}")]
    UnreadableBody(String),
    /// The body is not a valid request of the route's format (400).
    #[error("malformed request: {0}")]
    Malformed(String),
    /// The write pipeline is full (503 with `Retry-After`).
    #[error("the server is busy; retry later")]
    Busy {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// The database is unavailable or the server is stopping (503 with `Retry-After`).
    #[error("the store is unavailable; retry later")]
    Unavailable {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// The store refused the batch (500; the details are logged, not shown).
    #[error("internal error")]
    Internal,
}

impl IngestError {
    /// Counts a refused request under `route` in the metrics and logs it at debug level: what
    /// every ingest route, HTTP or gRPC, does before answering.
    pub(crate) fn record_refusal(&self, route: &'static str) {
        crate::prometheus::request_rejected(route, self.reason());
        tracing::debug!(route, error = %self, "ingest request refused");
    }

    /// The HTTP answer to a refused request, recorded by [`record_refusal`](Self::record_refusal).
    pub(crate) fn refused(self, route: &'static str) -> Response {
        self.record_refusal(route);
        self.into_response()
    }

    /// The metrics label of this reason.
    pub fn reason(&self) -> &'static str {
        match self {
            IngestError::UnsupportedMediaType(_) => "unsupported_media_type",
            IngestError::TooLarge(_) => "too_large",
            IngestError::UnreadableBody(_) => "unreadable_body",
            IngestError::Malformed(_) => "malformed",
            IngestError::Busy { .. } => "pipeline_full",
            IngestError::Unavailable { .. } => "unavailable",
            IngestError::Internal => "internal",
        }
    }

    /// The HTTP status of this reason.
    pub fn status(&self) -> StatusCode {
        match self {
            IngestError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            IngestError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            IngestError::UnreadableBody(_) | IngestError::Malformed(_) => StatusCode::BAD_REQUEST,
            IngestError::Busy { .. } | IngestError::Unavailable { .. } => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            IngestError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The error of a pipeline submission, with `retry_after` for the retryable ones.
    pub fn from_submit(err: SubmitError, retry_after: u64) -> Self {
        match err {
            SubmitError::Full => IngestError::Busy { retry_after },
            SubmitError::Closed | SubmitError::Commit(CommitError::Unavailable(_)) => {
                IngestError::Unavailable { retry_after }
            }
            SubmitError::Commit(CommitError::Refused(_)) => IngestError::Internal,
        }
    }
}

impl IntoResponse for IngestError {
    fn into_response(self) -> Response {
        let retry_after = match &self {
            IngestError::Busy { retry_after } | IngestError::Unavailable { retry_after } => {
                Some(*retry_after)
            }
            _ => None,
        };
        let mut response = (self.status(), format!("{self}\n")).into_response();
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}
