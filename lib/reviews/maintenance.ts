import "server-only";
import { openGapCounts } from "../followups/read";
import { reviewStates } from "./read";

/** Per runbook: its review schedule and open runbook-gap follow-ups (the index's validation column; issue 19). */
export type RunbookMaintenance = { lastReview: string | null; nextReview: string; overdue: boolean; cadence: string; openGaps: number };

/** Every runbook's maintenance now, by id. */
export async function runbookMaintenance(now = new Date()): Promise<Record<string, RunbookMaintenance>> {
  const [reviews, gaps] = await Promise.all([reviewStates(now), openGapCounts()]);
  return Object.fromEntries(
    Object.entries(reviews).map(([id, r]) => [id, { lastReview: r.last, nextReview: r.next, overdue: r.overdue, cadence: r.cadence, openGaps: gaps[id] ?? 0 }]),
  );
}
