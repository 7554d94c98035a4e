//! The live span subscription: only the caller's project, with filters.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::futures_util::StreamExt;
use serde_json::json;
use telemetry_api::graphql::{GraphqlLimits, Scope, build_schema};
use telemetry_api::state::{AppState, Caller, LiveSpan};
use telemetry_store::{ProjectId, Store};
use telemetry_types::attrs::LlmGeneration;
use telemetry_types::{SpanRecord, SpanStatus, Timestamp, TraceAttributes};

use crate::support::{sid, tid};

fn live(project: i64, id: u64, model: &str) -> LiveSpan {
    LiveSpan {
        project: ProjectId(project),
        span: Arc::new(SpanRecord {
            trace_id: tid(9),
            span_id: sid(id),
            parent_span_id: None,
            name: "chat".into(),
            service_name: Arc::from("svc"),
            attributes: LlmGeneration::new(model.to_owned(), "openai").into(),
            input: None,
            output: None,
            metadata: Default::default(),
            start_time: Timestamp::from_unix_nanos(1),
            end_time: Some(Timestamp::from_unix_nanos(2_000_001)),
            status: SpanStatus::Ok,
            error: None,
            errored_descendants: Vec::new(),
            events: Vec::new(),
            ended_by_drop: false,
            trace: Arc::new(TraceAttributes::default()),
        }),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribers_receive_their_projects_spans_only() {
    let store = Store::connect("sqlite::memory:").await.expect("store");
    let state = AppState::new(store);
    let schema = build_schema(&GraphqlLimits::default());
    let request = async_graphql::Request::new(
        "subscription { spans(filter: { modelPrefix: \"gpt-4\" }) { spanId model durationMs } }",
    )
    .data(Scope::new(
        state.clone(),
        Caller {
            project: ProjectId(1),
        },
    ));
    let mut stream = schema.execute_stream(request);
    let publisher = {
        let live = state.live.clone();
        tokio::spawn(async move {
            // Wait until the subscription is listening.
            while live.receiver_count() == 0 {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            for span in [
                live_span(2, 1, "gpt-4o"),
                live_span(1, 2, "claude"),
                live_span(1, 3, "gpt-4o"),
            ] {
                live.send(span).expect("a subscriber");
            }
        })
    };
    let first = tokio::time::timeout(Duration::from_secs(10), stream.next())
        .await
        .expect("a span in time")
        .expect("stream open");
    publisher.await.expect("publisher");
    assert!(first.errors.is_empty(), "{:?}", first.errors);
    let data = first.data.into_json().expect("json");
    assert_eq!(
        data["spans"],
        json!({ "spanId": sid(3).to_string(), "model": "gpt-4o", "durationMs": 2.0 }),
        "project 2's span and the filtered-out model never arrive"
    );
}

fn live_span(project: i64, id: u64, model: &str) -> LiveSpan {
    live(project, id, model)
}
