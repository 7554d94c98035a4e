//! Analytics: counts and error rates, latency quantiles at arbitrary probabilities by several
//! groupings, tokens and cost by model and provider, and time series; each compared with
//! values computed from the seed in the test.

use std::collections::BTreeMap;

use telemetry_api::state::AppState;

use crate::support::{Spec, close, data, each_db, errors, f, seed, specs_a};

/// `percentile_cont`: linear interpolation between the ranks around `q·(n−1)`.
fn quantile(mut values: Vec<f64>, q: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    let pos = q * (values.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(values.len() - 1);
    values[lo] + (pos - lo as f64) * (values[hi] - values[lo])
}

fn group_by<K: Ord>(key: impl Fn(&Spec) -> K) -> BTreeMap<K, Vec<Spec>> {
    let mut groups: BTreeMap<K, Vec<Spec>> = BTreeMap::new();
    for s in specs_a() {
        groups.entry(key(&s)).or_default().push(s);
    }
    groups
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn counts_latency_and_usage_match_the_seed() {
    each_db("analytics", |store| async move {
        let seed = seed(&store).await;
        let state = AppState::new(store);
        let d = data(
            &state,
            seed.a,
            "{ analytics { traceCounts { bucket traces errors errorRate } \
               spanCounts { spanType spans errors errorRate } \
               latency(quantiles: [0.5, 0.9, 0.37, 1.0, 0.0, 0.99], groupBy: [SPAN_TYPE]) { group { spanType } count avgMs quantiles { q ms } } \
               byModel: latency(quantiles: [0.5], groupBy: [MODEL], spanType: LLM_GENERATION) { group { model spanType } count quantiles { ms } } \
               usage { group { model provider } calls inputTokens outputTokens totalTokens cost } \
               byProvider: usage(groupBy: [PROVIDER]) { group { provider model } inputTokens cost } } }",
        )
        .await;
        let an = &d["analytics"];
        let tc = &an["traceCounts"][0];
        assert_eq!(tc["bucket"], serde_json::Value::Null);
        assert_eq!((tc["traces"].as_i64(), tc["errors"].as_i64()), (Some(3), Some(1)));
        assert!(close(f(&tc["errorRate"]), 1.0 / 3.0));

        let by_type = group_by(|s| s.span_type());
        let counts = an["spanCounts"].as_array().expect("span counts");
        assert_eq!(counts.len(), by_type.len());
        for row in counts {
            let specs = &by_type[row["spanType"].as_str().unwrap_or("")];
            let failed = specs.iter().filter(|s| s.failed).count();
            assert_eq!(row["spans"], specs.len());
            assert_eq!(row["errors"], failed);
            assert!(close(f(&row["errorRate"]), failed as f64 / specs.len() as f64));
        }

        let latency = an["latency"].as_array().expect("latency");
        assert_eq!(latency.len(), by_type.len());
        for row in latency {
            let specs = &by_type[row["group"]["spanType"].as_str().unwrap_or("")];
            let durations: Vec<f64> = specs.iter().map(Spec::duration_ms).collect();
            assert_eq!(row["count"], specs.len());
            let avg = durations.iter().sum::<f64>() / durations.len() as f64;
            assert!(close(f(&row["avgMs"]), avg), "{row}");
            for (i, q) in [0.5, 0.9, 0.37, 1.0, 0.0, 0.99].into_iter().enumerate() {
                let got = &row["quantiles"][i];
                assert!(close(f(&got["q"]), q));
                assert!(close(f(&got["ms"]), quantile(durations.clone(), q)), "{row} q={q}");
            }
        }

        let llm_by_model = group_by(|s| (s.span_type(), s.model().map(|m| m.0)));
        let rows = an["byModel"].as_array().expect("latency by model");
        assert_eq!(rows.len(), 4, "four LLM models");
        for row in rows {
            let key = ("llm_generation", row["group"]["model"].as_str());
            let durations: Vec<f64> = llm_by_model[&key].iter().map(Spec::duration_ms).collect();
            assert!(close(f(&row["quantiles"][0]["ms"]), quantile(durations, 0.5)));
            assert_eq!(row["group"]["spanType"], serde_json::Value::Null, "only grouped keys set");
        }

        let by_model = group_by(|s| s.model());
        let usage = an["usage"].as_array().expect("usage");
        assert_eq!(usage.len(), by_model.keys().filter(|k| k.is_some()).count());
        for row in usage {
            let key = Some((
                row["group"]["model"].as_str().unwrap_or(""),
                row["group"]["provider"].as_str().unwrap_or(""),
            ));
            let specs = &by_model[&key];
            let (i, o, c) = specs.iter().fold((0, 0, 0.0), |acc, s| {
                let (i, o, c) = s.usage();
                (acc.0 + i, acc.1 + o, acc.2 + c)
            });
            assert_eq!(row["calls"], specs.len());
            assert_eq!((row["inputTokens"].as_u64(), row["outputTokens"].as_u64()), (Some(i), Some(o)));
            assert_eq!(row["totalTokens"].as_u64(), Some(i + o));
            assert!(close(f(&row["cost"]), c));
        }
        let by_provider = group_by(|s| s.model().map(|m| m.1));
        for row in an["byProvider"].as_array().expect("by provider") {
            let specs = &by_provider[&row["group"]["provider"].as_str()];
            let input: u64 = specs.iter().map(|s| s.usage().0).sum();
            let cost: f64 = specs.iter().map(|s| s.usage().2).sum();
            assert_eq!(row["inputTokens"].as_u64(), Some(input));
            assert!(close(f(&row["cost"]), cost));
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn time_series_bucket_by_the_hour() {
    each_db("analytics_series", |store| async move {
        let seed = seed(&store).await;
        let state = AppState::new(store);
        let d = data(
            &state,
            seed.a,
            "{ analytics(time: { from: \"2026-01-01T00:00:00Z\", to: \"2026-01-01T03:00:00Z\" }, bucketSeconds: 3600) { \
               traceCounts { bucket traces errors } usage(groupBy: []) { bucket inputTokens } \
               latency(groupBy: [], quantiles: [1.0]) { bucket count quantiles { ms } } } }",
        )
        .await;
        let an = &d["analytics"];
        let traces: Vec<(String, i64, i64)> = an["traceCounts"]
            .as_array()
            .expect("series")
            .iter()
            .map(|r| {
                (
                    r["bucket"].as_str().unwrap_or("").to_owned(),
                    r["traces"].as_i64().unwrap_or(-1),
                    r["errors"].as_i64().unwrap_or(-1),
                )
            })
            .collect();
        let hour = |h: u32| chrono::DateTime::parse_from_rfc3339(&format!("2026-01-01T0{h}:00:00Z")).expect("time");
        assert_eq!(traces.len(), 3);
        for (i, (bucket, n, errs)) in traces.iter().enumerate() {
            let parsed = chrono::DateTime::parse_from_rfc3339(bucket).expect("bucket time");
            assert_eq!(parsed, hour(i as u32));
            assert_eq!((*n, *errs), (1, if i == 0 { 1 } else { 0 }));
        }
        for (i, row) in an["usage"].as_array().expect("usage series").iter().enumerate() {
            let input: u64 = specs_a().iter().filter(|s| s.trace == i as u128 + 1).map(|s| s.usage().0).sum();
            assert_eq!(row["inputTokens"].as_u64(), Some(input), "hour {i}");
        }
        for (i, row) in an["latency"].as_array().expect("latency series").iter().enumerate() {
            let max = specs_a().iter().filter(|s| s.trace == i as u128 + 1).map(Spec::duration_ms).fold(0.0, f64::max);
            assert!(close(f(&row["quantiles"][0]["ms"]), max), "hour {i}: {row}");
        }

        for bad in [
            "{ analytics(bucketSeconds: 0) { traceCounts { traces } } }",
            "{ analytics(time: { from: \"2026-01-02T00:00:00Z\", to: \"2026-01-01T00:00:00Z\" }) { traceCounts { traces } } }",
            "{ analytics(time: { from: \"2020-01-01T00:00:00Z\", to: \"2026-01-01T00:00:00Z\" }, bucketSeconds: 1) { traceCounts { traces } } }",
            "{ analytics { latency(quantiles: [1.5]) { count } } }",
        ] {
            assert!(!errors(&state, seed.a, bad).await.is_empty(), "{bad}");
        }
    })
    .await;
}
