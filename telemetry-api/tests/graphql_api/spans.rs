//! Span search: column, attribute, metadata and structural conditions, checked against the
//! seed specs filtered in the test.

use std::collections::BTreeSet;

use serde_json::json;
use telemetry_api::state::AppState;

use crate::support::{Spec, data, data_vars, each_db, errors, nodes, seed, sid, specs_a, tid};

/// The span ids a search returns (as a set) and the count of the page.
async fn search(
    state: &AppState,
    project: telemetry_store::ProjectId,
    filter: &str,
) -> BTreeSet<String> {
    let q =
        format!("{{ spans(first: 100, filter: {filter}) {{ edges {{ node {{ spanId }} }} }} }}");
    let d = data(state, project, &q).await;
    nodes(&d["spans"])
        .iter()
        .map(|n| n["spanId"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn expect(pred: impl Fn(&Spec) -> bool) -> BTreeSet<String> {
    specs_a()
        .iter()
        .filter(|s| pred(s))
        .map(|s| sid(s.id).to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_combines_columns_attributes_and_structure() {
    each_db("span_search", |store| async move {
        let seed = seed(&store).await;
        let state = AppState::new(store);
        let a = seed.a;
        // The example: LLM spans whose model starts with gpt-4 that took over 2 s.
        let got = search(
            &state,
            a,
            "{ spanType: LLM_GENERATION, conditions: [\
               { attribute: \"model\", op: STARTS_WITH, value: \"gpt-4\" },\
               { column: DURATION_MS, op: GT, value: 2000 } ] }",
        )
        .await;
        let want = expect(|s| {
            s.span_type() == "llm_generation"
                && s.model().is_some_and(|(m, _)| m.starts_with("gpt-4"))
                && s.duration_ms() > 2000.0
        });
        assert_eq!(got, want);
        assert_eq!(want.len(), 1);

        // A numeric attribute inside a nested object.
        let got = search(
            &state,
            a,
            "{ conditions: [{ attribute: \"usage.input_tokens\", op: GTE, value: 1000 }] }",
        )
        .await;
        assert_eq!(got, expect(|s| s.usage().0 >= 1000 && s.model().is_some()));

        // Text columns and attributes, equality and containment.
        let got = search(
            &state,
            a,
            "{ conditions: [{ column: PROVIDER, op: EQ, value: \"openai\" },\
               { attribute: \"model\", op: CONTAINS, value: \"mini\" }] }",
        )
        .await;
        assert_eq!(
            got,
            expect(|s| s.model() == Some(("gpt-4o-mini", "openai")))
        );

        // Metadata, presence and absence.
        let got = search(
            &state,
            a,
            "{ conditions: [{ metadata: \"prompt_version\", op: EQ, value: \"v2\" }] }",
        )
        .await;
        assert_eq!(got, expect(|s| s.id == 104));
        let got = search(
            &state,
            a,
            "{ conditions: [{ attribute: \"usage\", op: EXISTS }] }",
        )
        .await;
        assert_eq!(got, expect(|s| s.model().is_some()));
        let got = search(
            &state,
            a,
            "{ conditions: [{ column: MODEL, op: MISSING }] }",
        )
        .await;
        assert_eq!(got, expect(|s| s.model().is_none()));

        // Structure: spans with a failed descendant, roots, errors.
        let got = search(&state, a, "{ hasErroredDescendant: true }").await;
        assert_eq!(got, expect(|s| s.id == 101));
        let got = search(&state, a, "{ hasErroredDescendant: false, isRoot: true }").await;
        assert_eq!(got, expect(|s| s.parent.is_none() && s.id != 101));
        let got = search(&state, a, "{ hasError: true }").await;
        assert_eq!(got, expect(|s| s.failed));
        let got = search(
            &state,
            a,
            "{ conditions: [{ column: IS_ERROR, op: EQ, value: true }] }",
        )
        .await;
        assert_eq!(got, expect(|s| s.failed));
        let got = search(
            &state,
            a,
            &format!("{{ traceId: \"{}\", minDurationMs: 1000 }}", tid(3)),
        )
        .await;
        assert_eq!(got, expect(|s| s.trace == 3 && s.duration_ms() >= 1000.0));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_pages_newest_first_and_rejects_bad_conditions() {
    each_db("span_pages", |store| async move {
        let seed = seed(&store).await;
        let state = AppState::new(store);
        let q = "query($after: String) { spans(first: 4, after: $after) { \
                 pageInfo { hasNextPage endCursor } edges { node { spanId startTime } } } }";
        let mut after = serde_json::Value::Null;
        let mut all = Vec::new();
        loop {
            let d = data_vars(&state, seed.a, q, json!({ "after": after })).await;
            all.extend(nodes(&d["spans"]));
            if d["spans"]["pageInfo"]["hasNextPage"] != true {
                break;
            }
            after = d["spans"]["pageInfo"]["endCursor"].clone();
        }
        assert_eq!(all.len(), specs_a().len());
        let times: Vec<&str> = all
            .iter()
            .map(|n| n["startTime"].as_str().unwrap_or(""))
            .collect();
        let mut sorted = times.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(times, sorted, "newest first");

        for (filter, needle) in [
            (
                "{ conditions: [{ column: MODEL, attribute: \"model\", op: EQ, value: \"x\" }] }",
                "exactly one",
            ),
            (
                "{ conditions: [{ column: DURATION_MS, op: STARTS_WITH, value: \"1\" }] }",
                "holds",
            ),
            (
                "{ conditions: [{ attribute: \"a b\", op: EQ, value: \"x\" }] }",
                "invalid key path",
            ),
            (
                "{ conditions: [{ column: COST, op: GT }] }",
                "needs a value",
            ),
        ] {
            let q = format!("{{ spans(filter: {filter}) {{ edges {{ node {{ spanId }} }} }} }}");
            let errs = errors(&state, seed.a, &q).await;
            assert!(
                errs.iter().any(|e| e.contains(needle)),
                "{filter}: {errs:?}"
            );
        }
    })
    .await;
}
