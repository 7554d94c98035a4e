//! The `max_data_size` limit.

use serde_json::{Value, json};
use telemetry_types::SpanRecord;

use super::{SpanProcessor, Verdict, for_each_value};

/// Truncates data values whose JSON is larger than a limit, leaving a visible marker:
/// strings keep their first bytes and end with `…[truncated N bytes]`; objects and arrays
/// become `{"_truncated": true, "original_size": N, "preview": "<first bytes of the JSON>"}`.
#[derive(Debug, Clone, Copy)]
pub struct Truncate {
    max_bytes: usize,
}

impl Truncate {
    /// Limits each value to `max_bytes` of JSON.
    pub fn new(max_bytes: usize) -> Self {
        Truncate { max_bytes }
    }

    fn limit(&self, value: &mut Value) {
        match value {
            Value::String(s) if s.len() > self.max_bytes => {
                let cut = floor_char_boundary(s, self.max_bytes);
                let removed = s.len() - cut;
                s.truncate(cut);
                s.push_str(&format!("…[truncated {removed} bytes]"));
            }
            Value::Object(_) | Value::Array(_) => {
                let size = json_size(value);
                if size > self.max_bytes {
                    let text = value.to_string();
                    let cut = floor_char_boundary(&text, self.max_bytes);
                    *value = json!({
                        "_truncated": true,
                        "original_size": size,
                        "preview": &text[..cut],
                    });
                }
            }
            _ => {}
        }
    }
}

impl SpanProcessor for Truncate {
    fn name(&self) -> &str {
        "truncate"
    }

    fn process(&self, span: &mut SpanRecord) -> Verdict {
        for_each_value(span, |value| self.limit(value));
        if let Some(error) = &mut span.error {
            let mut message = Value::String(std::mem::take(&mut error.message));
            self.limit(&mut message);
            if let Value::String(s) = message {
                error.message = s;
            }
        }
        Verdict::Keep
    }
}

/// The largest index `<= at` on a char boundary of `s`.
fn floor_char_boundary(s: &str, at: usize) -> usize {
    let mut at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Serialized size of a JSON value, without building the string.
fn json_size(value: &Value) -> usize {
    struct Counter(usize);
    impl std::io::Write for Counter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut counter = Counter(0);
    let _ = serde_json::to_writer(&mut counter, value);
    counter.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_objects_get_visible_markers() {
        let t = Truncate::new(10);
        let mut s = Value::String("é".repeat(20));
        t.limit(&mut s);
        assert!(
            s.as_str().unwrap().ends_with("…[truncated 30 bytes]"),
            "{s}"
        );
        let mut o = json!({"k": "a long value here"});
        t.limit(&mut o);
        assert_eq!(o["_truncated"], true);
        assert_eq!(o["original_size"], 25);
        let mut small = json!({"a": 1});
        t.limit(&mut small);
        assert_eq!(small, json!({"a": 1}));
    }
}
