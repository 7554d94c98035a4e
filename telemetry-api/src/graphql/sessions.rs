//! Sessions: the list with trace counts, times, tokens and cost, and one session's traces.

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Object};
use chrono::{DateTime, Utc};
use telemetry_store::{SessionSummary, TraceFilter, TraceOrder, session_cursor};

use super::errors::{GqlResult, from_store};
use super::inputs::{self, TimeRangeInput, connection_complexity, time};
use super::scope::Scope;
use super::traces::{TraceObject, trace_page};

/// A session: the traces of one conversation, summed up.
pub(crate) struct SessionObject(SessionSummary);

#[Object(name = "Session")]
impl SessionObject {
    /// Session id.
    async fn id(&self) -> &str {
        &self.0.session_id
    }

    /// Traces in the session.
    async fn trace_count(&self) -> i64 {
        self.0.trace_count
    }

    /// Start of its first trace.
    async fn first_time(&self) -> DateTime<Utc> {
        time(self.0.first_time)
    }

    /// Start of its last trace.
    async fn last_time(&self) -> DateTime<Utc> {
        time(self.0.last_time)
    }

    /// Tokens of all its traces.
    async fn total_tokens(&self) -> i64 {
        self.0.total_tokens
    }

    /// Cost of all its traces, USD.
    async fn total_cost(&self) -> f64 {
        self.0.total_cost
    }

    /// Whether any of its traces failed.
    async fn has_error(&self) -> bool {
        self.0.has_error
    }

    /// Its traces in order, oldest first.
    #[graphql(complexity = "connection_complexity(first, child_complexity)")]
    async fn traces(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> GqlResult<Connection<String, TraceObject>> {
        let filter = TraceFilter {
            session_id: Some(self.0.session_id.clone()),
            order: TraceOrder::StartTimeAsc,
            ..TraceFilter::default()
        };
        trace_page(ctx, filter, first, after).await
    }
}

/// Session queries.
#[derive(Default)]
pub(crate) struct SessionQueries;

#[Object]
impl SessionQueries {
    /// Sessions with a trace starting in `time`, most recently active first.
    #[graphql(complexity = "connection_complexity(first, child_complexity)")]
    async fn sessions(
        &self,
        ctx: &Context<'_>,
        time: Option<TimeRangeInput>,
        first: Option<i32>,
        after: Option<String>,
    ) -> GqlResult<Connection<String, SessionObject>> {
        let page = inputs::page(ctx, first, after)?;
        let range = TimeRangeInput::range(time)?;
        let scope = Scope::of(ctx)?;
        let found = scope
            .store()
            .list_sessions(scope.project(), &range, &page)
            .await
            .map_err(from_store)?;
        let mut connection = Connection::new(page.cursor.is_some(), found.next_cursor.is_some());
        for session in found.items {
            let cursor = session_cursor(&session);
            connection
                .edges
                .push(Edge::new(cursor, SessionObject(session)));
        }
        Ok(connection)
    }

    /// One session of the caller's project.
    async fn session(&self, ctx: &Context<'_>, id: String) -> GqlResult<Option<SessionObject>> {
        let scope = Scope::of(ctx)?;
        let found = scope.store().session(scope.project(), &id).await;
        Ok(found.map_err(from_store)?.map(SessionObject))
    }
}
