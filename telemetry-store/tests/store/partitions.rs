//! Time partitions of spans (PostgreSQL): spans land in their day's partition or the default
//! one, a late partition takes its day's rows out of the default, writes stay idempotent, and
//! retention drops whole days. SQLite runs the same steps on its one table and must give the
//! same answers.

use sea_orm::{ConnectionTrait, Statement};
use telemetry_store::{
    Backend, PARTITION_DAYS_AHEAD, Page, ProjectId, SpanPartition, SpanQuery, Store,
};
use telemetry_types::{TelemetryEvent, Timestamp};

use crate::common::*;

const DAY_MS: u64 = 86_400_000;

/// Milliseconds after the tests' base time of today's noon (UTC), and the day it falls in.
fn today_noon() -> (u64, SpanPartition) {
    let now_ms = Timestamp::now().as_unix_nanos() / 1_000_000;
    let noon_ms = now_ms - now_ms % DAY_MS + DAY_MS / 2;
    let day = SpanPartition::of_nanos((noon_ms * 1_000_000) as i64);
    (noon_ms - BASE_MS, day)
}

/// A two-span trace starting at `start_ms` (after the base time).
fn trace_at(trace: u128, start_ms: u64) -> Vec<TelemetryEvent> {
    let root = llm(
        trace,
        1,
        None,
        "gpt-4o",
        "openai",
        start_ms,
        start_ms + 20,
        10,
        5,
    );
    let child = llm(
        trace,
        2,
        Some(1),
        "gpt-4o",
        "openai",
        start_ms + 1,
        start_ms + 9,
        3,
        2,
    );
    vec![ended(root), ended(child)]
}

/// How many spans each table holds (PostgreSQL: the partition a row is in).
async fn rows_by_table(store: &Store) -> Vec<(String, i64)> {
    let db = store.connection();
    let sql = match store.backend() {
        Backend::Postgres => {
            "SELECT tableoid::regclass::text, COUNT(*) FROM spans GROUP BY 1 ORDER BY 1"
        }
        Backend::Sqlite => "SELECT 'spans', COUNT(*) FROM spans",
    };
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect("count spans");
    rows.iter()
        .map(|r| {
            (
                r.try_get_by_index(0).expect("table"),
                r.try_get_by_index(1).expect("count"),
            )
        })
        .collect()
}

async fn span_count(store: &Store, project: ProjectId) -> usize {
    let page = store
        .query_spans(project, &SpanQuery::default(), &Page::first(100))
        .await
        .expect("query spans");
    page.items.len()
}

#[tokio::test]
async fn spans_live_in_day_partitions_and_retention_drops_whole_days() {
    each_db("partitions", |store| async move {
        let postgres = store.backend() == Backend::Postgres;
        let p = project(&store, "p").await;
        let (noon, today) = today_noon();
        let partitions = store.span_partitions().await.unwrap();
        if postgres {
            assert_eq!(partitions.len(), PARTITION_DAYS_AHEAD as usize + 1);
            assert_eq!(partitions[0], today);
        } else {
            assert!(partitions.is_empty());
        }

        // Today's trace, and two traces from before the first partition (into the default).
        for (trace, start) in [(1, noon), (2, noon - 2 * DAY_MS), (3, noon - DAY_MS)] {
            store.ingest(p, &trace_at(trace, start)).await.unwrap();
        }
        // A retry of everything: still six spans.
        for (trace, start) in [(1, noon), (2, noon - 2 * DAY_MS), (3, noon - DAY_MS)] {
            store.ingest(p, &trace_at(trace, start)).await.unwrap();
        }
        assert_eq!(span_count(&store, p).await, 6);
        if postgres {
            let expected = vec![("spans_default".to_owned(), 4), (today.name.clone(), 2)];
            assert_eq!(rows_by_table(&store).await, expected);
        }

        // Partitions made late take their days' rows out of the default partition.
        let two_days_ago = Timestamp::from_unix_nanos((BASE_MS + noon - 2 * DAY_MS) * 1_000_000);
        let created = store.create_span_partitions(two_days_ago).await.unwrap();
        assert_eq!(created, if postgres { 2 } else { 0 });
        if postgres {
            let by_table = rows_by_table(&store).await;
            assert!(
                by_table
                    .iter()
                    .all(|(t, n)| t != "spans_default" && *n == 2),
                "{by_table:?}"
            );
        }
        // A retry after the move still finds its row.
        store
            .ingest(p, &trace_at(2, noon - 2 * DAY_MS))
            .await
            .unwrap();
        assert_eq!(span_count(&store, p).await, 6);
        assert_eq!(
            store
                .get_trace(p, tid(2))
                .await
                .unwrap()
                .unwrap()
                .trace
                .span_count,
            2
        );

        // Retention up to today's start: the two past days go, whole partitions on PostgreSQL.
        let cutoff = Timestamp::from_unix_nanos(today.from_nanos() as u64);
        let report = store
            .delete_traces_before(None, cutoff, 1000)
            .await
            .unwrap();
        assert_eq!((report.traces, report.spans), (2, 4));
        assert_eq!(report.span_partitions, if postgres { 2 } else { 0 });
        assert_eq!(span_count(&store, p).await, 2);
        assert!(store.get_trace(p, tid(2)).await.unwrap().is_none());
        let kept = store.get_trace(p, tid(1)).await.unwrap().unwrap().trace;
        assert_eq!((kept.span_count, kept.total_tokens), (2, 20));
        if postgres {
            let left = store.span_partitions().await.unwrap();
            assert_eq!(left.first(), Some(&today));
        }
    })
    .await;
}

/// The migration to partitions keeps every span and puts recent ones in their day's
/// partition, older ones in the default one (PostgreSQL only; on SQLite it changes nothing).
#[tokio::test]
async fn the_partitioning_migration_moves_existing_spans_into_their_days() {
    use sea_orm_migration::MigratorTrait;
    use telemetry_store::migration::Migrator;

    postgres_only("the partitioning migration", |store| async move {
        let before = Migrator::migrations().len() as u32 - 1;
        Migrator::up(store.connection(), Some(before))
            .await
            .unwrap();
        let p = project(&store, "p").await;
        let (noon, today) = today_noon();
        for (trace, start) in [(1, noon), (2, noon - DAY_MS), (3, 1_000)] {
            store.ingest(p, &trace_at(trace, start)).await.unwrap();
        }
        store.migrate().await.unwrap();

        let yesterday = SpanPartition::of_nanos(today.from_nanos() - 1);
        let mut expected = vec![
            ("spans_default".to_owned(), 2),
            (today.name.clone(), 2),
            (yesterday.name.clone(), 2),
        ];
        expected.sort();
        assert_eq!(rows_by_table(&store).await, expected);
        let partitions = store.span_partitions().await.unwrap();
        assert_eq!(partitions.first(), Some(&yesterday));
        assert_eq!(partitions.len(), PARTITION_DAYS_AHEAD as usize + 2);
        // Written again after the migration: still one row each, totals exact.
        store.ingest(p, &trace_at(2, noon - DAY_MS)).await.unwrap();
        assert_eq!(span_count(&store, p).await, 6);
        let trace = store.get_trace(p, tid(2)).await.unwrap().unwrap().trace;
        assert_eq!((trace.span_count, trace.total_tokens), (2, 20));
    })
    .await;
}

/// A span of a day whose partition is being attached waits for the attach; if PostgreSQL then
/// refuses it (it was routed to the default partition), the error is transient, so the server
/// answers 503 and the client's retry lands in the new partition. Nothing is stored twice.
#[tokio::test]
async fn a_span_racing_its_partitions_attach_is_retried_not_lost() {
    use sea_orm::TransactionTrait;

    postgres_only("the attach race", |store| async move {
        store.migrate().await.unwrap();
        let p = project(&store, "p").await;
        let (noon, _) = today_noon();
        // Ten days ahead: past the partitions made in advance, so its spans go to the default.
        let later = noon + 10 * DAY_MS;
        let day = SpanPartition::of_nanos(((BASE_MS + later) * 1_000_000) as i64);

        // The attach, held open: it locks the default partition the span would be routed to.
        let attach = store.connection().begin().await.unwrap();
        attach
            .execute_unprepared(&format!(
                "CREATE TABLE {} (LIKE spans INCLUDING DEFAULTS)",
                day.name
            ))
            .await
            .unwrap();
        attach
            .execute_unprepared(&format!(
                "ALTER TABLE spans ATTACH PARTITION {} FOR VALUES FROM ({}) TO ({})",
                day.name,
                day.from_nanos(),
                day.to_nanos()
            ))
            .await
            .unwrap();
        let racing = {
            let store = store.clone();
            tokio::spawn(async move { store.ingest(p, &trace_at(9, later)).await })
        };
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        attach.commit().await.unwrap();
        if let Err(err) = racing.await.unwrap() {
            assert!(err.is_transient(), "not retryable: {err}");
            eprintln!("the racing span was refused ({err}); sent again");
            store.ingest(p, &trace_at(9, later)).await.unwrap();
        }
        assert_eq!(span_count(&store, p).await, 2);
        let by_table = rows_by_table(&store).await;
        assert_eq!(by_table, vec![(day.name.clone(), 2)]);
    })
    .await;
}
