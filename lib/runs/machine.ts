/**
 * The run state machine: pure functions that take a runbook (the version the run executes), a snapshot of the
 * run, the person acting and what they ask for, and return either a refusal or a plan of changes. The service
 * (lib/stores/run-plans.ts) applies a plan in one transaction with version checks, so a lost race is a conflict.
 */
import { createHash, randomUUID } from "node:crypto";
import { canonicalJson } from "../audit/canonical";
import { can, roleAmong } from "../auth/permissions";
import { ROLE_LABELS, type Actor, type Role } from "../auth/roles";
import type { Runbook, RunbookStep } from "../runbooks";
import { isCriticalAction, type Consent, type ControlPlaneAction } from "../control-plane/actions";
import { safeParseActionParams } from "../control-plane/contract";
import { fillPlaceholders, listPlaceholders } from "../control-plane/placeholders";
import { canonicalRequestHash } from "../control-plane/request-hash";

export type StepStatus = "PENDING" | "AWAITING_SIGNATURES" | "COMMAND_SENT" | "WAITING_CHILD" | "DONE" | "SKIPPED" | "NOT_APPLICABLE";
export type RunStatus = "IN_PROGRESS" | "COMPLETED" | "ABORTED" | "ROLLED_BACK";
export type CommandState = "PENDING" | "SENDING" | "SUCCEEDED" | "FAILED" | "NEEDS_DECISION";

export type StepSnapshot = {
  stepId: string;
  status: StepStatus;
  version: number;
  request: { action: string | null; params: Record<string, unknown> } | null;
  /** The current request (the latest one made on this step); approvals count only for it. */
  requestId: string | null;
  requestHash: string | null;
  requestedById: string | null;
  completedById: string | null;
  commandState: CommandState | null;
  childRunStatus: RunStatus | null;
};

/** A sign-off, an approval (of the request `requestId`) or a one-person requester's own signature. */
export type SignatureSnapshot = { stepId: string; personId: string; personName: string; role: string; requestId: string | null; requestHash: string | null; voided: boolean };

/** One request of a step's action (or of a two-person step's approvals), however many were made in the run. */
export type RequestSnapshot = { id: string; stepId: string; personId: string; personName: string; requestHash: string };

export type RunSnapshot = { id: string; status: RunStatus; steps: StepSnapshot[]; signatures: SignatureSnapshot[]; requests: RequestSnapshot[] };

/**
 * What a step looks like to people, with asynchronous outcomes (commands, child runs) folded in. NEEDS_DECISION: its
 * command is held for a person to retry now or abandon (lib/control-plane/relay.ts).
 */
export type EffectiveStatus = StepStatus | "FAILED" | "NEEDS_DECISION";

export type Refusal = { ok: false; code: "FORBIDDEN" | "CONFLICT" | "INVALID" | "NOT_FOUND"; message: string };

export type StepUpdate = { stepId: string; expectedVersion: number; data: Record<string, unknown> };

export type Plan = {
  ok: true;
  stepUpdates: StepUpdate[];
  signature?: { stepId: string; role: Role; requestHash: string | null; requestId?: string };
  /** A new request: recorded with the requester, whatever happens to it later. */
  request?: { id: string; stepId: string; requestHash: string; request: { action: string | null; params: Record<string, unknown> } };
  /** Voids every approval given so far on the step (a new request was made). */
  voidSignaturesOf?: { stepId: string };
  decision?: { stepId: string; outcome: "GO" | "NO_GO"; reason: string; criteria: unknown };
  /** The command to queue; a two-person step's carries who requested and who approved it (the outbox checks it). */
  enqueue?: { stepId: string; action: string; params: Record<string, unknown>; consent?: Consent };
  openChild?: { stepId: string; runbookId: string };
  endRun?: { status: Exclude<RunStatus, "IN_PROGRESS">; reason: string };
  audit: { action: string; details: Record<string, unknown> };
};

export type Outcome = Plan | Refusal;

const FINISHED: EffectiveStatus[] = ["DONE", "SKIPPED", "NOT_APPLICABLE"];
export const REQUIRED_SIGNATURES = 2;

export function effectiveStatus(s: StepSnapshot): EffectiveStatus {
  if (s.status === "COMMAND_SENT") {
    if (s.commandState === "SUCCEEDED") return "DONE";
    if (s.commandState === "FAILED") return "FAILED";
    if (s.commandState === "NEEDS_DECISION") return "NEEDS_DECISION";
  }
  if (s.status === "WAITING_CHILD" && s.childRunStatus && s.childRunStatus !== "IN_PROGRESS") return "DONE";
  return s.status;
}

export const isFinished = (s: StepSnapshot) => FINISHED.includes(effectiveStatus(s));

/** The step people work on now: the first one, in order, that is not finished. Null when all are. */
export function currentStep(snapshot: RunSnapshot): StepSnapshot | null {
  return snapshot.steps.find((s) => !isFinished(s)) ?? null;
}

export type Disqualification = {
  personId: string;
  personName: string | null;
  /** REQUESTED_THIS: made the current request. REQUESTED_EARLIER: made an earlier request on the step in this run. */
  reason: "REQUESTED_THIS" | "REQUESTED_EARLIER";
  /** What the person is told when they try to approve. */
  message: string;
};

export type ApprovalState = {
  requestId: string | null;
  requestHash: string | null;
  /** The approvals that count, in the order given. */
  approvals: SignatureSnapshot[];
  required: number;
  remaining: number;
  /** Approvals given on the step that a later request voided. */
  voided: number;
  /** Everyone who made a request on the step in this run (the current requester first): none of them may approve. */
  disqualified: Disqualification[];
};

const DISQUALIFIED: Record<Disqualification["reason"], string> = {
  REQUESTED_THIS: "You requested this action, so you cannot also approve it (two-person rule).",
  REQUESTED_EARLIER: "You requested this step earlier in this run, so you cannot approve it (two-person rule).",
};

/**
 * The two-person rule's state of a step, as the engine enforces it and the run page shows it. An approval counts
 * only for the request it was given to (its id and the hash of the exact request) and only while no later request
 * voided it; approvers are different people, none of whom made any request on the step in this run.
 */
export function approvalState(snapshot: RunSnapshot, stepId: string): ApprovalState {
  const state = snapshot.steps.find((s) => s.stepId === stepId);
  const requests = snapshot.requests.filter((r) => r.stepId === stepId);
  const disqualified = new Map<string, Disqualification>();
  const disqualify = (personId: string, reason: Disqualification["reason"]) => {
    if (disqualified.has(personId)) return;
    disqualified.set(personId, { personId, personName: requests.find((r) => r.personId === personId)?.personName ?? null, reason, message: DISQUALIFIED[reason] });
  };
  if (state?.requestedById) disqualify(state.requestedById, "REQUESTED_THIS");
  for (const r of requests) disqualify(r.personId, "REQUESTED_EARLIER");
  const signatures = snapshot.signatures.filter((g) => g.stepId === stepId);
  const approvals: SignatureSnapshot[] = [];
  for (const g of signatures) {
    const ofCurrentRequest = !g.voided && g.requestId !== null && g.requestId === state?.requestId && g.requestHash === state.requestHash;
    if (ofCurrentRequest && !disqualified.has(g.personId) && !approvals.some((a) => a.personId === g.personId)) approvals.push(g);
  }
  return {
    requestId: state?.requestId ?? null,
    requestHash: state?.requestHash ?? null,
    approvals,
    required: REQUIRED_SIGNATURES,
    remaining: Math.max(0, REQUIRED_SIGNATURES - approvals.length),
    voided: signatures.filter((g) => g.voided).length,
    disqualified: [...disqualified.values()],
  };
}

/**
 * Whom a one-person step names as having signed it: the signatures of its current request when it has one (a step
 * requested again after its command failed keeps the earlier request's signature on record, but that one signed
 * another request), and each person once, in the order they signed.
 */
export function signersShown<T extends { personId: string; requestId: string | null }>(signatures: T[], currentRequestId: string | null): T[] {
  const ofCurrent = currentRequestId ? signatures.filter((g) => g.requestId === currentRequestId) : [];
  const seen = new Set<string>();
  return (ofCurrent.length ? ofCurrent : signatures).filter((g) => {
    if (seen.has(g.personId)) return false;
    seen.add(g.personId);
    return true;
  });
}

/** The hash two-person signatures cover for a step without a control-plane action. */
export function stepRequestHash(stepId: string): string {
  return createHash("sha256").update(canonicalJson({ stepId })).digest("hex");
}

/**
 * Fills a step's parameter placeholders with what the requester typed and validates them with the action's schema.
 * Returns the canonical parameters and the hash the command (and every signature) will carry.
 */
export function prepareRequest(action: ControlPlaneAction, template: Record<string, unknown>, values: Record<string, string>): { params: Record<string, unknown>; hash: string } | { message: string } {
  const given = Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== "").map(([k, v]) => [k, v.trim()]));
  const missing = listPlaceholders(template).filter((p) => !(p in given));
  if (missing.length) return { message: `Fill in ${missing.join(", ")}.` };
  const parsed = safeParseActionParams(action, fillPlaceholders(template, given));
  if (!parsed.ok) return { message: parsed.error.message };
  const params = parsed.params as Record<string, unknown>;
  return { params, hash: canonicalRequestHash(action, parsed.params) };
}

type Ctx = { runbook: Runbook; snapshot: RunSnapshot; actor: Actor };

const refuse = (code: Refusal["code"], message: string): Refusal => ({ ok: false, code, message });
const roleList = (roles: Role[]) => roles.map((r) => ROLE_LABELS[r]).join(" or ");

/** Common checks: the run is open, the step exists, is the current one, and the actor holds one of its roles. */
function locate(ctx: Ctx, stepId: string, opts: { needRole?: boolean } = {}): { ok: true; step: RunbookStep; state: StepSnapshot; role: Role | null } | Refusal {
  if (ctx.snapshot.status !== "IN_PROGRESS") return refuse("CONFLICT", `This run has ended (${ctx.snapshot.status.replace("_", " ").toLowerCase()}).`);
  const step = ctx.runbook.steps.find((s) => s.id === stepId);
  const state = ctx.snapshot.steps.find((s) => s.stepId === stepId);
  if (!step || !state) return refuse("NOT_FOUND", `This run has no step "${stepId}".`);
  if (isFinished(state)) {
    const who = state.completedById ? ctx.snapshot.signatures.find((g) => g.stepId === stepId && g.personId === state.completedById)?.personName : null;
    return refuse("CONFLICT", `Step ${step.number} is already ${effectiveStatus(state) === "DONE" ? `signed off${who ? ` by ${who}` : ""}` : effectiveStatus(state).replace("_", " ").toLowerCase()}.`);
  }
  const current = currentStep(ctx.snapshot);
  if (current?.stepId !== stepId) {
    const cur = ctx.runbook.steps.find((s) => s.id === current?.stepId);
    return refuse("CONFLICT", `Steps go in order: finish step ${cur?.number} (${cur?.title}) first.`);
  }
  const role = roleAmong(ctx.actor, step.signoff);
  if (opts.needRole !== false && !role) return refuse("FORBIDDEN", `Step ${step.number} is signed off by ${roleList(step.signoff)}.`);
  return { ok: true, step, state, role };
}

const done = (state: StepSnapshot, actor: Actor, now: Date, extra: Record<string, unknown> = {}): StepUpdate => ({
  stepId: state.stepId,
  expectedVersion: state.version,
  data: { status: "DONE", completedById: actor.id, completedAt: now, ...extra },
});

/** Sign off a task, verification (without an action), escalation or link step. */
export function signOff(ctx: Ctx, stepId: string, input: { notes?: string }, now: Date): Outcome {
  const found = locate(ctx, stepId);
  if (!found.ok) return found;
  const { step, state, role } = found;
  if (step.kind === "decision") return refuse("INVALID", "A go/no-go step is decided, not signed: choose GO or NO-GO with a reason.");
  if (step.action) return refuse("INVALID", "This step sends a control-plane command: request it with its parameters.");
  if (step.twoPerson) return refuse("INVALID", "This step needs two people: request it, then two others approve.");
  if (step.kind === "link") {
    if (state.status === "WAITING_CHILD") return refuse("CONFLICT", `${step.link} is already open as a child run; finish it to continue.`);
    return {
      ok: true,
      stepUpdates: [{ stepId, expectedVersion: state.version, data: { status: "WAITING_CHILD", notes: input.notes ?? null } }],
      signature: { stepId, role: role!, requestHash: null },
      openChild: { stepId, runbookId: step.link! },
      audit: { action: "run.step.child_opened", details: { stepId, runbookId: step.link } },
    };
  }
  return {
    ok: true,
    stepUpdates: [done(state, ctx.actor, now, { notes: input.notes ?? null })],
    signature: { stepId, role: role!, requestHash: null },
    audit: { action: "run.step.signed", details: { stepId, title: step.title, notes: input.notes ?? null } },
  };
}

/**
 * Request a step's control-plane action with filled-in parameters (or, for a two-person step without an action,
 * ask for its two signatures). One-person steps are sent at once, unless the filled-in parameters make the action
 * critical; two-person steps wait for two approvals of this request, and any new request voids every approval
 * given so far.
 */
export function requestStep(ctx: Ctx, stepId: string, values: Record<string, string>, now: Date): Outcome {
  const found = locate(ctx, stepId);
  if (!found.ok) return found;
  const { step, state, role } = found;
  if (!step.action && !step.twoPerson) return refuse("INVALID", "This step has no control-plane action: sign it off.");
  if (state.status === "COMMAND_SENT" && state.commandState === "NEEDS_DECISION") {
    return refuse("CONFLICT", "The command for this step is waiting for a decision: retry it or abandon it before requesting the step again.");
  }
  if (state.status === "COMMAND_SENT" && state.commandState !== "FAILED") return refuse("CONFLICT", "The command for this step is already on its way.");
  const prepared = step.action ? prepareRequest(step.action.name, step.action.params, values) : { params: {}, hash: stepRequestHash(stepId) };
  if ("message" in prepared) return refuse("INVALID", prepared.message);
  const action = step.action?.name ?? null;
  const hash = prepared.hash;
  const filled = { params: prepared.params };
  const request = { action, params: filled.params };
  const requestId = randomUUID();
  if (!step.twoPerson) {
    if (isCriticalAction(action!, filled.params)) {
      return refuse("FORBIDDEN", `${action} with these parameters is a critical action: it needs the two-person rule, and step ${step.number} does not have it. Nothing was sent.`);
    }
    return {
      ok: true,
      stepUpdates: [{ stepId, expectedVersion: state.version, data: { status: "COMMAND_SENT", request, requestId, requestHash: hash, requestedById: ctx.actor.id, completedById: ctx.actor.id, completedAt: now } }],
      request: { id: requestId, stepId, requestHash: hash, request },
      signature: { stepId, role: role!, requestHash: hash, requestId },
      enqueue: { stepId, action: action!, params: filled.params },
      audit: { action: "run.step.command_requested", details: { stepId, action, params: filled.params, requestId, requestHash: hash } },
    };
  }
  return {
    ok: true,
    stepUpdates: [{ stepId, expectedVersion: state.version, data: { status: "AWAITING_SIGNATURES", request, requestId, requestHash: hash, requestedById: ctx.actor.id } }],
    request: { id: requestId, stepId, requestHash: hash, request },
    voidSignaturesOf: { stepId },
    audit: {
      action: "run.step.requested",
      details: {
        stepId,
        action,
        params: filled.params,
        requestId,
        requestHash: hash,
        replacedRequestId: state.requestId,
        replacedRequestHash: state.requestHash !== hash ? state.requestHash : null,
        voidedApprovals: ctx.snapshot.signatures.filter((g) => g.stepId === stepId && !g.voided).length,
      },
    },
  };
}

/**
 * Approve a two-person step's current request (the hash of its exact parameters must be the one the approver saw).
 * The approval that completes the rule (see approvalState) sends the command, or completes a step without one.
 */
export function approveStep(ctx: Ctx, stepId: string, expectedRequestHash: string, now: Date): Outcome {
  const found = locate(ctx, stepId);
  if (!found.ok) return found;
  const { step, state, role } = found;
  if (!step.twoPerson) return refuse("INVALID", "This step does not use the two-person rule.");
  if (state.status !== "AWAITING_SIGNATURES" || !state.requestHash || !state.requestId) return refuse("CONFLICT", "Nothing is waiting for approval on this step: it must be requested first.");
  if (state.requestHash !== expectedRequestHash) return refuse("CONFLICT", "The request changed after you loaded it: review the new parameters and approve again.");
  const approval = approvalState(ctx.snapshot, stepId);
  const disqualified = approval.disqualified.find((d) => d.personId === ctx.actor.id);
  if (disqualified) return refuse("FORBIDDEN", disqualified.message);
  if (approval.approvals.some((g) => g.personId === ctx.actor.id)) return refuse("CONFLICT", "You already approved this request; a second, different person must approve it.");
  if (approval.remaining === 0) return refuse("CONFLICT", "This request already has its two approvals.");
  const complete = approval.remaining === 1;
  const update: StepUpdate = complete
    ? step.action
      ? { stepId, expectedVersion: state.version, data: { status: "COMMAND_SENT", completedById: ctx.actor.id, completedAt: now } }
      : done(state, ctx.actor, now)
    : { stepId, expectedVersion: state.version, data: {} };
  return {
    ok: true,
    stepUpdates: [update],
    signature: { stepId, role: role!, requestHash: state.requestHash, requestId: state.requestId },
    enqueue:
      complete && step.action
        ? {
            stepId,
            action: step.action.name,
            params: state.request?.params ?? {},
            consent: { requestedBy: state.requestedById, approvedBy: [...approval.approvals.map((g) => g.personId), ctx.actor.id] },
          }
        : undefined,
    audit: {
      action: "run.step.approved",
      details: { stepId, requestId: state.requestId, requestHash: state.requestHash, approval: approval.approvals.length + 1, of: approval.required, sent: complete && Boolean(step.action) },
    },
  };
}

export type CriterionSnapshot = { id: string; label: string; side: "go" | "noGo"; checked: boolean; value?: unknown };

/** Decide a go/no-go step; the run follows the branch the runbook gives for the outcome. */
export function decide(ctx: Ctx, stepId: string, input: { outcome: "GO" | "NO_GO"; reason: string; criteria: CriterionSnapshot[] }, now: Date): Outcome {
  const found = locate(ctx, stepId);
  if (!found.ok) return found;
  const { step, state } = found;
  if (step.kind !== "decision" || !step.criteria) return refuse("INVALID", "This step is not a go/no-go decision.");
  if (input.reason.trim().length < 3) return refuse("INVALID", "Give the reason for the decision.");
  const target = input.outcome === "GO" ? step.onGo! : step.onNoGo!;
  const updates: StepUpdate[] = [done(state, ctx.actor, now)];
  const idx = ctx.runbook.steps.findIndex((s) => s.id === stepId);
  const targetIdx = target.startsWith("end:") ? ctx.runbook.steps.length : ctx.runbook.steps.findIndex((s) => s.id === target);
  for (const s of ctx.runbook.steps.slice(idx + 1, targetIdx)) {
    const st = ctx.snapshot.steps.find((x) => x.stepId === s.id)!;
    if (!isFinished(st)) updates.push({ stepId: s.id, expectedVersion: st.version, data: { status: "NOT_APPLICABLE" } });
  }
  const endStatus = target === "end:aborted" ? "ABORTED" : target === "end:rolled-back" ? "ROLLED_BACK" : target === "end:completed" ? "COMPLETED" : null;
  return {
    ok: true,
    stepUpdates: updates,
    decision: { stepId, outcome: input.outcome, reason: input.reason.trim(), criteria: input.criteria },
    endRun: endStatus ? { status: endStatus, reason: `${input.outcome === "GO" ? "GO" : "NO-GO"} at step ${step.number}: ${input.reason.trim()}` } : undefined,
    audit: { action: "run.step.decided", details: { stepId, outcome: input.outcome, reason: input.reason.trim(), next: target, criteria: input.criteria } },
  };
}

/** Skip the current step: the incident commander only, with a written reason. */
export function skip(ctx: Ctx, stepId: string, reason: string): Outcome {
  if (!can(ctx.actor, "run.step.skip")) return refuse("FORBIDDEN", "Only the incident commander may skip a step.");
  const found = locate(ctx, stepId, { needRole: false });
  if (!found.ok) return found;
  if (reason.trim().length < 3) return refuse("INVALID", "Give the reason for skipping this step.");
  return {
    ok: true,
    stepUpdates: [{ stepId, expectedVersion: found.state.version, data: { status: "SKIPPED", skipReason: reason.trim(), completedById: ctx.actor.id } }],
    audit: { action: "run.step.skipped", details: { stepId, title: found.step.title, reason: reason.trim() } },
  };
}

/** End the run early: the incident commander only, with a reason. */
export function abort(ctx: Ctx, reason: string): Outcome {
  if (!can(ctx.actor, "run.abort")) return refuse("FORBIDDEN", "Only the incident commander may abort a run.");
  if (ctx.snapshot.status !== "IN_PROGRESS") return refuse("CONFLICT", "This run has already ended.");
  if (reason.trim().length < 3) return refuse("INVALID", "Give the reason for aborting the run.");
  return { ok: true, stepUpdates: [], endRun: { status: "ABORTED", reason: reason.trim() }, audit: { action: "run.aborted", details: { reason: reason.trim() } } };
}

/** How a run whose steps are all finished ends: rolling back to pilot ends as rolled back, others completed. */
export function finalStatus(runbook: Runbook): "COMPLETED" | "ROLLED_BACK" {
  return runbook.id === "RB-LAUNCH-002" ? "ROLLED_BACK" : "COMPLETED";
}
