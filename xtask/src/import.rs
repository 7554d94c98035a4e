//! `cargo xtask import`: what the file exporter wrote (one file, or a directory of rotated,
//! possibly compressed JSON Lines files) into a store, through the store's batched,
//! idempotent ingest ([`Store::ingest`]). Running it twice changes nothing: the second run
//! writes no span and counts every span event as a duplicate.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use telemetry_exporters::file::{EventReader, ReadError};
use telemetry_store::{ProjectId, Store};
use telemetry_types::{SpanId, TelemetryEvent, TraceId};

use crate::{db, progress};

/// `cargo xtask import PATH …`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A file written by the file exporter, or the directory of its rotated files
    pub path: PathBuf,
    /// Database URL: `sqlite://PATH` or `postgres://USER@HOST/DB` [default: the server's
    /// default SQLite file]
    #[arg(long, env = db::DATABASE_URL_ENV)]
    pub database_url: Option<String>,
    /// Project (slug) the spans belong to; created if missing
    #[arg(long, default_value = "default", value_name = "SLUG")]
    pub project: String,
    /// Events per ingest transaction
    #[arg(long, default_value_t = 2000)]
    pub batch: usize,
}

/// The counts an import prints at the end.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Events read from the files.
    pub events_read: u64,
    /// Spans that were not in the store before and now are.
    pub spans_written: u64,
    /// Span events the store already had (from an earlier import, or repeated in the files).
    pub duplicates: u64,
    /// Lines that are not events, and events the store refused.
    pub rejects: u64,
}

/// Runs `cargo xtask import`.
pub fn run(args: ImportArgs) -> Result<()> {
    let url = db::url_or_default(args.database_url.clone())?;
    let report = import(&args.path, &url, &args.project, args.batch)?;
    println!(
        "events read: {}, spans written: {}, duplicates: {}, rejects: {}",
        report.events_read, report.spans_written, report.duplicates, report.rejects
    );
    Ok(())
}

/// Imports `path` into the store at `url`, for project `slug` (created if missing). Applies
/// pending migrations first.
pub fn import(path: &std::path::Path, url: &str, slug: &str, batch: usize) -> Result<ImportReport> {
    let reader = EventReader::open(path).with_context(|| {
        format!(
            "cannot read {}; give a file or a directory the file exporter wrote",
            path.display()
        )
    })?;
    db::runtime()?.block_on(async {
        let store = Store::connect(url)
            .await
            .with_context(|| format!("cannot open {}; check --database-url", db::redact(url)))?;
        store
            .migrate()
            .await
            .context("cannot apply the store's migrations")?;
        let project = project(&store, slug).await?;
        let mut importer = Importer::new(store.clone(), project);
        let bar = progress::counter("events imported");
        let mut pending = Vec::with_capacity(batch);
        let mut reader = reader;
        for item in reader.by_ref() {
            bar.inc(1);
            match item {
                Ok(event) => pending.push(event),
                Err(error) => importer.reject(&error),
            }
            if pending.len() >= batch.max(1) {
                importer.write(std::mem::take(&mut pending)).await?;
            }
        }
        importer.write(pending).await?;
        bar.finish_and_clear();
        for cut in reader.truncated() {
            println!(
                "note: {} ends in a cut line (read up to its last complete line)",
                cut.display()
            );
        }
        // A bulk load is what leaves the planner without statistics: refresh them now rather
        // than at the server's next start.
        store
            .optimize()
            .await
            .context("cannot refresh the planner's statistics")?;
        store.close().await?;
        Ok(importer.report)
    })
}

/// The project with `slug`, created if missing.
async fn project(store: &Store, slug: &str) -> Result<ProjectId> {
    if let Some(project) = store.project_by_slug(slug).await? {
        return Ok(project.id);
    }
    println!("creating project {slug:?}");
    Ok(store.create_project(slug, slug).await?.id)
}

type SpanKey = (TraceId, SpanId);

/// Writes batches and keeps the counts.
struct Importer {
    store: Store,
    project: ProjectId,
    report: ImportReport,
    /// (span, ended) pairs already written in this run.
    seen: HashSet<(SpanKey, bool)>,
}

impl Importer {
    fn new(store: Store, project: ProjectId) -> Self {
        Importer {
            store,
            project,
            report: ImportReport::default(),
            seen: HashSet::new(),
        }
    }

    fn reject(&mut self, error: &ReadError) {
        self.report.rejects += 1;
        if self.report.rejects <= 5 {
            eprintln!("rejected: {error}");
        }
    }

    /// Counts the batch against what the store holds, then ingests it.
    async fn write(&mut self, events: Vec<TelemetryEvent>) -> Result<()> {
        if events.is_empty() {
            return Ok(());
        }
        self.report.events_read += events.len() as u64;
        let stored = self.stored(&events).await?;
        let mut new_spans = HashSet::new();
        for event in &events {
            let Some(span) = event.span() else { continue };
            let key = (span.trace_id, span.span_id);
            let ended = span.end_time.is_some();
            let known = stored.get(&key).is_some_and(|&had_end| had_end || !ended);
            if known || !self.seen.insert((key, ended)) {
                self.report.duplicates += 1;
            } else if !stored.contains_key(&key) {
                new_spans.insert(key);
            }
        }
        for refused in self.ingest(events).await? {
            new_spans.remove(&refused);
        }
        self.report.spans_written += new_spans.len() as u64;
        Ok(())
    }

    /// The spans of the batch's traces already in the store, with whether each has ended.
    async fn stored(&self, events: &[TelemetryEvent]) -> Result<HashMap<SpanKey, bool>> {
        let mut traces: Vec<TraceId> = events
            .iter()
            .filter_map(|e| e.span().map(|s| s.trace_id))
            .collect();
        traces.sort_unstable_by_key(|t| t.to_string());
        traces.dedup();
        let spans = self.store.spans_of_traces(self.project, &traces).await?;
        Ok(spans
            .iter()
            .map(|s| {
                (
                    (s.record.trace_id, s.record.span_id),
                    s.record.end_time.is_some(),
                )
            })
            .collect())
    }

    /// Ingests in one transaction; if the store refuses the batch, event by event, counting
    /// the events it refuses as rejects. Returns the spans of the refused events.
    async fn ingest(&mut self, events: Vec<TelemetryEvent>) -> Result<Vec<SpanKey>> {
        let Err(error) = self.store.ingest(self.project, &events).await else {
            return Ok(Vec::new());
        };
        if error.is_transient() {
            return Err(error)
                .context("the store is unavailable; run the import again (it is idempotent)");
        }
        let mut refused = Vec::new();
        for event in events {
            if let Err(error) = self
                .store
                .ingest(self.project, std::slice::from_ref(&event))
                .await
            {
                self.report.rejects += 1;
                eprintln!("rejected an event: {error}");
                refused.extend(event.span().map(|s| (s.trace_id, s.span_id)));
            }
        }
        Ok(refused)
    }
}
