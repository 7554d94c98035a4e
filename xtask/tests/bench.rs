//! `cargo xtask bench --compare`: a figure worse than a saved run by more than the threshold
//! is flagged and the exit code is 1; within the threshold it passes.

mod common;

use common::{code, text, xtask};
use xtask::bench::report::{self, Run};

/// Runs the store-ingest scenario on a few spans, writing results under `out`.
fn bench(out: &std::path::Path, compare: Option<&std::path::Path>) -> std::process::Output {
    let mut args = vec![
        "bench",
        "store_ingest",
        "--spans",
        "300",
        "--out",
        out.to_str().unwrap(),
    ];
    if let Some(saved) = compare {
        args.extend(["--compare", saved.to_str().unwrap(), "--threshold", "25"]);
    }
    xtask(&args)
}

#[test]
fn compare_flags_a_regression() {
    let out = tempfile::tempdir().unwrap();
    let first = bench(out.path(), None);
    assert_eq!(code(&first), 0, "{}", text(&first));
    let latest = out.path().join("latest.json");
    let mut saved: Run = report::load(&latest).unwrap();
    assert_eq!(saved.figures[0].metric, "spans_per_sec");

    // A saved run ten times faster than anything this one can do: a regression.
    saved.figures[0].value *= 10.0;
    let faster = out.path().join("faster.json");
    std::fs::write(&faster, serde_json::to_string(&saved).unwrap()).unwrap();
    let run = bench(out.path(), Some(&faster));
    assert_eq!(code(&run), 1, "{}", text(&run));
    assert!(text(&run).contains("REGRESSION"), "{}", text(&run));
    assert!(
        text(&run).contains("store_ingest spans_per_sec"),
        "{}",
        text(&run)
    );

    // A saved run ten times slower: no regression.
    saved.figures[0].value /= 100.0;
    std::fs::write(&faster, serde_json::to_string(&saved).unwrap()).unwrap();
    let run = bench(out.path(), Some(&faster));
    assert_eq!(code(&run), 0, "{}", text(&run));
}

#[test]
fn regressions_respect_the_direction_of_each_figure() {
    let saved = Run {
        profile: "release".into(),
        spans: 1,
        figures: vec![
            report::Figure::higher("s", "spans_per_sec", 100.0, "spans/s", ""),
            report::Figure::lower("s", "ms", 10.0, "ms", ""),
        ],
    };
    let mut now = saved.clone();
    now.figures[0].value = 95.0; // 5% slower: under the threshold
    now.figures[1].value = 13.0; // 30% longer: flagged
    let flagged = report::regressions(&now, &saved, 10.0);
    assert_eq!(flagged.len(), 1, "{flagged:?}");
    assert!(flagged[0].starts_with("s ms:"), "{flagged:?}");
}
