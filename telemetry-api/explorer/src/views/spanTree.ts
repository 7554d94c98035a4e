// A trace's flat span list as a tree, flattened again into the rows the collapsed state shows.

export type TreeSpan = {
  spanId: string;
  parentSpanId: string | null;
  name: string;
  type: string;
  startTime: string;
  durationMs: number | null;
  status: string;
  isError: boolean;
  model: string | null;
  subtreeStatus: string;
  subtree: { spanCount: number; erroredDescendants: number; inputTokens: number; outputTokens: number; totalTokens: number; cost: number };
};

export type Node = { span: TreeSpan; start: number; children: Node[]; depth: number; parent: Node | null };
export type Row = { node: Node; depth: number };

export function buildTree(spans: TreeSpan[]): { roots: Node[]; byId: Map<string, Node>; start: number; end: number } {
  const byId = new Map<string, Node>();
  let start = Infinity;
  let end = -Infinity;
  for (const span of spans) {
    const t = new Date(span.startTime).getTime();
    start = Math.min(start, t);
    end = Math.max(end, t + (span.durationMs ?? 0));
    byId.set(span.spanId, { span, start: t, children: [], depth: 0, parent: null });
  }
  const roots: Node[] = [];
  for (const node of byId.values()) {
    const parent = node.span.parentSpanId ? byId.get(node.span.parentSpanId) : undefined;
    if (parent) {
      node.parent = parent;
      parent.children.push(node);
    } else roots.push(node);
  }
  const byStart = (a: Node, b: Node) => a.start - b.start;
  roots.sort(byStart);
  // Iterative, so that a 5 000-deep chain cannot overflow the stack.
  const stack = [...roots];
  while (stack.length) {
    const node = stack.pop()!;
    node.children.sort(byStart);
    for (const child of node.children) {
      child.depth = node.depth + 1;
      stack.push(child);
    }
  }
  if (!Number.isFinite(start)) start = end = 0;
  return { roots, byId, start, end };
}

export function visibleRows(roots: Node[], collapsed: Set<string>): Row[] {
  const rows: Row[] = [];
  const stack = [...roots].reverse();
  while (stack.length) {
    const node = stack.pop()!;
    rows.push({ node, depth: node.depth });
    if (!collapsed.has(node.span.spanId)) {
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]);
    }
  }
  return rows;
}

/** The failed span an error seen at `node` came from: a failed descendant with no failure under it. */
export function errorOrigin(node: Node): Node | null {
  const stack = [...node.children].reverse();
  while (stack.length) {
    const n = stack.pop()!;
    if (n.span.isError && n.span.subtree.erroredDescendants === 0) return n;
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
  }
  return null;
}
