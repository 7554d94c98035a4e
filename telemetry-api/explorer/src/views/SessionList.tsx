// Sessions, most recently active first.
import { Q } from "../queries";
import { linkHandler, navigate, useLocation } from "../router";
import { useQuery } from "../useQuery";
import { ago, count, time, usd } from "../format";

type Data = {
  sessions: {
    pageInfo: { hasNextPage: boolean; endCursor: string | null };
    nodes: { id: string; traceCount: number; firstTime: string; lastTime: string; totalTokens: number; totalCost: number; hasError: boolean }[];
  };
};

export function SessionList() {
  const { params } = useLocation();
  const after = params.get("after");
  const { data, error, loading } = useQuery<Data>(Q.sessions, { first: 50, after });
  const rows = data?.sessions.nodes ?? [];
  return (
    <div class="page">
      <div class="page-head">
        <h1>Sessions</h1>
      </div>
      {error && <div class="alert">{error}</div>}
      <div class="card table-wrap">
        <table class="traces">
          <thead>
            <tr>
              <th />
              <th>Session</th>
              <th class="num">Traces</th>
              <th>First</th>
              <th>Last</th>
              <th class="num">Tokens</th>
              <th class="num">Cost</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((s) => (
              <tr key={s.id} data-session-id={s.id} onClick={() => navigate(`/sessions/${encodeURIComponent(s.id)}`)}>
                <td class="status-cell">{s.hasError ? <span class="err-mark">●</span> : <span class="ok-mark">●</span>}</td>
                <td class="name">
                  <a href={`/sessions/${encodeURIComponent(s.id)}`} onClick={linkHandler(`/sessions/${encodeURIComponent(s.id)}`)}>
                    {s.id}
                  </a>
                </td>
                <td class="num">{s.traceCount}</td>
                <td class="mono">{time(s.firstTime)}</td>
                <td class="mono">
                  {time(s.lastTime)} <span class="muted">({ago(s.lastTime)})</span>
                </td>
                <td class="num">{count(s.totalTokens)}</td>
                <td class="num">{usd(s.totalCost)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {!loading && rows.length === 0 && <div class="empty">No sessions yet: traces carry a session id when the SDK sets one.</div>}
      </div>
      <div class="pager">
        <button disabled={!after} onClick={() => navigate("/sessions")}>
          ← First page
        </button>
        <span />
        <button disabled={!data?.sessions.pageInfo.hasNextPage} onClick={() => navigate(`/sessions?after=${encodeURIComponent(data!.sessions.pageInfo.endCursor!)}`)}>
          Next page →
        </button>
      </div>
    </div>
  );
}
