//! Sessions: the list with sums computed in the test, and one session's traces in order.

use serde_json::json;
use telemetry_api::state::AppState;

use crate::support::{close, data, each_db, f, nodes, seed, specs_a, tid};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_sum_their_traces() {
    each_db("sessions", |store| async move {
        let seed = seed(&store).await;
        let state = AppState::new(store);
        let d = data(
            &state,
            seed.a,
            "{ sessions { edges { node { id traceCount firstTime lastTime totalTokens totalCost hasError } } } }",
        )
        .await;
        let sessions = nodes(&d["sessions"]);
        let ids: Vec<&str> = sessions.iter().map(|s| s["id"].as_str().unwrap_or("")).collect();
        assert_eq!(ids, ["s-2", "s-1"], "most recently active first");
        let sum = |traces: &[u128]| {
            specs_a().iter().filter(|s| traces.contains(&s.trace)).fold((0u64, 0.0), |acc, s| {
                let (i, o, c) = s.usage();
                (acc.0 + i + o, acc.1 + c)
            })
        };
        let s1 = &sessions[1];
        let (tokens, cost) = sum(&[1, 2]);
        assert_eq!(s1["traceCount"], 2, "project B's trace in a session of the same id is not counted");
        assert_eq!(s1["totalTokens"], tokens);
        assert!(close(f(&s1["totalCost"]), cost));
        assert_eq!(s1["hasError"], true);
        assert_eq!(s1["firstTime"], "2026-01-01T00:00:00+00:00");
        assert_eq!(s1["lastTime"], "2026-01-01T01:00:00+00:00");

        let d = data(
            &state,
            seed.a,
            "{ session(id: \"s-1\") { traceCount traces { edges { node { id } } } } \
               missing: session(id: \"nope\") { id } }",
        )
        .await;
        assert_eq!(d["session"]["traceCount"], 2);
        let order: Vec<_> = nodes(&d["session"]["traces"]).iter().map(|n| n["id"].clone()).collect();
        assert_eq!(order, [json!(tid(1).to_string()), json!(tid(2).to_string())], "oldest first");
        assert_eq!(d["missing"], serde_json::Value::Null);
    })
    .await;
}
