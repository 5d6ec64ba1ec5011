/**
 * "Waiting on me": the current steps of runs in progress that this person can move on now — a sign-off, a request
 * (of a control-plane action or of a two-person step's approvals), an approval or a go/no-go decision — decided by
 * the same rules the state machine enforces (lib/runs/machine.ts), so the list never offers what would be refused.
 */
import { can, holdsOneOf } from "../auth/permissions";
import type { Actor, Role } from "../auth/roles";
import type { Runbook } from "../runbooks";
import { approvalState, currentStep, effectiveStatus, type RunSnapshot } from "./machine";

export type WaitKind = "sign-off" | "request" | "approval" | "decision";

export type WaitingStep = {
  runId: string;
  runbookId: string;
  runbookTitle: string;
  drill: boolean;
  stepId: string;
  stepNumber: number;
  stepTitle: string;
  kind: WaitKind;
  roles: Role[];
  /** When the step became current (ISO); the list is oldest first. */
  since: string | null;
  expectedMinutes: number;
};

export type RunForWaiting = { runbook: Pick<Runbook, "id" | "title" | "steps">; snapshot: RunSnapshot; drill: boolean; currentSince: Record<string, string | null> };

/** What `actor` can do now on the run's current step, or null when it is not theirs to move (or nobody can now). */
export function waitKind(actor: Pick<Actor, "id" | "roles">, runbook: Pick<Runbook, "steps">, snapshot: RunSnapshot): { stepId: string; kind: WaitKind } | null {
  if (snapshot.status !== "IN_PROGRESS" || !can(actor, "run.step.signoff")) return null;
  const cur = currentStep(snapshot);
  const step = cur ? runbook.steps.find((s) => s.id === cur.stepId) : undefined;
  if (!cur || !step || !holdsOneOf(actor, step.signoff)) return null;
  const status = effectiveStatus(cur);
  // A command on its way or a child run open: nobody signs until it settles.
  if (status === "COMMAND_SENT" || status === "WAITING_CHILD") return null;
  if (step.kind === "decision") return status === "PENDING" ? { stepId: step.id, kind: "decision" } : null;
  if (step.twoPerson && status === "AWAITING_SIGNATURES") {
    const approval = approvalState(snapshot, step.id);
    const mine = approval.disqualified.some((d) => d.personId === actor.id) || approval.approvals.some((a) => a.personId === actor.id);
    return mine || approval.remaining === 0 ? null : { stepId: step.id, kind: "approval" };
  }
  if (step.twoPerson || step.action) return { stepId: step.id, kind: "request" };
  return { stepId: step.id, kind: "sign-off" };
}

/** Every step waiting on `actor` across the given runs, oldest wait first (a step without a clock last). */
export function waitingOn(actor: Pick<Actor, "id" | "roles">, runs: RunForWaiting[]): WaitingStep[] {
  const out: WaitingStep[] = [];
  for (const r of runs) {
    const w = waitKind(actor, r.runbook, r.snapshot);
    if (!w) continue;
    const step = r.runbook.steps.find((s) => s.id === w.stepId)!;
    out.push({
      runId: r.snapshot.id,
      runbookId: r.runbook.id,
      runbookTitle: r.runbook.title,
      drill: r.drill,
      stepId: step.id,
      stepNumber: step.number,
      stepTitle: step.title,
      kind: w.kind,
      roles: step.signoff,
      since: r.currentSince[step.id] ?? null,
      expectedMinutes: step.minutes,
    });
  }
  const at = (w: WaitingStep) => (w.since ? Date.parse(w.since) : Infinity);
  return out.sort((a, b) => at(a) - at(b) || a.runId.localeCompare(b.runId));
}
