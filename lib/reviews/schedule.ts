import type { ReviewCadence } from "../runbooks/schema";

const MONTHS: Record<ReviewCadence, number> = { monthly: 1, quarterly: 3, annually: 12 };

/** `date` (YYYY-MM-DD) plus one cadence, clamped to the month's last day (2026-01-31 + 1 month = 2026-02-28). */
export function addCadence(date: string, cadence: ReviewCadence): string {
  const [y, m, d] = date.split("-").map(Number);
  const months = y * 12 + (m - 1) + MONTHS[cadence];
  const year = Math.floor(months / 12);
  const month = months % 12;
  const last = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return `${String(year).padStart(4, "0")}-${String(month + 1).padStart(2, "0")}-${String(Math.min(d, last)).padStart(2, "0")}`;
}

export type ReviewStatus = {
  cadence: ReviewCadence;
  /** The last review recorded in the portal (YYYY-MM-DD), or null. */
  last: string | null;
  /** What the next review counts from: the last review, else the runbook's last validation. */
  since: string;
  next: string;
  overdue: boolean;
  /** Whole days past `next` (0 when not overdue). */
  daysOverdue: number;
};

/**
 * When a runbook is next due for review: one cadence after its last recorded review, or, before any, one cadence
 * after its validation date. Overdue from the day after `next` (UTC) on.
 */
export function reviewStatus(input: { cadence: ReviewCadence; lastReviewedAt: Date | string | null; validatedOn: string }, now: Date): ReviewStatus {
  const last = input.lastReviewedAt ? new Date(input.lastReviewedAt).toISOString().slice(0, 10) : null;
  const since = last ?? input.validatedOn;
  const next = addCadence(since, input.cadence);
  const today = now.toISOString().slice(0, 10);
  const overdue = today > next;
  const daysOverdue = overdue ? Math.round((Date.parse(today) - Date.parse(next)) / 86_400_000) : 0;
  return { cadence: input.cadence, last, since, next, overdue, daysOverdue };
}
