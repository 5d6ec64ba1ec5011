"use client";

import { startTransition, useEffect, useState } from "react";
import type { RunView } from "@/lib/data/run-view";
import { subscribeToClock } from "@/lib/client/clock";
import { cx } from "../ui/cx";

/**
 * The current time, re-read every `intervalMs` (clocks only; one timer serves every clock of an interval:
 * lib/client/clock.ts). Null on the server and in the first render in the browser, so both render the same text (a
 * clock rendered from each side's own Date.now() differs by the time the page took to arrive: React's hydration
 * error #418); callers show a placeholder until the first reading.
 *
 * Readings are transitions: React draws them when the main thread is free, in pieces. Read through
 * useSyncExternalStore, the first reading after hydration re-rendered every clock on the page at once, in the same
 * task as the page's effects (docs/benchmarks.md, "Phone main thread").
 */
export function useNow(intervalMs = 1000): number | null {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    // Whole intervals, so two clocks read in the same tick agree.
    const read = () => startTransition(() => setNow(Math.floor(Date.now() / intervalMs) * intervalMs));
    read();
    return subscribeToClock(intervalMs, read);
  }, [intervalMs]);
  return now;
}

/** What a clock shows before the browser knows the time (same width as "m:ss"). */
export const CLOCK_PLACEHOLDER = "–:––";

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h ? `${h}h ${String(m).padStart(2, "0")}m` : `${m}:${String(sec).padStart(2, "0")}`;
}

/** Elapsed time since detection against the runbook's response target, and the response-timeline phase. */
export function RunClocks({ run }: { run: RunView }) {
  const now = useNow();
  // Until the browser knows the time, the server's "now" of this view (the same text on both sides).
  const end = run.endedAt ? Date.parse(run.endedAt) : (now ?? Date.parse(run.serverTime));
  const elapsed = end - Date.parse(run.detectedAt);
  const target = run.response.minutes ? run.response.minutes * 60_000 : null;
  const over = target !== null && elapsed > target;
  const minutes = elapsed / 60_000;
  const phase = run.phases.find((p) => minutes >= p.fromMinutes && minutes < p.toMinutes) ?? null;
  return (
    <div className="flex flex-wrap items-center gap-4">
      <div data-testid="run-clock" className={cx("rounded-md px-3 py-1.5 font-mono text-lg tabular-nums", over ? "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200" : "bg-zinc-100 dark:bg-zinc-800")}>
        {formatDuration(elapsed)}
        <span className="ml-2 font-sans text-xs">
          {target ? (over ? `over the ${run.response.label} target` : `of ${run.response.label}`) : run.response.label}
        </span>
      </div>
      {run.phases.length > 0 && (
        <ol aria-label="Response timeline" className="flex flex-wrap gap-1 text-xs">
          {run.phases.map((p) => {
            const active = p === phase && !run.endedAt;
            const past = minutes >= p.toMinutes;
            return (
              <li
                key={p.fromMinutes}
                aria-current={active ? "step" : undefined}
                className={cx("rounded px-2 py-1", active ? "bg-indigo-600 text-white" : past ? "bg-zinc-200 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-400" : "bg-zinc-100 text-zinc-700 dark:bg-zinc-900 dark:text-zinc-300")}
                title={p.label}
              >
                {p.fromMinutes}–{p.toMinutes} min{active ? `: ${p.label}` : ""}
              </li>
            );
          })}
        </ol>
      )}
    </div>
  );
}
