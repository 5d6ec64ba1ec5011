/**
 * The onboarding's system-driven transitions, each in a transaction with its audit event (actor: the system):
 * the allowlist command succeeding (→ ALLOWLISTED), the first-flow command answering with its flow id or failing,
 * the first flow finishing (→ FIRST_FLOW_PASSED / FIRST_FLOW_FAILED), and week 1 ending (→ SUCCEEDED /
 * NEEDS_ATTENTION). Every function re-reads the row and writes it only if it is still at the version it read
 * (lib/stores/onboarding.ts), and does nothing when the transition no longer applies or another write came first,
 * so the relay, a page view and a poll can all call them without doing anything twice.
 */
import { appendAudit } from "../audit/log";
import { db as defaultDb, type Db, type Tx } from "../db";
import type { ControlPlaneClient } from "../control-plane/client";
import { controlPlaneClient } from "../control-plane/config";
import type { Flow } from "../control-plane/contract";
import { readOnboarding, updateOnboarding } from "../stores/onboarding";
import { ACTIVE_STATES, type OnboardingState } from "./progress";
import { evaluateWeekOne, firstFlowPassed, parseFirstFlowResult, type FirstFlowResult } from "./week-one";

const target = (id: string) => ({ type: "onboarding", id });

function flowIdFrom(response: unknown): string | null {
  const id = (response as { result?: { flowId?: unknown } } | null)?.result?.flowId;
  return typeof id === "string" && id.length > 0 ? id : null;
}

/**
 * Moves the onboarding on after one of its commands reached a final state: the allowlist change succeeded
 * (→ ALLOWLISTED, the Repo row marked allowlisted), or the first-flow command answered (its flow id recorded) or
 * failed (→ FIRST_FLOW_FAILED). A failed allowlist change leaves it APPROVED: the page shows why, and an SRE may
 * send it again.
 */
export async function settleOnboarding(tx: Tx, id: string, now = new Date()): Promise<void> {
  const o = await readOnboarding(tx, id);
  if (!o) return;
  if (o.state === "APPROVED" && o.allowlistCommandId) {
    const cmd = await tx.command.findUnique({ where: { id: o.allowlistCommandId } });
    if (cmd?.state === "SUCCEEDED") {
      if (!(await updateOnboarding(tx, o, { state: "ALLOWLISTED" }))) return;
      await tx.repo.updateMany({ where: { name: o.repoName }, data: { allowlisted: true } });
      await appendAudit(tx, {
        actor: null,
        action: "onboarding.allowlisted",
        target: target(id),
        details: { repo: o.repoName, commandId: cmd.id, summary: (cmd.response as { summary?: string } | null)?.summary ?? null },
      });
    }
    return;
  }
  if (o.state === "FIRST_FLOW_RUNNING" && !o.firstFlowId && o.firstFlowCommandId) {
    const cmd = await tx.command.findUnique({ where: { id: o.firstFlowCommandId } });
    if (cmd?.state === "SUCCEEDED") {
      const flowId = flowIdFrom(cmd.response);
      if (!flowId) return;
      if (!(await updateOnboarding(tx, o, { firstFlowId: flowId }))) return;
      await appendAudit(tx, { actor: null, action: "onboarding.first_flow.started", target: target(id), details: { repo: o.repoName, flowId, commandId: cmd.id } });
    } else if (cmd?.state === "FAILED") {
      const result: FirstFlowResult = {
        flowId: null,
        status: "failed",
        passed: false,
        qualityGatesPassed: 0,
        qualityGatesTotal: 5,
        durationMs: null,
        errorType: null,
        error: cmd.lastError ?? "The control plane refused to start the flow.",
        recordedAt: now.toISOString(),
      };
      if (!(await updateOnboarding(tx, o, { state: "FIRST_FLOW_FAILED", firstFlowResult: result }))) return;
      await appendAudit(tx, { actor: null, action: "onboarding.first_flow.failed", target: target(id), details: { repo: o.repoName, commandId: cmd.id, error: result.error } });
    }
  }
}

/** For the relay's onOutcome: settles the onboarding whose allowlist or first-flow command this is (if any). */
export async function settleOnboardingCommand(tx: Tx, command: { id: string; runId: string | null }, now = new Date()): Promise<void> {
  if (command.runId) return;
  const o = await tx.onboarding.findFirst({ where: { OR: [{ allowlistCommandId: command.id }, { firstFlowCommandId: command.id }] }, select: { id: true } });
  if (o) await settleOnboarding(tx, o.id, now);
}

/** Records how the first flow ended (5/5 gates and success → passed, anything else → failed). */
export async function recordFirstFlowOutcome(tx: Tx, id: string, flow: Flow, now = new Date()): Promise<boolean> {
  const o = await readOnboarding(tx, id);
  if (!o || o.state !== "FIRST_FLOW_RUNNING" || o.firstFlowId !== flow.id || flow.status === "running") return false;
  const passed = firstFlowPassed(flow);
  const result: FirstFlowResult = {
    flowId: flow.id,
    status: flow.status,
    passed,
    qualityGatesPassed: flow.qualityGatesPassed,
    qualityGatesTotal: flow.qualityGatesTotal,
    durationMs: flow.durationMs,
    errorType: flow.errorType,
    error: null,
    recordedAt: now.toISOString(),
  };
  if (!(await updateOnboarding(tx, o, { state: passed ? "FIRST_FLOW_PASSED" : "FIRST_FLOW_FAILED", firstFlowResult: result }))) return false;
  await appendAudit(tx, {
    actor: null,
    action: passed ? "onboarding.first_flow.passed" : "onboarding.first_flow.failed",
    target: target(id),
    details: { repo: o.repoName, flowId: flow.id, status: flow.status, qualityGates: `${flow.qualityGatesPassed}/${flow.qualityGatesTotal}`, durationMs: flow.durationMs, errorType: flow.errorType },
  });
  return true;
}

/** Closes week 1 once `closesAt` has come: SUCCEEDED when every criterion is met, else NEEDS_ATTENTION. */
export async function closeWeekOne(tx: Tx, id: string, now = new Date()): Promise<OnboardingState | null> {
  const o = await readOnboarding(tx, id);
  if (!o || o.closedAt || !o.closesAt || o.closesAt > now || !ACTIVE_STATES.includes(o.state)) return null;
  const evaluation = evaluateWeekOne(
    { approvedAt: o.approvedAt, closesAt: o.closesAt, firstFlowResult: parseFirstFlowResult(o.firstFlowResult), telemetryVerifiedAt: o.telemetryVerifiedAt, ownerTrainedAt: o.ownerTrainedAt },
    now,
  );
  const state = evaluation.outcome ?? "NEEDS_ATTENTION";
  if (!(await updateOnboarding(tx, o, { state, closedAt: now, outcome: { ...evaluation, evaluatedAt: now.toISOString() } as object }))) return null;
  await appendAudit(tx, { actor: null, action: "onboarding.closed", target: target(id), details: { repo: o.repoName, outcome: state, missing: evaluation.missing } });
  return state;
}

export type RefreshResult = {
  /** The first flow as the control plane reports it now (while it runs), or null. */
  liveFlow: Flow | null;
  /** Why the live flow could not be read, if it could not. */
  liveError: string | null;
};

/**
 * Brings an onboarding up to date before it is shown: settles finished commands (in case the relay that delivered
 * them did not), records a first flow that has finished, and closes week 1 when it is over. Reads the first flow
 * from the control plane while it runs.
 */
export async function refreshOnboarding(id: string, opts: { now?: Date; db?: Db; client?: ControlPlaneClient } = {}): Promise<RefreshResult> {
  const database = opts.db ?? defaultDb();
  const now = opts.now ?? new Date();
  const read = () => database.onboarding.findUnique({ where: { id } });
  let o = await read();
  if (!o) return { liveFlow: null, liveError: null };

  const pendingCommand = o.state === "APPROVED" ? o.allowlistCommandId : o.state === "FIRST_FLOW_RUNNING" && !o.firstFlowId ? o.firstFlowCommandId : null;
  if (pendingCommand) {
    const cmd = await database.command.findUnique({ where: { id: pendingCommand }, select: { state: true } });
    if (cmd?.state === "SUCCEEDED" || cmd?.state === "FAILED") {
      await database.$transaction((tx) => settleOnboarding(tx, id, now));
      o = (await read()) ?? o;
    }
  }

  let liveFlow: Flow | null = null;
  let liveError: string | null = null;
  if (o.state === "FIRST_FLOW_RUNNING" && o.firstFlowId) {
    try {
      const client = opts.client ?? controlPlaneClient();
      liveFlow = await client.flow(o.firstFlowId, { maxAttempts: 1, timeoutMs: 3_000 });
    } catch (e) {
      liveError = e instanceof Error ? e.message : String(e);
    }
    if (liveFlow && liveFlow.status !== "running") {
      const flow = liveFlow;
      await database.$transaction((tx) => recordFirstFlowOutcome(tx, id, flow, now));
      o = (await read()) ?? o;
    }
  }

  if (o.closesAt && o.closesAt <= now && !o.closedAt && ACTIVE_STATES.includes(o.state)) {
    await database.$transaction((tx) => closeWeekOne(tx, id, now));
  }
  return { liveFlow, liveError };
}
