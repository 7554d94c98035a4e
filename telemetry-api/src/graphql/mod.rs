//! The GraphQL API: trace, span, session, cost and eval analysis over the store, scoped to
//! the caller's project.
//!
//! [`router`] serves `POST /graphql` (queries and mutations), GraphiQL on `GET /graphql`
//! and subscriptions over WebSocket on `/graphql/ws` (`graphql-transport-ws` and
//! `graphql-ws`). Every request must carry a [`Caller`] extension (inserted by the auth
//! layer); its project scopes every resolver and is never taken from arguments.
//!
//! Protections ([`GraphqlLimits`]): depth and complexity limits, a body-size limit (413), a
//! query timeout, a page-size cap on connections, batched loading (a page of traces with
//! their spans and scores is a fixed number of queries) and database errors replaced by a
//! generic message (and logged).
//!
//! ```no_run
//! # async fn demo(store: telemetry_store::Store) {
//! use telemetry_api::state::AppState;
//! let app: axum::Router = telemetry_api::graphql::router()
//!     // .layer(auth) — the auth layer inserts `Extension<Caller>`
//!     .with_state(AppState::new(store));
//! # }
//! ```

mod analytics;
mod errors;
mod evals;
mod inputs;
mod limits;
mod loaders;
mod logs;
mod schema;
mod scope;
mod sessions;
mod spans;
mod subscription;
mod traces;
mod usage_totals;

use async_graphql::http::{ALL_WEBSOCKET_PROTOCOLS, GraphiQLSource};
use async_graphql::{Data, ServerError};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State, WebSocketUpgrade};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

pub use limits::GraphqlLimits;
pub use schema::{AppSchema, MutationRoot, QueryRoot, build_schema, sdl};
pub use scope::Scope;
pub use subscription::SubscriptionRoot;

use crate::auth::Auth;
use crate::state::{AppState, Caller};

/// Path of queries, mutations and GraphiQL.
pub const GRAPHQL_PATH: &str = "/graphql";
/// Path of subscriptions over WebSocket.
pub const GRAPHQL_WS_PATH: &str = "/graphql/ws";

/// What the handlers share: the schema and its limits.
#[derive(Clone)]
struct Endpoint {
    schema: AppSchema,
    limits: GraphqlLimits,
}

/// The GraphQL routes with the default [`GraphqlLimits`].
pub fn router() -> Router<AppState> {
    router_with(GraphqlLimits::default())
}

/// The GraphQL routes with `limits`.
pub fn router_with(limits: GraphqlLimits) -> Router<AppState> {
    let endpoint = Endpoint {
        schema: build_schema(&limits),
        limits: limits.clone(),
    };
    Router::new()
        .route(GRAPHQL_PATH, get(graphiql).post(execute))
        .route(GRAPHQL_WS_PATH, get(subscribe))
        .layer(Extension(endpoint))
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
}

/// GraphiQL, pointed at this server.
async fn graphiql() -> Html<String> {
    Html(
        GraphiQLSource::build()
            .endpoint(GRAPHQL_PATH)
            .subscription_endpoint(GRAPHQL_WS_PATH)
            .finish(),
    )
}

/// A GraphQL error response with one message.
fn error_response(status: StatusCode, message: &str) -> Response {
    let body = async_graphql::Response::from_errors(vec![ServerError::new(message, None)]);
    (status, Json(body)).into_response()
}

/// `POST /graphql`: one JSON request, run with the caller's scope under the timeout.
async fn execute(
    State(state): State<AppState>,
    Extension(endpoint): Extension<Endpoint>,
    caller: Option<Extension<Caller>>,
    body: Bytes,
) -> Response {
    let Some(Extension(caller)) = caller else {
        return error_response(StatusCode::UNAUTHORIZED, "not authenticated");
    };
    let request: async_graphql::Request = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(err) => {
            let message = format!("invalid GraphQL request body: {err}");
            return error_response(StatusCode::BAD_REQUEST, &message);
        }
    };
    let request = request.data(Scope::new(state, caller));
    let run = endpoint.schema.execute(request);
    match tokio::time::timeout(endpoint.limits.timeout, run).await {
        Ok(response) => Json(response).into_response(),
        Err(_) => {
            tracing::warn!(timeout = ?endpoint.limits.timeout, "graphql: query timed out");
            error_response(StatusCode::OK, "query timed out")
        }
    }
}

/// `GET /graphql/ws`: subscriptions with the caller's scope, from the upgrade request's
/// `Authorization` header or, without one (browsers cannot set it), from the
/// `connection_init` payload; a bad key there closes the socket (4403 Forbidden).
async fn subscribe(
    State(state): State<AppState>,
    Extension(endpoint): Extension<Endpoint>,
    caller: Option<Extension<Caller>>,
    auth: Option<Extension<Auth>>,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    let upgrade = upgrade.protocols(ALL_WEBSOCKET_PROTOCOLS);
    if let Some(Extension(caller)) = caller {
        return upgrade.on_upgrade(move |socket| {
            let mut data = Data::default();
            data.insert(Scope::new(state, caller));
            GraphQLWebSocket::new(socket, endpoint.schema, protocol)
                .with_data(data)
                .serve()
        });
    }
    let Some(Extension(auth)) = auth else {
        return error_response(StatusCode::UNAUTHORIZED, "not authenticated");
    };
    upgrade.on_upgrade(move |socket| {
        GraphQLWebSocket::new(socket, endpoint.schema, protocol)
            .on_connection_init(move |payload| async move {
                let caller = auth
                    .caller_from_init(&payload)
                    .await
                    .map_err(|_| async_graphql::Error::new("unauthorized"))?;
                let mut data = Data::default();
                data.insert(Scope::new(state, caller));
                Ok(data)
            })
            .serve()
    })
}
