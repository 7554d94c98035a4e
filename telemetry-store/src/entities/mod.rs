//! sea-orm entities, one module per table. Times are Unix nanoseconds (`i64`), ids are
//! lowercase hex strings, and JSON documents are stored as text.

pub(crate) mod api_key;
pub(crate) mod log_record;
pub(crate) mod project;
pub(crate) mod score;
pub(crate) mod score_key;
pub(crate) mod span;
pub(crate) mod span_event;
pub(crate) mod trace;
