//! Aggregates checked against values computed here, independently of the database.

use std::collections::BTreeMap;
use std::time::Duration;

use telemetry_store::{Aggregate, LatencyQuery, TimeRange};
use telemetry_types::attrs::ToolCall;
use telemetry_types::{SpanRecord, SpanType, TelemetryEvent};

use crate::common::*;

/// A deterministic pseudo-random sequence (64-bit LCG).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % bound
    }
}

const MODELS: [(&str, &str); 3] = [
    ("gpt-4o", "openai"),
    ("gpt-4o-mini", "openai"),
    ("claude-sonnet-4", "anthropic"),
];

fn dataset() -> Vec<SpanRecord> {
    let mut rng = Lcg(7);
    let mut spans = Vec::new();
    for t in 0..120u64 {
        let start = t * 1_000; // one trace per second over two minutes
        let mut root = span(t as u128, 1, None, "agent", start, Some(start + 900));
        if t % 9 == 0 {
            root = failed(root);
        }
        spans.push(root);
        for k in 0..3u64 {
            let (model, provider) = MODELS[rng.next(3) as usize];
            let dur = 10 + rng.next(700);
            let s = start + 10 + k;
            spans.push(llm(
                t as u128,
                2 + k,
                Some(1),
                model,
                provider,
                s,
                s + dur,
                100 + rng.next(5000),
                rng.next(900),
            ));
        }
        let mut tool = span(
            t as u128,
            9,
            Some(1),
            if t % 2 == 0 { "search" } else { "fetch" },
            start + 5,
            Some(start + 5 + rng.next(300)),
        );
        tool.attributes = ToolCall::default().into();
        if rng.next(4) == 0 {
            tool = failed(tool);
        }
        spans.push(tool);
    }
    spans
}

/// `percentile_cont`: linear interpolation between the ranks around `q·(n−1)`.
fn percentile_cont(sorted: &[i64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] as f64 + (pos - lo as f64) * (sorted[hi] - sorted[lo]) as f64
}

fn nanos_of(ms: u64) -> i64 {
    ((BASE_MS + ms) * 1_000_000) as i64
}

#[tokio::test]
async fn aggregates_match_independent_computation() {
    each_db("aggregates", |store| async move {
        let p = project(&store, "p").await;
        let spans = dataset();
        let events: Vec<TelemetryEvent> = spans.iter().cloned().map(ended).collect();
        store.ingest(p, &events).await.unwrap();
        // Window: seconds 30..90 (by span start), in 20 s buckets.
        let time = TimeRange::between(at(30_000), at(90_000));
        let width = Duration::from_secs(20);
        let in_window = |s: &&SpanRecord| s.start_time >= at(30_000) && s.start_time < at(90_000);
        let bucket_of = |s: &SpanRecord| {
            let n = s.start_time.as_unix_nanos() as i64;
            n / 20_000_000_000 * 20_000_000_000
        };

        // Tokens and cost by model, per bucket.
        let mut expected: BTreeMap<(i64, String), (i64, i64, i64, f64)> = BTreeMap::new();
        for s in spans.iter().filter(in_window) {
            let Some(model) = s.attributes.model() else {
                continue;
            };
            let usage = s.attributes.usage().unwrap();
            let price = telemetry_store::cost::PriceTable::builtin()
                .find(model, s.attributes.provider())
                .unwrap();
            let cost = price.cost(usage).unwrap().total.unwrap();
            let e = expected
                .entry((bucket_of(s), model.to_owned()))
                .or_default();
            e.0 += 1;
            e.1 += usage.input_tokens.unwrap() as i64;
            e.2 += usage.output_tokens.unwrap() as i64;
            e.3 += cost;
        }
        let rows = store
            .usage_by_model(p, &Aggregate::bucketed(time, width))
            .await
            .unwrap();
        assert_eq!(rows.len(), expected.len());
        for row in &rows {
            let key = (
                row.bucket.unwrap().as_unix_nanos() as i64,
                row.model.clone(),
            );
            let e = expected[&key];
            assert_eq!(
                (row.calls, row.totals.input_tokens, row.totals.output_tokens),
                (e.0, e.1, e.2),
                "{key:?}"
            );
            assert_eq!(row.totals.total_tokens, e.1 + e.2);
            assert!(
                close(row.totals.cost, e.3),
                "{} vs {}",
                row.totals.cost,
                e.3
            );
        }

        // Latency quantiles by span type and name, per bucket.
        let quantiles = vec![0.5, 0.95, 0.99, 0.0, 1.0, 0.3];
        let mut durations: BTreeMap<(i64, String, String), Vec<i64>> = BTreeMap::new();
        for s in spans.iter().filter(in_window) {
            let d = (s.end_time.unwrap().as_unix_nanos() - s.start_time.as_unix_nanos()) as i64;
            durations
                .entry((
                    bucket_of(s),
                    s.span_type().as_str().to_owned(),
                    s.name.to_string(),
                ))
                .or_default()
                .push(d);
        }
        let query = LatencyQuery {
            quantiles: quantiles.clone(),
            ..LatencyQuery::p50_p95_p99(Aggregate::bucketed(time, width))
        };
        let rows = store.latency_quantiles(p, &query).await.unwrap();
        assert_eq!(rows.len(), durations.len());
        for row in &rows {
            let key = (
                row.bucket.unwrap().as_unix_nanos() as i64,
                row.span_type.clone(),
                row.name.clone().unwrap(),
            );
            let mut d = durations[&key].clone();
            d.sort_unstable();
            assert_eq!(row.count, d.len() as i64);
            for (q, value) in &row.quantiles {
                let want = percentile_cont(&d, *q);
                assert!(
                    (value - want).abs() < 1e-3,
                    "{key:?} q{q}: {value} vs {want}"
                );
            }
        }
        // By span type only, one bucket, one type.
        let query = LatencyQuery {
            by_name: false,
            span_type: Some(SpanType::ToolCall),
            ..LatencyQuery::p50_p95_p99(Aggregate::over(time))
        };
        let rows = store.latency_quantiles(p, &query).await.unwrap();
        assert_eq!(rows.len(), 1);
        let mut tools: Vec<i64> = spans
            .iter()
            .filter(in_window)
            .filter(|s| s.span_type() == SpanType::ToolCall)
            .map(|s| (s.end_time.unwrap().as_unix_nanos() - s.start_time.as_unix_nanos()) as i64)
            .collect();
        tools.sort_unstable();
        assert!((rows[0].quantiles[1].1 - percentile_cont(&tools, 0.95)).abs() < 1e-3);
        assert!(
            store
                .latency_quantiles(
                    p,
                    &LatencyQuery {
                        quantiles: vec![1.5],
                        ..query
                    }
                )
                .await
                .is_err()
        );

        // Counts and error rates by span type.
        let mut counts: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        for s in spans.iter().filter(in_window) {
            let e = counts.entry(s.span_type().as_str().to_owned()).or_default();
            e.0 += 1;
            e.1 += i64::from(s.error.is_some());
        }
        let rows = store.span_counts(p, &Aggregate::over(time)).await.unwrap();
        let got: BTreeMap<String, (i64, i64)> = rows
            .iter()
            .map(|r| (r.span_type.clone(), (r.spans, r.errors)))
            .collect();
        assert_eq!(got, counts);
        for r in &rows {
            assert!(close(r.error_rate, r.errors as f64 / r.spans as f64));
        }
        // Trace counts per bucket: a trace errs when any of its spans failed.
        let rows = store
            .trace_counts(p, &Aggregate::bucketed(time, width))
            .await
            .unwrap();
        let mut expected: BTreeMap<i64, (i64, i64)> = BTreeMap::new();
        for t in 30..90u64 {
            let failed = spans
                .iter()
                .any(|s| s.trace_id == tid(t as u128) && s.error.is_some());
            let e = expected
                .entry(nanos_of(t * 1000) / 20_000_000_000 * 20_000_000_000)
                .or_default();
            e.0 += 1;
            e.1 += i64::from(failed);
        }
        let got: BTreeMap<i64, (i64, i64)> = rows
            .iter()
            .map(|r| {
                (
                    r.bucket.unwrap().as_unix_nanos() as i64,
                    (r.traces, r.errors),
                )
            })
            .collect();
        assert_eq!(got, expected);
    })
    .await;
}
