// How numbers, times and span types look on the page.

export const SPAN_TYPES = [
  "AGENT_RUN",
  "WORKFLOW_RUN",
  "WORKFLOW_STEP",
  "LLM_GENERATION",
  "TOOL_CALL",
  "MCP_TOOL_CALL",
  "MEMORY_LOOKUP",
  "MEMORY_UPDATE",
  "RAG_QUERY",
  "EMBEDDING_GENERATION",
  "EVAL_EXECUTION",
  "GENERIC",
] as const;

export const TYPE_LABEL: Record<string, string> = {
  AGENT_RUN: "agent",
  WORKFLOW_RUN: "workflow",
  WORKFLOW_STEP: "step",
  LLM_GENERATION: "llm",
  TOOL_CALL: "tool",
  MCP_TOOL_CALL: "mcp",
  MEMORY_LOOKUP: "memory",
  MEMORY_UPDATE: "mem write",
  RAG_QUERY: "rag",
  EMBEDDING_GENERATION: "embed",
  EVAL_EXECUTION: "eval",
  GENERIC: "span",
};

export const TYPE_COLOR: Record<string, string> = {
  AGENT_RUN: "#6d5dfc",
  WORKFLOW_RUN: "#3b82f6",
  WORKFLOW_STEP: "#60a5fa",
  LLM_GENERATION: "#22a06b",
  TOOL_CALL: "#e8a317",
  MCP_TOOL_CALL: "#d97706",
  MEMORY_LOOKUP: "#0ea5b7",
  MEMORY_UPDATE: "#0891b2",
  RAG_QUERY: "#c026d3",
  EMBEDDING_GENERATION: "#a855f7",
  EVAL_EXECUTION: "#db2777",
  GENERIC: "#8a94a6",
};

/** Wire names of span types (`llm_generation`) as the enum (`LLM_GENERATION`). */
export function typeFromWire(wire: string | null | undefined): string {
  return (wire ?? "generic").toUpperCase();
}

export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  if (value === 0) return "0";
  if (value < 1) return `${value.toFixed(2)} ms`;
  if (value < 1000) return `${Math.round(value)} ms`;
  if (value < 60_000) return `${(value / 1000).toFixed(2)} s`;
  return `${(value / 60_000).toFixed(1)} min`;
}

export function usd(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  if (value === 0) return "$0";
  if (value < 0.000005) return "<$0.00001";
  if (value < 0.01) return `$${value.toFixed(5)}`;
  return `$${value.toFixed(2)}`;
}

export function count(value: number | null | undefined): string {
  if (value === null || value === undefined) return "—";
  return value.toLocaleString("en-US");
}

export function time(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function ago(iso: string): string {
  const seconds = (Date.now() - new Date(iso).getTime()) / 1000;
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))}s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)}m ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)}h ago`;
  return `${Math.round(seconds / 86400)}d ago`;
}

export function scoreText(s: { name: string; value?: number | null; label?: string | null; passed?: boolean | null }): string {
  if (s.value !== null && s.value !== undefined) return `${s.name} ${Number(s.value.toFixed(3))}`;
  if (s.label) return `${s.name}: ${s.label}`;
  if (s.passed !== null && s.passed !== undefined) return `${s.name} ${s.passed ? "✓" : "✗"}`;
  return s.name;
}

export function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}

/** `t` (ms since the epoch) as a `datetime-local` value in local time, as the list's from/to hold. */
export function localInput(t: number): string {
  const d = new Date(t);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
