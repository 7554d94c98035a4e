//! What an HTTP answer (or its absence) means for a batch, as the OTLP specification says.

use std::time::{Duration, SystemTime};

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceResponse;
use prost::Message;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use super::config::WireFormat;
use telemetry_otlp::NativeResponse;

/// Longest part of an error body kept for the log.
const MAX_MESSAGE: usize = 300;

/// The server took the batch (2xx); it may have refused part of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Accepted {
    /// Events the server says it refused (OTLP `partial_success.rejected_spans`).
    pub(crate) rejected: u64,
    /// The server's explanation, if any.
    pub(crate) message: Option<String>,
}

/// Why a try did not deliver.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Failure {
    /// Worth retrying: 429, 502, 503, 504, a connection error or a timeout.
    Retryable {
        /// What happened.
        reason: String,
        /// The server's `Retry-After`, when it sent one.
        retry_after: Option<Duration>,
    },
    /// Not worth retrying: any other status; the batch is rejected.
    Rejected {
        /// The status.
        status: u16,
        /// Start of the response body.
        message: String,
    },
}

impl Failure {
    pub(crate) fn is_retryable(&self) -> bool {
        matches!(self, Failure::Retryable { .. })
    }

    pub(crate) fn retry_after(&self) -> Option<Duration> {
        match self {
            Failure::Retryable { retry_after, .. } => *retry_after,
            Failure::Rejected { .. } => None,
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Retryable { reason, .. } => f.write_str(reason),
            Failure::Rejected { status, message } => write!(f, "HTTP {status}: {message}"),
        }
    }
}

/// Whether the OTLP specification asks to retry `status`.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

/// Classifies a transport error: everything that is not a local mistake is retryable.
pub(crate) fn transport_failure(error: &reqwest::Error) -> Failure {
    let kind = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "cannot connect"
    } else {
        "connection failed"
    };
    Failure::Retryable {
        reason: format!("{kind}: {}", error_chain(error)),
        retry_after: None,
    }
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        text.push_str(": ");
        text.push_str(&e.to_string());
        source = e.source();
    }
    text
}

/// Classifies a non-2xx status.
pub(crate) fn status_failure(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Failure {
    if is_retryable_status(status) {
        Failure::Retryable {
            reason: format!("HTTP {}", status.as_u16()),
            retry_after: retry_after(headers, SystemTime::now()),
        }
    } else {
        Failure::Rejected {
            status: status.as_u16(),
            message: body_text(body),
        }
    }
}

/// Reads a 2xx body: the partial success of OTLP, or our native answer.
pub(crate) fn accepted(format: WireFormat, body: &[u8]) -> Accepted {
    let (rejected, message) = match format {
        _ if body.is_empty() => (0, None),
        WireFormat::OtlpProtobuf | WireFormat::OtlpGrpc => ExportTraceServiceResponse::decode(body)
            .ok()
            .and_then(|r| r.partial_success)
            .map_or((0, None), |p| (p.rejected_spans, Some(p.error_message))),
        WireFormat::OtlpJson => otlp_json_partial_success(body),
        WireFormat::Native => serde_json::from_slice::<NativeResponse>(body)
            .map_or((0, None), |r| (r.rejected as i64, r.error_message)),
    };
    Accepted {
        rejected: u64::try_from(rejected).unwrap_or(0),
        message: message.filter(|m| !m.is_empty()),
    }
}

/// `partialSuccess` of an OTLP/JSON answer; `rejectedSpans` may be a number or a string.
fn otlp_json_partial_success(body: &[u8]) -> (i64, Option<String>) {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return (0, None);
    };
    let partial = &value["partialSuccess"];
    let rejected = match &partial["rejectedSpans"] {
        serde_json::Value::Number(n) => n.as_i64().unwrap_or(0),
        serde_json::Value::String(s) => s.parse().unwrap_or(0),
        _ => 0,
    };
    let message = partial["errorMessage"].as_str().map(str::to_owned);
    (rejected, message)
}

/// `Retry-After` as a delay: delta-seconds or an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let at = SystemTime::from(date.with_timezone(&chrono::Utc));
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

fn body_text(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(&body[..body.len().min(MAX_MESSAGE)]);
    text.chars().filter(|c| !c.is_control()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(value: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
        map
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
        assert_eq!(
            retry_after(&headers("3"), now),
            Some(Duration::from_secs(3))
        );
        // Sun, 06 Nov 1994 08:49:37 GMT is 784111777.
        let date = "Sun, 06 Nov 1994 08:49:47 GMT";
        assert_eq!(
            retry_after(&headers(date), now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(retry_after(&headers("soon"), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn only_the_spec_statuses_are_retried() {
        for code in [429, 502, 503, 504] {
            assert!(is_retryable_status(StatusCode::from_u16(code).unwrap()));
        }
        for code in [400, 401, 403, 404, 413, 500, 501] {
            assert!(!is_retryable_status(StatusCode::from_u16(code).unwrap()));
        }
    }

    #[test]
    fn partial_success_is_read_from_every_format() {
        let json = br#"{"partialSuccess":{"rejectedSpans":"2","errorMessage":"too old"}}"#;
        assert_eq!(
            accepted(WireFormat::OtlpJson, json),
            Accepted {
                rejected: 2,
                message: Some("too old".into())
            }
        );
        let proto = ExportTraceServiceResponse {
            partial_success: Some(
                opentelemetry_proto::tonic::collector::trace::v1::ExportTracePartialSuccess {
                    rejected_spans: 3,
                    error_message: String::new(),
                },
            ),
        }
        .encode_to_vec();
        assert_eq!(accepted(WireFormat::OtlpProtobuf, &proto).rejected, 3);
        assert_eq!(
            accepted(WireFormat::Native, br#"{"rejected":1}"#).rejected,
            1
        );
        assert_eq!(accepted(WireFormat::OtlpProtobuf, b"").rejected, 0);
    }
}
