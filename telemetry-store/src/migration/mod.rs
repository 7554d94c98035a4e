//! Schema migrations, one file each, applied in order by [`Migrator`].
//!
//! `cargo xtask migrate` and [`Store::migrate`](crate::Store::migrate) both run this migrator.
//! Migrations never import the entities: they describe the schema as it was when written.

use sea_orm_migration::prelude::*;

mod m20261130_000001_create_projects;
mod m20261130_000002_create_api_keys;
mod m20261130_000003_create_traces;
mod m20261130_000004_create_spans;
mod m20261130_000005_create_span_events;
mod m20261130_000006_create_scores;
mod m20261204_000007_index_span_parents;
mod m20261204_000008_create_log_records;
mod m20261204_000009_create_score_keys;
mod m20261205_000010_partition_spans;

/// The store's migrator; its migrations are listed oldest first.
#[derive(Debug, Clone, Copy, Default)]
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261130_000001_create_projects::Migration),
            Box::new(m20261130_000002_create_api_keys::Migration),
            Box::new(m20261130_000003_create_traces::Migration),
            Box::new(m20261130_000004_create_spans::Migration),
            Box::new(m20261130_000005_create_span_events::Migration),
            Box::new(m20261130_000006_create_scores::Migration),
            Box::new(m20261204_000007_index_span_parents::Migration),
            Box::new(m20261204_000008_create_log_records::Migration),
            Box::new(m20261204_000009_create_score_keys::Migration),
            Box::new(m20261205_000010_partition_spans::Migration),
        ]
    }
}

/// The names of every migration this code knows, oldest first.
pub fn known_migrations() -> Vec<String> {
    Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect()
}

/// `CREATE INDEX name ON table (cols…)`.
fn index<T: IntoIden + Clone + 'static>(name: &str, table: T, cols: &[T]) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(col.clone());
    }
    stmt
}
