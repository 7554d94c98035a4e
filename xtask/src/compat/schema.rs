//! The schema check: migrations keep data. For each migration step, on SQLite and on
//! PostgreSQL: apply the migrations before it, insert a realistic data set through the
//! [`Store`] API (the parts whose tables exist by then: projects, API keys, agent traces with
//! spans and events, scores from eval spans and from `Store::create_score`, OTLP log
//! records), apply the later
//! migrations one at a time requiring after each that every row and value is still there
//! ([`tables::data_lost`]), and at the newest require that the `Store` API reads everything
//! back unchanged. The data set is also written into the newest schema, where it must fill
//! every table and every kind of score ([`uncovered`]) and read back unchanged. Then migrate
//! all the way down and up again, and require the same schema as a fresh one.

use anyhow::{Context, Result};
use sea_orm_migration::MigratorTrait;
use serde_json::{Value, json};
use telemetry_store::migration::Migrator;
use telemetry_store::{
    LogFilter, NewScore, Page, Project, ScoreSource, ScoreValue, Store, TraceFilter,
};
use telemetry_types::{LogRecord, SpanId, Timestamp, TraceId};

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
    let bar = progress::bar(names.len() as u64 + 2, &format!("schema {label}"));
    let mut problems = Vec::new();
    let mut rows = 0;
    // Step `names.len()` writes the data set into the newest schema, where every table
    // exists: the data set must cover every table, and read back unchanged.
    for step in 0..=names.len() {
        let db = scratch(postgres, step).await?;
        let found = check_step::<M>(&db.url, &names, step).await;
        db.drop_now().await?;
        let (found, checked) = found?;
        rows += checked;
        let when = match names.get(step) {
            Some(name) => format!("data written before {name}"),
            None => "data written into the newest schema".to_owned(),
        };
        problems.extend(found.into_iter().map(|p| format!("{label}, {when}: {p}")));
        bar.inc(1);
    }
    let db = scratch(postgres, names.len() + 1).await?;
    let found = down_and_up::<M>(&db.url).await;
    db.drop_now().await?;
    problems.extend(
        found?
            .into_iter()
            .map(|p| format!("{label}, down and up again: {p}")),
    );
    bar.finish_and_clear();
    println!(
        "schema {label}: data written before each of {} migration steps and into the newest schema, \
         checked after every later migration ({rows} rows), then down and up again; {} problem(s)",
        names.len(),
        problems.len()
    );
    Ok(problems)
}

/// One step: `applied` migrations, the data set, then each later migration one at a time,
/// every row and value compared after each; at the newest, the `Store` API must read the
/// data set back as it did before. Returns the problems and how many rows were checked.
async fn check_step<M: MigratorTrait>(
    url: &str,
    names: &[String],
    applied: usize,
) -> Result<(Vec<String>, usize)> {
    let store = Store::connect(url).await?;
    let conn = store.connection();
    if applied > 0 {
        M::up(conn, Some(applied as u32)).await?;
    }
    let present = tables::tables(conn).await?;
    let inserted = insert_data(&store, &present).await;
    if applied == names.len()
        && let Err(e) = &inserted
    {
        // The newest schema is the one the Store writes: failing here is the migrations' fault.
        let problem = format!("the Store API cannot write the data set: {e:#}");
        store.close().await?;
        return Ok((vec![problem], 0));
    }
    inserted.context("inserting the data set")?;
    let mut rows_before = tables::snapshot(conn).await?;
    let rows: usize = rows_before.values().map(|t| t.rows.len()).sum();
    let mut problems = Vec::new();
    if applied == names.len() {
        problems.extend(uncovered(&rows_before));
    }
    let read_before = read_back(&store, &present)
        .await
        .context("reading the data set back")?;
    for name in &names[applied..] {
        if let Err(e) = M::up(conn, Some(1)).await {
            problems.push(format!("{name} failed: {e}"));
            store.close().await?;
            return Ok((problems, rows));
        }
        let rows_after = tables::snapshot(conn).await?;
        problems.extend(
            data_lost(&rows_before, &rows_after)
                .into_iter()
                .map(|p| format!("{name}: {p}")),
        );
        rows_before = rows_after;
    }
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
/// (spans with events, errors, usage) and scores of all three sources: eval traces (numeric
/// scores from eval spans), a person's categorical score of a trace and a program's boolean
/// score of a span (both through `Store::create_score`), and a score keyed by the client's
/// id (`Store::put_score`, once `score_keys` exists).
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
            let span = events[0].span().context("no span")?;
            let (trace_id, span_id) = (span.trace_id, span.span_id);
            store
                .create_score(project.id, human_score(trace_id))
                .await?;
            store
                .create_score(project.id, api_score(trace_id, span_id))
                .await?;
            if has(present, &["score_keys"]) {
                store
                    .put_score(project.id, "langfuse-score-1", keyed_score(trace_id))
                    .await?;
            }
        }
        if has(present, &["log_records"]) {
            store.insert_logs(project.id, &log_records()).await?;
        }
    }
    Ok(())
}

/// OTLP log records: one in a span (a GenAI content event with a structured body), one
/// outside any trace with only a severity and a text body.
fn log_records() -> Vec<LogRecord> {
    let in_span = LogRecord {
        time: Timestamp::from_unix_nanos(1_767_225_600_000_000_000),
        severity_number: 9,
        severity_text: Some("INFO".to_owned()),
        event_name: Some("gen_ai.choice".to_owned()),
        body: Some(json!({"index": 0, "message": {"content": "hello"}})),
        attributes: json!({"gen_ai.provider.name": "openai"})
            .as_object()
            .cloned()
            .unwrap_or_default(),
        trace_id: TraceId::from_bytes([7; 16]),
        span_id: SpanId::from_bytes([8; 8]),
        service_name: "support-bot".to_owned(),
    };
    let alone = LogRecord {
        time: Timestamp::from_unix_nanos(1_767_225_601_000_000_000),
        severity_number: 17,
        severity_text: None,
        event_name: None,
        body: Some(json!("connection reset")),
        attributes: serde_json::Map::new(),
        trace_id: None,
        span_id: None,
        service_name: "support-bot".to_owned(),
    };
    vec![in_span, alone]
}

/// A score sent with the client's own id (the Langfuse SDK's), kept in `score_keys`.
fn keyed_score(trace_id: TraceId) -> NewScore {
    NewScore {
        trace_id,
        span_id: None,
        name: "accuracy".to_owned(),
        value: ScoreValue::Numeric(0.8),
        source: ScoreSource::Api,
        evaluator: None,
        comment: Some("from the Langfuse SDK".to_owned()),
    }
}

/// A person's categorical score of a whole trace.
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

/// A program's pass/fail score of one span, without evaluator or comment.
fn api_score(trace_id: TraceId, span_id: SpanId) -> NewScore {
    NewScore {
        trace_id,
        span_id: Some(span_id),
        name: "grounded".to_owned(),
        value: ScoreValue::Boolean(true),
        source: ScoreSource::Api,
        evaluator: None,
        comment: None,
    }
}

/// Where the data set falls short of what the schema holds: a table with no rows (a
/// migration could lose its data unseen), or scores missing one of their sources (eval
/// spans, people, the API) or value kinds (numeric, categorical, boolean).
pub fn uncovered(snapshot: &tables::Snapshot) -> Vec<String> {
    let mut out: Vec<String> = snapshot
        .iter()
        .filter(|(_, dump)| dump.rows.is_empty())
        .map(|(table, _)| {
            format!(
                "the data set writes no row into table {table}; extend insert_data in \
                 xtask/src/compat/schema.rs so that its data is checked"
            )
        })
        .collect();
    if let Some(scores) = snapshot.get("scores").filter(|d| !d.rows.is_empty()) {
        let values = |column: &str| -> Vec<&str> {
            scores
                .rows
                .iter()
                .filter_map(|row| row.get(column).and_then(Value::as_str))
                .collect()
        };
        let (sources, kinds) = (values("source"), values("data_type"));
        for (column, found, wanted) in [
            ("source", &sources, ["eval", "human", "api"]),
            ("data_type", &kinds, ["numeric", "categorical", "boolean"]),
        ] {
            for value in wanted.into_iter().filter(|v| !found.contains(v)) {
                out.push(format!(
                    "the data set has no score with {column} {value}; extend insert_data in \
                     xtask/src/compat/schema.rs"
                ));
            }
        }
    }
    out
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
    if has(present, &["log_records"]) {
        let logs = store
            .list_logs(project.id, &LogFilter::default(), None, 1000)
            .await?;
        let records: Vec<&LogRecord> = logs.iter().map(|log| &log.record).collect();
        out["logs"] = serde_json::to_value(records)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use tables::TableDump;

    fn table(rows: Value) -> TableDump {
        let rows: Vec<serde_json::Map<String, Value>> = rows
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_object().unwrap().clone())
            .collect();
        let columns = rows
            .first()
            .map(|r| r.keys().cloned().collect())
            .unwrap_or_default();
        TableDump { columns, rows }
    }

    #[test]
    fn empty_tables_and_missing_score_kinds_are_uncovered() {
        let snapshot = tables::Snapshot::from([
            ("projects".to_owned(), table(json!([{"id": 1}]))),
            ("span_events".to_owned(), table(json!([]))),
            (
                "scores".to_owned(),
                table(json!([
                    {"source": "eval", "data_type": "numeric"},
                    {"source": "human", "data_type": "categorical"},
                ])),
            ),
        ]);
        let found = uncovered(&snapshot);
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(found[0].contains("no row into table span_events"));
        assert!(found[1].contains("no score with source api"));
        assert!(found[2].contains("no score with data_type boolean"));
    }

    #[test]
    fn a_full_data_set_is_covered() {
        let snapshot = tables::Snapshot::from([(
            "scores".to_owned(),
            table(json!([
                {"source": "eval", "data_type": "numeric"},
                {"source": "human", "data_type": "categorical"},
                {"source": "api", "data_type": "boolean"},
            ])),
        )]);
        assert!(uncovered(&snapshot).is_empty());
    }
}
