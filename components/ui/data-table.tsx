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
};

type RowAttributes = HTMLAttributes<HTMLTableRowElement> & { [data: `data-${string}`]: string | undefined };

const HEAD = "text-xs uppercase tracking-wide text-zinc-500 dark:text-zinc-400";
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
}) {
  const v = VARIANTS[variant];
  const table = (
    <table className="w-full text-left text-sm" data-testid={testId}>
      {caption && <caption className={hideCaption ? "sr-only" : "px-3 py-2 text-left text-sm font-semibold"}>{caption}</caption>}
      <thead className={v.head}>
        <tr>
          {columns.map((c) => (
            <th key={c.header} scope="col" className={cx(v.th, c.numeric && "text-right")}>
              {c.hideHeader ? <span className="sr-only">{c.header}</span> : c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody className={v.body}>
        {rows.length === 0 && empty && (
          <tr>
            <td colSpan={columns.length} className={cx(v.empty, "text-center text-zinc-500")}>
              {empty}
            </td>
          </tr>
        )}
        {rows.map((row, i) => {
          const { className, ...props } = rowProps?.(row) ?? {};
          return (
            <tr key={rowKey(row, i)} className={cx(v.row, className) || undefined} {...props}>
              {columns.map((c) => {
                const cellClass = cx(v.td, c.numeric && "text-right", typeof c.className === "function" ? c.className(row) : c.className);
                return c.rowHeader ? (
                  <th key={c.header} scope="row" className={cx(cellClass, "font-normal")}>
                    {c.cell(row)}
                  </th>
                ) : (
                  <td key={c.header} className={cellClass}>
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
