import { queryOptions } from "@tanstack/react-query";
import type { PanelsResponse } from "../telemetry/panels";

/**
 * The live panels, polled every 2 s while the tab is visible (paused in hidden tabs); the server caches for 2 s. The
 * page arrives with the panels in it, so they count as fresh for those 2 s: read again at once, they were the same
 * numbers, fetched and drawn a second time while the page was still starting.
 */
export const panelsQuery = queryOptions({
  queryKey: ["panels"],
  queryFn: async ({ signal }): Promise<PanelsResponse> => {
    const res = await fetch("/api/panels", { signal, cache: "no-store" });
    if (!res.ok) throw new Error(((await res.json().catch(() => ({}))) as { message?: string }).message ?? `HTTP ${res.status}`);
    return (await res.json()) as PanelsResponse;
  },
  refetchInterval: 2_000,
  refetchIntervalInBackground: false,
  staleTime: 2_000,
});

/** A panel chart redraws with new data at most this often, while the numbers beside it follow every poll. */
export const CHART_REDRAW_MS = 10_000;

/** How long new data waits before a chart last drawn at `shownAt` draws it: none once `everyMs` has passed. */
export function chartHoldMs(shownAt: number, now: number, everyMs: number): number {
  return Math.max(0, Math.min(everyMs, shownAt + everyMs - now));
}
