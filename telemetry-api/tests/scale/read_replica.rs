//! `--read-database-url`: GraphQL queries read from the replica, writes go to the primary.
//! Proven with a "replica" that holds different data than the primary.

use serde_json::json;
use telemetry_store::Store;

use crate::common::*;

/// The ids of the traces a GraphQL query on `server` lists.
async fn listed_traces(
    client: &reqwest::Client,
    server: &ServerProcess,
    secret: &str,
) -> Vec<String> {
    let answer: serde_json::Value = client
        .post(server.url("/graphql"))
        .bearer_auth(secret)
        .json(&json!({"query": "{ traces { edges { node { id } } } }"}))
        .send()
        .await
        .expect("graphql answers")
        .json()
        .await
        .expect("json");
    let edges = answer["data"]["traces"]["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("no traces in {answer}"));
    edges
        .iter()
        .map(|e| e["node"]["id"].as_str().expect("id").to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graphql_reads_the_replica_and_ingest_writes_the_primary() {
    let dir = tempfile::tempdir().expect("dir");
    let primary = format!("sqlite://{}", dir.path().join("primary.db").display());
    let replica = format!("sqlite://{}", dir.path().join("replica.db").display());
    let client = reqwest::Client::new();
    // The replica gets trace 1 (through a server of its own), with the same project id.
    let replica_secret = project_with_key(&replica, "rr");
    let seeding = ServerProcess::spawn(&replica, &[]);
    seeding.ready(&client).await;
    post_until_acked(
        &client,
        seeding.addr,
        &replica_secret,
        body(vec![chat_span(1, 0)]),
    )
    .await;
    seeding.stop();

    let secret = project_with_key(&primary, "rr");
    let server = ServerProcess::spawn(&primary, &["--read-database-url", &replica]);
    server.ready(&client).await;
    post_until_acked(&client, server.addr, &secret, body(vec![chat_span(2, 0)])).await;

    let listed = listed_traces(&client, &server, &secret).await;
    assert_eq!(
        listed,
        vec![typed_trace_id(1).to_string()],
        "GraphQL lists the replica's trace, not the one just written to the primary"
    );
    server.stop();

    let store = Store::connect(&primary).await.expect("primary");
    let project = store
        .project_by_slug("rr")
        .await
        .expect("q")
        .expect("project")
        .id;
    let written = store
        .traces_by_ids(project, &[typed_trace_id(1), typed_trace_id(2)])
        .await
        .expect("traces");
    let ids: Vec<_> = written.iter().map(|t| t.trace_id).collect();
    assert_eq!(
        ids,
        vec![typed_trace_id(2)],
        "ingest wrote the primary only"
    );
}
