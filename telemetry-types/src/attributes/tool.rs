//! Tool call and MCP tool call attributes.

use serde::{Deserialize, Serialize};

use crate::Str;

/// Attributes of a tool call span.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ToolCall {
    /// Name of the tool.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_name: Option<Str>,
    /// Stable id of the tool definition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_id: Option<Str>,
    /// Id of this call, as the model gave it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call_id: Option<Str>,
    /// What the tool does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Str>,
    /// `function`, `extension`, `datastore`, … (as `gen_ai.tool.type`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_type: Option<Str>,
    /// Whether the call succeeded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub success: Option<bool>,
}

impl ToolCall {
    /// Attributes of a call to the tool `name`.
    pub fn named(name: impl Into<Str>) -> Self {
        ToolCall {
            tool_name: Some(name.into()),
            ..ToolCall::default()
        }
    }
}

/// Attributes of an MCP tool call span.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct McpToolCall {
    /// Name of the tool.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_name: Option<Str>,
    /// Stable id of the tool.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tool_id: Option<Str>,
    /// JSON-RPC request id of this call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call_id: Option<Str>,
    /// What the tool does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Str>,
    /// Whether the call succeeded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub success: Option<bool>,
    /// Name the MCP server reports.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_name: Option<Str>,
    /// Version the MCP server reports.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_version: Option<Str>,
    /// Transport: `stdio`, `streamable_http`, `sse`, `websocket`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transport: Option<Str>,
    /// MCP session id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_id: Option<Str>,
    /// MCP protocol version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol_version: Option<Str>,
}

impl McpToolCall {
    /// Attributes of a call to the tool `name` on the MCP server `server`.
    pub fn new(server: impl Into<Str>, name: impl Into<Str>) -> Self {
        McpToolCall {
            server_name: Some(server.into()),
            tool_name: Some(name.into()),
            ..McpToolCall::default()
        }
    }
}
