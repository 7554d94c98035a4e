//! `cargo xtask compat`: the wire check fails on a changed fixture (in a temporary copy of
//! the fixtures), the schema check fails on a migration that drops a column's data, and the
//! committed workspace passes the wire and otel checks.

mod common;

use std::path::Path;

use common::{code, text, xtask};
use sea_orm_migration::prelude::*;
use xtask::compat::wire::{BATCH_FIXTURES, EVENT_FIXTURES};
use xtask::compat::workspace_root;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A temporary workspace holding a copy of the wire fixtures.
fn fixtures_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for dir in [EVENT_FIXTURES, BATCH_FIXTURES] {
        copy_dir(&workspace_root().join(dir), &tmp.path().join(dir));
    }
    tmp
}

fn wire(workspace: &Path) -> std::process::Output {
    xtask(&["compat", "wire", "--workspace", workspace.to_str().unwrap()])
}

#[test]
fn committed_fixtures_pass() {
    let tmp = fixtures_copy();
    let out = wire(tmp.path());
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(text(&out).contains("0 problem(s)"), "{}", text(&out));
}

#[test]
fn a_changed_event_fixture_fails_with_its_name_and_line() {
    let tmp = fixtures_copy();
    let path = tmp
        .path()
        .join(EVENT_FIXTURES)
        .join("v1/event_span_ended.json");
    let changed =
        std::fs::read_to_string(&path)
            .unwrap()
            .replacen("\"span_ended\"", "\"span_finished\"", 1);
    std::fs::write(&path, changed).unwrap();
    let out = wire(tmp.path());
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(
        text(&out).contains("event_span_ended.json"),
        "{}",
        text(&out)
    );
    assert!(
        text(&out).contains("no longer deserializes"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_changed_json_lines_fixture_fails() {
    let tmp = fixtures_copy();
    let path = tmp
        .path()
        .join(BATCH_FIXTURES)
        .join("v1/file_exporter.jsonl");
    let changed = std::fs::read_to_string(&path)
        .unwrap()
        .replacen("{\"type\"", "{ \"type\"", 1);
    std::fs::write(&path, changed).unwrap();
    let out = wire(tmp.path());
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(
        text(&out).contains("file exporter now writes it differently"),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("line 1"), "{}", text(&out));
}

#[test]
fn the_otel_mapping_matches_its_snapshot_and_the_docs() {
    let out = xtask(&["compat", "otel"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
}

/// The store's migrations plus one that drops `spans.record` (the span data).
struct BadMigrator;

struct DropSpanRecords;

impl MigrationName for DropSpanRecords {
    fn name(&self) -> &str {
        "m20991231_000001_drop_span_records"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for DropSpanRecords {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let stmt = Table::alter()
            .table("spans")
            .drop_column("record")
            .to_owned();
        manager.alter_table(stmt).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let column = ColumnDef::new("record")
            .text()
            .not_null()
            .default("")
            .to_owned();
        manager
            .alter_table(Table::alter().table("spans").add_column(column).to_owned())
            .await
    }
}

impl MigratorTrait for BadMigrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        let mut all = telemetry_store::migration::Migrator::migrations();
        all.push(Box::new(DropSpanRecords));
        all
    }
}

#[test]
fn a_migration_that_drops_a_columns_data_fails() {
    let error = xtask::compat::schema::check_migrator::<BadMigrator>(None).unwrap_err();
    let message = format!("{error:#}");
    assert!(
        error.downcast_ref::<xtask::exit::CheckFailed>().is_some(),
        "{message}"
    );
    assert!(message.contains("spans.record was dropped"), "{message}");
    assert!(
        message.contains("data written before m20991231_000001_drop_span_records"),
        "{message}"
    );
}

#[test]
fn the_stores_migrations_keep_data() {
    xtask::compat::schema::check_migrator::<telemetry_store::migration::Migrator>(None).unwrap();
}
