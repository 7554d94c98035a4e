//! The OTLP/gRPC transport: an encoded `ExportTraceServiceRequest` sent to
//! `TraceService/Export` with tonic, and the status read as the OTLP specification says.

use std::time::Duration;

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceResponse;
use prost::Message;
use prost::bytes::BufMut;
use tokio::sync::OnceCell;
use tonic::codec::{Codec, CompressionEncoding, DecodeBuf, Decoder, EncodeBuf, Encoder};
use tonic::codegen::http::uri::PathAndQuery;
use tonic::metadata::{MetadataKey, MetadataMap, MetadataValue};
use tonic::transport::{Channel, Endpoint};
use tonic::{Code, Status};
use tonic_types::StatusExt;

use super::config::{HttpCompression, HttpExporterConfig};
use super::error::HttpExporterError;
use super::response::{Accepted, Failure};

const EXPORT_PATH: &str = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

/// A lazily connected channel to one collector, with the metadata of every call.
pub(crate) struct GrpcTransport {
    endpoint: Endpoint,
    /// Made on the first export, inside the runtime that runs the exporter's batcher.
    channel: OnceCell<Channel>,
    metadata: MetadataMap,
    gzip: bool,
}

impl GrpcTransport {
    pub(crate) fn new(config: &HttpExporterConfig) -> Result<Self, HttpExporterError> {
        let invalid = |reason: String| HttpExporterError::Endpoint {
            endpoint: config.endpoint.clone(),
            reason,
        };
        let endpoint = Endpoint::from_shared(config.endpoint.clone())
            .map_err(|e| invalid(e.to_string()))?
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .user_agent(concat!("ai-telemetry-exporter/", env!("CARGO_PKG_VERSION")))
            .map_err(|e| invalid(e.to_string()))?;
        Ok(GrpcTransport {
            endpoint,
            channel: OnceCell::new(),
            metadata: metadata(&config.headers)?,
            gzip: matches!(config.compression, HttpCompression::Gzip { .. }),
        })
    }

    /// One try of an encoded request.
    pub(crate) async fn export(&self, body: &[u8]) -> Result<Accepted, Failure> {
        let channel = self
            .channel
            .get_or_init(|| async { self.endpoint.connect_lazy() })
            .await
            .clone();
        let mut grpc = tonic::client::Grpc::new(channel);
        if self.gzip {
            grpc = grpc
                .send_compressed(CompressionEncoding::Gzip)
                .accept_compressed(CompressionEncoding::Gzip);
        }
        grpc.ready().await.map_err(|e| Failure::Retryable {
            reason: format!("cannot connect: {e}"),
            retry_after: None,
        })?;
        let mut request = tonic::Request::new(body.to_vec());
        *request.metadata_mut() = self.metadata.clone();
        let path = PathAndQuery::from_static(EXPORT_PATH);
        match grpc.unary(request, path, RawRequestCodec).await {
            Ok(response) => {
                let partial = response.into_inner().partial_success;
                Ok(Accepted {
                    rejected: partial
                        .as_ref()
                        .map_or(0, |p| u64::try_from(p.rejected_spans).unwrap_or(0)),
                    message: partial.map(|p| p.error_message).filter(|m| !m.is_empty()),
                })
            }
            Err(status) => Err(status_failure(&status)),
        }
    }
}

/// The configured headers as gRPC metadata (names lowercased, as HTTP/2 requires).
fn metadata(headers: &[(String, String)]) -> Result<MetadataMap, HttpExporterError> {
    let mut map = MetadataMap::new();
    for (name, value) in headers {
        let invalid = || HttpExporterError::Header { name: name.clone() };
        let key =
            MetadataKey::from_bytes(name.to_ascii_lowercase().as_bytes()).map_err(|_| invalid())?;
        let value = MetadataValue::try_from(value.as_str()).map_err(|_| invalid())?;
        map.append(key, value);
    }
    Ok(map)
}

/// What a status means for the batch: the OTLP specification's retryable codes (and
/// `RESOURCE_EXHAUSTED` only with a `RetryInfo`), the server's delay honoured.
pub(crate) fn status_failure(status: &Status) -> Failure {
    let retry_after = status
        .get_details_retry_info()
        .and_then(|info| info.retry_delay);
    let retryable = match status.code() {
        Code::Cancelled
        | Code::DeadlineExceeded
        | Code::Aborted
        | Code::OutOfRange
        | Code::Unavailable
        | Code::DataLoss => true,
        Code::ResourceExhausted => retry_after.is_some(),
        _ => false,
    };
    let reason = format!("gRPC {:?}: {}", status.code(), status.message());
    if retryable {
        Failure::Retryable {
            reason,
            retry_after: retry_after.map(|d: Duration| d.max(Duration::ZERO)),
        }
    } else {
        Failure::Rejected {
            status: status.code() as u16,
            message: reason,
        }
    }
}

/// Sends bytes already encoded by the exporter; reads the protobuf answer.
struct RawRequestCodec;

impl Codec for RawRequestCodec {
    type Encode = Vec<u8>;
    type Decode = ExportTraceServiceResponse;
    type Encoder = RawEncoder;
    type Decoder = ResponseDecoder;

    fn encoder(&mut self) -> Self::Encoder {
        RawEncoder
    }

    fn decoder(&mut self) -> Self::Decoder {
        ResponseDecoder
    }
}

struct RawEncoder;

impl Encoder for RawEncoder {
    type Item = Vec<u8>;
    type Error = Status;

    fn encode(&mut self, item: Vec<u8>, dst: &mut EncodeBuf<'_>) -> Result<(), Status> {
        dst.put_slice(&item);
        Ok(())
    }
}

struct ResponseDecoder;

impl Decoder for ResponseDecoder {
    type Item = ExportTraceServiceResponse;
    type Error = Status;

    fn decode(&mut self, src: &mut DecodeBuf<'_>) -> Result<Option<Self::Item>, Status> {
        ExportTraceServiceResponse::decode(src)
            .map(Some)
            .map_err(|e| Status::internal(format!("malformed ExportTraceServiceResponse: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use tonic_types::{ErrorDetails, StatusExt};

    use super::*;

    #[test]
    fn retryable_codes_follow_the_specification() {
        let unavailable = Status::unavailable("busy");
        assert!(status_failure(&unavailable).is_retryable());
        assert!(!status_failure(&Status::unauthenticated("no")).is_retryable());
        assert!(!status_failure(&Status::resource_exhausted("too big")).is_retryable());
        let throttled = Status::with_error_details(
            Code::ResourceExhausted,
            "slow down",
            ErrorDetails::with_retry_info(Some(Duration::from_secs(3))),
        );
        let failure = status_failure(&throttled);
        assert!(failure.is_retryable());
        assert_eq!(failure.retry_after(), Some(Duration::from_secs(3)));
    }
}
