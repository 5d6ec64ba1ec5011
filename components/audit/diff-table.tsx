import type { DiffRow } from "@/lib/audit/diff";
import { cx } from "@/components/ui/cx";

const show = (v: unknown) => (v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v));

const ROW: Record<DiffRow["change"], string> = {
  changed: "bg-amber-50 dark:bg-amber-950/40",
  added: "bg-emerald-50 dark:bg-emerald-950/40",
  removed: "bg-red-50 dark:bg-red-950/40",
  same: "",
};

/** Before and after, key by key; changed keys first catch the eye, unchanged ones are kept for context. */
export function DiffTable({ rows }: { rows: DiffRow[] }) {
  return (
    <table className="w-full text-left text-sm" data-testid="audit-diff">
      <thead className="text-xs uppercase tracking-wide text-zinc-500">
        <tr>
          <th className="px-2 py-1">Field</th>
          <th className="px-2 py-1">Before</th>
          <th className="px-2 py-1">After</th>
          <th className="px-2 py-1">
            <span className="sr-only">Change</span>
          </th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
        {rows.map((r) => (
          <tr key={r.path} className={cx("align-top", ROW[r.change])} data-testid="diff-row" data-change={r.change}>
            <td className="px-2 py-1 font-mono text-xs">{r.path}</td>
            <td className={cx("break-all px-2 py-1 font-mono text-xs", r.change !== "same" && r.change !== "added" && "line-through decoration-red-400")}>{show(r.before)}</td>
            <td className="break-all px-2 py-1 font-mono text-xs">{show(r.after)}</td>
            <td className="px-2 py-1 text-xs text-zinc-500">{r.change === "same" ? "" : r.change}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A JSON value, indented. */
export function JsonBlock({ value, testId }: { value: unknown; testId?: string }) {
  return (
    <pre data-testid={testId} className="max-h-96 overflow-auto rounded-md bg-zinc-50 p-3 font-mono text-xs text-zinc-800 dark:bg-zinc-950 dark:text-zinc-200">
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}
