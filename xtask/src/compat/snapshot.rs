//! Precise differences between an expected and an actual text or JSON value.

use serde_json::Value;

/// The first line where `actual` differs from `expected`, with both versions of it, and how
/// many lines differ; `None` when equal.
pub fn text_difference(expected: &str, actual: &str) -> Option<String> {
    if expected == actual {
        return None;
    }
    let (want, got): (Vec<&str>, Vec<&str>) =
        (expected.lines().collect(), actual.lines().collect());
    let differing = (0..want.len().max(got.len()))
        .filter(|&i| want.get(i) != got.get(i))
        .collect::<Vec<_>>();
    let Some(&first) = differing.first() else {
        return Some("the texts differ only in their line endings".to_owned());
    };
    Some(format!(
        "{} line(s) differ; first at line {}:\n  expected: {}\n  actual:   {}",
        differing.len(),
        first + 1,
        want.get(first).copied().unwrap_or("<end of text>"),
        got.get(first).copied().unwrap_or("<end of text>"),
    ))
}

/// The JSON path of the first difference between two values, with both values there.
pub fn json_difference(expected: &Value, actual: &Value) -> Option<String> {
    first_json_difference("$", expected, actual)
}

fn first_json_difference(path: &str, expected: &Value, actual: &Value) -> Option<String> {
    match (expected, actual) {
        (Value::Object(a), Value::Object(b)) => {
            let keys = a.keys().chain(b.keys().filter(|k| !a.contains_key(*k)));
            for key in keys {
                let (x, y) = (
                    a.get(key).unwrap_or(&Value::Null),
                    b.get(key).unwrap_or(&Value::Null),
                );
                if let Some(diff) = first_json_difference(&format!("{path}.{key}"), x, y) {
                    return Some(diff);
                }
            }
            None
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (x, y))| first_json_difference(&format!("{path}[{i}]"), x, y)),
        _ if expected == actual => None,
        _ => Some(format!(
            "at {path}: expected {}, got {}",
            short(expected),
            short(actual)
        )),
    }
}

/// A value shortened for a message.
pub fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.len() <= 120 {
        return text;
    }
    let cut = (0..=117)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    format!("{}...", &text[..cut])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_the_first_differing_line() {
        let diff = text_difference("a\nb\nc\n", "a\nB\nc\n").unwrap();
        assert!(diff.contains("line 2"), "{diff}");
        assert_eq!(text_difference("x", "x"), None);
    }

    #[test]
    fn names_the_json_path() {
        let diff = json_difference(&json!({"a": [1, {"b": 2}]}), &json!({"a": [1, {"b": 3}]}));
        assert_eq!(diff.unwrap(), "at $.a[1].b: expected 2, got 3");
    }
}
