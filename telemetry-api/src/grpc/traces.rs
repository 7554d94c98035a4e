//! `opentelemetry.proto.collector.trace.v1.TraceService/Export`.

use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::TraceService;
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use tonic::{Request, Response, Status};

use super::{GrpcIngest, ROUTE_GRPC_TRACES, auth, status};
use crate::ingest::otlp::store_spans;

/// The trace service.
pub(super) struct Traces(pub(super) GrpcIngest);

#[tonic::async_trait]
impl TraceService for Traces {
    async fn export(
        &self,
        request: Request<ExportTraceServiceRequest>,
    ) -> Result<Response<ExportTraceServiceResponse>, Status> {
        let caller = auth::caller(&self.0.auth, request.metadata()).await?;
        match store_spans(
            &self.0.ingest,
            caller,
            request.into_inner(),
            ROUTE_GRPC_TRACES,
        )
        .await
        {
            Ok(partial_success) => Ok(Response::new(ExportTraceServiceResponse {
                partial_success,
            })),
            Err(err) => Err(status::refused(ROUTE_GRPC_TRACES, &err)),
        }
    }
}
