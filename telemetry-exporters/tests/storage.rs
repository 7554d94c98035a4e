//! The storage exporter: every span reaches the store, also when PostgreSQL connections are
//! cut in the middle of a run.

use std::time::Duration;

use sea_orm::{ConnectionTrait, Database};
use telemetry_core::attrs::{AgentRun, LlmGeneration, ToolCall, Usage};
use telemetry_core::{FutureExt, Telemetry, TraceId};
use telemetry_exporters::storage::{StorageExporter, StorageExporterConfig};
use telemetry_store::{ProjectId, Store};

const PG_ENV: &str = "TELEMETRY_TEST_POSTGRES_URL";
const TRACES: usize = 120;
const CHILDREN: usize = 9;

fn exporter(store: &Store, project: ProjectId) -> StorageExporter {
    StorageExporter::with_config(
        store.clone(),
        project,
        StorageExporterConfig {
            min_retry_delay: Duration::from_millis(20),
            max_retry_delay: Duration::from_millis(200),
            ..StorageExporterConfig::default()
        },
    )
}

/// Records `TRACES` traces of an agent run with LLM and tool children; calls `midway` halfway.
async fn record_traces(telemetry: &Telemetry, midway: impl AsyncFnOnce()) -> Vec<TraceId> {
    let mut midway = Some(midway);
    let mut ids = Vec::new();
    for i in 0..TRACES {
        if i == TRACES / 2
            && let Some(f) = midway.take()
        {
            f().await;
        }
        let run = telemetry
            .trace(format!("run-{i}"), AgentRun::named("bot"))
            .start();
        ids.push(run.trace_id().expect("sampled"));
        async {
            for c in 0..CHILDREN {
                if c % 2 == 0 {
                    let llm = telemetry
                        .span("chat", LlmGeneration::new("gpt-4o-mini", "openai"))
                        .start();
                    llm.record_usage(Usage::new(100, 10));
                    llm.end();
                } else {
                    telemetry
                        .span("tool", ToolCall::named("search"))
                        .start()
                        .end();
                }
            }
        }
        .in_span(&run)
        .await;
        run.end();
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    ids
}

async fn assert_all_stored(store: &Store, project: ProjectId, ids: &[TraceId]) {
    for id in ids {
        let trace = store
            .trace_summary(project, *id)
            .await
            .expect("query")
            .expect("trace stored");
        assert_eq!(trace.span_count as usize, CHILDREN + 1, "trace {id}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_span_reaches_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::connect(&format!("sqlite://{}", dir.path().join("t.db").display()))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let project = store.create_project("p", "P").await.unwrap();
    let storage = exporter(&store, project.id);
    let telemetry = Telemetry::builder("storage-test")
        .exporter(storage.clone())
        .build()
        .unwrap();
    let ids = record_traces(&telemetry, async || {}).await;
    telemetry.shutdown().await.unwrap();
    assert_all_stored(&store, project.id, &ids).await;
    let stats = storage.stats();
    assert_eq!(stats.failed, 0);
    assert_eq!(
        stats.written as usize,
        TRACES * (CHILDREN + 1) + TRACES,
        "spans and trace_ended events"
    );
    assert_eq!(telemetry.stats().dropped(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_span_is_lost_when_postgres_connections_are_cut() {
    let Ok(admin_url) = std::env::var(PG_ENV) else {
        eprintln!("skipped: PostgreSQL storage exporter test ({PG_ENV} is not set)");
        return;
    };
    let db = format!(
        "texp_{}_{}",
        std::process::id(),
        telemetry_core::Timestamp::now().as_unix_nanos() % 1_000_000_000
    );
    let admin = Database::connect(&admin_url).await.unwrap();
    admin
        .execute_unprepared(&format!("CREATE DATABASE {db}"))
        .await
        .unwrap();
    let base = admin_url.split('?').next().unwrap();
    let url = format!("{}/{db}", base.rsplit_once('/').unwrap().0);

    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    let project = store.create_project("p", "P").await.unwrap();
    let storage = exporter(&store, project.id);
    let telemetry = Telemetry::builder("storage-pg")
        .exporter(storage.clone())
        .build()
        .unwrap();
    let cut = format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{db}' AND pid <> pg_backend_pid()"
    );
    let ids = record_traces(&telemetry, async || {
        // Cut every connection of the store's pool, twice, while spans keep coming.
        admin.execute_unprepared(&cut).await.unwrap();
        tokio::time::sleep(Duration::from_millis(30)).await;
        admin.execute_unprepared(&cut).await.unwrap();
    })
    .await;
    telemetry.shutdown().await.unwrap();
    // Read back through a pool of our own: the connections the exporter's pool reopened after
    // the cuts belong to the exporter worker's runtime, which shutdown has just stopped.
    let reader = Store::connect(&url).await.unwrap();
    assert_all_stored(&reader, project.id, &ids).await;
    reader.close().await.unwrap();
    assert_eq!(storage.stats().failed, 0);
    assert_eq!(telemetry.stats().dropped(), 0);
    eprintln!(
        "storage exporter stats after cut connections: {:?}",
        storage.stats()
    );

    store.close().await.unwrap();
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)"))
        .await
        .unwrap();
}
