//! One test per foreign dialect, on the real payloads captured from the Python
//! instrumentations of the `openai` client (see `fixtures/otlp/README.md`): each file is
//! decoded from protobuf and from OTLP/JSON (both must read the same), then checked span by
//! span against the README's table of models, tokens and finish reasons.

use std::path::PathBuf;

use serde_json::Value;
use telemetry_otlp as otel;
use telemetry_types::attrs::{EmbeddingGeneration, LlmGeneration, LlmOperation};
use telemetry_types::{SpanAttributes, SpanRecord, SpanType};

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/otlp")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The root and its four children in call order (chat, tool call, stream, embeddings).
struct Trace {
    root: SpanRecord,
    calls: Vec<SpanRecord>,
}

fn load(stem: &str) -> Trace {
    let pb =
        otel::spans_from_request(otel::decode_protobuf(&fixture(&format!("{stem}.pb"))).unwrap());
    let json =
        otel::spans_from_request(otel::decode_json(&fixture(&format!("{stem}.json"))).unwrap());
    assert!(pb.rejected.is_empty() && json.rejected.is_empty());
    assert_eq!(
        pb.spans, json.spans,
        "{stem}: protobuf and OTLP/JSON read differently"
    );
    let mut spans = pb.spans;
    assert_eq!(spans.len(), 5, "{stem}");
    spans.sort_by_key(|s| (s.parent_span_id.is_some(), s.start_time));
    let root = spans.remove(0);
    assert_eq!(root.name, "agent");
    assert_eq!(root.span_type(), SpanType::Generic);
    assert!(root.parent_span_id.is_none());
    assert_eq!(&*root.service_name, format!("genai-fixture-{stem}"));
    for call in &spans {
        assert_eq!(call.trace_id, root.trace_id, "{stem}: {}", call.name);
        assert_eq!(
            call.parent_span_id,
            Some(root.span_id),
            "{stem}: {}",
            call.name
        );
        assert!(call.end_time.is_some_and(|end| end >= call.start_time));
    }
    Trace { root, calls: spans }
}

fn llm(span: &SpanRecord) -> &LlmGeneration {
    match &span.attributes {
        SpanAttributes::LlmGeneration(a) => a,
        other => panic!(
            "{}: expected an LLM generation, got {:?}",
            span.name,
            other.span_type()
        ),
    }
}

fn embedding(span: &SpanRecord) -> &EmbeddingGeneration {
    match &span.attributes {
        SpanAttributes::EmbeddingGeneration(a) => a,
        other => panic!(
            "{}: expected an embedding, got {:?}",
            span.name,
            other.span_type()
        ),
    }
}

/// Expected token counts: input, output, cache read, reasoning, total.
type Tokens = (
    Option<u64>,
    Option<u64>,
    Option<u64>,
    Option<u64>,
    Option<u64>,
);

struct Expected {
    model: &'static str,
    tokens: [Tokens; 3],
    finish: [&'static [&'static str]; 3],
    streaming: [Option<bool>; 3],
    /// Whether message content was captured (then the tool call is in the output).
    content: bool,
    embedding_dimensions: Option<u64>,
    embedding_tokens: (Option<u64>, Option<u64>),
}

const MINI: &str = "gpt-4o-mini";
const MINI_DATED: &str = "gpt-4o-mini-2024-07-18";
const EMBED: &str = "text-embedding-3-small";

fn check(stem: &str, e: &Expected) -> Trace {
    let t = load(stem);
    for (i, span) in t.calls[..3].iter().enumerate() {
        let a = llm(span);
        let what = format!("{stem} call {}", i + 1);
        assert_eq!(a.model.as_deref(), Some(e.model), "{what}: model");
        assert_eq!(a.provider.as_deref(), Some("openai"), "{what}: provider");
        assert_eq!(
            a.response_model.as_deref(),
            Some(MINI_DATED),
            "{what}: response model"
        );
        assert!(
            matches!(a.operation, None | Some(LlmOperation::Chat)),
            "{what}"
        );
        let u = a.usage.unwrap_or_default();
        let got = (
            u.input_tokens,
            u.output_tokens,
            u.cache_read_tokens,
            u.reasoning_tokens,
            u.total_tokens,
        );
        assert_eq!(
            got, e.tokens[i],
            "{what}: tokens (in, out, cache, reasoning, total)"
        );
        let finish: Vec<&str> = a.finish_reasons.iter().map(|s| &**s).collect();
        assert_eq!(finish, e.finish[i], "{what}: finish reasons");
        assert_eq!(a.streaming, e.streaming[i], "{what}: streaming");
        if e.content {
            let input = span
                .input
                .as_ref()
                .map(Value::to_string)
                .unwrap_or_default();
            assert!(
                input.contains("France") || input.contains("Paris") || input.contains("Count"),
                "{what}: input {input}"
            );
        }
    }
    let first = llm(&t.calls[0]);
    let p = first.parameters.clone().unwrap_or_default();
    assert_eq!(
        (p.temperature, p.max_tokens),
        (Some(0.2), Some(64)),
        "{stem}: parameters"
    );
    let tool_output = t.calls[1]
        .output
        .as_ref()
        .map(Value::to_string)
        .unwrap_or_default();
    assert_eq!(
        tool_output.contains("get_weather"),
        e.content,
        "{stem}: tool call in output"
    );
    if e.content {
        let answer = t.calls[0]
            .output
            .as_ref()
            .map(Value::to_string)
            .unwrap_or_default();
        assert!(
            answer.contains("The capital of France is Paris."),
            "{stem}: {answer}"
        );
    }
    let emb = embedding(&t.calls[3]);
    assert_eq!(emb.model.as_deref(), Some(EMBED), "{stem}: embedding model");
    assert_eq!(emb.dimensions, e.embedding_dimensions, "{stem}: dimensions");
    let u = emb.usage.unwrap_or_default();
    assert_eq!(
        (u.input_tokens, u.total_tokens),
        e.embedding_tokens,
        "{stem}: embedding tokens"
    );
    t
}

const S: Option<u64> = None;

#[test]
fn opentelemetry_genai_instrumentation() {
    let t = check(
        "otel-genai",
        &Expected {
            model: MINI,
            tokens: [
                (Some(1048), Some(39), S, S, S),
                (Some(82), Some(17), S, S, S),
                (Some(1036), Some(8), S, S, S),
            ],
            finish: [&["stop"], &["tool_calls"], &[]],
            streaming: [None; 3],
            content: false,
            embedding_dimensions: Some(8),
            embedding_tokens: (Some(9), None),
        },
    );
    // Names follow "{operation} {model}"; server address and port are kept in metadata.
    assert_eq!(t.calls[0].name, "chat gpt-4o-mini");
    assert_eq!(t.calls[0].metadata["server.address"], "127.0.0.1");
    assert!(t.calls[0].metadata["server.port"].is_i64());
    assert_eq!(
        t.calls[0].metadata["openai.response.service_tier"],
        "default"
    );
    assert_eq!(t.calls[3].name, "embeddings text-embedding-3-small");
    assert!(
        !t.calls[0]
            .metadata
            .contains_key("ai_telemetry.otel.span_kind"),
        "CLIENT as expected"
    );
    assert_eq!(
        llm(&t.calls[0])
            .response_id
            .as_deref()
            .map(|s| s.starts_with("chatcmpl-")),
        Some(true)
    );
}

#[test]
fn opentelemetry_genai_instrumentation_with_content() {
    let t = check(
        "otel-genai-content",
        &Expected {
            model: MINI,
            tokens: [
                (Some(1048), Some(39), S, S, S),
                (Some(82), Some(17), S, S, S),
                (Some(1036), Some(8), S, S, S),
            ],
            // The streamed span has no finish_reasons attribute: it is read from the output
            // messages.
            finish: [&["stop"], &["tool_calls"], &["stop"]],
            streaming: [None; 3],
            content: true,
            embedding_dimensions: Some(8),
            embedding_tokens: (Some(9), None),
        },
    );
    let input = t.calls[0].input.as_ref().unwrap();
    assert_eq!(
        input[0]["role"], "system",
        "messages keep the conventions' parts format"
    );
}

#[test]
fn openllmetry_current() {
    let t = check(
        "openllmetry",
        &Expected {
            model: MINI,
            tokens: [
                (Some(1048), Some(39), Some(1024), Some(32), Some(1087)),
                (Some(82), Some(17), Some(0), Some(0), Some(99)),
                (Some(1036), Some(8), Some(1024), S, Some(1044)),
            ],
            finish: [&["stop"], &["tool_call"], &["stop"]],
            streaming: [Some(false), Some(false), Some(true)],
            content: true,
            embedding_dimensions: None,
            embedding_tokens: (Some(9), Some(9)),
        },
    );
    let stream = &t.calls[2];
    assert_eq!(stream.status, telemetry_types::SpanStatus::Ok);
    assert_eq!(stream.events.len(), 9, "chunk events are kept");
    assert!(
        stream
            .events
            .iter()
            .all(|e| e.name == "gen_ai.content.completion.chunk")
    );
    assert!(t.calls[0].metadata.contains_key("gen_ai.openai.api_base"));
    assert!(t.calls[1].metadata.contains_key("gen_ai.tool.definitions"));
}

#[test]
fn openllmetry_legacy_deprecated_names() {
    let t = check(
        "openllmetry-legacy",
        &Expected {
            model: MINI,
            tokens: [
                (Some(1048), Some(39), Some(1024), Some(32), Some(1087)),
                (Some(82), Some(17), Some(0), Some(0), Some(99)),
                (Some(1036), Some(8), Some(1024), S, Some(1044)),
            ],
            finish: [&["stop"], &["tool_calls"], &["stop"]],
            streaming: [Some(false), Some(false), Some(true)],
            content: true,
            embedding_dimensions: None,
            embedding_tokens: (Some(9), Some(9)),
        },
    );
    assert_eq!(
        llm(&t.calls[0]).operation,
        Some(LlmOperation::Chat),
        "from llm.request.type"
    );
    // Flattened gen_ai.prompt.N.* / gen_ai.completion.N.* are rebuilt as message lists.
    let input = t.calls[0].input.as_ref().unwrap();
    assert_eq!(input.as_array().map(Vec::len), Some(2));
    assert_eq!(input[0]["role"], "system");
    let output = t.calls[1].output.as_ref().unwrap();
    assert_eq!(output[0]["tool_calls"][0]["name"], "get_weather");
    assert_eq!(
        t.calls[3]
            .input
            .as_ref()
            .and_then(Value::as_array)
            .map(Vec::len),
        Some(2)
    );
    assert_eq!(t.calls[2].events.len(), 9);
    // Oddities are kept as they were, not dropped.
    assert_eq!(t.calls[0].metadata["llm.headers"], "None");
    assert!(
        t.calls[0]
            .metadata
            .contains_key("gen_ai.request.reasoning_effort")
    );
    assert!(
        t.calls[1]
            .metadata
            .contains_key("llm.request.functions.0.name")
    );
}

fn check_openinference(stem: &str) -> Trace {
    let t = check(
        stem,
        &Expected {
            // The requested model comes from llm.invocation_parameters; llm.model_name is the
            // response model.
            model: MINI,
            tokens: [
                (Some(1048), Some(39), Some(1024), Some(32), Some(1087)),
                (Some(82), Some(17), Some(0), Some(0), Some(99)),
                (Some(1036), Some(8), Some(1024), Some(0), Some(1044)),
            ],
            finish: [&["stop"], &["tool_calls"], &["stop"]],
            streaming: [None, None, Some(true)],
            content: true,
            embedding_dimensions: Some(8),
            embedding_tokens: (Some(9), Some(9)),
        },
    );
    for call in &t.calls {
        assert_eq!(call.status, telemetry_types::SpanStatus::Ok);
    }
    // The first-token event gives the time to first token, and is kept.
    let stream = &t.calls[2];
    let ttft = llm(stream)
        .time_to_first_token_ms
        .expect("time to first token");
    assert!((0.0..60_000.0).contains(&ttft));
    assert_eq!(stream.events[0].name, "First Token Stream Event");
    let emb = embedding(&t.calls[3]);
    assert_eq!(emb.input_count, Some(2));
    assert_eq!(emb.encoding_format.as_deref(), Some("base64"));
    let vectors = &t.calls[3].metadata["embedding.embeddings"];
    assert_eq!(
        vectors[0]["embedding"]["vector"].as_array().map(Vec::len),
        Some(8)
    );
    t
}

#[test]
fn openinference() {
    let t = check_openinference("openinference");
    // input.value / output.value are the request and response bodies.
    assert_eq!(t.calls[0].input.as_ref().unwrap()["model"], MINI);
    assert!(
        t.calls[0]
            .metadata
            .contains_key("llm.invocation_parameters")
    );
    assert!(
        !t.calls[0]
            .metadata
            .keys()
            .any(|k| k.starts_with("llm.input_messages"))
    );
}

#[test]
fn openinference_with_genai_semconv() {
    let t = check_openinference("openinference-genai");
    // gen_ai.input.messages wins over input.value, which is kept in metadata.
    assert_eq!(t.calls[0].input.as_ref().unwrap()[0]["role"], "system");
    assert!(t.calls[0].metadata.contains_key("input.value"));
    // Where the two halves disagree, the loser is kept, not dropped.
    assert_eq!(t.calls[0].metadata["gen_ai.request.model"], MINI_DATED);
    assert_eq!(
        t.calls[1].metadata["gen_ai.response.finish_reasons"],
        serde_json::json!(["tool_call"])
    );
    // A foreign span's instrumentation scope is kept.
    assert_eq!(t.root.metadata["otel.scope.name"], "genai-fixture.agent");
    assert_eq!(
        t.calls[0].metadata["otel.scope.name"],
        "openinference.instrumentation.openai"
    );
}
