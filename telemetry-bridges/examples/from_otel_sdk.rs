//! Migrating from the OpenTelemetry SDK set up by hand: keep the provider and its
//! instrumentation, add our span processor; our own spans and the SDK's share one tree.
//! See docs/MIGRATION.md, guide 2.
//!
//! ```sh
//! cargo run -p telemetry-bridges --example from_otel_sdk
//! ```

use opentelemetry::KeyValue;
use opentelemetry::trace::{Span, Tracer, TracerProvider};
use opentelemetry_sdk::trace::SdkTracerProvider;
use telemetry_bridges::otel::{TelemetrySpanProcessor, current_otel_context};
use telemetry_core::attrs::AgentRun;
use telemetry_core::{FutureExt, Telemetry};
use telemetry_exporters::ConsoleExporter;

/// Unchanged library code instrumented with the OpenTelemetry API.
fn call_model(tracer: &impl Tracer, parent: &opentelemetry::Context) {
    let mut span = tracer
        .span_builder("chat gpt-4o")
        .with_attributes([
            KeyValue::new("gen_ai.operation.name", "chat"),
            KeyValue::new("gen_ai.request.model", "gpt-4o"),
            KeyValue::new("gen_ai.usage.input_tokens", 120),
            KeyValue::new("gen_ai.usage.output_tokens", 30),
        ])
        .start_with_context(tracer, parent);
    span.end();
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let telemetry = Telemetry::builder("support-bot")
        .exporter(ConsoleExporter::new())
        .build()?;
    // The provider the application already had; our processor is the one new line.
    let provider = SdkTracerProvider::builder()
        .with_span_processor(TelemetrySpanProcessor::new(telemetry.clone()))
        .build();
    let tracer = provider.tracer("support-bot");

    // OpenTelemetry spans started inside our span become its children.
    let run = telemetry
        .trace("support", AgentRun::named("support-agent"))
        .start();
    async { call_model(&tracer, &current_otel_context()) }
        .in_span(&run)
        .await;
    run.end();

    provider.shutdown()?;
    telemetry.shutdown().await?;
    Ok(())
}
