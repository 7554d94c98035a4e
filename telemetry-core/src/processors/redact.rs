//! The sensitive-data filter, on by default.

use serde_json::{Map, Value};
use telemetry_types::SpanRecord;

use super::{SpanProcessor, Verdict, for_each_value};

/// The value that replaces redacted data.
pub const REDACTED: &str = "[REDACTED]";

/// Key fragments that mark a value as sensitive wherever they appear in a key.
const CONTAINS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "apikey",
    "authorization",
    "bearer",
    "jwt",
    "credential",
    "privatekey",
    "cookie",
];
/// Key endings that mark a value as sensitive (`access_token`, `refreshToken`), chosen so that
/// token counts such as `max_tokens` or `input_tokens` stay visible.
const ENDS_WITH: &[&str] = &["token"];
/// Keys that are sensitive only as a whole word.
const EXACT: &[&str] = &["ssn", "auth"];

/// Replaces the values of sensitive keys with [`REDACTED`]: keys like password, token, secret,
/// api key, authorization, bearer, jwt, credential, client secret, private key, refresh token
/// and ssn, matched ignoring case and separators (`API-Key`, `api_key`, `apiKey`), in nested
/// JSON, in JSON held in strings, and in input, output, metadata, attributes, events and error.
/// String values that carry a bearer token (`"Bearer …"`) are redacted too.
#[derive(Debug, Clone, Default)]
pub struct SensitiveDataFilter {
    extra_keys: Vec<String>,
}

impl SensitiveDataFilter {
    /// The filter with the built-in keys.
    pub fn new() -> Self {
        SensitiveDataFilter::default()
    }

    /// Also redacts keys containing any of `keys` (matched ignoring case and separators).
    pub fn with_keys<I: IntoIterator<Item = S>, S: AsRef<str>>(mut self, keys: I) -> Self {
        self.extra_keys
            .extend(keys.into_iter().map(|k| normalize(k.as_ref())));
        self
    }

    /// Whether a key names sensitive data.
    pub fn is_sensitive_key(&self, key: &str) -> bool {
        let key = normalize(key);
        CONTAINS.iter().any(|p| key.contains(p))
            || ENDS_WITH.iter().any(|p| key.ends_with(p))
            || EXACT.contains(&key.as_str())
            || self.extra_keys.iter().any(|p| key.contains(p.as_str()))
    }

    fn redact(&self, value: &mut Value) {
        match value {
            Value::Object(map) => self.redact_map(map),
            Value::Array(items) => items.iter_mut().for_each(|v| self.redact(v)),
            Value::String(s) => self.redact_string(s),
            _ => {}
        }
    }

    fn redact_map(&self, map: &mut Map<String, Value>) {
        for (key, value) in map.iter_mut() {
            if self.is_sensitive_key(key) {
                *value = Value::String(REDACTED.to_owned());
            } else {
                self.redact(value);
            }
        }
    }

    /// Redacts bearer tokens and sensitive keys inside JSON held in a string.
    fn redact_string(&self, s: &mut String) {
        let trimmed = s.trim_start();
        if trimmed.len() > 7 && trimmed[..7].eq_ignore_ascii_case("bearer ") {
            *s = REDACTED.to_owned();
            return;
        }
        if !(trimmed.starts_with('{') || trimmed.starts_with('[')) {
            return;
        }
        if let Ok(mut nested) = serde_json::from_str::<Value>(s) {
            let before = nested.clone();
            self.redact(&mut nested);
            if nested != before {
                *s = nested.to_string();
            }
        }
    }
}

/// Lowercase with separators (`_`, `-`, `.`, space) removed.
fn normalize(key: &str) -> String {
    key.chars()
        .filter(|c| !matches!(c, '_' | '-' | '.' | ' '))
        .flat_map(char::to_lowercase)
        .collect()
}

impl SpanProcessor for SensitiveDataFilter {
    fn name(&self) -> &str {
        "sensitive-data-filter"
    }

    fn process(&self, span: &mut SpanRecord) -> Verdict {
        // Top-level keys of maps that hold data directly; for_each_value sees only their values.
        self.redact_map(&mut span.metadata);
        if let telemetry_types::SpanAttributes::Generic(generic) = &mut span.attributes {
            self.redact_map(&mut generic.fields);
        }
        for event in &mut span.events {
            self.redact_map(&mut event.attributes);
        }
        for_each_value(span, |value| self.redact(value));
        if let Some(error) = &mut span.error {
            self.redact_string(&mut error.message);
            error
                .source_chain
                .iter_mut()
                .for_each(|s| self.redact_string(s));
        }
        Verdict::Keep
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn matches_keys_ignoring_case_and_separators() {
        let f = SensitiveDataFilter::new();
        for key in [
            "password",
            "API-Key",
            "apiKey",
            "x_api_key",
            "Authorization",
            "bearer_token",
            "JWT",
            "aws_credentials",
            "client_secret",
            "PRIVATE_KEY",
            "refreshToken",
            "SSN",
            "access.token",
        ] {
            assert!(f.is_sensitive_key(key), "{key}");
        }
        for key in [
            "max_tokens",
            "input_tokens",
            "model",
            "session_id",
            "classname",
            "tokenizer",
        ] {
            assert!(!f.is_sensitive_key(key), "{key}");
        }
    }

    #[test]
    fn redacts_nested_and_json_in_strings() {
        let f = SensitiveDataFilter::new();
        let mut v = json!({
            "user": {"name": "a", "Password": "p"},
            "list": [{"api_key": "k"}],
            "raw": "{\"token\":\"t\",\"x\":1}",
            "header": "Bearer abc.def",
            "max_tokens": 10
        });
        f.redact(&mut v);
        assert_eq!(v["user"]["Password"], REDACTED);
        assert_eq!(v["user"]["name"], "a");
        assert_eq!(v["list"][0]["api_key"], REDACTED);
        assert_eq!(v["raw"], "{\"token\":\"[REDACTED]\",\"x\":1}");
        assert_eq!(v["header"], REDACTED);
        assert_eq!(v["max_tokens"], 10);
    }
}
