//! Decoding OTLP/HTTP trace request bodies (protobuf and OTLP/JSON).

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use prost::Message;

/// A request body that is not a valid `ExportTraceServiceRequest`.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// Malformed protobuf.
    #[error("malformed OTLP protobuf: {0}")]
    Protobuf(#[from] prost::DecodeError),
    /// Malformed OTLP/JSON.
    #[error("malformed OTLP/JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// Decodes a protobuf body (`Content-Type: application/x-protobuf`).
pub fn decode_protobuf(body: &[u8]) -> Result<ExportTraceServiceRequest, DecodeError> {
    Ok(ExportTraceServiceRequest::decode(body)?)
}

/// Decodes an OTLP/JSON body (`Content-Type: application/json`): lowerCamelCase keys, hex
/// ids, enums as integers, 64-bit integers as strings or numbers.
pub fn decode_json(body: &[u8]) -> Result<ExportTraceServiceRequest, DecodeError> {
    Ok(serde_json::from_slice(body)?)
}
