/** Follow-up states as stored. */
export const FOLLOW_UP_STATES = ["OPEN", "DONE", "WONT_DO"] as const;
export type FollowUpState = (typeof FOLLOW_UP_STATES)[number];

export const STATE_LABELS: Record<FollowUpState, string> = { OPEN: "open", DONE: "done", WONT_DO: "won't do" };

/** Today's date in UTC (YYYY-MM-DD): due dates are calendar days. */
export const utcDay = (at: Date) => at.toISOString().slice(0, 10);

/** An open follow-up is overdue from the day after its due date (UTC). */
export function isOverdue(f: { state: string; dueOn: string }, now: Date): boolean {
  return f.state === "OPEN" && f.dueOn < utcDay(now);
}
