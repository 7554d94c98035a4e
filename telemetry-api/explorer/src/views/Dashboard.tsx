// The dashboard over a chosen range: traces and errors, latency quantiles, tokens and cost,
// eval scores; each chart leads to the filtered trace list behind it.
import { Q } from "../queries";
import { navigate, useLocation } from "../router";
import { useQuery } from "../useQuery";
import { TYPE_COLOR, TYPE_LABEL, count, localInput, ms, typeFromWire, usd } from "../format";
import { HBars, Lines, PALETTE, StackedBars } from "../components/charts";

const RANGES: [string, string, number, number][] = [
  ["1h", "Last hour", 3600, 120],
  ["24h", "Last 24 hours", 86400, 3600],
  ["7d", "Last 7 days", 7 * 86400, 6 * 3600],
  ["30d", "Last 30 days", 30 * 86400, 86400],
];

type Latency = { group: { spanType?: string | null; model?: string | null }; count: number; avgMs: number; quantiles: { q: number; ms: number }[] };
type Data = {
  series: {
    traceCounts: { bucket: string; traces: number; errors: number; errorRate: number }[];
    usage: { bucket: string; group: { model: string | null }; totalTokens: number; cost: number }[];
  };
  totals: {
    byType: Latency[];
    byModel: Latency[];
    usage: { group: { model: string | null; provider: string | null }; calls: number; inputTokens: number; outputTokens: number; cacheReadTokens: number; reasoningTokens: number; totalTokens: number; cost: number }[];
  };
  evals: { series: { bucket: string; name: string; evaluator: string | null; count: number; avg: number | null; passRate: number | null }[] };
};
type Dist = { evals: { distribution: { histogram: { lower: number; upper: number; count: number }[]; labels: { label: string; count: number }[]; passed: number; failed: number } } };

/** Every bucket start from `from` to now, so empty buckets show as gaps, not as missing bars. */
function buckets(fromMs: number, size: number): number[] {
  const out = [];
  const start = Math.floor(fromMs / 1000 / size) * size * 1000;
  for (let t = start; t <= Date.now(); t += size * 1000) out.push(t);
  return out;
}

function label(t: number, size: number): string {
  const d = new Date(t);
  const pad = (n: number) => String(n).padStart(2, "0");
  return size >= 86400 ? `${d.getMonth() + 1}/${d.getDate()}` : size >= 3600 * 6 ? `${d.getMonth() + 1}/${d.getDate()} ${pad(d.getHours())}h` : `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function quantile(l: Latency, q: number): number {
  return l.quantiles.find((x) => Math.abs(x.q - q) < 1e-9)?.ms ?? 0;
}

function LatencyTable({ rows, by }: { rows: Latency[]; by: "type" | "model" }) {
  const max = Math.max(1, ...rows.map((r) => quantile(r, 0.99)));
  return (
    <table class="latency">
      <thead>
        <tr>
          <th>{by === "type" ? "Span type" : "Model"}</th>
          <th class="num">Spans</th>
          <th class="num">p50</th>
          <th class="num">p95</th>
          <th class="num">p99</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const key = by === "type" ? typeFromWire(r.group.spanType) : r.group.model ?? "(none)";
          const href = by === "type" ? `/?type=${key}` : r.group.model ? `/?model=${encodeURIComponent(r.group.model)}` : "/";
          return (
            <tr onClick={() => navigate(href)} class="clickable">
              <td>{by === "type" ? <><i class="swatch" style={{ background: TYPE_COLOR[key] }} /> {TYPE_LABEL[key] ?? key}</> : key}</td>
              <td class="num">{count(r.count)}</td>
              <td class="num">{ms(quantile(r, 0.5))}</td>
              <td class="num">{ms(quantile(r, 0.95))}</td>
              <td class="num">{ms(quantile(r, 0.99))}</td>
              <td class="qbar">
                <span style={{ left: `${(quantile(r, 0.5) / max) * 100}%`, width: `${((quantile(r, 0.99) - quantile(r, 0.5)) / max) * 100}%` }} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Distribution({ name, time }: { name: string; time: { from: string } }) {
  const { data } = useQuery<Dist>(Q.scoreDistribution, { time, name });
  const d = data?.evals.distribution;
  if (!d) return null;
  if (d.histogram.length) {
    return <StackedBars labels={d.histogram.map((b) => b.lower.toFixed(2))} series={[{ name, color: "#db2777", values: d.histogram.map((b) => b.count) }]} format={(v) => String(Math.round(v))} />;
  }
  const rows = [...d.labels.map((l) => ({ label: l.label, value: l.count })), ...(d.passed + d.failed ? [{ label: "passed", value: d.passed, color: "#22a06b" }, { label: "failed", value: d.failed, color: "#dc2626" }] : [])];
  return <HBars rows={rows} format={(v) => String(v)} />;
}

export function Dashboard() {
  const { params } = useLocation();
  const range = RANGES.find(([id]) => id === params.get("range")) ?? RANGES[1];
  const [, , seconds, size] = range;
  // Rounded to the minute so that re-renders ask for the same range.
  const fromMs = Math.floor((Date.now() - seconds * 1000) / 60000) * 60000;
  const time = { from: new Date(fromMs).toISOString() };
  const { data, error, loading } = useQuery<Data>(Q.dashboard, { time, bucketSeconds: size });
  const all = buckets(fromMs, size);
  const labels = all.map((t) => label(t, size));
  const at = <T extends { bucket: string }>(points: T[]) => {
    const m = new Map<number, T[]>();
    for (const p of points) {
      const k = Math.floor(new Date(p.bucket).getTime() / 1000 / size) * size * 1000;
      m.set(k, [...(m.get(k) ?? []), p]);
    }
    return (t: number) => m.get(t) ?? [];
  };
  const tc = at(data?.series.traceCounts ?? []);
  const traces = all.map((t) => tc(t).reduce((s, p) => s + p.traces, 0));
  const errors = all.map((t) => tc(t).reduce((s, p) => s + p.errors, 0));
  const hrefs = all.map((t) => `/?from=${localInput(t)}&to=${localInput(t + size * 1000)}`);
  const usage = at(data?.series.usage ?? []);
  const models = [...new Set((data?.series.usage ?? []).map((u) => u.group.model ?? "(none)"))];
  const costSeries = models.map((m, i) => ({ name: m, color: PALETTE[i % PALETTE.length], values: all.map((t) => usage(t).filter((u) => (u.group.model ?? "(none)") === m).reduce((s, u) => s + u.cost, 0)) }));
  const tokenSeries = models.map((m, i) => ({ name: m, color: PALETTE[i % PALETTE.length], values: all.map((t) => usage(t).filter((u) => (u.group.model ?? "(none)") === m).reduce((s, u) => s + u.totalTokens, 0)) }));
  const evalSeries = data?.evals.series ?? [];
  const evalKeys = [...new Set(evalSeries.map((s) => `${s.name}\u0000${s.evaluator ?? ""}`))];
  const ev = at(evalSeries);
  const scoreNames = [...new Set(evalSeries.map((s) => s.name))];
  const totalTraces = traces.reduce((a, b) => a + b, 0);
  const totalErrors = errors.reduce((a, b) => a + b, 0);
  const totalUsage = data?.totals.usage ?? [];
  return (
    <div class="page">
      <div class="page-head">
        <h1>Dashboard</h1>
        <div class="spacer" />
        <div class="segmented">
          {RANGES.map(([id, l]) => (
            <button class={id === range[0] ? "active" : ""} onClick={() => navigate(`/dashboard?range=${id}`)}>
              {l}
            </button>
          ))}
        </div>
      </div>
      {error && <div class="alert">{error}</div>}
      {loading && !data && <div class="empty">Loading…</div>}
      {data && (
        <>
          <div class="stat-row">
            <div class="card stat"><span class="stat-value">{count(totalTraces)}</span><span class="muted">traces</span></div>
            <div class="card stat"><span class="stat-value">{totalTraces ? ((totalErrors / totalTraces) * 100).toFixed(1) : "0"}%</span><span class="muted">error rate</span></div>
            <div class="card stat"><span class="stat-value">{count(totalUsage.reduce((s, u) => s + u.totalTokens, 0))}</span><span class="muted">tokens</span></div>
            <div class="card stat"><span class="stat-value">{usd(totalUsage.reduce((s, u) => s + u.cost, 0))}</span><span class="muted">cost</span></div>
          </div>
          <div class="grid">
            <div class="card chart-card">
              <h3>Traces and errors</h3>
              <StackedBars labels={labels} hrefs={hrefs} series={[{ name: "ok", color: "#6d5dfc", values: traces.map((t, i) => t - errors[i]) }, { name: "errors", color: "#dc2626", values: errors }]} format={(v) => String(Math.round(v))} />
            </div>
            <div class="card chart-card">
              <h3>Error rate</h3>
              <Lines labels={labels} series={[{ name: "error rate", color: "#dc2626", values: all.map((_, i) => (traces[i] ? errors[i] / traces[i] : null)) }]} format={(v) => `${Math.round(v * 100)}%`} max={1} />
            </div>
            <div class="card chart-card">
              <h3>Latency by span type</h3>
              <LatencyTable rows={data.totals.byType} by="type" />
            </div>
            <div class="card chart-card">
              <h3>Latency by model</h3>
              <LatencyTable rows={data.totals.byModel.filter((r) => r.group.model)} by="model" />
            </div>
            <div class="card chart-card">
              <h3>Cost by model and provider</h3>
              <HBars
                rows={totalUsage.filter((u) => u.cost > 0 || u.totalTokens > 0).map((u, i) => ({
                  label: `${u.group.model ?? "(none)"} · ${u.group.provider ?? "?"}`,
                  value: u.cost,
                  extra: `${count(u.totalTokens)} tok · ${u.calls} calls`,
                  color: PALETTE[i % PALETTE.length],
                  href: `/?${new URLSearchParams({ ...(u.group.model ? { model: u.group.model } : {}), ...(u.group.provider ? { provider: u.group.provider } : {}) })}`,
                }))}
                format={usd}
              />
            </div>
            <div class="card chart-card">
              <h3>Cost over time</h3>
              <StackedBars labels={labels} hrefs={hrefs} series={costSeries} format={usd} />
            </div>
            <div class="card chart-card">
              <h3>Tokens over time</h3>
              <StackedBars labels={labels} hrefs={hrefs} series={tokenSeries} format={(v) => count(Math.round(v))} />
            </div>
            <div class="card chart-card">
              <h3>Eval scores over time</h3>
              {evalKeys.length ? (
                <Lines
                  labels={labels}
                  series={evalKeys.map((k, i) => {
                    const [name, evaluator] = k.split("\u0000");
                    return { name: `${name} (${evaluator || "—"})`, color: PALETTE[i % PALETTE.length], values: all.map((t) => ev(t).find((p) => p.name === name && (p.evaluator ?? "") === evaluator)?.avg ?? null) };
                  })}
                  format={(v) => v.toFixed(2)}
                />
              ) : (
                <div class="muted">No scores in this range.</div>
              )}
            </div>
            {scoreNames.map((n) => (
              <div class="card chart-card">
                <h3>Distribution of {n}</h3>
                <Distribution name={n} time={time} />
              </div>
            ))}
          </div>
        </>
      )}
    </div>
  );
}
