//! A span's input and output from the GenAI content events logged in it, for spans that
//! carry none themselves (instrumentations that follow the GenAI event conventions put the
//! prompt and completion in log records, not on the span).
//!
//! Read: `gen_ai.client.inference.operation.details` (`gen_ai.input.messages`,
//! `gen_ai.output.messages`, `gen_ai.system_instructions`), and the older per-message events
//! `gen_ai.system.message`, `gen_ai.user.message`, `gen_ai.assistant.message`,
//! `gen_ai.tool.message` (input, in order) and `gen_ai.choice` (output).

use serde_json::{Value, json};
use telemetry_types::LogRecord;

const DETAILS: &str = "gen_ai.client.inference.operation.details";
const CHOICE: &str = "gen_ai.choice";

/// The input and output the GenAI content events among `logs` describe, in the shapes the
/// span mapping gives span input/output (`None` where they say nothing).
pub fn content_of_logs(logs: &[LogRecord]) -> (Option<Value>, Option<Value>) {
    if let Some(details) = logs.iter().find(|l| name(l) == Some(DETAILS)) {
        return details_content(details);
    }
    let input: Vec<Value> = logs.iter().filter_map(message).collect();
    let output: Vec<Value> = logs
        .iter()
        .filter(|l| name(l) == Some(CHOICE))
        .filter_map(|l| l.body.clone())
        .collect();
    (non_empty(input), non_empty(output))
}

/// The event name: the record's, else the older `event.name` attribute.
fn name(log: &LogRecord) -> Option<&str> {
    log.event_name
        .as_deref()
        .or_else(|| log.attributes.get("event.name").and_then(Value::as_str))
}

fn details_content(details: &LogRecord) -> (Option<Value>, Option<Value>) {
    let attr = |key: &str| details.attributes.get(key).map(parsed);
    let input = match (
        attr("gen_ai.system_instructions"),
        attr("gen_ai.input.messages"),
    ) {
        (Some(system), Some(messages)) => {
            Some(json!({ "system_instructions": system, "messages": messages }))
        }
        (None, messages) => messages,
        (system, None) => system,
    };
    (input, attr("gen_ai.output.messages"))
}

/// One input message of the per-message events, with its role from the event name.
fn message(log: &LogRecord) -> Option<Value> {
    let role = name(log)?
        .strip_prefix("gen_ai.")?
        .strip_suffix(".message")?;
    let mut body = match log.body.clone() {
        Some(Value::Object(map)) => map,
        Some(other) => [("content".to_owned(), other)].into_iter().collect(),
        None => serde_json::Map::new(),
    };
    body.entry("role").or_insert_with(|| role.into());
    Some(Value::Object(body))
}

/// JSON held in a string attribute, parsed; other values as they are.
fn parsed(value: &Value) -> Value {
    match value {
        Value::String(text) => serde_json::from_str(text).unwrap_or_else(|_| value.clone()),
        other => other.clone(),
    }
}

fn non_empty(items: Vec<Value>) -> Option<Value> {
    (!items.is_empty()).then_some(Value::Array(items))
}

#[cfg(test)]
mod tests {
    use telemetry_types::Timestamp;

    use super::*;

    fn log(name: &str, body: Option<Value>, attributes: Value) -> LogRecord {
        LogRecord {
            time: Timestamp::from_unix_nanos(1),
            severity_number: 9,
            severity_text: None,
            event_name: Some(name.to_owned()),
            body,
            attributes: attributes.as_object().cloned().unwrap_or_default(),
            trace_id: None,
            span_id: None,
            service_name: "s".into(),
        }
    }

    #[test]
    fn per_message_events_make_input_and_choices_output() {
        let logs = [
            log(
                "gen_ai.system.message",
                Some(json!({"content": "be brief"})),
                json!({}),
            ),
            log("gen_ai.user.message", Some(json!("hi")), json!({})),
            log(
                CHOICE,
                Some(json!({"index": 0, "message": {"content": "hello"}})),
                json!({}),
            ),
        ];
        let (input, output) = content_of_logs(&logs);
        assert_eq!(
            input,
            Some(json!([
                {"role": "system", "content": "be brief"},
                {"role": "user", "content": "hi"}
            ]))
        );
        assert_eq!(
            output,
            Some(json!([{"index": 0, "message": {"content": "hello"}}]))
        );
    }

    #[test]
    fn operation_details_win_and_json_strings_are_parsed() {
        let details = log(
            DETAILS,
            None,
            json!({
                "gen_ai.input.messages": r#"[{"role":"user","parts":[{"type":"text","content":"hi"}]}]"#,
                "gen_ai.output.messages": [{"role": "assistant"}]
            }),
        );
        let logs = [
            log("gen_ai.user.message", Some(json!("ignored")), json!({})),
            details,
        ];
        let (input, output) = content_of_logs(&logs);
        assert_eq!(input.expect("input")[0]["parts"][0]["content"], "hi");
        assert_eq!(output, Some(json!([{"role": "assistant"}])));
    }

    #[test]
    fn other_records_give_nothing() {
        let logs = [log("app.started", Some(json!("up")), json!({}))];
        assert_eq!(content_of_logs(&logs), (None, None));
    }
}
