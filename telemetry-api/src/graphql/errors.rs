//! Errors as the caller sees them: argument problems are explained, database failures are
//! logged and replaced by a generic message.

use async_graphql::{Error, ErrorExtensions};

/// A resolver's result.
pub(crate) type GqlResult<T> = Result<T, Error>;

/// A user-facing error with a machine-readable `code` extension.
pub(crate) fn user(code: &'static str, message: impl Into<String>) -> Error {
    Error::new(message).extend_with(|_, e| e.set("code", code))
}

/// An argument the caller must fix.
pub(crate) fn bad_input(message: impl Into<String>) -> Error {
    user("BAD_USER_INPUT", message)
}

/// No caller scope in the request.
pub(crate) fn unauthenticated() -> Error {
    user("UNAUTHENTICATED", "not authenticated")
}

/// A store error: caller mistakes are explained, anything else is logged and hidden.
pub(crate) fn store(err: &telemetry_store::Error) -> Error {
    use telemetry_store::Error as E;
    match err {
        E::InvalidCursor(_) => bad_input("invalid cursor"),
        E::InvalidArgument(message) => bad_input(message.clone()),
        E::ProjectNotFound(_) => user("NOT_FOUND", "not found"),
        other => {
            tracing::error!(error = %other, "graphql: store query failed");
            user("INTERNAL", "internal error")
        }
    }
}

/// `store` for owned errors (for `map_err`).
pub(crate) fn from_store(err: telemetry_store::Error) -> Error {
    store(&err)
}

/// A data loader's error.
pub(crate) fn from_loader(err: std::sync::Arc<telemetry_store::Error>) -> Error {
    store(&err)
}
