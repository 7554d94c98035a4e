//! Spans: the `Span` type (tree navigation, input/output, events, error, scores, subtree
//! totals and propagated status) and span search over columns, attributes and the tree.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Enum, InputObject, Json, Object, SimpleObject};
use chrono::{DateTime, Utc};
use serde_json::Value;
use telemetry_store::{
    CompareOp, Operand, SpanColumn, SpanCondition, SpanField, SpanQuery, SubtreeTotals,
    span_query_cursor,
};
use telemetry_types::{LogRecord, SpanEvent, SpanStatus, SpanType};

use super::errors::{GqlResult, bad_input, from_loader, from_store};
use super::evals::ScoreObject;
use super::inputs::{self, TimeRangeInput, connection_complexity, time};
use super::limits::{BRANCH_WEIGHT, LIST_WEIGHT, weighted};
use super::loaders::{SpanData, TraceSpans};
use super::scope::Scope;
use super::traces::TraceObject;
use super::usage_totals::UsageTotalsObject;

/// The kind of AI operation a span describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(
    name = "SpanType",
    rename_items = "SCREAMING_SNAKE_CASE",
    remote = "telemetry_types::SpanType"
)]
pub(crate) enum SpanKind {
    /// An agent's run.
    AgentRun,
    /// A workflow's execution.
    WorkflowRun,
    /// One step of a workflow.
    WorkflowStep,
    /// A model call.
    LlmGeneration,
    /// A tool execution.
    ToolCall,
    /// A Model Context Protocol tool execution.
    McpToolCall,
    /// A memory retrieval.
    MemoryLookup,
    /// A memory write.
    MemoryUpdate,
    /// A retrieval-augmented-generation query.
    RagQuery,
    /// An embedding generation.
    EmbeddingGeneration,
    /// An evaluation.
    EvalExecution,
    /// Anything else.
    Generic,
}

/// Outcome of a span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "SpanStatus", remote = "telemetry_types::SpanStatus")]
pub(crate) enum StatusKind {
    /// Not set (running, or ended without a verdict).
    Unset,
    /// Succeeded.
    Ok,
    /// Failed.
    Error,
}

/// A structured error recorded on a span.
#[derive(SimpleObject)]
#[graphql(name = "SpanError")]
pub(crate) struct SpanErrorObject {
    /// Type name or error code.
    kind: String,
    /// Message.
    message: String,
    /// Messages of the error's sources, outermost first.
    source_chain: Vec<String>,
    /// Whether retrying may succeed.
    retryable: bool,
    /// `user`, `system` or `third_party`, when known.
    category: Option<String>,
}

/// A timed event inside a span.
#[derive(SimpleObject)]
#[graphql(name = "SpanEvent")]
pub(crate) struct SpanEventObject {
    /// Event name.
    name: String,
    /// When it happened.
    time: DateTime<Utc>,
    /// Its attributes.
    attributes: Json<serde_json::Map<String, Value>>,
}

/// Token usage of one span.
#[derive(SimpleObject)]
pub(crate) struct TokenUsage {
    /// Input tokens (including cached).
    input_tokens: Option<i64>,
    /// Output tokens (including reasoning).
    output_tokens: Option<i64>,
    /// Total tokens.
    total_tokens: Option<i64>,
    /// Cache-read input tokens.
    cache_read_tokens: Option<i64>,
    /// Cache-write input tokens.
    cache_write_tokens: Option<i64>,
    /// Reasoning output tokens.
    reasoning_tokens: Option<i64>,
}

fn count(n: Option<u64>) -> Option<i64> {
    n.map(|n| i64::try_from(n).unwrap_or(i64::MAX))
}

/// Sums over a span and all its descendants.
#[derive(SimpleObject)]
#[graphql(name = "SubtreeTotals")]
pub(crate) struct SubtreeObject {
    /// Spans in the subtree, the span included.
    span_count: i64,
    /// Failed descendants (the span itself excluded).
    errored_descendants: i64,
    #[graphql(flatten)]
    totals: UsageTotalsObject,
}

impl From<SubtreeTotals> for SubtreeObject {
    fn from(t: SubtreeTotals) -> Self {
        SubtreeObject {
            span_count: t.span_count,
            errored_descendants: t.errored_descendants,
            totals: t.totals.into(),
        }
    }
}

/// One span of a trace.
#[derive(Clone)]
pub(crate) struct SpanObject(pub(crate) SpanData);

impl SpanObject {
    /// The spans of this span's trace.
    async fn trace_spans(&self, ctx: &Context<'_>) -> GqlResult<std::sync::Arc<TraceSpans>> {
        let scope = Scope::of(ctx)?;
        let spans = scope.loaders().spans.load_one(self.0.record.trace_id).await;
        Ok(spans.map_err(from_loader)?.unwrap_or_default())
    }

    /// The log records recorded in this span (stored apart, joined here).
    async fn logs(&self, ctx: &Context<'_>) -> GqlResult<std::sync::Arc<Vec<LogRecord>>> {
        let scope = Scope::of(ctx)?;
        let key = (self.0.record.trace_id, self.0.record.span_id);
        let logs = scope.loaders().span_logs.load_one(key).await;
        Ok(logs.map_err(from_loader)?.unwrap_or_default())
    }

    /// Input and output from the span's GenAI content events, when it has none of its own.
    async fn logged_content(&self, ctx: &Context<'_>) -> GqlResult<(Option<Value>, Option<Value>)> {
        let record = &self.0.record;
        if record.input.is_some() && record.output.is_some() {
            return Ok((None, None));
        }
        Ok(telemetry_otlp::content_of_logs(&self.logs(ctx).await?))
    }

    async fn subtree_totals(&self, ctx: &Context<'_>) -> GqlResult<SubtreeTotals> {
        let scope = Scope::of(ctx)?;
        let key = (self.0.record.trace_id, self.0.record.span_id);
        let totals = scope.loaders().subtrees.load_one(key).await;
        Ok(totals.map_err(from_loader)?.unwrap_or_default())
    }
}

fn objects<'a>(spans: impl IntoIterator<Item = &'a SpanData>) -> Vec<SpanObject> {
    spans.into_iter().cloned().map(SpanObject).collect()
}

#[Object(name = "Span")]
impl SpanObject {
    /// Trace id.
    async fn trace_id(&self) -> String {
        self.0.record.trace_id.to_string()
    }

    /// Span id.
    async fn span_id(&self) -> String {
        self.0.record.span_id.to_string()
    }

    /// Parent span id (absent for a root).
    async fn parent_span_id(&self) -> Option<String> {
        self.0.record.parent_span_id.map(|p| p.to_string())
    }

    /// Operation name.
    async fn name(&self) -> &str {
        &self.0.record.name
    }

    /// Span type.
    #[graphql(name = "type")]
    async fn span_type(&self) -> SpanKind {
        self.0.record.span_type().into()
    }

    /// Service that recorded the span.
    async fn service_name(&self) -> &str {
        &self.0.record.service_name
    }

    /// Start time.
    async fn start_time(&self) -> DateTime<Utc> {
        time(self.0.record.start_time)
    }

    /// End time (absent while running).
    async fn end_time(&self) -> Option<DateTime<Utc>> {
        self.0.record.end_time.map(time)
    }

    /// Duration in milliseconds.
    async fn duration_ms(&self) -> Option<f64> {
        self.0.record.duration().map(|d| d.as_secs_f64() * 1e3)
    }

    /// The span's own status.
    async fn status(&self) -> StatusKind {
        self.0.record.status.into()
    }

    /// Whether the span itself failed.
    async fn is_error(&self) -> bool {
        self.0.record.status == SpanStatus::Error
    }

    /// The structured error, when the span failed.
    async fn error(&self) -> Option<SpanErrorObject> {
        self.0.record.error.as_ref().map(|e| SpanErrorObject {
            kind: e.kind.to_string(),
            message: e.message.clone(),
            source_chain: e.source_chain.clone(),
            retryable: e.retryable,
            category: e
                .category
                .and_then(|c| serde_json::to_value(c).ok())
                .and_then(|v| v.as_str().map(str::to_owned)),
        })
    }

    /// Model (LLM, embedding and agent spans).
    async fn model(&self) -> Option<&str> {
        self.0.record.attributes.model()
    }

    /// Provider (LLM, embedding and agent spans).
    async fn provider(&self) -> Option<&str> {
        self.0.record.attributes.provider()
    }

    /// Token usage (LLM and embedding spans).
    async fn usage(&self) -> Option<TokenUsage> {
        self.0.record.attributes.usage().map(|u| TokenUsage {
            input_tokens: count(u.input_tokens),
            output_tokens: count(u.output_tokens),
            total_tokens: count(u.total()),
            cache_read_tokens: count(u.cache_read_tokens),
            cache_write_tokens: count(u.cache_write_tokens),
            reasoning_tokens: count(u.reasoning_tokens),
        })
    }

    /// Cost in USD, reported or computed from the price table.
    async fn cost(&self) -> Option<f64> {
        self.0.cost
    }

    /// Input of the operation (from its GenAI content log events when the span has none).
    async fn input(&self, ctx: &Context<'_>) -> GqlResult<Option<Json<Value>>> {
        if let Some(input) = &self.0.record.input {
            return Ok(Some(Json(input.clone())));
        }
        Ok(self.logged_content(ctx).await?.0.map(Json))
    }

    /// Output of the operation (from its GenAI content log events when the span has none).
    async fn output(&self, ctx: &Context<'_>) -> GqlResult<Option<Json<Value>>> {
        if let Some(output) = &self.0.record.output {
            return Ok(Some(Json(output.clone())));
        }
        Ok(self.logged_content(ctx).await?.1.map(Json))
    }

    /// Free-form metadata.
    async fn metadata(&self) -> Json<serde_json::Map<String, Value>> {
        Json(self.0.record.metadata.clone())
    }

    /// The typed attributes of the span's type, as JSON.
    async fn attributes(&self) -> Json<Value> {
        let value = serde_json::to_value(&self.0.record.attributes).unwrap_or(Value::Null);
        Json(value.get("attributes").cloned().unwrap_or(Value::Null))
    }

    /// Timed events: the span's own and the log records recorded in it (named by their
    /// event name, else `log`; severity and body as `log.*` attributes), by time.
    async fn events(&self, ctx: &Context<'_>) -> GqlResult<Vec<SpanEventObject>> {
        let logs = self.logs(ctx).await?;
        let logged: Vec<SpanEvent> = logs.iter().map(LogRecord::to_span_event).collect();
        let mut events: Vec<&SpanEvent> = self.0.record.events.iter().chain(&logged).collect();
        events.sort_by_key(|e| e.time);
        Ok(events
            .into_iter()
            .map(|e| SpanEventObject {
                name: e.name.to_string(),
                time: time(e.time),
                attributes: Json(e.attributes.clone()),
            })
            .collect())
    }

    /// The span ended because its handle was dropped, not by an explicit end.
    async fn ended_by_drop(&self) -> bool {
        self.0.record.ended_by_drop
    }

    /// The span's trace.
    async fn trace(&self, ctx: &Context<'_>) -> GqlResult<Option<TraceObject>> {
        let scope = Scope::of(ctx)?;
        let trace = scope
            .loaders()
            .traces
            .load_one(self.0.record.trace_id)
            .await;
        Ok(trace.map_err(from_loader)?.map(TraceObject))
    }

    /// The parent span, when stored.
    async fn parent(&self, ctx: &Context<'_>) -> GqlResult<Option<SpanObject>> {
        let Some(parent) = self.0.record.parent_span_id else {
            return Ok(None);
        };
        Ok(self
            .trace_spans(ctx)
            .await?
            .get(parent)
            .cloned()
            .map(SpanObject))
    }

    /// Direct children, by start time.
    #[graphql(complexity = "weighted(BRANCH_WEIGHT, child_complexity)")]
    async fn children(&self, ctx: &Context<'_>) -> GqlResult<Vec<SpanObject>> {
        let spans = self.trace_spans(ctx).await?;
        Ok(objects(spans.children(self.0.record.span_id)))
    }

    /// Every descendant, depth first.
    #[graphql(complexity = "weighted(LIST_WEIGHT, child_complexity)")]
    async fn descendants(&self, ctx: &Context<'_>) -> GqlResult<Vec<SpanObject>> {
        let spans = self.trace_spans(ctx).await?;
        Ok(objects(spans.descendants(self.0.record.span_id)))
    }

    /// Descendants that failed: where an error handled here came from.
    #[graphql(complexity = "weighted(BRANCH_WEIGHT, child_complexity)")]
    async fn errored_descendants(&self, ctx: &Context<'_>) -> GqlResult<Vec<SpanObject>> {
        let spans = self.trace_spans(ctx).await?;
        let failed = spans.descendants(self.0.record.span_id).into_iter();
        Ok(objects(
            failed.filter(|s| s.record.status == SpanStatus::Error),
        ))
    }

    /// Scores given to this span.
    #[graphql(complexity = "weighted(BRANCH_WEIGHT, child_complexity)")]
    async fn scores(&self, ctx: &Context<'_>) -> GqlResult<Vec<ScoreObject>> {
        let scope = Scope::of(ctx)?;
        let scores = scope
            .loaders()
            .scores
            .load_one(self.0.record.trace_id)
            .await;
        let id = self.0.record.span_id.to_string();
        let scores = scores.map_err(from_loader)?.unwrap_or_default();
        Ok(scores
            .iter()
            .filter(|s| s.span_id.as_deref() == Some(id.as_str()))
            .cloned()
            .map(ScoreObject)
            .collect())
    }

    /// Tokens, cost and failures summed over the span and all its descendants (computed in
    /// the database).
    async fn subtree(&self, ctx: &Context<'_>) -> GqlResult<SubtreeObject> {
        Ok(self.subtree_totals(ctx).await?.into())
    }

    /// `ERROR` when the span or any descendant failed, else the span's own status: what a
    /// parent that handled a failure looks like from above.
    async fn subtree_status(&self, ctx: &Context<'_>) -> GqlResult<StatusKind> {
        if self.0.record.status == SpanStatus::Error {
            return Ok(StatusKind::Error);
        }
        let totals = self.subtree_totals(ctx).await?;
        Ok(if totals.errored_descendants > 0 {
            StatusKind::Error
        } else {
            self.0.record.status.into()
        })
    }
}

// Not a `remote` enum of `SpanColumn`: the store has columns (the parent span id) that
// GraphQL does not offer, and a remote enum must have the same variants.
/// A span column a search condition can test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "SpanColumn")]
pub(crate) enum ColumnKind {
    /// Operation name (text).
    Name,
    /// Span type wire name, e.g. `llm_generation` (text).
    SpanType,
    /// Service (text).
    ServiceName,
    /// `unset`, `ok` or `error` (text).
    Status,
    /// Model (text).
    Model,
    /// Provider (text).
    Provider,
    /// Duration in milliseconds (number).
    DurationMs,
    /// Cost in USD (number).
    Cost,
    /// Input tokens (number).
    InputTokens,
    /// Output tokens (number).
    OutputTokens,
    /// Total tokens (number).
    TotalTokens,
    /// Whether the span failed (boolean).
    IsError,
    /// End user (text).
    UserId,
    /// Session (text).
    SessionId,
}

impl From<ColumnKind> for SpanColumn {
    fn from(c: ColumnKind) -> Self {
        match c {
            ColumnKind::Name => SpanColumn::Name,
            ColumnKind::SpanType => SpanColumn::SpanType,
            ColumnKind::ServiceName => SpanColumn::ServiceName,
            ColumnKind::Status => SpanColumn::Status,
            ColumnKind::Model => SpanColumn::Model,
            ColumnKind::Provider => SpanColumn::Provider,
            ColumnKind::DurationMs => SpanColumn::DurationNs,
            ColumnKind::Cost => SpanColumn::Cost,
            ColumnKind::InputTokens => SpanColumn::InputTokens,
            ColumnKind::OutputTokens => SpanColumn::OutputTokens,
            ColumnKind::TotalTokens => SpanColumn::TotalTokens,
            ColumnKind::IsError => SpanColumn::IsError,
            ColumnKind::UserId => SpanColumn::UserId,
            ColumnKind::SessionId => SpanColumn::SessionId,
        }
    }
}

/// How a condition compares its field with its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
#[graphql(name = "CompareOp", remote = "telemetry_store::CompareOp")]
pub(crate) enum OpKind {
    /// Equal.
    Eq,
    /// Present and different.
    Ne,
    /// Text starting with the value (case-sensitive).
    StartsWith,
    /// Text containing the value (case-sensitive).
    Contains,
    /// Text containing the value, ignoring case (ASCII letters only on SQLite).
    ContainsIgnoreCase,
    /// Greater than.
    Gt,
    /// At least.
    Gte,
    /// Less than.
    Lt,
    /// At most.
    Lte,
    /// Present (no value).
    Exists,
    /// Absent (no value).
    Missing,
}

/// One condition of a span search: exactly one of `column`, `attribute` and `metadata`,
/// compared by `op` with `value` (a string, number or boolean; none for `EXISTS`/`MISSING`).
#[derive(Debug, Clone, InputObject)]
pub(crate) struct SpanConditionInput {
    /// A column.
    column: Option<ColumnKind>,
    /// A dot-separated key path in the span's typed attributes (`model`,
    /// `usage.input_tokens`, `tool_name`).
    attribute: Option<String>,
    /// A dot-separated key path in the span's metadata.
    metadata: Option<String>,
    /// Comparison.
    op: OpKind,
    /// Value compared with.
    value: Option<Json<Value>>,
}

impl SpanConditionInput {
    fn condition(self) -> GqlResult<SpanCondition> {
        let field = match (self.column, self.attribute, self.metadata) {
            (Some(c), None, None) => SpanField::Column(c.into()),
            (None, Some(a), None) => SpanField::Attribute(a),
            (None, None, Some(m)) => SpanField::Metadata(m),
            _ => {
                return Err(bad_input(
                    "a condition names exactly one of column, attribute and metadata",
                ));
            }
        };
        let scale = if self.column == Some(ColumnKind::DurationMs) {
            1e6
        } else {
            1.0
        };
        let value = match self.value.map(|j| j.0) {
            None | Some(Value::Null) => Operand::None,
            Some(Value::String(s)) => Operand::Text(s),
            Some(Value::Bool(b)) => Operand::Bool(b),
            Some(Value::Number(n)) => Operand::Number(n.as_f64().unwrap_or(f64::NAN) * scale),
            Some(_) => {
                return Err(bad_input(
                    "a condition value is a string, number or boolean",
                ));
            }
        };
        Ok(SpanCondition::new(field, self.op.into(), value))
    }
}

/// Which spans to search; every set field must match.
#[derive(Debug, Clone, Default, InputObject)]
pub(crate) struct SpanSearchInput {
    /// Start time range.
    time: Option<TimeRangeInput>,
    /// Only this trace.
    trace_id: Option<String>,
    /// Shortcut: span type.
    span_type: Option<SpanKind>,
    /// Shortcut: exact name.
    name: Option<String>,
    /// Shortcut: exact model.
    model: Option<String>,
    /// Shortcut: whether the span failed.
    has_error: Option<bool>,
    /// Shortcut: lasted at least this many milliseconds.
    min_duration_ms: Option<f64>,
    /// Conditions on columns, attributes and metadata; all must hold.
    conditions: Option<Vec<SpanConditionInput>>,
    /// Only spans with (true) or without (false) a failed descendant.
    has_errored_descendant: Option<bool>,
    /// Only roots (true) or only non-roots (false).
    is_root: Option<bool>,
}

impl SpanSearchInput {
    fn query(self) -> GqlResult<SpanQuery> {
        let text = |c: SpanColumn, v: String| {
            SpanCondition::new(SpanField::Column(c), CompareOp::Eq, Operand::Text(v))
        };
        let mut conditions = Vec::new();
        if let Some(t) = self.span_type {
            conditions.push(text(
                SpanColumn::SpanType,
                SpanType::from(t).as_str().into(),
            ));
        }
        if let Some(n) = self.name {
            conditions.push(text(SpanColumn::Name, n));
        }
        if let Some(m) = self.model {
            conditions.push(text(SpanColumn::Model, m));
        }
        if let Some(e) = self.has_error {
            let c = SpanField::Column(SpanColumn::IsError);
            conditions.push(SpanCondition::new(c, CompareOp::Eq, Operand::Bool(e)));
        }
        if let Some(min) = self.min_duration_ms {
            let c = SpanField::Column(SpanColumn::DurationNs);
            conditions.push(SpanCondition::new(
                c,
                CompareOp::Gte,
                Operand::Number(min * 1e6),
            ));
        }
        for c in self.conditions.unwrap_or_default() {
            conditions.push(c.condition()?);
        }
        Ok(SpanQuery {
            time: TimeRangeInput::range(self.time)?,
            trace_id: self.trace_id.as_deref().map(inputs::trace_id).transpose()?,
            conditions,
            errored_descendants: self.has_errored_descendant,
            root: self.is_root,
        })
    }
}

/// Span queries.
#[derive(Default)]
pub(crate) struct SpanQueries;

#[Object]
impl SpanQueries {
    /// One span of the caller's project.
    async fn span(
        &self,
        ctx: &Context<'_>,
        trace_id: String,
        span_id: String,
    ) -> GqlResult<Option<SpanObject>> {
        let (trace, span) = (inputs::trace_id(&trace_id)?, inputs::span_id(&span_id)?);
        let scope = Scope::of(ctx)?;
        let spans = scope
            .loaders()
            .spans
            .load_one(trace)
            .await
            .map_err(from_loader)?;
        Ok(spans.and_then(|s| s.get(span).cloned()).map(SpanObject))
    }

    /// Spans matching `filter`, newest first.
    #[graphql(complexity = "connection_complexity(first, child_complexity)")]
    async fn spans(
        &self,
        ctx: &Context<'_>,
        filter: Option<SpanSearchInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> GqlResult<Connection<String, SpanObject>> {
        let page = inputs::page(ctx, first, after)?;
        let query = filter.unwrap_or_default().query()?;
        let scope = Scope::of(ctx)?;
        let found = scope
            .store()
            .query_spans(scope.project(), &query, &page)
            .await
            .map_err(from_store)?;
        let mut connection = Connection::new(page.cursor.is_some(), found.next_cursor.is_some());
        for span in found.items {
            let cursor = span_query_cursor(&span);
            connection
                .edges
                .push(Edge::new(cursor, SpanObject(span.into())));
        }
        Ok(connection)
    }
}
