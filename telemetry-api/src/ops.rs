//! Operations routes: `GET /healthz` (the process is up), `GET /readyz` (the database
//! answers) and `GET /metrics` (Prometheus text format).

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::PrometheusHandle;

use crate::prometheus;
use crate::state::AppState;

/// The operations routes over the app state; `/metrics` renders `handle`.
pub(crate) fn router(handle: PrometheusHandle) -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route(
            "/metrics",
            get(move |State(state): State<AppState>| async move { metrics_text(&handle, &state) }),
        )
}

/// `GET /healthz`: 200 while the process serves requests.
async fn healthz() -> &'static str {
    "ok\n"
}

/// `GET /readyz`: 200 when the database (and the read replica, if any) answers a ping, 503
/// otherwise.
async fn readyz(State(state): State<AppState>) -> Response {
    let ping = match state.store.connection().ping().await {
        Ok(()) => state.reads.connection().ping().await,
        Err(err) => Err(err),
    };
    match ping {
        Ok(()) => (StatusCode::OK, "ready\n").into_response(),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
        }
    }
}

fn metrics_text(handle: &PrometheusHandle, state: &AppState) -> Response {
    let mut response = prometheus::render(handle, &state.store).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}
