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

#[test]
fn the_api_check_selects_the_publishable_library_crates() {
    let members = xtask::compat::semver::workspace_members(&workspace_root()).unwrap();
    let checked: Vec<&str> = members
        .iter()
        .filter(|m| m.skip.is_none())
        .map(|m| m.name.as_str())
        .collect();
    assert_eq!(
        checked,
        [
            "telemetry-api",
            "telemetry-bridges",
            "telemetry-core",
            "telemetry-exporters",
            "telemetry-otlp",
            "telemetry-store",
            "telemetry-types"
        ]
    );
    let skipped = |name: &str| members.iter().find(|m| m.name == name).unwrap().skip;
    assert_eq!(skipped("xtask"), Some("publish = false"));
    assert!(skipped("telemetry-macros").unwrap().contains("proc-macro"));
}

#[test]
fn the_api_check_refuses_an_unknown_baseline() {
    let out = xtask(&["compat", "api", "--baseline-rev", "no-such-tag-anywhere"]);
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(text(&out).contains("is not a commit"), "{}", text(&out));
}

/// `git` in `dir`, as a committer that needs no configuration.
fn git(dir: &Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=xtask test",
            "-c",
            "user.email=xtask@example.invalid",
        ])
        .args(args)
        .status()
        .unwrap();
    assert!(status.success(), "git {args:?}");
}

#[test]
#[ignore = "runs cargo-semver-checks, which must be installed (`cargo install cargo-semver-checks \
            --locked`, minutes and the network), and a version that reads this toolchain's rustdoc JSON; \
            about 5 s: cargo test -p xtask --test compat \
            -- --ignored"]
fn the_api_check_passes_unchanged_and_fails_on_a_removed_pub_fn() {
    let installed = std::process::Command::new("cargo")
        .args(["semver-checks", "--version"])
        .output()
        .is_ok_and(|out| out.status.success());
    assert!(installed, "install cargo-semver-checks first");
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"api-probe\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    )
    .unwrap();
    let lib =
        "//! Probe.\n\n/// Kept.\npub fn kept() {}\n\n/// Removed later.\npub fn removed() {}\n";
    std::fs::write(dir.join("src/lib.rs"), lib).unwrap();
    std::fs::write(dir.join(".gitignore"), "/target\nCargo.lock\n").unwrap();
    git(dir, &["init", "--quiet"]);
    git(dir, &["add", "."]);
    git(dir, &["commit", "--quiet", "-m", "baseline"]);
    let api = || {
        // Its own target directory: the workspace's (or CARGO_TARGET_DIR's) is left alone.
        std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["compat", "api", "--baseline-rev", "HEAD", "--workspace"])
            .arg(dir)
            .env("CARGO_TARGET_DIR", dir.join("target"))
            .output()
            .unwrap()
    };

    let out = api();
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(text(&out).contains("1 crate(s) checked"), "{}", text(&out));

    std::fs::write(
        dir.join("src/lib.rs"),
        lib.replace("pub fn removed", "fn removed"),
    )
    .unwrap();
    let out = api();
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(text(&out).contains("function_missing"), "{}", text(&out));
    assert!(text(&out).contains("api_probe::removed"), "{}", text(&out));
}
