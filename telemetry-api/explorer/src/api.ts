// The page's only way to the server: GraphQL over POST /graphql and subscriptions over
// /graphql/ws, with the API key (when one is kept) as `Authorization`.

const KEY_STORAGE = "telemetry.apiKey";
export const GRAPHQL_PATH = "/graphql";
export const GRAPHQL_WS_PATH = "/graphql/ws";

/** The server refused the request's credentials (none, wrong or revoked). */
export class AuthError extends Error {
  constructor(readonly status: number, readonly hadKey: boolean) {
    super(hadKey ? "The API key was refused: it is wrong or has been revoked." : "This server needs an API key.");
  }
}

type AuthListener = (err: AuthError) => void;
const authListeners = new Set<AuthListener>();

/** Calls `listener` whenever a request is refused for its credentials. */
export function onAuthError(listener: AuthListener): () => void {
  authListeners.add(listener);
  return () => authListeners.delete(listener);
}

export function apiKey(): string | null {
  try {
    return localStorage.getItem(KEY_STORAGE);
  } catch {
    return null;
  }
}

export function setApiKey(key: string | null) {
  if (key) localStorage.setItem(KEY_STORAGE, key);
  else localStorage.removeItem(KEY_STORAGE);
}

/** Runs one GraphQL operation; throws AuthError on 401/403, Error on GraphQL errors. */
export async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const key = apiKey();
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (key) headers.authorization = `Bearer ${key}`;
  const response = await fetch(GRAPHQL_PATH, {
    method: "POST",
    headers,
    body: JSON.stringify({ query, variables }),
  });
  if (response.status === 401 || response.status === 403) {
    const err = new AuthError(response.status, key !== null);
    authListeners.forEach((l) => l(err));
    throw err;
  }
  const body = await response.json().catch(() => null);
  if (!body) throw new Error(`The server answered ${response.status} without a GraphQL response.`);
  if (body.errors?.length) throw new Error(body.errors.map((e: { message: string }) => e.message).join("; "));
  return body.data as T;
}

/**
 * Subscribes over `graphql-transport-ws`; browsers cannot set headers on a WebSocket, so
 * the key goes in the `connection_init` payload. Returns a function that closes it.
 */
export function subscribe<T>(
  query: string,
  onData: (data: T) => void,
  onState: (state: "connecting" | "open" | "closed", reason?: string) => void,
): () => void {
  const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${GRAPHQL_WS_PATH}`;
  const socket = new WebSocket(url, "graphql-transport-ws");
  const key = apiKey();
  let closedByUs = false;
  onState("connecting");
  socket.onopen = () => {
    socket.send(JSON.stringify({ type: "connection_init", payload: key ? { Authorization: `Bearer ${key}` } : {} }));
  };
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    switch (message.type) {
      case "connection_ack":
        onState("open");
        socket.send(JSON.stringify({ id: "live", type: "subscribe", payload: { query } }));
        break;
      case "next":
        if (message.payload?.data) onData(message.payload.data as T);
        break;
      case "ping":
        socket.send(JSON.stringify({ type: "pong" }));
        break;
      case "error":
        onState("closed", JSON.stringify(message.payload));
        break;
    }
  };
  socket.onclose = (event) => {
    if (!closedByUs) onState("closed", event.code === 4403 ? "the API key was refused" : event.reason || `closed (${event.code})`);
  };
  return () => {
    closedByUs = true;
    socket.close();
  };
}
