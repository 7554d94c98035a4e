//! OTLP logs through the wire (`/v1/logs` protobuf and JSON, gRPC `LogsService`): records in a
//! span show among its events (also when they arrive before the span), GenAI content events
//! fill its missing input and output, other records are listed by the `logs` query, and
//! unreadable records are counted in the partial success.

use opentelemetry_proto::tonic::collector::logs::v1::logs_service_client::LogsServiceClient;
use opentelemetry_proto::tonic::collector::logs::v1::{
    ExportLogsServiceRequest, ExportLogsServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::{AnyValue, any_value};
use opentelemetry_proto::tonic::logs::v1::{LogRecord, ResourceLogs, ScopeLogs};
use opentelemetry_proto::tonic::resource::v1::Resource;
use prost::Message;
use serde_json::{Value, json};
use tonic::Request;
use tonic::metadata::MetadataValue;

use crate::common::{TestServer, chat_span, each_db, kv, request, span_id, trace_id};
use crate::query_path::graphql;

const BASE_TIME: u64 = 1_767_225_600_000_000_000;

fn text(value: &str) -> Option<AnyValue> {
    Some(AnyValue {
        value: Some(any_value::Value::StringValue(value.to_owned())),
    })
}

/// A record at `BASE_TIME + offset` ns, in span `(trace, span)` when given.
fn record(
    name: &str,
    body: &str,
    severity: i32,
    ids: Option<(u64, u64)>,
    offset: u64,
) -> LogRecord {
    let (trace_id, span_id) = match ids {
        Some((trace, span)) => (trace_id(trace), span_id(span)),
        None => (Vec::new(), Vec::new()),
    };
    LogRecord {
        time_unix_nano: BASE_TIME + offset,
        severity_number: severity,
        event_name: name.to_owned(),
        body: text(body),
        trace_id,
        span_id,
        ..LogRecord::default()
    }
}

fn logs_request(log_records: Vec<LogRecord>) -> ExportLogsServiceRequest {
    ExportLogsServiceRequest {
        resource_logs: vec![ResourceLogs {
            resource: Some(Resource {
                attributes: vec![kv("service.name", "log-service")],
                ..Resource::default()
            }),
            scope_logs: vec![ScopeLogs {
                log_records,
                ..ScopeLogs::default()
            }],
            ..ResourceLogs::default()
        }],
    }
}

async fn post_logs(server: &TestServer, content_type: &str, body: Vec<u8>) -> reqwest::Response {
    server
        .client
        .post(server.url("/v1/logs"))
        .bearer_auth(&server.secret)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("sent")
}

async fn query(server: &TestServer, query: &str) -> Value {
    let (status, body) = graphql(server, Some(&server.secret), query).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("errors").is_none(), "{body}");
    body["data"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn span_logs_attach_even_before_their_span_and_the_rest_is_queryable() {
    each_db("otlp logs", |url| async move {
        let server = TestServer::start(&url).await;
        // The chat span (trace 4, span 4000) arrives after its logs.
        let ids = Some((4, 4000));
        let mut bad = record("app.bad", "x", 9, None, 9);
        bad.trace_id = vec![1, 2, 3];
        let records = vec![
            record("gen_ai.user.message", "what is the weather?", 9, ids, 1),
            record("gen_ai.choice", "sunny", 9, ids, 3),
            record("", "disk full", 17, None, 5),
            record("app.started", "up", 9, Some((4, 4001)), 7),
            bad,
        ];
        let response = post_logs(
            &server,
            "application/x-protobuf",
            logs_request(records).encode_to_vec(),
        )
        .await;
        assert_eq!(response.status(), 200);
        let answer = ExportLogsServiceResponse::decode(response.bytes().await.expect("body"))
            .expect("protobuf answer");
        let partial = answer.partial_success.expect("the bad record is counted");
        assert_eq!(partial.rejected_log_records, 1);
        assert!(partial.error_message.contains("trace id"), "{}", partial.error_message);

        let sent = server.post_otlp(request(vec![chat_span(4, 0)]).encode_to_vec()).await;
        assert_eq!(sent.status(), 200);
        let trace = hex(&trace_id(4));
        let span = hex(&span_id(4000));
        let data = query(
            &server,
            &format!(
                r#"{{ span(traceId: "{trace}", spanId: "{span}") {{
                    input output events {{ name attributes }} }} }}"#
            ),
        )
        .await;
        let events = data["span"]["events"].as_array().expect("events");
        let names: Vec<&str> = events.iter().filter_map(|e| e["name"].as_str()).collect();
        assert_eq!(names, ["gen_ai.user.message", "gen_ai.choice"], "{data}");
        assert_eq!(events[1]["attributes"]["log.body"], "sunny");
        assert_eq!(
            data["span"]["input"],
            json!([{"role": "user", "content": "what is the weather?"}])
        );
        assert_eq!(data["span"]["output"], json!(["sunny"]));

        let data = query(
            &server,
            r#"{ severe: logs(filter: {minSeverity: 17}) { edges { node { body severityNumber traceId serviceName } } }
                 text: logs(filter: {text: "weather"}) { edges { node { eventName } } }
                 paged: logs(first: 2) { pageInfo { hasNextPage endCursor } edges { node { body } } } }"#,
        )
        .await;
        let severe = &data["severe"]["edges"];
        assert_eq!(severe.as_array().map(Vec::len), Some(1), "{data}");
        assert_eq!(severe[0]["node"]["body"], "disk full");
        assert_eq!(severe[0]["node"]["traceId"], Value::Null);
        assert_eq!(severe[0]["node"]["serviceName"], "log-service");
        assert_eq!(data["text"]["edges"][0]["node"]["eventName"], "gen_ai.user.message");
        // Newest first, in pages.
        let paged = &data["paged"];
        assert_eq!(paged["edges"][0]["node"]["body"], "up", "{data}");
        assert_eq!(paged["edges"][1]["node"]["body"], "disk full");
        assert_eq!(paged["pageInfo"]["hasNextPage"], true);
        let cursor = paged["pageInfo"]["endCursor"].as_str().expect("cursor");
        let data = query(
            &server,
            &format!(
                r#"{{ logs(first: 5, after: "{cursor}", filter: {{traceId: "{trace}"}}) {{ edges {{ node {{ body }} }} }} }}"#
            ),
        )
        .await;
        let bodies: Vec<&Value> = data["logs"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|e| &e["node"]["body"])
            .collect();
        assert_eq!(bodies, [&json!("sunny"), &json!("what is the weather?")], "{data}");
        server.stop().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_are_read() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("json-logs.db").display());
    let server = TestServer::start(&url).await;
    let body = json!({
        "resourceLogs": [{
            "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "js"}}]},
            "scopeLogs": [{"logRecords": [{
                "timeUnixNano": "1767225600000000000",
                "severityNumber": 13,
                "severityText": "WARN",
                "body": {"kvlistValue": {"values": [{"key": "detail", "value": {"intValue": "3"}}]}},
                "attributes": [{"key": "component", "value": {"stringValue": "retriever"}}]
            }]}]
        }]
    });
    let response = post_logs(&server, "application/json", body.to_string().into_bytes()).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.expect("answer"), "{}");
    let data = query(
        &server,
        "{ logs { edges { node { severityNumber severityText body attributes serviceName } } } }",
    )
    .await;
    let node = &data["logs"]["edges"][0]["node"];
    assert_eq!(node["severityNumber"], 13);
    assert_eq!(node["severityText"], "WARN");
    assert_eq!(node["body"], json!({"detail": 3}));
    assert_eq!(node["attributes"]["component"], "retriever");
    assert_eq!(node["serviceName"], "js");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grpc_logs_are_stored_and_need_a_key() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("grpc-logs.db").display());
    let server = TestServer::start(&url).await;
    let addr = server.grpc_addr.expect("gRPC served");
    let mut client = LogsServiceClient::connect(format!("http://{addr}"))
        .await
        .expect("connects");
    let request_of = |secret: Option<&str>| {
        let mut call = Request::new(logs_request(vec![record("", "over gRPC", 9, None, 1)]));
        if let Some(secret) = secret {
            let value: MetadataValue<_> = format!("Bearer {secret}").parse().expect("ascii");
            call.metadata_mut().insert("authorization", value);
        }
        call
    };
    let refused = client.export(request_of(None)).await.expect_err("no key");
    assert_eq!(refused.code(), tonic::Code::Unauthenticated);
    let answer = client
        .export(request_of(Some(&server.secret)))
        .await
        .expect("accepted")
        .into_inner();
    assert_eq!(answer.partial_success, None);
    let data = query(&server, "{ logs { edges { node { body } } } }").await;
    assert_eq!(
        data["logs"]["edges"],
        json!([{"node": {"body": "over gRPC"}}])
    );
    server.stop().await;
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
