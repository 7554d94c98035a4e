//! Analytics over a time range, optionally as a time series: trace and span counts with
//! error rates, latency quantiles at any probabilities by any grouping, and tokens and cost
//! by model and provider. Every figure is computed in the database.

use async_graphql::{Context, Enum, Object, SimpleObject};
use chrono::{DateTime, Utc};
use telemetry_store::{Aggregate, Dimension, LatencyBreakdown};
use telemetry_types::Timestamp;

use super::errors::{GqlResult, bad_input, from_store};
use super::inputs::{TimeRangeInput, aggregate, time};
use super::scope::Scope;
use super::spans::SpanKind;
use super::usage_totals::UsageTotalsObject;

/// A column spans can be grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "Dimension", remote = "telemetry_store::Dimension")]
pub(crate) enum DimensionKind {
    /// Span type.
    SpanType,
    /// Span name.
    Name,
    /// Model.
    Model,
    /// Provider.
    Provider,
    /// Service.
    Service,
}

/// The values of a group's dimensions (only the grouped ones are set).
#[derive(Debug, Clone, Default, SimpleObject)]
pub(crate) struct Group {
    /// Span type wire name.
    span_type: Option<String>,
    /// Span name.
    name: Option<String>,
    /// Model.
    model: Option<String>,
    /// Provider.
    provider: Option<String>,
    /// Service.
    service: Option<String>,
}

impl Group {
    fn of(dims: &[DimensionKind], keys: Vec<Option<String>>) -> Self {
        let mut group = Group::default();
        for (d, k) in dims.iter().zip(keys) {
            let slot = match d {
                DimensionKind::SpanType => &mut group.span_type,
                DimensionKind::Name => &mut group.name,
                DimensionKind::Model => &mut group.model,
                DimensionKind::Provider => &mut group.provider,
                DimensionKind::Service => &mut group.service,
            };
            *slot = k;
        }
        group
    }
}

/// Trace counts in one bucket.
#[derive(SimpleObject)]
pub(crate) struct TraceCountPoint {
    /// Start of the bucket (absent without buckets).
    bucket: Option<DateTime<Utc>>,
    /// Traces started.
    traces: i64,
    /// Traces with a failed span.
    errors: i64,
    /// `errors / traces`.
    error_rate: f64,
}

/// Span counts of one span type in one bucket.
#[derive(SimpleObject)]
pub(crate) struct SpanCountPoint {
    /// Start of the bucket (absent without buckets).
    bucket: Option<DateTime<Utc>>,
    /// Span type wire name.
    span_type: String,
    /// Spans started.
    spans: i64,
    /// Failed spans.
    errors: i64,
    /// `errors / spans`.
    error_rate: f64,
}

/// One quantile of a latency distribution.
#[derive(SimpleObject)]
pub(crate) struct Quantile {
    /// Probability in `[0, 1]`.
    q: f64,
    /// Duration at that probability, milliseconds.
    ms: f64,
}

/// Latency of one group in one bucket.
#[derive(SimpleObject)]
pub(crate) struct LatencyPoint {
    /// Start of the bucket (absent without buckets).
    bucket: Option<DateTime<Utc>>,
    /// The group.
    group: Group,
    /// Ended spans counted.
    count: i64,
    /// Mean duration, milliseconds.
    avg_ms: f64,
    /// The requested quantiles, linearly interpolated.
    quantiles: Vec<Quantile>,
}

/// Tokens and cost of one group in one bucket.
#[derive(SimpleObject)]
pub(crate) struct UsagePoint {
    /// Start of the bucket (absent without buckets).
    bucket: Option<DateTime<Utc>>,
    /// The group.
    group: Group,
    /// Spans counted (those with a model, tokens or a cost).
    calls: i64,
    #[graphql(flatten)]
    totals: UsageTotalsObject,
}

fn bucket(ts: Option<Timestamp>) -> Option<DateTime<Utc>> {
    ts.map(time)
}

/// Analytics over one time window.
pub(crate) struct AnalyticsObject(Aggregate);

#[Object(name = "Analytics")]
impl AnalyticsObject {
    /// Traces started, failed, and the error rate, per bucket.
    async fn trace_counts(&self, ctx: &Context<'_>) -> GqlResult<Vec<TraceCountPoint>> {
        let scope = Scope::of(ctx)?;
        let rows = scope.store().trace_counts(scope.project(), &self.0).await;
        Ok(rows
            .map_err(from_store)?
            .into_iter()
            .map(|r| TraceCountPoint {
                bucket: bucket(r.bucket),
                traces: r.traces,
                errors: r.errors,
                error_rate: r.error_rate,
            })
            .collect())
    }

    /// Spans started, failed, and the error rate, by span type, per bucket.
    async fn span_counts(&self, ctx: &Context<'_>) -> GqlResult<Vec<SpanCountPoint>> {
        let scope = Scope::of(ctx)?;
        let rows = scope.store().span_counts(scope.project(), &self.0).await;
        Ok(rows
            .map_err(from_store)?
            .into_iter()
            .map(|r| SpanCountPoint {
                bucket: bucket(r.bucket),
                span_type: r.span_type,
                spans: r.spans,
                errors: r.errors,
                error_rate: r.error_rate,
            })
            .collect())
    }

    /// Latency quantiles of ended spans at any probabilities, grouped by `groupBy`,
    /// optionally for one span type or model only.
    async fn latency(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "vec![0.5, 0.95, 0.99]")] quantiles: Vec<f64>,
        #[graphql(default_with = "vec![DimensionKind::SpanType]")] group_by: Vec<DimensionKind>,
        span_type: Option<SpanKind>,
        model: Option<String>,
    ) -> GqlResult<Vec<LatencyPoint>> {
        if quantiles.iter().any(|q| !(0.0..=1.0).contains(q)) {
            return Err(bad_input("quantiles are probabilities in [0, 1]"));
        }
        let query = LatencyBreakdown {
            over: self.0,
            dimensions: group_by.iter().map(|d| (*d).into()).collect(),
            quantiles,
            span_type: span_type.map(Into::into),
            model,
        };
        let scope = Scope::of(ctx)?;
        let rows = scope
            .store()
            .latency_breakdown(scope.project(), &query)
            .await;
        Ok(rows
            .map_err(from_store)?
            .into_iter()
            .map(|r| LatencyPoint {
                bucket: bucket(r.bucket),
                group: Group::of(&group_by, r.keys),
                count: r.count,
                avg_ms: ms_f(r.avg),
                quantiles: r
                    .quantiles
                    .into_iter()
                    .map(|(q, v)| Quantile { q, ms: ms_f(v) })
                    .collect(),
            })
            .collect())
    }

    /// Tokens and cost grouped by `groupBy` (model and provider by default).
    async fn usage(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "vec![DimensionKind::Model, DimensionKind::Provider]")]
        group_by: Vec<DimensionKind>,
    ) -> GqlResult<Vec<UsagePoint>> {
        let dims: Vec<Dimension> = group_by.iter().map(|d| (*d).into()).collect();
        let scope = Scope::of(ctx)?;
        let rows = scope
            .store()
            .usage_breakdown(scope.project(), &dims, &self.0)
            .await;
        Ok(rows
            .map_err(from_store)?
            .into_iter()
            .map(|r| UsagePoint {
                bucket: bucket(r.bucket),
                group: Group::of(&group_by, r.keys),
                calls: r.calls,
                totals: r.totals.into(),
            })
            .collect())
    }
}

/// Nanoseconds (as a float) in milliseconds.
fn ms_f(nanos: f64) -> f64 {
    nanos / 1e6
}

/// Analytics queries.
#[derive(Default)]
pub(crate) struct AnalyticsQueries;

#[Object]
impl AnalyticsQueries {
    /// Analytics over `time` (all time when absent), as a time series when `bucketSeconds`
    /// is given.
    async fn analytics(
        &self,
        time: Option<TimeRangeInput>,
        bucket_seconds: Option<i64>,
    ) -> GqlResult<AnalyticsObject> {
        let range = TimeRangeInput::range(time)?;
        Ok(AnalyticsObject(aggregate(range, bucket_seconds)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_set_only_their_dimensions() {
        let g = Group::of(
            &[DimensionKind::Model, DimensionKind::Provider],
            vec![Some("gpt-4o".into()), None],
        );
        assert_eq!(g.model.as_deref(), Some("gpt-4o"));
        assert!(g.provider.is_none() && g.span_type.is_none());
    }
}
