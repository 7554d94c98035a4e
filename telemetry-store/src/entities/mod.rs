//! sea-orm entities, one module per table. Times are Unix nanoseconds (`i64`), ids are
//! lowercase hex strings, and JSON documents are stored as text.

pub mod api_key;
pub mod project;
pub mod score;
pub mod span;
pub mod span_event;
pub mod trace;
