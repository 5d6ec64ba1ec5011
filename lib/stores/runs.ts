/**
 * The runs store: every read and write of `run`, `step_state`, `signature`, `step_request` and `decision` that a
 * run's life depends on. Plain SQL on a SqlRunner (lib/sql.ts), because the sign-off is the hot path and measured
 * fastest that way (docs/benchmarks.md, "Run sign-off latency"); callers inside a Prisma transaction pass
 * `runnerOf(tx)`. Concurrency follows docs/architecture.md: every change names the version (or the value) it was
 * read at, and a write that finds another lost a race.
 *
 * The page's loaders (loadRun, loadRunsInProgress) still read through Prisma's include, as they return the rows
 * the run page renders; a transition reads with loadRunState. Transitions' writes are in lib/stores/run-plans.ts.
 */
import type { Db, Tx } from "../db";
import { Prisma } from "../generated/prisma/client";
import { query, runnerOf, type SqlRunner } from "../sql";
import type { RunSnapshot, CommandState, RunStatus, StepStatus } from "../runs/machine";
import { loadRunbookVersion } from "./runbook-versions";

/** The parts of a run the state machine looks at (both loaders below provide at least these). */
type RunRows = {
  id: string;
  status: RunStatus;
  steps: {
    stepId: string;
    status: StepStatus;
    version: number;
    request: unknown;
    requestId: string | null;
    requestHash: string | null;
    requestedById: string | null;
    completedById: string | null;
    commandId: string | null;
    childRunId: string | null;
  }[];
  signatures: { stepId: string; personId: string; personName: string; role: string; requestId: string | null; requestHash: string | null; voidedAt: Date | string | null }[];
  requests: { id: string; stepId: string; requestedById: string; requestedBy: string; requestHash: string }[];
  commands: { id: string; state: CommandState }[];
  children: { id: string; status: RunStatus }[];
};

function toSnapshot(run: RunRows): RunSnapshot {
  return {
    id: run.id,
    status: run.status,
    steps: run.steps.map((st) => ({
      stepId: st.stepId,
      status: st.status,
      version: st.version,
      request: (st.request as RunSnapshot["steps"][number]["request"]) ?? null,
      requestId: st.requestId,
      requestHash: st.requestHash,
      requestedById: st.requestedById,
      completedById: st.completedById,
      commandState: run.commands.find((c) => c.id === st.commandId)?.state ?? null,
      childRunStatus: run.children.find((c) => c.id === st.childRunId)?.status ?? null,
    })),
    signatures: run.signatures.map((g) => ({ stepId: g.stepId, personId: g.personId, personName: g.personName, role: g.role, requestId: g.requestId, requestHash: g.requestHash, voided: g.voidedAt !== null })),
    requests: run.requests.map((q) => ({ id: q.id, stepId: q.stepId, personId: q.requestedById, personName: q.requestedBy, requestHash: q.requestHash })),
  };
}

const RUN_INCLUDE = {
  // The runbook's text is read only when this process has not parsed that version yet.
  runbook: { select: { contentHash: true, runbookId: true } },
  steps: { orderBy: { position: "asc" } },
  signatures: { orderBy: { createdAt: "asc" } },
  requests: { orderBy: { createdAt: "asc" } },
  decisions: true,
  commands: { select: { id: true, stepId: true, state: true } },
  children: { select: { id: true, status: true, parentStepId: true } },
} satisfies Prisma.RunInclude;

/** The runs in progress (newest first, at most `take`), each with its runbook version and state-machine snapshot, in one query. */
export async function loadRunsInProgress(tx: Db | Tx, take = 100) {
  const runs = await tx.run.findMany({ where: { status: "IN_PROGRESS" }, orderBy: { startedAt: "desc" }, take, include: RUN_INCLUDE });
  const sql = runnerOf(tx);
  return Promise.all(runs.map(async (run) => ({ run, runbook: await loadRunbookVersion(sql, run.runbook), snapshot: toSnapshot(run) })));
}

/** What the run page shows beyond the state machine's needs: whole commands, who started it, its parent and children. */
const RUN_PAGE_INCLUDE = {
  ...RUN_INCLUDE,
  commands: true,
  children: { select: { id: true, status: true, parentStepId: true, runbookId: true } },
  startedBy: { select: { name: true } },
  parent: { select: { id: true, runbookId: true } },
} satisfies Prisma.RunInclude;

/** A run with everything the run page shows (steps in order, signatures, decisions, commands, child runs), in one query. */
export async function loadRun(tx: Db | Tx, runId: string) {
  const run = await tx.run.findUnique({ where: { id: runId }, include: RUN_PAGE_INCLUDE });
  if (!run) return null;
  const runbook = await loadRunbookVersion(runnerOf(tx), run.runbook);
  return { run, runbook, snapshot: toSnapshot(run) };
}

type RunStateRow = Omit<RunRows, "steps"> & {
  runbookId: string;
  contentHash: string;
  version: number;
  drill: boolean;
  drillScenario: string | null;
  incidentId: string | null;
  detectedAt: Date;
  parentRunId: string | null;
  steps: (RunRows["steps"][number] & { currentSince: string | null })[];
};

/**
 * What a transition needs of a run, in one statement: the run row, its step states in order, signatures, and the
 * states of its commands and child runs. The hot path of every sign-off, so it is plain SQL (no query compiler);
 * the run page uses loadRun.
 */
export async function loadRunState(sql: SqlRunner, runId: string) {
  const [run] = await query<RunStateRow>(sql, Prisma.sql`
    SELECT r."id", r."runbookId", r."contentHash", r."status"::text AS "status", r."version", r."drill", r."drillScenario", r."incidentId",
           r."detectedAt", r."parentRunId",
           (SELECT coalesce(json_agg(json_build_object('stepId', s."stepId", 'status', s."status", 'version', s."version", 'request', s."request",
                     'requestId', s."requestId", 'requestHash', s."requestHash", 'requestedById', s."requestedById", 'completedById', s."completedById",
                     'commandId', s."commandId", 'childRunId', s."childRunId", 'currentSince', s."currentSince") ORDER BY s."position"), '[]')
              FROM "step_state" s WHERE s."runId" = r."id") AS "steps",
           (SELECT coalesce(json_agg(json_build_object('stepId', g."stepId", 'personId', g."personId", 'personName', g."personName", 'role', g."role",
                     'requestId', g."requestId", 'requestHash', g."requestHash", 'voidedAt', g."voidedAt") ORDER BY g."createdAt"), '[]')
              FROM "signature" g WHERE g."runId" = r."id") AS "signatures",
           (SELECT coalesce(json_agg(json_build_object('id', q."id", 'stepId', q."stepId", 'requestedById', q."requestedById", 'requestedBy', q."requestedBy",
                     'requestHash', q."requestHash") ORDER BY q."createdAt"), '[]')
              FROM "step_request" q WHERE q."runId" = r."id") AS "requests",
           (SELECT coalesce(json_agg(json_build_object('id', c."id", 'state', c."state")), '[]') FROM "command" c WHERE c."runId" = r."id") AS "commands",
           (SELECT coalesce(json_agg(json_build_object('id', k."id", 'status', k."status")), '[]') FROM "run" k WHERE k."parentRunId" = r."id") AS "children"
      FROM "run" r WHERE r."id" = ${runId}::uuid`);
  if (!run) return null;
  const runbook = await loadRunbookVersion(sql, run);
  return { run, runbook, snapshot: toSnapshot(run) };
}

export type RunState = NonNullable<Awaited<ReturnType<typeof loadRunState>>>;

/** What the actions that work on a run (evidence, escalation, RCA, a held command) read of it first. */
export type RunHeader = { id: string; status: RunStatus; runbookId: string; contentHash: string; drill: boolean; escalationLevel: number };

export async function readRunHeader(sql: SqlRunner, runId: string): Promise<RunHeader | null> {
  const [run] = await query<RunHeader>(
    sql,
    Prisma.sql`SELECT "id"::text AS "id", "status"::text AS "status", "runbookId", "contentHash", "drill", "escalationLevel" FROM "run" WHERE "id" = ${runId}::uuid`,
  );
  return run ?? null;
}

/** Appends a piece of evidence to a step, in the database, so two people adding at once both keep theirs. False: no such step. */
export async function appendEvidence(sql: SqlRunner, runId: string, stepId: string, item: Record<string, unknown>): Promise<boolean> {
  const rows = await query(
    sql,
    Prisma.sql`UPDATE "step_state" SET "evidence" = "evidence" || jsonb_build_array(${JSON.stringify(item)}::jsonb)
                WHERE "runId" = ${runId}::uuid AND "stepId" = ${stepId} RETURNING 1 AS "ok"`,
  );
  return rows.length > 0;
}

/** Raises the run's escalation level by one if it is still at `from`; false when someone raised it meanwhile. */
export async function raiseEscalationLevel(sql: SqlRunner, runId: string, from: number): Promise<boolean> {
  const rows = await query(sql, Prisma.sql`UPDATE "run" SET "escalationLevel" = ${from + 1}::int WHERE "id" = ${runId}::uuid AND "escalationLevel" = ${from}::int RETURNING 1 AS "ok"`);
  return rows.length > 0;
}

/** Current steps of runs in progress that have waited since before `cutoff` and were not escalated for it yet (at most 50). */
export async function stepsWaitingSince(sql: SqlRunner, cutoff: Date): Promise<{ runId: string; stepId: string; currentSince: Date }[]> {
  const rows = await query<{ runId: string; stepId: string; currentSince: string }>(
    sql,
    Prisma.sql`SELECT s."runId"::text AS "runId", s."stepId", to_char(s."currentSince" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "currentSince"
                 FROM "step_state" s JOIN "run" r ON r."id" = s."runId"
                WHERE s."currentSince" < ${cutoff}::timestamptz AND s."autoEscalatedAt" IS NULL AND s."status" IN ('PENDING', 'AWAITING_SIGNATURES') AND r."status" = 'IN_PROGRESS'
                LIMIT 50`,
  );
  return rows.map((r) => ({ ...r, currentSince: new Date(r.currentSince) }));
}

/** Claims a step's wait for automatic escalation; false when another pass or replica claimed it first. */
export async function claimAutoEscalation(sql: SqlRunner, runId: string, stepId: string, now: Date): Promise<boolean> {
  const rows = await query(
    sql,
    Prisma.sql`UPDATE "step_state" SET "autoEscalatedAt" = ${now}::timestamptz WHERE "runId" = ${runId}::uuid AND "stepId" = ${stepId} AND "autoEscalatedAt" IS NULL RETURNING 1 AS "ok"`,
  );
  return rows.length > 0;
}
