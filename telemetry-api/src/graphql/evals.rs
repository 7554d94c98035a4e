//! Evals: the `Score` type, score analysis (by name and source over time, distributions,
//! averages per trace name and per model, the traces and spans behind low scores) and the
//! `createScore` / `deleteScore` mutations.

use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use telemetry_store::{
    Aggregate, ModelScore, NewScore, Score, ScoreSeriesRow, ScoreSource, ScoreSourceRow,
    ScoreStats, ScoreValue, TimeRange, TraceNameScore,
};
use telemetry_types::Timestamp;

use super::errors::{GqlResult, bad_input, from_loader, from_store, user};
use super::inputs::{self, TimeRangeInput, aggregate, time};
use super::limits::{LIST_WEIGHT, weighted};
use super::scope::Scope;
use super::spans::SpanObject;
use super::traces::TraceObject;

/// Who produced a score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "ScoreSource")]
pub(crate) enum SourceKind {
    /// An eval execution span.
    Eval,
    /// A program, through the API.
    Api,
    /// A person annotating.
    Human,
}

impl From<ScoreSource> for SourceKind {
    fn from(s: ScoreSource) -> Self {
        match s {
            ScoreSource::Eval => SourceKind::Eval,
            ScoreSource::Api => SourceKind::Api,
            ScoreSource::Human => SourceKind::Human,
        }
    }
}

/// Which value of a score is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
pub(crate) enum ScoreDataType {
    /// `value` is set.
    Numeric,
    /// `label` is set.
    Categorical,
    /// `passed` is set.
    Boolean,
}

/// A score given to a trace or to one of its spans.
#[derive(Clone)]
pub(crate) struct ScoreObject(pub(crate) Score);

#[Object(name = "Score")]
impl ScoreObject {
    /// Score id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// What is measured.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Which value is set.
    async fn data_type(&self) -> ScoreDataType {
        match self.0.data_type.as_str() {
            "categorical" => ScoreDataType::Categorical,
            "boolean" => ScoreDataType::Boolean,
            _ => ScoreDataType::Numeric,
        }
    }

    /// Numeric value.
    async fn value(&self) -> Option<f64> {
        self.0.value
    }

    /// Categorical value.
    async fn label(&self) -> Option<&str> {
        self.0.label.as_deref()
    }

    /// Boolean value.
    async fn passed(&self) -> Option<bool> {
        self.0.passed
    }

    /// Who produced it.
    async fn source(&self) -> SourceKind {
        self.0.source.into()
    }

    /// Evaluator or annotator.
    async fn evaluator(&self) -> Option<&str> {
        self.0.evaluator.as_deref()
    }

    /// Reason or annotation.
    async fn comment(&self) -> Option<&str> {
        self.0.comment.as_deref()
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        time(Timestamp::from_unix_nanos(
            u64::try_from(self.0.created_at).unwrap_or(0),
        ))
    }

    /// Trace judged (id).
    async fn trace_id(&self) -> &str {
        &self.0.trace_id
    }

    /// Span judged (id), when one span is.
    async fn span_id(&self) -> Option<&str> {
        self.0.span_id.as_deref()
    }

    /// The eval span that produced it.
    async fn eval_span_id(&self) -> Option<&str> {
        self.0.eval_span_id.as_deref()
    }

    /// The trace judged, when stored.
    async fn trace(&self, ctx: &Context<'_>) -> GqlResult<Option<TraceObject>> {
        let Ok(id) = inputs::trace_id(&self.0.trace_id) else {
            return Ok(None);
        };
        let trace = Scope::of(ctx)?.loaders().traces.load_one(id).await;
        Ok(trace.map_err(from_loader)?.map(TraceObject))
    }

    /// The span judged, when one span is and it is stored.
    async fn span(&self, ctx: &Context<'_>) -> GqlResult<Option<SpanObject>> {
        let (Ok(trace), Some(Ok(span))) = (
            inputs::trace_id(&self.0.trace_id),
            self.0.span_id.as_deref().map(inputs::span_id),
        ) else {
            return Ok(None);
        };
        let spans = Scope::of(ctx)?.loaders().spans.load_one(trace).await;
        let spans = spans.map_err(from_loader)?;
        Ok(spans.and_then(|s| s.get(span).cloned()).map(SpanObject))
    }
}

/// Scores of one name from one evaluator or source, in one bucket.
#[derive(SimpleObject)]
pub(crate) struct ScorePoint {
    /// Start of the bucket (absent without buckets).
    bucket: Option<DateTime<Utc>>,
    /// Score name.
    name: String,
    /// Evaluator (when grouped by evaluator).
    evaluator: Option<String>,
    /// Source (when grouped by source).
    source: Option<SourceKind>,
    /// Count, mean, range and pass rate.
    #[graphql(flatten)]
    stats: ScoreStatsObject,
}

/// Count, mean, range and pass rate of a group of scores (flattened into each series point).
#[derive(SimpleObject)]
pub(crate) struct ScoreStatsObject {
    /// Scores.
    count: i64,
    /// Mean numeric value.
    avg: Option<f64>,
    /// Smallest numeric value.
    min: Option<f64>,
    /// Largest numeric value.
    max: Option<f64>,
    /// Share of boolean scores that passed.
    pass_rate: Option<f64>,
}

impl From<ScoreStats> for ScoreStatsObject {
    fn from(s: ScoreStats) -> Self {
        ScoreStatsObject {
            count: s.count,
            avg: s.avg,
            min: s.min,
            max: s.max,
            pass_rate: s.pass_rate,
        }
    }
}

impl From<ScoreSeriesRow> for ScorePoint {
    fn from(r: ScoreSeriesRow) -> Self {
        ScorePoint {
            bucket: r.bucket.map(time),
            name: r.name,
            evaluator: r.evaluator,
            source: None,
            stats: r.stats.into(),
        }
    }
}

impl From<ScoreSourceRow> for ScorePoint {
    fn from(r: ScoreSourceRow) -> Self {
        ScorePoint {
            bucket: r.bucket.map(time),
            name: r.name,
            evaluator: None,
            source: Some(r.source.into()),
            stats: r.stats.into(),
        }
    }
}

/// How score series are grouped besides the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Enum)]
pub(crate) enum ScoreGrouping {
    /// By evaluator.
    #[default]
    Evaluator,
    /// By source (eval, API, human).
    Source,
}

/// One histogram bin `[lower, upper)` (the last one closed).
#[derive(SimpleObject)]
pub(crate) struct HistogramBin {
    /// Lower bound.
    lower: f64,
    /// Upper bound.
    upper: f64,
    /// Values in the bin.
    count: i64,
}

/// How many scores carry one label.
#[derive(SimpleObject)]
pub(crate) struct LabelCount {
    /// The label.
    label: String,
    /// Scores.
    count: i64,
}

/// The distribution of one score name.
#[derive(SimpleObject)]
pub(crate) struct ScoreDistribution {
    /// Histogram of numeric values.
    histogram: Vec<HistogramBin>,
    /// Counts per categorical label.
    labels: Vec<LabelCount>,
    /// Boolean scores that passed.
    passed: i64,
    /// Boolean scores that failed.
    failed: i64,
}

/// The average of a score for one trace name or one model.
#[derive(SimpleObject)]
pub(crate) struct ScoreAverage {
    /// Trace name (for per-trace-name averages).
    trace_name: Option<String>,
    /// Model (for per-model averages).
    model: Option<String>,
    /// Numeric scores counted.
    count: i64,
    /// Their mean.
    avg: f64,
}

impl From<TraceNameScore> for ScoreAverage {
    fn from(r: TraceNameScore) -> Self {
        ScoreAverage {
            trace_name: r.trace_name,
            model: None,
            count: r.count,
            avg: r.avg,
        }
    }
}

impl From<ModelScore> for ScoreAverage {
    fn from(r: ModelScore) -> Self {
        ScoreAverage {
            trace_name: None,
            model: Some(r.model),
            count: r.count,
            avg: r.avg,
        }
    }
}

/// The store's per-group averages (per trace name, per model) as GraphQL rows.
fn averages<R: Into<ScoreAverage>>(
    rows: Result<Vec<R>, telemetry_store::Error>,
) -> GqlResult<Vec<ScoreAverage>> {
    Ok(rows
        .map_err(from_store)?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// Eval analysis over one time window (by score creation time).
pub(crate) struct EvalsObject(Aggregate);

impl EvalsObject {
    fn time(&self) -> TimeRange {
        self.0.time
    }
}

#[Object(name = "Evals")]
impl EvalsObject {
    /// Scores by name and evaluator or source, per bucket.
    async fn series(
        &self,
        ctx: &Context<'_>,
        name: Option<String>,
        #[graphql(default)] by: ScoreGrouping,
    ) -> GqlResult<Vec<ScorePoint>> {
        let scope = Scope::of(ctx)?;
        let (store, project, name) = (scope.store(), scope.project(), name.as_deref());
        let points = match by {
            ScoreGrouping::Evaluator => {
                let rows = store.score_series(project, name, &self.0).await;
                rows.map_err(from_store)?
                    .into_iter()
                    .map(Into::into)
                    .collect()
            }
            ScoreGrouping::Source => {
                let rows = store.score_series_by_source(project, name, &self.0).await;
                rows.map_err(from_store)?
                    .into_iter()
                    .map(Into::into)
                    .collect()
            }
        };
        Ok(points)
    }

    /// The distribution of `name`: a histogram of `bins` bins for numeric values, counts
    /// per label for categorical ones, passed/failed for booleans.
    async fn distribution(
        &self,
        ctx: &Context<'_>,
        name: String,
        #[graphql(default = 10)] bins: u32,
    ) -> GqlResult<ScoreDistribution> {
        let scope = Scope::of(ctx)?;
        let d = scope
            .store()
            .score_distribution(scope.project(), &name, &self.time(), bins)
            .await
            .map_err(from_store)?;
        Ok(ScoreDistribution {
            histogram: d
                .histogram
                .into_iter()
                .map(|b| HistogramBin {
                    lower: b.lower,
                    upper: b.upper,
                    count: b.count,
                })
                .collect(),
            labels: d
                .labels
                .into_iter()
                .map(|(label, count)| LabelCount { label, count })
                .collect(),
            passed: d.passed,
            failed: d.failed,
        })
    }

    /// Average numeric value of `name` per trace name.
    async fn by_trace_name(&self, ctx: &Context<'_>, name: String) -> GqlResult<Vec<ScoreAverage>> {
        let scope = Scope::of(ctx)?;
        let rows = scope
            .store()
            .score_by_trace_name(scope.project(), &name, &self.time())
            .await;
        averages(rows)
    }

    /// Average numeric value of `name` per model (a span's score counts for its model, a
    /// trace's score for each model the trace called).
    async fn by_model(&self, ctx: &Context<'_>, name: String) -> GqlResult<Vec<ScoreAverage>> {
        let scope = Scope::of(ctx)?;
        let rows = scope
            .store()
            .score_by_model(scope.project(), &name, &self.time())
            .await;
        averages(rows)
    }

    /// Numeric scores of `name` below `threshold`, lowest first; follow `trace` and `span`
    /// to what was judged.
    #[graphql(complexity = "weighted(LIST_WEIGHT, child_complexity)")]
    async fn below(
        &self,
        ctx: &Context<'_>,
        name: String,
        threshold: f64,
        #[graphql(default = 50)] limit: u32,
    ) -> GqlResult<Vec<ScoreObject>> {
        if !(1..=1000).contains(&limit) {
            return Err(bad_input("limit must be between 1 and 1000"));
        }
        let scope = Scope::of(ctx)?;
        let scores = scope
            .store()
            .scores_below(
                scope.project(),
                &name,
                threshold,
                &self.time(),
                u64::from(limit),
            )
            .await
            .map_err(from_store)?;
        Ok(scores.into_iter().map(ScoreObject).collect())
    }
}

/// Eval queries.
#[derive(Default)]
pub(crate) struct EvalQueries;

#[Object]
impl EvalQueries {
    /// Eval analysis over scores created in `time` (all time when absent), as time series
    /// when `bucketSeconds` is given.
    async fn evals(
        &self,
        time: Option<TimeRangeInput>,
        bucket_seconds: Option<i64>,
    ) -> GqlResult<EvalsObject> {
        let range = TimeRangeInput::range(time)?;
        Ok(EvalsObject(aggregate(range, bucket_seconds)?))
    }
}

/// Who a new score comes from (eval scores come from eval spans only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Enum)]
pub(crate) enum AnnotationSource {
    /// A program, through the API.
    #[default]
    Api,
    /// A person.
    Human,
}

/// A score to create: exactly one of `value`, `label` and `passed`.
#[derive(Debug, Clone, InputObject)]
pub(crate) struct CreateScoreInput {
    /// Trace judged (it must belong to the caller's project).
    trace_id: String,
    /// Span judged, if one span is (it must belong to the trace).
    span_id: Option<String>,
    /// What is measured.
    name: String,
    /// Numeric value.
    value: Option<f64>,
    /// Categorical value.
    label: Option<String>,
    /// Boolean value.
    passed: Option<bool>,
    /// API or human.
    #[graphql(default)]
    source: AnnotationSource,
    /// Evaluator or annotator.
    evaluator: Option<String>,
    /// Why.
    comment: Option<String>,
}

impl CreateScoreInput {
    fn value(&self) -> GqlResult<ScoreValue> {
        match (self.value, &self.label, self.passed) {
            (Some(v), None, None) if v.is_finite() => Ok(ScoreValue::Numeric(v)),
            (None, Some(l), None) => Ok(ScoreValue::Categorical(l.clone())),
            (None, None, Some(p)) => Ok(ScoreValue::Boolean(p)),
            _ => Err(bad_input(
                "give exactly one of value (finite), label and passed",
            )),
        }
    }
}

/// Score mutations.
#[derive(Default)]
pub(crate) struct ScoreMutations;

#[Object]
impl ScoreMutations {
    /// Records a human or API score on a trace (or one of its spans) of the caller's project.
    async fn create_score(
        &self,
        ctx: &Context<'_>,
        input: CreateScoreInput,
    ) -> GqlResult<ScoreObject> {
        let value = input.value()?;
        if input.name.trim().is_empty() || input.name.len() > 200 {
            return Err(bad_input("name must be 1 to 200 characters"));
        }
        let trace_id = inputs::trace_id(&input.trace_id)?;
        let span_id = input.span_id.as_deref().map(inputs::span_id).transpose()?;
        let scope = Scope::of(ctx)?;
        // The primary: a replica may not have the trace yet, and the score is written there.
        let (store, project) = (scope.primary(), scope.project());
        let not_found = || user("NOT_FOUND", "no such trace or span in this project");
        match span_id {
            Some(span) => store
                .get_span(project, trace_id, span)
                .await
                .map_err(from_store)?
                .map(|_| ()),
            None => store
                .trace_summary(project, trace_id)
                .await
                .map_err(from_store)?
                .map(|_| ()),
        }
        .ok_or_else(not_found)?;
        let new = NewScore {
            trace_id,
            span_id,
            name: input.name,
            value,
            source: match input.source {
                AnnotationSource::Api => ScoreSource::Api,
                AnnotationSource::Human => ScoreSource::Human,
            },
            evaluator: input.evaluator,
            comment: input.comment,
        };
        let score = store.create_score(project, new).await.map_err(from_store)?;
        Ok(ScoreObject(score))
    }

    /// Deletes a score of the caller's project; `false` when there was none.
    async fn delete_score(&self, ctx: &Context<'_>, id: ID) -> GqlResult<bool> {
        let id: i64 = id.parse().map_err(|_| bad_input("invalid score id"))?;
        let scope = Scope::of(ctx)?;
        scope
            .primary()
            .delete_score(scope.project(), id)
            .await
            .map_err(from_store)
    }
}
