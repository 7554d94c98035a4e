//! The protections of the GraphQL endpoint and their defaults.

use std::time::Duration;

/// Limits applied to every GraphQL request.
///
/// ```
/// use telemetry_api::graphql::GraphqlLimits;
/// let strict = GraphqlLimits { max_depth: 8, ..GraphqlLimits::default() };
/// assert!(strict.max_page_size <= 1000);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphqlLimits {
    /// Deepest selection nesting accepted (GraphiQL's introspection query needs about 13).
    pub max_depth: usize,
    /// Largest complexity accepted: each field counts 1, a list or connection field
    /// multiplies its selection by its expected size (`first` for connections).
    pub max_complexity: usize,
    /// Largest `POST /graphql` body, in bytes (413 above).
    pub max_body_bytes: usize,
    /// Longest a query may run before it is abandoned with a "query timed out" error.
    pub timeout: Duration,
    /// Largest `first` of a connection (larger is an error, not a silent clamp).
    pub max_page_size: u32,
}

impl Default for GraphqlLimits {
    fn default() -> Self {
        GraphqlLimits {
            max_depth: 16,
            max_complexity: 50_000,
            max_body_bytes: 256 * 1024,
            timeout: Duration::from_secs(15),
            max_page_size: 200,
        }
    }
}

/// Default page size of connections when `first` is not given.
pub(crate) const DEFAULT_PAGE_SIZE: i32 = 20;

/// Complexity multiplier of long lists (a trace's spans, a span's descendants).
pub(crate) const LIST_WEIGHT: usize = 20;

/// Complexity multiplier of short lists (a span's children, a trace's roots, scores).
pub(crate) const BRANCH_WEIGHT: usize = 5;

/// Largest complexity one field reports, so that sums over a whole query cannot overflow.
pub(crate) const FIELD_COMPLEXITY_CAP: usize = 1 << 32;

/// The complexity of a list field expected to hold about `weight` items.
pub(crate) fn weighted(weight: usize, child: usize) -> usize {
    weight.saturating_mul(child).min(FIELD_COMPLEXITY_CAP)
}
