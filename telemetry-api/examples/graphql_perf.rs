//! Measures the GraphQL API on a large SQLite store: trace by id, the first page of the trace
//! list with two filters, tokens and cost by model, and latency quantiles by span type.
//!
//! ```text
//! cargo run --release -p telemetry-api --example graphql_perf -- 1000000
//! ```
//!
//! The first argument is the number of spans (10 per trace). The store is a temporary SQLite
//! file, or the SQLite file or `postgres://` URL (an existing database) named by a second
//! argument: it is filled on the first run and reused as it is on later runs, so query
//! changes can be measured without ingesting again.
//! `Store::optimize` runs after ingest, as the server does periodically.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_graphql::Request;
use telemetry_api::graphql::{AppSchema, GraphqlLimits, Scope, build_schema};
use telemetry_api::state::{AppState, Caller};
use telemetry_store::{ProjectId, Store};
use telemetry_types::attrs::{AgentRun, Cost, LlmGeneration, RagQuery, ToolCall, Usage};
use telemetry_types::{
    SpanAttributes, SpanId, SpanRecord, SpanStatus, TelemetryEvent, Timestamp, TraceAttributes,
    TraceId,
};

const SPANS_PER_TRACE: u64 = 10;
const MODELS: [(&str, &str); 4] = [
    ("gpt-4o", "openai"),
    ("gpt-4o-mini", "openai"),
    ("claude-3-5-sonnet", "anthropic"),
    ("gemini-1.5-pro", "google"),
];

/// The spans of trace `n`: an agent run, four LLM calls, three tool calls, a RAG query and
/// a final LLM call, over one hour per 10k traces.
fn trace_events(n: u64) -> Vec<TelemetryEvent> {
    let trace_id =
        TraceId::from_bytes(u128::from(n + 1).to_be_bytes()).unwrap_or_else(TraceId::random);
    let start = 1_767_225_600_000_000_000u64 + n * 360_000_000;
    let attrs = Arc::new(TraceAttributes {
        user_id: Some(format!("u-{}", n % 1000).into()),
        session_id: Some(format!("s-{}", n / 4).into()),
        environment: Some(
            if n.is_multiple_of(3) {
                "staging"
            } else {
                "production"
            }
            .into(),
        ),
        tags: vec!["bench".into()],
        ..TraceAttributes::default()
    });
    let root =
        SpanId::from_bytes((n * SPANS_PER_TRACE + 1).to_be_bytes()).unwrap_or_else(SpanId::random);
    (0..SPANS_PER_TRACE)
        .map(|i| {
            let span_id = if i == 0 {
                root
            } else {
                SpanId::from_bytes((n * SPANS_PER_TRACE + i + 1).to_be_bytes())
                    .unwrap_or_else(SpanId::random)
            };
            let jitter = fastrand::u64(0..2_000_000_000);
            let (attributes, duration): (SpanAttributes, u64) = match i {
                0 => (AgentRun::named("support-agent").into(), 8_000_000_000),
                1..=4 | 9 => {
                    let (model, provider) = MODELS[((n + i) % 4) as usize];
                    let mut a = LlmGeneration::new(model, provider);
                    let (input, output) = (fastrand::u64(100..4000), fastrand::u64(10..800));
                    a.usage = Some(Usage::new(input, output));
                    a.cost = Some(Cost::total_usd((input + 4 * output) as f64 * 1e-6));
                    (a.into(), 300_000_000 + jitter)
                }
                5..=7 => (ToolCall::named("search").into(), 50_000_000 + jitter / 10),
                _ => (
                    RagQuery::new("docs", "refunds").into(),
                    80_000_000 + jitter / 20,
                ),
            };
            let failed = i == 6 && n.is_multiple_of(20);
            let begin = start + i * 500_000_000;
            TelemetryEvent::SpanEnded {
                span: Arc::new(SpanRecord {
                    trace_id,
                    span_id,
                    parent_span_id: (i > 0).then_some(root),
                    name: if i == 0 { "support" } else { "step" }.into(),
                    service_name: Arc::from("support-bot"),
                    attributes,
                    input: None,
                    output: None,
                    metadata: Default::default(),
                    start_time: Timestamp::from_unix_nanos(begin),
                    end_time: Some(Timestamp::from_unix_nanos(begin + duration)),
                    status: if failed {
                        SpanStatus::Error
                    } else {
                        SpanStatus::Ok
                    },
                    error: None,
                    errored_descendants: Vec::new(),
                    events: Vec::new(),
                    ended_by_drop: false,
                    trace: attrs.clone(),
                }),
            }
        })
        .collect()
}

async fn run(schema: &AppSchema, state: &AppState, project: ProjectId, query: &str) -> Duration {
    let request = Request::new(query).data(Scope::new(state.clone(), Caller { project }));
    let started = Instant::now();
    let response = schema.execute(request).await;
    let took = started.elapsed();
    if !response.errors.is_empty() {
        eprintln!("query failed: {:?}", response.errors);
    }
    took
}

fn percentile(times: &mut [Duration], q: f64) -> Duration {
    times.sort();
    let i = ((times.len() - 1) as f64 * q).round() as usize;
    times[i]
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let spans: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let traces = spans / SPANS_PER_TRACE;
    let dir = tempfile::tempdir()?;
    let target = std::env::args().nth(2);
    let url = match &target {
        Some(url) if url.starts_with("postgres") => url.clone(),
        Some(path) => format!("sqlite://{path}"),
        None => format!("sqlite://{}", dir.path().join("perf.db").display()),
    };
    let store = Store::connect(&url).await?;
    store.migrate().await?;
    let (project, reuse) = match store.project_by_slug("perf").await? {
        Some(p) => (p.id, true),
        None => (store.create_project("perf", "Perf").await?.id, false),
    };
    if !reuse {
        ingest(&store, project, traces).await?;
    }
    query(store, project, traces).await
}

async fn ingest(
    store: &Store,
    project: ProjectId,
    traces: u64,
) -> Result<(), Box<dyn std::error::Error>> {
    let spans = traces * SPANS_PER_TRACE;
    let started = Instant::now();
    let batch = 500;
    let mut n = 0;
    while n < traces {
        let events: Vec<TelemetryEvent> = (n..(n + batch).min(traces))
            .flat_map(trace_events)
            .collect();
        store.ingest(project, &events).await?;
        n += batch;
    }
    println!(
        "ingested {spans} spans ({traces} traces) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    // What the server does at start and every five minutes.
    store.optimize().await?;
    Ok(())
}

async fn query(
    store: Store,
    project: ProjectId,
    traces: u64,
) -> Result<(), Box<dyn std::error::Error>> {
    let state = AppState::new(store);
    let schema = build_schema(&GraphqlLimits::default());

    let mut by_id = Vec::new();
    for _ in 0..300 {
        let id = TraceId::from_bytes(u128::from(fastrand::u64(0..traces) + 1).to_be_bytes())
            .unwrap_or_else(TraceId::random);
        let q = format!(
            "{{ trace(id: \"{id}\") {{ id name durationMs totalCost spans {{ spanId name type model durationMs }} }} }}"
        );
        by_id.push(run(&schema, &state, project, &q).await);
    }
    let page = "{ traces(first: 50, filter: { model: \"gpt-4o\", environment: \"production\" }) { edges { node { id name durationMs totalCost } } } }";
    let mut pages = Vec::new();
    for _ in 0..20 {
        pages.push(run(&schema, &state, project, page).await);
    }
    let usage =
        "{ analytics { usage { group { model provider } calls inputTokens outputTokens cost } } }";
    let latency = "{ analytics { latency(groupBy: [SPAN_TYPE], quantiles: [0.5, 0.95, 0.99]) { group { spanType } count quantiles { q ms } } } }";
    let mut usage_times = Vec::new();
    let mut latency_times = Vec::new();
    for _ in 0..3 {
        usage_times.push(run(&schema, &state, project, usage).await);
        latency_times.push(run(&schema, &state, project, latency).await);
    }
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!("| query | p50 (ms) | p99 / max (ms) |");
    println!("|---|---|---|");
    println!(
        "| trace by id with its spans (300 runs) | {:.2} | {:.2} |",
        ms(percentile(&mut by_id, 0.5)),
        ms(percentile(&mut by_id, 0.99))
    );
    println!(
        "| first page of traces, model + environment (20 runs) | {:.2} | {:.2} |",
        ms(percentile(&mut pages, 0.5)),
        ms(percentile(&mut pages, 1.0))
    );
    println!(
        "| tokens and cost by model and provider (3 runs) | {:.1} | {:.1} |",
        ms(percentile(&mut usage_times, 0.5)),
        ms(percentile(&mut usage_times, 1.0))
    );
    println!(
        "| latency p50/p95/p99 by span type (3 runs) | {:.1} | {:.1} |",
        ms(percentile(&mut latency_times, 0.5)),
        ms(percentile(&mut latency_times, 1.0))
    );
    Ok(())
}
