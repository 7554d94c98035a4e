//! Events, status and error of an incoming span.

use opentelemetry_proto::tonic::common::v1::KeyValue;
use opentelemetry_proto::tonic::trace::v1::{Status, span::Event, status::StatusCode};
use telemetry_types::attrs::EvalExecution;
use telemetry_types::{SpanAttributes, SpanError, SpanEvent, SpanStatus, Timestamp};

use super::typed::evaluation_result;
use crate::bag::Bag;
use crate::dialects::langfuse;
use crate::names::parse_enum;
use crate::semconv::{self as sc, ours};
use crate::value;

/// Kind of an error known only from an ERROR status message.
const UNKNOWN_ERROR_KIND: &str = "error";

/// Converts the events; the last `exception` event becomes the error and a
/// `gen_ai.evaluation.result` event on an eval span fills its result. Such an event is dropped
/// only when every attribute of it was understood, so nothing is lost.
pub(crate) fn read_events(
    events: Vec<Event>,
    attributes: &mut SpanAttributes,
) -> (Vec<SpanEvent>, Option<SpanError>) {
    let mut out = Vec::with_capacity(events.len());
    let mut error = None;
    let last_exception = events.iter().rposition(|e| e.name == sc::EXCEPTION_EVENT);
    for (i, event) in events.into_iter().enumerate() {
        let time = Timestamp::from_unix_nanos(event.time_unix_nano);
        let consumed = if Some(i) == last_exception {
            let (e, all) = exception(event.attributes.clone());
            error = Some(e);
            all
        } else if let (sc::GEN_AI_EVALUATION_RESULT_EVENT, SpanAttributes::EvalExecution(eval)) =
            (event.name.as_str(), &mut *attributes)
        {
            evaluation(event.attributes.clone(), eval)
        } else {
            false
        };
        if !consumed {
            out.push(SpanEvent {
                name: event.name.into(),
                time,
                attributes: value::kvs_to_map(event.attributes),
            });
        }
    }
    (out, error)
}

fn exception(attributes: Vec<KeyValue>) -> (SpanError, bool) {
    let mut bag = Bag::new(attributes);
    let kind = bag.take_string(sc::EXCEPTION_TYPE);
    let message = bag.take_string(sc::EXCEPTION_MESSAGE);
    let mut error = SpanError::new(
        kind.unwrap_or_else(|| sc::EXCEPTION_EVENT.to_owned()),
        message.unwrap_or_default(),
    );
    error.source_chain = bag
        .take_as(ours::ERROR_SOURCE_CHAIN, value::as_string_list)
        .unwrap_or_default();
    error.retryable = bag
        .take_as(ours::ERROR_RETRYABLE, value::as_bool)
        .unwrap_or(false);
    error.category = bag.take_as(ours::ERROR_CATEGORY, |v| {
        value::as_string(v).and_then(|s| parse_enum(&s))
    });
    (error, bag.into_rest().next().is_none())
}

fn evaluation(attributes: Vec<KeyValue>, eval: &mut EvalExecution) -> bool {
    let mut bag = Bag::new(attributes);
    evaluation_result(&mut bag, eval);
    bag.into_rest().next().is_none()
}

/// The span's status and error: the OTLP status, an `exception` event, `error.type`, and
/// Langfuse's level `ERROR` with its status message.
pub(crate) fn read_status(
    status: Option<Status>,
    error: Option<SpanError>,
    bag: &mut Bag,
) -> (SpanStatus, Option<SpanError>) {
    let (code, message) = status.map_or((0, String::new()), |s| (s.code, s.message));
    let mut status = match StatusCode::try_from(code) {
        Ok(StatusCode::Ok) => SpanStatus::Ok,
        Ok(StatusCode::Error) => SpanStatus::Error,
        _ => SpanStatus::Unset,
    };
    let mut error = error.or_else(|| langfuse::level_error(bag));
    if error.is_some() && status == SpanStatus::Unset {
        status = SpanStatus::Error;
    }
    if error.is_none() && status == SpanStatus::Error {
        let kind = bag.take_string(sc::ERROR_TYPE);
        if kind.is_some() || !message.is_empty() {
            error = Some(SpanError::new(
                kind.unwrap_or_else(|| UNKNOWN_ERROR_KIND.to_owned()),
                message,
            ));
        }
    }
    if let Some(e) = &mut error {
        let kind = e.kind.to_string();
        bag.take_as(sc::ERROR_TYPE, |v| {
            value::as_string(v).filter(|k| *k == kind)
        });
    }
    (status, error)
}
