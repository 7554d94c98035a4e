// Input and output of LLM spans as chat messages, whatever dialect they came in: our own
// `{role, content}`, OpenAI-style (`tool_calls`, `tool_call_id`, `choices`), OTel GenAI
// `parts`, Anthropic-style content blocks, and plain (Langfuse) strings.

export type ToolCallPart = { id?: string; name: string; arguments: unknown };
export type Message = {
  role: string;
  text: string[];
  toolCalls: ToolCallPart[];
  toolResult?: { id?: string; content: unknown };
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function parseMaybeJson(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const trimmed = value.trim();
  if (!(trimmed.startsWith("{") || trimmed.startsWith("["))) return value;
  try {
    return JSON.parse(trimmed);
  } catch {
    return value;
  }
}

function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "";
  return JSON.stringify(value, null, 2);
}

/** One content part (OpenAI, Anthropic or OTel GenAI) folded into `message`. */
function addPart(message: Message, part: unknown) {
  if (typeof part === "string") {
    message.text.push(part);
    return;
  }
  if (!isObject(part)) return;
  const type = String(part.type ?? "text");
  if (type === "text" || type === "input_text" || type === "output_text" || type === "reasoning") {
    message.text.push(textOf(part.text ?? part.content));
  } else if (type === "tool_call" || type === "tool_use" || type === "function_call") {
    message.toolCalls.push({
      id: (part.id ?? part.call_id) as string | undefined,
      name: String(part.name ?? "tool"),
      arguments: parseMaybeJson(part.arguments ?? part.input),
    });
  } else if (type === "tool_call_response" || type === "tool_result" || type === "function_call_output") {
    message.toolResult = {
      id: (part.id ?? part.tool_use_id ?? part.call_id) as string | undefined,
      content: parseMaybeJson(part.response ?? part.content ?? part.output),
    };
  } else {
    message.text.push(textOf(part));
  }
}

function fromObject(value: Record<string, unknown>, fallbackRole: string): Message {
  const message: Message = { role: String(value.role ?? fallbackRole), text: [], toolCalls: [] };
  const content = value.parts ?? value.content;
  if (Array.isArray(content)) content.forEach((part) => addPart(message, part));
  else if (content !== undefined && content !== null) message.text.push(textOf(content));
  if (Array.isArray(value.tool_calls)) {
    for (const call of value.tool_calls) {
      if (!isObject(call)) continue;
      const fn = isObject(call.function) ? call.function : call;
      message.toolCalls.push({
        id: call.id as string | undefined,
        name: String(fn.name ?? "tool"),
        arguments: parseMaybeJson(fn.arguments),
      });
    }
  }
  if (value.tool_call_id !== undefined && !message.toolResult) {
    message.toolResult = { id: String(value.tool_call_id), content: parseMaybeJson(message.text.join("\n")) };
    message.text = [];
  }
  return message;
}

function looksLikeMessage(value: unknown): boolean {
  return isObject(value) && typeof value.role === "string";
}

/**
 * `value` as messages, or null when it is not a conversation (then the page shows JSON).
 * `fallbackRole` is who a bare string or content-only object comes from.
 */
export function toMessages(raw: unknown, fallbackRole: "user" | "assistant"): Message[] | null {
  const value = parseMaybeJson(raw);
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return [{ role: fallbackRole, text: [value], toolCalls: [] }];
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every(looksLikeMessage)) return value.map((m) => fromObject(m as Record<string, unknown>, fallbackRole));
    if (value.every((v) => typeof v === "string")) return [{ role: fallbackRole, text: value as string[], toolCalls: [] }];
    return null;
  }
  if (!isObject(value)) return null;
  if (looksLikeMessage(value)) return [fromObject(value, fallbackRole)];
  if (Array.isArray(value.messages)) return toMessages(value.messages, fallbackRole);
  if (Array.isArray(value.choices)) {
    const messages = value.choices
      .map((c) => (isObject(c) && isObject(c.message) ? fromObject(c.message, "assistant") : null))
      .filter((m): m is Message => m !== null);
    return messages.length ? messages : null;
  }
  if (typeof value.content === "string" || Array.isArray(value.content)) return [fromObject(value, fallbackRole)];
  return null;
}
