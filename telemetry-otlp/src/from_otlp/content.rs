//! Input and output of an incoming span, from whichever attribute carries them.

use serde_json::Value;
use telemetry_types::SpanType;

use crate::bag::Bag;
use crate::dialects::{deprecated, langfuse, mastra, openinference};
use crate::semconv::{self as sc, openinference::MIME_JSON, openllmetry as ol, ours};
use crate::value;

/// Reads input (`output == false`) or output. The first source found wins, in this order:
/// tool call arguments/result (tool spans), `gen_ai.input/output.messages`, ours, Langfuse,
/// Traceloop, OpenInference `input/output.value`, deprecated `gen_ai.prompt/completion.N.*`,
/// OpenInference flattened messages. Sources not chosen stay in the bag (so in metadata),
/// except flattened messages, which only repeat another source.
pub(crate) fn read_io(bag: &mut Bag, span_type: SpanType, output: bool) -> Option<Value> {
    let found = first_source(bag, span_type, output);
    if found.is_some() {
        openinference::drop_flattened_messages(bag);
    }
    found.or_else(|| openinference::messages(bag, output))
}

fn first_source(bag: &mut Bag, span_type: SpanType, output: bool) -> Option<Value> {
    if matches!(span_type, SpanType::ToolCall | SpanType::McpToolCall) {
        let key = if output {
            sc::GEN_AI_TOOL_CALL_RESULT
        } else {
            sc::GEN_AI_TOOL_CALL_ARGUMENTS
        };
        if let Some(v) = bag.take(key) {
            return Some(strict_json(v));
        }
    }
    let messages = if output {
        sc::GEN_AI_OUTPUT_MESSAGES
    } else {
        sc::GEN_AI_INPUT_MESSAGES
    };
    if let Some(v) = bag.take(messages) {
        return Some(strict_json(v));
    }
    ours(bag, output)
        .or_else(|| langfuse::io(bag, output))
        .or_else(|| mastra::io(bag, output))
        .or_else(|| traceloop(bag, output))
        .or_else(|| openinference::io(bag, output))
        .or_else(|| {
            if output {
                deprecated::completions(bag)
            } else {
                deprecated::prompts(bag)
            }
        })
}

/// A string parsed as JSON when it is JSON, otherwise kept as a string; structured values
/// converted.
fn strict_json(v: opentelemetry_proto::tonic::common::v1::any_value::Value) -> Value {
    match v {
        opentelemetry_proto::tonic::common::v1::any_value::Value::StringValue(s) => {
            serde_json::from_str(&s).unwrap_or(Value::String(s))
        }
        other => value::to_json(value::wrap(other)),
    }
}

fn ours(bag: &mut Bag, output: bool) -> Option<Value> {
    let (key, mime) = if output {
        (ours::OUTPUT, ours::OUTPUT_MIME_TYPE)
    } else {
        (ours::INPUT, ours::INPUT_MIME_TYPE)
    };
    let text = bag.take_string(key)?;
    let is_json = bag.take_string(mime).is_some_and(|m| m == MIME_JSON);
    Some(if is_json {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    } else {
        Value::String(text)
    })
}

fn traceloop(bag: &mut Bag, output: bool) -> Option<Value> {
    let key = if output {
        ol::ENTITY_OUTPUT
    } else {
        ol::ENTITY_INPUT
    };
    bag.take(key)
        .map(|v| value::as_json_lenient(value::wrap(v)))
}
