// One trace: the span tree and the waterfall side by side on one time axis, rendered
// virtually (only the rows in view), with the selected span's detail panel.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import { Q } from "../queries";
import { linkHandler, navigate, useLocation } from "../router";
import { useQuery } from "../useQuery";
import { TYPE_COLOR, TYPE_LABEL, count, ms, scoreText, time, usd } from "../format";
import { Node, TreeSpan, buildTree, errorOrigin, visibleRows } from "./spanTree";
import { SpanPanel } from "./SpanPanel";
import { useKeys } from "./useKeys";

type TraceData = {
  trace: {
    id: string;
    name: string | null;
    serviceName: string | null;
    startTime: string;
    durationMs: number | null;
    hasError: boolean;
    incomplete: boolean;
    userId: string | null;
    sessionId: string | null;
    environment: string | null;
    release: string | null;
    tags: string[];
    spanCount: number;
    inputTokens: number;
    outputTokens: number;
    totalTokens: number;
    totalCost: number;
    spans: TreeSpan[];
    scores: { id: string; name: string; value: number | null; label: string | null; passed: boolean | null; spanId: string | null }[];
  } | null;
};

const ROW_HEIGHT = 28;
const OVERSCAN = 12;

declare global {
  interface Window {
    __explorer?: { traceLoadedMs?: number; waterfallPaintMs?: number; sinceMountMs?: number; spans?: number };
  }
}

function ticks(total: number): number[] {
  if (total <= 0) return [0];
  const raw = total / 5;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? raw;
  const out = [];
  for (let t = 0; t <= total + 1e-9; t += step) out.push(t);
  return out;
}

function SpanRow(props: { node: Node; top: number; origin: number; total: number; selected: boolean; collapsed: boolean; onToggle: () => void; onSelect: (id: string) => void }) {
  const { node, origin, total } = props;
  const s = node.span;
  const left = total > 0 ? ((node.start - origin) / total) * 100 : 0;
  const width = total > 0 ? Math.max(((s.durationMs ?? 0) / total) * 100, 0.2) : 100;
  const below = s.subtreeStatus === "ERROR" && !s.isError;
  const source = below ? errorOrigin(node) : null;
  const hasChildren = node.children.length > 0;
  return (
    <div
      class={`span-row ${props.selected ? "selected" : ""} ${s.isError ? "errored" : ""}`}
      style={{ top: `${props.top}px`, height: `${ROW_HEIGHT}px` }}
      data-span-id={s.spanId}
      data-type={s.type}
      data-depth={node.depth}
      data-subtree-status={s.subtreeStatus}
      onClick={() => props.onSelect(s.spanId)}
    >
      <div class="tree-cell" style={{ paddingLeft: `${8 + node.depth * 16}px` }}>
        <button
          class={`caret ${hasChildren ? "" : "leaf"}`}
          aria-label={props.collapsed ? "Expand" : "Collapse"}
          onClick={(e) => {
            e.stopPropagation();
            if (hasChildren) props.onToggle();
          }}
        >
          {hasChildren ? (props.collapsed ? "▸" : "▾") : "·"}
        </button>
        <span class="type-badge" style={{ background: TYPE_COLOR[s.type] }}>
          {TYPE_LABEL[s.type] ?? s.type}
        </span>
        <span class="span-name" title={s.name}>
          {s.name}
        </span>
        {s.isError && <span class="err-mark" title="This span failed">✗</span>}
        {below && (
          <button
            class="below-error"
            title={source ? `Failed below: ${source.span.name} — go there` : "A descendant failed"}
            onClick={(e) => {
              e.stopPropagation();
              if (source) props.onSelect(source.span.spanId);
            }}
          >
            ⚠ {s.subtree.erroredDescendants} below
          </button>
        )}
        <span class="subtree-totals">
          {s.subtree.totalTokens > 0 && <span title="Tokens in this subtree">{count(s.subtree.totalTokens)} tok</span>}
          {s.subtree.cost > 0 && <span title="Cost of this subtree">{usd(s.subtree.cost)}</span>}
          {props.collapsed && <span title="Spans in this subtree">{s.subtree.spanCount} spans</span>}
        </span>
      </div>
      <div class="bar-cell">
        <div class="bar" style={{ left: `${left}%`, width: `${width}%`, background: TYPE_COLOR[s.type] }} />
        <span class="bar-label" style={{ left: `calc(${left + width}% + 4px)` }}>
          {ms(s.durationMs)}
        </span>
      </div>
    </div>
  );
}

export function TraceView({ id }: { id: string }) {
  const { params } = useLocation();
  const selectedId = params.get("span");
  const started = useRef(performance.now());
  const { data, error, loading } = useQuery<TraceData>(Q.trace, { id });
  const trace = data?.trace ?? null;
  const tree = useMemo(() => (trace ? buildTree(trace.spans) : null), [trace]);
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const rows = useMemo(() => (tree ? visibleRows(tree.roots, collapsed) : []), [tree, collapsed]);
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(800);

  useEffect(() => {
    if (trace && window.__explorer?.traceLoadedMs === undefined) {
      // Milliseconds since navigation start (page load, script, GraphQL, render), and since the view mounted.
      window.__explorer = { traceLoadedMs: performance.now(), spans: trace.spans.length };
      requestAnimationFrame(() => {
        window.__explorer!.waterfallPaintMs = performance.now();
        window.__explorer!.sinceMountMs = performance.now() - started.current;
      });
    }
  }, [trace]);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setViewport(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, [trace !== null]);

  const select = (spanId: string | null) => {
    const next = new URLSearchParams(params);
    if (spanId) next.set("span", spanId);
    else next.delete("span");
    const qs = next.toString();
    navigate(`/traces/${encodeURIComponent(id)}${qs ? `?${qs}` : ""}`, !!selectedId && !!spanId);
  };

  // A selected span is always shown: its ancestors are expanded and it is scrolled into view.
  useEffect(() => {
    if (!tree || !selectedId) return;
    const node = tree.byId.get(selectedId);
    if (!node) return;
    let p = node.parent;
    let changed = false;
    const next = new Set(collapsed);
    while (p) {
      if (next.delete(p.span.spanId)) changed = true;
      p = p.parent;
    }
    if (changed) {
      setCollapsed(next);
      return;
    }
    const index = rows.findIndex((r) => r.node === node);
    const el = scroller.current;
    if (index >= 0 && el) {
      const top = index * ROW_HEIGHT;
      if (top < el.scrollTop || top + ROW_HEIGHT > el.scrollTop + el.clientHeight - ROW_HEIGHT) el.scrollTop = Math.max(0, top - el.clientHeight / 3);
    }
  }, [tree, selectedId, rows]);

  useKeys({
    j: () => {
      const i = rows.findIndex((r) => r.node.span.spanId === selectedId);
      const next = rows[Math.min(i + 1, rows.length - 1)];
      if (next) select(next.node.span.spanId);
    },
    k: () => {
      const i = rows.findIndex((r) => r.node.span.spanId === selectedId);
      const next = rows[Math.max(i - 1, 0)];
      if (next) select(next.node.span.spanId);
    },
    Escape: () => selectedId && select(null),
  });

  if (error && !trace) return <div class="alert">{error}</div>;
  if (loading && !trace) return <div class="empty">Loading trace…</div>;
  if (!trace || !tree) return <div class="empty">No trace {id} in this project.</div>;

  const total = Math.max(tree.end - tree.start, 0.001);
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + viewport) / ROW_HEIGHT) + OVERSCAN);
  const toggle = (spanId: string) => {
    const next = new Set(collapsed);
    if (!next.delete(spanId)) next.add(spanId);
    setCollapsed(next);
  };
  const traceScores = trace.scores.filter((s) => !s.spanId);
  return (
    <div class={`trace-page ${selectedId ? "with-panel" : ""}`}>
      <div class="trace-main">
        <div class="trace-head card">
          <div class="crumbs">
            <a href="/" onClick={linkHandler("/")}>
              Traces
            </a>{" "}
            / <span class="mono">{trace.id}</span>
          </div>
          <h1>
            {trace.hasError && <span class="err-mark">●</span>} {trace.name ?? trace.id}
          </h1>
          <div class="facts">
            <span>
              <b>{time(trace.startTime)}</b>
            </span>
            <span>
              <b>{ms(trace.durationMs)}</b> duration
            </span>
            <span>
              <b>{trace.spanCount}</b> spans
            </span>
            <span>
              <b>{count(trace.inputTokens)}</b> in / <b>{count(trace.outputTokens)}</b> out tokens
            </span>
            <span>
              <b>{usd(trace.totalCost)}</b>
            </span>
            {trace.userId && <span>user {trace.userId}</span>}
            {trace.sessionId && (
              <a href={`/sessions/${encodeURIComponent(trace.sessionId)}`} onClick={linkHandler(`/sessions/${encodeURIComponent(trace.sessionId)}`)}>
                session {trace.sessionId}
              </a>
            )}
            {trace.environment && <span class="chip">env: {trace.environment}</span>}
            {trace.release && <span class="chip">release: {trace.release}</span>}
            {trace.tags.map((t) => (
              <span class="chip">{t}</span>
            ))}
            {traceScores.map((s) => (
              <span class={`chip score ${s.passed === false ? "bad" : ""}`}>{scoreText(s)}</span>
            ))}
          </div>
          <div class="tree-actions">
            <button class="ghost" onClick={() => setCollapsed(new Set())}>
              Expand all
            </button>
            <button class="ghost" onClick={() => setCollapsed(new Set([...tree.byId.values()].filter((n) => n.depth >= 1 && n.children.length).map((n) => n.span.spanId)))}>
              Collapse to top level
            </button>
            <span class="legend">
              {Object.entries(TYPE_LABEL).map(([t, l]) =>
                trace.spans.some((s) => s.type === t) ? (
                  <span>
                    <i style={{ background: TYPE_COLOR[t] }} /> {l}
                  </span>
                ) : null,
              )}
            </span>
          </div>
        </div>
        <div class="waterfall card">
          <div class="waterfall-head">
            <div class="tree-cell">Span</div>
            <div class="bar-cell axis">
              {ticks(total).map((t) => (
                <span class="tick" style={{ left: `${(t / total) * 100}%` }}>
                  {ms(t)}
                </span>
              ))}
            </div>
          </div>
          <div class="waterfall-body" ref={scroller} onScroll={(e) => setScrollTop((e.target as HTMLDivElement).scrollTop)}>
            <div class="waterfall-canvas" style={{ height: `${rows.length * ROW_HEIGHT}px` }}>
              {rows.slice(first, last).map((row, i) => (
                <SpanRow
                  key={row.node.span.spanId}
                  node={row.node}
                  top={(first + i) * ROW_HEIGHT}
                  origin={tree.start}
                  total={total}
                  selected={row.node.span.spanId === selectedId}
                  collapsed={collapsed.has(row.node.span.spanId)}
                  onToggle={() => toggle(row.node.span.spanId)}
                  onSelect={select}
                />
              ))}
            </div>
          </div>
        </div>
      </div>
      {selectedId && <SpanPanel traceId={trace.id} spanId={selectedId} onClose={() => select(null)} onSelect={select} />}
    </div>
  );
}
