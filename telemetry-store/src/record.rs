//! The stored form of a span's record: its JSON without what the row's columns already hold
//! (ids, parent, name, service, start, end, status — about 230 of a typical span's bytes, the
//! two RFC 3339 times alone 80), put back from the columns when the span is read. A record
//! written before this change still holds them and reads as it is.

use serde::Serialize;
use serde_json::{Map, Value};
use telemetry_types::{
    SpanAttributes, SpanError, SpanEvent, SpanId, SpanRecord, Timestamp, TraceAttributes,
};

use crate::entities::span;
use crate::error::{Error, Result};

/// What the record column holds: every field of [`SpanRecord`] that has no column, with the
/// record's own serde rules (so the JSON of each is unchanged).
#[derive(Serialize)]
struct Stored<'a> {
    #[serde(flatten)]
    attributes: &'a SpanAttributes,
    #[serde(skip_serializing_if = "Option::is_none")]
    input: &'a Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    output: &'a Option<Value>,
    #[serde(skip_serializing_if = "Map::is_empty")]
    metadata: &'a Map<String, Value>,
    /// Kept only when the column cannot hold it exactly (after the year 2262).
    #[serde(skip_serializing_if = "Option::is_none")]
    start_time: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_time: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: &'a Option<SpanError>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errored_descendants: &'a [SpanId],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    events: &'a [SpanEvent],
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    ended_by_drop: bool,
    #[serde(skip_serializing_if = "TraceAttributes::is_empty")]
    trace: &'a TraceAttributes,
}

/// The record column of `span`, with `attributes` in place of its own (the priced ones).
pub(crate) fn to_stored_json(span: &SpanRecord, attributes: &SpanAttributes) -> Result<String> {
    // Every field named, so a field added to `SpanRecord` fails to compile here instead of
    // being silently left out of the store.
    let SpanRecord {
        trace_id: _,
        span_id: _,
        parent_span_id: _,
        name: _,
        service_name: _,
        attributes: _,
        input,
        output,
        metadata,
        start_time,
        end_time,
        status: _,
        error,
        errored_descendants,
        events,
        ended_by_drop,
        trace,
    } = span;
    let stored = Stored {
        attributes,
        input,
        output,
        metadata,
        start_time: Some(*start_time).filter(|t| !fits_column(*t)),
        end_time: end_time.filter(|t| !fits_column(*t)),
        error,
        errored_descendants,
        events,
        ended_by_drop: *ended_by_drop,
        trace,
    };
    serde_json::to_string(&stored).map_err(|source| Error::Corrupt {
        what: "record (serialization)",
        source,
    })
}

/// Whether the `BIGINT` column holds `t` exactly.
fn fits_column(t: Timestamp) -> bool {
    i64::try_from(t.as_unix_nanos()).is_ok()
}

/// The full record of a stored row: its record column, completed from the other columns.
pub(crate) fn from_row(m: &span::Model) -> Result<SpanRecord> {
    let corrupt = |source| Error::Corrupt {
        what: "span record",
        source,
    };
    let mut value: Value = serde_json::from_str(&m.record).map_err(corrupt)?;
    if let Value::Object(fields) = &mut value {
        let mut put = |key: &str, v: Value| {
            fields.entry(key).or_insert(v);
        };
        put("trace_id", m.trace_id.clone().into());
        put("span_id", m.span_id.clone().into());
        if let Some(parent) = &m.parent_span_id {
            put("parent_span_id", parent.clone().into());
        }
        put("name", m.name.clone().into());
        put("service_name", m.service_name.clone().into());
        put("start_time", m.start_time.into());
        if let Some(end) = m.end_time {
            put("end_time", end.into());
        }
        put("status", m.status.clone().into());
    }
    serde_json::from_value(value).map_err(corrupt)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::json;
    use telemetry_types::attrs::{LlmGeneration, Usage};
    use telemetry_types::{SpanStatus, TraceId};

    use super::*;

    /// A span with every optional part set.
    fn rich() -> SpanRecord {
        let mut llm = LlmGeneration::new("gpt-4o".to_owned(), "openai".to_owned());
        llm.usage = Some(Usage::new(12, 5));
        let mut metadata = Map::new();
        metadata.insert("tenant".into(), json!("acme"));
        SpanRecord {
            trace_id: TraceId::random(),
            span_id: SpanId::random(),
            parent_span_id: Some(SpanId::random()),
            name: "chat \"quoted\"".into(),
            service_name: Arc::from("svc"),
            attributes: llm.into(),
            input: Some(json!([{"role": "user", "content": "hi"}])),
            output: Some(json!("hello")),
            metadata,
            start_time: Timestamp::from_unix_nanos(1_764_806_400_123_456_789),
            end_time: Some(Timestamp::from_unix_nanos(1_764_806_401_000_000_001)),
            status: SpanStatus::Error,
            error: Some(SpanError::new("timeout", "took too long")),
            errored_descendants: vec![SpanId::random()],
            events: vec![SpanEvent::now("retry")],
            ended_by_drop: true,
            trace: Arc::new(TraceAttributes {
                user_id: Some("u1".into()),
                tags: vec!["a".into()],
                ..TraceAttributes::default()
            }),
        }
    }

    /// The row the store writes for `span` with `record` in its record column.
    fn row(span: &SpanRecord, record: String) -> span::Model {
        span::Model {
            project_id: 1,
            trace_id: span.trace_id.to_string(),
            span_id: span.span_id.to_string(),
            parent_span_id: span.parent_span_id.map(|id| id.to_string()),
            span_type: span.span_type().as_str().to_owned(),
            name: span.name.to_string(),
            service_name: span.service_name.to_string(),
            status: serde_json::to_value(span.status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            is_error: true,
            start_time: span.start_time.as_unix_nanos() as i64,
            end_time: span.end_time.map(|t| t.as_unix_nanos() as i64),
            duration_ns: None,
            model: None,
            provider: None,
            input_tokens: None,
            output_tokens: None,
            total_tokens: None,
            cache_read_tokens: None,
            cache_write_tokens: None,
            reasoning_tokens: None,
            cost: None,
            user_id: None,
            session_id: None,
            record,
        }
    }

    #[test]
    fn a_record_reads_back_whole_from_its_row() {
        let span = rich();
        let stored = to_stored_json(&span, &span.attributes).unwrap();
        assert!(
            !stored.contains("trace_id") && !stored.contains("start_time"),
            "{stored}"
        );
        let full = serde_json::to_string(&span).unwrap();
        assert!(
            stored.len() + 150 < full.len(),
            "{} vs {}",
            stored.len(),
            full.len()
        );
        assert_eq!(from_row(&row(&span, stored)).unwrap(), span);
    }

    #[test]
    fn a_record_stored_whole_before_reads_as_it_is() {
        let span = SpanRecord {
            parent_span_id: None,
            end_time: None,
            status: SpanStatus::Unset,
            ..rich()
        };
        let full = serde_json::to_string(&span).unwrap();
        assert_eq!(from_row(&row(&span, full)).unwrap(), span);
        let stored = to_stored_json(&span, &span.attributes).unwrap();
        assert_eq!(from_row(&row(&span, stored)).unwrap(), span);
    }
}
