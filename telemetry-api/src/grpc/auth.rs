//! The caller of a gRPC call: its `authorization` metadata checked by the HTTP routes' auth.

use tonic::Status;
use tonic::metadata::MetadataMap;

use crate::auth::{Auth, AuthError};
use crate::state::Caller;

/// The caller the call's metadata identifies (the dev project when it has none in `--dev`
/// mode); `UNAUTHENTICATED` for missing, unknown and revoked keys alike.
pub(super) async fn caller(auth: &Auth, metadata: &MetadataMap) -> Result<Caller, Status> {
    // gRPC metadata are HTTP/2 headers: the HTTP check reads them as they are.
    let headers = metadata.clone().into_headers();
    match auth.caller(&headers).await {
        Ok(caller) => Ok(caller),
        Err(AuthError::Unauthorized) => Err(Status::unauthenticated("unauthorized")),
        Err(err @ AuthError::Store(_)) => {
            tracing::error!(error = %err, "authentication failed on the database");
            Err(super::status::retry_later("service unavailable", 1))
        }
    }
}
