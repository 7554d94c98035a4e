//! Store benchmarks on SQLite (file, WAL) and PostgreSQL: ingest throughput, one trace by id,
//! tokens and cost by model, latency quantiles by span type, and database size per million
//! spans, over a store filled by a generator of realistic agent traces.
//!
//! Sizes come from the environment so CI never runs a long benchmark by accident:
//! - `STORE_BENCH_SPANS`: spans to fill the store with (default 20 000);
//! - `STORE_BENCH_BATCH`: spans per ingest transaction (default 2 000);
//! - `STORE_BENCH_POSTGRES_URL` (or `TELEMETRY_TEST_POSTGRES_URL`): a PostgreSQL server to
//!   benchmark too, in a database created for the run and dropped after it;
//! - `STORE_BENCH_BACKENDS`: `sqlite`, `postgres` or `sqlite,postgres` (default: both when a
//!   URL is set);
//! - `STORE_BENCH_KEEP`: keep the PostgreSQL database (`tstore_bench_<pid>`) for inspection.
//!
//! `cargo bench -p telemetry-store --bench store`

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sea_orm::{ConnectionTrait, Database, Statement};
use telemetry_store::{Aggregate, LatencyQuery, ProjectId, Store, TimeRange};
use telemetry_types::attrs::{
    AgentRun, EmbeddingGeneration, EvalExecution, LlmGeneration, RagQuery, ToolCall, Usage,
};
use telemetry_types::{
    SpanAttributes, SpanError, SpanId, SpanRecord, SpanStatus, TelemetryEvent, Timestamp,
    TraceAttributes, TraceId,
};
use tokio::runtime::Runtime;

const MODELS: [(&str, &str); 6] = [
    ("gpt-4o", "openai"),
    ("gpt-4o-mini", "openai"),
    ("o3-mini", "openai"),
    ("claude-sonnet-4-20250514", "anthropic"),
    ("claude-3-5-haiku-20241022", "anthropic"),
    ("gemini-2.5-flash", "google"),
];

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Generates agent traces: a root agent run with LLM calls, tool calls, a RAG query with its
/// embedding, occasional errors, and an eval trace scoring it.
struct Generator {
    rng: fastrand::Rng,
    clock_ms: u64,
    service: Arc<str>,
}

impl Generator {
    fn new(seed: u64) -> Self {
        Generator {
            rng: fastrand::Rng::with_seed(seed),
            clock_ms: 1_767_225_600_000,
            service: Arc::from("support-bot"),
        }
    }

    fn span(
        &mut self,
        trace: TraceId,
        parent: Option<SpanId>,
        name: &str,
        attrs: SpanAttributes,
        start: u64,
        dur: u64,
    ) -> SpanRecord {
        let failed = self.rng.u32(..100) < 3;
        SpanRecord {
            trace_id: trace,
            span_id: SpanId::random(),
            parent_span_id: parent,
            name: name.to_owned().into(),
            service_name: self.service.clone(),
            attributes: attrs,
            input: Some(serde_json::json!({"prompt": "What is the refund policy for order 1234?"})),
            output: Some(serde_json::json!({"text": "Refunds are accepted within 30 days."})),
            metadata: Default::default(),
            start_time: Timestamp::from_unix_nanos(start * 1_000_000),
            end_time: Some(Timestamp::from_unix_nanos((start + dur) * 1_000_000)),
            status: if failed {
                SpanStatus::Error
            } else {
                SpanStatus::Ok
            },
            error: failed.then(|| SpanError::new("rate_limited", "429 Too Many Requests")),
            errored_descendants: Vec::new(),
            events: Vec::new(),
            ended_by_drop: false,
            trace: Arc::new(TraceAttributes {
                user_id: Some(format!("u-{}", self.rng.u32(..500)).into()),
                session_id: Some(format!("s-{}", self.rng.u32(..2000)).into()),
                environment: Some("production".into()),
                ..Default::default()
            }),
        }
    }

    fn llm(&mut self) -> SpanAttributes {
        let (model, provider) = MODELS[self.rng.usize(..MODELS.len())];
        let mut attrs = LlmGeneration::new(model, provider);
        let input = self.rng.u64(200..8000);
        let mut usage = Usage::new(input, self.rng.u64(20..1200));
        usage.cache_read_tokens = Some(input / 3);
        attrs.usage = Some(usage);
        attrs.into()
    }

    /// One agent trace plus its eval trace, as `span_ended` events.
    fn trace(&mut self, out: &mut Vec<TelemetryEvent>) {
        let trace = TraceId::random();
        let start = self.clock_ms;
        self.clock_ms += self.rng.u64(1..50);
        let root = self.span(
            trace,
            None,
            "support-agent",
            AgentRun::named("support").into(),
            start,
            4000,
        );
        let root_id = root.span_id;
        let mut spans = vec![root];
        let mut t = start + 5;
        for step in 0..self.rng.usize(2..5) {
            let attrs = self.llm();
            let dur = self.rng.u64(200..3000);
            spans.push(self.span(trace, Some(root_id), "chat", attrs, t, dur));
            t += dur;
            let tool = ToolCall {
                tool_name: Some("lookup_order".into()),
                ..Default::default()
            };
            let dur = self.rng.u64(5..400);
            spans.push(self.span(trace, Some(root_id), "lookup_order", tool.into(), t, dur));
            if step == 0 {
                let dur = self.rng.u64(20..200);
                let rag = self.span(
                    trace,
                    Some(root_id),
                    "retrieve",
                    RagQuery::default().into(),
                    t,
                    dur,
                );
                let rag_id = rag.span_id;
                spans.push(rag);
                let mut embed = EmbeddingGeneration::new("text-embedding-3-small", "openai");
                embed.usage = Some(Usage {
                    input_tokens: Some(self.rng.u64(5..60)),
                    ..Default::default()
                });
                let dur = self.rng.u64(10..80);
                spans.push(self.span(trace, Some(rag_id), "embed", embed.into(), t, dur));
            }
        }
        let mut eval = EvalExecution::new("llm_judge", "faithfulness");
        eval.score = Some(self.rng.f64());
        eval.evaluated_trace_id = Some(trace);
        let eval_span = self.span(TraceId::random(), None, "eval", eval.into(), t, 900);
        spans.push(eval_span);
        out.extend(spans.into_iter().map(|span| TelemetryEvent::SpanEnded {
            span: Arc::new(span),
        }));
    }

    fn batch(&mut self, spans: usize) -> Vec<TelemetryEvent> {
        let mut out = Vec::with_capacity(spans + 16);
        while out.len() < spans {
            self.trace(&mut out);
        }
        out
    }
}

/// A store under test, with what it needs to clean up.
struct Bench {
    label: &'static str,
    store: Store,
    project: ProjectId,
    sample_trace: TraceId,
    cleanup: Cleanup,
}

enum Cleanup {
    /// The directory is deleted when dropped; the path is the database file.
    Sqlite {
        _dir: tempfile::TempDir,
        path: std::path::PathBuf,
    },
    Postgres {
        admin: String,
        name: String,
    },
}

async fn open(label: &'static str, rt_url: Option<&str>) -> Bench {
    let (store, cleanup) = match rt_url {
        None => {
            let dir = tempfile::tempdir().expect("temp dir");
            let path = dir.path().join("bench.db");
            let store = Store::connect(&format!("sqlite://{}", path.display()))
                .await
                .expect("sqlite");
            (store, Cleanup::Sqlite { _dir: dir, path })
        }
        Some(admin) => {
            let name = format!("tstore_bench_{}", std::process::id());
            let db = Database::connect(admin).await.expect("admin");
            db.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .await
                .expect("drop");
            db.execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create");
            let base = admin.split('?').next().unwrap_or(admin);
            let (server, _) = base.rsplit_once('/').expect("URL with a database");
            let store = Store::connect(&format!("{server}/{name}"))
                .await
                .expect("postgres");
            (
                store,
                Cleanup::Postgres {
                    admin: admin.to_owned(),
                    name,
                },
            )
        }
    };
    store.migrate().await.expect("migrate");
    // The generated traces start on 2026-01-01: on PostgreSQL give that day (and the next
    // three) partitions of their own, as a server running then would have, so queries by
    // trace id probe several day partitions as they do in production.
    store
        .create_span_partitions(Timestamp::from_unix_nanos(1_767_225_600_000_000_000))
        .await
        .expect("partitions");
    let project = store
        .create_project("bench", "bench")
        .await
        .expect("project")
        .id;
    Bench {
        label,
        store,
        project,
        sample_trace: TraceId::random(),
        cleanup,
    }
}

/// Fills the store and reports the sustained ingest rate.
async fn fill(bench: &mut Bench, generator: &mut Generator, spans: usize, batch: usize) {
    let mut written = 0usize;
    let mut busy = Duration::ZERO;
    while written < spans {
        let events = generator.batch(batch.min(spans - written));
        if let Some(span) = events.first().and_then(|e| e.span()) {
            bench.sample_trace = span.trace_id;
        }
        let started = Instant::now();
        bench
            .store
            .ingest(bench.project, &events)
            .await
            .expect("ingest");
        busy += started.elapsed();
        written += events.len();
    }
    println!(
        "[{}] filled {written} spans in {:.2} s: {:.0} spans/s (batches of {batch})",
        bench.label,
        busy.as_secs_f64(),
        written as f64 / busy.as_secs_f64()
    );
    let started = Instant::now();
    bench.store.maintain().await.expect("maintain");
    println!(
        "[{}] Store::maintain (statistics, visibility map) took {:.2} s",
        bench.label,
        started.elapsed().as_secs_f64()
    );
    let size = db_size(bench).await;
    println!(
        "[{}] database size {:.1} MiB = {:.0} MiB per million spans",
        bench.label,
        size as f64 / 1048576.0,
        size as f64 / 1048576.0 / written as f64 * 1e6
    );
}

async fn db_size(bench: &Bench) -> u64 {
    let db = bench.store.connection();
    match &bench.cleanup {
        Cleanup::Sqlite { path, .. } => {
            let checkpoint = Statement::from_string(
                db.get_database_backend(),
                "PRAGMA wal_checkpoint(TRUNCATE)",
            );
            db.execute_raw(checkpoint).await.expect("checkpoint");
            std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
        }
        Cleanup::Postgres { .. } => {
            let q = Statement::from_string(
                db.get_database_backend(),
                "SELECT pg_database_size(current_database())",
            );
            let row = db.query_one_raw(q).await.expect("size").expect("row");
            row.try_get_by_index::<i64>(0).unwrap_or(0) as u64
        }
    }
}

async fn close(bench: Bench) {
    bench.store.close().await.expect("close");
    if std::env::var("STORE_BENCH_KEEP").is_ok() {
        println!("[{}] kept the database (STORE_BENCH_KEEP)", bench.label);
        return;
    }
    if let Cleanup::Postgres { admin, name } = bench.cleanup {
        let db = Database::connect(&admin).await.expect("admin");
        db.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await
            .expect("drop");
    }
}

fn run_backend(c: &mut Criterion, rt: &Runtime, label: &'static str, url: Option<&str>) {
    let spans = env_usize("STORE_BENCH_SPANS", 20_000);
    let batch = env_usize("STORE_BENCH_BATCH", 2_000).max(1);
    let mut generator = Generator::new(42);
    let mut bench = rt.block_on(open(label, url));
    rt.block_on(fill(&mut bench, &mut generator, spans, batch));
    let mut group = c.benchmark_group(format!("store/{label}/{spans}"));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    group.throughput(Throughput::Elements(1));
    group.bench_function("trace by id", |b| {
        b.iter(|| {
            rt.block_on(bench.store.get_trace(bench.project, bench.sample_trace))
                .expect("trace")
        })
    });
    let all = Aggregate::over(TimeRange::ALL);
    group.bench_function("tokens and cost by model", |b| {
        b.iter(|| {
            rt.block_on(bench.store.usage_by_model(bench.project, &all))
                .expect("usage")
        })
    });
    let by_type = LatencyQuery {
        by_name: false,
        ..LatencyQuery::p50_p95_p99(all)
    };
    group.bench_function("p50/p95/p99 by span type", |b| {
        b.iter(|| {
            rt.block_on(bench.store.latency_quantiles(bench.project, &by_type))
                .expect("latency")
        })
    });
    // Last, so the queries above measured the store as filled.
    group.throughput(Throughput::Elements(1_000));
    group.bench_function("ingest 1000 spans", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let events = generator.batch(1_000);
                let started = Instant::now();
                rt.block_on(bench.store.ingest(bench.project, &events))
                    .expect("ingest");
                total += started.elapsed();
            }
            total
        })
    });
    group.finish();
    rt.block_on(close(bench));
}

fn store_benches(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let pg = std::env::var("STORE_BENCH_POSTGRES_URL")
        .or_else(|_| std::env::var("TELEMETRY_TEST_POSTGRES_URL"))
        .ok()
        .filter(|u| !u.is_empty());
    let wanted = std::env::var("STORE_BENCH_BACKENDS").unwrap_or_else(|_| "sqlite,postgres".into());
    if wanted.contains("sqlite") {
        run_backend(c, &rt, "sqlite", None);
    }
    match (&pg, wanted.contains("postgres")) {
        (Some(url), true) => run_backend(c, &rt, "postgres", Some(url)),
        (None, true) => println!("skipped: PostgreSQL benchmarks (set STORE_BENCH_POSTGRES_URL)"),
        _ => {}
    }
}

criterion_group!(benches, store_benches);
criterion_main!(benches);
