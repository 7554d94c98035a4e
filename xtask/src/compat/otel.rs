//! The OpenTelemetry mapping check: `telemetry_otlp::mapping_table()` against the
//! committed snapshot `xtask/snapshots/otel_mapping.md`, and against the generated section of
//! `docs/OTEL_MAPPING.md`, so any change to what we send or how we read other clients is
//! deliberate and reviewed, and the doc cannot drift from the code.

use std::path::Path;

use anyhow::{Context, Result};
use telemetry_otlp::mapping_table;

use super::snapshot::text_difference;
use crate::exit::CheckFailed;

/// The snapshot, relative to the workspace.
pub const SNAPSHOT: &str = "xtask/snapshots/otel_mapping.md";
/// The doc that shows the table, relative to the workspace.
pub const DOC: &str = "docs/OTEL_MAPPING.md";
/// Start marker of the generated section of [`DOC`] (as telemetry-otlp's `otel_table` test).
pub const BEGIN: &str = "<!-- BEGIN GENERATED MAPPING (otel::mapping_table) -->\n";
/// End marker of the generated section of [`DOC`].
pub const END: &str = "<!-- END GENERATED MAPPING -->";

/// Runs the check; `bless` rewrites the snapshot first.
pub fn run(root: &Path, bless: bool) -> Result<()> {
    let table = mapping_table();
    let snapshot = root.join(SNAPSHOT);
    if bless {
        std::fs::create_dir_all(snapshot.parent().unwrap_or(root))?;
        std::fs::write(&snapshot, &table)?;
        println!(
            "blessed {SNAPSHOT}; {DOC} is updated by `OTEL_MAPPING_BLESS=1 cargo test -p telemetry-otlp --test otel_table`"
        );
    }
    let committed = std::fs::read_to_string(&snapshot).with_context(|| {
        format!("cannot read {SNAPSHOT}; create it with `cargo xtask compat otel --bless`")
    })?;
    let mut problems = Vec::new();
    if let Some(diff) = text_difference(&committed, &table) {
        problems.push(format!(
            "the mapping changed against {SNAPSHOT} (review, then `cargo xtask compat otel --bless`): {diff}"
        ));
    }
    if let Some(diff) = doc_difference(&root.join(DOC), &table)? {
        problems.push(format!(
            "{DOC} does not show the current table (`OTEL_MAPPING_BLESS=1 cargo test -p telemetry-otlp --test otel_table`): {diff}"
        ));
    }
    println!(
        "otel: {} table lines compared with {SNAPSHOT} and {DOC}",
        table.lines().count()
    );
    if problems.is_empty() {
        return Ok(());
    }
    Err(CheckFailed(problems.join("\n")).into())
}

/// The difference between the doc's generated section and `table`.
fn doc_difference(doc: &Path, table: &str) -> Result<Option<String>> {
    let text =
        std::fs::read_to_string(doc).with_context(|| format!("cannot read {}", doc.display()))?;
    let (Some(start), Some(end)) = (text.find(BEGIN), text.find(END)) else {
        return Ok(Some(format!("{DOC} lacks the markers {BEGIN:?} … {END:?}")));
    };
    if end < start + BEGIN.len() {
        return Ok(Some(format!(
            "{DOC}: the end marker comes before the start marker"
        )));
    }
    Ok(text_difference(&text[start + BEGIN.len()..end], table))
}
