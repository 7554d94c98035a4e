//! Native ingest: our SDK with the HTTP exporter (native JSON, OTLP protobuf and JSON, and
//! OTLP/gRPC to the server's gRPC port) sends an agent trace to the server; the store holds the same tree, tokens and costs. Unreadable
//! events are counted as rejected; an unknown batch format is a 400.

use std::time::Duration;

use telemetry_core::Telemetry;
use telemetry_core::attrs::{AgentRun, Cost, LlmGeneration, ToolCall, Usage};
use telemetry_core::{FutureExt, SpanError};
use telemetry_exporters::http::{HttpExporter, HttpExporterConfig, WireFormat};
use telemetry_types::SpanType;

use crate::common::{TestServer, each_db};

pub(crate) async fn send_agent_trace(
    server: &TestServer,
    format: WireFormat,
    path: &str,
) -> telemetry_types::TraceId {
    send_agent_trace_to(server, format, server.url(path)).await
}

/// Sends the agent trace to `endpoint` with the server's key.
async fn send_agent_trace_to(
    server: &TestServer,
    format: WireFormat,
    endpoint: String,
) -> telemetry_types::TraceId {
    let exporter = HttpExporter::new(
        HttpExporterConfig::new(endpoint)
            .format(format)
            .header("authorization", format!("Bearer {}", server.secret))
            .timeout(Duration::from_secs(10)),
    )
    .expect("exporter");
    let telemetry = Telemetry::builder("sdk-e2e")
        .exporter(exporter.clone())
        .build()
        .expect("sdk");
    let run = telemetry.trace("agent", AgentRun::named("support")).start();
    let trace = run.trace_id().expect("recording");
    async {
        let llm = telemetry
            .span("chat gpt-4o", LlmGeneration::new("gpt-4o", "openai"))
            .input("hi")
            .start();
        llm.record_usage(Usage::new(300, 40));
        llm.record_cost(Cost::total_usd(0.0123));
        llm.end_with_output("hello");
        let tool = telemetry
            .span("execute_tool search", ToolCall::named("search"))
            .start();
        tool.end_with_error(SpanError::new("Timeout", "search timed out"));
    }
    .in_span(&run)
    .await;
    run.end();
    telemetry.shutdown().await.expect("every span delivered");
    assert_eq!(exporter.stats().delivered, 3);
    trace
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn our_sdk_native_and_otlp_round_trip_through_the_server() {
    each_db("sdk end to end", |url| async move {
        let server = TestServer::start(&url).await;
        let grpc = format!("http://{}", server.grpc_addr.expect("gRPC served"));
        for (format, endpoint) in [
            (WireFormat::Native, server.url("/api/v1/events")),
            (WireFormat::OtlpProtobuf, server.url("/v1/traces")),
            (WireFormat::OtlpJson, server.url("/v1/traces")),
            (WireFormat::OtlpGrpc, grpc.clone()),
        ] {
            let trace = send_agent_trace_to(&server, format, endpoint).await;
            let detail = server
                .store
                .get_trace(server.project, trace)
                .await
                .expect("q")
                .expect("trace stored");
            assert_eq!(detail.roots.len(), 1, "{format:?}");
            let root = &detail.roots[0];
            assert_eq!(
                root.span.record.span_type(),
                SpanType::AgentRun,
                "{format:?}"
            );
            assert_eq!(root.children.len(), 2, "{format:?}");
            let llm = root
                .children
                .iter()
                .find(|c| c.span.record.span_type() == SpanType::LlmGeneration)
                .expect("llm");
            let usage = llm.span.record.attributes.usage().copied().expect("usage");
            assert_eq!(
                (usage.input_tokens, usage.output_tokens),
                (Some(300), Some(40)),
                "{format:?}"
            );
            assert!(
                (llm.span.cost.expect("cost") - 0.0123).abs() < 1e-9,
                "{format:?}"
            );
            let tool = root
                .children
                .iter()
                .find(|c| c.span.record.span_type() == SpanType::ToolCall)
                .expect("tool");
            assert_eq!(
                tool.span.record.error.as_ref().map(|e| e.message.as_str()),
                Some("search timed out"),
                "{format:?}"
            );
            assert!(detail.trace.has_error, "{format:?}");
        }
        server.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_grpc_exporter_counts_a_batch_refused_for_a_wrong_key() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("grpc-exporter.db").display());
    let server = TestServer::start(&url).await;
    let endpoint = format!("http://{}", server.grpc_addr.expect("gRPC served"));
    let exporter = HttpExporter::new(
        HttpExporterConfig::new(endpoint)
            .format(WireFormat::OtlpGrpc)
            .header("Authorization", "Bearer tsk_wrong")
            .retry(telemetry_exporters::http::RetryPolicy::none()),
    )
    .expect("exporter");
    let telemetry = Telemetry::builder("sdk-grpc")
        .exporter(exporter.clone())
        .build()
        .expect("sdk");
    telemetry
        .span("execute_tool search", ToolCall::named("search"))
        .start()
        .end();
    assert!(
        telemetry.shutdown().await.is_err(),
        "a wrong key loses the span"
    );
    let stats = exporter.stats();
    assert_eq!((stats.delivered, stats.rejected), (0, 1), "{stats:?}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_native_events_are_counted_and_bad_batches_refused() {
    each_db("native bad input", |url| async move {
        let server = TestServer::start(&url).await;
        let post = |body: &'static str| {
            server
                .client
                .post(server.url("/api/v1/events"))
                .bearer_auth(&server.secret)
                .header("content-type", "application/json")
                .body(body)
                .send()
        };
        let response = post(r#"{"format":"ai-telemetry","version":1,"events":[{"type":"nope"},{"type":"span_ended","span":3}]}"#)
            .await
            .expect("sent");
        assert_eq!(response.status(), 200);
        let answer: serde_json::Value = response.json().await.expect("json");
        assert_eq!(answer["rejected"], 2);
        assert_eq!(answer["accepted"], 0);
        let response = post(r#"{"format":"other","version":9,"events":[]}"#).await.expect("sent");
        assert_eq!(response.status(), 400);
        let response = post("{not json").await.expect("sent");
        assert_eq!(response.status(), 400);
        server.stop().await;
    })
    .await;
}
