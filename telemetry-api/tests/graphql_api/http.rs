//! The GraphQL routes over HTTP, with a test layer standing in for authentication.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};
use telemetry_api::graphql::{GraphqlLimits, router, router_with};
use telemetry_api::state::{AppState, Caller};
use telemetry_store::ProjectId;
use tower::ServiceExt;

use crate::support::{each_db, nodes, seed, tid};

/// The routes as a caller of `project` sees them (`None`: unauthenticated).
fn app(base: Router<AppState>, state: &AppState, project: Option<ProjectId>) -> Router {
    let mut routes = base;
    if let Some(project) = project {
        routes = routes.layer(axum::Extension(Caller { project }));
    }
    routes.with_state(state.clone())
}

async fn post(app: Router, body: impl Into<Body>) -> (StatusCode, Value) {
    let request = Request::post("/graphql")
        .header(header::CONTENT_TYPE, "application/json")
        .body(body.into())
        .expect("request");
    let response = app.oneshot(request).await.expect("response");
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 24)
        .await
        .expect("body");
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

fn query(q: &str) -> String {
    json!({ "query": q }).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn post_graphql_answers_the_callers_project() {
    each_db("http_post", |store| async move {
        let seed = seed(&store).await;
        let state = AppState::new(store);
        let q = query("{ traces { edges { node { id name } } } }");
        let (status, body) = post(app(router(), &state, Some(seed.a)), q.clone()).await;
        assert_eq!(status, StatusCode::OK);
        let ids: Vec<Value> = nodes(&body["data"]["traces"])
            .iter()
            .map(|n| n["id"].clone())
            .collect();
        assert_eq!(
            ids,
            [
                json!(tid(3).to_string()),
                json!(tid(2).to_string()),
                json!(tid(1).to_string())
            ]
        );
        let (_, body) = post(app(router(), &state, Some(seed.b)), q.clone()).await;
        assert_eq!(nodes(&body["data"]["traces"]).len(), 1);

        // Variables and operation names go through.
        let body = json!({
            "query": "query One($id: String!) { trace(id: $id) { name } }",
            "operationName": "One",
            "variables": { "id": tid(3).to_string() }
        });
        let (_, body) = post(app(router(), &state, Some(seed.a)), body.to_string()).await;
        assert_eq!(body["data"]["trace"]["name"], "Summarize notes");

        // No caller, bad JSON, oversized body, timeout.
        let (status, _) = post(app(router(), &state, None), q.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        let (status, body) = post(app(router(), &state, Some(seed.a)), "{not json").await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap_or("")
                .contains("invalid GraphQL request")
        );
        let small = GraphqlLimits {
            max_body_bytes: 1024,
            ..GraphqlLimits::default()
        };
        let padded = query(&format!(
            "{{ traces {{ edges {{ cursor }} }} }} # {}",
            "x".repeat(4096)
        ));
        let (status, _) = post(app(router_with(small), &state, Some(seed.a)), padded).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_graphql_serves_graphiql() {
    let store = telemetry_store::Store::connect("sqlite::memory:")
        .await
        .expect("store");
    let state = AppState::new(store);
    let request = Request::get("/graphql")
        .body(Body::empty())
        .expect("request");
    let response = app(router(), &state, None)
        .oneshot(request)
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 24)
        .await
        .expect("body");
    let html = String::from_utf8_lossy(&bytes);
    assert!(
        html.contains("graphiql") && html.contains("/graphql/ws"),
        "{html}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queries_over_the_timeout_are_abandoned() {
    use sea_orm::TransactionTrait;
    // An in-memory store has one connection: holding it in a transaction makes the query
    // wait for the pool far longer than the timeout.
    let store = telemetry_store::Store::connect("sqlite::memory:")
        .await
        .expect("store");
    store.migrate().await.expect("migrate");
    let project = store.create_project("p", "P").await.expect("project").id;
    let held = store
        .connection()
        .begin()
        .await
        .expect("hold the only connection");
    let state = AppState::new(store);
    let limits = GraphqlLimits {
        timeout: std::time::Duration::from_millis(50),
        ..GraphqlLimits::default()
    };
    let q = query("{ traces { edges { cursor } } }");
    let (status, body) = post(app(router_with(limits), &state, Some(project)), q).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["errors"][0]["message"], "query timed out", "{body}");
    held.rollback().await.expect("release");
}
