//! The schema check: migrations keep data. For each migration step, on SQLite and on
//! PostgreSQL: apply the migrations before it, insert a realistic data set through the
//! [`Store`] API (the parts whose tables exist by then), migrate to the newest, and require
//! that every row and value is still there ([`tables::data_lost`]) and that the `Store` API
//! reads everything back unchanged. Then migrate all the way down and up again, and require
//! the same schema as a fresh one.

use anyhow::{Context, Result};
use sea_orm_migration::MigratorTrait;
use serde_json::{Value, json};
use telemetry_store::migration::Migrator;
use telemetry_store::{NewScore, Page, Project, ScoreSource, ScoreValue, Store, TraceFilter};
use telemetry_types::TraceId;

use super::snapshot::json_difference;
use super::tables::{self, data_lost};
use crate::dataset::Generator;
use crate::db::{self, ScratchDb};
use crate::exit::CheckFailed;
use crate::progress;

/// Runs the check with the store's migrator on SQLite, and on PostgreSQL when a server is
/// given (otherwise says loudly that it was skipped).
pub fn run(postgres: Option<&str>) -> Result<()> {
    check_migrator::<Migrator>(postgres)
}

/// The check for any migrator (tests use one with a deliberately bad migration).
pub fn check_migrator<M: MigratorTrait>(postgres: Option<&str>) -> Result<()> {
    let runtime = db::runtime()?;
    let mut problems = runtime.block_on(check_backend::<M>(None))?;
    match postgres {
        Some(url) => problems.extend(runtime.block_on(check_backend::<M>(Some(url)))?),
        None => println!(
            "!! schema: PostgreSQL NOT checked: set {} or pass --postgres-url",
            db::POSTGRES_URL_ENV
        ),
    }
    if problems.is_empty() {
        return Ok(());
    }
    Err(CheckFailed(problems.join("\n")).into())
}

/// A new empty database on SQLite (`None`) or on the PostgreSQL server of `postgres`.
async fn scratch(postgres: Option<&str>, n: usize) -> Result<ScratchDb> {
    match postgres {
        Some(url) => ScratchDb::postgres(url, "xtask_compat", n).await,
        None => ScratchDb::sqlite(),
    }
}

/// Every step on one backend; returns the problems found.
async fn check_backend<M: MigratorTrait>(postgres: Option<&str>) -> Result<Vec<String>> {
    let label = if postgres.is_some() {
        "postgres"
    } else {
        "sqlite"
    };
    let names: Vec<String> = M::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    let bar = progress::bar(names.len() as u64 + 1, &format!("schema {label}"));
    let mut problems = Vec::new();
    let mut rows = 0;
    for (step, name) in names.iter().enumerate() {
        let db = scratch(postgres, step).await?;
        let found = check_step::<M>(&db.url, step).await;
        db.drop_now().await?;
        let (found, checked) = found?;
        rows += checked;
        problems.extend(
            found
                .into_iter()
                .map(|p| format!("{label}, data written before {name}: {p}")),
        );
        bar.inc(1);
    }
    let db = scratch(postgres, names.len()).await?;
    let found = down_and_up::<M>(&db.url).await;
    db.drop_now().await?;
    problems.extend(
        found?
            .into_iter()
            .map(|p| format!("{label}, down and up again: {p}")),
    );
    bar.finish_and_clear();
    println!(
        "schema {label}: {} migration steps checked with data ({rows} rows), then down and up again; {} problem(s)",
        names.len(),
        problems.len()
    );
    Ok(problems)
}

/// One step: `applied` migrations, data, then the newest schema. Returns the problems and
/// how many rows were checked.
async fn check_step<M: MigratorTrait>(url: &str, applied: usize) -> Result<(Vec<String>, usize)> {
    let store = Store::connect(url).await?;
    let conn = store.connection();
    if applied > 0 {
        M::up(conn, Some(applied as u32)).await?;
    }
    let present = tables::tables(conn).await?;
    insert_data(&store, &present)
        .await
        .context("inserting the data set")?;
    let rows_before = tables::snapshot(conn).await?;
    let rows: usize = rows_before.values().map(|t| t.rows.len()).sum();
    let read_before = read_back(&store, &present)
        .await
        .context("reading the data set back")?;
    let mut problems = Vec::new();
    if let Err(e) = M::up(conn, None).await {
        problems.push(format!("migrating to the newest failed: {e}"));
        return Ok((problems, rows));
    }
    problems.extend(data_lost(&rows_before, &tables::snapshot(conn).await?));
    match read_back(&store, &present).await {
        Ok(read_after) => problems.extend(
            json_difference(&read_before, &read_after)
                .map(|d| format!("the Store API reads the data back differently {d}")),
        ),
        Err(e) => problems.push(format!("the Store API cannot read the data back: {e:#}")),
    }
    store.close().await?;
    Ok((problems, rows))
}

/// Whether every table in `needed` exists.
fn has(present: &[String], needed: &[&str]) -> bool {
    needed.iter().all(|t| present.iter().any(|p| p == t))
}

const SPAN_TABLES: [&str; 4] = ["projects", "traces", "spans", "span_events"];

/// Inserts the parts of the data set whose tables exist: projects, API keys, agent traces
/// (spans with events, errors, usage), eval traces and API scores.
async fn insert_data(store: &Store, present: &[String]) -> Result<()> {
    if !has(present, &["projects"]) {
        return Ok(());
    }
    let mut generator = Generator::new(7);
    for (slug, name) in [("support-bot", "Support bot"), ("search", "Search")] {
        let project = store.create_project(slug, name).await?;
        if has(present, &["api_keys"]) {
            store.create_api_key(project.id, "ci").await?;
        }
        if has(present, &SPAN_TABLES) {
            store
                .ingest(project.id, &generator.events(40, false))
                .await?;
        }
        if has(present, &SPAN_TABLES) && has(present, &["scores"]) {
            let events = generator.events(20, true);
            store.ingest(project.id, &events).await?;
            let trace_id = events[0].span().map(|s| s.trace_id).context("no span")?;
            store
                .create_score(project.id, human_score(trace_id))
                .await?;
        }
    }
    Ok(())
}

fn human_score(trace_id: TraceId) -> NewScore {
    NewScore {
        trace_id,
        span_id: None,
        name: "helpfulness".to_owned(),
        value: ScoreValue::Categorical("helpful".to_owned()),
        source: ScoreSource::Human,
        evaluator: Some("reviewer@example.com".to_owned()),
        comment: Some("clear answer".to_owned()),
    }
}

/// Everything the `Store` API returns for the data set, limited to the tables in `present`.
async fn read_back(store: &Store, present: &[String]) -> Result<Value> {
    if !has(present, &["projects"]) {
        return Ok(Value::Null);
    }
    let mut out = Vec::new();
    for project in store.list_projects().await? {
        out.push(read_project(store, &project, present).await?);
    }
    Ok(Value::Array(out))
}

async fn read_project(store: &Store, project: &Project, present: &[String]) -> Result<Value> {
    let mut out = json!({ "project": project });
    if has(present, &["api_keys"]) {
        out["api_keys"] = serde_json::to_value(store.list_api_keys(project.id).await?)?;
    }
    if !has(present, &SPAN_TABLES) {
        return Ok(out);
    }
    let traces = all_traces(store, project).await?;
    let ids: Vec<TraceId> = traces.iter().map(|t| t.trace_id).collect();
    out["traces"] = serde_json::to_value(&traces)?;
    out["spans"] = serde_json::to_value(store.spans_of_traces(project.id, &ids).await?)?;
    if has(present, &["scores"]) {
        out["scores"] = serde_json::to_value(store.scores_of_traces(project.id, &ids).await?)?;
    }
    Ok(out)
}

/// Every trace of the project, page after page.
async fn all_traces(
    store: &Store,
    project: &Project,
) -> Result<Vec<telemetry_store::TraceSummary>> {
    let mut out = Vec::new();
    let mut page = Page::first(1000);
    loop {
        let paged = store
            .list_traces(project.id, &TraceFilter::default(), &page)
            .await?;
        out.extend(paged.items);
        match paged.next_cursor {
            Some(cursor) => page = Page::after(1000, cursor),
            None => return Ok(out),
        }
    }
}

/// Up, all the way down (no table may remain), up again (the schema must equal the first).
async fn down_and_up<M: MigratorTrait>(url: &str) -> Result<Vec<String>> {
    let store = Store::connect(url).await?;
    let conn = store.connection();
    M::up(conn, None).await?;
    let schema = columns_only(tables::snapshot(conn).await?);
    let mut problems = Vec::new();
    if let Err(e) = M::down(conn, None).await {
        problems.push(format!("migrating all the way down failed: {e}"));
        return Ok(problems);
    }
    let left = tables::tables(conn).await?;
    if !left.is_empty() {
        problems.push(format!(
            "tables left after migrating all the way down: {}",
            left.join(", ")
        ));
    }
    if let Err(e) = M::up(conn, None).await {
        problems.push(format!("migrating up again failed: {e}"));
        return Ok(problems);
    }
    let again = columns_only(tables::snapshot(conn).await?);
    if let Some(diff) = json_difference(&schema, &again) {
        problems.push(format!("the schema differs from a fresh one {diff}"));
    }
    store.close().await?;
    Ok(problems)
}

/// The tables and their columns, as JSON.
fn columns_only(snapshot: tables::Snapshot) -> Value {
    snapshot
        .into_iter()
        .map(|(table, dump)| (table, json!(dump.columns)))
        .collect::<serde_json::Map<_, _>>()
        .into()
}
