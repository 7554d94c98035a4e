//! Eval analysis: scores over time, their distribution, averages per trace name and the
//! traces behind low scores.

use sea_orm::QueryResult;
use serde::{Deserialize, Serialize};

use super::TimeRange;
use super::score_averages::BY_TRACE_NAME;
use super::sql::Sql;
use crate::Store;
use crate::error::{Error, Result};
use crate::projects::ProjectId;
use crate::store::Backend;

/// One bin of a histogram: `[lower, upper)`, the last bin closed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistogramBin {
    /// Lower bound.
    pub lower: f64,
    /// Upper bound.
    pub upper: f64,
    /// Values in the bin.
    pub count: i64,
}

/// How the values of one score name are distributed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ScoreDistribution {
    /// Histogram of numeric values (empty when there are none).
    pub histogram: Vec<HistogramBin>,
    /// Count per categorical label, by label.
    pub labels: Vec<(String, i64)>,
    /// Boolean scores that passed.
    pub passed: i64,
    /// Boolean scores that failed.
    pub failed: i64,
}

/// Average of a score per trace name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceNameScore {
    /// Trace name (`None` for traces whose root has not arrived).
    pub trace_name: Option<String>,
    /// Numeric scores.
    pub count: i64,
    /// Their mean.
    pub avg: f64,
}

fn opt_f64(row: &QueryResult, col: &str) -> Result<Option<f64>> {
    Ok(row.try_get::<Option<f64>>("", col)?)
}

impl Store {
    /// The distribution of one score name: a histogram of `bins` equal-width bins between the
    /// smallest and largest numeric value, counts per label, and passed/failed counts.
    pub async fn score_distribution(
        &self,
        project: ProjectId,
        name: &str,
        time: &TimeRange,
        bins: u32,
    ) -> Result<ScoreDistribution> {
        if bins == 0 || bins > 1000 {
            return Err(Error::InvalidArgument("bins must be in 1..=1000".into()));
        }
        let mut dist = ScoreDistribution {
            histogram: self.score_histogram(project, name, time, bins).await?,
            ..ScoreDistribution::default()
        };
        let mut sql = score_select(project, name, time, "label, COUNT(*) AS n");
        sql.push(" AND label IS NOT NULL GROUP BY label ORDER BY label");
        for r in sql.fetch(&self.db).await? {
            dist.labels
                .push((r.try_get("", "label")?, r.try_get("", "n")?));
        }
        let mut sql = score_select(
            project,
            name,
            time,
            "CAST(COALESCE(SUM(CASE WHEN passed THEN 1 ELSE 0 END), 0) AS BIGINT) AS yes, \
             CAST(COALESCE(SUM(CASE WHEN passed THEN 0 ELSE 1 END), 0) AS BIGINT) AS no",
        );
        sql.push(" AND passed IS NOT NULL");
        if let Some(r) = sql.fetch(&self.db).await?.first() {
            dist.passed = r.try_get("", "yes")?;
            dist.failed = r.try_get("", "no")?;
        }
        Ok(dist)
    }

    async fn score_histogram(
        &self,
        project: ProjectId,
        name: &str,
        time: &TimeRange,
        bins: u32,
    ) -> Result<Vec<HistogramBin>> {
        let mut sql = score_select(project, name, time, "MIN(value) AS lo, MAX(value) AS hi");
        sql.push(" AND value IS NOT NULL");
        let rows = sql.fetch(&self.db).await?;
        let Some(r) = rows.first() else {
            return Ok(Vec::new());
        };
        let (Some(lo), Some(hi)) = (opt_f64(r, "lo")?, opt_f64(r, "hi")?) else {
            return Ok(Vec::new());
        };
        let bins = if hi > lo { bins } else { 1 };
        let width = if hi > lo {
            (hi - lo) / f64::from(bins)
        } else {
            1.0
        };
        let floor = match self.backend {
            Backend::Sqlite => "CAST(({x}) AS INTEGER)",
            Backend::Postgres => "CAST(FLOOR({x}) AS BIGINT)",
        };
        let mut sql = Sql::default();
        let (l, w, last) = (sql.bind(lo), sql.bind(width), sql.bind(i64::from(bins) - 1));
        let index = floor.replace("{x}", &format!("(value - {l}) / {w}"));
        sql.push(&format!(
            "SELECT CASE WHEN {index} > {last} THEN {last} ELSE {index} END AS bin, COUNT(*) AS n \
             FROM scores WHERE project_id = "
        ));
        let p = sql.bind(project.0);
        let n = sql.bind(name);
        sql.push(&format!("{p} AND name = {n} AND value IS NOT NULL"));
        sql.time_range("created_at", time);
        sql.push(" GROUP BY 1 ORDER BY 1");
        let mut counts = vec![0i64; bins as usize];
        for r in sql.fetch(&self.db).await? {
            let bin: i64 = r.try_get("", "bin")?;
            if let Some(slot) = usize::try_from(bin).ok().and_then(|b| counts.get_mut(b)) {
                *slot += r.try_get::<i64>("", "n")?;
            }
        }
        Ok(counts
            .into_iter()
            .enumerate()
            .map(|(i, count)| HistogramBin {
                lower: lo + width * i as f64,
                upper: if i + 1 == bins as usize {
                    hi.max(lo + width)
                } else {
                    lo + width * (i + 1) as f64
                },
                count,
            })
            .collect())
    }

    /// Average numeric value of one score name per trace name.
    pub async fn score_by_trace_name(
        &self,
        project: ProjectId,
        name: &str,
        time: &TimeRange,
    ) -> Result<Vec<TraceNameScore>> {
        let groups = self.score_averages(project, name, time, &BY_TRACE_NAME);
        Ok(groups
            .await?
            .into_iter()
            .map(|g| TraceNameScore {
                trace_name: g.key,
                count: g.count,
                avg: g.avg,
            })
            .collect())
    }
}

/// `SELECT {what} FROM scores WHERE` project, name and time match.
fn score_select(project: ProjectId, name: &str, time: &TimeRange, what: &str) -> Sql {
    let mut sql = Sql::default();
    let p = sql.bind(project.0);
    let n = sql.bind(name);
    sql.push(&format!(
        "SELECT {what} FROM scores WHERE project_id = {p} AND name = {n}"
    ));
    sql.time_range("created_at", time);
    sql
}
