//! Connecting, migrations (down and up), a schema newer than the code, projects and API keys.

use sea_orm::{ConnectionTrait, Statement};
use sea_orm_migration::MigratorTrait;
use telemetry_store::migration::{Migrator, known_migrations};
use telemetry_store::{Backend, Error, Store};

use crate::common::*;

#[tokio::test]
async fn bad_urls_and_unreachable_databases_are_typed_errors() {
    let err = Store::connect("mysql://localhost/x").await.unwrap_err();
    assert!(matches!(err, Error::InvalidUrl { .. }), "{err}");
    let err = Store::connect("postgres://u:secret@127.0.0.1:1/none")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Unreachable { .. }), "{err}");
    assert!(!err.to_string().contains("secret"), "{err}");
    assert!(err.is_transient());
    let err = Store::connect("sqlite:///proc/definitely/not/here.db")
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidUrl { .. } | Error::Unreachable { .. }),
        "{err}"
    );
}

#[tokio::test]
async fn sqlite_file_is_created_in_wal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/dir/telemetry.db");
    let store = Store::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    assert!(path.exists());
    let row = store
        .connection()
        .query_one_raw(Statement::from_string(
            store.connection().get_database_backend(),
            "PRAGMA journal_mode",
        ))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.try_get_by_index::<String>(0).unwrap(), "wal");
}

#[tokio::test]
async fn migrations_go_down_and_up_again() {
    each_db("migrations_down_up", |store| async move {
        let p = project(&store, "before").await;
        store
            .ingest(p, &[ended(span(1, 1, None, "x", 0, Some(1)))])
            .await
            .unwrap();
        assert_eq!(
            store.applied_migrations().await.unwrap(),
            known_migrations()
        );
        let db = store.connection();
        Migrator::down(db, Some(2)).await.unwrap();
        assert_eq!(
            store.applied_migrations().await.unwrap().len(),
            known_migrations().len() - 2
        );
        Migrator::down(db, None).await.unwrap();
        assert!(store.applied_migrations().await.unwrap().is_empty());
        store.migrate().await.unwrap();
        assert_eq!(
            store.applied_migrations().await.unwrap(),
            known_migrations()
        );
        // The schema works again, and is empty.
        assert!(store.list_projects().await.unwrap().is_empty());
        let p = project(&store, "after").await;
        store
            .ingest(p, &[ended(span(1, 1, None, "x", 0, Some(1)))])
            .await
            .unwrap();
        store.migrate().await.unwrap();
        store.maintain().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn a_schema_newer_than_the_code_is_refused() {
    each_db("schema_newer", |store| async move {
        let backend = store.connection().get_database_backend();
        store
            .connection()
            .execute_raw(Statement::from_string(
                backend,
                "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m29990101_000001_from_the_future', 0)",
            ))
            .await
            .unwrap();
        let err = store.migrate().await.unwrap_err();
        match err {
            Error::SchemaTooNew { unknown, .. } => assert_eq!(unknown, ["m29990101_000001_from_the_future"]),
            other => panic!("expected SchemaTooNew, got {other}"),
        }
    })
    .await;
}

#[tokio::test]
async fn schema_check_runs_on_connect() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let store = Store::connect(&url).await.unwrap();
    store.migrate().await.unwrap();
    let backend = store.connection().get_database_backend();
    store
        .connection()
        .execute_raw(Statement::from_string(
            backend,
            "INSERT INTO seaql_migrations (version, applied_at) VALUES ('m29990101_x', 0)",
        ))
        .await
        .unwrap();
    store.close().await.unwrap();
    let err = Store::connect(&url).await.unwrap_err();
    assert!(matches!(err, Error::SchemaTooNew { .. }), "{err}");
    assert!(err.to_string().contains("newer than this code"));
}

#[tokio::test]
async fn projects_and_api_keys() {
    each_db("projects_and_api_keys", |store| async move {
        let p = project(&store, "alpha").await;
        assert!(
            store.create_project("alpha", "again").await.is_err(),
            "slugs are unique"
        );
        assert_eq!(store.project_by_slug("alpha").await.unwrap().unwrap().id, p);
        let created = store.create_api_key(p, "ci").await.unwrap();
        assert!(created.secret.starts_with(telemetry_store::SECRET_PREFIX));
        assert!(created.secret.starts_with(&created.key.prefix));
        let found = store
            .verify_api_key(&created.secret)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((found.id, found.project_id), (created.key.id, p));
        assert!(store.verify_api_key("tsk_wrong").await.unwrap().is_none());
        assert!(store.verify_api_key("").await.unwrap().is_none());
        // The secret itself is not stored.
        let backend = store.connection().get_database_backend();
        let rows = store
            .connection()
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT key_hash FROM api_keys",
            ))
            .await
            .unwrap();
        let hash: String = rows[0].try_get_by_index(0).unwrap();
        assert_ne!(hash, created.secret);
        assert_eq!(hash, telemetry_store::hash_secret(&created.secret));
        // Another project cannot revoke it; its own can, once.
        let other = project(&store, "beta").await;
        assert!(!store.revoke_api_key(other, created.key.id).await.unwrap());
        assert!(store.revoke_api_key(p, created.key.id).await.unwrap());
        assert!(!store.revoke_api_key(p, created.key.id).await.unwrap());
        assert!(
            store
                .verify_api_key(&created.secret)
                .await
                .unwrap()
                .is_none()
        );
        assert!(
            store.list_api_keys(p).await.unwrap()[0]
                .revoked_at
                .is_some()
        );
        assert!(matches!(
            store
                .create_api_key(telemetry_store::ProjectId(12345), "x")
                .await,
            Err(Error::ProjectNotFound(12345))
        ));
    })
    .await;
}

#[tokio::test]
async fn optimize_gathers_planner_statistics_as_the_store_grows() {
    each_db("optimize", |store| async move {
        let p = project(&store, "stats").await;
        store.optimize().await.unwrap();
        let events: Vec<_> = (0..2_000u64)
            .map(|i| {
                ended(span(
                    u128::from(i / 10 + 1),
                    i + 1,
                    None,
                    "s",
                    i,
                    Some(i + 5),
                ))
            })
            .collect();
        store.ingest(p, &events).await.unwrap();
        store.optimize().await.unwrap();
        if store.backend() == Backend::Postgres {
            // PostgreSQL's table statistics reach other sessions within a second or so.
            for _ in 0..50 {
                if pg_analyzed(&store, "spans").await {
                    return;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                store.optimize().await.unwrap();
            }
            panic!("spans never analyzed");
        }
        let rows = store
            .connection()
            .query_all_raw(Statement::from_string(
                store.connection().get_database_backend(),
                "SELECT idx FROM sqlite_stat1 WHERE tbl = 'spans'",
            ))
            .await
            .unwrap();
        let indexes: Vec<String> = rows
            .iter()
            .map(|r| r.try_get_by_index::<String>(0).unwrap())
            .collect();
        for index in ["idx_spans_model", "idx_spans_start", "idx_spans_type"] {
            assert!(indexes.iter().any(|i| i == index), "{index} in {indexes:?}");
        }
    })
    .await;
}

async fn pg_analyzed(store: &Store, table: &str) -> bool {
    let row = store
        .connection()
        .query_one_raw(Statement::from_string(
            store.connection().get_database_backend(),
            format!(
                "SELECT (last_analyze IS NOT NULL)::int4 FROM pg_stat_user_tables \
                 WHERE schemaname = current_schema() AND relname = '{table}'"
            ),
        ))
        .await
        .unwrap();
    row.is_some_and(|r| r.try_get_by_index::<i32>(0).unwrap() == 1)
}
