//! Migrating from `tracing` + `tracing-opentelemetry`: keep every `#[instrument]`, add one
//! layer. See docs/MIGRATION.md, guide 1.
//!
//! ```sh
//! cargo run -p telemetry-bridges --example from_tracing_opentelemetry
//! ```

use telemetry_bridges::TelemetryLayer;
use telemetry_core::Telemetry;
use telemetry_exporters::ConsoleExporter;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// Unchanged application code: ordinary `tracing` instrumentation with GenAI fields.
#[tracing::instrument(fields(gen_ai.operation.name = "chat", gen_ai.request.model = "gpt-4o",
    gen_ai.usage.input_tokens = tracing::field::Empty, gen_ai.usage.output_tokens = tracing::field::Empty))]
async fn generate(prompt: &str) -> String {
    let span = tracing::Span::current();
    span.record("gen_ai.usage.input_tokens", 42);
    span.record("gen_ai.usage.output_tokens", 7);
    format!("answer to {prompt}")
}

#[tracing::instrument(err)]
async fn lookup_order(id: &str) -> Result<String, std::io::Error> {
    tracing::info!(order = id, "looking the order up");
    Err(std::io::Error::other("order service unavailable"))
}

#[tracing::instrument]
async fn handle(question: &str) -> String {
    let _ = lookup_order("A1").await;
    generate(question).await
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Before: tracing_subscriber::registry().with(tracing_opentelemetry::layer().with_tracer(tracer))
    // After: our layer. Spans of `my_app` become generic spans, GenAI spans typed ones.
    let telemetry = Telemetry::builder("support-bot")
        .exporter(ConsoleExporter::new())
        .build()?;
    let layer = TelemetryLayer::builder(telemetry.clone())
        .generic_spans(
            Targets::new().with_target("from_tracing_opentelemetry", tracing::Level::INFO),
        )
        .build();
    tracing_subscriber::registry().with(layer).init();

    let answer = handle("Where is my order?").await;
    println!("{answer}");
    telemetry.shutdown().await?;
    Ok(())
}
