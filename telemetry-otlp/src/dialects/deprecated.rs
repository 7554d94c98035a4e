//! Deprecated `gen_ai.*` names: `gen_ai.system`, flattened `gen_ai.prompt.N.*` and
//! `gen_ai.completion.N.*` (OpenLLMetry before 0.49). Usage names are read in `usage.rs`.

use serde_json::Value;
use telemetry_types::Str;

use crate::bag::Bag;
use crate::read::fill_str;
use crate::semconv::deprecated as dep;

/// `gen_ai.system` → provider.
pub(crate) fn provider(bag: &mut Bag, slot: &mut Option<Str>) {
    fill_str(bag, slot, dep::GEN_AI_SYSTEM);
}

/// `gen_ai.prompt.N.*` → the input messages.
pub(crate) fn prompts(bag: &mut Bag) -> Option<Value> {
    bag.unflatten(dep::GEN_AI_PROMPT_PREFIX)
}

/// `gen_ai.completion.N.*` → the output messages.
pub(crate) fn completions(bag: &mut Bag) -> Option<Value> {
    bag.unflatten(dep::GEN_AI_COMPLETION_PREFIX)
}

/// Finish reasons found inside output messages (`finish_reason` of each).
pub(crate) fn finish_reasons(output: &Value) -> Vec<Str> {
    output
        .as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|m| m.get(dep::FINISH_REASON_FIELD).and_then(Value::as_str))
                .map(|s| Str::from(s.to_owned()))
                .collect()
        })
        .unwrap_or_default()
}
