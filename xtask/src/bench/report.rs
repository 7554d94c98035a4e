//! Benchmark figures: the results table, the JSON file, and the comparison with a saved run.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

/// One measured figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// Scenario name (`store_ingest`, …).
    pub scenario: String,
    /// What was measured (`spans_per_sec`, `list_traces_ms`, …).
    pub metric: String,
    /// The value.
    pub value: f64,
    /// Its unit, for the table.
    pub unit: String,
    /// Whether a larger value is better (throughput) or worse (latency, size).
    pub higher_is_better: bool,
    /// The documented target this figure is read against, for the table.
    pub reference: String,
}

impl Figure {
    /// A throughput-like figure (higher is better).
    pub fn higher(scenario: &str, metric: &str, value: f64, unit: &str, reference: &str) -> Self {
        Figure::new(scenario, metric, value, unit, true, reference)
    }

    /// A latency- or size-like figure (lower is better).
    pub fn lower(scenario: &str, metric: &str, value: f64, unit: &str, reference: &str) -> Self {
        Figure::new(scenario, metric, value, unit, false, reference)
    }

    fn new(
        scenario: &str,
        metric: &str,
        value: f64,
        unit: &str,
        higher: bool,
        reference: &str,
    ) -> Self {
        Figure {
            scenario: scenario.to_owned(),
            metric: metric.to_owned(),
            value,
            unit: unit.to_owned(),
            higher_is_better: higher,
            reference: reference.to_owned(),
        }
    }

    /// How much worse than `saved` this figure is, in percent (negative: better).
    pub fn worse_by_pct(&self, saved: &Figure) -> f64 {
        if saved.value == 0.0 {
            return 0.0;
        }
        let change = (self.value - saved.value) / saved.value * 100.0;
        if self.higher_is_better {
            -change
        } else {
            change
        }
    }
}

/// A saved run: its parameters and figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    /// `release` or `debug`: figures of different builds are not comparable.
    #[serde(default)]
    pub profile: String,
    /// Spans per scenario.
    pub spans: usize,
    /// The figures.
    pub figures: Vec<Figure>,
}

/// The build profile of this binary.
pub fn profile() -> String {
    if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    }
    .to_owned()
}

/// Formats a value with a sensible number of digits.
fn show(value: f64) -> String {
    match value.abs() {
        v if v >= 1000.0 => format!("{value:.0}"),
        v if v >= 10.0 => format!("{value:.1}"),
        _ => format!("{value:.3}"),
    }
}

/// The results table: each figure with its reference (and the saved run's value when
/// comparing).
pub fn table(run: &Run, saved: Option<&Run>) -> String {
    let mut out = format!(
        "{:<16} {:<22} {:>14} {:<9} {:<34} {}\n",
        "scenario", "metric", "value", "unit", "reference", "saved run"
    );
    for figure in &run.figures {
        let before = saved
            .and_then(|s| find(s, figure))
            .map(|old| {
                format!(
                    "{} ({:+.1}% worse)",
                    show(old.value),
                    figure.worse_by_pct(old)
                )
            })
            .unwrap_or_default();
        out.push_str(&format!(
            "{:<16} {:<22} {:>14} {:<9} {:<34} {}\n",
            figure.scenario,
            figure.metric,
            show(figure.value),
            figure.unit,
            figure.reference,
            before
        ));
    }
    out
}

fn find<'a>(run: &'a Run, figure: &Figure) -> Option<&'a Figure> {
    run.figures
        .iter()
        .find(|f| f.scenario == figure.scenario && f.metric == figure.metric)
}

/// The figures of `run` more than `threshold_pct` worse than in `saved`, one line each.
pub fn regressions(run: &Run, saved: &Run, threshold_pct: f64) -> Vec<String> {
    run.figures
        .iter()
        .filter_map(|figure| {
            let old = find(saved, figure)?;
            let worse = figure.worse_by_pct(old);
            (worse > threshold_pct).then(|| {
                format!(
                    "{} {}: {} {} against {} saved ({worse:.1}% worse, threshold {threshold_pct}%)",
                    figure.scenario,
                    figure.metric,
                    show(figure.value),
                    figure.unit,
                    show(old.value)
                )
            })
        })
        .collect()
}

/// Writes `run` as JSON to `dir/run-{unix seconds}.json` and `dir/latest.json`; returns the
/// first path.
pub fn save(run: &Run, dir: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let json = serde_json::to_string_pretty(run)?;
    let path = dir.join(format!("run-{secs}.json"));
    std::fs::write(&path, &json)?;
    std::fs::write(dir.join("latest.json"), &json)?;
    Ok(path)
}

/// Reads a saved run.
pub fn load(path: &Path) -> Result<Run> {
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read {}; give a file `cargo xtask bench` wrote",
            path.display()
        )
    })?;
    serde_json::from_str(&text)
        .with_context(|| format!("{} is not a saved bench run", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slower_throughput_and_longer_latency_are_worse() {
        let saved = Figure::higher("s", "spans_per_sec", 100.0, "spans/s", "");
        assert_eq!(
            Figure::higher("s", "spans_per_sec", 80.0, "spans/s", "").worse_by_pct(&saved),
            20.0
        );
        let saved = Figure::lower("s", "ms", 10.0, "ms", "");
        assert_eq!(
            Figure::lower("s", "ms", 12.0, "ms", "").worse_by_pct(&saved),
            20.0
        );
    }
}
