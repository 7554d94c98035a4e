//! A real OpenTelemetry client in another language: the Python SDK with the OTLP/HTTP
//! protobuf exporter sends a GenAI trace to a server started here. `.ci/run` creates the
//! virtual environment and names its Python in `TELEMETRY_TEST_PYTHON`; without it the test
//! is skipped, loudly.

use std::process::Command;

use telemetry_types::SpanType;

use crate::common::TestServer;

const PYTHON_ENV: &str = "TELEMETRY_TEST_PYTHON";

const SCRIPT: &str = r#"
import os, sys
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

provider = TracerProvider(resource=Resource.create({"service.name": "python-genai"}))
provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(
    endpoint=os.environ["ENDPOINT"],
    headers={"authorization": "Bearer " + os.environ["SECRET"]},
)))
tracer = provider.get_tracer("python-test")
with tracer.start_as_current_span("agent") as root:
    with tracer.start_as_current_span("chat gpt-4o-mini") as span:
        span.set_attribute("gen_ai.operation.name", "chat")
        span.set_attribute("gen_ai.provider.name", "openai")
        span.set_attribute("gen_ai.request.model", "gpt-4o-mini")
        span.set_attribute("gen_ai.usage.input_tokens", 321)
        span.set_attribute("gen_ai.usage.output_tokens", 12)
    print(format(root.get_span_context().trace_id, "032x"))
provider.force_flush()
provider.shutdown()
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_opentelemetry_sdk_is_ingested() {
    let Some(python) = std::env::var(PYTHON_ENV).ok().filter(|p| !p.is_empty()) else {
        eprintln!("!! =============================================================");
        eprintln!("!! SKIPPED: Python OpenTelemetry client test ({PYTHON_ENV} is not set;");
        eprintln!("!! .ci/run creates the virtual environment and sets it)");
        eprintln!("!! =============================================================");
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("py.db").display());
    let server = TestServer::start(&url).await;
    let endpoint = server.url("/v1/traces");
    let secret = server.secret.clone();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .args(["-c", SCRIPT])
            .env("ENDPOINT", endpoint)
            .env("SECRET", secret)
            .output()
            .expect("python runs")
    })
    .await
    .expect("join");
    assert!(
        output.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let hex = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let trace: telemetry_types::TraceId = hex.parse().expect("trace id printed");
    let detail = server
        .store
        .get_trace(server.project, trace)
        .await
        .expect("q")
        .expect("trace stored");
    assert_eq!(detail.roots.len(), 1);
    let root = &detail.roots[0];
    assert_eq!(root.span.record.name, "agent");
    assert_eq!(&*root.span.record.service_name, "python-genai");
    let chat = &root.children[0].span.record;
    assert_eq!(chat.span_type(), SpanType::LlmGeneration);
    assert_eq!(chat.attributes.model(), Some("gpt-4o-mini"));
    let usage = chat.attributes.usage().copied().expect("usage");
    assert_eq!(
        (usage.input_tokens, usage.output_tokens),
        (Some(321), Some(12))
    );
    server.stop().await;
}
