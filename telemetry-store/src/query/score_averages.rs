//! The mean of one score name per group (per model, per trace name): one statement, the group
//! supplied by a join.

use super::TimeRange;
use super::sql::Sql;
use crate::Store;
use crate::error::Result;
use crate::projects::ProjectId;

/// What the scores `s` are grouped by: the join that supplies the group column, and the column.
pub(crate) struct ScoreGroup {
    join: &'static str,
    key: &'static str,
}

/// A span's score counts for the span's model; a trace's score once for each model its spans
/// called (hence `DISTINCT` below).
pub(crate) const BY_MODEL: ScoreGroup = ScoreGroup {
    join: "JOIN spans sp ON sp.project_id = s.project_id AND sp.trace_id = s.trace_id \
           AND sp.model IS NOT NULL AND (s.span_id IS NULL OR sp.span_id = s.span_id)",
    key: "sp.model",
};

/// A score counts for the name of its trace.
pub(crate) const BY_TRACE_NAME: ScoreGroup = ScoreGroup {
    join: "JOIN traces t ON t.project_id = s.project_id AND t.trace_id = s.trace_id",
    key: "t.name",
};

/// The numeric scores of one group: how many, and their mean.
pub(crate) struct GroupAverage {
    pub(crate) key: Option<String>,
    pub(crate) count: i64,
    pub(crate) avg: f64,
}

impl Store {
    /// Count and mean of the numeric scores of `name` per group, ordered by group.
    pub(crate) async fn score_averages(
        &self,
        project: ProjectId,
        name: &str,
        time: &TimeRange,
        group: &ScoreGroup,
    ) -> Result<Vec<GroupAverage>> {
        let mut sql = Sql::default();
        let p = sql.bind(project.0);
        let n = sql.bind(name);
        sql.push(&format!(
            "SELECT group_key, COUNT(*) AS n, CAST(AVG(value) AS DOUBLE PRECISION) AS avg_v \
             FROM (SELECT DISTINCT s.id, s.value, {key} AS group_key FROM scores s {join} \
             WHERE s.project_id = {p} AND s.name = {n} AND s.value IS NOT NULL",
            key = group.key,
            join = group.join,
        ));
        sql.time_range("s.created_at", time);
        sql.push(") scored GROUP BY group_key ORDER BY group_key");
        let rows = sql.fetch(&self.db).await?;
        rows.iter()
            .map(|r| {
                Ok(GroupAverage {
                    key: r.try_get("", "group_key")?,
                    count: r.try_get("", "n")?,
                    avg: r.try_get("", "avg_v")?,
                })
            })
            .collect()
    }
}
