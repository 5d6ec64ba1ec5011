import { Link } from "@/components/ui/link";
import type { GraphLayout } from "@/lib/runbooks/graph";
import { paths } from "@/lib/paths";

const FILL = {
  CRITICAL: "fill-red-50 stroke-red-400 dark:fill-red-950 dark:stroke-red-700",
  HIGH: "fill-orange-50 stroke-orange-400 dark:fill-orange-950 dark:stroke-orange-700",
  MEDIUM: "fill-amber-50 stroke-amber-400 dark:fill-amber-950 dark:stroke-amber-700",
  LOW: "fill-zinc-50 stroke-zinc-400 dark:fill-zinc-900 dark:stroke-zinc-600",
} as const;

/** The seed's runbook dependency graph as a picture; each node opens its runbook. */
export function DependencyGraph({ layout }: { layout: GraphLayout }) {
  const { nodeWidth: w, nodeHeight: h } = layout;
  return (
    <figure aria-labelledby="graph-caption" data-testid="dependency-graph" className="overflow-x-auto">
      <svg viewBox={`0 0 ${layout.width} ${layout.height}`} width={layout.width} height={layout.height} className="max-w-none text-zinc-500" role="group">
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" className="fill-current" />
          </marker>
        </defs>
        {layout.edges.map((e) => (
          <path key={`${e.from}-${e.to}`} d={e.path} className="fill-none stroke-current" strokeWidth={1.5} markerEnd="url(#arrow)" />
        ))}
        {layout.nodes.map((n) => (
          <Link key={n.id} href={paths.runbook(n.id)} className="group">
            <rect x={n.x} y={n.y} width={w} height={h} rx={8} className={`${FILL[n.severity]} stroke-[1.5] group-hover:stroke-indigo-500 group-focus:stroke-indigo-500`} />
            <text x={n.x + 10} y={n.y + 18} className="fill-zinc-900 text-[12px] font-semibold dark:fill-zinc-100">
              {n.id}
            </text>
            <text x={n.x + 10} y={n.y + 34} className="fill-zinc-600 text-[11px] dark:fill-zinc-400">
              {n.title.length > 24 ? `${n.title.slice(0, 23)}…` : n.title}
            </text>
          </Link>
        ))}
      </svg>
      <figcaption id="graph-caption" className="mt-2 text-xs text-zinc-500">
        Arrows point from a runbook to the runbooks it hands over to. Click a runbook to open it.
      </figcaption>
    </figure>
  );
}
