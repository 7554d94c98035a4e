//! A small builder for a span's attribute list that skips absent values.

use opentelemetry_proto::tonic::common::v1::{KeyValue, any_value::Value as Av};
use serde_json::Value;

use crate::value;

/// Collects attributes; every method ignores `None`.
pub(crate) struct AttrWriter {
    pub(crate) out: Vec<KeyValue>,
}

impl AttrWriter {
    pub(crate) fn with_capacity(n: usize) -> Self {
        AttrWriter {
            out: Vec::with_capacity(n),
        }
    }

    pub(crate) fn raw(&mut self, key: &str, value: Av) {
        self.out.push(value::kv(key, value));
    }

    pub(crate) fn str(&mut self, key: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.raw(key, value::string(v));
        }
    }

    pub(crate) fn u64(&mut self, key: &str, value: Option<u64>) {
        if let Some(v) = value {
            self.raw(key, value::int(v));
        }
    }

    pub(crate) fn u32(&mut self, key: &str, value: Option<u32>) {
        self.u64(key, value.map(u64::from));
    }

    pub(crate) fn i64(&mut self, key: &str, value: Option<i64>) {
        if let Some(v) = value {
            self.raw(key, Av::IntValue(v));
        }
    }

    pub(crate) fn f64(&mut self, key: &str, value: Option<f64>) {
        if let Some(v) = value {
            self.raw(key, Av::DoubleValue(v));
        }
    }

    pub(crate) fn bool(&mut self, key: &str, value: Option<bool>) {
        if let Some(v) = value {
            self.raw(key, Av::BoolValue(v));
        }
    }

    /// A string array, skipped when empty.
    pub(crate) fn strs<S: AsRef<str>>(&mut self, key: &str, values: &[S]) {
        if !values.is_empty() {
            self.raw(key, value::string_array(values));
        }
    }

    /// A value serialized as JSON text.
    pub(crate) fn json<T: serde::Serialize + ?Sized>(&mut self, key: &str, value: Option<&T>) {
        if let Some(text) = value.and_then(|v| serde_json::to_string(v).ok()) {
            self.raw(key, Av::StringValue(text));
        }
    }

    /// A JSON value as a native OTLP value (objects become key/value lists).
    pub(crate) fn native(&mut self, key: String, value: &Value) {
        self.out.push(KeyValue {
            key,
            value: Some(value::from_json(value)),
            ..Default::default()
        });
    }
}
