//! Model prices and the cost of a model call.
//!
//! Prices are USD per million tokens. A span's cost is computed only when it arrives without
//! one. Token accounting follows [`Usage`]: `input_tokens` *includes* the cache-read and
//! cache-write tokens, so the uncached input is `input − cache_read − cache_write`, and each
//! part is priced at its own rate (cache prices fall back to the input price). `output_tokens`
//! *includes* the reasoning tokens: when the model has a reasoning price they are priced at it
//! and the rest of the output at the output price; otherwise all output is priced at the
//! output price. Nothing is counted twice.
//!
//! The default table ships in the crate (`src/prices.json`) and covers common OpenAI,
//! Anthropic and Google models; each project can override it
//! ([`Store::set_project_prices`](crate::Store::set_project_prices)).

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use telemetry_types::attrs::{Cost, Usage};

use crate::error::{Error, Result};

/// The default price table, as shipped.
const DEFAULT_PRICES: &str = include_str!("prices.json");

/// The price of one model, USD per million tokens.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelPrice {
    /// Model name pattern; `*` matches any run of characters, matching ignores case.
    pub pattern: String,
    /// Provider the price applies to; `None` for any provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// Uncached input tokens.
    pub input: f64,
    /// Output tokens.
    pub output: f64,
    /// Input tokens read from the cache; the input price when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_read: Option<f64>,
    /// Input tokens written to the cache; the input price when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_write: Option<f64>,
    /// Reasoning tokens; the output price when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<f64>,
}

/// A list of model prices.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PriceTable {
    /// Where the prices come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The prices; the most specific matching pattern wins.
    pub models: Vec<ModelPrice>,
}

impl PriceTable {
    /// The table shipped with the crate.
    pub fn builtin() -> &'static PriceTable {
        static TABLE: OnceLock<PriceTable> = OnceLock::new();
        TABLE.get_or_init(|| PriceTable::from_json(DEFAULT_PRICES).unwrap_or_default())
    }

    /// Reads a table from JSON (the shape of `src/prices.json`).
    pub fn from_json(json: &str) -> Result<PriceTable> {
        let table: PriceTable =
            serde_json::from_str(json).map_err(|e| Error::PriceTable(e.to_string()))?;
        table.validate()?;
        Ok(table)
    }

    /// Rejects negative or non-finite prices and empty patterns.
    pub fn validate(&self) -> Result<()> {
        for price in &self.models {
            let all = [Some(price.input), Some(price.output)]
                .into_iter()
                .chain([price.cache_read, price.cache_write, price.reasoning])
                .flatten();
            if price.pattern.is_empty() {
                return Err(Error::PriceTable("empty model pattern".to_owned()));
            }
            if all.into_iter().any(|p| !p.is_finite() || p < 0.0) {
                return Err(Error::PriceTable(format!(
                    "negative or non-finite price for {:?}",
                    price.pattern
                )));
            }
        }
        Ok(())
    }

    /// The price of `model` at `provider`: the matching entry with the most specific pattern,
    /// preferring entries of that provider. A `provider/model` name is also tried as `model`.
    pub fn find(&self, model: &str, provider: Option<&str>) -> Option<&ModelPrice> {
        self.find_exact(model, provider).or_else(|| {
            let (_, short) = model.rsplit_once('/')?;
            self.find_exact(short, provider)
        })
    }

    fn find_exact(&self, model: &str, provider: Option<&str>) -> Option<&ModelPrice> {
        let model = model.to_ascii_lowercase();
        self.models
            .iter()
            .filter(|p| glob_match(&p.pattern.to_ascii_lowercase(), &model))
            .filter_map(|p| provider_rank(p, provider).map(|rank| (rank, specificity(p), p)))
            .max_by_key(|(rank, spec, _)| (*rank, *spec))
            .map(|(_, _, p)| p)
    }
}

/// 2 when the entry names the span's provider, 1 when it names none (or the span has none),
/// `None` when it names another provider.
fn provider_rank(price: &ModelPrice, provider: Option<&str>) -> Option<u8> {
    match (&price.provider, provider) {
        (Some(want), Some(have)) if want.eq_ignore_ascii_case(have) => Some(2),
        (Some(_), Some(_)) => None,
        _ => Some(1),
    }
}

/// How many literal characters a pattern has.
fn specificity(price: &ModelPrice) -> usize {
    price.pattern.chars().filter(|c| *c != '*').count()
}

/// Whether `text` matches `pattern`, where `*` matches any run of characters.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        return pattern == text;
    };
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

impl ModelPrice {
    /// The cost of `usage` at this price; `None` when the usage has no input or output tokens.
    pub fn cost(&self, usage: &Usage) -> Option<Cost> {
        if usage.input_tokens.is_none() && usage.output_tokens.is_none() {
            return None;
        }
        let per_token = |tokens: u64, price: f64| tokens as f64 * price / 1_000_000.0;
        let cache_read = usage.cache_read_tokens.unwrap_or(0);
        let cache_write = usage.cache_write_tokens.unwrap_or(0);
        let uncached = usage
            .input_tokens
            .unwrap_or(0)
            .saturating_sub(cache_read.saturating_add(cache_write));
        let output = usage.output_tokens.unwrap_or(0);
        let reasoning = usage.reasoning_tokens.unwrap_or(0).min(output);
        let (output_cost, reasoning_cost) = match self.reasoning {
            Some(price) => (
                per_token(output - reasoning, self.output),
                (reasoning > 0).then(|| per_token(reasoning, price)),
            ),
            None => (per_token(output, self.output), None),
        };
        let input = per_token(uncached, self.input);
        let read =
            (cache_read > 0).then(|| per_token(cache_read, self.cache_read.unwrap_or(self.input)));
        let write = (cache_write > 0)
            .then(|| per_token(cache_write, self.cache_write.unwrap_or(self.input)));
        let total = input
            + output_cost
            + read.unwrap_or(0.0)
            + write.unwrap_or(0.0)
            + reasoning_cost.unwrap_or(0.0);
        Some(Cost {
            input: Some(input),
            output: Some(output_cost),
            cache_read: read,
            cache_write: write,
            reasoning: reasoning_cost,
            total: Some(total),
            currency: None,
        })
    }
}

/// The price of a model: the project's table first, then `fallback`.
pub fn find_price<'a>(
    project: Option<&'a PriceTable>,
    fallback: &'a PriceTable,
    model: &str,
    provider: Option<&str>,
) -> Option<&'a ModelPrice> {
    project
        .and_then(|table| table.find(model, provider))
        .or_else(|| fallback.find(model, provider))
}

/// The cost of a call: the project's table first, then `fallback`.
pub fn compute_cost(
    project: Option<&PriceTable>,
    fallback: &PriceTable,
    model: &str,
    provider: Option<&str>,
    usage: &Usage,
) -> Option<Cost> {
    find_price(project, fallback, model, provider).and_then(|price| price.cost(usage))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    fn usage(input: u64, output: u64) -> Usage {
        Usage {
            input_tokens: Some(input),
            output_tokens: Some(output),
            ..Usage::default()
        }
    }

    #[test]
    fn builtin_table_parses_and_covers_common_models() {
        let table = PriceTable::builtin();
        assert!(table.models.len() > 20);
        for model in [
            "gpt-4o",
            "gpt-4o-mini",
            "text-embedding-3-small",
            "claude-sonnet-4-5",
        ] {
            assert!(table.find(model, None).is_some(), "{model}");
        }
        assert!(table.find("gemini-2.5-pro", Some("google")).is_some());
    }

    #[test]
    fn most_specific_pattern_wins() {
        let table = PriceTable::builtin();
        assert_eq!(
            table.find("gpt-4o-mini-2024-07-18", None).unwrap().input,
            0.15
        );
        assert_eq!(
            table
                .find("gpt-4o-2024-08-06", Some("openai"))
                .unwrap()
                .input,
            2.5
        );
        assert_eq!(table.find("openai/gpt-4o", None).unwrap().input, 2.5);
        assert!(table.find("gpt-4o", Some("anthropic")).is_none());
        assert!(table.find("my-own-model", None).is_none());
    }

    #[test]
    fn gpt_4o_plain_cost() {
        // 1000 input × $2.50/M + 500 output × $10/M = 0.0025 + 0.005.
        let cost = PriceTable::builtin()
            .find("gpt-4o", Some("openai"))
            .unwrap()
            .cost(&usage(1000, 500))
            .unwrap();
        assert!(close(cost.input.unwrap(), 0.0025));
        assert!(close(cost.output.unwrap(), 0.005));
        assert!(close(cost.total.unwrap(), 0.0075));
    }

    #[test]
    fn cached_input_is_not_counted_twice() {
        // gpt-4o-mini: 10_000 input of which 4_000 cached; 1_000 output.
        // uncached 6_000 × 0.15/M = 0.0009; cached 4_000 × 0.075/M = 0.0003;
        // output 1_000 × 0.60/M = 0.0006; total 0.0018.
        let mut u = usage(10_000, 1_000);
        u.cache_read_tokens = Some(4_000);
        let cost = PriceTable::builtin()
            .find("gpt-4o-mini", None)
            .unwrap()
            .cost(&u)
            .unwrap();
        assert!(close(cost.input.unwrap(), 0.0009));
        assert!(close(cost.cache_read.unwrap(), 0.0003));
        assert!(close(cost.total.unwrap(), 0.0018));
    }

    #[test]
    fn anthropic_cache_write_and_read() {
        // claude-sonnet-4: 5_000 input = 1_000 uncached + 3_000 read + 1_000 written; 200 output.
        // 1_000 × 3/M = 0.003; 3_000 × 0.30/M = 0.0009; 1_000 × 3.75/M = 0.00375;
        // 200 × 15/M = 0.003; total 0.01065.
        let u = Usage {
            input_tokens: Some(5_000),
            output_tokens: Some(200),
            cache_read_tokens: Some(3_000),
            cache_write_tokens: Some(1_000),
            ..Usage::default()
        };
        let cost = PriceTable::builtin()
            .find("claude-sonnet-4-20250514", Some("anthropic"))
            .unwrap()
            .cost(&u)
            .unwrap();
        assert!(close(cost.total.unwrap(), 0.01065), "{cost:?}");
    }

    #[test]
    fn reasoning_priced_separately_only_when_a_price_exists() {
        let mut price = ModelPrice {
            pattern: "r1".into(),
            provider: None,
            input: 1.0,
            output: 4.0,
            cache_read: None,
            cache_write: None,
            reasoning: None,
        };
        let mut u = usage(1_000, 3_000);
        u.reasoning_tokens = Some(2_000);
        // No reasoning price: all 3_000 output at 4/M = 0.012, plus input 0.001.
        let plain = price.cost(&u).unwrap();
        assert!(close(plain.total.unwrap(), 0.013));
        assert_eq!(plain.reasoning, None);
        // Reasoning at 2/M: 1_000 × 4/M + 2_000 × 2/M = 0.004 + 0.004, plus input 0.001.
        price.reasoning = Some(2.0);
        let split = price.cost(&u).unwrap();
        assert!(close(split.output.unwrap(), 0.004));
        assert!(close(split.reasoning.unwrap(), 0.004));
        assert!(close(split.total.unwrap(), 0.009));
    }

    #[test]
    fn embeddings_and_missing_usage() {
        let price = PriceTable::builtin()
            .find("text-embedding-3-small", None)
            .unwrap();
        // 1M tokens at $0.02/M.
        let cost = price
            .cost(&Usage {
                input_tokens: Some(1_000_000),
                ..Usage::default()
            })
            .unwrap();
        assert!(close(cost.total.unwrap(), 0.02));
        assert!(price.cost(&Usage::default()).is_none());
    }

    #[test]
    fn project_table_overrides_the_default() {
        let project =
            PriceTable::from_json(r#"{"models":[{"pattern":"gpt-4o","input":1.0,"output":1.0}]}"#)
                .unwrap();
        let cost = compute_cost(
            Some(&project),
            PriceTable::builtin(),
            "gpt-4o",
            None,
            &usage(1_000_000, 0),
        )
        .unwrap();
        assert!(close(cost.total.unwrap(), 1.0));
        assert!(
            PriceTable::from_json(r#"{"models":[{"pattern":"x","input":-1,"output":0}]}"#).is_err()
        );
    }

    #[test]
    fn globs() {
        assert!(glob_match("gpt-4o*", "gpt-4o-mini"));
        assert!(glob_match("claude-3-*sonnet*", "claude-3-5-sonnet-2024"));
        assert!(!glob_match("gpt-4", "gpt-4o"));
        assert!(glob_match("*", ""));
        assert!(!glob_match("a*a", "a"));
    }
}
