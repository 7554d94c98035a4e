//! The one router: health and metrics open, ingest and GraphQL behind the auth layer, every
//! request logged and timed.

use axum::Router;
use axum::middleware::{from_fn, from_fn_with_state};

use crate::auth::{Auth, authenticate};
use crate::ingest::{self, IngestState};
use crate::state::AppState;
use crate::{ops, prometheus};

/// The application: `/healthz`, `/readyz`, `/metrics`, the ingest routes and GraphQL.
pub(crate) fn app(state: AppState, ingest: IngestState, auth: Auth) -> Router {
    let protected: Router<AppState> = Router::new()
        .merge(ingest::router(ingest))
        .merge(crate::graphql::router())
        .route_layer(from_fn_with_state(auth, authenticate));
    Router::new()
        .merge(ops::router(prometheus::handle()))
        .merge(crate::explorer::router())
        .merge(protected)
        .layer(from_fn(prometheus::track_requests))
        .with_state(state)
}
