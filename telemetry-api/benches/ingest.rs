//! OTLP/HTTP protobuf ingest over loopback: a load generator in this process (its own
//! runtime) sends pre-encoded requests to a server (its own runtime) on SQLite, and on
//! PostgreSQL when `TELEMETRY_TEST_POSTGRES_URL` is set; reports spans/s and request latency.
//!
//! ```text
//! CARGO_TARGET_DIR=/work/target-api cargo bench -p telemetry-api --bench ingest
//! BENCH_SPANS=400000 BENCH_BATCH=1000 BENCH_SENDERS=8 cargo bench -p telemetry-api --bench ingest
//! ```

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use prost::Message;
use sea_orm::{ConnectionTrait, Database};
use telemetry_api::config::ServerConfig;
use telemetry_api::server::Server;
use tokio::sync::oneshot;

/// The allocator of the `telemetry-api` binary, so the figures are the server's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Spans in one trace of the generated load (1 agent run + 9 children).
const SPANS_PER_TRACE: usize = 10;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let spans = env_usize("BENCH_SPANS", 200_000);
    let batch = env_usize("BENCH_BATCH", 500).max(SPANS_PER_TRACE);
    let senders = env_usize("BENCH_SENDERS", 8);
    let dir = tempfile::tempdir().expect("temp dir");
    let sqlite = format!("sqlite://{}", dir.path().join("bench.db").display());
    run_scenario("SQLite", &sqlite, spans, batch, senders);
    stages(&dir.path().join("stages.db"), spans, batch);
    match std::env::var("TELEMETRY_TEST_POSTGRES_URL") {
        Ok(admin) if !admin.is_empty() => {
            let (name, url) = block_on(create_pg(&admin));
            run_scenario("PostgreSQL", &url, spans, batch, senders);
            block_on(drop_pg(&admin, &name));
        }
        _ => println!("PostgreSQL: skipped (TELEMETRY_TEST_POSTGRES_URL is not set)"),
    }
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(future)
}

/// Starts a server on its own 2-worker runtime; returns its address, the key, and a stopper.
fn start_server(
    url: &str,
) -> (
    SocketAddr,
    String,
    oneshot::Sender<()>,
    std::thread::JoinHandle<()>,
) {
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let url = url.to_owned();
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("server runtime");
        runtime.block_on(async move {
            let mut config = ServerConfig::new(url);
            config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
            let server = Server::bind(config).await.expect("server starts");
            let store = server.state().store.clone();
            let project = store
                .create_project("bench", "bench")
                .await
                .expect("project");
            let key = store
                .create_api_key(project.id, "bench")
                .await
                .expect("key");
            ready_tx
                .send((server.local_addr(), key.secret))
                .expect("ready");
            server
                .run(async move {
                    let _ = stop_rx.await;
                })
                .await
                .expect("server runs");
        });
    });
    let (addr, secret) = ready_rx.recv().expect("server ready");
    (addr, secret, stop_tx, thread)
}

fn run_scenario(label: &str, url: &str, spans: usize, batch: usize, senders: usize) {
    let (addr, secret, stop, thread) = start_server(url);
    let requests = spans.div_ceil(batch);
    let bodies: Arc<Vec<Vec<u8>>> =
        Arc::new((0..requests).map(|r| encode_request(r, batch)).collect());
    let body_bytes: usize = bodies.iter().map(Vec::len).sum();
    let (elapsed, mut latencies) = block_on_multi(load(addr, secret, bodies, senders));
    let _ = stop.send(());
    thread.join().expect("server thread");
    latencies.sort_unstable();
    let total = requests * batch;
    println!(
        "{label}: {total} spans in {requests} requests of {batch} ({:.1} MiB protobuf), {senders} senders: \
         {:.0} spans/s, request latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        body_bytes as f64 / 1048576.0,
        total as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 0.50),
        percentile(&latencies, 0.99),
        percentile(&latencies, 1.0),
    );
}

fn block_on_multi<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("client runtime")
        .block_on(future)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// Sends every body once from `senders` concurrent tasks (retrying 503s); returns the wall
/// time and each request's latency.
async fn load(
    addr: SocketAddr,
    secret: String,
    bodies: Arc<Vec<Vec<u8>>>,
    senders: usize,
) -> (Duration, Vec<Duration>) {
    let client = reqwest::Client::new();
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..senders {
        let (client, secret, bodies, next) =
            (client.clone(), secret.clone(), bodies.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let endpoint = format!("http://{addr}/v1/traces");
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(body) = bodies.get(i) else { break };
                loop {
                    let sent = Instant::now();
                    let response = client
                        .post(&endpoint)
                        .bearer_auth(&secret)
                        .header("content-type", "application/x-protobuf")
                        .body(body.clone())
                        .send()
                        .await
                        .expect("request");
                    let status = response.status();
                    let _ = response.bytes().await;
                    latencies.push(sent.elapsed());
                    if status == 200 {
                        break;
                    }
                    assert_eq!(status, 503, "unexpected status");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.expect("sender"));
    }
    (started.elapsed(), all)
}

fn kv(key: &str, value: any_value::Value) -> KeyValue {
    KeyValue {
        key: key.to_owned(),
        value: Some(AnyValue { value: Some(value) }),
        ..KeyValue::default()
    }
}

fn s(value: &str) -> any_value::Value {
    any_value::Value::StringValue(value.to_owned())
}

/// Request `r`: `batch / 10` traces of an agent run with LLM, tool and retrieval children.
fn encode_request(r: usize, batch: usize) -> Vec<u8> {
    let traces = batch / SPANS_PER_TRACE;
    let mut spans = Vec::with_capacity(batch);
    for t in 0..traces {
        let trace = (r * traces + t) as u128 + 1;
        spans.extend(trace_spans(trace));
    }
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource {
                attributes: vec![kv("service.name", s("bench-agent"))],
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

fn trace_spans(trace: u128) -> Vec<Span> {
    let base = 1_767_225_600_000_000_000u64 + (trace as u64) * 1_000_000_000;
    let root_id = ((trace as u64) << 8) | 1;
    let mut spans = vec![Span {
        trace_id: trace.to_be_bytes().to_vec(),
        span_id: root_id.to_be_bytes().to_vec(),
        name: "invoke_agent support".to_owned(),
        start_time_unix_nano: base,
        end_time_unix_nano: base + 900_000_000,
        attributes: vec![
            kv("gen_ai.operation.name", s("invoke_agent")),
            kv("gen_ai.agent.name", s("support")),
        ],
        ..Span::default()
    }];
    for i in 1..SPANS_PER_TRACE as u64 {
        let start = base + i * 50_000_000;
        let attributes = match i % 3 {
            0 => vec![
                kv("gen_ai.operation.name", s("execute_tool")),
                kv("gen_ai.tool.name", s("lookup_order")),
            ],
            1 => vec![
                kv("gen_ai.operation.name", s("chat")),
                kv("gen_ai.provider.name", s("openai")),
                kv("gen_ai.request.model", s("gpt-4o-mini")),
                kv("gen_ai.usage.input_tokens", any_value::Value::IntValue(812)),
                kv("gen_ai.usage.output_tokens", any_value::Value::IntValue(64)),
                kv("gen_ai.response.finish_reasons", s("stop")),
            ],
            _ => vec![
                kv("gen_ai.operation.name", s("embeddings")),
                kv("gen_ai.provider.name", s("openai")),
                kv("gen_ai.request.model", s("text-embedding-3-small")),
                kv("gen_ai.usage.input_tokens", any_value::Value::IntValue(24)),
            ],
        };
        spans.push(Span {
            trace_id: trace.to_be_bytes().to_vec(),
            span_id: (((trace as u64) << 8) | (i + 1)).to_be_bytes().to_vec(),
            parent_span_id: root_id.to_be_bytes().to_vec(),
            name: format!("step {i}"),
            kind: 3,
            start_time_unix_nano: start,
            end_time_unix_nano: start + 40_000_000,
            attributes,
            ..Span::default()
        });
    }
    spans
}

async fn create_pg(admin_url: &str) -> (String, String) {
    let name = format!("tapi_bench_{}", std::process::id());
    let admin = Database::connect(admin_url).await.expect("admin connects");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create database");
    admin.close().await.expect("close");
    let base = admin_url.split('?').next().unwrap_or(admin_url);
    let (server, _) = base.rsplit_once('/').expect("URL with a database path");
    (name.clone(), format!("{server}/{name}"))
}

async fn drop_pg(admin_url: &str, name: &str) {
    let admin = Database::connect(admin_url).await.expect("admin connects");
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
        .expect("drop database");
    admin.close().await.expect("close");
}

/// Where the time goes, one stage at a time on one thread: decoding and mapping the request
/// bodies, then committing the same spans straight into a fresh SQLite store in groups of
/// 20 000 spans (what the pipeline's writer does), without HTTP.
fn stages(db: &std::path::Path, spans: usize, batch: usize) {
    use std::sync::Arc as A;
    use telemetry_otlp as otel;
    use telemetry_types::TelemetryEvent;
    let requests = spans.div_ceil(batch);
    let bodies: Vec<Vec<u8>> = (0..requests).map(|r| encode_request(r, batch)).collect();
    let started = Instant::now();
    let mut events = Vec::with_capacity(requests * batch);
    for body in &bodies {
        let request = otel::decode_protobuf(body).expect("decodes");
        let decoded = otel::spans_from_request(request);
        events.extend(
            decoded
                .spans
                .into_iter()
                .map(|span| TelemetryEvent::SpanEnded { span: A::new(span) }),
        );
    }
    let decode = started.elapsed();
    let url = format!("sqlite://{}", db.display());
    let commit = block_on(async move {
        let store = telemetry_store::Store::connect(&url).await.expect("store");
        store.migrate().await.expect("migrate");
        let project = store
            .create_project("stages", "stages")
            .await
            .expect("project")
            .id;
        let started = Instant::now();
        for group in events.chunks(20_000) {
            store
                .ingest_many(&[(project, group)])
                .await
                .expect("ingest");
        }
        started.elapsed()
    });
    let total = (requests * batch) as f64;
    println!(
        "stages (one thread): decode + map {:.0} spans/s ({:.2} us/span); SQLite commit in groups of 20000 {:.0} spans/s ({:.2} us/span)",
        total / decode.as_secs_f64(),
        decode.as_secs_f64() * 1e6 / total,
        total / commit.as_secs_f64(),
        commit.as_secs_f64() * 1e6 / total,
    );
}
