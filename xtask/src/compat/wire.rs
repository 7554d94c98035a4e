//! The wire-format check: every committed fixture of every wire version deserializes, and
//! re-serializes to the current format (byte for byte for the current version's fixtures).
//!
//! Fixtures, in one folder per wire version (`v1`, `v2`, …; the current one is
//! `v{NATIVE_VERSION}`):
//! - `telemetry-types/tests/fixtures/vN/`: events (`event_*.json`), typed attributes
//!   (`attributes_*.json`) and `config.json`, written by that crate's golden test;
//! - `xtask/fixtures/wire/vN/`: a native HTTP batch (`native_batch.json`) and the file
//!   exporter's JSON Lines (`file_exporter.jsonl`), written by `cargo xtask compat --bless`
//!   from the event fixtures, through the real file exporter.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::Serialize;
use serde::de::DeserializeOwned;
use telemetry_core::TelemetryExporter;
use telemetry_exporters::file::{EventReader, FileExporter, FileExporterConfig};
use telemetry_otlp::{NATIVE_VERSION, NativeBatch};
use telemetry_types::{EventKinds, SpanAttributes, TelemetryConfig, TelemetryEvent};

use super::snapshot::{json_difference, text_difference};
use crate::db;
use crate::exit::CheckFailed;

/// Folder of the event fixtures, relative to the workspace.
pub const EVENT_FIXTURES: &str = "telemetry-types/tests/fixtures";
/// Folder of the batch and JSON Lines fixtures, relative to the workspace.
pub const BATCH_FIXTURES: &str = "xtask/fixtures/wire";
/// The native batch fixture's file name.
pub const NATIVE_BATCH: &str = "native_batch.json";
/// The JSON Lines fixture's file name.
pub const JSON_LINES: &str = "file_exporter.jsonl";

/// The current wire version's folder name.
pub fn current_version() -> String {
    format!("v{NATIVE_VERSION}")
}

/// Runs the check (or, with `bless`, writes the current version's batch fixtures first).
pub fn run(root: &Path, bless: bool) -> Result<()> {
    if bless {
        bless_current(root)?;
    }
    let mut problems = Vec::new();
    let mut checked = 0;
    for version in versions(&root.join(EVENT_FIXTURES))? {
        let current = version == current_version();
        for path in files(&root.join(EVENT_FIXTURES).join(&version))? {
            checked += 1;
            if let Err(e) = check_event_fixture(&path, current) {
                problems.push(format!("{}: {e:#}", path.display()));
            }
        }
    }
    for version in versions(&root.join(BATCH_FIXTURES))? {
        let dir = root.join(BATCH_FIXTURES).join(&version);
        let current = version == current_version();
        for result in [check_native(&dir, current), check_json_lines(&dir, current)] {
            checked += 1;
            if let Err(e) = result {
                problems.push(format!("{}: {e:#}", dir.display()));
            }
        }
    }
    println!(
        "wire: {checked} fixtures checked, {} problem(s)",
        problems.len()
    );
    anyhow::ensure!(checked > 0, "no fixtures found under {}", root.display());
    if problems.is_empty() {
        return Ok(());
    }
    Err(CheckFailed(problems.join("\n")).into())
}

/// The version folders (`v1`, `v2`, …) under `dir`, oldest first.
fn versions(dir: &Path) -> Result<Vec<String>> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))?;
    let mut found: Vec<(u32, String)> = entries
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter_map(|name| Some((name.strip_prefix('v')?.parse().ok()?, name)))
        .collect();
    found.sort();
    Ok(found.into_iter().map(|(_, name)| name).collect())
}

/// The files of a folder, by name.
fn files(dir: &Path) -> Result<Vec<PathBuf>> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))?;
    let mut found: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    found.sort();
    Ok(found)
}

/// Reads a fixture as `T`, serializes it again (pretty, as the golden tests write them) and
/// compares: byte for byte for the current version, by value for older ones.
fn roundtrip<T: Serialize + DeserializeOwned>(path: &Path, current: bool) -> Result<()> {
    let text = std::fs::read_to_string(path)?;
    let value: T = serde_json::from_str(&text).context("no longer deserializes")?;
    let again = serde_json::to_string_pretty(&value)? + "\n";
    let reread: T =
        serde_json::from_str(&again).context("its re-serialization does not read back")?;
    let (first, second) = (
        serde_json::to_value(&value)?,
        serde_json::to_value(&reread)?,
    );
    if let Some(diff) = json_difference(&first, &second) {
        anyhow::bail!("re-serializing changes its value {diff}");
    }
    if current && let Some(diff) = text_difference(&text, &again) {
        anyhow::bail!("re-serializes differently from the committed fixture: {diff}");
    }
    Ok(())
}

fn check_event_fixture(path: &Path, current: bool) -> Result<()> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    match name {
        n if n.starts_with("event_") => roundtrip::<TelemetryEvent>(path, current),
        n if n.starts_with("attributes_") => roundtrip::<SpanAttributes>(path, current),
        "config.json" => roundtrip::<TelemetryConfig>(path, current),
        _ => anyhow::bail!("unknown fixture (expected event_*, attributes_* or config.json)"),
    }
}

fn check_native(dir: &Path, current: bool) -> Result<()> {
    let path = dir.join(NATIVE_BATCH);
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("cannot read {NATIVE_BATCH}"))?;
    let batch: NativeBatch = serde_json::from_str(&text).context("no longer deserializes")?;
    anyhow::ensure!(
        batch.is_supported(),
        "{NATIVE_BATCH}: version {} is refused",
        batch.version
    );
    roundtrip::<NativeBatch>(&path, current)
}

/// Reads the JSON Lines with the file exporter's reader and writes the events again with the
/// file exporter; for the current version the bytes must be those committed.
fn check_json_lines(dir: &Path, current: bool) -> Result<()> {
    let path = dir.join(JSON_LINES);
    let events: Vec<TelemetryEvent> = EventReader::open(&path)?
        .collect::<Result<_, _>>()
        .with_context(|| format!("{JSON_LINES} no longer reads"))?;
    anyhow::ensure!(!events.is_empty(), "{JSON_LINES} holds no events");
    let written = write_json_lines(events.clone())?;
    let reread: Vec<TelemetryEvent> = written
        .lines()
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()?;
    anyhow::ensure!(
        reread == events,
        "{JSON_LINES}: re-writing changes the events"
    );
    if current && let Some(diff) = text_difference(&std::fs::read_to_string(&path)?, &written) {
        anyhow::bail!("{JSON_LINES}: the file exporter now writes it differently: {diff}");
    }
    Ok(())
}

/// What the file exporter (uncompressed) writes for `events`.
fn write_json_lines(events: Vec<TelemetryEvent>) -> Result<String> {
    let dir = tempfile::tempdir()?;
    let config = FileExporterConfig::new(dir.path()).events(EventKinds::ALL);
    db::runtime()?.block_on(async {
        let exporter = FileExporter::new(config)?;
        exporter.export_batch(events).await?;
        exporter.shutdown().await?;
        anyhow::Ok(())
    })?;
    let mut text = String::new();
    for file in files(dir.path())? {
        text.push_str(&std::fs::read_to_string(file)?);
    }
    Ok(text)
}

/// The current version's event fixtures, in file name order.
fn current_events(root: &Path) -> Result<Vec<TelemetryEvent>> {
    let dir = root.join(EVENT_FIXTURES).join(current_version());
    let mut events = Vec::new();
    for path in files(&dir)? {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name.starts_with("event_") {
            events.push(serde_json::from_str(&std::fs::read_to_string(&path)?)?);
        }
    }
    anyhow::ensure!(
        !events.is_empty(),
        "no event fixtures in {}; write them first with `BLESS=1 cargo test -p telemetry-types --test golden`",
        dir.display()
    );
    Ok(events)
}

/// Writes the current version's native batch and JSON Lines fixtures from its event fixtures.
fn bless_current(root: &Path) -> Result<()> {
    let events = current_events(root)?;
    let dir = root.join(BATCH_FIXTURES).join(current_version());
    std::fs::create_dir_all(&dir)?;
    let batch = serde_json::to_string_pretty(&NativeBatch::new(events.clone()))? + "\n";
    std::fs::write(dir.join(NATIVE_BATCH), batch)?;
    std::fs::write(dir.join(JSON_LINES), write_json_lines(events)?)?;
    println!(
        "blessed {} and {} in {} (event fixtures are blessed by `BLESS=1 cargo test -p telemetry-types --test golden`)",
        NATIVE_BATCH,
        JSON_LINES,
        dir.display()
    );
    Ok(())
}
