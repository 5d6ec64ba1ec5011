import { queryOptions } from "@tanstack/react-query";
import type { DrillValidation } from "../data/drills";
import type { RunbookMaintenance } from "../reviews/maintenance";

/** A read the runbook index makes after the page; an answer that is not 200 leaves that part out (`none`). */
const readOr =
  <T>(url: string, none: T) =>
  async ({ signal }: { signal: AbortSignal }): Promise<T> => {
    const res = await fetch(url, { signal });
    return res.ok ? ((await res.json()) as T) : none;
  };

/** The index's validation column: each runbook's review schedule and open gaps by id, and its latest finished drill. */
export type RunbookUpkeep = { maintenance: Record<string, RunbookMaintenance>; drills: DrillValidation[] };
export const upkeepQuery = queryOptions({ queryKey: ["runbook-upkeep"], queryFn: readOr<RunbookUpkeep>("/api/runbooks/upkeep", { maintenance: {}, drills: [] }) });

/** Each runbook's step text, by id, for the search; it changes only with a new build. */
export const stepTextQuery = queryOptions({ queryKey: ["runbook-search-text"], queryFn: readOr<Record<string, string> | null>("/api/runbooks/search-text", null), staleTime: Infinity });
