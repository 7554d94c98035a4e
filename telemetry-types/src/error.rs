//! Structured errors recorded on spans.

use std::error::Error as StdError;

use serde::{Deserialize, Serialize};

use crate::Str;

/// Who is responsible for an error, for triage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCategory {
    /// Bad input from the user or the calling code.
    User,
    /// A fault of this system.
    System,
    /// A fault of a third party (model provider, tool API, database).
    ThirdParty,
}

/// An error recorded on a span: what kind, what it said, and what caused it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpanError {
    /// Type name or error code (`reqwest::Error`, `rate_limited`).
    pub kind: Str,
    /// The error's message (its `Display`).
    pub message: String,
    /// Messages of the error's sources, outermost first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub source_chain: Vec<String>,
    /// Whether retrying the operation may succeed.
    #[serde(default)]
    pub retryable: bool,
    /// Who is responsible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<ErrorCategory>,
}

impl SpanError {
    /// An error of `kind` saying `message`.
    pub fn new(kind: impl Into<Str>, message: impl Into<String>) -> Self {
        SpanError {
            kind: kind.into(),
            message: message.into(),
            source_chain: Vec::new(),
            retryable: false,
            category: None,
        }
    }

    /// Captures a Rust error: its type name as `kind`, its message and its source chain.
    pub fn from_error<E: StdError + ?Sized>(error: &E) -> Self {
        let mut span_error = SpanError::new(std::any::type_name::<E>(), error.to_string());
        let mut source = error.source();
        while let Some(cause) = source {
            span_error.source_chain.push(cause.to_string());
            source = cause.source();
        }
        span_error
    }

    /// Marks the error as retryable or not.
    pub fn retryable(mut self, retryable: bool) -> Self {
        self.retryable = retryable;
        self
    }

    /// Sets who is responsible.
    pub fn category(mut self, category: ErrorCategory) -> Self {
        self.category = Some(category);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("tool failed")]
    struct Outer(#[source] Inner);

    #[derive(Debug, thiserror::Error)]
    #[error("connection refused")]
    struct Inner;

    #[test]
    fn captures_type_message_and_chain() {
        let e = SpanError::from_error(&Outer(Inner))
            .retryable(true)
            .category(ErrorCategory::ThirdParty);
        assert!(e.kind.ends_with("Outer"), "{}", e.kind);
        assert_eq!(e.message, "tool failed");
        assert_eq!(e.source_chain, vec!["connection refused".to_owned()]);
        assert!(e.retryable);
    }
}
