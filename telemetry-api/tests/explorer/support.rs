//! The harness: a server on a fresh SQLite database in this process, the demo data, and OTLP
//! traces built here (a 5 000-span one among them).

use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span, Status, status};
use prost::Message;
use serde_json::{Value, json};
use telemetry_api::config::ServerConfig;
use telemetry_api::server::{Server, ServerError};
use telemetry_store::{ProjectId, Store};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running server; stopped when dropped.
pub(crate) struct Running {
    pub(crate) addr: SocketAddr,
    pub(crate) store: Store,
    pub(crate) dev_project: Option<ProjectId>,
    pub(crate) client: reqwest::Client,
    _dir: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), ServerError>>>,
}

impl Running {
    /// A server on a fresh SQLite file, in `--dev` mode or not.
    pub(crate) async fn start(dev: bool) -> Running {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("explorer.db").display());
        let mut config = ServerConfig::new(&url);
        config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
        config.dev = dev;
        let server = Server::bind(config).await.expect("server starts");
        let addr = server.local_addr();
        let store = server.state().store.clone();
        let dev_project = server.dev_project();
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(server.run(async move {
            let _ = stopped.await;
        }));
        Running {
            addr,
            store,
            dev_project,
            client: reqwest::Client::new(),
            _dir: dir,
            stop: Some(stop),
            task: Some(task),
        }
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Seeds the demo conversations (what `serve --demo` sends) into the dev project.
    pub(crate) async fn seed_demo(&self) {
        let project = self.dev_project.expect("a --dev server");
        telemetry_api::demo::seed(&self.store, project, self.addr)
            .await
            .expect("demo seeds");
    }

    /// POSTs an OTLP protobuf body, with `key` when given.
    pub(crate) async fn post_otlp(&self, key: Option<&str>, body: Vec<u8>) {
        let mut request = self
            .client
            .post(self.url("/v1/traces"))
            .header("content-type", "application/x-protobuf")
            .body(body);
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        let response = request.send().await.expect("OTLP request");
        assert!(
            response.status().is_success(),
            "OTLP accepted: {}",
            response.status()
        );
    }

    /// Runs a GraphQL query, with `key` when given.
    pub(crate) async fn graphql(&self, key: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = self
            .client
            .post(self.url("/graphql"))
            .json(&json!({"query": query, "variables": variables}));
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        let body: Value = request
            .send()
            .await
            .expect("graphql")
            .json()
            .await
            .expect("json");
        assert!(body["errors"].is_null(), "GraphQL errors: {body}");
        body["data"].clone()
    }

    /// Waits until trace `id` holds `spans` spans (ingest commits asynchronously).
    pub(crate) async fn wait_for_trace(&self, key: Option<&str>, id: &str, spans: u64) {
        for _ in 0..200 {
            let data = self
                .graphql(
                    key,
                    "query($id: String!) { trace(id: $id) { spanCount } }",
                    json!({"id": id}),
                )
                .await;
            if data["trace"]["spanCount"].as_u64() == Some(spans) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("trace {id} did not reach {spans} spans");
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
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

fn int(value: i64) -> any_value::Value {
    any_value::Value::IntValue(value)
}

fn now_nanos() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_nanos() as u64
}

/// An OTLP request of `spans` from service `service`.
fn request(service: &str, spans: Vec<Span>) -> Vec<u8> {
    ExportTraceServiceRequest {
        resource_spans: vec![ResourceSpans {
            resource: Some(Resource {
                attributes: vec![kv("service.name", s(service))],
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

/// What the `i`-th leaf of a big trace is: an LLM call, a tool call (every 50th fails) or an
/// embedding.
fn leaf_attributes(i: u64) -> (String, Vec<KeyValue>, bool) {
    match i % 3 {
        0 => (
            format!("execute_tool lookup_{i}"),
            vec![
                kv("gen_ai.operation.name", s("execute_tool")),
                kv("gen_ai.tool.name", s("lookup_order")),
            ],
            i.is_multiple_of(50),
        ),
        1 => (
            "chat gpt-4o-mini".to_owned(),
            vec![
                kv("gen_ai.operation.name", s("chat")),
                kv("gen_ai.provider.name", s("openai")),
                kv("gen_ai.request.model", s("gpt-4o-mini")),
                kv("gen_ai.usage.input_tokens", int(120)),
                kv("gen_ai.usage.output_tokens", int(16)),
            ],
            false,
        ),
        _ => (
            "embeddings text-embedding-3-small".to_owned(),
            vec![
                kv("gen_ai.operation.name", s("embeddings")),
                kv("gen_ai.provider.name", s("openai")),
                kv("gen_ai.request.model", s("text-embedding-3-small")),
                kv("gen_ai.usage.input_tokens", int(8)),
            ],
            false,
        ),
    }
}

/// A trace of `total` spans: an agent run over 50 sub-agents, each over LLM, tool and
/// embedding leaves, started a second ago. Returns its id and the OTLP body.
pub(crate) fn big_trace(total: u64) -> (String, Vec<u8>) {
    let trace_id: u128 = 0x5000_0000_0000_0000_0000_0000_0000_0001;
    let base = now_nanos() - 1_000_000_000;
    let span = |id: u64,
                parent: Option<u64>,
                name: String,
                start: u64,
                len: u64,
                attributes: Vec<KeyValue>,
                failed: bool| Span {
        trace_id: trace_id.to_be_bytes().to_vec(),
        span_id: id.to_be_bytes().to_vec(),
        parent_span_id: parent.map(|p| p.to_be_bytes().to_vec()).unwrap_or_default(),
        name,
        kind: 1,
        start_time_unix_nano: start,
        end_time_unix_nano: start + len,
        attributes,
        status: failed.then(|| Status {
            code: status::StatusCode::Error as i32,
            message: "tool failed".to_owned(),
        }),
        ..Span::default()
    };
    let agents = 50u64;
    let per_agent = (total - 1 - agents) / agents;
    let mut spans = vec![span(
        1,
        None,
        "invoke_agent planner".to_owned(),
        base,
        900_000_000,
        vec![
            kv("gen_ai.operation.name", s("invoke_agent")),
            kv("gen_ai.agent.name", s("planner")),
        ],
        false,
    )];
    let mut next = 2u64;
    for a in 0..agents {
        let agent_id = next;
        next += 1;
        let agent_start = base + a * 17_000_000;
        let leaves = match a == agents - 1 {
            true => total - 1 - agents - per_agent * (agents - 1),
            false => per_agent,
        };
        spans.push(span(
            agent_id,
            Some(1),
            format!("invoke_agent worker-{a}"),
            agent_start,
            leaves * 150_000 + 1_000_000,
            vec![
                kv("gen_ai.operation.name", s("invoke_agent")),
                kv("gen_ai.agent.name", s("worker")),
            ],
            false,
        ));
        for l in 0..leaves {
            let (name, attributes, failed) = leaf_attributes(next);
            spans.push(span(
                next,
                Some(agent_id),
                name,
                agent_start + l * 150_000,
                140_000,
                attributes,
                failed,
            ));
            next += 1;
        }
    }
    assert_eq!(spans.len() as u64, total, "the big trace has {total} spans");
    (format!("{trace_id:032x}"), request("big-agent", spans))
}

/// A small trace (an agent run over one LLM call) named `name`; returns its id and body.
pub(crate) fn small_trace(seed: u128, name: &str, model: &str) -> (String, Vec<u8>) {
    let trace_id = seed;
    let base = now_nanos() - 2_000_000_000;
    let root = Span {
        trace_id: trace_id.to_be_bytes().to_vec(),
        span_id: 1u64.to_be_bytes().to_vec(),
        name: name.to_owned(),
        start_time_unix_nano: base,
        end_time_unix_nano: base + 30_000_000,
        attributes: vec![
            kv("gen_ai.operation.name", s("invoke_agent")),
            kv("gen_ai.agent.name", s(name)),
        ],
        ..Span::default()
    };
    let llm = Span {
        trace_id: trace_id.to_be_bytes().to_vec(),
        span_id: 2u64.to_be_bytes().to_vec(),
        parent_span_id: 1u64.to_be_bytes().to_vec(),
        name: format!("chat {model}"),
        start_time_unix_nano: base + 1_000_000,
        end_time_unix_nano: base + 20_000_000,
        attributes: vec![
            kv("gen_ai.operation.name", s("chat")),
            kv("gen_ai.provider.name", s("openai")),
            kv("gen_ai.request.model", s(model)),
            kv("gen_ai.usage.input_tokens", int(100)),
            kv("gen_ai.usage.output_tokens", int(10)),
        ],
        ..Span::default()
    };
    (
        format!("{trace_id:032x}"),
        request("small-agent", vec![root, llm]),
    )
}

/// A committed OTLP fixture (real payloads of an instrumented Python client).
pub(crate) fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/otlp")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()))
}
