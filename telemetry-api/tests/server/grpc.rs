//! OTLP/gRPC through the wire with a tonic client: keys, gzip, the size limit, partial
//! success, back-pressure and `--dev` mode, with what is stored checked in the store.

use std::net::SocketAddr;

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_client::TraceServiceClient;
use telemetry_api::config::{Limits, ServerConfig};
use tonic::codec::CompressionEncoding;
use tonic::metadata::MetadataValue;
use tonic::transport::Channel;
use tonic::{Code, Request, Status};
use tonic_types::StatusExt;

use crate::common::{TestServer, chat_span, each_db, request, stored_spans};

/// A client of the server's gRPC port.
async fn client(server: &TestServer) -> TraceServiceClient<Channel> {
    let addr = server.grpc_addr.expect("the test server serves gRPC");
    TraceServiceClient::connect(format!("http://{addr}"))
        .await
        .expect("gRPC connects")
        .max_encoding_message_size(64 * 1024 * 1024)
}

/// `request` with an `authorization` metadata value, when given.
fn call(
    body: ExportTraceServiceRequest,
    authorization: Option<&str>,
) -> Request<ExportTraceServiceRequest> {
    let mut call = Request::new(body);
    if let Some(value) = authorization {
        let value: MetadataValue<_> = value.parse().expect("ascii metadata");
        call.metadata_mut().insert("authorization", value);
    }
    call
}

/// `n` chat spans of trace `trace`.
fn chats(trace: u64, n: u64) -> ExportTraceServiceRequest {
    request((0..n).map(|i| chat_span(trace, i)).collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_export_with_a_key_is_stored_and_without_one_is_unauthenticated() {
    each_db("grpc auth", |url| async move {
        let server = TestServer::start(&url).await;
        let mut client = client(&server).await;
        let bearer = format!("Bearer {}", server.secret);
        let answer = client
            .export(call(chats(1, 3), Some(&bearer)))
            .await
            .expect("export accepted")
            .into_inner();
        assert_eq!(answer.partial_success, None);
        assert_eq!(stored_spans(&server.store, server.project, 1).await, 3);

        for (authorization, trace) in [
            (None, 2),
            (Some("Bearer tsk_wrong"), 3),
            (Some("Basic !"), 4),
        ] {
            let refused = client
                .export(call(chats(trace, 1), authorization))
                .await
                .expect_err("refused");
            assert_eq!(refused.code(), Code::Unauthenticated, "{authorization:?}");
            assert_eq!(stored_spans(&server.store, server.project, trace).await, 0);
        }
        server.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gzip_requests_are_inflated() {
    let server = sqlite_server("gzip", Limits::default()).await;
    let mut client = client(&server)
        .await
        .send_compressed(CompressionEncoding::Gzip)
        .accept_compressed(CompressionEncoding::Gzip);
    let bearer = format!("Bearer {}", server.secret);
    client
        .export(call(chats(7, 4), Some(&bearer)))
        .await
        .expect("gzip export accepted");
    assert_eq!(stored_spans(&server.store, server.project, 7).await, 4);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_messages_are_resource_exhausted_plain_or_gzip() {
    let limits = Limits {
        max_body_bytes: 4096,
        ..Limits::default()
    };
    let server = sqlite_server("oversize", limits).await;
    let bearer = format!("Bearer {}", server.secret);
    let plain = client(&server)
        .await
        .export(call(chats(8, 200), Some(&bearer)))
        .await
        .expect_err("over the limit");
    assert_eq!(plain.code(), Code::ResourceExhausted, "{plain:?}");
    // Repetitive spans compress far below the limit: the inflated size is what counts.
    let gzip = client(&server)
        .await
        .send_compressed(CompressionEncoding::Gzip)
        .export(call(chats(9, 200), Some(&bearer)))
        .await
        .expect_err("over the limit once inflated");
    assert_eq!(gzip.code(), Code::ResourceExhausted, "{gzip:?}");
    assert_eq!(stored_spans(&server.store, server.project, 8).await, 0);
    assert_eq!(stored_spans(&server.store, server.project, 9).await, 0);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_spans_are_a_grpc_partial_success() {
    let server = sqlite_server("partial", Limits::default()).await;
    let mut bad_trace = chat_span(5, 0);
    bad_trace.trace_id = vec![0; 16];
    let spans = vec![bad_trace, chat_span(5, 1), chat_span(5, 2)];
    let bearer = format!("Bearer {}", server.secret);
    let answer = client(&server)
        .await
        .export(call(request(spans), Some(&bearer)))
        .await
        .expect("partially accepted")
        .into_inner();
    let partial = answer.partial_success.expect("partial success");
    assert_eq!(partial.rejected_spans, 1);
    assert!(
        partial.error_message.contains("invalid"),
        "{}",
        partial.error_message
    );
    assert_eq!(stored_spans(&server.store, server.project, 5).await, 2);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_pipeline_answers_unavailable_with_retry_info() {
    let limits = Limits {
        pipeline_capacity_spans: 10,
        retry_after_secs: 2,
        ..Limits::default()
    };
    let server = sqlite_server("back-pressure", limits).await;
    let bearer = format!("Bearer {}", server.secret);
    let mut tasks = Vec::new();
    for trace in 0..16u64 {
        let mut client = client(&server).await;
        let call = call(chats(100 + trace, 10), Some(&bearer));
        tasks.push(tokio::spawn(
            async move { (trace, client.export(call).await) },
        ));
    }
    let mut busy = 0;
    for task in tasks {
        let (trace, outcome) = task.await.expect("task");
        let stored = stored_spans(&server.store, server.project, 100 + trace).await;
        match outcome {
            Ok(_) => assert_eq!(stored, 10),
            Err(status) => {
                busy += 1;
                assert_retry_in(&status, 2);
                assert_eq!(stored, 0);
            }
        }
    }
    println!("{busy} of 16 gRPC exports were told to retry");
    server.stop().await;
}

/// `status` is `UNAVAILABLE` with a `RetryInfo` of `secs`.
fn assert_retry_in(status: &Status, secs: u64) {
    assert_eq!(status.code(), Code::Unavailable, "{status:?}");
    let retry = status
        .get_details_retry_info()
        .and_then(|info| info.retry_delay)
        .expect("RetryInfo with a delay");
    assert_eq!(retry.as_secs(), secs);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dev_mode_takes_calls_without_credentials() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("dev.db").display());
    let mut config = ServerConfig::new(&url);
    config.dev = true;
    config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
    config.grpc_listen = Some("0.0.0.0:0".parse().expect("addr"));
    let refused = telemetry_api::server::Server::bind(config.clone()).await;
    assert!(matches!(
        refused,
        Err(telemetry_api::server::ServerError::DevNotLoopback(_))
    ));
    config.grpc_listen = Some(SocketAddr::from(([127, 0, 0, 1], 0)));
    let server = TestServer::start_config(config).await;
    client(&server)
        .await
        .export(call(chats(3, 2), None))
        .await
        .expect("anonymous export in --dev");
    let default = server
        .store
        .project_by_slug("default")
        .await
        .expect("q")
        .expect("default project");
    assert_eq!(stored_spans(&server.store, default.id, 3).await, 2);
    server.stop().await;
}

/// A server on a fresh SQLite file (kept while the server runs).
async fn sqlite_server(name: &str, limits: Limits) -> TestServer {
    let dir = tempfile::tempdir().expect("dir").keep();
    let url = format!("sqlite://{}", dir.join(format!("{name}.db")).display());
    TestServer::start_with(&url, limits).await
}
