//! Streams events back from one file or a directory of rotated files, oldest first.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use telemetry_types::TelemetryEvent;

use super::error::ReadError;
use super::naming;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
#[cfg(feature = "zstd")]
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

/// An iterator over the events of a file or of a directory of rotated files, in the order
/// they were written. Compression is detected from the content, not the name.
///
/// A file whose end was cut off (a process killed before its last flush) is read up to its
/// last complete line; the cut is not an error, and [`truncated`](Self::truncated) lists such
/// files. A complete line that is not an event yields [`ReadError::Parse`] and reading goes
/// on.
///
/// ```no_run
/// use telemetry_exporters::file::EventReader;
///
/// # fn run() -> Result<(), telemetry_exporters::file::ReadError> {
/// for event in EventReader::open("./spans")? {
///     let event = event?;
///     println!("{:?}", event.kind());
/// }
/// # Ok(()) }
/// ```
pub struct EventReader {
    files: VecDeque<PathBuf>,
    current: Option<FileLines>,
    truncated: Vec<PathBuf>,
}

impl std::fmt::Debug for EventReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventReader")
            .field("current", &self.current.as_ref().map(|c| &c.path))
            .field("files_left", &self.files)
            .field("truncated", &self.truncated)
            .finish()
    }
}

struct FileLines {
    path: PathBuf,
    reader: Box<dyn BufRead + Send>,
    line: u64,
    buffer: Vec<u8>,
}

impl EventReader {
    /// Reads `path`: one file (of any name), or every exporter file in a directory, in
    /// rotation order (by prefix, then sequence number).
    ///
    /// # Errors
    /// [`ReadError::Io`] when `path` cannot be listed.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, ReadError> {
        let path = path.as_ref();
        let io = |source| ReadError::Io {
            path: path.to_owned(),
            source,
        };
        let files = if std::fs::metadata(path).map_err(io)?.is_dir() {
            naming::list(path, None)
                .map_err(io)?
                .into_iter()
                .map(|(_, p)| p)
                .collect()
        } else {
            VecDeque::from([path.to_owned()])
        };
        Ok(EventReader {
            files,
            current: None,
            truncated: Vec::new(),
        })
    }

    /// Reads events from any byte stream in the file format (an upload, a pipe), plain or
    /// compressed; `name` stands for it in errors and in [`truncated`](Self::truncated).
    ///
    /// # Errors
    /// [`ReadError::Io`] when the first bytes cannot be read.
    ///
    /// ```
    /// use telemetry_exporters::file::EventReader;
    ///
    /// let body: &'static [u8] = b"";
    /// let events: Vec<_> = EventReader::from_reader(body, "upload").unwrap().collect();
    /// assert!(events.is_empty());
    /// ```
    pub fn from_reader(
        input: impl Read + Send + 'static,
        name: impl Into<PathBuf>,
    ) -> Result<Self, ReadError> {
        let path = name.into();
        let reader = decoded(input).map_err(|source| ReadError::Io {
            path: path.clone(),
            source,
        })?;
        Ok(EventReader {
            files: VecDeque::new(),
            current: Some(FileLines {
                path,
                reader,
                line: 0,
                buffer: Vec::with_capacity(1024),
            }),
            truncated: Vec::new(),
        })
    }

    /// Files found cut off so far (read up to their last complete line).
    pub fn truncated(&self) -> &[PathBuf] {
        &self.truncated
    }

    fn next_file(&mut self) -> Option<Result<(), ReadError>> {
        let path = self.files.pop_front()?;
        Some(open_decoded(&path).map(|reader| {
            self.current = Some(FileLines {
                path,
                reader,
                line: 0,
                buffer: Vec::with_capacity(1024),
            });
        }))
    }
}

/// Opens `path` with the decoder its first bytes call for.
fn open_decoded(path: &Path) -> Result<Box<dyn BufRead + Send>, ReadError> {
    let file = File::open(path).map_err(|source| ReadError::Io {
        path: path.to_owned(),
        source,
    })?;
    decoded(file).map_err(|source| ReadError::Io {
        path: path.to_owned(),
        source,
    })
}

/// Wraps `input` in the decoder its first bytes call for (gzip, zstd, or none).
fn decoded(input: impl Read + Send + 'static) -> std::io::Result<Box<dyn BufRead + Send>> {
    let mut raw = BufReader::with_capacity(256 << 10, input);
    let head = raw.fill_buf()?;
    if head.starts_with(&GZIP_MAGIC) {
        let decoder = flate2::bufread::MultiGzDecoder::new(raw);
        return Ok(Box::new(BufReader::with_capacity(256 << 10, decoder)));
    }
    #[cfg(feature = "zstd")]
    if head.starts_with(&ZSTD_MAGIC) {
        let decoder = zstd::stream::read::Decoder::with_buffer(raw)?;
        return Ok(Box::new(BufReader::with_capacity(256 << 10, decoder)));
    }
    Ok(Box::new(raw))
}

/// One step of reading a file.
enum Step {
    Event(Result<TelemetryEvent, ReadError>),
    /// The file ended; `true` when it was cut off.
    End(bool),
}

impl FileLines {
    fn step(&mut self) -> Step {
        self.buffer.clear();
        match read_line(&mut *self.reader, &mut self.buffer) {
            Ok(0) => Step::End(false),
            Ok(_) if self.buffer.last() != Some(&b'\n') => Step::End(true),
            Ok(_) => {
                self.line += 1;
                let parsed =
                    serde_json::from_slice(&self.buffer).map_err(|source| ReadError::Parse {
                        path: self.path.clone(),
                        line: self.line,
                        source,
                    });
                Step::Event(parsed)
            }
            Err(_) => Step::End(true),
        }
    }
}

fn read_line(reader: &mut dyn BufRead, buffer: &mut Vec<u8>) -> std::io::Result<usize> {
    reader.read_until(b'\n', buffer)
}

impl Iterator for EventReader {
    type Item = Result<TelemetryEvent, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let Some(file) = self.current.as_mut() else {
                match self.next_file()? {
                    Ok(()) => continue,
                    Err(e) => return Some(Err(e)),
                }
            };
            match file.step() {
                Step::Event(event) => return Some(event),
                Step::End(cut) => {
                    if cut {
                        self.truncated.push(file.path.clone());
                    }
                    self.current = None;
                }
            }
        }
    }
}

/// Reads every event of `path` (a file or a directory) into memory; see [`EventReader`].
///
/// # Errors
/// The first [`ReadError`] met.
///
/// ```no_run
/// let events = telemetry_exporters::file::read_all("./spans").unwrap();
/// println!("{} events", events.len());
/// ```
pub fn read_all(path: impl AsRef<Path>) -> Result<Vec<TelemetryEvent>, ReadError> {
    EventReader::open(path)?.collect()
}
