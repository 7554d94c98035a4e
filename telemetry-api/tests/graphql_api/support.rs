//! The harness (one SQLite file, and one PostgreSQL database when
//! `TELEMETRY_TEST_POSTGRES_URL` is set, per test), realistic seed traces in two projects, and
//! helpers to run GraphQL as a project's caller.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use async_graphql::Request;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use telemetry_api::graphql::{GraphqlLimits, Scope, build_schema};
use telemetry_api::state::{AppState, Caller};
use telemetry_store::{NewScore, ProjectId, ScoreSource, ScoreValue, Store};
use telemetry_types::attrs::{
    AgentRun, Cost, EmbeddingGeneration, LlmGeneration, RagQuery, ToolCall, Usage,
};
use telemetry_types::{
    SpanAttributes, SpanError, SpanEvent, SpanId, SpanRecord, SpanStatus, TelemetryEvent,
    Timestamp, TraceAttributes, TraceId,
};

/// The variable naming a PostgreSQL server for the tests.
const PG_ENV: &str = "TELEMETRY_TEST_POSTGRES_URL";

/// Runs `test` against SQLite, then against PostgreSQL when configured.
pub(crate) async fn each_db<F, Fut>(name: &str, test: F)
where
    F: Fn(Store) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("graphql.db").display());
    let store = Store::connect(&url).await.expect("sqlite connects");
    store.migrate().await.expect("sqlite migrates");
    run(test(store.clone())).await;
    match std::env::var(PG_ENV) {
        Ok(admin) if !admin.is_empty() => on_postgres(&admin, name, &test).await,
        _ => println!("skipped: PostgreSQL run of {name} ({PG_ENV} is not set)"),
    }
}

async fn run<Fut: Future<Output = ()> + Send + 'static>(fut: Fut) {
    if let Err(err) = tokio::spawn(fut).await {
        std::panic::resume_unwind(err.into_panic());
    }
}

async fn on_postgres<F, Fut>(admin_url: &str, name: &str, test: &F)
where
    F: Fn(Store) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let db = format!(
        "tgql_{}_{}_{}",
        std::process::id(),
        Timestamp::now().as_unix_nanos() % 1_000_000_000,
        COUNTER.fetch_add(1, Ordering::Relaxed)
    );
    let admin = Database::connect(admin_url).await.expect("admin connects");
    admin
        .execute_unprepared(&format!("CREATE DATABASE {db}"))
        .await
        .expect("create database");
    let base = admin_url.split('?').next().unwrap_or(admin_url);
    let (server, _) = base.rsplit_once('/').expect("URL with a database path");
    let store = Store::connect(&format!("{server}/{db}"))
        .await
        .expect("postgres connects");
    store.migrate().await.expect("postgres migrates");
    let outcome = tokio::spawn(test(store.clone())).await;
    store.close().await.ok();
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
        .await
        .expect("drop database");
    if let Err(err) = outcome {
        eprintln!("PostgreSQL run of {name} failed");
        std::panic::resume_unwind(err.into_panic());
    }
}

/// A trace id from a small number.
pub(crate) fn tid(n: u128) -> TraceId {
    TraceId::from_bytes((n + 1).to_be_bytes()).expect("non-zero")
}

/// A span id from a small number.
pub(crate) fn sid(n: u64) -> SpanId {
    SpanId::from_bytes((n + 1).to_be_bytes()).expect("non-zero")
}

/// 2026-01-01T00:00:00Z in milliseconds.
pub(crate) const BASE_MS: u64 = 1_767_225_600_000;

/// `BASE + ms`.
pub(crate) fn at(ms: u64) -> Timestamp {
    Timestamp::from_unix_nanos((BASE_MS + ms) * 1_000_000)
}

/// What a seeded span is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    Agent,
    Llm(&'static str, &'static str, u64, u64, f64),
    Embedding(&'static str, &'static str, u64, f64),
    Tool,
    Rag,
}

/// One seeded span, kept so tests can compute expectations independently.
#[derive(Debug, Clone)]
pub(crate) struct Spec {
    pub(crate) project: u8,
    pub(crate) trace: u128,
    pub(crate) id: u64,
    pub(crate) parent: Option<u64>,
    pub(crate) name: &'static str,
    pub(crate) kind: Kind,
    pub(crate) start_ms: u64,
    pub(crate) end_ms: u64,
    pub(crate) failed: bool,
}

impl Spec {
    pub(crate) fn duration_ms(&self) -> f64 {
        (self.end_ms - self.start_ms) as f64
    }

    pub(crate) fn model(&self) -> Option<(&'static str, &'static str)> {
        match self.kind {
            Kind::Llm(m, p, ..) | Kind::Embedding(m, p, ..) => Some((m, p)),
            _ => None,
        }
    }

    /// (input, output, cost).
    pub(crate) fn usage(&self) -> (u64, u64, f64) {
        match self.kind {
            Kind::Llm(_, _, i, o, c) => (i, o, c),
            Kind::Embedding(_, _, i, c) => (i, 0, c),
            _ => (0, 0, 0.0),
        }
    }

    pub(crate) fn span_type(&self) -> &'static str {
        match self.kind {
            Kind::Agent => "agent_run",
            Kind::Llm(..) => "llm_generation",
            Kind::Embedding(..) => "embedding_generation",
            Kind::Tool => "tool_call",
            Kind::Rag => "rag_query",
        }
    }
}

/// Trace-level fields of the seeded traces.
fn trace_attrs(trace: u128) -> TraceAttributes {
    let (user, session, tags, env, release): (&str, &str, &[&str], &str, &str) = match trace {
        1 => ("u-1", "s-1", &["prod", "vip"], "production", "1.2.0"),
        2 => ("u-2", "s-1", &["prod"], "production", "1.3.0"),
        3 => ("u-1", "s-2", &["batch"], "staging", "1.3.0"),
        _ => ("u-9", "s-1", &["prod"], "production", "9.9.9"),
    };
    TraceAttributes {
        user_id: Some(user.to_owned().into()),
        session_id: Some(session.to_owned().into()),
        tags: tags.iter().map(|t| (*t).to_owned().into()).collect(),
        environment: Some(env.to_owned().into()),
        release: Some(release.to_owned().into()),
        ..TraceAttributes::default()
    }
}

/// Hour offset of each trace's start.
fn trace_offset_ms(trace: u128) -> u64 {
    match trace {
        1 => 0,
        2 => 3_600_000,
        3 => 7_200_000,
        _ => 60_000,
    }
}

/// The seeded spans: three traces of project A (1 support run with a failed tool call, 2
/// a second support run in the same session, 3 a summarization in another session), and
/// one failed trace of project B in a session with A's session id.
pub(crate) fn specs() -> Vec<Spec> {
    use Kind::*;
    let s = |project, trace, id, parent, name, kind, start_ms, end_ms, failed| Spec {
        project,
        trace,
        id,
        parent,
        name,
        kind,
        start_ms: start_ms + trace_offset_ms(trace),
        end_ms: end_ms + trace_offset_ms(trace),
        failed,
    };
    vec![
        s(0, 1, 101, None, "support", Agent, 0, 5000, false),
        s(
            0,
            1,
            102,
            Some(101),
            "chat",
            Llm("gpt-4o", "openai", 1000, 200, 0.02),
            100,
            2600,
            false,
        ),
        s(0, 1, 103, Some(101), "search", Tool, 2700, 2900, true),
        s(
            0,
            1,
            104,
            Some(101),
            "chat",
            Llm("gpt-4o-mini", "openai", 300, 50, 0.001),
            3000,
            3800,
            false,
        ),
        s(0, 1, 105, Some(104), "retrieve", Rag, 3100, 3300, false),
        s(0, 2, 201, None, "support", Agent, 0, 4000, false),
        s(
            0,
            2,
            202,
            Some(201),
            "chat",
            Llm("claude-3-5-sonnet", "anthropic", 500, 100, 0.01),
            100,
            3100,
            false,
        ),
        s(0, 3, 301, None, "Summarize notes", Agent, 0, 2000, false),
        s(
            0,
            3,
            302,
            Some(301),
            "chat",
            Llm("gpt-4-turbo", "openai", 2000, 300, 0.05),
            100,
            1600,
            false,
        ),
        s(
            0,
            3,
            303,
            Some(301),
            "embed",
            Embedding("text-embedding-3-small", "openai", 50, 0.0001),
            1600,
            1700,
            false,
        ),
        s(
            1,
            4,
            401,
            None,
            "secret",
            Llm("gpt-4o", "openai", 10, 10, 1.0),
            0,
            3000,
            true,
        ),
    ]
}

fn record(spec: &Spec) -> SpanRecord {
    let attributes: SpanAttributes = match spec.kind {
        Kind::Agent => AgentRun::named(spec.name).into(),
        Kind::Llm(model, provider, input, output, cost) => {
            let mut a = LlmGeneration::new(model, provider);
            a.usage = Some(Usage::new(input, output));
            a.cost = Some(Cost::total_usd(cost));
            a.into()
        }
        Kind::Embedding(model, provider, input, cost) => {
            let mut a = EmbeddingGeneration::new(model, provider);
            a.usage = Some(Usage::new(input, 0));
            a.cost = Some(Cost::total_usd(cost));
            a.into()
        }
        Kind::Tool => ToolCall::named(spec.name).into(),
        Kind::Rag => RagQuery::new("docs", "refund policy").into(),
    };
    let mut metadata = serde_json::Map::new();
    if spec.id == 104 {
        metadata.insert("prompt_version".into(), json!("v2"));
    }
    let mut events = Vec::new();
    if spec.id == 102 {
        events.push(SpanEvent {
            name: "first_token".into(),
            time: at(spec.start_ms + 300),
            attributes: serde_json::Map::new(),
        });
    }
    SpanRecord {
        trace_id: tid(spec.trace),
        span_id: sid(spec.id),
        parent_span_id: spec.parent.map(sid),
        name: spec.name.to_owned().into(),
        service_name: Arc::from("support-bot"),
        attributes,
        input: (spec.parent.is_none()).then(|| json!({"question": "What is the refund policy?"})),
        output: (spec.parent.is_none()).then(|| json!("Refunds take 5 days.")),
        metadata,
        start_time: at(spec.start_ms),
        end_time: Some(at(spec.end_ms)),
        status: if spec.failed {
            SpanStatus::Error
        } else {
            SpanStatus::Ok
        },
        error: spec
            .failed
            .then(|| SpanError::new("timeout", "search backend timed out")),
        errored_descendants: Vec::new(),
        events,
        ended_by_drop: false,
        trace: Arc::new(trace_attrs(spec.trace)),
    }
}

/// The seeded projects and scores.
pub(crate) struct Seed {
    pub(crate) a: ProjectId,
    pub(crate) b: ProjectId,
    /// The score of project B (on its trace).
    pub(crate) b_score: i64,
}

/// Ingests the seed spans through `Store::ingest` and records scores.
pub(crate) async fn seed(store: &Store) -> Seed {
    let a = store.create_project("a", "A").await.expect("project a").id;
    let b = store.create_project("b", "B").await.expect("project b").id;
    for (project, index) in [(a, 0u8), (b, 1)] {
        let events: Vec<TelemetryEvent> = specs()
            .iter()
            .filter(|s| s.project == index)
            .map(|s| TelemetryEvent::SpanEnded {
                span: Arc::new(record(s)),
            })
            .collect();
        store.ingest(project, &events).await.expect("ingest");
    }
    let score = |trace: u128, span: Option<u64>, name: &str, value: ScoreValue, source| NewScore {
        trace_id: tid(trace),
        span_id: span.map(sid),
        name: name.to_owned(),
        value,
        source,
        evaluator: Some("judge".to_owned()),
        comment: Some(format!("seed {trace}")),
    };
    let (api, human) = (ScoreSource::Api, ScoreSource::Human);
    for new in [
        score(1, None, "helpfulness", ScoreValue::Numeric(0.2), human),
        score(2, None, "helpfulness", ScoreValue::Numeric(0.9), api),
        score(3, Some(302), "helpfulness", ScoreValue::Numeric(0.6), api),
        score(
            2,
            None,
            "verdict",
            ScoreValue::Categorical("correct".into()),
            human,
        ),
        score(
            1,
            None,
            "verdict",
            ScoreValue::Categorical("wrong".into()),
            human,
        ),
        score(
            3,
            None,
            "verdict",
            ScoreValue::Categorical("correct".into()),
            api,
        ),
        score(1, None, "safe", ScoreValue::Boolean(true), api),
        score(3, None, "safe", ScoreValue::Boolean(false), api),
    ] {
        store.create_score(a, new).await.expect("score a");
    }
    let b_score = store
        .create_score(
            b,
            score(4, None, "helpfulness", ScoreValue::Numeric(0.1), api),
        )
        .await
        .expect("score b")
        .id;
    Seed { a, b, b_score }
}

/// The seeded specs of project A.
pub(crate) fn specs_a() -> Vec<Spec> {
    specs().into_iter().filter(|s| s.project == 0).collect()
}

/// Runs `query` as `project`'s caller; returns the whole response as JSON.
pub(crate) async fn exec_with(
    state: &AppState,
    project: ProjectId,
    limits: &GraphqlLimits,
    query: &str,
    variables: Value,
) -> Value {
    let schema = build_schema(limits);
    let request = Request::new(query)
        .variables(async_graphql::Variables::from_json(variables))
        .data(Scope::new(state.clone(), Caller { project }));
    serde_json::to_value(schema.execute(request).await).expect("response serializes")
}

/// Runs `query` with variables and default limits; panics on errors; returns `data`.
pub(crate) async fn data_vars(
    state: &AppState,
    project: ProjectId,
    query: &str,
    variables: Value,
) -> Value {
    let response = exec_with(state, project, &GraphqlLimits::default(), query, variables).await;
    if let Some(errors) = response.get("errors") {
        panic!("query failed: {errors}\n{query}");
    }
    response["data"].clone()
}

/// Runs `query` with default limits; panics on errors; returns `data`.
pub(crate) async fn data(state: &AppState, project: ProjectId, query: &str) -> Value {
    data_vars(state, project, query, json!({})).await
}

/// Runs `query` with `limits`; returns the error messages (empty when it succeeded).
pub(crate) async fn errors_with(
    state: &AppState,
    project: ProjectId,
    limits: &GraphqlLimits,
    query: &str,
) -> Vec<String> {
    let response = exec_with(state, project, limits, query, json!({})).await;
    response["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["message"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Runs `query` with default limits; returns the error messages.
pub(crate) async fn errors(state: &AppState, project: ProjectId, query: &str) -> Vec<String> {
    errors_with(state, project, &GraphqlLimits::default(), query).await
}

/// Float comparison with a tolerance.
pub(crate) fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

/// `value` as f64, panicking with context otherwise.
pub(crate) fn f(value: &Value) -> f64 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("not a number: {value}"))
}

/// The nodes of a connection.
pub(crate) fn nodes(connection: &Value) -> Vec<Value> {
    connection["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("not a connection: {connection}"))
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}
