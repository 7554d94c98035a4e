//! Every attribute name the OpenTelemetry mapping reads or writes, in one place.
//!
//! # Version followed
//!
//! The GenAI names follow the **GenAI semantic conventions of OpenTelemetry
//! semantic-conventions v1.41.0**, the last release that carried them (they now live in the
//! `semantic-conventions-genai` repository, all in *development* status). The upstream crate
//! `opentelemetry-semantic-conventions` marks those names experimental and deprecated, so they
//! are spelled here once; where that crate has a **stable** constant (`error.type`,
//! `server.address`, `service.name`, `exception.*`, …) it is re-exported instead.
//!
//! # Our namespace
//!
//! What the conventions lack lives under one prefix, [`ours::NS`] (`ai_telemetry.`), documented in
//! `docs/OTEL_MAPPING.md`.
//!
//! The foreign dialects the server reads (deprecated `gen_ai.*`, OpenInference, OpenLLMetry,
//! Langfuse) have their own submodules.

use opentelemetry_semantic_conventions::attribute as stable;

/// The semantic-conventions release whose GenAI names this module follows.
pub const SEMCONV_VERSION: &str = "1.41.0";
/// Schema URL of [`SEMCONV_VERSION`], written on every exported scope.
pub const SCHEMA_URL: &str = "https://opentelemetry.io/schemas/1.41.0";

// ---- stable names (from opentelemetry-semantic-conventions) ----

/// `service.name` (stable): resource attribute naming the service.
pub const SERVICE_NAME: &str = stable::SERVICE_NAME;
/// `service.version` (stable): our trace-level `release`.
pub const SERVICE_VERSION: &str = stable::SERVICE_VERSION;
/// `deployment.environment.name`: our trace-level `environment`.
pub const DEPLOYMENT_ENVIRONMENT_NAME: &str = stable::DEPLOYMENT_ENVIRONMENT_NAME;
/// `error.type` (stable): the error's kind on a failed span.
pub const ERROR_TYPE: &str = stable::ERROR_TYPE;
/// `exception.type` (stable), on the `exception` event.
pub const EXCEPTION_TYPE: &str = stable::EXCEPTION_TYPE;
/// `exception.message` (stable), on the `exception` event.
pub const EXCEPTION_MESSAGE: &str = stable::EXCEPTION_MESSAGE;
/// `exception.stacktrace` (stable), read from foreign `exception` events.
pub const EXCEPTION_STACKTRACE: &str = stable::EXCEPTION_STACKTRACE;
/// `server.address` (stable).
pub const SERVER_ADDRESS: &str = stable::SERVER_ADDRESS;
/// `server.port` (stable).
pub const SERVER_PORT: &str = stable::SERVER_PORT;
/// `network.transport` (stable): `pipe` for MCP over stdio, `tcp` otherwise.
pub const NETWORK_TRANSPORT: &str = stable::NETWORK_TRANSPORT;
/// `otel.scope.name` (stable): kept in metadata for spans of foreign scopes.
pub const OTEL_SCOPE_NAME: &str = stable::OTEL_SCOPE_NAME;

/// Name of the span event that carries an exception (OpenTelemetry trace spec).
pub const EXCEPTION_EVENT: &str = "exception";

// ---- general names in development status ----

/// `user.id`: our trace-level `user_id`.
pub const USER_ID: &str = "user.id";
/// `session.id`: our trace-level `session_id`.
pub const SESSION_ID: &str = "session.id";
/// `jsonrpc.request.id`: the MCP call id.
pub const JSONRPC_REQUEST_ID: &str = "jsonrpc.request.id";

// ---- GenAI (v1.41, development) ----

/// `gen_ai.operation.name`.
pub const GEN_AI_OPERATION_NAME: &str = "gen_ai.operation.name";
/// `gen_ai.provider.name`.
pub const GEN_AI_PROVIDER_NAME: &str = "gen_ai.provider.name";
/// `gen_ai.conversation.id`.
pub const GEN_AI_CONVERSATION_ID: &str = "gen_ai.conversation.id";
/// `gen_ai.data_source.id`.
pub const GEN_AI_DATA_SOURCE_ID: &str = "gen_ai.data_source.id";
/// `gen_ai.request.model`.
pub const GEN_AI_REQUEST_MODEL: &str = "gen_ai.request.model";
/// `gen_ai.request.temperature`.
pub const GEN_AI_REQUEST_TEMPERATURE: &str = "gen_ai.request.temperature";
/// `gen_ai.request.max_tokens`.
pub const GEN_AI_REQUEST_MAX_TOKENS: &str = "gen_ai.request.max_tokens";
/// `gen_ai.request.top_p`.
pub const GEN_AI_REQUEST_TOP_P: &str = "gen_ai.request.top_p";
/// `gen_ai.request.top_k` (a double in the conventions).
pub const GEN_AI_REQUEST_TOP_K: &str = "gen_ai.request.top_k";
/// `gen_ai.request.stop_sequences`.
pub const GEN_AI_REQUEST_STOP_SEQUENCES: &str = "gen_ai.request.stop_sequences";
/// `gen_ai.request.seed`.
pub const GEN_AI_REQUEST_SEED: &str = "gen_ai.request.seed";
/// `gen_ai.request.frequency_penalty`.
pub const GEN_AI_REQUEST_FREQUENCY_PENALTY: &str = "gen_ai.request.frequency_penalty";
/// `gen_ai.request.presence_penalty`.
pub const GEN_AI_REQUEST_PRESENCE_PENALTY: &str = "gen_ai.request.presence_penalty";
/// `gen_ai.request.choice.count`.
pub const GEN_AI_REQUEST_CHOICE_COUNT: &str = "gen_ai.request.choice.count";
/// `gen_ai.request.encoding_formats`.
pub const GEN_AI_REQUEST_ENCODING_FORMATS: &str = "gen_ai.request.encoding_formats";
/// `gen_ai.request.stream`.
pub const GEN_AI_REQUEST_STREAM: &str = "gen_ai.request.stream";
/// `gen_ai.response.model`.
pub const GEN_AI_RESPONSE_MODEL: &str = "gen_ai.response.model";
/// `gen_ai.response.id`.
pub const GEN_AI_RESPONSE_ID: &str = "gen_ai.response.id";
/// `gen_ai.response.finish_reasons`.
pub const GEN_AI_RESPONSE_FINISH_REASONS: &str = "gen_ai.response.finish_reasons";
/// `gen_ai.response.time_to_first_chunk` (seconds).
pub const GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK: &str = "gen_ai.response.time_to_first_chunk";
/// `gen_ai.usage.input_tokens`.
pub const GEN_AI_USAGE_INPUT_TOKENS: &str = "gen_ai.usage.input_tokens";
/// `gen_ai.usage.output_tokens`.
pub const GEN_AI_USAGE_OUTPUT_TOKENS: &str = "gen_ai.usage.output_tokens";
/// `gen_ai.usage.cache_read.input_tokens`.
pub const GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS: &str = "gen_ai.usage.cache_read.input_tokens";
/// `gen_ai.usage.cache_creation.input_tokens`.
pub const GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS: &str =
    "gen_ai.usage.cache_creation.input_tokens";
/// `gen_ai.usage.reasoning.output_tokens`.
pub const GEN_AI_USAGE_REASONING_OUTPUT_TOKENS: &str = "gen_ai.usage.reasoning.output_tokens";
/// `gen_ai.input.messages`.
pub const GEN_AI_INPUT_MESSAGES: &str = "gen_ai.input.messages";
/// `gen_ai.output.messages`.
pub const GEN_AI_OUTPUT_MESSAGES: &str = "gen_ai.output.messages";
/// `gen_ai.system_instructions`.
pub const GEN_AI_SYSTEM_INSTRUCTIONS: &str = "gen_ai.system_instructions";
/// `gen_ai.agent.id`.
pub const GEN_AI_AGENT_ID: &str = "gen_ai.agent.id";
/// `gen_ai.agent.name`.
pub const GEN_AI_AGENT_NAME: &str = "gen_ai.agent.name";
/// `gen_ai.agent.description`.
pub const GEN_AI_AGENT_DESCRIPTION: &str = "gen_ai.agent.description";
/// `gen_ai.workflow.name`.
pub const GEN_AI_WORKFLOW_NAME: &str = "gen_ai.workflow.name";
/// `gen_ai.tool.name`.
pub const GEN_AI_TOOL_NAME: &str = "gen_ai.tool.name";
/// `gen_ai.tool.call.id`.
pub const GEN_AI_TOOL_CALL_ID: &str = "gen_ai.tool.call.id";
/// `gen_ai.tool.description`.
pub const GEN_AI_TOOL_DESCRIPTION: &str = "gen_ai.tool.description";
/// `gen_ai.tool.type`.
pub const GEN_AI_TOOL_TYPE: &str = "gen_ai.tool.type";
/// `gen_ai.tool.call.arguments`: a tool span's input.
pub const GEN_AI_TOOL_CALL_ARGUMENTS: &str = "gen_ai.tool.call.arguments";
/// `gen_ai.tool.call.result`: a tool span's output.
pub const GEN_AI_TOOL_CALL_RESULT: &str = "gen_ai.tool.call.result";
/// `gen_ai.embeddings.dimension.count`.
pub const GEN_AI_EMBEDDINGS_DIMENSION_COUNT: &str = "gen_ai.embeddings.dimension.count";
/// `gen_ai.retrieval.query.text`.
pub const GEN_AI_RETRIEVAL_QUERY_TEXT: &str = "gen_ai.retrieval.query.text";
/// `gen_ai.retrieval.documents`.
pub const GEN_AI_RETRIEVAL_DOCUMENTS: &str = "gen_ai.retrieval.documents";
/// `gen_ai.evaluation.name`.
pub const GEN_AI_EVALUATION_NAME: &str = "gen_ai.evaluation.name";
/// `gen_ai.evaluation.score.value`.
pub const GEN_AI_EVALUATION_SCORE_VALUE: &str = "gen_ai.evaluation.score.value";
/// `gen_ai.evaluation.score.label`.
pub const GEN_AI_EVALUATION_SCORE_LABEL: &str = "gen_ai.evaluation.score.label";
/// `gen_ai.evaluation.explanation`.
pub const GEN_AI_EVALUATION_EXPLANATION: &str = "gen_ai.evaluation.explanation";
/// Name of the `gen_ai.evaluation.result` event.
pub const GEN_AI_EVALUATION_RESULT_EVENT: &str = "gen_ai.evaluation.result";

// ---- MCP (v1.41, development) ----

/// `mcp.method.name`.
pub const MCP_METHOD_NAME: &str = "mcp.method.name";
/// `mcp.session.id`.
pub const MCP_SESSION_ID: &str = "mcp.session.id";
/// `mcp.protocol.version`.
pub const MCP_PROTOCOL_VERSION: &str = "mcp.protocol.version";
/// The `mcp.method.name` of a tool call.
pub const MCP_METHOD_TOOLS_CALL: &str = "tools/call";

/// Values of `gen_ai.operation.name`.
pub mod op {
    /// Chat completion.
    pub const CHAT: &str = "chat";
    /// Legacy text completion.
    pub const TEXT_COMPLETION: &str = "text_completion";
    /// Multimodal content generation.
    pub const GENERATE_CONTENT: &str = "generate_content";
    /// Embeddings.
    pub const EMBEDDINGS: &str = "embeddings";
    /// Retrieval (RAG).
    pub const RETRIEVAL: &str = "retrieval";
    /// Agent creation.
    pub const CREATE_AGENT: &str = "create_agent";
    /// Agent invocation.
    pub const INVOKE_AGENT: &str = "invoke_agent";
    /// Tool execution.
    pub const EXECUTE_TOOL: &str = "execute_tool";
    /// Workflow invocation.
    pub const INVOKE_WORKFLOW: &str = "invoke_workflow";
    /// Memory search (memory operations, development).
    pub const SEARCH_MEMORY: &str = "search_memory";
    /// Memory create or update (upsert).
    pub const UPDATE_MEMORY: &str = "update_memory";
    /// Memory deletion.
    pub const DELETE_MEMORY: &str = "delete_memory";
}

/// Our own names, for what the conventions lack. All start with [`ours::NS`].
pub mod ours {
    /// The namespace of our own attribute names.
    pub const NS: &str = "ai_telemetry.";
    /// Our span type (`llm_generation`, …); makes the read-back exact.
    pub const SPAN_TYPE: &str = "ai_telemetry.span.type";
    /// The span's own name when the conventional span name differs.
    pub const SPAN_NAME: &str = "ai_telemetry.span.name";
    /// Input that is not chat messages (a string, or JSON text with [`INPUT_MIME_TYPE`]).
    pub const INPUT: &str = "ai_telemetry.input";
    /// `application/json` when [`INPUT`] is JSON text.
    pub const INPUT_MIME_TYPE: &str = "ai_telemetry.input.mime_type";
    /// Output that is not chat messages.
    pub const OUTPUT: &str = "ai_telemetry.output";
    /// `application/json` when [`OUTPUT`] is JSON text.
    pub const OUTPUT_MIME_TYPE: &str = "ai_telemetry.output.mime_type";
    /// Prefix of the span's metadata keys.
    pub const METADATA_PREFIX: &str = "ai_telemetry.metadata.";
    /// Ids of descendants that failed.
    pub const ERRORED_DESCENDANTS: &str = "ai_telemetry.errored_descendants";
    /// The span ended because its handle was dropped.
    pub const ENDED_BY_DROP: &str = "ai_telemetry.ended_by_drop";
    /// Trace tags.
    pub const TRACE_TAGS: &str = "ai_telemetry.trace.tags";
    /// Prefix of the trace's request-context keys.
    pub const TRACE_CONTEXT_PREFIX: &str = "ai_telemetry.trace.context.";
    /// Error source chain, on the `exception` event.
    pub const ERROR_SOURCE_CHAIN: &str = "ai_telemetry.error.source_chain";
    /// Whether the error is retryable, on the `exception` event.
    pub const ERROR_RETRYABLE: &str = "ai_telemetry.error.retryable";
    /// Who is responsible for the error, on the `exception` event.
    pub const ERROR_CATEGORY: &str = "ai_telemetry.error.category";
    /// Links of a foreign span, as JSON, kept in metadata under this key.
    pub const LINKS: &str = "ai_telemetry.links";
    /// A foreign span's kind, kept in metadata when it is not the kind of its span type.
    pub const OTEL_SPAN_KIND: &str = "ai_telemetry.otel.span_kind";
    /// A foreign span's W3C `tracestate`, kept in metadata.
    pub const OTEL_TRACE_STATE: &str = "ai_telemetry.otel.trace_state";
    /// Agent: tools it may call.
    pub const AGENT_AVAILABLE_TOOLS: &str = "ai_telemetry.agent.available_tools";
    /// Agent: step limit.
    pub const AGENT_MAX_STEPS: &str = "ai_telemetry.agent.max_steps";
    /// Agent: steps taken.
    pub const AGENT_STEPS: &str = "ai_telemetry.agent.steps";
    /// Workflow definition id.
    pub const WORKFLOW_ID: &str = "ai_telemetry.workflow.id";
    /// Workflow execution id.
    pub const WORKFLOW_RUN_ID: &str = "ai_telemetry.workflow.run_id";
    /// Workflow or step state.
    pub const WORKFLOW_STATUS: &str = "ai_telemetry.workflow.status";
    /// Attempt number.
    pub const WORKFLOW_ATTEMPT: &str = "ai_telemetry.workflow.attempt";
    /// Suspended in this span.
    pub const WORKFLOW_SUSPENDED: &str = "ai_telemetry.workflow.suspended";
    /// Resumed in this span.
    pub const WORKFLOW_RESUMED: &str = "ai_telemetry.workflow.resumed";
    /// Step the run resumed from.
    pub const WORKFLOW_RESUMED_FROM_STEP: &str = "ai_telemetry.workflow.resumed_from_step";
    /// Step id.
    pub const WORKFLOW_STEP_ID: &str = "ai_telemetry.workflow.step.id";
    /// Step name.
    pub const WORKFLOW_STEP_NAME: &str = "ai_telemetry.workflow.step.name";
    /// LLM: what the call produced.
    pub const LLM_RESULT_TYPE: &str = "ai_telemetry.llm.result_type";
    /// Total tokens as reported by the provider.
    pub const USAGE_TOTAL_TOKENS: &str = "ai_telemetry.usage.total_tokens";
    /// Cost of input tokens.
    pub const COST_INPUT: &str = "ai_telemetry.cost.input";
    /// Cost of output tokens.
    pub const COST_OUTPUT: &str = "ai_telemetry.cost.output";
    /// Cost of cache-read tokens.
    pub const COST_CACHE_READ: &str = "ai_telemetry.cost.cache_read";
    /// Cost of cache-write tokens.
    pub const COST_CACHE_WRITE: &str = "ai_telemetry.cost.cache_write";
    /// Cost of reasoning tokens.
    pub const COST_REASONING: &str = "ai_telemetry.cost.reasoning";
    /// Total cost.
    pub const COST_TOTAL: &str = "ai_telemetry.cost.total";
    /// ISO 4217 currency of the cost.
    pub const COST_CURRENCY: &str = "ai_telemetry.cost.currency";
    /// Tool definition id.
    pub const TOOL_ID: &str = "ai_telemetry.tool.id";
    /// Whether the tool call succeeded.
    pub const TOOL_SUCCESS: &str = "ai_telemetry.tool.success";
    /// MCP server name.
    pub const MCP_SERVER_NAME: &str = "ai_telemetry.mcp.server.name";
    /// MCP server version.
    pub const MCP_SERVER_VERSION: &str = "ai_telemetry.mcp.server.version";
    /// MCP transport (`stdio`, `streamable_http`, `sse`, `websocket`).
    pub const MCP_TRANSPORT: &str = "ai_telemetry.mcp.transport";
    /// Memory store or namespace.
    pub const MEMORY_STORE: &str = "ai_telemetry.memory.store";
    /// Our memory operation (`search`, `get`, `add`, `update`, `upsert`, `delete`).
    pub const MEMORY_OPERATION: &str = "ai_telemetry.memory.operation";
    /// Memory search query.
    pub const MEMORY_QUERY: &str = "ai_telemetry.memory.query";
    /// Resource whose memory is read or written.
    pub const MEMORY_RESOURCE_ID: &str = "ai_telemetry.memory.resource_id";
    /// Memory lookup results (JSON).
    pub const MEMORY_RESULTS: &str = "ai_telemetry.memory.results";
    /// Ids of written records.
    pub const MEMORY_RECORD_IDS: &str = "ai_telemetry.memory.record_ids";
    /// Number of written records.
    pub const MEMORY_RECORD_COUNT: &str = "ai_telemetry.memory.record_count";
    /// Vector store of a RAG query.
    pub const RAG_VECTOR_STORE: &str = "ai_telemetry.rag.vector_store";
    /// Metadata filter of a RAG query (JSON).
    pub const RAG_FILTER: &str = "ai_telemetry.rag.filter";
    /// Embedding model of a RAG query.
    pub const RAG_EMBEDDING_MODEL: &str = "ai_telemetry.rag.embedding_model";
    /// Number of inputs embedded.
    pub const EMBEDDINGS_INPUT_COUNT: &str = "ai_telemetry.embeddings.input_count";
    /// Evaluator name.
    pub const EVAL_EVALUATOR: &str = "ai_telemetry.eval.evaluator";
    /// Pass/fail verdict.
    pub const EVAL_PASSED: &str = "ai_telemetry.eval.passed";
    /// Threshold the score was compared with.
    pub const EVAL_THRESHOLD: &str = "ai_telemetry.eval.threshold";
    /// Evaluated trace id (hex).
    pub const EVAL_TRACE_ID: &str = "ai_telemetry.eval.evaluated_trace_id";
    /// Evaluated span id (hex).
    pub const EVAL_SPAN_ID: &str = "ai_telemetry.eval.evaluated_span_id";
    /// Instrumentation scope name of the spans we export.
    pub const SCOPE_NAME: &str = "ai-telemetry";
}

/// Deprecated `gen_ai.*` names still sent by older instrumentations (read only).
pub mod deprecated {
    /// `gen_ai.system` (replaced by `gen_ai.provider.name`).
    pub const GEN_AI_SYSTEM: &str = "gen_ai.system";
    /// `gen_ai.usage.prompt_tokens` (replaced by `gen_ai.usage.input_tokens`).
    pub const GEN_AI_USAGE_PROMPT_TOKENS: &str = "gen_ai.usage.prompt_tokens";
    /// `gen_ai.usage.completion_tokens` (replaced by `gen_ai.usage.output_tokens`).
    pub const GEN_AI_USAGE_COMPLETION_TOKENS: &str = "gen_ai.usage.completion_tokens";
    /// Prefix of flattened prompts: `gen_ai.prompt.N.role` / `.content`.
    pub const GEN_AI_PROMPT_PREFIX: &str = "gen_ai.prompt.";
    /// Prefix of flattened completions: `gen_ai.completion.N.role` / `.content` / …
    pub const GEN_AI_COMPLETION_PREFIX: &str = "gen_ai.completion.";
    /// Field of a flattened completion holding its finish reason.
    pub const FINISH_REASON_FIELD: &str = "finish_reason";
    /// `gen_ai.usage.cost`: a total cost some instrumentations send (not in the conventions).
    pub const GEN_AI_USAGE_COST: &str = "gen_ai.usage.cost";
    /// `gen_ai.openai.request.seed` (replaced by `gen_ai.request.seed`).
    pub const GEN_AI_OPENAI_REQUEST_SEED: &str = "gen_ai.openai.request.seed";
}

/// OpenLLMetry (Traceloop) names, current and legacy (read only).
pub mod openllmetry {
    /// `traceloop.span.kind`: `workflow`, `task`, `agent`, `tool`.
    pub const SPAN_KIND: &str = "traceloop.span.kind";
    /// `traceloop.entity.name`: name of the workflow, task, agent or tool.
    pub const ENTITY_NAME: &str = "traceloop.entity.name";
    /// `traceloop.entity.input` (JSON).
    pub const ENTITY_INPUT: &str = "traceloop.entity.input";
    /// `traceloop.entity.output` (JSON).
    pub const ENTITY_OUTPUT: &str = "traceloop.entity.output";
    /// `traceloop.workflow.name`.
    pub const WORKFLOW_NAME: &str = "traceloop.workflow.name";
    /// `llm.request.type`: `chat`, `completion`, `embedding`.
    pub const LLM_REQUEST_TYPE: &str = "llm.request.type";
    /// `llm.usage.total_tokens`.
    pub const LLM_USAGE_TOTAL_TOKENS: &str = "llm.usage.total_tokens";
    /// `llm.is_streaming`.
    pub const LLM_IS_STREAMING: &str = "llm.is_streaming";
    /// `gen_ai.is_streaming` (0.55+).
    pub const GEN_AI_IS_STREAMING: &str = "gen_ai.is_streaming";
    /// `gen_ai.usage.total_tokens` (their own name).
    pub const GEN_AI_USAGE_TOTAL_TOKENS: &str = "gen_ai.usage.total_tokens";
    /// `gen_ai.usage.reasoning_tokens` (their own name).
    pub const GEN_AI_USAGE_REASONING_TOKENS: &str = "gen_ai.usage.reasoning_tokens";
    /// `gen_ai.usage.cache_read_input_tokens` (legacy underscore form).
    pub const GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS: &str = "gen_ai.usage.cache_read_input_tokens";
    /// `gen_ai.usage.cache_creation_input_tokens` (legacy underscore form).
    pub const GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS: &str =
        "gen_ai.usage.cache_creation_input_tokens";
    /// `llm.request.model` (very old).
    pub const LLM_REQUEST_MODEL: &str = "llm.request.model";
    /// `llm.response.model` (very old).
    pub const LLM_RESPONSE_MODEL: &str = "llm.response.model";
    /// `llm.frequency_penalty` (legacy).
    pub const LLM_FREQUENCY_PENALTY: &str = "llm.frequency_penalty";
    /// `llm.presence_penalty` (legacy).
    pub const LLM_PRESENCE_PENALTY: &str = "llm.presence_penalty";
    /// `llm.top_k` (legacy).
    pub const LLM_TOP_K: &str = "llm.top_k";
    /// `llm.chat.stop_sequences` (legacy).
    pub const LLM_CHAT_STOP_SEQUENCES: &str = "llm.chat.stop_sequences";
    /// `llm.headers` (legacy, often the string `None`).
    pub const LLM_HEADERS: &str = "llm.headers";
    /// `llm.request.functions.N.*`: tool definitions.
    pub const LLM_REQUEST_FUNCTIONS_PREFIX: &str = "llm.request.functions.";
    /// `gen_ai.tool.definitions` (JSON).
    pub const GEN_AI_TOOL_DEFINITIONS: &str = "gen_ai.tool.definitions";
}

/// OpenInference (Arize Phoenix) names (read only).
pub mod openinference {
    /// `openinference.span.kind`.
    pub const SPAN_KIND: &str = "openinference.span.kind";
    /// `llm.model_name` (the response model).
    pub const LLM_MODEL_NAME: &str = "llm.model_name";
    /// `llm.provider`.
    pub const LLM_PROVIDER: &str = "llm.provider";
    /// `llm.system`.
    pub const LLM_SYSTEM: &str = "llm.system";
    /// `llm.invocation_parameters` (JSON).
    pub const LLM_INVOCATION_PARAMETERS: &str = "llm.invocation_parameters";
    /// `llm.token_count.prompt`.
    pub const TOKEN_COUNT_PROMPT: &str = "llm.token_count.prompt";
    /// `llm.token_count.completion`.
    pub const TOKEN_COUNT_COMPLETION: &str = "llm.token_count.completion";
    /// `llm.token_count.total`.
    pub const TOKEN_COUNT_TOTAL: &str = "llm.token_count.total";
    /// `llm.token_count.prompt_details.cache_read`.
    pub const TOKEN_COUNT_CACHE_READ: &str = "llm.token_count.prompt_details.cache_read";
    /// `llm.token_count.prompt_details.cache_write`.
    pub const TOKEN_COUNT_CACHE_WRITE: &str = "llm.token_count.prompt_details.cache_write";
    /// `llm.token_count.completion_details.reasoning`.
    pub const TOKEN_COUNT_REASONING: &str = "llm.token_count.completion_details.reasoning";
    /// `llm.finish_reason`.
    pub const LLM_FINISH_REASON: &str = "llm.finish_reason";
    /// `llm.input_messages.N.message.*`.
    pub const LLM_INPUT_MESSAGES_PREFIX: &str = "llm.input_messages.";
    /// `llm.output_messages.N.message.*`.
    pub const LLM_OUTPUT_MESSAGES_PREFIX: &str = "llm.output_messages.";
    /// `llm.tools.N.tool.json_schema`.
    pub const LLM_TOOLS_PREFIX: &str = "llm.tools.";
    /// `input.value`.
    pub const INPUT_VALUE: &str = "input.value";
    /// `input.mime_type`.
    pub const INPUT_MIME_TYPE: &str = "input.mime_type";
    /// `output.value`.
    pub const OUTPUT_VALUE: &str = "output.value";
    /// `output.mime_type`.
    pub const OUTPUT_MIME_TYPE: &str = "output.mime_type";
    /// `retrieval.documents.N.document.*`.
    pub const RETRIEVAL_DOCUMENTS_PREFIX: &str = "retrieval.documents.";
    /// `embedding.model_name`.
    pub const EMBEDDING_MODEL_NAME: &str = "embedding.model_name";
    /// `embedding.invocation_parameters` (JSON).
    pub const EMBEDDING_INVOCATION_PARAMETERS: &str = "embedding.invocation_parameters";
    /// `embedding.embeddings.N.embedding.text` / `.vector`.
    pub const EMBEDDING_EMBEDDINGS_PREFIX: &str = "embedding.embeddings.";
    /// Key (after unflattening) of the embeddings list, kept in metadata.
    pub const EMBEDDING_EMBEDDINGS: &str = "embedding.embeddings";
    /// `tool.name`.
    pub const TOOL_NAME: &str = "tool.name";
    /// `tool.description`.
    pub const TOOL_DESCRIPTION: &str = "tool.description";
    /// `tool.parameters`.
    pub const TOOL_PARAMETERS: &str = "tool.parameters";
    /// `tool_call.id`.
    pub const TOOL_CALL_ID: &str = "tool_call.id";
    /// `tag.tags`.
    pub const TAG_TAGS: &str = "tag.tags";
    /// `metadata` (JSON object).
    pub const METADATA: &str = "metadata";
    /// `agent.name`.
    pub const AGENT_NAME: &str = "agent.name";
    /// `First Token Stream Event`: the event marking the first streamed token.
    pub const FIRST_TOKEN_EVENT: &str = "First Token Stream Event";
    /// MIME type of JSON values.
    pub const MIME_JSON: &str = "application/json";
}

/// Mastra (`@mastra/otel-exporter`) names (read only).
pub mod mastra {
    /// `mastra.span.type`: `agent_run`, `model_generation`, `model_step`, `tool_call`, …
    pub const SPAN_TYPE: &str = "mastra.span.type";
    /// Prefix of `mastra.metadata.KEY` (the span's metadata, user and session among it).
    pub const METADATA_PREFIX: &str = "mastra.metadata.";
    /// `mastra.metadata.userId`.
    pub const USER_ID: &str = "mastra.metadata.userId";
    /// `mastra.metadata.sessionId`.
    pub const SESSION_ID: &str = "mastra.metadata.sessionId";
    /// `mastra.metadata.threadId`: a memory thread, Mastra's conversation.
    pub const THREAD_ID: &str = "mastra.metadata.threadId";
    /// `mastra.metadata.resourceId`: who owns the thread (kept in the trace context).
    pub const RESOURCE_ID: &str = "mastra.metadata.resourceId";
    /// `mastra.tags` (a JSON array in a string, or a string array).
    pub const TAGS: &str = "mastra.tags";
    /// `mastra.input` (older exporters; newer write `mastra.<span type>.input`).
    pub const INPUT: &str = "mastra.input";
    /// `mastra.output`.
    pub const OUTPUT: &str = "mastra.output";
}

/// Langfuse (SDK v3+, OpenTelemetry based) names (read only).
pub mod langfuse {
    /// `langfuse.observation.type`.
    pub const OBSERVATION_TYPE: &str = "langfuse.observation.type";
    /// `langfuse.trace.name`.
    pub const TRACE_NAME: &str = "langfuse.trace.name";
    /// `langfuse.trace.input` (JSON or text).
    pub const TRACE_INPUT: &str = "langfuse.trace.input";
    /// `langfuse.trace.output` (JSON or text).
    pub const TRACE_OUTPUT: &str = "langfuse.trace.output";
    /// `langfuse.observation.prompt.name`: the Langfuse prompt a generation used.
    pub const PROMPT_NAME: &str = "langfuse.observation.prompt.name";
    /// `langfuse.observation.prompt.version`.
    pub const PROMPT_VERSION: &str = "langfuse.observation.prompt.version";
    /// `langfuse.user.id`.
    pub const USER_ID: &str = "langfuse.user.id";
    /// `langfuse.session.id`.
    pub const SESSION_ID: &str = "langfuse.session.id";
    /// `langfuse.trace.tags`.
    pub const TRACE_TAGS: &str = "langfuse.trace.tags";
    /// `langfuse.trace.metadata` (JSON object) or prefix `langfuse.trace.metadata.`.
    pub const TRACE_METADATA: &str = "langfuse.trace.metadata";
    /// `langfuse.observation.metadata` (JSON object) or prefix `langfuse.observation.metadata.`.
    pub const OBSERVATION_METADATA: &str = "langfuse.observation.metadata";
    /// Prefix of `langfuse.trace.metadata.KEY`.
    pub const TRACE_METADATA_PREFIX: &str = "langfuse.trace.metadata.";
    /// Prefix of `langfuse.observation.metadata.KEY`.
    pub const OBSERVATION_METADATA_PREFIX: &str = "langfuse.observation.metadata.";
    /// `langfuse.observation.usage_details` (JSON).
    pub const USAGE_DETAILS: &str = "langfuse.observation.usage_details";
    /// `langfuse.observation.cost_details` (JSON).
    pub const COST_DETAILS: &str = "langfuse.observation.cost_details";
    /// `langfuse.observation.model.name`.
    pub const MODEL_NAME: &str = "langfuse.observation.model.name";
    /// `langfuse.observation.model.parameters` (JSON).
    pub const MODEL_PARAMETERS: &str = "langfuse.observation.model.parameters";
    /// `langfuse.observation.input`.
    pub const INPUT: &str = "langfuse.observation.input";
    /// `langfuse.observation.output`.
    pub const OUTPUT: &str = "langfuse.observation.output";
    /// `langfuse.observation.level`: `DEBUG`, `DEFAULT`, `WARNING`, `ERROR`.
    pub const LEVEL: &str = "langfuse.observation.level";
    /// `langfuse.observation.status_message`.
    pub const STATUS_MESSAGE: &str = "langfuse.observation.status_message";
    /// `langfuse.observation.completion_start_time` (RFC 3339).
    pub const COMPLETION_START_TIME: &str = "langfuse.observation.completion_start_time";
    /// `langfuse.release`.
    pub const RELEASE: &str = "langfuse.release";
    /// `langfuse.environment`.
    pub const ENVIRONMENT: &str = "langfuse.environment";
    /// The `ERROR` level.
    pub const LEVEL_ERROR: &str = "ERROR";
    /// Error kind given to a Langfuse observation at level `ERROR`.
    pub const ERROR_KIND: &str = "langfuse.error";
}
