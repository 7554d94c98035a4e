// Every GraphQL document the page sends; each lives in its own .graphql file, which a Rust
// test (telemetry-api/tests/explorer/documents.rs) validates against the schema; shared fragments
// live in queries/fragments/ and are appended to the documents that spread them.
import traceList from "./queries/traces.graphql?raw";
import traceRow from "./queries/trace_row.graphql?raw";
import traceRowFields from "./queries/fragments/trace_row.graphql?raw";
import live from "./queries/live.graphql?raw";
import trace from "./queries/trace.graphql?raw";
import span from "./queries/span.graphql?raw";
import createScore from "./queries/create_score.graphql?raw";
import deleteScore from "./queries/delete_score.graphql?raw";
import sessions from "./queries/sessions.graphql?raw";
import session from "./queries/session.graphql?raw";
import dashboard from "./queries/dashboard.graphql?raw";
import scoreDistribution from "./queries/score_distribution.graphql?raw";
import filterOptions from "./queries/filter_options.graphql?raw";

export const Q = {
  traceList: traceList + traceRowFields,
  traceRow: traceRow + traceRowFields,
  live,
  trace,
  span,
  createScore,
  deleteScore,
  sessions,
  session,
  dashboard,
  scoreDistribution,
  filterOptions,
};
