//! Authentication: the project comes from the API key alone.
//!
//! A request carries its secret as `Authorization: Bearer <secret>` or as HTTP Basic
//! `public:secret` (what the Langfuse SDK sends; the public part is ignored). Missing,
//! unknown and revoked keys all get the same 401, with no hint of which. In `--dev` mode a
//! request without an `Authorization` header acts for the default project. GraphiQL's page
//! (`GET /graphql`) holds no data and is served to anyone; every query it sends is checked.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use telemetry_store::{ProjectId, Store};

use crate::state::Caller;

/// Slug of the project that `--dev` mode writes into and reads from.
pub(crate) const DEV_PROJECT_SLUG: &str = "default";

/// What the auth layer needs: the store that knows the keys, and the project anonymous
/// requests act for in `--dev` mode.
#[derive(Debug, Clone)]
pub(crate) struct Auth {
    store: Store,
    dev_project: Option<ProjectId>,
}

/// Why a request was not authenticated.
#[derive(Debug, thiserror::Error)]
pub(crate) enum AuthError {
    /// No usable credentials, or a key that is unknown or revoked.
    #[error("unauthorized")]
    Unauthorized,
    /// The key could not be checked (the database did not answer).
    #[error("cannot verify the API key: {0}")]
    Store(#[from] telemetry_store::Error),
}

impl Auth {
    /// Keys checked against `store`; anonymous requests act for `dev_project` when set.
    pub(crate) fn new(store: Store, dev_project: Option<ProjectId>) -> Self {
        Auth { store, dev_project }
    }

    /// The caller a request's headers identify.
    pub(crate) async fn caller(&self, headers: &HeaderMap) -> Result<Caller, AuthError> {
        let Some(value) = headers.get(header::AUTHORIZATION) else {
            return self
                .dev_project
                .map(|project| Caller { project })
                .ok_or(AuthError::Unauthorized);
        };
        let secret = secret_from_header(value).ok_or(AuthError::Unauthorized)?;
        match self.store.verify_api_key(&secret).await? {
            Some(key) => Ok(Caller {
                project: key.project_id,
            }),
            None => Err(AuthError::Unauthorized),
        }
    }

    /// The caller a WebSocket's `connection_init` payload identifies: what browsers send,
    /// since they cannot set headers on a WebSocket. Accepts `{"Authorization": "Bearer …"}`
    /// (any case of the key, Basic too) or `{"apiKey": "…"}`.
    pub(crate) async fn caller_from_init(
        &self,
        payload: &serde_json::Value,
    ) -> Result<Caller, AuthError> {
        let field = |name: &str| {
            payload.as_object().and_then(|fields| {
                fields
                    .iter()
                    .find(|(key, _)| key.eq_ignore_ascii_case(name))
                    .and_then(|(_, value)| value.as_str())
            })
        };
        let value = match (field("authorization"), field("apiKey")) {
            (Some(header), _) => header.to_owned(),
            (None, Some(key)) => format!("Bearer {key}"),
            (None, None) => return Err(AuthError::Unauthorized),
        };
        let value = HeaderValue::from_str(&value).map_err(|_| AuthError::Unauthorized)?;
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, value);
        self.caller(&headers).await
    }
}

/// The secret of a Bearer or Basic `Authorization` header value.
pub(crate) fn secret_from_header(value: &HeaderValue) -> Option<String> {
    let text = value.to_str().ok()?.trim();
    let (scheme, rest) = text.split_once(' ')?;
    let rest = rest.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        return (!rest.is_empty()).then(|| rest.to_owned());
    }
    if scheme.eq_ignore_ascii_case("basic") {
        let decoded = STANDARD.decode(rest).ok()?;
        let pair = String::from_utf8(decoded).ok()?;
        let (_public, secret) = pair.split_once(':')?;
        return (!secret.is_empty()).then(|| secret.to_owned());
    }
    None
}

/// Whether a request is for a static page that holds no data (GraphiQL at `GET /graphql`),
/// which a browser may open without credentials.
fn is_public_page(request: &Request) -> bool {
    request.method() == Method::GET && request.uri().path() == crate::graphql::GRAPHQL_PATH
}

fn is_socket(request: &Request) -> bool {
    request.method() == Method::GET && request.uri().path() == crate::graphql::GRAPHQL_WS_PATH
}

/// Middleware: inserts the [`Caller`] into the request's extensions, or answers 401.
/// GraphiQL's page is served without credentials (the queries it sends still need them).
pub(crate) async fn authenticate(
    State(auth): State<Auth>,
    mut request: Request,
    next: Next,
) -> Response {
    let anonymous = !request.headers().contains_key(header::AUTHORIZATION);
    if is_public_page(&request) && anonymous {
        return next.run(request).await;
    }
    if is_socket(&request) && anonymous && auth.dev_project.is_none() {
        // Browsers cannot set headers on a WebSocket: the key comes in `connection_init`,
        // checked by the handler with this `Auth`.
        request.extensions_mut().insert(auth);
        return next.run(request).await;
    }
    match auth.caller(request.headers()).await {
        Ok(caller) => {
            request.extensions_mut().insert(caller);
            next.run(request).await
        }
        Err(AuthError::Unauthorized) => unauthorized(),
        Err(err @ AuthError::Store(_)) => {
            tracing::error!(error = %err, "authentication failed on the database");
            let mut response =
                (StatusCode::SERVICE_UNAVAILABLE, "service unavailable\n").into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            response
        }
    }
}

/// The one 401 answer: the same for missing, malformed, unknown and revoked keys.
fn unauthorized() -> Response {
    let mut response = (StatusCode::UNAUTHORIZED, "unauthorized\n").into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"ai-telemetry\", Basic realm=\"ai-telemetry\""),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header_value(text: &str) -> HeaderValue {
        HeaderValue::from_str(text).expect("valid header")
    }

    #[test]
    fn reads_bearer_and_basic_secrets() {
        assert_eq!(
            secret_from_header(&header_value("Bearer tsk_abc")).as_deref(),
            Some("tsk_abc")
        );
        let basic = format!("Basic {}", STANDARD.encode("pk-lf-1:tsk_xyz"));
        assert_eq!(
            secret_from_header(&header_value(&basic)).as_deref(),
            Some("tsk_xyz")
        );
    }

    #[test]
    fn rejects_malformed_headers() {
        for bad in [
            "Bearer",
            "Bearer  ",
            "Basic !!!",
            "Token abc",
            "Basic Zm9v",
            "",
        ] {
            assert_eq!(secret_from_header(&header_value(bad)), None, "{bad:?}");
        }
    }
}
