import type { DiffRow } from "@/lib/audit/diff";
import { cx } from "@/components/ui/cx";
import { DataTable } from "@/components/ui/data-table";

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
    <DataTable
      variant="plain"
      testId="audit-diff"
      rows={rows}
      rowKey={(r) => r.path}
      rowProps={(r) => ({ className: cx("align-top", ROW[r.change]), "data-testid": "diff-row", "data-change": r.change })}
      columns={[
        { header: "Field", className: "font-mono text-xs", cell: (r) => r.path },
        { header: "Before", className: (r) => cx("break-all font-mono text-xs", r.change !== "same" && r.change !== "added" && "line-through decoration-red-400"), cell: (r) => show(r.before) },
        { header: "After", className: "break-all font-mono text-xs", cell: (r) => show(r.after) },
        { header: "Change", hideHeader: true, className: "text-xs text-zinc-500", cell: (r) => (r.change === "same" ? "" : r.change) },
      ]}
    />
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
