//! Agent and workflow attributes.

use serde::{Deserialize, Serialize};

use crate::Str;

/// Attributes of an agent run span.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AgentRun {
    /// Stable id of the agent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_id: Option<Str>,
    /// Human-readable name of the agent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_name: Option<Str>,
    /// What the agent is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Str>,
    /// System instructions given to the agent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instructions: Option<Str>,
    /// Names of the tools the agent may call.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub available_tools: Vec<Str>,
    /// Upper bound on reasoning/tool steps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_steps: Option<u32>,
    /// Steps actually taken.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub steps: Option<u32>,
    /// Default model of the agent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<Str>,
    /// Provider of the default model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<Str>,
}

impl AgentRun {
    /// Attributes of a run of the agent called `name`.
    pub fn named(name: impl Into<Str>) -> Self {
        AgentRun {
            agent_name: Some(name.into()),
            ..AgentRun::default()
        }
    }
}

/// Lifecycle state of a workflow or one of its steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkflowStatus {
    /// Not started yet.
    Pending,
    /// Running.
    Running,
    /// Suspended, waiting for input or an event.
    Suspended,
    /// Finished successfully.
    Succeeded,
    /// Finished with an error.
    Failed,
    /// Cancelled before finishing.
    Cancelled,
}

/// Attributes of a workflow run span.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkflowRun {
    /// Stable id of the workflow definition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workflow_id: Option<Str>,
    /// Name of the workflow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workflow_name: Option<Str>,
    /// Id of this execution.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_id: Option<Str>,
    /// State at the end of the span.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<WorkflowStatus>,
    /// 1 for the first attempt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempt: Option<u32>,
    /// The run was suspended during this span.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suspended: Option<bool>,
    /// The run resumed from a suspension in this span.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resumed: Option<bool>,
    /// Step the run resumed from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resumed_from_step: Option<Str>,
}

/// Attributes of a workflow step span.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkflowStep {
    /// Stable id of the workflow definition.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workflow_id: Option<Str>,
    /// Name of the workflow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workflow_name: Option<Str>,
    /// Id of the workflow execution.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_id: Option<Str>,
    /// Stable id of the step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step_id: Option<Str>,
    /// Name of the step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step_name: Option<Str>,
    /// State at the end of the span.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<WorkflowStatus>,
    /// 1 for the first attempt.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempt: Option<u32>,
    /// The step suspended the run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suspended: Option<bool>,
    /// The step resumed after a suspension.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resumed: Option<bool>,
}
