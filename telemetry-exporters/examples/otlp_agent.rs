//! Sends a simulated agent's traces over OTLP/HTTP (protobuf, gzip) to any OpenTelemetry
//! collector or OTLP-compatible backend: agent run → LLM generation → tool call (one fails) →
//! RAG query, for a few conversations.
//!
//! Run against a local collector (or `telemetry-api`) on the OTLP default port:
//!
//! ```text
//! cargo run -p telemetry-exporters --example otlp_agent
//! cargo run -p telemetry-exporters --example otlp_agent -- https://collector.example.com/v1/traces
//! OTEL_EXPORTER_OTLP_ENDPOINT=https://cloud.langfuse.com/api/public/otel \
//! OTEL_EXPORTER_OTLP_HEADERS="Authorization=Basic%20<base64 pk:sk>" \
//!     cargo run -p telemetry-exporters --example otlp_agent
//! ```
//!
//! The settings come from the standard `OTEL_EXPORTER_OTLP_*` variables (endpoint, headers,
//! timeout, protocol, compression; see `HttpExporterConfig::from_env`); the first argument,
//! if any, replaces the endpoint; the default is `http://127.0.0.1:4318/v1/traces`. The
//! exporter's counts are printed at the end, and a failed delivery is reported, not hidden.

use std::time::Duration;

use telemetry_core::attrs::{AgentRun, LlmGeneration, LlmOperation, RagQuery, ToolCall, Usage};
use telemetry_core::{FutureExt, SpanError, Telemetry};
use telemetry_exporters::http::{HttpExporter, HttpExporterConfig, RetryPolicy};

const CONVERSATIONS: usize = 3;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut config = HttpExporterConfig::from_env()?.retry(RetryPolicy {
        max_elapsed: Duration::from_secs(5),
        ..RetryPolicy::default()
    });
    if let Some(endpoint) = std::env::args().nth(1) {
        config.endpoint = endpoint;
    }
    let endpoint = config.endpoint.clone();
    let exporter = HttpExporter::new(config)?;
    let telemetry = Telemetry::builder("otlp-agent-example")
        .environment("example")
        .exporter(exporter.clone())
        .build()?;

    for conversation in 0..CONVERSATIONS {
        run_agent(&telemetry, conversation).await;
    }
    let result = telemetry.shutdown().await;
    let stats = exporter.stats();
    println!(
        "{endpoint}: {} spans sent, {} delivered, {} rejected, {} dropped, {} retries",
        stats.sent, stats.delivered, stats.rejected, stats.dropped, stats.retries
    );
    result?;
    Ok(())
}

async fn run_agent(telemetry: &Telemetry, conversation: usize) {
    let question = "What is the refund policy, and where is my order?";
    let run = telemetry
        .trace("support", AgentRun::named("support-agent"))
        .user_id(format!("user-{conversation}"))
        .session_id(format!("session-{conversation}"))
        .input(question)
        .start();
    async {
        generate(telemetry, question).await;
        let _ = call_tool(telemetry, conversation).await;
        retrieve(telemetry, question).await;
    }
    .in_span(&run)
    .await;
    run.end_with_output("Refunds take 5 days; your order ships tomorrow.");
}

async fn generate(telemetry: &Telemetry, prompt: &str) {
    let span = telemetry
        .span(
            "chat gpt-4o",
            LlmGeneration {
                operation: Some(LlmOperation::Chat),
                ..LlmGeneration::new("gpt-4o", "openai")
            },
        )
        .input(prompt)
        .start();
    tokio::time::sleep(Duration::from_millis(20)).await;
    span.record_usage(Usage::new(412, 38));
    span.end_with_output("I will look up the order and the policy.");
}

/// The first conversation's tool call fails, as tools do.
async fn call_tool(telemetry: &Telemetry, conversation: usize) -> Result<String, SpanError> {
    let span = telemetry
        .span("execute_tool lookup_order", ToolCall::named("lookup_order"))
        .input(r#"{"order":"A-1001"}"#)
        .start();
    tokio::time::sleep(Duration::from_millis(10)).await;
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
                ..RagQuery::new("policies", question)
            },
        )
        .start();
    tokio::time::sleep(Duration::from_millis(8)).await;
    span.end_with_output(&["Refunds are processed within 5 business days."]);
}
