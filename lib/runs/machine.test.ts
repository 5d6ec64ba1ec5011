import { describe, expect, it } from "vitest";
import { parseRunbook } from "../runbooks/loader";
import type { Actor } from "../auth/roles";
import { abort, approveStep, currentStep, decide, effectiveStatus, requestStep, signOff, skip, type Plan, type RunSnapshot, type StepSnapshot } from "./machine";

const runbook = parseRunbook(
  "runbooks/test.md",
  `---
id: RB-CORE-900
title: Machine Test
severity: HIGH
category: core
owners: [SRE]
startRoles: [SRE]
responseTime: { minutes: 30, label: "<30 min" }
useWhen: [Tests]
escalation:
  - { level: L1, who: SRE, roles: [SRE], afterMinutes: 0 }
  - { level: L2, who: TL, roles: [ENGINEERING_TL], afterMinutes: 10 }
  - { level: L3, who: IC, roles: [INCIDENT_COMMANDER], afterMinutes: 20 }
successCriteria: [Works]
validation: { method: Unit, date: 2026-11-28, status: validated }
changelog: [{ date: 2026-11-28, author: test, change: created }]
---

## Procedure

### 1. Triage
\`\`\`yaml step
id: triage
kind: task
signoff: [SRE]
minutes: 5
\`\`\`

### 2. Decide
\`\`\`yaml step
id: decide
kind: decision
signoff: [INCIDENT_COMMANDER]
minutes: 2
criteria: { go: [{ id: many, label: Many repos }], noGo: [{ id: few, label: Few repos }] }
onGo: throttle
onNoGo: end:completed
\`\`\`

### 3. Optional note
\`\`\`yaml step
id: note
kind: task
signoff: [SRE]
minutes: 1
\`\`\`

### 4. Throttle
\`\`\`yaml step
id: throttle
kind: action
signoff: [SRE, INCIDENT_COMMANDER]
twoPerson: true
minutes: 2
action: { name: throttle-repo, params: { repos: "{{repos}}", capacityPercent: 50 } }
\`\`\`

### 5. Prune
\`\`\`yaml step
id: prune
kind: action
signoff: [SRE]
minutes: 2
action: { name: set-context-pruning, params: { scope: repo, repo: "{{repo}}", enabled: true } }
\`\`\`
`,
);

const person = (id: string, roles: Actor["roles"]): Actor => ({ id, email: `${id}@x`, name: id.toUpperCase(), roles });
const sre = person("sre", ["SRE"]);
const sre2 = person("sre2", ["SRE"]);
const ic = person("ic", ["INCIDENT_COMMANDER"]);
const owner = person("owner", ["REPO_OWNER"]);
const now = new Date("2026-11-28T02:00:00Z");

function snapshot(overrides: Partial<Record<string, Partial<StepSnapshot>>> = {}, extra: Partial<RunSnapshot> = {}): RunSnapshot {
  return {
    id: "run-1",
    status: "IN_PROGRESS",
    signatures: [],
    ...extra,
    steps: runbook.steps.map((s) => ({
      stepId: s.id,
      status: "PENDING",
      version: 0,
      request: null,
      requestHash: null,
      requestedById: null,
      completedById: null,
      commandState: null,
      childRunStatus: null,
      ...overrides[s.id],
    })),
  };
}
const ctx = (snap: RunSnapshot, actor: Actor) => ({ runbook, snapshot: snap, actor });
const ok = (o: ReturnType<typeof signOff>): Plan => {
  if (!o.ok) throw new Error(`refused: ${o.message}`);
  return o;
};

describe("currentStep and effectiveStatus", () => {
  it("is the first unfinished step; a sent command finishes its step only when it succeeds", () => {
    expect(currentStep(snapshot())?.stepId).toBe("triage");
    const s = snapshot({ triage: { status: "DONE" }, decide: { status: "DONE" }, note: { status: "NOT_APPLICABLE" }, throttle: { status: "COMMAND_SENT", commandState: "PENDING" } });
    expect(currentStep(s)?.stepId).toBe("throttle");
    expect(effectiveStatus({ ...s.steps[3], commandState: "SUCCEEDED" })).toBe("DONE");
    expect(effectiveStatus({ ...s.steps[3], commandState: "FAILED" })).toBe("FAILED");
    expect(effectiveStatus({ ...s.steps[0], status: "WAITING_CHILD", childRunStatus: "ABORTED" })).toBe("DONE");
  });
});

describe("signOff", () => {
  it("completes the current step for a person holding its role", () => {
    const plan = ok(signOff(ctx(snapshot(), sre), "triage", { notes: "flow 42, 429" }, now));
    expect(plan.stepUpdates).toEqual([{ stepId: "triage", expectedVersion: 0, data: { status: "DONE", completedById: "sre", completedAt: now, notes: "flow 42, 429" } }]);
    expect(plan.signature).toEqual({ stepId: "triage", role: "SRE", requestHash: null });
    expect(plan.audit.action).toBe("run.step.signed");
  });
  it("refuses a role that may not sign the step", () => {
    expect(signOff(ctx(snapshot(), owner), "triage", {}, now)).toMatchObject({ ok: false, code: "FORBIDDEN" });
  });
  it("refuses a step out of order", () => {
    expect(signOff(ctx(snapshot(), sre), "note", {}, now)).toMatchObject({ ok: false, code: "CONFLICT", message: expect.stringMatching(/Steps go in order/) });
  });
  it("refuses a step already signed, naming who signed it", () => {
    const snap = snapshot({ triage: { status: "DONE", completedById: "sre2" } }, { signatures: [{ stepId: "triage", personId: "sre2", personName: "Jordan", role: "SRE", requestHash: null, voided: false }] });
    expect(signOff(ctx(snap, sre), "triage", {}, now)).toMatchObject({ ok: false, code: "CONFLICT", message: expect.stringMatching(/already signed off by Jordan/) });
  });
  it("refuses anything on an ended run", () => {
    expect(signOff(ctx(snapshot({}, { status: "ABORTED" }), sre), "triage", {}, now)).toMatchObject({ ok: false, code: "CONFLICT" });
  });
  it("refuses signing a decision, an action or a two-person step", () => {
    const atDecide = snapshot({ triage: { status: "DONE" } });
    expect(signOff(ctx(atDecide, ic), "decide", {}, now)).toMatchObject({ ok: false, code: "INVALID" });
    const atThrottle = snapshot({ triage: { status: "DONE" }, decide: { status: "DONE" }, note: { status: "DONE" } });
    expect(signOff(ctx(atThrottle, sre), "throttle", {}, now)).toMatchObject({ ok: false, code: "INVALID" });
  });
});

describe("decide", () => {
  const atDecide = snapshot({ triage: { status: "DONE" } });
  it("GO follows the branch: steps jumped over become not applicable", () => {
    const plan = ok(decide(ctx(atDecide, ic), "decide", { outcome: "GO", reason: "7 repos failing", criteria: [] }, now));
    expect(plan.stepUpdates.map((u) => [u.stepId, u.data.status])).toEqual([
      ["decide", "DONE"],
      ["note", "NOT_APPLICABLE"],
    ]);
    expect(plan.decision).toMatchObject({ outcome: "GO", reason: "7 repos failing" });
    expect(plan.endRun).toBeUndefined();
  });
  it("NO-GO to end:completed ends the run and closes the remaining steps", () => {
    const plan = ok(decide(ctx(atDecide, ic), "decide", { outcome: "NO_GO", reason: "fix in 10 min", criteria: [] }, now));
    expect(plan.endRun).toMatchObject({ status: "COMPLETED" });
    expect(plan.stepUpdates.filter((u) => u.data.status === "NOT_APPLICABLE").map((u) => u.stepId)).toEqual(["note", "throttle", "prune"]);
  });
  it("needs a reason and the decider's role", () => {
    expect(decide(ctx(atDecide, ic), "decide", { outcome: "GO", reason: " ", criteria: [] }, now)).toMatchObject({ ok: false, code: "INVALID" });
    expect(decide(ctx(atDecide, sre), "decide", { outcome: "GO", reason: "because", criteria: [] }, now)).toMatchObject({ ok: false, code: "FORBIDDEN" });
  });
  it("refuses deciding a step that is not a decision", () => {
    expect(decide(ctx(snapshot(), sre), "triage", { outcome: "GO", reason: "because", criteria: [] }, now)).toMatchObject({ ok: false, code: "INVALID" });
  });
});

describe("two-person rule", () => {
  const atThrottle = snapshot({ triage: { status: "DONE" }, decide: { status: "DONE" }, note: { status: "NOT_APPLICABLE" } });

  it("a request needs its placeholders filled and valid parameters", () => {
    expect(requestStep(ctx(atThrottle, sre), "throttle", {}, now)).toMatchObject({ ok: false, code: "INVALID", message: "Fill in repos." });
  });

  it("a request waits for signatures and voids signatures of an earlier, different request", () => {
    const plan = ok(requestStep(ctx(atThrottle, sre), "throttle", { repos: "billing-api, checkout-web" }, now));
    expect(plan.stepUpdates[0].data).toMatchObject({ status: "AWAITING_SIGNATURES", requestedById: "sre" });
    expect(plan.enqueue).toBeUndefined();
    expect(plan.voidSignaturesOf).toEqual({ stepId: "throttle", exceptHash: plan.stepUpdates[0].data.requestHash });
    const other = ok(requestStep(ctx(atThrottle, sre), "throttle", { repos: "billing-api" }, now));
    expect(other.stepUpdates[0].data.requestHash).not.toBe(plan.stepUpdates[0].data.requestHash);
    const same = ok(requestStep(ctx(atThrottle, sre2), "throttle", { repos: "billing-api,checkout-web" }, now));
    expect(same.stepUpdates[0].data.requestHash).toBe(plan.stepUpdates[0].data.requestHash);
  });

  const hash = "a".repeat(64);
  const awaiting = (signatures: RunSnapshot["signatures"] = []) =>
    snapshot(
      { triage: { status: "DONE" }, decide: { status: "DONE" }, note: { status: "NOT_APPLICABLE" }, throttle: { status: "AWAITING_SIGNATURES", requestHash: hash, requestedById: "sre", request: { action: "throttle-repo", params: { repos: ["billing-api", "checkout-web"], capacityPercent: 50 } } } },
      { signatures },
    );

  it("refuses the requester's own approval", () => {
    expect(approveStep(ctx(awaiting(), sre), "throttle", hash, now)).toMatchObject({ ok: false, code: "FORBIDDEN", message: expect.stringMatching(/requested this action/) });
  });
  it("refuses an approval of a request that changed", () => {
    expect(approveStep(ctx(awaiting(), sre2), "throttle", "b".repeat(64), now)).toMatchObject({ ok: false, code: "CONFLICT" });
  });
  it("the first approval records a signature and sends nothing", () => {
    const plan = ok(approveStep(ctx(awaiting(), sre2), "throttle", hash, now));
    expect(plan.signature).toEqual({ stepId: "throttle", role: "SRE", requestHash: hash });
    expect(plan.enqueue).toBeUndefined();
  });
  it("refuses the same person twice", () => {
    const snap = awaiting([{ stepId: "throttle", personId: "sre2", personName: "SRE2", role: "SRE", requestHash: hash, voided: false }]);
    expect(approveStep(ctx(snap, sre2), "throttle", hash, now)).toMatchObject({ ok: false, code: "CONFLICT" });
  });
  it("the second different approval sends the exact request", () => {
    const snap = awaiting([{ stepId: "throttle", personId: "sre2", personName: "SRE2", role: "SRE", requestHash: hash, voided: false }]);
    const plan = ok(approveStep(ctx(snap, ic), "throttle", hash, now));
    expect(plan.stepUpdates[0].data.status).toBe("COMMAND_SENT");
    expect(plan.enqueue).toEqual({ stepId: "throttle", action: "throttle-repo", params: { repos: ["billing-api", "checkout-web"], capacityPercent: 50 } });
  });
  it("voided signatures do not count", () => {
    const snap = awaiting([{ stepId: "throttle", personId: "sre2", personName: "SRE2", role: "SRE", requestHash: hash, voided: true }]);
    expect(ok(approveStep(ctx(snap, ic), "throttle", hash, now)).enqueue).toBeUndefined();
  });
  it("refuses approving a step that is not waiting for approval", () => {
    expect(approveStep(ctx(atThrottle, sre2), "throttle", hash, now)).toMatchObject({ ok: false, code: "CONFLICT" });
  });
});

describe("one-person action", () => {
  const atPrune = snapshot({ triage: { status: "DONE" }, decide: { status: "DONE" }, note: { status: "NOT_APPLICABLE" }, throttle: { status: "COMMAND_SENT", commandState: "SUCCEEDED" } });
  it("is sent at once with the filled, validated parameters", () => {
    const plan = ok(requestStep(ctx(atPrune, sre), "prune", { repo: "billing-api" }, now));
    expect(plan.enqueue).toMatchObject({ action: "set-context-pruning", params: expect.objectContaining({ repo: "billing-api", enabled: true }) });
    expect(plan.stepUpdates[0].data.status).toBe("COMMAND_SENT");
  });
  it("can be requested again after its command failed, but not while it is on its way", () => {
    const failed = snapshot({ triage: { status: "DONE" }, decide: { status: "DONE" }, note: { status: "NOT_APPLICABLE" }, throttle: { status: "COMMAND_SENT", commandState: "SUCCEEDED" }, prune: { status: "COMMAND_SENT", commandState: "FAILED" } });
    expect(requestStep(ctx(failed, sre), "prune", { repo: "billing-api" }, now).ok).toBe(true);
    const inFlight = snapshot({ triage: { status: "DONE" }, decide: { status: "DONE" }, note: { status: "NOT_APPLICABLE" }, throttle: { status: "COMMAND_SENT", commandState: "SUCCEEDED" }, prune: { status: "COMMAND_SENT", commandState: "SENDING" } });
    expect(requestStep(ctx(inFlight, sre), "prune", { repo: "billing-api" }, now)).toMatchObject({ ok: false, code: "CONFLICT" });
  });
  it("refuses a step without an action", () => {
    expect(requestStep(ctx(snapshot(), sre), "triage", {}, now)).toMatchObject({ ok: false, code: "INVALID" });
  });
});

describe("skip and abort", () => {
  it("only the incident commander skips, with a reason, and only the current step", () => {
    expect(skip(ctx(snapshot(), sre), "triage", "reason")).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(skip(ctx(snapshot(), ic), "triage", "")).toMatchObject({ ok: false, code: "INVALID" });
    expect(skip(ctx(snapshot(), ic), "note", "later step")).toMatchObject({ ok: false, code: "CONFLICT" });
    expect(ok(skip(ctx(snapshot(), ic), "triage", "done on the call")).stepUpdates[0].data).toMatchObject({ status: "SKIPPED", skipReason: "done on the call" });
  });
  it("only the incident commander aborts, with a reason, a run still in progress", () => {
    expect(abort(ctx(snapshot(), sre), "why")).toMatchObject({ ok: false, code: "FORBIDDEN" });
    expect(abort(ctx(snapshot(), ic), "")).toMatchObject({ ok: false, code: "INVALID" });
    expect(abort(ctx(snapshot({}, { status: "COMPLETED" }), ic), "late")).toMatchObject({ ok: false, code: "CONFLICT" });
    expect(ok(abort(ctx(snapshot(), ic), "false alarm")).endRun).toEqual({ status: "ABORTED", reason: "false alarm" });
  });
});
