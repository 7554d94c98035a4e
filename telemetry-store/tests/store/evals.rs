//! Eval analysis: scores from eval spans and from the API, over time, distributions, averages
//! per trace name and the traces behind low scores.

use telemetry_store::{Aggregate, NewScore, ScoreSource, ScoreValue, TimeRange};
use telemetry_types::attrs::EvalExecution;

use crate::common::*;

#[tokio::test]
async fn eval_analysis() {
    each_db("eval_analysis", |store| async move {
        let p = project(&store, "p").await;
        let mut events = Vec::new();
        // Ten traces: "support" (0..5) and "checkout" (5..10); faithfulness = n / 10.
        for n in 0..10u64 {
            let name = if n < 5 { "support" } else { "checkout" };
            events.push(ended(span(
                n as u128,
                1,
                None,
                name,
                n * 1000,
                Some(n * 1000 + 10),
            )));
            events.push(ended(eval(
                n as u128,
                50 + n,
                "faithfulness",
                n as f64 / 10.0,
                n * 1000 + 500,
            )));
        }
        // An eval span still running makes no score.
        events.push(started(eval(0, 99, "faithfulness", 0.0, 1)));
        // A categorical and a boolean eval.
        let mut label = EvalExecution::new("judge", "verdict");
        label.label = Some("hallucinated".into());
        label.evaluated_trace_id = Some(tid(1));
        let mut s = span(500, 1, None, "eval", 100, Some(200));
        s.attributes = label.into();
        events.push(ended(s));
        store.ingest(p, &events).await.unwrap();
        let create = |trace, value, source| {
            let store = store.clone();
            async move {
                store
                    .create_score(
                        p,
                        NewScore {
                            trace_id: tid(trace),
                            span_id: None,
                            name: "verdict".into(),
                            value,
                            source,
                            evaluator: Some("reviewer".into()),
                            comment: Some("looked at it".into()),
                        },
                    )
                    .await
                    .unwrap()
            }
        };
        create(
            2,
            ScoreValue::Categorical("correct".into()),
            ScoreSource::Human,
        )
        .await;
        create(
            3,
            ScoreValue::Categorical("correct".into()),
            ScoreSource::Human,
        )
        .await;
        create(4, ScoreValue::Boolean(true), ScoreSource::Api).await;
        let doomed = create(5, ScoreValue::Boolean(false), ScoreSource::Api).await;
        create(6, ScoreValue::Boolean(false), ScoreSource::Api).await;
        assert!(store.delete_score(p, doomed.id).await.unwrap());
        assert!(!store.delete_score(p, doomed.id).await.unwrap());
        assert!(
            store
                .create_score(
                    p,
                    NewScore {
                        trace_id: tid(1),
                        span_id: None,
                        name: "x".into(),
                        value: ScoreValue::Numeric(f64::NAN),
                        source: ScoreSource::Api,
                        evaluator: None,
                        comment: None,
                    }
                )
                .await
                .is_err()
        );

        // Series: faithfulness by judge over all time.
        let series = store
            .score_series(p, Some("faithfulness"), &Aggregate::over(TimeRange::ALL))
            .await
            .unwrap();
        assert_eq!(series.len(), 1);
        assert_eq!(series[0].stats.count, 10);
        assert!(close(series[0].stats.avg.unwrap(), 0.45));
        assert_eq!(
            (series[0].stats.min, series[0].stats.max),
            (Some(0.0), Some(0.9))
        );
        let all = store
            .score_series(p, None, &Aggregate::over(TimeRange::ALL))
            .await
            .unwrap();
        let reviewer = all
            .iter()
            .find(|r| r.evaluator.as_deref() == Some("reviewer"))
            .unwrap();
        assert_eq!(reviewer.stats.count, 4);
        assert!(close(reviewer.stats.pass_rate.unwrap(), 0.5));

        // Distribution: 10 values 0.0..0.9 in 3 bins of width 0.3: [0, .3) [.3, .6) [.6, .9].
        let dist = store
            .score_distribution(p, "faithfulness", &TimeRange::ALL, 3)
            .await
            .unwrap();
        let counts: Vec<i64> = dist.histogram.iter().map(|b| b.count).collect();
        assert_eq!(counts, [3, 3, 4]);
        assert!(close(dist.histogram[2].upper, 0.9));
        let verdict = store
            .score_distribution(p, "verdict", &TimeRange::ALL, 5)
            .await
            .unwrap();
        assert!(verdict.histogram.is_empty());
        assert_eq!(
            verdict.labels,
            [("correct".to_owned(), 2), ("hallucinated".to_owned(), 1)]
        );
        assert_eq!((verdict.passed, verdict.failed), (1, 1));

        // Averages per trace name: support 0..0.4 → 0.2, checkout 0.5..0.9 → 0.7.
        let by_name = store
            .score_by_trace_name(p, "faithfulness", &TimeRange::ALL)
            .await
            .unwrap();
        let got: Vec<_> = by_name
            .iter()
            .map(|r| (r.trace_name.clone().unwrap(), r.count))
            .collect();
        assert_eq!(got, [("checkout".to_owned(), 5), ("support".to_owned(), 5)]);
        assert!(close(by_name[0].avg, 0.7) && close(by_name[1].avg, 0.2));

        // The traces behind scores below 0.25, lowest first.
        let low = store
            .scores_below(p, "faithfulness", 0.25, &TimeRange::ALL, 10)
            .await
            .unwrap();
        let traces: Vec<_> = low.iter().map(|l| l.trace_id.clone()).collect();
        assert_eq!(traces, [tid(0), tid(1), tid(2)].map(|t| t.to_string()));
        let lowest = store.trace_summary(p, tid(0)).await.unwrap();
        assert_eq!(lowest.unwrap().name.as_deref(), Some("support"));

        // A trace's scores come with it.
        let detail = store.get_trace(p, tid(1)).await.unwrap().unwrap();
        let names: Vec<_> = detail.scores.iter().map(|s| s.name.as_str()).collect();
        assert!(names.contains(&"faithfulness") && names.contains(&"verdict"));
    })
    .await;
}
