// A JSON value as a collapsible tree, with a search box that keeps only matching paths.
import { useState } from "preact/hooks";

type Props = { value: unknown; label?: string; searchable?: boolean };

function leaves(value: unknown, path: string, out: [string, string][]) {
  if (value !== null && typeof value === "object") {
    const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
    if (entries.length === 0) out.push([path, Array.isArray(value) ? "[]" : "{}"]);
    for (const [k, v] of entries) leaves(v, path ? `${path}.${k}` : k, out);
  } else {
    out.push([path, JSON.stringify(value)]);
  }
}

function Scalar({ value }: { value: unknown }) {
  const kind = value === null ? "null" : typeof value;
  return <span class={`json-${kind}`}>{JSON.stringify(value)}</span>;
}

function Node({ name, value, depth }: { name: string | null; value: unknown; depth: number }) {
  const [open, setOpen] = useState(depth < 2);
  const key = name !== null ? <span class="json-key">{name}: </span> : null;
  if (value === null || typeof value !== "object") {
    return (
      <div class="json-row">
        {key}
        <Scalar value={value} />
      </div>
    );
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  const [lb, rb] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  if (entries.length === 0) {
    return (
      <div class="json-row">
        {key}
        <span class="json-punct">{lb + rb}</span>
      </div>
    );
  }
  return (
    <div class="json-node">
      <div class="json-row json-toggle" onClick={() => setOpen(!open)}>
        <span class="caret">{open ? "▾" : "▸"}</span>
        {key}
        <span class="json-punct">{open ? lb : `${lb} ${entries.length} ${Array.isArray(value) ? "items" : "keys"} ${rb}`}</span>
      </div>
      {open && (
        <div class="json-children">
          {entries.map(([k, v]) => (
            <Node key={k} name={k} value={v} depth={depth + 1} />
          ))}
          <div class="json-punct">{rb}</div>
        </div>
      )}
    </div>
  );
}

export function JsonTree({ value, label, searchable = false }: Props) {
  const [query, setQuery] = useState("");
  const needle = query.trim().toLowerCase();
  let body;
  if (needle) {
    const all: [string, string][] = [];
    leaves(value, "", all);
    const hits = all.filter(([p, v]) => p.toLowerCase().includes(needle) || v.toLowerCase().includes(needle));
    body = hits.length ? (
      hits.map(([p, v]) => (
        <div class="json-row" key={p}>
          <span class="json-key">{p}: </span>
          <span>{v}</span>
        </div>
      ))
    ) : (
      <div class="muted">No key or value contains “{query}”.</div>
    );
  } else {
    body = <Node name={null} value={value} depth={0} />;
  }
  return (
    <div class="json-tree" data-label={label}>
      {searchable && (
        <input class="json-search" placeholder={`Search ${label ?? "JSON"}…`} value={query} onInput={(e) => setQuery((e.target as HTMLInputElement).value)} />
      )}
      {body}
    </div>
  );
}
