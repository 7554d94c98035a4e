//! The GraphQL routes mounted behind the auth layer: our SDK sends a trace, GraphQL returns
//! the same tree, tokens and cost to the key's project, nothing to another project's key, and
//! 401 without a key; GraphiQL's page opens without credentials.

use serde_json::{Value, json};
use telemetry_exporters::http::WireFormat;

use crate::common::{TestServer, each_db};
use crate::native::send_agent_trace;

pub(crate) async fn graphql(
    server: &TestServer,
    secret: Option<&str>,
    query: &str,
) -> (u16, Value) {
    let mut request = server
        .client
        .post(server.url("/graphql"))
        .json(&json!({ "query": query }));
    if let Some(secret) = secret {
        request = request.bearer_auth(secret);
    }
    let response = request.send().await.expect("sent");
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphql_sees_what_the_sdk_sent_in_the_keys_project_only() {
    each_db("graphql behind auth", |url| async move {
        let server = TestServer::start(&url).await;
        let trace = send_agent_trace(&server, WireFormat::Native, "/api/v1/events").await;
        let query = format!(
            r#"{{ trace(id: "{trace}") {{ spanCount totalTokens
                rootSpans {{ type children {{ type model cost usage {{ inputTokens outputTokens }} }} }} }} }}"#
        );
        let (status, body) = graphql(&server, Some(&server.secret), &query).await;
        assert_eq!(status, 200, "{body}");
        let t = &body["data"]["trace"];
        assert_eq!(t["spanCount"], 3, "{body}");
        assert_eq!(t["totalTokens"], 340, "{body}");
        assert_eq!(t["rootSpans"][0]["type"], "AGENT_RUN", "{body}");
        let children = t["rootSpans"][0]["children"].as_array().expect("children");
        let llm = children.iter().find(|c| c["type"] == "LLM_GENERATION").expect("llm child");
        assert_eq!(llm["model"], "gpt-4o");
        assert_eq!(llm["usage"]["inputTokens"], 300);
        assert!((llm["cost"].as_f64().expect("cost") - 0.0123).abs() < 1e-9);

        let other = server.store.create_project("tenant-b", "B").await.expect("project");
        let other_key = server.store.create_api_key(other.id, "b").await.expect("key");
        let (status, body) = graphql(&server, Some(&other_key.secret), &query).await;
        assert_eq!(status, 200);
        assert_eq!(body["data"]["trace"], Value::Null, "another project's key sees nothing");

        let (status, _) = graphql(&server, None, &query).await;
        assert_eq!(status, 401);
        let (status, _) = graphql(&server, Some("tsk_wrong"), &query).await;
        assert_eq!(status, 401);

        let page = server.client.get(server.url("/graphql")).send().await.expect("sent");
        assert_eq!(page.status(), 200);
        assert!(page.text().await.expect("html").to_lowercase().contains("graphiql"));
        server.stop().await;
    })
    .await;
}
