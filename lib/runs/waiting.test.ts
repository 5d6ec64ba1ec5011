import { describe, expect, it } from "vitest";
import { DECIDE, pendingStep, procedure, PRUNE, testRunbook, THROTTLE, TRIAGE } from "./test-runbook";
import type { Actor, Role } from "../auth/roles";
import type { RunSnapshot, StepSnapshot } from "./machine";
import { waitKind, waitingOn, type RunForWaiting } from "./waiting";

const runbook = testRunbook("RB-CORE-960", "Waiting Test", procedure(TRIAGE, DECIDE, THROTTLE, PRUNE));

const person = (id: string, roles: Role[]): Actor => ({ id, email: `${id}@ops.example`, name: id, roles });
const sam = person("sam", ["SRE"]);
const jordan = person("jordan", ["SRE"]);
const ines = person("ines", ["INCIDENT_COMMANDER"]);
const ben = person("ben", ["BUSINESS"]);

const DONE = { status: "DONE" as const };

/** A run whose steps before `current` are done, with the given state for the current one. */
function runAt(id: string, current: string, over: Partial<StepSnapshot> = {}, extra: Partial<RunSnapshot> = {}): RunSnapshot {
  const ids = runbook.steps.map((s) => s.id);
  const at = ids.indexOf(current);
  return { id, status: "IN_PROGRESS", steps: ids.map((s, i) => (i < at ? pendingStep(s, DONE) : i === at ? pendingStep(s, over) : pendingStep(s))), signatures: [], requests: [], ...extra };
}

const forWaiting = (snapshot: RunSnapshot, since: string | null, drill = false): RunForWaiting => ({
  runbook,
  snapshot,
  drill,
  currentSince: Object.fromEntries(snapshot.steps.map((s) => [s.stepId, since])),
});

describe("what waits on whom", () => {
  it("offers a task's sign-off to its roles only", () => {
    const run = runAt("r1", "triage");
    expect(waitKind(sam, runbook, run)).toEqual({ stepId: "triage", kind: "sign-off" });
    expect(waitKind(ines, runbook, run)).toBeNull();
    expect(waitKind(ben, runbook, run)).toBeNull();
  });

  it("offers a go/no-go decision to the role that decides", () => {
    const run = runAt("r1", "decide");
    expect(waitKind(ines, runbook, run)).toEqual({ stepId: "decide", kind: "decision" });
    expect(waitKind(sam, runbook, run)).toBeNull();
  });

  it("offers a two-person step's request, then its approval to everyone but the requester and those who approved", () => {
    expect(waitKind(sam, runbook, runAt("r1", "throttle"))).toEqual({ stepId: "throttle", kind: "request" });
    const requested = runAt(
      "r1",
      "throttle",
      { status: "AWAITING_SIGNATURES", requestId: "q1", requestHash: "h1", requestedById: "sam", request: { action: "throttle-repo", params: {} } },
      { requests: [{ id: "q1", stepId: "throttle", personId: "sam", personName: "sam", requestHash: "h1" }] },
    );
    expect(waitKind(sam, runbook, requested)).toBeNull();
    expect(waitKind(jordan, runbook, requested)).toEqual({ stepId: "throttle", kind: "approval" });
    expect(waitKind(ines, runbook, requested)).toEqual({ stepId: "throttle", kind: "approval" });
    const approved = { ...requested, signatures: [{ stepId: "throttle", personId: "jordan", personName: "jordan", role: "SRE", requestId: "q1", requestHash: "h1", voided: false }] };
    expect(waitKind(jordan, runbook, approved)).toBeNull();
    expect(waitKind(ines, runbook, approved)).toEqual({ stepId: "throttle", kind: "approval" });
    // An approval a later request voided does not count: the person is asked again.
    const voided = { ...approved, signatures: [{ ...approved.signatures[0], voided: true }] };
    expect(waitKind(jordan, runbook, voided)).toEqual({ stepId: "throttle", kind: "approval" });
  });

  it("offers nothing while a command is on its way, and the resend once it failed", () => {
    expect(waitKind(sam, runbook, runAt("r1", "prune", { status: "COMMAND_SENT", commandState: "SENDING" }))).toBeNull();
    expect(waitKind(sam, runbook, runAt("r1", "prune", { status: "COMMAND_SENT", commandState: "FAILED" }))).toEqual({ stepId: "prune", kind: "request" });
  });

  it("offers nothing on a run that has ended", () => {
    expect(waitKind(sam, runbook, { ...runAt("r1", "triage"), status: "ABORTED" })).toBeNull();
  });

  it("lists the waits across runs, oldest first, a step without a clock last", () => {
    const list = waitingOn(sam, [
      forWaiting(runAt("newer", "triage"), "2026-11-29T03:10:00.000Z"),
      forWaiting(runAt("decision", "decide"), "2026-11-29T02:00:00.000Z"),
      forWaiting(runAt("no-clock", "prune"), null, true),
      forWaiting(runAt("older", "throttle"), "2026-11-29T03:00:00.000Z"),
    ]);
    expect(list.map((w) => [w.runId, w.kind])).toEqual([
      ["older", "request"],
      ["newer", "sign-off"],
      ["no-clock", "request"],
    ]);
    expect(list[0]).toMatchObject({ runbookId: "RB-CORE-960", stepNumber: 3, stepTitle: "Throttle", roles: ["SRE", "INCIDENT_COMMANDER"], expectedMinutes: 2, since: "2026-11-29T03:00:00.000Z" });
    expect(list[2].drill).toBe(true);
    expect(waitingOn(ben, [forWaiting(runAt("newer", "triage"), null)])).toEqual([]);
  });
});
