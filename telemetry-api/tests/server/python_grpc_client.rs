//! A real OpenTelemetry client over OTLP/gRPC: the Python SDK with
//! `opentelemetry-exporter-otlp-proto-grpc` sends a GenAI agent trace and GenAI content log
//! events to the server's gRPC port, and GraphQL gives back its types, tokens, error and
//! parents, and the log events on the chat span (filling its output). `.ci/run` creates the
//! virtual environment and names its Python in `TELEMETRY_TEST_PYTHON`; without it (or without
//! the gRPC exporter in it) the test is skipped, loudly.

use std::process::Command;

use crate::common::TestServer;
use crate::query_path::graphql;

const PYTHON_ENV: &str = "TELEMETRY_TEST_PYTHON";

const SCRIPT: &str = r#"
import os
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.trace import Status, StatusCode
from opentelemetry._logs import SeverityNumber
from opentelemetry.sdk._logs import LoggerProvider
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor
from opentelemetry.exporter.otlp.proto.grpc._log_exporter import OTLPLogExporter

resource = Resource.create({"service.name": "python-grpc-agent"})
headers = (("authorization", "Bearer " + os.environ["SECRET"]),)
provider = TracerProvider(resource=resource)
provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(
    endpoint=os.environ["ENDPOINT"], insecure=True, headers=headers)))
tracer = provider.get_tracer("python-grpc-test")
log_provider = LoggerProvider(resource=resource)
log_provider.add_log_record_processor(BatchLogRecordProcessor(OTLPLogExporter(
    endpoint=os.environ["ENDPOINT"], insecure=True, headers=headers)))
logger = log_provider.get_logger("python-grpc-test")
with tracer.start_as_current_span("invoke_agent weather") as root:
    root.set_attribute("gen_ai.operation.name", "invoke_agent")
    root.set_attribute("gen_ai.agent.name", "weather")
    with tracer.start_as_current_span("chat gpt-4o-mini") as chat:
        chat.set_attribute("gen_ai.operation.name", "chat")
        chat.set_attribute("gen_ai.provider.name", "openai")
        chat.set_attribute("gen_ai.request.model", "gpt-4o-mini")
        chat.set_attribute("gen_ai.usage.input_tokens", 321)
        chat.set_attribute("gen_ai.usage.output_tokens", 12)
        logger.emit(event_name="gen_ai.user.message", severity_number=SeverityNumber.INFO,
                    body={"content": "Weather in Paris?"})
        logger.emit(event_name="gen_ai.choice", severity_number=SeverityNumber.INFO,
                    body={"index": 0, "finish_reason": "stop",
                          "message": {"role": "assistant", "content": "Sunny."}})
    with tracer.start_as_current_span("execute_tool get_weather") as tool:
        tool.set_attribute("gen_ai.operation.name", "execute_tool")
        tool.set_attribute("gen_ai.tool.name", "get_weather")
        tool.set_attribute("error.type", "TimeoutError")
        tool.set_status(Status(StatusCode.ERROR, "weather service timed out"))
    print(format(root.get_span_context().trace_id, "032x"))
provider.force_flush()
provider.shutdown()
log_provider.force_flush()
log_provider.shutdown()
"#;

/// The venv's Python when it has the gRPC exporter; `None` (said loudly) otherwise.
fn python_with_grpc() -> Option<String> {
    let python = std::env::var(PYTHON_ENV).ok().filter(|p| !p.is_empty());
    let usable = python.filter(|python| {
        Command::new(python)
            .args([
                "-c",
                "import opentelemetry.exporter.otlp.proto.grpc.trace_exporter",
            ])
            .output()
            .is_ok_and(|out| out.status.success())
    });
    if usable.is_none() {
        eprintln!("!! =============================================================");
        eprintln!("!! SKIPPED: Python OTLP/gRPC client test ({PYTHON_ENV} is not set or");
        eprintln!("!! lacks opentelemetry-exporter-otlp-proto-grpc; .ci/run installs it)");
        eprintln!("!! =============================================================");
    }
    usable
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_grpc_exporter_is_ingested() {
    let Some(python) = python_with_grpc() else {
        return;
    };
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("pygrpc.db").display());
    let server = TestServer::start(&url).await;
    let endpoint = format!("http://{}", server.grpc_addr.expect("gRPC served"));
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
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "python failed: {stderr}");
    assert!(
        !stderr.contains("Failed to export"),
        "export failed: {stderr}"
    );
    let trace = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let query = format!(
        r#"{{ trace(id: "{trace}") {{ spanCount totalTokens
            rootSpans {{ type name serviceName spanId
              children {{ type name parentSpanId model isError error {{ kind message }}
                usage {{ inputTokens outputTokens }} input output
                events {{ name attributes }} }} }} }} }}"#
    );
    let (status, body) = graphql(&server, Some(&server.secret), &query).await;
    assert_eq!(status, 200, "{body}");
    let t = &body["data"]["trace"];
    assert_eq!(t["spanCount"], 3, "{body}");
    assert_eq!(t["totalTokens"], 333, "{body}");
    let root = &t["rootSpans"][0];
    assert_eq!(root["type"], "AGENT_RUN", "{body}");
    assert_eq!(root["serviceName"], "python-grpc-agent");
    let children = root["children"].as_array().expect("children");
    assert!(
        children.iter().all(|c| c["parentSpanId"] == root["spanId"]),
        "{body}"
    );
    let chat = children
        .iter()
        .find(|c| c["type"] == "LLM_GENERATION")
        .expect("chat");
    assert_eq!(chat["model"], "gpt-4o-mini");
    assert_eq!(chat["usage"]["inputTokens"], 321);
    assert_eq!(chat["usage"]["outputTokens"], 12);
    assert_eq!(chat["isError"], false);
    let events: Vec<&str> = chat["events"]
        .as_array()
        .expect("events")
        .iter()
        .filter_map(|e| e["name"].as_str())
        .collect();
    assert_eq!(events, ["gen_ai.user.message", "gen_ai.choice"], "{body}");
    assert_eq!(chat["events"][0]["attributes"]["log.severity_number"], 9);
    assert_eq!(chat["input"][0]["content"], "Weather in Paris?", "{body}");
    assert_eq!(chat["input"][0]["role"], "user");
    assert_eq!(chat["output"][0]["message"]["content"], "Sunny.", "{body}");
    let tool = children
        .iter()
        .find(|c| c["type"] == "TOOL_CALL")
        .expect("tool");
    assert_eq!(tool["isError"], true, "{body}");
    assert_eq!(tool["error"]["kind"], "TimeoutError", "{body}");
    assert_eq!(
        tool["error"]["message"], "weather service timed out",
        "{body}"
    );
    server.stop().await;
}
