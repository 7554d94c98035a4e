//! W3C Baggage: the key/value pairs of the `baggage` header.

use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

/// Most baggage entries kept and largest baggage header accepted (W3C limits).
const MAX_BAGGAGE_ENTRIES: usize = 180;
const MAX_BAGGAGE_BYTES: usize = 8192;

/// W3C Baggage: key/value pairs that travel with a trace across services.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baggage {
    entries: Vec<(String, String)>,
}

const BAGGAGE_ENCODE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b',')
    .add(b';')
    .add(b'\\')
    .add(b'%')
    .add(b'=');

impl Baggage {
    /// Empty baggage.
    pub fn new() -> Self {
        Baggage::default()
    }

    /// Sets `key` to `value`, replacing an earlier value.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<String>) {
        let key = key.into();
        let value = value.into();
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => self.entries.push((key, value)),
        }
    }

    /// This baggage with `key` set.
    pub fn with(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.insert(key, value);
        self
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// All entries, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Whether there is no entry.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Parses a `baggage` header; invalid members are skipped, properties ignored.
    pub fn parse(header: &str) -> Baggage {
        let mut baggage = Baggage::new();
        if header.len() > MAX_BAGGAGE_BYTES {
            return baggage;
        }
        for member in header.split(',').take(MAX_BAGGAGE_ENTRIES) {
            let pair = member.split(';').next().unwrap_or("");
            let Some((key, value)) = pair.split_once('=') else {
                continue;
            };
            let key = key.trim();
            if key.is_empty() || key.contains(|c: char| c.is_whitespace() || c == '"') {
                continue;
            }
            if let Ok(value) = percent_decode_str(value.trim()).decode_utf8() {
                baggage.insert(key, value.into_owned());
            }
        }
        baggage
    }

    /// The `baggage` header value.
    pub fn to_header(&self) -> String {
        self.entries
            .iter()
            .map(|(k, v)| format!("{k}={}", utf8_percent_encode(v, BAGGAGE_ENCODE)))
            .collect::<Vec<_>>()
            .join(",")
    }
}
