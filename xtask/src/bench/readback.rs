//! After a load run, straight from the database the server wrote: which acknowledged spans
//! are missing, and how many bytes the store takes per span.

use std::collections::HashSet;

use anyhow::{Context, Result};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};

/// What the database holds after the run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Readback {
    /// Spans stored.
    pub stored: u64,
    /// Acknowledged spans not found.
    pub missing: u64,
    /// Bytes of the store: the SQLite file (after a WAL checkpoint), or the PostgreSQL tables
    /// with their indexes and TOAST (`pg_total_relation_size`).
    pub bytes: u64,
}

/// Looks every `(trace id, span id)` of `acknowledged` up in the store at `url`.
pub async fn read_back(
    url: &str,
    acknowledged: impl Iterator<Item = (String, String)>,
) -> Result<Readback> {
    let db = Database::connect(url)
        .await
        .with_context(|| format!("cannot open {}", crate::db::redact(url)))?;
    let stored = stored_ids(&db).await?;
    let missing = acknowledged.filter(|id| !stored.contains(id)).count() as u64;
    let bytes = store_bytes(&db, url).await?;
    db.close().await?;
    Ok(Readback {
        stored: stored.len() as u64,
        missing,
        bytes,
    })
}

async fn stored_ids(db: &DatabaseConnection) -> Result<HashSet<(String, String)>> {
    let sql = "SELECT trace_id, span_id FROM spans";
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("", "trace_id")?, row.try_get("", "span_id")?)))
        .collect()
}

async fn store_bytes(db: &DatabaseConnection, url: &str) -> Result<u64> {
    let backend = db.get_database_backend();
    if backend == DbBackend::Postgres {
        let sql = "SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0)::BIGINT AS bytes \
                   FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                   WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p')";
        let row = db
            .query_one_raw(Statement::from_string(backend, sql))
            .await?
            .context("no size row")?;
        return Ok(row.try_get::<i64>("", "bytes")? as u64);
    }
    // What is in the WAL belongs to the database; fold it in first.
    db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
        .await?;
    let path = sqlite_path(url).context("not a SQLite file URL")?;
    let mut bytes = 0;
    for suffix in ["", "-wal"] {
        if let Ok(meta) = std::fs::metadata(format!("{path}{suffix}")) {
            bytes += meta.len();
        }
    }
    Ok(bytes)
}

/// The file of `sqlite://PATH?options`.
fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    Some(rest.split('?').next().unwrap_or(rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_file_of_a_sqlite_url() {
        assert_eq!(
            sqlite_path("sqlite:///tmp/a.db?mode=rwc"),
            Some("/tmp/a.db")
        );
        assert_eq!(sqlite_path("sqlite:rel.db"), Some("rel.db"));
        assert_eq!(sqlite_path("postgres://h/db"), None);
    }

    #[tokio::test]
    async fn counts_the_acknowledged_spans_that_are_not_stored() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("r.db").display());
        let store = telemetry_store::Store::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        let project = store.create_project("p", "p").await.unwrap().id;
        let load = super::super::load_spans::LoadSpans { seed: 9, batch: 10 };
        let body = load.encode_request(0);
        let request = telemetry_otlp::decode_protobuf(&body).unwrap();
        let events: Vec<_> = telemetry_otlp::spans_from_request(request)
            .spans
            .into_iter()
            .map(|span| telemetry_types::TelemetryEvent::SpanEnded {
                span: std::sync::Arc::new(span),
            })
            .collect();
        store.ingest(project, &events).await.unwrap();
        drop(store);
        // Request 0 was stored, request 1 never was.
        let acknowledged = load.span_ids(0).chain(load.span_ids(1));
        let readback = read_back(&url, acknowledged).await.unwrap();
        assert_eq!(readback.stored, 10);
        assert_eq!(readback.missing, 10);
        assert!(readback.bytes > 0);
    }
}
