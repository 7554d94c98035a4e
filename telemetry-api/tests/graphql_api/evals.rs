//! Evals: series by evaluator and source, distributions, averages per trace name and model,
//! low scores with their traces and spans, and the score mutations.

use serde_json::{Value, json};
use telemetry_api::state::AppState;

use crate::support::{close, data, data_vars, each_db, f, seed, sid, tid};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eval_analysis_matches_the_seeded_scores() {
    each_db("evals", |store| async move {
        let seed = seed(&store).await;
        let state = AppState::new(store);
        let d = data(
            &state,
            seed.a,
            "{ evals { \
               bySource: series(name: \"helpfulness\", by: SOURCE) { name source count avg min max } \
               byEvaluator: series { name evaluator count avg passRate } \
               numeric: distribution(name: \"helpfulness\", bins: 2) { histogram { lower upper count } } \
               labels: distribution(name: \"verdict\") { labels { label count } } \
               booleans: distribution(name: \"safe\") { passed failed } \
               byTraceName(name: \"helpfulness\") { traceName count avg } \
               byModel(name: \"helpfulness\") { model count avg } \
               below(name: \"helpfulness\", threshold: 0.65) { value source comment trace { id name } span { spanId model } } } }",
        )
        .await;
        let ev = &d["evals"];
        // helpfulness: 0.2 human (t1), 0.9 api (t2), 0.6 api (t3 span 302).
        let by_source = ev["bySource"].as_array().expect("series");
        assert_eq!(by_source.len(), 2);
        let api = by_source.iter().find(|r| r["source"] == "API").expect("api");
        let human = by_source.iter().find(|r| r["source"] == "HUMAN").expect("human");
        assert_eq!(api["count"], 2);
        assert!(close(f(&api["avg"]), 0.75));
        assert!(close(f(&api["min"]), 0.6) && close(f(&api["max"]), 0.9));
        assert_eq!(human["count"], 1);
        assert!(close(f(&human["avg"]), 0.2));
        let safe = ev["byEvaluator"]
            .as_array()
            .expect("series")
            .iter()
            .find(|r| r["name"] == "safe")
            .expect("safe series")
            .clone();
        assert!(close(f(&safe["passRate"]), 0.5));

        let bins = ev["numeric"]["histogram"].as_array().expect("bins");
        assert_eq!(bins.len(), 2);
        assert!(close(f(&bins[0]["lower"]), 0.2) && close(f(&bins[1]["upper"]), 0.9));
        assert_eq!((bins[0]["count"].as_i64(), bins[1]["count"].as_i64()), (Some(1), Some(2)));
        assert_eq!(
            ev["labels"]["labels"],
            json!([{"label": "correct", "count": 2}, {"label": "wrong", "count": 1}])
        );
        assert_eq!((ev["booleans"]["passed"].as_i64(), ev["booleans"]["failed"].as_i64()), (Some(1), Some(1)));

        let by_name = ev["byTraceName"].as_array().expect("by trace name");
        let support = by_name.iter().find(|r| r["traceName"] == "support").expect("support");
        assert_eq!(support["count"], 2);
        assert!(close(f(&support["avg"]), 0.55));
        let summarize = by_name.iter().find(|r| r["traceName"] == "Summarize notes").expect("summarize");
        assert!(close(f(&summarize["avg"]), 0.6));

        // A trace score counts for every model the trace called; a span score for its span's.
        let mut by_model: Vec<(String, i64, f64)> = ev["byModel"]
            .as_array()
            .expect("by model")
            .iter()
            .map(|r| (r["model"].as_str().unwrap_or("").to_owned(), r["count"].as_i64().unwrap_or(0), f(&r["avg"])))
            .collect();
        by_model.sort_by(|a, b| a.0.cmp(&b.0));
        let want = [
            ("claude-3-5-sonnet", 1, 0.9),
            ("gpt-4-turbo", 1, 0.6),
            ("gpt-4o", 1, 0.2),
            ("gpt-4o-mini", 1, 0.2),
        ];
        assert_eq!(by_model.len(), want.len(), "{by_model:?}");
        for ((m, n, avg), (wm, wn, wavg)) in by_model.iter().zip(want) {
            assert_eq!((m.as_str(), *n), (wm, wn));
            assert!(close(*avg, wavg));
        }

        let below = ev["below"].as_array().expect("below");
        assert_eq!(below.len(), 2, "0.2 and 0.6, lowest first; never project B's 0.1");
        assert!(close(f(&below[0]["value"]), 0.2));
        assert_eq!(below[0]["trace"]["id"], tid(1).to_string());
        assert_eq!(below[0]["trace"]["name"], "support");
        assert_eq!(below[0]["span"], Value::Null);
        assert_eq!(below[1]["span"]["spanId"], sid(302).to_string());
        assert_eq!(below[1]["span"]["model"], "gpt-4-turbo");
    })
    .await;
}

const CREATE: &str = "mutation($input: CreateScoreInput!) { createScore(input: $input) { \
    id name value label passed source evaluator comment trace { id } span { spanId } } }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scores_are_created_and_deleted_within_the_callers_project() {
    each_db("score_mutations", |store| async move {
        let seed = seed(&store).await;
        let state = AppState::new(store.clone());
        let input = json!({ "input": {
            "traceId": tid(1).to_string(), "spanId": sid(102).to_string(),
            "name": "tone", "label": "friendly", "source": "HUMAN",
            "evaluator": "ana", "comment": "nice"
        }});
        let created = data_vars(&state, seed.a, CREATE, input).await["createScore"].clone();
        assert_eq!(created["label"], "friendly");
        assert_eq!(created["source"], "HUMAN");
        assert_eq!(created["span"]["spanId"], sid(102).to_string());
        let stored = store.scores_of_trace(seed.a, tid(1)).await.expect("scores");
        assert!(stored.iter().any(|s| s.name == "tone" && s.label.as_deref() == Some("friendly")));
        let d = data(&state, seed.a, &format!(
            "{{ span(traceId: \"{}\", spanId: \"{}\") {{ scores {{ name }} }} }}", tid(1), sid(102)
        )).await;
        assert_eq!(d["span"]["scores"], json!([{"name": "tone"}]));

        // Deleting it, then deleting it again.
        let id = created["id"].as_str().expect("id").to_owned();
        let del = format!("mutation {{ deleteScore(id: \"{id}\") }}");
        assert_eq!(data(&state, seed.a, &del).await["deleteScore"], true);
        assert_eq!(data(&state, seed.a, &del).await["deleteScore"], false);

        // Invalid inputs.
        for (input, needle) in [
            (json!({"traceId": tid(1).to_string(), "name": "x", "value": 1.0, "passed": true}), "exactly one"),
            (json!({"traceId": "nope", "name": "x", "value": 1.0}), "invalid trace id"),
            (json!({"traceId": tid(1).to_string(), "name": "", "value": 1.0}), "name"),
            (json!({"traceId": tid(1).to_string(), "spanId": sid(401).to_string(), "name": "x", "value": 1.0}), "no such"),
        ] {
            let resp = crate::support::exec_with(
                &state, seed.a, &Default::default(), CREATE, json!({ "input": input }),
            ).await;
            let msg = resp["errors"][0]["message"].as_str().unwrap_or("").to_owned();
            assert!(msg.contains(needle), "{input}: {resp}");
        }
    })
    .await;
}
