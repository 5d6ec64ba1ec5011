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

/** Each runbook's latest finished drill (the index's validation column). */
export const drillsQuery = queryOptions({ queryKey: ["runbook-validation"], queryFn: readOr<DrillValidation[]>("/api/runbooks/validation", []) });

/** Each runbook's review schedule and open gaps, by id. */
export const maintenanceQuery = queryOptions({ queryKey: ["runbook-maintenance"], queryFn: readOr<Record<string, RunbookMaintenance>>("/api/runbooks/maintenance", {}) });

/** Each runbook's step text, by id, for the search; it changes only with a new build. */
export const stepTextQuery = queryOptions({ queryKey: ["runbook-search-text"], queryFn: readOr<Record<string, string> | null>("/api/runbooks/search-text", null), staleTime: Infinity });
