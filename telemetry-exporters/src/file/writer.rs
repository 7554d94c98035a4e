//! The background writer thread: writes batches of JSON lines, ends frames, rotates and
//! deletes old files.

use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError};
use tokio::sync::oneshot;

use super::config::FileExporterConfig;
use super::error::FileExporterError;
use super::naming;
use super::sink::Sink;
use super::stats::Counters;

/// What failed since the last flush, reported by flush and shutdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub(crate) events: u64,
    pub(crate) message: String,
}

pub(crate) type Reply = oneshot::Sender<Result<(), Failure>>;

/// A message to the writer thread.
pub(crate) enum Message {
    /// Complete JSON lines and how many there are.
    Lines(Vec<u8>, u64),
    /// End the frame, fsync, answer.
    Flush(Reply),
    /// Flush, close the file and stop.
    Shutdown(Reply),
}

/// State of the writer thread.
pub(crate) struct Writer {
    config: FileExporterConfig,
    sink: Option<Sink>,
    next_sequence: u64,
    counters: Arc<Counters>,
    /// Lines written into the open frame, not yet confirmed.
    in_frame: u64,
    /// Size of the current file already added to the byte counter.
    counted_bytes: u64,
    last_frame_end: Instant,
    failure: Option<Failure>,
}

impl Writer {
    /// Creates the directory and the first file, so a bad directory is an error right away.
    pub(crate) fn open(
        config: FileExporterConfig,
        counters: Arc<Counters>,
    ) -> Result<Writer, FileExporterError> {
        let dir = &config.directory;
        std::fs::create_dir_all(dir)
            .map_err(|e| FileExporterError::io("cannot create directory", dir, e))?;
        let existing = naming::list(dir, Some(&config.prefix))
            .map_err(|e| FileExporterError::io("cannot list directory", dir, e))?;
        let next_sequence = existing.last().map_or(1, |(s, _)| s + 1);
        let mut writer = Writer {
            config,
            sink: None,
            next_sequence,
            counters,
            in_frame: 0,
            counted_bytes: 0,
            last_frame_end: Instant::now(),
            failure: None,
        };
        writer.open_next()?;
        Ok(writer)
    }

    fn open_next(&mut self) -> Result<(), FileExporterError> {
        let name = naming::file_name(
            &self.config.prefix,
            self.next_sequence,
            self.config.compression.extension(),
        );
        let path = self.config.directory.join(name);
        self.next_sequence += 1;
        let sink = Sink::create(&path, self.config.compression)
            .map_err(|e| FileExporterError::io("cannot create file", &path, e))?;
        self.sink = Some(sink);
        self.counted_bytes = 0;
        self.sync_directory();
        Ok(())
    }

    /// Makes the new file's name durable too (a machine crash, not only a killed process).
    fn sync_directory(&self) {
        let dir = &self.config.directory;
        if let Err(e) = std::fs::File::open(dir).and_then(|d| d.sync_all()) {
            tracing::debug!(exporter = %self.config.name, error = %e, "cannot fsync the directory");
        }
    }

    /// Runs until shutdown or until every sender is gone.
    pub(crate) fn run(mut self, rx: Receiver<Message>) {
        let tick = self
            .config
            .flush_interval
            .clamp(Duration::from_millis(10), Duration::from_secs(1));
        loop {
            match rx.recv_timeout(tick) {
                Ok(Message::Lines(bytes, count)) => self.write(&bytes, count),
                Ok(Message::Flush(reply)) => {
                    let _ = reply.send(self.flush());
                }
                Ok(Message::Shutdown(reply)) => {
                    let _ = reply.send(self.close());
                    return;
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    let _ = self.close();
                    return;
                }
            }
            self.housekeeping();
        }
    }

    fn write(&mut self, bytes: &[u8], count: u64) {
        if self.sink.is_none()
            && let Err(e) = self.open_next()
        {
            self.fail(count, &e.to_string());
            return;
        }
        let Some(sink) = self.sink.as_mut() else {
            return;
        };
        match sink.write_lines(bytes, count) {
            Ok(()) => {
                self.in_frame += count;
                self.count_bytes();
            }
            Err(e) => {
                let message = format!("cannot write {}: {e}", sink.path.display());
                let lost = self.abandon_file();
                self.fail(count + lost, &message);
            }
        }
    }

    /// Ends frames on time and rotates by size and age.
    fn housekeeping(&mut self) {
        let Some(sink) = self.sink.as_ref() else {
            return;
        };
        let too_big = sink.size() >= self.config.max_file_bytes;
        let too_old = sink.lines > 0
            && self
                .config
                .max_file_age
                .is_some_and(|age| sink.age() >= age);
        if too_big || too_old {
            self.rotate();
        } else if sink.dirty() && self.last_frame_end.elapsed() >= self.config.flush_interval {
            self.end_frame(false);
        }
    }

    /// Ends the open frame (and fsyncs with `sync`); counts its lines as written or failed.
    fn end_frame(&mut self, sync: bool) {
        let Some(sink) = self.sink.as_mut() else {
            return;
        };
        let result = if sync { sink.sync() } else { sink.end_frame() };
        self.last_frame_end = Instant::now();
        match result {
            Ok(()) => {
                self.count_bytes();
                self.counters
                    .written
                    .fetch_add(std::mem::take(&mut self.in_frame), Relaxed);
            }
            Err(e) => {
                let message = format!("cannot write {}: {e}", sink.path.display());
                let lost = self.abandon_file();
                self.fail(lost, &message);
            }
        }
    }

    /// Adds what reached the current file since the last count to the byte counter.
    fn count_bytes(&mut self) {
        if let Some(sink) = self.sink.as_ref() {
            let size = sink.disk_bytes();
            let grown = size.saturating_sub(self.counted_bytes);
            self.counters.bytes.fetch_add(grown, Relaxed);
            self.counted_bytes = size;
        }
    }

    /// Drops the current file after an error; returns the lines of its open frame, now lost.
    fn abandon_file(&mut self) -> u64 {
        self.sink = None;
        std::mem::take(&mut self.in_frame)
    }

    fn fail(&mut self, events: u64, message: &str) {
        self.counters.failed.fetch_add(events, Relaxed);
        match self.failure.as_mut() {
            Some(f) => f.events += events,
            None => {
                tracing::warn!(exporter = %self.config.name, error = message, "file export failed");
                self.failure = Some(Failure {
                    events,
                    message: message.to_owned(),
                });
            }
        }
    }

    /// Closes the current file complete and synced, opens the next, deletes old ones.
    fn rotate(&mut self) {
        self.end_frame(true);
        if self.sink.take().is_some() {
            self.counters.rotations.fetch_add(1, Relaxed);
        }
        if let Err(e) = self.open_next() {
            self.fail(0, &e.to_string());
        }
        self.delete_old_files();
    }

    fn delete_old_files(&mut self) {
        let Some(keep) = self.config.keep_rotated else {
            return;
        };
        let files = match naming::list(&self.config.directory, Some(&self.config.prefix)) {
            Ok(files) => files,
            Err(e) => {
                tracing::warn!(exporter = %self.config.name, error = %e, "cannot list files to delete");
                return;
            }
        };
        let current = self.sink.as_ref().map(|s| s.path.clone());
        let rotated: Vec<_> = files
            .into_iter()
            .filter(|(_, p)| Some(p) != current.as_ref())
            .collect();
        let excess = rotated.len().saturating_sub(keep);
        for (_, path) in &rotated[..excess] {
            if let Err(e) = std::fs::remove_file(path) {
                tracing::warn!(exporter = %self.config.name, path = %path.display(), error = %e, "cannot delete old file");
            }
        }
    }

    /// Ends the frame, fsyncs and reports what failed since the last flush.
    fn flush(&mut self) -> Result<(), Failure> {
        self.end_frame(true);
        self.failure.take().map_or(Ok(()), Err)
    }

    fn close(&mut self) -> Result<(), Failure> {
        let result = self.flush();
        self.sink = None;
        result
    }
}
