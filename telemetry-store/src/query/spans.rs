//! One trace with its span tree, and span search.

use std::collections::HashMap;
use std::time::Duration;

use sea_orm::sea_query::Order;
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::{Deserialize, Serialize};
use telemetry_types::{SpanId, SpanRecord, SpanType, TraceId};

use super::{Page, Paged, TimeRange, TraceSummary, cursor_parts, lower_contains};
use crate::Store;
use crate::entities::span;
use crate::error::{Error, Result};
use crate::projects::ProjectId;
use crate::scores::Score;
use crate::time::nanos;

/// A stored span: its record (with a computed cost filled in) and its cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredSpan {
    /// The record as ingested (the latest of its start and end).
    pub record: SpanRecord,
    /// Cost in USD, reported or computed.
    pub cost: Option<f64>,
}

impl TryFrom<span::Model> for StoredSpan {
    type Error = Error;
    fn try_from(m: span::Model) -> Result<Self> {
        let record = serde_json::from_str(&m.record).map_err(|source| Error::Corrupt {
            what: "span record",
            source,
        })?;
        Ok(StoredSpan {
            record,
            cost: m.cost,
        })
    }
}

/// A span and its children, ordered by start time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpanNode {
    /// The span.
    pub span: StoredSpan,
    /// Its children.
    pub children: Vec<SpanNode>,
}

/// A trace with its span tree and its scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceDetail {
    /// The trace row.
    pub trace: TraceSummary,
    /// Root spans (and spans whose parent has not arrived), each with its subtree.
    pub roots: Vec<SpanNode>,
    /// Scores of the trace.
    pub scores: Vec<Score>,
}

/// Which spans to search. Every set field must match.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpanFilter {
    /// Start time range.
    pub time: TimeRange,
    /// Only this trace.
    pub trace_id: Option<TraceId>,
    /// Span type.
    pub span_type: Option<SpanType>,
    /// Exact name.
    pub name: Option<String>,
    /// Case-insensitive substring of the name.
    pub name_contains: Option<String>,
    /// Model.
    pub model: Option<String>,
    /// Provider.
    pub provider: Option<String>,
    /// Whether the span failed.
    pub has_error: Option<bool>,
    /// End user.
    pub user_id: Option<String>,
    /// Session.
    pub session_id: Option<String>,
    /// Lasted at least this long.
    pub min_duration: Option<Duration>,
    /// Cost at least this much, USD.
    pub min_cost: Option<f64>,
}

fn span_condition(project: ProjectId, f: &SpanFilter) -> Condition {
    use span::Column as C;
    let mut cond = Condition::all().add(C::ProjectId.eq(project.0));
    if let Some(from) = f.time.from {
        cond = cond.add(C::StartTime.gte(nanos(from)));
    }
    if let Some(to) = f.time.to {
        cond = cond.add(C::StartTime.lt(nanos(to)));
    }
    if let Some(trace_id) = f.trace_id {
        cond = cond.add(C::TraceId.eq(trace_id.to_string()));
    }
    if let Some(span_type) = f.span_type {
        cond = cond.add(C::SpanType.eq(span_type.as_str()));
    }
    let exact = [
        (C::Name, &f.name),
        (C::Model, &f.model),
        (C::Provider, &f.provider),
        (C::UserId, &f.user_id),
        (C::SessionId, &f.session_id),
    ];
    for (col, value) in exact {
        if let Some(value) = value {
            cond = cond.add(col.eq(value.as_str()));
        }
    }
    if let Some(text) = &f.name_contains {
        cond = cond.add(lower_contains((span::Entity, C::Name), text));
    }
    if let Some(has_error) = f.has_error {
        cond = cond.add(C::IsError.eq(has_error));
    }
    if let Some(min) = f.min_duration {
        cond = cond.add(C::DurationNs.gte(i64::try_from(min.as_nanos()).unwrap_or(i64::MAX)));
    }
    if let Some(min) = f.min_cost {
        cond = cond.add(C::Cost.gte(min));
    }
    cond
}

/// Rows after `cursor` in (start time, trace id, span id) descending order.
fn after_span_cursor(cursor: &str) -> Result<Condition> {
    use span::Column as C;
    let parts = cursor_parts(cursor, "s", 3)?;
    let invalid = || Error::InvalidCursor(cursor.to_owned());
    let start: i64 = parts[0].parse().map_err(|_| invalid())?;
    let trace = TraceId::parse(parts[1]).map_err(|_| invalid())?.to_string();
    let span_id = SpanId::parse(parts[2]).map_err(|_| invalid())?.to_string();
    Ok(Condition::any().add(C::StartTime.lt(start)).add(
        Condition::all().add(C::StartTime.eq(start)).add(
            Condition::any().add(C::TraceId.lt(trace.clone())).add(
                Condition::all()
                    .add(C::TraceId.eq(trace))
                    .add(C::SpanId.lt(span_id)),
            ),
        ),
    ))
}

/// Arranges spans (sorted by start) into trees; orphans and cycles become roots.
fn build_tree(spans: Vec<StoredSpan>) -> Vec<SpanNode> {
    let index: HashMap<SpanId, usize> = spans
        .iter()
        .enumerate()
        .map(|(i, s)| (s.record.span_id, i))
        .collect();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); spans.len()];
    let mut roots = Vec::new();
    for (i, s) in spans.iter().enumerate() {
        match s.record.parent_span_id.and_then(|p| index.get(&p)) {
            Some(&parent) if parent != i => children[parent].push(i),
            _ => roots.push(i),
        }
    }
    let mut slots: Vec<Option<SpanNode>> = spans
        .into_iter()
        .map(|span| {
            Some(SpanNode {
                span,
                children: Vec::new(),
            })
        })
        .collect();
    let mut visited = vec![false; slots.len()];
    let mut order = Vec::with_capacity(slots.len());
    let candidates: Vec<usize> = roots.iter().copied().chain(0..slots.len()).collect();
    let mut tops = Vec::new();
    for top in candidates {
        if visited[top] {
            continue;
        }
        tops.push(top);
        let mut stack = vec![top];
        visited[top] = true;
        while let Some(i) = stack.pop() {
            order.push(i);
            for &c in &children[i] {
                if !visited[c] {
                    visited[c] = true;
                    stack.push(c);
                }
            }
        }
    }
    // Children are finished before their parents when walking the visit order backwards.
    for &i in order.iter().rev() {
        let kids: Vec<SpanNode> = children[i]
            .iter()
            .filter_map(|&c| slots[c].take())
            .collect();
        if let Some(node) = slots[i].as_mut() {
            node.children = kids;
        }
    }
    tops.into_iter().filter_map(|i| slots[i].take()).collect()
}

impl Store {
    /// One trace with its full span tree and scores; `None` when the project has no such trace.
    pub async fn get_trace(
        &self,
        project: ProjectId,
        trace_id: TraceId,
    ) -> Result<Option<TraceDetail>> {
        let Some(trace) = self.trace_summary(project, trace_id).await? else {
            return Ok(None);
        };
        // No ORDER BY: sorting here keeps the planner on the primary key (it could otherwise
        // walk the project's start-time index to avoid a sort).
        let mut models = span::Entity::find()
            .filter(span::Column::ProjectId.eq(project.0))
            .filter(span::Column::TraceId.eq(trace_id.to_string()))
            .all(&self.db)
            .await?;
        models.sort_by(|a, b| (a.start_time, &a.span_id).cmp(&(b.start_time, &b.span_id)));
        let spans = models
            .into_iter()
            .map(StoredSpan::try_from)
            .collect::<Result<Vec<_>>>()?;
        let scores = self.scores_of_trace(project, trace_id).await?;
        Ok(Some(TraceDetail {
            trace,
            roots: build_tree(spans),
            scores,
        }))
    }

    /// One span, if stored.
    pub async fn get_span(
        &self,
        project: ProjectId,
        trace_id: TraceId,
        span_id: SpanId,
    ) -> Result<Option<StoredSpan>> {
        let found =
            span::Entity::find_by_id((project.0, trace_id.to_string(), span_id.to_string()))
                .one(&self.db)
                .await?;
        found.map(StoredSpan::try_from).transpose()
    }

    /// One page of spans matching `filter`, newest first.
    pub async fn search_spans(
        &self,
        project: ProjectId,
        filter: &SpanFilter,
        page: &Page,
    ) -> Result<Paged<StoredSpan>> {
        let mut cond = span_condition(project, filter);
        if let Some(cursor) = &page.cursor {
            cond = cond.add(after_span_cursor(cursor)?);
        }
        let limit = page.clamped_limit();
        let mut models = span::Entity::find()
            .filter(cond)
            .order_by(span::Column::StartTime, Order::Desc)
            .order_by(span::Column::TraceId, Order::Desc)
            .order_by(span::Column::SpanId, Order::Desc)
            .limit(limit + 1)
            .all(&self.db)
            .await?;
        let next_cursor = if models.len() as u64 > limit {
            models.truncate(limit as usize);
            models
                .last()
                .map(|m| format!("s:{}:{}:{}", m.start_time, m.trace_id, m.span_id))
        } else {
            None
        };
        let items = models
            .into_iter()
            .map(StoredSpan::try_from)
            .collect::<Result<Vec<_>>>()?;
        Ok(Paged { items, next_cursor })
    }
}
