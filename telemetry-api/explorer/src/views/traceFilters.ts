// The trace list's filters as URL query parameters and as the API's TraceFilterInput.

export const TIME_PRESETS: [string, string, number][] = [
  ["15m", "Last 15 minutes", 15 * 60],
  ["1h", "Last hour", 3600],
  ["24h", "Last 24 hours", 86400],
  ["7d", "Last 7 days", 7 * 86400],
  ["30d", "Last 30 days", 30 * 86400],
];

export const ORDERS: [string, string][] = [
  ["START_TIME_DESC", "Newest first"],
  ["START_TIME_ASC", "Oldest first"],
  ["DURATION_DESC", "Longest first"],
  ["COST_DESC", "Most expensive first"],
];

/** URL parameter → what it means; every filter of the list is one of these. */
export const FILTER_PARAMS = ["q", "range", "from", "to", "errors", "type", "model", "provider", "user", "session", "tag", "env", "release", "minDuration", "minCost"] as const;

/** The time range a `range` preset or explicit `from`/`to` stand for. */
export function timeRange(params: URLSearchParams): { from?: string; to?: string } | undefined {
  const preset = TIME_PRESETS.find(([id]) => id === params.get("range"));
  if (preset) return { from: new Date(Date.now() - preset[2] * 1000).toISOString() };
  const from = params.get("from");
  const to = params.get("to");
  if (!from && !to) return undefined;
  const range: { from?: string; to?: string } = {};
  if (from) range.from = new Date(from).toISOString();
  if (to) range.to = new Date(to).toISOString();
  return range;
}

export function toFilterInput(params: URLSearchParams): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  const text = (param: string, field: string) => {
    const v = params.get(param)?.trim();
    if (v) filter[field] = v;
  };
  const number = (param: string, field: string) => {
    const v = Number(params.get(param));
    if (params.get(param) && Number.isFinite(v)) filter[field] = v;
  };
  const time = timeRange(params);
  if (time) filter.time = time;
  text("q", "nameContains");
  text("type", "spanType");
  text("model", "model");
  text("provider", "provider");
  text("user", "userId");
  text("session", "sessionId");
  text("env", "environment");
  text("release", "release");
  number("minDuration", "minDurationMs");
  number("minCost", "minCost");
  if (params.get("errors") === "1") filter.hasError = true;
  const tags = (params.get("tag") ?? "").split(",").map((t) => t.trim()).filter(Boolean);
  if (tags.length) filter.tags = tags;
  return filter;
}

/** The URL of the list with `changes` applied (a filter change starts at the first page). */
export function withParams(params: URLSearchParams, changes: Record<string, string | null>): string {
  const next = new URLSearchParams(params);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === "") next.delete(k);
    else next.set(k, v);
  }
  if (!("after" in changes)) next.delete("after");
  const qs = next.toString();
  return qs ? `/?${qs}` : "/";
}
