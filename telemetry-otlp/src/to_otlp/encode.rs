//! OTLP protobuf straight from `SpanRecord`s: the bytes of
//! `export_request(spans).encode_to_vec()`, without building the `opentelemetry-proto` structs
//! in between (every key and value of those is an owned `String`, dozens per span).
//!
//! The attributes come from the same mapping functions as [`span_to_otlp`](super::span_to_otlp),
//! written into [`ProtoAttrs`] instead of a `Vec<KeyValue>`; the message layout below follows
//! the field numbers of `opentelemetry/proto/{collector/trace,trace,common,resource}/v1`.

use std::borrow::Borrow;

use serde_json::Value;
use telemetry_types::{SpanAttributes, SpanRecord, SpanStatus};

use super::proto;
use super::writer::AttrSink;
use super::{SCOPE_NAME, SCOPE_VERSION, content, typed};
use crate::names;
use crate::semconv as sc;

/// Encodes one OTLP/protobuf `ExportTraceServiceRequest` of `spans`: byte for byte what
/// [`export_request`](super::export_request) followed by `prost::Message::encode_to_vec`
/// gives, at a fraction of the cost.
///
/// ```
/// use std::sync::Arc;
/// use prost::Message;
/// use telemetry_types::attrs::LlmGeneration;
/// use telemetry_types::{SpanId, SpanRecord, Timestamp, TraceId};
///
/// let span = SpanRecord {
///     trace_id: TraceId::random(),
///     span_id: SpanId::random(),
///     parent_span_id: None,
///     name: "answer".into(),
///     service_name: Arc::from("support-bot"),
///     attributes: LlmGeneration::new("gpt-4o", "openai").into(),
///     input: None,
///     output: None,
///     metadata: Default::default(),
///     start_time: Timestamp::from_unix_nanos(1),
///     end_time: Some(Timestamp::from_unix_nanos(2)),
///     status: Default::default(),
///     error: None,
///     errored_descendants: Vec::new(),
///     events: Vec::new(),
///     ended_by_drop: false,
///     trace: Default::default(),
/// };
/// let spans = [Arc::new(span)];
/// let body = telemetry_otlp::encode_export_request(&spans);
/// assert_eq!(body, telemetry_otlp::export_request(&spans).encode_to_vec());
/// ```
pub fn encode_export_request<S: Borrow<SpanRecord>>(spans: &[S]) -> Vec<u8> {
    let mut out = Vec::with_capacity(128 + spans.len() * 512);
    encode_export_request_into(spans, &mut out);
    out
}

/// [`encode_export_request`] appending to `out`, so a caller can reuse one buffer across
/// requests.
pub fn encode_export_request_into<S: Borrow<SpanRecord>>(spans: &[S], out: &mut Vec<u8>) {
    let Some(first) = spans.first() else { return };
    let service: &str = &first.borrow().service_name;
    // Most batches hold one service: no grouping needed.
    if spans.iter().all(|s| &*s.borrow().service_name == service) {
        resource_spans(service, spans.iter().map(Borrow::borrow), out);
        return;
    }
    for (service, group) in by_service(spans) {
        resource_spans(service, group.into_iter(), out);
    }
}

/// The spans grouped by service, in order of first appearance (`export_request` and the
/// encoder group alike).
pub(super) fn by_service<S: Borrow<SpanRecord>>(spans: &[S]) -> Vec<(&str, Vec<&SpanRecord>)> {
    let mut groups: Vec<(&str, Vec<&SpanRecord>)> = Vec::new();
    for span in spans {
        let span = span.borrow();
        let service: &str = &span.service_name;
        let index = match groups.iter().position(|(s, _)| *s == service) {
            Some(i) => i,
            None => {
                groups.push((service, Vec::new()));
                groups.len() - 1
            }
        };
        groups[index].1.push(span);
    }
    groups
}

// ExportTraceServiceRequest.resource_spans = 1; ResourceSpans: resource = 1,
// scope_spans = 2, schema_url = 3; Resource.attributes = 1; ScopeSpans: scope = 1, spans = 2,
// schema_url = 3; InstrumentationScope: name = 1, version = 2.
fn resource_spans<'s>(
    service: &str,
    spans: impl Iterator<Item = &'s SpanRecord>,
    out: &mut Vec<u8>,
) {
    let resource_spans = proto::begin(out, 1);
    let resource = proto::begin(out, 1);
    ProtoAttrs::new(out, 1).put_str(sc::SERVICE_NAME, service);
    proto::end(out, resource);
    let scope_spans = proto::begin(out, 2);
    let scope = proto::begin(out, 1);
    proto::string(out, 1, SCOPE_NAME);
    proto::string(out, 2, SCOPE_VERSION);
    proto::end(out, scope);
    for span in spans {
        let mark = proto::begin(out, 2);
        span_body(span, out);
        proto::end(out, mark);
    }
    proto::string(out, 3, sc::SCHEMA_URL);
    proto::end(out, scope_spans);
    proto::string(out, 3, sc::SCHEMA_URL);
    proto::end(out, resource_spans);
}

// Span: trace_id = 1, span_id = 2, parent_span_id = 4, name = 5, kind = 6,
// start_time_unix_nano = 7, end_time_unix_nano = 8, attributes = 9, events = 11, status = 15.
fn span_body(span: &SpanRecord, out: &mut Vec<u8>) {
    proto::bytes(out, 1, &span.trace_id.to_bytes());
    proto::bytes(out, 2, &span.span_id.to_bytes());
    if let Some(parent) = span.parent_span_id {
        proto::bytes(out, 4, &parent.to_bytes());
    }
    let name = names::conventional_name_parts(span);
    span_name(out, name);
    proto::varint_field(out, 6, names::span_kind(span.span_type()) as u64);
    proto::fixed64(out, 7, span.start_time.as_unix_nanos());
    proto::fixed64(out, 8, span.end_time.map_or(0, |t| t.as_unix_nanos()));
    let renamed = !is_name(name, &span.name);
    super::write_attributes(span, renamed, &mut ProtoAttrs::new(out, 9));
    events(span, out);
    status(span, out);
}

/// `Span.name` (field 5) from the conventional name's parts, without joining them first.
fn span_name(out: &mut Vec<u8>, (prefix, target): (&str, Option<&str>)) {
    match target {
        None => proto::string(out, 5, prefix),
        Some(t) => {
            out.push(5 << 3 | 2);
            proto::varint(out, (prefix.len() + 1 + t.len()) as u64);
            out.extend_from_slice(prefix.as_bytes());
            out.push(b' ');
            out.extend_from_slice(t.as_bytes());
        }
    }
}

/// Whether `name` is the conventional name given in parts.
fn is_name((prefix, target): (&str, Option<&str>), name: &str) -> bool {
    match target {
        None => prefix == name,
        Some(t) => {
            name.len() == prefix.len() + 1 + t.len()
                && name.starts_with(prefix)
                && name.as_bytes()[prefix.len()] == b' '
                && name.ends_with(t)
        }
    }
}

// Event: time_unix_nano = 1, name = 2, attributes = 3. Same events, same order as
// `content::events`.
fn events(span: &SpanRecord, out: &mut Vec<u8>) {
    for e in &span.events {
        let mark = proto::begin(out, 11);
        proto::fixed64(out, 1, e.time.as_unix_nanos());
        proto::string(out, 2, &e.name);
        let mut attributes = ProtoAttrs::new(out, 3);
        for (k, v) in &e.attributes {
            attributes.native("", k, v);
        }
        proto::end(out, mark);
    }
    let at = content::closing_event_time(span);
    if let SpanAttributes::EvalExecution(eval) = &span.attributes {
        let mark = event_head(out, sc::GEN_AI_EVALUATION_RESULT_EVENT, at);
        typed::evaluation_result(eval, &mut ProtoAttrs::new(out, 3));
        proto::end(out, mark);
    }
    if let Some(error) = &span.error {
        let mark = event_head(out, sc::EXCEPTION_EVENT, at);
        content::exception(error, &mut ProtoAttrs::new(out, 3));
        proto::end(out, mark);
    }
}

fn event_head(out: &mut Vec<u8>, name: &str, at: u64) -> usize {
    let mark = proto::begin(out, 11);
    proto::fixed64(out, 1, at);
    proto::string(out, 2, name);
    mark
}

// Status: message = 2, code = 3 (Ok = 1, Error = 2).
fn status(span: &SpanRecord, out: &mut Vec<u8>) {
    let (code, message) = match span.status {
        SpanStatus::Unset => return,
        SpanStatus::Ok => (1, ""),
        SpanStatus::Error => (2, span.error.as_ref().map_or("", |e| e.message.as_str())),
    };
    let mark = proto::begin(out, 15);
    proto::string(out, 2, message);
    proto::varint_field(out, 3, code);
    proto::end(out, mark);
}

/// Writes attributes as repeated `KeyValue` messages (key = 1, value = 2) in field `field` of
/// the message being written.
pub(crate) struct ProtoAttrs<'b> {
    buf: &'b mut Vec<u8>,
    field: u32,
}

impl<'b> ProtoAttrs<'b> {
    pub(crate) fn new(buf: &'b mut Vec<u8>, field: u32) -> Self {
        ProtoAttrs { buf, field }
    }

    /// One key/value; `value` writes the `AnyValue`'s body and says whether it succeeded (the
    /// whole key/value is taken back when not).
    fn key_value(&mut self, prefix: &str, key: &str, value: impl FnOnce(&mut Vec<u8>) -> bool) {
        let buf = &mut *self.buf;
        let before = buf.len();
        let kv = proto::begin(buf, self.field);
        key_field(buf, prefix, key);
        let any = proto::begin(buf, 2);
        if !value(buf) {
            buf.truncate(before);
            return;
        }
        proto::end(buf, any);
        proto::end(buf, kv);
    }
}

/// `KeyValue.key` = `prefix` + `key`, left out when empty.
fn key_field(buf: &mut Vec<u8>, prefix: &str, key: &str) {
    let len = prefix.len() + key.len();
    if len == 0 {
        return;
    }
    buf.push(1 << 3 | 2);
    proto::varint(buf, len as u64);
    buf.extend_from_slice(prefix.as_bytes());
    buf.extend_from_slice(key.as_bytes());
}

// AnyValue (a oneof, always written once set): string_value = 1, bool_value = 2,
// int_value = 3, double_value = 4, array_value = 5, kvlist_value = 6; ArrayValue.values = 1,
// KeyValueList.values = 1.
impl AttrSink for ProtoAttrs<'_> {
    fn put_str(&mut self, key: &str, value: &str) {
        self.key_value("", key, |b| {
            proto::bytes(b, 1, value.as_bytes());
            true
        });
    }

    fn put_i64(&mut self, key: &str, value: i64) {
        self.key_value("", key, |b| {
            proto::varint_always(b, 3, value as u64);
            true
        });
    }

    fn put_f64(&mut self, key: &str, value: f64) {
        self.key_value("", key, |b| {
            proto::fixed64_always(b, 4, value.to_bits());
            true
        });
    }

    fn put_bool(&mut self, key: &str, value: bool) {
        self.key_value("", key, |b| {
            proto::varint_always(b, 2, u64::from(value));
            true
        });
    }

    fn strs<S: AsRef<str>>(&mut self, key: &str, values: &[S]) {
        if values.is_empty() {
            return;
        }
        self.key_value("", key, |b| {
            let array = proto::begin(b, 5);
            for s in values {
                let item = proto::begin(b, 1);
                proto::bytes(b, 1, s.as_ref().as_bytes());
                proto::end(b, item);
            }
            proto::end(b, array);
            true
        });
    }

    fn json<T: serde::Serialize + ?Sized>(&mut self, key: &str, value: Option<&T>) {
        let Some(value) = value else { return };
        self.key_value("", key, |b| {
            let text = proto::begin(b, 1);
            let ok = serde_json::to_writer(&mut *b, value).is_ok();
            proto::end(b, text);
            ok
        });
    }

    fn native(&mut self, prefix: &str, key: &str, value: &Value) {
        self.key_value(prefix, key, |b| {
            any_value_body(b, value);
            true
        });
    }
}

/// The body of an `AnyValue` for a JSON value, as `value::from_json` maps it.
fn any_value_body(b: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Null => {}
        Value::Bool(v) => proto::varint_always(b, 2, u64::from(*v)),
        Value::Number(n) => match n.as_i64() {
            Some(i) => proto::varint_always(b, 3, i as u64),
            None => proto::fixed64_always(b, 4, n.as_f64().unwrap_or(f64::NAN).to_bits()),
        },
        Value::String(s) => proto::bytes(b, 1, s.as_bytes()),
        Value::Array(items) => {
            let array = proto::begin(b, 5);
            for item in items {
                let mark = proto::begin(b, 1);
                any_value_body(b, item);
                proto::end(b, mark);
            }
            proto::end(b, array);
        }
        Value::Object(map) => {
            let list = proto::begin(b, 6);
            for (k, v) in map {
                let kv = proto::begin(b, 1);
                proto::string(b, 1, k);
                let any = proto::begin(b, 2);
                any_value_body(b, v);
                proto::end(b, any);
                proto::end(b, kv);
            }
            proto::end(b, list);
        }
    }
}
