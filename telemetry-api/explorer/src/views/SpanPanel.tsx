// The selected span in full: what its type says (LLM, tool, retrieval, eval), its error,
// events, attributes and metadata, and its scores with a form to add or remove one.
import { useState } from "preact/hooks";
import { gql } from "../api";
import { Q } from "../queries";
import { linkHandler } from "../router";
import { useQuery } from "../useQuery";
import { TYPE_COLOR, TYPE_LABEL, count, ms, scoreText, time, usd } from "../format";
import { Conversation } from "../components/Conversation";
import { JsonTree } from "../components/JsonTree";
import { toMessages } from "../components/messages";

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

type Score = { id: string; name: string; dataType: string; value: number | null; label: string | null; passed: boolean | null; source: string; evaluator: string | null; comment: string | null; createdAt: string };

type SpanData = {
  span: {
    traceId: string;
    spanId: string;
    parentSpanId: string | null;
    name: string;
    type: string;
    serviceName: string;
    startTime: string;
    endTime: string | null;
    durationMs: number | null;
    status: string;
    isError: boolean;
    subtreeStatus: string;
    endedByDrop: boolean;
    model: string | null;
    provider: string | null;
    cost: number | null;
    usage: Record<string, number | null> | null;
    input: Json;
    output: Json;
    metadata: Json;
    attributes: Json;
    error: { kind: string; message: string; sourceChain: string[]; retryable: boolean; category: string | null } | null;
    events: { name: string; time: string; attributes: Json }[];
    erroredDescendants: { spanId: string; name: string; type: string; isError: boolean }[];
    subtree: Record<string, number>;
    scores: Score[];
  } | null;
};

function Field({ label, children }: { label: string; children: preact.ComponentChildren }) {
  if (children === null || children === undefined || children === "") return null;
  return (
    <div class="field">
      <span class="field-label">{label}</span>
      <span class="field-value">{children}</span>
    </div>
  );
}

function Section({ title, children, id }: { title: string; children: preact.ComponentChildren; id?: string }) {
  return (
    <section class="panel-section" id={id}>
      <h3>{title}</h3>
      {children}
    </section>
  );
}

/** Input or output as a conversation when it is one, else as JSON; a toggle shows the raw value. */
function Payload({ title, value, role }: { title: string; value: Json; role: "user" | "assistant" }) {
  const [raw, setRaw] = useState(false);
  if (value === null || value === undefined) return null;
  const messages = toMessages(value, role);
  return (
    <Section title={title}>
      {messages && (
        <button class="ghost small raw-toggle" onClick={() => setRaw(!raw)}>
          {raw ? "Conversation" : "Raw JSON"}
        </button>
      )}
      {messages && !raw ? <Conversation messages={messages} /> : <JsonTree value={value} />}
    </Section>
  );
}

function LlmSection({ span }: { span: NonNullable<SpanData["span"]> }) {
  const a = span.attributes ?? {};
  const u = span.usage ?? {};
  return (
    <Section title="Generation" id="llm-section">
      <div class="fields">
        <Field label="Model">{span.model}</Field>
        <Field label="Provider">{span.provider}</Field>
        <Field label="Operation">{a.operation}</Field>
        <Field label="Response model">{a.response_model}</Field>
        <Field label="Time to first token">{a.time_to_first_token_ms !== undefined ? ms(a.time_to_first_token_ms) : null}</Field>
        <Field label="Streaming">{a.streaming !== undefined ? String(a.streaming) : null}</Field>
        <Field label="Finish reasons">{a.finish_reasons?.length ? a.finish_reasons.join(", ") : null}</Field>
        <Field label="Cost">{span.cost !== null ? usd(span.cost) : null}</Field>
      </div>
      <div class="token-grid" id="token-usage">
        {[
          ["Input", u.inputTokens],
          ["Output", u.outputTokens],
          ["Total", u.totalTokens],
          ["Cache read", u.cacheReadTokens],
          ["Cache write", u.cacheWriteTokens],
          ["Reasoning", u.reasoningTokens],
        ].map(([label, v]) => (
          <div class="token-cell" data-token={label}>
            <span class="token-value">{count(v as number | null)}</span>
            <span class="token-label">{label}</span>
          </div>
        ))}
      </div>
      {a.parameters && Object.keys(a.parameters).length > 0 && (
        <div class="params">
          {Object.entries(a.parameters).map(([k, v]) => (
            <span class="chip">
              {k} = {JSON.stringify(v)}
            </span>
          ))}
        </div>
      )}
    </Section>
  );
}

function ToolSection({ span }: { span: NonNullable<SpanData["span"]> }) {
  const a = span.attributes ?? {};
  return (
    <Section title={span.type === "MCP_TOOL_CALL" ? "MCP tool call" : "Tool call"}>
      <div class="fields">
        <Field label="Tool">{a.tool_name}</Field>
        <Field label="Call id">{a.call_id}</Field>
        <Field label="Tool type">{a.tool_type}</Field>
        <Field label="Server">{a.server_name && `${a.server_name}${a.server_version ? ` ${a.server_version}` : ""}`}</Field>
        <Field label="Transport">{a.transport}</Field>
        <Field label="Succeeded">{a.success !== undefined ? String(a.success) : null}</Field>
      </div>
      {span.input !== null && (
        <>
          <h4>Arguments</h4>
          <JsonTree value={parseJson(span.input)} />
        </>
      )}
      {span.output !== null && (
        <>
          <h4>Result</h4>
          <JsonTree value={parseJson(span.output)} />
        </>
      )}
    </Section>
  );
}

function parseJson(value: Json): Json {
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function RetrievalSection({ span }: { span: NonNullable<SpanData["span"]> }) {
  const a = span.attributes ?? {};
  const chunks: Json[] = [...(a.chunks ?? a.results ?? [])].sort((x, y) => (y.score ?? -Infinity) - (x.score ?? -Infinity));
  return (
    <Section title={span.type === "RAG_QUERY" ? "Retrieval" : "Memory"}>
      <div class="fields">
        <Field label="Query">{a.query}</Field>
        <Field label="Store">{a.vector_store ?? a.memory_store}</Field>
        <Field label="Index">{a.index}</Field>
        <Field label="Top k">{a.top_k}</Field>
        <Field label="Embedding model">{a.embedding_model}</Field>
        <Field label="Thread">{a.thread_id}</Field>
      </div>
      <h4>{chunks.length} retrieved</h4>
      <ol class="chunks">
        {chunks.map((c) => (
          <li>
            <span class="chunk-score">{c.score !== undefined && c.score !== null ? c.score.toFixed(3) : "—"}</span>
            <span class="chunk-body">
              {c.document_id && <span class="muted">{c.document_id} · </span>}
              {c.id && <span class="muted">{c.id} </span>}
              <div>{c.content ?? <span class="muted">(content not captured)</span>}</div>
            </span>
          </li>
        ))}
      </ol>
    </Section>
  );
}

function EvalSection({ span }: { span: NonNullable<SpanData["span"]> }) {
  const a = span.attributes ?? {};
  const target = a.evaluated_trace_id ? `/traces/${a.evaluated_trace_id}${a.evaluated_span_id ? `?span=${a.evaluated_span_id}` : ""}` : null;
  return (
    <Section title="Eval">
      <div class="fields">
        <Field label="Evaluator">{a.evaluator}</Field>
        <Field label="Metric">{a.metric}</Field>
        <Field label="Score">{a.score !== undefined ? <b>{a.score}</b> : null}</Field>
        <Field label="Label">{a.label}</Field>
        <Field label="Threshold">{a.threshold}</Field>
        <Field label="Passed">{a.passed !== undefined ? (a.passed ? "✓ passed" : "✗ failed") : null}</Field>
        <Field label="Reason">{a.reason}</Field>
        <Field label="Evaluated">
          {target && (
            <a href={target} onClick={linkHandler(target)} id="evaluated-link">
              {a.evaluated_span_id ? `span ${a.evaluated_span_id}` : `trace ${a.evaluated_trace_id}`}
            </a>
          )}
        </Field>
      </div>
    </Section>
  );
}

function ScoreForm({ traceId, spanId, onDone }: { traceId: string; spanId: string; onDone: () => void }) {
  const [name, setName] = useState("");
  const [kind, setKind] = useState<"value" | "label" | "passed">("value");
  const [value, setValue] = useState("");
  const [comment, setComment] = useState("");
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const input: Record<string, unknown> = { traceId, spanId, name: name.trim(), source: "HUMAN", evaluator: "explorer" };
    if (kind === "value") input.value = Number(value);
    if (kind === "label") input.label = value;
    if (kind === "passed") input.passed = value === "true";
    if (comment.trim()) input.comment = comment.trim();
    try {
      await gql(Q.createScore, { input });
      setName("");
      setValue("");
      setComment("");
      setError(null);
      onDone();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <form class="score-form" onSubmit={submit}>
      <input name="score-name" placeholder="name (e.g. helpfulness)" value={name} required onInput={(e) => setName((e.target as HTMLInputElement).value)} />
      <select name="score-kind" value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value as typeof kind)}>
        <option value="value">number</option>
        <option value="label">label</option>
        <option value="passed">pass/fail</option>
      </select>
      {kind === "passed" ? (
        <select name="score-value" value={value} onChange={(e) => setValue((e.target as HTMLSelectElement).value)} required>
          <option value="">—</option>
          <option value="true">passed</option>
          <option value="false">failed</option>
        </select>
      ) : (
        <input name="score-value" placeholder={kind === "value" ? "0.8" : "good"} type={kind === "value" ? "number" : "text"} step="any" value={value} required onInput={(e) => setValue((e.target as HTMLInputElement).value)} />
      )}
      <input name="score-comment" placeholder="comment (optional)" value={comment} onInput={(e) => setComment((e.target as HTMLInputElement).value)} />
      <button type="submit" class="primary small">
        Add score
      </button>
      {error && <div class="alert">{error}</div>}
    </form>
  );
}

export function SpanPanel(props: { traceId: string; spanId: string; onClose: () => void; onSelect: (id: string) => void }) {
  const { data, error, loading, reload } = useQuery<SpanData>(Q.span, { traceId: props.traceId, spanId: props.spanId });
  const span = data?.span?.spanId === props.spanId ? data.span : null;
  const body = () => {
    if (!span) return <div class="empty">{error ?? (loading ? "Loading span…" : "No such span.")}</div>;
    const t = span.type;
    const origin = span.erroredDescendants.find((d) => d.isError);
    return (
      <>
        <div class="panel-title">
          <span class="type-badge" style={{ background: TYPE_COLOR[t] }}>
            {TYPE_LABEL[t] ?? t}
          </span>
          <h2>{span.name}</h2>
        </div>
        <div class="fields">
          <Field label="Status">
            <span class={`status status-${span.status}`}>{span.status}</span>
            {span.subtreeStatus === "ERROR" && !span.isError && <span class="status status-ERROR"> failure below</span>}
          </Field>
          <Field label="Start">{time(span.startTime)}</Field>
          <Field label="Duration">{ms(span.durationMs)}</Field>
          <Field label="Service">{span.serviceName}</Field>
          <Field label="Span id">
            <span class="mono">{span.spanId}</span>
          </Field>
          <Field label="Subtree">
            {span.subtree.spanCount} spans · {count(span.subtree.totalTokens)} tokens · {usd(span.subtree.cost)}
          </Field>
          {span.endedByDrop && <Field label="Ended">by drop (no explicit end)</Field>}
        </div>
        {span.error && (
          <Section title="Error" id="error-section">
            <div class="error-box">
              <div>
                <b>{span.error.kind}</b>: {span.error.message}
              </div>
              {span.error.sourceChain.map((m, i) => (
                <div class="source" style={{ paddingLeft: `${(i + 1) * 12}px` }}>
                  ↳ caused by: {m}
                </div>
              ))}
              <div class="muted">
                {span.error.retryable ? "retryable" : "not retryable"}
                {span.error.category && ` · ${span.error.category}`}
              </div>
            </div>
          </Section>
        )}
        {!span.isError && span.erroredDescendants.length > 0 && (
          <Section title="Failed below">
            {span.erroredDescendants.map((d) => (
              <button class="link-button" onClick={() => props.onSelect(d.spanId)}>
                ✗ {d.name} <span class="muted">({TYPE_LABEL[d.type]})</span>
              </button>
            ))}
            {origin && <div class="muted">The error came from {origin.name}.</div>}
          </Section>
        )}
        {t === "LLM_GENERATION" || t === "EMBEDDING_GENERATION" ? <LlmSection span={span} /> : null}
        {t === "TOOL_CALL" || t === "MCP_TOOL_CALL" ? <ToolSection span={span} /> : null}
        {t === "RAG_QUERY" || t === "MEMORY_LOOKUP" ? <RetrievalSection span={span} /> : null}
        {t === "EVAL_EXECUTION" ? <EvalSection span={span} /> : null}
        {t !== "TOOL_CALL" && t !== "MCP_TOOL_CALL" && (
          <>
            <Payload title="Input" value={span.input} role="user" />
            <Payload title="Output" value={span.output} role="assistant" />
          </>
        )}
        <Section title={`Scores (${span.scores.length})`} id="scores-section">
          {span.scores.map((s) => (
            <div class="score-row" data-score-id={s.id}>
              <span class={`chip score ${s.passed === false ? "bad" : ""}`}>{scoreText(s)}</span>
              <span class="muted">
                {s.source.toLowerCase()}
                {s.evaluator && ` · ${s.evaluator}`}
                {s.comment && ` · ${s.comment}`}
              </span>
              <button
                class="ghost small"
                title="Remove this score"
                onClick={async () => {
                  await gql(Q.deleteScore, { id: s.id });
                  reload();
                }}
              >
                Remove
              </button>
            </div>
          ))}
          <ScoreForm traceId={span.traceId} spanId={span.spanId} onDone={reload} />
        </Section>
        {span.events.length > 0 && (
          <Section title={`Events (${span.events.length})`}>
            {span.events.map((e) => (
              <div class="event">
                <div>
                  <b>{e.name}</b> <span class="muted">{time(e.time)}</span>
                </div>
                {e.attributes && Object.keys(e.attributes).length > 0 && <JsonTree value={e.attributes} />}
              </div>
            ))}
          </Section>
        )}
        <Section title="Attributes">
          <JsonTree value={span.attributes} label="attributes" searchable />
        </Section>
        <Section title="Metadata">
          <JsonTree value={span.metadata} label="metadata" searchable />
        </Section>
      </>
    );
  };
  return (
    <aside class="span-panel card" id="span-panel">
      <button class="close ghost" onClick={props.onClose} title="Close (Esc)">
        ✕
      </button>
      {body()}
    </aside>
  );
}
