//! Input/output, metadata, error, events and trace-level fields → OTLP.

use opentelemetry_proto::tonic::trace::v1::span::Event;
use serde_json::Value;
use telemetry_types::{SpanAttributes, SpanError, SpanRecord, TraceAttributes};

use super::writer::{AttrSink, AttrWriter};
use crate::names;
use crate::semconv::{self as sc, openinference::MIME_JSON, ours};
use crate::value;

/// Whether a value looks like chat messages: a non-empty array of objects that each have a
/// `role` and `parts` (the conventions' format) or `content` (the providers' format).
pub(crate) fn looks_like_messages(value: &Value) -> bool {
    let Value::Array(items) = value else {
        return false;
    };
    !items.is_empty()
        && items.iter().all(|m| {
            m.get("role").is_some_and(Value::is_string)
                && (m.get("parts").is_some() || m.get("content").is_some())
        })
}

/// Writes input and output: tool spans use `gen_ai.tool.call.arguments`/`result` (JSON text);
/// chat messages go to `gen_ai.input.messages`/`output.messages` (JSON text); anything else
/// to `ai_telemetry.input`/`output` (a string as is, other values as JSON text with a
/// `*.mime_type` of `application/json`).
pub(crate) fn write_io(span: &SpanRecord, w: &mut impl AttrSink) {
    if let SpanAttributes::ToolCall(_) | SpanAttributes::McpToolCall(_) = span.attributes {
        w.json(sc::GEN_AI_TOOL_CALL_ARGUMENTS, span.input.as_ref());
        w.json(sc::GEN_AI_TOOL_CALL_RESULT, span.output.as_ref());
        return;
    }
    let input_keys = (
        sc::GEN_AI_INPUT_MESSAGES,
        ours::INPUT,
        ours::INPUT_MIME_TYPE,
    );
    let output_keys = (
        sc::GEN_AI_OUTPUT_MESSAGES,
        ours::OUTPUT,
        ours::OUTPUT_MIME_TYPE,
    );
    if let Some(input) = &span.input {
        write_value(input, input_keys, w);
    }
    if let Some(output) = &span.output {
        write_value(output, output_keys, w);
    }
}

fn write_value(value: &Value, (messages, ours, mime): (&str, &str, &str), w: &mut impl AttrSink) {
    match value {
        Value::String(s) => w.str(ours, Some(s)),
        v if looks_like_messages(v) => w.json(messages, Some(v)),
        v => {
            w.json(ours, Some(v));
            w.str(mime, Some(MIME_JSON));
        }
    }
}

/// Writes metadata, errored descendants and `ended_by_drop`, and `error.type` on error.
pub(crate) fn write_span_fields(span: &SpanRecord, w: &mut impl AttrSink) {
    for (k, v) in &span.metadata {
        w.native(ours::METADATA_PREFIX, k, v);
    }
    if !span.errored_descendants.is_empty() {
        let ids: Vec<String> = span
            .errored_descendants
            .iter()
            .map(ToString::to_string)
            .collect();
        w.strs(ours::ERRORED_DESCENDANTS, &ids);
    }
    if span.ended_by_drop {
        w.bool(ours::ENDED_BY_DROP, Some(true));
    }
    if let Some(e) = &span.error {
        w.str(sc::ERROR_TYPE, Some(&e.kind));
    }
}

/// Writes the trace-level fields every span of the trace carries.
pub(crate) fn write_trace(t: &TraceAttributes, w: &mut impl AttrSink) {
    if t.is_empty() {
        return;
    }
    w.str(sc::USER_ID, t.user_id.as_deref());
    w.str(sc::SESSION_ID, t.session_id.as_deref());
    w.strs(ours::TRACE_TAGS, &t.tags);
    w.str(sc::DEPLOYMENT_ENVIRONMENT_NAME, t.environment.as_deref());
    w.str(sc::SERVICE_VERSION, t.release.as_deref());
    for (k, v) in &t.context {
        w.native(ours::TRACE_CONTEXT_PREFIX, k, v);
    }
}

/// The span's events, then a `gen_ai.evaluation.result` event for evals and an `exception`
/// event for an error.
pub(crate) fn events(span: &SpanRecord) -> Vec<Event> {
    let mut events: Vec<Event> = span
        .events
        .iter()
        .map(|e| Event {
            time_unix_nano: e.time.as_unix_nanos(),
            name: e.name.to_string(),
            attributes: value::map_to_kvs(&e.attributes),
            dropped_attributes_count: 0,
        })
        .collect();
    let at = closing_event_time(span);
    if let SpanAttributes::EvalExecution(eval) = &span.attributes {
        let mut w = AttrWriter::with_capacity(4);
        super::evaluation_result(eval, &mut w);
        events.push(event(sc::GEN_AI_EVALUATION_RESULT_EVENT, at, w));
    }
    if let Some(error) = &span.error {
        let mut w = AttrWriter::with_capacity(5);
        exception(error, &mut w);
        events.push(event(sc::EXCEPTION_EVENT, at, w));
    }
    events
}

/// When the evaluation-result and exception events happened: the span's end (or start).
pub(crate) fn closing_event_time(span: &SpanRecord) -> u64 {
    span.end_time.unwrap_or(span.start_time).as_unix_nanos()
}

fn event(name: &str, time_unix_nano: u64, w: AttrWriter) -> Event {
    Event {
        time_unix_nano,
        name: name.to_owned(),
        attributes: w.out,
        dropped_attributes_count: 0,
    }
}

/// The attributes of the `exception` event of an error.
pub(crate) fn exception(error: &SpanError, w: &mut impl AttrSink) {
    w.str(sc::EXCEPTION_TYPE, Some(&error.kind));
    w.str(sc::EXCEPTION_MESSAGE, Some(&error.message));
    w.strs(ours::ERROR_SOURCE_CHAIN, &error.source_chain);
    w.put_bool(ours::ERROR_RETRYABLE, error.retryable);
    w.str(
        ours::ERROR_CATEGORY,
        error.category.map(names::error_category),
    );
}
