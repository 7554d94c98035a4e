//! Langfuse (SDK v3+, OpenTelemetry based): `langfuse.observation.*` and `langfuse.trace.*`.
//! Usage and cost details are read in `usage.rs`.

use opentelemetry_proto::tonic::common::v1::any_value::Value as Av;
use serde_json::{Map, Value};
use telemetry_types::{SpanError, Str, Timestamp};

use crate::bag::Bag;
use crate::read::fill_str;
use crate::semconv::langfuse as lf;
use crate::value;

/// `langfuse.observation.model.name` → model.
pub(crate) fn model(bag: &mut Bag, slot: &mut Option<Str>) {
    fill_str(bag, slot, lf::MODEL_NAME);
}

/// `langfuse.observation.input` / `output`: the SDK writes strings as they are and other
/// values as JSON, so text that is a JSON object, array or quoted string is parsed and
/// anything else (`2`, `true`, prose) stays a string.
pub(crate) fn io(bag: &mut Bag, output: bool) -> Option<Value> {
    io_of(bag, if output { lf::OUTPUT } else { lf::INPUT })
}

/// `langfuse.trace.input` / `output`, read like an observation's.
pub(crate) fn trace_io(bag: &mut Bag, output: bool) -> Option<Value> {
    io_of(
        bag,
        if output {
            lf::TRACE_OUTPUT
        } else {
            lf::TRACE_INPUT
        },
    )
}

fn io_of(bag: &mut Bag, key: &str) -> Option<Value> {
    bag.take(key).map(|v| match v {
        Av::StringValue(s) => json_or_text(s),
        other => value::to_json(value::wrap(other)),
    })
}

/// `langfuse.trace.name`: the trace's own name (Langfuse names a trace apart from its root).
pub(crate) fn trace_name(bag: &mut Bag) -> Option<Str> {
    bag.take_string(lf::TRACE_NAME)
        .filter(|n| !n.is_empty())
        .map(Str::from)
}

/// `langfuse.observation.prompt.name` / `version` → metadata `prompt: {name, version}`.
pub(crate) fn prompt(bag: &mut Bag, into: &mut Map<String, Value>) {
    let name = bag.take_string(lf::PROMPT_NAME);
    let version = bag.take(lf::PROMPT_VERSION).map(|v| match v {
        Av::StringValue(s) => metadata_value(s),
        other => value::to_json(value::wrap(other)),
    });
    if name.is_none() && version.is_none() {
        return;
    }
    let mut prompt = Map::new();
    prompt.extend(name.map(|n| ("name".to_owned(), Value::String(n))));
    prompt.extend(version.map(|v| ("version".to_owned(), v)));
    into.insert("prompt".to_owned(), Value::Object(prompt));
}

fn json_or_text(s: String) -> Value {
    let structured = matches!(s.trim_start().as_bytes().first(), Some(b'{' | b'[' | b'"'));
    match structured.then(|| serde_json::from_str(&s)) {
        Some(Ok(v)) => v,
        _ => Value::String(s),
    }
}

/// `langfuse.trace.tags`: a string array, a JSON array in a string, or comma-separated.
pub(crate) fn tags(bag: &mut Bag) -> Option<Vec<String>> {
    bag.take_as(lf::TRACE_TAGS, |v| match v {
        Av::StringValue(s) if !s.trim_start().starts_with('[') => Some(
            s.split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
        ),
        other => value::as_string_list(other),
    })
}

/// Milliseconds from `start` to `langfuse.observation.completion_start_time`.
pub(crate) fn time_to_first_token_ms(bag: &mut Bag, start: Timestamp) -> Option<f64> {
    bag.take_as(lf::COMPLETION_START_TIME, |v| {
        // The SDK writes the time as JSON (a quoted string); accept it bare too.
        let text = value::as_string(v)?;
        let text = match json_or_text(text) {
            Value::String(s) => s,
            _ => return None,
        };
        let at: Timestamp = serde_json::from_value(Value::String(text)).ok()?;
        Some(at.duration_since(start).as_secs_f64() * 1000.0)
    })
}

/// `langfuse.observation.level` `ERROR` with its `status_message` → an error.
pub(crate) fn level_error(bag: &mut Bag) -> Option<SpanError> {
    bag.take_as(lf::LEVEL, |v| {
        value::as_string(v).filter(|l| l == lf::LEVEL_ERROR)
    })?;
    let message = bag.take_string(lf::STATUS_MESSAGE).unwrap_or_default();
    Some(SpanError::new(lf::ERROR_KIND, message))
}

/// `langfuse.trace.metadata.*` (or one JSON object) → trace context.
pub(crate) fn trace_metadata(bag: &mut Bag, into: &mut Map<String, Value>) {
    metadata(bag, lf::TRACE_METADATA, lf::TRACE_METADATA_PREFIX, into);
}

/// `langfuse.observation.metadata.*` (or one JSON object) → span metadata.
pub(crate) fn observation_metadata(bag: &mut Bag, into: &mut Map<String, Value>) {
    metadata(
        bag,
        lf::OBSERVATION_METADATA,
        lf::OBSERVATION_METADATA_PREFIX,
        into,
    );
}

fn metadata(bag: &mut Bag, key: &str, prefix: &str, into: &mut Map<String, Value>) {
    if let Some(Value::Object(map)) = bag
        .peek(key)
        .and_then(value::as_string)
        .map(value::parse_json_text)
    {
        bag.remove(key);
        into.extend(map);
    }
    if bag.has_prefix(prefix) {
        for (k, v) in bag.take_prefix(prefix) {
            let v = match v {
                Some(Av::StringValue(s)) => metadata_value(s),
                Some(other) => value::to_json(value::wrap(other)),
                None => Value::Null,
            };
            into.insert(k, v);
        }
    }
}

/// A metadata value: the SDK writes each as JSON text (`json.dumps`), so `"\"acme\""` is the
/// string `acme` and `"3"` the number 3; text that is not JSON stays as it is.
fn metadata_value(s: String) -> Value {
    serde_json::from_str(&s).unwrap_or(Value::String(s))
}
