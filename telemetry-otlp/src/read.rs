//! Small readers over a [`Bag`] shared by the standard mapping and the dialects, so that the
//! dialects depend on them and not on the mapping that calls the dialects (one direction:
//! `from_otlp` → `dialects` → `read` → `bag`, `value`).

use serde_json::Value;
use telemetry_types::Str;

use crate::bag::Bag;
use crate::value;

/// Fills an empty `slot` from `key` (moving the string); takes `key` too when it repeats the
/// slot's value, and leaves a conflicting value in the bag.
pub(crate) fn fill_str(bag: &mut Bag, slot: &mut Option<Str>, key: &str) {
    match slot {
        None => *slot = bag.take_string(key).map(Str::from),
        Some(current) => {
            let same = match bag.peek_str(key) {
                Some(s) => s == &**current,
                None => bag
                    .peek(key)
                    .and_then(value::as_string)
                    .is_some_and(|s| s == **current),
            };
            if same {
                bag.remove(key);
            }
        }
    }
}

/// A JSON-object attribute, parsed, without taking it.
pub(crate) fn json_object(bag: &Bag, key: &str) -> Option<Value> {
    bag.peek(key)
        .and_then(value::as_string)
        .map(value::parse_json_text)
        .filter(Value::is_object)
}
