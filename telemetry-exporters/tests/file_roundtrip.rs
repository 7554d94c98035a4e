//! File exporter: events survive rotation and compression, in order, and old files are
//! deleted as configured.
#![cfg(feature = "zstd")]

use std::sync::Arc;
use std::time::Duration;

use telemetry_core::attrs::{LlmGeneration, ToolCall, Usage};
use telemetry_core::{
    SpanAttributes, SpanId, SpanRecord, SpanStatus, TelemetryEvent, TelemetryExporter, Timestamp,
    TraceId,
};
use telemetry_exporters::file::{Compression, EventReader, FileExporter, FileExporterConfig};

/// A small span (the round trips are about files, not attributes; one in ten is an LLM span
/// with usage so typed attributes go through too).
fn span_event(i: u64) -> TelemetryEvent {
    let attributes = if i.is_multiple_of(10) {
        let mut llm = SpanAttributes::from(LlmGeneration::new("gpt-4o", "openai"));
        if let Some(usage) = llm.usage_mut() {
            *usage = Usage::new(100 + i % 50, 20);
        }
        llm
    } else {
        SpanAttributes::from(ToolCall::named("search"))
    };
    let start = Timestamp::from_unix_nanos(1_700_000_000_000_000_000 + i * 1000);
    TelemetryEvent::SpanEnded {
        span: Arc::new(SpanRecord {
            trace_id: TraceId::random(),
            span_id: SpanId::from_bytes((i + 1).to_be_bytes()).expect("non-zero"),
            parent_span_id: None,
            name: format!("chat {i}").into(),
            service_name: "file-test".into(),
            attributes,
            input: None,
            output: None,
            metadata: Default::default(),
            start_time: start,
            end_time: Some(start.saturating_add(Duration::from_millis(3))),
            status: SpanStatus::Ok,
            error: None,
            errored_descendants: Vec::new(),
            events: Vec::new(),
            ended_by_drop: false,
            trace: Default::default(),
        }),
    }
}

fn span_number(event: &TelemetryEvent) -> u64 {
    event.span().expect("a span event").span_id.to_int() - 1
}

async fn write_and_read(compression: Compression, count: u64) {
    let dir = tempfile::tempdir().unwrap();
    let config = FileExporterConfig::new(dir.path())
        .compression(compression)
        .max_file_bytes(if matches!(compression, Compression::None) {
            512 << 10
        } else {
            256 << 10
        });
    let exporter = FileExporter::new(config).unwrap();
    for chunk in (0..count).collect::<Vec<_>>().chunks(4096) {
        let batch = chunk.iter().map(|i| span_event(*i)).collect();
        exporter.export_batch(batch).await.unwrap();
    }
    exporter.shutdown().await.unwrap();

    let stats = exporter.stats();
    assert_eq!(
        (stats.sent, stats.written, stats.failed, stats.dropped),
        (count, count, 0, 0)
    );
    assert!(stats.rotations >= 2, "expected rotations, got {stats:?}");

    let mut reader = EventReader::open(dir.path()).unwrap();
    let numbers: Vec<u64> = reader.by_ref().map(|e| span_number(&e.unwrap())).collect();
    assert!(reader.truncated().is_empty());
    assert_eq!(
        numbers,
        (0..count).collect::<Vec<_>>(),
        "events out of order or missing"
    );
    let files = std::fs::read_dir(dir.path()).unwrap().count() as u64;
    assert_eq!(files, stats.rotations + 1);
}

#[tokio::test]
async fn hundred_thousand_events_round_trip_through_zstd_rotation() {
    write_and_read(Compression::zstd(), 100_000).await;
}

#[tokio::test]
async fn gzip_rotation_round_trips() {
    write_and_read(Compression::Gzip { level: 1 }, 20_000).await;
}

#[tokio::test]
async fn plain_files_round_trip() {
    write_and_read(Compression::None, 10_000).await;
}

#[tokio::test]
async fn keeps_only_the_configured_number_of_rotated_files() {
    let dir = tempfile::tempdir().unwrap();
    let config = FileExporterConfig::new(dir.path())
        .max_file_bytes(32 << 10)
        .keep_rotated(2);
    let exporter = FileExporter::new(config).unwrap();
    for start in (0..5_000).step_by(100) {
        exporter
            .export_batch((start..start + 100).map(span_event).collect())
            .await
            .unwrap();
    }
    exporter.shutdown().await.unwrap();
    assert!(exporter.stats().rotations > 3);
    let files = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(files, 3, "two rotated files and the current one");
    let numbers: Vec<u64> = EventReader::open(dir.path())
        .unwrap()
        .map(|e| span_number(&e.unwrap()))
        .collect();
    assert_eq!(numbers.last(), Some(&4_999), "the newest events are kept");
    assert!(
        numbers.windows(2).all(|w| w[0] + 1 == w[1]),
        "kept files are contiguous"
    );
}

#[tokio::test]
async fn rotates_by_age_and_a_restart_continues_with_a_new_file() {
    let dir = tempfile::tempdir().unwrap();
    let config = FileExporterConfig::new(dir.path())
        .compression(Compression::gzip())
        .max_file_age(Duration::from_millis(50))
        .flush_interval(Duration::from_millis(10));
    let exporter = FileExporter::new(config.clone()).unwrap();
    exporter.export_batch(vec![span_event(0)]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    exporter.export_batch(vec![span_event(1)]).await.unwrap();
    exporter.shutdown().await.unwrap();
    assert!(exporter.stats().rotations >= 1);

    let again = FileExporter::new(config).unwrap();
    again.export_batch(vec![span_event(2)]).await.unwrap();
    again.shutdown().await.unwrap();
    let numbers: Vec<u64> = EventReader::open(dir.path())
        .unwrap()
        .map(|e| span_number(&e.unwrap()))
        .collect();
    assert_eq!(numbers, vec![0, 1, 2]);
}

#[tokio::test]
async fn works_behind_the_core_runtime() {
    use telemetry_core::Telemetry;
    let dir = tempfile::tempdir().unwrap();
    let exporter =
        FileExporter::new(FileExporterConfig::new(dir.path()).compression(Compression::zstd()))
            .unwrap();
    let telemetry = Telemetry::builder("file-core")
        .exporter(exporter.clone())
        .build()
        .unwrap();
    for i in 0..1_000 {
        telemetry
            .span(format!("tool {i}"), ToolCall::named("search"))
            .start()
            .end();
    }
    telemetry.shutdown().await.unwrap();
    let spans = EventReader::open(dir.path())
        .unwrap()
        .filter_map(|e| e.unwrap().span().filter(|_| true).cloned())
        .filter(|s| s.end_time.is_some())
        .count();
    assert_eq!(spans, 1_000);
    assert_eq!(exporter.stats().sent, exporter.stats().written);
}

#[tokio::test]
async fn a_compressed_stream_reads_back_without_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let config = FileExporterConfig::new(dir.path()).compression(Compression::zstd());
    let exporter = FileExporter::new(config).unwrap();
    exporter
        .export_batch((0..50).map(span_event).collect())
        .await
        .unwrap();
    exporter.shutdown().await.unwrap();
    let file = std::fs::read_dir(dir.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let upload = std::io::Cursor::new(std::fs::read(file).unwrap());
    let numbers: Vec<u64> = EventReader::from_reader(upload, "upload")
        .unwrap()
        .map(|e| span_number(&e.unwrap()))
        .collect();
    assert_eq!(numbers, (0..50).collect::<Vec<_>>());
}
