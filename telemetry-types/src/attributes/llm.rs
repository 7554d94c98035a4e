//! LLM generation and embedding attributes, token usage and cost.

use serde::{Deserialize, Serialize};

use crate::Str;

/// What an LLM call produced, as the seed's `resultType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LlmResultType {
    /// The model chose tools to call.
    ToolSelection,
    /// The model produced an answer.
    ResponseGeneration,
    /// The model reasoned (thinking tokens) without answering yet.
    Reasoning,
}

/// The API shape of an LLM call; maps to `gen_ai.operation.name`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LlmOperation {
    /// Chat completion (messages in, message out).
    Chat,
    /// Legacy text completion (prompt in, text out).
    TextCompletion,
    /// Multimodal content generation (Gemini's `generateContent`).
    GenerateContent,
}

/// Token counts of a model call. Every field is optional: providers report different subsets.
///
/// The rule, whatever the provider: `input_tokens` is the whole prompt and INCLUDES
/// `cache_read_tokens` and `cache_write_tokens` (as OpenAI reports it); `output_tokens` includes
/// `reasoning_tokens`. For a provider that reports cache tokens apart from the prompt
/// (Anthropic's `input_tokens` excludes `cache_read_input_tokens` and
/// `cache_creation_input_tokens`), record their sum as `input_tokens`. The store prices
/// uncached input as `input_tokens − cache_read_tokens − cache_write_tokens`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Usage {
    /// Prompt tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_tokens: Option<u64>,
    /// Completion tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_tokens: Option<u64>,
    /// Total as reported by the provider.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_tokens: Option<u64>,
    /// Prompt tokens served from the provider's cache.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_read_tokens: Option<u64>,
    /// Prompt tokens written to the provider's cache.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_write_tokens: Option<u64>,
    /// Completion tokens spent on reasoning.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasoning_tokens: Option<u64>,
}

impl Usage {
    /// Usage with input and output tokens and their total.
    pub fn new(input_tokens: u64, output_tokens: u64) -> Self {
        Usage {
            input_tokens: Some(input_tokens),
            output_tokens: Some(output_tokens),
            total_tokens: Some(input_tokens + output_tokens),
            ..Usage::default()
        }
    }

    /// The reported total, or input + output when no total was reported.
    pub fn total(&self) -> Option<u64> {
        self.total_tokens
            .or(match (self.input_tokens, self.output_tokens) {
                (None, None) => None,
                (i, o) => Some(i.unwrap_or(0) + o.unwrap_or(0)),
            })
    }
}

/// Cost of a call, by component, in `currency` (USD when absent).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Cost {
    /// Cost of uncached input tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<f64>,
    /// Cost of output tokens (excluding reasoning when priced separately).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<f64>,
    /// Cost of cache-read input tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_read: Option<f64>,
    /// Cost of cache-write input tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache_write: Option<f64>,
    /// Cost of reasoning tokens when priced separately.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<f64>,
    /// Total cost.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<f64>,
    /// ISO 4217 currency code; USD when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<Str>,
}

impl Cost {
    /// A cost known only as a total, in USD.
    pub fn total_usd(total: f64) -> Self {
        Cost {
            total: Some(total),
            ..Cost::default()
        }
    }

    /// The total, or the sum of the components when no total was given.
    pub fn resolved_total(&self) -> Option<f64> {
        let parts = [
            self.input,
            self.output,
            self.cache_read,
            self.cache_write,
            self.reasoning,
        ];
        self.total.or_else(|| {
            parts
                .iter()
                .any(Option::is_some)
                .then(|| parts.iter().flatten().sum())
        })
    }
}

/// Request parameters of a model call.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ModelParameters {
    /// Sampling temperature.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// Maximum tokens to generate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u64>,
    /// Nucleus sampling probability.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    /// Top-k sampling.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_k: Option<u64>,
    /// Stop sequences.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub stop: Vec<Str>,
    /// Random seed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<i64>,
    /// Frequency penalty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frequency_penalty: Option<f64>,
    /// Presence penalty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub presence_penalty: Option<f64>,
    /// Number of candidate completions requested.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub choice_count: Option<u64>,
}

/// Attributes of an LLM generation span.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LlmGeneration {
    /// Requested model name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<Str>,
    /// Provider (`openai`, `anthropic`, `aws.bedrock`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<Str>,
    /// API shape of the call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<LlmOperation>,
    /// What the call produced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_type: Option<LlmResultType>,
    /// Token usage.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// Request parameters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameters: Option<ModelParameters>,
    /// Whether the answer was streamed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub streaming: Option<bool>,
    /// Milliseconds from the request to the first streamed token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_to_first_token_ms: Option<f64>,
    /// Why generation stopped, one per choice (`stop`, `length`, `tool_calls`, …).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub finish_reasons: Vec<Str>,
    /// Model that actually answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_model: Option<Str>,
    /// Provider's id of the response.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_id: Option<Str>,
    /// Cost of the call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<Cost>,
}

impl LlmGeneration {
    /// Attributes for a call to `model` at `provider`.
    pub fn new(model: impl Into<Str>, provider: impl Into<Str>) -> Self {
        LlmGeneration {
            model: Some(model.into()),
            provider: Some(provider.into()),
            ..LlmGeneration::default()
        }
    }
}

/// Attributes of an embedding generation span.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EmbeddingGeneration {
    /// Requested model name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<Str>,
    /// Provider.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<Str>,
    /// Number of inputs embedded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_count: Option<u64>,
    /// Dimensions of each vector.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dimensions: Option<u64>,
    /// Encoding of the returned vectors (`float`, `base64`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding_format: Option<Str>,
    /// Model that actually answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_model: Option<Str>,
    /// Token usage (input tokens only, for most providers).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// Cost of the call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cost: Option<Cost>,
}

impl EmbeddingGeneration {
    /// Attributes for embedding with `model` at `provider`.
    pub fn new(model: impl Into<Str>, provider: impl Into<Str>) -> Self {
        EmbeddingGeneration {
            model: Some(model.into()),
            provider: Some(provider.into()),
            ..EmbeddingGeneration::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_total_falls_back_to_sum() {
        assert_eq!(Usage::new(10, 5).total(), Some(15));
        let partial = Usage {
            input_tokens: Some(3),
            ..Usage::default()
        };
        assert_eq!(partial.total(), Some(3));
        assert_eq!(Usage::default().total(), None);
    }

    #[test]
    fn cost_total_falls_back_to_components() {
        let cost = Cost {
            input: Some(0.5),
            output: Some(0.25),
            ..Cost::default()
        };
        assert_eq!(cost.resolved_total(), Some(0.75));
        assert_eq!(Cost::total_usd(2.0).resolved_total(), Some(2.0));
        assert_eq!(Cost::default().resolved_total(), None);
    }
}
