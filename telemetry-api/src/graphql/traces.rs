//! Traces: the `Trace` type with its span tree and scores, the filtered and ordered trace
//! list, and one trace by id.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Enum, InputObject, Json, Object};
use chrono::{DateTime, Utc};
use serde_json::Value;
use telemetry_store::{TraceFilter, TraceOrder, TraceSummary, trace_cursor};

use super::errors::{GqlResult, bad_input, from_loader, from_store};
use super::evals::ScoreObject;
use super::inputs::{self, TimeRangeInput, connection_complexity, ms, time};
use super::limits::{BRANCH_WEIGHT, LIST_WEIGHT, weighted};
use super::loaders::TraceSpans;
use super::scope::Scope;
use super::spans::{SpanKind, SpanObject};

/// A trace as stored: its summary row, with its spans and scores on demand.
#[derive(Clone)]
pub(crate) struct TraceObject(pub(crate) Arc<TraceSummary>);

impl TraceObject {
    /// The trace's spans, through the request's batching loader.
    async fn loaded_spans(&self, ctx: &Context<'_>) -> GqlResult<Arc<TraceSpans>> {
        let spans = Scope::of(ctx)?.loaders().spans.load_one(self.0.trace_id);
        Ok(spans.await.map_err(from_loader)?.unwrap_or_default())
    }
}

#[Object(name = "Trace")]
impl TraceObject {
    /// Trace id (32 lowercase hex digits).
    async fn id(&self) -> String {
        self.0.trace_id.to_string()
    }

    /// The trace's name: the one its client gave it (Langfuse's `langfuse.trace.name`), or
    /// its root span's, once known.
    async fn name(&self) -> Option<&str> {
        self.0.name.as_deref()
    }

    /// The trace's own input, when its client gave one (Langfuse's `langfuse.trace.input`).
    async fn input(&self) -> Option<Json<Value>> {
        self.0.input.clone().map(Json)
    }

    /// The trace's own output, when its client gave one.
    async fn output(&self) -> Option<Json<Value>> {
        self.0.output.clone().map(Json)
    }

    /// The trace's context keys (Langfuse's trace metadata, `ai_telemetry.trace.context.*`).
    async fn metadata(&self) -> Json<serde_json::Map<String, Value>> {
        Json(self.0.context.clone())
    }

    /// Service that started it.
    async fn service_name(&self) -> Option<&str> {
        self.0.service_name.as_deref()
    }

    /// Root span id, once known.
    async fn root_span_id(&self) -> Option<&str> {
        self.0.root_span_id.as_deref()
    }

    /// Earliest start.
    async fn start_time(&self) -> DateTime<Utc> {
        time(self.0.start_time)
    }

    /// Latest end.
    async fn end_time(&self) -> Option<DateTime<Utc>> {
        self.0.end_time.map(time)
    }

    /// Duration in milliseconds.
    async fn duration_ms(&self) -> Option<f64> {
        self.0.duration_ns.map(ms)
    }

    /// Whether any span failed.
    async fn has_error(&self) -> bool {
        self.0.has_error
    }

    /// Released before its root ended.
    async fn incomplete(&self) -> bool {
        self.0.incomplete
    }

    /// End user.
    async fn user_id(&self) -> Option<&str> {
        self.0.user_id.as_deref()
    }

    /// Session.
    async fn session_id(&self) -> Option<&str> {
        self.0.session_id.as_deref()
    }

    /// Deployment environment.
    async fn environment(&self) -> Option<&str> {
        self.0.environment.as_deref()
    }

    /// Application release.
    async fn release(&self) -> Option<&str> {
        self.0.release.as_deref()
    }

    /// Tags.
    async fn tags(&self) -> &[String] {
        &self.0.tags
    }

    /// Stored spans.
    async fn span_count(&self) -> i64 {
        self.0.span_count
    }

    /// Input tokens of all spans.
    async fn input_tokens(&self) -> i64 {
        self.0.input_tokens
    }

    /// Output tokens of all spans.
    async fn output_tokens(&self) -> i64 {
        self.0.output_tokens
    }

    /// Total tokens of all spans.
    async fn total_tokens(&self) -> i64 {
        self.0.total_tokens
    }

    /// Cost of all spans, USD.
    async fn total_cost(&self) -> f64 {
        self.0.total_cost
    }

    /// Every span, by start time.
    #[graphql(complexity = "weighted(LIST_WEIGHT, child_complexity)")]
    async fn spans(&self, ctx: &Context<'_>) -> GqlResult<Vec<SpanObject>> {
        let spans = self.loaded_spans(ctx).await?;
        Ok(spans.spans.iter().cloned().map(SpanObject).collect())
    }

    /// The roots of the span tree (the root span, plus spans whose parent never arrived);
    /// follow `children` from here.
    #[graphql(complexity = "weighted(BRANCH_WEIGHT, child_complexity)")]
    async fn root_spans(&self, ctx: &Context<'_>) -> GqlResult<Vec<SpanObject>> {
        let spans = self.loaded_spans(ctx).await?;
        Ok(spans.roots().cloned().map(SpanObject).collect())
    }

    /// Scores of the trace and of its spans, oldest first.
    #[graphql(complexity = "weighted(BRANCH_WEIGHT, child_complexity)")]
    async fn scores(&self, ctx: &Context<'_>) -> GqlResult<Vec<ScoreObject>> {
        let scores = Scope::of(ctx)?
            .loaders()
            .scores
            .load_one(self.0.trace_id)
            .await;
        let scores = scores.map_err(from_loader)?.unwrap_or_default();
        Ok(scores.iter().cloned().map(ScoreObject).collect())
    }
}

/// Order of the trace list (ties break on the trace id).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Enum)]
pub(crate) enum TraceOrderBy {
    /// Newest first.
    #[default]
    StartTimeDesc,
    /// Oldest first.
    StartTimeAsc,
    /// Longest first.
    DurationDesc,
    /// Most expensive first.
    CostDesc,
}

impl From<TraceOrderBy> for TraceOrder {
    fn from(o: TraceOrderBy) -> Self {
        match o {
            TraceOrderBy::StartTimeDesc => TraceOrder::StartTimeDesc,
            TraceOrderBy::StartTimeAsc => TraceOrder::StartTimeAsc,
            TraceOrderBy::DurationDesc => TraceOrder::DurationDesc,
            TraceOrderBy::CostDesc => TraceOrder::CostDesc,
        }
    }
}

/// Which traces to list; every set field must match.
#[derive(Debug, Clone, Default, InputObject)]
pub(crate) struct TraceFilterInput {
    /// Start time range.
    time: Option<TimeRangeInput>,
    /// Exact trace name.
    name: Option<String>,
    /// Case-insensitive text in the name.
    name_contains: Option<String>,
    /// Has at least one span of this type.
    span_type: Option<SpanKind>,
    /// Whether any span failed.
    has_error: Option<bool>,
    /// Has a span calling this model.
    model: Option<String>,
    /// Has a span calling this provider.
    provider: Option<String>,
    /// End user.
    user_id: Option<String>,
    /// Session.
    session_id: Option<String>,
    /// Carries every one of these tags.
    tags: Option<Vec<String>>,
    /// Deployment environment.
    environment: Option<String>,
    /// Application release.
    release: Option<String>,
    /// Lasted at least this many milliseconds.
    min_duration_ms: Option<f64>,
    /// Cost at least this much, USD.
    min_cost: Option<f64>,
}

impl TraceFilterInput {
    /// The store's filter in `order`.
    pub(crate) fn filter(self, order: TraceOrderBy) -> GqlResult<TraceFilter> {
        let min_duration = match self.min_duration_ms {
            Some(ms) if ms.is_finite() && ms >= 0.0 => Some(Duration::from_secs_f64(ms / 1e3)),
            Some(_) => return Err(bad_input("minDurationMs must be a non-negative number")),
            None => None,
        };
        if self.min_cost.is_some_and(|c| !c.is_finite()) {
            return Err(bad_input("minCost must be a finite number"));
        }
        Ok(TraceFilter {
            time: TimeRangeInput::range(self.time)?,
            name: self.name,
            name_contains: self.name_contains,
            span_type: self.span_type.map(Into::into),
            has_error: self.has_error,
            model: self.model,
            provider: self.provider,
            user_id: self.user_id,
            session_id: self.session_id,
            tags: self.tags.unwrap_or_default(),
            environment: self.environment,
            release: self.release,
            min_duration,
            min_cost: self.min_cost,
            order: order.into(),
        })
    }
}

/// One page of traces as a connection.
pub(crate) async fn trace_page(
    ctx: &Context<'_>,
    filter: TraceFilter,
    first: Option<i32>,
    after: Option<String>,
) -> GqlResult<Connection<String, TraceObject>> {
    let page = inputs::page(ctx, first, after)?;
    let scope = Scope::of(ctx)?;
    let found = scope
        .store()
        .list_traces(scope.project(), &filter, &page)
        .await
        .map_err(from_store)?;
    let mut connection = Connection::new(page.cursor.is_some(), found.next_cursor.is_some());
    for trace in found.items {
        let cursor = trace_cursor(filter.order, &trace);
        connection
            .edges
            .push(Edge::new(cursor, TraceObject(Arc::new(trace))));
    }
    Ok(connection)
}

/// Trace queries.
#[derive(Default)]
pub(crate) struct TraceQueries;

#[Object]
impl TraceQueries {
    /// The caller's traces matching `filter`, in `orderBy`.
    #[graphql(complexity = "connection_complexity(first, child_complexity)")]
    async fn traces(
        &self,
        ctx: &Context<'_>,
        filter: Option<TraceFilterInput>,
        #[graphql(default)] order_by: TraceOrderBy,
        first: Option<i32>,
        after: Option<String>,
    ) -> GqlResult<Connection<String, TraceObject>> {
        let filter = filter.unwrap_or_default().filter(order_by)?;
        trace_page(ctx, filter, first, after).await
    }

    /// One trace of the caller's project.
    async fn trace(&self, ctx: &Context<'_>, id: String) -> GqlResult<Option<TraceObject>> {
        let id = inputs::trace_id(&id)?;
        let trace = Scope::of(ctx)?.loaders().traces.load_one(id).await;
        Ok(trace.map_err(from_loader)?.map(TraceObject))
    }
}
