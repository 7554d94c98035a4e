//! The include-I/O switch and the exclude-fields processor.

use std::collections::HashSet;

use serde_json::Value;
use telemetry_types::SpanRecord;

use super::{SpanProcessor, Verdict, for_each_value};

/// Drops inputs and outputs (the `include_io = false` setting).
#[derive(Debug, Default)]
pub struct IncludeIo;

impl SpanProcessor for IncludeIo {
    fn name(&self) -> &str {
        "include-io"
    }

    fn process(&self, span: &mut SpanRecord) -> Verdict {
        span.input = None;
        span.output = None;
        Verdict::Keep
    }
}

/// Removes the named fields wherever they appear in span data (nested objects included), and
/// metadata entries with those names.
#[derive(Debug, Clone)]
pub struct ExcludeFields {
    fields: HashSet<String>,
}

impl ExcludeFields {
    /// Removes `fields`.
    pub fn new<I: IntoIterator<Item = S>, S: Into<String>>(fields: I) -> Self {
        ExcludeFields {
            fields: fields.into_iter().map(Into::into).collect(),
        }
    }

    fn strip(&self, value: &mut Value) {
        match value {
            Value::Object(map) => {
                map.retain(|key, _| !self.fields.contains(key));
                map.values_mut().for_each(|v| self.strip(v));
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.strip(v)),
            _ => {}
        }
    }
}

impl SpanProcessor for ExcludeFields {
    fn name(&self) -> &str {
        "exclude-fields"
    }

    fn process(&self, span: &mut SpanRecord) -> Verdict {
        span.metadata.retain(|key, _| !self.fields.contains(key));
        for_each_value(span, |value| self.strip(value));
        Verdict::Keep
    }
}
