//! OpenInference (Arize Phoenix): `llm.*`, `embedding.*`, `retrieval.documents.*`, `tool.*`,
//! `input.value` / `output.value` with their MIME types. Token counts are read in `usage.rs`.

use serde_json::{Map, Value};
use telemetry_types::attrs::{EmbeddingGeneration, LlmGeneration, RetrievedChunk, ToolCall};
use telemetry_types::{SpanEvent, Str, Timestamp};

use crate::bag::Bag;
use crate::read::fill_str;
use crate::read::json_object;
use crate::semconv::openinference as oi;
use crate::value;

/// `llm.provider`, then `llm.system` → provider.
pub(crate) fn provider(bag: &mut Bag, slot: &mut Option<Str>) {
    fill_str(bag, slot, oi::LLM_PROVIDER);
    fill_str(bag, slot, oi::LLM_SYSTEM);
}

/// `agent.name` → agent name.
pub(crate) fn agent_name(bag: &mut Bag, slot: &mut Option<Str>) {
    fill_str(bag, slot, oi::AGENT_NAME);
}

/// LLM attributes: the requested model and `stream` from `llm.invocation_parameters`,
/// `llm.model_name` (the model that answered), `llm.finish_reason`.
pub(crate) fn llm(bag: &mut Bag, a: &mut LlmGeneration) {
    if let Some(params) = json_object(bag, oi::LLM_INVOCATION_PARAMETERS) {
        a.model = params
            .get("model")
            .and_then(Value::as_str)
            .map(|m| Str::from(m.to_owned()));
        a.streaming = params.get("stream").and_then(Value::as_bool);
    }
    fill_str(bag, &mut a.response_model, oi::LLM_MODEL_NAME);
    if a.model.is_none() {
        a.model.clone_from(&a.response_model);
    }
    if let Some(reasons) = bag.take_as(oi::LLM_FINISH_REASON, value::as_string_list) {
        a.finish_reasons = reasons.into_iter().map(Str::from).collect();
    }
}

/// Embedding attributes: model, dimensions and encoding from `embedding.invocation_parameters`
/// and `embedding.model_name`; the number of inputs and the vectors' length from
/// `embedding.embeddings.N.embedding.*`, whose texts and vectors are kept in metadata.
pub(crate) fn embedding(bag: &mut Bag, a: &mut EmbeddingGeneration) {
    if let Some(params) = json_object(bag, oi::EMBEDDING_INVOCATION_PARAMETERS) {
        let s = |k: &str| {
            params
                .get(k)
                .and_then(Value::as_str)
                .map(|m| Str::from(m.to_owned()))
        };
        a.model = s("model");
        a.encoding_format = s("encoding_format");
        a.dimensions = params.get("dimensions").and_then(Value::as_u64);
    }
    fill_str(bag, &mut a.model, oi::EMBEDDING_MODEL_NAME);
}

/// Unflattens `embedding.embeddings.N.embedding.*` into a list, counting inputs and reading
/// the vectors' length; returns the list to keep in metadata.
pub(crate) fn embeddings_list(bag: &mut Bag, a: &mut EmbeddingGeneration) -> Option<Value> {
    let list = bag.unflatten(oi::EMBEDDING_EMBEDDINGS_PREFIX)?;
    let items = list.as_array()?;
    a.input_count = a.input_count.or(Some(items.len() as u64));
    let dims = items
        .iter()
        .filter_map(|e| e.pointer("/embedding/vector").and_then(Value::as_array))
        .map(|v| v.len() as u64)
        .next();
    a.dimensions = a.dimensions.or(dims);
    Some(list)
}

/// Tool attributes: `tool.name`, `tool.description`, `tool_call.id`.
pub(crate) fn tool(bag: &mut Bag, a: &mut ToolCall) {
    fill_str(bag, &mut a.tool_name, oi::TOOL_NAME);
    fill_str(bag, &mut a.description, oi::TOOL_DESCRIPTION);
    fill_str(bag, &mut a.call_id, oi::TOOL_CALL_ID);
}

/// `retrieval.documents.N.document.{id,content,score,metadata}` → chunks.
pub(crate) fn retrieval_documents(bag: &mut Bag) -> Vec<RetrievedChunk> {
    let Some(Value::Array(items)) = bag.unflatten(oi::RETRIEVAL_DOCUMENTS_PREFIX) else {
        return Vec::new();
    };
    items
        .into_iter()
        .map(|item| {
            let doc = item.get("document").cloned().unwrap_or(item);
            let text = |k: &str| doc.get(k).and_then(Value::as_str).map(str::to_owned);
            RetrievedChunk {
                id: text("id").map(Str::from),
                document_id: None,
                content: text("content"),
                score: doc.get("score").and_then(Value::as_f64),
                metadata: doc.get("metadata").map(|m| match m {
                    Value::String(s) => value::parse_json_text(s.clone()),
                    other => other.clone(),
                }),
            }
        })
        .collect()
}

/// `input.value` / `output.value`, parsed when their MIME type is JSON.
pub(crate) fn io(bag: &mut Bag, output: bool) -> Option<Value> {
    let (key, mime) = if output {
        (oi::OUTPUT_VALUE, oi::OUTPUT_MIME_TYPE)
    } else {
        (oi::INPUT_VALUE, oi::INPUT_MIME_TYPE)
    };
    let text = bag.take_string(key)?;
    let is_json = bag.take_string(mime).is_some_and(|m| m == oi::MIME_JSON);
    Some(if is_json {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    } else {
        Value::String(text)
    })
}

/// `llm.input_messages.N.message.*` / `llm.output_messages.N.message.*` → messages.
pub(crate) fn messages(bag: &mut Bag, output: bool) -> Option<Value> {
    let prefix = if output {
        oi::LLM_OUTPUT_MESSAGES_PREFIX
    } else {
        oi::LLM_INPUT_MESSAGES_PREFIX
    };
    let Value::Array(items) = bag.unflatten(prefix)? else {
        return None;
    };
    Some(Value::Array(
        items
            .into_iter()
            .map(|m| match m {
                Value::Object(mut o) if o.len() == 1 && o.contains_key("message") => {
                    o.remove("message").unwrap_or(Value::Null)
                }
                other => other,
            })
            .collect(),
    ))
}

/// Drops the flattened message keys once the same messages were read from another attribute.
pub(crate) fn drop_flattened_messages(bag: &mut Bag) {
    bag.take_prefix(oi::LLM_INPUT_MESSAGES_PREFIX);
    bag.take_prefix(oi::LLM_OUTPUT_MESSAGES_PREFIX);
}

/// Milliseconds from `start` to the `First Token Stream Event`.
pub(crate) fn time_to_first_token_ms(events: &[SpanEvent], start: Timestamp) -> Option<f64> {
    events
        .iter()
        .find(|e| e.name == oi::FIRST_TOKEN_EVENT)
        .map(|e| e.time.duration_since(start).as_secs_f64() * 1000.0)
}

/// `metadata` (a JSON object) → span metadata.
pub(crate) fn metadata(bag: &mut Bag, into: &mut Map<String, Value>) {
    if let Some(Value::Object(map)) = json_object(bag, oi::METADATA) {
        bag.remove(oi::METADATA);
        into.extend(map);
    }
}

/// `tag.tags` → tags.
pub(crate) fn tags(bag: &mut Bag) -> Option<Vec<String>> {
    bag.take_as(oi::TAG_TAGS, value::as_string_list)
}
