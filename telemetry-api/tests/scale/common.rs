//! The harness: the built server binary started as child processes on one database, a
//! PostgreSQL database per test, OTLP builders and a client that retries like an OTLP
//! exporter.

use std::net::{SocketAddr, TcpListener};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span, Status};
use prost::Message;
use sea_orm::{ConnectionTrait, Database};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_telemetry-api");

/// The variable naming a PostgreSQL server for the tests.
pub(crate) const PG_ENV: &str = "TELEMETRY_TEST_POSTGRES_URL";

/// The admin URL of the test PostgreSQL server, or `None` (and a note) when not configured.
pub(crate) fn pg_admin(test: &str) -> Option<String> {
    match std::env::var(PG_ENV) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            // The real stderr, which the test harness does not capture: the skip always shows.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "skipped: {test} needs PostgreSQL ({PG_ENV} is not set)"
            );
            None
        }
    }
}

/// A PostgreSQL database created for one test, dropped (with its connections) on drop.
pub(crate) struct PgDatabase {
    admin: String,
    pub(crate) name: String,
    pub(crate) url: String,
}

impl PgDatabase {
    pub(crate) async fn create(admin: &str) -> PgDatabase {
        let name = format!("tscale_{}_{}", std::process::id(), fastrand::u32(..));
        let conn = Database::connect(admin).await.expect("admin connects");
        conn.execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create database");
        conn.close().await.expect("close admin");
        let base = admin.split('?').next().unwrap_or(admin);
        let (server, _) = base.rsplit_once('/').expect("URL with a database path");
        PgDatabase {
            admin: admin.to_owned(),
            url: format!("{server}/{name}"),
            name,
        }
    }

    /// Runs `sql` on the admin connection.
    pub(crate) async fn admin_sql(&self, sql: &str) {
        let conn = Database::connect(&self.admin)
            .await
            .expect("admin connects");
        conn.execute_unprepared(sql).await.expect("admin statement");
        conn.close().await.expect("close admin");
    }

    /// Terminates every connection to the database (not the admin's).
    pub(crate) async fn terminate_backends(&self) {
        self.admin_sql(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = '{}' AND pid <> pg_backend_pid()",
            self.name
        ))
        .await;
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        // Dropped from synchronous code: a small runtime of its own.
        let (admin, name) = (self.admin.clone(), self.name.clone());
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                if let Ok(conn) = Database::connect(&admin).await {
                    let drop = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    let _ = conn.execute_unprepared(&drop).await;
                    let _ = conn.close().await;
                }
            });
        })
        .join();
    }
}

/// Runs an administration command of the binary on `url`; its stdout.
pub(crate) fn cli(url: &str, args: &[&str]) -> String {
    let output = Command::new(BIN)
        .args(args)
        .env("TELEMETRY_DATABASE_URL", url)
        .env_remove("TELEMETRY_CONFIG")
        .output()
        .expect("binary runs");
    assert!(
        output.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Creates project `slug` on `url` and a key for it; the key's secret.
pub(crate) fn project_with_key(url: &str, slug: &str) -> String {
    cli(url, &["projects", "create", slug]);
    let created = cli(url, &["keys", "create", "--project", slug]);
    created.lines().last().expect("secret").trim().to_owned()
}

/// A free loopback port.
pub(crate) fn free_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr")
}

/// A server process of the built binary.
pub(crate) struct ServerProcess {
    pub(crate) addr: SocketAddr,
    child: Option<Child>,
    /// Where its stderr goes (a file, so a chatty server never blocks on a full pipe).
    log: tempfile::NamedTempFile,
}

impl ServerProcess {
    /// Starts `serve` on `url` at a free port (no gRPC) with `extra` arguments.
    pub(crate) fn spawn(url: &str, extra: &[&str]) -> ServerProcess {
        Self::spawn_with(Command::new(BIN), url, free_port(), extra)
    }

    /// Starts `serve` through `command` (the binary, or a shell that execs it).
    pub(crate) fn spawn_with(
        mut command: Command,
        url: &str,
        addr: SocketAddr,
        extra: &[&str],
    ) -> ServerProcess {
        let log = tempfile::NamedTempFile::new().expect("log file");
        let stderr = log.reopen().expect("log file");
        let child = command
            .args([
                "serve",
                "--listen",
                &addr.to_string(),
                "--grpc-listen",
                "off",
            ])
            .args(extra)
            .env("TELEMETRY_DATABASE_URL", url)
            .env_remove("TELEMETRY_CONFIG")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(stderr)
            .spawn()
            .expect("server spawns");
        ServerProcess {
            addr,
            child: Some(child),
            log,
        }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Waits until `/readyz` answers 200 (at most 60 s).
    pub(crate) async fn ready(&self, client: &reqwest::Client) {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            let ready = client.get(self.url("/readyz")).send().await;
            if ready.is_ok_and(|r| r.status() == 200) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("server on {} not ready", self.addr);
    }

    /// `kill -9`: no shutdown, no last commit.
    pub(crate) fn kill9(mut self) {
        let mut child = self.child.take().expect("running");
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");
    }

    /// The process id.
    pub(crate) fn pid(&self) -> u32 {
        self.child.as_ref().map_or(0, Child::id)
    }

    /// What the server wrote to stderr so far.
    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(self.log.path()).unwrap_or_default()
    }

    /// SIGTERM and wait for the exit.
    pub(crate) fn stop(mut self) {
        let mut child = self.child.take().expect("running");
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        child.wait().expect("server exits");
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
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

/// The OTLP id of trace `n`.
pub(crate) fn trace_id(n: u64) -> Vec<u8> {
    (u128::from(n) + 1).to_be_bytes().to_vec()
}

/// The typed id of trace `n`.
pub(crate) fn typed_trace_id(n: u64) -> telemetry_types::TraceId {
    telemetry_types::TraceId::try_from(&trace_id(n)[..]).expect("trace id")
}

/// Start time of span `i` of trace `trace` (Unix ns).
pub(crate) fn span_start(trace: u64, i: u64) -> u64 {
    1_767_225_600_000_000_000 + trace * 1_000_000_000 + i * 1_000_000
}

/// Span `i` of trace `trace`: a GenAI chat call with `100 + i` input and `20` output tokens,
/// 5 ms long; span 3 of every trace failed. Span 0 is the root, the others its children.
pub(crate) fn chat_span(trace: u64, i: u64) -> Span {
    let start = span_start(trace, i);
    Span {
        trace_id: trace_id(trace),
        span_id: (trace * 10_000 + i + 1).to_be_bytes().to_vec(),
        parent_span_id: if i == 0 {
            Vec::new()
        } else {
            (trace * 10_000 + 1).to_be_bytes().to_vec()
        },
        name: "chat gpt-4o".to_owned(),
        kind: 3,
        start_time_unix_nano: start,
        end_time_unix_nano: start + 5_000_000,
        attributes: vec![
            kv("gen_ai.operation.name", "chat"),
            kv("gen_ai.provider.name", "openai"),
            kv("gen_ai.request.model", "gpt-4o"),
            kv_int("gen_ai.usage.input_tokens", 100 + i as i64),
            kv_int("gen_ai.usage.output_tokens", 20),
        ],
        status: (i == 3).then(|| Status {
            code: 2,
            message: "boom".to_owned(),
        }),
        ..Span::default()
    }
}

/// An OTLP protobuf request holding `spans`.
pub(crate) fn body(spans: Vec<Span>) -> Vec<u8> {
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource {
                attributes: vec![kv("service.name", "scale-test")],
                ..Resource::default()
            }),
            scope_spans: vec![ScopeSpans {
                spans,
                ..ScopeSpans::default()
            }],
            ..ResourceSpans::default()
        }],
    }
    .encode_to_vec()
}

/// What one POST got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// 200: the spans are committed.
    Acked,
    /// 503 with a `Retry-After` header.
    Unavailable,
    /// Any other answer, or no answer.
    Failed,
}

/// POSTs an OTLP body to `/v1/traces` of `addr`.
pub(crate) async fn post(
    client: &reqwest::Client,
    addr: SocketAddr,
    secret: &str,
    body: Vec<u8>,
) -> Outcome {
    let sent = client
        .post(format!("http://{addr}/v1/traces"))
        .bearer_auth(secret)
        .header("content-type", "application/x-protobuf")
        .timeout(Duration::from_secs(30))
        .body(body)
        .send()
        .await;
    match sent {
        Ok(r) if r.status() == 200 => Outcome::Acked,
        Ok(r) if r.status() == 503 && r.headers().contains_key("retry-after") => {
            Outcome::Unavailable
        }
        _ => Outcome::Failed,
    }
}

/// POSTs until acknowledged, as an OTLP exporter retries (at most 60 s).
pub(crate) async fn post_until_acked(
    client: &reqwest::Client,
    addr: SocketAddr,
    secret: &str,
    body: Vec<u8>,
) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if post(client, addr, secret, body.clone()).await == Outcome::Acked {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("a request to {addr} was never acknowledged");
}
