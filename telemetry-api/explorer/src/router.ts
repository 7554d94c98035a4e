// A small history-API router: every view has its own URL, the back button works.
import { useEffect, useState } from "preact/hooks";

export type Route =
  | { view: "traces" }
  | { view: "trace"; id: string }
  | { view: "sessions" }
  | { view: "session"; id: string }
  | { view: "dashboard" }
  | { view: "missing" };

export function parseRoute(path: string): Route {
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0) return { view: "traces" };
  if (parts[0] === "traces" && parts.length === 2) return { view: "trace", id: parts[1] };
  if (parts[0] === "sessions" && parts.length === 1) return { view: "sessions" };
  if (parts[0] === "sessions" && parts.length === 2) return { view: "session", id: parts[1] };
  if (parts[0] === "dashboard" && parts.length === 1) return { view: "dashboard" };
  return { view: "missing" };
}

const listeners = new Set<() => void>();
window.addEventListener("popstate", () => listeners.forEach((l) => l()));

/** Goes to `url` (a path with query string), adding a history entry unless `replace`. */
export function navigate(url: string, replace = false) {
  if (url === location.pathname + location.search) return;
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  listeners.forEach((l) => l());
}

/** The current location; re-renders on navigation and on back/forward. */
export function useLocation(): { path: string; params: URLSearchParams } {
  const [, setTick] = useState(0);
  useEffect(() => {
    const listener = () => setTick((t) => t + 1);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return { path: location.pathname, params: new URLSearchParams(location.search) };
}

/** A link that navigates without reloading (modifier clicks open a new tab as usual). */
export function linkHandler(url: string) {
  return (event: MouseEvent) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(url);
  };
}
