/**
 * Applies the run state machine to the database: loads a run's snapshot, applies a plan inside the caller's
 * transaction with version checks (run and step), and settles the run afterwards (current step clock, completion).
 */
import { ActionError } from "../actions/result";
import { appendAudit } from "../audit/log";
import type { Actor } from "../auth/roles";
import type { Tx } from "../db";
import { enqueueCommand } from "../control-plane/relay";
import type { ControlPlaneAction } from "../control-plane/actions";
import { ActionParamsError } from "../control-plane/contract";
import { getRunbook, type Runbook } from "../runbooks";
import { parseRunbook } from "../runbooks/loader";
import { currentStep, finalStatus, type Plan, type RunSnapshot, type RunStatus } from "./machine";

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
export async function loadRunbookVersion(tx: Tx, v: { contentHash: string; runbookId: string }): Promise<Runbook> {
  const cached = parsed.get(v.contentHash);
  if (cached) return cached;
  const { source } = await tx.runbookVersion.findUniqueOrThrow({ where: { contentHash: v.contentHash }, select: { source: true } });
  return runbookVersion({ ...v, source });
}

export async function loadRun(tx: Tx, runId: string) {
  const found = await tx.run.findUnique({
    where: { id: runId },
    include: {
      // The runbook's text is read only when this process has not parsed that version yet.
      runbook: { select: { contentHash: true, runbookId: true } },
      steps: { orderBy: { position: "asc" } },
      signatures: { orderBy: { createdAt: "asc" } },
      decisions: true,
      commands: { select: { id: true, stepId: true, state: true } },
      children: { select: { id: true, status: true, parentStepId: true } },
    },
  });
  if (!found) return null;
  const run = found;
  const runbook = await loadRunbookVersion(tx, found.runbook);
  const snapshot: RunSnapshot = {
    id: run.id,
    status: run.status,
    steps: run.steps.map((st) => ({
      stepId: st.stepId,
      status: st.status,
      version: st.version,
      request: (st.request as RunSnapshot["steps"][number]["request"]) ?? null,
      requestHash: st.requestHash,
      requestedById: st.requestedById,
      completedById: st.completedById,
      commandState: run.commands.find((c) => c.id === st.commandId)?.state ?? null,
      childRunStatus: run.children.find((c) => c.id === st.childRunId)?.status ?? null,
    })),
    signatures: run.signatures.map((g) => ({ stepId: g.stepId, personId: g.personId, personName: g.personName, role: g.role, requestHash: g.requestHash, voided: g.voidedAt !== null })),
  };
  return { run, runbook, snapshot };
}

export type CreateRunInput = {
  runbook: Runbook;
  actor: Actor;
  drill?: boolean;
  drillScenario?: string | null;
  incidentId?: string | null;
  detectedAt?: Date;
  parent?: { runId: string; stepId: string };
  /** Evidence to put on the first step (e.g. the failing flow the run is about). */
  firstStepEvidence?: { text: string; url: string | null } | null;
};

/** Creates a run pinned to the runbook's content, with one state row per step; the first step is current. */
export async function createRun(tx: Tx, input: CreateRunInput, now = new Date()) {
  const { runbook } = input;
  await tx.runbookVersion.upsert({
    where: { contentHash: runbook.contentHash },
    update: {},
    create: { contentHash: runbook.contentHash, runbookId: runbook.id, source: runbook.source },
  });
  const run = await tx.run.create({
    data: {
      runbookId: runbook.id,
      contentHash: runbook.contentHash,
      drill: input.drill ?? false,
      drillScenario: input.drillScenario ?? null,
      incidentId: input.incidentId ?? null,
      detectedAt: input.detectedAt ?? now,
      startedById: input.actor.id,
      startedAt: now,
      parentRunId: input.parent?.runId ?? null,
      parentStepId: input.parent?.stepId ?? null,
    },
  });
  await tx.stepState.createMany({
    data: runbook.steps.map((s, i) => ({
      runId: run.id,
      stepId: s.id,
      position: i + 1,
      currentSince: i === 0 ? now : null,
      evidence: i === 0 && input.firstStepEvidence ? [{ ...input.firstStepEvidence, by: input.actor.name, at: now.toISOString() }] : [],
    })),
  });
  return run;
}

async function conflictMessage(tx: Tx, runId: string, stepId: string, runbook: Runbook): Promise<string> {
  const st = await tx.stepState.findUnique({ where: { runId_stepId: { runId, stepId } } });
  const step = runbook.steps.find((s) => s.id === stepId);
  if (!st || !step) return "Someone else changed this run just now. Nothing was saved; the page shows the latest state.";
  const by = st.completedById ? await tx.person.findUnique({ where: { id: st.completedById }, select: { name: true } }) : null;
  const what = { DONE: "signed off", SKIPPED: "skipped", NOT_APPLICABLE: "no longer applicable", COMMAND_SENT: "sent", AWAITING_SIGNATURES: "changed", WAITING_CHILD: "opened", PENDING: "changed" }[st.status];
  return `Step ${step.number} was already ${what}${by ? ` by ${by.name}` : ""}. Nothing was saved; the page shows the latest state.`;
}

/** Applies a plan with version checks; a lost race throws a CONFLICT ActionError (the transaction rolls back). */
export async function applyPlan(
  tx: Tx,
  ctx: { actor: Actor; runId: string; runVersion: number; runbook: Runbook; plan: Plan; parentRun: { drill: boolean; drillScenario: string | null; incidentId: string | null; detectedAt: Date }; loaded?: LoadedRun },
  now = new Date(),
) {
  const { actor, runId, runbook, plan } = ctx;
  const guard = await tx.run.updateMany({ where: { id: runId, version: ctx.runVersion, status: "IN_PROGRESS" }, data: { version: { increment: 1 } } });
  if (guard.count === 0) {
    const stepId = plan.stepUpdates[0]?.stepId;
    throw new ActionError("CONFLICT", stepId ? await conflictMessage(tx, runId, stepId, runbook) : "Someone else changed this run just now. Nothing was saved.");
  }
  for (const u of plan.stepUpdates) {
    const res = await tx.stepState.updateMany({ where: { runId, stepId: u.stepId, version: u.expectedVersion }, data: { ...u.data, version: { increment: 1 } } });
    if (res.count === 0) throw new ActionError("CONFLICT", await conflictMessage(tx, runId, u.stepId, runbook));
  }
  if (plan.voidSignaturesOf) {
    await tx.signature.updateMany({
      where: { runId, stepId: plan.voidSignaturesOf.stepId, voidedAt: null, NOT: { requestHash: plan.voidSignaturesOf.exceptHash } },
      data: { voidedAt: now },
    });
  }
  if (plan.signature) {
    await tx.signature.create({ data: { runId, stepId: plan.signature.stepId, personId: actor.id, personName: actor.name, role: plan.signature.role, requestHash: plan.signature.requestHash, createdAt: now } });
  }
  if (plan.decision) {
    await tx.decision.create({
      data: { runId, stepId: plan.decision.stepId, outcome: plan.decision.outcome, reason: plan.decision.reason, criteria: plan.decision.criteria as object, decidedById: actor.id, decidedBy: actor.name, decidedAt: now },
    });
  }
  let commandId: string | undefined;
  if (plan.enqueue) {
    try {
      const cmd = await enqueueCommand(tx, { action: plan.enqueue.action as ControlPlaneAction, params: plan.enqueue.params, runId, stepId: plan.enqueue.stepId, requestedBy: actor });
      commandId = cmd.id;
    } catch (e) {
      if (e instanceof ActionParamsError) throw new ActionError("INVALID", e.message, e.fieldErrors);
      throw e;
    }
    await tx.stepState.update({ where: { runId_stepId: { runId, stepId: plan.enqueue.stepId } }, data: { commandId } });
  }
  let childRunId: string | undefined;
  if (plan.openChild) {
    const linked = getRunbook(plan.openChild.runbookId);
    if (!linked) throw new ActionError("NOT_FOUND", `The linked runbook ${plan.openChild.runbookId} no longer exists.`);
    const child = await createRun(tx, { runbook: linked, actor, drill: ctx.parentRun.drill, drillScenario: ctx.parentRun.drillScenario, incidentId: ctx.parentRun.incidentId, detectedAt: ctx.parentRun.detectedAt, parent: { runId, stepId: plan.openChild.stepId } }, now);
    childRunId = child.id;
    await tx.stepState.update({ where: { runId_stepId: { runId, stepId: plan.openChild.stepId } }, data: { childRunId } });
  }
  if (plan.endRun) await endRun(tx, runId, plan.endRun.status, plan.endRun.reason, actor.id, now);
  if (ctx.loaded && !plan.endRun) await settleAfterPlan(tx, ctx.loaded, plan, now);
  else await settleRun(tx, runId, now);
  return { commandId, childRunId };
}

export type LoadedRun = NonNullable<Awaited<ReturnType<typeof loadRun>>>;

/**
 * settleRun without reading the run again: the snapshot the plan was made from, with the plan applied in memory,
 * tells which step is now current (the hot path of every sign-off).
 */
async function settleAfterPlan(tx: Tx, loaded: LoadedRun, plan: Plan, now: Date) {
  const updates = new Map(plan.stepUpdates.map((u) => [u.stepId, u.data]));
  const after: RunSnapshot = {
    ...loaded.snapshot,
    steps: loaded.snapshot.steps.map((st) => {
      const data = updates.get(st.stepId);
      if (!data) return st;
      const status = (data.status as RunSnapshot["steps"][number]["status"] | undefined) ?? st.status;
      return {
        ...st,
        status,
        commandState: plan.enqueue?.stepId === st.stepId ? "PENDING" : st.commandState,
        childRunStatus: plan.openChild?.stepId === st.stepId ? "IN_PROGRESS" : st.childRunStatus,
      };
    }),
  };
  const cur = currentStep(after);
  if (!cur) return settleRun(tx, loaded.run.id, now);
  const row = loaded.run.steps.find((s) => s.stepId === cur.stepId);
  if (row && !row.currentSince && !updates.has(cur.stepId)) {
    await tx.stepState.update({ where: { runId_stepId: { runId: loaded.run.id, stepId: cur.stepId } }, data: { currentSince: now } });
  }
}

async function endRun(tx: Tx, runId: string, status: Exclude<RunStatus, "IN_PROGRESS">, reason: string, actorId: string | null, now: Date) {
  const ended = await tx.run.updateMany({ where: { id: runId, status: "IN_PROGRESS" }, data: { status, endedAt: now, endedReason: reason, endedById: actorId } });
  const run = ended.count ? await tx.run.findUnique({ where: { id: runId }, select: { drill: true, drillScenario: true, parentRunId: true, runbookId: true } }) : null;
  if (run?.drill && run.drillScenario && !run.parentRunId) {
    // Cleared after commit by the jobs loop, like any other side effect outside the database.
    await tx.notification.create({ data: { kind: "drill.ended", payload: { runId, runbookId: run.runbookId, scenario: run.drillScenario, status } } });
  }
  // Pending steps of an ended run are moot.
  await tx.stepState.updateMany({ where: { runId, status: { in: ["PENDING", "AWAITING_SIGNATURES"] } }, data: { status: "NOT_APPLICABLE", version: { increment: 1 } } });
}

/**
 * After any change: starts the current step's clock, and ends the run when every step is finished (then settles
 * the parent run, whose link step this run was).
 */
export async function settleRun(tx: Tx, runId: string, now = new Date()): Promise<void> {
  const loaded = await loadRun(tx, runId);
  if (!loaded) return;
  const { run, runbook, snapshot } = loaded;
  if (run.status === "IN_PROGRESS") {
    const cur = currentStep(snapshot);
    if (cur) {
      const row = run.steps.find((s) => s.stepId === cur.stepId)!;
      if (!row.currentSince) await tx.stepState.update({ where: { runId_stepId: { runId, stepId: cur.stepId } }, data: { currentSince: now } });
      return;
    }
    const status = finalStatus(runbook);
    await endRun(tx, runId, status, "All steps finished.", null, now);
    await appendAudit(tx, { actor: null, action: "run.completed", target: { type: "run", id: runId }, details: { runbookId: run.runbookId, status } });
  }
  if (run.parentRunId) await settleRun(tx, run.parentRunId, now);
}
