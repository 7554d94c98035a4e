//! Conversions between OTLP `AnyValue`s and JSON values, and small attribute builders.

use opentelemetry_proto::tonic::common::v1::{
    AnyValue, ArrayValue, KeyValue, KeyValueList, any_value::Value as Av,
};
use serde_json::{Map, Number, Value};

/// A key/value attribute.
pub(crate) fn kv(key: &str, value: Av) -> KeyValue {
    KeyValue {
        key: key.to_owned(),
        value: Some(AnyValue { value: Some(value) }),
        ..Default::default()
    }
}

/// A string value.
pub(crate) fn string(s: &str) -> Av {
    Av::StringValue(s.to_owned())
}

/// An array of strings.
pub(crate) fn string_array<S: AsRef<str>>(items: &[S]) -> Av {
    Av::ArrayValue(ArrayValue {
        values: items
            .iter()
            .map(|s| AnyValue {
                value: Some(string(s.as_ref())),
            })
            .collect(),
    })
}

/// A JSON value as an OTLP value: objects become key/value lists, arrays become arrays.
pub(crate) fn from_json(value: &Value) -> AnyValue {
    let value = match value {
        Value::Null => None,
        Value::Bool(b) => Some(Av::BoolValue(*b)),
        Value::Number(n) => Some(number(n)),
        Value::String(s) => Some(string(s)),
        Value::Array(items) => Some(Av::ArrayValue(ArrayValue {
            values: items.iter().map(from_json).collect(),
        })),
        Value::Object(map) => Some(Av::KvlistValue(KeyValueList {
            values: map
                .iter()
                .map(|(k, v)| KeyValue {
                    key: k.clone(),
                    value: Some(from_json(v)),
                    ..Default::default()
                })
                .collect(),
        })),
    };
    AnyValue { value }
}

fn number(n: &Number) -> Av {
    match n.as_i64() {
        Some(i) => Av::IntValue(i),
        None => Av::DoubleValue(n.as_f64().unwrap_or(f64::NAN)),
    }
}

/// Wraps a bare value into an `AnyValue`.
pub(crate) fn wrap(value: Av) -> AnyValue {
    AnyValue { value: Some(value) }
}

/// An OTLP value as JSON; bytes become lowercase hex, NaN and infinities `null`.
pub(crate) fn to_json(value: AnyValue) -> Value {
    match value.value {
        None | Some(Av::StringValueStrindex(_)) => Value::Null,
        Some(Av::StringValue(s)) => Value::String(s),
        Some(Av::BoolValue(b)) => Value::Bool(b),
        Some(Av::IntValue(i)) => Value::from(i),
        Some(Av::DoubleValue(d)) => Number::from_f64(d).map_or(Value::Null, Value::Number),
        Some(Av::ArrayValue(a)) => Value::Array(a.values.into_iter().map(to_json).collect()),
        Some(Av::KvlistValue(l)) => Value::Object(kvs_to_map(l.values)),
        Some(Av::BytesValue(b)) => Value::String(hex(&b)),
    }
}

/// Attributes as a JSON object.
pub(crate) fn kvs_to_map(kvs: Vec<KeyValue>) -> Map<String, Value> {
    kvs.into_iter()
        .map(|kv| (kv.key, kv.value.map_or(Value::Null, to_json)))
        .collect()
}

/// A JSON object as attributes.
pub(crate) fn map_to_kvs(map: &Map<String, Value>) -> Vec<KeyValue> {
    map.iter()
        .map(|(k, v)| KeyValue {
            key: k.clone(),
            value: Some(from_json(v)),
            ..Default::default()
        })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    out
}

/// Reads a value as a string (strings as is, numbers and booleans printed).
pub(crate) fn as_string(value: &Av) -> Option<String> {
    match value {
        Av::StringValue(s) => Some(s.clone()),
        Av::IntValue(i) => Some(i.to_string()),
        Av::DoubleValue(d) => Some(d.to_string()),
        Av::BoolValue(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Reads a value as a non-negative integer (ints, integral doubles, numeric strings).
pub(crate) fn as_u64(value: &Av) -> Option<u64> {
    match value {
        Av::IntValue(i) => u64::try_from(*i).ok(),
        Av::DoubleValue(d) if d.is_finite() && *d >= 0.0 && d.fract() == 0.0 => Some(*d as u64),
        Av::StringValue(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Reads a value as a signed integer.
pub(crate) fn as_i64(value: &Av) -> Option<i64> {
    match value {
        Av::IntValue(i) => Some(*i),
        Av::DoubleValue(d) if d.is_finite() && d.fract() == 0.0 => Some(*d as i64),
        Av::StringValue(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Reads a value as a double (doubles, ints, numeric strings).
pub(crate) fn as_f64(value: &Av) -> Option<f64> {
    match value {
        Av::DoubleValue(d) => Some(*d),
        Av::IntValue(i) => Some(*i as f64),
        Av::StringValue(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Reads a value as a boolean (booleans, `"true"`/`"false"`).
pub(crate) fn as_bool(value: &Av) -> Option<bool> {
    match value {
        Av::BoolValue(b) => Some(*b),
        Av::StringValue(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Reads a value as a list of strings: a string array, a JSON array in a string, or one string.
pub(crate) fn as_string_list(value: &Av) -> Option<Vec<String>> {
    match value {
        Av::ArrayValue(a) => Some(
            a.values
                .iter()
                .filter_map(|v| v.value.as_ref().and_then(as_string))
                .collect(),
        ),
        Av::StringValue(s) if s.trim_start().starts_with('[') => {
            serde_json::from_str::<Vec<Value>>(s).ok().map(|items| {
                items
                    .into_iter()
                    .filter_map(|v| match v {
                        Value::String(s) => Some(s),
                        Value::Null => None,
                        other => Some(other.to_string()),
                    })
                    .collect()
            })
        }
        other => as_string(other).map(|s| vec![s]),
    }
}

/// Reads a value as JSON: strings holding a JSON object or array are parsed, other values
/// converted.
pub(crate) fn as_json_lenient(value: AnyValue) -> Value {
    match value.value {
        Some(Av::StringValue(s)) => parse_json_text(s),
        other => to_json(AnyValue { value: other }),
    }
}

/// Parses JSON text that looks like an object or array; anything else stays a string.
pub(crate) fn parse_json_text(s: String) -> Value {
    let t = s.trim_start();
    if (t.starts_with('{') || t.starts_with('['))
        && let Ok(v) = serde_json::from_str(&s)
    {
        return v;
    }
    Value::String(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_round_trips_through_any_value() {
        let v = json!({"a": [1, -2, 2.5, "x", true, null], "b": {"c": "d"}, "e": u64::MAX});
        let back = to_json(from_json(&v));
        assert_eq!(back["a"], v["a"]);
        assert_eq!(back["b"], v["b"]);
        assert_eq!(back["e"].as_f64(), Some(u64::MAX as f64));
    }

    #[test]
    fn lenient_readers() {
        assert_eq!(as_u64(&Av::StringValue("12".into())), Some(12));
        assert_eq!(as_u64(&Av::IntValue(-1)), None);
        assert_eq!(as_f64(&Av::IntValue(3)), Some(3.0));
        assert_eq!(
            as_string_list(&Av::StringValue("[\"a\",\"b\"]".into())),
            Some(vec!["a".to_owned(), "b".to_owned()])
        );
        assert_eq!(parse_json_text("[1".into()), Value::String("[1".into()));
        assert_eq!(
            to_json(AnyValue {
                value: Some(Av::BytesValue(vec![0xab, 1]))
            }),
            "ab01"
        );
    }
}
