//! One trace with its span tree, and span search.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use telemetry_types::{SpanId, SpanRecord, TraceId};

use super::TraceSummary;
use crate::Store;
use crate::entities::span;
use crate::error::{Error, Result};
use crate::projects::ProjectId;
use crate::scores::Score;

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
        let record = crate::record::from_row(&m)?;
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
}
