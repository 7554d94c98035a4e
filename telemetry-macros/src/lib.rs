//! Proc macros `#[with_span]` and `#[instrument_class]` for AI telemetry.
//!
//! Not implemented yet: this crate holds no macros. See the macros issue.
