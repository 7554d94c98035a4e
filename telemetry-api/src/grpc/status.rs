//! The gRPC status of each ingest failure (the counterpart of the HTTP statuses in
//! [`crate::ingest::error`]).

use std::time::Duration;

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

use crate::ingest::error::IngestError;

/// The status a refused export answers, recorded like an HTTP refusal.
pub(super) fn refused(route: &'static str, err: &IngestError) -> Status {
    err.record_refusal(route);
    of(err)
}

/// The status a failed ingest answers.
pub(super) fn of(err: &IngestError) -> Status {
    let message = err.to_string();
    match err {
        IngestError::TooLarge(_) => Status::resource_exhausted(message),
        IngestError::UnsupportedMediaType(_)
        | IngestError::UnreadableBody(_)
        | IngestError::Malformed(_) => Status::invalid_argument(message),
        IngestError::Busy { retry_after } | IngestError::Unavailable { retry_after } => {
            retry_later(&message, *retry_after)
        }
        IngestError::Internal => Status::internal(message),
    }
}

/// `UNAVAILABLE` with a `google.rpc.RetryInfo` detail: OTLP clients retry after its delay.
pub(super) fn retry_later(message: &str, secs: u64) -> Status {
    let details = ErrorDetails::with_retry_info(Some(Duration::from_secs(secs)));
    Status::with_error_details(Code::Unavailable, message, details)
}
