//! The Langfuse SDK's scores over the wire: `POST /api/public/scores` (one score, an array)
//! and `POST /api/public/ingestion` (`score-create` events), with Basic auth, Langfuse's
//! 200/202/207 answers, replacement on a repeated id, and scores that arrive before their trace.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use telemetry_store::{Score, ScoreSource};
use telemetry_types::TraceId;

use crate::common::{TestServer, chat_body, each_db, stored_spans, trace_id};

/// Hex of the test trace `n`, as the Langfuse SDK writes an OpenTelemetry trace id.
fn trace_hex(n: u64) -> String {
    TraceId::try_from(&trace_id(n)[..])
        .expect("trace id")
        .to_string()
}

async fn post(server: &TestServer, path: &str, body: &Value) -> (u16, Value) {
    let basic = STANDARD.encode(format!("pk-lf-public:{}", server.secret));
    let response = server
        .client
        .post(server.url(path))
        .header("authorization", format!("Basic {basic}"))
        .json(body)
        .send()
        .await
        .expect("sent");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn scores(server: &TestServer, n: u64) -> Vec<Score> {
    let id = TraceId::try_from(&trace_id(n)[..]).expect("trace id");
    server
        .store
        .scores_of_trace(server.project, id)
        .await
        .expect("scores")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_score_before_its_trace_then_replaced_by_id() {
    each_db("langfuse one score", |url| async move {
        let server = TestServer::start(&url).await;
        let score = json!({
            "id": "score-1", "traceId": trace_hex(3), "name": "helpfulness",
            "value": 0.75, "dataType": "NUMERIC", "comment": "good", "source": "API"
        });
        let (status, body) = post(&server, "/api/public/scores", &score).await;
        assert_eq!((status, body), (200, json!({"id": "score-1"})));

        let response = server
            .client
            .post(server.url("/api/public/otel/v1/traces"))
            .bearer_auth(&server.secret)
            .header("content-type", "application/x-protobuf")
            .body(chat_body(3, 2))
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 200);
        assert_eq!(stored_spans(&server.store, server.project, 3).await, 2);

        let again = json!({"id": "score-1", "traceId": trace_hex(3), "name": "helpfulness",
                           "value": 0.25});
        assert_eq!(post(&server, "/api/public/scores", &again).await.0, 200);
        let stored = scores(&server, 3).await;
        assert_eq!(stored.len(), 1, "{stored:?}");
        assert_eq!(stored[0].value, Some(0.25));
        assert_eq!(stored[0].source, ScoreSource::Api);

        let (status, body) = post(&server, "/api/public/scores", &json!({"name": "x"})).await;
        assert_eq!(status, 400);
        assert!(
            body["message"].as_str().unwrap_or("").contains("traceId"),
            "{body}"
        );
        server.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_array_answers_207_with_each_refusal() {
    each_db("langfuse score array", |url| async move {
        let server = TestServer::start(&url).await;
        let span = "00000000000003e9";
        let items = json!([
            {"id": "n", "traceId": trace_hex(4), "observationId": span, "name": "quality",
             "value": 0.9},
            {"id": "b", "traceId": trace_hex(4), "observationId": span, "name": "grounded",
             "value": 0, "dataType": "BOOLEAN"},
            {"id": "c", "traceId": trace_hex(4), "name": "tone", "value": "friendly",
             "dataType": "CATEGORICAL", "source": "ANNOTATION"},
            {"id": "bad", "traceId": "not-hex", "name": "quality", "value": 1}
        ]);
        let (status, body) = post(&server, "/api/public/scores", &items).await;
        assert_eq!(status, 207);
        assert_eq!(
            (&body["accepted"], &body["rejected"]),
            (&json!(3), &json!(1))
        );
        assert_eq!(body["errors"][0]["id"], "bad");
        assert_eq!(body["errors"][0]["index"], 3);
        assert_eq!(body["errors"][0]["status"], 400);
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap_or("")
                .contains("traceId")
        );

        let all_good = json!([{"traceId": trace_hex(6), "name": "q", "value": 1}]);
        let (status, body) = post(&server, "/api/public/scores", &all_good).await;
        assert_eq!((status, body), (202, json!({"message": "Accepted"})));

        let stored = scores(&server, 4).await;
        let kinds: Vec<(&str, Option<&str>)> = stored
            .iter()
            .map(|s| (s.data_type.as_str(), s.span_id.as_deref()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("numeric", Some(span)),
                ("boolean", Some(span)),
                ("categorical", None)
            ]
        );
        assert_eq!(stored[1].passed, Some(false));
        assert_eq!(stored[2].label.as_deref(), Some("friendly"));
        assert_eq!(stored[2].source, ScoreSource::Human);
        server.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ingestion_batch_reads_score_events_and_refuses_the_rest() {
    each_db("langfuse ingestion", |url| async move {
        let server = TestServer::start(&url).await;
        let batch = json!({
            "batch": [
                {"id": "e1", "type": "score-create", "timestamp": "2026-12-04T00:00:00Z",
                 "body": {"id": "s1", "traceId": trace_hex(5), "name": "accuracy",
                          "value": 1, "dataType": "NUMERIC"}},
                {"id": "e2", "type": "trace-create", "timestamp": "2026-12-04T00:00:00Z",
                 "body": {"id": trace_hex(5), "name": "legacy"}}
            ],
            "metadata": {"batch_size": 2, "sdk_name": "python"}
        });
        let (status, body) = post(&server, "/api/public/ingestion", &batch).await;
        assert_eq!(status, 207);
        assert_eq!(body["successes"], json!([{"id": "e1", "status": 201}]));
        assert_eq!(body["errors"][0]["id"], "e2");
        assert_eq!(body["errors"][0]["status"], 400);
        let stored = scores(&server, 5).await;
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].name, "accuracy");

        let anonymous = server
            .client
            .post(server.url("/api/public/scores"))
            .json(&json!({"traceId": trace_hex(5), "name": "x", "value": 1}))
            .send()
            .await
            .expect("sent");
        assert_eq!(anonymous.status(), 401);
        assert_eq!(scores(&server, 5).await.len(), 1);
        server.stop().await;
    })
    .await;
}

/// A Langfuse SDK trace: a generation naming the trace (sent before its root), with trace
/// input/output and JSON-encoded metadata, and a score; all of it back through GraphQL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn langfuse_trace_keys_and_scores_come_back_through_graphql() {
    use crate::common::{chat_span, kv, request, span_id};
    use prost::Message;

    each_db("langfuse trace keys", |url| async move {
        let server = TestServer::start(&url).await;
        let mut generation = chat_span(9, 1);
        generation.parent_span_id = span_id(9000);
        generation.attributes.extend([
            kv("langfuse.observation.type", "generation"),
            kv("langfuse.trace.name", "support-chat"),
            kv("langfuse.trace.input", r#"{"question": "why?"}"#),
            kv("langfuse.trace.output", "because"),
            kv("langfuse.trace.metadata.tenant", r#""acme""#),
            kv("langfuse.observation.metadata.attempt", "3"),
        ]);
        let mut root = chat_span(9, 0);
        root.name = "agent-run".to_owned();
        let body = request(vec![generation, root]).encode_to_vec();
        let response = server
            .client
            .post(server.url("/api/public/otel/v1/traces"))
            .bearer_auth(&server.secret)
            .header("content-type", "application/x-protobuf")
            .body(body)
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 200);
        let score = json!({"traceId": trace_hex(9), "observationId": hex_span(9001),
                           "name": "quality", "value": 0.5});
        assert_eq!(post(&server, "/api/public/scores", &score).await.0, 200);

        let query = format!(
            r#"{{ trace(id: "{}") {{ name input output metadata
                 scores {{ name value }} spans {{ name metadata }} }} }}"#,
            trace_hex(9)
        );
        let response = server
            .client
            .post(server.url("/graphql"))
            .bearer_auth(&server.secret)
            .json(&json!({ "query": query }))
            .send()
            .await
            .expect("sent");
        let body: Value = response.json().await.expect("json");
        let trace = &body["data"]["trace"];
        assert_eq!(trace["name"], "support-chat", "{body}");
        assert_eq!(trace["input"], json!({"question": "why?"}));
        assert_eq!(trace["output"], "because");
        assert_eq!(trace["metadata"], json!({"tenant": "acme"}));
        assert_eq!(trace["scores"], json!([{"name": "quality", "value": 0.5}]));
        let generation = trace["spans"]
            .as_array()
            .expect("spans")
            .iter()
            .find(|s| s["metadata"].get("attempt").is_some())
            .expect("the generation");
        assert_eq!(generation["metadata"]["attempt"], 3);
        server.stop().await;
    })
    .await;
}

fn hex_span(n: u64) -> String {
    telemetry_types::SpanId::try_from(&crate::common::span_id(n)[..])
        .expect("span id")
        .to_string()
}
