//! Migrating a rig application that exported to Langfuse over OTLP (through
//! `tracing-opentelemetry` and `opentelemetry-otlp`): our layer turns rig's spans into typed
//! spans, and our OTLP exporter sends them to Langfuse, configured by the same
//! `OTEL_EXPORTER_OTLP_*` variables. See docs/MIGRATION.md, guide 3.
//!
//! ```sh
//! OPENAI_API_KEY=sk-... \
//! OTEL_EXPORTER_OTLP_ENDPOINT=https://cloud.langfuse.com/api/public/otel \
//! OTEL_EXPORTER_OTLP_HEADERS="Authorization=Basic $(echo -n pk-lf-...:sk-lf-... | base64)" \
//! cargo run -p telemetry-bridges --example rig_langfuse
//! ```

use rig_agent::prelude::*;
use rig_core::providers::openai::{OpenAIConfig, Route};
use telemetry_bridges::{ProcessEnv, Settings, TelemetryLayer};
use telemetry_exporters::{ConsoleExporter, HttpExporter};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Code > file > environment: the service name is set here, the rest comes from OTEL_*.
    let code = Settings {
        service_name: Some("rig-support".into()),
        ..Settings::default()
    };
    let settings = Settings::resolve(code, Settings::default(), Settings::from_env(&ProcessEnv)?);
    let mut builder = settings.builder();
    match settings.otlp_exporter_config() {
        Some(otlp) => builder = builder.exporter(HttpExporter::new(otlp)?),
        None => builder = builder.exporter(ConsoleExporter::new()),
    }
    let telemetry = builder.build()?;
    // Before: .with(tracing_opentelemetry::layer().with_tracer(langfuse_tracer))
    let layer = TelemetryLayer::builder(telemetry.clone())
        .genai_only()
        .build();
    tracing_subscriber::registry().with(layer).init();

    let Ok(config) = OpenAIConfig::from_env() else {
        println!("set OPENAI_API_KEY (and OPENAI_BASE_URL for another endpoint) to run the agent");
        return Ok(());
    };
    let model = config
        .with_route(Route::Chat)
        .client()
        .completion("gpt-4o-mini");
    let agent = AgentBuilder::new(model)
        .name("support")
        .preamble("Answer in one sentence.")
        .build();
    let answer = agent.prompt("What is a refund policy?").await?;
    println!("{}", answer.output());
    telemetry.shutdown().await?;
    Ok(())
}
