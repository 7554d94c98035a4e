//! Decoding OTLP/HTTP trace request bodies (protobuf and OTLP/JSON).

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use prost::Message;
use serde_json::Value;

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
///
/// The proto crate's serde rejects two shapes real clients send: an empty array or key/value
/// list written as `{}` (no `values`, as Python's exporter does for an empty list), and enums
/// written by name (`"SPAN_KIND_CLIENT"`). When the direct decode fails, the body is
/// normalised ([`normalise_json`]) and decoded again, so the common case costs one parse.
pub fn decode_json(body: &[u8]) -> Result<ExportTraceServiceRequest, DecodeError> {
    match serde_json::from_slice(body) {
        Ok(request) => Ok(request),
        Err(first) => {
            let Ok(mut value) = serde_json::from_slice::<Value>(body) else {
                return Err(first.into());
            };
            normalise_json(&mut value);
            serde_json::from_value(value).map_err(|_| first.into())
        }
    }
}

/// Rewrites OTLP/JSON shapes the proto crate's serde does not accept: adds `"values": []` to
/// `arrayValue` / `kvlistValue` objects without it, and turns enum names of `kind` and
/// `status.code` into their numbers.
pub fn normalise_json(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                match (key.as_str(), &mut *v) {
                    ("arrayValue" | "kvlistValue", Value::Object(inner)) => {
                        inner
                            .entry("values")
                            .or_insert_with(|| Value::Array(Vec::new()));
                    }
                    ("kind", Value::String(name)) => {
                        if let Some(n) = enum_number(name, "SPAN_KIND_", SPAN_KINDS) {
                            *v = Value::from(n);
                        }
                    }
                    ("code", Value::String(name)) => {
                        if let Some(n) = enum_number(name, "STATUS_CODE_", STATUS_CODES) {
                            *v = Value::from(n);
                        }
                    }
                    _ => {}
                }
                normalise_json(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(normalise_json),
        _ => {}
    }
}

const SPAN_KINDS: &[&str] = &[
    "UNSPECIFIED",
    "INTERNAL",
    "SERVER",
    "CLIENT",
    "PRODUCER",
    "CONSUMER",
];
const STATUS_CODES: &[&str] = &["UNSET", "OK", "ERROR"];

fn enum_number(name: &str, prefix: &str, names: &[&str]) -> Option<usize> {
    let short = name.strip_prefix(prefix).unwrap_or(name);
    names.iter().position(|n| n.eq_ignore_ascii_case(short))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_lists_and_enum_names_are_accepted() {
        let body = br#"{"resourceSpans":[{"scopeSpans":[{"spans":[{
            "traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331",
            "name":"x","kind":"SPAN_KIND_CLIENT","status":{"code":"STATUS_CODE_ERROR"},
            "attributes":[{"key":"a","value":{"arrayValue":{}}},
                          {"key":"b","value":{"kvlistValue":{}}}]}]}]}]}"#;
        let request = decode_json(body).unwrap();
        let span = &request.resource_spans[0].scope_spans[0].spans[0];
        assert_eq!(span.kind, 3);
        assert_eq!(span.status.as_ref().unwrap().code, 2);
        assert_eq!(span.attributes.len(), 2);
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(decode_json(b"{\"resourceSpans\": 3}").is_err());
        assert!(decode_json(b"\xff\x00").is_err());
        assert!(decode_protobuf(b"\xff\xff\xff\xff").is_err());
    }
}
