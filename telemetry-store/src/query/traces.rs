//! The trace list: filters, ordering and keyset pagination.

use std::time::Duration;

use sea_orm::sea_query::{Expr, ExprTrait, LikeExpr, Order, Query};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Value};
use serde::{Deserialize, Serialize};
use telemetry_types::{SpanType, Timestamp, TraceAttributes, TraceId};

use super::{Page, Paged, TimeRange, cursor_parts, escape_like, lower_contains};
use crate::Store;
use crate::entities::{span, trace};
use crate::error::{Error, Result};
use crate::projects::ProjectId;
use crate::time::{nanos, timestamp};

/// Which traces to list. Every set field must match.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TraceFilter {
    /// Start time range.
    pub time: TimeRange,
    /// Exact trace (root span) name.
    pub name: Option<String>,
    /// Case-insensitive substring of the name.
    pub name_contains: Option<String>,
    /// Has at least one span of this type.
    pub span_type: Option<SpanType>,
    /// Whether any span failed.
    pub has_error: Option<bool>,
    /// Has a span calling this model.
    pub model: Option<String>,
    /// Has a span calling this provider.
    pub provider: Option<String>,
    /// End user.
    pub user_id: Option<String>,
    /// Session.
    pub session_id: Option<String>,
    /// Carries every one of these tags.
    pub tags: Vec<String>,
    /// Deployment environment.
    pub environment: Option<String>,
    /// Application release.
    pub release: Option<String>,
    /// Lasted at least this long (ended traces only).
    pub min_duration: Option<Duration>,
    /// Cost at least this much, USD.
    pub min_cost: Option<f64>,
    /// Order of the list.
    pub order: TraceOrder,
}

/// Order of the trace list; ties break on the trace id.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TraceOrder {
    /// Newest first.
    #[default]
    StartTimeDesc,
    /// Oldest first.
    StartTimeAsc,
    /// Longest first (running traces last).
    DurationDesc,
    /// Most expensive first.
    CostDesc,
}

/// A trace as listed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceSummary {
    /// Trace id.
    pub trace_id: TraceId,
    /// The trace's name: its own (a client's, like Langfuse's `langfuse.trace.name`) or its
    /// root span's, once known.
    pub name: Option<String>,
    /// The trace's own input, when a client gave one (Langfuse).
    pub input: Option<serde_json::Value>,
    /// The trace's own output, when a client gave one (Langfuse).
    pub output: Option<serde_json::Value>,
    /// The trace's context keys (metadata).
    pub context: serde_json::Map<String, serde_json::Value>,
    /// Service that started it.
    pub service_name: Option<String>,
    /// Root span id, once known.
    pub root_span_id: Option<String>,
    /// Earliest start.
    pub start_time: Timestamp,
    /// Latest end.
    pub end_time: Option<Timestamp>,
    /// Duration in nanoseconds.
    pub duration_ns: Option<i64>,
    /// Whether any span failed.
    pub has_error: bool,
    /// Released before its root ended.
    pub incomplete: bool,
    /// End user.
    pub user_id: Option<String>,
    /// Session.
    pub session_id: Option<String>,
    /// Environment.
    pub environment: Option<String>,
    /// Release.
    pub release: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Stored spans.
    pub span_count: i64,
    /// Input tokens of all spans.
    pub input_tokens: i64,
    /// Output tokens of all spans.
    pub output_tokens: i64,
    /// Total tokens of all spans.
    pub total_tokens: i64,
    /// Cost of all spans, USD.
    pub total_cost: f64,
}

impl TryFrom<trace::Model> for TraceSummary {
    type Error = Error;
    fn try_from(m: trace::Model) -> Result<Self> {
        let tags = match &m.tags {
            Some(json) => serde_json::from_str(json).map_err(|source| Error::Corrupt {
                what: "trace tags",
                source,
            })?,
            None => Vec::new(),
        };
        let attributes: TraceAttributes = match &m.attributes {
            Some(json) => serde_json::from_str(json).map_err(|source| Error::Corrupt {
                what: "trace attributes",
                source,
            })?,
            None => TraceAttributes::default(),
        };
        Ok(TraceSummary {
            trace_id: TraceId::parse(&m.trace_id)
                .map_err(|_| Error::CorruptId(m.trace_id.clone()))?,
            // The client's own name wins over a root span's that arrived in a later batch.
            name: attributes.name.map(|n| n.into_owned()).or(m.name),
            input: attributes.input,
            output: attributes.output,
            context: attributes.context,
            service_name: m.service_name,
            root_span_id: m.root_span_id,
            start_time: timestamp(m.start_time),
            end_time: m.end_time.map(timestamp),
            duration_ns: m.duration_ns,
            has_error: m.has_error,
            incomplete: m.incomplete,
            user_id: m.user_id,
            session_id: m.session_id,
            environment: m.environment,
            release: m.release,
            tags,
            span_count: m.span_count,
            input_tokens: m.input_tokens,
            output_tokens: m.output_tokens,
            total_tokens: m.total_tokens,
            total_cost: m.total_cost,
        })
    }
}

/// `EXISTS (SELECT 1 FROM spans WHERE same trace AND spans.{col} = value)`.
fn has_span_where(col: span::Column, value: impl Into<Value>) -> Expr {
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(span::Entity)
            .and_where(
                Expr::col((span::Entity, span::Column::ProjectId))
                    .equals((trace::Entity, trace::Column::ProjectId)),
            )
            .and_where(
                Expr::col((span::Entity, span::Column::TraceId))
                    .equals((trace::Entity, trace::Column::TraceId)),
            )
            .and_where(Expr::col((span::Entity, col)).eq(value.into()))
            .to_owned(),
    )
}

/// The SQL condition of a filter.
pub(crate) fn trace_condition(project: ProjectId, f: &TraceFilter) -> Condition {
    use trace::Column as C;
    let mut cond = Condition::all().add(C::ProjectId.eq(project.0));
    if let Some(from) = f.time.from {
        cond = cond.add(C::StartTime.gte(nanos(from)));
    }
    if let Some(to) = f.time.to {
        cond = cond.add(C::StartTime.lt(nanos(to)));
    }
    let exact = [
        (C::Name, &f.name),
        (C::UserId, &f.user_id),
        (C::SessionId, &f.session_id),
        (C::Environment, &f.environment),
        (C::Release, &f.release),
    ];
    for (col, value) in exact {
        if let Some(value) = value {
            cond = cond.add(col.eq(value.as_str()));
        }
    }
    if let Some(text) = &f.name_contains {
        cond = cond.add(lower_contains((trace::Entity, C::Name), text));
    }
    for tag in &f.tags {
        let json = serde_json::Value::String(tag.clone()).to_string();
        let pattern = format!("%{}%", escape_like(&json));
        cond = cond.add(C::Tags.like(LikeExpr::new(pattern).escape('\\')));
    }
    if let Some(has_error) = f.has_error {
        cond = cond.add(C::HasError.eq(has_error));
    }
    if let Some(min) = f.min_duration {
        cond = cond.add(C::DurationNs.gte(i64::try_from(min.as_nanos()).unwrap_or(i64::MAX)));
    }
    if let Some(min) = f.min_cost {
        cond = cond.add(C::TotalCost.gte(min));
    }
    if let Some(span_type) = f.span_type {
        cond = cond.add(has_span_where(span::Column::SpanType, span_type.as_str()));
    }
    if let Some(model) = &f.model {
        cond = cond.add(has_span_where(span::Column::Model, model.as_str()));
    }
    if let Some(provider) = &f.provider {
        cond = cond.add(has_span_where(span::Column::Provider, provider.as_str()));
    }
    cond
}

/// The sort key of an order and whether it descends.
fn sort_key(order: TraceOrder) -> (Expr, bool) {
    use trace::Column as C;
    match order {
        TraceOrder::StartTimeDesc => (Expr::col((trace::Entity, C::StartTime)), true),
        TraceOrder::StartTimeAsc => (Expr::col((trace::Entity, C::StartTime)), false),
        TraceOrder::DurationDesc => (Expr::cust("COALESCE(\"traces\".\"duration_ns\", -1)"), true),
        TraceOrder::CostDesc => (Expr::col((trace::Entity, C::TotalCost)), true),
    }
}

fn order_tag(order: TraceOrder) -> &'static str {
    match order {
        TraceOrder::StartTimeDesc => "td",
        TraceOrder::StartTimeAsc => "ta",
        TraceOrder::DurationDesc => "dd",
        TraceOrder::CostDesc => "cd",
    }
}

/// The sort value of a row, as in its cursor.
fn sort_value(order: TraceOrder, m: &trace::Model) -> String {
    match order {
        TraceOrder::StartTimeDesc | TraceOrder::StartTimeAsc => m.start_time.to_string(),
        TraceOrder::DurationDesc => m.duration_ns.unwrap_or(-1).to_string(),
        TraceOrder::CostDesc => m.total_cost.to_string(),
    }
}

/// The condition "after the cursor" in the list's order.
fn after_cursor(order: TraceOrder, cursor: &str) -> Result<Condition> {
    let parts = cursor_parts(cursor, order_tag(order), 2)?;
    let invalid = || Error::InvalidCursor(cursor.to_owned());
    let value: Value = match order {
        TraceOrder::CostDesc => parts[0].parse::<f64>().map_err(|_| invalid())?.into(),
        _ => parts[0].parse::<i64>().map_err(|_| invalid())?.into(),
    };
    let trace_id = TraceId::parse(parts[1]).map_err(|_| invalid())?.to_string();
    let (key, desc) = sort_key(order);
    let id = Expr::col((trace::Entity, trace::Column::TraceId));
    let (beyond, id_beyond) = if desc {
        (key.clone().lt(value.clone()), id.lt(trace_id))
    } else {
        (key.clone().gt(value.clone()), id.gt(trace_id))
    };
    Ok(Condition::any()
        .add(beyond)
        .add(Condition::all().add(key.eq(value)).add(id_beyond)))
}

impl Store {
    /// One page of the project's traces matching `filter`, in `filter.order`.
    pub async fn list_traces(
        &self,
        project: ProjectId,
        filter: &TraceFilter,
        page: &Page,
    ) -> Result<Paged<TraceSummary>> {
        let mut cond = trace_condition(project, filter);
        if let Some(cursor) = &page.cursor {
            cond = cond.add(after_cursor(filter.order, cursor)?);
        }
        let (key, desc) = sort_key(filter.order);
        let order = if desc { Order::Desc } else { Order::Asc };
        let limit = page.clamped_limit();
        let mut models = trace::Entity::find()
            .filter(cond)
            .order_by(key, order.clone())
            .order_by(trace::Column::TraceId, order)
            .limit(limit + 1)
            .all(&self.db)
            .await?;
        let next_cursor = if models.len() as u64 > limit {
            models.truncate(limit as usize);
            models.last().map(|m| {
                format!(
                    "{}:{}:{}",
                    order_tag(filter.order),
                    sort_value(filter.order, m),
                    m.trace_id
                )
            })
        } else {
            None
        };
        let items = models
            .into_iter()
            .map(TraceSummary::try_from)
            .collect::<Result<Vec<_>>>()?;
        Ok(Paged { items, next_cursor })
    }

    /// The trace's summary row.
    pub async fn trace_summary(
        &self,
        project: ProjectId,
        trace_id: TraceId,
    ) -> Result<Option<TraceSummary>> {
        let found = trace::Entity::find_by_id((project.0, trace_id.to_string()))
            .one(&self.db)
            .await?;
        found.map(TraceSummary::try_from).transpose()
    }
}
