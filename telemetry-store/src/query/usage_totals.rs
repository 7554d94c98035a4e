//! The token and cost sums every usage query reports, written once: the row type, the SQL
//! that sums the span columns, and the reading of the result.

use sea_orm::QueryResult;
use serde::{Deserialize, Serialize};

use super::sql::Sql;
use crate::error::Result;

/// Tokens and cost summed over a group of spans.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct UsageTotals {
    /// Input tokens (including cached).
    pub input_tokens: i64,
    /// Output tokens (including reasoning).
    pub output_tokens: i64,
    /// Cache-read tokens.
    pub cache_read_tokens: i64,
    /// Cache-write tokens.
    pub cache_write_tokens: i64,
    /// Reasoning tokens.
    pub reasoning_tokens: i64,
    /// Total tokens.
    pub total_tokens: i64,
    /// Cost, USD.
    pub cost: f64,
}

/// The summed token columns of `spans`, in the order of [`UsageTotals`].
const TOKEN_COLUMNS: [&str; 6] = [
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "reasoning_tokens",
    "total_tokens",
];

impl UsageTotals {
    /// Pushes the select list of the sums of the columns of `table` (an alias such as `s.`,
    /// or `""`), named as the fields; the list ends without a comma, before `FROM`.
    pub(crate) fn push_sums(sql: &mut Sql, table: &str) {
        for col in TOKEN_COLUMNS {
            sql.push(&format!(
                "CAST(COALESCE(SUM({table}{col}), 0) AS BIGINT) AS {col}, "
            ));
        }
        sql.push(&format!(
            "CAST(COALESCE(SUM({table}cost), 0) AS DOUBLE PRECISION) AS cost "
        ));
    }

    /// Reads the sums pushed by [`push_sums`](Self::push_sums) from a result row.
    pub(crate) fn read(row: &QueryResult) -> Result<Self> {
        Ok(UsageTotals {
            input_tokens: row.try_get("", "input_tokens")?,
            output_tokens: row.try_get("", "output_tokens")?,
            cache_read_tokens: row.try_get("", "cache_read_tokens")?,
            cache_write_tokens: row.try_get("", "cache_write_tokens")?,
            reasoning_tokens: row.try_get("", "reasoning_tokens")?,
            total_tokens: row.try_get("", "total_tokens")?,
            cost: row.try_get("", "cost")?,
        })
    }
}
