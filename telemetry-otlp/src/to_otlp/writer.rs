//! The attribute sink the mapping writes into, and its `KeyValue` form.
//!
//! The mapping (`typed.rs`, `content.rs`) is written once against [`AttrSink`]; the same calls
//! build `opentelemetry-proto` structs ([`AttrWriter`]) or protobuf bytes straight away
//! (`encode::ProtoAttrs`), so both outputs carry the same attributes in the same order.

use opentelemetry_proto::tonic::common::v1::{KeyValue, any_value::Value as Av};
use serde_json::Value;

use crate::value;

/// Where a span's attributes go; every optional method ignores `None`.
pub(crate) trait AttrSink {
    /// A string attribute.
    fn put_str(&mut self, key: &str, value: &str);
    /// An int attribute.
    fn put_i64(&mut self, key: &str, value: i64);
    /// A double attribute.
    fn put_f64(&mut self, key: &str, value: f64);
    /// A bool attribute.
    fn put_bool(&mut self, key: &str, value: bool);
    /// A string array, skipped when empty.
    fn strs<S: AsRef<str>>(&mut self, key: &str, values: &[S]);
    /// A value serialized as JSON text (skipped when it does not serialize).
    fn json<T: serde::Serialize + ?Sized>(&mut self, key: &str, value: Option<&T>);
    /// A JSON value as a native OTLP value (objects become key/value lists), under the key
    /// `prefix` + `key`.
    fn native(&mut self, prefix: &str, key: &str, value: &Value);

    fn str(&mut self, key: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.put_str(key, v);
        }
    }

    /// A `u64` as an OTLP int, saturating at `i64::MAX`.
    fn u64(&mut self, key: &str, value: Option<u64>) {
        if let Some(v) = value {
            self.put_i64(key, i64::try_from(v).unwrap_or(i64::MAX));
        }
    }

    fn u32(&mut self, key: &str, value: Option<u32>) {
        if let Some(v) = value {
            self.put_i64(key, i64::from(v));
        }
    }

    fn i64(&mut self, key: &str, value: Option<i64>) {
        if let Some(v) = value {
            self.put_i64(key, v);
        }
    }

    fn f64(&mut self, key: &str, value: Option<f64>) {
        if let Some(v) = value {
            self.put_f64(key, v);
        }
    }

    fn bool(&mut self, key: &str, value: Option<bool>) {
        if let Some(v) = value {
            self.put_bool(key, v);
        }
    }
}

/// Collects attributes as `opentelemetry-proto` key/values.
pub(crate) struct AttrWriter {
    pub(crate) out: Vec<KeyValue>,
}

impl AttrWriter {
    pub(crate) fn with_capacity(n: usize) -> Self {
        AttrWriter {
            out: Vec::with_capacity(n),
        }
    }

    fn raw(&mut self, key: &str, value: Av) {
        self.out.push(value::kv(key, value));
    }
}

impl AttrSink for AttrWriter {
    fn put_str(&mut self, key: &str, value: &str) {
        self.raw(key, value::string(value));
    }

    fn put_i64(&mut self, key: &str, value: i64) {
        self.raw(key, Av::IntValue(value));
    }

    fn put_f64(&mut self, key: &str, value: f64) {
        self.raw(key, Av::DoubleValue(value));
    }

    fn put_bool(&mut self, key: &str, value: bool) {
        self.raw(key, Av::BoolValue(value));
    }

    fn strs<S: AsRef<str>>(&mut self, key: &str, values: &[S]) {
        if !values.is_empty() {
            self.raw(key, value::string_array(values));
        }
    }

    fn json<T: serde::Serialize + ?Sized>(&mut self, key: &str, value: Option<&T>) {
        if let Some(text) = value.and_then(|v| serde_json::to_string(v).ok()) {
            self.raw(key, Av::StringValue(text));
        }
    }

    fn native(&mut self, prefix: &str, key: &str, value: &Value) {
        self.out.push(KeyValue {
            key: format!("{prefix}{key}"),
            value: Some(value::from_json(value)),
            ..Default::default()
        });
    }
}
