// Asks once for an API key; the page keeps it in this browser until "Forget key".
import { useState } from "preact/hooks";
import type { AuthError } from "../api";

export function KeyPrompt({ error, onKey }: { error: AuthError; onKey: (key: string) => void }) {
  const [key, setKey] = useState("");
  return (
    <form
      class="key-prompt card"
      onSubmit={(e) => {
        e.preventDefault();
        if (key.trim()) onKey(key.trim());
      }}
    >
      <h2>API key</h2>
      <p class={error.hadKey ? "alert" : "muted"} role={error.hadKey ? "alert" : undefined} id="auth-message">
        {error.message}
      </p>
      <p class="muted">
        The key decides which project you see. It is kept in this browser only (“Forget key” removes it) and sent to this
        server alone, as <code>Authorization</code>. Create one with <code>telemetry-api keys create --project NAME</code>.
      </p>
      <input
        id="api-key"
        type="password"
        autocomplete="off"
        placeholder="API key"
        value={key}
        onInput={(e) => setKey((e.target as HTMLInputElement).value)}
        autoFocus
      />
      <button type="submit" class="primary">
        Use this key
      </button>
    </form>
  );
}
