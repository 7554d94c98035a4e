//! Inputs shared by several queries: time ranges, buckets and page arguments.

use std::time::Duration;

use async_graphql::{Context, InputObject};
use chrono::{DateTime, Utc};
use telemetry_store::{Aggregate, Page, TimeRange};
use telemetry_types::Timestamp;

use super::errors::{GqlResult, bad_input};
use super::limits::{DEFAULT_PAGE_SIZE, GraphqlLimits, weighted};

/// Most buckets a bounded time series may have.
const MAX_BUCKETS: u64 = 10_000;

/// A half-open time range `[from, to)`; an open end is unbounded.
#[derive(Debug, Clone, Copy, Default, InputObject)]
pub(crate) struct TimeRangeInput {
    /// Inclusive start.
    pub(crate) from: Option<DateTime<Utc>>,
    /// Exclusive end.
    pub(crate) to: Option<DateTime<Utc>>,
}

impl TimeRangeInput {
    /// The store's range, checked.
    pub(crate) fn range(input: Option<TimeRangeInput>) -> GqlResult<TimeRange> {
        let Some(input) = input else {
            return Ok(TimeRange::ALL);
        };
        if let (Some(from), Some(to)) = (input.from, input.to)
            && from > to
        {
            return Err(bad_input("time range: `from` is after `to`"));
        }
        Ok(TimeRange {
            from: input.from.map(Timestamp::from_datetime),
            to: input.to.map(Timestamp::from_datetime),
        })
    }
}

/// The store's aggregate window: `time` cut in buckets of `bucket_seconds`.
pub(crate) fn aggregate(time: TimeRange, bucket_seconds: Option<i64>) -> GqlResult<Aggregate> {
    let Some(seconds) = bucket_seconds else {
        return Ok(Aggregate::over(time));
    };
    let seconds = u64::try_from(seconds)
        .ok()
        .filter(|s| *s > 0)
        .ok_or_else(|| bad_input("bucketSeconds must be positive"))?;
    if let (Some(from), Some(to)) = (time.from, time.to) {
        let span = to.duration_since(from).as_secs();
        if span / seconds > MAX_BUCKETS {
            return Err(bad_input(format!(
                "at most {MAX_BUCKETS} buckets: widen bucketSeconds"
            )));
        }
    }
    Ok(Aggregate::bucketed(time, Duration::from_secs(seconds)))
}

/// The store page of `first` items after `after`, within the schema's page-size cap.
pub(crate) fn page(
    ctx: &Context<'_>,
    first: Option<i32>,
    after: Option<String>,
) -> GqlResult<Page> {
    let cap = ctx
        .data_opt::<GraphqlLimits>()
        .map_or(GraphqlLimits::default().max_page_size, |l| l.max_page_size);
    let first = first.unwrap_or(DEFAULT_PAGE_SIZE);
    let limit = u32::try_from(first)
        .ok()
        .filter(|n| (1..=cap).contains(n))
        .ok_or_else(|| bad_input(format!("first must be between 1 and {cap}")))?;
    Ok(Page {
        limit: u64::from(limit),
        cursor: after,
    })
}

/// Complexity of a connection field: its page size times its selection.
pub(crate) fn connection_complexity(first: Option<i32>, child: usize) -> usize {
    let n = first.unwrap_or(DEFAULT_PAGE_SIZE).clamp(1, 100_000) as usize;
    weighted(n, child).saturating_add(1)
}

/// A timestamp for output.
pub(crate) fn time(ts: Timestamp) -> DateTime<Utc> {
    ts.to_datetime()
}

/// Nanoseconds as milliseconds.
pub(crate) fn ms(nanos: i64) -> f64 {
    nanos as f64 / 1e6
}

/// A trace id argument.
pub(crate) fn trace_id(text: &str) -> GqlResult<telemetry_types::TraceId> {
    telemetry_types::TraceId::parse(text)
        .map_err(|_| bad_input("invalid trace id: 32 lowercase hex digits expected"))
}

/// A span id argument.
pub(crate) fn span_id(text: &str) -> GqlResult<telemetry_types::SpanId> {
    telemetry_types::SpanId::parse(text)
        .map_err(|_| bad_input("invalid span id: 16 lowercase hex digits expected"))
}
