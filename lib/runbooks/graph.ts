import type { Runbook } from "./loader";

export type GraphNode = { id: string; title: string; severity: Runbook["severity"]; x: number; y: number; layer: number };
export type GraphEdge = { from: string; to: string; path: string };
export type GraphLayout = { width: number; height: number; nodes: GraphNode[]; edges: GraphEdge[]; nodeWidth: number; nodeHeight: number };

const NODE_W = 168;
const NODE_H = 44;
const GAP_X = 90;
const GAP_Y = 18;
const PAD = 12;

/**
 * Lays the dependency graph out left to right: each runbook's column is the length of the longest dependency chain
 * leading to it, so every edge points rightwards. Nodes keep a stable order within a column.
 */
export function layoutDependencyGraph(runbooks: Pick<Runbook, "id" | "title" | "severity" | "dependencies">[]): GraphLayout {
  const byId = new Map(runbooks.map((r) => [r.id, r]));
  const parents = new Map<string, string[]>(runbooks.map((r) => [r.id, []]));
  for (const r of runbooks) for (const d of r.dependencies) if (byId.has(d)) parents.get(d)!.push(r.id);
  const layer = new Map<string, number>();
  const depth = (id: string, seen = new Set<string>()): number => {
    if (layer.has(id)) return layer.get(id)!;
    if (seen.has(id)) return 0; // a cycle cannot happen in validated runbooks; guard anyway
    seen.add(id);
    const ps = parents.get(id) ?? [];
    const l = ps.length === 0 ? 0 : Math.max(...ps.map((p) => depth(p, seen) + 1));
    layer.set(id, l);
    return l;
  };
  runbooks.forEach((r) => depth(r.id));
  const columns: string[][] = [];
  for (const r of [...runbooks].sort((a, b) => a.id.localeCompare(b.id))) (columns[layer.get(r.id)!] ??= []).push(r.id);
  const rows = Math.max(...columns.map((c) => c.length));
  const height = PAD * 2 + rows * NODE_H + (rows - 1) * GAP_Y;
  const nodes: GraphNode[] = [];
  columns.forEach((col, l) => {
    const colHeight = col.length * NODE_H + (col.length - 1) * GAP_Y;
    col.forEach((id, i) => {
      const r = byId.get(id)!;
      nodes.push({ id, title: r.title, severity: r.severity, layer: l, x: PAD + l * (NODE_W + GAP_X), y: (height - colHeight) / 2 + i * (NODE_H + GAP_Y) });
    });
  });
  const pos = new Map(nodes.map((n) => [n.id, n]));
  const edges: GraphEdge[] = [];
  for (const r of runbooks) {
    for (const d of r.dependencies) {
      const a = pos.get(r.id);
      const b = pos.get(d);
      if (!a || !b) continue;
      const x1 = a.x + NODE_W;
      const y1 = a.y + NODE_H / 2;
      const x2 = b.x;
      const y2 = b.y + NODE_H / 2;
      const mid = (x1 + x2) / 2;
      edges.push({ from: r.id, to: d, path: `M ${x1} ${y1} C ${mid} ${y1}, ${mid} ${y2}, ${x2 - 6} ${y2}` });
    }
  }
  return { width: PAD * 2 + columns.length * NODE_W + (columns.length - 1) * GAP_X, height, nodes, edges, nodeWidth: NODE_W, nodeHeight: NODE_H };
}
