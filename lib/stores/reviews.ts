/** Reads and writes of recorded runbook reviews (table runbook_review, issue 19) on a SqlRunner. */
import { randomUUID } from "node:crypto";
import type { SqlRunner } from "../sql";

export type ReviewRow = {
  id: string;
  runbookId: string;
  reviewerName: string;
  reviewedAt: Date;
  outcome: "NO_CHANGE" | "CHANGELOG";
  changelog: { key: string; date: string; author: string; change: string } | null;
  note: string | null;
  cadence: string;
};

const COLUMNS = `"id"::text AS "id", "runbookId", "reviewerName", "reviewedAt", "outcome", "changelog", "note", "cadence"`;

/** The latest review of every runbook that has one. */
export async function latestReviews(sql: SqlRunner): Promise<Map<string, ReviewRow>> {
  const rows = await sql<ReviewRow>(`SELECT DISTINCT ON ("runbookId") ${COLUMNS} FROM "runbook_review" ORDER BY "runbookId", "reviewedAt" DESC`, []);
  return new Map(rows.map((r) => [r.runbookId, r]));
}

/** One runbook's reviews, newest first. */
export function listReviews(sql: SqlRunner, runbookId: string, limit = 10): Promise<ReviewRow[]> {
  return sql<ReviewRow>(`SELECT ${COLUMNS} FROM "runbook_review" WHERE "runbookId" = $1 ORDER BY "reviewedAt" DESC LIMIT $2`, [runbookId, limit]);
}

/** Records a review; returns its id and time. */
export async function insertReview(
  sql: SqlRunner,
  r: { runbookId: string; reviewedById: string; reviewerName: string; outcome: ReviewRow["outcome"]; changelog: ReviewRow["changelog"]; note: string | null; cadence: string },
): Promise<{ id: string; reviewedAt: Date }> {
  const id = randomUUID();
  const [row] = await sql<{ reviewedAt: Date }>(
    `INSERT INTO "runbook_review" ("id", "runbookId", "reviewedById", "reviewerName", "outcome", "changelog", "note", "cadence")
     VALUES ($1::uuid, $2, $3::uuid, $4, $5, $6::jsonb, $7, $8) RETURNING "reviewedAt"`,
    [id, r.runbookId, r.reviewedById, r.reviewerName, r.outcome, r.changelog ? JSON.stringify(r.changelog) : null, r.note, r.cadence],
  );
  return { id, reviewedAt: row.reviewedAt };
}

export type ActivityRow = { kind: "incident" | "run"; id: string; runbookId: string; title: string; status: string; at: Date; drill: boolean };

/**
 * What a monthly review looks at, per runbook: incidents detected since `since` (by their suggested runbook) and
 * top-level runs started since then. Reads the incident and run tables, read-only.
 */
export function activitySince(sql: SqlRunner, since: Date): Promise<ActivityRow[]> {
  return sql<ActivityRow>(
    `SELECT 'incident' AS "kind", i."id"::text AS "id", i."suggestedRunbookId" AS "runbookId", i."severity" || ' ' || i."title" AS "title",
            i."status"::text AS "status", i."detectedAt" AS "at", false AS "drill"
       FROM "incident" i WHERE i."detectedAt" >= $1 AND i."suggestedRunbookId" IS NOT NULL
     UNION ALL
     SELECT 'run', r."id"::text, r."runbookId", p."name", r."status"::text, r."startedAt", r."drill"
       FROM "run" r JOIN "person" p ON p."id" = r."startedById" WHERE r."startedAt" >= $1 AND r."parentRunId" IS NULL
     ORDER BY "at" DESC LIMIT 500`,
    [since],
  );
}
