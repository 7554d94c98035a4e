// Small hand-drawn SVG charts; every bar or row can link to the traces behind it.
import { linkHandler } from "../router";

export type Series = { name: string; color: string; values: number[] };

const W = 560;
const H = 170;
const PAD = { l: 44, r: 8, t: 10, b: 22 };

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const pow = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 2.5, 5, 10].map((m) => m * pow).find((m) => m >= v) ?? v) as number;
}

/** Stacked bars per bucket; `hrefs[i]` is where bucket i leads. */
export function StackedBars({ labels, series, hrefs, format }: { labels: string[]; series: Series[]; hrefs?: string[]; format: (v: number) => string }) {
  const totals = labels.map((_, i) => series.reduce((s, x) => s + (x.values[i] ?? 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const iw = W - PAD.l - PAD.r;
  const ih = H - PAD.t - PAD.b;
  const bw = labels.length ? iw / labels.length : iw;
  const y = (v: number) => PAD.t + ih - (v / max) * ih;
  const every = Math.max(1, Math.ceil(labels.length / 8));
  return (
    <svg viewBox={`0 0 ${W} ${H}`} class="chart">
      {[0, 0.5, 1].map((f) => (
        <g>
          <line x1={PAD.l} x2={W - PAD.r} y1={y(max * f)} y2={y(max * f)} class="grid" />
          <text x={PAD.l - 4} y={y(max * f) + 3} class="axis-label" text-anchor="end">
            {format(max * f)}
          </text>
        </g>
      ))}
      {labels.map((label, i) => {
        let base = 0;
        const bars = series.map((s) => {
          const v = s.values[i] ?? 0;
          const rect = <rect x={PAD.l + i * bw + 1} width={Math.max(bw - 2, 1)} y={y(base + v)} height={Math.max(y(base) - y(base + v), 0)} fill={s.color} />;
          base += v;
          return rect;
        });
        const title = `${label}: ${series.map((s) => `${s.name} ${format(s.values[i] ?? 0)}`).join(", ")}`;
        const group = (
          <g class="bar-group">
            <title>{title}</title>
            <rect x={PAD.l + i * bw} width={bw} y={PAD.t} height={ih} class="hover-target" />
            {bars}
            {i % every === 0 && (
              <text x={PAD.l + i * bw + bw / 2} y={H - 6} class="axis-label" text-anchor="middle">
                {label}
              </text>
            )}
          </g>
        );
        return hrefs?.[i] ? (
          <a href={hrefs[i]} onClick={linkHandler(hrefs[i]) as unknown as (e: Event) => void}>
            {group}
          </a>
        ) : (
          group
        );
      })}
    </svg>
  );
}

/** Lines per series over buckets (gaps where a value is missing). */
export function Lines({ labels, series, format, max: fixedMax }: { labels: string[]; series: { name: string; color: string; values: (number | null)[] }[]; format: (v: number) => string; max?: number }) {
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const max = fixedMax ?? niceMax(Math.max(0, ...all));
  const iw = W - PAD.l - PAD.r;
  const ih = H - PAD.t - PAD.b;
  const x = (i: number) => PAD.l + (labels.length > 1 ? (i / (labels.length - 1)) * iw : iw / 2);
  const y = (v: number) => PAD.t + ih - (v / max) * ih;
  const every = Math.max(1, Math.ceil(labels.length / 8));
  return (
    <svg viewBox={`0 0 ${W} ${H}`} class="chart">
      {[0, 0.5, 1].map((f) => (
        <g>
          <line x1={PAD.l} x2={W - PAD.r} y1={y(max * f)} y2={y(max * f)} class="grid" />
          <text x={PAD.l - 4} y={y(max * f) + 3} class="axis-label" text-anchor="end">
            {format(max * f)}
          </text>
        </g>
      ))}
      {labels.map((l, i) =>
        i % every === 0 ? (
          <text x={x(i)} y={H - 6} class="axis-label" text-anchor="middle">
            {l}
          </text>
        ) : null,
      )}
      {series.map((s) => {
        const pts = s.values.map((v, i) => (v === null ? null : `${x(i)},${y(v)}`));
        const segments: string[][] = [[]];
        pts.forEach((p) => (p === null ? segments.push([]) : segments[segments.length - 1].push(p)));
        return (
          <g>
            <title>{s.name}</title>
            {segments.filter((seg) => seg.length).map((seg) => (
              <polyline points={seg.join(" ")} fill="none" stroke={s.color} stroke-width="2" />
            ))}
            {s.values.map((v, i) => (v === null ? null : <circle cx={x(i)} cy={y(v)} r="2.5" fill={s.color}><title>{`${s.name} ${labels[i]}: ${format(v)}`}</title></circle>))}
          </g>
        );
      })}
    </svg>
  );
}

/** Horizontal bars, one row per item, each leading to `href`. */
export function HBars({ rows, format }: { rows: { label: string; value: number; extra?: string; color?: string; href?: string }[]; format: (v: number) => string }) {
  const max = Math.max(0, ...rows.map((r) => r.value)) || 1;
  return (
    <div class="hbars">
      {rows.map((r) => {
        const inner = (
          <>
            <span class="hbar-label" title={r.label}>
              {r.label}
            </span>
            <span class="hbar-track">
              <span class="hbar" style={{ width: `${(r.value / max) * 100}%`, background: r.color ?? "#6d5dfc" }} />
            </span>
            <span class="hbar-value">
              {format(r.value)}
              {r.extra && <span class="muted"> {r.extra}</span>}
            </span>
          </>
        );
        return r.href ? (
          <a class="hbar-row" href={r.href} onClick={linkHandler(r.href)}>
            {inner}
          </a>
        ) : (
          <div class="hbar-row">{inner}</div>
        );
      })}
    </div>
  );
}

export const PALETTE = ["#6d5dfc", "#22a06b", "#e8a317", "#db2777", "#0ea5b7", "#3b82f6", "#c026d3", "#8a94a6"];
