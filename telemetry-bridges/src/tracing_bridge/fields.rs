//! `tracing` field values as OTLP key/values (span fields) or JSON (event fields).

use std::fmt;

use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value::Value as Otlp};
use serde_json::{Map, Value};
use telemetry_core::SpanError;
use tracing::field::{Field, Visit};

/// Field names whose value is the span's error.
const ERROR_FIELDS: [&str; 2] = ["error", "exception.message"];

/// A span's fields as OTLP key/values (a later record of a key replaces the earlier value),
/// plus the structured error when one was recorded as a `dyn Error`.
#[derive(Default)]
pub(crate) struct SpanFields {
    pub(crate) values: Vec<KeyValue>,
    pub(crate) error: Option<SpanError>,
}

impl SpanFields {
    fn set(&mut self, key: &str, value: Otlp) {
        let value = Some(AnyValue { value: Some(value) });
        match self.values.iter_mut().find(|kv| kv.key == key) {
            Some(kv) => kv.value = value,
            None => self.values.push(KeyValue {
                key: key.to_owned(),
                value,
                ..Default::default()
            }),
        }
    }

    /// The string value of `key`, if any.
    pub(crate) fn string(&self, key: &str) -> Option<&str> {
        self.values.iter().find(|kv| kv.key == key).and_then(|kv| {
            match kv.value.as_ref()?.value.as_ref()? {
                Otlp::StringValue(s) => Some(s.as_str()),
                _ => None,
            }
        })
    }

    /// The span's error: one recorded as `dyn Error`, else an `error` field's text.
    pub(crate) fn take_error(&mut self) -> Option<SpanError> {
        self.error.take().or_else(|| {
            let message = ERROR_FIELDS.iter().find_map(|k| self.string(k))?;
            Some(SpanError::new(
                self.string("error.type").unwrap_or("error").to_owned(),
                message.to_owned(),
            ))
        })
    }
}

impl Visit for SpanFields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.set(field.name(), Otlp::StringValue(value.to_owned()));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.set(field.name(), Otlp::IntValue(value));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.set(
            field.name(),
            Otlp::IntValue(i64::try_from(value).unwrap_or(i64::MAX)),
        );
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.set(field.name(), Otlp::DoubleValue(value));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.set(field.name(), Otlp::BoolValue(value));
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.error = Some(SpanError::from_error(value));
        self.set(field.name(), Otlp::StringValue(value.to_string()));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.set(field.name(), Otlp::StringValue(format!("{value:?}")));
    }
}

/// An event's fields: its message and the others as JSON.
#[derive(Default)]
pub(crate) struct EventFields {
    pub(crate) message: Option<String>,
    pub(crate) attributes: Map<String, Value>,
    pub(crate) error: Option<SpanError>,
}

impl EventFields {
    fn set(&mut self, field: &Field, value: Value) {
        if field.name() == "message" {
            self.message = Some(match value {
                Value::String(s) => s,
                other => other.to_string(),
            });
        } else {
            self.attributes.insert(field.name().to_owned(), value);
        }
    }

    /// The error this event reports (an `error` field), if any.
    pub(crate) fn error(&mut self) -> Option<SpanError> {
        self.error.take().or_else(|| {
            let message = ERROR_FIELDS
                .iter()
                .find_map(|k| self.attributes.get(*k)?.as_str())?;
            let kind = self.attributes.get("error.type").and_then(Value::as_str);
            Some(SpanError::new(
                kind.unwrap_or("error").to_owned(),
                message.to_owned(),
            ))
        })
    }
}

impl Visit for EventFields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.set(field, Value::from(value));
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.set(field, Value::from(value));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.set(field, Value::from(value));
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        self.set(field, Value::from(value));
    }

    fn record_bool(&mut self, field: &Field, value: bool) {
        self.set(field, Value::from(value));
    }

    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        self.error = Some(SpanError::from_error(value));
        self.set(field, Value::from(value.to_string()));
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.set(field, Value::from(format!("{value:?}")));
    }
}
