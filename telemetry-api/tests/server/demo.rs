//! `serve --demo`: the committed recording replayed through the server's own OTLP ingest
//! lands as the demo's conversations — every span, the failed tool call, the eval scores on
//! the runs they evaluate, and timestamps moved to now.

use telemetry_api::demo;
use telemetry_store::{Page, TraceFilter};
use telemetry_types::Timestamp;

use crate::common::{TestServer, each_db};

/// Per conversation: agent run, two generations, tool call, retrieval, embedding; plus its eval.
const SPANS_PER_CONVERSATION: u64 = 7;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_replays_its_conversations_through_otlp_ingest() {
    each_db("demo", |url| async move {
        let server = TestServer::start(&url).await;
        let hour_ago =
            Timestamp::from_unix_nanos(Timestamp::now().as_unix_nanos() - 3_600_000_000_000);
        let spans = demo::seed(&server.store, server.project, server.addr)
            .await
            .expect("seeded");
        assert_eq!(spans, demo::CONVERSATIONS as u64 * SPANS_PER_CONVERSATION);

        let traces = server
            .store
            .list_traces(server.project, &TraceFilter::default(), &Page::first(100))
            .await
            .expect("traces")
            .items;
        let runs: Vec<_> = traces
            .iter()
            .filter(|t| t.name.as_deref() == Some("support-agent"))
            .collect();
        assert_eq!(runs.len(), demo::CONVERSATIONS);
        assert_eq!(
            traces.len(),
            2 * demo::CONVERSATIONS,
            "a run and its eval each"
        );
        assert_eq!(runs.iter().filter(|t| t.has_error).count(), 1);
        let mut scores = Vec::new();
        for run in &runs {
            assert_eq!(run.environment.as_deref(), Some("demo"));
            // The generations' recorded costs, plus the embedding's priced by the server
            // (12 tokens: well under a millionth of a dollar).
            let cost = run.total_cost - (0.00141 + 0.00028);
            assert!(cost > 0.0 && cost < 1e-6, "{}", run.total_cost);
            assert!(run.end_time.expect("ended") > hour_ago, "moved to now");
            let run_scores = server
                .store
                .scores_of_trace(server.project, run.trace_id)
                .await
                .expect("scores");
            scores.extend(run_scores.iter().filter_map(|s| s.value));
        }
        scores.sort_by(f64::total_cmp);
        let expected = [0.42, 0.75, 0.8, 0.85];
        assert_eq!(scores.len(), expected.len());
        for (got, want) in scores.iter().zip(expected) {
            assert!((got - want).abs() < 1e-9, "{scores:?}");
        }
        server.stop().await;
    })
    .await;
}
