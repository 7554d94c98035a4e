//! A small simulated support agent, instrumented with typed AI spans and printed as a tree by
//! the console exporter: agent run → LLM generation (tool selection) → tool calls (one fails)
//! → RAG query with an embedding → final LLM generation → eval.
//!
//! Run: `cargo run -p telemetry-exporters --example simulated_agent`

use std::time::Duration;

use telemetry_core::attrs::{
    AgentRun, Cost, EmbeddingGeneration, EvalExecution, LlmGeneration, LlmOperation, LlmResultType,
    RagQuery, RetrievedChunk, ToolCall, Usage,
};
use telemetry_core::{ErrorCategory, FutureExt, SpanError, Telemetry, current_span};
use telemetry_exporters::ConsoleExporter;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let telemetry = Telemetry::builder("support-bot")
        .environment("development")
        .release(env!("CARGO_PKG_VERSION"))
        .exporter(ConsoleExporter::new())
        .build()?;

    let question = "How long do refunds take, and is it raining in Paris?";
    let run = telemetry
        .trace(
            "support",
            AgentRun {
                available_tools: vec!["get_weather".into(), "search_docs".into()],
                max_steps: Some(5),
                ..AgentRun::named("support-agent")
            },
        )
        .user_id("u-7")
        .session_id("s-42")
        .input(question)
        .start();

    let answer = agent(&telemetry, question).in_span(&run).await;
    run.end_with_output(&answer);
    telemetry.shutdown().await?;
    Ok(())
}

async fn agent(telemetry: &Telemetry, question: &str) -> String {
    llm(
        telemetry,
        "plan",
        LlmResultType::ToolSelection,
        Usage::new(412, 38),
    )
    .await;
    let weather = tool(telemetry, "get_weather", r#"{"city":"Paris"}"#).await;
    let docs = retrieve(telemetry, question).await;
    llm(
        telemetry,
        "answer",
        LlmResultType::ResponseGeneration,
        Usage::new(1310, 96),
    )
    .await;
    evaluate(telemetry);
    format!(
        "Refunds take 5 days ({docs} sources). Weather: {}",
        weather.unwrap_or_else(|e| e.message)
    )
}

async fn llm(telemetry: &Telemetry, step: &str, result_type: LlmResultType, usage: Usage) {
    let span = telemetry
        .span(
            format!("chat gpt-4o ({step})"),
            LlmGeneration {
                operation: Some(LlmOperation::Chat),
                result_type: Some(result_type),
                streaming: Some(true),
                ..LlmGeneration::new("gpt-4o", "openai")
            },
        )
        .start();
    async {
        tokio::time::sleep(Duration::from_millis(30)).await;
        current_span().record_first_token();
        tokio::time::sleep(Duration::from_millis(20)).await;
        current_span().record_usage(usage);
        current_span().record_cost(Cost::total_usd(
            usage.input_tokens.unwrap_or(0) as f64 * 2.5e-6
                + usage.output_tokens.unwrap_or(0) as f64 * 1e-5,
        ));
    }
    .in_span(&span)
    .await;
    span.end();
}

async fn tool(
    telemetry: &Telemetry,
    name: &'static str,
    arguments: &str,
) -> Result<String, SpanError> {
    let span = telemetry
        .span(format!("execute_tool {name}"), ToolCall::named(name))
        .input(arguments)
        .start();
    tokio::time::sleep(Duration::from_millis(15)).await;
    let error = SpanError::new("WeatherApiError", "upstream timed out after 10s")
        .retryable(true)
        .category(ErrorCategory::ThirdParty);
    span.update_attributes(|a| {
        if let telemetry_core::SpanAttributes::ToolCall(t) = a {
            t.success = Some(false);
        }
    });
    span.end_with_error(error.clone());
    Err(error)
}

async fn retrieve(telemetry: &Telemetry, question: &str) -> usize {
    let span = telemetry
        .span(
            "retrieval docs",
            RagQuery {
                top_k: Some(2),
                ..RagQuery::new("docs", question)
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
                    ..EmbeddingGeneration::new("text-embedding-3-small", "openai")
                },
            )
            .start();
        tokio::time::sleep(Duration::from_millis(8)).await;
        embed.record_usage(Usage {
            input_tokens: Some(14),
            ..Usage::default()
        });
        embed.end();
        tokio::time::sleep(Duration::from_millis(12)).await;
    }
    .in_span(&span)
    .await;
    let chunks = vec![
        RetrievedChunk {
            id: Some("refunds#2".into()),
            score: Some(0.91),
            ..RetrievedChunk::default()
        },
        RetrievedChunk {
            id: Some("faq#7".into()),
            score: Some(0.78),
            ..RetrievedChunk::default()
        },
    ];
    let count = chunks.len();
    span.update_attributes(move |a| {
        if let telemetry_core::SpanAttributes::RagQuery(r) = a {
            r.chunks = chunks;
        }
    });
    span.end();
    count
}

fn evaluate(telemetry: &Telemetry) {
    let span = telemetry
        .span(
            "eval faithfulness",
            EvalExecution {
                score: Some(0.86),
                passed: Some(true),
                threshold: Some(0.7),
                ..EvalExecution::new("llm_judge", "faithfulness")
            },
        )
        .start();
    span.end();
}
