// Messages as chat bubbles; tool calls and their arguments shown as such.
import { JsonTree } from "./JsonTree";
import type { Message } from "./messages";

export function Conversation({ messages }: { messages: Message[] }) {
  return (
    <div class="conversation">
      {messages.map((m, i) => (
        <div key={i} class={`bubble role-${m.role}`}>
          <div class="bubble-role">{m.role}</div>
          {m.text.map((t, j) => (
            <div key={j} class="bubble-text">
              {t}
            </div>
          ))}
          {m.toolCalls.map((call, j) => (
            <div key={`c${j}`} class="tool-call">
              <div class="tool-call-head">
                ⚙ {call.name}
                {call.id && <span class="muted"> · {call.id}</span>}
              </div>
              <JsonTree value={call.arguments} />
            </div>
          ))}
          {m.toolResult && (
            <div class="tool-call">
              <div class="tool-call-head">↩ result{m.toolResult.id && <span class="muted"> · {m.toolResult.id}</span>}</div>
              <JsonTree value={m.toolResult.content} />
            </div>
          )}
        </div>
      ))}
    </div>
  );
}
