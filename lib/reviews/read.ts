import "server-only";
import { db } from "../db";
import { runnerOf } from "../sql";
import { listRunbooks, getRunbook } from "../runbooks";
import { activitySince, latestReviews, listReviews, type ActivityRow } from "../stores/reviews";
import { listOpenGaps } from "../stores/followups";
import { paths } from "../paths";
import { reviewStatus, type ReviewStatus } from "./schedule";

export type RunbookReviewState = ReviewStatus & { lastBy: string | null };

/** Every runbook's review state now: last review, next due date, overdue. */
export async function reviewStates(now = new Date()): Promise<Record<string, RunbookReviewState>> {
  const latest = await latestReviews(runnerOf(db()));
  const out: Record<string, RunbookReviewState> = {};
  for (const rb of listRunbooks()) {
    const last = latest.get(rb.id);
    out[rb.id] = { ...reviewStatus({ cadence: rb.reviewCadence, lastReviewedAt: last?.reviewedAt ?? null, validatedOn: rb.validation.date }, now), lastBy: last?.reviewerName ?? null };
  }
  return out;
}

export type ReviewHistoryItem = { reviewer: string; at: string; outcome: string; change: string | null; note: string | null };

/** One runbook's review state and its recent reviews, newest first. */
export async function runbookReviews(runbookId: string, now = new Date()): Promise<{ state: RunbookReviewState; history: ReviewHistoryItem[] } | null> {
  const rb = getRunbook(runbookId);
  if (!rb) return null;
  const rows = await listReviews(runnerOf(db()), runbookId);
  const state = { ...reviewStatus({ cadence: rb.reviewCadence, lastReviewedAt: rows[0]?.reviewedAt ?? null, validatedOn: rb.validation.date }, now), lastBy: rows[0]?.reviewerName ?? null };
  return {
    state,
    history: rows.map((r) => ({
      reviewer: r.reviewerName,
      at: new Date(r.reviewedAt).toISOString(),
      outcome: r.outcome === "CHANGELOG" ? "change-log entry" : "no change",
      change: r.changelog ? `${r.changelog.date}: ${r.changelog.change}` : null,
      note: r.note,
    })),
  };
}

export type MonthlyItem = { kind: "incident" | "run" | "gap"; id: string; title: string; status: string; at: string; href: string; drill?: boolean };
export type MonthlyReview = { since: string; runbooks: { id: string; title: string; review: RunbookReviewState; items: MonthlyItem[] }[] };

/**
 * The monthly review: per runbook, the past month's incidents (by their suggested runbook) and runs, and its open
 * runbook-gap follow-ups, so the reviewer sees what to look at.
 */
export async function monthlyReview(now = new Date()): Promise<MonthlyReview> {
  const since = new Date(now.getTime() - 30 * 86_400_000);
  const sql = runnerOf(db());
  const [activity, gaps, states] = await Promise.all([activitySince(sql, since), listOpenGaps(sql), reviewStates(now)]);
  const by = (rbId: string) => activity.filter((a: ActivityRow) => a.runbookId === rbId);
  return {
    since: since.toISOString().slice(0, 10),
    runbooks: listRunbooks().map((rb) => ({
      id: rb.id,
      title: rb.title,
      review: states[rb.id],
      items: [
        ...by(rb.id).map((a): MonthlyItem => ({
          kind: a.kind,
          id: a.id,
          title: a.kind === "incident" ? a.title : `Run started by ${a.title}`,
          status: a.status.replace("_", " ").toLowerCase(),
          at: new Date(a.at).toISOString(),
          href: a.kind === "incident" ? paths.incident(a.id) : paths.run(a.id),
          drill: a.drill,
        })),
        ...gaps
          .filter((g) => g.runbookId === rb.id)
          .map((g): MonthlyItem => ({ kind: "gap", id: g.id, title: `${g.title}${g.stepId ? ` (step ${g.stepId})` : ""} — ${g.ownerName}, due ${g.dueOn}`, status: "open", at: new Date(g.createdAt).toISOString(), href: g.runId ? paths.rca(g.runId) : paths.incident(g.incidentId!) })),
      ],
    })),
  };
}
