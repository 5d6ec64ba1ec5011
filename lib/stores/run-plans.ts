/**
 * The writes of a run's transitions, on the runs store's tables: create a run, apply a state-machine plan with its
 * version checks (run and step) in one statement, end a run, and settle it afterwards (current step clock,
 * completion, the parent run). Plain SQL on a SqlRunner, for the reason given in lib/stores/runs.ts.
 */
import { ActionError } from "../actions/result";
import { appendAudit } from "../audit/log";
import type { Actor } from "../auth/roles";
import { query, type SqlRunner } from "../sql";
import { enqueueCommand } from "./commands";
import type { ControlPlaneAction } from "../control-plane/actions";
import { ActionParamsError } from "../control-plane/contract";
import { getRunbook, type Runbook } from "../runbooks";
import { Prisma } from "../generated/prisma/client";
import type { Prefill } from "../runs/prefill";
import { currentStep, finalStatus, type Plan, type RunSnapshot, type RunStatus, type StepStatus } from "../runs/machine";
import { rememberRunbookVersion } from "./runbook-versions";
import { loadRunState, type RunState } from "./runs";

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
  rememberRunbookVersion(runbook);
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
      const cmd = await enqueueCommand(sql, {
        action: plan.enqueue.action as ControlPlaneAction,
        params: plan.enqueue.params,
        runId,
        stepId: plan.enqueue.stepId,
        requestedBy: actor,
        consent: plan.enqueue.consent,
      });
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
