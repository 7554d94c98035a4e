//! placeholder

pub mod otel;
