//! The real thing: rig's OpenAI-compatible provider against a fake completion server on
//! 127.0.0.1, its `tracing` spans bridged by our layer. A plain chat answer with usage, then an
//! agent that calls one tool: the typed spans, their tokens and the tree.
#![cfg(feature = "tracing-bridge")]

use std::sync::Arc;

use axum::{Json, Router, routing::post};
use rig_agent::prelude::*;
use rig_core::message::ToolName;
use rig_core::providers::openai::{OpenAIConfig, Route};
use rig_core::tool::{DynamicTool, ToolOutput};
use serde_json::{Value, json};
use telemetry_bridges::TelemetryLayer;
use telemetry_core::testing::InMemoryExporter;
use telemetry_core::{SpanAttributes, SpanRecord, SpanType, Telemetry};
use tracing_subscriber::layer::SubscriberExt;

/// The fake OpenAI Chat Completions endpoint: a tool call when tools are offered and no tool
/// result came back yet, else a final answer. Usage on every reply.
async fn completions(Json(body): Json<Value>) -> Json<Value> {
    let messages = body["messages"].as_array().cloned().unwrap_or_default();
    let has_tool_result = messages.iter().any(|m| m["role"] == "tool");
    let offers_tools = body["tools"].as_array().is_some_and(|t| !t.is_empty());
    let usage = json!({
        "prompt_tokens": 40, "completion_tokens": 12, "total_tokens": 52,
        "prompt_tokens_details": { "cached_tokens": 16 },
        "completion_tokens_details": { "reasoning_tokens": 3 }
    });
    let message = if offers_tools && !has_tool_result {
        json!({ "role": "assistant", "content": null, "tool_calls": [{
            "id": "call_1", "type": "function",
            "function": { "name": "lookup_order", "arguments": "{\"order_id\":\"A1\"}" }
        }]})
    } else {
        json!({ "role": "assistant", "content": "Your order A1 has shipped." })
    };
    let finish = if message.get("tool_calls").is_some() {
        "tool_calls"
    } else {
        "stop"
    };
    Json(json!({
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "gpt-4o-mini",
        "choices": [{ "index": 0, "message": message, "finish_reason": finish }],
        "usage": usage
    }))
}

async fn fake_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let app = Router::new().route("/v1/chat/completions", post(completions));
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/v1")
}

fn lookup_order() -> DynamicTool {
    let schema = json!({
        "type": "object",
        "properties": { "order_id": { "type": "string" } },
        "required": ["order_id"]
    });
    let name = ToolName::new("lookup_order").expect("tool name");
    DynamicTool::new(name, "Look an order up", schema, |_args| {
        Box::pin(async { Ok(ToolOutput::json(json!({ "status": "shipped" }))) })
    })
}

fn by_type(spans: &[Arc<SpanRecord>], span_type: SpanType) -> Vec<Arc<SpanRecord>> {
    spans
        .iter()
        .filter(|s| s.attributes.span_type() == span_type)
        .cloned()
        .collect()
}

#[tokio::test]
async fn rig_chat_and_agent_with_a_tool_call_become_typed_spans() {
    let spans = InMemoryExporter::new();
    let telemetry = Telemetry::builder("rig-app")
        .exporter(spans.clone())
        .build()
        .expect("build");
    let subscriber = tracing_subscriber::registry().with(TelemetryLayer::new(telemetry.clone()));
    let _guard = tracing::subscriber::set_default(subscriber);

    let base_url = fake_server().await;
    let model = OpenAIConfig::new("test-key")
        .with_base_url(base_url)
        .with_route(Route::Chat)
        .client()
        .completion("gpt-4o-mini");

    let chat = AgentBuilder::new(model.clone()).name("chat").build();
    let answer = chat
        .prompt("Where is my order?")
        .await
        .expect("chat answer");
    assert_eq!(answer.output(), "Your order A1 has shipped.");

    let agent = AgentBuilder::new(model)
        .name("support")
        .dynamic_tool(lookup_order())
        .default_max_turns(3)
        .build();
    let answer = agent
        .prompt("Where is order A1?")
        .await
        .expect("agent answer");
    assert_eq!(answer.output(), "Your order A1 has shipped.");

    telemetry.flush().await.expect("flush");
    let ended = spans.ended_spans();
    let summary: Vec<_> = ended
        .iter()
        .map(|s| (s.name.to_string(), s.attributes.span_type()))
        .collect();

    let agents = by_type(&ended, SpanType::AgentRun);
    let llms = by_type(&ended, SpanType::LlmGeneration);
    let tools = by_type(&ended, SpanType::ToolCall);
    assert_eq!(agents.len(), 2, "{summary:?}");
    assert_eq!(
        llms.len(),
        3,
        "one chat turn, then a tool-call turn and an answer turn: {summary:?}"
    );
    assert_eq!(tools.len(), 1, "{summary:?}");

    for llm in &llms {
        assert_eq!(llm.attributes.model(), Some("gpt-4o-mini"), "{llm:?}");
        let usage = llm.attributes.usage().expect("usage");
        assert_eq!(usage.input_tokens, Some(40));
        assert_eq!(usage.output_tokens, Some(12));
        assert_eq!(usage.cache_read_tokens, Some(16));
        assert_eq!(usage.reasoning_tokens, Some(3));
    }

    let support = agents
        .iter()
        .find(|a| matches!(&a.attributes, SpanAttributes::AgentRun(r) if r.agent_name.as_deref() == Some("support")))
        .expect("support agent span");
    let tool = &tools[0];
    let SpanAttributes::ToolCall(call) = &tool.attributes else {
        panic!("tool call")
    };
    assert_eq!(call.tool_name.as_deref(), Some("lookup_order"));
    assert_eq!(call.call_id.as_deref(), Some("call_1"));

    // The tree: the tool call and the agent's two turns sit in the support agent's trace,
    // under the agent span.
    let in_support: Vec<_> = ended
        .iter()
        .filter(|s| s.trace_id == support.trace_id)
        .collect();
    assert_eq!(in_support.len(), 4, "{summary:?}");
    let ids: Vec<_> = in_support.iter().map(|s| s.span_id).collect();
    for span in in_support.iter().filter(|s| s.span_id != support.span_id) {
        let parent = span.parent_span_id.expect("child");
        assert!(
            ids.contains(&parent),
            "{} has its parent in the trace",
            span.name
        );
    }
    assert_eq!(tool.trace_id, support.trace_id);
}
