//! The schema: queries, mutations and the subscription, with the depth and complexity
//! limits, and its SDL export.

use async_graphql::{MergedObject, Schema};

use super::analytics::AnalyticsQueries;
use super::evals::{EvalQueries, ScoreMutations};
use super::limits::GraphqlLimits;
use super::logs::LogQueries;
use super::sessions::SessionQueries;
use super::spans::SpanQueries;
use super::subscription::SubscriptionRoot;
use super::traces::TraceQueries;

/// Every query: traces, spans, sessions, analytics, evals and logs.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    TraceQueries,
    SpanQueries,
    SessionQueries,
    AnalyticsQueries,
    EvalQueries,
    LogQueries,
);

/// Every mutation: scores.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(ScoreMutations);

/// The GraphQL schema of the server.
pub type AppSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// Builds the schema with `limits`. It holds no state: each request carries its
/// [`Scope`](super::Scope) (caller's project, store, live feed, loaders) in its data.
pub fn build_schema(limits: &GraphqlLimits) -> AppSchema {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot,
    )
    .limit_depth(limits.max_depth)
    .limit_complexity(limits.max_complexity)
    .data(limits.clone())
    .finish()
}

/// The schema in SDL, as committed in `telemetry-api/schema.graphql`.
pub fn sdl() -> String {
    build_schema(&GraphqlLimits::default()).sdl()
}
