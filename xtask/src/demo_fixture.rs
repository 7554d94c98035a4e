//! `cargo xtask demo-fixture`: records the server's demo (`serve --demo`) with our real SDK
//! and OTLP mapping into `telemetry-api/fixtures/demo/conversations.pb`, the OTLP protobuf
//! request the server embeds and replays through its own OTLP ingest.
//!
//! Each conversation is an agent run with two LLM generations (tokens and cost), a tool
//! call (the first conversation's fails), a RAG query with its embedding, and an eval trace
//! that scores the run.
//!
//! The recording is deterministic — ids are numbered in order of appearance and timestamps
//! replaced by their rank on a fixed 5 ms grid from [`EPOCH_NANOS`] — so a test can tell a
//! stale fixture from the generator's output; the server gives them fresh ids and moves them
//! to "now" when it loads them.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use prost::Message;
use telemetry_core::attrs::{
    AgentRun, Cost, EmbeddingGeneration, EvalExecution, LlmGeneration, LlmOperation,
    ModelParameters, RagQuery, ToolCall, Usage,
};
use telemetry_core::testing::InMemoryExporter;
use telemetry_core::{FutureExt, SpanError, Telemetry, TraceId};
use telemetry_otlp::rewrite;

/// Conversations recorded.
pub const CONVERSATIONS: usize = 4;
/// The fixture, relative to the workspace.
pub const FIXTURE: &str = "telemetry-api/fixtures/demo/conversations.pb";
/// The recording's first timestamp: 2026-01-01T00:00:00Z.
pub const EPOCH_NANOS: u64 = 1_767_225_600_000_000_000;
/// Distance between two successive timestamps of the recording.
const STEP_NANOS: u64 = 5_000_000;

/// `cargo xtask demo-fixture [--check]`.
#[derive(Debug, clap::Args)]
pub struct DemoFixtureArgs {
    /// Fail when the committed fixture differs from what the generator produces, instead of
    /// writing it.
    #[arg(long)]
    pub check: bool,
}

/// Writes (or checks) the fixture under the workspace root.
pub fn run(args: DemoFixtureArgs) -> Result<()> {
    let path = crate::compat::workspace_root().join(FIXTURE);
    let request = generate()?;
    if args.check {
        if committed(&path)? != request {
            bail!(
                "{} is stale: run `cargo xtask demo-fixture`",
                path.display()
            );
        }
        println!("{} is up to date", path.display());
        return Ok(());
    }
    write(&path, &request)?;
    println!("wrote {}", path.display());
    Ok(())
}

/// The committed fixture at `path`, decoded.
pub fn committed(path: &Path) -> Result<ExportTraceServiceRequest> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    telemetry_otlp::decode_protobuf(&bytes).with_context(|| format!("decoding {}", path.display()))
}

fn write(path: &PathBuf, request: &ExportTraceServiceRequest) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, request.encode_to_vec())?;
    Ok(())
}

/// Records the demo conversations through the SDK and maps them to one OTLP request, with
/// deterministic ids and timestamps.
pub fn generate() -> Result<ExportTraceServiceRequest> {
    let spans = InMemoryExporter::new();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let telemetry = Telemetry::builder("support-bot")
            .environment("demo")
            .exporter(spans.clone())
            .build()?;
        for conversation in 0..CONVERSATIONS {
            if let Some(trace) = agent_run(&telemetry, conversation).await {
                evaluate(&telemetry, trace, conversation);
            }
        }
        telemetry.shutdown().await?;
        anyhow::Ok(())
    })?;
    let mut request = telemetry_otlp::export_request(&spans.ended_spans());
    normalise(&mut request);
    Ok(request)
}

/// Numbered ids, and each timestamp replaced by its rank on the fixed grid (the order of
/// events is what the recording keeps; real durations vary from run to run).
fn normalise(request: &mut ExportTraceServiceRequest) {
    rewrite::remap_ids(request, numbered, numbered);
    let mut times = rewrite::timestamps(request);
    times.sort_unstable();
    times.dedup();
    rewrite::retime(request, |t| {
        let rank = times.partition_point(|&x| x < t) as u64;
        EPOCH_NANOS + rank * STEP_NANOS
    });
}

/// The id numbered `n` (never all zeros, which OTLP reads as "no id").
fn numbered<const N: usize>(n: usize) -> [u8; N] {
    let mut id = [0u8; N];
    let bytes = (n as u64 + 1).to_be_bytes();
    id[N - 8..].copy_from_slice(&bytes);
    id
}

const QUESTIONS: [&str; CONVERSATIONS] = [
    "Where is my order A-1001?",
    "What is the refund policy for opened items?",
    "Can I change the delivery address?",
    "Do you ship to Canada?",
];

/// One agent run; returns its trace id.
async fn agent_run(telemetry: &Telemetry, conversation: usize) -> Option<TraceId> {
    let question = QUESTIONS[conversation % QUESTIONS.len()];
    let run = telemetry
        .trace("support-agent", AgentRun::named("support-agent"))
        .user_id(format!("user-{}", conversation % 3))
        .session_id(format!("session-{}", conversation / 2))
        .tag("demo")
        .input(question)
        .start();
    let trace = run.trace_id();
    async {
        let plan = chat(telemetry, "gpt-4o", question, (412, 38), 0.00141).await;
        let _ = call_tool(telemetry, conversation).await;
        retrieve(telemetry, question).await;
        chat(telemetry, "gpt-4o-mini", &plan, (1210, 164), 0.00028).await;
    }
    .in_span(&run)
    .await;
    run.end_with_output("Your order ships tomorrow; refunds take 5 business days.");
    trace
}

async fn chat(
    telemetry: &Telemetry,
    model: &str,
    prompt: &str,
    (input, output): (u64, u64),
    cost: f64,
) -> String {
    let span = telemetry
        .span(
            format!("chat {model}"),
            LlmGeneration {
                operation: Some(LlmOperation::Chat),
                parameters: Some(ModelParameters {
                    temperature: Some(0.2),
                    ..ModelParameters::default()
                }),
                ..LlmGeneration::new(model.to_owned(), "openai")
            },
        )
        .input(prompt)
        .start();
    tokio::time::sleep(Duration::from_millis(15)).await;
    span.record_usage(Usage::new(input, output));
    span.record_cost(Cost::total_usd(cost));
    let answer = "I will look up the order and the refund policy.".to_owned();
    span.end_with_output(&answer);
    answer
}

/// The first conversation's tool call fails, as tools do.
async fn call_tool(telemetry: &Telemetry, conversation: usize) -> Result<String, SpanError> {
    let span = telemetry
        .span("execute_tool lookup_order", ToolCall::named("lookup_order"))
        .input(r#"{"order":"A-1001"}"#)
        .start();
    tokio::time::sleep(Duration::from_millis(8)).await;
    if conversation == 0 {
        let error = SpanError::new("OrderApiError", "order service returned 502").retryable(true);
        span.end_with_error(error.clone());
        return Err(error);
    }
    span.end_with_output("ships tomorrow");
    Ok("ships tomorrow".to_owned())
}

async fn retrieve(telemetry: &Telemetry, question: &str) {
    let span = telemetry
        .span(
            "retrieval policies",
            RagQuery {
                top_k: Some(3),
                vector_store: Some("pgvector".into()),
                ..RagQuery::new("policies", question)
            },
        )
        .start();
    async {
        let embed = telemetry
            .span(
                "embeddings text-embedding-3-small",
                EmbeddingGeneration {
                    input_count: Some(1),
                    dimensions: Some(1536),
                    usage: Some(Usage::new(12, 0)),
                    ..EmbeddingGeneration::new("text-embedding-3-small", "openai")
                },
            )
            .input(question)
            .start();
        tokio::time::sleep(Duration::from_millis(4)).await;
        embed.end();
    }
    .in_span(&span)
    .await;
    span.end_with_output(&["Refunds are processed within 5 business days."]);
}

/// An eval trace scoring the run (faithfulness, lower on the failed conversation).
fn evaluate(telemetry: &Telemetry, trace: TraceId, conversation: usize) {
    let score = if conversation == 0 {
        0.42
    } else {
        0.9 - 0.05 * conversation as f64
    };
    let span = telemetry
        .trace(
            "eval faithfulness",
            EvalExecution {
                score: Some(score),
                threshold: Some(0.7),
                passed: Some(score >= 0.7),
                reason: Some("answer compared with the retrieved policy".to_owned()),
                evaluated_trace_id: Some(trace),
                ..EvalExecution::new("llm_judge", "faithfulness")
            },
        )
        .start();
    span.end();
}
