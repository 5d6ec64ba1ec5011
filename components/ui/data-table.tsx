import type { HTMLAttributes, ReactNode } from "react";
import { cx } from "./cx";

/** One column: its header, what each row shows in it, and classes for its cells. */
export type Column<T> = {
  header: string;
  /** Keeps the header for screen readers only (a column of links or marks needs no visible title). */
  hideHeader?: boolean;
  cell: (row: T) => ReactNode;
  /** Extra classes for the column's body cells, fixed or per row. */
  className?: string | ((row: T) => string | false | undefined);
  /** Right-aligns header and cells (numbers). */
  numeric?: boolean;
  /** Renders the body cells as row headers (`<th scope="row">`): the column that names the row. */
  rowHeader?: boolean;
  /** In a table stacked on a phone (`stackOnPhone`), shows the header before the cell's value ("Response: <15 min"). */
  phoneLabel?: boolean;
};

type RowAttributes = HTMLAttributes<HTMLTableRowElement> & { [data: `data-${string}`]: string | undefined };

const HEAD = "text-xs uppercase tracking-wide text-zinc-500 dark:text-zinc-400";

/**
 * Below the `sm` breakpoint a stacked table shows each row as a block of its cells, one under another, instead of
 * columns squeezed into 390 px (the runbook index's "Use when" was a column of single words). The elements keep their
 * table roles explicitly, since some browsers drop a table's semantics when its parts stop being displayed as one.
 */
const STACK = { table: "max-sm:block", head: "max-sm:sr-only", body: "max-sm:block", row: "max-sm:block max-sm:py-2", cell: "max-sm:block max-sm:py-0.5" } as const;

const RULED = "divide-y divide-zinc-200 dark:divide-zinc-800";

/**
 * The portal's three table looks, so every table of the same kind lines up: `framed` stands on its own in a bordered
 * box, `plain` sits inside a card, `compact` is a live panel's (flush left, ruled rows).
 */
const VARIANTS = {
  framed: { wrapper: "overflow-x-auto rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900", head: cx(HEAD, "border-b border-zinc-200 dark:border-zinc-800"), body: RULED, row: undefined, th: "px-3 py-2", td: "px-3 py-2", empty: "px-3 py-6" },
  plain: { wrapper: undefined, head: HEAD, body: RULED, row: undefined, th: "px-2 py-1", td: "px-2 py-1", empty: "px-2 py-4" },
  compact: { wrapper: "overflow-x-auto", head: HEAD, body: undefined, row: "border-t border-zinc-100 dark:border-zinc-800", th: "py-1 pr-3 last:pr-0", td: "py-1.5 pr-3 last:pr-0", empty: "py-4" },
} as const;

/**
 * A table of rows by columns, with the markup every table here shares: column headers with `scope="col"`, an
 * optional caption, and an empty-state row (`empty`) when there are no rows.
 */
export function DataTable<T>({
  rows,
  columns,
  rowKey,
  rowProps,
  variant = "framed",
  caption,
  hideCaption = false,
  empty,
  testId,
  stackOnPhone = false,
}: {
  rows: readonly T[];
  columns: Column<T>[];
  rowKey: (row: T, index: number) => string;
  /** Per-row attributes: test ids, data attributes, classes, `aria-current`. */
  rowProps?: (row: T) => RowAttributes;
  variant?: keyof typeof VARIANTS;
  caption?: ReactNode;
  hideCaption?: boolean;
  empty?: ReactNode;
  testId?: string;
  /** Rows become blocks of stacked cells on a phone (STACK). */
  stackOnPhone?: boolean;
}) {
  const v = VARIANTS[variant];
  const stack = stackOnPhone ? STACK : null;
  const role = <R extends string>(r: R) => (stack ? r : undefined);
  const table = (
    <table className={cx("w-full text-left text-sm", stack?.table)} data-testid={testId} role={role("table")}>
      {caption && <caption className={hideCaption ? "sr-only" : "px-3 py-2 text-left text-sm font-semibold"}>{caption}</caption>}
      <thead className={cx(v.head, stack?.head)} role={role("rowgroup")}>
        <tr role={role("row")}>
          {columns.map((c) => (
            <th key={c.header} scope="col" className={cx(v.th, c.numeric && "text-right")} role={role("columnheader")}>
              {c.hideHeader ? <span className="sr-only">{c.header}</span> : c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody className={cx(v.body, stack?.body)} role={role("rowgroup")}>
        {rows.length === 0 && empty && (
          <tr role={role("row")}>
            <td colSpan={columns.length} className={cx(v.empty, "text-center text-zinc-500")} role={role("cell")}>
              {empty}
            </td>
          </tr>
        )}
        {rows.map((row, i) => {
          const { className, ...props } = rowProps?.(row) ?? {};
          return (
            <tr key={rowKey(row, i)} className={cx(v.row, className, stack?.row) || undefined} role={role("row")} {...props}>
              {columns.map((c) => {
                const cellClass = cx(v.td, c.numeric && "text-right", typeof c.className === "function" ? c.className(row) : c.className, stack?.cell);
                // The header already names the cell for a screen reader; the visible label is for eyes on a phone.
                const label = stack && c.phoneLabel && (
                  <span aria-hidden="true" className="text-xs font-medium uppercase tracking-wide text-zinc-500 sm:hidden">
                    {c.header}:{" "}
                  </span>
                );
                return c.rowHeader ? (
                  <th key={c.header} scope="row" className={cx(cellClass, "font-normal")} role={role("rowheader")}>
                    {label}
                    {c.cell(row)}
                  </th>
                ) : (
                  <td key={c.header} className={cellClass} role={role("cell")}>
                    {label}
                    {c.cell(row)}
                  </td>
                );
              })}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
  return v.wrapper ? <div className={v.wrapper}>{table}</div> : table;
}
