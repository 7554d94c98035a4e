// Single-key shortcuts (j/k, Enter, Esc) and `/` to focus the search box, ignored while typing.
import { useEffect, useRef } from "preact/hooks";

export function useKeys(bindings: Record<string, () => void>) {
  const ref = useRef(bindings);
  ref.current = bindings;
  useEffect(() => {
    const handler = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      const typing = target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT";
      if (event.key === "Escape" && typing) {
        target.blur();
      }
      if (typing || event.metaKey || event.ctrlKey || event.altKey) return;
      if (event.key === "/") {
        const search = document.getElementById("search") as HTMLInputElement | null;
        if (search) {
          event.preventDefault();
          search.focus();
        }
        return;
      }
      const action = ref.current[event.key];
      if (action) {
        event.preventDefault();
        action();
      }
    };
    window.addEventListener("keydown", handler);
    return () => window.removeEventListener("keydown", handler);
  }, []);
}
