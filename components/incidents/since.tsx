"use client";

import { CLOCK_PLACEHOLDER, formatDuration, useNow } from "../runs/clocks";
import { cx } from "../ui/cx";

/** A live clock since `from`, red once past `targetMinutes`. */
export function Since({ from, targetMinutes, testId }: { from: string; targetMinutes?: number | null; testId?: string }) {
  const now = useNow();
  const ms = now === null ? null : now - Date.parse(from);
  const over = targetMinutes && ms !== null ? ms > targetMinutes * 60_000 : false;
  return (
    <span data-testid={testId} className={cx("font-mono tabular-nums", over && "font-semibold text-red-700 dark:text-red-300")} title={targetMinutes ? `target ${targetMinutes} min` : undefined}>
      {ms === null ? CLOCK_PLACEHOLDER : formatDuration(ms)}
      {targetMinutes ? <span className="ml-1 font-sans text-xs text-zinc-500">/ {targetMinutes} min</span> : null}
    </span>
  );
}
