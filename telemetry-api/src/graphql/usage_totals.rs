//! The token and cost sums of the store's [`UsageTotals`], as GraphQL fields: flattened into
//! every object that reports usage, so they are declared once.

use async_graphql::SimpleObject;
use telemetry_store::UsageTotals;

/// Tokens and cost summed over a group of spans.
#[derive(SimpleObject)]
pub(crate) struct UsageTotalsObject {
    /// Input tokens (including cached).
    input_tokens: i64,
    /// Output tokens (including reasoning).
    output_tokens: i64,
    /// Cache-read tokens.
    cache_read_tokens: i64,
    /// Cache-write tokens.
    cache_write_tokens: i64,
    /// Reasoning tokens.
    reasoning_tokens: i64,
    /// Total tokens.
    total_tokens: i64,
    /// Cost, USD.
    cost: f64,
}

impl From<UsageTotals> for UsageTotalsObject {
    fn from(t: UsageTotals) -> Self {
        UsageTotalsObject {
            input_tokens: t.input_tokens,
            output_tokens: t.output_tokens,
            cache_read_tokens: t.cache_read_tokens,
            cache_write_tokens: t.cache_write_tokens,
            reasoning_tokens: t.reasoning_tokens,
            total_tokens: t.total_tokens,
            cost: t.cost,
        }
    }
}
