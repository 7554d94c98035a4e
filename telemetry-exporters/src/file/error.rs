//! Errors of the file exporter and the reader.

use std::path::PathBuf;

/// The file exporter could not start or write.
#[derive(Debug, thiserror::Error)]
pub enum FileExporterError {
    /// Creating the directory or a file, writing or syncing failed (unwritable directory,
    /// full disk, …).
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The writer thread could not be started.
    #[error("cannot start the file writer thread: {0}")]
    Thread(#[source] std::io::Error),
}

impl FileExporterError {
    pub(crate) fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
        source: std::io::Error,
    ) -> Self {
        FileExporterError::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

/// An event could not be read back.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// A file or directory could not be opened or listed.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A complete line is not a valid event.
    #[error("{path}:{line}: not a telemetry event: {source}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: u64,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
}
