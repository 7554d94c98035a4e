//! File exporter: what a killed process leaves is readable, and I/O failures are errors.
#![cfg(feature = "zstd")]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use telemetry_core::attrs::ToolCall;
use telemetry_core::{
    SpanId, SpanRecord, SpanStatus, TelemetryEvent, TelemetryExporter, Timestamp, TraceId,
};
use telemetry_exporters::file::{
    Compression, EventReader, FileExporter, FileExporterConfig, FileExporterError,
};

const CHILD_DIR: &str = "FILE_EXPORTER_KILL_CHILD_DIR";
const FLUSHED: u64 = 5_000;

fn span_event(i: u64) -> TelemetryEvent {
    let start = Timestamp::from_unix_nanos(1_700_000_000_000_000_000 + i);
    TelemetryEvent::SpanEnded {
        span: Arc::new(SpanRecord {
            trace_id: TraceId::random(),
            span_id: SpanId::from_bytes((i + 1).to_be_bytes()).expect("non-zero"),
            parent_span_id: None,
            name: format!("tool {i}").into(),
            service_name: "kill-test".into(),
            attributes: ToolCall::named("search").into(),
            input: Some(serde_json::json!({ "query": "x".repeat(200) })),
            output: None,
            metadata: Default::default(),
            start_time: start,
            end_time: Some(start),
            status: SpanStatus::Ok,
            error: None,
            errored_descendants: Vec::new(),
            events: Vec::new(),
            ended_by_drop: false,
            trace: Default::default(),
        }),
    }
}

fn numbers(dir: &std::path::Path) -> (Vec<u64>, usize) {
    let mut reader = EventReader::open(dir).unwrap();
    let numbers = reader
        .by_ref()
        .map(|e| e.unwrap().span().unwrap().span_id.to_int() - 1)
        .collect();
    (numbers, reader.truncated().len())
}

/// In the child process: writes and flushes `FLUSHED` events, then keeps writing unflushed
/// ones until it is killed.
fn child(dir: &str) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let config = FileExporterConfig::new(dir)
            .compression(Compression::zstd())
            .max_file_bytes(8 << 10)
            .flush_interval(Duration::from_secs(3600));
        let exporter = FileExporter::new(config).unwrap();
        for start in (0..FLUSHED).step_by(500) {
            exporter
                .export_batch((start..start + 500).map(span_event).collect())
                .await
                .unwrap();
        }
        exporter.flush().await.unwrap();
        println!("flushed");
        for i in FLUSHED.. {
            exporter.export_batch(vec![span_event(i)]).await.unwrap();
            if i % 1000 == 0 {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        }
    });
}

#[test]
fn a_killed_process_leaves_every_flushed_event_readable() {
    if let Ok(dir) = std::env::var(CHILD_DIR) {
        return child(&dir);
    }
    let dir = tempfile::tempdir().unwrap();
    let mut process = Command::new(std::env::current_exe().unwrap())
        .args([
            "a_killed_process_leaves_every_flushed_event_readable",
            "--exact",
            "--nocapture",
        ])
        .env(CHILD_DIR, dir.path())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(process.stdout.take().unwrap());
    let flushed = stdout
        .lines()
        .map_while(Result::ok)
        .any(|line| line.contains("flushed"));
    std::thread::sleep(Duration::from_millis(200));
    process.kill().unwrap(); // SIGKILL: no destructor, no flush
    process.wait().unwrap();
    assert!(flushed, "the child never flushed");

    let (numbers, _truncated) = numbers(dir.path());
    assert!(
        numbers.len() as u64 >= FLUSHED,
        "only {} events readable",
        numbers.len()
    );
    assert!(
        numbers.iter().enumerate().all(|(i, n)| *n == i as u64),
        "events lost or reordered"
    );
    let files = std::fs::read_dir(dir.path()).unwrap().count();
    assert!(
        files > 2,
        "the test should cross rotations, saw {files} files"
    );
}

#[tokio::test]
async fn dropping_without_shutdown_keeps_what_was_flushed() {
    let dir = tempfile::tempdir().unwrap();
    let config = FileExporterConfig::new(dir.path())
        .compression(Compression::gzip())
        .flush_interval(Duration::from_secs(3600));
    let exporter = FileExporter::new(config).unwrap();
    exporter
        .export_batch((0..100).map(span_event).collect())
        .await
        .unwrap();
    exporter.flush().await.unwrap();
    exporter
        .export_batch((100..150).map(span_event).collect())
        .await
        .unwrap();
    drop(exporter);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (numbers, truncated) = numbers(dir.path());
    assert_eq!(truncated, 0);
    assert!(numbers.len() >= 100);
    assert!(numbers.iter().enumerate().all(|(i, n)| *n == i as u64));
}

#[test]
fn an_unwritable_directory_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, b"not a directory").unwrap();
    let error = FileExporter::new(FileExporterConfig::new(blocker.join("spans")))
        .expect_err("a file in the way must be an error");
    assert!(matches!(error, FileExporterError::Io { .. }), "{error}");
    assert!(error.to_string().contains("a-file"), "{error}");
}

#[tokio::test]
async fn a_file_removed_under_the_writer_is_reported_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let exporter =
        FileExporter::new(FileExporterConfig::new(dir.path()).max_file_bytes(1)).unwrap();
    std::fs::remove_dir_all(dir.path()).unwrap();
    // The current file is still open (unlinked); rotation must create a new one and fail.
    exporter
        .export_batch((0..10).map(span_event).collect())
        .await
        .unwrap();
    exporter
        .export_batch((10..20).map(span_event).collect())
        .await
        .unwrap();
    let result = exporter.flush().await;
    let stats = exporter.stats();
    assert!(result.is_err(), "a lost batch must be reported");
    assert_eq!(
        stats.sent,
        stats.written + stats.failed + stats.dropped,
        "{stats:?}"
    );
    assert!(stats.failed > 0, "{stats:?}");
}

#[tokio::test]
async fn a_file_cut_anywhere_reads_back_a_prefix_without_error() {
    for compression in [Compression::None, Compression::gzip(), Compression::zstd()] {
        let dir = tempfile::tempdir().unwrap();
        let exporter = FileExporter::new(
            FileExporterConfig::new(dir.path())
                .compression(compression)
                .prefix("cut"),
        )
        .unwrap();
        for start in (0..300).step_by(100) {
            exporter
                .export_batch((start..start + 100).map(span_event).collect())
                .await
                .unwrap();
            exporter.flush().await.unwrap(); // one frame per flush
        }
        exporter.shutdown().await.unwrap();
        let file = std::fs::read_dir(dir.path())
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let bytes = std::fs::read(&file).unwrap();
        let cut_path = dir.path().join("copy.jsonl.bin");
        for cut in (0..bytes.len()).step_by(bytes.len() / 37 + 1) {
            std::fs::write(&cut_path, &bytes[..cut]).unwrap();
            let read: Vec<u64> = EventReader::open(&cut_path)
                .unwrap()
                .map(|e| {
                    e.expect("a cut is not an error")
                        .span()
                        .unwrap()
                        .span_id
                        .to_int()
                        - 1
                })
                .collect();
            assert!(
                read.iter().enumerate().all(|(i, n)| *n == i as u64),
                "{compression:?} cut at {cut}"
            );
        }
        std::fs::write(&cut_path, &bytes).unwrap();
        assert_eq!(EventReader::open(&cut_path).unwrap().count(), 300);
    }
}

/// A 64 KiB tmpfs mounted for the test and unmounted when dropped.
struct TinyDisk(std::path::PathBuf);

impl TinyDisk {
    /// `None` where mounting is not allowed (not root, or no mount namespace rights).
    fn mount(dir: &std::path::Path) -> Option<TinyDisk> {
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
            .arg(dir)
            .stderr(Stdio::null())
            .status()
            .ok()?;
        status.success().then(|| TinyDisk(dir.to_owned()))
    }
}

impl Drop for TinyDisk {
    fn drop(&mut self) {
        // Lazy: detaches even if the writer thread still holds the file open.
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[tokio::test]
async fn a_full_disk_is_reported_with_the_exact_count_and_no_panic() {
    let dir = tempfile::tempdir().unwrap();
    let Some(_disk) = TinyDisk::mount(dir.path()) else {
        eprintln!(
            "SKIPPED: cannot mount a tmpfs here (needs root); the full-disk path is unit-tested in sink.rs"
        );
        return;
    };
    let exporter = FileExporter::new(FileExporterConfig::new(dir.path())).unwrap();
    for start in (0..2_000).step_by(200) {
        exporter
            .export_batch((start..start + 200).map(span_event).collect())
            .await
            .unwrap();
    }
    let result = exporter.flush().await;
    let stats = exporter.stats();
    assert_eq!(stats.sent, 2_000);
    assert_eq!(
        stats.sent,
        stats.written + stats.failed + stats.dropped,
        "{stats:?}"
    );
    assert!(stats.failed > 0, "{stats:?}");
    match result {
        Err(telemetry_core::ExportError::Lost {
            failed, message, ..
        }) => {
            assert_eq!(failed, stats.failed);
            assert!(message.contains("No space left"), "{message}");
        }
        other => panic!("a full disk must be reported, got {other:?}"),
    }
    // What reached the disk is still an in-order prefix.
    let (numbers, _) = numbers(dir.path());
    assert!(numbers.iter().enumerate().all(|(i, n)| *n == i as u64));
    let _ = exporter.shutdown().await;
}
