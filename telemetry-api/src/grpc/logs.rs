//! `opentelemetry.proto.collector.logs.v1.LogsService/Export`.

use opentelemetry_proto::tonic::collector::logs::v1::logs_service_server::LogsService;
use opentelemetry_proto::tonic::collector::logs::v1::{
    ExportLogsServiceRequest, ExportLogsServiceResponse,
};
use tonic::{Request, Response, Status};

use super::{GrpcIngest, ROUTE_GRPC_LOGS, auth, status};
use crate::ingest::logs::store_logs;

/// The logs service.
pub(super) struct Logs(pub(super) GrpcIngest);

#[tonic::async_trait]
impl LogsService for Logs {
    async fn export(
        &self,
        request: Request<ExportLogsServiceRequest>,
    ) -> Result<Response<ExportLogsServiceResponse>, Status> {
        let caller = auth::caller(&self.0.auth, request.metadata()).await?;
        match store_logs(&self.0.ingest, caller, request.into_inner()).await {
            Ok(partial_success) => Ok(Response::new(ExportLogsServiceResponse { partial_success })),
            Err(err) => Err(status::refused(ROUTE_GRPC_LOGS, &err)),
        }
    }
}
