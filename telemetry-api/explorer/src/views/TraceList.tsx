// The landing page: traces newest first, filters in the URL, cursor paging, a live switch.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { gql, subscribe } from "../api";
import { Q } from "../queries";
import { linkHandler, navigate, useLocation } from "../router";
import { useQuery } from "../useQuery";
import { SPAN_TYPES, TYPE_LABEL, count, localInput, ms, scoreText, shortId, time, usd } from "../format";
import { ORDERS, TIME_PRESETS, toFilterInput, withParams } from "./traceFilters";
import { useKeys } from "./useKeys";

export type TraceRow = {
  id: string;
  name: string | null;
  startTime: string;
  durationMs: number | null;
  spanCount: number;
  inputTokens: number;
  outputTokens: number;
  totalCost: number;
  hasError: boolean;
  incomplete: boolean;
  userId: string | null;
  sessionId: string | null;
  tags: string[];
  environment: string | null;
  release: string | null;
  scores: { id: string; name: string; value: number | null; label: string | null; passed: boolean | null }[];
};

type ListData = { traces: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: TraceRow[] } };
type Options = { analytics: { usage: { group: { model: string | null; provider: string | null } }[] } };

export const PAGE_SIZE = 25;

function TextFilter(props: { label: string; param: string; params: URLSearchParams; placeholder?: string; list?: string; type?: string; id?: string }) {
  const { label, param, params } = props;
  return (
    <label class="filter">
      <span>{label}</span>
      <input
        id={props.id}
        name={param}
        type={props.type ?? "text"}
        list={props.list}
        placeholder={props.placeholder}
        value={params.get(param) ?? ""}
        onChange={(e) => navigate(withParams(params, { [param]: (e.target as HTMLInputElement).value }))}
      />
    </label>
  );
}

function Filters({ params, options }: { params: URLSearchParams; options: Options | null }) {
  const models = [...new Set(options?.analytics.usage.map((u) => u.group.model).filter(Boolean))] as string[];
  const providers = [...new Set(options?.analytics.usage.map((u) => u.group.provider).filter(Boolean))] as string[];
  const custom = !params.get("range") && (params.get("from") || params.get("to"));
  const active = [...params.keys()].some((k) => k !== "after" && k !== "order" && k !== "live");
  return (
    <div class="filters card">
      <label class="filter grow">
        <span>Name</span>
        <input
          id="search"
          name="q"
          type="search"
          placeholder="Search trace names…  ( / )"
          value={params.get("q") ?? ""}
          onChange={(e) => navigate(withParams(params, { q: (e.target as HTMLInputElement).value }))}
        />
      </label>
      <label class="filter">
        <span>Time</span>
        <select
          name="range"
          value={params.get("range") ?? (custom ? "custom" : "")}
          onChange={(e) => {
            const v = (e.target as HTMLSelectElement).value;
            navigate(withParams(params, v === "custom" ? { range: null, from: localInput(Date.now() - 3600e3) } : { range: v, from: null, to: null }));
          }}
        >
          <option value="">All time</option>
          {TIME_PRESETS.map(([id, label]) => (
            <option value={id}>{label}</option>
          ))}
          <option value="custom">Custom…</option>
        </select>
      </label>
      {custom && <TextFilter label="From" param="from" type="datetime-local" params={params} />}
      {custom && <TextFilter label="To" param="to" type="datetime-local" params={params} />}
      <label class="filter">
        <span>Span type</span>
        <select name="type" value={params.get("type") ?? ""} onChange={(e) => navigate(withParams(params, { type: (e.target as HTMLSelectElement).value }))}>
          <option value="">Any</option>
          {SPAN_TYPES.map((t) => (
            <option value={t}>{TYPE_LABEL[t]}</option>
          ))}
        </select>
      </label>
      <TextFilter label="Model" param="model" list="models" params={params} />
      <TextFilter label="Provider" param="provider" list="providers" params={params} />
      <TextFilter label="User" param="user" params={params} />
      <TextFilter label="Session" param="session" params={params} />
      <TextFilter label="Tags" param="tag" placeholder="a,b" params={params} />
      <TextFilter label="Environment" param="env" params={params} />
      <TextFilter label="Release" param="release" params={params} />
      <TextFilter label="Min ms" param="minDuration" type="number" params={params} />
      <TextFilter label="Min $" param="minCost" type="number" params={params} />
      <label class="filter check">
        <input type="checkbox" name="errors" checked={params.get("errors") === "1"} onChange={(e) => navigate(withParams(params, { errors: (e.target as HTMLInputElement).checked ? "1" : null }))} />
        <span>Errored only</span>
      </label>
      {active && (
        <button class="ghost" onClick={() => navigate(withParams(new URLSearchParams(), { order: params.get("order") }))}>
          Clear filters
        </button>
      )}
      <datalist id="models">{models.map((m) => <option value={m} />)}</datalist>
      <datalist id="providers">{providers.map((p) => <option value={p} />)}</datalist>
    </div>
  );
}

export function ScoreChips({ scores }: { scores: TraceRow["scores"] }) {
  return (
    <span class="chips">
      {scores.map((s) => (
        <span class={`chip score ${s.passed === false ? "bad" : ""}`} title={s.name} key={s.id}>
          {scoreText(s)}
        </span>
      ))}
    </span>
  );
}

/** Subscribes to committed spans and re-reads each trace they belong to, at most every 700 ms. */
function useLive(enabled: boolean, onRow: (row: TraceRow) => void): string {
  const [state, setState] = useState("off");
  const onRowRef = useRef(onRow);
  onRowRef.current = onRow;
  useEffect(() => {
    if (!enabled) {
      setState("off");
      return;
    }
    const pending = new Set<string>();
    const timer = setInterval(() => {
      for (const id of pending) {
        gql<{ trace: TraceRow | null }>(Q.traceRow, { id }).then((d) => d.trace && onRowRef.current(d.trace), () => {});
      }
      pending.clear();
    }, 700);
    const close = subscribe<{ spans: { traceId: string } }>(
      Q.live,
      (d) => pending.add(d.spans.traceId),
      (s, reason) => setState(reason ? `${s}: ${reason}` : s),
    );
    return () => {
      clearInterval(timer);
      close();
    };
  }, [enabled]);
  return state;
}

export function TraceList() {
  const { params } = useLocation();
  const order = params.get("order") ?? "START_TIME_DESC";
  const after = params.get("after");
  const filter = toFilterInput(params);
  const variables = { filter, orderBy: order, first: PAGE_SIZE, after };
  const list = useQuery<ListData>(Q.traceList, variables);
  const options = useQuery<Options>(Q.filterOptions, {});
  const live = params.get("live") === "1" && !after;
  const [liveRows, setLiveRows] = useState<TraceRow[]>([]);
  const [selected, setSelected] = useState(0);
  useEffect(() => setLiveRows([]), [JSON.stringify(variables)]);
  // Unfiltered, a trace that gets spans moves to the top; filtered, the page is re-read so
  // only matching traces show.
  const filtered = Object.keys(filter).length > 0;
  const liveState = useLive(live, (row) => {
    if (filtered) list.reload();
    else setLiveRows((rows) => [row, ...rows.filter((r) => r.id !== row.id)]);
  });
  const rows = useMemo(() => {
    const fetched = list.data?.traces.nodes ?? [];
    const liveIds = new Set(liveRows.map((r) => r.id));
    return [...liveRows, ...fetched.filter((r) => !liveIds.has(r.id))];
  }, [list.data, liveRows]);
  useKeys({
    j: () => setSelected((i) => Math.min(i + 1, rows.length - 1)),
    k: () => setSelected((i) => Math.max(i - 1, 0)),
    Enter: () => rows[selected] && navigate(`/traces/${rows[selected].id}`),
  });
  const pageInfo = list.data?.traces.pageInfo;
  return (
    <div class="page">
      <div class="page-head">
        <h1>Traces</h1>
        <div class="spacer" />
        <label class="filter inline">
          <span>Sort</span>
          <select name="order" value={order} onChange={(e) => navigate(withParams(params, { order: (e.target as HTMLSelectElement).value }))}>
            {ORDERS.map(([v, l]) => (
              <option value={v}>{l}</option>
            ))}
          </select>
        </label>
        <label class={`live-switch ${live ? "on" : ""}`} title={after ? "Live shows new traces on the first page" : liveState}>
          <input
            type="checkbox"
            id="live"
            checked={live}
            disabled={!!after}
            onChange={(e) => navigate(withParams(params, { live: (e.target as HTMLInputElement).checked ? "1" : null, after }), true)}
          />
          <span class="dot" /> Live {live && <small class="muted">({liveState})</small>}
        </label>
      </div>
      <Filters params={params} options={options.data} />
      {list.error && <div class="alert">{list.error}</div>}
      <div class="card table-wrap">
        <table class="traces" data-loading={list.loading ? "1" : "0"}>
          <thead>
            <tr>
              <th />
              <th>Name</th>
              <th>Start</th>
              <th class="num">Duration</th>
              <th class="num">Spans</th>
              <th class="num">In tokens</th>
              <th class="num">Out tokens</th>
              <th class="num">Cost</th>
              <th>Scores</th>
              <th>User</th>
              <th>Session</th>
              <th>Tags</th>
              <th>Env</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((t, i) => (
              <tr
                key={t.id}
                data-trace-id={t.id}
                class={`${i === selected ? "selected" : ""} ${t.hasError ? "errored" : ""}`}
                onClick={(e) => {
                  if ((e.target as HTMLElement).closest("a")) return;
                  navigate(`/traces/${t.id}`);
                }}
              >
                <td class="status-cell">{t.hasError ? <span class="err-mark" title="A span failed">●</span> : <span class="ok-mark">●</span>}</td>
                <td class="name">
                  <a href={`/traces/${t.id}`} onClick={linkHandler(`/traces/${t.id}`)}>
                    {t.name ?? <span class="muted">{shortId(t.id)}</span>}
                  </a>
                  {t.incomplete && <span class="chip">incomplete</span>}
                </td>
                <td class="mono">{time(t.startTime)}</td>
                <td class="num">{ms(t.durationMs)}</td>
                <td class="num" data-col="spans">{t.spanCount}</td>
                <td class="num" data-col="in">{count(t.inputTokens)}</td>
                <td class="num" data-col="out">{count(t.outputTokens)}</td>
                <td class="num" data-col="cost">{usd(t.totalCost)}</td>
                <td>
                  <ScoreChips scores={t.scores} />
                </td>
                <td>{t.userId && <a href={withParams(params, { user: t.userId })} onClick={linkHandler(withParams(params, { user: t.userId }))}>{t.userId}</a>}</td>
                <td>{t.sessionId && <a href={`/sessions/${encodeURIComponent(t.sessionId)}`} onClick={linkHandler(`/sessions/${encodeURIComponent(t.sessionId)}`)}>{t.sessionId}</a>}</td>
                <td>
                  <span class="chips">{t.tags.map((tag) => <span class="chip">{tag}</span>)}</span>
                </td>
                <td>{t.environment}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {!list.loading && rows.length === 0 && <div class="empty">No traces match these filters.</div>}
      </div>
      <div class="pager">
        <button disabled={!after} onClick={() => navigate(withParams(params, { after: null }))}>
          ← First page
        </button>
        <span class="muted">{list.loading ? "Loading…" : `${rows.length} shown`}</span>
        <button id="next-page" disabled={!pageInfo?.hasNextPage} onClick={() => pageInfo?.endCursor && navigate(withParams(params, { after: pageInfo.endCursor }))}>
          Next page →
        </button>
      </div>
    </div>
  );
}
