//! Running the old pipeline (`tracing-opentelemetry` → OpenTelemetry SDK) and ours side by
//! side, comparing what each recorded, then switching the old one off with a flag — no
//! restart, no code change in the instrumented application. See docs/MIGRATION.md, guide 4.
//!
//! ```sh
//! cargo run -p telemetry-bridges --example parallel_then_switch
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use opentelemetry::trace::TracerProvider;
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
use telemetry_bridges::TelemetryLayer;
use telemetry_core::Telemetry;
use telemetry_core::testing::InMemoryExporter;
use tracing_subscriber::Layer;
use tracing_subscriber::filter::dynamic_filter_fn;
use tracing_subscriber::layer::SubscriberExt;

#[tracing::instrument(fields(gen_ai.operation.name = "chat", gen_ai.request.model = "gpt-4o"))]
fn generate(prompt: &str) -> usize {
    prompt.len()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The old pipeline, behind a flag (a config value, an admin endpoint, an env variable…).
    let old_enabled = Arc::new(AtomicBool::new(true));
    let old_exporter = InMemorySpanExporter::default(); // stands for the old backend
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(old_exporter.clone())
        .build();
    let flag = old_enabled.clone();
    let old_layer = tracing_opentelemetry::layer()
        .with_tracer(provider.tracer("app"))
        .with_filter(dynamic_filter_fn(move |_, _| flag.load(Ordering::Relaxed)));

    // The new pipeline.
    let new_exporter = InMemoryExporter::new(); // stands for our backend
    let telemetry = Telemetry::builder("app")
        .exporter(new_exporter.clone())
        .build()?;
    let new_layer = TelemetryLayer::new(telemetry.clone());

    let subscriber = tracing_subscriber::registry()
        .with(old_layer)
        .with(new_layer);
    tracing::subscriber::with_default(subscriber, || -> Result<(), Box<dyn std::error::Error>> {
        // 1. Both on: compare.
        generate("hello");
        provider.force_flush()?;
        telemetry.flush_blocking(std::time::Duration::from_secs(5))?;
        let old = old_exporter.get_finished_spans()?.len();
        let new = new_exporter.ended_spans().len();
        println!("both on: old pipeline {old} span(s), new pipeline {new} span(s)");

        // 2. Switch the old one off.
        old_enabled.store(false, Ordering::Relaxed);
        generate("after the switch");
        provider.force_flush()?;
        telemetry.flush_blocking(std::time::Duration::from_secs(5))?;
        let old_after = old_exporter.get_finished_spans()?.len();
        let new_after = new_exporter.ended_spans().len();
        println!("old off: old pipeline {old_after} span(s), new pipeline {new_after} span(s)");
        if old_after != old || new_after != new + 1 {
            return Err("the switch did not take effect".into());
        }
        Ok(())
    })?;
    provider.shutdown()?;
    Ok(())
}
