//! One output file and its compressor, written as a sequence of complete frames.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use flate2::write::GzEncoder;

use super::config::Compression;

/// The file under the encoder, counting the bytes that reach it.
#[derive(Debug)]
pub(crate) struct CountingFile {
    file: File,
    written: u64,
}

impl Write for CountingFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// The state of the file: between frames, or inside one.
enum Frame<W: Write> {
    Idle(W),
    Plain(BufWriter<W>),
    Gzip(GzEncoder<W>),
    #[cfg(feature = "zstd")]
    Zstd(zstd::stream::write::Encoder<'static, W>),
    /// A write failed in the middle of a frame; the file takes no more data.
    Broken,
}

/// A writer that ends a compressed frame (or gzip member) on [`end_frame`](Self::end_frame),
/// so whatever was written before it can be decoded on its own.
pub(crate) struct FramedWriter<W: Write> {
    frame: Frame<W>,
    compression: Compression,
}

impl<W: Write> FramedWriter<W> {
    pub(crate) fn new(inner: W, compression: Compression) -> Self {
        FramedWriter {
            frame: Frame::Idle(inner),
            compression,
        }
    }

    /// Writes `bytes` into the current frame, starting one if needed.
    pub(crate) fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        if matches!(self.frame, Frame::Idle(_)) {
            self.start_frame()?;
        }
        let result = match &mut self.frame {
            Frame::Plain(w) => w.write_all(bytes),
            Frame::Gzip(w) => w.write_all(bytes),
            #[cfg(feature = "zstd")]
            Frame::Zstd(w) => w.write_all(bytes),
            Frame::Idle(_) | Frame::Broken => Err(broken()),
        };
        if result.is_err() {
            self.frame = Frame::Broken;
        }
        result
    }

    fn start_frame(&mut self) -> io::Result<()> {
        let Frame::Idle(inner) = std::mem::replace(&mut self.frame, Frame::Broken) else {
            return Err(broken());
        };
        self.frame = match self.compression {
            Compression::None => Frame::Plain(BufWriter::with_capacity(256 << 10, inner)),
            Compression::Gzip { level } => Frame::Gzip(GzEncoder::new(
                inner,
                flate2::Compression::new(level.min(9)),
            )),
            #[cfg(feature = "zstd")]
            Compression::Zstd { level } => {
                Frame::Zstd(zstd::stream::write::Encoder::new(inner, level)?)
            }
        };
        Ok(())
    }

    /// Ends the current frame, if any, and hands its bytes to the inner writer.
    pub(crate) fn end_frame(&mut self) -> io::Result<()> {
        let frame = std::mem::replace(&mut self.frame, Frame::Broken);
        let inner = match frame {
            Frame::Idle(inner) => Ok(inner),
            Frame::Plain(w) => w.into_inner().map_err(|e| e.into_error()),
            Frame::Gzip(w) => w.finish(),
            #[cfg(feature = "zstd")]
            Frame::Zstd(w) => w.finish(),
            Frame::Broken => Err(broken()),
        };
        let mut inner = inner?;
        inner.flush()?;
        self.frame = Frame::Idle(inner);
        Ok(())
    }

    /// The inner writer, when between frames.
    pub(crate) fn inner(&self) -> Option<&W> {
        match &self.frame {
            Frame::Idle(inner) => Some(inner),
            Frame::Plain(w) => Some(w.get_ref()),
            Frame::Gzip(w) => Some(w.get_ref()),
            #[cfg(feature = "zstd")]
            Frame::Zstd(w) => Some(w.get_ref()),
            Frame::Broken => None,
        }
    }

    /// Bytes held in a plain file's buffer (compressors' buffers are not counted).
    pub(crate) fn buffered(&self) -> usize {
        match &self.frame {
            Frame::Plain(w) => w.buffer().len(),
            _ => 0,
        }
    }

    /// Whether a frame is open (data written since the last [`end_frame`](Self::end_frame)).
    pub(crate) fn in_frame(&self) -> bool {
        !matches!(self.frame, Frame::Idle(_))
    }
}

fn broken() -> io::Error {
    io::Error::other("an earlier write to this file failed")
}

/// The current output file.
pub(crate) struct Sink {
    pub(crate) path: PathBuf,
    writer: FramedWriter<CountingFile>,
    opened: Instant,
    /// Lines written since the file was opened.
    pub(crate) lines: u64,
}

impl Sink {
    /// Creates `path` (which must not exist) for writing.
    pub(crate) fn create(path: &Path, compression: Compression) -> io::Result<Sink> {
        let file = OpenOptions::new().write(true).create_new(true).open(path)?;
        let inner = CountingFile { file, written: 0 };
        Ok(Sink {
            path: path.to_owned(),
            writer: FramedWriter::new(inner, compression),
            opened: Instant::now(),
            lines: 0,
        })
    }

    /// Appends complete JSON lines.
    pub(crate) fn write_lines(&mut self, bytes: &[u8], lines: u64) -> io::Result<()> {
        self.writer.write_all(bytes)?;
        self.lines += lines;
        Ok(())
    }

    /// Ends the current frame so everything written so far reaches the OS.
    pub(crate) fn end_frame(&mut self) -> io::Result<()> {
        self.writer.end_frame()
    }

    /// Ends the frame and waits until the file's data is on disk.
    pub(crate) fn sync(&mut self) -> io::Result<()> {
        self.writer.end_frame()?;
        match self.writer.inner() {
            Some(inner) => inner.file.sync_data(),
            None => Err(broken()),
        }
    }

    /// Bytes on disk (not counting what the compressor still holds).
    pub(crate) fn disk_bytes(&self) -> u64 {
        self.writer.inner().map_or(0, |inner| inner.written)
    }

    /// Size of the file once buffers are written (a compressor's pending output excepted).
    pub(crate) fn size(&self) -> u64 {
        self.disk_bytes() + self.writer.buffered() as u64
    }

    /// Time since the file was created.
    pub(crate) fn age(&self) -> std::time::Duration {
        self.opened.elapsed()
    }

    /// Whether lines were written since the last end of frame.
    pub(crate) fn dirty(&self) -> bool {
        self.writer.in_frame()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer that accepts `room` bytes, then fails as a full disk does.
    struct FullDisk {
        room: usize,
    }

    impl Write for FullDisk {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(io::Error::from_raw_os_error(28));
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_full_disk_is_an_error_and_the_writer_stays_broken() {
        let mut w = FramedWriter::new(FullDisk { room: 10 }, Compression::gzip());
        let line = vec![b'x'; 100_000];
        let first = w.write_all(&line).and_then(|()| w.end_frame());
        assert!(first.is_err());
        assert!(w.write_all(b"more\n").is_err());
    }

    #[test]
    fn frames_concatenate_into_one_readable_stream() {
        let mut w = FramedWriter::new(Vec::new(), Compression::gzip());
        w.write_all(b"a\n").unwrap();
        w.end_frame().unwrap();
        w.write_all(b"b\n").unwrap();
        w.end_frame().unwrap();
        let bytes = w.inner().unwrap().clone();
        let mut out = String::new();
        std::io::Read::read_to_string(&mut flate2::read::MultiGzDecoder::new(&bytes[..]), &mut out)
            .unwrap();
        assert_eq!(out, "a\nb\n");
    }
}
