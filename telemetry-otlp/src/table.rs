//! The mapping as data, rendered as the markdown of `docs/OTEL_MAPPING.md` (and reused by
//! `cargo xtask compat`). A test checks that every key listed for a span type is exactly what
//! [`span_to_otlp`](super::span_to_otlp) writes for it, so the table cannot drift from the code.

use std::fmt::Write as _;

use telemetry_types::SpanType;

use super::names;
use super::semconv::{
    self as sc, deprecated as dep, langfuse as lf, mastra as ms, openinference as oi,
    openllmetry as ol, ours,
};

/// One row: our field, the OTLP key, a note.
type Row = (&'static str, &'static str, &'static str);

/// Fields of every span, written as span attributes (or as the span's own fields).
#[rustfmt::skip]
const COMMON: &[Row] = &[
    ("type", ours::SPAN_TYPE, "our span type, so the read-back is exact"),
    ("name", ours::SPAN_NAME, "only when it differs from the conventional span name"),
    ("trace_id / span_id / parent_span_id", "(span ids)", "16/8-byte W3C ids; no parent = root"),
    ("start_time / end_time", "(span times)", "Unix nanoseconds; no end = 0"),
    ("status", "(span status)", "unset / ok / error"),
    ("error.kind", sc::ERROR_TYPE, ""),
    ("events", "(span events)", "name, time, attributes"),
    ("input", sc::GEN_AI_INPUT_MESSAGES, "JSON text, when it is chat messages (`role` + `parts`/`content`)"),
    ("input", ours::INPUT, "otherwise: a string as is, other JSON as text"),
    ("input", ours::INPUT_MIME_TYPE, "`application/json` when the input is JSON text"),
    ("output", sc::GEN_AI_OUTPUT_MESSAGES, "JSON text, when it is chat messages"),
    ("output", ours::OUTPUT, "otherwise: a string as is, other JSON as text"),
    ("output", ours::OUTPUT_MIME_TYPE, "`application/json` when the output is JSON text"),
    ("metadata.KEY", "ai_telemetry.metadata.KEY", "native OTLP values (objects as key/value lists)"),
    ("errored_descendants", ours::ERRORED_DESCENDANTS, "hex span ids"),
    ("ended_by_drop", ours::ENDED_BY_DROP, "only when true"),
    ("trace.user_id", sc::USER_ID, ""),
    ("trace.session_id", sc::SESSION_ID, ""),
    ("trace.tags", ours::TRACE_TAGS, "string array"),
    ("trace.environment", sc::DEPLOYMENT_ENVIRONMENT_NAME, ""),
    ("trace.release", sc::SERVICE_VERSION, ""),
    ("trace.context.KEY", "ai_telemetry.trace.context.KEY", "native OTLP values"),
];

/// Fields written outside the span's attributes: on the resource and the `exception` event.
#[rustfmt::skip]
const ELSEWHERE: &[Row] = &[
    ("service_name", sc::SERVICE_NAME, "resource attribute; one ResourceSpans per service"),
    ("error.kind", sc::EXCEPTION_TYPE, "on the `exception` event"),
    ("error.message", sc::EXCEPTION_MESSAGE, "on the `exception` event; also the status message"),
    ("error.source_chain", ours::ERROR_SOURCE_CHAIN, "on the `exception` event"),
    ("error.retryable", ours::ERROR_RETRYABLE, "on the `exception` event"),
    ("error.category", ours::ERROR_CATEGORY, "on the `exception` event"),
];

const AGENT: &[Row] = &[
    ("agent_id", sc::GEN_AI_AGENT_ID, ""),
    ("agent_name", sc::GEN_AI_AGENT_NAME, ""),
    ("description", sc::GEN_AI_AGENT_DESCRIPTION, ""),
    (
        "instructions",
        sc::GEN_AI_SYSTEM_INSTRUCTIONS,
        "JSON: one text part",
    ),
    (
        "available_tools",
        ours::AGENT_AVAILABLE_TOOLS,
        "string array",
    ),
    ("max_steps", ours::AGENT_MAX_STEPS, ""),
    ("steps", ours::AGENT_STEPS, ""),
    ("model", sc::GEN_AI_REQUEST_MODEL, ""),
    ("provider", sc::GEN_AI_PROVIDER_NAME, ""),
    (
        "trace.session_id",
        sc::GEN_AI_CONVERSATION_ID,
        "besides `session.id`",
    ),
];

const WORKFLOW_RUN: &[Row] = &[
    ("workflow_name", sc::GEN_AI_WORKFLOW_NAME, ""),
    ("workflow_id", ours::WORKFLOW_ID, ""),
    ("run_id", ours::WORKFLOW_RUN_ID, ""),
    (
        "status",
        ours::WORKFLOW_STATUS,
        "pending, running, suspended, succeeded, failed, cancelled",
    ),
    ("attempt", ours::WORKFLOW_ATTEMPT, ""),
    ("suspended", ours::WORKFLOW_SUSPENDED, ""),
    ("resumed", ours::WORKFLOW_RESUMED, ""),
    ("resumed_from_step", ours::WORKFLOW_RESUMED_FROM_STEP, ""),
];

const WORKFLOW_STEP: &[Row] = &[
    ("workflow_name", sc::GEN_AI_WORKFLOW_NAME, ""),
    ("workflow_id", ours::WORKFLOW_ID, ""),
    ("run_id", ours::WORKFLOW_RUN_ID, ""),
    ("step_id", ours::WORKFLOW_STEP_ID, ""),
    ("step_name", ours::WORKFLOW_STEP_NAME, ""),
    ("status", ours::WORKFLOW_STATUS, ""),
    ("attempt", ours::WORKFLOW_ATTEMPT, ""),
    ("suspended", ours::WORKFLOW_SUSPENDED, ""),
    ("resumed", ours::WORKFLOW_RESUMED, ""),
];

const USAGE_AND_COST: &[Row] = &[
    ("usage.input_tokens", sc::GEN_AI_USAGE_INPUT_TOKENS, ""),
    ("usage.output_tokens", sc::GEN_AI_USAGE_OUTPUT_TOKENS, ""),
    (
        "usage.total_tokens",
        ours::USAGE_TOTAL_TOKENS,
        "the conventions have no total",
    ),
    (
        "usage.cache_read_tokens",
        sc::GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
        "",
    ),
    (
        "usage.cache_write_tokens",
        sc::GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
        "",
    ),
    (
        "usage.reasoning_tokens",
        sc::GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
        "",
    ),
    ("cost.input", ours::COST_INPUT, ""),
    ("cost.output", ours::COST_OUTPUT, ""),
    ("cost.cache_read", ours::COST_CACHE_READ, ""),
    ("cost.cache_write", ours::COST_CACHE_WRITE, ""),
    ("cost.reasoning", ours::COST_REASONING, ""),
    ("cost.total", ours::COST_TOTAL, ""),
    (
        "cost.currency",
        ours::COST_CURRENCY,
        "ISO 4217; USD when absent",
    ),
];

const LLM: &[Row] = &[
    ("model", sc::GEN_AI_REQUEST_MODEL, ""),
    ("provider", sc::GEN_AI_PROVIDER_NAME, ""),
    (
        "operation",
        sc::GEN_AI_OPERATION_NAME,
        "chat (also when unset), text_completion, generate_content",
    ),
    (
        "result_type",
        ours::LLM_RESULT_TYPE,
        "tool_selection, response_generation, reasoning",
    ),
    ("parameters.temperature", sc::GEN_AI_REQUEST_TEMPERATURE, ""),
    ("parameters.max_tokens", sc::GEN_AI_REQUEST_MAX_TOKENS, ""),
    ("parameters.top_p", sc::GEN_AI_REQUEST_TOP_P, ""),
    (
        "parameters.top_k",
        sc::GEN_AI_REQUEST_TOP_K,
        "a double, as the conventions type it",
    ),
    ("parameters.stop", sc::GEN_AI_REQUEST_STOP_SEQUENCES, ""),
    ("parameters.seed", sc::GEN_AI_REQUEST_SEED, ""),
    (
        "parameters.frequency_penalty",
        sc::GEN_AI_REQUEST_FREQUENCY_PENALTY,
        "",
    ),
    (
        "parameters.presence_penalty",
        sc::GEN_AI_REQUEST_PRESENCE_PENALTY,
        "",
    ),
    (
        "parameters.choice_count",
        sc::GEN_AI_REQUEST_CHOICE_COUNT,
        "",
    ),
    ("streaming", sc::GEN_AI_REQUEST_STREAM, ""),
    (
        "time_to_first_token_ms",
        sc::GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
        "in seconds",
    ),
    ("finish_reasons", sc::GEN_AI_RESPONSE_FINISH_REASONS, ""),
    ("response_model", sc::GEN_AI_RESPONSE_MODEL, ""),
    ("response_id", sc::GEN_AI_RESPONSE_ID, ""),
    (
        "trace.session_id",
        sc::GEN_AI_CONVERSATION_ID,
        "besides `session.id`",
    ),
];

const TOOL: &[Row] = &[
    ("tool_name", sc::GEN_AI_TOOL_NAME, ""),
    ("tool_id", ours::TOOL_ID, ""),
    ("call_id", sc::GEN_AI_TOOL_CALL_ID, ""),
    ("description", sc::GEN_AI_TOOL_DESCRIPTION, ""),
    ("tool_type", sc::GEN_AI_TOOL_TYPE, ""),
    ("success", ours::TOOL_SUCCESS, ""),
    (
        "input",
        sc::GEN_AI_TOOL_CALL_ARGUMENTS,
        "JSON text (instead of the common input keys)",
    ),
    (
        "output",
        sc::GEN_AI_TOOL_CALL_RESULT,
        "JSON text (instead of the common output keys)",
    ),
];

const MCP: &[Row] = &[
    ("(always)", sc::MCP_METHOD_NAME, "`tools/call`"),
    ("tool_name", sc::GEN_AI_TOOL_NAME, ""),
    ("tool_id", ours::TOOL_ID, ""),
    ("call_id", sc::JSONRPC_REQUEST_ID, ""),
    ("description", sc::GEN_AI_TOOL_DESCRIPTION, ""),
    ("success", ours::TOOL_SUCCESS, ""),
    ("server_name", ours::MCP_SERVER_NAME, ""),
    ("server_version", ours::MCP_SERVER_VERSION, ""),
    (
        "transport",
        ours::MCP_TRANSPORT,
        "stdio, streamable_http, sse, websocket",
    ),
    (
        "transport",
        sc::NETWORK_TRANSPORT,
        "`pipe` for stdio, `tcp` otherwise",
    ),
    ("session_id", sc::MCP_SESSION_ID, ""),
    ("protocol_version", sc::MCP_PROTOCOL_VERSION, ""),
    ("input", sc::GEN_AI_TOOL_CALL_ARGUMENTS, "JSON text"),
    ("output", sc::GEN_AI_TOOL_CALL_RESULT, "JSON text"),
];

const MEMORY_LOOKUP: &[Row] = &[
    ("memory_store", ours::MEMORY_STORE, ""),
    (
        "operation",
        ours::MEMORY_OPERATION,
        "search, get, add, update, upsert, delete",
    ),
    ("query", ours::MEMORY_QUERY, ""),
    ("thread_id", sc::GEN_AI_CONVERSATION_ID, ""),
    ("resource_id", ours::MEMORY_RESOURCE_ID, ""),
    ("top_k", sc::GEN_AI_REQUEST_TOP_K, ""),
    ("results", ours::MEMORY_RESULTS, "JSON text"),
];

const MEMORY_UPDATE: &[Row] = &[
    ("memory_store", ours::MEMORY_STORE, ""),
    (
        "operation",
        ours::MEMORY_OPERATION,
        "`delete` → operation `delete_memory`",
    ),
    ("thread_id", sc::GEN_AI_CONVERSATION_ID, ""),
    ("resource_id", ours::MEMORY_RESOURCE_ID, ""),
    ("record_ids", ours::MEMORY_RECORD_IDS, "string array"),
    ("record_count", ours::MEMORY_RECORD_COUNT, ""),
];

const RAG: &[Row] = &[
    ("vector_store", ours::RAG_VECTOR_STORE, ""),
    ("index", sc::GEN_AI_DATA_SOURCE_ID, ""),
    ("query", sc::GEN_AI_RETRIEVAL_QUERY_TEXT, ""),
    ("top_k", sc::GEN_AI_REQUEST_TOP_K, ""),
    ("filter", ours::RAG_FILTER, "JSON text"),
    ("embedding_model", ours::RAG_EMBEDDING_MODEL, ""),
    (
        "chunks",
        sc::GEN_AI_RETRIEVAL_DOCUMENTS,
        "JSON text: id, document_id, content, score, metadata",
    ),
];

const EMBEDDING: &[Row] = &[
    ("model", sc::GEN_AI_REQUEST_MODEL, ""),
    ("provider", sc::GEN_AI_PROVIDER_NAME, ""),
    ("input_count", ours::EMBEDDINGS_INPUT_COUNT, ""),
    ("dimensions", sc::GEN_AI_EMBEDDINGS_DIMENSION_COUNT, ""),
    (
        "encoding_format",
        sc::GEN_AI_REQUEST_ENCODING_FORMATS,
        "one-element array",
    ),
    ("response_model", sc::GEN_AI_RESPONSE_MODEL, ""),
];

const EVAL: &[Row] = &[
    (
        "metric",
        sc::GEN_AI_EVALUATION_NAME,
        "also on the `gen_ai.evaluation.result` event",
    ),
    (
        "score",
        sc::GEN_AI_EVALUATION_SCORE_VALUE,
        "also on the event",
    ),
    (
        "label",
        sc::GEN_AI_EVALUATION_SCORE_LABEL,
        "also on the event",
    ),
    (
        "reason",
        sc::GEN_AI_EVALUATION_EXPLANATION,
        "also on the event",
    ),
    ("evaluator", ours::EVAL_EVALUATOR, ""),
    ("passed", ours::EVAL_PASSED, ""),
    ("threshold", ours::EVAL_THRESHOLD, ""),
    ("evaluated_trace_id", ours::EVAL_TRACE_ID, "hex"),
    ("evaluated_span_id", ours::EVAL_SPAN_ID, "hex"),
];

const GENERIC: &[Row] = &[(
    "fields.KEY",
    "KEY",
    "each field under its own key, native OTLP values",
)];

/// The rows of one span type (without the common rows and without usage/cost).
fn typed_rows(span_type: SpanType) -> &'static [Row] {
    match span_type {
        SpanType::AgentRun => AGENT,
        SpanType::WorkflowRun => WORKFLOW_RUN,
        SpanType::WorkflowStep => WORKFLOW_STEP,
        SpanType::LlmGeneration => LLM,
        SpanType::ToolCall => TOOL,
        SpanType::McpToolCall => MCP,
        SpanType::MemoryLookup => MEMORY_LOOKUP,
        SpanType::MemoryUpdate => MEMORY_UPDATE,
        SpanType::RagQuery => RAG,
        SpanType::EmbeddingGeneration => EMBEDDING,
        SpanType::EvalExecution => EVAL,
        SpanType::Generic => GENERIC,
    }
}

fn has_usage(span_type: SpanType) -> bool {
    matches!(
        span_type,
        SpanType::LlmGeneration | SpanType::EmbeddingGeneration
    )
}

/// Every OTLP attribute key the table lists for `span_type` (common rows included, the
/// `…KEY` prefixes and pseudo-keys in parentheses excluded), sorted and deduplicated. A test
/// compares it with what [`span_to_otlp`](super::span_to_otlp) writes.
pub fn mapped_keys(span_type: SpanType) -> Vec<&'static str> {
    let usage: &[Row] = if has_usage(span_type) {
        USAGE_AND_COST
    } else {
        &[]
    };
    let mut keys: Vec<&'static str> = COMMON
        .iter()
        .chain(typed_rows(span_type))
        .chain(usage)
        .map(|(_, key, _)| *key)
        .filter(|k| !k.starts_with('(') && !k.ends_with("KEY"))
        .collect();
    if names::operation_name_of(span_type).is_some() {
        keys.push(sc::GEN_AI_OPERATION_NAME);
    }
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Foreign dialect key → our field.
const INBOUND: &[(&str, &[Row])] = &[
    (
        "Deprecated `gen_ai.*`",
        &[
            (
                dep::GEN_AI_SYSTEM,
                "provider",
                "when `gen_ai.provider.name` is absent",
            ),
            (dep::GEN_AI_USAGE_PROMPT_TOKENS, "usage.input_tokens", ""),
            (
                dep::GEN_AI_USAGE_COMPLETION_TOKENS,
                "usage.output_tokens",
                "",
            ),
            (
                "gen_ai.prompt.N.*",
                "input",
                "rebuilt as a list of messages",
            ),
            (
                "gen_ai.completion.N.*",
                "output",
                "rebuilt; `finish_reason`s → finish_reasons",
            ),
            (dep::GEN_AI_OPENAI_REQUEST_SEED, "parameters.seed", ""),
            (
                dep::GEN_AI_USAGE_COST,
                "cost.total",
                "not in the conventions; some SDKs send it",
            ),
            (
                sc::GEN_AI_CONVERSATION_ID,
                "trace.session_id",
                "when no `session.id` (memory spans: thread_id)",
            ),
        ],
    ),
    (
        "OpenInference",
        &[
            (
                oi::SPAN_KIND,
                "span type",
                "LLM, EMBEDDING, TOOL, AGENT, CHAIN (workflow run), RETRIEVER (RAG query), EVALUATOR; RERANKER → RAG query and GUARDRAIL → generic, the kind kept in metadata",
            ),
            (
                oi::LLM_INVOCATION_PARAMETERS,
                "model, streaming, parameters",
                "`model`, `stream`, temperature, max_tokens, …; the JSON is kept in metadata",
            ),
            (
                oi::LLM_MODEL_NAME,
                "response_model",
                "and model when the invocation parameters have none",
            ),
            (oi::LLM_PROVIDER, "provider", ""),
            (oi::LLM_SYSTEM, "provider", "when `llm.provider` is absent"),
            (oi::TOKEN_COUNT_PROMPT, "usage.input_tokens", ""),
            (oi::TOKEN_COUNT_COMPLETION, "usage.output_tokens", ""),
            (oi::TOKEN_COUNT_TOTAL, "usage.total_tokens", ""),
            (oi::TOKEN_COUNT_CACHE_READ, "usage.cache_read_tokens", ""),
            (oi::TOKEN_COUNT_CACHE_WRITE, "usage.cache_write_tokens", ""),
            (oi::TOKEN_COUNT_REASONING, "usage.reasoning_tokens", ""),
            (oi::LLM_FINISH_REASON, "finish_reasons", ""),
            (
                oi::INPUT_VALUE,
                "input",
                "parsed when `input.mime_type` is JSON",
            ),
            (
                oi::OUTPUT_VALUE,
                "output",
                "parsed when `output.mime_type` is JSON",
            ),
            (
                "llm.input_messages.N.message.*",
                "input",
                "only when no other input; dropped otherwise",
            ),
            (
                "llm.output_messages.N.message.*",
                "output",
                "only when no other output; dropped otherwise",
            ),
            (oi::EMBEDDING_MODEL_NAME, "model", "embedding spans"),
            (
                oi::EMBEDDING_INVOCATION_PARAMETERS,
                "model, dimensions, encoding_format",
                "",
            ),
            (
                "embedding.embeddings.N.embedding.*",
                "input_count, dimensions",
                "texts and vectors kept in metadata `embedding.embeddings`",
            ),
            (
                "retrieval.documents.N.document.*",
                "chunks",
                "id, content, score, metadata",
            ),
            (oi::TOOL_NAME, "tool_name", ""),
            (oi::TOOL_DESCRIPTION, "description", ""),
            (oi::TOOL_CALL_ID, "call_id", ""),
            (oi::AGENT_NAME, "agent_name", ""),
            (sc::SESSION_ID, "trace.session_id", ""),
            (sc::USER_ID, "trace.user_id", ""),
            (oi::TAG_TAGS, "trace.tags", ""),
            (oi::METADATA, "metadata", "JSON object merged"),
            (
                oi::FIRST_TOKEN_EVENT,
                "time_to_first_token_ms",
                "event time − start; the event is kept",
            ),
        ],
    ),
    (
        "OpenLLMetry (Traceloop)",
        &[
            (
                ol::SPAN_KIND,
                "span type",
                "workflow, task (workflow step), agent, tool",
            ),
            (ol::ENTITY_NAME, "agent / tool / workflow / step name", ""),
            (ol::WORKFLOW_NAME, "workflow_name", ""),
            (ol::ENTITY_INPUT, "input", "JSON"),
            (ol::ENTITY_OUTPUT, "output", "JSON"),
            (
                ol::LLM_REQUEST_TYPE,
                "span type, operation",
                "chat, completion, embedding",
            ),
            (ol::LLM_USAGE_TOTAL_TOKENS, "usage.total_tokens", ""),
            (ol::GEN_AI_USAGE_TOTAL_TOKENS, "usage.total_tokens", ""),
            (
                ol::GEN_AI_USAGE_REASONING_TOKENS,
                "usage.reasoning_tokens",
                "",
            ),
            (
                ol::GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
                "usage.cache_read_tokens",
                "",
            ),
            (
                ol::GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
                "usage.cache_write_tokens",
                "",
            ),
            (ol::GEN_AI_IS_STREAMING, "streaming", ""),
            (ol::LLM_IS_STREAMING, "streaming", ""),
            (ol::LLM_REQUEST_MODEL, "model", ""),
            (ol::LLM_RESPONSE_MODEL, "response_model", ""),
            (
                ol::LLM_FREQUENCY_PENALTY,
                "parameters.frequency_penalty",
                "",
            ),
            (ol::LLM_PRESENCE_PENALTY, "parameters.presence_penalty", ""),
            (ol::LLM_TOP_K, "parameters.top_k", ""),
            (ol::LLM_CHAT_STOP_SEQUENCES, "parameters.stop", ""),
        ],
    ),
    (
        "Langfuse",
        &[
            (
                lf::OBSERVATION_TYPE,
                "span type",
                "generation, embedding, agent, tool, retriever, evaluator, chain (workflow run); span, event, guardrail → by the other attributes, the type kept in metadata",
            ),
            (lf::MODEL_NAME, "model", ""),
            (lf::MODEL_PARAMETERS, "parameters", "JSON; kept in metadata"),
            (
                lf::USAGE_DETAILS,
                "usage",
                "JSON: input, output, total, cache_read_input_tokens, …",
            ),
            (lf::COST_DETAILS, "cost", "JSON: input, output, total, …"),
            (lf::INPUT, "input", "JSON or text"),
            (lf::OUTPUT, "output", "JSON or text"),
            (
                lf::LEVEL,
                "status, error",
                "`ERROR` → status error; other levels kept in metadata",
            ),
            (lf::STATUS_MESSAGE, "error.message", "kind `langfuse.error`"),
            (
                lf::COMPLETION_START_TIME,
                "time_to_first_token_ms",
                "JSON or bare RFC 3339 time − start",
            ),
            (lf::USER_ID, "trace.user_id", "also `user.id`"),
            (lf::SESSION_ID, "trace.session_id", "also `session.id`"),
            (
                lf::TRACE_TAGS,
                "trace.tags",
                "array, JSON array or comma-separated",
            ),
            (
                "langfuse.trace.metadata(.KEY)",
                "trace.context",
                "each value JSON-decoded",
            ),
            (
                "langfuse.observation.metadata(.KEY)",
                "metadata",
                "each value JSON-decoded",
            ),
            (
                "langfuse.observation.prompt.name / .version",
                "metadata `prompt`",
                "`{name, version}`",
            ),
            (lf::TRACE_INPUT, "trace.input", "JSON or text"),
            (lf::TRACE_OUTPUT, "trace.output", "JSON or text"),
            (lf::RELEASE, "trace.release", ""),
            (lf::ENVIRONMENT, "trace.environment", ""),
            (
                lf::TRACE_NAME,
                "trace.name",
                "the trace's name instead of its root span's",
            ),
        ],
    ),
    (
        "Mastra",
        &[
            (
                ms::SPAN_TYPE,
                "span type",
                "agent_run, model_inference (one model call; 0.x llm_generation), tool_call, mcp_tool_call, workflow_run, rag_embedding; model_generation / model_step / model_chunk, workflow_* and processor_run → workflow step (usage they carry kept in metadata: tokens count once, on the inference); kept in metadata",
            ),
            (ms::USER_ID, "trace.user_id", ""),
            (
                "mastra.metadata.sessionId / threadId",
                "trace.session_id",
                "sessionId first",
            ),
            (ms::RESOURCE_ID, "trace.context `resourceId`", ""),
            (ms::TAGS, "trace.tags", "JSON array or array"),
            (
                "mastra.<span type>.input / .output",
                "input / output",
                "also `mastra.input` / `mastra.output`; JSON or text",
            ),
            ("mastra.metadata.KEY", "metadata", "under KEY"),
        ],
    ),
    (
        "Any dialect",
        &[
            (
                "(any other attribute)",
                "metadata / generic fields",
                "under its own key: nothing is dropped",
            ),
            (
                "(instrumentation scope)",
                "metadata `otel.scope.name`",
                "for scopes other than ours",
            ),
            (
                "(links)",
                "metadata `ai_telemetry.links`",
                "trace id, span id, attributes",
            ),
            (
                "(resource) deployment.environment.name / service.version",
                "trace.environment / release",
                "when the span has none",
            ),
            (
                "(exception event)",
                "error",
                "the last one; dropped only when every attribute was mapped",
            ),
        ],
    ),
];

fn row(out: &mut String, cells: [&str; 3]) {
    let cell = |s: &str| {
        if s.is_empty() {
            String::new()
        } else {
            s.replace('|', "\\|")
        }
    };
    let _ = writeln!(
        out,
        "| {} | {} | {} |",
        cell(cells[0]),
        cell(cells[1]),
        cell(cells[2])
    );
}

fn code(s: &str) -> String {
    if s.starts_with('(') {
        s.to_owned()
    } else {
        format!("`{s}`")
    }
}

fn outbound(out: &mut String) {
    out.push_str("### Every span\n\n| our field | OTLP | note |\n|---|---|---|\n");
    for (field, key, note) in COMMON.iter().chain(ELSEWHERE) {
        row(out, [&code(field), &code(key), note]);
    }
    for t in SpanType::ALL {
        let op = names::operation_name_of(t).unwrap_or("—");
        let _ = write!(
            out,
            "\n### `{t}`\n\nspan kind `{}`, `gen_ai.operation.name` `{op}`, span name {}\n\n| our field | OTLP | note |\n|---|---|---|\n",
            names::span_kind(t)
                .as_str_name()
                .trim_start_matches("SPAN_KIND_"),
            names::span_name_rule(t),
        );
        let usage: &[Row] = if has_usage(t) { USAGE_AND_COST } else { &[] };
        for (field, key, note) in typed_rows(t).iter().chain(usage) {
            row(out, [&code(field), &code(key), note]);
        }
    }
}

fn inbound(out: &mut String) {
    for (dialect, rows) in INBOUND {
        let _ = write!(
            out,
            "\n### {dialect}\n\n| OTLP | our field | note |\n|---|---|---|\n"
        );
        for (key, field, note) in *rows {
            row(out, [&code(key), field, note]);
        }
    }
}

/// The full mapping as markdown: the conventions version, our namespace, our fields → OTLP
/// per span type, and each foreign dialect's keys → our fields.
pub fn mapping_table() -> String {
    let mut out = String::with_capacity(24 * 1024);
    let _ = write!(
        out,
        "Follows the GenAI semantic conventions of OpenTelemetry semantic-conventions v{} \
         (schema `{}`); names the conventions lack are under `{}`.\n\n## Outbound: our spans → OTLP\n\n",
        sc::SEMCONV_VERSION,
        sc::SCHEMA_URL,
        ours::NS,
    );
    outbound(&mut out);
    out.push_str("\n## Inbound: OTLP → our spans\n\nThe names of the outbound table are read back first, then the dialects below fill what is still empty. On OpenInference spans the `llm.*` values come first (the `gen_ai.*` copy OpenInference adds names the response model as the request model). A key whose value conflicts with one already read is kept in metadata.\n");
    inbound(&mut out);
    out
}
