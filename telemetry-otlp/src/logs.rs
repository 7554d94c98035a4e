//! Inbound OTLP logs: decoding `ExportLogsServiceRequest` bodies and reading their records.

use opentelemetry_proto::tonic::collector::logs::v1::ExportLogsServiceRequest;
use opentelemetry_proto::tonic::logs::v1::LogRecord as OtlpLogRecord;
use prost::Message;
use telemetry_types::{IdParseError, LogRecord, SpanId, Timestamp, TraceId};

use crate::decode::{DecodeError, normalise_json};
use crate::from_otlp::ResourceInfo;
use crate::value;

/// Why a log record could not be read (counted in the partial success).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogRecordError {
    /// `trace_id` is neither empty nor 16 bytes.
    #[error("invalid log record trace id: {0}")]
    TraceId(IdParseError),
    /// `span_id` is neither empty nor 8 bytes.
    #[error("invalid log record span id: {0}")]
    SpanId(IdParseError),
    /// A span id without a trace id names no span.
    #[error("log record with a span id but no trace id")]
    SpanWithoutTrace,
}

/// The records of a logs request that could be read, and the errors of the others.
#[derive(Debug, Default)]
pub struct DecodedLogs {
    /// Records read, in request order.
    pub records: Vec<LogRecord>,
    /// One error per rejected record.
    pub rejected: Vec<LogRecordError>,
}

/// Decodes a protobuf logs body.
pub fn decode_logs_protobuf(body: &[u8]) -> Result<ExportLogsServiceRequest, DecodeError> {
    Ok(ExportLogsServiceRequest::decode(body)?)
}

/// Decodes an OTLP/JSON logs body, with the same leniency as [`crate::decode_json`].
pub fn decode_logs_json(body: &[u8]) -> Result<ExportLogsServiceRequest, DecodeError> {
    match serde_json::from_slice(body) {
        Ok(request) => Ok(request),
        Err(first) => {
            let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(body) else {
                return Err(first.into());
            };
            normalise_json(&mut value);
            serde_json::from_value(value).map_err(|_| first.into())
        }
    }
}

/// Reads every record of a logs request; unreadable ones are listed in `rejected`.
pub fn logs_from_request(request: ExportLogsServiceRequest) -> DecodedLogs {
    let mut out = DecodedLogs::default();
    for resource_logs in request.resource_logs {
        let resource = ResourceInfo::from_resource(resource_logs.resource.as_ref());
        for scope_logs in resource_logs.scope_logs {
            for record in scope_logs.log_records {
                match log_from_otlp(record, &resource.service_name) {
                    Ok(record) => out.records.push(record),
                    Err(err) => out.rejected.push(err),
                }
            }
        }
    }
    out
}

/// One OTLP record as ours. Empty or all-zero ids mean "not in a span".
fn log_from_otlp(record: OtlpLogRecord, service: &str) -> Result<LogRecord, LogRecordError> {
    let trace_id = optional_id::<TraceId>(&record.trace_id).map_err(LogRecordError::TraceId)?;
    let span_id = optional_id::<SpanId>(&record.span_id).map_err(LogRecordError::SpanId)?;
    if span_id.is_some() && trace_id.is_none() {
        return Err(LogRecordError::SpanWithoutTrace);
    }
    let nanos = match record.time_unix_nano {
        0 => record.observed_time_unix_nano,
        t => t,
    };
    Ok(LogRecord {
        time: Timestamp::from_unix_nanos(nanos),
        severity_number: record.severity_number,
        severity_text: Some(record.severity_text).filter(|t| !t.is_empty()),
        event_name: Some(record.event_name).filter(|n| !n.is_empty()),
        body: record.body.map(value::as_json_lenient),
        attributes: value::kvs_to_map(record.attributes),
        trace_id,
        span_id,
        service_name: service.to_owned(),
    })
}

/// An id that may be absent: empty or all zeros is `None`, another wrong length an error.
fn optional_id<T>(bytes: &[u8]) -> Result<Option<T>, IdParseError>
where
    T: for<'a> TryFrom<&'a [u8], Error = IdParseError>,
{
    if bytes.iter().all(|b| *b == 0) {
        return Ok(None);
    }
    T::try_from(bytes).map(Some)
}
