//! File names of the exporter: `{prefix}-{sequence:010}{extension}`, so that sorting by
//! sequence is sorting by age.

use std::path::{Path, PathBuf};

const EXTENSIONS: [&str; 3] = [".jsonl.zst", ".jsonl.gz", ".jsonl"];

/// The name of file number `sequence`.
pub(crate) fn file_name(prefix: &str, sequence: u64, extension: &str) -> String {
    format!("{prefix}-{sequence:010}{extension}")
}

/// `(prefix, sequence)` of one of our file names, `None` for any other name.
pub(crate) fn parse(name: &str) -> Option<(&str, u64)> {
    let stem = EXTENSIONS.iter().find_map(|ext| name.strip_suffix(ext))?;
    let (prefix, sequence) = stem.rsplit_once('-')?;
    if sequence.len() < 10 || !sequence.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((prefix, sequence.parse().ok()?))
}

/// Our files in `directory`, oldest first; with `prefix`, only that prefix's.
pub(crate) fn list(directory: &Path, prefix: Option<&str>) -> std::io::Result<Vec<(u64, PathBuf)>> {
    let mut files: Vec<(String, u64, PathBuf)> = Vec::new();
    for entry in std::fs::read_dir(directory)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some((p, sequence)) = name.to_str().and_then(parse) else {
            continue;
        };
        if prefix.is_none_or(|wanted| wanted == p) {
            files.push((p.to_owned(), sequence, entry.path()));
        }
    }
    files.sort();
    Ok(files.into_iter().map(|(_, s, p)| (s, p)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_sort() {
        let name = file_name("spans-a", 42, ".jsonl.zst");
        assert_eq!(name, "spans-a-0000000042.jsonl.zst");
        assert_eq!(parse(&name), Some(("spans-a", 42)));
        assert_eq!(parse("spans-42.jsonl"), None);
        assert_eq!(parse("notes.txt"), None);
        assert!(file_name("p", 9, ".jsonl") < file_name("p", 10, ".jsonl"));
    }
}
