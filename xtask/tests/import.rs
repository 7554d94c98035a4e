//! `cargo xtask import`: rotated, compressed files written by the real file exporter go into
//! a store with exact counts; a second run writes nothing and changes no row.

mod common;

use std::path::Path;

use common::{code, text, xtask};
use telemetry_core::Telemetry;
use telemetry_core::attrs::{LlmGeneration, ToolCall};
use telemetry_exporters::file::{Compression, FileExporter, FileExporterConfig};
use xtask::compat::tables;
use xtask::db::ScratchDb;

const TRACES: usize = 150;

/// Writes `TRACES` traces of two spans with the file exporter: gzip, rotated every 4 KiB.
fn write_files(dir: &Path) -> usize {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let config = FileExporterConfig::new(dir)
            .compression(Compression::gzip())
            .max_file_bytes(4096);
        let telemetry = Telemetry::builder("import-test")
            .exporter(FileExporter::new(config).unwrap())
            .build()
            .unwrap();
        for i in 0..TRACES {
            let root = telemetry
                .span(format!("run {i}"), ToolCall::named("lookup"))
                .start();
            let child = telemetry
                .span("chat", LlmGeneration::new("gpt-4o", "openai"))
                .start();
            child.end();
            root.end();
            if i % 50 == 0 {
                telemetry.flush().await.unwrap();
            }
        }
        telemetry.shutdown().await.unwrap();
    });
    TRACES * 2
}

/// The four counts of the final line.
fn counts(out: &str) -> [u64; 4] {
    let line = out
        .lines()
        .find(|l| l.starts_with("events read:"))
        .expect("a final count");
    let numbers: Vec<u64> = line
        .split(", ")
        .map(|part| part.rsplit(' ').next().unwrap().parse().unwrap())
        .collect();
    numbers.try_into().unwrap()
}

fn rows(url: &str) -> tables::Snapshot {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = telemetry_store::Store::connect(url).await.unwrap();
        tables::snapshot(store.connection()).await.unwrap()
    })
}

#[test]
fn importing_twice_changes_nothing() {
    let files = tempfile::tempdir().unwrap();
    let spans = write_files(files.path());
    let rotated = std::fs::read_dir(files.path()).unwrap().count();
    assert!(rotated > 2, "the exporter rotated ({rotated} files)");
    std::fs::write(
        files.path().join("telemetry-0000099999.jsonl"),
        "not an event\n",
    )
    .unwrap();
    let db = ScratchDb::sqlite().unwrap();
    let dir = files.path().to_str().unwrap();
    let args = [
        "import",
        dir,
        "--database-url",
        &db.url,
        "--project",
        "imported",
        "--batch",
        "64",
    ];

    let first = xtask(&args);
    assert_eq!(code(&first), 0, "{}", text(&first));
    let [read, written, duplicates, rejects] = counts(&text(&first));
    assert!(read >= spans as u64, "{}", text(&first));
    assert_eq!(
        (written, duplicates, rejects),
        (spans as u64, 0, 1),
        "{}",
        text(&first)
    );
    let after_first = rows(&db.url);

    let second = xtask(&args);
    assert_eq!(code(&second), 0, "{}", text(&second));
    assert_eq!(
        counts(&text(&second)),
        [read, 0, spans as u64, 1],
        "{}",
        text(&second)
    );
    assert_eq!(rows(&db.url), after_first, "the second import changed rows");
}

#[test]
fn a_missing_path_exits_3_with_what_to_give() {
    let db = ScratchDb::sqlite().unwrap();
    let out = xtask(&["import", "/nonexistent/spans", "--database-url", &db.url]);
    assert_eq!(code(&out), 3, "{}", text(&out));
    assert!(
        text(&out).contains("give a file or a directory"),
        "{}",
        text(&out)
    );
}
