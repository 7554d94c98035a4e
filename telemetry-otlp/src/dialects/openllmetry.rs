//! OpenLLMetry (Traceloop): `traceloop.*` decorator keys, `llm.request.type`,
//! `llm.is_streaming` / `gen_ai.is_streaming`, `llm.request.model`. Usage names are read in
//! `usage.rs`.

use telemetry_types::Str;
use telemetry_types::attrs::{LlmGeneration, LlmOperation};

use crate::bag::Bag;
use crate::read::fill_str;
use crate::semconv::openllmetry as ol;
use crate::value;

/// `traceloop.entity.name` → the agent, tool, workflow or step name.
pub(crate) fn entity_name(bag: &mut Bag, slot: &mut Option<Str>) {
    fill_str(bag, slot, ol::ENTITY_NAME);
}

/// `traceloop.workflow.name` → the workflow name.
pub(crate) fn workflow_name(bag: &mut Bag, slot: &mut Option<Str>) {
    fill_str(bag, slot, ol::WORKFLOW_NAME);
}

/// LLM attributes OpenLLMetry names its own way.
pub(crate) fn llm(bag: &mut Bag, a: &mut LlmGeneration) {
    bag.fill(&mut a.streaming, ol::GEN_AI_IS_STREAMING, value::as_bool);
    bag.fill(&mut a.streaming, ol::LLM_IS_STREAMING, value::as_bool);
    bag.fill(
        &mut a.operation,
        ol::LLM_REQUEST_TYPE,
        |v| match value::as_string(v)?.as_str() {
            "chat" => Some(LlmOperation::Chat),
            "completion" => Some(LlmOperation::TextCompletion),
            _ => None,
        },
    );
    fill_str(bag, &mut a.model, ol::LLM_REQUEST_MODEL);
    fill_str(bag, &mut a.response_model, ol::LLM_RESPONSE_MODEL);
}

/// Embedding spans: `llm.request.type` `embedding` says nothing more than the span type.
pub(crate) fn embedding(bag: &mut Bag) {
    bag.take_as(ol::LLM_REQUEST_TYPE, |v| {
        value::as_string(v).filter(|s| s == "embedding")
    });
}
