//! Trace-level fields (name, input, output, user, session, tags, environment, release,
//! context) of an incoming span.

use serde_json::Map;
use telemetry_types::{Str, TraceAttributes};

use super::ResourceInfo;
use crate::bag::Bag;
use crate::dialects::{langfuse, mastra, openinference};
use crate::read::fill_str;
use crate::semconv::{self as sc, langfuse as lf, ours};
use crate::value;

/// Reads the trace-level fields from the span, falling back to the resource for environment
/// and release.
pub(crate) fn read_trace(bag: &mut Bag, resource: &ResourceInfo) -> TraceAttributes {
    let mut t = TraceAttributes {
        name: langfuse::trace_name(bag),
        input: langfuse::trace_io(bag, false),
        output: langfuse::trace_io(bag, true),
        ..TraceAttributes::default()
    };
    for key in [sc::USER_ID, lf::USER_ID] {
        fill_str(bag, &mut t.user_id, key);
    }
    for key in [sc::SESSION_ID, lf::SESSION_ID, sc::GEN_AI_CONVERSATION_ID] {
        fill_str(bag, &mut t.session_id, key);
    }
    for key in [sc::DEPLOYMENT_ENVIRONMENT_NAME, lf::ENVIRONMENT] {
        fill_str(bag, &mut t.environment, key);
    }
    for key in [sc::SERVICE_VERSION, lf::RELEASE] {
        fill_str(bag, &mut t.release, key);
    }
    t.environment = t.environment.or_else(|| resource.environment.clone());
    t.release = t.release.or_else(|| resource.release.clone());
    t.tags = read_tags(bag);
    t.context = read_context(bag);
    mastra::trace(bag, &mut t);
    t
}

fn read_tags(bag: &mut Bag) -> Vec<Str> {
    let mut tags = bag
        .take_as(ours::TRACE_TAGS, value::as_string_list)
        .or_else(|| langfuse::tags(bag))
        .or_else(|| openinference::tags(bag))
        .or_else(|| mastra::tags(bag))
        .unwrap_or_default();
    tags.dedup();
    tags.into_iter().map(Str::from).collect()
}

fn read_context(bag: &mut Bag) -> Map<String, serde_json::Value> {
    let mut context = Map::new();
    if bag.has_prefix(ours::TRACE_CONTEXT_PREFIX) {
        for (k, v) in bag.take_prefix(ours::TRACE_CONTEXT_PREFIX) {
            context.insert(
                k,
                v.map_or(serde_json::Value::Null, |v| value::to_json(value::wrap(v))),
            );
        }
    }
    langfuse::trace_metadata(bag, &mut context);
    context
}
