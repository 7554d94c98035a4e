//! Isolation between projects, query limits, hidden database errors and batched loading.

use serde_json::{Value, json};
use telemetry_api::graphql::{GraphqlLimits, Scope, build_schema};
use telemetry_api::state::{AppState, Caller};

use crate::support::{data, each_db, errors, errors_with, exec_with, nodes, seed, sid, tid};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_never_sees_or_scores_another_projects_data() {
    each_db("isolation", |store| async move {
        let seed = seed(&store).await;
        let state = AppState::new(store.clone());
        let (a, b_trace) = (seed.a, tid(4));
        let d = data(
            &state,
            a,
            &format!(
                "{{ trace(id: \"{b_trace}\") {{ id }} \
                   span(traceId: \"{b_trace}\", spanId: \"{}\") {{ spanId }} \
                   traces(filter: {{ name: \"secret\" }}) {{ edges {{ node {{ id }} }} }} \
                   spans(filter: {{ traceId: \"{b_trace}\" }}) {{ edges {{ node {{ spanId }} }} }} \
                   session(id: \"s-1\") {{ traceCount }} \
                   evals {{ below(name: \"helpfulness\", threshold: 0.15) {{ id }} }} }}",
                sid(401)
            ),
        )
        .await;
        assert_eq!(d["trace"], Value::Null);
        assert_eq!(d["span"], Value::Null);
        assert!(nodes(&d["traces"]).is_empty());
        assert!(nodes(&d["spans"]).is_empty());
        assert_eq!(d["session"]["traceCount"], 2);
        assert_eq!(d["evals"]["below"], json!([]));

        // Scoring B's trace from A fails; deleting B's score from A does nothing.
        let create = format!(
            "mutation {{ createScore(input: {{ traceId: \"{b_trace}\", name: \"x\", value: 1 }}) {{ id }} }}"
        );
        let errs = errors(&state, a, &create).await;
        assert!(errs.iter().any(|e| e.contains("no such trace")), "{errs:?}");
        let del = format!("mutation {{ deleteScore(id: \"{}\") }}", seed.b_score);
        assert_eq!(data(&state, a, &del).await["deleteScore"], false);
        let b_scores = store.scores_of_trace(seed.b, b_trace).await.expect("scores");
        assert_eq!(b_scores.len(), 1, "B's score survives");
        // B sees its own data.
        let d = data(&state, seed.b, &format!("{{ trace(id: \"{b_trace}\") {{ name scores {{ id }} }} }}")).await;
        assert_eq!(d["trace"]["name"], "secret");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deep_complex_and_oversized_queries_are_refused() {
    each_db("limits", |store| async move {
        let seed = seed(&store).await;
        let state = AppState::new(store);
        let limits = GraphqlLimits::default();
        // Depth: parents nested beyond the limit (cheap, but too deep).
        let mut deep = String::from("spanId");
        for _ in 0..limits.max_depth {
            deep = format!("spanId parent {{ {deep} }}");
        }
        let q = format!("{{ span(traceId: \"{}\", spanId: \"{}\") {{ {deep} }} }}", tid(1), sid(105));
        let errs = errors(&state, seed.a, &q).await;
        assert!(errs.iter().any(|e| e.contains("nested too deep")), "{errs:?}");
        // Nested lists are refused for their complexity before their depth (and never
        // overflow the computation).
        let mut wide = String::from("spanId");
        for _ in 0..limits.max_depth {
            wide = format!("spanId children {{ {wide} }} descendants {{ {wide} }}");
            if wide.len() > 100_000 {
                break;
            }
        }
        let q = format!("{{ trace(id: \"{}\") {{ rootSpans {{ {wide} }} }} }}", tid(1));
        let errs = errors(&state, seed.a, &q).await;
        assert!(errs.iter().any(|e| e.contains("too complex")), "{errs:?}");
        // Complexity: a large page of traces with nested span lists.
        let q = "{ traces(first: 200) { edges { node { spans { children { descendants { spanId name } } } } } } }";
        let errs = errors(&state, seed.a, q).await;
        assert!(errs.iter().any(|e| e.contains("too complex")), "{errs:?}");
        // The same shape on a small page passes.
        let ok = "{ traces(first: 2) { edges { node { spans { children { spanId } } } } } }";
        assert!(errors(&state, seed.a, ok).await.is_empty());
        // Page size over the cap, and non-positive.
        for first in [limits.max_page_size as i64 + 1, 0, -5] {
            let q = format!("{{ traces(first: {first}) {{ edges {{ node {{ id }} }} }} }}");
            let errs = errors(&state, seed.a, &q).await;
            assert!(errs.iter().any(|e| e.contains("first must be between 1 and")), "{errs:?}");
        }
        // A tighter cap is honoured.
        let tight = GraphqlLimits { max_page_size: 2, ..GraphqlLimits::default() };
        let errs = errors_with(&state, seed.a, &tight, "{ spans(first: 3) { edges { cursor } } }").await;
        assert!(errs.iter().any(|e| e.contains("between 1 and 2")), "{errs:?}");
        // GraphiQL's introspection fits within the limits.
        let intro = "{ __schema { queryType { name } types { name kind fields { name args { name \
            type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } \
            type { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }";
        let errs = errors(&state, seed.a, intro).await;
        assert!(errs.is_empty(), "{errs:?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_without_a_scope_are_refused() {
    let schema = build_schema(&GraphqlLimits::default());
    let response = schema.execute("{ traces { edges { cursor } } }").await;
    assert_eq!(response.errors[0].message, "not authenticated");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_errors_are_hidden_from_the_caller() {
    each_db("hidden_errors", |store| async move {
        let seed = seed(&store).await;
        let state = AppState::new(store.clone());
        store.close().await.expect("close the pool");
        let resp = exec_with(
            &state,
            seed.a,
            &GraphqlLimits::default(),
            "{ traces { edges { cursor } } }",
            json!({}),
        )
        .await;
        let text = resp["errors"].to_string();
        assert!(text.contains("internal error"), "{text}");
        assert!(text.contains("INTERNAL"), "{text}");
        for leak in ["sqlite", "postgres", "pool", "database", "closed", "SELECT"] {
            assert!(
                !text.to_lowercase().contains(&leak.to_lowercase()),
                "leaks {leak}: {text}"
            );
        }
    })
    .await;
}

/// A page of traces with their spans, span scores and subtree totals.
const PAGE: &str = "query($n: Int) { traces(first: $n) { edges { node { id scores { name } \
    spans { spanId scores { name } subtree { totalTokens } trace { id } children { spanId } } } } } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_costs_the_same_round_trips_whatever_its_size() {
    each_db("round_trips", |store| async move {
        let seed = seed(&store).await;
        let state = AppState::new(store);
        let schema = build_schema(&GraphqlLimits::default());
        // The list, then spans, scores, subtree totals and traces, each batched across the
        // whole page: 4 or 5 round trips. A batch asked for again while its first load is in
        // flight may run twice (more often on a loaded machine), so a run can take up to
        // 1 + 2 × 4 = 9, whatever the page size; one load per trace would take at least
        // 1 + 3 × 4 = 13 for three traces.
        for n in [1, 3] {
            let scope = Scope::new(state.clone(), Caller { project: seed.a });
            let request = async_graphql::Request::new(PAGE)
                .variables(async_graphql::Variables::from_json(json!({ "n": n })))
                .data(scope.clone());
            let resp = schema.execute(request).await;
            assert!(resp.errors.is_empty(), "{:?}", resp.errors);
            let data = resp.data.into_json().expect("json");
            assert_eq!(nodes(&data["traces"]).len(), n);
            let trips = scope.db_round_trips();
            assert!((4..=9).contains(&trips), "{n} traces: {trips} round trips");
        }
    })
    .await;
}
