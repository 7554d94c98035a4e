//! `#[with_span]` and `#[instrument_class]` in a small support agent: typed spans with
//! attributes checked at compile time, arguments as input, return values as output, errors
//! recorded, and nesting through the context.
//!
//! Run: `cargo run -p telemetry-core --example macros`
//! (the in-memory exporter shows what was recorded; an application uses a real exporter).

use telemetry_core::attrs::{Generic, Usage};
use telemetry_core::testing::InMemoryExporter;
use telemetry_core::{FutureExt, Telemetry, current_span, instrument_class, with_span};

#[derive(Debug, thiserror::Error)]
#[error("the model is overloaded")]
struct Overloaded;

/// A model call: an `llm_generation` span with its model and provider.
#[with_span(span_type = llm_generation, name = "chat gpt-4o",
            attributes(model = "gpt-4o", provider = "openai"))]
async fn generate(prompt: &str) -> Result<String, Overloaded> {
    if prompt.is_empty() {
        return Err(Overloaded); // Err → span errored, error returned as is
    }
    current_span().record_usage(Usage::new(prompt.len() as u64, 8));
    Ok(format!("Refunds take 5 days ({prompt})"))
}

/// A tool call; the database handle is not serializable, so it is skipped.
#[with_span(span_type = tool_call, skip(db), attributes(tool_name = "policy_lookup"))]
fn lookup_policy(db: &Database, topic: &str) -> Option<String> {
    db.policies
        .iter()
        .find(|p| p.contains(topic))
        .map(|p| p.to_string())
}

struct Database {
    policies: Vec<&'static str>,
}

struct SupportAgent {
    db: Database,
}

/// Every method is an `agent_run` span named `support.<method>`.
#[instrument_class(prefix = "support", span_type = agent_run, attributes(agent_name = "support"))]
impl SupportAgent {
    async fn answer(&self, question: String) -> Result<String, Overloaded> {
        let context = lookup_policy(&self.db, "refund").unwrap_or_default();
        generate(&format!("{question} / {context}")).await
    }

    #[skip_span]
    fn name(&self) -> &'static str {
        "support"
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let spans = InMemoryExporter::new();
    let telemetry = Telemetry::builder("support-bot")
        .exporter(spans.clone())
        .build()?;

    let agent = SupportAgent {
        db: Database {
            policies: vec!["refund: 5 days", "shipping: 2 days"],
        },
    };
    let run = telemetry.trace("support", Generic::default()).start();
    let answer = agent
        .answer("How long do refunds take?".into())
        .in_span(&run)
        .await?;
    run.end();
    telemetry.shutdown().await?;

    println!("{}: {answer}", agent.name());
    for span in spans.ended_spans() {
        println!(
            "{:<16} {:<14} input={} output={}",
            span.name,
            span.attributes.span_type(),
            span.input
                .as_ref()
                .map(|v| v.to_string())
                .unwrap_or_default(),
            span.output
                .as_ref()
                .map(|v| v.to_string())
                .unwrap_or_default(),
        );
    }
    Ok(())
}
