//! OTLP/gRPC ingest on its own port (`--grpc-listen`, 4317 by default): the collector
//! services' `Export` (traces and logs) with the HTTP routes' semantics — the same API keys (the
//! `authorization` metadata), gzip, size limit, partial success, answer after commit and
//! back-pressure, through the same [`IngestState`].

mod auth;
mod logs;
mod oversize;
mod status;
mod traces;

use std::future::Future;

use opentelemetry_proto::tonic::collector::logs::v1::logs_service_server::LogsServiceServer;
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::TraceServiceServer;
use tokio::net::TcpListener;
use tonic::codec::CompressionEncoding;
use tonic::transport::server::TcpIncoming;

use crate::auth::Auth;
use crate::ingest::IngestState;

/// Metrics label of gRPC trace export.
pub(crate) const ROUTE_GRPC_TRACES: &str = "grpc_traces";
/// Metrics label of gRPC log export.
pub(crate) const ROUTE_GRPC_LOGS: &str = "grpc_logs";

/// What the gRPC services share: the ingest path and the key check of the HTTP routes.
#[derive(Debug, Clone)]
pub(crate) struct GrpcIngest {
    pub(crate) ingest: IngestState,
    pub(crate) auth: Auth,
}

/// Serves the OTLP/gRPC services on `listener` until `shutdown` completes, then lets the
/// calls in flight finish.
pub(crate) async fn serve(
    listener: TcpListener,
    services: GrpcIngest,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), tonic::transport::Error> {
    // The limit applies to the message after gzip inflation, as on HTTP.
    let limit = services.ingest.limits.max_body_bytes;
    let traces = TraceServiceServer::new(traces::Traces(services.clone()))
        .accept_compressed(CompressionEncoding::Gzip)
        .send_compressed(CompressionEncoding::Gzip)
        .max_decoding_message_size(limit);
    let logs = LogsServiceServer::new(logs::Logs(services))
        .accept_compressed(CompressionEncoding::Gzip)
        .send_compressed(CompressionEncoding::Gzip)
        .max_decoding_message_size(limit);
    tonic::transport::Server::builder()
        .layer(oversize::layer())
        .add_service(traces)
        .add_service(logs)
        .serve_with_incoming_shutdown(TcpIncoming::from(listener), shutdown)
        .await
}
