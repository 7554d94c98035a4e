//! Reading a request body under a size cap, and telling its format from `Content-Type`.

use std::error::Error as _;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, header};
use http_body_util::LengthLimitError;

use super::error::IngestError;

/// The encoding of an OTLP/HTTP body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OtlpFormat {
    /// `application/x-protobuf` (or `application/protobuf`).
    Protobuf,
    /// `application/json`.
    Json,
}

impl OtlpFormat {
    /// The format a request's `Content-Type` names (parameters such as `charset` ignored).
    pub fn from_headers(headers: &HeaderMap) -> Result<OtlpFormat, IngestError> {
        let raw = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let essence = raw
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match essence.as_str() {
            "application/x-protobuf" | "application/protobuf" => Ok(OtlpFormat::Protobuf),
            "application/json" => Ok(OtlpFormat::Json),
            _ => Err(IngestError::UnsupportedMediaType(raw.to_owned())),
        }
    }

    /// The `Content-Type` of answers in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            OtlpFormat::Protobuf => "application/x-protobuf",
            OtlpFormat::Json => "application/json",
        }
    }
}

/// Reads at most `limit` bytes of `body` (already decompressed by the decompression layer,
/// which inflates only as far as it is read): over the limit is [`IngestError::TooLarge`]
/// the moment the limit is crossed; a truncated or corrupt stream is
/// [`IngestError::UnreadableBody`].
pub async fn read_limited(body: Body, limit: usize) -> Result<Bytes, IngestError> {
    axum::body::to_bytes(body, limit).await.map_err(|err| {
        if is_length_limit(&err) {
            IngestError::TooLarge(limit)
        } else {
            IngestError::UnreadableBody(err.to_string())
        }
    })
}

/// Whether a body error is (caused by) the length limit.
fn is_length_limit(err: &axum::Error) -> bool {
    let mut cause = err.source();
    while let Some(inner) = cause {
        if inner.is::<LengthLimitError>() {
            return true;
        }
        cause = inner.source();
    }
    false
}
