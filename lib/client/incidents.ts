import { queryOptions } from "@tanstack/react-query";
import type { IncidentBoard } from "../data/incident-board";

/**
 * The incident commander's board (the prerendered /incidents page draws it), polled every 3 s while the tab is
 * visible (paused while hidden).
 */
export const incidentBoardQuery = queryOptions({
  queryKey: ["incident-board"],
  queryFn: async ({ signal }): Promise<IncidentBoard> => {
    const res = await fetch("/api/incidents/board", { signal, cache: "no-store" });
    if (!res.ok) throw new Error(res.status === 401 ? "your session ended; sign in again" : `the portal answered HTTP ${res.status}`);
    return (await res.json()) as IncidentBoard;
  },
  refetchInterval: 3_000,
  refetchIntervalInBackground: false,
});
