//! Every captured dialect fixture (protobuf and OTLP/JSON) sent over HTTP, then checked span
//! by span in the store: the same spans the two-way mapping reads in process, with the span
//! type, model, tokens, input/output and parent links of the README's table.

use std::path::PathBuf;

use telemetry_otlp as otel;
use telemetry_types::{SpanRecord, SpanType};

use crate::common::{TestServer, each_db};

const DIALECTS: [&str; 6] = [
    "openllmetry",
    "openllmetry-legacy",
    "openinference",
    "openinference-genai",
    "otel-genai",
    "otel-genai-content",
];

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/otlp")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// What the mapping reads from a fixture, in process.
fn expected(stem: &str) -> Vec<SpanRecord> {
    let request = otel::decode_protobuf(&fixture(&format!("{stem}.pb"))).expect("fixture decodes");
    let decoded = otel::spans_from_request(request);
    assert!(decoded.rejected.is_empty());
    decoded.spans
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_dialect_fixture_is_stored_span_by_span() {
    each_db("dialect fixtures", |url| async move {
        let server = TestServer::start(&url).await;
        for stem in DIALECTS {
            for (ext, content_type) in [
                ("pb", "application/x-protobuf"),
                ("json", "application/json"),
            ] {
                let project = server
                    .store
                    .create_project(&format!("{stem}-{ext}"), stem)
                    .await
                    .expect("project");
                let key = server
                    .store
                    .create_api_key(project.id, "k")
                    .await
                    .expect("key");
                let response = server
                    .client
                    .post(server.url("/v1/traces"))
                    .bearer_auth(&key.secret)
                    .header("content-type", content_type)
                    .body(fixture(&format!("{stem}.{ext}")))
                    .send()
                    .await
                    .expect("sent");
                assert_eq!(response.status(), 200, "{stem}.{ext}");
                check_stored(&server, project.id, stem, ext).await;
            }
        }
        server.stop().await;
    })
    .await;
}

async fn check_stored(
    server: &TestServer,
    project: telemetry_store::ProjectId,
    stem: &str,
    ext: &str,
) {
    let spans = expected(stem);
    assert_eq!(spans.len(), 5, "{stem}");
    let mut llm_calls = 0;
    for want in &spans {
        let what = format!("{stem}.{ext} span {:?}", want.name);
        let got = server
            .store
            .get_span(project, want.trace_id, want.span_id)
            .await
            .expect("query")
            .unwrap_or_else(|| panic!("{what}: not stored"))
            .record;
        assert_eq!(got.parent_span_id, want.parent_span_id, "{what}: parent");
        assert_eq!(got.name, want.name, "{what}: name");
        assert_eq!(got.span_type(), want.span_type(), "{what}: type");
        assert_eq!(
            got.attributes.model(),
            want.attributes.model(),
            "{what}: model"
        );
        assert_eq!(
            got.attributes.provider(),
            want.attributes.provider(),
            "{what}: provider"
        );
        assert_eq!(
            got.attributes.usage(),
            want.attributes.usage(),
            "{what}: tokens"
        );
        assert_eq!(got.input, want.input, "{what}: input");
        assert_eq!(got.output, want.output, "{what}: output");
        assert_eq!(got.error, want.error, "{what}: error");
        assert_eq!(got.status, want.status, "{what}: status");
        assert_eq!(
            (got.start_time, got.end_time),
            (want.start_time, want.end_time),
            "{what}: times"
        );
        assert_eq!(
            &*got.service_name,
            format!("genai-fixture-{stem}"),
            "{what}: service"
        );
        if got.span_type() == SpanType::LlmGeneration {
            llm_calls += 1;
            assert_eq!(got.attributes.model(), Some("gpt-4o-mini"), "{what}");
        }
    }
    assert_eq!(llm_calls, 3, "{stem}.{ext}: three chat calls");
    let first_chat = spans
        .iter()
        .filter(|s| s.span_type() == SpanType::LlmGeneration)
        .min_by_key(|s| s.start_time)
        .expect("a chat call");
    let usage = server
        .store
        .get_span(project, first_chat.trace_id, first_chat.span_id)
        .await
        .expect("query")
        .and_then(|s| s.record.attributes.usage().copied())
        .expect("usage stored");
    assert_eq!(
        usage.input_tokens,
        Some(1048),
        "{stem}.{ext}: README table, call 1"
    );
    assert_eq!(
        usage.output_tokens,
        Some(39),
        "{stem}.{ext}: README table, call 1"
    );
}
