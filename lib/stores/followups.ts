/**
 * Reads and writes of follow-up items (table follow_up, issue 19) on a SqlRunner, so the same statements run inside
 * a Prisma transaction (runnerOf(tx)) or on the pool. Ids and dates come back as text, times as Date.
 */
import { randomUUID } from "node:crypto";
import type { SqlRunner } from "../sql";

export type FollowUpRow = {
  id: string;
  runId: string | null;
  incidentId: string | null;
  title: string;
  ownerId: string;
  ownerName: string;
  /** YYYY-MM-DD */
  dueOn: string;
  state: "OPEN" | "DONE" | "WONT_DO";
  runbookId: string | null;
  stepId: string | null;
  closeReason: string | null;
  fixedBy: { key: string; date: string; author: string; change: string } | null;
  closedByName: string | null;
  closedAt: Date | null;
  createdAt: Date;
  version: number;
};

const SELECT = `SELECT f."id"::text AS "id", f."runId"::text AS "runId", f."incidentId"::text AS "incidentId", f."title",
       f."ownerId"::text AS "ownerId", o."name" AS "ownerName", to_char(f."dueOn", 'YYYY-MM-DD') AS "dueOn", f."state",
       f."runbookId", f."stepId", f."closeReason", f."fixedBy", c."name" AS "closedByName", f."closedAt", f."createdAt", f."version"
  FROM "follow_up" f
  JOIN "person" o ON o."id" = f."ownerId"
  LEFT JOIN "person" c ON c."id" = f."closedById"`;

/** The follow-ups of one RCA (run) or one incident, open first, then by due date. */
export function listFollowUpsOf(sql: SqlRunner, of: { runId: string } | { incidentId: string }): Promise<FollowUpRow[]> {
  const [column, id] = "runId" in of ? ['"runId"', of.runId] : ['"incidentId"', of.incidentId];
  return sql<FollowUpRow>(`${SELECT} WHERE f.${column} = $1::uuid ORDER BY (f."state" = 'OPEN') DESC, f."dueOn", f."createdAt"`, [id]);
}

/** One follow-up, or undefined. */
export async function getFollowUp(sql: SqlRunner, id: string): Promise<FollowUpRow | undefined> {
  return (await sql<FollowUpRow>(`${SELECT} WHERE f."id" = $1::uuid`, [id]))[0];
}

/** Open runbook-gap follow-ups, of one runbook or of all, by due date. */
export function listOpenGaps(sql: SqlRunner, runbookId?: string): Promise<FollowUpRow[]> {
  return runbookId
    ? sql<FollowUpRow>(`${SELECT} WHERE f."state" = 'OPEN' AND f."runbookId" = $1 ORDER BY f."dueOn", f."createdAt"`, [runbookId])
    : sql<FollowUpRow>(`${SELECT} WHERE f."state" = 'OPEN' AND f."runbookId" IS NOT NULL ORDER BY f."dueOn", f."createdAt"`, []);
}

/** Open follow-ups due before `today` (YYYY-MM-DD), of one owner or of everyone, oldest due first. */
export function listOverdueFollowUps(sql: SqlRunner, today: string, ownerId?: string): Promise<FollowUpRow[]> {
  return ownerId
    ? sql<FollowUpRow>(`${SELECT} WHERE f."state" = 'OPEN' AND f."dueOn" < $1::date AND f."ownerId" = $2::uuid ORDER BY f."dueOn" LIMIT 100`, [today, ownerId])
    : sql<FollowUpRow>(`${SELECT} WHERE f."state" = 'OPEN' AND f."dueOn" < $1::date ORDER BY f."dueOn" LIMIT 100`, [today]);
}

export type NewFollowUp = {
  runId: string | null;
  incidentId: string | null;
  title: string;
  ownerId: string;
  dueOn: string;
  runbookId: string | null;
  stepId: string | null;
  createdById: string;
};

/** Inserts an open follow-up; returns its id. */
export async function insertFollowUp(sql: SqlRunner, f: NewFollowUp): Promise<string> {
  const id = randomUUID();
  await sql(
    `INSERT INTO "follow_up" ("id", "runId", "incidentId", "title", "ownerId", "dueOn", "runbookId", "stepId", "createdById")
     VALUES ($1::uuid, $2::uuid, $3::uuid, $4, $5::uuid, $6::date, $7, $8, $9::uuid) RETURNING "id"::text AS "id"`,
    [id, f.runId, f.incidentId, f.title, f.ownerId, f.dueOn, f.runbookId, f.stepId, f.createdById],
  );
  return id;
}

/**
 * Closes an open follow-up as DONE or WONT_DO if it is still at `version`; false when it was closed or changed
 * meanwhile (no row matched).
 */
export async function closeFollowUp(
  sql: SqlRunner,
  c: { id: string; version: number; state: "DONE" | "WONT_DO"; closeReason: string | null; fixedBy: FollowUpRow["fixedBy"]; closedById: string },
): Promise<boolean> {
  const rows = await sql(
    `UPDATE "follow_up" SET "state" = $3, "closeReason" = $4, "fixedBy" = $5::jsonb, "closedById" = $6::uuid, "closedAt" = now(), "version" = "version" + 1
      WHERE "id" = $1::uuid AND "version" = $2 AND "state" = 'OPEN' RETURNING "id"::text AS "id"`,
    [c.id, c.version, c.state, c.closeReason, c.fixedBy ? JSON.stringify(c.fixedBy) : null, c.closedById],
  );
  return rows.length === 1;
}

/** People a follow-up may be given to: everyone not disabled, by name. */
export function listAssignablePeople(sql: SqlRunner): Promise<{ id: string; name: string; email: string }[]> {
  return sql<{ id: string; name: string; email: string }>(`SELECT "id"::text AS "id", "name", "email" FROM "person" WHERE NOT "disabled" ORDER BY "name"`, []);
}

/** Whether a person exists and is not disabled. */
export async function isAssignable(sql: SqlRunner, personId: string): Promise<boolean> {
  return (await sql(`SELECT 1 AS "one" FROM "person" WHERE "id" = $1::uuid AND NOT "disabled"`, [personId])).length === 1;
}

export type RcaDueRow = { runId: string; runbookId: string; endedAt: Date; startedById: string; startedByName: string };

/**
 * Ended, non-drill top-level runs whose RCA was never saved and that ended before `endedBefore` (48 hours ago), of
 * one starter or of everyone; the caller keeps those whose runbook owes an RCA (P1/P2).
 */
export function listUnsavedRcasEndedBefore(sql: SqlRunner, endedBefore: Date, startedById?: string): Promise<RcaDueRow[]> {
  const base = `SELECT r."id"::text AS "runId", r."runbookId", r."endedAt", r."startedById"::text AS "startedById", p."name" AS "startedByName"
                  FROM "run" r JOIN "person" p ON p."id" = r."startedById"
                 WHERE r."endedAt" IS NOT NULL AND r."endedAt" < $1 AND r."rcaVersion" = 0 AND NOT r."drill" AND r."parentRunId" IS NULL`;
  return startedById
    ? sql<RcaDueRow>(`${base} AND r."startedById" = $2::uuid ORDER BY r."endedAt" LIMIT 100`, [endedBefore, startedById])
    : sql<RcaDueRow>(`${base} ORDER BY r."endedAt" LIMIT 100`, [endedBefore]);
}
