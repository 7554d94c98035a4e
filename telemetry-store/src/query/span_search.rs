//! Span search with conditions on columns, on typed attributes and metadata (read from the
//! stored JSON record), and on the tree ("spans with a failed descendant"), all evaluated in
//! the database, with keyset pagination newest first.

use sea_orm::{FromQueryResult, Value};
use serde::{Deserialize, Serialize};
use telemetry_types::{SpanId, TraceId};

use super::sql::Sql;
use super::{Page, Paged, StoredSpan, TimeRange, cursor_parts};
use crate::Store;
use crate::entities::span;
use crate::error::{Error, Result};
use crate::projects::ProjectId;
use crate::store::Backend;

/// A span column a condition can test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpanColumn {
    /// Operation name.
    Name,
    /// Span type wire name (`llm_generation`).
    SpanType,
    /// Service that recorded the span.
    ServiceName,
    /// `unset`, `ok` or `error`.
    Status,
    /// Model.
    Model,
    /// Provider.
    Provider,
    /// Duration in nanoseconds.
    DurationNs,
    /// Cost, USD.
    Cost,
    /// Input tokens.
    InputTokens,
    /// Output tokens.
    OutputTokens,
    /// Total tokens.
    TotalTokens,
    /// Whether the span failed.
    IsError,
    /// End user.
    UserId,
    /// Session.
    SessionId,
    /// Parent span id.
    ParentSpanId,
}

/// What kind of value a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Number,
    Bool,
}

impl SpanColumn {
    fn sql(self) -> (&'static str, Kind) {
        use SpanColumn::*;
        match self {
            Name => ("name", Kind::Text),
            SpanType => ("span_type", Kind::Text),
            ServiceName => ("service_name", Kind::Text),
            Status => ("status", Kind::Text),
            Model => ("model", Kind::Text),
            Provider => ("provider", Kind::Text),
            DurationNs => ("duration_ns", Kind::Number),
            Cost => ("cost", Kind::Number),
            InputTokens => ("input_tokens", Kind::Number),
            OutputTokens => ("output_tokens", Kind::Number),
            TotalTokens => ("total_tokens", Kind::Number),
            IsError => ("is_error", Kind::Bool),
            UserId => ("user_id", Kind::Text),
            SessionId => ("session_id", Kind::Text),
            ParentSpanId => ("parent_span_id", Kind::Text),
        }
    }
}

/// What a condition tests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpanField {
    /// A column.
    Column(SpanColumn),
    /// A key path inside the typed attributes, dot-separated (`model`, `usage.input_tokens`).
    Attribute(String),
    /// A key path inside the free-form metadata, dot-separated.
    Metadata(String),
}

/// How a field is compared with the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompareOp {
    /// Equal (text, number or boolean).
    Eq,
    /// Present and different.
    Ne,
    /// Text starting with the value (case-sensitive).
    StartsWith,
    /// Text containing the value (case-sensitive).
    Contains,
    /// Text containing the value, ignoring case (ASCII letters only on SQLite).
    ContainsIgnoreCase,
    /// Number greater than the value.
    Gt,
    /// Number at least the value.
    Gte,
    /// Number less than the value.
    Lt,
    /// Number at most the value.
    Lte,
    /// The field is present (not null).
    Exists,
    /// The field is absent (null).
    Missing,
}

/// The value a field is compared with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operand {
    /// No value (for `Exists` and `Missing`).
    None,
    /// Text.
    Text(String),
    /// A number.
    Number(f64),
    /// A boolean.
    Bool(bool),
}

/// One condition of a span search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpanCondition {
    /// What is tested.
    pub field: SpanField,
    /// How.
    pub op: CompareOp,
    /// Against what.
    pub value: Operand,
}

impl SpanCondition {
    /// `field op value`.
    pub fn new(field: SpanField, op: CompareOp, value: Operand) -> Self {
        SpanCondition { field, op, value }
    }
}

/// A span search: every set part must match.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpanQuery {
    /// Start time range.
    pub time: TimeRange,
    /// Only this trace.
    pub trace_id: Option<TraceId>,
    /// Conditions on columns, attributes and metadata; all must hold.
    pub conditions: Vec<SpanCondition>,
    /// `Some(true)`: only spans with at least one failed descendant; `Some(false)`: only
    /// spans without.
    pub errored_descendants: Option<bool>,
    /// `Some(true)`: only roots (no parent); `Some(false)`: only non-roots.
    pub root: Option<bool>,
}

/// Most conditions in one search.
pub const MAX_SPAN_CONDITIONS: usize = 32;

/// The cursor of a span in [`Store::query_spans`] results: pass it as a page's cursor to get
/// the spans after it.
pub fn span_query_cursor(span: &StoredSpan) -> String {
    format!(
        "q:{}:{}:{}",
        span.record.start_time.as_unix_nanos(),
        span.record.trace_id,
        span.record.span_id
    )
}

/// Checks a dotted key path and turns it into its segments.
fn path_segments(path: &str) -> Result<Vec<&str>> {
    let segments: Vec<&str> = path.split('.').collect();
    let valid = !path.is_empty()
        && segments.len() <= 8
        && segments.iter().all(|s| {
            !s.is_empty()
                && s.len() <= 128
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        });
    if valid {
        Ok(segments)
    } else {
        Err(Error::InvalidArgument(format!(
            "invalid key path {path:?}: dot-separated keys of letters, digits, '_' and '-'"
        )))
    }
}

/// Builds the statement of a search.
struct Builder {
    sql: Sql,
    backend: Backend,
}

impl Builder {
    /// A JSON value of the record at `root.path`, as an SQL expression of `kind`, or the
    /// presence test when `kind` is `None`.
    fn json_expr(&mut self, root: &str, path: &str, kind: Option<Kind>) -> Result<String> {
        let segments = path_segments(path)?;
        match self.backend {
            Backend::Sqlite => {
                let p = self.sql.bind(format!("$.{root}.{}", segments.join(".")));
                let ty = format!("json_type(record, {p})");
                Ok(match kind {
                    None => ty,
                    Some(Kind::Text) => {
                        format!("CASE WHEN {ty} = 'text' THEN json_extract(record, {p}) END")
                    }
                    Some(Kind::Number) => format!(
                        "CASE WHEN {ty} IN ('integer', 'real') THEN json_extract(record, {p}) END"
                    ),
                    Some(Kind::Bool) => {
                        format!("CASE WHEN {ty} = 'true' THEN 1 WHEN {ty} = 'false' THEN 0 END")
                    }
                })
            }
            Backend::Postgres => {
                let p = self.sql.bind(format!("{{{root},{}}}", segments.join(",")));
                let j = format!("(CAST(record AS jsonb) #> CAST({p} AS text[]))");
                Ok(match kind {
                    None => j,
                    Some(Kind::Text) => {
                        format!("CASE WHEN jsonb_typeof({j}) = 'string' THEN {j} #>> '{{}}' END")
                    }
                    Some(Kind::Number) => format!(
                        "CASE WHEN jsonb_typeof({j}) = 'number' THEN CAST({j} #>> '{{}}' AS DOUBLE PRECISION) END"
                    ),
                    Some(Kind::Bool) => format!(
                        "CASE WHEN jsonb_typeof({j}) = 'boolean' THEN CAST({j} #>> '{{}}' AS BOOLEAN) END"
                    ),
                })
            }
        }
    }

    /// The SQL of one condition.
    fn condition(&mut self, c: &SpanCondition) -> Result<String> {
        let kind = match (&c.op, &c.value) {
            (CompareOp::Exists | CompareOp::Missing, _) => None,
            (_, Operand::Text(_)) => Some(Kind::Text),
            (_, Operand::Number(_)) => Some(Kind::Number),
            (_, Operand::Bool(_)) => Some(Kind::Bool),
            (_, Operand::None) => {
                return Err(Error::InvalidArgument(format!(
                    "the {:?} comparison needs a value",
                    c.op
                )));
            }
        };
        let expr = match &c.field {
            SpanField::Column(col) => {
                let (name, col_kind) = col.sql();
                if let Some(kind) = kind
                    && kind != col_kind
                {
                    return Err(Error::InvalidArgument(format!(
                        "column {col:?} holds {col_kind:?} values, compared with {kind:?}"
                    )));
                }
                format!("spans.{name}")
            }
            SpanField::Attribute(path) => self.json_expr("attributes", path, kind)?,
            SpanField::Metadata(path) => self.json_expr("metadata", path, kind)?,
        };
        self.compare(&expr, c.op, &c.value)
    }

    fn compare(&mut self, expr: &str, op: CompareOp, value: &Operand) -> Result<String> {
        let bad =
            || Error::InvalidArgument(format!("the {op:?} comparison does not apply to {value:?}"));
        let v: Value = match value {
            Operand::None => Value::Bool(None),
            Operand::Text(t) => t.clone().into(),
            Operand::Number(n) if n.is_finite() => (*n).into(),
            Operand::Number(_) => return Err(bad()),
            Operand::Bool(b) => (*b).into(),
        };
        Ok(match op {
            CompareOp::Exists => format!("{expr} IS NOT NULL"),
            CompareOp::Missing => format!("{expr} IS NULL"),
            CompareOp::Eq | CompareOp::Ne => {
                let p = self.sql.bind(v);
                let sym = if op == CompareOp::Eq { "=" } else { "<>" };
                format!("{expr} {sym} {p}")
            }
            CompareOp::StartsWith | CompareOp::Contains | CompareOp::ContainsIgnoreCase => {
                if !matches!(value, Operand::Text(_)) {
                    return Err(bad());
                }
                let p = self.sql.bind(v);
                match (op, self.backend) {
                    (CompareOp::StartsWith, _) => {
                        format!("substr({expr}, 1, length({p})) = {p}")
                    }
                    (CompareOp::ContainsIgnoreCase, Backend::Sqlite) => {
                        format!("instr(lower({expr}), lower({p})) > 0")
                    }
                    (CompareOp::ContainsIgnoreCase, Backend::Postgres) => {
                        format!("strpos(lower({expr}), lower({p})) > 0")
                    }
                    (_, Backend::Sqlite) => format!("instr({expr}, {p}) > 0"),
                    (_, Backend::Postgres) => format!("strpos({expr}, {p}) > 0"),
                }
            }
            CompareOp::Gt | CompareOp::Gte | CompareOp::Lt | CompareOp::Lte => {
                if !matches!(value, Operand::Number(_)) {
                    return Err(bad());
                }
                let p = self.sql.bind(v);
                let sym = match op {
                    CompareOp::Gt => ">",
                    CompareOp::Gte => ">=",
                    CompareOp::Lt => "<",
                    _ => "<=",
                };
                format!("{expr} {sym} {p}")
            }
        })
    }
}

/// `WITH RECURSIVE errored_anc`: every (trace, span) that has a failed descendant.
fn errored_ancestors(sql: &mut Sql, project: &str, trace: Option<&str>) {
    let only_trace = trace
        .map(|t| format!(" AND trace_id = {t}"))
        .unwrap_or_default();
    sql.push(&format!(
        "WITH RECURSIVE errored_anc(trace_id, span_id) AS (\
         SELECT trace_id, parent_span_id FROM spans WHERE project_id = {project} \
         AND is_error AND parent_span_id IS NOT NULL{only_trace} \
         UNION SELECT s.trace_id, s.parent_span_id FROM errored_anc a JOIN spans s \
         ON s.project_id = {project} AND s.trace_id = a.trace_id AND s.span_id = a.span_id \
         WHERE s.parent_span_id IS NOT NULL) "
    ));
}

/// Rows after `cursor` in (start time, trace id, span id) descending order.
fn after_cursor(sql: &mut Sql, cursor: &str) -> Result<()> {
    let parts = cursor_parts(cursor, "q", 3)?;
    let invalid = || Error::InvalidCursor(cursor.to_owned());
    let start: i64 = parts[0].parse().map_err(|_| invalid())?;
    let trace = TraceId::parse(parts[1]).map_err(|_| invalid())?.to_string();
    let span = SpanId::parse(parts[2]).map_err(|_| invalid())?.to_string();
    let (s, t, id) = (sql.bind(start), sql.bind(trace), sql.bind(span));
    sql.push(&format!(
        " AND (spans.start_time < {s} OR (spans.start_time = {s} AND (spans.trace_id < {t} \
         OR (spans.trace_id = {t} AND spans.span_id < {id}))))"
    ));
    Ok(())
}

impl Store {
    /// One page of the project's spans matching `query`, newest first.
    pub async fn query_spans(
        &self,
        project: ProjectId,
        query: &SpanQuery,
        page: &Page,
    ) -> Result<Paged<StoredSpan>> {
        if query.conditions.len() > MAX_SPAN_CONDITIONS {
            return Err(Error::InvalidArgument(format!(
                "at most {MAX_SPAN_CONDITIONS} conditions"
            )));
        }
        let mut b = Builder {
            sql: Sql::default(),
            backend: self.backend,
        };
        let p = b.sql.bind(project.0);
        let trace = query.trace_id.map(|t| b.sql.bind(t.to_string()));
        if query.errored_descendants.is_some() {
            errored_ancestors(&mut b.sql, &p, trace.as_deref());
        }
        b.sql.push(&format!(
            "SELECT spans.* FROM spans WHERE spans.project_id = {p}"
        ));
        b.sql.time_range("spans.start_time", &query.time);
        if let Some(t) = &trace {
            b.sql.push(&format!(" AND spans.trace_id = {t}"));
        }
        for c in &query.conditions {
            let cond = b.condition(c)?;
            b.sql.push(&format!(" AND ({cond})"));
        }
        if let Some(want) = query.errored_descendants {
            let not = if want { "" } else { "NOT " };
            b.sql.push(&format!(
                " AND {not}EXISTS (SELECT 1 FROM errored_anc a \
                 WHERE a.trace_id = spans.trace_id AND a.span_id = spans.span_id)"
            ));
        }
        if let Some(root) = query.root {
            let test = if root { "IS NULL" } else { "IS NOT NULL" };
            b.sql.push(&format!(" AND spans.parent_span_id {test}"));
        }
        if let Some(cursor) = &page.cursor {
            after_cursor(&mut b.sql, cursor)?;
        }
        let limit = page.clamped_limit();
        let l = b.sql.bind(i64::try_from(limit + 1).unwrap_or(1001));
        b.sql.push(&format!(
            " ORDER BY spans.start_time DESC, spans.trace_id DESC, spans.span_id DESC LIMIT {l}"
        ));
        let rows = b.sql.fetch(&self.db).await?;
        let mut items = rows
            .iter()
            .map(|r| StoredSpan::try_from(span::Model::from_query_result(r, "")?))
            .collect::<Result<Vec<_>>>()?;
        let next_cursor = if items.len() as u64 > limit {
            items.truncate(limit as usize);
            items.last().map(span_query_cursor)
        } else {
            None
        };
        Ok(Paged { items, next_cursor })
    }
}
