//! One Langfuse score as its SDKs and API send it (`POST /api/public/scores`, or the body of
//! a `score-create` ingestion event) → our [`NewScore`] and the client's id.
//!
//! Langfuse's trace and observation ids are the OpenTelemetry ids in hex, exactly what its
//! OTLP route stores, so a score lands on the trace and span its SDK exported (before or
//! after they arrive).

use serde::Deserialize;
use serde_json::Value;
use telemetry_store::{NewScore, ScoreSource, ScoreValue};
use telemetry_types::{SpanId, TraceId};

/// The fields of a Langfuse score we read; the others (`configId`, `metadata`, …) are
/// accepted and ignored.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LangfuseScore {
    id: Option<String>,
    trace_id: Option<String>,
    observation_id: Option<String>,
    session_id: Option<String>,
    name: Option<String>,
    value: Option<Value>,
    string_value: Option<String>,
    data_type: Option<String>,
    comment: Option<String>,
    source: Option<String>,
}

impl LangfuseScore {
    /// The client's id, if it gave one.
    pub(crate) fn id(&self) -> Option<&str> {
        self.id.as_deref().filter(|id| !id.is_empty())
    }

    /// Our score, or why it cannot be one.
    pub(crate) fn into_new_score(self) -> Result<NewScore, String> {
        let trace_id = match (&self.trace_id, &self.session_id) {
            (Some(id), _) => parse_id(id, TraceId::parse, "traceId")?,
            (None, Some(_)) => return Err("session scores are not supported: give traceId".into()),
            (None, None) => return Err("traceId is required".into()),
        };
        let span_id = self
            .observation_id
            .as_deref()
            .map(|id| parse_id(id, SpanId::parse, "observationId"))
            .transpose()?;
        let name = self.name.clone().filter(|n| !n.is_empty());
        let name = name.ok_or("name is required")?;
        Ok(NewScore {
            trace_id,
            span_id,
            name,
            value: self.value()?,
            source: source(self.source.as_deref()),
            evaluator: None,
            comment: self.comment,
        })
    }

    /// The value by `dataType`; without one, a number is numeric, a string categorical and
    /// a boolean boolean (what Langfuse infers).
    fn value(&self) -> Result<ScoreValue, String> {
        let kind = self.data_type.as_deref().map(str::to_ascii_uppercase);
        let text = || {
            self.string_value
                .clone()
                .or_else(|| self.value.as_ref()?.as_str().map(str::to_owned))
        };
        match (kind.as_deref(), &self.value) {
            (Some("NUMERIC") | None, Some(Value::Number(n))) => n
                .as_f64()
                .map(ScoreValue::Numeric)
                .ok_or_else(|| format!("value {n} is not a number")),
            (Some("BOOLEAN") | None, Some(Value::Bool(b))) => Ok(ScoreValue::Boolean(*b)),
            (Some("BOOLEAN"), Some(Value::Number(n))) => match n.as_f64() {
                Some(v) if v == 0.0 || v == 1.0 => Ok(ScoreValue::Boolean(v == 1.0)),
                _ => Err(format!("a BOOLEAN score's value is 0 or 1, not {n}")),
            },
            (Some("CATEGORICAL") | None, _) => text()
                .map(ScoreValue::Categorical)
                .ok_or_else(|| "a CATEGORICAL score needs a string value".to_owned()),
            (Some(other), value) => Err(format!(
                "value {} does not fit dataType {other}",
                value.as_ref().map_or("null".to_owned(), Value::to_string)
            )),
        }
    }
}

fn parse_id<T, E: std::fmt::Display>(
    text: &str,
    parse: impl Fn(&str) -> Result<T, E>,
    field: &str,
) -> Result<T, String> {
    parse(&text.to_ascii_lowercase()).map_err(|e| format!("{field} {text:?}: {e}"))
}

/// Langfuse's `source`: `ANNOTATION` is a person, `EVAL` an evaluator, anything else (`API`,
/// none) a program.
fn source(source: Option<&str>) -> ScoreSource {
    match source.map(str::to_ascii_uppercase).as_deref() {
        Some("ANNOTATION") => ScoreSource::Human,
        Some("EVAL") => ScoreSource::Eval,
        _ => ScoreSource::Api,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const TRACE: &str = "0af7651916cd43dd8448eb211c80319c";
    const SPAN: &str = "b7ad6b7169203331";

    fn read(body: Value) -> Result<NewScore, String> {
        serde_json::from_value::<LangfuseScore>(body)
            .expect("a score body")
            .into_new_score()
    }

    #[test]
    fn numeric_boolean_and_categorical_values() {
        let numeric = read(json!({"traceId": TRACE, "name": "q", "value": 0.5})).unwrap();
        assert_eq!(numeric.value, ScoreValue::Numeric(0.5));
        let boolean = json!({"traceId": TRACE, "name": "ok", "value": 1, "dataType": "BOOLEAN"});
        assert_eq!(read(boolean).unwrap().value, ScoreValue::Boolean(true));
        let category = json!({"traceId": TRACE, "name": "c", "value": "good",
                              "dataType": "CATEGORICAL"});
        assert_eq!(
            read(category).unwrap().value,
            ScoreValue::Categorical("good".into())
        );
        let inferred = json!({"traceId": TRACE, "name": "c", "stringValue": "bad"});
        assert_eq!(
            read(inferred).unwrap().value,
            ScoreValue::Categorical("bad".into())
        );
    }

    #[test]
    fn ids_are_otel_hex_in_any_case() {
        let score = read(json!({
            "traceId": TRACE.to_ascii_uppercase(), "observationId": SPAN,
            "name": "q", "value": 1.0, "source": "ANNOTATION", "comment": "fine"
        }))
        .unwrap();
        assert_eq!(score.trace_id.to_string(), TRACE);
        assert_eq!(score.span_id.map(|s| s.to_string()).as_deref(), Some(SPAN));
        assert_eq!(score.source, ScoreSource::Human);
        assert_eq!(score.comment.as_deref(), Some("fine"));
    }

    #[test]
    fn refusals_say_why() {
        let no_trace = read(json!({"name": "q", "value": 1})).unwrap_err();
        assert!(no_trace.contains("traceId"), "{no_trace}");
        let bad_id = read(json!({"traceId": "xyz", "name": "q", "value": 1})).unwrap_err();
        assert!(bad_id.contains("traceId"), "{bad_id}");
        let bad_bool = json!({"traceId": TRACE, "name": "q", "value": 3, "dataType": "BOOLEAN"});
        assert!(read(bad_bool).unwrap_err().contains("0 or 1"));
        let numeric_text = json!({"traceId": TRACE, "name": "q", "value": "x",
                                  "dataType": "NUMERIC"});
        assert!(read(numeric_text).unwrap_err().contains("NUMERIC"));
        let unnamed = read(json!({"traceId": TRACE, "value": 1})).unwrap_err();
        assert!(unnamed.contains("name"), "{unnamed}");
    }
}
