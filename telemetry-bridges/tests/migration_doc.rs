//! `docs/MIGRATION.md` shows the complete code of each guide: it must be exactly the example
//! compiled in `examples/`.

use std::path::Path;

const GUIDES: [&str; 4] = [
    "from_tracing_opentelemetry",
    "from_otel_sdk",
    "rig_langfuse",
    "parallel_then_switch",
];

#[test]
fn every_guide_shows_its_compiled_example_verbatim() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("../docs/MIGRATION.md")).expect("MIGRATION.md");
    for name in GUIDES {
        let code =
            std::fs::read_to_string(root.join(format!("examples/{name}.rs"))).expect("example");
        let block = format!("`telemetry-bridges/examples/{name}.rs`:\n\n```rust\n{code}```\n");
        assert!(
            doc.contains(&block),
            "docs/MIGRATION.md does not show examples/{name}.rs as it is"
        );
    }
}
