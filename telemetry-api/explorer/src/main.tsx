// The explorer: traces, one trace, sessions and the dashboard, over the GraphQL API only.
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import "./style.css";
import { AuthError, apiKey, onAuthError, setApiKey } from "./api";
import { linkHandler, parseRoute, useLocation } from "./router";
import { KeyPrompt } from "./components/KeyPrompt";
import { TraceList } from "./views/TraceList";
import { TraceView } from "./views/TraceView";
import { SessionList } from "./views/SessionList";
import { SessionView } from "./views/SessionView";
import { Dashboard } from "./views/Dashboard";

function Nav({ view }: { view: string }) {
  const item = (href: string, label: string, active: boolean) => (
    <a href={href} class={active ? "active" : ""} onClick={linkHandler(href)}>
      {label}
    </a>
  );
  return (
    <header class="topbar">
      <a class="brand" href="/" onClick={linkHandler("/")}>
        <span class="logo" aria-hidden="true">
          <i style="background:#6d5dfc;width:10px" />
          <i style="background:#22a06b;width:14px;margin-left:4px" />
        </span>
        AI telemetry
      </a>
      <nav>
        {item("/", "Traces", view === "traces" || view === "trace")}
        {item("/sessions", "Sessions", view === "sessions" || view === "session")}
        {item("/dashboard", "Dashboard", view === "dashboard")}
      </nav>
      <div class="spacer" />
      {apiKey() && (
        <button
          class="ghost"
          title="Remove the API key kept in this browser"
          onClick={() => {
            setApiKey(null);
            location.reload();
          }}
        >
          Forget key
        </button>
      )}
    </header>
  );
}

function App() {
  const { path } = useLocation();
  const route = parseRoute(path);
  const [authError, setAuthError] = useState<AuthError | null>(null);
  const [generation, setGeneration] = useState(0);
  useEffect(() => onAuthError(setAuthError), []);
  let body;
  if (authError) {
    body = (
      <KeyPrompt
        error={authError}
        onKey={(key) => {
          setApiKey(key);
          setAuthError(null);
          setGeneration((g) => g + 1);
        }}
      />
    );
  } else if (route.view === "traces") body = <TraceList />;
  else if (route.view === "trace") body = <TraceView id={route.id} />;
  else if (route.view === "sessions") body = <SessionList />;
  else if (route.view === "session") body = <SessionView id={route.id} />;
  else if (route.view === "dashboard") body = <Dashboard />;
  else body = <div class="empty">No page here. <a href="/" onClick={linkHandler("/")}>Go to the traces.</a></div>;
  return (
    <div class="app" key={generation}>
      <Nav view={route.view} />
      <main>{body}</main>
    </div>
  );
}

render(<App />, document.getElementById("app")!);
