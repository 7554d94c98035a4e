//! `serve --demo`: realistic agent traces sent through our own SDK and HTTP exporter to the
//! server itself, over the real ingest path (a key is created for the target project).
//!
//! Each conversation is an agent run with two LLM generations (tokens and cost), a tool
//! call (the first conversation's fails), a RAG query with its embedding, and an eval trace
//! that scores the run.

use std::net::SocketAddr;
use std::time::Duration;

use telemetry_core::attrs::{
    AgentRun, Cost, EmbeddingGeneration, EvalExecution, LlmGeneration, LlmOperation,
    ModelParameters, RagQuery, ToolCall, Usage,
};
use telemetry_core::{FutureExt, SpanError, Telemetry, TraceId};
use telemetry_exporters::http::{HttpExporter, HttpExporterConfig, WireFormat};
use telemetry_store::{ProjectId, Store};

/// Conversations seeded.
pub const CONVERSATIONS: usize = 4;

/// Why seeding failed.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The key could not be created.
    #[error("cannot create the demo key: {0}")]
    Store(#[from] telemetry_store::Error),
    /// The exporter could not be built.
    #[error("cannot build the demo exporter: {0}")]
    Exporter(#[from] telemetry_exporters::http::HttpExporterError),
    /// The SDK could not be built.
    #[error("cannot build the demo SDK instance: {0}")]
    Sdk(#[from] telemetry_core::BuildError),
    /// Delivery failed.
    #[error("demo spans were not all delivered: {0}")]
    Export(#[from] telemetry_core::ExportError),
}

/// Seeds the demo traces into `project` through the server at `addr`; returns the spans
/// delivered.
pub async fn seed(store: &Store, project: ProjectId, addr: SocketAddr) -> Result<u64, DemoError> {
    let key = store.create_api_key(project, "demo").await?;
    let exporter = HttpExporter::new(
        HttpExporterConfig::new(format!("http://{addr}/api/v1/events"))
            .format(WireFormat::Native)
            .header("authorization", format!("Bearer {}", key.secret))
            .timeout(Duration::from_secs(10)),
    )?;
    let telemetry = Telemetry::builder("support-bot")
        .environment("demo")
        .exporter(exporter.clone())
        .build()?;
    for conversation in 0..CONVERSATIONS {
        let trace = agent_run(&telemetry, conversation).await;
        if let Some(trace) = trace {
            evaluate(&telemetry, trace, conversation);
        }
    }
    telemetry.shutdown().await?;
    Ok(exporter.stats().delivered)
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
        let plan = generate(telemetry, "gpt-4o", question, (412, 38), 0.00141).await;
        let _ = call_tool(telemetry, conversation).await;
        retrieve(telemetry, question).await;
        generate(telemetry, "gpt-4o-mini", &plan, (1210, 164), 0.00028).await;
    }
    .in_span(&run)
    .await;
    run.end_with_output("Your order ships tomorrow; refunds take 5 business days.");
    trace
}

async fn generate(
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
