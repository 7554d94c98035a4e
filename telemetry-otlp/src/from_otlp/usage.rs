//! Token usage, cost and model parameters from every dialect.

use serde_json::{Map, Value};
use telemetry_types::attrs::{Cost, ModelParameters, Usage};

use crate::bag::Bag;
use crate::read::json_object;
use crate::semconv::{
    self as sc, deprecated, langfuse, openinference as oi, openllmetry as ol, ours,
};
use crate::value;

/// Usage from current, deprecated, OpenLLMetry, OpenInference and Langfuse keys.
pub(crate) fn read_usage(bag: &mut Bag) -> Option<Usage> {
    let mut input = None;
    let mut output = None;
    let mut total = None;
    let mut cache_read = None;
    let mut cache_write = None;
    let mut reasoning = None;
    let sources: [(&mut Option<u64>, &[&str]); 6] = [
        (
            &mut input,
            &[
                sc::GEN_AI_USAGE_INPUT_TOKENS,
                deprecated::GEN_AI_USAGE_PROMPT_TOKENS,
                oi::TOKEN_COUNT_PROMPT,
            ],
        ),
        (
            &mut output,
            &[
                sc::GEN_AI_USAGE_OUTPUT_TOKENS,
                deprecated::GEN_AI_USAGE_COMPLETION_TOKENS,
                oi::TOKEN_COUNT_COMPLETION,
            ],
        ),
        (
            &mut total,
            &[
                ours::USAGE_TOTAL_TOKENS,
                ol::GEN_AI_USAGE_TOTAL_TOKENS,
                ol::LLM_USAGE_TOTAL_TOKENS,
                oi::TOKEN_COUNT_TOTAL,
            ],
        ),
        (
            &mut cache_read,
            &[
                sc::GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
                ol::GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
                oi::TOKEN_COUNT_CACHE_READ,
            ],
        ),
        (
            &mut cache_write,
            &[
                sc::GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
                ol::GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
                oi::TOKEN_COUNT_CACHE_WRITE,
            ],
        ),
        (
            &mut reasoning,
            &[
                sc::GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
                ol::GEN_AI_USAGE_REASONING_TOKENS,
                oi::TOKEN_COUNT_REASONING,
            ],
        ),
    ];
    for (slot, keys) in sources {
        for key in keys {
            bag.fill(slot, key, value::as_u64);
        }
    }
    let mut usage = Usage {
        input_tokens: input,
        output_tokens: output,
        total_tokens: total,
        cache_read_tokens: cache_read,
        cache_write_tokens: cache_write,
        reasoning_tokens: reasoning,
    };
    langfuse_usage(bag, &mut usage);
    (usage != Usage::default()).then_some(usage)
}

/// Reads a JSON object attribute; drops it only when every key was understood.
fn json_details(bag: &mut Bag, key: &str, apply: impl FnMut(&str, &Value) -> bool) -> bool {
    let Some(Value::Object(map)) = bag
        .peek(key)
        .and_then(value::as_string)
        .map(value::parse_json_text)
    else {
        return false;
    };
    if apply_all(&map, apply) {
        bag.remove(key);
    }
    true
}

fn apply_all(map: &Map<String, Value>, mut apply: impl FnMut(&str, &Value) -> bool) -> bool {
    let mut all = true;
    for (k, v) in map {
        all &= apply(k, v);
    }
    all
}

fn langfuse_usage(bag: &mut Bag, usage: &mut Usage) {
    json_details(bag, langfuse::USAGE_DETAILS, |k, v| {
        let slot = match k {
            "input" | "input_tokens" | "prompt_tokens" => &mut usage.input_tokens,
            "output" | "output_tokens" | "completion_tokens" => &mut usage.output_tokens,
            "total" | "total_tokens" => &mut usage.total_tokens,
            "cache_read_input_tokens"
            | "input_cached_tokens"
            | "input_cache_read"
            | "cached_tokens" => &mut usage.cache_read_tokens,
            "cache_creation_input_tokens" | "input_cache_creation" | "cache_write_tokens" => {
                &mut usage.cache_write_tokens
            }
            "reasoning_tokens" | "output_reasoning_tokens" | "output_reasoning" => {
                &mut usage.reasoning_tokens
            }
            _ => return false,
        };
        let n = v
            .as_u64()
            .or_else(|| v.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64));
        if slot.is_none() {
            *slot = n;
        }
        n.is_some()
    });
}

/// Cost from our keys and Langfuse's `cost_details`.
pub(crate) fn read_cost(bag: &mut Bag) -> Option<Cost> {
    let mut cost = Cost {
        input: bag.take_as(ours::COST_INPUT, value::as_f64),
        output: bag.take_as(ours::COST_OUTPUT, value::as_f64),
        cache_read: bag.take_as(ours::COST_CACHE_READ, value::as_f64),
        cache_write: bag.take_as(ours::COST_CACHE_WRITE, value::as_f64),
        reasoning: bag.take_as(ours::COST_REASONING, value::as_f64),
        total: bag
            .take_as(ours::COST_TOTAL, value::as_f64)
            .or_else(|| bag.take_as(deprecated::GEN_AI_USAGE_COST, value::as_f64)),
        currency: bag.take_string(ours::COST_CURRENCY).map(Into::into),
    };
    json_details(bag, langfuse::COST_DETAILS, |k, v| {
        let slot = match k {
            "input" => &mut cost.input,
            "output" => &mut cost.output,
            "total" => &mut cost.total,
            "cache_read_input_tokens" | "input_cached_tokens" | "input_cache_read" => {
                &mut cost.cache_read
            }
            "cache_creation_input_tokens" | "input_cache_creation" => &mut cost.cache_write,
            "reasoning_tokens" | "output_reasoning_tokens" | "output_reasoning" => {
                &mut cost.reasoning
            }
            _ => return false,
        };
        if slot.is_none() {
            *slot = v.as_f64();
        }
        v.is_number()
    });
    (cost != Cost::default()).then_some(cost)
}

/// Request parameters from `gen_ai.request.*`, then OpenInference's `llm.invocation_parameters`
/// and Langfuse's `model.parameters` (both JSON, left in metadata as they were).
pub(crate) fn read_parameters(bag: &mut Bag) -> Option<ModelParameters> {
    let mut p = ModelParameters {
        temperature: bag.take_as(sc::GEN_AI_REQUEST_TEMPERATURE, value::as_f64),
        max_tokens: bag.take_as(sc::GEN_AI_REQUEST_MAX_TOKENS, value::as_u64),
        top_p: bag.take_as(sc::GEN_AI_REQUEST_TOP_P, value::as_f64),
        top_k: bag.take_as(sc::GEN_AI_REQUEST_TOP_K, value::as_u64),
        stop: bag
            .take_as(sc::GEN_AI_REQUEST_STOP_SEQUENCES, value::as_string_list)
            .unwrap_or_default()
            .into_iter()
            .map(Into::into)
            .collect(),
        seed: bag.take_as(sc::GEN_AI_REQUEST_SEED, value::as_i64),
        frequency_penalty: bag.take_as(sc::GEN_AI_REQUEST_FREQUENCY_PENALTY, value::as_f64),
        presence_penalty: bag.take_as(sc::GEN_AI_REQUEST_PRESENCE_PENALTY, value::as_f64),
        choice_count: bag.take_as(sc::GEN_AI_REQUEST_CHOICE_COUNT, value::as_u64),
    };
    bag.fill(
        &mut p.seed,
        deprecated::GEN_AI_OPENAI_REQUEST_SEED,
        value::as_i64,
    );
    bag.fill(
        &mut p.frequency_penalty,
        ol::LLM_FREQUENCY_PENALTY,
        value::as_f64,
    );
    bag.fill(
        &mut p.presence_penalty,
        ol::LLM_PRESENCE_PENALTY,
        value::as_f64,
    );
    bag.fill(&mut p.top_k, ol::LLM_TOP_K, value::as_u64);
    if p.stop.is_empty()
        && let Some(stop) = bag.take_as(ol::LLM_CHAT_STOP_SEQUENCES, value::as_string_list)
    {
        p.stop = stop.into_iter().map(Into::into).collect();
    }
    for key in [oi::LLM_INVOCATION_PARAMETERS, langfuse::MODEL_PARAMETERS] {
        if let Some(Value::Object(map)) = json_object(bag, key) {
            fill_parameters(&mut p, &map);
        }
    }
    (p != ModelParameters::default()).then_some(p)
}

fn fill_parameters(p: &mut ModelParameters, map: &Map<String, Value>) {
    let f = |k: &str| map.get(k).and_then(Value::as_f64);
    let u = |k: &str| map.get(k).and_then(Value::as_u64);
    p.temperature = p.temperature.or(f("temperature"));
    p.max_tokens = p
        .max_tokens
        .or(u("max_tokens"))
        .or(u("max_completion_tokens"));
    p.top_p = p.top_p.or(f("top_p"));
    p.top_k = p.top_k.or(u("top_k"));
    p.seed = p.seed.or(map.get("seed").and_then(Value::as_i64));
    p.frequency_penalty = p.frequency_penalty.or(f("frequency_penalty"));
    p.presence_penalty = p.presence_penalty.or(f("presence_penalty"));
    p.choice_count = p.choice_count.or(u("n"));
    if p.stop.is_empty() {
        match map.get("stop") {
            Some(Value::String(s)) => p.stop.push(s.clone().into()),
            Some(Value::Array(items)) => p.stop.extend(
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|s| s.to_owned().into()),
            ),
            _ => {}
        }
    }
}
