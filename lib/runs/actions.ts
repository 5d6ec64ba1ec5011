/**
 * The run's mutations. Each transition loads the run, asks the state machine (lib/runs/machine.ts) for a plan, and
 * applies it with version checks in the action wrapper's transaction, which also appends the audit event. The
 * transitions are plain-SQL actions (defineSqlAction): with many people signing at once, Prisma's per-query work
 * was most of a sign-off's cost.
 */
import { defineAction, defineSqlAction } from "../actions/safe-action";
import { ActionError } from "../actions/result";
import { runnerOf, type SqlRunner } from "../sql";
import type { Tx } from "../db";
import { readTelemetryOrNull } from "../control-plane/telemetry";
import { abortRunSchema, saveRcaSchema, escalateRunSchema, approveStepSchema, decideStepSchema, evidenceSchema, requestStepSchema, signStepSchema, skipStepSchema } from "../validation/runs";
import { abort, approveStep, decide, requestStep, signOff, skip, type CriterionSnapshot, type Outcome } from "./machine";
import { applyPlan } from "../stores/run-plans";
import { loadRunbookVersion } from "../stores/runbook-versions";
import { appendEvidence, loadRunState, readRunHeader, type RunState } from "../stores/runs";
import { liveValues } from "./live-values";
import { escalateRun } from "./escalation";
import { requireRunWork } from "./ownership";
import { appendRcaVersion } from "./rca-versions";
import type { Actor } from "../auth/roles";
import { AuthorizationError } from "../auth/permissions";

const runTarget = (input: { runId: string }) => ({ type: "run", id: input.runId });

async function transition(sql: SqlRunner, actor: Actor, runId: string, make: (loaded: RunState) => Outcome | Promise<Outcome>) {
  const loaded = await loadRunState(sql, runId);
  if (!loaded) throw new ActionError("NOT_FOUND", "There is no such run.");
  const outcome = await make(loaded);
  if (!outcome.ok) {
    if (outcome.code === "FORBIDDEN") throw new AuthorizationError("run.step.signoff", outcome.message);
    throw new ActionError(outcome.code, outcome.message);
  }
  const now = new Date();
  const { run } = loaded;
  const applied = await applyPlan(sql, { actor, loaded, plan: outcome }, now);
  return {
    data: { runId, ...applied },
    audit: { action: outcome.audit.action, target: { type: "run", id: runId }, details: { runbookId: run.runbookId, ...outcome.audit.details } },
  };
}

/** Signs off the current step (task, verification, escalation, or a link step, which opens the child run). */
export const signStepAction = defineSqlAction({
  name: "run.step.signed",
  schema: signStepSchema,
  permission: "run.step.signoff",
  target: runTarget,
  run: ({ actor, input, sql }) => transition(sql, actor, input.runId, ({ runbook, snapshot }) => signOff({ runbook, snapshot, actor }, input.stepId, { notes: input.notes }, new Date())),
});

/** Requests the step's control-plane action with its parameters (sent at once, or after two approvals). */
export const requestStepAction = defineSqlAction({
  name: "run.step.requested",
  schema: requestStepSchema,
  permission: "run.step.signoff",
  target: runTarget,
  run: ({ actor, input, sql }) => transition(sql, actor, input.runId, ({ runbook, snapshot }) => requestStep({ runbook, snapshot, actor }, input.stepId, input.values, new Date())),
});

/** Approves a two-person step's exact request (identified by its hash). */
export const approveStepAction = defineSqlAction({
  name: "run.step.approved",
  schema: approveStepSchema,
  permission: "run.step.signoff",
  target: runTarget,
  run: ({ actor, input, sql }) => transition(sql, actor, input.runId, ({ runbook, snapshot }) => approveStep({ runbook, snapshot, actor }, input.stepId, input.requestHash, new Date())),
});

/** Decides a go/no-go step, storing the criteria with their live values as shown. */
export const decideStepAction = defineSqlAction({
  name: "run.step.decided",
  schema: decideStepSchema,
  permission: "run.step.signoff",
  target: runTarget,
  // Live values are a help, not a requirement: a decision can be taken while the control plane is unreachable.
  prepare: async () => readTelemetryOrNull(),
  async run({ actor, input, sql, prepared: telemetry }) {
    return transition(sql, actor, input.runId, ({ runbook, snapshot, run }) => {
      const step = runbook.steps.find((s) => s.id === input.stepId);
      const values = liveValues(step?.criteria, run.detectedAt, telemetry);
      const criteria: CriterionSnapshot[] = step?.criteria
        ? [
            ...step.criteria.go.map((c) => ({ id: c.id, label: c.label, side: "go" as const, checked: input.checked.includes(c.id), value: values[c.id]?.display })),
            ...step.criteria.noGo.map((c) => ({ id: c.id, label: c.label, side: "noGo" as const, checked: input.checked.includes(c.id), value: values[c.id]?.display })),
          ]
        : [];
      return decide({ runbook, snapshot, actor }, input.stepId, { outcome: input.outcome, reason: input.reason, criteria }, new Date());
    });
  },
});

/** Skips the current step (incident commander, with a reason). */
export const skipStepAction = defineSqlAction({
  name: "run.step.skipped",
  schema: skipStepSchema,
  permission: "run.step.skip",
  target: runTarget,
  run: ({ actor, input, sql }) => transition(sql, actor, input.runId, ({ runbook, snapshot }) => skip({ runbook, snapshot, actor }, input.stepId, input.reason)),
});

/** Aborts the run (incident commander, with a reason). */
export const abortRunAction = defineSqlAction({
  name: "run.aborted",
  schema: abortRunSchema,
  permission: "run.abort",
  target: runTarget,
  run: ({ actor, input, sql }) => transition(sql, actor, input.runId, ({ runbook, snapshot }) => abort({ runbook, snapshot, actor }, input.reason)),
});

/**
 * The run an action works on, with its own runbook version; refuses (audited, with the reason) anyone who may not work
 * on it: only people who sign its steps, or who may manage any run, add evidence, escalate it or write its RCA.
 */
async function runToWorkOn(tx: Tx, actor: Actor, runId: string, what: string) {
  const sql = runnerOf(tx);
  const run = await readRunHeader(sql, runId);
  if (!run) throw new ActionError("NOT_FOUND", "There is no such run.");
  const runbook = await loadRunbookVersion(sql, run);
  requireRunWork(actor, runbook, what);
  return run;
}

/** Adds a note or a link as evidence to a step of a run in progress. */
export const addEvidenceAction = defineAction({
  name: "run.step.evidence_added",
  schema: evidenceSchema,
  permission: "run.step.signoff",
  target: runTarget,
  async run({ actor, input, tx }) {
    const run = await runToWorkOn(tx, actor, input.runId, "add evidence to this run");
    if (run.status !== "IN_PROGRESS") throw new ActionError("CONFLICT", "This run has ended; its record can no longer change.");
    const item = { text: input.text, url: input.url ?? null, by: actor.name, at: new Date().toISOString() };
    if (!(await appendEvidence(runnerOf(tx), input.runId, input.stepId, item))) throw new ActionError("NOT_FOUND", "This run has no such step.");
    return { data: { runId: input.runId }, audit: { details: { runbookId: run.runbookId, stepId: input.stepId, ...item } } };
  },
});

/**
 * Escalates the run to its next level (L1 → L2 → L3), recording who and why, and notifies the webhook. Each level is
 * escalated to once: at the top level, or at a level already reached, the escalation is refused and nobody is notified.
 */
export const escalateRunAction = defineAction({
  name: "run.escalated",
  schema: escalateRunSchema,
  permission: "run.step.signoff",
  target: runTarget,
  async run({ actor, input, tx }) {
    const run = await runToWorkOn(tx, actor, input.runId, "escalate this run");
    if (run.status !== "IN_PROGRESS") throw new ActionError("CONFLICT", "This run has ended.");
    const escalation = await escalateRun(tx, { runId: input.runId, actor, reason: input.reason, toLevel: input.level });
    if (!escalation.escalated) throw new ActionError("CONFLICT", escalation.message);
    return { data: { runId: input.runId, level: escalation.level.level }, audit: { target: runTarget(input), details: escalation.details } };
  },
});

/**
 * Saves the run's RCA (Markdown) as its next version. Only runs that have ended have one; a save based on a version
 * that is no longer the latest is refused. The audit event carries the version, its hash and the previous one's.
 */
export const saveRcaAction = defineAction({
  name: "run.rca.saved",
  schema: saveRcaSchema,
  permission: "run.step.signoff",
  target: runTarget,
  async run({ actor, input, tx }) {
    const run = await runToWorkOn(tx, actor, input.runId, "edit this run's RCA");
    if (run.status === "IN_PROGRESS") throw new ActionError("CONFLICT", "Finish the run before writing its RCA.");
    const saved = await appendRcaVersion(tx, { runId: input.runId, baseVersion: input.baseVersion, markdown: input.markdown, actor });
    return {
      data: { runId: input.runId, version: saved.version },
      audit: { target: runTarget(input), details: { runbookId: run.runbookId, version: saved.version, sha256: saved.sha256, previousSha256: saved.previousSha256, characters: input.markdown.length } },
    };
  },
});
