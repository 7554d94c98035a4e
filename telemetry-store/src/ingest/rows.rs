//! Turning events into the rows to write: merging a batch's records per span and per trace,
//! denormalizing span columns, pricing model calls and deriving eval scores.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

use telemetry_types::{
    SpanAttributes, SpanId, SpanRecord, SpanStatus, TelemetryEvent, TraceAttributes, TraceId,
    TraceRecord,
};

use crate::cost::{ModelPrice, PriceTable, find_price};
use crate::error::{Error, Result};
use crate::time::nanos;

/// One span row, ready to bind.
#[derive(Debug, Clone)]
pub(crate) struct SpanRow {
    pub(crate) trace_id: String,
    pub(crate) span_id: String,
    pub(crate) parent_span_id: Option<String>,
    pub(crate) span_type: &'static str,
    pub(crate) name: String,
    pub(crate) service_name: String,
    pub(crate) status: &'static str,
    pub(crate) is_error: bool,
    pub(crate) start_time: i64,
    pub(crate) end_time: Option<i64>,
    pub(crate) duration_ns: Option<i64>,
    pub(crate) model: Option<String>,
    pub(crate) provider: Option<String>,
    pub(crate) tokens: [Option<i64>; 6],
    pub(crate) cost: Option<f64>,
    pub(crate) user_id: Option<String>,
    pub(crate) session_id: Option<String>,
    pub(crate) record: String,
}

/// One trace row to upsert, merged from the batch's trace events and spans.
#[derive(Debug, Clone, Default)]
pub(crate) struct TraceRow {
    pub(crate) name: Option<String>,
    /// `name` is the trace's own (a client's), which a root span's name does not replace.
    pub(crate) named: bool,
    pub(crate) service_name: Option<String>,
    pub(crate) root_span_id: Option<String>,
    pub(crate) start_time: i64,
    pub(crate) end_time: Option<i64>,
    pub(crate) has_error: bool,
    pub(crate) incomplete: bool,
    pub(crate) user_id: Option<String>,
    pub(crate) session_id: Option<String>,
    pub(crate) environment: Option<String>,
    pub(crate) release: Option<String>,
    pub(crate) tags: Option<String>,
    pub(crate) attributes: Option<String>,
}

/// One span event row.
#[derive(Debug, Clone)]
pub(crate) struct EventRow {
    pub(crate) trace_id: String,
    pub(crate) span_id: String,
    pub(crate) seq: i32,
    pub(crate) name: String,
    pub(crate) time: i64,
    pub(crate) attributes: Option<String>,
}

/// One score derived from an ended eval span.
#[derive(Debug, Clone)]
pub(crate) struct EvalScoreRow {
    pub(crate) trace_id: String,
    pub(crate) span_id: Option<String>,
    pub(crate) name: String,
    pub(crate) evaluator: Option<String>,
    pub(crate) data_type: &'static str,
    pub(crate) value: Option<f64>,
    pub(crate) label: Option<String>,
    pub(crate) passed: Option<bool>,
    pub(crate) comment: Option<String>,
    pub(crate) eval_trace_id: String,
    pub(crate) eval_span_id: String,
    pub(crate) created_at: i64,
}

/// Everything one project's part of a batch writes.
#[derive(Debug, Default)]
pub(crate) struct Rows {
    /// Traces sorted by id (a stable lock order between concurrent writers).
    pub(crate) traces: Vec<(String, TraceRow)>,
    pub(crate) spans: Vec<SpanRow>,
    pub(crate) events: Vec<EventRow>,
    pub(crate) scores: Vec<EvalScoreRow>,
}

/// A model and its provider.
type ModelKey = (String, Option<String>);

/// Prices used to fill in missing costs, with the batch's lookups remembered (a batch names
/// a handful of models; matching every span against every price pattern cost 4 % of ingest).
pub(crate) struct Pricing<'a> {
    project: Option<&'a PriceTable>,
    fallback: &'a PriceTable,
    found: RefCell<HashMap<ModelKey, Option<&'a ModelPrice>>>,
}

impl<'a> Pricing<'a> {
    pub(crate) fn new(project: Option<&'a PriceTable>, fallback: &'a PriceTable) -> Self {
        Pricing {
            project,
            fallback,
            found: RefCell::default(),
        }
    }

    /// The price of `model`: the project's, else the fallback's.
    fn price(&self, model: &str, provider: Option<&str>) -> Option<&'a ModelPrice> {
        let key = (model.to_owned(), provider.map(str::to_owned));
        if let Some(found) = self.found.borrow().get(&key) {
            return *found;
        }
        let found = find_price(self.project, self.fallback, model, provider);
        self.found.borrow_mut().insert(key, found);
        found
    }
}

/// Builds the rows of a batch of events.
pub(crate) fn build_rows(events: &[TelemetryEvent], pricing: &Pricing<'_>) -> Result<Rows> {
    let mut spans: HashMap<(TraceId, SpanId), &Arc<SpanRecord>> = HashMap::new();
    let mut traces: HashMap<TraceId, TraceRow> = HashMap::new();
    for event in events {
        if let Some(span) = event.span() {
            let key = (span.trace_id, span.span_id);
            let keep_existing = spans
                .get(&key)
                .is_some_and(|old| old.end_time.is_some() && span.end_time.is_none());
            if !keep_existing {
                spans.insert(key, span);
            }
        } else if let Some(trace) = event.trace() {
            merge_trace(&mut traces, trace.trace_id, trace_row_of(trace)?);
        }
    }
    let mut rows = Rows::default();
    for span in spans.into_values() {
        merge_trace(&mut traces, span.trace_id, trace_row_of_span(span)?);
        rows.events.extend(event_rows(span)?);
        rows.scores.extend(score_row(span));
        rows.spans.push(span_row(span, pricing)?);
    }
    rows.traces = traces
        .into_iter()
        .map(|(id, row)| (id.to_string(), row))
        .collect();
    rows.traces.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(rows)
}

fn merge_trace(traces: &mut HashMap<TraceId, TraceRow>, id: TraceId, row: TraceRow) {
    match traces.get_mut(&id) {
        Some(existing) => existing.merge(row),
        None => {
            traces.insert(id, row);
        }
    }
}

impl TraceRow {
    /// Merges another observation of the same trace: earliest start, latest end, any error,
    /// and the fields the other one knows.
    fn merge(&mut self, other: TraceRow) {
        self.start_time = self.start_time.min(other.start_time);
        self.end_time = self.end_time.max(other.end_time);
        self.has_error |= other.has_error;
        self.incomplete |= other.incomplete;
        macro_rules! take {
            ($($field:ident),*) => {$( if other.$field.is_some() { self.$field = other.$field; } )*};
        }
        if other.named || !self.named {
            take!(name);
            self.named |= other.named;
        }
        take!(
            service_name,
            root_span_id,
            user_id,
            session_id,
            environment,
            release,
            tags,
            attributes
        );
    }
}

fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|source| Error::Corrupt {
        what: "record (serialization)",
        source,
    })
}

/// The trace-level columns of a trace's attributes.
fn with_attributes(mut row: TraceRow, attributes: &TraceAttributes) -> Result<TraceRow> {
    if attributes.is_empty() {
        return Ok(row);
    }
    row.user_id = attributes.user_id.as_ref().map(|s| s.to_string());
    row.session_id = attributes.session_id.as_ref().map(|s| s.to_string());
    row.environment = attributes.environment.as_ref().map(|s| s.to_string());
    row.release = attributes.release.as_ref().map(|s| s.to_string());
    if !attributes.tags.is_empty() {
        row.tags = Some(to_json(&attributes.tags)?);
    }
    row.attributes = Some(to_json(attributes)?);
    Ok(row)
}

fn trace_row_of(trace: &TraceRecord) -> Result<TraceRow> {
    let row = TraceRow {
        name: Some(trace.name.to_string()),
        service_name: Some(trace.service_name.to_string()),
        root_span_id: Some(trace.root_span_id.to_string()),
        start_time: nanos(trace.start_time),
        end_time: trace.end_time.map(nanos),
        has_error: trace.has_error,
        incomplete: trace.incomplete,
        ..TraceRow::default()
    };
    with_attributes(row, &trace.attributes)
}

fn trace_row_of_span(span: &SpanRecord) -> Result<TraceRow> {
    let root = span.is_root();
    let own_name = span.trace.name.as_ref().map(|n| n.to_string());
    let row = TraceRow {
        named: own_name.is_some(),
        name: own_name.or_else(|| root.then(|| span.name.to_string())),
        service_name: root.then(|| span.service_name.to_string()),
        root_span_id: root.then(|| span.span_id.to_string()),
        start_time: nanos(span.start_time),
        end_time: span.end_time.map(nanos),
        has_error: span_failed(span),
        ..TraceRow::default()
    };
    with_attributes(row, &span.trace)
}

fn span_failed(span: &SpanRecord) -> bool {
    span.status == SpanStatus::Error || span.error.is_some()
}

fn status_name(status: SpanStatus) -> &'static str {
    match status {
        SpanStatus::Unset => "unset",
        SpanStatus::Ok => "ok",
        SpanStatus::Error => "error",
    }
}

fn tokens(value: Option<u64>) -> Option<i64> {
    value.map(|v| i64::try_from(v).unwrap_or(i64::MAX))
}

/// The span's cost: as reported, else computed from the price table. The second value is the
/// record's attributes with the computed cost filled in, when one was computed.
fn price_span(span: &SpanRecord, pricing: &Pricing<'_>) -> (Option<f64>, Option<SpanAttributes>) {
    let attributes = &span.attributes;
    if let Some(total) = attributes.cost().and_then(|c| c.resolved_total()) {
        return (Some(total), None);
    }
    let (Some(model), Some(usage)) = (attributes.model(), attributes.usage()) else {
        return (None, None);
    };
    let cost = pricing
        .price(model, attributes.provider())
        .and_then(|price| price.cost(usage));
    match cost {
        Some(cost) => {
            let total = cost.total;
            let mut priced = attributes.clone();
            priced.set_cost(cost);
            (total, Some(priced))
        }
        None => (None, None),
    }
}

fn span_row(span: &SpanRecord, pricing: &Pricing<'_>) -> Result<SpanRow> {
    let (cost, priced) = price_span(span, pricing);
    let record = crate::record::to_stored_json(span, priced.as_ref().unwrap_or(&span.attributes))?;
    let usage = span.attributes.usage().copied().unwrap_or_default();
    let start_time = nanos(span.start_time);
    let end_time = span.end_time.map(nanos);
    Ok(SpanRow {
        trace_id: span.trace_id.to_string(),
        span_id: span.span_id.to_string(),
        parent_span_id: span.parent_span_id.map(|id| id.to_string()),
        span_type: span.span_type().as_str(),
        name: span.name.to_string(),
        service_name: span.service_name.to_string(),
        status: status_name(span.status),
        is_error: span_failed(span),
        start_time,
        end_time,
        duration_ns: end_time.map(|end| end.saturating_sub(start_time).max(0)),
        model: span.attributes.model().map(str::to_owned),
        provider: span.attributes.provider().map(str::to_owned),
        tokens: [
            tokens(usage.input_tokens),
            tokens(usage.output_tokens),
            tokens(usage.total()),
            tokens(usage.cache_read_tokens),
            tokens(usage.cache_write_tokens),
            tokens(usage.reasoning_tokens),
        ],
        cost,
        user_id: span.trace.user_id.as_ref().map(|s| s.to_string()),
        session_id: span.trace.session_id.as_ref().map(|s| s.to_string()),
        record,
    })
}

fn event_rows(span: &SpanRecord) -> Result<Vec<EventRow>> {
    span.events
        .iter()
        .enumerate()
        .map(|(seq, event)| {
            Ok(EventRow {
                trace_id: span.trace_id.to_string(),
                span_id: span.span_id.to_string(),
                seq: i32::try_from(seq).unwrap_or(i32::MAX),
                name: event.name.to_string(),
                time: nanos(event.time),
                attributes: if event.attributes.is_empty() {
                    None
                } else {
                    Some(to_json(&event.attributes)?)
                },
            })
        })
        .collect()
}

/// The score of an ended eval span that carries a value.
fn score_row(span: &SpanRecord) -> Option<EvalScoreRow> {
    let SpanAttributes::EvalExecution(eval) = &span.attributes else {
        return None;
    };
    let end = span.end_time?;
    let data_type = match (eval.score, eval.passed, &eval.label) {
        (Some(_), _, _) => "numeric",
        (None, Some(_), _) => "boolean",
        (None, None, Some(_)) => "categorical",
        (None, None, None) => return None,
    };
    Some(EvalScoreRow {
        trace_id: eval.evaluated_trace_id.unwrap_or(span.trace_id).to_string(),
        span_id: eval.evaluated_span_id.map(|id| id.to_string()),
        name: eval
            .metric
            .as_ref()
            .map_or_else(|| span.name.to_string(), |m| m.to_string()),
        evaluator: eval.evaluator.as_ref().map(|e| e.to_string()),
        data_type,
        value: eval.score,
        label: eval.label.as_ref().map(|l| l.to_string()),
        passed: eval.passed,
        comment: eval.reason.clone(),
        eval_trace_id: span.trace_id.to_string(),
        eval_span_id: span.span_id.to_string(),
        created_at: nanos(end),
    })
}
