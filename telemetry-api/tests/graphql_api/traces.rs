//! The trace list (every filter, ordering, pagination) and one trace with its span tree.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use telemetry_api::state::AppState;

use crate::support::{close, data, data_vars, each_db, f, nodes, seed, sid, specs_a, tid};

/// The ids of the listed traces, in order.
async fn list(state: &AppState, project: telemetry_store::ProjectId, args: &str) -> Vec<String> {
    let args = if args.is_empty() {
        String::new()
    } else {
        format!("({args})")
    };
    let q = format!("{{ traces{args} {{ edges {{ node {{ id }} }} }} }}");
    let d = data(state, project, &q).await;
    nodes(&d["traces"])
        .iter()
        .map(|n| n["id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn ids(traces: &[u128]) -> Vec<String> {
    traces.iter().map(|t| tid(*t).to_string()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_trace_filter_selects_what_the_seed_says() {
    each_db("trace_filters", |store| async move {
        let seed = seed(&store).await;
        let state = AppState::new(store);
        let a = seed.a;
        let cases: &[(&str, &[u128])] = &[
            ("", &[3, 2, 1]),
            ("filter: { model: \"gpt-4o\" }", &[1]),
            ("filter: { provider: \"anthropic\" }", &[2]),
            ("filter: { hasError: true }", &[1]),
            ("filter: { hasError: false }", &[3, 2]),
            ("filter: { spanType: RAG_QUERY }", &[1]),
            ("filter: { spanType: EMBEDDING_GENERATION }", &[3]),
            ("filter: { userId: \"u-1\" }", &[3, 1]),
            ("filter: { sessionId: \"s-1\" }", &[2, 1]),
            ("filter: { tags: [\"prod\"] }", &[2, 1]),
            ("filter: { tags: [\"prod\", \"vip\"] }", &[1]),
            ("filter: { environment: \"staging\" }", &[3]),
            ("filter: { release: \"1.3.0\" }", &[3, 2]),
            ("filter: { name: \"support\" }", &[2, 1]),
            ("filter: { nameContains: \"SUMM\" }", &[3]),
            ("filter: { minDurationMs: 4500 }", &[1]),
            ("filter: { minCost: 0.02 }", &[3, 1]),
            (
                "filter: { time: { from: \"2026-01-01T00:30:00Z\", to: \"2026-01-01T01:30:00Z\" } }",
                &[2],
            ),
            ("filter: { sessionId: \"s-1\", model: \"gpt-4o\" }", &[1]),
            ("orderBy: START_TIME_ASC", &[1, 2, 3]),
            ("orderBy: DURATION_DESC", &[1, 2, 3]),
            ("orderBy: COST_DESC", &[3, 1, 2]),
        ];
        for (args, expected) in cases {
            assert_eq!(list(&state, a, args).await, ids(expected), "traces({args})");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_follow_cursors_without_repeats() {
    each_db("trace_pages", |store| async move {
        let seed = seed(&store).await;
        let state = AppState::new(store);
        let q = "query($after: String) { traces(first: 2, after: $after) { \
                 pageInfo { hasNextPage endCursor } edges { cursor node { id } } } }";
        let first = data_vars(&state, seed.a, q, json!({})).await;
        let page = &first["traces"];
        assert_eq!(page["pageInfo"]["hasNextPage"], true);
        assert_eq!(nodes(page).len(), 2);
        let after = page["pageInfo"]["endCursor"].clone();
        let second = data_vars(&state, seed.a, q, json!({ "after": after })).await;
        assert_eq!(second["traces"]["pageInfo"]["hasNextPage"], false);
        let mut seen: Vec<String> = nodes(page)
            .iter()
            .chain(nodes(&second["traces"]).iter())
            .map(|n| n["id"].as_str().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(seen, ids(&[3, 2, 1]));
        // Every edge's cursor resumes right after that edge.
        let first_edge = page["edges"][0]["cursor"].clone();
        let resumed = data_vars(&state, seed.a, q, json!({ "after": first_edge })).await;
        seen = nodes(&resumed["traces"])
            .iter()
            .map(|n| n["id"].as_str().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(seen, ids(&[2, 1]));
    })
    .await;
}

const TREE: &str = "query($id: String!) { trace(id: $id) { id name sessionId userId tags \
    environment release spanCount inputTokens outputTokens totalCost hasError durationMs \
    rootSpans { spanId name type status input output \
      subtree { spanCount erroredDescendants inputTokens outputTokens totalTokens cost } \
      subtreeStatus erroredDescendants { spanId name error { kind message } } \
      descendants { spanId } \
      children { spanId name type model provider durationMs isError \
        usage { inputTokens outputTokens totalTokens } cost \
        events { name } metadata parent { spanId } \
        subtree { spanCount inputTokens cost } subtreeStatus \
        children { spanId name type } } } } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_trace_comes_with_its_span_tree_and_subtree_totals() {
    each_db("trace_tree", |store| async move {
        let seed = seed(&store).await;
        let state = AppState::new(store);
        let d = data_vars(&state, seed.a, TREE, json!({ "id": tid(1).to_string() })).await;
        let trace = &d["trace"];
        let specs: Vec<_> = specs_a().into_iter().filter(|s| s.trace == 1).collect();
        let (input, output, cost) = specs.iter().fold((0, 0, 0.0), |acc, s| {
            let (i, o, c) = s.usage();
            (acc.0 + i, acc.1 + o, acc.2 + c)
        });
        assert_eq!(trace["name"], "support");
        assert_eq!(trace["sessionId"], "s-1");
        assert_eq!(trace["tags"], json!(["prod", "vip"]));
        assert_eq!(trace["spanCount"], specs.len());
        assert_eq!(trace["inputTokens"], input);
        assert_eq!(trace["outputTokens"], output);
        assert!(close(f(&trace["totalCost"]), cost));
        assert_eq!(trace["hasError"], true);
        assert!(close(f(&trace["durationMs"]), 5000.0));

        let roots = trace["rootSpans"].as_array().expect("roots");
        assert_eq!(roots.len(), 1);
        let root = &roots[0];
        assert_eq!(root["spanId"], sid(101).to_string());
        assert_eq!(root["type"], "AGENT_RUN");
        assert_eq!(root["status"], "OK", "the root handled the failure itself");
        assert_eq!(root["subtreeStatus"], "ERROR", "a descendant failed");
        assert_eq!(
            root["input"],
            json!({"question": "What is the refund policy?"})
        );
        assert_eq!(root["output"], "Refunds take 5 days.");
        let subtree = &root["subtree"];
        assert_eq!(subtree["spanCount"], specs.len());
        assert_eq!(subtree["erroredDescendants"], 1);
        assert_eq!(subtree["inputTokens"], input);
        assert_eq!(subtree["outputTokens"], output);
        assert_eq!(subtree["totalTokens"], input + output);
        assert!(close(f(&subtree["cost"]), cost));
        assert_eq!(
            root["erroredDescendants"][0]["spanId"],
            sid(103).to_string()
        );
        assert_eq!(root["erroredDescendants"][0]["error"]["kind"], "timeout");
        let descendants: BTreeSet<String> = root["descendants"]
            .as_array()
            .expect("descendants")
            .iter()
            .map(|s| s["spanId"].as_str().unwrap_or_default().to_owned())
            .collect();
        let expected: BTreeSet<String> = specs
            .iter()
            .filter(|s| s.parent.is_some())
            .map(|s| sid(s.id).to_string())
            .collect();
        assert_eq!(descendants, expected);

        // Children in start order, with their own subtree totals.
        let children = root["children"].as_array().expect("children");
        let names: Vec<&str> = children
            .iter()
            .map(|c| c["spanId"].as_str().unwrap_or(""))
            .collect();
        let want: Vec<String> = [102, 103, 104]
            .iter()
            .map(|i| sid(*i).to_string())
            .collect();
        assert_eq!(names, want);
        let llm = &children[0];
        assert_eq!(llm["model"], "gpt-4o");
        assert_eq!(llm["usage"]["inputTokens"], 1000);
        assert_eq!(llm["events"][0]["name"], "first_token");
        assert!(close(f(&llm["durationMs"]), 2500.0));
        assert_eq!(llm["parent"]["spanId"], sid(101).to_string());
        assert_eq!(children[1]["isError"], true);
        assert_eq!(children[1]["subtreeStatus"], "ERROR");
        let mini = &children[2];
        assert_eq!(mini["metadata"], json!({"prompt_version": "v2"}));
        assert_eq!(
            mini["subtree"]["spanCount"], 2,
            "the mini call and its RAG query"
        );
        assert_eq!(mini["subtree"]["inputTokens"], 300);
        assert_eq!(mini["subtreeStatus"], "OK");
        assert_eq!(mini["children"][0]["type"], "RAG_QUERY");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_and_malformed_trace_ids() {
    each_db("trace_ids", |store| async move {
        let seed = seed(&store).await;
        let state = AppState::new(store);
        let d = data(
            &state,
            seed.a,
            &format!("{{ trace(id: \"{}\") {{ id }} }}", tid(77)),
        )
        .await;
        assert_eq!(d["trace"], Value::Null);
        let errors = crate::support::errors(&state, seed.a, "{ trace(id: \"xyz\") { id } }").await;
        assert!(errors[0].contains("invalid trace id"), "{errors:?}");
    })
    .await;
}
