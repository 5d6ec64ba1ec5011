/**
 * Applies the run state machine to the database: loads a run's snapshot, applies a plan inside the caller's
 * transaction with version checks (run and step), and settles the run afterwards (current step clock, completion).
 *
 * Written as plain SQL against a SqlRunner (lib/sql.ts): run transitions execute on a `pg` connection of their own
 * (sqlTransaction), and the same functions serve callers inside a Prisma transaction through prismaRunner.
 */
import { ActionError } from "../actions/result";
import { appendAudit } from "../audit/log";
import type { Actor } from "../auth/roles";
import type { Db, Tx } from "../db";
import { query, runnerOf, type SqlRunner } from "../sql";
import { enqueueCommand } from "../control-plane/relay";
import type { ControlPlaneAction } from "../control-plane/actions";
import { ActionParamsError } from "../control-plane/contract";
import { getRunbook, type Runbook } from "../runbooks";
import { parseRunbook } from "../runbooks/loader";
import { Prisma } from "../generated/prisma/client";
import type { Prefill } from "./prefill";
import { currentStep, finalStatus, type CommandState, type Plan, type RunSnapshot, type RunStatus, type StepStatus } from "./machine";

const parsed = new Map<string, Runbook>();

/** The runbook exactly as the run started it (parsed from the stored text, cached by content hash). */
export function runbookVersion(v: { contentHash: string; runbookId: string; source: string }): Runbook {
  let rb = parsed.get(v.contentHash);
  if (!rb) {
    rb = parseRunbook(`${v.runbookId}@${v.contentHash.slice(0, 12)}`, v.source);
    parsed.set(v.contentHash, rb);
  }
  return rb;
}

/** The runbook version a run executes; its stored text is read only when this process has not parsed it yet. */
export async function loadRunbookVersion(sql: SqlRunner, v: { contentHash: string; runbookId: string }): Promise<Runbook> {
  const cached = parsed.get(v.contentHash);
  if (cached) return cached;
  const [row] = await query<{ source: string }>(sql, Prisma.sql`SELECT "source" FROM "runbook_version" WHERE "contentHash" = ${v.contentHash}`);
  if (!row) throw new Error(`Runbook version ${v.contentHash} is missing.`);
  return runbookVersion({ ...v, source: row.source });
}

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

/** A run with everything the run page shows (steps in order, signatures, decisions, commands, child runs). */
export async function loadRun(tx: Db | Tx, runId: string) {
  const run = await tx.run.findUnique({ where: { id: runId }, include: RUN_INCLUDE });
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

export type CreateRunInput = {
  runbook: Runbook;
  actor: Actor;
  drill?: boolean;
  drillScenario?: string | null;
  incidentId?: string | null;
  detectedAt?: Date;
  parent?: { runId: string; stepId: string };
  /** Step parameter values proposed for the run (lib/runs/prefill.ts); the run page fills its fields with them. */
  prefill?: Prefill | null;
  /** Evidence to put on the first step (e.g. the failing flow the run is about). */
  firstStepEvidence?: { text: string; url: string | null } | null;
};

/** Creates a run pinned to the runbook's content, with one state row per step; the first step is current. */
export async function createRun(sql: SqlRunner, input: CreateRunInput, now = new Date()): Promise<{ id: string }> {
  const { runbook } = input;
  parsed.set(runbook.contentHash, runbook);
  const evidence = input.firstStepEvidence ? [{ ...input.firstStepEvidence, by: input.actor.name, at: now.toISOString() }] : [];
  // One statement: the runbook version (kept once per content hash), the run, and its steps in order.
  const [run] = await query<{ id: string }>(
    sql,
    Prisma.sql`
      WITH v AS (
        INSERT INTO "runbook_version" ("contentHash", "runbookId", "source") VALUES (${runbook.contentHash}, ${runbook.id}, ${runbook.source})
        ON CONFLICT ("contentHash") DO NOTHING
      ), r AS (
        INSERT INTO "run" ("id", "runbookId", "contentHash", "drill", "drillScenario", "incidentId", "detectedAt", "startedById", "startedAt", "parentRunId", "parentStepId", "prefill")
        VALUES (gen_random_uuid(), ${runbook.id}, ${runbook.contentHash}, ${input.drill ?? false}, ${input.drillScenario ?? null}::text, ${input.incidentId ?? null}::uuid,
                ${input.detectedAt ?? now}::timestamptz, ${input.actor.id}::uuid, ${now}::timestamptz, ${input.parent?.runId ?? null}::uuid, ${input.parent?.stepId ?? null}::text,
                ${input.prefill ? JSON.stringify(input.prefill) : null}::jsonb)
        RETURNING "id"
      ), s AS (
        INSERT INTO "step_state" ("runId", "stepId", "position", "currentSince", "evidence")
        SELECT r."id", step."id", step."position", CASE WHEN step."position" = 1 THEN ${now}::timestamptz END,
               CASE WHEN step."position" = 1 THEN ${JSON.stringify(evidence)}::jsonb ELSE '[]'::jsonb END
          FROM r, unnest(${runbook.steps.map((st) => st.id)}::text[]) WITH ORDINALITY AS step("id", "position")
      )
      SELECT "id"::text AS "id" FROM r`,
  );
  return run;
}

async function conflictMessage(sql: SqlRunner, runId: string, stepId: string, runbook: Runbook): Promise<string> {
  const [st] = await query<{ status: StepStatus; by: string | null }>(
    sql,
    Prisma.sql`SELECT s."status"::text AS "status", p."name" AS "by" FROM "step_state" s LEFT JOIN "person" p ON p."id" = s."completedById"
                WHERE s."runId" = ${runId}::uuid AND s."stepId" = ${stepId}`,
  );
  const step = runbook.steps.find((s) => s.id === stepId);
  if (!st || !step) return "Someone else changed this run just now. Nothing was saved; the page shows the latest state.";
  const what = { DONE: "signed off", SKIPPED: "skipped", NOT_APPLICABLE: "no longer applicable", COMMAND_SENT: "sent", AWAITING_SIGNATURES: "changed", WAITING_CHILD: "opened", PENDING: "changed" }[st.status];
  return `Step ${step.number} was already ${what}${st.by ? ` by ${st.by}` : ""}. Nothing was saved; the page shows the latest state.`;
}

/** step_state columns a plan may write, with their SQL types. */
const STEP_COLUMNS: Record<string, string> = {
  status: '"StepStatus"',
  notes: "text",
  request: "jsonb",
  requestId: "uuid",
  requestHash: "text",
  requestedById: "uuid",
  completedById: "uuid",
  completedAt: "timestamptz",
  skipReason: "text",
};

function stepAssignments(data: Record<string, unknown>): Prisma.Sql {
  const sets = Object.entries(data).map(([column, value]) => {
    const type = STEP_COLUMNS[column];
    if (!type) throw new Error(`A run plan cannot write step_state.${column}.`);
    const param = type === "jsonb" && value !== null && value !== undefined ? JSON.stringify(value) : (value ?? null);
    return Prisma.sql`${Prisma.raw(`"${column}"`)} = ${param}::${Prisma.raw(type)}`;
  });
  return Prisma.join([...sets, Prisma.sql`"version" = "version" + 1`], ", ");
}

/**
 * Which step's clock starts once the plan is applied: the snapshot the plan was made from, with the plan applied in
 * memory, tells which step is then current. `finished` when no step is left (the run ends), null when no clock starts.
 */
function clockAfter(loaded: RunState, plan: Plan): { stepId: string } | "finished" | null {
  const updates = new Map(plan.stepUpdates.map((u) => [u.stepId, u.data]));
  const after: RunSnapshot = {
    ...loaded.snapshot,
    steps: loaded.snapshot.steps.map((st) => {
      const data = updates.get(st.stepId);
      if (!data) return st;
      return {
        ...st,
        status: (data.status as StepStatus | undefined) ?? st.status,
        commandState: plan.enqueue?.stepId === st.stepId ? "PENDING" : st.commandState,
        childRunStatus: plan.openChild?.stepId === st.stepId ? "IN_PROGRESS" : st.childRunStatus,
      };
    }),
  };
  const cur = currentStep(after);
  if (!cur) return "finished";
  const row = loaded.run.steps.find((s) => s.stepId === cur.stepId);
  return row && !row.currentSince && !updates.has(cur.stepId) ? { stepId: cur.stepId } : null;
}

/**
 * Applies a plan with version checks; a lost race throws a CONFLICT ActionError (the transaction rolls back).
 *
 * The run's version guard, the step updates (each guarded by its own version), a new request, voided and new
 * signatures, the decision and the next step's clock are one statement: every part after the guard only acts on the
 * run the guard updated, and the counts it returns tell which guard, if any, lost.
 */
export async function applyPlan(sql: SqlRunner, ctx: { actor: Actor; loaded: RunState; plan: Plan }, now = new Date()) {
  const { actor, loaded, plan } = ctx;
  const { run, runbook } = loaded;
  const runId = run.id;
  const clock = plan.endRun ? null : clockAfter(loaded, plan);
  const ofRun = Prisma.sql`(SELECT "id" FROM g)`;
  const ctes: Prisma.Sql[] = [
    Prisma.sql`g AS (UPDATE "run" SET "version" = "version" + 1 WHERE "id" = ${runId}::uuid AND "version" = ${run.version} AND "status" = 'IN_PROGRESS' RETURNING "id")`,
    ...plan.stepUpdates.map(
      (u, i) => Prisma.sql`${Prisma.raw(`u${i}`)} AS (UPDATE "step_state" SET ${stepAssignments(u.data)} WHERE "runId" = ${ofRun} AND "stepId" = ${u.stepId} AND "version" = ${u.expectedVersion} RETURNING 1)`,
    ),
  ];
  if (plan.request) {
    const q = plan.request;
    ctes.push(Prisma.sql`q AS (INSERT INTO "step_request" ("id", "runId", "stepId", "requestedById", "requestedBy", "request", "requestHash", "createdAt")
      SELECT ${q.id}::uuid, "id", ${q.stepId}, ${actor.id}::uuid, ${actor.name}, ${JSON.stringify(q.request)}::jsonb, ${q.requestHash}, ${now}::timestamptz FROM g RETURNING 1)`);
  }
  if (plan.voidSignaturesOf) {
    const { stepId } = plan.voidSignaturesOf;
    ctes.push(Prisma.sql`v AS (UPDATE "signature" SET "voidedAt" = ${now}::timestamptz WHERE "runId" = ${ofRun} AND "stepId" = ${stepId} AND "voidedAt" IS NULL RETURNING 1)`);
  }
  if (plan.signature) {
    const g = plan.signature;
    ctes.push(Prisma.sql`s AS (INSERT INTO "signature" ("id", "runId", "stepId", "personId", "personName", "role", "requestId", "requestHash", "createdAt")
      SELECT gen_random_uuid(), "id", ${g.stepId}, ${actor.id}::uuid, ${actor.name}, ${g.role}, ${g.requestId ?? null}::uuid, ${g.requestHash}::text, ${now}::timestamptz FROM g RETURNING 1)`);
  }
  if (plan.decision) {
    const d = plan.decision;
    ctes.push(Prisma.sql`d AS (INSERT INTO "decision" ("runId", "stepId", "outcome", "reason", "criteria", "decidedById", "decidedBy", "decidedAt")
      SELECT "id", ${d.stepId}, ${d.outcome}::"DecisionOutcome", ${d.reason}, ${JSON.stringify(d.criteria ?? null)}::jsonb, ${actor.id}::uuid, ${actor.name}, ${now}::timestamptz FROM g RETURNING 1)`);
  }
  if (clock && clock !== "finished") {
    ctes.push(Prisma.sql`c AS (UPDATE "step_state" SET "currentSince" = ${now}::timestamptz WHERE "runId" = ${ofRun} AND "stepId" = ${clock.stepId} AND "currentSince" IS NULL RETURNING 1)`);
  }
  const counts = plan.stepUpdates.length ? Prisma.join(plan.stepUpdates.map((_, i) => Prisma.raw(`(SELECT count(*) FROM u${i})::int`)), ", ") : Prisma.empty;
  const [res] = await query<{ run: number; steps: number[] }>(
    sql,
    Prisma.sql`WITH ${Prisma.join(ctes, ",\n")}
      SELECT (SELECT count(*) FROM g)::int AS "run", ARRAY[${counts}]::int[] AS "steps"`,
  );
  if (res.run === 0) {
    const stepId = plan.stepUpdates[0]?.stepId;
    throw new ActionError("CONFLICT", stepId ? await conflictMessage(sql, runId, stepId, runbook) : "Someone else changed this run just now. Nothing was saved.");
  }
  const lost = res.steps.findIndex((n) => n === 0);
  if (lost >= 0) throw new ActionError("CONFLICT", await conflictMessage(sql, runId, plan.stepUpdates[lost].stepId, runbook));

  let commandId: string | undefined;
  if (plan.enqueue) {
    try {
      const cmd = await enqueueCommand(sql, { action: plan.enqueue.action as ControlPlaneAction, params: plan.enqueue.params, runId, stepId: plan.enqueue.stepId, requestedBy: actor });
      commandId = cmd.id;
    } catch (e) {
      if (e instanceof ActionParamsError) throw new ActionError("INVALID", e.message, e.fieldErrors);
      throw e;
    }
    await query(sql, Prisma.sql`UPDATE "step_state" SET "commandId" = ${commandId}::uuid WHERE "runId" = ${runId}::uuid AND "stepId" = ${plan.enqueue.stepId}`);
  }
  let childRunId: string | undefined;
  if (plan.openChild) {
    const linked = getRunbook(plan.openChild.runbookId);
    if (!linked) throw new ActionError("NOT_FOUND", `The linked runbook ${plan.openChild.runbookId} no longer exists.`);
    const child = await createRun(sql, { runbook: linked, actor, drill: run.drill, drillScenario: run.drillScenario, incidentId: run.incidentId, detectedAt: run.detectedAt, parent: { runId, stepId: plan.openChild.stepId } }, now);
    childRunId = child.id;
    await query(sql, Prisma.sql`UPDATE "step_state" SET "childRunId" = ${childRunId}::uuid WHERE "runId" = ${runId}::uuid AND "stepId" = ${plan.openChild.stepId}`);
  }
  if (plan.endRun) await endRun(sql, runId, plan.endRun.status, plan.endRun.reason, actor.id, now);
  // An ended run settles its parent; a run whose last step just finished ends (settleRun reads it again).
  if (plan.endRun || clock === "finished") await settleRun(sql, runId, now);
  return { commandId, childRunId };
}

async function endRun(sql: SqlRunner, runId: string, status: Exclude<RunStatus, "IN_PROGRESS">, reason: string, actorId: string | null, now: Date) {
  await query(
    sql,
    Prisma.sql`
      WITH e AS (
        UPDATE "run" SET "status" = ${status}::"RunStatus", "endedAt" = ${now}::timestamptz, "endedReason" = ${reason}, "endedById" = ${actorId}::uuid
         WHERE "id" = ${runId}::uuid AND "status" = 'IN_PROGRESS'
        RETURNING "drill", "drillScenario", "parentRunId", "runbookId"
      ), n AS (
        -- A top-level drill's scenario is cleared after commit by the jobs loop, like any other side effect outside the database.
        INSERT INTO "notification" ("id", "kind", "payload")
        SELECT gen_random_uuid(), 'drill.ended', jsonb_build_object('runId', ${runId}::text, 'runbookId', e."runbookId", 'scenario', e."drillScenario", 'status', ${status}::text)
          FROM e WHERE e."drill" AND e."drillScenario" IS NOT NULL AND e."parentRunId" IS NULL
      )
      -- Pending steps of an ended run are moot.
      UPDATE "step_state" SET "status" = 'NOT_APPLICABLE', "version" = "version" + 1
       WHERE "runId" = ${runId}::uuid AND "status" IN ('PENDING', 'AWAITING_SIGNATURES')`,
  );
}

/**
 * After any change: starts the current step's clock, and ends the run when every step is finished (then settles
 * the parent run, whose link step this run was).
 */
export async function settleRun(sql: SqlRunner, runId: string, now = new Date()): Promise<void> {
  const loaded = await loadRunState(sql, runId);
  if (!loaded) return;
  const { run, runbook, snapshot } = loaded;
  if (run.status === "IN_PROGRESS") {
    const cur = currentStep(snapshot);
    if (cur) {
      const row = run.steps.find((s) => s.stepId === cur.stepId)!;
      if (!row.currentSince) {
        await query(sql, Prisma.sql`UPDATE "step_state" SET "currentSince" = ${now}::timestamptz WHERE "runId" = ${runId}::uuid AND "stepId" = ${cur.stepId} AND "currentSince" IS NULL`);
      }
      return;
    }
    const status = finalStatus(runbook);
    await endRun(sql, runId, status, "All steps finished.", null, now);
    await appendAudit(sql, { actor: null, action: "run.completed", target: { type: "run", id: runId }, details: { runbookId: run.runbookId, status } });
  }
  if (run.parentRunId) await settleRun(sql, run.parentRunId, now);
}
