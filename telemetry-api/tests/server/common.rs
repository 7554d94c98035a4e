//! The harness: a server started in this process on a fresh database, and OTLP builders.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use prost::Message;
use sea_orm::{ConnectionTrait, Database};
use telemetry_api::config::{Limits, ServerConfig};
use telemetry_api::server::{Server, ServerError};
use telemetry_store::{ProjectId, Store};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The variable naming a PostgreSQL server for the tests.
pub(crate) const PG_ENV: &str = "TELEMETRY_TEST_POSTGRES_URL";

/// Runs `test` with the URL of a fresh SQLite database, then of a fresh PostgreSQL one when
/// configured.
pub(crate) async fn each_db<F, Fut>(name: &str, test: F)
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("telemetry.db").display());
    run(test(url)).await;
    match std::env::var(PG_ENV) {
        Ok(admin) if !admin.is_empty() => {
            let (db, url) = fresh_pg_database(&admin).await;
            let outcome = tokio::spawn(test(url)).await;
            drop_pg_database(&admin, &db).await;
            if let Err(err) = outcome {
                eprintln!("PostgreSQL run of {name} failed");
                std::panic::resume_unwind(err.into_panic());
            }
        }
        _ => println!("skipped: PostgreSQL run of {name} ({PG_ENV} is not set)"),
    }
}

async fn run<Fut: Future<Output = ()> + Send + 'static>(fut: Fut) {
    if let Err(err) = tokio::spawn(fut).await {
        std::panic::resume_unwind(err.into_panic());
    }
}

/// Creates a uniquely named database; returns its name and URL.
pub(crate) async fn fresh_pg_database(admin_url: &str) -> (String, String) {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let name = format!(
        "tapi_{}_{}_{}",
        std::process::id(),
        fastrand::u32(..),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let admin = Database::connect(admin_url).await.expect("admin connects");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create database");
    admin.close().await.expect("close admin");
    let base = admin_url.split('?').next().unwrap_or(admin_url);
    let (server, _) = base.rsplit_once('/').expect("URL with a database path");
    (name.clone(), format!("{server}/{name}"))
}

/// Drops a test database.
pub(crate) async fn drop_pg_database(admin_url: &str, name: &str) {
    let admin = Database::connect(admin_url).await.expect("admin connects");
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
        .expect("drop database");
    admin.close().await.expect("close admin");
}

/// A server running in this process, with one project and a key for it.
pub(crate) struct TestServer {
    pub(crate) addr: SocketAddr,
    /// The OTLP/gRPC address (every test server serves it on a free port).
    pub(crate) grpc_addr: Option<SocketAddr>,
    pub(crate) store: Store,
    pub(crate) project: ProjectId,
    pub(crate) secret: String,
    pub(crate) client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), ServerError>>>,
}

impl TestServer {
    /// Starts a server on `url` with default limits.
    pub(crate) async fn start(url: &str) -> TestServer {
        TestServer::start_with(url, Limits::default()).await
    }

    /// Starts a server on `url` with `limits`, on a free loopback port.
    pub(crate) async fn start_with(url: &str, limits: Limits) -> TestServer {
        let mut config = ServerConfig::new(url);
        config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
        config.grpc_listen = Some(SocketAddr::from(([127, 0, 0, 1], 0)));
        config.limits = limits;
        TestServer::start_config(config).await
    }

    /// Starts a server with `config`.
    pub(crate) async fn start_config(config: ServerConfig) -> TestServer {
        let server = Server::bind(config).await.expect("server starts");
        let addr = server.local_addr();
        let grpc_addr = server.grpc_addr();
        let store = server.state().store.clone();
        let project = store
            .create_project("tenant-a", "A")
            .await
            .expect("project")
            .id;
        let secret = store
            .create_api_key(project, "test")
            .await
            .expect("key")
            .secret;
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(server.run(async move {
            let _ = stopped.await;
        }));
        TestServer {
            addr,
            grpc_addr,
            store,
            project,
            secret,
            client: reqwest::Client::new(),
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// `http://addr{path}`.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// POSTs an OTLP protobuf body to `/v1/traces` with the server's key.
    pub(crate) async fn post_otlp(&self, body: Vec<u8>) -> reqwest::Response {
        self.client
            .post(self.url("/v1/traces"))
            .bearer_auth(&self.secret)
            .header("content-type", "application/x-protobuf")
            .body(body)
            .send()
            .await
            .expect("request sent")
    }

    /// Stops the server gracefully and waits for it.
    pub(crate) async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await
                .expect("server task")
                .expect("server stops cleanly");
        }
    }
}

/// A span id from a number (never zero).
pub(crate) fn span_id(n: u64) -> Vec<u8> {
    (n + 1).to_be_bytes().to_vec()
}

/// A trace id from a number (never zero).
pub(crate) fn trace_id(n: u64) -> Vec<u8> {
    (u128::from(n) + 1).to_be_bytes().to_vec()
}

/// A string attribute.
pub(crate) fn kv(key: &str, value: &str) -> KeyValue {
    KeyValue {
        key: key.to_owned(),
        value: Some(AnyValue {
            value: Some(any_value::Value::StringValue(value.to_owned())),
        }),
        ..KeyValue::default()
    }
}

/// An integer attribute.
pub(crate) fn kv_int(key: &str, value: i64) -> KeyValue {
    KeyValue {
        key: key.to_owned(),
        value: Some(AnyValue {
            value: Some(any_value::Value::IntValue(value)),
        }),
        ..KeyValue::default()
    }
}

/// A GenAI chat span of trace `trace`, ids `trace * 1000 + i`.
pub(crate) fn chat_span(trace: u64, i: u64) -> Span {
    let now = 1_767_225_600_000_000_000u64 + trace * 1_000_000 + i;
    Span {
        trace_id: trace_id(trace),
        span_id: span_id(trace * 1000 + i),
        name: "chat gpt-4o".to_owned(),
        kind: 3,
        start_time_unix_nano: now,
        end_time_unix_nano: now + 5_000_000,
        attributes: vec![
            kv("gen_ai.operation.name", "chat"),
            kv("gen_ai.provider.name", "openai"),
            kv("gen_ai.request.model", "gpt-4o"),
            kv_int("gen_ai.usage.input_tokens", 100),
            kv_int("gen_ai.usage.output_tokens", 20),
        ],
        ..Span::default()
    }
}

/// A request holding `spans`.
pub(crate) fn request(spans: Vec<Span>) -> ExportTraceServiceRequest {
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource {
                attributes: vec![kv("service.name", "test-service")],
                ..Resource::default()
            }),
            scope_spans: vec![ScopeSpans {
                spans,
                ..ScopeSpans::default()
            }],
            ..ResourceSpans::default()
        }],
    }
}

/// `n` chat spans of trace `trace`, encoded as protobuf.
pub(crate) fn chat_body(trace: u64, n: u64) -> Vec<u8> {
    request((0..n).map(|i| chat_span(trace, i)).collect()).encode_to_vec()
}

/// How many spans `project` has stored for `trace`.
pub(crate) async fn stored_spans(store: &Store, project: ProjectId, trace: u64) -> usize {
    let id = telemetry_types::TraceId::try_from(&trace_id(trace)[..]).expect("trace id");
    match store.get_trace(project, id).await.expect("query") {
        Some(detail) => count(&detail.roots),
        None => 0,
    }
}

fn count(nodes: &[telemetry_store::SpanNode]) -> usize {
    nodes.iter().map(|n| 1 + count(&n.children)).sum()
}
