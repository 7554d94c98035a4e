// One session as the conversation it was: each trace's input and output, oldest first.
import { Q } from "../queries";
import { linkHandler } from "../router";
import { useQuery } from "../useQuery";
import { count, ms, time, usd } from "../format";
import { Conversation } from "../components/Conversation";
import { toMessages } from "../components/messages";

type Data = {
  session: {
    id: string;
    traceCount: number;
    firstTime: string;
    lastTime: string;
    totalTokens: number;
    totalCost: number;
    hasError: boolean;
    traces: {
      nodes: {
        id: string;
        name: string | null;
        startTime: string;
        durationMs: number | null;
        hasError: boolean;
        totalTokens: number;
        totalCost: number;
        userId: string | null;
        rootSpans: { spanId: string; input: unknown; output: unknown; isError: boolean; error: { message: string } | null }[];
      }[];
    };
  } | null;
};

export function SessionView({ id }: { id: string }) {
  const { data, error, loading } = useQuery<Data>(Q.session, { id, first: 100 });
  const s = data?.session;
  if (error && !s) return <div class="alert">{error}</div>;
  if (loading && !s) return <div class="empty">Loading session…</div>;
  if (!s) return <div class="empty">No session {id} in this project.</div>;
  return (
    <div class="page narrow">
      <div class="crumbs">
        <a href="/sessions" onClick={linkHandler("/sessions")}>
          Sessions
        </a>{" "}
        / {s.id}
      </div>
      <h1>Session {s.id}</h1>
      <div class="facts">
        <span>
          <b>{s.traceCount}</b> traces
        </span>
        <span>
          {time(s.firstTime)} → {time(s.lastTime)}
        </span>
        <span>
          <b>{count(s.totalTokens)}</b> tokens
        </span>
        <span>
          <b>{usd(s.totalCost)}</b>
        </span>
      </div>
      {s.traces.nodes.map((t) => {
        const root = t.rootSpans[0];
        const messages = [...(toMessages(root?.input, "user") ?? []), ...(toMessages(root?.output, "assistant") ?? [])];
        return (
          <div class="card session-turn" data-trace-id={t.id}>
            <div class="turn-head">
              <a href={`/traces/${t.id}`} onClick={linkHandler(`/traces/${t.id}`)}>
                {t.hasError && <span class="err-mark">● </span>}
                {t.name ?? t.id}
              </a>
              <span class="muted">
                {time(t.startTime)} · {ms(t.durationMs)} · {count(t.totalTokens)} tokens · {usd(t.totalCost)}
                {t.userId && ` · ${t.userId}`}
              </span>
            </div>
            {messages.length ? <Conversation messages={messages} /> : <div class="muted">No input or output recorded on the root span.</div>}
            {root?.error && <div class="alert">{root.error.message}</div>}
          </div>
        );
      })}
    </div>
  );
}
