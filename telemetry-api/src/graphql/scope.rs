//! The scope of one GraphQL request: the caller's project (never taken from arguments), the
//! store, the live feed and the request's data loaders.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_graphql::Context;
use telemetry_store::{ProjectId, Store};

use super::errors::{self, GqlResult};
use super::loaders::Loaders;
use crate::state::{AppState, Caller};

/// Everything a resolver may use, scoped to the caller's project. Put one in each request's
/// data (the HTTP and WebSocket handlers do); a request without one is refused.
///
/// ```no_run
/// # async fn demo(state: telemetry_api::state::AppState, caller: telemetry_api::state::Caller) {
/// use telemetry_api::graphql::{GraphqlLimits, Scope, build_schema};
/// let schema = build_schema(&GraphqlLimits::default());
/// let request = async_graphql::Request::new("{ traces { edges { node { id } } } }")
///     .data(Scope::new(state, caller));
/// let response = schema.execute(request).await;
/// # }
/// ```
#[derive(Clone)]
pub struct Scope {
    inner: Arc<Inner>,
}

struct Inner {
    project: ProjectId,
    state: AppState,
    loaders: Loaders,
    round_trips: Arc<AtomicUsize>,
}

impl Scope {
    /// The scope of a request by `caller`.
    pub fn new(state: AppState, caller: Caller) -> Self {
        let round_trips = Arc::new(AtomicUsize::new(0));
        let loaders = Loaders::new(&state.reads, caller.project, round_trips.clone());
        Scope {
            inner: Arc::new(Inner {
                project: caller.project,
                state,
                loaders,
                round_trips,
            }),
        }
    }

    /// The caller's project.
    pub fn project(&self) -> ProjectId {
        self.inner.project
    }

    /// Database round trips made so far by this request's resolvers and loaders.
    pub fn db_round_trips(&self) -> usize {
        self.inner.round_trips.load(Ordering::Relaxed)
    }

    /// The store queries read from (a read replica when configured), counting one round trip.
    pub(crate) fn store(&self) -> &Store {
        self.inner.round_trips.fetch_add(1, Ordering::Relaxed);
        &self.inner.state.reads
    }

    /// The primary store, for mutations (and the reads they depend on), counting one round
    /// trip.
    pub(crate) fn primary(&self) -> &Store {
        self.inner.round_trips.fetch_add(1, Ordering::Relaxed);
        &self.inner.state.store
    }

    /// The shared state (for the live feed).
    pub(crate) fn state(&self) -> &AppState {
        &self.inner.state
    }

    /// The request's data loaders.
    pub(crate) fn loaders(&self) -> &Loaders {
        &self.inner.loaders
    }

    /// The scope of the request being resolved.
    pub(crate) fn of<'a>(ctx: &Context<'a>) -> GqlResult<&'a Scope> {
        ctx.data_opt::<Scope>().ok_or_else(errors::unauthenticated)
    }
}
