//! Every GraphQL document of the page (`explorer/src/queries/*.graphql`) is valid against the
//! server's schema: a field renamed or removed in the API fails here, not in a user's browser.

use std::path::{Path, PathBuf};

use async_graphql::parser::parse_query;
use std::time::Duration;

use async_graphql::futures_util::StreamExt;
use async_graphql::parser::types::{BaseType, OperationType, Type};
use async_graphql::{Request, Variables};
use serde_json::{Value, json};
use telemetry_api::graphql::{GraphqlLimits, Scope, build_schema};
use telemetry_api::state::{AppState, Caller};
use telemetry_store::Store;

fn queries_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("explorer/src/queries")
}

/// The `.graphql` files of `dir`, by file name, sorted.
fn graphql_files(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .expect("the queries directory exists")
        .map(|entry| entry.expect("dir entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "graphql"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (
                name,
                std::fs::read_to_string(&path).expect("readable document"),
            )
        })
        .collect();
    files.sort();
    files
}

/// The page's documents, by file name, each with the shared fragments it spreads appended
/// (as `explorer/src/queries.ts` sends them).
fn documents() -> Vec<(String, String)> {
    let fragments = graphql_files(&queries_dir().join("fragments"));
    graphql_files(&queries_dir())
        .into_iter()
        .map(|(name, mut doc)| {
            for (_, fragment) in &fragments {
                let fragment_name = fragment
                    .split("fragment ")
                    .nth(1)
                    .and_then(|rest| rest.split_whitespace().next())
                    .expect("a fragment file defines a fragment");
                if doc.contains(&format!("...{fragment_name}")) {
                    doc.push_str(fragment);
                }
            }
            (name, doc)
        })
        .collect()
}

/// A value of a required variable's type, so that execution reaches the resolvers; nullable
/// variables stay unset.
fn sample(ty: &Type) -> Option<Value> {
    if ty.nullable {
        return None;
    }
    let BaseType::Named(name) = &ty.base else {
        return Some(json!([]));
    };
    Some(match name.as_str() {
        "String" => json!("00000000000000000000000000000001"),
        "ID" => json!("1"),
        "Int" => json!(10),
        "Float" => json!(1.0),
        "Boolean" => json!(true),
        "TraceOrderBy" => json!("START_TIME_DESC"),
        "CreateScoreInput" => {
            json!({"traceId": "00000000000000000000000000000001", "name": "x", "value": 1.0})
        }
        other => panic!("documents.rs: give variables of type {other} a sample value"),
    })
}

fn is_subscription(document: &str) -> bool {
    let parsed = parse_query(document).expect("the document parses");
    parsed
        .operations
        .iter()
        .any(|(_, op)| op.node.ty == OperationType::Subscription)
}

fn variables(document: &str) -> Variables {
    let parsed = parse_query(document).expect("the document parses");
    let mut values = serde_json::Map::new();
    for (_, operation) in parsed.operations.iter() {
        for definition in &operation.node.variable_definitions {
            if let Some(value) = sample(&definition.node.var_type.node) {
                values.insert(definition.node.name.node.to_string(), value);
            }
        }
    }
    Variables::from_json(Value::Object(values))
}

/// The errors of running `document` that are not a resolver's (those carry a path):
/// parse, validation and variable errors.
async fn document_errors(store: &Store, document: &str) -> Vec<String> {
    let project = store
        .create_project(&format!("p{}", fastrand::u32(..)), "P")
        .await
        .expect("project")
        .id;
    let schema = build_schema(&GraphqlLimits::default());
    let request = Request::new(document)
        .variables(variables(document))
        .data(Scope::new(AppState::new(store.clone()), Caller { project }));
    let response = if is_subscription(document) {
        // A valid subscription waits for spans; an invalid one answers at once with errors.
        let mut stream = schema.execute_stream(request);
        let first = tokio::time::timeout(Duration::from_millis(300), stream.next()).await;
        match first {
            Ok(Some(response)) => response,
            Ok(None) | Err(_) => async_graphql::Response::default(),
        }
    } else {
        schema.execute(request).await
    };
    response
        .errors
        .into_iter()
        .filter(|err| err.path.is_empty())
        .map(|err| err.message)
        .collect()
}

async fn store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("docs.db").display());
    let store = Store::connect(&url).await.expect("sqlite connects");
    store.migrate().await.expect("migrates");
    (dir, store)
}

#[tokio::test]
async fn every_page_document_is_valid_against_the_schema() {
    let docs = documents();
    assert!(docs.len() >= 10, "the page's documents are found: {docs:?}");
    let (_dir, store) = store().await;
    let index = std::fs::read_to_string(queries_dir().join("../queries.ts")).expect("queries.ts");
    for (name, document) in &docs {
        assert!(
            index.contains(&format!("./queries/{name}?raw")),
            "{name} is used by queries.ts"
        );
        let errors = document_errors(&store, document).await;
        assert!(
            errors.is_empty(),
            "{name} does not match schema.graphql: {errors:?}"
        );
    }
}

#[tokio::test]
async fn a_document_asking_for_a_missing_field_is_caught() {
    let (_dir, store) = store().await;
    let errors = document_errors(&store, "query { traces { nodes { id noSuchField } } }").await;
    assert!(
        errors.iter().any(|e| e.contains("noSuchField")),
        "the check reports unknown fields: {errors:?}"
    );
    let errors = document_errors(&store, "query($id: String!) { trace(id: $id) { id } }").await;
    assert!(errors.is_empty(), "a valid document passes: {errors:?}");
}
